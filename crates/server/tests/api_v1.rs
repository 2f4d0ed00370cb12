//! REST v1 end to end: a bound server with `auth = "required"`, a real redis-server, and a fake Figma
//! API (wiremock) serving a real file, its renders and the rendered images. Every route's happy
//! path, the isolation matrix (another user, another org), screenshots byte for byte, and the
//! OpenAPI document against the router.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeSet;

use common::{
    FILE_KEY, TestServer, bearer, error_code, redis_config, serve_fixture_file, status_and_json,
    user_with_key,
};
use handoff_app::Config;
use handoff_app::config::{AuthMode, RateLimits, Secret};
use handoff_test_support::RedisServer;
use reqwest::{Method, Response};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Two top-level components of the fixture.
const SPINNER: &str = "2:19";
const BUTTON: &str = "2:15";

/// The smallest valid PNG (1×1, transparent) and the start of a JPEG: the store recognises images
/// by their magic bytes.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE,
    0x42, 0x60, 0x82,
];
const JPEG: &[u8] = &[
    0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00, 0x01, 0x01, 0x00, 0x00, 0x01,
    0x00, 0x01, 0x00, 0x00, 0xFF, 0xD9,
];

/// A Figma API serving the fixture file, renders of [`SPINNER`] and the rendered image itself.
async fn fake_figma() -> MockServer {
    let server = MockServer::start().await;
    serve_fixture_file(&server).await;
    let renders = json!({ "err": null, "images": { SPINNER: format!("{}/renders/spinner.png", server.uri()) } });
    Mock::given(method("GET"))
        .and(path(format!("/v1/images/{FILE_KEY}")))
        .and(query_param("ids", SPINNER))
        .and(query_param("format", "png"))
        .respond_with(ResponseTemplate::new(200).set_body_json(renders))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/renders/spinner.png"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(PNG.to_vec(), "image/png"))
        .mount(&server)
        .await;
    server
}

/// A running server over a fresh redis-server and [`fake_figma`], configured by [`config`] and then
/// `adjust`. Keep the whole tuple alive for the test.
async fn start(adjust: impl FnOnce(Config) -> Config) -> (TestServer, MockServer, RedisServer) {
    let redis = RedisServer::start();
    let figma = fake_figma().await;
    let server = TestServer::start(adjust(config(&redis, &figma))).await;
    (server, figma, redis)
}

fn config(redis: &RedisServer, figma: &MockServer) -> Config {
    Config {
        auth: AuthMode::Required,
        figma_api_base: figma.uri(),
        figma_token: Some(Secret::new("figd_deployment_token")),
        secret_key: Some(Secret::new(
            "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
        )),
        // Figma's budget is exercised in `routes_draw_on_their_groups_budget` only.
        rate_limits: RateLimits {
            figma_per_min: 0,
            ..RateLimits::default()
        },
        ..redis_config(redis)
    }
}

/// A caller of the API: one user with an API key.
struct Client<'a> {
    server: &'a TestServer,
    token: String,
}

impl Client<'_> {
    async fn send(&self, verb: Method, path: &str, body: Option<Value>) -> Response {
        let mut request = self
            .server
            .client
            .request(verb, self.server.url(&format!("/api/v1{path}")))
            .header("authorization", bearer(&self.token));
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.unwrap()
    }

    /// Sends and returns the status and the JSON body (`Null` when there is none).
    async fn call(&self, verb: Method, path: &str, body: Option<Value>) -> (u16, Value) {
        status_and_json(self.send(verb, path, body).await).await
    }

    async fn ok(&self, verb: Method, path: &str, body: Option<Value>) -> Value {
        let (status, body) = self.call(verb.clone(), path, body).await;
        assert!(
            (200..300).contains(&status),
            "{verb} {path}: {status} {body}"
        );
        body
    }

    async fn upload(&self, path: &str, content_type: &str, body: Vec<u8>) -> (u16, Value) {
        let response = self
            .server
            .client
            .put(self.server.url(&format!("/api/v1{path}")))
            .header("authorization", bearer(&self.token))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        status_and_json(response).await
    }

    /// GETs an image: status, content type, bytes.
    async fn image(&self, path: &str) -> (u16, String, Vec<u8>) {
        let response = self.send(Method::GET, path, None).await;
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        (
            status,
            content_type,
            response.bytes().await.unwrap().to_vec(),
        )
    }
}

/// A user of `org` with an API key and a stored Figma token (the deployment's token serves only
/// the local user).
async fn client<'a>(server: &'a TestServer, name: &str, org: &str) -> Client<'a> {
    let (_, token) = user_with_key(&server.app, name, org).await;
    let client = Client { server, token };
    client
        .ok(
            Method::PUT,
            "/me/figma-token",
            Some(json!({ "token": format!("figd_token_of_{name}") })),
        )
        .await;
    client
}

fn link() -> String {
    format!("https://www.figma.com/design/{FILE_KEY}/Wizard-demo")
}

/// A template source (JSON is YAML) derived from the built-in one, with a recognisable content.
async fn template_source(caller: &Client<'_>, marker: &str) -> String {
    let builtin = caller
        .ok(Method::GET, "/templates/github/component", None)
        .await;
    let mut spec = builtin["template"].clone();
    spec["id"] = json!(format!("{marker}-github-component"));
    spec["content"] = json!(format!("{marker} for {{{{ figma.component_name }}}}"));
    serde_json::to_string(&spec).unwrap()
}

fn multipart(boundary: &str, part: &str, file_type: &str, bytes: &[u8]) -> Vec<u8> {
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nignored\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"{part}\"; filename=\"shot\"\r\n\
         Content-Type: {file_type}\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    body
}

#[tokio::test]
async fn sessions_me_and_history() {
    let (server, _figma, _redis) = start(|config| config).await;
    let ada = client(&server, "ada", "acme").await;

    let profile = ada.ok(Method::GET, "/me", None).await;
    assert_eq!(profile["name"], "ada");
    assert_eq!(profile["orgId"], "acme");
    assert_eq!(profile["authMethod"], "api_key");

    // Sessions: create, list, read, refresh, use as a bearer token, delete.
    let (status, session) = ada
        .call(
            Method::POST,
            "/sessions",
            Some(json!({ "data": { "plugin": "1.0" } })),
        )
        .await;
    assert_eq!(status, 201, "{session}");
    let id = session["sessionId"].as_str().unwrap().to_owned();
    let listed = ada.ok(Method::GET, "/sessions", None).await;
    assert!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["sessionId"] == id)
    );
    let read = ada.ok(Method::GET, &format!("/sessions/{id}"), None).await;
    assert_eq!(read["data"]["plugin"], "1.0");
    let refreshed = ada
        .ok(
            Method::POST,
            &format!("/sessions/{id}/refresh"),
            Some(json!({ "data": { "plugin": "1.1" } })),
        )
        .await;
    assert_eq!(refreshed["data"]["plugin"], "1.1");
    let by_session = Client {
        server: &server,
        token: session["token"].as_str().unwrap().to_owned(),
    };
    let me = by_session.ok(Method::GET, "/me", None).await;
    assert_eq!(me["authMethod"], "session");
    assert_eq!(me["sessionId"], id.as_str());
    let (status, _) = ada
        .call(Method::DELETE, &format!("/sessions/{id}"), None)
        .await;
    assert_eq!(status, 204);
    let (status, _) = by_session.call(Method::GET, "/me", None).await;
    assert_eq!(status, 401, "a deleted session's token stops working");

    // Preferences merge; settings are replaced.
    let merged = ada
        .ok(
            Method::PATCH,
            "/me/preferences",
            Some(json!({ "theme": "dark", "lang": "en" })),
        )
        .await;
    assert_eq!(merged, json!({ "theme": "dark", "lang": "en" }));
    let merged = ada
        .ok(
            Method::PATCH,
            "/me/preferences",
            Some(json!({ "lang": null })),
        )
        .await;
    assert_eq!(merged, json!({ "theme": "dark" }));
    assert_eq!(ada.ok(Method::GET, "/me/preferences", None).await, merged);
    assert_eq!(ada.ok(Method::GET, "/me/settings", None).await, json!({}));
    let settings = json!({ "project": { "name": "Wizard" }, "tech_stack": ["react"] });
    assert_eq!(
        ada.ok(Method::PUT, "/me/settings", Some(settings.clone()))
            .await,
        settings
    );
    ada.ok(Method::PUT, "/me/settings", Some(json!({ "only": 1 })))
        .await;
    assert_eq!(
        ada.ok(Method::GET, "/me/settings", None).await,
        json!({ "only": 1 })
    );
    assert_eq!(
        ada.ok(Method::GET, "/me/preferences", None).await,
        merged,
        "replacing settings keeps preferences"
    );
    let (status, body) = ada
        .call(Method::PUT, "/me/settings", Some(json!([1])))
        .await;
    assert_eq!((status, error_code(&body)), (400, "invalid_json"), "{body}");

    // History records generations, newest first, bounded by `limit`.
    assert_eq!(ada.ok(Method::GET, "/me/history", None).await, json!([]));
    for platform in ["github", "jira"] {
        ada.ok(
            Method::POST,
            "/tickets",
            Some(json!({ "url": link(), "platform": platform })),
        )
        .await;
    }
    let history = ada.ok(Method::GET, "/me/history", None).await;
    assert_eq!(history.as_array().unwrap().len(), 2);
    assert_eq!(history[0]["platform"], "jira");
    assert_eq!(history[0]["fileKey"], FILE_KEY);
    let one = ada.ok(Method::GET, "/me/history?limit=1", None).await;
    assert_eq!(one.as_array().unwrap().len(), 1);
    let (status, _) = ada.call(Method::GET, "/me/history?limit=many", None).await;
    assert_eq!(status, 400);

    // The Figma token: stored, reported, never returned, deleted.
    assert_eq!(
        ada.ok(Method::GET, "/me/figma-token", None).await,
        json!({ "configured": true })
    );
    let (status, _) = ada.call(Method::DELETE, "/me/figma-token", None).await;
    assert_eq!(status, 204);
    let (status, body) = ada.call(Method::DELETE, "/me/figma-token", None).await;
    assert_eq!((status, error_code(&body)), (404, "not_found"));
    assert_eq!(
        ada.ok(Method::GET, "/me/figma-token", None).await,
        json!({ "configured": false })
    );
    let (status, body) = ada
        .call(
            Method::POST,
            "/figma/context",
            Some(json!({ "url": link() })),
        )
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (401, "figma_token_missing"),
        "{body}"
    );
    let secret = "figd_personal_token_of_ada_0123456789abcdef";
    let stored = ada
        .send(
            Method::PUT,
            "/me/figma-token",
            Some(json!({ "token": secret })),
        )
        .await;
    assert_eq!(stored.status(), 200);
    assert!(!stored.text().await.unwrap().contains(secret));
    let status = ada.send(Method::GET, "/me/figma-token", None).await;
    assert!(!status.text().await.unwrap().contains(secret));
    let (status, body) = ada
        .call(
            Method::PUT,
            "/me/figma-token",
            Some(json!({ "token": secret, "scope": "x" })),
        )
        .await;
    assert_eq!((status, error_code(&body)), (400, "invalid_json"), "{body}");
    let (status, body) = ada
        .call(
            Method::PUT,
            "/me/figma-token",
            Some(json!({ "token": "has spaces" })),
        )
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (400, "invalid_figma_token"),
        "{body}"
    );
    let context = ada
        .ok(
            Method::POST,
            "/figma/context",
            Some(json!({ "url": link() })),
        )
        .await;
    assert!(
        context["total_nodes"].as_u64().unwrap() > 0,
        "the user's own token is used"
    );
}

#[tokio::test]
async fn figma_reports_tokens_and_tickets() {
    let (server, _figma, _redis) = start(|config| config).await;
    let ada = client(&server, "ada", "acme").await;

    let context = ada
        .ok(
            Method::POST,
            "/figma/context",
            Some(json!({ "url": link(), "max_bytes": 2000 })),
        )
        .await;
    assert!(context["bytes"].as_u64().unwrap() <= 2000);
    assert!(context["total_nodes"].as_u64().unwrap() > 0);
    assert!(!context["text"].as_str().unwrap().is_empty());

    for kind in [
        "project",
        "tokens",
        "compliance",
        "health",
        "effort",
        "relationships",
    ] {
        let report = ada
            .ok(
                Method::POST,
                &format!("/figma/analysis/{kind}"),
                Some(json!({ "url": link() })),
            )
            .await;
        assert_eq!(report["kind"], kind);
        assert!(report["report"].is_object(), "{kind}: {report}");
        assert!(!report["markdown"].as_str().unwrap().is_empty(), "{kind}");
    }
    let project = ada
        .ok(
            Method::POST,
            "/figma/analysis/project",
            Some(json!({ "fileKey": FILE_KEY })),
        )
        .await;
    assert_eq!(project["report"]["nodes"], 28, "the fixture has 28 nodes");
    let (status, body) = ada
        .call(
            Method::POST,
            "/figma/analysis/beauty",
            Some(json!({ "url": link() })),
        )
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (400, "invalid_report_kind"),
        "{body}"
    );

    for (format, content_type, marker) in [
        ("dtcg", "application/json", "{"),
        ("tailwind-v3", "application/json", "{"),
        ("css", "text/css; charset=utf-8", ":root"),
        ("tailwind", "text/css; charset=utf-8", "@theme"),
        ("scss", "text/x-scss; charset=utf-8", "$"),
    ] {
        let response = ada
            .send(
                Method::POST,
                &format!("/figma/tokens/{format}"),
                Some(json!({ "url": link() })),
            )
            .await;
        assert_eq!(response.status(), 200, "{format}");
        assert_eq!(response.headers()["content-type"], content_type, "{format}");
        let text = response.text().await.unwrap();
        assert!(text.contains(marker), "{format}: {text}");
        if content_type == "application/json" {
            serde_json::from_str::<Value>(&text).unwrap();
        }
    }
    let (status, body) = ada
        .call(
            Method::POST,
            "/figma/tokens/less",
            Some(json!({ "url": link() })),
        )
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (400, "invalid_token_format"),
        "{body}"
    );

    // One ticket, a batch, an epic.
    let one = ada
        .ok(
            Method::POST,
            "/tickets",
            Some(json!({ "url": link(), "platform": "github", "node_ids": [BUTTON], "format": "markdown" })),
        )
        .await;
    assert_eq!(one["format"], "markdown");
    assert_eq!(one["tickets"].as_array().unwrap().len(), 1);
    assert!(
        one["tickets"][0]["rendered"]
            .as_str()
            .unwrap()
            .contains("Loading Button")
    );
    let batch = ada
        .ok(
            Method::POST,
            "/tickets/batch",
            Some(json!({ "url": link(), "platform": "jira", "node_ids": [SPINNER, BUTTON] })),
        )
        .await;
    let titles: Vec<&str> = batch["tickets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["ticket"]["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles.len(), 2);
    assert!(
        titles[0].contains("Loading Spinner") && titles[1].contains("Loading Button"),
        "{titles:?}"
    );
    let epic = ada
        .ok(
            Method::POST,
            "/tickets/epic",
            Some(json!({ "url": link(), "platform": "jira" })),
        )
        .await;
    assert!(
        epic["tickets"].as_array().unwrap().len() > 2,
        "the epic and a child per frame"
    );
    assert!(epic["epic_summary"].is_object());

    for (route, body, code) in [
        (
            "/tickets",
            json!({ "url": link(), "node_ids": [SPINNER, BUTTON] }),
            "wrong_route",
        ),
        (
            "/tickets",
            json!({ "url": link(), "document_type": "epic" }),
            "wrong_route",
        ),
        (
            "/tickets/batch",
            json!({ "url": link() }),
            "missing_node_ids",
        ),
        (
            "/tickets",
            json!({ "url": "https://example.com/not-figma" }),
            "invalid_figma_url",
        ),
        (
            "/tickets",
            json!({ "fileKey": FILE_KEY, "node_id": "12:x" }),
            "invalid_node_id",
        ),
    ] {
        let (status, answer) = ada.call(Method::POST, route, Some(body.clone())).await;
        assert_eq!(
            (status, error_code(&answer)),
            (400, code),
            "{route} {body}: {answer}"
        );
    }
}

#[tokio::test]
async fn templates_and_overrides() {
    let (server, _figma, _redis) = start(|config| config).await;
    let ada = client(&server, "ada", "acme").await;

    let listing = ada.ok(Method::GET, "/templates", None).await;
    assert!(listing["templates"].as_array().unwrap().len() > 10);
    assert_eq!(listing["overrides"], json!([]));
    let builtin = ada
        .ok(Method::GET, "/templates/github/component", None)
        .await;
    assert_eq!(builtin["origin"], "builtin");

    let source = template_source(&ada, "ADA").await;
    let preview = ada
        .ok(
            Method::POST,
            "/templates/preview",
            Some(json!({ "source": source })),
        )
        .await;
    assert!(
        preview["rendered"].as_str().unwrap().contains("ADA for"),
        "{preview}"
    );
    let broken = ada
        .ok(
            Method::POST,
            "/templates/preview",
            Some(json!({ "source": "id: [" })),
        )
        .await;
    assert!(broken["rendered"].is_null());

    let user = ada
        .ok(
            Method::PUT,
            "/templates/github/component/overrides/user",
            Some(json!({ "source": source })),
        )
        .await;
    assert_eq!(user["origin"], "user");
    let org_source = template_source(&ada, "ACME").await;
    let org = ada
        .ok(
            Method::PUT,
            "/templates/github/component/overrides/org",
            Some(json!({ "source": org_source })),
        )
        .await;
    assert_eq!(org["origin"], "org", "an org override wins over the user's");
    let listing = ada.ok(Method::GET, "/templates", None).await;
    assert_eq!(listing["overrides"].as_array().unwrap().len(), 2);
    let tickets = ada
        .ok(
            Method::POST,
            "/tickets",
            Some(json!({ "url": link(), "platform": "github" })),
        )
        .await;
    assert!(
        tickets["tickets"][0]["rendered"]
            .as_str()
            .unwrap()
            .contains("ACME for")
    );

    let (status, _) = ada
        .call(
            Method::DELETE,
            "/templates/github/component/overrides/org",
            None,
        )
        .await;
    assert_eq!(status, 204);
    let after = ada
        .ok(Method::GET, "/templates/github/component", None)
        .await;
    assert_eq!(after["origin"], "user");
    let (status, _) = ada
        .call(
            Method::DELETE,
            "/templates/github/component/overrides/user",
            None,
        )
        .await;
    assert_eq!(status, 204);
    let (status, body) = ada
        .call(
            Method::DELETE,
            "/templates/github/component/overrides/user",
            None,
        )
        .await;
    assert_eq!((status, error_code(&body)), (404, "not_found"));

    for (verb, route, body, code) in [
        (
            Method::PUT,
            "/templates/github/component/overrides/team",
            json!({ "source": source }),
            "invalid_scope",
        ),
        (
            Method::PUT,
            "/templates/github/component/overrides/user",
            json!({ "source": "content: [" }),
            "invalid_template",
        ),
        (
            Method::PUT,
            "/templates/github/component/overrides/user",
            json!({ "sourc": source }),
            "invalid_json",
        ),
        (
            Method::GET,
            "/templates/myspace/component",
            Value::Null,
            "template_error",
        ),
    ] {
        let body = (!body.is_null()).then_some(body);
        let (status, answer) = ada.call(verb, route, body).await;
        assert_eq!(
            (status, error_code(&answer)),
            (400, code),
            "{route}: {answer}"
        );
    }
}

#[tokio::test]
async fn components_and_screenshots_round_trip_byte_for_byte() {
    let (server, _figma, _redis) = start(|config| config).await;
    let ada = client(&server, "ada", "acme").await;
    let component = format!("/components/{FILE_KEY}/2-15");

    let analysis = json!({ "analysis": { "complexity": 3 }, "metadata": { "by": "plugin" } });
    let stored = ada.ok(Method::PUT, &component, Some(analysis)).await;
    assert_eq!(stored["nodeId"], "2:15", "node ids are normalised");
    assert!(stored["screenshot"].is_null());
    let read = ada
        .ok(Method::GET, &format!("/components/{FILE_KEY}/2:15"), None)
        .await;
    assert_eq!(read["analysis"]["complexity"], 3);
    let (status, _, _) = ada.image(&format!("{component}/screenshot")).await;
    assert_eq!(status, 404, "no screenshot yet");

    // Raw PNG: stored and served back byte for byte, with its type; the analysis is kept.
    let (status, with_png) = ada
        .upload(
            &format!("{component}/screenshot"),
            "image/png",
            PNG.to_vec(),
        )
        .await;
    assert_eq!(status, 200, "{with_png}");
    assert_eq!(with_png["analysis"]["complexity"], 3);
    assert_eq!(with_png["screenshot"]["contentType"], "image/png");
    assert_eq!(with_png["screenshot"]["bytes"], PNG.len());
    let (status, content_type, bytes) = ada.image(&format!("{component}/screenshot")).await;
    assert_eq!((status, content_type.as_str()), (200, "image/png"));
    assert_eq!(bytes, PNG);
    let url = with_png["screenshot"]["url"].as_str().unwrap();
    let (status, content_type, bytes) = ada.image(url.trim_start_matches("/api/v1")).await;
    assert_eq!(
        (status, content_type.as_str(), bytes.as_slice()),
        (200, "image/png", PNG)
    );

    // A new analysis keeps the screenshot.
    let updated = ada
        .ok(
            Method::PUT,
            &component,
            Some(json!({ "analysis": { "complexity": 4 } })),
        )
        .await;
    assert_eq!(
        updated["screenshot"]["sha256"],
        with_png["screenshot"]["sha256"]
    );

    // Multipart JPEG replaces it.
    let boundary = "handoff-test-boundary";
    let (status, with_jpeg) = ada
        .upload(
            &format!("{component}/screenshot"),
            &format!("multipart/form-data; boundary={boundary}"),
            multipart(boundary, "screenshot", "image/jpeg", JPEG),
        )
        .await;
    assert_eq!(status, 200, "{with_jpeg}");
    assert_eq!(with_jpeg["screenshot"]["contentType"], "image/jpeg");
    assert_eq!(with_jpeg["analysis"]["complexity"], 4);
    let (status, content_type, bytes) = ada.image(&format!("{component}/screenshot")).await;
    assert_eq!(
        (status, content_type.as_str(), bytes.as_slice()),
        (200, "image/jpeg", JPEG)
    );

    // A screenshot for a node with no analysis yet creates the component.
    let (status, fresh) = ada
        .upload(
            &format!("/components/{FILE_KEY}/140:2/screenshot"),
            "image/jpeg",
            JPEG.to_vec(),
        )
        .await;
    assert_eq!(status, 200, "{fresh}");
    assert!(fresh["analysis"].is_null());

    // Rendered by Figma and stored in one call.
    let fetched = ada
        .ok(
            Method::POST,
            &format!("/components/{FILE_KEY}/2:19/screenshot/fetch"),
            None,
        )
        .await;
    assert_eq!(fetched["screenshot"]["contentType"], "image/png");
    let (status, content_type, bytes) = ada
        .image(&format!("/components/{FILE_KEY}/2:19/screenshot"))
        .await;
    assert_eq!(
        (status, content_type.as_str(), bytes.as_slice()),
        (200, "image/png", PNG)
    );
    let (status, body) = ada
        .call(
            Method::POST,
            &format!("/components/{FILE_KEY}/2:19/screenshot/fetch"),
            Some(json!({ "format": "svg" })),
        )
        .await;
    assert_eq!(
        (status, error_code(&body)),
        (400, "invalid_image_format"),
        "{body}"
    );

    for (content_type, body, expected) in [
        ("text/plain", PNG.to_vec(), (415, "unsupported_media_type")),
        ("image/png", b"not an image".to_vec(), (400, "bad_request")),
        (
            "multipart/form-data; boundary=b",
            b"--b\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nx\r\n--b--\r\n".to_vec(),
            (400, "missing_screenshot"),
        ),
    ] {
        let (status, answer) = ada
            .upload(&format!("{component}/screenshot"), content_type, body)
            .await;
        assert_eq!(
            (status, error_code(&answer)),
            expected,
            "{content_type}: {answer}"
        );
    }
    for route in [
        format!("/components/{FILE_KEY}/not-a-node"),
        format!("/components/{FILE_KEY}/not-a-node/screenshot"),
    ] {
        let (status, answer) = ada.call(Method::GET, &route, None).await;
        assert_eq!(
            (status, error_code(&answer)),
            (400, "invalid_node_id"),
            "{route}: {answer}"
        );
    }
    let (status, _) = ada.call(Method::GET, "/screenshots/NOT-A-HASH", None).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn another_user_or_org_gets_404_for_what_is_not_theirs() {
    let (server, _figma, _redis) = start(|config| config).await;
    let ada = client(&server, "ada", "acme").await;
    let bob = client(&server, "bob", "acme").await; // same org, another user
    let eve = client(&server, "eve", "umbrella").await; // another org

    let session = ada.ok(Method::POST, "/sessions", None).await;
    let id = session["sessionId"].as_str().unwrap();
    ada.ok(Method::POST, "/tickets", Some(json!({ "url": link() })))
        .await;
    let source = template_source(&ada, "ADA").await;
    for scope in ["user", "org"] {
        ada.ok(
            Method::PUT,
            &format!("/templates/github/component/overrides/{scope}"),
            Some(json!({ "source": source })),
        )
        .await;
    }
    let component = format!("/components/{FILE_KEY}/2:15");
    ada.ok(
        Method::PUT,
        &component,
        Some(json!({ "analysis": { "a": 1 } })),
    )
    .await;
    let (_, stored) = ada
        .upload(
            &format!("{component}/screenshot"),
            "image/png",
            PNG.to_vec(),
        )
        .await;
    let screenshot = format!(
        "/screenshots/{}",
        stored["screenshot"]["sha256"].as_str().unwrap()
    );

    // Sessions and user overrides are the user's: another user of the same org and another org
    // alike get 404.
    for other in [&bob, &eve] {
        for (verb, route) in [
            (Method::GET, format!("/sessions/{id}")),
            (Method::POST, format!("/sessions/{id}/refresh")),
            (Method::DELETE, format!("/sessions/{id}")),
            (
                Method::DELETE,
                "/templates/github/component/overrides/user".to_owned(),
            ),
        ] {
            let (status, body) = other.call(verb.clone(), &route, None).await;
            assert_eq!(status, 404, "{verb} {route}: {body}");
            assert!(
                error_code(&body).ends_with("not_found"),
                "{verb} {route}: {body}"
            );
        }
        assert_eq!(other.ok(Method::GET, "/sessions", None).await, json!([]));
        assert_eq!(other.ok(Method::GET, "/me/history", None).await, json!([]));
        let listing = other.ok(Method::GET, "/templates", None).await;
        assert!(
            listing["overrides"]
                .as_array()
                .unwrap()
                .iter()
                .all(|o| o["scope"] != "user"),
            "{listing}"
        );
    }

    // Components, screenshots and org overrides are the org's: shared with bob, 404 for eve.
    for (verb, route) in [
        (Method::GET, component.clone()),
        (Method::GET, format!("{component}/screenshot")),
        (Method::GET, screenshot.clone()),
        (
            Method::DELETE,
            "/templates/github/component/overrides/org".to_owned(),
        ),
    ] {
        let (status, body) = eve.call(verb.clone(), &route, None).await;
        assert_eq!(
            (status, error_code(&body)),
            (404, "not_found"),
            "{verb} {route}: {body}"
        );
    }
    let theirs = eve
        .ok(Method::GET, "/templates/github/component", None)
        .await;
    assert_eq!(theirs["origin"], "builtin");
    assert_eq!(
        bob.ok(Method::GET, &component, None).await["analysis"]["a"],
        1
    );
    let (status, _, bytes) = bob.image(&screenshot).await;
    assert_eq!((status, bytes.as_slice()), (200, PNG));
    let shared = bob
        .ok(Method::GET, "/templates/github/component", None)
        .await;
    assert_eq!(shared["origin"], "org");

    // Nothing of ada's was touched by the attempts.
    assert_eq!(
        ada.ok(Method::GET, &format!("/sessions/{id}"), None).await["sessionId"],
        id
    );
    let (status, _) = ada
        .call(
            Method::DELETE,
            "/templates/github/component/overrides/user",
            None,
        )
        .await;
    assert_eq!(status, 204);
}

#[tokio::test]
async fn routes_draw_on_their_groups_budget() {
    let (server, _figma, _redis) = start(|config| Config {
        rate_limits: RateLimits {
            reads_per_min: 600,
            generation_per_min: 2,
            figma_per_min: 1,
        },
        ..config
    })
    .await;
    let ada = client(&server, "ada", "acme").await;
    let preview = json!({ "source": "id: [" });
    for remaining in ["1", "0"] {
        let response = ada
            .send(Method::POST, "/templates/preview", Some(preview.clone()))
            .await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["ratelimit-limit"], "2");
        assert_eq!(response.headers()["ratelimit-remaining"], remaining);
    }
    let refused = ada
        .send(Method::POST, "/tickets", Some(json!({ "url": link() })))
        .await;
    assert_eq!(refused.status(), 429, "tickets share the generation budget");
    assert!(refused.headers().contains_key("retry-after"));
    let body: Value = refused.json().await.unwrap();
    assert_eq!(error_code(&body), "rate_limited");
    // Reads are a separate budget.
    let response = ada.send(Method::GET, "/templates", None).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["ratelimit-limit"], "600");
    // Rendering a screenshot draws on the Figma budget; a render the cache answers does not.
    let fetch = |node: &str| format!("/components/{FILE_KEY}/{node}/screenshot/fetch");
    ada.ok(Method::POST, &fetch(SPINNER), None).await;
    ada.ok(Method::POST, &fetch(SPINNER), None).await;
    let (status, body) = ada.call(Method::POST, &fetch(BUTTON), None).await;
    assert_eq!((status, error_code(&body)), (429, "rate_limited"));
}

/// Every `$ref` target in `value`.
fn refs(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get("$ref") {
                out.insert(target.clone());
            }
            map.values().for_each(|v| refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

#[tokio::test]
async fn the_openapi_document_describes_every_route() {
    let (server, _figma, _redis) = start(|config| config).await;

    let response = server.get("/api/v1/openapi.json").await;
    assert_eq!(response.status(), 200, "served without credentials");
    assert_eq!(response.headers()["content-type"], "application/json");
    let document: Value = response.json().await.unwrap();
    assert!(document["openapi"].as_str().unwrap().starts_with("3.1."));
    assert_eq!(document["info"]["title"], "handoff");
    assert_eq!(
        document["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    assert_eq!(document["security"], json!([{ "bearer": [] }]));

    let mut targets = BTreeSet::new();
    refs(&document, &mut targets);
    for target in &targets {
        assert!(
            document.pointer(target.trim_start_matches('#')).is_some(),
            "{target} does not resolve"
        );
    }

    // The operations, as (METHOD path).
    let mut operations = BTreeSet::new();
    let mut operation_ids = BTreeSet::new();
    for (route, item) in document["paths"].as_object().unwrap() {
        for (verb, operation) in item.as_object().unwrap() {
            operations.insert(format!("{} {route}", verb.to_uppercase()));
            let id = operation["operationId"].as_str().unwrap().to_owned();
            assert!(operation_ids.insert(id.clone()), "operationId {id} twice");
            assert!(
                operation["summary"].is_string(),
                "{verb} {route} has no summary"
            );
            let public = operation["security"] == json!([{}]);
            assert_eq!(public, route == "/api/v1/openapi.json", "{verb} {route}");
            if !public {
                assert!(operation["responses"]["401"].is_object(), "{verb} {route}");
                assert!(operation["responses"]["429"].is_object(), "{verb} {route}");
            }
        }
    }
    for expected in [
        "POST /api/v1/sessions",
        "GET /api/v1/sessions",
        "GET /api/v1/sessions/{id}",
        "DELETE /api/v1/sessions/{id}",
        "POST /api/v1/sessions/{id}/refresh",
        "GET /api/v1/me",
        "GET /api/v1/me/preferences",
        "PATCH /api/v1/me/preferences",
        "GET /api/v1/me/settings",
        "PUT /api/v1/me/settings",
        "GET /api/v1/me/history",
        "GET /api/v1/me/figma-token",
        "PUT /api/v1/me/figma-token",
        "DELETE /api/v1/me/figma-token",
        "GET /api/v1/templates",
        "GET /api/v1/templates/{platform}/{document_type}",
        "PUT /api/v1/templates/{platform}/{document_type}/overrides/{scope}",
        "DELETE /api/v1/templates/{platform}/{document_type}/overrides/{scope}",
        "POST /api/v1/templates/preview",
        "PUT /api/v1/components/{file_key}/{node_id}",
        "GET /api/v1/components/{file_key}/{node_id}",
        "PUT /api/v1/components/{file_key}/{node_id}/screenshot",
        "GET /api/v1/components/{file_key}/{node_id}/screenshot",
        "POST /api/v1/components/{file_key}/{node_id}/screenshot/fetch",
        "GET /api/v1/screenshots/{sha256}",
        "POST /api/v1/figma/context",
        "POST /api/v1/figma/analysis/{kind}",
        "POST /api/v1/figma/tokens/{format}",
        "POST /api/v1/tickets",
        "POST /api/v1/tickets/batch",
        "POST /api/v1/tickets/epic",
        "GET /api/v1/openapi.json",
    ] {
        assert!(
            operations.contains(expected),
            "{expected} is not documented"
        );
    }

    // Every documented operation is routed: an unauthenticated call reaches the guard (401), not
    // the router's fallback (404 "no such route") or a method mismatch (405).
    for operation in &operations {
        let (verb, route) = operation.split_once(' ').unwrap();
        let concrete = route
            .replace("{file_key}", FILE_KEY)
            .replace("{node_id}", "1:2")
            .replace("{platform}", "github")
            .replace("{document_type}", "component")
            .replace("{scope}", "user")
            .replace("{sha256}", &"a".repeat(64))
            .replace("{id}", "x")
            .replace("{kind}", "project")
            .replace("{format}", "css");
        assert!(!concrete.contains('{'), "{route} has an unknown parameter");
        let response = server
            .client
            .request(
                Method::from_bytes(verb.as_bytes()).unwrap(),
                server.url(&concrete),
            )
            .send()
            .await
            .unwrap();
        let expected = if route == "/api/v1/openapi.json" {
            200
        } else {
            401
        };
        assert_eq!(response.status(), expected, "{operation}");
    }
}
