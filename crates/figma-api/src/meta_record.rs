//! The per-file meta record in the cache: which version each credential last saw, and when.
//!
//! Per credential, because the `/meta` call is also the access check in front of the shared,
//! version-keyed responses: one user's successful check must not let another user in.
//! Layout: `{"checks": {"<credential fingerprint>": {"meta": {…}, "checkedAtMs": 1764…}}}`.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value, json};

use crate::responses::FileMeta;

/// Milliseconds since the Unix epoch (0 if the clock is before it).
pub(crate) fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// The meta this credential saw within `max_age`, if the record has it.
pub(crate) fn lookup(
    record: &Value,
    fingerprint: &str,
    now_ms: u64,
    max_age: Duration,
) -> Option<FileMeta> {
    let check = record.get("checks")?.get(fingerprint)?;
    let checked_at = check.get("checkedAtMs")?.as_u64()?;
    if !is_fresh(checked_at, now_ms, max_age) {
        return None;
    }
    serde_json::from_value(check.get("meta")?.clone()).ok()
}

/// `record` with this credential's check added and checks older than `max_age` dropped.
pub(crate) fn with_check(
    record: Option<Value>,
    fingerprint: &str,
    meta: &FileMeta,
    now_ms: u64,
    max_age: Duration,
) -> Value {
    let mut checks: Map<String, Value> = record
        .and_then(|r| r.get("checks").and_then(Value::as_object).cloned())
        .unwrap_or_default();
    checks.retain(|_, check| {
        check
            .get("checkedAtMs")
            .and_then(Value::as_u64)
            .is_some_and(|at| is_fresh(at, now_ms, max_age))
    });
    checks.insert(
        fingerprint.to_owned(),
        json!({"meta": meta, "checkedAtMs": now_ms}),
    );
    json!({ "checks": checks })
}

fn is_fresh(checked_at: u64, now_ms: u64, max_age: Duration) -> bool {
    let max_age = u64::try_from(max_age.as_millis()).unwrap_or(u64::MAX);
    // A check from the future (clock skew between instances) counts as fresh only within max_age.
    checked_at.abs_diff(now_ms) < max_age
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn meta(version: &str) -> FileMeta {
        FileMeta {
            name: "f".into(),
            version: version.into(),
            last_touched_at: None,
            editor_type: Some("figma".into()),
            thumbnail_url: None,
        }
    }

    #[test]
    fn checks_are_per_credential_and_expire() {
        let ttl = Duration::from_secs(30);
        let record = with_check(None, "alice", &meta("1"), 1_000_000, ttl);
        assert_eq!(lookup(&record, "alice", 1_010_000, ttl), Some(meta("1")));
        assert_eq!(lookup(&record, "bob", 1_010_000, ttl), None);
        assert_eq!(lookup(&record, "alice", 1_031_000, ttl), None);
        let record = with_check(Some(record), "bob", &meta("2"), 1_040_000, ttl);
        assert_eq!(lookup(&record, "bob", 1_040_000, ttl), Some(meta("2")));
        assert!(
            record["checks"].get("alice").is_none(),
            "stale checks are pruned"
        );
    }

    #[test]
    fn damaged_records_are_ignored() {
        let ttl = Duration::from_secs(30);
        for record in [
            json!(null),
            json!([1]),
            json!({"checks": 5}),
            json!({"checks": {"alice": {"meta": 1, "checkedAtMs": 0}}}),
            json!({"checks": {"alice": {"meta": {"name": "x"}, "checkedAtMs": "now"}}}),
        ] {
            assert_eq!(lookup(&record, "alice", 0, ttl), None, "{record}");
            let rebuilt = with_check(Some(record), "alice", &meta("3"), 0, ttl);
            assert_eq!(lookup(&rebuilt, "alice", 0, ttl), Some(meta("3")));
        }
    }
}
