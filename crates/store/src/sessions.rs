//! Sessions: sliding expiry, refreshed at most once per touch interval, plus a per-user index.

use std::time::Duration;

use serde_json::Value;

use crate::error::{StoreError, StoreResult};
use crate::keys::{Id, Identity, check, layout};
use crate::records::Session;
use crate::store::{Store, now_ms, random_hex};

/// Bound on a session's `data` (serialized JSON).
pub const MAX_SESSION_DATA: usize = 1024 * 1024;

impl Store {
    /// Creates a session for the caller with a fresh 128-bit id.
    pub async fn create_session(&self, who: &Identity, data: Value) -> StoreResult<Session> {
        check_data_size(&data)?;
        let now = now_ms();
        let ttl = self.config.session_ttl();
        let session = Session {
            session_id: Id::parse(&format!("s_{}", random_hex::<16>()))?,
            user_id: who.user_id.clone(),
            org_id: who.org_id.clone(),
            created: now,
            last_access: now,
            expires_at: now + millis(ttl),
            data,
        };
        self.put_record(&layout::session(&session.session_id), &session, Some(ttl))
            .await?;
        self.backend
            .set_add(
                &layout::user_sessions(&who.user_id),
                session.session_id.as_str(),
            )
            .await?;
        Ok(session)
    }

    /// The caller's session, sliding its expiry forward. `None` if absent, expired or not theirs.
    /// Costs one read, plus one write only when the last refresh is older than the touch interval.
    pub async fn get_session(
        &self,
        who: &Identity,
        session_id: &str,
    ) -> StoreResult<Option<Session>> {
        let Some(mut session) = self.load_own_session(who, session_id).await? else {
            return Ok(None);
        };
        let now = now_ms();
        let touch_every = self.config.session_touch_interval_secs.saturating_mul(1000);
        if now.saturating_sub(session.last_access) >= touch_every {
            let ttl = self.config.session_ttl();
            session.last_access = now;
            session.expires_at = now + millis(ttl);
            self.put_soft_record(&layout::session(&session.session_id), &session, Some(ttl))
                .await?;
        }
        Ok(Some(session))
    }

    /// Replaces the session's data (and refreshes its expiry). False if it is not the caller's.
    pub async fn update_session(
        &self,
        who: &Identity,
        session_id: &str,
        data: Value,
    ) -> StoreResult<bool> {
        check_data_size(&data)?;
        let Some(mut session) = self.load_own_session(who, session_id).await? else {
            return Ok(false);
        };
        let now = now_ms();
        let ttl = self.config.session_ttl();
        session.data = data;
        session.last_access = now;
        session.expires_at = now + millis(ttl);
        self.put_record(&layout::session(&session.session_id), &session, Some(ttl))
            .await?;
        Ok(true)
    }

    /// Deletes one of the caller's sessions; false if it was not theirs or did not exist.
    pub async fn delete_session(&self, who: &Identity, session_id: &str) -> StoreResult<bool> {
        let Some(session) = self.load_own_session(who, session_id).await? else {
            return Ok(false);
        };
        self.backend
            .delete(&[layout::session(&session.session_id)])
            .await?;
        self.backend
            .set_remove(
                &layout::user_sessions(&who.user_id),
                session.session_id.as_str(),
            )
            .await?;
        Ok(true)
    }

    /// The caller's live sessions (dropping index entries whose session expired).
    pub async fn list_sessions(&self, who: &Identity) -> StoreResult<Vec<Session>> {
        let index = layout::user_sessions(&who.user_id);
        let mut sessions = Vec::new();
        for id in self.backend.set_members(&index).await? {
            match self.load_own_session(who, &id).await? {
                Some(session) => sessions.push(session),
                None => self.backend.set_remove(&index, &id).await?,
            }
        }
        sessions.sort_by_key(|s| s.created);
        Ok(sessions)
    }

    /// Revokes every session of the caller; returns how many were live.
    pub async fn revoke_sessions(&self, who: &Identity) -> StoreResult<u64> {
        self.revoke_user_sessions(&who.user_id).await
    }

    pub(crate) async fn revoke_user_sessions(&self, user_id: &Id) -> StoreResult<u64> {
        let index = layout::user_sessions(user_id);
        let ids = self.backend.set_members(&index).await?;
        let keys: Vec<String> = ids
            .iter()
            .filter_map(|id| Id::parse(id).ok())
            .map(|id| layout::session(&id))
            .collect();
        let removed = self.backend.delete(&keys).await?;
        self.backend.delete(&[index]).await?;
        Ok(removed)
    }

    async fn load_own_session(
        &self,
        who: &Identity,
        session_id: &str,
    ) -> StoreResult<Option<Session>> {
        let id = check("session id", session_id)?;
        let session: Option<Session> = self.get_record(&layout::session(&id)).await?;
        // Another user's session reads as absent: its existence is not revealed.
        Ok(session.filter(|s| s.user_id == who.user_id && s.org_id == who.org_id))
    }
}

fn check_data_size(data: &Value) -> StoreResult<()> {
    let size = serde_json::to_vec(data)
        .map(|v| v.len())
        .unwrap_or(usize::MAX);
    if size > MAX_SESSION_DATA {
        return Err(StoreError::TooLarge {
            what: "session data",
            size,
            limit: MAX_SESSION_DATA,
        });
    }
    Ok(())
}

pub(crate) fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}
