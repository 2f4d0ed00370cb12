//! Identifiers and the logical key layout. The only place that builds keys.
//!
//! Ids that become hash tags or key segments are restricted to `[A-Za-z0-9_.-]`, so nothing a caller
//! sends can add a `:` segment, a `{…}` hash tag, a glob (`*`, `?`, `[`) or whitespace to a key.
//! Free-form parts (Figma node ids like `1:2;3:4`, request strings) are percent-encoded instead.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{StoreError, StoreResult};

const MAX_ID_LEN: usize = 128;
const MAX_FREE_LEN: usize = 1024;

/// A validated identifier (user, org, session, file key, platform, …).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Id(String);

impl Id {
    pub fn parse(value: &str) -> StoreResult<Self> {
        check_id("id", value).map(|()| Self(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Id {
    type Error = StoreError;
    fn try_from(value: String) -> StoreResult<Self> {
        check_id("id", &value)?;
        Ok(Self(value))
    }
}

impl From<Id> for String {
    fn from(id: Id) -> Self {
        id.0
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Who is calling: every user-scoped or org-scoped call takes one.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Identity {
    pub user_id: Id,
    pub org_id: Id,
}

impl Identity {
    pub fn new(user_id: &str, org_id: &str) -> StoreResult<Self> {
        Ok(Self {
            user_id: check("user id", user_id)?,
            org_id: check("org id", org_id)?,
        })
    }
}

/// Validates one id-like input, naming it in the error.
pub fn check(what: &'static str, value: &str) -> StoreResult<Id> {
    check_id(what, value).map(|()| Id(value.to_owned()))
}

fn check_id(what: &'static str, value: &str) -> StoreResult<()> {
    if value.is_empty() {
        return Err(StoreError::invalid(what, "must not be empty"));
    }
    if value.len() > MAX_ID_LEN {
        return Err(StoreError::invalid(
            what,
            format!("longer than {MAX_ID_LEN} bytes"),
        ));
    }
    if let Some(bad) = value
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')))
    {
        return Err(StoreError::invalid(
            what,
            format!("character {bad:?} is not allowed (use A-Z, a-z, 0-9, '_', '-', '.')"),
        ));
    }
    Ok(())
}

/// Percent-encodes a free-form key segment (anything outside `[A-Za-z0-9_.-]`), bounded in length.
pub fn encode_segment(what: &'static str, value: &str) -> StoreResult<String> {
    if value.is_empty() {
        return Err(StoreError::invalid(what, "must not be empty"));
    }
    if value.len() > MAX_FREE_LEN {
        return Err(StoreError::invalid(
            what,
            format!("longer than {MAX_FREE_LEN} bytes"),
        ));
    }
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'-' | b'.') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    Ok(out)
}

/// The logical key layout (the Redis backend adds the configured prefix in front).
///
/// Keys one operation touches together share a `{…}` hash tag so they live in one cluster slot:
/// a user's record, history, sessions index and key index share `{userId}`; an org's components and
/// screenshots share `{orgId}`; a file's Figma responses and meta share `{fileKey}`.
pub mod layout {
    use super::Id;

    pub fn session(session_id: &Id) -> String {
        format!("session:{{{session_id}}}")
    }
    pub fn user(user_id: &Id) -> String {
        format!("user:{{{user_id}}}")
    }
    pub fn user_history(user_id: &Id) -> String {
        format!("user:{{{user_id}}}:history")
    }
    pub fn user_sessions(user_id: &Id) -> String {
        format!("user:{{{user_id}}}:sessions")
    }
    pub fn user_api_keys(user_id: &Id) -> String {
        format!("user:{{{user_id}}}:apikeys")
    }
    /// A user's sealed credential for an upstream service, in one org. The org is part of the key so
    /// the same user id in another org never reads it.
    pub fn user_credential(user_id: &Id, org_id: &Id, upstream: &str) -> String {
        format!("user:{{{user_id}}}:credential:{org_id}:{upstream}")
    }
    /// The index of all users (for the admin CLI).
    pub fn users() -> String {
        "users".to_owned()
    }
    pub fn api_key(hash_hex: &str) -> String {
        format!("apikey:{{{hash_hex}}}")
    }
    /// The ids of the sessions an API key minted, so revoking the key ends them.
    pub fn api_key_sessions(hash_hex: &str) -> String {
        format!("apikey:{{{hash_hex}}}:sessions")
    }
    pub fn template(org_id: &Id, platform: &Id, document_type: &Id) -> String {
        format!("template:{{{org_id}}}:{platform}:{document_type}")
    }
    /// A team template replacing a built-in: `owner` is `org.<orgId>` or `user.<userId>`.
    pub fn template_override(owner: &str, platform: &Id, document_type: &Id) -> String {
        format!("tploverride:{{{owner}}}:{platform}:{document_type}")
    }
    /// The `platform:document_type` pairs an owner has overridden.
    pub fn template_overrides(owner: &str) -> String {
        format!("tploverrides:{{{owner}}}")
    }
    pub fn component(org_id: &Id, file_key: &Id, encoded_node_id: &str) -> String {
        format!("component:{{{org_id}}}:{file_key}:{encoded_node_id}")
    }
    pub fn screenshot(org_id: &Id, sha256_hex: &str) -> String {
        format!("screenshot:{{{org_id}}}:{sha256_hex}")
    }
    pub fn figma_response(file_key: &Id, version: &str, encoded_request: &str) -> String {
        format!("figma:{{{file_key}}}:{version}:{encoded_request}")
    }
    pub fn figma_meta(file_key: &Id) -> String {
        format!("figma:{{{file_key}}}:meta")
    }
    pub fn rate_limit(user_id: &Id, endpoint: &Id) -> String {
        format!("ratelimit:{{{user_id}}}:{endpoint}")
    }
    pub fn lock(encoded_name: &str) -> String {
        format!("lock:{{{encoded_name}}}")
    }
    pub fn mcp_session(encoded_id: &str) -> String {
        format!("mcp:session:{{{encoded_id}}}")
    }
    /// Keys that hold no durable data and are not exported or migrated.
    pub fn is_ephemeral(key: &str) -> bool {
        key.starts_with("ratelimit:") || key.starts_with("lock:")
    }
}

/// Known first segments of logical keys; imports may only write these.
const KEY_KINDS: &[&str] = &[
    "session",
    "user",
    "users",
    "apikey",
    "template",
    "component",
    "screenshot",
    "figma",
    "mcp",
];

/// Validates a logical key coming from an import file: a known kind, printable ASCII, bounded.
pub fn check_logical_key(key: &str) -> StoreResult<()> {
    if key.is_empty() || key.len() > 2 * MAX_FREE_LEN {
        return Err(StoreError::invalid("key", "empty or too long"));
    }
    if !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(StoreError::invalid(
            "key",
            "contains whitespace, control or non-ASCII bytes",
        ));
    }
    let kind = key.split(':').next().unwrap_or_default();
    if !KEY_KINDS.contains(&kind) {
        return Err(StoreError::invalid(
            "key",
            format!("unknown record kind {kind:?}"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn encoding_is_injective_and_key_safe() {
        let inputs = ["1:2", "1%3A2", "1%253A2", "{x}", "a b", "\n", "é", "*"];
        let encoded: Vec<String> = inputs
            .iter()
            .map(|i| encode_segment("x", i).unwrap())
            .collect();
        let unique: std::collections::HashSet<_> = encoded.iter().collect();
        assert_eq!(unique.len(), inputs.len());
        for e in &encoded {
            assert!(
                e.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"_-.%".contains(&b)),
                "{e}"
            );
        }
        assert!(encode_segment("x", "").is_err());
        assert!(encode_segment("x", &"a".repeat(1025)).is_err());
    }

    #[test]
    fn import_keys_must_be_known_and_printable() {
        assert!(check_logical_key("user:{u_1}").is_ok());
        for bad in [
            "",
            "ratelimit:{u}:x",
            "lock:{x}",
            "other:1",
            "user:{a b}",
            "user:\n",
            "user:é",
        ] {
            assert!(check_logical_key(bad).is_err(), "{bad:?}");
        }
    }
}
