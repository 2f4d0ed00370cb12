//! Tickets and docs from templates: one per selected node, or an epic with child stories.

use handoff_store::{HistoryEntry, Identity};
use handoff_templates::context::ProjectSettings;
use handoff_templates::render::render_ticket;
use handoff_templates::{
    Children, DocumentType, Epic, OutputFormat, Overrides, Request, Settings, StringOrList,
    TeamStandards, TemplateKey, Ticket, default_subject, find_node, generate_epic,
    top_level_frames,
};
use serde::Serialize;

use super::sourced::sourced_request;
use crate::app::App;
use crate::error::AppError;

sourced_request! {
    // A leading `source: DesignSource` (flattened: `url`, `file_key` + `node_ids`, or `frames`).
    #[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
    pub struct GenerateRequest {
        /// jira, confluence, wiki, github, gitlab, linear, notion, azure-devops, figma, aem.
        #[serde(default = "default_platform")]
        pub platform: String,
        /// component, feature, story, bug, epic, documentation, api-spec, design-handoff, pr-template,
        /// issue-template, code. `epic` produces an epic with one child per frame.
        #[serde(
            default = "default_document_type",
            alias = "documentType",
            alias = "type"
        )]
        pub document_type: String,
        /// Only these nodes of the design (default: the requested node, else the main component/frame).
        #[serde(default, alias = "nodeIds")]
        pub node_ids: Vec<String>,
        /// markdown, jira, adf, confluence, notion, text or json (default: the template's own).
        #[serde(default)]
        pub format: Option<String>,
        /// e.g. "react", ["aem", "htl"].
        #[serde(default, alias = "techStack")]
        #[schemars(with = "Option<serde_json::Value>")]
        pub tech_stack: Option<StringOrList>,
        #[serde(default, alias = "projectName")]
        pub project_name: Option<String>,
        /// Free-form instructions shown in tickets that have a place for them.
        #[serde(default)]
        pub instructions: Option<String>,
        /// `testing_framework`, `accessibility_level`, … (the legacy `teamStandards`).
        #[serde(default, alias = "teamStandards")]
        #[schemars(with = "Option<serde_json::Value>")]
        pub team_standards: Option<TeamStandards>,
        /// Child document type of an epic (default: story, or the first of component, feature,
        /// documentation the platform has a template for).
        #[serde(default, alias = "childType")]
        pub child_type: Option<String>,
    }
}

fn default_platform() -> String {
    "jira".to_owned()
}
fn default_document_type() -> String {
    "component".to_owned()
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct RenderedTicket {
    /// The ticket as data: title, summary, description, acceptance criteria, labels, priority,
    /// estimate, links, subtasks, design references.
    #[schemars(with = "serde_json::Value")]
    pub ticket: Ticket,
    /// The ticket in the requested format.
    pub rendered: String,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct GeneratedTickets {
    pub format: String,
    pub tickets: Vec<RenderedTicket>,
    /// Set for `document_type = epic`: totals over the children.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<serde_json::Value>")]
    pub epic_summary: Option<handoff_templates::EpicSummary>,
}

impl GeneratedTickets {
    /// Every rendered ticket, joined the way the format joins documents.
    pub fn joined(&self) -> String {
        let parts: Vec<&str> = self.tickets.iter().map(|t| t.rendered.as_str()).collect();
        match self.format.as_str() {
            "adf" | "notion" | "json" if parts.len() > 1 => format!("[{}]", parts.join(",")),
            "confluence" => parts.join("<hr />"),
            "jira" => parts.join("\n----\n\n"),
            _ => parts.join("\n\n---\n\n"),
        }
    }
}

/// Designs up to this many nodes are small enough to render one built-in ticket on the async
/// worker (see [`App::generate_tickets`]); the plugin's one-component payloads have a handful.
pub const RENDER_INLINE_MAX_NODES: usize = 256;

impl App {
    pub async fn generate_tickets(
        &self,
        who: &Identity,
        request: &GenerateRequest,
    ) -> Result<GeneratedTickets, AppError> {
        let key = TemplateKey::parse(&request.platform, &request.document_type)
            .map_err(template_error)?;
        let child_type = match &request.child_type {
            Some(name) => DocumentType::parse(name).map_err(template_error)?,
            None => self.templates().epic_child_type(key.platform),
        };
        // The caller's template overrides are read while the design is parsed: polled first, their
        // store reads are on their way before the parse starts, so the round trip overlaps it.
        let child_overrides = async {
            if key.document_type == DocumentType::Epic {
                self.template_overrides(who, TemplateKey::new(key.platform, child_type))
                    .await
            } else {
                Ok(Overrides::default())
            }
        };
        let (overrides, child_overrides, loaded) = tokio::try_join!(
            self.template_overrides(who, key),
            child_overrides,
            self.load_design(who, &request.source),
        )?;
        let settings = Settings {
            file_key: loaded.file_key.clone().unwrap_or_default(),
            project: ProjectSettings {
                name: request.project_name.clone(),
                ..ProjectSettings::default()
            },
            team_standards: TeamStandards {
                tech_stack: request.tech_stack.clone(),
                ..request.team_standards.clone().unwrap_or_default()
            },
            instructions: request.instructions.clone().unwrap_or_default(),
            ..Settings::default()
        };
        let requested_format = request.format.clone();
        let registry = self.templates().clone();
        let design = loaded.design.clone();
        let mut wanted = request.node_ids.clone();
        if wanted.is_empty()
            && !loaded.node_ids.is_empty()
            && key.document_type != DocumentType::Epic
        {
            wanted = loaded.node_ids.clone();
        }
        // A single ticket from a built-in (or directory) template over a small design renders in
        // tens of microseconds: cheaper on this worker than the blocking pool's two thread
        // hand-offs. Everything else (stored overrides, batches, epics, large designs) may take
        // longer and renders on the blocking pool so it never stalls this worker's connections.
        let render_here = key.document_type != DocumentType::Epic
            && wanted.len() <= 1
            && overrides.org.is_none()
            && overrides.user.is_none()
            && design.nodes.len() <= RENDER_INLINE_MAX_NODES;
        let work = move || -> Result<GeneratedTickets, AppError> {
            let template_request = Request {
                key,
                settings: &settings,
                overrides: &overrides,
            };
            let mut nodes = Vec::new();
            for id in &wanted {
                nodes.push(find_node(&design, id).map_err(template_error)?);
            }
            let resolved = template_request
                .resolve(&registry)
                .map_err(template_error)?;
            let format = match requested_format.as_deref() {
                Some(name) => OutputFormat::parse(name).map_err(template_error)?,
                None => resolved.default_format(),
            };
            let format_name = format.as_str().to_owned();
            let render = |ticket: Ticket| RenderedTicket {
                rendered: render_ticket(&ticket, format),
                ticket,
            };
            if key.document_type == DocumentType::Epic {
                if nodes.is_empty() {
                    nodes = top_level_frames(&design);
                }
                let Epic {
                    epic,
                    children,
                    summary,
                } = generate_epic(
                    &registry,
                    &design,
                    &nodes,
                    Children {
                        document_type: child_type,
                        overrides: &child_overrides,
                    },
                    template_request,
                )
                .map_err(template_error)?;
                let mut tickets = vec![render(epic)];
                tickets.extend(children.into_iter().map(render));
                return Ok(GeneratedTickets {
                    format: format_name,
                    tickets,
                    epic_summary: Some(summary),
                });
            }
            if nodes.is_empty() {
                nodes.push(
                    default_subject(&design)
                        .ok_or_else(|| AppError::bad_request("the design has no nodes"))?,
                );
            }
            let tickets = resolved.tickets(&design, &nodes).map_err(template_error)?;
            Ok(GeneratedTickets {
                format: format_name,
                tickets: tickets.into_iter().map(render).collect(),
                epic_summary: None,
            })
        };
        let generated = if render_here {
            work()?
        } else {
            tokio::task::spawn_blocking(work)
                .await
                .map_err(|err| AppError::internal(format!("generation was interrupted: {err}")))??
        };

        let entry = HistoryEntry {
            at: now_millis(),
            tool: "generate_tickets".to_owned(),
            platform: key.platform.to_string(),
            document_type: key.document_type.to_string(),
            file_key: loaded.file_key.unwrap_or_default(),
            node_ids: generated
                .tickets
                .iter()
                .flat_map(|t| t.ticket.design_refs.iter().map(|r| r.node_id.clone()))
                .collect(),
            summary: generated
                .tickets
                .first()
                .map(|t| t.ticket.title.clone())
                .unwrap_or_default(),
        };
        self.store().add_history(who, &entry).await?;
        Ok(generated)
    }
}

pub(crate) fn template_error(err: handoff_templates::TemplateError) -> AppError {
    AppError::bad_request(err.to_string()).with_code("template_error")
}

pub(crate) fn now_millis() -> handoff_store::Millis {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0);
    u64::try_from(ms).unwrap_or(u64::MAX)
}
