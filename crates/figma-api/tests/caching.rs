//! Version-keyed caching, meta validation and single-flight against a fake Figma.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use common::*;
use handoff_figma_api::{
    Admission, CacheError, CacheLock, Endpoint, FigmaClient, FigmaError, FileQuery, ImageFormat,
    MemoryCache, NodesQuery, RenderQuery, ResponseCache, UpstreamGate,
};
use serde_json::json;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn unchanged_version_is_served_from_cache() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/files/{FILE_KEY}/meta")))
        .respond_with(ResponseTemplate::new(200).set_body_json(meta_body("100")))
        .expect(3)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(file_path()))
        .and(header("X-Figma-Token", TOKEN))
        .respond_with(ResponseTemplate::new(200).set_body_json(file_body("100")))
        .expect(1)
        .mount(&server)
        .await;
    let cache = Arc::new(MemoryCache::new());
    let client = client(&server, cache.clone());
    let first = client
        .file(&pat(), FILE_KEY, &FileQuery::default())
        .await
        .unwrap();
    assert!(!first.from_cache);
    for _ in 0..2 {
        let again = client
            .file(&pat(), FILE_KEY, &FileQuery::default())
            .await
            .unwrap();
        assert!(again.from_cache);
        assert_eq!(again.value, first.value);
        assert_eq!(again.version, "100");
    }
    assert!(cache.keys().contains(&format!("figma:{FILE_KEY}:100:file")));
}

#[tokio::test]
async fn new_version_is_refetched() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/files/{FILE_KEY}/meta")))
        .respond_with(ResponseTemplate::new(200).set_body_json(meta_body("1")))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/files/{FILE_KEY}/meta")))
        .respond_with(ResponseTemplate::new(200).set_body_json(meta_body("2")))
        .with_priority(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(file_path()))
        .respond_with(ResponseTemplate::new(200).set_body_json(file_body("1")))
        .up_to_n_times(1)
        .expect(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(file_path()))
        .respond_with(ResponseTemplate::new(200).set_body_json(file_body("2")))
        .expect(1)
        .with_priority(2)
        .mount(&server)
        .await;
    let client = client(&server, Arc::new(MemoryCache::new()));
    let old = client
        .file(&pat(), FILE_KEY, &FileQuery::default())
        .await
        .unwrap();
    let new = client
        .file(&pat(), FILE_KEY, &FileQuery::default())
        .await
        .unwrap();
    assert_eq!((old.version.as_str(), old.from_cache), ("1", false));
    assert_eq!((new.version.as_str(), new.from_cache), ("2", false));
    assert_ne!(old.value, new.value);
    let cached = client
        .file(&pat(), FILE_KEY, &FileQuery::default())
        .await
        .unwrap();
    assert!(cached.from_cache);
    assert_eq!(cached.value, new.value);
}

#[tokio::test]
async fn meta_is_cached_per_credential_for_its_ttl() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/files/{FILE_KEY}/meta")))
        .respond_with(ResponseTemplate::new(200).set_body_json(meta_body("5")))
        .expect(2)
        .mount(&server)
        .await;
    let mut config = fast_config(&server);
    config.meta_ttl = Duration::from_secs(60);
    let client = FigmaClient::new(config, Arc::new(MemoryCache::new())).unwrap();
    let first = client.file_meta(&pat(), FILE_KEY).await.unwrap();
    let second = client.file_meta(&pat(), FILE_KEY).await.unwrap();
    assert!(!first.from_cache && second.from_cache);
    assert_eq!(second.value.name, "Design system");
    // Another user proves their own access: one more meta call.
    let other = handoff_figma_api::FigmaAuth::OAuthBearer("another-users-token".into());
    assert!(!client.file_meta(&other, FILE_KEY).await.unwrap().from_cache);
}

#[tokio::test]
async fn different_requests_are_cached_separately() {
    let server = MockServer::start().await;
    mount_meta(&server, "7").await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/files/{FILE_KEY}/nodes")))
        .and(query_param("ids", "1:2"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"nodes": {"1:2": {"document": {"id": "1:2"}}}})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/files/{FILE_KEY}/nodes")))
        .and(query_param("ids", "3:4"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"nodes": {"3:4": {"document": {"id": "3:4"}}}})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server, Arc::new(MemoryCache::new()));
    for _ in 0..2 {
        for id in ["1-2", "3:4"] {
            let query = NodesQuery {
                ids: vec![id.into()],
                depth: None,
            };
            let body = client.nodes(&pat(), FILE_KEY, &query).await.unwrap().value;
            assert!(
                std::str::from_utf8(&body)
                    .unwrap()
                    .contains(&id.replace('-', ":"))
            );
        }
    }
}

#[tokio::test]
async fn twenty_concurrent_identical_requests_make_one_upstream_call() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/files/{FILE_KEY}/meta")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(meta_body("3"))
                .set_delay(Duration::from_millis(100)),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/files/{FILE_KEY}/nodes")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"nodes": {"1:2": {"document": {"id": "1:2"}}}}))
                .set_delay(Duration::from_millis(200)),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server, Arc::new(MemoryCache::new()));
    let query = NodesQuery {
        ids: vec!["1:2".into()],
        depth: None,
    };
    let calls = (0..20).map(|_| {
        let client = client.clone();
        let query = query.clone();
        tokio::spawn(async move { client.nodes(&pat(), FILE_KEY, &query).await })
    });
    let results = futures::future::join_all(calls).await;
    let bodies: Vec<Bytes> = results
        .into_iter()
        .map(|r| r.unwrap().unwrap().value)
        .collect();
    assert!(bodies.iter().all(|b| *b == bodies[0]));
}

#[tokio::test]
async fn instances_sharing_a_cache_collapse_through_its_lock() {
    let server = MockServer::start().await;
    mount_meta(&server, "9").await;
    Mock::given(method("GET"))
        .and(path(file_path()))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(file_body("9"))
                .set_delay(Duration::from_millis(300)),
        )
        .expect(1)
        .mount(&server)
        .await;
    let shared: Arc<MemoryCache> = Arc::new(MemoryCache::new());
    // Separate clients = separate in-process single-flight maps, like separate instances;
    // different users, so not even their flights could be shared.
    let users: Vec<_> = (0..4)
        .map(|i| handoff_figma_api::FigmaAuth::PersonalAccessToken(format!("user-{i}")))
        .collect();
    let calls = users.into_iter().map(|auth| {
        let client = client(&server, shared.clone());
        tokio::spawn(async move { client.file(&auth, FILE_KEY, &FileQuery::default()).await })
    });
    let results = futures::future::join_all(calls).await;
    let fetched: Vec<_> = results.into_iter().map(|r| r.unwrap().unwrap()).collect();
    assert_eq!(fetched.iter().filter(|f| !f.from_cache).count(), 1);
}

/// A store that is down: every operation fails.
struct BrokenCache;

#[async_trait]
impl ResponseCache for BrokenCache {
    async fn get_response(&self, _: &str, _: &str, _: &str) -> Result<Option<Bytes>, CacheError> {
        Err(CacheError("connection refused".into()))
    }
    async fn put_response(&self, _: &str, _: &str, _: &str, _: Bytes) -> Result<(), CacheError> {
        Err(CacheError("connection refused".into()))
    }
    async fn get_meta(&self, _: &str) -> Result<Option<serde_json::Value>, CacheError> {
        Err(CacheError("connection refused".into()))
    }
    async fn put_meta(&self, _: &str, _: &serde_json::Value) -> Result<(), CacheError> {
        Err(CacheError("connection refused".into()))
    }
    async fn try_lock(&self, _: &str, _: Duration) -> Result<Option<CacheLock>, CacheError> {
        Err(CacheError("connection refused".into()))
    }
    async fn unlock(&self, _: CacheLock) -> Result<(), CacheError> {
        Err(CacheError("connection refused".into()))
    }
}

#[tokio::test]
async fn an_unavailable_cache_degrades_to_direct_calls() {
    let server = MockServer::start().await;
    mount_meta(&server, "1").await;
    Mock::given(method("GET"))
        .and(path(file_path()))
        .respond_with(ResponseTemplate::new(200).set_body_json(file_body("1")))
        .expect(2)
        .mount(&server)
        .await;
    let client = client(&server, Arc::new(BrokenCache));
    for _ in 0..2 {
        let fetched = client
            .file(&pat(), FILE_KEY, &FileQuery::default())
            .await
            .unwrap();
        assert!(!fetched.from_cache);
    }
}

#[tokio::test]
async fn renders_and_image_fills_are_typed_and_cached() {
    let server = MockServer::start().await;
    mount_meta(&server, "2").await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/images/{FILE_KEY}")))
        .and(query_param("ids", "1:2,3:4"))
        .and(query_param("scale", "2"))
        .and(query_param("format", "jpg"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "err": null,
            "images": {"1:2": "https://figma-alpha-api.s3.us-west-2.amazonaws.com/images/a", "3:4": null}
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/files/{FILE_KEY}/images")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "error": false, "status": 200,
            "meta": {"images": {"abc123": "https://s3/abc123"}}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server, Arc::new(MemoryCache::new()));
    let query = RenderQuery {
        ids: vec!["1:2".into(), "3-4".into()],
        scale: 2.0,
        format: ImageFormat::Jpg,
    };
    for round in 0..2 {
        let renders = client
            .render_images(&pat(), FILE_KEY, &query)
            .await
            .unwrap();
        assert_eq!(renders.from_cache, round == 1);
        assert!(
            renders.value.images["1:2"]
                .as_deref()
                .unwrap()
                .ends_with("/images/a")
        );
        assert_eq!(renders.value.images["3:4"], None);
        let fills = client.image_fills(&pat(), FILE_KEY).await.unwrap();
        assert_eq!(fills.value.images["abc123"], "https://s3/abc123");
    }
}

#[tokio::test]
async fn oauth_tokens_are_sent_as_bearer() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/files/{FILE_KEY}/meta")))
        .and(header("Authorization", "Bearer oauth-token-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(meta_body("1")))
        .expect(1)
        .mount(&server)
        .await;
    let auth = handoff_figma_api::FigmaAuth::OAuthBearer("oauth-token-1".into());
    let meta = client(&server, Arc::new(MemoryCache::new()))
        .file_meta(&auth, FILE_KEY)
        .await
        .unwrap();
    assert_eq!(meta.value.version, "1");
}

#[tokio::test]
async fn a_tree_ten_thousand_levels_deep_is_accepted() {
    let depth = 10_000;
    let mut body = String::from(r#"{"name":"deep","version":"1","document":"#);
    for i in 0..depth {
        body.push_str(&format!(r#"{{"id":"1:{i}","type":"FRAME","children":["#));
    }
    for _ in 0..depth {
        body.push_str("]}");
    }
    body.push('}');
    let server = MockServer::start().await;
    mount_meta(&server, "1").await;
    Mock::given(method("GET"))
        .and(path(file_path()))
        .respond_with(ResponseTemplate::new(200).set_body_string(body.clone()))
        .mount(&server)
        .await;
    let client = client(&server, Arc::new(MemoryCache::new()));
    let fetched = client
        .file(&pat(), FILE_KEY, &FileQuery::default())
        .await
        .unwrap();
    assert_eq!(fetched.value.len(), body.len());
}

/// Records the endpoints it is asked about and admits the first `allow` of them.
struct CountingGate {
    asked: std::sync::Mutex<Vec<Endpoint>>,
    allow: usize,
}

impl UpstreamGate for CountingGate {
    fn admit<'a>(&'a self, endpoint: Endpoint, _file_key: &'a str) -> Admission<'a> {
        Box::pin(async move {
            let mut asked = self.asked.lock().unwrap();
            asked.push(endpoint);
            if asked.len() > self.allow {
                return Err("the caller's budget is spent".to_owned());
            }
            Ok(())
        })
    }
}

#[tokio::test]
async fn the_gate_is_asked_only_before_requests_that_reach_figma() {
    let server = MockServer::start().await;
    mount_meta(&server, "100").await;
    Mock::given(method("GET"))
        .and(path(file_path()))
        .respond_with(ResponseTemplate::new(200).set_body_json(file_body("100")))
        .expect(1)
        .mount(&server)
        .await;
    let gate = Arc::new(CountingGate {
        asked: std::sync::Mutex::new(Vec::new()),
        allow: 3,
    });
    // No meta caching in these settings: every call checks the version with Figma.
    let gated = client(&server, Arc::new(MemoryCache::new())).gated(gate.clone());
    let first = gated
        .file(&pat(), FILE_KEY, &FileQuery::default())
        .await
        .unwrap();
    assert!(!first.from_cache);
    let again = gated
        .file(&pat(), FILE_KEY, &FileQuery::default())
        .await
        .unwrap();
    assert!(again.from_cache);
    assert_eq!(
        *gate.asked.lock().unwrap(),
        [Endpoint::Meta, Endpoint::File, Endpoint::Meta],
        "the cached file is not asked about"
    );

    let refused = gated
        .file(&pat(), FILE_KEY, &FileQuery::default())
        .await
        .unwrap_err();
    assert_eq!(
        refused,
        FigmaError::Refused {
            endpoint: Endpoint::Meta,
            reason: "the caller's budget is spent".to_owned()
        }
    );
    assert_eq!(refused.http_status(), 429);
    let sent = server.received_requests().await.unwrap().len();
    assert_eq!(sent, 3, "the refused request was not sent");
}
