//! Per-user request budgets by endpoint group, shared by every interface (HTTP, legacy, MCP) and by
//! every instance: the count lives in the store, checked and consumed atomically.

use std::time::Duration;

use handoff_store::{Identity, RateDecision, RateLimit, Store};
use serde_json::json;

use crate::config::RateLimits;
use crate::error::{AppError, ErrorKind};

/// Which budget a request draws on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RateGroup {
    /// Cheap reads: profile, sessions, templates, stored components, history.
    Reads,
    /// Ticket and document generation, analysis and design context.
    Generation,
    /// Anything that calls Figma's REST API (mirrors Figma's own per-seat budget).
    Figma,
}

impl RateGroup {
    pub const ALL: [Self; 3] = [Self::Reads, Self::Generation, Self::Figma];

    /// The store's name of the group's counter.
    pub fn endpoint(self) -> &'static str {
        match self {
            Self::Reads => "reads",
            Self::Generation => "generation",
            Self::Figma => "figma",
        }
    }

    /// The configured requests per minute; 0 means the group is not limited.
    pub fn per_minute(self, limits: &RateLimits) -> u32 {
        match self {
            Self::Reads => limits.reads_per_min,
            Self::Generation => limits.generation_per_min,
            Self::Figma => limits.figma_per_min,
        }
    }
}

/// Checks and consumes one request of `group` for `who`. `Ok(None)` when the group is unlimited;
/// `Ok(Some(decision))` when allowed (for the `RateLimit-*` headers); a `RateLimited` error carrying
/// `Retry-After` and the decision in its details when the budget is exhausted.
pub async fn consume(
    store: &Store,
    limits: &RateLimits,
    who: &Identity,
    group: RateGroup,
) -> Result<Option<RateDecision>, AppError> {
    match check(store, limits, who, group).await? {
        Some(decision) if !decision.allowed => Err(rate_limited(group, &decision)),
        decision => Ok(decision),
    }
}

/// As [`consume`], but an exhausted budget is returned as a decision with `allowed: false` rather
/// than an error, for interfaces that report the budget (HTTP headers) on refusals too.
pub async fn check(
    store: &Store,
    limits: &RateLimits,
    who: &Identity,
    group: RateGroup,
) -> Result<Option<RateDecision>, AppError> {
    let per_minute = group.per_minute(limits);
    if per_minute == 0 {
        return Ok(None);
    }
    let decision = store
        .check_rate_limit(who, group.endpoint(), RateLimit::per_minute(per_minute))
        .await?;
    Ok(Some(decision))
}

/// The error for an exhausted budget; its details carry what the `RateLimit-*` headers need.
pub fn rate_limited(group: RateGroup, decision: &RateDecision) -> AppError {
    // Retry-After is whole seconds; never tell a client to retry immediately when it may not.
    let retry_after =
        Duration::from_secs(decision.retry_after.as_secs_f64().ceil().max(1.0) as u64);
    AppError::new(
        ErrorKind::RateLimited,
        format!(
            "rate limit of {} {} requests per minute exceeded; retry in {} s",
            decision.limit,
            group.endpoint(),
            retry_after.as_secs()
        ),
    )
    .with_details(json!({
        "group": group.endpoint(),
        "limit": decision.limit,
        "remaining": decision.remaining,
        "resetSecs": decision.reset_after.as_secs_f64().ceil() as u64,
    }))
    .with_retry_after(retry_after)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::config::Config;

    #[tokio::test]
    async fn budget_is_per_user_and_per_group_and_429_carries_retry_after() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config {
            data_dir: dir.path().to_path_buf(),
            ..Config::default()
        };
        let store = Store::open(&config.store_config()).await.unwrap();
        let limits = RateLimits {
            reads_per_min: 100,
            generation_per_min: 3,
            figma_per_min: 0,
        };
        let ada = Identity::new("ada", "acme").unwrap();
        let bob = Identity::new("bob", "acme").unwrap();

        for expected_remaining in [2, 1, 0] {
            let decision = consume(&store, &limits, &ada, RateGroup::Generation)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(decision.limit, 3);
            assert_eq!(decision.remaining, expected_remaining);
        }
        let err = consume(&store, &limits, &ada, RateGroup::Generation)
            .await
            .unwrap_err();
        assert_eq!(err.kind, ErrorKind::RateLimited);
        assert!(err.retry_after.unwrap() >= Duration::from_secs(1));
        assert_eq!(err.details.as_ref().unwrap()["group"], "generation");

        // Other users and other groups have their own budgets; 0 means unlimited.
        assert!(
            consume(&store, &limits, &bob, RateGroup::Generation)
                .await
                .is_ok()
        );
        assert!(
            consume(&store, &limits, &ada, RateGroup::Reads)
                .await
                .unwrap()
                .is_some()
        );
        assert!(
            consume(&store, &limits, &ada, RateGroup::Figma)
                .await
                .unwrap()
                .is_none()
        );
    }
}
