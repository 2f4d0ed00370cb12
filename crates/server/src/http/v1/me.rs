//! `/api/v1/me`: the caller's profile, preferences, settings, history and Figma token.

use std::sync::Arc;

use axum::extract::Query;
use axum::http::StatusCode;
use axum::{Json, Router};
use handoff_app::App;
use handoff_app::auth::AuthMethod;
use handoff_app::ratelimit::RateGroup;
use handoff_store::{HistoryEntry, User};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::openapi::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::Call;
use crate::error::ApiError;
use crate::http::AppState;
use crate::http::json::JsonBody;

/// History entries returned when the request does not say.
const DEFAULT_HISTORY: usize = 50;
/// The most history entries one request returns.
const MAX_HISTORY: usize = 500;

#[derive(Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    pub user_id: String,
    pub org_id: String,
    pub name: String,
    /// Unix milliseconds.
    pub created: u64,
    /// How this request was authenticated: `local`, `api_key` or `session`.
    pub auth_method: &'static str,
    /// The session this request presented, when authenticated by a session token.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
}

/// One generation the caller ran.
#[derive(Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct HistoryItem {
    /// Unix milliseconds.
    pub at: u64,
    pub tool: String,
    pub platform: String,
    pub document_type: String,
    pub file_key: String,
    pub node_ids: Vec<String>,
    pub summary: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HistoryQuery {
    limit: Option<usize>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FigmaTokenInput {
    /// A Figma personal access token (`figd_…`) with the file_content:read scope. Stored encrypted;
    /// never returned.
    pub token: String,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct FigmaTokenStatus {
    /// Whether the caller has a stored Figma token (used for their Figma calls instead of the
    /// deployment's).
    pub configured: bool,
}

pub fn routes(app: &Arc<App>) -> (Router<AppState>, OpenApi) {
    let routes = OpenApiRouter::new()
        .routes(routes!(get_profile))
        .routes(routes!(get_preferences, update_preferences))
        .routes(routes!(get_settings, replace_settings))
        .routes(routes!(get_history))
        .routes(routes!(
            get_figma_token_status,
            put_figma_token,
            delete_figma_token
        ));
    super::guarded(routes, app, RateGroup::Reads)
}

/// My profile
#[utoipa::path(get, path = "/me", tag = "me",
    responses((status = 200, description = "Who the caller is.", body = ref("#/components/schemas/Profile"))))]
async fn get_profile(call: Call) -> Result<Json<Profile>, ApiError> {
    let User {
        user_id,
        org_id,
        name,
        created,
        ..
    } = call.app.user_record(call.who()).await?;
    Ok(Json(Profile {
        user_id: user_id.to_string(),
        org_id: org_id.to_string(),
        name,
        created,
        auth_method: match call.caller.method {
            AuthMethod::Local => "local",
            AuthMethod::ApiKey => "api_key",
            AuthMethod::Session => "session",
        },
        session_id: call.caller.session_id,
    }))
}

/// My preferences
#[utoipa::path(get, path = "/me/preferences", tag = "me",
    responses((status = 200, description = "The caller's preferences (an object).", body = ref("#/components/schemas/JsonObject"))))]
async fn get_preferences(call: Call) -> Result<Json<Value>, ApiError> {
    Ok(Json(call.app.preferences(call.who()).await?))
}

/// Change my preferences
///
/// Merges the object into the stored preferences: keys are added or replaced, `null` removes one.
/// Atomic: concurrent changes to other keys are all kept.
#[utoipa::path(patch, path = "/me/preferences", tag = "me",
    request_body(content = ref("#/components/schemas/JsonObject")),
    responses(
        (status = 200, description = "The preferences after the change.", body = ref("#/components/schemas/JsonObject")),
        (status = 400, description = "Not a JSON object.", body = ref("#/components/schemas/ErrorResponse")),
        (status = 413, description = "The preferences would exceed 64 KiB serialized (`value_too_large`); nothing was changed.", body = ref("#/components/schemas/ErrorResponse"))))]
async fn update_preferences(
    call: Call,
    JsonBody(changes): JsonBody<Value>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(call.app.set_preferences(call.who(), changes).await?))
}

/// My settings
#[utoipa::path(get, path = "/me/settings", tag = "me",
    responses((status = 200, description = "The caller's settings (an object).", body = ref("#/components/schemas/JsonObject"))))]
async fn get_settings(call: Call) -> Result<Json<Value>, ApiError> {
    Ok(Json(call.app.settings(call.who()).await?))
}

/// Replace my settings
#[utoipa::path(put, path = "/me/settings", tag = "me",
    request_body(content = ref("#/components/schemas/JsonObject")),
    responses(
        (status = 200, description = "The stored settings.", body = ref("#/components/schemas/JsonObject")),
        (status = 400, description = "Not a JSON object.", body = ref("#/components/schemas/ErrorResponse")),
        (status = 413, description = "The settings exceed 64 KiB serialized (`value_too_large`); nothing was changed.", body = ref("#/components/schemas/ErrorResponse"))))]
async fn replace_settings(
    call: Call,
    JsonBody(settings): JsonBody<Value>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(call.app.set_settings(call.who(), settings).await?))
}

/// My history
///
/// The generations the caller ran, newest first.
#[utoipa::path(get, path = "/me/history", tag = "me",
    params(("limit" = Option<usize>, Query, description = "At most this many entries (default 50, at most 500).")),
    responses(
        (status = 200, description = "Newest first.", body = ref("#/components/schemas/History")),
        (status = 400, description = "A bad `limit`.", body = ref("#/components/schemas/ErrorResponse"))))]
async fn get_history(
    call: Call,
    query: Result<Query<HistoryQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Vec<HistoryItem>>, ApiError> {
    let Query(query) = query.map_err(|rejection| {
        handoff_app::AppError::bad_request(format!("invalid query: {}", rejection.body_text()))
    })?;
    let limit = query.limit.unwrap_or(DEFAULT_HISTORY).clamp(1, MAX_HISTORY);
    let entries = call.app.history(call.who(), limit).await?;
    Ok(Json(entries.into_iter().map(HistoryItem::from).collect()))
}

impl From<HistoryEntry> for HistoryItem {
    fn from(entry: HistoryEntry) -> Self {
        Self {
            at: entry.at,
            tool: entry.tool,
            platform: entry.platform,
            document_type: entry.document_type,
            file_key: entry.file_key,
            node_ids: entry.node_ids,
            summary: entry.summary,
        }
    }
}

/// Whether I have a Figma token
///
/// The token itself is never returned.
#[utoipa::path(get, path = "/me/figma-token", tag = "me",
    responses((status = 200, description = "Whether a token is stored.", body = ref("#/components/schemas/FigmaTokenStatus"))))]
async fn get_figma_token_status(call: Call) -> Result<Json<FigmaTokenStatus>, ApiError> {
    let configured = call.app.has_figma_token(call.who()).await?;
    Ok(Json(FigmaTokenStatus { configured }))
}

/// Store my Figma token
///
/// Encrypted at rest (AES-256-GCM, key from `HANDOFF_SECRET_KEY`) and used only for the caller's
/// own Figma calls.
#[utoipa::path(put, path = "/me/figma-token", tag = "me",
    request_body(content = ref("#/components/schemas/FigmaTokenInput")),
    responses(
        (status = 200, description = "Stored.", body = ref("#/components/schemas/FigmaTokenStatus")),
        (status = 400, description = "Not a plausible token, or no `secret_key` is configured.", body = ref("#/components/schemas/ErrorResponse"))))]
async fn put_figma_token(
    call: Call,
    JsonBody(input): JsonBody<FigmaTokenInput>,
) -> Result<Json<FigmaTokenStatus>, ApiError> {
    call.app.set_figma_token(call.who(), &input.token).await?;
    Ok(Json(FigmaTokenStatus { configured: true }))
}

/// Delete my Figma token
#[utoipa::path(delete, path = "/me/figma-token", tag = "me",
    responses(
        (status = 204, description = "Deleted."),
        (status = 404, description = "No token was stored.", body = ref("#/components/schemas/ErrorResponse"))))]
async fn delete_figma_token(call: Call) -> Result<StatusCode, ApiError> {
    if call.app.delete_figma_token(call.who()).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(handoff_app::AppError::not_found("no Figma token is stored for you").into())
    }
}
