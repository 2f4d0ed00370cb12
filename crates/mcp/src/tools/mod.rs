//! The tool surface. Each tool resolves the caller ([`caller`]), draws on the caller's rate-limit
//! budgets, calls one `App` operation and turns the outcome into a tool result: structured content
//! (matching the tool's `outputSchema`) plus a text rendering; domain failures become `isError`
//! results the model can act on.

mod analysis;
mod design;
mod legacy;
mod records;
mod templates;

use std::future::Future;
use std::sync::Arc;

use handoff_app::auth::{Caller, local_identity};
use handoff_app::ratelimit::{RateGroup, consume};
use handoff_app::{App, AppError, ErrorKind};
use handoff_store::Identity;
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::model::{
    CacheScope, CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock,
    Implementation, InitializeRequestParams, InitializeResult, JsonObject, ListToolsResult,
    PaginatedRequestParams, ProgressNotificationParam, ProtocolVersion, ServerCapabilities,
    ServerConfig, Tool, ToolAnnotations,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler};
use serde::Serialize;

pub(crate) use design::ComponentKey;
pub use legacy::LEGACY_TOOLS;
pub(crate) use records::ComponentView;

#[derive(Clone)]
pub struct HandoffMcp {
    pub(crate) app: Arc<App>,
    tool_router: ToolRouter<Self>,
}

impl HandoffMcp {
    pub fn new(app: Arc<App>) -> Self {
        let router = Self::tool_router();
        Self {
            app,
            tool_router: router,
        }
    }

    /// Every tool, legacy aliases included (whether they are listed is decided in `list_tools`).
    pub fn tool_router() -> ToolRouter<Self> {
        Self::design_tools()
            + Self::analysis_tools()
            + Self::template_tools()
            + Self::record_tools()
            + legacy::routes()
    }

    /// Resolves the caller, draws on `groups`, then runs `op`; the work stops when the client
    /// cancels the request.
    pub(crate) async fn run<F, Fut>(
        &self,
        context: &RequestContext<RoleServer>,
        groups: &[RateGroup],
        op: F,
    ) -> CallToolResult
    where
        F: FnOnce(Identity) -> Fut,
        Fut: Future<Output = Result<Reply, AppError>>,
    {
        let outcome = async {
            let who = caller(context)?;
            self.admit(&who, groups).await?;
            tokio::select! {
                outcome = op(who) => outcome,
                () = context.ct.cancelled() => Err(AppError::new(
                    ErrorKind::Timeout,
                    "the request was cancelled by the client",
                ).with_code("cancelled")),
            }
        }
        .await;
        match outcome {
            Ok(reply) => reply.into_result(),
            Err(err) => error_result(&err),
        }
    }

    /// Checks and consumes one request of each group for `who`.
    pub(crate) async fn admit(&self, who: &Identity, groups: &[RateGroup]) -> Result<(), AppError> {
        for group in groups {
            consume(
                self.app.store(),
                &self.app.config().rate_limits,
                who,
                *group,
            )
            .await?;
        }
        Ok(())
    }
}

/// Who is calling. Over HTTP the server's auth layer has put the authenticated [`Caller`] into the
/// request's extensions, which rmcp hands to tools as `http::request::Parts`; an HTTP request
/// without one is refused rather than run as anyone. Over stdio (no HTTP parts) the caller is the
/// configured local user.
pub(crate) fn caller(context: &RequestContext<RoleServer>) -> Result<Identity, AppError> {
    match context.extensions.get::<axum::http::request::Parts>() {
        None => local_identity(),
        Some(parts) => parts
            .extensions
            .get::<Caller>()
            .map(|caller| caller.identity.clone())
            .ok_or_else(|| {
                AppError::new(
                    ErrorKind::Unauthenticated,
                    "this request was not authenticated: send `Authorization: Bearer <API key or \
                     session token>` to /mcp",
                )
                .with_code("unauthenticated")
            }),
    }
}

/// The budget a design-reading call draws on. Fetches from Figma also draw on the caller's Figma
/// budget, charged by the fetch itself (`App::load_design`), so every interface counts it once.
pub(crate) const DESIGN_GROUPS: &[RateGroup] = &[RateGroup::Generation];

/// A successful tool outcome: structured content and its text rendering.
pub(crate) struct Reply {
    structured: serde_json::Value,
    content: Vec<ContentBlock>,
}

impl Reply {
    /// `value` as structured content, with `text` (Markdown where the operation gives one) as the
    /// text rendering.
    pub(crate) fn with_text<T: Serialize>(value: &T, text: String) -> Result<Self, AppError> {
        Ok(Self {
            structured: to_json(value)?,
            content: vec![ContentBlock::text(text)],
        })
    }

    /// `value` as structured content, rendered as JSON text too (for clients without
    /// structured-content support).
    pub(crate) fn json<T: Serialize>(value: &T) -> Result<Self, AppError> {
        let structured = to_json(value)?;
        let text = structured.to_string();
        Ok(Self {
            structured,
            content: vec![ContentBlock::text(text)],
        })
    }

    pub(crate) fn with_content(mut self, block: ContentBlock) -> Self {
        self.content.push(block);
        self
    }

    fn into_result(self) -> CallToolResult {
        let mut result = CallToolResult::success(self.content);
        result.structured_content = Some(self.structured);
        result
    }
}

fn to_json<T: Serialize>(value: &T) -> Result<serde_json::Value, AppError> {
    serde_json::to_value(value)
        .map_err(|err| AppError::internal(format!("cannot serialise the result: {err}")))
}

/// An `isError` result: the message, the stable code, and details when there are any.
pub(crate) fn error_result(err: &AppError) -> CallToolResult {
    let mut text = format!("{} (code: {})", err.message, err.code());
    if let Some(after) = err.retry_after {
        text.push_str(&format!("; retry after {} s", after.as_secs().max(1)));
    }
    if let Some(details) = &err.details {
        text.push_str(&format!("\ndetails: {details}"));
    }
    CallToolResult::error(vec![ContentBlock::text(text)])
}

/// Tool annotations: read-only tools are idempotent and non-destructive; `open_world` marks tools
/// that may reach Figma.
pub(crate) fn annotations(read_only: bool, destructive: bool, open_world: bool) -> ToolAnnotations {
    ToolAnnotations::new()
        .read_only(read_only)
        .destructive(destructive)
        .idempotent(read_only || destructive)
        .open_world(open_world)
}

/// Sends `notifications/progress` when the client asked for them (a `progressToken`).
#[derive(Clone)]
pub(crate) struct Progress {
    token: Option<rmcp::model::ProgressToken>,
    peer: rmcp::Peer<RoleServer>,
}

impl Progress {
    pub(crate) fn of(context: &RequestContext<RoleServer>) -> Self {
        Self {
            token: context.meta.get_progress_token(),
            peer: context.peer.clone(),
        }
    }

    pub(crate) async fn report(&self, progress: u32, total: u32, message: &str) {
        let Some(token) = &self.token else { return };
        let mut param = ProgressNotificationParam::new(token.clone(), f64::from(progress));
        param.total = Some(f64::from(total));
        param.message = Some(message.to_owned());
        if let Err(err) = self.peer.notify_progress(param).await {
            tracing::debug!(error = %err, "progress notification not delivered");
        }
    }

    /// A synchronous reporter for operations that take a callback: notifications are sent from a
    /// spawned task, in order.
    pub(crate) fn reporter(&self) -> impl Fn(u32, u32, &str) + Send + Sync + 'static {
        let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel::<(u32, u32, String)>();
        let this = self.clone();
        if this.token.is_some() {
            tokio::spawn(async move {
                while let Some((done, total, message)) = receiver.recv().await {
                    this.report(done, total, &message).await;
                }
            });
        }
        move |done, total, message: &str| {
            let _ = sender.send((done, total, message.to_owned()));
        }
    }
}

impl ServerHandler for HandoffMcp {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_resources()
                .enable_prompts()
                .build(),
        )
        .with_server_info(Implementation::new("handoff", env!("CARGO_PKG_VERSION")))
        .with_instructions(
            "Figma designs to code context, analysis and tickets. Pass a Figma `url`, or \
             `file_key` with `node_ids`, or the plugin's `frames`.",
        )
    }

    /// rmcp's own default, plus one concise line per client: rmcp logs a Debug dump of the whole
    /// request instead (held at `warn` by the CLI's log filter).
    async fn initialize(
        &self,
        request: InitializeRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<InitializeResult, ErrorData> {
        // The client names itself: bounded and Debug-quoted so it cannot forge log lines.
        let bounded = |text: &str| text.chars().take(80).collect::<String>();
        tracing::info!(
            client = ?bounded(&request.client_info.name),
            client_version = ?bounded(&request.client_info.version),
            protocol = %request.protocol_version,
            "MCP client connected"
        );
        context.peer.set_peer_info(request.clone());
        self.negotiate_initialize(&request)
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let call = rmcp::handler::server::tool::ToolCallContext::new(self, request, context);
        self.tool_router.call(call).await
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        let listed = self.app.config().mcp.list_legacy_tools;
        let tools: Vec<Tool> = self
            .tool_router
            .list_all()
            .into_iter()
            .filter(|tool| listed || !LEGACY_TOOLS.contains(&tool.name.as_ref()))
            .collect();
        let mut result = ListToolsResult::with_all_items(tools);
        if context
            .protocol_version()
            .is_some_and(|version| version >= ProtocolVersion::V_2026_07_28)
        {
            result = result.with_ttl_ms(0);
            result.cache_scope = Some(CacheScope::Public);
        }
        Ok(result)
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        self.tool_router.get(name).cloned()
    }

    async fn list_resources(
        &self,
        request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<rmcp::model::ListResourcesResult, ErrorData> {
        crate::resources::list(self, request, context).await
    }

    async fn list_resource_templates(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<rmcp::model::ListResourceTemplatesResult, ErrorData> {
        Ok(crate::resources::templates())
    }

    async fn read_resource(
        &self,
        request: rmcp::model::ReadResourceRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<rmcp::model::ReadResourceResponse, ErrorData> {
        crate::resources::read(self, request, context).await
    }

    async fn list_prompts(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<rmcp::model::ListPromptsResult, ErrorData> {
        Ok(crate::prompts::list())
    }

    async fn get_prompt(
        &self,
        request: rmcp::model::GetPromptRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<rmcp::model::GetPromptResponse, ErrorData> {
        crate::prompts::get(request)
    }
}

/// The arguments of a dynamic (legacy) tool call as a JSON value.
pub(crate) fn arguments_value(arguments: Option<JsonObject>) -> serde_json::Value {
    serde_json::Value::Object(arguments.unwrap_or_default())
}

/// rmcp's output schema for `T`, with each subschema that schemars writes as `true` (any JSON, for a
/// free-form `serde_json::Value` field) written as the equivalent `{}`: the 2025-11-25 wire schema
/// of `tools/list` wants subschemas to be objects.
pub(crate) fn output_schema<T: schemars::JsonSchema + std::any::Any>() -> Arc<JsonObject> {
    let mut schema = (*rmcp::handler::server::common::schema_for_output::<T>()).clone();
    objects_for_true(&mut schema);
    Arc::new(schema)
}

/// Rewrites `true` subschemas below `schema` as `{}`. Only keyword positions that hold schemas are
/// touched: a `true` default, const or flag keeps its meaning.
fn objects_for_true(schema: &mut JsonObject) {
    fn subschema(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::Bool(true) => *value = serde_json::Value::Object(JsonObject::new()),
            serde_json::Value::Object(schema) => objects_for_true(schema),
            _ => {}
        }
    }
    for key in ["properties", "patternProperties", "$defs", "definitions"] {
        if let Some(serde_json::Value::Object(children)) = schema.get_mut(key) {
            children.values_mut().for_each(subschema);
        }
    }
    for key in ["items", "additionalProperties", "not", "contains"] {
        if let Some(child) = schema.get_mut(key) {
            subschema(child);
        }
    }
    for key in ["anyOf", "oneOf", "allOf", "prefixItems"] {
        if let Some(serde_json::Value::Array(children)) = schema.get_mut(key) {
            children.iter_mut().for_each(subschema);
        }
    }
}

#[cfg(test)]
mod output_schema_tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use serde_json::json;

    use super::objects_for_true;

    #[test]
    fn true_subschemas_become_empty_objects_and_true_values_stay() {
        let mut schema = json!({
            "type": "object",
            "properties": {
                "free": true,
                "flag": {"type": "boolean", "default": true, "const": true},
                "list": {"type": "array", "items": true, "uniqueItems": true},
                "either": {"anyOf": [true, {"type": "null"}]}
            },
            "additionalProperties": true,
            "$defs": {"Any": true}
        });
        let serde_json::Value::Object(map) = &mut schema else {
            unreachable!()
        };
        objects_for_true(map);
        assert_eq!(
            schema,
            json!({
                "type": "object",
                "properties": {
                    "free": {},
                    "flag": {"type": "boolean", "default": true, "const": true},
                    "list": {"type": "array", "items": {}, "uniqueItems": true},
                    "either": {"anyOf": [{}, {"type": "null"}]}
                },
                "additionalProperties": {},
                "$defs": {"Any": {}}
            })
        );
    }
}
