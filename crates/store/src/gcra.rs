//! Rate limiting with GCRA (generic cell rate algorithm): one timestamp per key, O(1) per check.
//!
//! The same arithmetic runs as a Lua script in Redis (atomic, one round trip, server clock) and in
//! process for the embedded store. `limit` requests are allowed per `period`, with a full burst.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::{StoreError, StoreResult};

/// `limit` requests per `period`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateLimit {
    pub limit: u32,
    pub period: Duration,
}

impl RateLimit {
    pub fn per_minute(limit: u32) -> Self {
        Self {
            limit,
            period: Duration::from_secs(60),
        }
    }

    /// Microseconds between two requests at the steady rate; an error for a limit the store cannot
    /// enforce (configuration checks this at load).
    pub fn interval_us(&self) -> StoreResult<u64> {
        if self.limit == 0 {
            return Err(StoreError::invalid(
                "rate limit",
                "limit must be at least 1",
            ));
        }
        let period_us = u64::try_from(self.period.as_micros())
            .map_err(|_| StoreError::invalid("rate limit", "period too long"))?;
        let interval = period_us / u64::from(self.limit);
        if interval == 0 {
            return Err(StoreError::invalid(
                "rate limit",
                "more than one request per microsecond",
            ));
        }
        Ok(interval)
    }
}

/// The outcome of one check-and-consume.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateDecision {
    pub allowed: bool,
    pub limit: u32,
    /// Requests still allowed right now after this one.
    pub remaining: u32,
    /// Until the limiter is back to a full burst.
    pub reset_after: Duration,
    /// Until the next request would be allowed (zero when this one was).
    pub retry_after: Duration,
}

/// The in-process form: given the stored theoretical arrival time (µs), decide and return the new one.
pub(crate) fn decide(
    stored_tat_us: Option<u64>,
    now_us: u64,
    interval_us: u64,
    limit: u32,
) -> (RateDecision, Option<u64>) {
    let tat = stored_tat_us.unwrap_or(now_us).max(now_us);
    let tolerance = interval_us.saturating_mul(u64::from(limit));
    let new_tat = tat.saturating_add(interval_us);
    let allow_at = new_tat.saturating_sub(tolerance);
    if now_us < allow_at {
        let decision = RateDecision {
            allowed: false,
            limit,
            remaining: 0,
            reset_after: Duration::from_micros(tat - now_us),
            retry_after: Duration::from_micros(allow_at - now_us),
        };
        return (decision, None);
    }
    let remaining = (now_us - allow_at) / interval_us;
    let decision = RateDecision {
        allowed: true,
        limit,
        remaining: u32::try_from(remaining).unwrap_or(u32::MAX).min(limit),
        reset_after: Duration::from_micros(new_tat - now_us),
        retry_after: Duration::ZERO,
    };
    (decision, Some(new_tat))
}

/// The Redis form of [`decide`]. KEYS[1] = limiter key; ARGV = interval µs, limit.
/// Returns {allowed, remaining, reset_after_us, retry_after_us}. Uses the server clock so every
/// instance agrees; the key expires when the limiter is full again.
pub(crate) const GCRA_LUA: &str = r"
local interval = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local new_tat = tat + interval
local allow_at = new_tat - interval * limit
if now < allow_at then
  return {0, 0, tat - now, allow_at - now}
end
local px = math.ceil((new_tat - now) / 1000)
redis.call('SET', KEYS[1], string.format('%d', new_tat), 'PX', px)
return {1, math.floor((now - allow_at) / interval), new_tat - now, 0}
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fresh_limiter_allows_exactly_the_burst_then_refills_one_per_interval() {
        let interval = 1_000;
        let mut tat = None;
        let mut allowed = 0;
        for _ in 0..20 {
            let (d, next) = decide(tat, 10_000_000, interval, 5);
            if d.allowed {
                allowed += 1;
                tat = next;
            } else {
                assert_eq!(d.retry_after, Duration::from_micros(interval));
            }
        }
        assert_eq!(allowed, 5);
        let (d, _) = decide(tat, 10_000_000 + interval, interval, 5);
        assert!(d.allowed);
        assert_eq!(d.remaining, 0);
    }

    #[test]
    fn remaining_counts_down() {
        let (d1, t1) = decide(None, 1_000_000, 100, 3);
        let (d2, t2) = decide(t1, 1_000_000, 100, 3);
        let (d3, _) = decide(t2, 1_000_000, 100, 3);
        assert_eq!((d1.remaining, d2.remaining, d3.remaining), (2, 1, 0));
    }

    #[test]
    fn zero_limit_is_rejected() {
        assert!(
            RateLimit {
                limit: 0,
                period: Duration::from_secs(1)
            }
            .interval_us()
            .is_err()
        );
    }
}
