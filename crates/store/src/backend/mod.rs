//! The small key-value vocabulary both backends implement. All record logic sits above this in
//! one place, so the two backends cannot drift apart.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::StoreResult;
use crate::gcra::{RateDecision, RateLimit};

pub mod embedded;
pub mod redis;

/// One key as exported: its logical key, its value and its remaining time to live.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DumpEntry {
    pub key: String,
    /// Remaining TTL in milliseconds; `None` = no expiry.
    pub ttl_ms: Option<u64>,
    pub value: DumpValue,
}

/// The shape of a value. Bytes travel base64-encoded in JSON lines.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data", rename_all = "snake_case")]
pub enum DumpValue {
    Bytes(#[serde(with = "b64")] Vec<u8>),
    /// Newest first.
    List(#[serde(with = "b64_list")] Vec<Vec<u8>>),
    Set(Vec<String>),
}

pub(crate) mod b64 {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&STANDARD.encode(bytes))
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        STANDARD.decode(text).map_err(serde::de::Error::custom)
    }
}

mod b64_list {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(items: &[Vec<u8>], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(items.iter().map(|i| STANDARD.encode(i)))
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Vec<u8>>, D::Error> {
        let texts = Vec::<String>::deserialize(d)?;
        texts
            .into_iter()
            .map(|t| STANDARD.decode(t).map_err(serde::de::Error::custom))
            .collect()
    }
}

/// How soon a write must be on disk. Only the embedded store acts on it; Redis writes are as durable
/// as the server's own persistence settings make them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Durability {
    /// On disk before the call returns: records a user created or changed.
    Immediate,
    /// Soft state (a session's sliding expiry, an API key's last use, a history entry): atomic and
    /// visible to every reader at once, on disk with the next immediate commit, the embedded
    /// store's flush (at most [`embedded::FLUSH_INTERVAL`] later) or its close. A crash of the
    /// machine or a killed process loses at most that window; nothing else is lost.
    Deferred,
}

/// One write in an atomic group (all keys in one hash-tag slot).
pub struct Put {
    pub key: String,
    pub value: Vec<u8>,
    pub ttl: Option<Duration>,
}

#[derive(Clone)]
pub enum Backend {
    Redis(redis::RedisBackend),
    Embedded(embedded::EmbeddedBackend),
}

macro_rules! dispatch {
    ($self:ident, $b:ident => $call:expr) => {
        match $self {
            Backend::Redis($b) => $call,
            Backend::Embedded($b) => $call,
        }
    };
}

impl Backend {
    pub async fn ping(&self) -> StoreResult<()> {
        dispatch!(self, b => b.ping().await)
    }
    pub async fn get(&self, key: &str) -> StoreResult<Option<Vec<u8>>> {
        dispatch!(self, b => b.get(key).await)
    }
    /// Reads a value and resets its TTL in the same step.
    pub async fn get_refresh(&self, key: &str, ttl: Duration) -> StoreResult<Option<Vec<u8>>> {
        dispatch!(self, b => b.get_refresh(key, ttl).await)
    }
    pub async fn set(&self, key: &str, value: Vec<u8>, ttl: Option<Duration>) -> StoreResult<()> {
        self.set_all(vec![Put {
            key: key.to_owned(),
            value,
            ttl,
        }])
        .await
    }
    /// Writes all or nothing. Callers keep the keys in one hash-tag slot.
    pub async fn set_all(&self, puts: Vec<Put>) -> StoreResult<()> {
        dispatch!(self, b => b.set_all(puts).await)
    }
    /// Writes only if absent; true when written.
    pub async fn set_nx(&self, key: &str, value: Vec<u8>, ttl: Duration) -> StoreResult<bool> {
        dispatch!(self, b => b.set_nx(key, value, ttl).await)
    }
    /// Writes only if absent (no expiry when `ttl` is `None`); true when written.
    pub async fn insert_new(
        &self,
        key: &str,
        value: Vec<u8>,
        ttl: Option<Duration>,
    ) -> StoreResult<bool> {
        dispatch!(self, b => b.insert_new(key, value, ttl).await)
    }
    /// Compare-and-set: replaces `key` with `value` (and `ttl`; `None` = no expiry) only while it
    /// still holds exactly `expected`, in one atomic step. False, and nothing written, when the key
    /// changed or is gone: an update never recreates a deleted record.
    pub async fn replace_if_equals(
        &self,
        key: &str,
        expected: &[u8],
        value: Vec<u8>,
        ttl: Option<Duration>,
        durability: Durability,
    ) -> StoreResult<bool> {
        match self {
            Backend::Redis(b) => b.replace_if_equals(key, expected, value, ttl).await,
            Backend::Embedded(b) => {
                b.replace_if_equals(key, expected, value, ttl, durability)
                    .await
            }
        }
    }
    /// Deletes keys (each may be in a different slot); returns how many existed.
    pub async fn delete(&self, keys: &[String]) -> StoreResult<u64> {
        dispatch!(self, b => b.delete(keys).await)
    }
    /// Deletes `key` only if it still holds `value` (safe lock release).
    pub async fn delete_if_equals(&self, key: &str, value: &[u8]) -> StoreResult<bool> {
        dispatch!(self, b => b.delete_if_equals(key, value).await)
    }
    pub async fn exists(&self, key: &str) -> StoreResult<bool> {
        dispatch!(self, b => b.exists(key).await)
    }
    /// Pushes to the front and trims the list to `max_len` newest items.
    pub async fn list_push_trim(
        &self,
        key: &str,
        value: Vec<u8>,
        max_len: usize,
        durability: Durability,
    ) -> StoreResult<()> {
        match self {
            Backend::Redis(b) => b.list_push_trim(key, value, max_len).await,
            Backend::Embedded(b) => b.list_push_trim(key, value, max_len, durability).await,
        }
    }
    /// The first `limit` items (newest first).
    pub async fn list_range(&self, key: &str, limit: usize) -> StoreResult<Vec<Vec<u8>>> {
        dispatch!(self, b => b.list_range(key, limit).await)
    }
    pub async fn set_add(&self, key: &str, member: &str) -> StoreResult<()> {
        dispatch!(self, b => b.set_add(key, member).await)
    }
    pub async fn set_remove(&self, key: &str, member: &str) -> StoreResult<()> {
        dispatch!(self, b => b.set_remove(key, member).await)
    }
    pub async fn set_members(&self, key: &str) -> StoreResult<Vec<String>> {
        dispatch!(self, b => b.set_members(key).await)
    }
    pub async fn rate_limit(&self, key: &str, limit: RateLimit) -> StoreResult<RateDecision> {
        dispatch!(self, b => b.rate_limit(key, limit).await)
    }
    /// Every durable key with its value and remaining TTL (rate limits and locks are left out).
    pub async fn dump(&self) -> StoreResult<Vec<DumpEntry>> {
        dispatch!(self, b => b.dump().await)
    }
    /// Writes one exported entry back, replacing what is there.
    pub async fn restore(&self, entry: DumpEntry) -> StoreResult<()> {
        dispatch!(self, b => b.restore(entry).await)
    }
}
