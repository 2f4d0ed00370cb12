//! `/api/v1/tickets`: tickets and documents from templates (the caller's org and user overrides
//! apply): one for a node, one per node of a batch, or an epic with a child per frame.

use std::sync::Arc;

use axum::{Json, Router};
use handoff_app::ops::ticket_shape::{ShapeMismatch, TicketShape};
use handoff_app::ops::{GenerateRequest, GeneratedTickets};
use handoff_app::ratelimit::RateGroup;
use handoff_app::{App, AppError};
use utoipa::openapi::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::Call;
use crate::error::ApiError;
use crate::http::AppState;
use crate::http::json::JsonBody;

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
    call: Call,
    JsonBody(request): JsonBody<GenerateRequest>,
) -> Result<Json<GeneratedTickets>, ApiError> {
    generate(call, request, TicketShape::One).await
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
    call: Call,
    JsonBody(request): JsonBody<GenerateRequest>,
) -> Result<Json<GeneratedTickets>, ApiError> {
    generate(call, request, TicketShape::Batch).await
}

/// Generate an epic
///
/// An epic over the requested nodes (default: every top-level frame) with one child ticket of
/// `child_type` per node (default story, or the first of component, feature, documentation the
/// platform has a template for), and totals in `epic_summary`. `document_type` is `epic`
/// whatever the body says.
#[utoipa::path(post, path = "/tickets/epic", tag = "tickets",
    request_body(content = ref("#/components/schemas/GenerateRequest")),
    responses(
        (status = 200, description = "The epic first, then its children.", body = ref("#/components/schemas/GeneratedTickets")),
        (status = 400, description = "Invalid source, platform, child type or format.", body = ref("#/components/schemas/ErrorResponse")),
        (status = 401, description = "No Figma token for the caller, or Figma refused it.", body = ref("#/components/schemas/ErrorResponse")),
        (status = 404, description = "Figma does not know the file or a node.", body = ref("#/components/schemas/ErrorResponse"))))]
async fn generate_epic(
    call: Call,
    JsonBody(request): JsonBody<GenerateRequest>,
) -> Result<Json<GeneratedTickets>, ApiError> {
    generate(call, request, TicketShape::Epic).await
}

/// The one body of the three routes: the request must fit the route's shape.
async fn generate(
    call: Call,
    mut request: GenerateRequest,
    shape: TicketShape,
) -> Result<Json<GeneratedTickets>, ApiError> {
    shape.apply(&mut request).map_err(wrong_shape)?;
    Ok(Json(call.app.generate_tickets(call.who(), &request).await?))
}

/// Tells the caller which route fits their request.
fn wrong_shape(mismatch: ShapeMismatch) -> AppError {
    let (code, message) = match mismatch {
        ShapeMismatch::IsEpic => (
            "wrong_route",
            "an epic is generated with POST /api/v1/tickets/epic",
        ),
        ShapeMismatch::SeveralNodes => (
            "wrong_route",
            "this route generates one ticket; send several node ids to POST /api/v1/tickets/batch",
        ),
        ShapeMismatch::NoNodes => (
            "missing_node_ids",
            "a batch needs node ids: `node_ids`, or the source's `node_ids` / link `node-id`",
        ),
    };
    AppError::bad_request(message).with_code(code)
}
