//! `/api/v1/tickets`: tickets and documents from templates (the caller's org and user overrides
//! apply): one for a node, one per node of a batch, or an epic with a child per frame.

use std::sync::Arc;

use axum::extract::State;
use axum::{Extension, Json, Router};
use handoff_app::auth::Caller;
use handoff_app::ops::design::NodeIds;
use handoff_app::ops::{DesignSource, GenerateRequest, GeneratedTickets};
use handoff_app::ratelimit::RateGroup;
use handoff_app::{App, AppError};
use utoipa::openapi::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::ApiError;
use crate::http::AppState;
use crate::http::json::JsonBody;

const EPIC: &str = "epic";

pub fn routes(app: &Arc<App>) -> (Router<AppState>, OpenApi) {
    let routes = OpenApiRouter::new()
        .routes(routes!(generate_one))
        .routes(routes!(generate_batch))
        .routes(routes!(generate_epic));
    super::guarded(routes, app, RateGroup::Generation)
}

/// Generate a ticket
///
/// One ticket (or document) for the node the source names, else the design's main component or
/// frame, rendered in `format` (default: the template's own). Recorded in the caller's history.
#[utoipa::path(post, path = "/tickets", tag = "tickets",
    request_body(content = ref("#/components/schemas/GenerateRequest")),
    responses(
        (status = 200, description = "One rendered ticket.", body = ref("#/components/schemas/GeneratedTickets")),
        (status = 400, description = "Invalid source, platform, type or format; more than one node (use /tickets/batch); an epic (use /tickets/epic).", body = ref("#/components/schemas/ErrorResponse")),
        (status = 401, description = "No Figma token for the caller, or Figma refused it.", body = ref("#/components/schemas/ErrorResponse")),
        (status = 404, description = "Figma does not know the file or node.", body = ref("#/components/schemas/ErrorResponse"))))]
async fn generate_one(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    JsonBody(request): JsonBody<GenerateRequest>,
) -> Result<Json<GeneratedTickets>, ApiError> {
    if is_epic(&request) {
        return Err(wrong_route("an epic is generated with POST /api/v1/tickets/epic").into());
    }
    if requested_nodes(&request) > 1 {
        return Err(wrong_route(
            "this route generates one ticket; send several node ids to POST /api/v1/tickets/batch",
        )
        .into());
    }
    Ok(Json(
        state
            .app
            .generate_tickets(&caller.identity, &request)
            .await?,
    ))
}

/// Generate a batch
///
/// One ticket per requested node (`node_ids`, or the source's node ids), in request order.
#[utoipa::path(post, path = "/tickets/batch", tag = "tickets",
    request_body(content = ref("#/components/schemas/GenerateRequest")),
    responses(
        (status = 200, description = "One rendered ticket per node.", body = ref("#/components/schemas/GeneratedTickets")),
        (status = 400, description = "No node ids, an invalid one, or an epic (use /tickets/epic).", body = ref("#/components/schemas/ErrorResponse")),
        (status = 401, description = "No Figma token for the caller, or Figma refused it.", body = ref("#/components/schemas/ErrorResponse")),
        (status = 404, description = "Figma does not know the file or a node.", body = ref("#/components/schemas/ErrorResponse"))))]
async fn generate_batch(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    JsonBody(request): JsonBody<GenerateRequest>,
) -> Result<Json<GeneratedTickets>, ApiError> {
    if is_epic(&request) {
        return Err(wrong_route("an epic is generated with POST /api/v1/tickets/epic").into());
    }
    if requested_nodes(&request) == 0 {
        return Err(AppError::bad_request(
            "a batch needs node ids: `node_ids`, or the source's `node_ids` / link `node-id`",
        )
        .with_code("missing_node_ids")
        .into());
    }
    Ok(Json(
        state
            .app
            .generate_tickets(&caller.identity, &request)
            .await?,
    ))
}

/// Generate an epic
///
/// An epic over the requested nodes (default: every top-level frame) with one child ticket of
/// `child_type` (default story) per node, and totals in `epic_summary`. `document_type` is `epic`
/// whatever the body says.
#[utoipa::path(post, path = "/tickets/epic", tag = "tickets",
    request_body(content = ref("#/components/schemas/GenerateRequest")),
    responses(
        (status = 200, description = "The epic first, then its children.", body = ref("#/components/schemas/GeneratedTickets")),
        (status = 400, description = "Invalid source, platform, child type or format.", body = ref("#/components/schemas/ErrorResponse")),
        (status = 401, description = "No Figma token for the caller, or Figma refused it.", body = ref("#/components/schemas/ErrorResponse")),
        (status = 404, description = "Figma does not know the file or a node.", body = ref("#/components/schemas/ErrorResponse"))))]
async fn generate_epic(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    JsonBody(mut request): JsonBody<GenerateRequest>,
) -> Result<Json<GeneratedTickets>, ApiError> {
    request.document_type = EPIC.to_owned();
    Ok(Json(
        state
            .app
            .generate_tickets(&caller.identity, &request)
            .await?,
    ))
}

fn is_epic(request: &GenerateRequest) -> bool {
    request.document_type.trim().eq_ignore_ascii_case(EPIC)
}

/// How many nodes the request names: `node_ids`, else the source's own.
fn requested_nodes(request: &GenerateRequest) -> usize {
    if !request.node_ids.is_empty() {
        return request.node_ids.len();
    }
    match &request.source {
        DesignSource::File { node_ids, .. } => match node_ids {
            NodeIds::None => 0,
            NodeIds::One(_) => 1,
            NodeIds::Many(ids) => ids.len(),
        },
        DesignSource::Url { url } => usize::from(url.contains("node-id=")),
        DesignSource::Inline { .. } => 0,
    }
}

fn wrong_route(message: &str) -> AppError {
    AppError::bad_request(message).with_code("wrong_route")
}
