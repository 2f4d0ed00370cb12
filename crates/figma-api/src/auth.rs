//! Figma credentials. A token never leaves this module except as an HTTP header marked sensitive,
//! and as a one-way fingerprint used to key per-credential cache entries.

use std::fmt;

use reqwest::header::{AUTHORIZATION, HeaderName, HeaderValue};
use sha2::{Digest, Sha256};

use crate::error::FigmaError;

/// Header Figma reads a personal access token from.
const FIGMA_TOKEN_HEADER: HeaderName = HeaderName::from_static("x-figma-token");

/// The credential a call is made with, chosen per user by the caller.
///
/// `Debug` prints the kind only, never the token.
#[derive(Clone, PartialEq, Eq)]
pub enum FigmaAuth {
    /// A personal access token, sent as `X-Figma-Token`.
    PersonalAccessToken(String),
    /// An OAuth access token, sent as `Authorization: Bearer …`.
    OAuthBearer(String),
}

impl FigmaAuth {
    /// Kind of credential, safe to log.
    pub fn kind(&self) -> &'static str {
        match self {
            FigmaAuth::PersonalAccessToken(_) => "personal access token",
            FigmaAuth::OAuthBearer(_) => "OAuth token",
        }
    }

    fn token(&self) -> &str {
        match self {
            FigmaAuth::PersonalAccessToken(token) | FigmaAuth::OAuthBearer(token) => token,
        }
    }

    /// The header carrying this credential, marked sensitive so that HTTP stacks do not print it.
    pub(crate) fn header(&self) -> Result<(HeaderName, HeaderValue), FigmaError> {
        let token = self.token().trim();
        if token.is_empty() {
            return Err(FigmaError::InvalidRequest {
                message: format!("the Figma {} is empty", self.kind()),
            });
        }
        let (name, raw) = match self {
            FigmaAuth::PersonalAccessToken(_) => (FIGMA_TOKEN_HEADER, token.to_owned()),
            FigmaAuth::OAuthBearer(_) => (AUTHORIZATION, format!("Bearer {token}")),
        };
        // The error from HeaderValue could echo the value, so it is replaced, not wrapped.
        let mut value = HeaderValue::from_str(&raw).map_err(|_| FigmaError::InvalidRequest {
            message: format!(
                "the Figma {} contains characters that cannot be sent in an HTTP header",
                self.kind()
            ),
        })?;
        value.set_sensitive(true);
        Ok((name, value))
    }

    /// A short one-way digest identifying this credential in cache keys. Not reversible, and
    /// different for a PAT and a bearer token with the same text.
    pub(crate) fn fingerprint(&self) -> String {
        let mut hasher = Sha256::new();
        hasher.update(self.kind().as_bytes());
        hasher.update([0]);
        hasher.update(self.token().trim().as_bytes());
        let digest = hasher.finalize();
        hex::encode(&digest[..12])
    }
}

impl fmt::Debug for FigmaAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FigmaAuth::PersonalAccessToken(_) => f.write_str("PersonalAccessToken(<redacted>)"),
            FigmaAuth::OAuthBearer(_) => f.write_str("OAuthBearer(<redacted>)"),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn debug_never_shows_the_token() {
        let pat = FigmaAuth::PersonalAccessToken("figd_secret123".into());
        let bearer = FigmaAuth::OAuthBearer("oauth_secret456".into());
        assert_eq!(format!("{pat:?}"), "PersonalAccessToken(<redacted>)");
        assert!(!format!("{bearer:?}").contains("secret"));
    }

    #[test]
    fn headers_are_sensitive_and_shaped_per_kind() {
        let (name, value) = FigmaAuth::PersonalAccessToken(" figd_x ".into())
            .header()
            .unwrap();
        assert_eq!(name.as_str(), "x-figma-token");
        assert_eq!(value.to_str().unwrap(), "figd_x");
        assert!(value.is_sensitive());
        let (name, value) = FigmaAuth::OAuthBearer("tok".into()).header().unwrap();
        assert_eq!(name, AUTHORIZATION);
        assert_eq!(value.to_str().unwrap(), "Bearer tok");
        assert!(value.is_sensitive());
    }

    #[test]
    fn hostile_tokens_are_rejected_without_echoing_them() {
        for token in ["", "   ", "abc\r\nX-Evil: 1", "tok\0en"] {
            let err = FigmaAuth::PersonalAccessToken(token.into())
                .header()
                .unwrap_err();
            let text = err.to_string();
            assert!(matches!(err, FigmaError::InvalidRequest { .. }));
            assert!(!text.contains("Evil"), "{text}");
        }
    }

    #[test]
    fn fingerprints_differ_by_kind_and_token_and_hide_it() {
        let a = FigmaAuth::PersonalAccessToken("same".into()).fingerprint();
        let b = FigmaAuth::OAuthBearer("same".into()).fingerprint();
        let c = FigmaAuth::PersonalAccessToken("other".into()).fingerprint();
        assert_ne!(a, b);
        assert_ne!(a, c);
        assert_eq!(a.len(), 24);
        assert!(!a.contains("same"));
    }
}
