//! `/api/v1/sessions`: create a session from an API key, list, read, refresh and delete one's own.

use std::sync::Arc;

use axum::extract::Path;
use axum::http::StatusCode;
use axum::{Json, Router};
use handoff_app::App;
use handoff_app::ops::SessionView;
use handoff_app::ratelimit::RateGroup;
use serde::Deserialize;
use serde_json::Value;
use utoipa::openapi::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::Call;
use crate::error::ApiError;
use crate::http::AppState;
use crate::http::json::JsonBody;

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionRequest {
    /// Client data kept with the session (a JSON object).
    #[serde(default)]
    pub data: Option<Value>,
}

pub fn routes(app: &Arc<App>) -> (Router<AppState>, OpenApi) {
    let routes = OpenApiRouter::new()
        .routes(routes!(create, list))
        .routes(routes!(read, remove))
        .routes(routes!(refresh));
    super::guarded(routes, app, RateGroup::Reads)
}

/// Create a session
///
/// Mints a session token (`hs_…`, returned only here) for the caller, to be sent as a bearer token
/// instead of the API key. Its expiry slides on every use.
#[utoipa::path(post, path = "/sessions", operation_id = "create_session", tag = "sessions",
    request_body(content = ref("#/components/schemas/SessionRequest"), description = "Optional; an empty body is fine."),
    responses((status = 201, description = "The new session, with its token.", body = ref("#/components/schemas/SessionView"))))]
async fn create(
    call: Call,
    body: Option<JsonBody<SessionRequest>>,
) -> Result<(StatusCode, Json<SessionView>), ApiError> {
    let data = body
        .and_then(|JsonBody(body)| body.data)
        .unwrap_or(Value::Null);
    let session = call.app.create_session(&call.caller, data).await?;
    Ok((StatusCode::CREATED, Json(session)))
}

/// List my sessions
#[utoipa::path(get, path = "/sessions", operation_id = "list_sessions", tag = "sessions",
    responses((status = 200, description = "The caller's live sessions (without tokens).", body = ref("#/components/schemas/SessionList"))))]
async fn list(call: Call) -> Result<Json<Vec<SessionView>>, ApiError> {
    Ok(Json(call.app.list_sessions(call.who()).await?))
}

/// Get one of my sessions
#[utoipa::path(get, path = "/sessions/{id}", operation_id = "get_session", tag = "sessions", params(("id" = String, Path, description = "The session id (`sessionId`).")),
    responses(
        (status = 200, description = "The session.", body = ref("#/components/schemas/SessionView")),
        (status = 404, description = "No such session of the caller's.", body = ref("#/components/schemas/ErrorResponse"))))]
async fn read(call: Call, Path(id): Path<String>) -> Result<Json<SessionView>, ApiError> {
    Ok(Json(call.app.get_session(call.who(), &id).await?))
}

/// Refresh a session
///
/// Extends the session's expiry and, when `data` is given, replaces the data kept with it.
#[utoipa::path(post, path = "/sessions/{id}/refresh", operation_id = "refresh_session", tag = "sessions", params(("id" = String, Path, description = "The session id (`sessionId`).")),
    request_body(content = ref("#/components/schemas/SessionRequest"), description = "Optional; an empty body keeps the data."),
    responses(
        (status = 200, description = "The refreshed session.", body = ref("#/components/schemas/SessionView")),
        (status = 404, description = "No such session of the caller's.", body = ref("#/components/schemas/ErrorResponse"))))]
async fn refresh(
    call: Call,
    Path(id): Path<String>,
    body: Option<JsonBody<SessionRequest>>,
) -> Result<Json<SessionView>, ApiError> {
    let data = body.and_then(|JsonBody(body)| body.data);
    Ok(Json(call.app.refresh_session(call.who(), &id, data).await?))
}

/// Delete a session
///
/// Its token stops working at once, on every instance.
#[utoipa::path(delete, path = "/sessions/{id}", operation_id = "delete_session", tag = "sessions", params(("id" = String, Path, description = "The session id (`sessionId`).")),
    responses(
        (status = 204, description = "Deleted."),
        (status = 404, description = "No such session of the caller's.", body = ref("#/components/schemas/ErrorResponse"))))]
async fn remove(call: Call, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    call.app.delete_session(call.who(), &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
