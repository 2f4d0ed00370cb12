//! What can go wrong talking to Figma, phrased so that a user knows what to do next.

use std::fmt;
use std::time::Duration;

use crate::endpoint::Endpoint;

/// A failed Figma call. `Display` is the actionable message for users; the fields let the HTTP
/// and MCP layers pick a status ([`FigmaError::http_status`]) and a `Retry-After`
/// ([`FigmaError::retry_after`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FigmaError {
    /// The request was unusable before reaching Figma (bad file key, node id, scale, token…).
    #[error("invalid Figma request: {message}")]
    InvalidRequest { message: String },

    /// Figma's rate limit; carries what its 429 said.
    #[error("{0}")]
    RateLimited(RateLimit),

    /// Figma answered 403.
    #[error("{}", access_denied_message(*.endpoint, .file_key, .figma_message.as_deref()))]
    AccessDenied {
        endpoint: Endpoint,
        file_key: String,
        figma_message: Option<String>,
    },

    /// Figma answered 401: the credential is not accepted at all.
    #[error(
        "Figma rejected the credential{}: the token is invalid, expired or revoked. Create a new personal access token (with the file_content:read scope) or reconnect Figma, then retry.",
        with_figma_message(.figma_message.as_deref())
    )]
    Unauthorized { figma_message: Option<String> },

    /// The file does not exist or is not visible to this credential.
    #[error(
        "Figma file {file_key:?} was not found{}. Check the file key or URL; the file may have been deleted, or it is not shared with the owner of this token.",
        with_figma_message(.figma_message.as_deref())
    )]
    FileNotFound {
        file_key: String,
        figma_message: Option<String>,
    },

    /// The file exists, but these node ids are not in it.
    #[error(
        "node{} {} not found in Figma file {file_key:?}: the node id is stale (the node was deleted, or the link points at another copy of the file). Copy a fresh link to the selection (\"Copy link to selection\") and retry.",
        if .node_ids.len() == 1 { "" } else { "s" },
        .node_ids.join(", ")
    )]
    NodesNotFound {
        file_key: String,
        node_ids: Vec<String>,
    },

    /// Figma answered 400: it found the parameters invalid.
    #[error("Figma rejected the request to {endpoint} as invalid{}", with_figma_message(.figma_message.as_deref()))]
    BadRequest {
        endpoint: Endpoint,
        figma_message: Option<String>,
    },

    /// Figma kept failing (5xx or another unexpected status) through every retry.
    #[error(
        "Figma failed with HTTP {status} on {endpoint}{} after {attempts} attempt{}; Figma may be having an outage, retry later.",
        with_figma_message(.figma_message.as_deref()),
        if *.attempts == 1 { "" } else { "s" }
    )]
    Upstream {
        endpoint: Endpoint,
        status: u16,
        attempts: usize,
        figma_message: Option<String>,
    },

    /// Figma could not be reached (DNS, connect, TLS, connection reset) through every retry.
    #[error("could not reach Figma for {endpoint} after {attempts} attempt{}: {detail}. Check network access to the Figma API (figma_api_base).", if *.attempts == 1 { "" } else { "s" })]
    Unreachable {
        endpoint: Endpoint,
        attempts: usize,
        detail: String,
    },

    /// Figma did not answer in time.
    #[error("Figma did not answer {endpoint} within the request timeout after {attempts} attempt{}; very large files may need a longer timeout or a node filter (ids) or depth limit.", if *.attempts == 1 { "" } else { "s" })]
    Timeout { endpoint: Endpoint, attempts: usize },

    /// Figma answered 2xx with a body that is not what the endpoint documents.
    #[error("Figma returned a malformed response for {endpoint}: {detail}")]
    MalformedResponse { endpoint: Endpoint, detail: String },

    /// The body exceeded `max_response_bytes`.
    #[error(
        "Figma's response for {endpoint} is larger than the configured limit of {limit_bytes} bytes; request fewer nodes (ids) or a smaller depth."
    )]
    ResponseTooLarge {
        endpoint: Endpoint,
        limit_bytes: u64,
    },

    /// A bug or a crashed task inside the client, not a Figma problem.
    #[error("internal error in the Figma client: {detail}")]
    Internal { detail: String },

    /// The caller's [`UpstreamGate`](crate::UpstreamGate) refused the request before it was sent.
    #[error("{reason}")]
    Refused { endpoint: Endpoint, reason: String },
}

impl FigmaError {
    /// The HTTP status an API layer should answer with.
    pub fn http_status(&self) -> u16 {
        match self {
            FigmaError::InvalidRequest { .. } | FigmaError::BadRequest { .. } => 400,
            FigmaError::Unauthorized { .. } => 401,
            FigmaError::AccessDenied { .. } => 403,
            FigmaError::FileNotFound { .. } | FigmaError::NodesNotFound { .. } => 404,
            FigmaError::RateLimited(_) | FigmaError::Refused { .. } => 429,
            FigmaError::ResponseTooLarge { .. } => 413,
            FigmaError::Upstream { .. }
            | FigmaError::Unreachable { .. }
            | FigmaError::MalformedResponse { .. } => 502,
            FigmaError::Timeout { .. } => 504,
            FigmaError::Internal { .. } => 500,
        }
    }

    /// How long the caller should wait before retrying, when Figma said so.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            FigmaError::RateLimited(limit) => limit.retry_after,
            _ => None,
        }
    }

    /// The status Figma itself answered, when the error came from a Figma HTTP answer.
    pub fn figma_status(&self) -> Option<u16> {
        match self {
            FigmaError::RateLimited(_) => Some(429),
            FigmaError::AccessDenied { .. } => Some(403),
            FigmaError::Unauthorized { .. } => Some(401),
            FigmaError::FileNotFound { .. } => Some(404),
            FigmaError::BadRequest { .. } => Some(400),
            FigmaError::Upstream { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// What a Figma 429 said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimit {
    pub endpoint: Endpoint,
    /// From `Retry-After` (seconds).
    pub retry_after: Option<Duration>,
    /// From `X-Figma-Plan-Tier`, e.g. `starter`, `pro`, `org`, `enterprise`.
    pub plan_tier: Option<String>,
    /// From `X-Figma-Rate-Limit-Type`: `low` is the View/Collab seat budget, `high` Dev/Full.
    pub limit_type: Option<String>,
    /// From `X-Figma-Upgrade-Link` (only kept when it is an https URL).
    pub upgrade_link: Option<String>,
}

impl RateLimit {
    /// True when the budget that ran out is the small View/Collab seat one.
    pub fn is_low_seat_budget(&self) -> bool {
        self.limit_type
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case("low"))
    }
}

impl fmt::Display for RateLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Figma rate limit reached for {}", self.endpoint)?;
        let mut facts = Vec::new();
        if let Some(tier) = &self.plan_tier {
            facts.push(format!("plan tier {tier}"));
        }
        if let Some(kind) = &self.limit_type {
            let meaning = if self.is_low_seat_budget() {
                " (View/Collab seat budget)"
            } else {
                ""
            };
            facts.push(format!("limit type {kind}{meaning}"));
        }
        if !facts.is_empty() {
            write!(f, " ({})", facts.join(", "))?;
        }
        match self.retry_after {
            Some(wait) => write!(f, ". Figma asks to retry in {}", human_duration(wait))?,
            None => f.write_str(". Figma did not say when to retry")?,
        }
        f.write_str(". ")?;
        if self.is_low_seat_budget() {
            f.write_str(
                "View and Collab seats get only a few calls to this endpoint per month; a Dev or Full seat on a paid plan lifts the budget. ",
            )?;
        }
        f.write_str(
            "Budgets are per user and plan, and depend on the plan that owns the file; handoff caches responses, so asking again for an unchanged file costs no Figma call.",
        )?;
        if let Some(link) = &self.upgrade_link {
            write!(f, " Upgrade: {link}")?;
        }
        Ok(())
    }
}

fn access_denied_message(
    endpoint: Endpoint,
    file_key: &str,
    figma_message: Option<&str>,
) -> String {
    let told = with_figma_message(figma_message);
    if figma_message.is_some_and(|m| m.to_ascii_lowercase().contains("invalid token")) {
        return format!(
            "Figma rejected the token{told}: it is invalid, expired or revoked. Create a new personal access token (with the file_content:read scope) or reconnect Figma, then retry."
        );
    }
    if endpoint == Endpoint::LocalVariables {
        return format!(
            "Figma refused the variables of file {file_key:?}{told}. The variables REST API needs a file in an Enterprise organisation, a Full seat, and a token with the file_variables:read scope; without it, handoff falls back to style and variable ids."
        );
    }
    format!(
        "Figma refused access to file {file_key:?} ({endpoint}){told}. Check that the token has the file_content:read scope, that the file is shared with the token's owner (files in another team or organisation need an invite), and that the token has not expired."
    )
}

fn with_figma_message(message: Option<&str>) -> String {
    match message {
        Some(m) => format!(" (Figma said: {m})"),
        None => String::new(),
    }
}

/// "4 days 14 h (396749 s)" – readable, with the exact seconds kept.
fn human_duration(wait: Duration) -> String {
    let secs = wait.as_secs();
    let coarse = if secs >= 86_400 {
        format!("{} days {} h", secs / 86_400, (secs % 86_400) / 3600)
    } else if secs >= 3600 {
        format!("{} h {} min", secs / 3600, (secs % 3600) / 60)
    } else if secs >= 60 {
        format!("{} min {} s", secs / 60, secs % 60)
    } else {
        return format!("{secs} s");
    };
    format!("{coarse} ({secs} s)")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limit(retry_after: Option<u64>, kind: Option<&str>) -> RateLimit {
        RateLimit {
            endpoint: Endpoint::File,
            retry_after: retry_after.map(Duration::from_secs),
            plan_tier: Some("pro".into()),
            limit_type: kind.map(str::to_owned),
            upgrade_link: Some("https://www.figma.com/upgrade".into()),
        }
    }

    #[test]
    fn rate_limit_message_carries_the_headers() {
        let text = FigmaError::RateLimited(limit(Some(396_749), Some("low"))).to_string();
        assert!(text.contains("plan tier pro"), "{text}");
        assert!(
            text.contains("limit type low (View/Collab seat budget)"),
            "{text}"
        );
        assert!(text.contains("4 days 14 h (396749 s)"), "{text}");
        assert!(text.contains("Dev or Full seat"), "{text}");
        assert!(text.contains("https://www.figma.com/upgrade"), "{text}");
    }

    #[test]
    fn high_budget_does_not_blame_the_seat() {
        let text = limit(Some(30), Some("high")).to_string();
        assert!(!text.contains("Dev or Full seat"), "{text}");
        assert!(text.contains("retry in 30 s"), "{text}");
    }

    #[test]
    fn statuses_for_api_layers() {
        let err = FigmaError::RateLimited(limit(Some(7), None));
        assert_eq!(err.http_status(), 429);
        assert_eq!(err.retry_after(), Some(Duration::from_secs(7)));
        let err = FigmaError::NodesNotFound {
            file_key: "k".into(),
            node_ids: vec!["1:2".into()],
        };
        assert_eq!(err.http_status(), 404);
        assert!(err.to_string().contains("stale"));
        assert_eq!(err.retry_after(), None);
    }

    #[test]
    fn access_denied_explains_scope_team_and_expiry() {
        let text = access_denied_message(Endpoint::File, "abc", None);
        assert!(text.contains("file_content:read"));
        assert!(text.contains("another team"));
        assert!(text.contains("expired"));
        let text = access_denied_message(Endpoint::Nodes, "abc", Some("Invalid token"));
        assert!(text.contains("invalid, expired or revoked"), "{text}");
        let text = access_denied_message(Endpoint::LocalVariables, "abc", None);
        assert!(text.contains("file_variables:read"), "{text}");
    }
}
