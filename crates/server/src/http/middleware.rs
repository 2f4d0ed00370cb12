//! Cross-cutting request handling: spans with request ids, metrics, panic recovery, and turning every
//! bare error status into the JSON error shape.

use std::any::Any;
use std::time::Instant;

use axum::body::Body;
use axum::extract::{MatchedPath, Request};
use axum::http::{Response, header};
use axum::middleware::Next;
use axum::response::IntoResponse;
use handoff_app::AppError;
use tracing::Span;

use crate::error::{ApiError, kind_for_status};

pub fn request_span(request: &Request<Body>) -> Span {
    let request_id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!(
        "request",
        method = %request.method(),
        path = %request.uri().path(),
        request_id = %request_id,
    )
}

pub async fn record_metrics(request: Request, next: Next) -> axum::response::Response {
    let started = Instant::now();
    let method = request.method().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    let labels = [("method", method), ("route", route), ("status", status)];
    metrics::counter!("http_requests_total", &labels).increment(1);
    metrics::histogram!("http_request_duration_seconds", &labels[..2])
        .record(started.elapsed().as_secs_f64());
    response
}

/// Rewrites error responses that are not JSON (axum's 405, the body limit's 413, the timeout's 408,
/// and so on) into the one JSON error shape. Responses a handler already shaped pass through.
pub async fn json_errors(response: axum::response::Response) -> axum::response::Response {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/json"));
    if is_json {
        return response;
    }
    let (kind, code, message) = kind_for_status(status);
    let mut shaped = ApiError(AppError::new(kind, message).with_code(code)).into_response();
    *shaped.status_mut() = status;
    for name in [header::ALLOW, header::RETRY_AFTER, header::WWW_AUTHENTICATE] {
        if let Some(value) = response.headers().get(&name) {
            shaped.headers_mut().insert(name, value.clone());
        }
    }
    shaped
}

pub async fn not_found() -> ApiError {
    ApiError(AppError::not_found("no such route").with_code("not_found"))
}

pub fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response<Body> {
    let detail = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("unknown panic");
    tracing::error!(panic = %detail, "handler panicked; answered 500 and kept serving");
    metrics::counter!("http_handler_panics_total").increment(1);
    ApiError(AppError::internal(
        "internal error: the request could not be completed",
    ))
    .into_response()
}
