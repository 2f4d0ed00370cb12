//! Per-user Figma tokens end to end: encrypted in the store, used only for their owner's Figma
//! calls (checked by the `X-Figma-Token` header a fake Figma API receives), and clear errors for a
//! missing, wrong or changed `secret_key`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use handoff_app::config::Secret;
use handoff_app::ops::DesignContextRequest;
use handoff_app::{App, AppError, Config, ErrorKind};
use handoff_store::{DumpValue, Identity};
use handoff_test_support::RedisServer;
use wiremock::MockServer;

mod common;
use common::{DEPLOYMENT_TOKEN, SECRET_KEY, config, serve_fixture, source};

/// The same length, another key (base64 of 32 bytes of 0x2a).
const KEY_B: &str = "KioqKioqKioqKioqKioqKioqKioqKioqKioqKioqKio=";
const ALICE_TOKEN: &str = "figd_alice_private_token";
const BOB_TOKEN: &str = "figd_bob_private_token";

fn alice() -> Identity {
    Identity::new("u_alice", "acme").unwrap()
}
fn bob() -> Identity {
    Identity::new("u_bob", "acme").unwrap()
}
fn local() -> Identity {
    handoff_app::auth::local_identity().unwrap()
}

/// A Figma API that serves the file to any of `tokens`, and answers 404 to anything else (so a
/// call with an unexpected token fails the operation as well as the header check).
async fn fake_figma(tokens: &[&str]) -> MockServer {
    let server = MockServer::start().await;
    for token in tokens {
        serve_fixture(&server, Some(token), None).await;
    }
    server
}

/// The `X-Figma-Token` of every request Figma has received so far, in order.
async fn tokens_seen(figma: &MockServer) -> Vec<String> {
    figma
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .map(|r| {
            r.headers
                .get("x-figma-token")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("<none>")
                .to_owned()
        })
        .collect()
}

async fn fetch(app: &App, who: &Identity) -> Result<(), AppError> {
    let request = DesignContextRequest {
        source: source(),
        format: None,
        depth: None,
        max_bytes: Some(4_000),
        cursor: None,
    };
    app.design_context(who, &request).await.map(drop)
}

async fn each_user_calls_figma_with_their_own_token(redis: Option<&RedisServer>) {
    let figma = fake_figma(&[ALICE_TOKEN, BOB_TOKEN, DEPLOYMENT_TOKEN]).await;
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(config(Some(&figma), redis, dir.path()))
        .await
        .unwrap();

    app.set_figma_token(&alice(), ALICE_TOKEN).await.unwrap();
    assert!(app.has_figma_token(&alice()).await.unwrap());
    assert!(!app.has_figma_token(&bob()).await.unwrap());
    fetch(&app, &alice()).await.unwrap();
    assert_eq!(tokens_seen(&figma).await, [ALICE_TOKEN, ALICE_TOKEN]);

    // Bob has no token: neither alice's nor the deployment's is used for him.
    let err = fetch(&app, &bob()).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Unauthenticated);
    assert_eq!(err.code(), "figma_token_missing");
    assert!(
        err.message.contains("PUT /api/v1/me/figma-token")
            && err
                .message
                .contains("handoff users set-figma-token u_bob --org acme"),
        "{}",
        err.message
    );
    assert_eq!(
        tokens_seen(&figma).await.len(),
        2,
        "no call was made for bob"
    );

    // With his own token, Figma sees his (the file body itself comes from the shared cache once
    // his own `/meta` access check passed).
    app.set_figma_token(&bob(), BOB_TOKEN).await.unwrap();
    fetch(&app, &bob()).await.unwrap();
    assert_eq!(
        tokens_seen(&figma).await,
        [ALICE_TOKEN, ALICE_TOKEN, BOB_TOKEN]
    );

    // The local user (auth off / auto on loopback) falls back to the deployment's token.
    fetch(&app, &local()).await.unwrap();
    assert_eq!(tokens_seen(&figma).await[3..], [DEPLOYMENT_TOKEN]);

    // After deleting, alice is back to having no token at all.
    assert!(app.delete_figma_token(&alice()).await.unwrap());
    assert!(!app.delete_figma_token(&alice()).await.unwrap());
    assert!(!app.has_figma_token(&alice()).await.unwrap());
    let err = fetch(&app, &alice()).await.unwrap_err();
    assert_eq!(err.code(), "figma_token_missing");
    assert!(app.has_figma_token(&bob()).await.unwrap(), "bob's stays");
}

#[tokio::test]
async fn each_user_calls_figma_with_their_own_token_embedded() {
    each_user_calls_figma_with_their_own_token(None).await;
}

#[tokio::test]
async fn each_user_calls_figma_with_their_own_token_redis() {
    let redis = RedisServer::start();
    each_user_calls_figma_with_their_own_token(Some(&redis)).await;
}

#[tokio::test]
async fn a_stored_token_beats_the_deployment_token_for_the_local_user() {
    let figma = fake_figma(&["figd_local_own"]).await;
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(config(Some(&figma), None, dir.path()))
        .await
        .unwrap();
    app.set_figma_token(&local(), "figd_local_own")
        .await
        .unwrap();
    fetch(&app, &local()).await.unwrap();
    assert_eq!(tokens_seen(&figma).await, ["figd_local_own"; 2]);
}

#[tokio::test]
async fn the_store_holds_only_ciphertext() {
    let figma = fake_figma(&[]).await;
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(config(Some(&figma), None, dir.path()))
        .await
        .unwrap();
    app.set_figma_token(&alice(), ALICE_TOKEN).await.unwrap();
    let first = app.store().export_entries().await.unwrap();
    app.set_figma_token(&alice(), ALICE_TOKEN).await.unwrap();
    let second = app.store().export_entries().await.unwrap();

    let dump = serde_json::to_string(&first).unwrap();
    assert!(dump.contains("credential"), "{dump}");
    assert!(!dump.contains(ALICE_TOKEN), "{dump}");
    assert!(
        !dump.contains(&ALICE_TOKEN[5..15]),
        "no fragment either: {dump}"
    );
    let [entry] = first.as_slice() else {
        panic!("one record: {dump}")
    };
    let DumpValue::Bytes(bytes) = &entry.value else {
        panic!("{dump}")
    };
    assert!(
        !bytes
            .windows(ALICE_TOKEN.len())
            .any(|w| w == ALICE_TOKEN.as_bytes())
    );
    assert_ne!(
        first, second,
        "each write uses a fresh nonce, so the same token never encrypts the same way twice"
    );
}

#[tokio::test]
async fn a_record_copied_to_another_user_does_not_decrypt() {
    let figma = fake_figma(&[ALICE_TOKEN]).await;
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(config(Some(&figma), None, dir.path()))
        .await
        .unwrap();
    app.set_figma_token(&alice(), ALICE_TOKEN).await.unwrap();
    for mut entry in app.store().export_entries().await.unwrap() {
        entry.key = entry.key.replace("u_alice", "u_bob");
        app.store().import_entry(entry).await.unwrap();
    }
    assert!(app.has_figma_token(&bob()).await.unwrap());
    let err = fetch(&app, &bob()).await.unwrap_err();
    assert_eq!(err.code(), "figma_token_undecryptable");
    assert!(
        err.message.contains("set the token again") && !err.message.contains(ALICE_TOKEN),
        "{}",
        err.message
    );
    assert!(
        tokens_seen(&figma).await.is_empty(),
        "nothing reached Figma"
    );
}

#[tokio::test]
async fn a_changed_or_removed_secret_key_is_a_clear_error() {
    let figma = fake_figma(&[ALICE_TOKEN]).await;
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(config(Some(&figma), None, dir.path()))
        .await
        .unwrap();
    app.set_figma_token(&alice(), ALICE_TOKEN).await.unwrap();
    drop(app); // the embedded store file is exclusively locked

    let rekeyed = Config {
        secret_key: Some(Secret::new(KEY_B)),
        ..config(Some(&figma), None, dir.path())
    };
    let app = App::open(rekeyed).await.unwrap();
    let err = fetch(&app, &alice()).await.unwrap_err();
    assert_eq!(err.code(), "figma_token_undecryptable");
    assert!(
        err.message.contains("different secret_key"),
        "{}",
        err.message
    );
    assert!(tokens_seen(&figma).await.is_empty());
    // Setting it again under the new key recovers.
    app.set_figma_token(&alice(), ALICE_TOKEN).await.unwrap();
    fetch(&app, &alice()).await.unwrap();
    drop(app);

    let keyless = Config {
        secret_key: None,
        ..config(Some(&figma), None, dir.path())
    };
    let app = App::open(keyless).await.unwrap();
    let err = fetch(&app, &alice()).await.unwrap_err();
    assert_eq!(err.code(), "figma_token_undecryptable");
    assert!(
        err.message.contains("HANDOFF_SECRET_KEY"),
        "{}",
        err.message
    );
}

#[tokio::test]
async fn without_a_secret_key_tokens_cannot_be_stored() {
    let figma = fake_figma(&[]).await;
    let dir = tempfile::tempdir().unwrap();
    let keyless = Config {
        secret_key: None,
        ..config(Some(&figma), None, dir.path())
    };
    let app = App::open(keyless).await.unwrap();
    let err = app
        .set_figma_token(&alice(), ALICE_TOKEN)
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::BadRequest);
    assert_eq!(err.code(), "secret_key_missing");
    assert!(
        err.message.contains("HANDOFF_SECRET_KEY"),
        "{}",
        err.message
    );
    assert!(!app.has_figma_token(&alice()).await.unwrap());
    assert!(app.store().export_entries().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_malformed_secret_key_fails_at_open_and_bad_tokens_are_refused() {
    let figma = fake_figma(&[]).await;
    let dir = tempfile::tempdir().unwrap();
    for bad in ["abcd", &SECRET_KEY[..62], "zz not base64 zz"] {
        let config = Config {
            secret_key: Some(Secret::new(bad)),
            ..config(Some(&figma), None, dir.path())
        };
        let err = App::open(config).await.err().expect("refused");
        assert_eq!(err.code(), "invalid_secret_key", "{bad}");
        assert!(
            err.message.contains("secret_key") && !err.message.contains(bad),
            "{}",
            err.message
        );
    }

    let app = App::open(config(Some(&figma), None, dir.path()))
        .await
        .unwrap();
    for bad in ["", "figd with spaces", "figd\r\nX-Evil: 1"] {
        let err = app.set_figma_token(&alice(), bad).await.unwrap_err();
        assert_eq!(err.code(), "invalid_figma_token", "{bad:?}");
    }
    assert!(!app.has_figma_token(&alice()).await.unwrap());
}
