//! Web pages and the local user (issue 20, defect 6): with the zero-configuration defaults a request
//! without credentials is the local user, who reads designs with the deployment's Figma token. The
//! Figma plugin (origin `null`), non-browser clients and the server's own pages keep working; any
//! other page is refused before anything runs, unless the deployment lists its origin.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{
    FILE_KEY, TestServer, bearer, error_code, serve_fixture_file, status_and_json, user_with_key,
};
use handoff_app::Config;
use handoff_app::config::Secret;
use serde_json::json;
use wiremock::MockServer;

const EVIL: &str = "https://evil.example";

async fn local_server(cors_allowed_origins: Option<Vec<String>>) -> (TestServer, MockServer) {
    let figma = MockServer::start().await;
    serve_fixture_file(&figma).await;
    let mut config = Config {
        figma_api_base: figma.uri(),
        figma_token: Some(Secret::new("figd_test_token")),
        ..Config::default()
    };
    if let Some(origins) = cors_allowed_origins {
        config.cors_allowed_origins = origins;
    }
    (TestServer::start(config).await, figma)
}

/// What a page's `fetch(url, {method: "POST", body})` sends: `text/plain`, so no preflight.
async fn context_from(
    server: &TestServer,
    origin: Option<&str>,
    fetch_site: Option<&str>,
) -> (u16, serde_json::Value) {
    let mut request = server
        .client
        .post(server.url("/api/v1/figma/context"))
        .header("content-type", "text/plain;charset=UTF-8")
        .body(json!({"file_key": FILE_KEY, "max_bytes": 5000}).to_string());
    if let Some(origin) = origin {
        request = request.header("origin", origin);
    }
    if let Some(site) = fetch_site {
        request = request.header("sec-fetch-site", site);
    }
    status_and_json(request.send().await.unwrap()).await
}

async fn figma_calls(figma: &MockServer) -> usize {
    figma.received_requests().await.unwrap_or_default().len()
}

#[tokio::test]
async fn a_foreign_page_cannot_act_as_the_local_user() {
    let (server, figma) = local_server(None).await;
    let (status, body) = context_from(&server, Some(EVIL), Some("cross-site")).await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(error_code(&body), "origin_not_allowed", "{body}");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains(EVIL) && message.contains("cors_allowed_origins"),
        "{message}"
    );
    assert_eq!(figma_calls(&figma).await, 0, "Figma was read for the page");

    // The legacy route the plugin speaks is guarded the same way.
    let legacy = server
        .client
        .post(server.url("/"))
        .header("origin", EVIL)
        .header("content-type", "text/plain")
        .body(json!({"method": "analyze_project", "params": {"fileKey": FILE_KEY}}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(legacy.status(), 403);
    assert_eq!(figma_calls(&figma).await, 0);

    // A browser that sends no Origin (a no-cors subresource load) still says it is cross-site.
    let (status, body) = context_from(&server, None, Some("cross-site")).await;
    assert_eq!(status, 403, "{body}");
}

#[tokio::test]
async fn the_plugin_clients_and_the_servers_own_pages_still_work() {
    let (server, _figma) = local_server(None).await;
    let own = server.base.clone();
    for (origin, site) in [
        (Some("null"), Some("cross-site")),
        (None, None),
        (Some(own.as_str()), Some("same-origin")),
    ] {
        let (status, body) = context_from(&server, origin, site).await;
        assert_eq!(status, 200, "{origin:?} {site:?}: {body}");
    }
}

#[tokio::test]
async fn a_deployment_can_list_origins_or_allow_every_page() {
    let (listed, _figma) = local_server(Some(vec![EVIL.to_owned()])).await;
    assert_eq!(context_from(&listed, Some(EVIL), None).await.0, 200);
    assert_eq!(
        context_from(&listed, Some("https://other.example"), None)
            .await
            .0,
        403
    );
    // Without `null` listed, the plugin origin is refused too: the list is the whole rule.
    assert_eq!(context_from(&listed, Some("null"), None).await.0, 403);

    let (any, _figma) = local_server(Some(vec!["*".to_owned()])).await;
    assert_eq!(
        context_from(&any, Some(EVIL), Some("cross-site")).await.0,
        200
    );
}

#[tokio::test]
async fn a_credential_decides_whatever_page_sends_it() {
    let (server, _figma) = local_server(None).await;
    let (_, key) = user_with_key(&server.app, "ada", "acme").await;
    let response = server
        .client
        .get(server.url("/api/v1/me"))
        .header("origin", EVIL)
        .header("sec-fetch-site", "cross-site")
        .header("authorization", bearer(&key))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    // Without the key, the same page is not the local user any more (a key exists): 401.
    let response = server
        .client
        .get(server.url("/api/v1/me"))
        .header("origin", EVIL)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn cors_answers_the_plugin_and_nobody_else_by_default() {
    let (server, _figma) = local_server(None).await;
    let preflight = |origin: &'static str| {
        server
            .client
            .request(
                reqwest::Method::OPTIONS,
                server.url("/api/v1/figma/context"),
            )
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type")
            .send()
    };
    let plugin = preflight("null").await.unwrap();
    assert_eq!(plugin.headers()["access-control-allow-origin"], "null");
    let vary = plugin
        .headers()
        .get_all("vary")
        .iter()
        .map(|v| v.to_str().unwrap().to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join(",");
    assert!(vary.contains("origin"), "caches must key on Origin: {vary}");
    let evil = preflight(EVIL).await.unwrap();
    assert!(
        !evil.headers().contains_key("access-control-allow-origin"),
        "{:?}",
        evil.headers()
    );
}
