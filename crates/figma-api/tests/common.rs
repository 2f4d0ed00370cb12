//! Helpers shared by the integration tests: a fake Figma (wiremock) and fast client settings.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Duration;

use handoff_figma_api::{FigmaAuth, FigmaClient, FigmaClientConfig, ResponseCache};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

pub const FILE_KEY: &str = "AbCdEf123456";
pub const TOKEN: &str = "figd_SuperSecretToken_do_not_leak";

pub fn pat() -> FigmaAuth {
    FigmaAuth::PersonalAccessToken(TOKEN.into())
}

/// Client settings that keep tests fast: tiny back-off, no meta caching unless asked.
pub fn fast_config(server: &MockServer) -> FigmaClientConfig {
    let mut config = FigmaClientConfig::with_api_base(&server.uri()).unwrap();
    config.retry_min_delay = Duration::from_millis(5);
    config.retry_max_delay = Duration::from_millis(20);
    config.max_retries = 2;
    config.max_retry_after = Duration::from_secs(2);
    config.meta_ttl = Duration::ZERO;
    config.lock_wait = Duration::from_secs(10);
    config
}

pub fn client(server: &MockServer, cache: Arc<dyn ResponseCache>) -> FigmaClient {
    FigmaClient::new(fast_config(server), cache).unwrap()
}

pub fn meta_body(version: &str) -> serde_json::Value {
    json!({
        "file": {
            "name": "Design system",
            "folder_name": "Team",
            "last_touched_at": "2026-11-20T10:00:00Z",
            "editorType": "figma",
            "thumbnail_url": "https://example.invalid/thumb.png",
            "role": "viewer",
            "link_access": "view",
            "url": "https://www.figma.com/design/AbCdEf123456/Design-system",
            "version": version
        }
    })
}

pub fn file_body(version: &str) -> serde_json::Value {
    json!({
        "name": "Design system",
        "version": version,
        "schemaVersion": 0,
        "document": {"id": "0:0", "name": "Document", "type": "DOCUMENT", "children": [
            {"id": "0:1", "name": "Page 1", "type": "CANVAS", "children": []}
        ]},
        "components": {},
        "componentSets": {},
        "styles": {}
    })
}

pub async fn mount_meta(server: &MockServer, version: &str) {
    Mock::given(method("GET"))
        .and(path(format!("/v1/files/{FILE_KEY}/meta")))
        .respond_with(ResponseTemplate::new(200).set_body_json(meta_body(version)))
        .mount(server)
        .await;
}

pub fn file_path() -> String {
    format!("/v1/files/{FILE_KEY}")
}
