//! Analysis reports and ticket generation over a design.

use super::output_schema;
use handoff_app::ops::{
    AnalysisOutput, AnalyzeRequest, GenerateRequest, GeneratedTickets, ReportKind,
};
use std::sync::Arc;

use rmcp::handler::server::common::schema_for_input;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::CallToolResult;
use rmcp::model::JsonObject;
use rmcp::service::RequestContext;
use rmcp::{RoleServer, tool, tool_router};

use super::{DESIGN_GROUPS, HandoffMcp, Progress, Reply};

#[tool_router(router = analysis_tools, vis = "pub(super)")]
impl HandoffMcp {
    #[tool(
        description = "Project overview: pages, frames, components, styles, complexity.",
        input_schema = report_input_schema(ReportKind::Project),
        output_schema = output_schema::<AnalysisOutput>(),
        annotations(read_only_hint = true, destructive_hint = false, idempotent_hint = true, open_world_hint = true)
    )]
    async fn analyze_project(
        &self,
        Parameters(request): Parameters<AnalyzeRequest>,
        context: RequestContext<RoleServer>,
    ) -> CallToolResult {
        self.report(ReportKind::Project, request, &context).await
    }

    #[tool(
        description = "Design tokens (colours, type, spacing, radii) used by the design; optional export as dtcg, css, tailwind or scss.",
        input_schema = report_input_schema(ReportKind::Tokens),
        output_schema = output_schema::<AnalysisOutput>(),
        annotations(read_only_hint = true, destructive_hint = false, idempotent_hint = true, open_world_hint = true)
    )]
    async fn extract_design_tokens(
        &self,
        Parameters(request): Parameters<AnalyzeRequest>,
        context: RequestContext<RoleServer>,
    ) -> CallToolResult {
        self.report(ReportKind::Tokens, request, &context).await
    }

    #[tool(
        description = "Values that do not match the design system (file styles or a given DTCG token document).",
        input_schema = report_input_schema(ReportKind::Compliance),
        output_schema = output_schema::<AnalysisOutput>(),
        annotations(read_only_hint = true, destructive_hint = false, idempotent_hint = true, open_world_hint = true)
    )]
    async fn check_compliance(
        &self,
        Parameters(request): Parameters<AnalyzeRequest>,
        context: RequestContext<RoleServer>,
    ) -> CallToolResult {
        self.report(ReportKind::Compliance, request, &context).await
    }

    #[tool(
        description = "Design health score: detached instances, unnamed layers, contrast, inconsistencies.",
        input_schema = report_input_schema(ReportKind::Health),
        output_schema = output_schema::<AnalysisOutput>(),
        annotations(read_only_hint = true, destructive_hint = false, idempotent_hint = true, open_world_hint = true)
    )]
    async fn analyze_design_health(
        &self,
        Parameters(request): Parameters<AnalyzeRequest>,
        context: RequestContext<RoleServer>,
    ) -> CallToolResult {
        self.report(ReportKind::Health, request, &context).await
    }

    #[tool(
        description = "Implementation effort estimate per screen and component.",
        input_schema = report_input_schema(ReportKind::Effort),
        output_schema = output_schema::<AnalysisOutput>(),
        annotations(read_only_hint = true, destructive_hint = false, idempotent_hint = true, open_world_hint = true)
    )]
    async fn estimate_effort(
        &self,
        Parameters(request): Parameters<AnalyzeRequest>,
        context: RequestContext<RoleServer>,
    ) -> CallToolResult {
        self.report(ReportKind::Effort, request, &context).await
    }

    #[tool(
        description = "Component usage and instance/component-set relationships.",
        input_schema = report_input_schema(ReportKind::Relationships),
        output_schema = output_schema::<AnalysisOutput>(),
        annotations(read_only_hint = true, destructive_hint = false, idempotent_hint = true, open_world_hint = true)
    )]
    async fn map_relationships(
        &self,
        Parameters(request): Parameters<AnalyzeRequest>,
        context: RequestContext<RoleServer>,
    ) -> CallToolResult {
        self.report(ReportKind::Relationships, request, &context)
            .await
    }

    #[tool(
        description = "Tickets or docs from a design for a platform (jira, confluence, github, gitlab, linear, notion, azure-devops, wiki, aem); document_type epic gives an epic with one story per frame. Recorded in history.",
        output_schema = output_schema::<GeneratedTickets>(),
        annotations(read_only_hint = false, destructive_hint = false, idempotent_hint = false, open_world_hint = true)
    )]
    async fn generate_tickets(
        &self,
        Parameters(request): Parameters<GenerateRequest>,
        context: RequestContext<RoleServer>,
    ) -> CallToolResult {
        let progress = Progress::of(&context);
        self.run(&context, DESIGN_GROUPS, |who| async move {
            progress
                .report(0, 2, "loading the design and templates")
                .await;
            let generated = self.app.generate_tickets(&who, &request).await?;
            progress.report(2, 2, "done").await;
            let text = generated.joined();
            Reply::with_text(&generated, text)
        })
        .await
    }
}

/// `AnalyzeRequest`'s input schema without the fields `kind` does not read, so that each report
/// tool lists only its own options (and `tools/list` stays smaller).
fn report_input_schema(kind: ReportKind) -> Arc<JsonObject> {
    let schema = schema_for_input::<AnalyzeRequest>()
        .unwrap_or_else(|err| panic!("invalid input schema for AnalyzeRequest: {err}"));
    let mut schema = (*schema).clone();
    if let Some(serde_json::Value::Object(properties)) = schema.get_mut("properties") {
        for (field, option) in AnalyzeRequest::REPORT_FIELDS {
            if option.check(kind).is_err() {
                properties.remove(field);
            }
        }
    }
    Arc::new(schema)
}

impl HandoffMcp {
    async fn report(
        &self,
        kind: ReportKind,
        request: AnalyzeRequest,
        context: &RequestContext<RoleServer>,
    ) -> CallToolResult {
        let progress = Progress::of(context);
        self.run(context, DESIGN_GROUPS, |who| async move {
            progress.report(0, 2, "loading the design").await;
            let output = self.app.analyze(&who, kind, &request).await?;
            progress.report(2, 2, "done").await;
            let mut text = output.markdown.clone();
            if let Some(exported) = &output.exported {
                text.push_str("\n\n```\n");
                text.push_str(exported);
                text.push_str("\n```\n");
            }
            Reply::with_text(&output, text)
        })
        .await
    }
}
