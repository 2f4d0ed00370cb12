//! The stored record types. Every JSON record is written inside a [`Versioned`] envelope.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{StoreError, StoreResult};
use crate::keys::Id;

/// Version of the record layout; bump it and add a migration when a record changes shape.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct Versioned<T> {
    v: u32,
    #[serde(flatten)]
    record: T,
}

pub(crate) fn encode<T: Serialize>(record: &T) -> StoreResult<Vec<u8>> {
    serde_json::to_vec(&Versioned {
        v: SCHEMA_VERSION,
        record,
    })
    .map_err(|e| StoreError::Backend(format!("cannot encode record: {e}")))
}

pub(crate) fn decode<T: DeserializeOwned>(key: &str, bytes: &[u8]) -> StoreResult<T> {
    let corrupt = |reason: String| StoreError::Corrupt {
        key: key.to_owned(),
        reason,
    };
    let versioned: Versioned<T> =
        serde_json::from_slice(bytes).map_err(|e| corrupt(e.to_string()))?;
    if versioned.v > SCHEMA_VERSION {
        return Err(corrupt(format!(
            "written by schema version {}, this build reads up to {SCHEMA_VERSION}",
            versioned.v
        )));
    }
    Ok(versioned.record)
}

/// Milliseconds since the Unix epoch.
pub type Millis = u64;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Session {
    pub session_id: Id,
    pub user_id: Id,
    pub org_id: Id,
    pub created: Millis,
    pub last_access: Millis,
    pub expires_at: Millis,
    pub data: Value,
    /// The hash of the API key that minted this session (`None` for sessions of the local user and
    /// for sessions written before this was recorded). Revoking that key ends the session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minted_by: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub user_id: Id,
    pub org_id: Id,
    pub name: String,
    pub created: Millis,
    pub preferences: Value,
    pub settings: Value,
}

/// One generation (ticket, doc, context) a user ran.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntry {
    pub at: Millis,
    pub tool: String,
    pub platform: String,
    pub document_type: String,
    pub file_key: String,
    pub node_ids: Vec<String>,
    pub summary: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiKeyRecord {
    /// The first 16 hex digits of the key's sha256: safe to show, used to revoke.
    pub key_id: String,
    pub user_id: Id,
    pub label: String,
    pub created: Millis,
    pub last_used: Option<Millis>,
}

/// A newly created key: `secret` (`hk_…`) is shown once and never stored.
#[derive(Clone, Debug)]
pub struct CreatedApiKey {
    pub secret: String,
    pub record: ApiKeyRecord,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TemplateEntry {
    pub content: String,
    pub version: String,
    /// Hash of the template source this entry was resolved from; a different hash means stale.
    pub source_hash: String,
    pub cached_at: Millis,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScreenshotRef {
    pub sha256: String,
    pub content_type: String,
    pub len: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Component {
    pub file_key: Id,
    pub node_id: String,
    pub analysis: Value,
    pub metadata: Value,
    pub screenshot: Option<ScreenshotRef>,
    pub stored_at: Millis,
}
