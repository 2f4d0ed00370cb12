//! The one error type of the service layer. Each interface maps [`ErrorKind`] once: HTTP to a status
//! and the JSON error shape, MCP to an `isError` tool result, the legacy contract to its own shape.

use std::time::Duration;

use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The request itself is wrong (malformed, missing or invalid fields).
    BadRequest,
    /// No or invalid credentials.
    Unauthenticated,
    /// The caller is known but may not do this (a foreign web page acting as the local user).
    Forbidden,
    /// Does not exist, or belongs to someone else (existence is not revealed).
    NotFound,
    Conflict,
    PayloadTooLarge,
    /// A per-user budget is exhausted.
    RateLimited,
    /// A dependency (the store) cannot be reached now; retrying later may work.
    Unavailable,
    /// An upstream service (Figma) refused or failed.
    Upstream,
    Timeout,
    Internal,
}

impl ErrorKind {
    /// The stable `snake_case` code clients can match on.
    pub fn code(self) -> &'static str {
        match self {
            Self::BadRequest => "bad_request",
            Self::Unauthenticated => "unauthenticated",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not_found",
            Self::Conflict => "conflict",
            Self::PayloadTooLarge => "payload_too_large",
            Self::RateLimited => "rate_limited",
            Self::Unavailable => "unavailable",
            Self::Upstream => "upstream_error",
            Self::Timeout => "timeout",
            Self::Internal => "internal",
        }
    }
}

/// An error with a human sentence, a kind, an optional more specific code and optional details.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct AppError {
    pub kind: ErrorKind,
    /// A more specific code than the kind's (e.g. `invalid_figma_url`); defaults to the kind's code.
    pub code: Option<&'static str>,
    pub message: String,
    pub details: Option<Value>,
    /// When retrying makes sense (rate limits, outages).
    pub retry_after: Option<Duration>,
}

impl AppError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            code: None,
            message: message.into(),
            details: None,
            retry_after: None,
        }
    }
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::BadRequest, message)
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotFound, message)
    }
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Internal, message)
    }
    pub fn with_code(mut self, code: &'static str) -> Self {
        self.code = Some(code);
        self
    }
    pub fn with_details(mut self, details: Value) -> Self {
        self.details = Some(details);
        self
    }
    pub fn with_retry_after(mut self, after: Duration) -> Self {
        self.retry_after = Some(after);
        self
    }
    pub fn code(&self) -> &'static str {
        self.code.unwrap_or(self.kind.code())
    }
}

impl From<handoff_store::StoreError> for AppError {
    fn from(err: handoff_store::StoreError) -> Self {
        use handoff_store::StoreError as E;
        match &err {
            E::Unavailable { retry_after, .. } => {
                // The cause is the backend's own text (`LOADING Redis is loading the dataset in
                // memory`, a socket error with an address): it helps the operator, so it is logged,
                // and tells a caller nothing it can act on, so it is not sent.
                tracing::warn!(error = %err, "store unavailable");
                Self::new(
                    ErrorKind::Unavailable,
                    "the store is temporarily unavailable; retry shortly",
                )
                .with_code("store_unavailable")
                .with_retry_after(*retry_after)
            }
            E::Locked { .. } => {
                Self::new(ErrorKind::Unavailable, err.to_string()).with_code("store_locked")
            }
            E::Invalid { .. } => Self::bad_request(err.to_string()),
            // A stored value over its bound (preferences, settings, session data, a component…):
            // its own code, so clients can tell it from a request body over `max_body_bytes`.
            E::TooLarge { what, size, limit } => {
                Self::new(ErrorKind::PayloadTooLarge, err.to_string())
                    .with_code("value_too_large")
                    .with_details(serde_json::json!({ "what": what, "size": size, "limit": limit }))
            }
            E::Corrupt { .. } | E::Backend(_) => {
                tracing::error!(error = %err, "store failure");
                Self::internal("internal storage error")
            }
        }
    }
}
