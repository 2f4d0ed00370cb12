//! The legacy plugin contract's method names and argument names (legacy-api §4–§5), mapped onto the
//! same operations every other interface calls. [`parse_legacy_call`] is pure: it turns an old
//! method name and its params into a [`LegacyCall`]; [`App::call_legacy`] runs it and returns the
//! result fields the old plugin reads. The HTTP legacy routes (`POST /` `{method, params}`) and the
//! MCP aliases both go through here, so the mapping exists once.

use std::collections::BTreeSet;

use handoff_store::Identity;
use handoff_templates::tech_stack::{TechStack, detect};
use handoff_templates::{StringOrList, TeamStandards};
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::analysis::{AnalyzeRequest, ReportKind};
use super::design::{DesignSource, InlineFrames};
use super::tickets::{GenerateRequest, GeneratedTickets, now_millis};
use crate::app::App;
use crate::error::AppError;
use crate::ratelimit::RateGroup;

/// Every legacy name [`parse_legacy_call`] accepts: the nine `POST /` methods (§4) and the six L2
/// tools (§5).
pub const LEGACY_METHODS: [&str; 15] = [
    "analyze_project",
    "generate_tickets",
    "check_compliance",
    "generate_enhanced_ticket",
    "generate_ai_ticket",
    "test_ai_services",
    "generate_visual_enhanced_ticket",
    "analyze_design_health",
    "generate_template_tickets",
    "project_analyzer",
    "ticket_generator",
    "compliance_checker",
    "batch_processor",
    "effort_estimator",
    "relationship_mapper",
];

/// The input schemas the six L2 tools declared (§5), in L2's order, for the HTTP `tools/list`
/// method and the MCP aliases. `figma_url` is the description of the `figmaUrl` argument: the HTTP
/// route keeps L2's wording, MCP says how a node-id in the link is used.
pub fn l2_tool_input_schemas(figma_url: &str) -> [(&'static str, Value); 6] {
    let string = json!({"type": "string"});
    let frames = json!({"type": "array", "items": {"type": "object"},
                        "description": "The plugin's frame data"});
    let figma_url = json!({"type": "string", "description": figma_url});
    [
        (
            "project_analyzer",
            json!({"type": "object", "properties": {
                "figmaUrl": figma_url,
                "scope": {"type": "string", "enum": ["file", "page", "frame"], "default": "file"}},
                "required": ["figmaUrl"]}),
        ),
        (
            "ticket_generator",
            json!({"type": "object", "properties": {
                "frameData": frames, "template": string,
                "platform": {"type": "string", "enum": ["jira", "github", "linear", "notion", "ui"]},
                "documentType": {"type": "string", "enum": ["component", "feature", "code"]},
                "useTemplates": {"type": "boolean", "default": true}}}),
        ),
        (
            "compliance_checker",
            json!({"type": "object", "properties": {
                "figmaUrl": figma_url, "standards": {"type": "array", "items": string}},
                "required": ["figmaUrl"]}),
        ),
        (
            "batch_processor",
            json!({"type": "object", "properties": {"frames": frames, "operation": string},
                "required": ["frames", "operation"]}),
        ),
        (
            "effort_estimator",
            json!({"type": "object", "properties": {
                "frameData": frames,
                "complexity": {"type": "string", "enum": ["simple", "medium", "complex"]}},
                "required": ["frameData"]}),
        ),
        (
            "relationship_mapper",
            json!({"type": "object", "properties": {
                "figmaUrl": figma_url, "depth": {"type": "number", "default": 2}},
                "required": ["figmaUrl"]}),
        ),
    ]
}

/// A legacy call, already translated into the current requests.
#[derive(Debug, Clone)]
pub enum LegacyCall {
    /// `analyze_project`, `project_analyzer`, `check_compliance`, `compliance_checker`,
    /// `analyze_design_health`, `relationship_mapper`.
    Report {
        kind: ReportKind,
        request: AnalyzeRequest,
    },
    /// `effort_estimator`: the effort report; a given `complexity` overrides the computed one.
    Effort {
        request: AnalyzeRequest,
        complexity: Option<String>,
    },
    /// `generate_tickets`, `ticket_generator`, `generate_template_tickets`: one ticket per frame,
    /// an implementation plan for several.
    Tickets(GenerateRequest),
    /// `generate_enhanced_ticket`: a ticket plus boilerplate code for the tech stack.
    EnhancedTicket(GenerateRequest),
    /// `generate_ai_ticket`: a ticket from the plugin's `enhancedFrameData` (no AI provider is
    /// involved; `metadata` says so).
    AiTicket {
        request: GenerateRequest,
        signals: VisualSignals,
    },
    /// `generate_visual_enhanced_ticket`: a ticket plus how much visual context backed it.
    VisualTicket {
        request: GenerateRequest,
        signals: VisualSignals,
    },
    /// `test_ai_services`.
    TestAiServices,
    /// `batch_processor`: `operation` over each frame.
    Batch {
        operation: BatchOperation,
        frames: Vec<Value>,
        /// Platform, document type, tech stack … for ticket batches.
        base: GenerateRequest,
    },
    /// A ticket method called with no frames and no Figma link.
    NothingSelected,
}

/// How much visual context a visual or AI ticket request carried (legacy `enhancedContext`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VisualSignals {
    pub has_screenshot: bool,
    pub palette_size: usize,
    pub fonts: usize,
    pub spacing_patterns: usize,
    pub components: usize,
    pub frames: usize,
}

impl VisualSignals {
    /// Legacy formula: 3 with a screenshot, +1 each for palette, fonts, spacing patterns, components.
    pub fn data_points(&self) -> u32 {
        let present = [
            self.palette_size > 0,
            self.fonts > 0,
            self.spacing_patterns > 0,
            self.components > 0,
        ];
        u32::from(self.has_screenshot) * 3 + present.iter().map(|p| u32::from(*p)).sum::<u32>()
    }

    /// Legacy formula: 60, +25 with a screenshot, +5 for each of the four signals, at most 95.
    pub fn confidence(&self) -> u32 {
        let signals = self.data_points() - u32::from(self.has_screenshot) * 3;
        (60 + u32::from(self.has_screenshot) * 25 + signals * 5).min(95)
    }
}

/// What `batch_processor` runs per frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchOperation {
    Tickets,
    Report(ReportKind),
}

/// The result fields the old plugin reads. `content` is always an array of text blocks with string
/// text (the old server sometimes sent objects); the other fields appear only where the old method
/// had them.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct LegacyOutput {
    pub content: Vec<LegacyText>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub boilerplate_code: Option<Boilerplate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_fallback: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fallback_reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enhanced_context: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct LegacyText {
    /// Always `text`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub text: String,
}

/// Starter code for `generate_enhanced_ticket` (React; `types` only for TypeScript).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Boilerplate {
    pub component: String,
    pub styles: String,
    pub tests: String,
    pub story: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub types: Option<String>,
}

impl LegacyOutput {
    fn text(text: String) -> Self {
        Self {
            content: vec![LegacyText { kind: "text", text }],
            ticket: None,
            boilerplate_code: None,
            is_fallback: None,
            fallback_reason: None,
            enhanced_context: None,
            metadata: None,
        }
    }

    /// The text blocks joined the way the plugin joins them.
    pub fn joined_text(&self) -> String {
        let parts: Vec<&str> = self.content.iter().map(|c| c.text.as_str()).collect();
        parts.join("\n\n")
    }
}

impl LegacyCall {
    /// The rate-limit budget one run draws on: reads for the status report, generation for the
    /// rest. A Figma fetch also draws on the Figma budget, charged by the fetch itself.
    pub fn rate_groups(&self) -> Vec<RateGroup> {
        if matches!(self, Self::TestAiServices | Self::NothingSelected) {
            return vec![RateGroup::Reads];
        }
        vec![RateGroup::Generation]
    }

    /// Whether running the call fetches the design from Figma's API.
    pub fn fetches_figma(&self) -> bool {
        let source = match self {
            Self::Report { request, .. } | Self::Effort { request, .. } => &request.source,
            Self::Tickets(request)
            | Self::EnhancedTicket(request)
            | Self::AiTicket { request, .. }
            | Self::VisualTicket { request, .. } => &request.source,
            Self::Batch { .. } | Self::TestAiServices | Self::NothingSelected => return false,
        };
        matches!(source, DesignSource::Url { .. } | DesignSource::File { .. })
    }
}

/// Translates a legacy method (or L2 tool) name and its params into a [`LegacyCall`]. A missing
/// `params` is `{}`; unknown methods and missing required fields are `bad_request` errors whose
/// message names what to send.
pub fn parse_legacy_call(name: &str, params: Value) -> Result<LegacyCall, AppError> {
    let args = Args::new(params)?;
    let report = |kind| -> Result<LegacyCall, AppError> {
        Ok(LegacyCall::Report {
            kind,
            request: analyze_request(args.require_source(name)?),
        })
    };
    match name {
        "analyze_project" | "project_analyzer" => report(ReportKind::Project),
        "check_compliance" | "compliance_checker" | "analyze_design_health" => {
            Ok(LegacyCall::Report {
                kind: if name == "analyze_design_health" {
                    ReportKind::Health
                } else {
                    ReportKind::Compliance
                },
                request: AnalyzeRequest {
                    categories: args.categories()?,
                    max_findings: if name == "analyze_design_health" {
                        args.analysis_depth()?
                    } else {
                        None
                    },
                    ..analyze_request(args.require_source(name)?)
                },
            })
        }
        "relationship_mapper" => Ok(LegacyCall::Report {
            kind: ReportKind::Relationships,
            request: AnalyzeRequest {
                depth: Some(args.depth()?),
                ..analyze_request(args.require_source(name)?)
            },
        }),
        "effort_estimator" => Ok(LegacyCall::Effort {
            request: analyze_request(args.require_source(name)?),
            complexity: args.string(&["complexity"]),
        }),
        "generate_tickets" | "ticket_generator" | "generate_template_tickets" => {
            match args.source() {
                Some(source) => Ok(LegacyCall::Tickets(args.generate_request(source)?)),
                None => Ok(LegacyCall::NothingSelected),
            }
        }
        "generate_enhanced_ticket" => Ok(LegacyCall::EnhancedTicket(
            args.generate_request(args.require_source(name)?)?,
        )),
        "generate_ai_ticket" => {
            let source = args.require_source(name)?;
            let mut request = args.generate_request(source)?;
            if args.string(&["platform"]).is_none() {
                request.platform = ai_platform(&request.document_type).to_owned();
            }
            Ok(LegacyCall::AiTicket {
                signals: args.frame_signals(),
                request,
            })
        }
        "generate_visual_enhanced_ticket" => Ok(LegacyCall::VisualTicket {
            request: args.generate_request(args.require_source(name)?)?,
            signals: args.visual_signals(),
        }),
        "test_ai_services" => Ok(LegacyCall::TestAiServices),
        "batch_processor" => {
            let frames = args.frames(&["frames", "frameData"]).ok_or_else(|| {
                missing(
                    name,
                    "`frames` (a non-empty array of the plugin's frame data)",
                )
            })?;
            let operation = args
                .string(&["operation"])
                .ok_or_else(|| missing(name, "`operation` (tickets, estimate, compliance, …)"))?;
            let operation = batch_operation(&operation)?;
            let base = args.generate_request(DesignSource::Inline {
                frames: InlineFrames::Value(Value::Array(Vec::new())),
            })?;
            Ok(LegacyCall::Batch {
                operation,
                frames,
                base,
            })
        }
        other => Err(AppError::bad_request(format!("Unknown method: {other}"))
            .with_code("unknown_method")
            .with_details(json!({ "methods": LEGACY_METHODS }))),
    }
}

fn missing(method: &str, what: &str) -> AppError {
    AppError::bad_request(format!("{method}: missing {what}")).with_code("missing_argument")
}

fn analyze_request(source: DesignSource) -> AnalyzeRequest {
    AnalyzeRequest {
        source,
        tokens: None,
        token_format: None,
        depth: None,
        categories: None,
        max_findings: None,
    }
}

/// `generate_ai_ticket`'s `documentType` named the destination too.
fn ai_platform(document_type: &str) -> &'static str {
    match document_type {
        "confluence" | "technical_spec" => "confluence",
        "wiki" => "wiki",
        "github_issue" => "github",
        _ => "jira",
    }
}

fn batch_operation(name: &str) -> Result<BatchOperation, AppError> {
    let normalised = name.trim().to_ascii_lowercase().replace(['-', ' '], "_");
    Ok(match normalised.as_str() {
        "tickets" | "ticket" | "generate" | "generate_tickets" | "ticket_generator" => {
            BatchOperation::Tickets
        }
        "estimate" | "effort" | "estimate_effort" | "effort_estimator" => {
            BatchOperation::Report(ReportKind::Effort)
        }
        "compliance" | "check_compliance" | "compliance_checker" => {
            BatchOperation::Report(ReportKind::Compliance)
        }
        "analyze" | "analysis" | "project" | "analyze_project" => {
            BatchOperation::Report(ReportKind::Project)
        }
        "health" | "analyze_design_health" => BatchOperation::Report(ReportKind::Health),
        "relationships" | "map_relationships" | "relationship_mapper" => {
            BatchOperation::Report(ReportKind::Relationships)
        }
        "tokens" | "extract_design_tokens" => BatchOperation::Report(ReportKind::Tokens),
        _ => {
            return Err(AppError::bad_request(format!(
                "batch_processor: unknown operation `{name}`; use tickets, estimate, compliance, \
                 analyze, health, relationships or tokens"
            ))
            .with_code("unknown_operation"));
        }
    })
}

/// The params object with lookups by any of a field's old names.
struct Args(Map<String, Value>);

impl Args {
    fn new(params: Value) -> Result<Self, AppError> {
        match params {
            Value::Null => Ok(Self(Map::new())),
            Value::Object(map) => Ok(Self(map)),
            _ => Err(AppError::bad_request("params must be a JSON object").with_code("bad_params")),
        }
    }

    fn get(&self, path: &[&str]) -> Option<&Value> {
        let (first, rest) = path.split_first()?;
        rest.iter()
            .try_fold(self.0.get(*first)?, |value, key| value.get(key))
    }

    /// The first non-empty string among `names` (top-level).
    fn string(&self, names: &[&str]) -> Option<String> {
        names.iter().find_map(|name| self.nested_string(&[name]))
    }

    fn nested_string(&self, path: &[&str]) -> Option<String> {
        self.get(path)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    }

    /// The first non-empty array among `names` (top-level).
    fn frames(&self, names: &[&str]) -> Option<Vec<Value>> {
        names.iter().find_map(|name| match self.0.get(*name) {
            Some(Value::Array(items)) if !items.is_empty() => Some(items.clone()),
            _ => None,
        })
    }

    /// Frames the plugin selected, else a Figma link, else a file key: wherever the old clients
    /// put them.
    fn source(&self) -> Option<DesignSource> {
        let selection = match self.get(&["figmaContext", "selection"]) {
            Some(Value::Array(items)) if !items.is_empty() => Some(items.clone()),
            _ => None,
        };
        if let Some(frames) = self
            .frames(&["frameData", "enhancedFrameData", "frames"])
            .or(selection)
        {
            return Some(DesignSource::Inline {
                frames: InlineFrames::Value(Value::Array(frames)),
            });
        }
        let url = self.string(&["figmaUrl", "url", "figma_url"]).or_else(|| {
            self.nested_string(&["figmaContext", "figmaUrl"])
                .or_else(|| self.nested_string(&["figmaContext", "figma_url"]))
        });
        if let Some(url) = url {
            return Some(DesignSource::Url { url });
        }
        let file_key = self
            .string(&["fileKey", "file_key"])
            .or_else(|| self.nested_string(&["figmaContext", "fileKey"]))?;
        let node = self
            .string(&["nodeId", "node_id"])
            .or_else(|| self.nested_string(&["figmaContext", "frame_id"]));
        Some(DesignSource::File {
            file_key,
            node_ids: match node {
                Some(id) => super::design::NodeIds::One(id),
                None => super::design::NodeIds::None,
            },
        })
    }

    fn require_source(&self, method: &str) -> Result<DesignSource, AppError> {
        self.source().ok_or_else(|| {
            missing(
                method,
                "the design: send `figmaUrl` (a figma.com link), `fileKey` (+ `nodeId`) or the \
                 plugin's `frameData`",
            )
        })
    }

    fn generate_request(&self, source: DesignSource) -> Result<GenerateRequest, AppError> {
        let mut team_standards: Option<TeamStandards> = match self.0.get("teamStandards") {
            Some(value @ Value::Object(_)) => {
                Some(serde_json::from_value(value.clone()).map_err(|err| {
                    AppError::bad_request(format!("teamStandards: {err}"))
                        .with_code("bad_team_standards")
                })?)
            }
            _ => None,
        };
        let tech_stack = team_standards
            .as_mut()
            .and_then(|s| s.tech_stack.take())
            .or_else(|| {
                self.string(&["techStack", "tech_stack"])
                    .or_else(|| self.nested_string(&["options", "techStack"]))
                    .map(StringOrList::One)
            });
        let document_type = self
            .string(&["documentType", "document_type", "template"])
            .or_else(|| self.nested_string(&["options", "documentType"]))
            .unwrap_or_else(|| "component".to_owned());
        let node_ids = match &source {
            DesignSource::Inline {
                frames: InlineFrames::Value(Value::Array(frames)),
            } if frames.len() > 1 => frame_ids(frames),
            _ => Vec::new(),
        };
        Ok(GenerateRequest {
            source,
            platform: self
                .string(&["platform"])
                .unwrap_or_else(|| "jira".to_owned()),
            document_type,
            node_ids,
            // The plugin shows Markdown, whatever the platform's native format is.
            format: Some("markdown".to_owned()),
            tech_stack,
            project_name: self.string(&["projectName", "project_name"]),
            instructions: self
                .string(&["instructions", "additionalRequirements"])
                .or_else(|| self.nested_string(&["options", "instructions"])),
            team_standards,
            child_type: None,
        })
    }

    /// `relationship_mapper`'s `depth`: a whole number from 1, as a number or a string of
    /// digits; 2 when absent, as in L2.
    fn depth(&self) -> Result<u32, AppError> {
        let value = match self.0.get("depth") {
            None | Some(Value::Null) => return Ok(2),
            Some(value) => value,
        };
        let depth = match value {
            Value::Number(number) => number.as_u64().or_else(|| {
                number
                    .as_f64()
                    .filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f <= f64::from(u32::MAX))
                    .map(|f| f as u64)
            }),
            Value::String(text) => text.trim().parse::<u64>().ok(),
            _ => None,
        };
        depth
            .and_then(|depth| u32::try_from(depth).ok())
            .filter(|depth| *depth >= 1)
            .ok_or_else(|| {
                AppError::bad_request(format!("depth must be a whole number from 1, got {value}"))
                    .with_code("bad_depth")
            })
    }

    /// `check_compliance`'s and `analyze_design_health`'s `categories`: an array of names, or
    /// one string of comma-separated names; absent or null means all (L1's default `["all"]`).
    /// The names themselves are checked against the report's categories by the analysis.
    fn categories(&self) -> Result<Option<Vec<String>>, AppError> {
        let names = match self.0.get("categories") {
            None | Some(Value::Null) => return Ok(None),
            Some(Value::String(text)) => text.split(',').map(str::to_owned).collect(),
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| item.as_str().map(str::to_owned))
                .collect::<Option<Vec<String>>>()
                .ok_or_else(|| {
                    AppError::bad_request("categories must be names (strings)")
                        .with_code("bad_category")
                })?,
            Some(other) => {
                return Err(AppError::bad_request(format!(
                    "categories must be an array of names, got {other}"
                ))
                .with_code("bad_category"));
            }
        };
        Ok(Some(names))
    }

    /// `analyze_design_health`'s `analysisDepth` (L1: `basic`, `standard` or `comprehensive`),
    /// read as how much of the audit is listed: 5, the reports' default
    /// ([`handoff_analysis::DEFAULT_MAX_FINDINGS_PER_CATEGORY`]) or 500 findings per category.
    /// Every finding is counted whatever the depth.
    fn analysis_depth(&self) -> Result<Option<u32>, AppError> {
        let Some(value) = self.0.get("analysisDepth").filter(|v| !v.is_null()) else {
            return Ok(None);
        };
        match value
            .as_str()
            .map(|s| s.trim().to_ascii_lowercase())
            .as_deref()
        {
            Some("basic") => Ok(Some(5)),
            Some("standard") => Ok(None),
            Some("comprehensive") => Ok(Some(500)),
            _ => Err(AppError::bad_request(format!(
                "analysisDepth must be basic, standard or comprehensive, got {value}"
            ))
            .with_code("bad_analysis_depth")),
        }
    }

    /// Signals of `generate_ai_ticket`: a screenshot, and the plugin's per-frame design tokens.
    fn frame_signals(&self) -> VisualSignals {
        let frames = self
            .frames(&["enhancedFrameData", "frameData"])
            .unwrap_or_default();
        let mut colours = BTreeSet::new();
        let mut fonts = BTreeSet::new();
        let mut spacing = BTreeSet::new();
        let mut components = 0;
        for frame in &frames {
            let tokens = frame.pointer("/hierarchy/designTokens");
            collect_strings(tokens.and_then(|t| t.get("colors")), &mut colours);
            collect_strings(tokens.and_then(|t| t.get("typography")), &mut fonts);
            collect_strings(tokens.and_then(|t| t.get("spacing")), &mut spacing);
            components += frame
                .pointer("/hierarchy/componentCount")
                .and_then(Value::as_u64)
                .unwrap_or(0) as usize;
        }
        VisualSignals {
            has_screenshot: self.string(&["screenshot", "imageData"]).is_some(),
            palette_size: colours.len(),
            fonts: fonts.len(),
            spacing_patterns: spacing.len(),
            components,
            frames: frames.len(),
        }
    }

    /// Signals of `generate_visual_enhanced_ticket`'s `visualContext` and `hierarchicalData`.
    fn visual_signals(&self) -> VisualSignals {
        let len = |path: &[&str]| match self.get(path) {
            Some(Value::Array(items)) => items.len(),
            Some(Value::Object(map)) => map.len(),
            _ => 0,
        };
        VisualSignals {
            has_screenshot: self
                .get(&["visualContext", "screenshot"])
                .is_some_and(|s| !s.is_null()),
            palette_size: len(&["visualContext", "visualDesignContext", "colorPalette"]),
            fonts: len(&[
                "visualContext",
                "visualDesignContext",
                "typography",
                "fonts",
            ]),
            spacing_patterns: len(&[
                "visualContext",
                "visualDesignContext",
                "spacing",
                "patterns",
            ]),
            components: len(&["hierarchicalData", "components"]),
            frames: len(&["figmaContext", "selection"]),
        }
    }
}

fn collect_strings(value: Option<&Value>, into: &mut BTreeSet<String>) {
    if let Some(Value::Array(items)) = value {
        into.extend(items.iter().map(|item| match item {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }));
    }
}

/// The ids of the given plugin frames, when every frame has one (else the default subject is used).
fn frame_ids(frames: &[Value]) -> Vec<String> {
    let ids: Vec<String> = frames
        .iter()
        .filter_map(|f| f.get("id").and_then(Value::as_str).map(str::to_owned))
        .collect();
    if ids.len() == frames.len() {
        ids
    } else {
        Vec::new()
    }
}

/// Reports progress of a multi-step call: (steps done, total steps, what is happening).
pub type ProgressFn<'a> = &'a (dyn Fn(u32, u32, &str) + Send + Sync);

impl App {
    /// Runs a legacy call over the current operations.
    pub async fn call_legacy(
        &self,
        who: &Identity,
        call: LegacyCall,
    ) -> Result<LegacyOutput, AppError> {
        self.call_legacy_reporting(who, call, &|_, _, _| {}).await
    }

    /// [`call_legacy`](Self::call_legacy), reporting progress per frame of a batch.
    pub async fn call_legacy_reporting(
        &self,
        who: &Identity,
        call: LegacyCall,
        progress: ProgressFn<'_>,
    ) -> Result<LegacyOutput, AppError> {
        match call {
            LegacyCall::Report { kind, request } => Ok(LegacyOutput::text(
                self.analyze(who, kind, &request).await?.markdown,
            )),
            LegacyCall::Effort {
                request,
                complexity,
            } => {
                let mut markdown = self
                    .analyze(who, ReportKind::Effort, &request)
                    .await?
                    .markdown;
                if let Some(given) = complexity {
                    markdown.push_str(&complexity_override(&given)?);
                }
                Ok(LegacyOutput::text(markdown))
            }
            LegacyCall::Tickets(request) => {
                let generated = self.generate_tickets(who, &request).await?;
                Ok(LegacyOutput::text(plan_markdown(&request, &generated)))
            }
            LegacyCall::EnhancedTicket(request) => {
                let generated = self.generate_tickets(who, &request).await?;
                let ticket = generated.joined();
                let name = subject_name(&generated);
                let mut output = LegacyOutput::text(ticket.clone());
                output.ticket = Some(ticket);
                output.boilerplate_code = boilerplate(&name, request.tech_stack.as_ref());
                output.is_fallback = Some(false);
                Ok(output)
            }
            LegacyCall::AiTicket { request, signals } => {
                let generated = self.generate_tickets(who, &request).await?;
                let confidence = generated
                    .tickets
                    .first()
                    .map(|t| t.ticket.estimate.confidence)
                    .unwrap_or(0.0);
                let mut output = LegacyOutput::text(generated.joined());
                output.metadata = Some(json!({
                    "generationType": "template",
                    "aiModel": Value::Null,
                    "confidence": confidence,
                    "techStack": request.tech_stack.as_ref().map(StringOrList::entries),
                    "generatedAt": now_millis(),
                    "visualContext": {
                        "hasScreenshot": signals.has_screenshot,
                        "colorPaletteSize": signals.palette_size,
                        "componentsAnalyzed": signals.frames,
                    },
                }));
                Ok(output)
            }
            LegacyCall::VisualTicket { request, signals } => {
                let generated = self.generate_tickets(who, &request).await?;
                let text = format!(
                    "# 🎨 Visual-Enhanced {} Implementation\n\n{}",
                    subject_name(&generated),
                    generated.joined()
                );
                let mut output = LegacyOutput::text(text.clone());
                output.ticket = Some(text);
                output.enhanced_context = Some(json!({
                    "hasScreenshot": signals.has_screenshot,
                    "visualDataPoints": signals.data_points(),
                    "confidence": signals.confidence(),
                }));
                Ok(output)
            }
            LegacyCall::TestAiServices => Ok(LegacyOutput::text(ai_services_report())),
            LegacyCall::NothingSelected => Ok(LegacyOutput::text(
                "# No Components Selected\n\nSelect one or more frames or components in Figma and \
                 generate again, or send `frameData` or a `figmaUrl` with a `node-id`."
                    .to_owned(),
            )),
            LegacyCall::Batch {
                operation,
                frames,
                base,
            } => self
                .batch(who, operation, frames, base, progress)
                .await
                .map(LegacyOutput::text),
        }
    }

    async fn batch(
        &self,
        who: &Identity,
        operation: BatchOperation,
        frames: Vec<Value>,
        base: GenerateRequest,
        progress: ProgressFn<'_>,
    ) -> Result<String, AppError> {
        let total = u32::try_from(frames.len()).unwrap_or(u32::MAX);
        let mut sections = Vec::with_capacity(frames.len());
        for (index, frame) in frames.into_iter().enumerate() {
            let name = frame
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("Unnamed frame")
                .to_owned();
            progress(
                u32::try_from(index).unwrap_or(u32::MAX),
                total,
                &format!("frame {}: {name}", index + 1),
            );
            let source = DesignSource::Inline {
                frames: InlineFrames::Value(Value::Array(vec![frame])),
            };
            let body = match operation {
                BatchOperation::Tickets => {
                    let request = GenerateRequest {
                        source,
                        ..base.clone()
                    };
                    self.generate_tickets(who, &request).await?.joined()
                }
                BatchOperation::Report(kind) => {
                    self.analyze(who, kind, &analyze_request(source))
                        .await?
                        .markdown
                }
            };
            sections.push(format!("## Frame {}: {name}\n\n{body}", index + 1));
        }
        progress(total, total, "done");
        Ok(format!(
            "# ⚡ Batch Processing Complete\n\n**Operation**: {} | **Frames**: {total}\n\n{}",
            match operation {
                BatchOperation::Tickets => "tickets".to_owned(),
                BatchOperation::Report(kind) => format!("{kind:?}").to_lowercase(),
            },
            sections.join("\n\n---\n\n")
        ))
    }
}

/// One ticket as is; several as the old implementation plan with a summary of the totals.
fn plan_markdown(request: &GenerateRequest, generated: &GeneratedTickets) -> String {
    if generated.tickets.len() <= 1 {
        return generated.joined();
    }
    let project = request
        .project_name
        .as_deref()
        .unwrap_or("Design Implementation");
    let mut out = format!("# 🚀 {project} - Implementation Plan\n\n");
    let (mut points, mut hours) = (0u32, 0f64);
    for (index, rendered) in generated.tickets.iter().enumerate() {
        points += rendered.ticket.estimate.story_points;
        hours += rendered.ticket.estimate.hours;
        out.push_str(&format!(
            "## Component {}: {}\n\n{}\n\n",
            index + 1,
            rendered.ticket.title,
            rendered.rendered
        ));
    }
    out.push_str(&format!(
        "## 📋 Project Summary\n\n- **Components**: {}\n- **Story Points**: {points}\n- **Estimated Hours**: {hours:.1}\n",
        generated.tickets.len()
    ));
    out
}

/// `effort_estimator`'s `complexity` argument: the L2 hours for the given complexity.
fn complexity_override(given: &str) -> Result<String, AppError> {
    let hours = match given.trim().to_ascii_lowercase().as_str() {
        "simple" => 4,
        "medium" => 8,
        "complex" => 16,
        other => {
            return Err(AppError::bad_request(format!(
                "effort_estimator: complexity `{other}` is not simple, medium or complex"
            ))
            .with_code("bad_complexity"));
        }
    };
    Ok(format!(
        "\n\n**Complexity (as given)**: {given} → about {hours} hours per component\n"
    ))
}

/// The first ticket's design node name, else its title.
fn subject_name(generated: &GeneratedTickets) -> String {
    generated
        .tickets
        .first()
        .map(|t| {
            t.ticket
                .design_refs
                .first()
                .map(|r| r.name.clone())
                .unwrap_or_else(|| t.ticket.title.clone())
        })
        .unwrap_or_else(|| "Component".to_owned())
}

/// React starter files for `name`; `None` for other stacks (their tickets carry the file layout).
fn boilerplate(name: &str, tech_stack: Option<&StringOrList>) -> Option<Boilerplate> {
    let entries = tech_stack.map(StringOrList::entries).unwrap_or_default();
    let detected = detect(&entries).stack;
    if detected.is_some_and(|stack| stack != TechStack::React) {
        return None;
    }
    let profile = TechStack::React.profile(name);
    let component = profile.component_file.trim_end_matches(".tsx").to_owned();
    let typescript = entries.is_empty()
        || entries
            .iter()
            .any(|e| e.to_ascii_lowercase().contains("typescript") || e.trim() == "ts");
    let (props, props_type) = if typescript {
        (
            format!("{{ children, className }}: {component}Props"),
            Some(format!(
                "import type {{ ReactNode }} from 'react';\n\nexport interface {component}Props {{\n  children?: ReactNode;\n  className?: string;\n}}\n"
            )),
        )
    } else {
        ("{ children, className }".to_owned(), None)
    };
    let import_types = if typescript {
        format!("import type {{ {component}Props }} from './{component}.types';\n")
    } else {
        String::new()
    };
    Some(Boilerplate {
        component: format!(
            "import styles from './{component}.module.css';\n{import_types}\nexport function {component}({props}) {{\n  return (\n    <div className={{[styles.root, className].filter(Boolean).join(' ')}} data-testid=\"{component}\">\n      {{children}}\n    </div>\n  );\n}}\n"
        ),
        styles: ".root {\n  display: flex;\n}\n".to_owned(),
        tests: format!(
            "import {{ render, screen }} from '@testing-library/react';\nimport {{ {component} }} from './{component}';\n\ntest('renders {name}', () => {{\n  render(<{component}>content</{component}>);\n  expect(screen.getByTestId('{component}')).toHaveTextContent('content');\n}});\n"
        ),
        story: format!(
            "import type {{ Meta, StoryObj }} from '@storybook/react';\nimport {{ {component} }} from './{component}';\n\nconst meta: Meta<typeof {component}> = {{ title: 'Components/{component}', component: {component} }};\nexport default meta;\n\nexport const Default: StoryObj<typeof {component}> = {{ args: {{ children: '{name}' }} }};\n"
        ),
        types: props_type,
    })
}

/// handoff generates from templates; it calls no AI provider, and says so rather than probing.
fn ai_services_report() -> String {
    let providers = [
        ("Gemini", "GEMINI_API_KEY"),
        ("Gemini Vision", "GEMINI_API_KEY"),
        ("GPT-4 Vision", "OPENAI_API_KEY"),
        ("Claude", "ANTHROPIC_API_KEY"),
        ("GPT-4", "OPENAI_API_KEY"),
    ];
    let mut out = String::from("# 🧠 AI Services Status Report\n\n");
    for (name, env) in providers {
        out.push_str(&format!(
            "- ❌ **{name}**: not used by handoff (`{env}` is not read)\n"
        ));
    }
    out.push_str(
        "\nTickets and documents are generated from templates and the real design data, with \
         no AI provider: results do not depend on any API key.\n",
    );
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    /// The report a legacy method call asks for, or why it is refused.
    fn report_call(method: &str, params: Value) -> Result<(ReportKind, AnalyzeRequest), AppError> {
        parse_legacy_call(method, params).map(|call| match call {
            LegacyCall::Report { kind, request } => (kind, request),
            other => panic!("{other:?}"),
        })
    }

    #[test]
    fn old_argument_names_map_onto_current_requests() {
        let call = parse_legacy_call(
            "project_analyzer",
            json!({"figmaUrl": "https://www.figma.com/design/AbCdEf1234567890/Shop", "scope": "file"}),
        )
        .unwrap();
        let LegacyCall::Report { kind, request } = &call else {
            panic!("{call:?}")
        };
        assert_eq!(*kind, ReportKind::Project);
        assert!(matches!(request.source, DesignSource::Url { .. }));
        assert!(call.fetches_figma());
        assert_eq!(call.rate_groups(), [RateGroup::Generation]);

        let call = parse_legacy_call(
            "generate_template_tickets",
            json!({"frameData": [{"id": "1:2", "name": "A"}, {"id": "1:3", "name": "B"}],
                   "projectName": "Shop", "platform": "jira", "documentType": "component",
                   "teamStandards": {"tech_stack": ["React", "TypeScript"], "testing_framework": "jest-rtl"}}),
        )
        .unwrap();
        let LegacyCall::Tickets(request) = &call else {
            panic!("{call:?}")
        };
        assert_eq!(request.node_ids, ["1:2", "1:3"]);
        assert_eq!(request.project_name.as_deref(), Some("Shop"));
        assert_eq!(
            request.tech_stack.as_ref().map(StringOrList::entries),
            Some(vec!["React".to_owned(), "TypeScript".to_owned()])
        );
        assert_eq!(
            request
                .team_standards
                .as_ref()
                .and_then(|s| s.testing_framework.as_deref()),
            Some("jest-rtl")
        );
        assert_eq!(call.rate_groups(), [RateGroup::Generation]);
    }

    #[test]
    fn compliance_and_health_take_categories_as_an_array_or_a_comma_list() {
        let url = "https://www.figma.com/design/AbCdEf1234567890/Shop";
        let categories_of = |method: &str, params: Value| {
            report_call(method, params).map(|(kind, request)| (kind, request.categories))
        };
        assert_eq!(
            categories_of("check_compliance", json!({"figmaUrl": url})).unwrap(),
            (ReportKind::Compliance, None)
        );
        assert_eq!(
            categories_of(
                "compliance_checker",
                json!({"figmaUrl": url, "categories": ["all"]})
            )
            .unwrap(),
            (ReportKind::Compliance, Some(vec!["all".to_owned()]))
        );
        assert_eq!(
            categories_of(
                "analyze_design_health",
                json!({"fileKey": "AbCdEf1234567890", "categories": "naming, coverage"})
            )
            .unwrap(),
            (
                ReportKind::Health,
                Some(vec!["naming".to_owned(), " coverage".to_owned()])
            )
        );
        for bad in [json!(5), json!({"color": true}), json!(["color", 3])] {
            let err = categories_of(
                "check_compliance",
                json!({"figmaUrl": url, "categories": bad}),
            )
            .unwrap_err();
            assert_eq!(err.code, Some("bad_category"), "{bad}");
        }
    }

    #[test]
    fn analysis_depth_sets_how_many_health_findings_are_listed() {
        let max_of = |params: Value| {
            report_call("analyze_design_health", params).map(|(_, request)| request.max_findings)
        };
        let key = "AbCdEf1234567890";
        assert_eq!(max_of(json!({"fileKey": key})).unwrap(), None);
        for (depth, max) in [
            ("basic", Some(5)),
            ("standard", None),
            (" Comprehensive ", Some(500)),
        ] {
            assert_eq!(
                max_of(json!({"fileKey": key, "analysisDepth": depth})).unwrap(),
                max,
                "{depth}"
            );
        }
        for bad in [json!("deep"), json!(3), json!(["basic"])] {
            let err = max_of(json!({"fileKey": key, "analysisDepth": bad})).unwrap_err();
            assert_eq!(err.code, Some("bad_analysis_depth"), "{bad}");
        }
        let (_, request) = report_call(
            "check_compliance",
            json!({"figmaUrl": "https://www.figma.com/design/AbCdEf1234567890/Shop", "analysisDepth": "basic"}),
        )
        .unwrap();
        assert_eq!(
            request.max_findings, None,
            "only the health method reads it"
        );
    }

    #[test]
    fn relationship_mapper_depth_defaults_to_two_and_refuses_what_is_not_a_level() {
        let depth_of = |params: Value| {
            report_call("relationship_mapper", params).map(|(_, request)| request.depth)
        };
        let url = "https://www.figma.com/design/AbCdEf1234567890/Shop";
        assert_eq!(depth_of(json!({"figmaUrl": url})).unwrap(), Some(2));
        assert_eq!(
            depth_of(json!({"figmaUrl": url, "depth": null})).unwrap(),
            Some(2)
        );
        assert_eq!(
            depth_of(json!({"figmaUrl": url, "depth": 4})).unwrap(),
            Some(4)
        );
        assert_eq!(
            depth_of(json!({"figmaUrl": url, "depth": 3.0})).unwrap(),
            Some(3)
        );
        assert_eq!(
            depth_of(json!({"figmaUrl": url, "depth": " 5 "})).unwrap(),
            Some(5)
        );
        for bad in [
            json!(0),
            json!(-1),
            json!(2.5),
            json!("deep"),
            json!(true),
            json!([2]),
            json!(1e300),
            json!(u64::MAX),
        ] {
            let err = depth_of(json!({"figmaUrl": url, "depth": bad})).unwrap_err();
            assert_eq!(err.code, Some("bad_depth"), "{bad}");
            assert!(err.message.contains("depth must be"), "{}", err.message);
        }
    }

    #[test]
    fn missing_params_are_empty_and_required_fields_are_named() {
        assert!(matches!(
            parse_legacy_call("generate_tickets", Value::Null).unwrap(),
            LegacyCall::NothingSelected
        ));
        let err = parse_legacy_call("compliance_checker", json!({})).unwrap_err();
        assert!(err.message.contains("figmaUrl"), "{}", err.message);
        let err = parse_legacy_call("batch_processor", json!({"frames": [{}]})).unwrap_err();
        assert!(err.message.contains("operation"), "{}", err.message);
        let err = parse_legacy_call("nope", json!({})).unwrap_err();
        assert_eq!(err.message, "Unknown method: nope");
    }

    #[test]
    fn visual_signals_follow_the_legacy_formulas() {
        let call = parse_legacy_call(
            "generate_visual_enhanced_ticket",
            json!({"figmaContext": {"selection": [{"id": "1:2", "name": "Card"}]},
                   "visualContext": {"screenshot": {"base64": "AA=="},
                                     "visualDesignContext": {"colorPalette": [{"hex": "#fff"}],
                                                             "typography": {"fonts": ["Inter"]}}}}),
        )
        .unwrap();
        let LegacyCall::VisualTicket { signals, .. } = call else {
            panic!()
        };
        assert_eq!(signals.data_points(), 5);
        assert_eq!(signals.confidence(), 95);
        let none = VisualSignals::default();
        assert_eq!((none.data_points(), none.confidence()), (0, 60));
    }
}
