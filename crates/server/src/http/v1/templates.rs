//! `/api/v1/templates`: what exists, what a (platform, type) resolves to for the caller, org and
//! user overrides, and previews of a template source before it is saved.

use std::sync::Arc;

use axum::extract::Path;
use axum::http::StatusCode;
use axum::{Json, Router};
use handoff_app::ops::templates::{TemplateListing, TemplatePreview, TemplateView};
use handoff_app::ratelimit::RateGroup;
use handoff_app::{App, AppError};
use handoff_store::OverrideScope;
use serde::Deserialize;
use utoipa::openapi::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::Call;
use crate::error::ApiError;
use crate::http::AppState;
use crate::http::json::JsonBody;

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateSource {
    /// The template as YAML: metadata and Jinja content (see docs/templates.md).
    pub source: String,
}

pub fn routes(app: &Arc<App>) -> (Router<AppState>, OpenApi) {
    let reads = OpenApiRouter::new()
        .routes(routes!(list_templates))
        .routes(routes!(get_template))
        .routes(routes!(save_template_override, delete_template_override));
    let (reads, mut doc) = super::guarded(reads, app, RateGroup::Reads);
    // Rendering runs the template engine: it draws on the generation budget.
    let (previews, preview_doc) = super::guarded(
        OpenApiRouter::new().routes(routes!(preview_template)),
        app,
        RateGroup::Generation,
    );
    doc.merge(preview_doc);
    (reads.merge(previews), doc)
}

/// List templates
///
/// The built-in and directory templates, and the caller's org and user overrides.
#[utoipa::path(get, path = "/templates", tag = "templates",
    responses((status = 200, description = "Templates and overrides.", body = ref("#/components/schemas/TemplateListing"))))]
async fn list_templates(call: Call) -> Result<Json<TemplateListing>, ApiError> {
    Ok(Json(call.app.list_templates(call.who()).await?))
}

/// Get a template
///
/// The template the caller's tickets for (platform, type) use: the org's override, else the
/// caller's, else a directory template, else the built-in one (`origin` says which).
#[utoipa::path(get, path = "/templates/{platform}/{document_type}", tag = "templates",
    params(
        ("platform" = String, Path, description = "jira, github, gitlab, linear, notion, confluence, …"),
        ("document_type" = String, Path, description = "component, story, bug, epic, documentation, …")),
    responses(
        (status = 200, description = "The resolved template.", body = ref("#/components/schemas/TemplateView")),
        (status = 400, description = "Unknown platform or type.", body = ref("#/components/schemas/ErrorResponse"))))]
async fn get_template(
    call: Call,
    Path((platform, document_type)): Path<(String, String)>,
) -> Result<Json<TemplateView>, ApiError> {
    Ok(Json(
        call.app
            .get_template(call.who(), &platform, &document_type)
            .await?,
    ))
}

/// Save an override
///
/// Validates the template and stores it for the caller's org (`org`) or the caller alone
/// (`user`). An invalid template is refused with every problem listed in `details`.
#[utoipa::path(put, path = "/templates/{platform}/{document_type}/overrides/{scope}", tag = "templates",
    params(
        ("platform" = String, Path, description = "jira, github, gitlab, linear, notion, confluence, …"),
        ("document_type" = String, Path, description = "component, story, bug, epic, documentation, …"),
        ("scope" = String, Path, description = "`org` or `user`.")),
    request_body(content = ref("#/components/schemas/TemplateSource")),
    responses(
        (status = 200, description = "What (platform, type) now resolves to for the caller.", body = ref("#/components/schemas/TemplateView")),
        (status = 400, description = "Invalid template, platform, type or scope.", body = ref("#/components/schemas/ErrorResponse"))))]
async fn save_template_override(
    call: Call,
    Path((platform, document_type, scope)): Path<(String, String, String)>,
    JsonBody(body): JsonBody<TemplateSource>,
) -> Result<Json<TemplateView>, ApiError> {
    let scope = parse_scope(&scope)?;
    Ok(Json(
        call.app
            .save_template(call.who(), scope, &platform, &document_type, &body.source)
            .await?,
    ))
}

/// Delete an override
#[utoipa::path(delete, path = "/templates/{platform}/{document_type}/overrides/{scope}", tag = "templates",
    params(
        ("platform" = String, Path, description = "jira, github, gitlab, linear, notion, confluence, …"),
        ("document_type" = String, Path, description = "component, story, bug, epic, documentation, …"),
        ("scope" = String, Path, description = "`org` or `user`.")),
    responses(
        (status = 204, description = "Deleted."),
        (status = 404, description = "The caller's org (or the caller) has no such override.", body = ref("#/components/schemas/ErrorResponse"))))]
async fn delete_template_override(
    call: Call,
    Path((platform, document_type, scope)): Path<(String, String, String)>,
) -> Result<StatusCode, ApiError> {
    let scope = parse_scope(&scope)?;
    call.app
        .delete_template(call.who(), scope, &platform, &document_type)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Preview a template
///
/// Validates a template source and renders it against a sample design, without saving it.
#[utoipa::path(post, path = "/templates/preview", tag = "templates",
    request_body(content = ref("#/components/schemas/TemplateSource")),
    responses((status = 200, description = "The validation report and, when valid, the rendering.", body = ref("#/components/schemas/TemplatePreview"))))]
async fn preview_template(
    call: Call,
    JsonBody(body): JsonBody<TemplateSource>,
) -> Result<Json<TemplatePreview>, ApiError> {
    Ok(Json(call.app.render_template(&body.source).await?))
}

fn parse_scope(scope: &str) -> Result<OverrideScope, AppError> {
    match scope {
        "org" => Ok(OverrideScope::Org),
        "user" => Ok(OverrideScope::User),
        other => Err(AppError::bad_request(format!(
            "unknown override scope {other:?}: use org or user"
        ))
        .with_code("invalid_scope")),
    }
}
