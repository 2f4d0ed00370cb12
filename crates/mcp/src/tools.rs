//! The tool surface. Each tool resolves the caller, calls one `App` operation and turns the outcome
//! into a tool result: domain failures become `isError` results the model can act on.

use std::sync::Arc;

use handoff_app::ops::{AnalyzeRequest, DesignContextRequest, GenerateRequest, ReportKind};
use handoff_app::{App, AppError};
use handoff_store::{ComponentInput, Identity};
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{CallToolResult, ContentBlock, Implementation, ServerCapabilities, ServerConfig};
use rmcp::{ServerHandler, tool, tool_handler, tool_router};
use serde::Deserialize;
use serde::Serialize;

/// The identity MCP callers act as until bearer auth for `/mcp` lands: the local user.
const LOCAL_USER: &str = "local";

#[derive(Clone)]
pub struct HandoffMcp {
    app: Arc<App>,
    tool_router: ToolRouter<Self>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct ComponentKey {
    /// Figma file key.
    #[serde(alias = "fileKey")]
    pub file_key: String,
    /// Node id (`1:2` or `1-2`).
    #[serde(alias = "nodeId")]
    pub node_id: String,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct StoreComponentRequest {
    #[serde(alias = "fileKey")]
    pub file_key: String,
    #[serde(alias = "nodeId")]
    pub node_id: String,
    /// The analysis to keep (any JSON).
    pub analysis: serde_json::Value,
    /// Free-form metadata (any JSON).
    #[serde(default)]
    pub metadata: serde_json::Value,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct PreferencesChange {
    /// Keys to set; a `null` value removes the key.
    pub preferences: serde_json::Value,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct HistoryRequest {
    /// Most recent entries to return (default 20, at most 200).
    #[serde(default)]
    pub limit: Option<usize>,
}

const DEFAULT_HISTORY: usize = 20;
const MAX_HISTORY: usize = 200;

fn reply<T: Serialize>(outcome: Result<T, AppError>) -> CallToolResult {
    match outcome.and_then(|value| {
        serde_json::to_value(value).map_err(|err| AppError::internal(err.to_string()))
    }) {
        Ok(value) => {
            let text = serde_json::to_string(&value).unwrap_or_default();
            let mut result = CallToolResult::success(vec![ContentBlock::text(text)]);
            if value.is_object() {
                result.structured_content = Some(value);
            }
            result
        }
        Err(err) => CallToolResult::error(vec![ContentBlock::text(err.to_string())]),
    }
}

impl HandoffMcp {
    pub fn new(app: Arc<App>) -> Self {
        Self {
            app,
            tool_router: Self::tool_router(),
        }
    }

    fn caller(&self) -> Result<Identity, AppError> {
        Identity::new(LOCAL_USER, LOCAL_USER).map_err(|err| AppError::internal(err.to_string()))
    }

    async fn report(&self, kind: ReportKind, request: AnalyzeRequest) -> CallToolResult {
        let outcome = match self.caller() {
            Ok(who) => self.app.analyze(&who, kind, &request).await,
            Err(err) => Err(err),
        };
        reply(outcome)
    }
}

#[tool_router(router = tool_router)]
impl HandoffMcp {
    #[tool(
        description = "Compact design context of a Figma file or nodes for writing code, within a byte budget; follow next_cursor for more."
    )]
    async fn get_design_context(
        &self,
        Parameters(request): Parameters<DesignContextRequest>,
    ) -> CallToolResult {
        let outcome = match self.caller() {
            Ok(who) => self.app.design_context(&who, &request).await,
            Err(err) => Err(err),
        };
        reply(outcome)
    }

    #[tool(
        description = "Outline of a Figma file or nodes (top levels only): ids, names, types, sizes."
    )]
    async fn get_metadata(
        &self,
        Parameters(mut request): Parameters<DesignContextRequest>,
    ) -> CallToolResult {
        request.depth = Some(request.depth.unwrap_or(2).min(2));
        let outcome = match self.caller() {
            Ok(who) => self.app.design_context(&who, &request).await,
            Err(err) => Err(err),
        };
        reply(outcome)
    }

    #[tool(description = "Project overview: pages, frames, components, complexity.")]
    async fn analyze_project(
        &self,
        Parameters(request): Parameters<AnalyzeRequest>,
    ) -> CallToolResult {
        self.report(ReportKind::Project, request).await
    }

    #[tool(
        description = "Design tokens (colours, type, spacing, radii) used by the design; optional export as dtcg, css, tailwind or scss."
    )]
    async fn extract_design_tokens(
        &self,
        Parameters(request): Parameters<AnalyzeRequest>,
    ) -> CallToolResult {
        self.report(ReportKind::Tokens, request).await
    }

    #[tool(
        description = "Values that do not match the design system (file styles or a given DTCG token document)."
    )]
    async fn check_compliance(
        &self,
        Parameters(request): Parameters<AnalyzeRequest>,
    ) -> CallToolResult {
        self.report(ReportKind::Compliance, request).await
    }

    #[tool(
        description = "Design health: detached instances, unnamed layers, inconsistencies, with a score."
    )]
    async fn analyze_design_health(
        &self,
        Parameters(request): Parameters<AnalyzeRequest>,
    ) -> CallToolResult {
        self.report(ReportKind::Health, request).await
    }

    #[tool(description = "Implementation effort estimate per screen and component.")]
    async fn estimate_effort(
        &self,
        Parameters(request): Parameters<AnalyzeRequest>,
    ) -> CallToolResult {
        self.report(ReportKind::Effort, request).await
    }

    #[tool(description = "Component usage and screen relationships.")]
    async fn map_relationships(
        &self,
        Parameters(request): Parameters<AnalyzeRequest>,
    ) -> CallToolResult {
        self.report(ReportKind::Relationships, request).await
    }

    #[tool(
        description = "Tickets or docs from a design for a platform (jira, confluence, github, gitlab, linear, notion, azure, wiki, aem)."
    )]
    async fn generate_tickets(
        &self,
        Parameters(request): Parameters<GenerateRequest>,
    ) -> CallToolResult {
        let outcome = match self.caller() {
            Ok(who) => self.app.generate_tickets(&who, &request).await,
            Err(err) => Err(err),
        };
        reply(outcome)
    }

    #[tool(description = "Keep an analysis of one component for later calls.")]
    async fn store_component_analysis(
        &self,
        Parameters(request): Parameters<StoreComponentRequest>,
    ) -> CallToolResult {
        let input = ComponentInput {
            analysis: request.analysis,
            metadata: request.metadata,
            screenshot: None,
        };
        let outcome = match self.caller() {
            Ok(who) => {
                self.app
                    .put_component(&who, &request.file_key, &request.node_id, input)
                    .await
            }
            Err(err) => Err(err),
        };
        reply(outcome)
    }

    #[tool(description = "A component analysis stored earlier.")]
    async fn get_component_analysis(
        &self,
        Parameters(key): Parameters<ComponentKey>,
    ) -> CallToolResult {
        let outcome = match self.caller() {
            Ok(who) => {
                self.app
                    .get_component(&who, &key.file_key, &key.node_id)
                    .await
            }
            Err(err) => Err(err),
        };
        reply(outcome)
    }

    #[tool(description = "The caller's saved preferences.")]
    async fn get_user_preferences(&self) -> CallToolResult {
        let outcome = match self.caller() {
            Ok(who) => self.app.preferences(&who).await,
            Err(err) => Err(err),
        };
        reply(outcome)
    }

    #[tool(description = "Merge keys into the caller's preferences (null removes a key).")]
    async fn set_user_preferences(
        &self,
        Parameters(change): Parameters<PreferencesChange>,
    ) -> CallToolResult {
        let outcome = match self.caller() {
            Ok(who) => self.app.set_preferences(&who, change.preferences).await,
            Err(err) => Err(err),
        };
        reply(outcome)
    }

    #[tool(description = "The caller's recent generations, newest first.")]
    async fn get_history(&self, Parameters(request): Parameters<HistoryRequest>) -> CallToolResult {
        let limit = request.limit.unwrap_or(DEFAULT_HISTORY).min(MAX_HISTORY);
        let outcome = match self.caller() {
            Ok(who) => self
                .app
                .history(&who, limit)
                .await
                .map(|entries| serde_json::json!({ "entries": entries })),
            Err(err) => Err(err),
        };
        reply(outcome)
    }
}

#[tool_handler(router = self.tool_router)]
impl ServerHandler for HandoffMcp {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("handoff", env!("CARGO_PKG_VERSION")))
            .with_instructions("Figma designs to code context, analysis and tickets. Pass a Figma `url`, or `file_key` with `node_ids`.")
    }
}
