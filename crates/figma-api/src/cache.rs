//! Where responses are cached: a small trait shaped after the store's Figma records, an
//! in-memory implementation for tests and one-shot use, and a no-op one.

use std::any::Any;
use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use bytes::Bytes;
use serde_json::Value;

/// A cache backend failed; the client then goes to Figma instead of failing the request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("response cache unavailable: {0}")]
pub struct CacheError(pub String);

/// Proof of holding a lock, whatever the backend needs to release it.
pub struct CacheLock(Box<dyn Any + Send + Sync>);

impl CacheLock {
    pub fn new<T: Any + Send + Sync>(inner: T) -> Self {
        CacheLock(Box::new(inner))
    }

    /// The backend's own guard, if it is a `T`.
    pub fn into_inner<T: Any>(self) -> Option<T> {
        self.0.downcast::<T>().ok().map(|boxed| *boxed)
    }
}

impl std::fmt::Debug for CacheLock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CacheLock")
    }
}

/// Storage for cached Figma answers, shared by every instance (Redis) or one process (embedded).
///
/// Records, as the store lays them out: `figma:{fileKey}:{version}:{request}` (raw response body,
/// compressed and expired by the backend, TTL days) and `figma:{fileKey}:meta` (a small JSON
/// document the client owns, TTL minutes). The lock serialises fetches across instances.
#[async_trait]
pub trait ResponseCache: Send + Sync + 'static {
    /// A response body cached for this file version and request.
    async fn get_response(
        &self,
        file_key: &str,
        version: &str,
        request: &str,
    ) -> Result<Option<Bytes>, CacheError>;
    /// Caches a response body for this file version and request.
    async fn put_response(
        &self,
        file_key: &str,
        version: &str,
        request: &str,
        body: Bytes,
    ) -> Result<(), CacheError>;
    /// The file's meta record, if present and not expired.
    async fn get_meta(&self, file_key: &str) -> Result<Option<Value>, CacheError>;
    /// Replaces the file's meta record.
    async fn put_meta(&self, file_key: &str, meta: &Value) -> Result<(), CacheError>;
    /// Takes the short lock `name` for `ttl` unless someone holds it; `None` when held.
    async fn try_lock(&self, name: &str, ttl: Duration) -> Result<Option<CacheLock>, CacheError>;
    /// Releases a lock if it is still ours (an expired one may belong to someone else now).
    async fn unlock(&self, lock: CacheLock) -> Result<(), CacheError>;
}

/// A cache that never hits and always grants locks: for one-shot use without a store.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoCache;

#[async_trait]
impl ResponseCache for NoCache {
    async fn get_response(&self, _: &str, _: &str, _: &str) -> Result<Option<Bytes>, CacheError> {
        Ok(None)
    }
    async fn put_response(&self, _: &str, _: &str, _: &str, _: Bytes) -> Result<(), CacheError> {
        Ok(())
    }
    async fn get_meta(&self, _: &str) -> Result<Option<Value>, CacheError> {
        Ok(None)
    }
    async fn put_meta(&self, _: &str, _: &Value) -> Result<(), CacheError> {
        Ok(())
    }
    async fn try_lock(&self, _: &str, _: Duration) -> Result<Option<CacheLock>, CacheError> {
        Ok(Some(CacheLock::new(())))
    }
    async fn unlock(&self, _: CacheLock) -> Result<(), CacheError> {
        Ok(())
    }
}

/// An unbounded in-process cache with TTLs, for tests and single short-lived processes.
/// Servers use the store (Redis or redb) instead.
#[derive(Debug)]
pub struct MemoryCache {
    response_ttl: Duration,
    meta_ttl: Duration,
    values: Mutex<HashMap<String, (Instant, Entry)>>,
    locks: Mutex<HashMap<String, (Instant, u64)>>,
    next_token: AtomicU64,
}

#[derive(Debug, Clone)]
enum Entry {
    Response(Bytes),
    Meta(Value),
}

struct MemoryLock {
    name: String,
    token: u64,
}

impl Default for MemoryCache {
    fn default() -> Self {
        MemoryCache::new()
    }
}

impl MemoryCache {
    /// Responses kept 7 days and meta records 5 minutes, like the store's defaults.
    pub fn new() -> Self {
        MemoryCache::with_ttls(Duration::from_secs(7 * 24 * 3600), Duration::from_secs(300))
    }

    pub fn with_ttls(response_ttl: Duration, meta_ttl: Duration) -> Self {
        MemoryCache {
            response_ttl,
            meta_ttl,
            values: Mutex::default(),
            locks: Mutex::default(),
            next_token: AtomicU64::new(0),
        }
    }

    /// Keys currently stored and not expired, in the store's layout (for tests and diagnostics).
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

    fn get(&self, key: &str) -> Option<Entry> {
        let mut values = self.values.lock().unwrap_or_else(|e| e.into_inner());
        match values.get(key) {
            Some((expires, entry)) if *expires > Instant::now() => Some(entry.clone()),
            Some(_) => {
                values.remove(key);
                None
            }
            None => None,
        }
    }

    fn put(&self, key: String, entry: Entry, ttl: Duration) {
        let mut values = self.values.lock().unwrap_or_else(|e| e.into_inner());
        values.insert(key, (Instant::now() + ttl, entry));
    }
}

fn response_key(file_key: &str, version: &str, request: &str) -> String {
    format!("figma:{file_key}:{version}:{request}")
}

fn meta_key(file_key: &str) -> String {
    format!("figma:{file_key}:meta")
}

#[async_trait]
impl ResponseCache for MemoryCache {
    async fn get_response(
        &self,
        file_key: &str,
        version: &str,
        request: &str,
    ) -> Result<Option<Bytes>, CacheError> {
        Ok(match self.get(&response_key(file_key, version, request)) {
            Some(Entry::Response(body)) => Some(body),
            _ => None,
        })
    }

    async fn put_response(
        &self,
        file_key: &str,
        version: &str,
        request: &str,
        body: Bytes,
    ) -> Result<(), CacheError> {
        self.put(
            response_key(file_key, version, request),
            Entry::Response(body),
            self.response_ttl,
        );
        Ok(())
    }

    async fn get_meta(&self, file_key: &str) -> Result<Option<Value>, CacheError> {
        Ok(match self.get(&meta_key(file_key)) {
            Some(Entry::Meta(meta)) => Some(meta),
            _ => None,
        })
    }

    async fn put_meta(&self, file_key: &str, meta: &Value) -> Result<(), CacheError> {
        self.put(meta_key(file_key), Entry::Meta(meta.clone()), self.meta_ttl);
        Ok(())
    }

    async fn try_lock(&self, name: &str, ttl: Duration) -> Result<Option<CacheLock>, CacheError> {
        let now = Instant::now();
        let mut locks = self.locks.lock().unwrap_or_else(|e| e.into_inner());
        if locks.get(name).is_some_and(|(expires, _)| *expires > now) {
            return Ok(None);
        }
        let token = self.next_token.fetch_add(1, Ordering::Relaxed);
        locks.insert(name.to_owned(), (now + ttl, token));
        Ok(Some(CacheLock::new(MemoryLock {
            name: name.to_owned(),
            token,
        })))
    }

    async fn unlock(&self, lock: CacheLock) -> Result<(), CacheError> {
        let Some(lock) = lock.into_inner::<MemoryLock>() else {
            return Err(CacheError(
                "a lock from another cache was released here".into(),
            ));
        };
        let mut locks = self.locks.lock().unwrap_or_else(|e| e.into_inner());
        if locks
            .get(&lock.name)
            .is_some_and(|(_, held)| *held == lock.token)
        {
            locks.remove(&lock.name);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use serde_json::json;

    #[tokio::test]
    async fn memory_cache_honours_ttls() {
        let cache = MemoryCache::with_ttls(Duration::from_secs(60), Duration::ZERO);
        cache
            .put_response("k", "1", "file", Bytes::from_static(b"body"))
            .await
            .unwrap();
        cache.put_meta("k", &json!({"a": 1})).await.unwrap();
        assert_eq!(
            cache.get_response("k", "1", "file").await.unwrap(),
            Some(Bytes::from_static(b"body"))
        );
        assert_eq!(cache.get_response("k", "2", "file").await.unwrap(), None);
        assert_eq!(cache.get_meta("k").await.unwrap(), None, "meta TTL of zero");
        assert_eq!(cache.keys(), vec!["figma:k:1:file".to_owned()]);
    }

    #[tokio::test]
    async fn memory_locks_are_exclusive_until_released_or_expired() {
        let cache = MemoryCache::new();
        let held = cache
            .try_lock("l", Duration::from_secs(60))
            .await
            .unwrap()
            .unwrap();
        assert!(
            cache
                .try_lock("l", Duration::from_secs(60))
                .await
                .unwrap()
                .is_none()
        );
        cache.unlock(held).await.unwrap();
        let short = cache.try_lock("l", Duration::ZERO).await.unwrap();
        assert!(short.is_some());
        assert!(
            cache
                .try_lock("l", Duration::from_secs(60))
                .await
                .unwrap()
                .is_some(),
            "expired"
        );
        // Releasing the expired lock must not free the new holder's.
        cache.unlock(short.unwrap()).await.unwrap();
        assert!(
            cache
                .try_lock("l", Duration::from_secs(60))
                .await
                .unwrap()
                .is_none()
        );
        assert!(cache.unlock(CacheLock::new(5u8)).await.is_err());
    }
}
