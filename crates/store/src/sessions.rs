//! Sessions: sliding expiry, refreshed at most once per touch interval, plus a per-user index.

use std::time::Duration;

use serde_json::Value;

use crate::backend::Durability;
use crate::error::{StoreError, StoreResult};
use crate::keys::{Id, Identity, check, layout};
use crate::records::Session;
use crate::store::{Store, now_ms, random_hex};

/// Bound on a session's `data` (serialized JSON).
pub const MAX_SESSION_DATA: usize = 1024 * 1024;

impl Store {
    /// Creates a session for the caller with a fresh 128-bit id.
    pub async fn create_session(&self, who: &Identity, data: Value) -> StoreResult<Session> {
        self.insert_session(who, data, None).await
    }

    /// Creates a session minted by the API key whose hash is `key_hash` (see
    /// [`crate::AuthenticatedKey::key_hash`]): revoking that key ends the session. `None` when the
    /// key was revoked before the session could be recorded with it; no session then exists.
    pub async fn create_key_session(
        &self,
        who: &Identity,
        key_hash: &str,
        data: Value,
    ) -> StoreResult<Option<Session>> {
        let session = self
            .insert_session(who, data, Some(key_hash.to_owned()))
            .await?;
        // Revocation deletes the key record first and then the sessions listed under it; this
        // side lists the session first and then checks the key. Whichever order the two run in,
        // either revocation finds the session or this check finds the key gone, so no session
        // outlives its key.
        if self.backend.exists(&layout::api_key(key_hash)).await? {
            return Ok(Some(session));
        }
        // Ends this session by its id, not by reading the key's list again: a revocation running
        // now may have dropped the list after this session was added to it.
        let id = session.session_id.as_str();
        self.backend
            .delete(&[layout::session(&session.session_id)])
            .await?;
        self.backend
            .set_remove(&layout::user_sessions(&who.user_id), id)
            .await?;
        self.backend
            .set_remove(&layout::api_key_sessions(key_hash), id)
            .await?;
        Ok(None)
    }

    async fn insert_session(
        &self,
        who: &Identity,
        data: Value,
        minted_by: Option<String>,
    ) -> StoreResult<Session> {
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
            minted_by,
        };
        self.put_record(&layout::session(&session.session_id), &session, Some(ttl))
            .await?;
        self.backend
            .set_add(
                &layout::user_sessions(&who.user_id),
                session.session_id.as_str(),
            )
            .await?;
        if let Some(hash) = &session.minted_by {
            self.backend
                .set_add(&layout::api_key_sessions(hash), session.session_id.as_str())
                .await?;
        }
        Ok(session)
    }

    /// The caller's session, sliding its expiry forward. `None` if absent, expired or not theirs.
    /// Costs one read, plus one conditional write only when the last refresh is older than the
    /// touch interval. The refresh never recreates a session deleted meanwhile.
    pub async fn get_session(
        &self,
        who: &Identity,
        session_id: &str,
    ) -> StoreResult<Option<Session>> {
        let id = check("session id", session_id)?;
        let now = now_ms();
        let touch_every = self.config.session_touch_interval_secs.saturating_mul(1000);
        let ttl = self.config.session_ttl();
        let session = self
            .update_record(
                &layout::session(&id),
                Some(ttl),
                // A sliding expiry is soft state.
                Durability::Deferred,
                |session: &Session| {
                    let due = owned_by(session, who)
                        && now.saturating_sub(session.last_access) >= touch_every;
                    Ok(due.then(|| Session {
                        last_access: now,
                        expires_at: now + millis(ttl),
                        ..session.clone()
                    }))
                },
            )
            .await?;
        // Another user's session reads as absent: its existence is not revealed.
        Ok(session.filter(|s| owned_by(s, who)))
    }

    /// Replaces the session's data (and refreshes its expiry). False if it is not the caller's or
    /// was deleted meanwhile (it is never recreated).
    pub async fn update_session(
        &self,
        who: &Identity,
        session_id: &str,
        data: Value,
    ) -> StoreResult<bool> {
        check_data_size(&data)?;
        let id = check("session id", session_id)?;
        let now = now_ms();
        let ttl = self.config.session_ttl();
        let session = self
            .update_record(
                &layout::session(&id),
                Some(ttl),
                Durability::Immediate,
                |session: &Session| {
                    Ok(owned_by(session, who).then(|| Session {
                        data: data.clone(),
                        last_access: now,
                        expires_at: now + millis(ttl),
                        ..session.clone()
                    }))
                },
            )
            .await?;
        Ok(session.is_some_and(|s| owned_by(&s, who)))
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
        if let Some(hash) = &session.minted_by {
            self.backend
                .set_remove(&layout::api_key_sessions(hash), session.session_id.as_str())
                .await?;
        }
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

    /// Ends every session the API key `key_hash` of `user_id` minted (a key only mints sessions
    /// for its own user) and drops the key's session index. Idempotent: a revoke that stopped
    /// half-way is finished by the next call.
    pub(crate) async fn end_key_sessions(&self, key_hash: &str, user_id: &Id) -> StoreResult<u64> {
        let index = layout::api_key_sessions(key_hash);
        let user_index = layout::user_sessions(user_id);
        let mut removed = 0;
        for id in self.backend.set_members(&index).await? {
            let Ok(id) = Id::parse(&id) else { continue };
            removed += self.backend.delete(&[layout::session(&id)]).await?;
            self.backend.set_remove(&user_index, id.as_str()).await?;
        }
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
        Ok(session.filter(|s| owned_by(s, who)))
    }
}

fn owned_by(session: &Session, who: &Identity) -> bool {
    session.user_id == who.user_id && session.org_id == who.org_id
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
