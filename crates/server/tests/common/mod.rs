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
