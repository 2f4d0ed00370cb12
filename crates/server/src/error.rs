//! The HTTP face of [`AppError`]: one status per kind and one JSON shape,
//! `{"error":{"code","message","details"?}}`. Every handler error and every error the middleware
//! produces (404, 405, 413, timeouts, panics) goes through here.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use handoff_app::{AppError, ErrorKind};
use serde_json::json;

#[derive(Debug)]
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(err: AppError) -> Self {
        Self(err)
    }
}

pub fn status_for(kind: ErrorKind) -> StatusCode {
    match kind {
        ErrorKind::BadRequest => StatusCode::BAD_REQUEST,
        ErrorKind::Unauthenticated => StatusCode::UNAUTHORIZED,
        ErrorKind::Forbidden => StatusCode::FORBIDDEN,
        ErrorKind::NotFound => StatusCode::NOT_FOUND,
        ErrorKind::Conflict => StatusCode::CONFLICT,
        ErrorKind::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        ErrorKind::RateLimited => StatusCode::TOO_MANY_REQUESTS,
        ErrorKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        ErrorKind::Upstream => StatusCode::BAD_GATEWAY,
        ErrorKind::Timeout => StatusCode::REQUEST_TIMEOUT,
        ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The kind the middleware assigns to a bare error status produced outside a handler.
pub fn kind_for_status(status: StatusCode) -> (ErrorKind, &'static str, &'static str) {
    match status {
        StatusCode::NOT_FOUND => (ErrorKind::NotFound, "not_found", "no such route"),
        StatusCode::METHOD_NOT_ALLOWED => (
            ErrorKind::BadRequest,
            "method_not_allowed",
            "this route does not accept that method",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => (
            ErrorKind::PayloadTooLarge,
            "payload_too_large",
            "the request body is larger than max_body_bytes",
        ),
        StatusCode::REQUEST_TIMEOUT => (
            ErrorKind::Timeout,
            "timeout",
            "the request took longer than request_timeout_secs",
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            ErrorKind::BadRequest,
            "unsupported_media_type",
            "send the body as application/json",
        ),
        s if s.is_server_error() => (ErrorKind::Internal, "internal", "internal error"),
        _ => (
            ErrorKind::BadRequest,
            "bad_request",
            "the request was rejected",
        ),
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let err = self.0;
        // Two request errors have their own HTTP status; every other code maps by its kind.
        let status = match err.code() {
            "method_not_allowed" => StatusCode::METHOD_NOT_ALLOWED,
            "unsupported_media_type" => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            _ => status_for(err.kind),
        };
        let mut body = json!({ "code": err.code(), "message": err.message });
        if let Some(details) = err.details {
            body["details"] = details;
        }
        let mut response = (status, Json(json!({ "error": body }))).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static(r#"Bearer realm="handoff""#),
            );
        }
        if let Some(after) = err.retry_after {
            let secs = after.as_secs() + u64::from(after.subsec_nanos() > 0);
            if let Ok(value) = HeaderValue::from_str(&secs.max(1).to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
        }
        response
    }
}
