//! One Figma GET with retries: timeouts, back-off on 5xx and network errors, short 429s waited
//! out, everything else turned into a [`FigmaError`] on the first answer.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use backon::{ExponentialBuilder, Retryable};
use bytes::{Bytes, BytesMut};
use reqwest::header::{CONTENT_LENGTH, HeaderMap, HeaderName, HeaderValue, RETRY_AFTER};
use reqwest::{Response, StatusCode};
use url::Url;

use crate::auth::FigmaAuth;
use crate::config::FigmaClientConfig;
use crate::endpoint::{ApiRequest, Endpoint, truncate};
use crate::error::{FigmaError, RateLimit};

/// Largest error body read to find Figma's message.
const MAX_ERROR_BODY: usize = 64 * 1024;
/// Longest piece of Figma's own text kept in an error message.
const MAX_FIGMA_MESSAGE: usize = 300;

pub(crate) struct Transport {
    http: reqwest::Client,
    config: FigmaClientConfig,
}

/// How one attempt failed, and whether another attempt may help.
struct Failure {
    error: FigmaError,
    retry: RetryHint,
}

#[derive(Clone, Copy)]
enum RetryHint {
    Never,
    Backoff,
    After(Duration),
}

impl Transport {
    pub fn new(config: FigmaClientConfig) -> Result<Self, FigmaError> {
        let http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .user_agent(config.user_agent.clone())
            .build()
            .map_err(|e| FigmaError::Internal {
                detail: format!("cannot build the HTTP client: {e}"),
            })?;
        Ok(Transport { http, config })
    }

    pub fn config(&self) -> &FigmaClientConfig {
        &self.config
    }

    /// GETs `request`, retrying what is worth retrying; returns the raw 2xx body.
    pub async fn get(&self, auth: &FigmaAuth, request: &ApiRequest) -> Result<Bytes, FigmaError> {
        let url = request.url(&self.config.api_base)?;
        let credential = auth.header()?;
        let attempts = AtomicUsize::new(0);
        let backoff = ExponentialBuilder::default()
            .with_min_delay(self.config.retry_min_delay)
            .with_max_delay(self.config.retry_max_delay)
            .with_max_times(self.config.max_retries)
            .with_jitter();
        let outcome = (|| async {
            attempts.fetch_add(1, Ordering::Relaxed);
            self.attempt(&url, &credential, request).await
        })
        .retry(backoff)
        .when(|failure| !matches!(failure.retry, RetryHint::Never))
        .adjust(|failure, next| match failure.retry {
            // Figma's own wait replaces the back-off step, but only while retries remain.
            RetryHint::After(wait) => next.map(|_| wait),
            _ => next,
        })
        .notify(|failure, wait| {
            tracing::warn!(
                endpoint = request.endpoint.label(),
                file_key = %request.file_key,
                wait_ms = wait.as_millis() as u64,
                error = %failure.error,
                "Figma call failed, retrying"
            );
        })
        .await;
        outcome.map_err(|failure| with_attempts(failure.error, attempts.load(Ordering::Relaxed)))
    }

    async fn attempt(
        &self,
        url: &Url,
        (header_name, header_value): &(HeaderName, HeaderValue),
        request: &ApiRequest,
    ) -> Result<Bytes, Failure> {
        let endpoint = request.endpoint;
        let started = Instant::now();
        let response = self
            .http
            .get(url.clone())
            .header(header_name, header_value)
            .send()
            .await
            .map_err(|e| network_failure(endpoint, &e))?;
        let status = response.status();
        tracing::debug!(
            endpoint = endpoint.label(),
            file_key = %request.file_key,
            status = status.as_u16(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "Figma answered"
        );
        if status.is_success() {
            return self.read_body(response, endpoint).await;
        }
        let headers = response.headers().clone();
        let figma_message = read_error_message(response).await;
        Err(status_failure(
            status,
            &headers,
            figma_message,
            request,
            self.config.max_retry_after,
        ))
    }

    /// Reads a success body, refusing to buffer more than `max_response_bytes`.
    async fn read_body(
        &self,
        mut response: Response,
        endpoint: Endpoint,
    ) -> Result<Bytes, Failure> {
        let limit = self.config.max_response_bytes;
        let too_large = || Failure {
            error: FigmaError::ResponseTooLarge {
                endpoint,
                limit_bytes: limit,
            },
            retry: RetryHint::Never,
        };
        // content_length() is the compressed size when gzip is on, so it only guides the capacity.
        let declared = response
            .headers()
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        let capacity = declared.unwrap_or(0).min(limit).min(64 * 1024 * 1024);
        let mut body = BytesMut::with_capacity(usize::try_from(capacity).unwrap_or(0));
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| network_failure(endpoint, &e))?
        {
            if body.len() as u64 + chunk.len() as u64 > limit {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body.freeze())
    }
}

fn network_failure(endpoint: Endpoint, error: &reqwest::Error) -> Failure {
    let error = if error.is_timeout() {
        FigmaError::Timeout {
            endpoint,
            attempts: 1,
        }
    } else {
        FigmaError::Unreachable {
            endpoint,
            attempts: 1,
            detail: describe_reqwest_error(error),
        }
    };
    Failure {
        error,
        retry: RetryHint::Backoff,
    }
}

/// reqwest's message plus its causes (the URL in it holds only the file key and ids).
fn describe_reqwest_error(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    truncate(&text, 500)
}

fn status_failure(
    status: StatusCode,
    headers: &HeaderMap,
    figma_message: Option<String>,
    request: &ApiRequest,
    max_retry_after: Duration,
) -> Failure {
    let endpoint = request.endpoint;
    let file_key = request.file_key.clone();
    let never = |error| Failure {
        error,
        retry: RetryHint::Never,
    };
    match status.as_u16() {
        429 => {
            let limit = rate_limit(endpoint, headers);
            let retry = match limit.retry_after {
                Some(wait) if wait <= max_retry_after => RetryHint::After(wait),
                Some(_) => RetryHint::Never,
                None => RetryHint::Backoff,
            };
            Failure {
                error: FigmaError::RateLimited(limit),
                retry,
            }
        }
        400 => never(FigmaError::BadRequest {
            endpoint,
            figma_message,
        }),
        401 => never(FigmaError::Unauthorized { figma_message }),
        403 => never(FigmaError::AccessDenied {
            endpoint,
            file_key,
            figma_message,
        }),
        404 => never(FigmaError::FileNotFound {
            file_key,
            figma_message,
        }),
        code => Failure {
            error: FigmaError::Upstream {
                endpoint,
                status: code,
                attempts: 1,
                figma_message,
            },
            retry: if status.is_server_error() || code == 408 {
                RetryHint::Backoff
            } else {
                RetryHint::Never
            },
        },
    }
}

fn rate_limit(endpoint: Endpoint, headers: &HeaderMap) -> RateLimit {
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(clean_text)
            .filter(|v| !v.is_empty())
    };
    RateLimit {
        endpoint,
        retry_after: headers
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs),
        plan_tier: text("x-figma-plan-tier"),
        limit_type: text("x-figma-rate-limit-type"),
        upgrade_link: text("x-figma-upgrade-link")
            .filter(|link| link.starts_with("https://") && !link.contains(char::is_whitespace)),
    }
}

/// Figma's error text from `{"err": …}`, `{"message": …}` or `{"error": "…"}` bodies.
async fn read_error_message(mut response: Response) -> Option<String> {
    let mut body = Vec::new();
    while let Ok(Some(chunk)) = response.chunk().await {
        body.extend_from_slice(&chunk);
        if body.len() >= MAX_ERROR_BODY {
            break;
        }
    }
    let json: serde_json::Value = serde_json::from_slice(&body).ok()?;
    ["err", "message", "error"]
        .iter()
        .find_map(|key| json.get(*key).and_then(|v| v.as_str()))
        .map(clean_text)
        .filter(|m| !m.is_empty())
}

/// Untrusted upstream text made safe to show: no control characters, bounded length.
fn clean_text(raw: &str) -> String {
    let cleaned: String = raw
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    truncate(cleaned.trim(), MAX_FIGMA_MESSAGE)
}

fn with_attempts(error: FigmaError, attempts: usize) -> FigmaError {
    match error {
        FigmaError::Upstream {
            endpoint,
            status,
            figma_message,
            ..
        } => FigmaError::Upstream {
            endpoint,
            status,
            attempts,
            figma_message,
        },
        FigmaError::Unreachable {
            endpoint, detail, ..
        } => FigmaError::Unreachable {
            endpoint,
            attempts,
            detail,
        },
        FigmaError::Timeout { endpoint, .. } => FigmaError::Timeout { endpoint, attempts },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn rate_limit_headers_are_read_and_sanitised() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_static("396749"));
        headers.insert("x-figma-plan-tier", HeaderValue::from_static("starter"));
        headers.insert("x-figma-rate-limit-type", HeaderValue::from_static("low"));
        headers.insert(
            "x-figma-upgrade-link",
            HeaderValue::from_static("javascript:alert(1)"),
        );
        let limit = rate_limit(Endpoint::File, &headers);
        assert_eq!(limit.retry_after, Some(Duration::from_secs(396_749)));
        assert_eq!(limit.plan_tier.as_deref(), Some("starter"));
        assert!(limit.is_low_seat_budget());
        assert_eq!(limit.upgrade_link, None);
    }

    #[test]
    fn unparseable_retry_after_is_absent_not_zero() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(rate_limit(Endpoint::Nodes, &headers).retry_after, None);
    }

    #[test]
    fn clean_text_strips_controls_and_bounds_length() {
        assert_eq!(clean_text("a\nb\u{1b}[31m"), "a b [31m");
        assert!(clean_text(&"x".repeat(1000)).chars().count() <= MAX_FIGMA_MESSAGE + 1);
    }
}
