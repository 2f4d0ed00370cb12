//! `POST /api/generate-ticket` and `POST /api/generate-ai-ticket-direct` (legacy-api §6): the old
//! plugin's REST routes, over the same legacy mapping as `POST /` (`generate_template_tickets` and
//! `generate_ai_ticket`), with the response fields the plugin reads.

use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use handoff_app::AppError;
use handoff_app::auth::Caller;
use handoff_app::ops::GenerateRequest;
use handoff_app::ops::legacy::{LegacyCall, LegacyOutput, parse_legacy_call};
use serde_json::{Value, json};

use super::{Route, legacy_error, timestamp};
use crate::error::ApiError;
use crate::http::AppState;
use crate::http::json::JsonBody;

/// No AI provider is ever called: say so wherever the old responses described the generation.
const TEMPLATE_ONLY: &str =
    "no AI provider is configured: the ticket was generated from templates and the frame data";

pub async fn generate_ticket(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Response {
    let route = Route::GenerateTicket;
    let params = match parse_object(&body) {
        Ok(params) => params,
        Err(err) => return legacy_error(route, err),
    };
    let request = match parse_legacy_call("generate_template_tickets", params) {
        Ok(LegacyCall::Tickets(request)) => request,
        Ok(_) => {
            return legacy_error(
                route,
                AppError::bad_request(
                    "nothing to generate from: send `frameData` (the plugin's selection) or a \
                     `figmaUrl` / `figmaContext.figmaUrl` with a node-id",
                )
                .with_code("missing_design"),
            );
        }
        Err(err) => return legacy_error(route, err),
    };
    let output = match run(&state, &caller, LegacyCall::Tickets(request.clone())).await {
        Ok(output) => output,
        Err(err) => return legacy_error(route, err),
    };
    let ticket = output.joined_text();
    Json(json!({
        "success": true,
        "ticket": ticket,
        // The UI's template-matrix test reads the ToolResult form.
        "content": output.content,
        "timestamp": timestamp(),
        "metadata": {
            "platform": request.platform,
            "documentType": request.document_type,
            "techStack": tech_stack(&request),
        },
    }))
    .into_response()
}

pub async fn generate_ai_ticket_direct(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Response {
    let route = Route::AiTicketDirect;
    let params = match parse_object(&body) {
        Ok(params) => params,
        Err(err) => return legacy_error(route, err),
    };
    let has_frames = params
        .get("enhancedFrameData")
        .and_then(Value::as_array)
        .is_some_and(|frames| !frames.is_empty());
    if !has_frames {
        return legacy_error(
            route,
            AppError::bad_request("Enhanced frame data is required")
                .with_code("missing_frames")
                .with_details(json!("No frame data provided for AI generation")),
        );
    }
    let call = match parse_legacy_call("generate_ai_ticket", params) {
        Ok(call) => call,
        Err(err) => return legacy_error(route, err),
    };
    let LegacyCall::AiTicket { request, signals } = &call else {
        return legacy_error(
            route,
            AppError::internal("generate_ai_ticket did not map to an AI ticket"),
        );
    };
    let (request, has_screenshot) = (request.clone(), signals.has_screenshot);
    let output = match run(&state, &caller, call).await {
        Ok(output) => output,
        Err(err) => return legacy_error(route, err),
    };
    let confidence = output
        .metadata
        .as_ref()
        .and_then(|metadata| metadata.get("confidence"))
        .and_then(Value::as_f64)
        .unwrap_or(0.0)
        .clamp(0.0, 1.0);
    let ticket = output.joined_text();
    Json(json!({
        "success": true,
        "generatedTicket": ticket,
        "content": output.content,
        "source": "Template Manager",
        "isFallback": true,
        "fallbackReason": TEMPLATE_ONLY,
        "confidence": confidence,
        "metadata": {
            "timestamp": timestamp(),
            "techStack": tech_stack(&request),
            "documentType": request.document_type,
            "platform": request.platform,
            "template": format!("{}/{}", request.platform, request.document_type),
            "hasScreenshot": has_screenshot,
            "generationType": "template",
            "aiModel": null,
        },
    }))
    .into_response()
}

/// The body as a JSON object (the old routes took any JSON but needed an object).
fn parse_object(body: &[u8]) -> Result<Value, AppError> {
    let JsonBody(value) = JsonBody::<Value>::parse(body).map_err(|ApiError(err)| err)?;
    if value.is_object() {
        Ok(value)
    } else {
        Err(
            AppError::bad_request("the request body must be a JSON object")
                .with_code("invalid_json"),
        )
    }
}

async fn run(
    state: &AppState,
    caller: &Caller,
    call: LegacyCall,
) -> Result<LegacyOutput, AppError> {
    state.app.call_legacy(&caller.identity, call).await
}

/// As the request gave it (string or list), or the old "Not specified".
fn tech_stack(request: &GenerateRequest) -> Value {
    request
        .tech_stack
        .as_ref()
        .and_then(|stack| serde_json::to_value(stack).ok())
        .unwrap_or_else(|| json!("Not specified"))
}
