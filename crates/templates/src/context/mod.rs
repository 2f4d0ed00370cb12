//! The template context: a documented, versioned object built from the design, the analysis and
//! the caller's settings. docs/templates.md lists every variable; bump [`CONTEXT_VERSION`] when a
//! variable is removed or changes meaning.

mod criteria;
mod sample;
mod settings;
pub(crate) mod subject;

use std::collections::BTreeMap;

use handoff_analysis::effort::{self, ComplexityClass};
use handoff_figma::{Design, NodeIndex};
use serde::Serialize;

pub use sample::sample_context;
pub use settings::{Finding, ProjectSettings, Settings, StringOrList, TeamStandards};
pub use subject::{Subject, default_subject, top_level_frames};

use crate::error::TemplateError;
use crate::key::{Platform, TemplateKey};
use crate::spec::TemplateSpec;
use crate::tech_stack::{self, TechProfile, TechStack, TechStackMatch};
use crate::ticket::{AcceptanceCriterion, Complexity, Estimate, Link, Priority};

/// Version of the context shape templates see as `context_version`.
pub const CONTEXT_VERSION: u32 = 1;

/// The design link for a node: `https://www.figma.com/design/{fileKey}?node-id={id}`; empty when
/// the file key is unknown (a link to nowhere is worse than none).
pub fn node_link(file_key: &str, node_id: &str) -> String {
    if file_key.is_empty() {
        return String::new();
    }
    let mut id = String::with_capacity(node_id.len());
    for c in node_id.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, ':' | '-' | '_' | '.') {
            id.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                id.push_str(&format!("%{b:02X}"));
            }
        }
    }
    let key: String = file_key
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    format!("https://www.figma.com/design/{key}?node-id={id}")
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dimensions {
    pub width: f64,
    pub height: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScreenshotMarkdown {
    pub markdown: String,
    pub html: String,
    pub jira: String,
    pub confluence: String,
    pub wiki: String,
}

/// `figma.*`: the design.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FigmaContext {
    pub file_key: String,
    pub file_name: String,
    pub file_url: String,
    /// The design came from the legacy Figma plugin's inline frames, which carry no file name or
    /// key: templates say "selected in the Figma plugin" where they would name the file.
    pub selected_in_plugin: bool,
    pub page_name: String,
    pub node_id: String,
    /// Same as `node_id` (legacy name).
    pub frame_id: String,
    pub component_name: String,
    pub node_type: String,
    pub component_type: String,
    pub description: String,
    pub node_link: String,
    /// Legacy live-link form with the file name slug, `mode=design` and `&t=` when known.
    pub live_link: String,
    pub dimensions: Option<Dimensions>,
    pub properties: Vec<subject::Property>,
    pub variants: Vec<subject::Variant>,
    pub texts: Vec<subject::TextField>,
    pub interactions: Vec<subject::InteractionFact>,
    pub tokens: subject::Tokens,
    pub dependencies: Vec<String>,
    pub children: Vec<subject::ChildFact>,
    pub annotations: Vec<String>,
    pub documentation_links: Vec<String>,
    pub states: Vec<String>,
    pub node_count: usize,
    pub instance_count: usize,
    pub screenshot_url: String,
    pub screenshot_filename: String,
    pub screenshot_markdown: Option<ScreenshotMarkdown>,
    /// First six colours, comma-separated (legacy).
    pub extracted_colors: String,
    /// `Fonts: …` (legacy).
    pub extracted_typography: String,
    pub design_status: String,
    pub last_modified: String,
    pub version: String,
}

/// `project.*`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProjectContext {
    pub name: String,
    pub platform: String,
    pub document_type: String,
    pub tech_stack: Vec<String>,
    pub labels: Vec<String>,
    pub team: String,
    pub repository_url: String,
    pub storybook_url: String,
    pub wiki_url: String,
    pub testing_framework: String,
    pub frontend_framework: String,
    pub styling_approach: String,
    pub package_manager: String,
    pub accessibility_level: String,
    pub code_style: String,
    pub documentation_format: String,
    pub instructions: String,
}

/// `tech.*`: the detected stack and its conventions for this component.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TechContext {
    /// Canonical name (`react`, `aem`…) or empty when nothing was recognised.
    pub stack: String,
    pub matched: Vec<String>,
    pub confidence: f64,
    pub profile: Option<TechProfile>,
}

/// `calculated.*`: effort and planning numbers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Calculated {
    pub complexity: String,
    pub story_points: u32,
    pub hours: f64,
    pub hours_min: u32,
    pub hours_max: u32,
    pub confidence: f64,
    pub priority: String,
    pub drivers: Vec<String>,
    pub risk_factors: Vec<String>,
    pub similar_components: Vec<String>,
    pub implementation_notes: Vec<String>,
    pub accessibility_requirements: Vec<String>,
}

/// `analysis.*`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnalysisContext {
    pub available: bool,
    pub findings: Vec<Finding>,
    pub accessibility_findings: Vec<Finding>,
}

/// `ticket.*`: naming conventions for the requested platform and type.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TicketContext {
    pub platform: String,
    pub platform_label: String,
    pub document_type: String,
    /// Platform prefix emoji and label (`🎫`, `Component`).
    pub emoji: String,
    pub prefix: String,
    /// Document-type emoji and label (`🧩`, `Component`).
    pub type_emoji: String,
    pub type_label: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DateContext {
    pub today: String,
    /// Today + 14 days (legacy default due date).
    pub due: String,
}

/// One child of an epic, as the epic template sees it (`children[]`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChildSummary {
    pub title: String,
    pub node_id: String,
    pub name: String,
    pub link: String,
    pub story_points: u32,
    pub priority: String,
    pub complexity: String,
}

/// The whole context. Field order is the documentation order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TemplateContext {
    pub context_version: u32,
    pub figma: FigmaContext,
    pub project: ProjectContext,
    pub tech: TechContext,
    pub calculated: Calculated,
    pub analysis: AnalysisContext,
    pub acceptance_criteria: Vec<AcceptanceCriterion>,
    pub ticket: TicketContext,
    pub team_standards: serde_json::Map<String, serde_json::Value>,
    pub org: serde_json::Map<String, serde_json::Value>,
    pub team: serde_json::Map<String, serde_json::Value>,
    pub user: serde_json::Map<String, serde_json::Value>,
    pub vars: serde_json::Map<String, serde_json::Value>,
    pub resources: Vec<Link>,
    pub date: DateContext,
    /// Same as `figma.tokens` (legacy top-level name).
    pub design_tokens: subject::Tokens,
    /// Epic templates only: the child tickets.
    pub children: Vec<ChildSummary>,
}

impl TemplateContext {
    /// The structured estimate the ticket carries.
    pub fn estimate(&self) -> Estimate {
        let complexity = match self.calculated.complexity.as_str() {
            "complex" => Complexity::Complex,
            "medium" => Complexity::Medium,
            _ => Complexity::Simple,
        };
        Estimate {
            story_points: self.calculated.story_points,
            hours: self.calculated.hours,
            complexity,
            confidence: self.calculated.confidence,
        }
    }
}

/// The tech stack named by the request, else by the template's `team_standards` default.
pub fn detect_stack(settings: &Settings, spec: Option<&TemplateSpec>) -> TechStackMatch {
    let from_request = settings
        .team_standards
        .tech_stack
        .as_ref()
        .map(StringOrList::entries)
        .unwrap_or_default();
    if !from_request.is_empty() {
        return tech_stack::detect(&from_request);
    }
    let from_template: Vec<String> = spec
        .and_then(|s| s.team_standards.get("tech_stack"))
        .map(|v| match v {
            serde_json::Value::String(s) => vec![s.clone()],
            serde_json::Value::Array(items) => items
                .iter()
                .filter_map(|i| i.as_str().map(str::to_owned))
                .collect(),
            _ => Vec::new(),
        })
        .unwrap_or_default();
    tech_stack::detect(&from_template)
}

fn today(settings: &Settings) -> time::Date {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    settings
        .today
        .as_deref()
        .and_then(|t| time::Date::parse(t, &format).ok())
        .unwrap_or_else(|| time::OffsetDateTime::now_utc().date())
}

fn iso(date: time::Date) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    date.format(&format).unwrap_or_default()
}

fn or_empty(value: &Option<String>) -> String {
    value.clone().unwrap_or_default()
}

/// Builds the context for one node.
pub fn build_context(
    design: &Design,
    index: NodeIndex,
    key: TemplateKey,
    settings: &Settings,
    spec: Option<&TemplateSpec>,
) -> Result<TemplateContext, TemplateError> {
    Prepared::new(design, key, settings, spec).context(index)
}

/// Resolves a node id (`1:2`, or the URL form `1-2`) to its arena index.
pub fn find_node(design: &Design, node_id: &str) -> Result<NodeIndex, TemplateError> {
    let id = node_id.trim();
    design
        .find(id)
        .or_else(|| {
            if id.contains(':') {
                None
            } else {
                design.find(&id.replacen('-', ":", 1))
            }
        })
        .map(|n| n.index)
        .ok_or_else(|| TemplateError::UnknownNode {
            node_id: node_id.to_owned(),
        })
}

/// A component or component set another node may be similar to.
struct ComponentName<'a> {
    /// The component's node id (`None` for a set).
    id: Option<&'a str>,
    name: &'a str,
    lower: String,
}

/// Everything in a context that does not depend on the node: worked out once per request, so
/// an epic pays for it once and not once per child.
pub(crate) struct Prepared<'a> {
    design: &'a Design,
    key: TemplateKey,
    settings: &'a Settings,
    ids: subject::NodeIds<'a>,
    stack: TechStackMatch,
    is_aem: bool,
    file_key: String,
    file_name: String,
    file_url: String,
    /// The file name as a URL slug, for live links.
    slug: String,
    team_standards: serde_json::Map<String, serde_json::Value>,
    vars: serde_json::Map<String, serde_json::Value>,
    tech_stack_list: Vec<String>,
    accessibility_level: String,
    date: DateContext,
    components: Vec<ComponentName<'a>>,
}

impl<'a> Prepared<'a> {
    pub(crate) fn new(
        design: &'a Design,
        key: TemplateKey,
        settings: &'a Settings,
        spec: Option<&TemplateSpec>,
    ) -> Self {
        let file_key = settings.file_key.trim().to_owned();
        let file_name = settings
            .file_name
            .clone()
            .unwrap_or_else(|| design.file.name.clone());
        let slug = file_name.split_whitespace().collect::<Vec<_>>().join("-");
        let file_url = if file_key.is_empty() {
            String::new()
        } else {
            format!("https://www.figma.com/design/{file_key}")
        };
        let stack = detect_stack(settings, spec);
        let is_aem = key.platform == Platform::Aem || stack.stack == Some(TechStack::Aem);

        // team_standards: template defaults, overridden by the request.
        let mut team_standards = spec.map(|s| s.team_standards.clone()).unwrap_or_default();
        if let Ok(serde_json::Value::Object(request)) =
            serde_json::to_value(&settings.team_standards)
        {
            for (k, v) in request {
                if !v.is_null() {
                    team_standards.insert(k, v);
                }
            }
        }
        let mut vars = serde_json::Map::new();
        if let Some(spec) = spec {
            for variable in &spec.variables {
                if let Some(default) = &variable.default {
                    vars.insert(variable.name.clone(), default.clone());
                }
            }
        }
        vars.extend(settings.vars.clone());

        let today = today(settings);
        let due = today.saturating_add(time::Duration::days(14));
        let components = design
            .components
            .iter()
            .map(|(id, c)| (Some(id.as_str()), c.name.as_str()))
            .chain(
                design
                    .component_sets
                    .values()
                    .map(|s| (None, s.name.as_str())),
            )
            .map(|(id, name)| ComponentName {
                id,
                name,
                lower: name.to_lowercase(),
            })
            .collect();
        Self {
            design,
            key,
            settings,
            ids: subject::NodeIds::new(design),
            stack,
            is_aem,
            file_key,
            file_name,
            file_url,
            slug,
            team_standards,
            vars,
            tech_stack_list: settings
                .team_standards
                .tech_stack
                .as_ref()
                .map(StringOrList::entries)
                .unwrap_or_default(),
            accessibility_level: settings
                .team_standards
                .accessibility_level
                .clone()
                .unwrap_or_else(|| "wcag-aa".to_owned()),
            date: DateContext {
                today: iso(today),
                due: iso(due),
            },
            components,
        }
    }

    /// The context for the node at `index`.
    pub(crate) fn context(&self, index: NodeIndex) -> Result<TemplateContext, TemplateError> {
        let subject = subject::extract(self.design, &self.ids, index).ok_or_else(|| {
            TemplateError::UnknownNode {
                node_id: format!("#{index}"),
            }
        })?;
        Ok(self.context_of(subject))
    }

    /// Real components of this file sharing a word (of three letters or more) with `name`.
    fn similar_components(&self, subject: &Subject, lower: &str) -> Vec<String> {
        let words: Vec<&str> = lower
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.len() > 2)
            .collect();
        let mut similar: Vec<String> = self
            .components
            .iter()
            .filter(|c| {
                c.id != Some(subject.node_id.as_str())
                    && c.name != subject.name
                    && words.iter().any(|w| c.lower.contains(w))
            })
            .map(|c| c.name.to_owned())
            .collect();
        similar.sort();
        similar.dedup();
        similar.truncate(5);
        similar
    }

    pub(crate) fn context_of(&self, subject: Subject) -> TemplateContext {
        let (design, settings, key) = (self.design, self.settings, self.key);
        let file_key = &self.file_key;
        let stack = &self.stack;
        let is_aem = self.is_aem;
        let link = node_link(file_key, &subject.node_id);
        let live_link = if file_key.is_empty() {
            String::new()
        } else {
            let team = settings
                .team_id
                .as_ref()
                .map(|t| format!("&t={t}"))
                .unwrap_or_default();
            let node_part = link.split_once("node-id=").map_or("", |(_, id)| id);
            format!(
                "https://www.figma.com/design/{file_key}/{}?node-id={node_part}{team}&mode=design&scaling=min-zoom",
                self.slug
            )
        };

        let screenshot_url = settings
            .screenshots
            .get(&subject.node_id)
            .cloned()
            .unwrap_or_default();
        let screenshot_filename = format!(
            "{}-screenshot.png",
            heck::ToKebabCase::to_kebab_case(subject.name.as_str())
        );
        let screenshot_markdown = (!screenshot_url.is_empty()).then(|| ScreenshotMarkdown {
            markdown: format!(
                "![{}]({screenshot_url})",
                crate::filters::md_escape(&subject.name)
            ),
            html: format!(
                "<img src=\"{screenshot_url}\" alt=\"{}\" />",
                subject.name.replace('"', "&quot;")
            ),
            jira: format!("!{screenshot_url}|thumbnail!"),
            confluence: format!("<ac:image><ri:url ri:value=\"{screenshot_url}\" /></ac:image>"),
            wiki: format!("[[File:{screenshot_filename}]]"),
        });

        // Effort from the analysis crate's formula over its own count of this node's layers, so a
        // ticket and the effort report agree.
        let estimate = effort::estimate(&subject.complexity);
        let complexity = match estimate.complexity {
            ComplexityClass::Simple => "simple",
            ComplexityClass::Medium => "medium",
            ComplexityClass::Complex => "complex",
        };
        let priority = settings.priority.unwrap_or(match estimate.complexity {
            ComplexityClass::Complex => Priority::High,
            _ if is_aem => Priority::High,
            ComplexityClass::Medium => Priority::Medium,
            ComplexityClass::Simple => Priority::Low,
        });

        let mut risk_factors = Vec::new();
        let lower = subject.name.to_lowercase();
        if subject.text_inputs > 0 || lower.contains("form") {
            risk_factors.push("Form input and validation".to_owned());
        }
        if !subject.interactions.is_empty() {
            risk_factors.push(format!(
                "{} to wire up",
                crate::filters::pluralize(
                    subject.interactions.len() as u64,
                    "prototype interaction",
                    None
                )
            ));
        }
        if subject.dependencies.len() > 8 {
            risk_factors.push(format!(
                "Depends on {} components",
                subject.dependencies.len()
            ));
        }
        if subject.node_count > 50 {
            risk_factors.push(format!("Large layer tree ({} layers)", subject.node_count));
        }
        if lower.contains("table") || lower.contains("grid") {
            risk_factors.push("Tabular or grid layout".to_owned());
        }
        if lower.contains("chart") || lower.contains("graph") {
            risk_factors.push("Data visualisation".to_owned());
        }
        if subject.variants.len() > 8 {
            risk_factors.push(format!("{} variants", subject.variants.len()));
        }
        if is_aem {
            risk_factors.push("AEM authoring (dialog, HTL, Sling model)".to_owned());
        }

        let similar = self.similar_components(&subject, &lower);

        let profile = stack.stack.map(|s| s.profile(&subject.name));
        let mut implementation_notes = Vec::new();
        if let Some(p) = &profile {
            implementation_notes.push(format!(
                "Implement as `{}` ({} / {})",
                p.component_file, p.label, p.language
            ));
            implementation_notes.push(format!(
                "Cover it in `{}` with {}",
                p.test_file, p.test_framework
            ));
        }
        if !subject.tokens.styles.is_empty() || !subject.tokens.variables.is_empty() {
            implementation_notes
                .push("Use the design tokens listed below instead of raw values".to_owned());
        }
        if !subject.dependencies.is_empty() {
            implementation_notes.push(format!(
                "Reuse existing components: {}",
                subject.dependencies.join(", ")
            ));
        }
        let accessibility_level = self.accessibility_level.clone();
        let mut accessibility_requirements = vec![format!(
            "Meets {} for contrast, focus order and labelling",
            accessibility_level.to_uppercase()
        )];
        if !subject.interactions.is_empty() {
            accessibility_requirements
                .push("Keyboard operable with a visible focus state".to_owned());
        }
        if subject.text_inputs > 0 {
            accessibility_requirements
                .push("Inputs have programmatic labels and error messages".to_owned());
        }

        let findings: Vec<Finding> = settings
            .findings
            .iter()
            .filter(|f| {
                f.node_id
                    .as_ref()
                    .is_none_or(|id| id == &subject.node_id || self.ids.find(id).is_some())
            })
            .cloned()
            .collect();
        let acceptance_criteria = criteria::derive(&subject, &findings);

        let (emoji, prefix) = key.platform.prefix();
        let (type_emoji, type_label) = key.document_type.prefix();

        let standard = |name: &str| {
            self.team_standards
                .get(name)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_owned()
        };

        let mut resources = Vec::new();
        if !link.is_empty() {
            resources.push(Link {
                title: "Figma design".into(),
                url: link.clone(),
            });
        }
        for (title, url) in [
            ("Repository", &settings.project.repository_url),
            ("Storybook", &settings.project.storybook_url),
            ("Wiki", &settings.project.wiki_url),
        ] {
            if let Some(url) = url.as_ref().filter(|u| !u.is_empty()) {
                resources.push(Link {
                    title: title.into(),
                    url: url.clone(),
                });
            }
        }
        for url in &subject.documentation_links {
            resources.push(Link {
                title: "Documentation".into(),
                url: url.clone(),
            });
        }

        let extracted_colors = subject
            .tokens
            .colors
            .iter()
            .take(6)
            .map(|c| c.hex.clone())
            .collect::<Vec<_>>()
            .join(", ");
        let fonts: Vec<&str> = subject
            .tokens
            .typography
            .iter()
            .take(4)
            .map(String::as_str)
            .collect();
        let extracted_typography = if fonts.is_empty() {
            String::new()
        } else {
            format!("Fonts: {}", fonts.join(", "))
        };

        let project_name = settings
            .project
            .name
            .clone()
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| self.file_name.clone());
        let mut labels = settings.project.labels.clone();
        labels.push(key.document_type.as_str().to_owned());
        if let Some(s) = stack.stack {
            labels.push(s.as_str().to_owned());
        }

        let design_tokens = subject.tokens.clone();
        TemplateContext {
            context_version: CONTEXT_VERSION,
            figma: FigmaContext {
                file_key: file_key.clone(),
                file_name: self.file_name.clone(),
                file_url: self.file_url.clone(),
                selected_in_plugin: design.source == Some(handoff_figma::DesignSource::Plugin),
                frame_id: subject.node_id.clone(),
                node_id: subject.node_id,
                page_name: subject.page_name,
                component_name: subject.name,
                node_type: subject.node_type,
                component_type: subject.component_type,
                description: subject.description,
                node_link: link,
                live_link,
                dimensions: subject
                    .width
                    .zip(subject.height)
                    .map(|(width, height)| Dimensions { width, height }),
                properties: subject.properties,
                variants: subject.variants,
                texts: subject.texts,
                interactions: subject.interactions,
                tokens: subject.tokens,
                dependencies: subject.dependencies,
                children: subject.children,
                annotations: subject.annotations,
                documentation_links: subject.documentation_links,
                states: subject.states,
                node_count: subject.node_count,
                instance_count: subject.instance_count,
                screenshot_url,
                screenshot_filename,
                screenshot_markdown,
                extracted_colors,
                extracted_typography,
                design_status: subject.dev_status,
                last_modified: design.file.last_modified.clone().unwrap_or_default(),
                version: design.file.version.clone().unwrap_or_default(),
            },
            project: ProjectContext {
                name: project_name,
                platform: key.platform.as_str().to_owned(),
                document_type: key.document_type.as_str().to_owned(),
                tech_stack: self.tech_stack_list.clone(),
                labels,
                team: or_empty(&settings.project.team),
                repository_url: or_empty(&settings.project.repository_url),
                storybook_url: or_empty(&settings.project.storybook_url),
                wiki_url: or_empty(&settings.project.wiki_url),
                testing_framework: {
                    let t = standard("testing_framework");
                    if t.is_empty() {
                        profile
                            .as_ref()
                            .map(|p| p.test_framework.to_owned())
                            .unwrap_or_default()
                    } else {
                        t
                    }
                },
                frontend_framework: profile
                    .as_ref()
                    .map(|p| p.label.to_owned())
                    .unwrap_or_default(),
                styling_approach: settings
                    .project
                    .styling_approach
                    .clone()
                    .or_else(|| profile.as_ref().map(|p| p.styling.to_owned()))
                    .unwrap_or_default(),
                package_manager: or_empty(&settings.project.package_manager),
                accessibility_level,
                code_style: standard("code_style"),
                documentation_format: standard("documentation_format"),
                instructions: settings.instructions.clone(),
            },
            tech: TechContext {
                stack: stack
                    .stack
                    .map(|s| s.as_str().to_owned())
                    .unwrap_or_default(),
                matched: stack.matched.clone(),
                confidence: stack.confidence,
                profile,
            },
            calculated: Calculated {
                complexity: complexity.to_owned(),
                story_points: estimate.story_points,
                hours: f64::from(estimate.hours_min + estimate.hours_max) / 2.0,
                hours_min: estimate.hours_min,
                hours_max: estimate.hours_max,
                confidence: estimate.confidence,
                priority: priority.label().to_owned(),
                drivers: estimate.drivers,
                risk_factors,
                similar_components: similar,
                implementation_notes,
                accessibility_requirements,
            },
            analysis: AnalysisContext {
                available: !settings.findings.is_empty(),
                accessibility_findings: findings
                    .iter()
                    .filter(|f| f.is_accessibility())
                    .cloned()
                    .collect(),
                findings,
            },
            acceptance_criteria,
            ticket: TicketContext {
                platform: key.platform.as_str().to_owned(),
                platform_label: key.platform.label().to_owned(),
                document_type: key.document_type.as_str().to_owned(),
                emoji: emoji.to_owned(),
                prefix: prefix.to_owned(),
                type_emoji: type_emoji.to_owned(),
                type_label: type_label.to_owned(),
            },
            team_standards: self.team_standards.clone(),
            org: settings.org.clone(),
            team: settings.team.clone(),
            user: settings.user.clone(),
            vars: self.vars.clone(),
            resources,
            date: self.date.clone(),
            design_tokens,
            children: Vec::new(),
        }
    }
}

/// The context for a hand-made subject (the validation sample).
pub(crate) fn build_from_subject(
    design: &Design,
    subject: Subject,
    key: TemplateKey,
    settings: &Settings,
    spec: Option<&TemplateSpec>,
) -> TemplateContext {
    Prepared::new(design, key, settings, spec).context_of(subject)
}

/// Priority from its label (`High`…); used when reading a context back.
pub(crate) fn priority_of(label: &str) -> Priority {
    match label.to_ascii_lowercase().as_str() {
        "critical" => Priority::Critical,
        "high" => Priority::High,
        "low" => Priority::Low,
        _ => Priority::Medium,
    }
}

/// Node ids already covered, in the order first requested (for epics).
pub(crate) fn dedupe(ids: impl IntoIterator<Item = NodeIndex>) -> (Vec<NodeIndex>, usize) {
    let mut seen = BTreeMap::new();
    let mut order = Vec::new();
    let mut duplicates = 0;
    for id in ids {
        if seen.insert(id, ()).is_some() {
            duplicates += 1;
        } else {
            order.push(id);
        }
    }
    (order, duplicates)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_links_follow_the_documented_form() {
        assert_eq!(
            node_link("AbC123", "1:2"),
            "https://www.figma.com/design/AbC123?node-id=1:2"
        );
        assert_eq!(
            node_link("AbC123", "I1:2;3:4"),
            "https://www.figma.com/design/AbC123?node-id=I1:2%3B3:4"
        );
        assert_eq!(node_link("", "1:2"), "");
        assert_eq!(
            node_link("a/../b?x", "1:2"),
            "https://www.figma.com/design/abx?node-id=1:2"
        );
    }

    #[test]
    fn dedupe_keeps_first_occurrence() {
        assert_eq!(dedupe([3, 1, 3, 2, 1]), (vec![3, 1, 2], 2));
    }
}
