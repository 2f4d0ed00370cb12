//! Cross-instance coordination: rate limits, short locks (single-flight), MCP session state.

use std::time::Duration;

use crate::error::{StoreError, StoreResult};
use crate::gcra::{RateDecision, RateLimit};
use crate::keys::{Identity, check, encode_segment, layout};
use crate::store::{Store, random_hex};

/// Bound on one MCP session's serialized state.
pub const MAX_MCP_SESSION_BYTES: usize = 1024 * 1024;

/// Proof of holding a lock; pass it back to [`Store::release_lock`].
#[derive(Debug)]
pub struct LockGuard {
    key: String,
    token: String,
}

impl Store {
    /// Atomically checks and consumes one request of `limit` for the caller on `endpoint`.
    /// Redis: one GCRA script call (one round trip), correct across instances.
    pub async fn check_rate_limit(
        &self,
        who: &Identity,
        endpoint: &str,
        limit: RateLimit,
    ) -> StoreResult<RateDecision> {
        let key = layout::rate_limit(&who.user_id, &check("endpoint", endpoint)?);
        self.backend.rate_limit(&key, limit).await
    }

    /// Takes the lock `name` for at most `ttl` if nobody holds it (`SET NX PX`). Returns `None` when
    /// held elsewhere. The lock frees itself after `ttl` even if its holder dies.
    pub async fn try_lock(&self, name: &str, ttl: Duration) -> StoreResult<Option<LockGuard>> {
        let key = layout::lock(&encode_segment("lock name", name)?);
        let token = random_hex::<16>();
        let taken = self
            .backend
            .set_nx(&key, token.clone().into_bytes(), ttl)
            .await?;
        Ok(taken.then_some(LockGuard { key, token }))
    }

    /// Releases a lock only if it is still ours (it may have expired and been taken by another).
    pub async fn release_lock(&self, guard: LockGuard) -> StoreResult<bool> {
        self.backend
            .delete_if_equals(&guard.key, guard.token.as_bytes())
            .await
    }

    /// Whether someone holds lock `name` now.
    pub async fn is_locked(&self, name: &str) -> StoreResult<bool> {
        self.backend
            .exists(&layout::lock(&encode_segment("lock name", name)?))
            .await
    }

    /// Stores an MCP session's opaque state (rmcp `SessionStore::store`).
    pub async fn put_mcp_session(
        &self,
        session_id: &str,
        state: &[u8],
        ttl: Duration,
    ) -> StoreResult<()> {
        if state.len() > MAX_MCP_SESSION_BYTES {
            return Err(StoreError::TooLarge {
                what: "mcp session",
                size: state.len(),
                limit: MAX_MCP_SESSION_BYTES,
            });
        }
        let key = layout::mcp_session(&encode_segment("mcp session id", session_id)?);
        self.backend.set(&key, state.to_vec(), Some(ttl)).await
    }

    /// Loads an MCP session's state and extends its TTL (rmcp `SessionStore::load`).
    pub async fn load_mcp_session(
        &self,
        session_id: &str,
        ttl: Duration,
    ) -> StoreResult<Option<Vec<u8>>> {
        let key = layout::mcp_session(&encode_segment("mcp session id", session_id)?);
        self.backend.get_refresh(&key, ttl).await
    }

    /// Deletes an MCP session (rmcp `SessionStore::delete`).
    pub async fn delete_mcp_session(&self, session_id: &str) -> StoreResult<bool> {
        let key = layout::mcp_session(&encode_segment("mcp session id", session_id)?);
        Ok(self.backend.delete(&[key]).await? > 0)
    }
}
