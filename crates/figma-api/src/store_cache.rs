//! The store (Redis or the embedded redb file) as the response cache, using its Figma records
//! (`figma:{fileKey}:{version}:{request}`, lz4-compressed, `figma_ttl_secs`; `figma:{fileKey}:meta`,
//! `figma_meta_ttl_secs`) and its short locks.

use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use handoff_store::{LockGuard, Store, StoreError};
use serde_json::Value;

use crate::cache::{CacheError, CacheLock, ResponseCache};

fn cache_error(error: StoreError) -> CacheError {
    CacheError(error.to_string())
}

#[async_trait]
impl ResponseCache for Store {
    async fn get_response(
        &self,
        file_key: &str,
        version: &str,
        request: &str,
    ) -> Result<Option<Bytes>, CacheError> {
        self.get_figma_response(file_key, version, request)
            .await
            .map(|body| body.map(Bytes::from))
            .map_err(cache_error)
    }

    async fn put_response(
        &self,
        file_key: &str,
        version: &str,
        request: &str,
        body: Bytes,
    ) -> Result<(), CacheError> {
        self.put_figma_response(file_key, version, request, &body)
            .await
            .map_err(cache_error)
    }

    async fn get_meta(&self, file_key: &str) -> Result<Option<Value>, CacheError> {
        self.get_figma_meta(file_key).await.map_err(cache_error)
    }

    async fn put_meta(&self, file_key: &str, meta: &Value) -> Result<(), CacheError> {
        self.put_figma_meta(file_key, meta)
            .await
            .map_err(cache_error)
    }

    async fn try_lock(&self, name: &str, ttl: Duration) -> Result<Option<CacheLock>, CacheError> {
        Store::try_lock(self, name, ttl)
            .await
            .map(|guard| guard.map(CacheLock::new))
            .map_err(cache_error)
    }

    async fn unlock(&self, lock: CacheLock) -> Result<(), CacheError> {
        let guard = lock
            .into_inner::<LockGuard>()
            .ok_or_else(|| CacheError("a lock from another cache was released here".into()))?;
        self.release_lock(guard)
            .await
            .map(drop)
            .map_err(cache_error)
    }
}
