//! The server's foundations: health, readiness, metrics, request ids, panic recovery, limits and the
//! JSON error shape, exercised over real HTTP.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use handoff_app::{App, Config};
use handoff_server::Server;
use handoff_server::http::AppState;
use serde_json::Value;

struct Running {
    base: String,
    client: reqwest::Client,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

async fn start(mut config: Config, extra: Router<AppState>) -> Running {
    config.bind = "127.0.0.1:0".parse().unwrap();
    let data = tempfile::tempdir().unwrap();
    config.data_dir = data.keep();
    let server = Server::bind_with(Arc::new(App::open(config).await.unwrap()), extra)
        .await
        .unwrap();
    let addr = server.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(server.run(async move {
        let _ = stopped.await;
    }));
    Running {
        base: format!("http://{addr}"),
        client: reqwest::Client::new(),
        stop: Some(stop),
    }
}

fn error_code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("<missing>")
}

#[tokio::test]
async fn health_reports_version_and_uptime() {
    let server = start(Config::default(), Router::new()).await;
    let response = server
        .client
        .get(format!("{}/health", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
    assert!(body["uptime_s"].is_u64());
}

#[tokio::test]
async fn request_ids_are_kept_or_minted() {
    let server = start(Config::default(), Router::new()).await;
    let given = server
        .client
        .get(format!("{}/health", server.base))
        .header("x-request-id", "abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(given.headers()["x-request-id"], "abc-123");
    let minted = server
        .client
        .get(format!("{}/health", server.base))
        .send()
        .await
        .unwrap();
    let id = minted.headers()["x-request-id"].to_str().unwrap();
    assert_eq!(
        id.len(),
        36,
        "a UUID is minted when the client sends none: {id}"
    );
}

#[tokio::test]
async fn a_panicking_handler_yields_500_json_and_the_server_keeps_serving() {
    async fn boom() -> &'static str {
        panic!("handler bug")
    }
    let server = start(Config::default(), Router::new().route("/boom", get(boom))).await;
    let response = server
        .client
        .get(format!("{}/boom", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 500);
    let body: Value = response.json().await.unwrap();
    assert_eq!(error_code(&body), "internal");
    assert!(
        !body.to_string().contains("handler bug"),
        "panic text must not leak: {body}"
    );
    let next = server
        .client
        .get(format!("{}/health", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(next.status(), 200);
}

#[tokio::test]
async fn oversize_bodies_get_413_json() {
    async fn echo(body: axum::body::Bytes) -> String {
        body.len().to_string()
    }
    let config = Config {
        max_body_bytes: 1024,
        ..Config::default()
    };
    let server = start(config, Router::new().route("/echo", post(echo))).await;
    let ok = server
        .client
        .post(format!("{}/echo", server.base))
        .body(vec![b'a'; 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    let too_big = server
        .client
        .post(format!("{}/echo", server.base))
        .body(vec![b'a'; 1025])
        .send()
        .await
        .unwrap();
    assert_eq!(too_big.status(), 413);
    let body: Value = too_big.json().await.unwrap();
    assert_eq!(error_code(&body), "payload_too_large");
    // A chunked body has no Content-Length to check up front; the limit still holds while reading.
    let stream = futures_stream(vec![vec![b'a'; 800], vec![b'a'; 800]]);
    let chunked = server
        .client
        .post(format!("{}/echo", server.base))
        .body(reqwest::Body::wrap_stream(stream))
        .send()
        .await
        .unwrap();
    assert_eq!(chunked.status(), 413);
}

fn futures_stream(
    chunks: Vec<Vec<u8>>,
) -> impl futures::Stream<Item = Result<Vec<u8>, std::io::Error>> {
    futures::stream::iter(chunks.into_iter().map(Ok))
}

#[tokio::test]
async fn unknown_routes_and_wrong_methods_get_json_errors() {
    let server = start(Config::default(), Router::new()).await;
    let missing = server
        .client
        .get(format!("{}/no/such/route", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    assert_eq!(error_code(&missing.json().await.unwrap()), "not_found");
    let wrong = server
        .client
        .delete(format!("{}/health", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 405);
    assert!(wrong.headers().contains_key("allow"));
    assert_eq!(
        error_code(&wrong.json().await.unwrap()),
        "method_not_allowed"
    );
}

#[tokio::test]
async fn slow_requests_time_out_with_json() {
    async fn slow() -> &'static str {
        tokio::time::sleep(std::time::Duration::from_secs(5)).await;
        "late"
    }
    let config = Config {
        request_timeout_secs: 1,
        ..Config::default()
    };
    let server = start(config, Router::new().route("/slow", get(slow))).await;
    let response = server
        .client
        .get(format!("{}/slow", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 408);
    assert_eq!(error_code(&response.json().await.unwrap()), "timeout");
}

#[tokio::test]
async fn metrics_count_requests_per_route() {
    let server = start(Config::default(), Router::new()).await;
    for _ in 0..3 {
        server
            .client
            .get(format!("{}/health", server.base))
            .send()
            .await
            .unwrap();
    }
    let text = server
        .client
        .get(format!("{}/metrics", server.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let line = text
        .lines()
        .find(|l| {
            l.starts_with("http_requests_total")
                && l.contains("route=\"/health\"")
                && l.contains("status=\"200\"")
        })
        .unwrap_or_else(|| panic!("no /health counter in:\n{text}"));
    let count: f64 = line.rsplit(' ').next().unwrap().parse().unwrap();
    assert!(count >= 3.0, "{line}");
    assert!(
        text.contains("http_request_duration_seconds_bucket"),
        "latency histogram missing"
    );
}
