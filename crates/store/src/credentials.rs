//! Per-user credentials for upstream services (a Figma token), stored sealed.
//!
//! The store never sees a credential in the clear: the service layer encrypts it and hands over
//! only the ciphertext, its nonce and the id of the key it was sealed with. Records are keyed by the
//! caller's whole [`Identity`] (user and org), so no call can name another user's record.

use serde::{Deserialize, Serialize};

use crate::backend::b64;
use crate::error::{StoreError, StoreResult};
use crate::keys::{Id, Identity, layout};
use crate::records::User;
use crate::store::Store;

/// Sealed credentials are small (a token plus a tag); anything larger is not a credential.
pub const MAX_SEALED_CREDENTIAL_BYTES: usize = 4096;

/// The upstream service a credential is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Upstream {
    Figma,
}

impl Upstream {
    const ALL: [Upstream; 1] = [Upstream::Figma];

    fn key_segment(self) -> &'static str {
        match self {
            Upstream::Figma => "figma",
        }
    }
}

/// An encrypted credential: what the store keeps, and all it keeps.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SealedCredential {
    /// Identifies the key that sealed it (never the key itself), so a key change is reported as
    /// such instead of as damage.
    pub key_id: String,
    #[serde(with = "b64")]
    pub nonce: Vec<u8>,
    #[serde(with = "b64")]
    pub ciphertext: Vec<u8>,
}

// Ciphertext is harmless to print, but there is no reason to put it in logs either.
impl std::fmt::Debug for SealedCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SealedCredential")
            .field("key_id", &self.key_id)
            .field("nonce_len", &self.nonce.len())
            .field("ciphertext_len", &self.ciphertext.len())
            .finish()
    }
}

fn key(who: &Identity, upstream: Upstream) -> String {
    layout::user_credential(&who.user_id, &who.org_id, upstream.key_segment())
}

impl Store {
    /// Stores (replaces) the caller's sealed credential for `upstream`.
    pub async fn put_credential(
        &self,
        who: &Identity,
        upstream: Upstream,
        sealed: &SealedCredential,
    ) -> StoreResult<()> {
        let size = sealed.key_id.len() + sealed.nonce.len() + sealed.ciphertext.len();
        if size > MAX_SEALED_CREDENTIAL_BYTES {
            return Err(StoreError::TooLarge {
                what: "sealed credential",
                size,
                limit: MAX_SEALED_CREDENTIAL_BYTES,
            });
        }
        self.put_record(&key(who, upstream), sealed, None).await
    }

    /// The caller's sealed credential for `upstream`, if they stored one.
    pub async fn get_credential(
        &self,
        who: &Identity,
        upstream: Upstream,
    ) -> StoreResult<Option<SealedCredential>> {
        self.get_record(&key(who, upstream)).await
    }

    /// Whether the caller has a credential for `upstream`, without reading it.
    pub async fn has_credential(&self, who: &Identity, upstream: Upstream) -> StoreResult<bool> {
        self.backend.exists(&key(who, upstream)).await
    }

    /// Deletes the caller's credential for `upstream`; false if there was none.
    pub async fn delete_credential(&self, who: &Identity, upstream: Upstream) -> StoreResult<bool> {
        Ok(self.backend.delete(&[key(who, upstream)]).await? > 0)
    }

    /// Deletes every credential of a user that is being removed (their org comes from their record).
    pub(crate) async fn delete_user_credentials(&self, user_id: &Id) -> StoreResult<()> {
        let Some(user) = self.get_record::<User>(&layout::user(user_id)).await? else {
            return Ok(());
        };
        let who = Identity {
            user_id: user.user_id,
            org_id: user.org_id,
        };
        let keys: Vec<String> = Upstream::ALL.iter().map(|u| key(&who, *u)).collect();
        self.backend.delete(&keys).await?;
        Ok(())
    }
}
