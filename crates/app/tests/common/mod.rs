//! What the app's test files share: the store on either backend, the credentials an `App` needs to
//! call Figma, and a fake Figma API serving a real file. Included with `mod common;`.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use handoff_app::Config;
use handoff_app::config::Secret;
use handoff_app::ops::DesignSource;
use handoff_test_support::RedisServer;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The key under which the fake Figma API serves the fixture.
pub const FILE_KEY: &str = "AbCdEf1234567890";
const FIXTURE: &str = "../../../shared/fixtures/figma/code-connect-wizard-demo.file.json";
/// The `secret_key` every test `App` encrypts stored Figma tokens with (32 bytes, hex).
pub const SECRET_KEY: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
/// The deployment's Figma token in [`config`] (it serves the local user only).
pub const DEPLOYMENT_TOKEN: &str = "figd_test_token";

/// A configuration whose store is `redis`, or else the embedded store in `dir`, with a
/// `secret_key`; with `figma`, it calls that fake Figma API with [`DEPLOYMENT_TOKEN`].
pub fn config(figma: Option<&MockServer>, redis: Option<&RedisServer>, dir: &Path) -> Config {
    let mut config = Config {
        redis_url: redis.map(|r| Secret::new(r.url())),
        data_dir: dir.to_path_buf(),
        secret_key: Some(Secret::new(SECRET_KEY)),
        ..Config::default()
    };
    if let Some(figma) = figma {
        config.figma_api_base = figma.uri();
        config.figma_token = Some(Secret::new(DEPLOYMENT_TOKEN));
    }
    config
}

/// The figma.com link of the fixture file.
pub fn source() -> DesignSource {
    DesignSource::Url {
        url: format!("https://www.figma.com/design/{FILE_KEY}/Wizard-demo"),
    }
}

/// Mounts the fixture on `figma` as [`FILE_KEY`] at version 42: `GET /v1/files/:key/meta` and
/// `GET /v1/files/:key`. With `token`, only requests carrying that `X-Figma-Token` match; with
/// `file_fetches`, the file must be fetched exactly that often (checked when `figma` drops).
pub async fn serve_fixture(figma: &MockServer, token: Option<&str>, file_fetches: Option<u64>) {
    let meta = serde_json::json!({ "file": { "name": "Wizard demo", "version": "42", "last_touched_at": "2026-11-20T10:00:00Z" } });
    let fixture =
        std::fs::read(format!("{}/{FIXTURE}", env!("CARGO_MANIFEST_DIR"))).expect("fixture file");
    let mut meta_route = Mock::given(method("GET")).and(path(format!("/v1/files/{FILE_KEY}/meta")));
    let mut file_route = Mock::given(method("GET")).and(path(format!("/v1/files/{FILE_KEY}")));
    if let Some(token) = token {
        meta_route = meta_route.and(header("x-figma-token", token));
        file_route = file_route.and(header("x-figma-token", token));
    }
    meta_route
        .respond_with(ResponseTemplate::new(200).set_body_json(meta))
        .mount(figma)
        .await;
    let mut file = file_route
        .respond_with(ResponseTemplate::new(200).set_body_raw(fixture, "application/json"));
    if let Some(times) = file_fetches {
        file = file.expect(times);
    }
    file.mount(figma).await;
}
