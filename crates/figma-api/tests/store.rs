//! The store as the response cache, on both backends: a real redis-server and the embedded file.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use handoff_figma_api::{FigmaAuth, FigmaClient, FileQuery, NodesQuery, ResponseCache};
use handoff_store::{Store, StoreConfig};
use handoff_test_support::RedisServer;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

struct Backend {
    config: StoreConfig,
    _redis: Option<RedisServer>,
    _dir: tempfile::TempDir,
}

impl Backend {
    fn new(redis: bool) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut config = StoreConfig {
            data_dir: dir.path().join("data"),
            ..StoreConfig::default()
        };
        let server = redis.then(RedisServer::start);
        if let Some(server) = &server {
            config.redis_url = Some(server.url());
        }
        Backend {
            config,
            _redis: server,
            _dir: dir,
        }
    }

    /// A store handle; for Redis each call is a new connection, like another instance.
    async fn store(&self) -> Store {
        Store::open(&self.config).await.unwrap()
    }
}

async fn unchanged_version_is_served_from_the_store(redis: bool) {
    let backend = Backend::new(redis);
    let server = MockServer::start().await;
    mount_meta(&server, "11").await;
    Mock::given(method("GET"))
        .and(path(file_path()))
        .respond_with(ResponseTemplate::new(200).set_body_json(file_body("11")))
        .expect(1)
        .mount(&server)
        .await;
    let store: Arc<dyn ResponseCache> = Arc::new(backend.store().await);
    let first = client(&server, store.clone())
        .file(&pat(), FILE_KEY, &FileQuery::default())
        .await
        .unwrap();
    // A fresh client (no in-process state) still hits the store.
    let second = client(&server, store)
        .file(&pat(), FILE_KEY, &FileQuery::default())
        .await
        .unwrap();
    assert!(!first.from_cache && second.from_cache);
    assert_eq!(first.value, second.value);
}

async fn meta_checks_are_cached_per_credential(redis: bool) {
    let backend = Backend::new(redis);
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/files/{FILE_KEY}/meta")))
        .respond_with(ResponseTemplate::new(200).set_body_json(meta_body("12")))
        .expect(2)
        .mount(&server)
        .await;
    let mut config = fast_config(&server);
    config.meta_ttl = Duration::from_secs(60);
    let client = FigmaClient::new(config, Arc::new(backend.store().await)).unwrap();
    assert!(!client.file_meta(&pat(), FILE_KEY).await.unwrap().from_cache);
    assert!(client.file_meta(&pat(), FILE_KEY).await.unwrap().from_cache);
    let other = FigmaAuth::OAuthBearer("someone-else".into());
    assert!(!client.file_meta(&other, FILE_KEY).await.unwrap().from_cache);
    assert!(client.file_meta(&pat(), FILE_KEY).await.unwrap().from_cache);
    assert!(client.file_meta(&other, FILE_KEY).await.unwrap().from_cache);
}

async fn instances_collapse_through_the_store_lock(redis: bool) {
    let backend = Backend::new(redis);
    let server = MockServer::start().await;
    mount_meta(&server, "13").await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/files/{FILE_KEY}/nodes")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"nodes": {"1:2": {"document": {"id": "1:2"}}}}))
                .set_delay(Duration::from_millis(300)),
        )
        .expect(1)
        .mount(&server)
        .await;
    // The embedded file is opened once per process, so its "instances" share one handle.
    let shared = backend.store().await;
    let mut calls = Vec::new();
    for i in 0..4 {
        let store = if redis {
            backend.store().await
        } else {
            shared.clone()
        };
        let client = client(&server, Arc::new(store));
        let auth = FigmaAuth::PersonalAccessToken(format!("user-{i}"));
        calls.push(tokio::spawn(async move {
            let query = NodesQuery {
                ids: vec!["1:2".into()],
                depth: None,
            };
            client.nodes(&auth, FILE_KEY, &query).await
        }));
    }
    let fetched: Vec<_> = futures::future::join_all(calls)
        .await
        .into_iter()
        .map(|r| r.unwrap().unwrap())
        .collect();
    assert_eq!(fetched.iter().filter(|f| !f.from_cache).count(), 1);
}

async fn requests_with_hundreds_of_ids_fit_the_store_keys(redis: bool) {
    let backend = Backend::new(redis);
    let server = MockServer::start().await;
    mount_meta(&server, "14").await;
    let ids: Vec<String> = (0..300).map(|i| format!("12345:{i}")).collect();
    let nodes: serde_json::Map<String, serde_json::Value> = ids
        .iter()
        .map(|id| (id.clone(), json!({"document": {"id": id}})))
        .collect();
    Mock::given(method("GET"))
        .and(path(format!("/v1/files/{FILE_KEY}/nodes")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "nodes": nodes })))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server, Arc::new(backend.store().await));
    let query = NodesQuery { ids, depth: None };
    assert!(
        !client
            .nodes(&pat(), FILE_KEY, &query)
            .await
            .unwrap()
            .from_cache
    );
    assert!(
        client
            .nodes(&pat(), FILE_KEY, &query)
            .await
            .unwrap()
            .from_cache
    );
}

macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod embedded {
            $(#[tokio::test] async fn $name() { super::$name(false).await })*
        }
        mod redis {
            $(#[tokio::test] async fn $name() { super::$name(true).await })*
        }
    };
}

on_both_backends!(
    unchanged_version_is_served_from_the_store,
    meta_checks_are_cached_per_credential,
    instances_collapse_through_the_store_lock,
    requests_with_hundreds_of_ids_fit_the_store_keys,
);
