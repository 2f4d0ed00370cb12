//! The server's foundations: health, readiness, metrics, request ids, panic recovery, limits and the
//! JSON error shape, exercised over real HTTP.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::Router;
use axum::routing::{get, post};
use common::{TestServer, error_code};
use handoff_app::Config;
use serde_json::Value;

#[tokio::test]
async fn health_reports_version_and_uptime() {
    let server = TestServer::start(Config::default()).await;
    let response = server.get("/health").await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
    assert!(body["uptime_s"].is_u64());
}

#[tokio::test]
async fn request_ids_are_kept_or_minted() {
    let server = TestServer::start(Config::default()).await;
    let given = server
        .client
        .get(server.url("/health"))
        .header("x-request-id", "abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(given.headers()["x-request-id"], "abc-123");
    let minted = server.get("/health").await;
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
    let server =
        TestServer::start_with(Config::default(), Router::new().route("/boom", get(boom))).await;
    let response = server.get("/boom").await;
    assert_eq!(response.status(), 500);
    let body: Value = response.json().await.unwrap();
    assert_eq!(error_code(&body), "internal");
    assert!(
        !body.to_string().contains("handler bug"),
        "panic text must not leak: {body}"
    );
    let next = server.get("/health").await;
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
    let server = TestServer::start_with(config, Router::new().route("/echo", post(echo))).await;
    let ok = server
        .client
        .post(server.url("/echo"))
        .body(vec![b'a'; 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    let too_big = server
        .client
        .post(server.url("/echo"))
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
        .post(server.url("/echo"))
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
    let server = TestServer::start(Config::default()).await;
    let missing = server.get("/no/such/route").await;
    assert_eq!(missing.status(), 404);
    assert_eq!(error_code(&missing.json().await.unwrap()), "not_found");
    let wrong = server
        .client
        .delete(server.url("/health"))
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
    let server = TestServer::start_with(config, Router::new().route("/slow", get(slow))).await;
    let response = server.get("/slow").await;
    assert_eq!(response.status(), 408);
    assert_eq!(error_code(&response.json().await.unwrap()), "timeout");
}

#[tokio::test]
async fn metrics_count_requests_per_route() {
    let server = TestServer::start(Config::default()).await;
    for _ in 0..3 {
        server.get("/health").await;
    }
    let text = server.get("/metrics").await.text().await.unwrap();
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
