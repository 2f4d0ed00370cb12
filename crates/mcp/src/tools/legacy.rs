//! The old tool names with their old argument names, as aliases over the same operations
//! (`handoff_app::ops::legacy`, shared with the HTTP legacy routes). Hidden from `tools/list`
//! unless `mcp.list_legacy_tools` is set; callable either way.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use super::output_schema;
use handoff_app::ops::legacy::{LegacyOutput, parse_legacy_call};
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

/// Name, description and input schema (old argument names) of each alias.
fn aliases() -> [(&'static str, &'static str, Value); 11] {
    let string = json!({"type": "string"});
    let object = json!({"type": "object"});
    let frames = json!({"type": "array", "items": {"type": "object"}, "description": "The plugin's frame data"});
    let figma_url =
        json!({"type": "string", "description": "figma.com link (node-id selects a node)"});
    [
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
        (
            "project_analyzer",
            "Legacy: as analyze_project.",
            json!({"type": "object", "properties": {
                "figmaUrl": figma_url,
                "scope": {"type": "string", "enum": ["file", "page", "frame"], "default": "file"}},
                "required": ["figmaUrl"]}),
        ),
        (
            "ticket_generator",
            "Legacy: as generate_tickets.",
            json!({"type": "object", "properties": {
                "frameData": frames, "template": string,
                "platform": {"type": "string", "enum": ["jira", "github", "linear", "notion", "ui"]},
                "documentType": {"type": "string", "enum": ["component", "feature", "code"]},
                "useTemplates": {"type": "boolean", "default": true}}}),
        ),
        (
            "compliance_checker",
            "Legacy: as check_compliance.",
            json!({"type": "object", "properties": {
                "figmaUrl": figma_url, "standards": {"type": "array", "items": string}},
                "required": ["figmaUrl"]}),
        ),
        (
            "batch_processor",
            "Legacy: run an operation (tickets, estimate, compliance, analyze, health, relationships, tokens) per frame.",
            json!({"type": "object", "properties": {
                "frames": frames, "operation": string}, "required": ["frames", "operation"]}),
        ),
        (
            "effort_estimator",
            "Legacy: as estimate_effort on the plugin's frames; complexity overrides.",
            json!({"type": "object", "properties": {
                "frameData": frames,
                "complexity": {"type": "string", "enum": ["simple", "medium", "complex"]}},
                "required": ["frameData"]}),
        ),
        (
            "relationship_mapper",
            "Legacy: as map_relationships.",
            json!({"type": "object", "properties": {
                "figmaUrl": figma_url, "depth": {"type": "number", "default": 2}},
                "required": ["figmaUrl"]}),
        ),
    ]
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
