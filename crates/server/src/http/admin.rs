//! `/admin`: the store administration `handoff users|keys|store export` need, for when this server
//! holds the embedded store (one process at a time) and those commands therefore cannot open it.
//!
//! Mounted only when the app has a local admin token (`App::enable_local_admin`, done by
//! `handoff serve` over the embedded store), and every route is refused without that token or from
//! another host. Not part of the public API (no OpenAPI, no rate limits): its one client is the
//! `handoff` binary of the same build, which finds the URL and token in the data directory.

use std::sync::Arc;

use axum::extract::{Path, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, put};
use axum::{Json, Router};
use handoff_app::{App, AppError};
use handoff_store::{ApiKeyRecord, User};
use serde::{Deserialize, Serialize};

use super::AppState;
use super::json::JsonBody;
use crate::error::ApiError;

/// Where the admin routes live.
pub const PREFIX: &str = "/admin";

pub fn routes(app: &Arc<App>) -> Router<AppState> {
    let routes = Router::new()
        .route("/users", get(list_users).post(add_user))
        .route("/users/{user}", delete(remove_user))
        .route("/users/{user}/figma-token", put(set_figma_token))
        .route("/users/{user}/keys", get(list_keys).post(create_key))
        .route("/users/{user}/keys/{key_id}", delete(revoke_key))
        .route("/store/export", get(export_store))
        .route_layer(from_fn_with_state(app.clone(), local_admin_only));
    Router::new().nest(PREFIX, routes)
}

async fn local_admin_only(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let authorization = request.headers().get(header::AUTHORIZATION);
    let same_host = super::peer::is_same_host(request.extensions());
    if let Err(err) = app.check_local_admin(authorization.map(|v| v.as_bytes()), same_host) {
        return ApiError(err).into_response();
    }
    next.run(request).await
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NewUser {
    name: String,
    org: String,
}

async fn add_user(
    State(state): State<AppState>,
    JsonBody(user): JsonBody<NewUser>,
) -> Result<(StatusCode, Json<User>), ApiError> {
    let created = state
        .app
        .store()
        .create_user(&user.name, &user.org)
        .await
        .map_err(AppError::from)?;
    Ok((StatusCode::CREATED, Json(created)))
}

async fn list_users(State(state): State<AppState>) -> Result<Json<Vec<User>>, ApiError> {
    Ok(Json(
        state
            .app
            .store()
            .list_users()
            .await
            .map_err(AppError::from)?,
    ))
}

async fn remove_user(
    State(state): State<AppState>,
    Path(user): Path<String>,
) -> Result<StatusCode, ApiError> {
    if state
        .app
        .store()
        .remove_user(&user)
        .await
        .map_err(AppError::from)?
    {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::not_found(format!("no user with id {user:?}")).into())
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FigmaToken {
    org: Option<String>,
    token: String,
}

/// Answers with the identity the token was stored under.
async fn set_figma_token(
    State(state): State<AppState>,
    Path(user): Path<String>,
    JsonBody(input): JsonBody<FigmaToken>,
) -> Result<Json<handoff_store::Identity>, ApiError> {
    let who = state.app.user_identity(&user, input.org.as_deref()).await?;
    state.app.set_figma_token(&who, &input.token).await?;
    Ok(Json(who))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NewKey {
    #[serde(default)]
    label: String,
}

/// A created key: `secret` is shown once, by the CLI, and never again.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct CreatedKey {
    secret: String,
    record: ApiKeyRecord,
}

async fn create_key(
    State(state): State<AppState>,
    Path(user): Path<String>,
    JsonBody(key): JsonBody<NewKey>,
) -> Result<(StatusCode, Json<CreatedKey>), ApiError> {
    let created = state
        .app
        .store()
        .create_api_key(&user, &key.label)
        .await
        .map_err(AppError::from)?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedKey {
            secret: created.secret,
            record: created.record,
        }),
    ))
}

async fn list_keys(
    State(state): State<AppState>,
    Path(user): Path<String>,
) -> Result<Json<Vec<ApiKeyRecord>>, ApiError> {
    Ok(Json(
        state
            .app
            .store()
            .list_api_keys(&user)
            .await
            .map_err(AppError::from)?,
    ))
}

async fn revoke_key(
    State(state): State<AppState>,
    Path((user, key_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    if state
        .app
        .store()
        .revoke_api_key(&user, &key_id)
        .await
        .map_err(AppError::from)?
    {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::not_found(format!("user {user} has no key with id {key_id}")).into())
    }
}

/// Every record as JSON lines, the format of `handoff store export` (and `store import`).
async fn export_store(State(state): State<AppState>) -> Result<Response, ApiError> {
    let entries = state
        .app
        .store()
        .export_entries()
        .await
        .map_err(AppError::from)?;
    let mut body = Vec::new();
    for entry in &entries {
        serde_json::to_writer(&mut body, entry)
            .map_err(|err| AppError::internal(format!("cannot encode a record: {err}")))?;
        body.push(b'\n');
    }
    Ok(([(header::CONTENT_TYPE, "application/x-ndjson")], body).into_response())
}
