//! Figma's failure modes against a fake Figma: rate limits, retries, 401/403/404, stale node
//! ids, malformed bodies, size limits, timeouts and unreachable hosts.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use handoff_figma_api::{
    Endpoint, FigmaClient, FigmaError, FileQuery, MemoryCache, NoCache, NodesQuery, RenderQuery,
};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn nodes(ids: &[&str]) -> NodesQuery {
    NodesQuery {
        ids: ids.iter().map(|s| s.to_string()).collect(),
        depth: None,
    }
}

#[tokio::test]
async fn short_retry_after_is_waited_out_and_retried() {
    let server = MockServer::start().await;
    mount_meta(&server, "1").await;
    Mock::given(method("GET"))
        .and(path(file_path()))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "1"))
        .up_to_n_times(1)
        .expect(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(file_path()))
        .respond_with(ResponseTemplate::new(200).set_body_json(file_body("1")))
        .expect(1)
        .with_priority(2)
        .mount(&server)
        .await;
    let client = client(&server, Arc::new(NoCache));
    let started = Instant::now();
    let fetched = client
        .file(&pat(), FILE_KEY, &FileQuery::default())
        .await
        .unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "Retry-After honoured"
    );
    assert!(!fetched.from_cache);
    assert!(
        std::str::from_utf8(&fetched.value)
            .unwrap()
            .contains("DOCUMENT")
    );
}

#[tokio::test]
async fn long_retry_after_is_a_typed_error_with_figmas_headers() {
    let server = MockServer::start().await;
    mount_meta(&server, "1").await;
    Mock::given(method("GET"))
        .and(path(file_path()))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("Retry-After", "396749")
                .insert_header("X-Figma-Plan-Tier", "pro")
                .insert_header("X-Figma-Rate-Limit-Type", "low")
                .insert_header(
                    "X-Figma-Upgrade-Link",
                    "https://www.figma.com/files?upgrade=1",
                )
                .set_body_json(json!({"status": 429, "err": "Rate limit exceeded"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server, Arc::new(NoCache));
    let started = Instant::now();
    let err = client
        .file(&pat(), FILE_KEY, &FileQuery::default())
        .await
        .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "no waiting for days"
    );
    let FigmaError::RateLimited(limit) = &err else {
        panic!("expected RateLimited, got {err:?}");
    };
    assert_eq!(limit.endpoint, Endpoint::File);
    assert_eq!(limit.plan_tier.as_deref(), Some("pro"));
    assert!(limit.is_low_seat_budget());
    assert_eq!(err.retry_after(), Some(Duration::from_secs(396_749)));
    assert_eq!(err.http_status(), 429);
    let text = err.to_string();
    for expected in [
        "plan tier pro",
        "View/Collab seat budget",
        "396749 s",
        "https://www.figma.com/files?upgrade=1",
    ] {
        assert!(text.contains(expected), "{expected:?} missing from {text}");
    }
}

#[tokio::test]
async fn rate_limit_without_retry_after_backs_off_then_reports() {
    let server = MockServer::start().await;
    mount_meta(&server, "1").await;
    Mock::given(method("GET"))
        .and(path(file_path()))
        .respond_with(ResponseTemplate::new(429))
        .expect(3)
        .mount(&server)
        .await;
    let err = client(&server, Arc::new(NoCache))
        .file(&pat(), FILE_KEY, &FileQuery::default())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, FigmaError::RateLimited(l) if l.retry_after.is_none()),
        "{err:?}"
    );
    assert!(err.to_string().contains("did not say when"), "{err}");
}

#[tokio::test]
async fn server_errors_are_retried_until_success() {
    let server = MockServer::start().await;
    mount_meta(&server, "1").await;
    Mock::given(method("GET"))
        .and(path(file_path()))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .expect(2)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(file_path()))
        .respond_with(ResponseTemplate::new(200).set_body_json(file_body("1")))
        .expect(1)
        .with_priority(2)
        .mount(&server)
        .await;
    let fetched = client(&server, Arc::new(NoCache))
        .file(&pat(), FILE_KEY, &FileQuery::default())
        .await
        .unwrap();
    assert_eq!(fetched.version, "1");
}

#[tokio::test]
async fn persistent_server_errors_report_status_and_attempts() {
    let server = MockServer::start().await;
    mount_meta(&server, "1").await;
    Mock::given(method("GET"))
        .and(path(file_path()))
        .respond_with(
            ResponseTemplate::new(500).set_body_json(json!({"status": 500, "err": "Internal"})),
        )
        .expect(3)
        .mount(&server)
        .await;
    let err = client(&server, Arc::new(NoCache))
        .file(&pat(), FILE_KEY, &FileQuery::default())
        .await
        .unwrap_err();
    assert_eq!(
        err,
        FigmaError::Upstream {
            endpoint: Endpoint::File,
            status: 500,
            attempts: 3,
            figma_message: Some("Internal".into()),
        }
    );
    assert_eq!(err.http_status(), 502);
}

#[tokio::test]
async fn forbidden_explains_scope_team_and_expiry_without_retrying() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/files/{FILE_KEY}/meta")))
        .respond_with(
            ResponseTemplate::new(403).set_body_json(json!({"status": 403, "err": "Forbidden"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server, Arc::new(NoCache))
        .file(&pat(), FILE_KEY, &FileQuery::default())
        .await
        .unwrap_err();
    assert_eq!(err.http_status(), 403);
    let text = err.to_string();
    assert!(text.contains("file_content:read"), "{text}");
    assert!(text.contains("another team"), "{text}");
    assert!(text.contains("Forbidden"), "{text}");
}

#[tokio::test]
async fn invalid_token_says_so() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(403)
                .set_body_json(json!({"status": 403, "err": "Invalid token"})),
        )
        .mount(&server)
        .await;
    let err = client(&server, Arc::new(NoCache))
        .file_meta(&pat(), FILE_KEY)
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("invalid, expired or revoked"),
        "{err}"
    );
}

#[tokio::test]
async fn variables_forbidden_names_the_enterprise_requirement() {
    let server = MockServer::start().await;
    mount_meta(&server, "1").await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/files/{FILE_KEY}/variables/local")))
        .respond_with(ResponseTemplate::new(403).set_body_json(
            json!({"error": true, "status": 403, "message": "Limited by Figma plan"}),
        ))
        .mount(&server)
        .await;
    let err = client(&server, Arc::new(NoCache))
        .local_variables(&pat(), FILE_KEY)
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("file_variables:read") && text.contains("Enterprise"),
        "{text}"
    );
    assert!(text.contains("Limited by Figma plan"), "{text}");
}

#[tokio::test]
async fn unknown_file_is_not_found_with_guidance() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(404).set_body_json(json!({"status": 404, "err": "Not found"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server, Arc::new(NoCache))
        .nodes(&pat(), FILE_KEY, &nodes(&["1:2"]))
        .await
        .unwrap_err();
    assert_eq!(err.http_status(), 404);
    assert!(matches!(err, FigmaError::FileNotFound { .. }), "{err:?}");
    assert!(err.to_string().contains(FILE_KEY), "{err}");
    assert!(err.to_string().contains("file key or URL"), "{err}");
}

#[tokio::test]
async fn stale_node_ids_are_named_and_not_cached() {
    let server = MockServer::start().await;
    mount_meta(&server, "1").await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/files/{FILE_KEY}/nodes")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "name": "x", "version": "1",
            "nodes": {
                "1:2": {"document": {"id": "1:2", "type": "FRAME", "name": "ok"}},
                "9:99": null
            }
        })))
        .expect(2)
        .mount(&server)
        .await;
    let cache = Arc::new(MemoryCache::new());
    let client = client(&server, cache.clone());
    for _ in 0..2 {
        let err = client
            .nodes(&pat(), FILE_KEY, &nodes(&["1-2", "9:99"]))
            .await
            .unwrap_err();
        assert_eq!(
            err,
            FigmaError::NodesNotFound {
                file_key: FILE_KEY.into(),
                node_ids: vec!["9:99".into()],
            }
        );
        assert!(err.to_string().contains("stale"), "{err}");
    }
    assert!(
        cache.keys().iter().all(|k| !k.contains("nodes")),
        "an incomplete answer is not cached: {:?}",
        cache.keys()
    );
}

#[tokio::test]
async fn malformed_bodies_are_clear_errors_and_never_cached() {
    let cases: [(&str, &str); 7] = [
        ("not json at all", "not a JSON object"),
        ("{\"document\": {\"id\": \"0:0\"", "EOF"),
        ("{}", "missing field `document`"),
        ("[1, 2, 3]", "not a JSON object"),
        ("{\"document\": 1, \"name\": }", "line 1 column"),
        ("{\"document\": {}} trailing", "after the JSON document"),
        ("", "the body is empty"),
    ];
    for (body, expected) in cases {
        let server = MockServer::start().await;
        mount_meta(&server, "1").await;
        Mock::given(method("GET"))
            .and(path(file_path()))
            .respond_with(ResponseTemplate::new(200).set_body_string(body))
            .expect(2)
            .mount(&server)
            .await;
        let cache = Arc::new(MemoryCache::new());
        let client = client(&server, cache.clone());
        for _ in 0..2 {
            let err = client
                .file(&pat(), FILE_KEY, &FileQuery::default())
                .await
                .unwrap_err();
            assert!(
                matches!(
                    err,
                    FigmaError::MalformedResponse {
                        endpoint: Endpoint::File,
                        ..
                    }
                ),
                "{body:?}: {err:?}"
            );
            assert!(err.to_string().contains(expected), "{body:?}: {err}");
            assert_eq!(err.http_status(), 502);
        }
    }
}

#[tokio::test]
async fn malformed_meta_and_image_answers_are_errors() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/files/{FILE_KEY}/meta")))
        .respond_with(ResponseTemplate::new(200).set_body_json(meta_body("../../etc:passwd")))
        .mount(&server)
        .await;
    let err = client(&server, Arc::new(NoCache))
        .file_meta(&pat(), FILE_KEY)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("not a version id"), "{err}");

    let server = MockServer::start().await;
    mount_meta(&server, "1").await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/images/{FILE_KEY}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"err": null, "images": 5})))
        .mount(&server)
        .await;
    let query = RenderQuery {
        ids: vec!["1:2".into()],
        ..RenderQuery::default()
    };
    let err = client(&server, Arc::new(NoCache))
        .render_images(&pat(), FILE_KEY, &query)
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("images"),
        "names the JSON path: {err}"
    );
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let server = MockServer::start().await;
    mount_meta(&server, "1").await;
    Mock::given(method("GET"))
        .and(path(file_path()))
        .respond_with(ResponseTemplate::new(200).set_body_string("x".repeat(10_000)))
        .expect(1)
        .mount(&server)
        .await;
    let mut config = fast_config(&server);
    config.max_response_bytes = 1_000;
    let client = FigmaClient::new(config, Arc::new(NoCache)).unwrap();
    let err = client
        .file(&pat(), FILE_KEY, &FileQuery::default())
        .await
        .unwrap_err();
    assert_eq!(
        err,
        FigmaError::ResponseTooLarge {
            endpoint: Endpoint::File,
            limit_bytes: 1_000
        }
    );
}

#[tokio::test]
async fn slow_answers_time_out_after_retries() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(meta_body("1"))
                .set_delay(Duration::from_secs(5)),
        )
        .expect(3)
        .mount(&server)
        .await;
    let mut config = fast_config(&server);
    config.request_timeout = Duration::from_millis(150);
    let client = FigmaClient::new(config, Arc::new(NoCache)).unwrap();
    let err = client.file_meta(&pat(), FILE_KEY).await.unwrap_err();
    assert_eq!(
        err,
        FigmaError::Timeout {
            endpoint: Endpoint::Meta,
            attempts: 3
        }
    );
    assert_eq!(err.http_status(), 504);
}

#[tokio::test]
async fn unreachable_figma_is_reported_after_retries() {
    // Bind then drop a listener: the port is then (almost certainly) closed.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut config =
        handoff_figma_api::FigmaClientConfig::with_api_base(&format!("http://127.0.0.1:{port}"))
            .unwrap();
    config.retry_min_delay = Duration::from_millis(1);
    config.max_retries = 1;
    let client = FigmaClient::new(config, Arc::new(NoCache)).unwrap();
    let err = client.file_meta(&pat(), FILE_KEY).await.unwrap_err();
    assert!(
        matches!(err, FigmaError::Unreachable { attempts: 2, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("figma_api_base"), "{err}");
}

#[tokio::test]
async fn hostile_arguments_never_reach_figma() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let client = client(&server, Arc::new(NoCache));
    let cases = [
        client.file_meta(&pat(), "../../admin").await.map(drop),
        client
            .nodes(&pat(), FILE_KEY, &nodes(&["1:2?x=y"]))
            .await
            .map(drop),
        client.nodes(&pat(), FILE_KEY, &nodes(&[])).await.map(drop),
        client
            .file_meta(
                &handoff_figma_api::FigmaAuth::OAuthBearer("a\nb".into()),
                FILE_KEY,
            )
            .await
            .map(drop),
    ];
    for result in cases {
        let err = result.unwrap_err();
        assert_eq!(err.http_status(), 400, "{err:?}");
    }
}
