//! A design over the deployment's limits is refused with 413 `design_too_large` and a message that
//! names the limit's configuration key, not parsed into memory (issue 20): by bytes
//! (`max_design_bytes`, checked while Figma's answer downloads) and by nodes (`max_design_nodes`,
//! checked while it parses). Real redis-server, fake Figma API serving a real file.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{
    FILE_KEY, TestServer, error_code, fixture_bytes, redis_config, serve_fixture_file,
    status_and_json,
};
use handoff_app::Config;
use handoff_app::config::{AuthMode, Secret};
use handoff_test_support::RedisServer;
use serde_json::{Value, json};
use wiremock::MockServer;

async fn context_with(adjust: impl FnOnce(Config) -> Config) -> (u16, Value) {
    let redis = RedisServer::start();
    let figma = MockServer::start().await;
    serve_fixture_file(&figma).await;
    let config = adjust(Config {
        auth: AuthMode::Off,
        figma_api_base: figma.uri(),
        figma_token: Some(Secret::new("figd_deployment_token")),
        ..redis_config(&redis)
    });
    let server = TestServer::start(config).await;
    let response = server
        .client
        .post(server.url("/api/v1/figma/context"))
        .json(&json!({ "file_key": FILE_KEY, "max_bytes": 5000 }))
        .send()
        .await
        .unwrap();
    status_and_json(response).await
}

#[tokio::test]
async fn a_design_with_more_nodes_than_max_design_nodes_is_413() {
    let (status, body) = context_with(|config| Config {
        max_design_nodes: 10,
        ..config
    })
    .await;
    assert_eq!(
        (status, error_code(&body)),
        (413, "design_too_large"),
        "{body}"
    );
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("10 nodes") && message.contains("max_design_nodes"),
        "{message}"
    );
}

#[tokio::test]
async fn a_design_larger_than_max_design_bytes_is_413() {
    let limit = fixture_bytes().len() as u64 - 1;
    let (status, body) = context_with(|config| Config {
        max_design_bytes: limit,
        ..config
    })
    .await;
    assert_eq!(
        (status, error_code(&body)),
        (413, "design_too_large"),
        "{body}"
    );
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains(&limit.to_string()) && message.contains("max_design_bytes"),
        "{message}"
    );
}

#[tokio::test]
async fn a_design_within_the_limits_gets_its_context() {
    let size = fixture_bytes().len() as u64;
    let (status, body) = context_with(|config| Config {
        max_design_bytes: size,
        max_design_nodes: 100_000,
        ..config
    })
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(body["total_nodes"].as_u64().unwrap() > 10, "{body}");
}
