//! [`JsonBody`]: the request-body extractor for every JSON route. Unlike `axum::Json`, a rejection
//! says exactly what is wrong (the JSON path of a wrong type or missing field, the line and column
//! of a syntax error) in the one JSON error shape, and it does not insist on a `Content-Type`
//! header: the Figma plugin and many scripts send JSON as `text/plain`. Bodies are JSON objects.

use axum::body::Bytes;
use axum::extract::{FromRequest, OptionalFromRequest, Request};
use handoff_app::AppError;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

#[derive(Debug, Clone)]
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned> JsonBody<T> {
    /// Parses `bytes`, reporting where the document is wrong.
    pub fn parse(bytes: &[u8]) -> Result<Self, ApiError> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(invalid("the request body is empty; send a JSON document").into());
        }
        let text = std::str::from_utf8(bytes)
            .map_err(|err| invalid(format!("the request body is not UTF-8: {err}")))?;
        // Every body of this API is an object. Checked up front because serde also fills a struct
        // from an array, positionally, which would accept `[]` or `[{…}]` as a valid request.
        if !text.trim_start().starts_with('{') {
            return Err(invalid("the request body must be a JSON object (`{…}`)").into());
        }
        // The common case, a valid body, is parsed without path tracking (which wraps every value
        // of the document); only a refused body is parsed again, with the tracking that names
        // where it is wrong. Both parses see the same text, so the second fails where the first did.
        if let Ok(value) = serde_json::from_str(text) {
            return Ok(Self(value));
        }
        let mut deserializer = serde_json::Deserializer::from_str(text);
        let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|err| {
            let path = err.path().to_string();
            let inner = err.into_inner();
            let message = if path.is_empty() || path == "." {
                format!("invalid JSON body: {inner}")
            } else {
                format!("invalid JSON body at `{path}`: {inner}")
            };
            invalid(message)
        })?;
        deserializer
            .end()
            .map_err(|err| invalid(format!("invalid JSON body: {err}")))?;
        Ok(Self(value))
    }
}

impl<T, S> FromRequest<S> for JsonBody<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = read_body(request, state).await?;
        Self::parse(&bytes)
    }
}

/// `Option<JsonBody<T>>`: `None` for an empty body, an error for a malformed one.
impl<T, S> OptionalFromRequest<S> for JsonBody<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Option<Self>, Self::Rejection> {
        let bytes = read_body(request, state).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(None);
        }
        Self::parse(&bytes).map(Some)
    }
}

async fn read_body<S: Send + Sync>(request: Request, state: &S) -> Result<Bytes, ApiError> {
    Bytes::from_request(request, state)
        .await
        .map_err(|rejection| {
            let status = rejection.status();
            let (kind, code, _) = crate::error::kind_for_status(status);
            ApiError(AppError::new(kind, rejection.body_text()).with_code(code))
        })
}

fn invalid(message: impl Into<String>) -> AppError {
    AppError::bad_request(message).with_code("invalid_json")
}
