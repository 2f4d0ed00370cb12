//! `/api/v1/figma`: design context for coding agents, every analysis report, and design tokens in
//! each export format. Each takes the design as a figma.com link, a file key and node ids, or the
//! plugin's inline frame data.

use std::sync::Arc;

use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use handoff_analysis::TokenFormat;
use handoff_app::ops::{
    AnalysisOutput, AnalyzeRequest, DesignContextOutput, DesignContextRequest, DesignSource,
    ReportKind,
};
use handoff_app::ratelimit::RateGroup;
use handoff_app::{App, AppError};
use serde::Deserialize;
use serde::de::IntoDeserializer;
use utoipa::openapi::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::Call;
use crate::error::ApiError;
use crate::http::AppState;
use crate::http::json::JsonBody;

pub fn routes(app: &Arc<App>) -> (Router<AppState>, OpenApi) {
    let routes = OpenApiRouter::new()
        .routes(routes!(design_context))
        .routes(routes!(analysis_report))
        .routes(routes!(export_tokens));
    super::guarded(routes, app, RateGroup::Generation)
}

/// Design context
///
/// The design as compact text (`tree`), YAML or JSON for a coding agent, within a byte budget;
/// follow `next_cursor` for the rest.
#[utoipa::path(post, path = "/figma/context", tag = "figma",
    request_body(content = ref("#/components/schemas/DesignContextRequest")),
    responses(
        (status = 200, description = "The context (or its first part).", body = ref("#/components/schemas/DesignContextOutput")),
        (status = 400, description = "Invalid link, node id, format or cursor.", body = ref("#/components/schemas/ErrorResponse")),
        (status = 401, description = "No Figma token for the caller, or Figma refused it.", body = ref("#/components/schemas/ErrorResponse")),
        (status = 404, description = "Figma does not know the file or node.", body = ref("#/components/schemas/ErrorResponse"))))]
async fn design_context(
    call: Call,
    JsonBody(request): JsonBody<DesignContextRequest>,
) -> Result<Json<DesignContextOutput>, ApiError> {
    Ok(Json(call.app.design_context(call.who(), &request).await?))
}

/// Analysis report
///
/// One report computed from the design, as data and as Markdown.
#[utoipa::path(post, path = "/figma/analysis/{kind}", tag = "figma",
    params(("kind" = String, Path, description = "project, tokens, compliance, health, effort or relationships.")),
    request_body(content = ref("#/components/schemas/AnalyzeRequest")),
    responses(
        (status = 200, description = "The report.", body = ref("#/components/schemas/AnalysisOutput")),
        (status = 400, description = "Unknown report kind, invalid design source or tokens.", body = ref("#/components/schemas/ErrorResponse")),
        (status = 401, description = "No Figma token for the caller, or Figma refused it.", body = ref("#/components/schemas/ErrorResponse")),
        (status = 404, description = "Figma does not know the file or node.", body = ref("#/components/schemas/ErrorResponse"))))]
async fn analysis_report(
    call: Call,
    Path(kind): Path<String>,
    JsonBody(request): JsonBody<AnalyzeRequest>,
) -> Result<Json<AnalysisOutput>, ApiError> {
    let kind = ReportKind::deserialize(kind.as_str().into_deserializer()).map_err(
        |err: serde::de::value::Error| {
            AppError::bad_request(format!("report kind: {err}")).with_code("invalid_report_kind")
        },
    )?;
    Ok(Json(call.app.analyze(call.who(), kind, &request).await?))
}

/// Design tokens
///
/// The design's tokens (colours, typography, spacing, radii, effects) in one export format, as
/// the file itself: `dtcg` and `tailwind-v3` are JSON, `css` and `tailwind` (v4 `@theme`) CSS,
/// `scss` SCSS.
#[utoipa::path(post, path = "/figma/tokens/{format}", tag = "figma",
    params(("format" = String, Path, description = "dtcg, css, tailwind, tailwind-v3 or scss.")),
    request_body(content = ref("#/components/schemas/DesignSource")),
    responses(
        (status = 200, description = "The exported tokens.", content(("application/json"), ("text/css"), ("text/x-scss"))),
        (status = 400, description = "Unknown format or invalid design source.", body = ref("#/components/schemas/ErrorResponse")),
        (status = 401, description = "No Figma token for the caller, or Figma refused it.", body = ref("#/components/schemas/ErrorResponse")),
        (status = 404, description = "Figma does not know the file or node.", body = ref("#/components/schemas/ErrorResponse"))))]
async fn export_tokens(
    call: Call,
    Path(format): Path<String>,
    JsonBody(source): JsonBody<DesignSource>,
) -> Result<Response, ApiError> {
    // Checked before the design is loaded, so a typo costs no Figma call.
    let parsed: TokenFormat = format
        .parse()
        .map_err(|err: String| AppError::bad_request(err).with_code("invalid_token_format"))?;
    let content_type = match parsed {
        TokenFormat::Dtcg | TokenFormat::TailwindV3 => "application/json",
        TokenFormat::Css | TokenFormat::Tailwind => "text/css; charset=utf-8",
        TokenFormat::Scss => "text/x-scss; charset=utf-8",
    };
    let request = AnalyzeRequest {
        source,
        tokens: None,
        token_format: Some(format),
        depth: None,
        categories: None,
        max_findings: None,
    };
    let output = call
        .app
        .analyze(call.who(), ReportKind::Tokens, &request)
        .await?;
    let exported = output.exported.ok_or_else(|| {
        AppError::internal("the tokens report came back without the requested export")
    })?;
    Ok(([(header::CONTENT_TYPE, content_type)], exported).into_response())
}
