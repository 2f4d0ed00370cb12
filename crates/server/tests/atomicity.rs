//! Read-modify-write races over HTTP (issue 20, defects 2, 3 and 5): two server instances sharing
//! one real redis-server, as a scaled deployment runs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{TestServer, bearer, error_code, redis_config, status_and_json, user_with_key};
use handoff_app::Config;
use handoff_app::config::AuthMode;
use handoff_test_support::RedisServer;
use reqwest::Method;
use serde_json::{Map, Value, json};

/// Concurrent preference changes, each setting its own key.
const WRITERS: usize = 40;
/// Rounds of the revoke-versus-use race.
const ROUNDS: usize = 25;

async fn two_instances(redis: &RedisServer) -> (TestServer, TestServer) {
    let config = Config {
        auth: AuthMode::Required,
        ..redis_config(redis)
    };
    (
        TestServer::start(config.clone()).await,
        TestServer::start(config).await,
    )
}

async fn call(
    server: &TestServer,
    method: Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = server
        .client
        .request(method, server.url(path))
        .header("authorization", bearer(token));
    if let Some(body) = body {
        request = request.json(&body);
    }
    status_and_json(request.send().await.unwrap()).await
}

/// Defect 5: 40 concurrent `PATCH /api/v1/me/preferences` with distinct keys over both instances
/// all land (they used to all get 200 while a quarter of the keys were lost).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_preference_patches_over_two_instances_lose_nothing() {
    let redis = RedisServer::start();
    let (a, b) = two_instances(&redis).await;
    let (_, key) = user_with_key(&a.app, "ada", "acme").await;

    let patches = (0..WRITERS).map(|i| {
        let (server, key) = (if i % 2 == 0 { &a } else { &b }, key.clone());
        async move {
            call(
                server,
                Method::PATCH,
                "/api/v1/me/preferences",
                &key,
                Some(json!({ format!("key{i}"): i })),
            )
            .await
        }
    });
    for (status, body) in futures::future::join_all(patches).await {
        assert_eq!(status, 200, "{body}");
    }

    let expected: Map<String, Value> = (0..WRITERS)
        .map(|i| (format!("key{i}"), json!(i)))
        .collect();
    for server in [&a, &b] {
        let (status, body) = call(server, Method::GET, "/api/v1/me/preferences", &key, None).await;
        assert_eq!(status, 200);
        assert_eq!(body, Value::Object(expected.clone()), "a write was lost");
    }
}

/// Defects 2 and 3: a key revoked while both instances are using it is refused by both from then
/// on, and the session it minted ends with it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_key_is_refused_on_both_instances_and_its_sessions_end() {
    let redis = RedisServer::start();
    let (a, b) = two_instances(&redis).await;
    let (ada, _) = user_with_key(&a.app, "ada", "acme").await;
    let store = a.app.store();
    for round in 0..ROUNDS {
        let key = store
            .create_api_key(ada.user_id.as_str(), "race")
            .await
            .unwrap();
        let (status, session) = call(&a, Method::POST, "/api/v1/sessions", &key.secret, None).await;
        assert_eq!(status, 201, "{session}");
        let token = session["token"].as_str().unwrap().to_owned();

        // Both instances authenticate the unused key (each such request writes `lastUsed`) while
        // it is revoked.
        let (on_a, on_b, revoked) = tokio::join!(
            call(&a, Method::GET, "/api/v1/me", &key.secret, None),
            call(&b, Method::GET, "/api/v1/me", &key.secret, None),
            store.revoke_api_key(ada.user_id.as_str(), &key.record.key_id),
        );
        assert!(revoked.unwrap(), "round {round}");
        for (status, _) in [on_a, on_b] {
            assert!(status == 200 || status == 401, "round {round}: {status}");
        }

        for server in [&a, &b] {
            let (status, body) = call(server, Method::GET, "/api/v1/me", &key.secret, None).await;
            assert_eq!(
                status, 401,
                "round {round}: the revoked key still works: {body}"
            );
            let (status, body) = call(server, Method::GET, "/api/v1/me", &token, None).await;
            assert_eq!(
                status, 401,
                "round {round}: its session still works: {body}"
            );
        }
        assert!(
            !store
                .revoke_api_key(ada.user_id.as_str(), &key.record.key_id)
                .await
                .unwrap(),
            "round {round}: a second revoke reports the key unknown"
        );
    }
    assert_eq!(
        store
            .list_api_keys(ada.user_id.as_str())
            .await
            .unwrap()
            .len(),
        1,
        "only the first key is left"
    );
}

/// Defect 5, the bound: preferences or settings over 64 KiB are refused with 413 and a code of
/// their own, and nothing is stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversize_preferences_and_settings_get_413() {
    let redis = RedisServer::start();
    let (a, _b) = two_instances(&redis).await;
    let (_, key) = user_with_key(&a.app, "ada", "acme").await;
    let big = "x".repeat(handoff_store::MAX_USER_PREFERENCES);

    let (status, body) = call(
        &a,
        Method::PATCH,
        "/api/v1/me/preferences",
        &key,
        Some(json!({ "big": big })),
    )
    .await;
    assert_eq!(status, 413, "{body}");
    assert_eq!(error_code(&body), "value_too_large");
    assert_eq!(body["error"]["details"]["what"], "preferences");
    assert_eq!(
        body["error"]["details"]["limit"],
        handoff_store::MAX_USER_PREFERENCES
    );

    let (status, body) = call(
        &a,
        Method::PUT,
        "/api/v1/me/settings",
        &key,
        Some(json!({ "big": big })),
    )
    .await;
    assert_eq!(status, 413, "{body}");
    assert_eq!(error_code(&body), "value_too_large");
    assert_eq!(body["error"]["details"]["what"], "settings");

    // Just under the bound is fine, and the refused changes left nothing behind.
    let (status, body) = call(
        &a,
        Method::PATCH,
        "/api/v1/me/preferences",
        &key,
        Some(json!({ "theme": "dark" })),
    )
    .await;
    assert_eq!((status, body), (200, json!({ "theme": "dark" })));
    let (status, body) = call(&a, Method::GET, "/api/v1/me/settings", &key, None).await;
    assert_eq!((status, body), (200, json!({})));
}
