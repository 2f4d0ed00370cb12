//! The old Node server's HTTP contract, kept for the Figma plugin and existing scripts
//! (docs/legacy.md lists the deliberate differences).
//!
//! Every route answers from the same App operations as REST v1 and MCP; `POST /` goes through the
//! one legacy mapping (`handoff_app::ops::legacy`). The old contract used a different error shape
//! per route: [`legacy_error`] is the one place those shapes are produced.

mod info;
mod rpc;
mod screenshot;
mod tickets;
mod tools;

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use handoff_app::ratelimit::RateGroup;
use handoff_app::{App, AppError, ErrorKind};
use serde_json::{Value, json};

use super::AppState;
use super::guard::guard_routes;
use crate::error::{ApiError, status_for};

/// `GET /` and `GET /api/figma/health` stay open: the plugin calls them first, to show
/// "Connected", before it could present any credential, and they reveal no user data. Everything
/// else runs behind the shared guard: generation budget for `POST /` and the ticket routes, the
/// Figma budget for screenshots. Calls that read a design from Figma also draw on the Figma budget,
/// inside the operation that loads it.
pub fn routes(app: &Arc<App>) -> Router<AppState> {
    let open = Router::new()
        .route("/", get(info::server_info))
        .route("/api/figma/health", get(info::figma_health));
    let generation = Router::new()
        .route("/", post(rpc::call))
        .route("/api/generate-ticket", post(tickets::generate_ticket))
        .route(
            "/api/generate-ai-ticket-direct",
            post(tickets::generate_ai_ticket_direct),
        );
    let figma = Router::new().route("/api/figma/screenshot", get(screenshot::capture));
    open.merge(guard_routes(generation, app, Some(RateGroup::Generation)))
        // The Figma budget is drawn inside the render operation, as for every Figma call.
        .merge(guard_routes(figma, app, Some(RateGroup::Reads)))
}

/// Which legacy route failed: each had its own error body.
#[derive(Debug, Clone, Copy)]
enum Route<'a> {
    /// `POST /` before a method could be run: the body or the method name is wrong.
    MethodRequest,
    /// `POST /` while running `method`.
    Method(&'a str),
    GenerateTicket,
    AiTicketDirect,
    Screenshot {
        file_key: &'a str,
        node_id: &'a str,
    },
}

/// The one mapping of errors to the old routes' error bodies.
///
/// Rate limits keep the shared JSON error shape (and `Retry-After`) on every route, as the guard
/// produces for the other budgets. On `POST /` a failure of the method itself is a 200 tool error
/// (`isError`), as the old server and MCP report them; only a malformed request is a 400.
/// Elsewhere the status follows the error kind, never a blanket 500; a refused Figma credential
/// is 403, since the caller's own authentication succeeded.
fn legacy_error(route: Route<'_>, err: AppError) -> Response {
    if err.kind == ErrorKind::RateLimited {
        return ApiError(err).into_response();
    }
    let status = match err.kind {
        ErrorKind::Unauthenticated => StatusCode::FORBIDDEN,
        kind => status_for(kind),
    };
    let retry_after = err.retry_after;
    let (status, body) = match route {
        Route::MethodRequest => (StatusCode::BAD_REQUEST, tool_error(err.message)),
        Route::Method(method) => (
            StatusCode::OK,
            tool_error(format!(
                "Error executing method \"{method}\": {}",
                err.message
            )),
        ),
        Route::GenerateTicket => (
            status,
            json!({
                "success": false,
                "error": err.message,
                "code": err.code(),
                "timestamp": timestamp(),
            }),
        ),
        // The old headline for a refused request was the message itself, with the explanation in
        // `details`; for a failure, a fixed headline with the message in `details`.
        Route::AiTicketDirect => {
            let details = match &err.details {
                Some(Value::String(details)) => details.clone(),
                _ => err.message.clone(),
            };
            let headline = if status.is_client_error() {
                err.message.clone()
            } else {
                "Direct AI generation failed".to_owned()
            };
            (
                status,
                json!({
                    "error": headline,
                    "details": details,
                    "code": err.code(),
                    "timestamp": timestamp(),
                }),
            )
        }
        Route::Screenshot { file_key, node_id } => (
            status,
            json!({
                "error": err.message,
                "code": err.code(),
                "figmaStatus": err.details.as_ref().and_then(|d| d.get("figmaStatus")).cloned(),
                "message": format!("Failed to capture screenshot: {}", err.message),
                "fileKey": file_key,
                "nodeId": node_id,
            }),
        ),
    };
    let mut response = (status, Json(body)).into_response();
    if let Some(after) = retry_after
        && let Ok(value) = HeaderValue::from_str(&after.as_secs().max(1).to_string())
    {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

/// The old ToolResult error: one text block and `isError`.
fn tool_error(text: String) -> Value {
    json!({ "content": [{ "type": "text", "text": text }], "isError": true })
}

/// Now, as the old server's `new Date().toISOString()` (RFC 3339, UTC, milliseconds).
fn timestamp() -> String {
    let now = time::OffsetDateTime::now_utc();
    let now = now
        .replace_nanosecond(now.millisecond() as u32 * 1_000_000)
        .unwrap_or(now);
    now.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}
