//! Who is calling: turns the `Authorization` header value into an [`Identity`].
//!
//! Transport-free on purpose: the HTTP API, the legacy contract and MCP all call [`authenticate`]
//! with the raw header value, so the rules live in one place.
//!
//! Credentials:
//! - API keys (`hk_…`): looked up by their SHA-256 in the store, so no secret is ever compared
//!   byte by byte and the lookup time does not depend on how much of a guess is right.
//! - Session tokens (`hs_<user>~<org>~<session id>`): the 128-bit random session id is the secret;
//!   the store only returns a session whose recorded owner matches the user and org in the token, and
//!   slides its expiry on use.
//!
//! Modes: `off` (everyone is the local user), `required`, and `auto` (the local user when bound to a
//! loopback address and no API key exists; otherwise required).

use std::sync::Mutex;
use std::time::{Duration, Instant};

use handoff_store::{Id, Identity, Session, Store};
use sha2::{Digest, Sha256};

use crate::config::{AuthMode, Config};
use crate::error::{AppError, ErrorKind};

/// The user everything runs as when authentication is off (or `auto` with nothing configured).
pub const LOCAL_USER: &str = "local";
/// The org of [`LOCAL_USER`].
pub const LOCAL_ORG: &str = "default";

const API_KEY_PREFIX: &str = "hk_";
const SESSION_TOKEN_PREFIX: &str = "hs_";
/// The local admin token of a running `handoff serve` (see [`LocalAdminSecret`]).
const LOCAL_ADMIN_PREFIX: &str = "hl_";
/// Not allowed inside ids, so it separates a session token's parts unambiguously.
const SESSION_TOKEN_SEPARATOR: char = '~';
/// Longer header values are rejected before any parsing (ids are bounded by the store anyway).
const MAX_AUTHORIZATION_LEN: usize = 1024;

/// The secret a `handoff serve` over the embedded store shares with the `handoff` commands run by
/// the same OS user, through a mode-0600 runtime file in the data directory: the embedded store
/// admits one process at a time, so while the server holds it, `handoff keys|users|mcp` reach the
/// store through the server instead, presenting this token. Whoever can read the file can open the
/// store itself when the server is stopped, so the token grants nothing more than that: the admin
/// routes, and MCP as the local user (what `handoff mcp` over stdio is). It is accepted only from
/// this host (see [`check_local_admin`]) and lives only as long as the process.
///
/// Only the token's SHA-256 is kept, so comparing it takes the same time however much of a guess
/// is right (as for API keys).
#[derive(Debug)]
pub struct LocalAdminSecret {
    sha256: [u8; 32],
}

impl LocalAdminSecret {
    /// A fresh secret and its token (`hl_` + 64 hex digits), to be written to the runtime file.
    pub fn generate() -> (Self, String) {
        let token = format!(
            "{LOCAL_ADMIN_PREFIX}{}",
            hex::encode(rand::random::<[u8; 32]>())
        );
        (
            Self {
                sha256: Sha256::digest(token.as_bytes()).into(),
            },
            token,
        )
    }

    fn matches(&self, token: &str) -> bool {
        <[u8; 32]>::from(Sha256::digest(token.as_bytes())) == self.sha256
    }
}

/// Whether a request carries this server's local admin token and comes from this host. `secret`
/// is `None` when the server has no local admin (a Redis store: nothing is locked, the commands
/// open the store themselves). `same_host`: the peer is a loopback address or the address the
/// connection arrived on.
pub fn check_local_admin(
    secret: Option<&LocalAdminSecret>,
    authorization: Option<&[u8]>,
    same_host: bool,
) -> Result<(), AppError> {
    let refused =
        || unauthenticated("the local admin token is wrong, or the request is not from this host");
    let (Some(secret), Some(raw)) = (secret, authorization) else {
        return Err(refused());
    };
    let token = bearer_token(raw)?;
    if same_host && token.starts_with(LOCAL_ADMIN_PREFIX) && secret.matches(token) {
        Ok(())
    } else {
        Err(refused())
    }
}

/// Whether `authorization` presents a local admin token (right or wrong): such a request is
/// decided by [`check_local_admin`] alone.
pub fn presents_local_admin(authorization: Option<&[u8]>) -> bool {
    authorization
        .and_then(|raw| bearer_token(raw).ok())
        .is_some_and(|token| token.starts_with(LOCAL_ADMIN_PREFIX))
}

/// The caller a valid local admin token stands for: the local user, as `handoff mcp` over stdio.
pub fn local_admin_caller() -> Result<Caller, AppError> {
    local_caller()
}

/// How the caller proved who they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMethod {
    /// No credential was needed (`auth = off`, or `auto` with no keys on a loopback bind).
    Local,
    ApiKey,
    Session,
}

/// An authenticated caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub identity: Identity,
    pub method: AuthMethod,
    /// The session the caller presented, when `method` is [`AuthMethod::Session`].
    pub session_id: Option<String>,
    /// The stored hash of the API key the caller presented, when `method` is [`AuthMethod::ApiKey`]:
    /// sessions it mints record it, so revoking the key ends them.
    pub api_key: Option<String>,
}

/// Refuses configurations that would expose an unauthenticated server to the network.
pub fn check_auth_config(config: &Config) -> Result<(), AppError> {
    if config.auth == AuthMode::Off && !config.bind.ip().is_loopback() && !config.insecure {
        return Err(AppError::bad_request(format!(
            "auth = \"off\" on the non-loopback address {} would let anyone act as the local user; \
             bind to 127.0.0.1, use auth = \"required\", or pass --insecure",
            config.bind
        ))
        .with_code("insecure_auth_off"));
    }
    Ok(())
}

/// The identity of the local user.
pub fn local_identity() -> Result<Identity, AppError> {
    Identity::new(LOCAL_USER, LOCAL_ORG).map_err(AppError::from)
}

/// Whether any API key exists, remembered briefly: `auto` mode asks on every credential-less request,
/// and the honest answer means listing every user's keys. Keys are created by other processes (the
/// CLI, other instances), so the answer cannot be invalidated locally; it is re-read after `ttl`.
/// The cost is that, for at most `ttl` after the first key is created, credential-less requests on a
/// loopback bind still run as the local user.
#[derive(Debug)]
pub struct KeyPresence {
    ttl: Duration,
    last: Mutex<Option<(Instant, bool)>>,
}

impl KeyPresence {
    pub const DEFAULT_TTL: Duration = Duration::from_secs(1);

    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            last: Mutex::new(None),
        }
    }

    async fn any_key_exists(&self, store: &Store) -> Result<bool, AppError> {
        let remembered = self
            .last
            .lock()
            .ok()
            .and_then(|last| *last)
            .filter(|(at, _)| at.elapsed() < self.ttl);
        if let Some((_, exists)) = remembered {
            return Ok(exists);
        }
        let mut exists = false;
        for user in store.list_users().await? {
            if !store.list_api_keys(user.user_id.as_str()).await?.is_empty() {
                exists = true;
                break;
            }
        }
        if let Ok(mut last) = self.last.lock() {
            *last = Some((Instant::now(), exists));
        }
        Ok(exists)
    }
}

impl Default for KeyPresence {
    fn default() -> Self {
        Self::new(Self::DEFAULT_TTL)
    }
}

/// Resolves the raw `Authorization` header value (if any) to a caller, or an `Unauthenticated`
/// error that says what is wrong without revealing whether a key or session exists.
pub async fn authenticate(
    config: &Config,
    store: &Store,
    keys: &KeyPresence,
    authorization: Option<&[u8]>,
) -> Result<Caller, AppError> {
    if config.auth == AuthMode::Off {
        return local_caller();
    }
    let Some(raw) = authorization else {
        if config.auth == AuthMode::Auto
            && config.bind.ip().is_loopback()
            && !keys.any_key_exists(store).await?
        {
            return local_caller();
        }
        return Err(unauthenticated(
            "authentication required: send `Authorization: Bearer hk_…` (an API key) or a session token",
        ));
    };
    let token = bearer_token(raw)?;
    if token.starts_with(API_KEY_PREFIX) {
        return match store.authenticate_api_key(token).await? {
            Some(key) => Ok(Caller {
                identity: key.identity,
                method: AuthMethod::ApiKey,
                session_id: None,
                api_key: Some(key.key_hash),
            }),
            None => Err(unauthenticated("the API key is unknown or was revoked")),
        };
    }
    if let Some(rest) = token.strip_prefix(SESSION_TOKEN_PREFIX) {
        return authenticate_session(store, rest).await;
    }
    Err(unauthenticated(
        "the bearer token is neither an API key (hk_…) nor a session token (hs_…)",
    ))
}

/// The bearer token a client presents for `session` (returned once, when the session is created).
pub fn session_token(session: &Session) -> String {
    format!(
        "{SESSION_TOKEN_PREFIX}{}{SESSION_TOKEN_SEPARATOR}{}{SESSION_TOKEN_SEPARATOR}{}",
        session.user_id.as_str(),
        session.org_id.as_str(),
        session.session_id.as_str()
    )
}

fn local_caller() -> Result<Caller, AppError> {
    Ok(Caller {
        identity: local_identity()?,
        method: AuthMethod::Local,
        session_id: None,
        api_key: None,
    })
}

fn bearer_token(raw: &[u8]) -> Result<&str, AppError> {
    if raw.len() > MAX_AUTHORIZATION_LEN {
        return Err(unauthenticated("the Authorization header is too long"));
    }
    let value = std::str::from_utf8(raw)
        .map_err(|_| unauthenticated("the Authorization header is not valid UTF-8"))?
        .trim();
    let (scheme, token) = value
        .split_once(' ')
        .ok_or_else(|| unauthenticated("expected `Authorization: Bearer <token>`"))?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(unauthenticated("only the Bearer scheme is supported"));
    }
    let token = token.trim();
    if token.is_empty() {
        return Err(unauthenticated("the bearer token is empty"));
    }
    Ok(token)
}

async fn authenticate_session(store: &Store, rest: &str) -> Result<Caller, AppError> {
    let invalid = || unauthenticated("the session token is invalid or the session expired");
    let mut parts = rest.split(SESSION_TOKEN_SEPARATOR);
    let (Some(user), Some(org), Some(session_id), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(invalid());
    };
    // A malformed id is an invalid token, not a bad request: the caller gets the same answer either way.
    let Ok(claimed) = Identity::new(user, org) else {
        return Err(invalid());
    };
    if Id::parse(session_id).is_err() {
        return Err(invalid());
    }
    let Some(session) = store.get_session(&claimed, session_id).await? else {
        return Err(invalid());
    };
    Ok(Caller {
        identity: Identity {
            user_id: session.user_id,
            org_id: session.org_id,
        },
        method: AuthMethod::Session,
        session_id: Some(session.session_id.as_str().to_owned()),
        api_key: None,
    })
}

fn unauthenticated(message: &str) -> AppError {
    AppError::new(ErrorKind::Unauthenticated, message)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use std::net::SocketAddr;

    use super::*;

    async fn open(auth: AuthMode, bind: SocketAddr) -> (Config, Store, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let config = Config {
            auth,
            bind,
            data_dir: dir.path().to_path_buf(),
            ..Config::default()
        };
        let store = Store::open(&config.store_config()).await.unwrap();
        (config, store, dir)
    }

    fn loopback() -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], 3000))
    }

    /// Re-reads key presence on every call, so tests see changes at once.
    fn unremembered() -> KeyPresence {
        KeyPresence::new(Duration::ZERO)
    }

    fn bearer(token: &str) -> Vec<u8> {
        format!("Bearer {token}").into_bytes()
    }

    #[tokio::test]
    async fn auto_mode_is_local_until_a_key_exists_then_required() {
        let (config, store, _dir) = open(AuthMode::Auto, loopback()).await;
        let caller = authenticate(&config, &store, &unremembered(), None)
            .await
            .unwrap();
        assert_eq!(caller.method, AuthMethod::Local);
        assert_eq!(caller.identity.user_id.as_str(), LOCAL_USER);

        let user = store.create_user("ada", "acme").await.unwrap();
        let key = store
            .create_api_key(user.user_id.as_str(), "ci")
            .await
            .unwrap();
        let err = authenticate(&config, &store, &unremembered(), None)
            .await
            .unwrap_err();
        assert_eq!(err.kind, ErrorKind::Unauthenticated);

        let caller = authenticate(&config, &store, &unremembered(), Some(&bearer(&key.secret)))
            .await
            .unwrap();
        assert_eq!(caller.method, AuthMethod::ApiKey);
        assert_eq!(caller.identity.user_id, user.user_id);
        assert_eq!(caller.identity.org_id.as_str(), "acme");
    }

    #[tokio::test]
    async fn key_presence_is_remembered_for_its_ttl_only() {
        let (config, store, _dir) = open(AuthMode::Auto, loopback()).await;
        let remembered = KeyPresence::new(Duration::from_secs(3600));
        assert!(
            authenticate(&config, &store, &remembered, None)
                .await
                .is_ok()
        );
        let user = store.create_user("ada", "acme").await.unwrap();
        store
            .create_api_key(user.user_id.as_str(), "ci")
            .await
            .unwrap();
        // Within the TTL the earlier "no keys" answer stands; a fresh reading sees the key.
        assert!(
            authenticate(&config, &store, &remembered, None)
                .await
                .is_ok()
        );
        let err = authenticate(&config, &store, &unremembered(), None)
            .await
            .unwrap_err();
        assert_eq!(err.kind, ErrorKind::Unauthenticated);
    }

    #[tokio::test]
    async fn auto_mode_on_a_public_bind_requires_a_credential() {
        let (config, store, _dir) =
            open(AuthMode::Auto, SocketAddr::from(([0, 0, 0, 0], 3000))).await;
        let err = authenticate(&config, &store, &unremembered(), None)
            .await
            .unwrap_err();
        assert_eq!(err.kind, ErrorKind::Unauthenticated);
    }

    #[tokio::test]
    async fn off_mode_ignores_credentials_and_refuses_public_binds_without_insecure() {
        let (config, store, _dir) = open(AuthMode::Off, loopback()).await;
        let caller = authenticate(&config, &store, &unremembered(), Some(b"Bearer nonsense"))
            .await
            .unwrap();
        assert_eq!(caller.method, AuthMethod::Local);
        assert!(check_auth_config(&config).is_ok());

        let public = Config {
            bind: SocketAddr::from(([0, 0, 0, 0], 3000)),
            ..config.clone()
        };
        assert_eq!(
            check_auth_config(&public).unwrap_err().code,
            Some("insecure_auth_off")
        );
        let insecure = Config {
            insecure: true,
            ..public
        };
        assert!(check_auth_config(&insecure).is_ok());
    }

    #[tokio::test]
    async fn revoked_key_is_refused_immediately() {
        let (config, store, _dir) = open(AuthMode::Required, loopback()).await;
        let user = store.create_user("ada", "acme").await.unwrap();
        let key = store
            .create_api_key(user.user_id.as_str(), "ci")
            .await
            .unwrap();
        assert!(
            authenticate(&config, &store, &unremembered(), Some(&bearer(&key.secret)))
                .await
                .is_ok()
        );
        assert!(
            store
                .revoke_api_key(user.user_id.as_str(), &key.record.key_id)
                .await
                .unwrap()
        );
        let err = authenticate(&config, &store, &unremembered(), Some(&bearer(&key.secret)))
            .await
            .unwrap_err();
        assert_eq!(err.kind, ErrorKind::Unauthenticated);
    }

    #[tokio::test]
    async fn session_token_authenticates_its_owner_only() {
        let (config, store, _dir) = open(AuthMode::Required, loopback()).await;
        let ada = store.create_user("ada", "acme").await.unwrap();
        let bob = store.create_user("bob", "other").await.unwrap();
        let ada_id = Identity {
            user_id: ada.user_id.clone(),
            org_id: ada.org_id.clone(),
        };
        let session = store
            .create_session(&ada_id, serde_json::json!({}))
            .await
            .unwrap();
        let token = session_token(&session);

        let caller = authenticate(&config, &store, &unremembered(), Some(&bearer(&token)))
            .await
            .unwrap();
        assert_eq!(caller.method, AuthMethod::Session);
        assert_eq!(caller.identity, ada_id);
        assert_eq!(
            caller.session_id.as_deref(),
            Some(session.session_id.as_str())
        );

        // The same session id claimed for another user is refused.
        let forged = token.replace(ada.user_id.as_str(), bob.user_id.as_str());
        assert_ne!(forged, token);
        let err = authenticate(&config, &store, &unremembered(), Some(&bearer(&forged)))
            .await
            .unwrap_err();
        assert_eq!(err.kind, ErrorKind::Unauthenticated);

        assert!(
            store
                .delete_session(&ada_id, session.session_id.as_str())
                .await
                .unwrap()
        );
        assert!(
            authenticate(&config, &store, &unremembered(), Some(&bearer(&token)))
                .await
                .is_err()
        );
    }

    #[tokio::test]
    async fn malformed_headers_are_unauthenticated_never_a_panic() {
        let (config, store, _dir) = open(AuthMode::Required, loopback()).await;
        let long = format!("Bearer hk_{}", "a".repeat(5000));
        let cases: Vec<&[u8]> = vec![
            b"",
            b"Bearer",
            b"Bearer ",
            b"Basic dXNlcjpwYXNz",
            b"Bearer hk_",
            b"Bearer hk_zz",
            b"Bearer hs_",
            b"Bearer hs_a~b",
            b"Bearer hs_a~b~c~d",
            b"Bearer hs_a/b~c~s_1",
            b"Bearer hs_~~",
            b"Bearer \xff\xfe",
            b"Bearer something-else",
            long.as_bytes(),
        ];
        for raw in cases {
            let err = authenticate(&config, &store, &unremembered(), Some(raw))
                .await
                .unwrap_err();
            assert_eq!(
                err.kind,
                ErrorKind::Unauthenticated,
                "{:?}",
                String::from_utf8_lossy(raw)
            );
        }
    }

    #[test]
    fn the_local_admin_token_is_accepted_only_as_itself_and_from_this_host() {
        let (secret, token) = LocalAdminSecret::generate();
        let header = format!("Bearer {token}");
        assert!(
            token.starts_with(LOCAL_ADMIN_PREFIX) && token.len() == 67,
            "{token}"
        );
        assert!(check_local_admin(Some(&secret), Some(header.as_bytes()), true).is_ok());
        let refused = |secret: Option<&LocalAdminSecret>, raw: Option<&[u8]>, same_host| {
            check_local_admin(secret, raw, same_host).unwrap_err().kind
        };
        // From another host, even with the right token.
        assert_eq!(
            refused(Some(&secret), Some(header.as_bytes()), false),
            ErrorKind::Unauthenticated
        );
        // A server without a local admin, a wrong or missing token, another credential.
        assert_eq!(
            refused(None, Some(header.as_bytes()), true),
            ErrorKind::Unauthenticated
        );
        let (_, other) = LocalAdminSecret::generate();
        let other = format!("Bearer {other}");
        for raw in [
            Some(other.as_bytes()),
            None,
            Some(b"Bearer hk_0000".as_slice()),
        ] {
            assert_eq!(
                refused(Some(&secret), raw, true),
                ErrorKind::Unauthenticated
            );
        }
        assert!(presents_local_admin(Some(header.as_bytes())));
        assert!(!presents_local_admin(Some(b"Bearer hk_0000")));
        assert!(!presents_local_admin(None));
    }
}
