//! Per-user upstream credentials (a Figma token), encrypted at rest.
//!
//! A token is sealed with AES-256-GCM under the deployment's `secret_key` (env `HANDOFF_SECRET_KEY`)
//! with a fresh random 96-bit nonce per write. The associated data binds the record to its user and
//! org, so a record copied under another identity does not decrypt. The store keeps only the
//! ciphertext, the nonce and the key's id; the token is never returned to a client and never logged.
//! It is opened only to make that user's own Figma calls (see `figma_auth` in `ops::design`).

use aes_gcm::aead::{Aead, Generate, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD_NO_PAD_INDIFFERENT, URL_SAFE_NO_PAD_INDIFFERENT};
use handoff_store::{Identity, SealedCredential, Upstream};
use sha2::{Digest, Sha256};

use crate::app::App;
use crate::auth::{LOCAL_ORG, LOCAL_USER};
use crate::config::{Config, Secret};
use crate::error::{AppError, ErrorKind};

const KEY_LEN: usize = 32;
/// Figma tokens are ~45 characters; the bound keeps the stored record small.
const MAX_TOKEN_LEN: usize = 512;
/// Versioned domain separation for the associated data and the key id.
const AAD_CONTEXT: &str = "handoff credential v1";
const KEY_ID_CONTEXT: &str = "handoff secret_key id v1";

/// The deployment's credential key, parsed from `secret_key`.
struct SecretKey {
    cipher: Aes256Gcm,
    /// A one-way id of the key (first 8 bytes of a domain-separated SHA-256), stored with each
    /// record so that a changed key is reported as a changed key.
    id: String,
}

impl SecretKey {
    fn parse(secret: &Secret) -> Result<Self, AppError> {
        let bytes = decode_key(secret.expose().trim())?;
        let cipher = Aes256Gcm::new_from_slice(&bytes).map_err(|_| invalid_key(bytes.len()))?;
        let mut hasher = Sha256::new();
        hasher.update(KEY_ID_CONTEXT.as_bytes());
        hasher.update([0]);
        hasher.update(&bytes);
        let id = hex::encode(&hasher.finalize()[..8]);
        Ok(Self { cipher, id })
    }

    fn from_config(config: &Config) -> Result<Self, AppError> {
        match &config.secret_key {
            Some(secret) => Self::parse(secret),
            None => Err(AppError::bad_request(
                "storing per-user Figma tokens needs `secret_key` (env HANDOFF_SECRET_KEY): 32 random \
                 bytes as hex or base64, e.g. from `openssl rand -hex 32`",
            )
            .with_code("secret_key_missing")),
        }
    }

    fn seal(&self, who: &Identity, token: &str) -> Result<SealedCredential, AppError> {
        let nonce = Nonce::try_generate().map_err(|err| {
            AppError::internal(format!("the system random number generator failed: {err}"))
        })?;
        let ciphertext = self
            .cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: token.as_bytes(),
                    aad: &associated_data(who),
                },
            )
            .map_err(|_| AppError::internal("encrypting the Figma token failed"))?;
        Ok(SealedCredential {
            key_id: self.id.clone(),
            nonce: nonce.to_vec(),
            ciphertext,
        })
    }

    fn open(&self, who: &Identity, sealed: &SealedCredential) -> Result<String, AppError> {
        if sealed.key_id != self.id {
            return Err(undecryptable(format!(
                "your stored Figma token was encrypted with a different secret_key (key id {}, the \
                 configured key has id {}): restore HANDOFF_SECRET_KEY or set the token again",
                sealed.key_id, self.id
            )));
        }
        let nonce =
            <&Nonce<_>>::try_from(sealed.nonce.as_slice()).map_err(|_| undecryptable(damaged()))?;
        let plaintext = self
            .cipher
            .decrypt(
                nonce,
                Payload {
                    msg: &sealed.ciphertext,
                    aad: &associated_data(who),
                },
            )
            .map_err(|_| undecryptable(damaged()))?;
        String::from_utf8(plaintext).map_err(|_| undecryptable(damaged()))
    }
}

/// Binds a record to one user in one org. Ids cannot contain NUL, so the encoding is unambiguous.
fn associated_data(who: &Identity) -> Vec<u8> {
    format!("{AAD_CONTEXT}\0figma\0{}\0{}", who.user_id, who.org_id).into_bytes()
}

/// 64 hex digits, or base64 (standard or URL-safe, padding optional) of exactly 32 bytes. Text of
/// hex digits only is read as hex, so a truncated hex key is reported with its hex length.
fn decode_key(text: &str) -> Result<Vec<u8>, AppError> {
    let decoded = if !text.is_empty() && text.bytes().all(|b| b.is_ascii_hexdigit()) {
        hex::decode(text).ok()
    } else {
        STANDARD_NO_PAD_INDIFFERENT
            .decode(text)
            .or_else(|_| URL_SAFE_NO_PAD_INDIFFERENT.decode(text))
            .ok()
    };
    let bytes = decoded.ok_or_else(|| {
        config_error("is neither 64 hex digits nor base64 (the value is not shown)".to_owned())
    })?;
    if bytes.len() != KEY_LEN {
        return Err(invalid_key(bytes.len()));
    }
    Ok(bytes)
}

fn invalid_key(len: usize) -> AppError {
    config_error(format!(
        "must be {KEY_LEN} bytes, but it decodes to {len} bytes (the value is not shown)"
    ))
}

fn config_error(why: String) -> AppError {
    AppError::bad_request(format!(
        "invalid configuration: key `secret_key` (env HANDOFF_SECRET_KEY) {why}; generate one with \
         `openssl rand -hex 32`"
    ))
    .with_code("invalid_secret_key")
}

fn damaged() -> String {
    "your stored Figma token cannot be decrypted (the record is damaged or belongs to another \
     user): set the token again"
        .to_owned()
}

fn undecryptable(message: String) -> AppError {
    AppError::new(ErrorKind::Internal, message).with_code("figma_token_undecryptable")
}

/// Refuses a `secret_key` that is set but is not 32 bytes of hex or base64 (called by `App::open`,
/// so a bad key fails at start-up rather than on the first token).
pub fn check_secret_key(config: &Config) -> Result<(), AppError> {
    match &config.secret_key {
        Some(secret) => SecretKey::parse(secret).map(drop),
        None => Ok(()),
    }
}

/// A token as a client sends it: trimmed, non-empty, bounded, and sendable as an HTTP header.
fn check_token(token: &str) -> Result<&str, AppError> {
    let token = token.trim();
    let invalid = |why: &str| {
        AppError::bad_request(format!("the Figma token {why}")).with_code("invalid_figma_token")
    };
    if token.is_empty() {
        return Err(invalid("is empty"));
    }
    if token.len() > MAX_TOKEN_LEN {
        return Err(invalid(&format!(
            "is longer than {MAX_TOKEN_LEN} characters"
        )));
    }
    if !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(invalid(
            "may contain only printable ASCII without spaces (the value is not shown)",
        ));
    }
    Ok(token)
}

impl App {
    /// The identity an administrator's `user` (and optional `org`) names, for storing a token on
    /// the user's behalf: the user's record decides the org; only the local user, who may have no
    /// record, takes it from `org` (default [`LOCAL_ORG`]).
    pub async fn user_identity(&self, user: &str, org: Option<&str>) -> Result<Identity, AppError> {
        match self.store().user_by_id(user).await? {
            Some(record) => match org {
                Some(org) if org != record.org_id.as_str() => Err(AppError::bad_request(format!(
                    "user {user} is in org {}, not {org}",
                    record.org_id
                ))),
                _ => Ok(Identity {
                    user_id: record.user_id,
                    org_id: record.org_id,
                }),
            },
            None if user == LOCAL_USER => Ok(Identity::new(user, org.unwrap_or(LOCAL_ORG))?),
            None => Err(AppError::not_found(format!(
                "no user with id {user:?} (see `handoff users list`)"
            ))),
        }
    }

    /// Stores the caller's own Figma personal access token, encrypted; replaces any previous one.
    pub async fn set_figma_token(&self, who: &Identity, token: &str) -> Result<(), AppError> {
        let key = SecretKey::from_config(self.config())?;
        let sealed = key.seal(who, check_token(token)?)?;
        self.store()
            .put_credential(who, Upstream::Figma, &sealed)
            .await?;
        tracing::info!(user = %who.user_id, org = %who.org_id, "stored a Figma token");
        Ok(())
    }

    /// Deletes the caller's stored Figma token; false if there was none.
    pub async fn delete_figma_token(&self, who: &Identity) -> Result<bool, AppError> {
        let deleted = self.store().delete_credential(who, Upstream::Figma).await?;
        if deleted {
            tracing::info!(user = %who.user_id, org = %who.org_id, "deleted a Figma token");
        }
        Ok(deleted)
    }

    /// Whether the caller has a stored Figma token (the token itself is never returned).
    pub async fn has_figma_token(&self, who: &Identity) -> Result<bool, AppError> {
        Ok(self.store().has_credential(who, Upstream::Figma).await?)
    }

    /// The caller's own decrypted Figma token, for their Figma calls only.
    pub(crate) async fn stored_figma_token(
        &self,
        who: &Identity,
    ) -> Result<Option<String>, AppError> {
        let Some(sealed) = self.store().get_credential(who, Upstream::Figma).await? else {
            return Ok(None);
        };
        let key = SecretKey::from_config(self.config()).map_err(|err| {
            if err.code() == "secret_key_missing" {
                undecryptable(
                    "a Figma token is stored for you, but `secret_key` (env HANDOFF_SECRET_KEY) is \
                     not configured, so it cannot be decrypted"
                        .to_owned(),
                )
            } else {
                err
            }
        })?;
        key.open(who, &sealed).map(Some).inspect_err(|err| {
            tracing::error!(user = %who.user_id, org = %who.org_id, error = %err.message,
                "a stored Figma token could not be decrypted");
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    const HEX_KEY: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    fn key(text: &str) -> Result<SecretKey, AppError> {
        SecretKey::parse(&Secret::new(text))
    }

    #[test]
    fn keys_are_accepted_as_hex_or_base64_of_32_bytes() {
        let raw = hex::decode(HEX_KEY).unwrap();
        let from_hex = key(HEX_KEY).unwrap();
        let padded = base64::engine::general_purpose::STANDARD.encode(&raw);
        let url_safe = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&raw);
        for text in [padded.as_str(), url_safe.as_str(), &format!(" {HEX_KEY}\n")] {
            assert_eq!(key(text).unwrap().id, from_hex.id, "{text}");
        }
        assert_eq!(from_hex.id.len(), 16);
        assert!(
            !HEX_KEY.contains(&from_hex.id),
            "the id is not part of the key"
        );
    }

    #[test]
    fn bad_keys_are_clear_config_errors_that_do_not_echo_the_value() {
        let short = base64::engine::general_purpose::STANDARD.encode([7u8; 16]);
        for text in [&HEX_KEY[..62], short.as_str(), "not a key!", ""] {
            let err = key(text).err().expect("rejected");
            assert_eq!(err.code(), "invalid_secret_key", "{text}");
            assert!(
                err.message.contains("HANDOFF_SECRET_KEY"),
                "{}",
                err.message
            );
            if !text.is_empty() {
                assert!(!err.message.contains(text), "{}", err.message);
            }
        }
        assert!(
            key(&HEX_KEY[..62])
                .err()
                .unwrap()
                .message
                .contains("31 bytes")
        );
    }

    #[test]
    fn sealing_uses_a_fresh_nonce_and_binds_the_identity() {
        let k = key(HEX_KEY).unwrap();
        let ann = Identity::new("u_ann", "acme").unwrap();
        let a = k.seal(&ann, "figd_secret").unwrap();
        let b = k.seal(&ann, "figd_secret").unwrap();
        assert_ne!(a.nonce, b.nonce);
        assert_ne!(a.ciphertext, b.ciphertext);
        assert_eq!(a.nonce.len(), 12, "96 bits");
        assert_eq!(k.open(&ann, &a).unwrap(), "figd_secret");
        for other in [
            Identity::new("u_ben", "acme").unwrap(),
            Identity::new("u_ann", "evilcorp").unwrap(),
        ] {
            let err = k.open(&other, &a).unwrap_err();
            assert_eq!(err.code(), "figma_token_undecryptable");
        }
        let mut truncated = a.clone();
        truncated.nonce.pop();
        assert!(k.open(&ann, &truncated).is_err());
    }

    #[test]
    fn tokens_are_checked_without_echoing_them() {
        assert_eq!(check_token("  figd_abc \n").unwrap(), "figd_abc");
        for bad in ["", "  ", "figd_a b", "figd\r\nX: 1", &"x".repeat(513)] {
            let err = check_token(bad).unwrap_err();
            assert_eq!(err.code(), "invalid_figma_token");
            if bad.len() > 3 {
                assert!(!err.message.contains(bad.trim()), "{}", err.message);
            }
        }
    }
}
