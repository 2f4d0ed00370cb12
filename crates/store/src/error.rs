//! The one error type of the store.

use std::time::Duration;

/// What went wrong in a store call. The HTTP layer maps `Unavailable` to 503 + `Retry-After`.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The backend did not answer in time or is unreachable. Nothing was kept anywhere else.
    #[error("store unavailable: {reason}")]
    Unavailable {
        reason: String,
        retry_after: Duration,
    },
    /// The embedded store file is held by another process (usually a running `handoff serve`).
    #[error(
        "the store at {path} is locked by another process (is `handoff serve` running?); stop it or use the same Redis instead"
    )]
    Locked { path: String },
    /// Bad input from the caller: an id with forbidden characters, an oversize value, …
    #[error("invalid {what}: {reason}")]
    Invalid { what: &'static str, reason: String },
    /// A value exceeds its size bound.
    #[error("{what} is too large: {size} bytes, limit {limit}")]
    TooLarge {
        what: &'static str,
        size: usize,
        limit: usize,
    },
    /// A stored record could not be decoded (written by a newer schema, or damaged).
    #[error("stored record {key} is unreadable: {reason}")]
    Corrupt { key: String, reason: String },
    /// The backend rejected the operation (configuration, script or protocol error).
    #[error("store backend error: {0}")]
    Backend(String),
}

impl StoreError {
    pub(crate) fn invalid(what: &'static str, reason: impl Into<String>) -> Self {
        Self::Invalid {
            what,
            reason: reason.into(),
        }
    }

    pub(crate) fn unavailable(reason: impl Into<String>) -> Self {
        Self::Unavailable {
            reason: reason.into(),
            retry_after: Duration::from_secs(1),
        }
    }

    /// True when retrying later may succeed (maps to HTTP 503).
    pub fn is_unavailable(&self) -> bool {
        matches!(self, Self::Unavailable { .. })
    }
}

/// Error codes with which a reachable Redis refuses a command for now rather than for good: it is
/// loading its dataset (`LOADING`), cannot persist (`MISCONF`), is a replica or a demoted master
/// (`READONLY`, `MASTERDOWN`), is re-sharding or failing over (`TRYAGAIN`, `CLUSTERDOWN`), is running
/// a long script (`BUSY`) or lacks the replicas `min-replicas-to-write` asks for (`NOREPLICAS`).
/// Each clears without any change by the caller, so they are `Unavailable` (503 + `Retry-After`),
/// not `Backend` (500).
const REFUSAL_CODES: [&str; 8] = [
    "LOADING",
    "MISCONF",
    "READONLY",
    "MASTERDOWN",
    "TRYAGAIN",
    "CLUSTERDOWN",
    "BUSY",
    "NOREPLICAS",
];

/// The refusal code of `err`, if it is one. A pipeline or MULTI/EXEC reports the errors of its
/// commands inside one error (a refused MULTI is `EXECABORT` with the queued command's error), so
/// every inner server error is looked at, not only the outer code.
fn refusal_code(err: &redis::RedisError) -> Option<&'static str> {
    let known = |code: &str| REFUSAL_CODES.iter().copied().find(|c| *c == code);
    if let Some(code) = err.code().and_then(known) {
        return Some(code);
    }
    // `into_server_errors` consumes the error; the clone is cheap (the inner list is an `Arc`) and
    // this runs only on the error path.
    err.clone()
        .into_server_errors()?
        .iter()
        .find_map(|(_, inner)| known(inner.code()))
}

impl From<redis::RedisError> for StoreError {
    fn from(err: redis::RedisError) -> Self {
        if let Some(code) = refusal_code(&err) {
            // redis-rs prints known codes by its own names (`BusyLoading`, `ReadOnly`); the log
            // names the code Redis sent, which is what an operator looks up.
            Self::unavailable(format!("Redis refused the command ({code}): {err}"))
        } else if err.is_io_error()
            || err.is_timeout()
            || err.is_connection_dropped()
            || err.is_connection_refusal()
            || err.is_cluster_error()
        {
            Self::unavailable(err.to_string())
        } else {
            Self::Backend(err.to_string())
        }
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

#[cfg(test)]
mod tests {
    use super::*;

    fn from_code(code: &str) -> StoreError {
        redis::make_extension_error(code.to_owned(), Some("detail".to_owned())).into()
    }

    /// The codes a single test server cannot easily be put into (TRYAGAIN needs a slot migration
    /// under a multi-key command); tests/server_refusals.rs covers the others against redis-server.
    #[test]
    fn refusal_codes_are_unavailable_and_other_errors_are_not() {
        for code in REFUSAL_CODES {
            match from_code(code) {
                StoreError::Unavailable { reason, .. } => {
                    assert!(reason.contains(&format!("({code})")), "{reason}");
                }
                other => panic!("{code}: {other:?}"),
            }
        }
        for code in ["ERR", "WRONGTYPE", "NOPERM", "OOM"] {
            assert!(
                matches!(from_code(code), StoreError::Backend(_)),
                "{code} is not a transient refusal"
            );
        }
    }
}
