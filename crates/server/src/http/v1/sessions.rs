//! `/api/v1/sessions`: create a session from an API key, list, read, refresh and delete one's own.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use handoff_app::App;
use handoff_app::auth::Caller;
use handoff_app::ops::SessionView;
use handoff_app::ratelimit::RateGroup;
use serde::Deserialize;
use serde_json::Value;

use crate::error::ApiError;
use crate::http::AppState;
use crate::http::guard::guard_routes;
use crate::http::json::JsonBody;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionRequest {
    #[serde(default)]
    pub data: Option<Value>,
}

pub fn routes(app: &Arc<App>) -> Router<AppState> {
    let router = Router::new()
        .route("/sessions", post(create).get(list))
        .route("/sessions/{id}", get(read).delete(remove))
        .route("/sessions/{id}/refresh", post(refresh));
    guard_routes(router, app, Some(RateGroup::Reads))
}

async fn create(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    body: Option<JsonBody<SessionRequest>>,
) -> Result<(StatusCode, Json<SessionView>), ApiError> {
    let data = body.and_then(|JsonBody(body)| body.data).unwrap_or(Value::Null);
    let session = state.app.create_session(&caller, data).await?;
    Ok((StatusCode::CREATED, Json(session)))
}

async fn list(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> Result<Json<Vec<SessionView>>, ApiError> {
    Ok(Json(state.app.list_sessions(&caller.identity).await?))
}

async fn read(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Json<SessionView>, ApiError> {
    Ok(Json(state.app.get_session(&caller.identity, &id).await?))
}

async fn refresh(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    body: Option<JsonBody<SessionRequest>>,
) -> Result<Json<SessionView>, ApiError> {
    let data = body.and_then(|JsonBody(body)| body.data);
    Ok(Json(state.app.refresh_session(&caller.identity, &id, data).await?))
}

async fn remove(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.app.delete_session(&caller.identity, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
