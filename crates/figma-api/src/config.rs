//! Client settings. The app layer fills these from its own configuration
//! (`figma_api_base` / `HANDOFF_FIGMA_API_BASE` and friends).

use std::time::Duration;

use url::Url;

use crate::error::FigmaError;

/// Figma's public REST API.
pub const DEFAULT_FIGMA_API_BASE: &str = "https://api.figma.com";

/// How the client talks to Figma and caches what it gets.
#[derive(Debug, Clone)]
pub struct FigmaClientConfig {
    /// Base URL of the Figma REST API; tests point it at a local fake.
    pub api_base: Url,
    /// Limit for establishing a TCP/TLS connection.
    pub connect_timeout: Duration,
    /// Limit for one whole request, body included. Whole-file responses can be hundreds of MB.
    pub request_timeout: Duration,
    /// Retries after the first attempt, on 5xx, network errors and short 429s.
    pub max_retries: usize,
    /// First back-off delay; doubles per retry (with jitter) up to `retry_max_delay`.
    pub retry_min_delay: Duration,
    /// Longest back-off delay between two attempts.
    pub retry_max_delay: Duration,
    /// Longest `Retry-After` the client waits out by itself. Longer ones (Figma sends days on
    /// exhausted seat budgets) become [`FigmaError::RateLimited`] at once.
    pub max_retry_after: Duration,
    /// Largest response body accepted (after gzip decoding).
    pub max_response_bytes: u64,
    /// How long a credential's `/meta` answer (the file's current version) is trusted. This is how
    /// stale a cached response can be: a new version is noticed once this expires. (Response
    /// lifetimes belong to the cache: the store's `figma_ttl_secs`.)
    pub meta_ttl: Duration,
    /// Lifetime of the cross-instance lock taken while fetching a response; above
    /// `request_timeout`, so that a slow fetch keeps it.
    pub lock_ttl: Duration,
    /// How long a request waits for another instance to fill the cache before fetching itself.
    pub lock_wait: Duration,
    /// `User-Agent` sent to Figma.
    pub user_agent: String,
}

impl Default for FigmaClientConfig {
    fn default() -> Self {
        FigmaClientConfig {
            api_base: default_api_base(),
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(180),
            max_retries: 3,
            retry_min_delay: Duration::from_millis(500),
            retry_max_delay: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(20),
            max_response_bytes: 2 * 1024 * 1024 * 1024,
            meta_ttl: Duration::from_secs(30),
            lock_ttl: Duration::from_secs(200),
            lock_wait: Duration::from_secs(200),
            user_agent: concat!("handoff/", env!("CARGO_PKG_VERSION")).to_owned(),
        }
    }
}

impl FigmaClientConfig {
    /// Default settings against another API base (e.g. a fake Figma in tests).
    pub fn with_api_base(api_base: &str) -> Result<Self, FigmaError> {
        Ok(FigmaClientConfig {
            api_base: parse_api_base(api_base)?,
            ..FigmaClientConfig::default()
        })
    }
}

/// Checks a configured base URL: absolute http(s), no query or fragment.
pub fn parse_api_base(raw: &str) -> Result<Url, FigmaError> {
    let invalid = |why: &str| FigmaError::InvalidRequest {
        message: format!("figma_api_base {raw:?} is not usable: {why}"),
    };
    let url = Url::parse(raw.trim()).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("the scheme must be http or https"));
    }
    if url.cannot_be_a_base() || url.host().is_none() {
        return Err(invalid("it needs a host"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("it must not have a query or fragment"));
    }
    Ok(url)
}

#[expect(
    clippy::expect_used,
    reason = "a constant URL that is covered by a test"
)]
fn default_api_base() -> Url {
    Url::parse(DEFAULT_FIGMA_API_BASE).expect("DEFAULT_FIGMA_API_BASE parses")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn default_base_is_figma() {
        assert_eq!(
            FigmaClientConfig::default().api_base.as_str(),
            "https://api.figma.com/"
        );
    }

    #[test]
    fn accepts_http_bases_with_paths() {
        let url = parse_api_base("http://127.0.0.1:8080/figma/").unwrap();
        assert_eq!(url.path(), "/figma/");
    }

    #[test]
    fn rejects_unusable_bases() {
        for raw in [
            "",
            "api.figma.com",
            "ftp://api.figma.com",
            "https://api.figma.com/?x=1",
            "https://api.figma.com/#frag",
            "mailto:a@b.c",
        ] {
            assert!(parse_api_base(raw).is_err(), "{raw}");
        }
    }
}
