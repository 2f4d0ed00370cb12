//! Where responses are cached: a small trait the store implements, the key layout, and the lz4
//! envelope the values travel in.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use bytes::Bytes;

/// A cache backend failed; the client then goes to Figma instead of failing the request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("response cache unavailable: {0}")]
pub struct CacheError(pub String);

/// Proof of holding a lock; only its holder's token releases it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockToken(pub String);

/// Storage for cached Figma responses, shared by every instance (Redis) or one process (embedded).
///
/// Values are opaque bytes (the client compresses them); keys are `figma:…` strings built by the
/// client. Records: `figma:{fileKey}:{version}:{request}` (TTL days) and
/// `figma:{fileKey}:meta:{credential fingerprint}` (TTL seconds).
#[async_trait]
pub trait ResponseCache: Send + Sync + 'static {
    /// The value under `key`, if present and not expired.
    async fn get(&self, key: &str) -> Result<Option<Bytes>, CacheError>;
    /// Stores `value` under `key` for `ttl`, replacing any previous value.
    async fn put(&self, key: &str, value: Bytes, ttl: Duration) -> Result<(), CacheError>;
    /// Takes the short lock named `key` for `ttl` unless someone holds it; `None` when held.
    async fn try_lock(&self, key: &str, ttl: Duration) -> Result<Option<LockToken>, CacheError>;
    /// Releases the lock if `token` still holds it (an expired lock may belong to someone else).
    async fn unlock(&self, key: &str, token: &LockToken) -> Result<(), CacheError>;
}

/// Key of a cached response for one file version and one request.
pub(crate) fn response_key(file_key: &str, version: &str, request: &str) -> String {
    format!("figma:{file_key}:{version}:{request}")
}

/// Key of the cached `/meta` answer of one file for one credential. Per credential, because the
/// meta call is also the access check that guards the shared, version-keyed responses.
pub(crate) fn meta_key(file_key: &str, credential_fingerprint: &str) -> String {
    format!("figma:{file_key}:meta:{credential_fingerprint}")
}

/// Key of the lock held while one instance fetches `response_key`.
pub(crate) fn lock_key(response_key: &str) -> String {
    format!("{response_key}:lock")
}

/// Envelope: magic, format version, uncompressed length (u64 LE), lz4 block.
const MAGIC: &[u8; 3] = b"HF1";
const HEADER_LEN: usize = MAGIC.len() + 8;

/// Compresses a response for the cache.
pub(crate) fn encode(raw: &[u8]) -> Bytes {
    let compressed = lz4_flex::block::compress(raw);
    let mut out = Vec::with_capacity(HEADER_LEN + compressed.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(raw.len() as u64).to_le_bytes());
    out.extend_from_slice(&compressed);
    Bytes::from(out)
}

/// Decompresses a cached response; a damaged or oversized entry is an error (then a cache miss),
/// never a panic or a huge allocation.
pub(crate) fn decode(stored: &[u8], max_len: u64) -> Result<Bytes, String> {
    let header = stored
        .get(..HEADER_LEN)
        .ok_or_else(|| "entry shorter than its header".to_owned())?;
    if &header[..MAGIC.len()] != MAGIC {
        return Err("entry has an unknown format".into());
    }
    let mut len_bytes = [0u8; 8];
    len_bytes.copy_from_slice(&header[MAGIC.len()..]);
    let len = u64::from_le_bytes(len_bytes);
    // lz4 expands at most ~255×, so a claimed size beyond that is a lie as well.
    let plausible = (stored.len() as u64 - HEADER_LEN as u64).saturating_mul(256);
    if len > max_len || len > plausible {
        return Err(format!("entry claims an implausible size of {len} bytes"));
    }
    let len = usize::try_from(len).map_err(|_| "entry too large for this platform".to_owned())?;
    let raw = lz4_flex::block::decompress(&stored[HEADER_LEN..], len)
        .map_err(|e| format!("entry does not decompress: {e}"))?;
    if raw.len() != len {
        return Err("entry decompressed to the wrong size".into());
    }
    Ok(Bytes::from(raw))
}

/// A cache that never hits and always grants locks: for one-shot use without a store.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoCache;

#[async_trait]
impl ResponseCache for NoCache {
    async fn get(&self, _key: &str) -> Result<Option<Bytes>, CacheError> {
        Ok(None)
    }
    async fn put(&self, _key: &str, _value: Bytes, _ttl: Duration) -> Result<(), CacheError> {
        Ok(())
    }
    async fn try_lock(&self, _key: &str, _ttl: Duration) -> Result<Option<LockToken>, CacheError> {
        Ok(Some(LockToken(String::new())))
    }
    async fn unlock(&self, _key: &str, _token: &LockToken) -> Result<(), CacheError> {
        Ok(())
    }
}

/// An unbounded in-process cache with TTLs, for tests and single short-lived processes.
/// Servers use the store (Redis or redb) instead.
#[derive(Debug, Default)]
pub struct MemoryCache {
    values: Mutex<HashMap<String, (Instant, Bytes)>>,
    locks: Mutex<HashMap<String, (Instant, String)>>,
    next_token: AtomicU64,
}

impl MemoryCache {
    pub fn new() -> Self {
        MemoryCache::default()
    }

    /// Keys currently stored and not expired (for tests and diagnostics).
    pub fn keys(&self) -> Vec<String> {
        let now = Instant::now();
        let values = self.values.lock().unwrap_or_else(|e| e.into_inner());
        let mut keys: Vec<String> = values
            .iter()
            .filter(|(_, (expires, _))| *expires > now)
            .map(|(k, _)| k.clone())
            .collect();
        keys.sort();
        keys
    }
}

#[async_trait]
impl ResponseCache for MemoryCache {
    async fn get(&self, key: &str) -> Result<Option<Bytes>, CacheError> {
        let mut values = self.values.lock().unwrap_or_else(|e| e.into_inner());
        match values.get(key) {
            Some((expires, value)) if *expires > Instant::now() => Ok(Some(value.clone())),
            Some(_) => {
                values.remove(key);
                Ok(None)
            }
            None => Ok(None),
        }
    }

    async fn put(&self, key: &str, value: Bytes, ttl: Duration) -> Result<(), CacheError> {
        let mut values = self.values.lock().unwrap_or_else(|e| e.into_inner());
        values.insert(key.to_owned(), (Instant::now() + ttl, value));
        Ok(())
    }

    async fn try_lock(&self, key: &str, ttl: Duration) -> Result<Option<LockToken>, CacheError> {
        let now = Instant::now();
        let mut locks = self.locks.lock().unwrap_or_else(|e| e.into_inner());
        if locks.get(key).is_some_and(|(expires, _)| *expires > now) {
            return Ok(None);
        }
        let token = self.next_token.fetch_add(1, Ordering::Relaxed).to_string();
        locks.insert(key.to_owned(), (now + ttl, token.clone()));
        Ok(Some(LockToken(token)))
    }

    async fn unlock(&self, key: &str, token: &LockToken) -> Result<(), CacheError> {
        let mut locks = self.locks.lock().unwrap_or_else(|e| e.into_inner());
        if locks.get(key).is_some_and(|(_, held)| *held == token.0) {
            locks.remove(key);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn envelope_round_trips() {
        let raw = br#"{"document":{"id":"0:0","children":[]}}"#.repeat(100);
        let stored = encode(&raw);
        assert!(stored.len() < raw.len());
        assert_eq!(decode(&stored, u64::MAX).unwrap(), Bytes::from(raw));
        assert_eq!(decode(&encode(b""), 0).unwrap(), Bytes::new());
    }

    #[test]
    fn damaged_entries_are_errors() {
        let stored = encode(&b"hello world ".repeat(50));
        assert!(decode(&stored[..5], u64::MAX).is_err());
        assert!(decode(b"XXX00000000abc", u64::MAX).is_err());
        // A lying length prefix must not allocate gigabytes.
        let mut lying = stored.to_vec();
        lying[3..11].copy_from_slice(&u64::MAX.to_le_bytes());
        assert!(decode(&lying, u64::MAX).is_err());
        let mut truncated = stored.to_vec();
        truncated.truncate(stored.len() - 3);
        assert!(decode(&truncated, u64::MAX).is_err());
        assert!(decode(&stored, 10).is_err(), "over the size limit");
    }

    #[tokio::test]
    async fn memory_cache_honours_ttl_and_lock_ownership() {
        let cache = MemoryCache::new();
        cache
            .put("a", Bytes::from_static(b"1"), Duration::from_secs(60))
            .await
            .unwrap();
        cache
            .put("b", Bytes::from_static(b"2"), Duration::ZERO)
            .await
            .unwrap();
        assert_eq!(
            cache.get("a").await.unwrap(),
            Some(Bytes::from_static(b"1"))
        );
        assert_eq!(cache.get("b").await.unwrap(), None);

        let token = cache
            .try_lock("l", Duration::from_secs(60))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            cache.try_lock("l", Duration::from_secs(60)).await.unwrap(),
            None
        );
        cache
            .unlock("l", &LockToken("someone else".into()))
            .await
            .unwrap();
        assert_eq!(
            cache.try_lock("l", Duration::from_secs(60)).await.unwrap(),
            None
        );
        cache.unlock("l", &token).await.unwrap();
        assert!(
            cache
                .try_lock("l", Duration::from_secs(60))
                .await
                .unwrap()
                .is_some()
        );
    }
}
