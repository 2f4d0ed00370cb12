//! Users, their generation history and their API keys.

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::backend::Durability;
use crate::error::{StoreError, StoreResult};
use crate::keys::{Id, Identity, check, layout};
use crate::records::{ApiKeyRecord, CreatedApiKey, HistoryEntry, User};
use crate::store::{Store, now_ms, random_hex};

/// Bound on a user's preferences and, separately, on their settings (serialized JSON). The user
/// record is read on every API-key request, so it must stay small.
pub const MAX_USER_PREFERENCES: usize = 64 * 1024;

const API_KEY_PREFIX: &str = "hk_";
/// `hk_` + 64 hex digits (256 bits of randomness).
const API_KEY_LEN: usize = 3 + 64;
const MAX_NAME_LEN: usize = 256;
const KEY_ID_LEN: usize = 16;
/// `lastUsed` is written at most this often per key (no write per request).
const LAST_USED_RESOLUTION_MS: u64 = 60_000;

impl Store {
    // --- admin (CLI) ---

    /// Creates a user in `org` (default org: `default`) and returns it; its id is fresh.
    pub async fn create_user(&self, name: &str, org: &str) -> StoreResult<User> {
        let name = name.trim();
        if name.is_empty() || name.len() > MAX_NAME_LEN || name.chars().any(char::is_control) {
            return Err(StoreError::invalid(
                "user name",
                "must be 1-256 printable characters",
            ));
        }
        let user = User {
            user_id: Id::parse(&format!("u_{}", random_hex::<12>()))?,
            org_id: check("org id", org)?,
            name: name.to_owned(),
            created: now_ms(),
            preferences: Value::Object(Default::default()),
            settings: Value::Object(Default::default()),
        };
        if !self.insert_user(&user).await? {
            // 96 random bits collided: refuse rather than overwrite someone.
            return Err(StoreError::Backend(
                "a fresh user id is already taken".into(),
            ));
        }
        Ok(user)
    }

    /// Writes a new user record, never over an existing one; false if the id is taken.
    async fn insert_user(&self, user: &User) -> StoreResult<bool> {
        if !self
            .insert_record(&layout::user(&user.user_id), user, None)
            .await?
        {
            return Ok(false);
        }
        self.backend
            .set_add(&layout::users(), user.user_id.as_str())
            .await?;
        Ok(true)
    }

    /// All users, oldest first.
    pub async fn list_users(&self) -> StoreResult<Vec<User>> {
        let mut users = Vec::new();
        for id in self.backend.set_members(&layout::users()).await? {
            if let Some(user) = self.user_by_id(&id).await? {
                users.push(user);
            }
        }
        users.sort_by(|a, b| (a.created, &a.user_id).cmp(&(b.created, &b.user_id)));
        Ok(users)
    }

    /// Any user by id (admin and authentication use).
    pub async fn user_by_id(&self, user_id: &str) -> StoreResult<Option<User>> {
        let id = check("user id", user_id)?;
        self.get_record(&layout::user(&id)).await
    }

    /// Removes a user with their history, sessions and API keys. False if there was no such user.
    pub async fn remove_user(&self, user_id: &str) -> StoreResult<bool> {
        let id = check("user id", user_id)?;
        let existed = self.backend.exists(&layout::user(&id)).await?;
        let key_ids = self
            .backend
            .set_members(&layout::user_api_keys(&id))
            .await?;
        // Keys first, sessions after: a session a key mints while this runs is either listed by
        // then or refused by `create_key_session` (see `revoke_api_key`).
        let key_records: Vec<String> = key_ids.iter().map(|hash| layout::api_key(hash)).collect();
        self.backend.delete(&key_records).await?;
        self.revoke_user_sessions(&id).await?;
        self.delete_user_credentials(&id).await?;
        let mut keys: Vec<String> = key_ids
            .iter()
            .map(|hash| layout::api_key_sessions(hash))
            .collect();
        keys.extend([
            layout::user(&id),
            layout::user_history(&id),
            layout::user_api_keys(&id),
        ]);
        self.backend.delete(&keys).await?;
        self.backend
            .set_remove(&layout::users(), id.as_str())
            .await?;
        Ok(existed)
    }

    // --- the caller's own record ---

    /// The caller's user record (`None` if it does not exist or is in another org).
    pub async fn get_user(&self, who: &Identity) -> StoreResult<Option<User>> {
        let user: Option<User> = self.get_record(&layout::user(&who.user_id)).await?;
        Ok(user.filter(|u| u.org_id == who.org_id))
    }

    /// The caller's user record, created with `name` and empty settings if it does not exist yet.
    /// For identities that exist without an admin creating them (the local user of a server that
    /// runs without authentication).
    pub async fn ensure_user(&self, who: &Identity, name: &str) -> StoreResult<User> {
        if let Some(user) = self.get_user(who).await? {
            return Ok(user);
        }
        let user = User {
            user_id: who.user_id.clone(),
            org_id: who.org_id.clone(),
            name: name.to_owned(),
            created: now_ms(),
            preferences: Value::Object(Default::default()),
            settings: Value::Object(Default::default()),
        };
        if self.insert_user(&user).await? {
            return Ok(user);
        }
        // Created meanwhile by a concurrent request: that record (and whatever was written to it
        // since) stands; overwriting it would lose those writes.
        self.get_user(who).await?.ok_or_else(|| {
            StoreError::invalid("user id", format!("{} belongs to another org", who.user_id))
        })
    }

    /// Merges `changes` into the caller's preferences: keys are added or replaced, `null` removes
    /// one. Atomic against concurrent updates (no change is lost). Returns the preferences after
    /// the change, or `None` if the user does not exist; `TooLarge` past [`MAX_USER_PREFERENCES`].
    pub async fn merge_user_preferences(
        &self,
        who: &Identity,
        changes: Map<String, Value>,
    ) -> StoreResult<Option<Value>> {
        let user = self
            .update_user(who, |user| {
                let mut preferences = match &user.preferences {
                    Value::Object(map) => map.clone(),
                    _ => Map::new(),
                };
                for (key, value) in &changes {
                    if value.is_null() {
                        preferences.remove(key);
                    } else {
                        preferences.insert(key.clone(), value.clone());
                    }
                }
                let preferences = Value::Object(preferences);
                check_user_value_size("preferences", &preferences)?;
                Ok(User {
                    preferences,
                    ..user.clone()
                })
            })
            .await?;
        Ok(user.map(|u| u.preferences))
    }

    /// Replaces the caller's settings as a whole, atomically. `None` if the user does not exist;
    /// `TooLarge` past [`MAX_USER_PREFERENCES`].
    pub async fn replace_user_settings(
        &self,
        who: &Identity,
        settings: Value,
    ) -> StoreResult<Option<Value>> {
        check_user_value_size("settings", &settings)?;
        let user = self
            .update_user(who, |user| {
                Ok(User {
                    settings: settings.clone(),
                    ..user.clone()
                })
            })
            .await?;
        Ok(user.map(|u| u.settings))
    }

    /// Read-modify-write of the caller's user record (see [`Store::update_record`]); `None` if it
    /// does not exist or is in another org.
    async fn update_user(
        &self,
        who: &Identity,
        change: impl Fn(&User) -> StoreResult<User>,
    ) -> StoreResult<Option<User>> {
        let user = self
            .update_record(
                &layout::user(&who.user_id),
                None,
                Durability::Immediate,
                |user: &User| {
                    if user.org_id != who.org_id {
                        return Ok(None);
                    }
                    change(user).map(Some)
                },
            )
            .await?;
        Ok(user.filter(|u| u.org_id == who.org_id))
    }

    // --- history ---

    /// Records a generation, keeping only the newest `history_limit` entries.
    pub async fn add_history(&self, who: &Identity, entry: &HistoryEntry) -> StoreResult<()> {
        let bytes = crate::records::encode(entry)?;
        if bytes.len() > 64 * 1024 {
            return Err(StoreError::TooLarge {
                what: "history entry",
                size: bytes.len(),
                limit: 64 * 1024,
            });
        }
        self.backend
            .list_push_trim(
                &layout::user_history(&who.user_id),
                bytes,
                self.config.history_limit.max(1),
                // A log of what was generated, written on every generation: soft state.
                Durability::Deferred,
            )
            .await
    }

    /// The caller's newest `limit` history entries, newest first.
    pub async fn list_history(
        &self,
        who: &Identity,
        limit: usize,
    ) -> StoreResult<Vec<HistoryEntry>> {
        let key = layout::user_history(&who.user_id);
        let raw = self
            .backend
            .list_range(&key, limit.min(self.config.history_limit.max(1)))
            .await?;
        raw.iter()
            .map(|bytes| crate::records::decode(&key, bytes))
            .collect()
    }

    // --- API keys ---

    /// Creates an API key for an existing user. The secret is returned once; only its hash is kept.
    pub async fn create_api_key(&self, user_id: &str, label: &str) -> StoreResult<CreatedApiKey> {
        let Some(user) = self.user_by_id(user_id).await? else {
            return Err(StoreError::invalid(
                "user id",
                format!("no user {user_id:?}"),
            ));
        };
        if label.len() > MAX_NAME_LEN || label.chars().any(char::is_control) {
            return Err(StoreError::invalid(
                "key label",
                "must be at most 256 printable characters",
            ));
        }
        let secret = format!("{API_KEY_PREFIX}{}", random_hex::<32>());
        let hash = sha256_hex(&secret);
        let record = ApiKeyRecord {
            key_id: hash[..KEY_ID_LEN].to_owned(),
            user_id: user.user_id.clone(),
            label: label.to_owned(),
            created: now_ms(),
            last_used: None,
        };
        self.put_record(&layout::api_key(&hash), &record, None)
            .await?;
        self.backend
            .set_add(&layout::user_api_keys(&user.user_id), &hash)
            .await?;
        Ok(CreatedApiKey { secret, record })
    }

    /// Resolves a presented key to its owner; `None` for unknown, malformed or revoked keys and for
    /// keys whose user was removed. Records the key's last use (at most once a minute) without
    /// ever recreating a key revoked meanwhile: then the key is refused.
    pub async fn authenticate_api_key(
        &self,
        secret: &str,
    ) -> StoreResult<Option<AuthenticatedKey>> {
        if secret.len() != API_KEY_LEN
            || !secret.starts_with(API_KEY_PREFIX)
            || !secret[API_KEY_PREFIX.len()..]
                .bytes()
                .all(|b| b.is_ascii_hexdigit())
        {
            return Ok(None);
        }
        let key_hash = sha256_hex(secret);
        let key = layout::api_key(&key_hash);
        let Some(record) = self.get_record::<ApiKeyRecord>(&key).await? else {
            return Ok(None);
        };
        let Some(user) = self.user_by_id(record.user_id.as_str()).await? else {
            return Ok(None);
        };
        let now = now_ms();
        let due = |record: &ApiKeyRecord| {
            record
                .last_used
                .is_none_or(|t| now.saturating_sub(t) >= LAST_USED_RESOLUTION_MS)
        };
        let record = if due(&record) {
            let touched = self
                .update_record(&key, None, Durability::Deferred, |record: &ApiKeyRecord| {
                    Ok(due(record).then(|| ApiKeyRecord {
                        last_used: Some(now),
                        ..record.clone()
                    }))
                })
                .await?;
            match touched {
                Some(record) => record,
                // Revoked between the read and the touch: revocation is final.
                None => return Ok(None),
            }
        } else {
            record
        };
        Ok(Some(AuthenticatedKey {
            identity: Identity {
                user_id: user.user_id,
                org_id: user.org_id,
            },
            record,
            key_hash,
        }))
    }

    /// A user's keys (never the secrets).
    pub async fn list_api_keys(&self, user_id: &str) -> StoreResult<Vec<ApiKeyRecord>> {
        let id = check("user id", user_id)?;
        let mut records = Vec::new();
        for hash in self
            .backend
            .set_members(&layout::user_api_keys(&id))
            .await?
        {
            if let Some(record) = self
                .get_record::<ApiKeyRecord>(&layout::api_key(&hash))
                .await?
            {
                records.push(record);
            }
        }
        records.sort_by_key(|r| r.created);
        Ok(records)
    }

    /// Revokes the user's key whose id (or a unique prefix of it, ≥ 6 hex digits) is given and ends
    /// every session it minted. Final: the key never authenticates again. False if there is no such
    /// key, including when it was already revoked.
    pub async fn revoke_api_key(&self, user_id: &str, key_id: &str) -> StoreResult<bool> {
        let id = check("user id", user_id)?;
        if key_id.len() < 6 || !key_id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(StoreError::invalid(
                "key id",
                "give at least 6 hex digits of the key id",
            ));
        }
        let index = layout::user_api_keys(&id);
        let matches: Vec<String> = self
            .backend
            .set_members(&index)
            .await?
            .into_iter()
            .filter(|hash| hash.starts_with(&key_id.to_ascii_lowercase()))
            .collect();
        match matches.as_slice() {
            [] => Ok(false),
            [hash] => {
                // The record goes first: from here on the key authenticates nowhere and mints no
                // session (see `create_key_session`), so the sessions listed next are all there is.
                let existed = self.backend.delete(&[layout::api_key(hash)]).await? > 0;
                self.end_key_sessions(hash, &id).await?;
                self.backend.set_remove(&index, hash).await?;
                // Only the call that deleted the record reports the key revoked; a later one (or
                // one finishing a revoke that stopped half-way) reports it unknown.
                Ok(existed)
            }
            _ => Err(StoreError::invalid(
                "key id",
                "matches more than one key; give more digits",
            )),
        }
    }
}

/// An API key that authenticated.
#[derive(Clone, Debug, PartialEq)]
pub struct AuthenticatedKey {
    pub identity: Identity,
    pub record: ApiKeyRecord,
    /// The SHA-256 (hex) of the key: the id under which it is stored and which sessions it mints
    /// record ([`Store::create_key_session`]). Not a secret, but never shown to users.
    pub key_hash: String,
}

fn check_user_value_size(what: &'static str, value: &Value) -> StoreResult<()> {
    let size = serde_json::to_vec(value).map_or(usize::MAX, |v| v.len());
    if size > MAX_USER_PREFERENCES {
        return Err(StoreError::TooLarge {
            what,
            size,
            limit: MAX_USER_PREFERENCES,
        });
    }
    Ok(())
}

fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}
