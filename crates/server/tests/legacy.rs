//! The legacy plugin contract end to end: a running server with a real redis-server store and a
//! fake Figma API (wiremock) serving a real fixture file. The request bodies are the plugin's own,
//! from legacy-api.md §8, and every field the plugin reads is checked.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{
    FILE_KEY, TestServer, error_code, fixture, redis_config, serve_fixture_file, status_and_json,
};
use handoff_app::Config;
use handoff_app::config::{AuthMode, RateLimits, Secret};
use handoff_test_support::RedisServer;
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The key the old plugin substituted when it did not know the file's (legacy-api §11).
const AUTHOR_KEY: &str = "BioUSVD6t51ZNeG0g9AcNz";
/// The fixture's real numbers (SOURCES.md).
const FIXTURE_NODES: u64 = 28;
const FIXTURE_COMPONENTS: u64 = 11;
const RENDER_URL: &str = "https://figma-alpha-api.s3.us-west-2.amazonaws.com/images/loading-button";

struct Harness {
    server: TestServer,
    figma: MockServer,
    _redis: RedisServer,
}

impl Harness {
    async fn start() -> Self {
        Self::with_limits(RateLimits {
            reads_per_min: 10_000,
            generation_per_min: 10_000,
            figma_per_min: 10_000,
        })
        .await
    }

    async fn with_limits(rate_limits: RateLimits) -> Self {
        let redis = RedisServer::start();
        let figma = fake_figma().await;
        let config = Config {
            figma_api_base: figma.uri(),
            figma_token: Some(Secret::new("figd_test_token")),
            rate_limits,
            ..redis_config(&redis)
        };
        Self {
            server: TestServer::start(config).await,
            figma,
            _redis: redis,
        }
    }

    /// `POST /` with the plugin's `{method, params}` body, as text/plain (the plugin's fetch
    /// sometimes sends that); returns status and JSON body.
    async fn call(&self, body: &Value) -> (u16, Value) {
        self.post_raw("/", body.to_string()).await
    }

    async fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        self.post_raw(path, body.to_string()).await
    }

    async fn post_raw(&self, path: &str, body: impl Into<reqwest::Body>) -> (u16, Value) {
        status_and_json(self.send(path, body).await).await
    }

    /// `POST path` as text/plain, returning the whole response.
    async fn send(&self, path: &str, body: impl Into<reqwest::Body>) -> reqwest::Response {
        self.server
            .client
            .post(self.server.url(path))
            .header("content-type", "text/plain;charset=UTF-8")
            .body(body)
            .send()
            .await
            .unwrap()
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        let response = self
            .server
            .client
            .get(self.server.url(path))
            .header("content-type", "application/json")
            .send()
            .await
            .unwrap();
        status_and_json(response).await
    }
}

/// The fixture's node `id` with its subtree, found depth-first.
fn subtree<'a>(node: &'a Value, id: &str) -> Option<&'a Value> {
    if node["id"] == id {
        return Some(node);
    }
    node["children"]
        .as_array()?
        .iter()
        .find_map(|child| subtree(child, id))
}

/// Figma's REST API as documented: the fixture file, its node `2:15` (Loading Button), a render
/// URL for that node, and 404 for any other file.
async fn fake_figma() -> MockServer {
    let server = MockServer::start().await;
    serve_fixture_file(&server).await;
    let file = fixture();
    let node = subtree(&file["document"], "2:15").unwrap().clone();
    let nodes = json!({
        "name": file["name"], "lastModified": file["lastModified"], "version": "42",
        "nodes": {"2:15": {"document": node, "components": file["components"],
                           "componentSets": file["componentSets"],
                           "schemaVersion": 0, "styles": {}}}
    });
    Mock::given(method("GET"))
        .and(path(format!("/v1/files/{FILE_KEY}/nodes")))
        .and(query_param("ids", "2:15"))
        .respond_with(ResponseTemplate::new(200).set_body_json(nodes))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/images/{FILE_KEY}")))
        .and(query_param("ids", "2:15"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"err": null, "images": {"2:15": RENDER_URL}})),
        )
        .named("render of 2:15")
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/images/{FILE_KEY}")))
        .and(query_param("ids", "9:99"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"err": null, "images": {"9:99": null}})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/files/{AUTHOR_KEY}/meta")))
        .respond_with(
            ResponseTemplate::new(404).set_body_json(json!({"status": 404, "err": "Not found"})),
        )
        .mount(&server)
        .await;
    server
}

/// What the plugin shows: the `type: "text"` items of `content` joined by blank lines. Every text
/// must be a string (the old server sometimes sent objects).
fn plugin_text(body: &Value) -> String {
    let content = body["content"]
        .as_array()
        .unwrap_or_else(|| panic!("content is an array: {body}"));
    assert!(!content.is_empty(), "{body}");
    content
        .iter()
        .map(|item| {
            assert_eq!(item["type"], "text", "{body}");
            item["text"]
                .as_str()
                .unwrap_or_else(|| panic!("text is a string: {body}"))
                .to_owned()
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// The old server's author data and demo constants, none of which may appear (legacy-api §11).
fn assert_no_demo_data(text: &str) {
    for leftover in [
        "Solidigm",
        "Dayani",
        AUTHOR_KEY,
        "company.com",
        "#667eea",
        "Design System Project",
        "156 components",
        "87%",
    ] {
        assert!(!text.contains(leftover), "{leftover:?} in:\n{text}");
    }
}

fn file_url() -> String {
    format!("https://www.figma.com/design/{FILE_KEY}/Wizard-demo")
}

/// Legacy-api §8 A: the plugin's AI payload (one COMPONENT frame, a screenshot data URL).
fn body_a() -> Value {
    json!({
      "enhancedFrameData": [{
        "id": "1234:5678", "name": "Primary Button", "type": "COMPONENT",
        "x": 120, "y": 48, "width": 160, "height": 48, "visible": true, "locked": false,
        "dimensions": {"width": 160, "height": 48, "x": 120, "y": 48},
        "fills": [{"type": "SOLID", "color": {"r": 26, "g": 115, "b": 232}, "hex": "#1a73e8"}],
        "hierarchy": {
          "layers": [{"id": "1234:5679", "name": "Label", "type": "TEXT", "depth": 2,
                      "position": {"x": 16, "y": 14}, "size": {"width": 128, "height": 20},
                      "visible": true, "semanticRole": "text",
                      "tokens": {"colors": ["#ffffff"], "typography": ["Inter-16px-Semi Bold"],
                                 "spacing": [4], "borderRadius": [], "shadows": []}}],
          "totalDepth": 2, "componentCount": 1, "textLayerCount": 1,
          "designTokens": {"colors": ["#1a73e8", "#ffffff"], "typography": ["Inter-16px-Semi Bold"],
                           "spacing": [4, 8, 16, 24], "borderRadius": [8], "shadows": ["0px 2px 4px"]}},
        "metadata": {"colors": ["#1a73e8"], "semanticRole": "component-definition",
                     "extractedAt": "2025-10-30T18:00:00.000Z", "figmaType": "COMPONENT",
                     "hasText": false, "isComponent": true, "childCount": 1}
      }],
      "screenshot": "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
      "figmaUrl": "https://www.figma.com/design/AbCdEf1234567890/Shop",
      "techStack": "React, TypeScript, Storybook",
      "documentType": "component",
      "projectName": "Shop",
      "fileContext": {"fileKey": "AbCdEf1234567890", "fileName": "Shop", "pageId": "0:1", "pageName": "Components"},
      "metadata": {"selectionCount": 1, "pageInfo": {"id": "0:1", "name": "Components"}},
      "useAI": true,
      "platform": "jira",
      "teamStandards": {"tech_stack": ["React", "TypeScript", "Vite"], "testing_framework": "jest-rtl",
                        "accessibility_level": "wcag-aa", "documentation_format": "markdown", "code_style": "prettier"}
    })
}

/// Legacy-api §8 B: the first plugin's template-ticket call.
fn body_b() -> Value {
    json!({"method": "generate_template_tickets",
     "params": {
       "frameData": [{"id": "1234:5678", "name": "Primary Button", "type": "COMPONENT", "width": 160, "height": 48,
                      "hierarchy": {"componentCount": 1, "textLayerCount": 1, "totalDepth": 2,
                                    "designTokens": {"colors": ["#1a73e8", "#ffffff"], "typography": ["Inter-16px-Semi Bold"],
                                                     "spacing": [4, 8, 16], "borderRadius": [8], "shadows": []}}}],
       "figmaContext": {"component_name": "Primary Button", "frame_id": "1234:5678"},
       "platform": "jira", "documentType": "component", "projectName": "Shop",
       "teamStandards": {"tech_stack": ["React", "TypeScript"], "testing_framework": "jest-rtl",
                         "accessibility_level": "wcag-aa", "documentation_format": "markdown", "code_style": "prettier"}}})
}

/// Legacy-api §8 C: "Preview Context & Generate" of the second plugin, for `figma_url`.
fn body_c(figma_url: &str) -> Value {
    json!({"method": "generate_enhanced_ticket",
     "params": {"figmaUrl": figma_url,
                "techStack": "React + TypeScript", "platform": "jira", "documentType": "component",
                "visualContext": {"hasScreenshot": true, "description": "Screenshot of 1 selected elements"},
                "selectionCount": 1}})
}

#[tokio::test]
async fn get_root_reports_the_real_server_and_every_tool_name() {
    let h = Harness::start().await;
    let (status, info) = h.get("/").await;
    assert_eq!(status, 200, "{info}");
    assert_eq!(info["name"], "handoff");
    assert_eq!(info["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(info["status"], "running");
    assert!(info["timestamp"].as_str().unwrap().ends_with('Z'), "{info}");
    assert!(info["uptime"].is_u64());
    assert_eq!(info["storage"]["backend"], "redis");
    assert_eq!(info["storage"]["connected"], true);
    assert_eq!(info["ai"]["configured"], false);
    assert_eq!(info["features"]["visualEnhancedAI"], false);
    let tools: Vec<&str> = info["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    for name in [
        // L1's seven, the two it omitted, and L2's six.
        "analyze_project",
        "generate_tickets",
        "check_compliance",
        "generate_enhanced_ticket",
        "generate_ai_ticket",
        "analyze_design_health",
        "generate_template_tickets",
        "test_ai_services",
        "generate_visual_enhanced_ticket",
        "project_analyzer",
        "ticket_generator",
        "compliance_checker",
        "batch_processor",
        "effort_estimator",
        "relationship_mapper",
    ] {
        assert!(tools.contains(&name), "{name} missing from {tools:?}");
    }
    assert_eq!(tools.len(), 15);

    let (status, health) = h.get("/api/figma/health").await;
    assert_eq!(status, 200);
    assert_eq!(health["status"], "healthy");
    assert_eq!(health["service"], "Figma Screenshot API");
    assert_eq!(health["figmaTokenConfigured"], true);
    assert_eq!(
        health["endpoints"],
        json!({"screenshot": "/api/figma/screenshot", "health": "/api/figma/health"})
    );
}

#[tokio::test]
async fn info_routes_are_open_but_calls_need_a_credential_when_auth_is_required() {
    let server = TestServer::start(Config {
        auth: AuthMode::Required,
        ..Config::default()
    })
    .await;
    for path in ["/", "/api/figma/health"] {
        let response = server.get(path).await;
        assert_eq!(response.status(), 200, "{path}");
    }
    let health: Value = server.get("/api/figma/health").await.json().await.unwrap();
    assert_eq!(health["figmaTokenConfigured"], false);
    for (path, body) in [
        ("/", json!({"method": "test_ai_services"})),
        ("/api/generate-ticket", json!({"frameData": []})),
        ("/api/generate-ai-ticket-direct", body_a()),
    ] {
        let response = server
            .client
            .post(server.url(path))
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401, "{path}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(error_code(&body), "unauthenticated", "{body}");
    }
    let response = server
        .get("/api/figma/screenshot?fileKey=x&nodeId=1:2")
        .await;
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn cors_preflight_from_the_plugins_null_origin_is_allowed() {
    let h = Harness::start().await;
    for (path, verb) in [
        ("/", "POST"),
        ("/", "GET"),
        ("/api/generate-ai-ticket-direct", "POST"),
        ("/api/figma/screenshot", "GET"),
    ] {
        let response = h
            .server
            .client
            .request(reqwest::Method::OPTIONS, h.server.url(path))
            .header("origin", "null")
            .header("access-control-request-method", verb)
            .header(
                "access-control-request-headers",
                "content-type,authorization",
            )
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{path} {verb}");
        let headers = response.headers();
        assert_eq!(headers["access-control-allow-origin"], "null");
        let allowed = headers["access-control-allow-headers"].to_str().unwrap();
        assert!(
            allowed == "*" || allowed.contains("content-type"),
            "{allowed}"
        );
    }
    // The actual request from the null origin carries the header too.
    let response = h
        .server
        .client
        .post(h.server.url("/"))
        .header("origin", "null")
        .body(json!({"method": "test_ai_services"}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["access-control-allow-origin"], "null");
}

#[tokio::test]
async fn analysis_methods_report_the_real_file_not_demo_numbers() {
    let h = Harness::start().await;
    let url = file_url();

    let (status, body) = h
        .call(&json!({"method": "analyze_project", "params": {"figmaUrl": url, "scope": "file"}}))
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("isError").is_none(), "{body}");
    let project = plugin_text(&body);
    assert!(
        project.starts_with("# Project Analysis Results"),
        "{project}"
    );
    for row in [
        format!("| Nodes | {FIXTURE_NODES} |"),
        format!("| Components | {FIXTURE_COMPONENTS} |"),
        "| Component sets | 4 |".to_owned(),
    ] {
        assert!(project.contains(&row), "{row}:\n{project}");
    }
    assert_no_demo_data(&project);

    // The later tool name over tools/call runs the same analysis.
    let (status, body) = h
        .call(&json!({"method": "tools/call",
                      "params": {"name": "project_analyzer", "arguments": {"figmaUrl": url}}}))
        .await;
    assert_eq!(status, 200);
    assert_eq!(plugin_text(&body), project);

    let (status, body) = h
        .call(&json!({"method": "check_compliance", "params": {"figmaUrl": url, "categories": ["all"]}}))
        .await;
    assert_eq!(status, 200, "{body}");
    let compliance = plugin_text(&body);
    for heading in [
        "# Design System Compliance Report",
        "Overall Compliance Score",
        "Color Compliance",
        "Typography Compliance",
    ] {
        assert!(compliance.contains(heading), "{heading}:\n{compliance}");
    }
    assert_no_demo_data(&compliance);

    // Some categories only: the others are neither shown nor scored.
    let (status, body) = h
        .call(&json!({"method": "check_compliance",
                      "params": {"figmaUrl": url, "categories": ["typography"]}}))
        .await;
    assert_eq!(status, 200, "{body}");
    let typography = plugin_text(&body);
    assert!(typography.contains("Typography Compliance"), "{typography}");
    assert!(!typography.contains("Color Compliance"), "{typography}");
    let (status, body) = h
        .call(&json!({"method": "check_compliance",
                      "params": {"figmaUrl": url, "categories": ["colour"]}}))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["isError"], true, "{body}");
    assert!(
        plugin_text(&body).contains("unknown category \"colour\": use all, color, typography"),
        "{body}"
    );

    let (status, body) = h
        .call(&json!({"method": "analyze_design_health",
                      "params": {"fileKey": FILE_KEY, "analysisDepth": "standard"}}))
        .await;
    assert_eq!(status, 200, "{body}");
    let health = plugin_text(&body);
    assert!(
        health.contains("# 📊 Design System Health Report"),
        "{health}"
    );
    assert!(
        health.contains("| Category | Score | Grade | Compliant | Total | Issues |"),
        "{health}"
    );

    let (status, body) = h
        .call(&json!({"method": "tools/call",
                      "params": {"name": "relationship_mapper", "arguments": {"figmaUrl": url, "depth": 2}}}))
        .await;
    assert_eq!(status, 200, "{body}");
    let relationships = plugin_text(&body);
    // The fixture's real components.
    for component in [
        "11 components",
        "Loading Button (`2:15`)",
        "Card.Foo",
        "Loading Spinner",
    ] {
        assert!(
            relationships.contains(component),
            "{component}:\n{relationships}"
        );
    }

    let (status, body) = h
        .call(&json!({"method": "tools/call",
                      "params": {"name": "effort_estimator",
                                 "arguments": {"frameData": body_a()["enhancedFrameData"], "complexity": "complex"}}}))
        .await;
    assert_eq!(status, 200, "{body}");
    let effort = plugin_text(&body);
    assert!(
        effort.contains("16 hours"),
        "complexity overrides:\n{effort}"
    );
    assert!(!effort.contains("4-6 hours"), "{effort}");
}

#[tokio::test]
async fn template_tickets_from_the_first_plugin_use_the_frames_sent() {
    let h = Harness::start().await;
    let (status, body) = h.call(&body_b()).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("isError").is_none(), "{body}");
    let ticket = plugin_text(&body);
    assert!(ticket.contains("Primary Button"), "{ticket}");
    assert!(ticket.contains("React"), "team tech stack used:\n{ticket}");
    assert_no_demo_data(&ticket);

    // Several frames: the old implementation plan with one section per component and totals.
    let mut several = body_b();
    let mut second = several["params"]["frameData"][0].clone();
    second["id"] = json!("1234:9999");
    second["name"] = json!("Search Field");
    several["params"]["frameData"]
        .as_array_mut()
        .unwrap()
        .push(second);
    let (status, body) = h.call(&several).await;
    assert_eq!(status, 200, "{body}");
    let plan = plugin_text(&body);
    assert!(
        plan.starts_with("# 🚀 Shop - Implementation Plan"),
        "{plan}"
    );
    assert!(
        plan.contains("## Component 1") && plan.contains("## Component 2"),
        "{plan}"
    );
    assert!(
        plan.contains("Search Field") && plan.contains("## 📋 Project Summary"),
        "{plan}"
    );

    // No frames and no link: the old empty state, not an error.
    let (status, body) = h
        .call(&json!({"method": "generate_template_tickets", "params": {"frameData": []}}))
        .await;
    assert_eq!(status, 200);
    assert!(plugin_text(&body).starts_with("# No Components Selected"));

    // ticket_generator over tools/call takes the same path.
    let (status, body) = h
        .call(&json!({"method": "tools/call", "params": {"name": "ticket_generator",
                      "arguments": {"frameData": body_b()["params"]["frameData"], "platform": "github",
                                    "documentType": "feature"}}}))
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(plugin_text(&body).contains("Primary Button"), "{body}");
}

#[tokio::test]
async fn ai_ticket_payload_is_answered_from_templates_and_says_so() {
    let h = Harness::start().await;

    // The mock-data test of both plugin UIs: body A minus platform and teamStandards, on POST /.
    let mut params = body_a();
    let object = params.as_object_mut().unwrap();
    object.remove("platform");
    object.remove("teamStandards");
    let (status, body) = h
        .call(&json!({"method": "generate_ai_ticket", "params": params}))
        .await;
    assert_eq!(status, 200, "{body}");
    let text = plugin_text(&body);
    assert!(
        text.contains("Primary Button"),
        "the frames are used:\n{text}"
    );
    assert_no_demo_data(&text);
    assert_eq!(body["metadata"]["generationType"], "template");
    assert_eq!(body["metadata"]["aiModel"], Value::Null);
    assert_eq!(body["metadata"]["visualContext"]["hasScreenshot"], true);
    assert_eq!(body["metadata"]["visualContext"]["colorPaletteSize"], 2);

    // The second plugin's direct route with the full body A.
    let (status, body) = h.post("/api/generate-ai-ticket-direct", &body_a()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["success"], true);
    let ticket = body["generatedTicket"].as_str().unwrap();
    assert!(ticket.contains("Primary Button"), "{ticket}");
    assert_eq!(plugin_text(&body), ticket);
    assert_eq!(body["source"], "Template Manager");
    assert_eq!(body["isFallback"], true);
    assert!(
        body["fallbackReason"]
            .as_str()
            .unwrap()
            .contains("no AI provider")
    );
    let confidence = body["confidence"].as_f64().unwrap();
    assert!(
        (0.0..=1.0).contains(&confidence) && confidence > 0.0,
        "{confidence}"
    );
    let metadata = &body["metadata"];
    assert_eq!(metadata["platform"], "jira");
    assert_eq!(metadata["documentType"], "component");
    assert_eq!(
        metadata["techStack"],
        json!(["React", "TypeScript", "Vite"])
    );
    assert_eq!(metadata["hasScreenshot"], true);
    assert!(metadata["timestamp"].is_string());

    // No frames: the old 400 and its exact wording.
    for frames in [json!([]), Value::Null] {
        let mut body = body_a();
        body["enhancedFrameData"] = frames;
        let (status, error) = h.post("/api/generate-ai-ticket-direct", &body).await;
        assert_eq!(status, 400, "{error}");
        assert_eq!(error["error"], "Enhanced frame data is required");
        assert_eq!(error["details"], "No frame data provided for AI generation");
    }
    let (status, error) = h
        .post_raw(
            "/api/generate-ai-ticket-direct",
            "{\"enhancedFrameData\": [",
        )
        .await;
    assert_eq!(status, 400, "{error}");
    assert!(
        error["details"].as_str().unwrap().contains("JSON"),
        "{error}"
    );
}

#[tokio::test]
async fn enhanced_ticket_fetches_the_node_and_returns_strings_and_boilerplate() {
    let h = Harness::start().await;

    // Body C as sent, but for a node of the file (the plugin's URL with the node-id it selected).
    let url = format!("{}?node-id=2-15&t=team123", file_url());
    let (status, body) = h.call(&body_c(&url)).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("isError").is_none(), "{body}");
    let ticket = body["ticket"].as_str().expect("ticket is a string");
    assert!(ticket.contains("Loading Button"), "{ticket}");
    assert_eq!(plugin_text(&body), ticket);
    assert_eq!(body["isFallback"], false);
    let boilerplate = &body["boilerplateCode"];
    for part in ["component", "styles", "tests", "story"] {
        assert!(boilerplate[part].is_string(), "{part}: {boilerplate}");
    }
    assert!(
        boilerplate["types"].is_string(),
        "TypeScript stack gets types: {boilerplate}"
    );
    assert!(
        boilerplate["component"]
            .as_str()
            .unwrap()
            .contains("LoadingButton")
    );

    // The old plugin's substituted author key: a clear tool error naming the problem, not a 500.
    let author = format!("https://www.figma.com/design/{AUTHOR_KEY}/Shop?t=team123");
    let (status, body) = h.call(&body_c(&author)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["isError"], true);
    let message = plugin_text(&body);
    assert!(
        message.starts_with("Error executing method \"generate_enhanced_ticket\""),
        "{message}"
    );
    assert!(message.contains(AUTHOR_KEY), "{message}");

    // The richer form with the plugin's selection needs no Figma call at all.
    let (status, body) = h
        .call(&json!({"method": "generate_enhanced_ticket", "params": {
            "techStack": "React", "documentType": "component",
            "figmaContext": {"fileKey": "dev-file", "fileName": "Shop", "hasSelection": true,
                "selection": [{"id": "1234:5678", "name": "Primary Button", "type": "COMPONENT",
                               "textContent": [{"content": "Buy now", "style": "Inter 16"}],
                               "colors": ["#1a73e8", "#ffffff"], "dimensions": {"width": 160, "height": 48},
                               "nodeCount": 3, "pageName": "Components", "hasPrototype": false,
                               "components": ["Icon"]}]}}}))
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body["ticket"].as_str().unwrap().contains("Primary Button"),
        "{body}"
    );
    assert!(
        body["boilerplateCode"].get("types").is_none(),
        "plain React gets no types: {body}"
    );
}

#[tokio::test]
async fn visual_ticket_and_ai_status_follow_the_old_formulas_truthfully() {
    let h = Harness::start().await;
    let (status, body) = h
        .call(
            &json!({"method": "generate_visual_enhanced_ticket", "params": {
            "figmaContext": {"selection": [{"id": "1:2", "name": "Checkout Card", "type": "FRAME",
                                            "width": 320, "height": 200}],
                             "fileKey": FILE_KEY, "fileName": "Shop", "pageName": "Components"},
            "visualContext": {
                "screenshot": {"base64": "iVBORw0KGgo=", "format": "png",
                               "resolution": {"width": 640, "height": 400}, "size": 8},
                "visualDesignContext": {
                    "colorPalette": [{"hex": "#1a73e8", "usage": ["fill"], "count": 3}],
                    "typography": {"fonts": ["Inter"], "sizes": [16], "weights": [600]},
                    "spacing": {"measurements": [8, 16], "patterns": ["8px grid"]}}},
            "hierarchicalData": {"components": [{"name": "Button", "masterComponent": "Button"}]},
            "options": {"documentType": "component", "techStack": "React TypeScript"}}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let ticket = body["ticket"].as_str().unwrap();
    assert!(
        ticket.starts_with("# 🎨 Visual-Enhanced Checkout Card Implementation"),
        "{ticket}"
    );
    // 3 for the screenshot + palette, fonts, spacing patterns, components; 60+25+4·5 capped at 95.
    assert_eq!(
        body["enhancedContext"],
        json!({"hasScreenshot": true, "visualDataPoints": 7, "confidence": 95})
    );

    let (status, body) = h.call(&json!({"method": "test_ai_services"})).await;
    assert_eq!(status, 200);
    let report = plugin_text(&body);
    assert!(
        report.starts_with("# 🧠 AI Services Status Report"),
        "{report}"
    );
    assert!(!report.contains('✅'), "no provider is claimed:\n{report}");
}

#[tokio::test]
async fn tools_list_declares_the_six_tools_with_their_old_schemas() {
    let h = Harness::start().await;
    let (status, body) = h.call(&json!({"method": "tools/list"})).await;
    assert_eq!(status, 200);
    let tools = body["tools"].as_array().unwrap();
    let names: Vec<&str> = tools.iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "project_analyzer",
            "ticket_generator",
            "compliance_checker",
            "batch_processor",
            "effort_estimator",
            "relationship_mapper"
        ]
    );
    let schema =
        |name: &str| tools.iter().find(|t| t["name"] == name).unwrap()["inputSchema"].clone();
    assert_eq!(schema("project_analyzer")["required"], json!(["figmaUrl"]));
    assert_eq!(
        schema("batch_processor")["required"],
        json!(["frames", "operation"])
    );
    assert_eq!(
        schema("ticket_generator")["properties"]["platform"]["enum"],
        json!(["jira", "github", "linear", "notion", "ui"])
    );

    // A required field missing is the tool's error (200 + isError), naming the field.
    let (status, body) = h
        .call(&json!({"method": "tools/call", "params": {"name": "compliance_checker", "arguments": {}}}))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["isError"], true);
    assert!(plugin_text(&body).contains("figmaUrl"), "{body}");

    // A legacy method name through tools/call, with its params inline (no `arguments`).
    let (status, body) = h
        .call(
            &json!({"method": "tools/call", "params": {"name": "batch_processor",
                      "frames": body_a()["enhancedFrameData"], "operation": "estimate"}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let text = plugin_text(&body);
    assert!(text.starts_with("# ⚡ Batch Processing Complete"), "{text}");
    assert!(text.contains("Primary Button"), "{text}");
}

#[tokio::test]
async fn malformed_calls_get_a_clear_400_in_the_old_shape() {
    let h = Harness::start().await;
    let cases: [(&str, &str); 9] = [
        ("not JSON", "{method: analyze_project}"),
        ("empty body", ""),
        (
            "truncated",
            "{\"method\": \"analyze_project\", \"params\": {",
        ),
        ("not an object", "[1, 2, 3]"),
        ("method is not a string", "{\"method\": 42}"),
        ("no method", "{\"params\": {}}"),
        (
            "unknown method",
            "{\"method\": \"make_coffee\", \"params\": {}}",
        ),
        (
            "JSON-RPC belongs on /mcp",
            "{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"tools/list\"}",
        ),
        (
            "tools/call without a name",
            "{\"method\": \"tools/call\", \"params\": {\"arguments\": {}}}",
        ),
    ];
    for (case, body) in cases {
        let (status, reply) = h.post_raw("/", body.to_owned()).await;
        assert_eq!(status, 400, "{case}: {reply}");
        assert_eq!(reply["isError"], true, "{case}: {reply}");
        assert!(!plugin_text(&reply).is_empty(), "{case}");
    }
    let (_, reply) = h
        .post_raw("/", "{\"method\": \"make_coffee\"}".to_owned())
        .await;
    assert_eq!(plugin_text(&reply), "Unknown method: make_coffee");
    let (_, reply) = h
        .post_raw(
            "/",
            "{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"tools/list\"}".to_owned(),
        )
        .await;
    assert!(plugin_text(&reply).contains("/mcp"), "{reply}");

    // Non-UTF-8 bytes.
    let (status, reply) = h.post_raw("/", vec![0xff_u8, 0xfe, 0x7b]).await;
    assert_eq!(status, 400, "{reply}");
    assert_eq!(reply["isError"], true);

    // A method without params runs with the defaults (the second old server answered 500).
    let (status, reply) = h.call(&json!({"method": "generate_tickets"})).await;
    assert_eq!(status, 200, "{reply}");
    assert!(plugin_text(&reply).starts_with("# No Components Selected"));

    // A bad argument is the method's error: 200 with an actionable message.
    let (status, reply) = h
        .call(&json!({"method": "analyze_project", "params": {"figmaUrl": "https://example.com/not-figma"}}))
        .await;
    assert_eq!(status, 200, "{reply}");
    assert_eq!(reply["isError"], true);
    assert!(
        plugin_text(&reply).starts_with("Error executing method \"analyze_project\""),
        "{reply}"
    );

    // Unknown paths and wrong verbs are JSON errors too.
    let (status, reply) = h.get("/api/nothing-here").await;
    assert_eq!(status, 404);
    assert_eq!(error_code(&reply), "not_found");
    let response = h
        .server
        .client
        .put(h.server.url("/api/generate-ticket"))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
}

#[tokio::test]
async fn generate_ticket_route_names_the_ticket_after_the_first_frame() {
    let h = Harness::start().await;
    let frames = body_b()["params"]["frameData"].clone();
    let (status, body) = h
        .post(
            "/api/generate-ticket",
            &json!({
            "frameData": frames, "platform": "jira", "documentType": "component",
            "teamStandards": {"tech_stack": "React"},
            "fileContext": {"fileKey": "dev-file", "fileName": "Shop"}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["success"], true);
    let ticket = body["ticket"].as_str().unwrap();
    assert!(
        ticket.contains("Primary Button"),
        "not \"Component\":\n{ticket}"
    );
    assert_eq!(plugin_text(&body), ticket);
    assert_no_demo_data(ticket);
    assert!(body["timestamp"].is_string());
    assert_eq!(
        body["metadata"],
        json!({"platform": "jira", "documentType": "component", "techStack": "React"})
    );

    // The template-matrix test: the link in figmaContext, wiki document type, no tech stack.
    let url = format!("{}?node-id=2-15", file_url());
    let (status, body) = h
        .post(
            "/api/generate-ticket",
            &json!({
            "platform": "confluence", "documentType": "wiki",
            "figmaContext": {"figmaUrl": url}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(plugin_text(&body).contains("Loading Button"), "{body}");
    assert_eq!(body["metadata"]["techStack"], "Not specified");

    // Refusals are 4xx with the old `success: false` shape and a reason.
    for (case, raw) in [
        ("not JSON", "platform=jira".to_owned()),
        (
            "nothing to generate from",
            json!({"platform": "jira"}).to_string(),
        ),
        (
            "unknown platform",
            json!({"frameData": frames, "platform": "myspace"}).to_string(),
        ),
        (
            "teamStandards of the wrong type",
            json!({"frameData": frames, "teamStandards": {"tech_stack": 7}}).to_string(),
        ),
    ] {
        let (status, body) = h.post_raw("/api/generate-ticket", raw).await;
        assert_eq!(status, 400, "{case}: {body}");
        assert_eq!(body["success"], false, "{case}");
        assert!(!body["error"].as_str().unwrap().is_empty(), "{case}");
    }
}

#[tokio::test]
async fn screenshot_route_returns_figmas_render_url_and_caches_it() {
    let h = Harness::start().await;
    let (status, body) = h
        .get(&format!(
            "/api/figma/screenshot?fileKey={FILE_KEY}&nodeId=2-15&scale=2&format=png"
        ))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["success"], true);
    assert_eq!(body["imageUrl"], RENDER_URL);
    assert_eq!(body["message"], "Screenshot captured successfully");
    assert_eq!(body["cached"], false);
    assert_eq!(body["data"]["nodeId"], "2:15");
    assert_eq!(body["data"]["format"], "png");
    assert!(body["data"].get("dimensions").is_none(), "no invented size");
    assert!(body["metadata"]["requestTime"].is_u64());

    let (status, again) = h
        .get(&format!(
            "/api/figma/screenshot?fileKey={FILE_KEY}&nodeId=2:15&scale=2"
        ))
        .await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["imageUrl"], RENDER_URL);
    assert_eq!(again["cached"], true);
    let renders = h
        .figma
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == format!("/v1/images/{FILE_KEY}"))
        .count();
    assert_eq!(renders, 1, "the second request is served from the cache");

    for query in ["", "?fileKey=abc", "?nodeId=1:2", "?fileKey=&nodeId="] {
        let (status, body) = h.get(&format!("/api/figma/screenshot{query}")).await;
        assert_eq!(status, 400, "{query}: {body}");
        assert_eq!(
            body["error"],
            "Missing required parameters: fileKey and nodeId"
        );
    }
    let (status, body) = h
        .get(&format!(
            "/api/figma/screenshot?fileKey={FILE_KEY}&nodeId=2:15&scale=9"
        ))
        .await;
    assert_eq!(status, 400, "{body}");
    let (status, body) = h
        .get(&format!(
            "/api/figma/screenshot?fileKey={FILE_KEY}&nodeId=2:15&scale=big"
        ))
        .await;
    assert_eq!(status, 400, "{body}");
    let (status, body) = h
        .get(&format!(
            "/api/figma/screenshot?fileKey={FILE_KEY}&nodeId=2:15&format=gif"
        ))
        .await;
    assert_eq!(status, 400, "{body}");

    // The author's key the old plugin substituted: Figma's 404, said clearly.
    let (status, body) = h
        .get(&format!(
            "/api/figma/screenshot?fileKey={AUTHOR_KEY}&nodeId=1:2"
        ))
        .await;
    assert_eq!(status, 404, "{body}");
    assert_eq!(body["figmaStatus"], 404);
    assert_eq!(body["fileKey"], AUTHOR_KEY);
    assert_eq!(body["nodeId"], "1:2");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .starts_with("Failed to capture screenshot: "),
        "{body}"
    );
    // A node Figma cannot render.
    let (status, body) = h
        .get(&format!(
            "/api/figma/screenshot?fileKey={FILE_KEY}&nodeId=9:99"
        ))
        .await;
    assert_eq!(status, 404, "{body}");
}

#[tokio::test]
async fn legacy_calls_draw_on_the_generation_and_figma_budgets() {
    let h = Harness::with_limits(RateLimits {
        reads_per_min: 100,
        generation_per_min: 100,
        figma_per_min: 2,
    })
    .await;
    let analyze =
        |url: String| json!({"method": "analyze_project", "params": {"figmaUrl": url}}).to_string();
    let node = |id: &str| format!("{}?node-id={id}", file_url());
    // The file, then one node of it: two requests to Figma spend the Figma budget of 2.
    for (url, remaining) in [(file_url(), "99"), (node("2-15"), "98")] {
        let response = h.send("/", analyze(url)).await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["ratelimit-limit"], "100");
        assert_eq!(response.headers()["ratelimit-remaining"], remaining);
    }
    // What the Figma response cache answers draws nothing.
    let response = h.send("/", analyze(file_url())).await;
    assert_eq!(response.status(), 200);
    // A call that would reach Figma is over the Figma budget: 429 with Retry-After.
    let response = h.send("/", analyze(node("2-19"))).await;
    assert_eq!(response.status(), 429);
    assert!(response.headers().contains_key("retry-after"));
    let body: Value = response.json().await.unwrap();
    assert_eq!(error_code(&body), "rate_limited", "{body}");
    // Inline frames need no Figma call, so they still work.
    let (status, body) = h.call(&body_b()).await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = h
        .get(&format!(
            "/api/figma/screenshot?fileKey={FILE_KEY}&nodeId=2:15"
        ))
        .await;
    assert_eq!(status, 429);
}
