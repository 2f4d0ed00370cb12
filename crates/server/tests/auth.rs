//! Authentication, sessions and per-user rate limits over real HTTP: the guard every REST, legacy and
//! MCP request passes, on one instance and on two instances sharing one Redis.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{TestServer, bearer, error_code, redis_config, user_with_key};
use handoff_app::Config;
use handoff_app::config::{AuthMode, RateLimits};
use handoff_test_support::RedisServer;
use serde_json::{Value, json};

fn required() -> Config {
    Config {
        auth: AuthMode::Required,
        ..Config::default()
    }
}

#[tokio::test]
async fn required_mode_refuses_missing_and_unknown_credentials_with_www_authenticate() {
    let server = TestServer::start(required()).await;
    let (_, key) = user_with_key(&server.app, "ada", "acme").await;
    for header in [
        None,
        Some("Bearer hk_0000"),
        Some("Basic YTpi"),
        Some("Bearer hs_x~y~z"),
    ] {
        let mut request = server.client.get(server.url("/api/v1/sessions"));
        if let Some(value) = header {
            request = request.header("authorization", value);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 401, "{header:?}");
        assert_eq!(
            response.headers()["www-authenticate"],
            r#"Bearer realm="handoff""#
        );
        let body: Value = response.json().await.unwrap();
        assert_eq!(error_code(&body), "unauthenticated", "{body}");
    }
    let ok = server
        .client
        .get(server.url("/api/v1/sessions"))
        .header("authorization", bearer(&key))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.headers()["ratelimit-limit"], "600");
    assert_eq!(ok.headers()["ratelimit-remaining"], "599");
    assert!(ok.headers().contains_key("ratelimit-reset"));
}

#[tokio::test]
async fn mcp_requires_a_credential_when_auth_is_required() {
    let server = TestServer::start(required()).await;
    let initialize = json!({
        "jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                   "clientInfo": {"name": "test", "version": "0"}}
    });
    let response = server
        .client
        .post(server.url("/mcp"))
        .header("accept", "application/json, text/event-stream")
        .json(&initialize)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert!(response.headers().contains_key("www-authenticate"));

    let (_, key) = user_with_key(&server.app, "ada", "acme").await;
    let response = server
        .client
        .post(server.url("/mcp"))
        .header("accept", "application/json, text/event-stream")
        .header("authorization", bearer(&key))
        .json(&initialize)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn auto_mode_serves_the_local_user_until_a_key_exists() {
    let server = TestServer::start(Config::default()).await;
    // The plugin's zero-setup flow: a session without any credential, then used as a bearer token.
    let created = server
        .client
        .post(server.url("/api/v1/sessions"))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let session: Value = created.json().await.unwrap();
    assert_eq!(session["userId"], "local");
    let token = session["token"].as_str().unwrap().to_owned();
    let listed: Value = server
        .client
        .get(server.url("/api/v1/sessions"))
        .header("authorization", bearer(&token))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);

    user_with_key(&server.app, "ada", "acme").await;
    // Key presence is re-read at most once a second (see handoff_app::auth::KeyPresence).
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let refused = server
        .client
        .get(server.url("/api/v1/sessions"))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
}

#[tokio::test]
async fn sessions_are_created_from_keys_and_slide_but_cannot_mint_sessions() {
    let server = TestServer::start(required()).await;
    let (ada, key) = user_with_key(&server.app, "ada", "acme").await;
    let created = server
        .client
        .post(server.url("/api/v1/sessions"))
        .header("authorization", bearer(&key))
        .json(&json!({"data": {"plugin": "1.2"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let session: Value = created.json().await.unwrap();
    assert_eq!(session["userId"], ada.user_id.as_str());
    assert_eq!(session["data"]["plugin"], "1.2");
    let token = session["token"].as_str().unwrap().to_owned();
    let id = session["sessionId"].as_str().unwrap().to_owned();

    let by_session = |method: reqwest::Method, path: String| {
        server
            .client
            .request(method, server.url(&path))
            .header("authorization", bearer(&token))
    };
    let read: Value = by_session(reqwest::Method::GET, format!("/api/v1/sessions/{id}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(read.get("token").is_none(), "the token is shown once only");

    let refreshed: Value = by_session(
        reqwest::Method::POST,
        format!("/api/v1/sessions/{id}/refresh"),
    )
    .send()
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert!(refreshed["expiresAt"].as_u64() >= read["expiresAt"].as_u64());

    let minted = by_session(reqwest::Method::POST, "/api/v1/sessions".to_owned())
        .send()
        .await
        .unwrap();
    assert_eq!(minted.status(), 401);
    let body: Value = minted.json().await.unwrap();
    assert_eq!(error_code(&body), "api_key_required");

    let deleted = by_session(reqwest::Method::DELETE, format!("/api/v1/sessions/{id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
    let after = by_session(reqwest::Method::GET, "/api/v1/sessions".to_owned())
        .send()
        .await
        .unwrap();
    assert_eq!(
        after.status(),
        401,
        "a deleted session no longer authenticates"
    );
}

#[tokio::test]
async fn another_users_session_is_not_found() {
    let server = TestServer::start(required()).await;
    let (_, ada_key) = user_with_key(&server.app, "ada", "acme").await;
    let (_, bob_key) = user_with_key(&server.app, "bob", "acme").await;
    let session: Value = server
        .client
        .post(server.url("/api/v1/sessions"))
        .header("authorization", bearer(&ada_key))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = session["sessionId"].as_str().unwrap();
    for method in [reqwest::Method::GET, reqwest::Method::DELETE] {
        let response = server
            .client
            .request(
                method.clone(),
                server.url(&format!("/api/v1/sessions/{id}")),
            )
            .header("authorization", bearer(&bob_key))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 404, "{method}");
    }
    let refresh = server
        .client
        .post(server.url(&format!("/api/v1/sessions/{id}/refresh")))
        .header("authorization", bearer(&bob_key))
        .send()
        .await
        .unwrap();
    assert_eq!(refresh.status(), 404);
}

#[tokio::test]
async fn over_the_budget_is_429_with_retry_after_and_ratelimit_headers() {
    let config = Config {
        rate_limits: RateLimits {
            reads_per_min: 3,
            ..RateLimits::default()
        },
        ..required()
    };
    let server = TestServer::start(config).await;
    let (_, ada_key) = user_with_key(&server.app, "ada", "acme").await;
    let (_, bob_key) = user_with_key(&server.app, "bob", "acme").await;
    let get = |key: &str| {
        server
            .client
            .get(server.url("/api/v1/sessions"))
            .header("authorization", bearer(key))
            .send()
    };
    for remaining in ["2", "1", "0"] {
        let response = get(&ada_key).await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["ratelimit-remaining"], remaining);
    }
    let refused = get(&ada_key).await.unwrap();
    assert_eq!(refused.status(), 429);
    let retry_after: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    assert_eq!(refused.headers()["ratelimit-remaining"], "0");
    assert_eq!(refused.headers()["ratelimit-limit"], "3");
    let body: Value = refused.json().await.unwrap();
    assert_eq!(error_code(&body), "rate_limited");
    // Budgets are per user.
    assert_eq!(get(&bob_key).await.unwrap().status(), 200);
}

#[tokio::test]
async fn two_instances_share_sessions_budgets_and_revocations_through_redis() {
    let redis = RedisServer::start();
    let config = Config {
        rate_limits: RateLimits {
            reads_per_min: 10,
            ..RateLimits::default()
        },
        ..redis_config(&redis)
    };
    let a = TestServer::start(Config {
        auth: AuthMode::Required,
        ..config.clone()
    })
    .await;
    let b = TestServer::start(Config {
        auth: AuthMode::Required,
        ..config
    })
    .await;
    let (ada, key) = user_with_key(&a.app, "ada", "acme").await;

    // A session created on A authenticates on B.
    let session: Value = a
        .client
        .post(a.url("/api/v1/sessions"))
        .header("authorization", bearer(&key))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = session["token"].as_str().unwrap();
    let on_b = b
        .client
        .get(b.url("/api/v1/sessions"))
        .header("authorization", bearer(token))
        .send()
        .await
        .unwrap();
    assert_eq!(on_b.status(), 200);

    // One budget of 10 per minute across both instances (2 requests were spent above).
    let mut allowed = 2;
    for i in 0..20 {
        let server = if i % 2 == 0 { &a } else { &b };
        let status = server
            .client
            .get(server.url("/api/v1/sessions"))
            .header("authorization", bearer(&key))
            .send()
            .await
            .unwrap()
            .status();
        if status == 200 {
            allowed += 1;
        } else {
            assert_eq!(status, 429);
        }
    }
    assert_eq!(allowed, 10, "the budget is global, not per instance");

    // Revoking the key through A's store refuses it on B at once.
    let keys = a
        .app
        .store()
        .list_api_keys(ada.user_id.as_str())
        .await
        .unwrap();
    assert!(
        a.app
            .store()
            .revoke_api_key(ada.user_id.as_str(), &keys[0].key_id)
            .await
            .unwrap()
    );
    let revoked = b
        .client
        .get(b.url("/api/v1/sessions"))
        .header("authorization", bearer(&key))
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 401);
}

#[tokio::test]
async fn cors_preflight_from_the_plugins_null_origin_is_allowed() {
    let server = TestServer::start(required()).await;
    let response = server
        .client
        .request(reqwest::Method::OPTIONS, server.url("/api/v1/sessions"))
        .header("origin", "null")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "authorization, content-type",
        )
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{}", response.status());
    assert_eq!(response.headers()["access-control-allow-origin"], "null");
}
