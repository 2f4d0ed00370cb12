//! A handoff server bound to a free loopback port for the duration of a test, plus the few helpers
//! every HTTP test needs. Shared by the test files of this crate (`mod common;`).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use axum::Router;
use handoff_app::config::Secret;
use handoff_app::{App, Config};
use handoff_server::Server;
use handoff_server::http::AppState;
use handoff_store::Identity;
use handoff_test_support::RedisServer;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

pub struct TestServer {
    pub base: String,
    pub client: reqwest::Client,
    pub app: Arc<App>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    _data: Option<tempfile::TempDir>,
}

impl TestServer {
    /// Serves `config` on 127.0.0.1 with a free port. Without `data_dir` set by the caller, the
    /// embedded store lives in a temporary directory removed with the server.
    pub async fn start(config: Config) -> Self {
        Self::start_with(config, Router::new()).await
    }

    pub async fn start_with(mut config: Config, extra: Router<AppState>) -> Self {
        config.bind = "127.0.0.1:0".parse().unwrap();
        let data = if config.data_dir == Config::default().data_dir {
            let dir = tempfile::tempdir().unwrap();
            config.data_dir = dir.path().to_path_buf();
            Some(dir)
        } else {
            None
        };
        let app = Arc::new(App::open(config).await.unwrap());
        let server = Server::bind_with(app.clone(), extra).await.unwrap();
        let addr = server.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(server.run(async move {
            let _ = stopped.await;
        }));
        Self {
            base: format!("http://{addr}"),
            client: reqwest::Client::new(),
            app,
            stop: Some(stop),
            _data: data,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// `GET path` without credentials.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// A configuration whose store is `redis`.
pub fn redis_config(redis: &RedisServer) -> Config {
    Config {
        redis_url: Some(Secret::new(redis.url())),
        ..Config::default()
    }
}

/// Creates a user in `org` with an API key; returns the identity and the key's secret.
pub async fn user_with_key(app: &App, name: &str, org: &str) -> (Identity, String) {
    let user = app.store().create_user(name, org).await.unwrap();
    let key = app
        .store()
        .create_api_key(user.user_id.as_str(), "test")
        .await
        .unwrap();
    (
        Identity {
            user_id: user.user_id,
            org_id: user.org_id,
        },
        key.secret,
    )
}

pub fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

pub fn error_code(body: &serde_json::Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("<missing>")
}

/// The status and the JSON body of `response` (`Null` when the body is empty).
pub async fn status_and_json(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let url = response.url().clone();
    let bytes = response.bytes().await.unwrap();
    if bytes.is_empty() {
        return (status, Value::Null);
    }
    let body = serde_json::from_slice(&bytes)
        .unwrap_or_else(|err| panic!("{url}: not JSON ({err}): {bytes:?}"));
    (status, body)
}

/// The key under which the fake Figma API serves [`fixture`].
pub const FILE_KEY: &str = "AbCdEf1234567890";
const FIXTURE: &str = "../../../shared/fixtures/figma/code-connect-wizard-demo.file.json";

/// A real Figma file (`GET /v1/files/:key`), as bytes.
pub fn fixture_bytes() -> Vec<u8> {
    std::fs::read(format!("{}/{FIXTURE}", env!("CARGO_MANIFEST_DIR"))).expect("fixture file")
}

pub fn fixture() -> Value {
    serde_json::from_slice(&fixture_bytes()).unwrap()
}

/// Mounts the fixture on a fake Figma API as [`FILE_KEY`], version 42: its `/meta` and the file.
pub async fn serve_fixture_file(figma: &MockServer) {
    let meta = json!({"file": {"name": "Wizard demo", "version": "42",
                               "last_touched_at": "2026-11-20T10:00:00Z"}});
    Mock::given(method("GET"))
        .and(path(format!("/v1/files/{FILE_KEY}/meta")))
        .respond_with(ResponseTemplate::new(200).set_body_json(meta))
        .mount(figma)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/files/{FILE_KEY}")))
        .respond_with(ResponseTemplate::new(200).set_body_raw(fixture_bytes(), "application/json"))
        .mount(figma)
        .await;
}
