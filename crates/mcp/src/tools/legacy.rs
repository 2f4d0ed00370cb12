//! The old tool names with their old argument names, as aliases over the same operations
//! (`handoff_app::ops::legacy`, shared with the HTTP legacy routes). Hidden from `tools/list`
//! unless `mcp.list_legacy_tools` is set; callable either way.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use super::output_schema;
use handoff_app::ops::legacy::{LegacyOutput, l2_tool_input_schemas, parse_legacy_call};
use rmcp::handler::server::router::tool::{ToolRoute, ToolRouter};
use rmcp::handler::server::tool::ToolCallContext;
use rmcp::model::{CallToolResponse, CallToolResult, JsonObject, Tool};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer};
use serde_json::{Value, json};

use super::{HandoffMcp, Progress, Reply, annotations, arguments_value, error_result};

/// The legacy tool names MCP accepts (legacy-api §4–§5; the four that share a current tool's name
/// are that tool, which accepts the old argument names too).
pub const LEGACY_TOOLS: [&str; 11] = [
    "generate_template_tickets",
    "generate_enhanced_ticket",
    "generate_ai_ticket",
    "test_ai_services",
    "generate_visual_enhanced_ticket",
    "project_analyzer",
    "ticket_generator",
    "compliance_checker",
    "batch_processor",
    "effort_estimator",
    "relationship_mapper",
];

/// How the aliases describe the `figmaUrl` argument.
const FIGMA_URL: &str = "figma.com link (node-id selects a node)";

/// Name, description and input schema (old argument names) of each alias: the plugin methods' here,
/// the six L2 tools' from `handoff_app::ops::legacy` (shared with the HTTP `tools/list`).
fn aliases() -> Vec<(&'static str, &'static str, Value)> {
    let string = json!({"type": "string"});
    let object = json!({"type": "object"});
    let frames = json!({"type": "array", "items": {"type": "object"}, "description": "The plugin's frame data"});
    let figma_url = json!({"type": "string", "description": FIGMA_URL});
    let methods = [
        (
            "generate_template_tickets",
            "Legacy: tickets from templates for the plugin's frames (as generate_tickets).",
            json!({"type": "object", "properties": {
                "frameData": frames, "projectName": string, "figmaContext": object,
                "platform": string, "documentType": string, "organizationId": string,
                "teamStandards": object}}),
        ),
        (
            "generate_enhanced_ticket",
            "Legacy: a ticket plus React boilerplate for a Figma node.",
            json!({"type": "object", "properties": {
                "figmaUrl": figma_url, "techStack": string, "documentType": string,
                "platform": string, "projectContext": object, "figmaContext": object}}),
        ),
        (
            "generate_ai_ticket",
            "Legacy: a ticket from the plugin's enhancedFrameData (template-based, no AI provider).",
            json!({"type": "object", "properties": {
                "enhancedFrameData": frames, "figmaUrl": figma_url, "documentType": string,
                "techStack": string, "projectName": string, "screenshot": string,
                "additionalRequirements": string, "platform": string, "teamStandards": object}}),
        ),
        (
            "test_ai_services",
            "Legacy: AI provider status (handoff uses none).",
            json!({"type": "object", "properties": {}}),
        ),
        (
            "generate_visual_enhanced_ticket",
            "Legacy: a ticket with the visual context it rests on.",
            json!({"type": "object", "properties": {
                "figmaContext": object, "visualContext": object, "hierarchicalData": object,
                "options": object}, "required": ["figmaContext"]}),
        ),
    ];
    let l2_tools = l2_tool_input_schemas(FIGMA_URL)
        .into_iter()
        .map(|(name, schema)| (name, l2_description(name), schema));
    methods.into_iter().chain(l2_tools).collect()
}

fn l2_description(tool: &str) -> &'static str {
    match tool {
        "project_analyzer" => "Legacy: as analyze_project.",
        "ticket_generator" => "Legacy: as generate_tickets.",
        "compliance_checker" => "Legacy: as check_compliance.",
        "batch_processor" => {
            "Legacy: run an operation (tickets, estimate, compliance, analyze, health, relationships, tokens) per frame."
        }
        "effort_estimator" => {
            "Legacy: as estimate_effort on the plugin's frames; complexity overrides."
        }
        "relationship_mapper" => "Legacy: as map_relationships.",
        _ => "Legacy alias.",
    }
}

/// Every alias as a tool route.
pub(super) fn routes() -> ToolRouter<HandoffMcp> {
    let mut router = ToolRouter::new();
    for (name, description, schema) in aliases() {
        let schema = match schema {
            Value::Object(map) => map,
            _ => JsonObject::new(),
        };
        let tool = Tool::new(name, description, Arc::new(schema))
            .with_raw_output_schema(output_schema::<LegacyOutput>())
            .with_annotations(annotations(false, false, true));
        router.add_route(ToolRoute::new_dyn(tool, call_alias));
    }
    router
}

type ToolFuture<'a> =
    Pin<Box<dyn Future<Output = Result<CallToolResponse, ErrorData>> + Send + 'a>>;

fn call_alias(call: ToolCallContext<'_, HandoffMcp>) -> ToolFuture<'_> {
    Box::pin(async move {
        let arguments = arguments_value(call.arguments);
        let result = call
            .service
            .legacy(&call.name, arguments, &call.request_context)
            .await;
        Ok(result.into())
    })
}

impl HandoffMcp {
    async fn legacy(
        &self,
        name: &str,
        arguments: Value,
        context: &RequestContext<RoleServer>,
    ) -> CallToolResult {
        let call = match parse_legacy_call(name, arguments) {
            Ok(call) => call,
            Err(err) => return error_result(&err),
        };
        let groups = call.rate_groups();
        let progress = Progress::of(context);
        self.run(context, &groups, |who| async move {
            let report = progress.reporter();
            let output = self.app.call_legacy_reporting(&who, call, &report).await?;
            let text = output.joined_text();
            Reply::with_text(&output, text)
        })
        .await
    }
}
