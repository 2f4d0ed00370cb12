#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Every tool (legacy aliases included), resources and prompts, driven by rmcp's own client over
//! streamable HTTP and over an in-process stdio-like duplex, against a fake Figma API serving a
//! shared fixture. Structured results are checked against each tool's `outputSchema`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use handoff_app::auth::{AuthMethod, Caller, local_identity};
use handoff_app::config::{RateLimits, Secret};
use handoff_app::{App, Config};
use handoff_mcp::{HandoffMcp, LEGACY_TOOLS};
use handoff_store::Identity;
use rmcp::model::{
    CallToolRequestParams, CallToolResult, ClientConfig, GetPromptRequestParams,
    ProgressNotificationParam, ProgressToken, ReadResourceRequestParams, RequestMetaObject,
    ResourceContents, Tool,
};
use rmcp::service::{NotificationContext, RunningService};
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::{ClientHandler, RoleClient, ServiceExt};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const FILE_KEY: &str = "AbCdEf1234567890";
const FIXTURE: &str = "../../../shared/fixtures/figma/code-connect-wizard-demo.file.json";
const TEMPLATE: &str = "../templates/builtin/jira/component.yaml";
/// A 1×1 PNG.
const PNG: &str =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HJb1AAAAC0lEQVR42mNk+A8AAQUBAScY42YAAAAASUVORK5CYII=";

fn url() -> String {
    format!("https://www.figma.com/design/{FILE_KEY}/Wizard-demo")
}

/// The plugin's `enhancedFrameData` item (legacy-api §8 A).
fn frame(id: &str, name: &str) -> Value {
    json!({
        "id": id, "name": name, "type": "COMPONENT",
        "x": 120, "y": 48, "width": 160, "height": 48,
        "fills": [{"type": "SOLID", "color": {"r": 26, "g": 115, "b": 232}, "hex": "#1a73e8"}],
        "hierarchy": {
            "layers": [{"id": format!("{id}9"), "name": "Label", "type": "TEXT", "depth": 2,
                        "position": {"x": 16, "y": 14}, "size": {"width": 128, "height": 20},
                        "text": "Buy now", "fontSize": 16}],
            "totalDepth": 2, "componentCount": 1, "textLayerCount": 1,
            "designTokens": {"colors": ["#1a73e8", "#ffffff"], "typography": ["Inter-16px-Semi Bold"],
                             "spacing": [4, 8, 16, 24], "borderRadius": [8], "shadows": []}}
    })
}

async fn fake_figma() -> MockServer {
    let server = MockServer::start().await;
    let meta = json!({"file": {"name": "Wizard demo", "version": "42", "last_touched_at": "2026-11-20T10:00:00Z"}});
    Mock::given(method("GET"))
        .and(path(format!("/v1/files/{FILE_KEY}/meta")))
        .respond_with(ResponseTemplate::new(200).set_body_json(meta))
        .mount(&server)
        .await;
    let fixture = std::fs::read(format!("{}/{FIXTURE}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    Mock::given(method("GET"))
        .and(path(format!("/v1/files/{FILE_KEY}")))
        .respond_with(ResponseTemplate::new(200).set_body_raw(fixture, "application/json"))
        .mount(&server)
        .await;
    server
}

struct Harness {
    app: Arc<App>,
    base: String,
    _figma: MockServer,
    _dir: tempfile::TempDir,
}

impl Harness {
    async fn start(adjust: impl FnOnce(&mut Config)) -> Self {
        let figma = fake_figma().await;
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config {
            figma_api_base: figma.uri(),
            figma_token: Some(Secret::new("figd_test_token")),
            secret_key: Some(Secret::new(
                "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
            )),
            data_dir: dir.path().to_path_buf(),
            ..Config::default()
        };
        adjust(&mut config);
        let app = Arc::new(App::open(config).await.unwrap());
        // Stands in for the server's auth layer: `Authorization: Bearer user@org` becomes the
        // caller; no header, no caller.
        let router = handoff_mcp::http_service(app.clone()).layer(axum::middleware::from_fn(
            |mut request: axum::extract::Request, next: axum::middleware::Next| async move {
                let who = request
                    .headers()
                    .get("authorization")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.strip_prefix("Bearer "))
                    .and_then(|v| v.split_once('@'))
                    .map(|(user, org)| Identity::new(user, org).unwrap());
                if let Some(identity) = who {
                    request.extensions_mut().insert(Caller {
                        identity,
                        method: AuthMethod::ApiKey,
                        session_id: None,
                        api_key: None,
                    });
                }
                next.run(request).await
            },
        ));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            axum::serve(listener, router).await.unwrap();
        });
        Self {
            app,
            base: format!("http://{addr}/"),
            _figma: figma,
            _dir: dir,
        }
    }

    /// An MCP client over HTTP acting as `user@org` (no caller at all with `None`).
    async fn client(&self, who: Option<&str>) -> RunningService<RoleClient, Recorder> {
        let mut config = StreamableHttpClientTransportConfig::with_uri(self.base.clone());
        if let Some(who) = who {
            // Figma is read with the caller's own token.
            let (user, org) = who.split_once('@').unwrap();
            let identity = Identity::new(user, org).unwrap();
            self.app.store().ensure_user(&identity, user).await.unwrap();
            self.app
                .set_figma_token(&identity, "figd_test_token")
                .await
                .unwrap();
            config = config.auth_header(who);
        }
        Recorder::default()
            .serve(StreamableHttpClientTransport::from_config(config))
            .await
            .unwrap()
    }

    /// An MCP client over an in-process byte stream, as stdio is: no HTTP, so the local user.
    async fn stdio_client(&self) -> RunningService<RoleClient, Recorder> {
        let (server_io, client_io) = tokio::io::duplex(1 << 20);
        let server = HandoffMcp::new(self.app.clone());
        tokio::spawn(async move {
            let running = server.serve(server_io).await.unwrap();
            let _ = running.waiting().await;
        });
        Recorder::default().serve(client_io).await.unwrap()
    }
}

/// A client that keeps the progress notifications it receives.
#[derive(Clone, Default)]
struct Recorder {
    progress: Arc<Mutex<Vec<ProgressNotificationParam>>>,
}

impl ClientHandler for Recorder {
    async fn on_progress(
        &self,
        params: ProgressNotificationParam,
        _context: NotificationContext<RoleClient>,
    ) {
        self.progress.lock().unwrap().push(params);
    }

    fn get_info(&self) -> ClientConfig {
        ClientConfig::default()
    }
}

fn call(name: &str, arguments: Value) -> CallToolRequestParams {
    let Value::Object(map) = arguments else {
        panic!("arguments must be an object")
    };
    CallToolRequestParams::new(name.to_owned()).with_arguments(map)
}

fn text_of(result: &CallToolResult) -> String {
    result
        .content
        .iter()
        .filter_map(|c| c.as_text().map(|t| t.text.clone()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Calls `name` and checks the result is a success whose structured content matches the tool's
/// output schema.
async fn call_ok(
    client: &RunningService<RoleClient, Recorder>,
    tools: &HashMap<String, Tool>,
    name: &str,
    arguments: Value,
) -> CallToolResult {
    let result = client.call_tool(call(name, arguments)).await.unwrap();
    assert_ne!(result.is_error, Some(true), "{name}: {}", text_of(&result));
    let tool = tools
        .get(name)
        .unwrap_or_else(|| panic!("{name} is not a tool"));
    let schema = Value::Object(
        tool.output_schema
            .as_ref()
            .unwrap_or_else(|| panic!("{name} has no outputSchema"))
            .as_ref()
            .clone(),
    );
    let structured = result
        .structured_content
        .clone()
        .unwrap_or_else(|| panic!("{name} returned no structuredContent"));
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&structured)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{name}: {errors:?}");
    assert!(!text_of(&result).is_empty(), "{name} has no text rendering");
    result
}

async fn all_tools(client: &RunningService<RoleClient, Recorder>) -> HashMap<String, Tool> {
    client
        .list_all_tools()
        .await
        .unwrap()
        .into_iter()
        .map(|t| (t.name.to_string(), t))
        .collect()
}

#[tokio::test]
async fn every_tool_and_alias_returns_what_its_output_schema_says() {
    let harness = Harness::start(|c| {
        c.mcp.list_legacy_tools = true;
        c.rate_limits.figma_per_min = 0;
    })
    .await;
    let client = harness.client(Some("alice@acme")).await;
    let tools = all_tools(&client).await;
    let url = url();

    for name in [
        "get_design_context",
        "get_metadata",
        "analyze_project",
        "check_compliance",
        "analyze_design_health",
        "estimate_effort",
        "map_relationships",
    ] {
        call_ok(&client, &tools, name, json!({"url": url})).await;
    }
    let tokens = call_ok(
        &client,
        &tools,
        "extract_design_tokens",
        json!({"file_key": FILE_KEY, "token_format": "css"}),
    )
    .await;
    assert!(text_of(&tokens).contains("--"), "CSS export in the text");
    let project = call_ok(&client, &tools, "analyze_project", json!({"figmaUrl": url})).await;
    assert!(text_of(&project).starts_with("# Project Analysis Results"));
    let tickets = call_ok(
        &client,
        &tools,
        "generate_tickets",
        json!({"frames": [frame("1:2", "Primary Button")], "platform": "jira"}),
    )
    .await;
    assert!(
        text_of(&tickets).contains("Primary Button"),
        "{}",
        text_of(&tickets)
    );

    let listing = call_ok(&client, &tools, "list_templates", json!({})).await;
    assert!(text_of(&listing).contains("| jira | component |"));
    call_ok(
        &client,
        &tools,
        "get_template",
        json!({"platform": "jira", "document_type": "component"}),
    )
    .await;
    let source =
        std::fs::read_to_string(format!("{}/{TEMPLATE}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    call_ok(
        &client,
        &tools,
        "render_template",
        json!({"source": source}),
    )
    .await;
    let saved = call_ok(
        &client,
        &tools,
        "save_template",
        json!({"platform": "jira", "documentType": "component", "source": source, "scope": "user"}),
    )
    .await;
    assert_eq!(saved.structured_content.as_ref().unwrap()["origin"], "user");

    call_ok(&client, &tools, "store_component_analysis",
        json!({"fileKey": FILE_KEY, "nodeId": "1-2", "analysis": {"kind": "button"}, "screenshot": PNG})).await;
    let fetched = call_ok(
        &client,
        &tools,
        "get_component_analysis",
        json!({"file_key": FILE_KEY, "node_id": "1:2"}),
    )
    .await;
    assert_eq!(
        fetched.structured_content.as_ref().unwrap()["analysis"]["kind"],
        "button"
    );
    let shot = call_ok(
        &client,
        &tools,
        "get_screenshot",
        json!({"fileKey": FILE_KEY, "nodeId": "1:2"}),
    )
    .await;
    let image = shot
        .content
        .iter()
        .find_map(|c| c.as_image())
        .expect("an image block");
    assert_eq!(
        (image.data.as_str(), image.mime_type.as_str()),
        (PNG, "image/png")
    );

    call_ok(
        &client,
        &tools,
        "set_user_preferences",
        json!({"preferences": {"theme": "dark"}}),
    )
    .await;
    let prefs = call_ok(&client, &tools, "get_user_preferences", json!({})).await;
    assert_eq!(
        prefs.structured_content.as_ref().unwrap()["preferences"]["theme"],
        "dark"
    );
    let history = call_ok(&client, &tools, "get_history", json!({"limit": 5})).await;
    assert!(
        !history.structured_content.as_ref().unwrap()["entries"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    // Legacy aliases, with their old argument names.
    let frames = json!([frame("1:2", "Primary Button"), frame("1:3", "Card")]);
    let alias_calls = [
        (
            "generate_template_tickets",
            json!({"frameData": frames, "projectName": "Shop",
            "teamStandards": {"tech_stack": ["React", "TypeScript"]}}),
            "# 🚀 Shop - Implementation Plan",
        ),
        (
            "generate_enhanced_ticket",
            json!({"figmaUrl": url, "techStack": "React TypeScript"}),
            "",
        ),
        (
            "generate_ai_ticket",
            json!({"enhancedFrameData": [frame("1:2", "Primary Button")],
            "documentType": "jira", "screenshot": "data:image/png;base64,AA=="}),
            "Primary Button",
        ),
        (
            "test_ai_services",
            json!({}),
            "# 🧠 AI Services Status Report",
        ),
        (
            "generate_visual_enhanced_ticket",
            json!({"figmaContext": {"selection": [frame("1:2", "Primary Button")]},
            "visualContext": {"screenshot": {"base64": "AA=="}}}),
            "# 🎨 Visual-Enhanced Primary Button Implementation",
        ),
        (
            "project_analyzer",
            json!({"figmaUrl": url, "scope": "file"}),
            "# Project Analysis Results",
        ),
        (
            "ticket_generator",
            json!({"frameData": [frame("1:2", "Primary Button")], "platform": "github",
            "documentType": "feature"}),
            "Primary Button",
        ),
        (
            "compliance_checker",
            json!({"figmaUrl": url, "standards": []}),
            "Compliance",
        ),
        (
            "batch_processor",
            json!({"frames": frames, "operation": "estimate"}),
            "# ⚡ Batch Processing Complete",
        ),
        (
            "effort_estimator",
            json!({"frameData": frames, "complexity": "complex"}),
            "16 hours",
        ),
        (
            "relationship_mapper",
            json!({"figmaUrl": url, "depth": 2}),
            "",
        ),
    ];
    assert_eq!(alias_calls.len(), LEGACY_TOOLS.len());
    for (name, arguments, expected) in alias_calls {
        let result = call_ok(&client, &tools, name, arguments).await;
        assert!(
            text_of(&result).contains(expected),
            "{name}: {}",
            text_of(&result)
        );
    }
    let enhanced = call_ok(
        &client,
        &tools,
        "generate_enhanced_ticket",
        json!({"figmaUrl": url}),
    )
    .await;
    let structured = enhanced.structured_content.unwrap();
    assert!(
        structured["boilerplateCode"]["component"]
            .as_str()
            .unwrap()
            .contains("export function")
    );
    assert_eq!(structured["isFallback"], false);
}

/// The `"key":"value"` string in `text` (the docs' abridged JSON is not JSON as a whole).
fn quoted_after<'a>(text: &'a str, key: &str) -> &'a str {
    let start = text
        .find(&format!("\"{key}\":\""))
        .unwrap_or_else(|| panic!("no {key} in {text}"))
        + key.len()
        + 4;
    let end = text[start..].find('"').unwrap() + start;
    &text[start..end]
}

#[tokio::test]
async fn ticket_formats_per_interface_are_what_docs_mcp_md_says() {
    let harness = Harness::start(|c| c.mcp.list_legacy_tools = true).await;
    let client = harness.client(Some("alice@acme")).await;
    let tools = all_tools(&client).await;
    let docs = std::fs::read_to_string(format!("{}/../../docs/mcp.md", env!("CARGO_MANIFEST_DIR")))
        .unwrap();
    let example = docs
        .lines()
        .find(|l| l.starts_with("| `generate_tickets {\"frames\""))
        .expect("docs/mcp.md has a generate_tickets example");
    let (_, result) = example.split_once("` | `").unwrap();

    // generate_tickets answers in the platform's own format, as the example says.
    let generated = call_ok(
        &client,
        &tools,
        "generate_tickets",
        json!({"frames": [frame("1:2", "Primary Button")], "platform": "jira"}),
    )
    .await;
    let structured = generated.structured_content.unwrap();
    assert_eq!(structured["format"], quoted_after(result, "format"));
    let ticket = &structured["tickets"][0];
    assert_eq!(ticket["ticket"]["title"], quoted_after(result, "title"));
    let rendered = quoted_after(result, "rendered");
    let rendered = rendered.trim_end_matches(" …");
    assert!(
        ticket["rendered"].as_str().unwrap().starts_with(rendered),
        "{} does not start with {rendered}",
        ticket["rendered"]
    );
    // The legacy names answer in Markdown, the plugin's format, for the same platform and type.
    let legacy = call_ok(
        &client,
        &tools,
        "generate_template_tickets",
        json!({"frameData": [frame("1:2", "Primary Button")], "platform": "jira",
               "documentType": "component"}),
    )
    .await;
    let title = ticket["ticket"]["title"].as_str().unwrap();
    assert!(
        text_of(&legacy).starts_with(&format!("# {title}")),
        "{}",
        text_of(&legacy)
    );
    assert!(
        result.contains("legacy names") && result.contains("Markdown"),
        "the example says the legacy names answer in Markdown: {result}"
    );
}

/// The layers of `node` that show (itself included): none under `visible: false`.
fn shown(node: &Value) -> u64 {
    if node["visible"] == Value::Bool(false) {
        return 0;
    }
    1 + node["children"]
        .as_array()
        .map_or(0, |children| children.iter().map(shown).sum())
}

/// The fixture's top-level frame with the most descendants, as a caller copies it out of a REST
/// response, and its node count (itself included).
fn rest_frame_from_fixture() -> (Value, u64) {
    fn count(node: &Value) -> u64 {
        1 + node["children"]
            .as_array()
            .map_or(0, |children| children.iter().map(count).sum())
    }
    // A 2018-era design system whose largest frame holds a page of text and shapes.
    const LARGE: &str = "../../../shared/fixtures/figma/figmagic-design-system.file.json";
    let file: Value = serde_json::from_slice(
        &std::fs::read(format!("{}/{LARGE}", env!("CARGO_MANIFEST_DIR"))).unwrap(),
    )
    .unwrap();
    let frame = file["document"]["children"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|page| page["children"].as_array().cloned().unwrap_or_default())
        .max_by_key(count)
        .unwrap();
    let nodes = count(&frame);
    (frame, nodes)
}

#[tokio::test]
async fn a_rest_shaped_frame_is_analysed_with_its_children_within_the_node_limit() {
    let (frame, nodes) = rest_frame_from_fixture();
    assert!(nodes > 10, "the fixture's largest frame has {nodes} nodes");
    let harness = Harness::start(|c| c.max_design_nodes = nodes + 5).await;
    let client = harness.client(Some("alice@acme")).await;
    let tools = all_tools(&client).await;
    for frames in [json!([frame.clone()]), frame.clone()] {
        let project = call_ok(
            &client,
            &tools,
            "analyze_project",
            json!({"frames": frames}),
        )
        .await;
        let report = &project.structured_content.unwrap()["report"];
        // Analysis counts the layers that show: hidden ones and their children are left out.
        assert_eq!(report["nodes"], shown(&frame), "{report}");
    }
    // The health score is the frame's, not a single bare node's.
    let health = call_ok(
        &client,
        &tools,
        "analyze_design_health",
        json!({"frames": [frame.clone()]}),
    )
    .await;
    let bare = json!({"id": frame["id"], "name": frame["name"], "type": frame["type"]});
    let bare_health = call_ok(
        &client,
        &tools,
        "analyze_design_health",
        json!({"frames": [bare]}),
    )
    .await;
    assert_ne!(
        health.structured_content.unwrap()["report"],
        bare_health.structured_content.unwrap()["report"]
    );

    // Inline frames are held to max_design_nodes like a fetched design.
    let small = Harness::start(|c| c.max_design_nodes = nodes - 1).await;
    let client = small.client(Some("alice@acme")).await;
    let refused = client
        .call_tool(call("analyze_project", json!({"frames": [frame]})))
        .await
        .unwrap();
    assert_eq!(refused.is_error, Some(true));
    let text = text_of(&refused);
    assert!(text.contains("max_design_nodes"), "{text}");
}

#[tokio::test]
async fn legacy_aliases_are_hidden_by_default_but_callable() {
    let harness = Harness::start(|_| {}).await;
    let client = harness.client(Some("alice@acme")).await;
    let tools = client.list_all_tools().await.unwrap();
    for tool in &tools {
        assert!(
            !LEGACY_TOOLS.contains(&tool.name.as_ref()),
            "{} is listed",
            tool.name
        );
        assert!(
            tool.output_schema.is_some(),
            "{} has no outputSchema",
            tool.name
        );
        assert!(
            tool.annotations.is_some(),
            "{} has no annotations",
            tool.name
        );
    }
    assert_eq!(tools.len(), 19);
    let bytes = serde_json::to_vec(&tools).unwrap().len();
    eprintln!(
        "tools/list: {} tools, {bytes} bytes ≈ {} tokens",
        tools.len(),
        bytes / 4
    );

    let result = client
        .call_tool(call("test_ai_services", json!({})))
        .await
        .unwrap();
    assert_ne!(result.is_error, Some(true));
}

#[tokio::test]
async fn each_report_tool_lists_only_the_options_its_report_reads() {
    let harness = Harness::start(|_| {}).await;
    let client = harness.client(Some("alice@acme")).await;
    let tools = client.list_all_tools().await.unwrap();
    let options = [
        "tokens",
        "token_format",
        "depth",
        "categories",
        "max_findings",
    ];
    let expected: [(&str, &[&str]); 6] = [
        ("analyze_project", &[]),
        ("extract_design_tokens", &["token_format"]),
        (
            "check_compliance",
            &["tokens", "categories", "max_findings"],
        ),
        ("analyze_design_health", &["categories", "max_findings"]),
        ("estimate_effort", &[]),
        ("map_relationships", &["depth"]),
    ];
    for (name, own) in expected {
        let tool = tools.iter().find(|t| t.name == name).unwrap();
        let properties = tool.input_schema["properties"].as_object().unwrap();
        assert!(
            properties.contains_key("url"),
            "{name}: the design source stays"
        );
        let listed: Vec<&str> = options
            .into_iter()
            .filter(|option| properties.contains_key(*option))
            .collect();
        assert_eq!(listed, own, "{name}");
    }
    // A field left out of the schema is still refused clearly if sent anyway.
    let result = client
        .call_tool(call(
            "analyze_project",
            json!({"frames": [{"id": "1:2", "name": "Button", "type": "COMPONENT"}], "depth": 2}),
        ))
        .await
        .unwrap();
    assert_eq!(result.is_error, Some(true));
    let text = format!("{:?}", result.content);
    assert!(text.contains("option_not_for_report"), "{text}");
}

#[tokio::test]
async fn callers_see_only_their_own_records() {
    let harness = Harness::start(|_| {}).await;
    let alice = harness.client(Some("alice@acme")).await;
    let bob = harness.client(Some("bob@other")).await;
    let stored = alice
        .call_tool(call(
            "store_component_analysis",
            json!({"fileKey": FILE_KEY, "nodeId": "1:2", "analysis": {"secret": true}}),
        ))
        .await
        .unwrap();
    assert_ne!(stored.is_error, Some(true), "{}", text_of(&stored));
    let theirs = bob
        .call_tool(call(
            "get_component_analysis",
            json!({"fileKey": FILE_KEY, "nodeId": "1:2"}),
        ))
        .await
        .unwrap();
    assert_eq!(theirs.is_error, Some(true));
    assert!(
        text_of(&theirs).contains("not_found"),
        "{}",
        text_of(&theirs)
    );
    let resource = bob
        .read_resource(ReadResourceRequestParams::new(format!(
            "handoff://components/{FILE_KEY}/1:2"
        )))
        .await;
    assert!(
        resource.is_err(),
        "bob read alice's component as a resource"
    );
}

#[tokio::test]
async fn http_without_a_caller_is_refused_and_stdio_is_the_local_user() {
    let harness = Harness::start(|_| {}).await;
    let anonymous = harness.client(None).await;
    let refused = anonymous
        .call_tool(call("get_user_preferences", json!({})))
        .await
        .unwrap();
    assert_eq!(refused.is_error, Some(true));
    assert!(
        text_of(&refused).contains("unauthenticated"),
        "{}",
        text_of(&refused)
    );

    let stdio = harness.stdio_client().await;
    let stored = stdio
        .call_tool(call(
            "store_component_analysis",
            json!({"fileKey": FILE_KEY, "nodeId": "4:5", "analysis": {"by": "stdio"}}),
        ))
        .await
        .unwrap();
    assert_ne!(stored.is_error, Some(true), "{}", text_of(&stored));
    let component = harness
        .app
        .get_component(&local_identity().unwrap(), FILE_KEY, "4:5")
        .await
        .unwrap();
    assert_eq!(component.analysis["by"], "stdio");
}

#[tokio::test]
async fn an_exhausted_budget_is_a_tool_error_that_says_when_to_retry() {
    let harness = Harness::start(|c| {
        c.rate_limits = RateLimits {
            reads_per_min: 2,
            generation_per_min: 100,
            figma_per_min: 1,
        };
    })
    .await;
    let client = harness.client(Some("carol@acme")).await;
    for _ in 0..2 {
        let ok = client
            .call_tool(call("get_user_preferences", json!({})))
            .await
            .unwrap();
        assert_ne!(ok.is_error, Some(true), "{}", text_of(&ok));
    }
    let limited = client
        .call_tool(call("get_user_preferences", json!({})))
        .await
        .unwrap();
    assert_eq!(limited.is_error, Some(true));
    let text = text_of(&limited);
    assert!(
        text.contains("rate_limited") && text.contains("retry"),
        "{text}"
    );

    // Requests that reach Figma also draw on the Figma budget; inline frames do not.
    let first = client
        .call_tool(call("analyze_project", json!({"url": url()})))
        .await
        .unwrap();
    assert_ne!(first.is_error, Some(true), "{}", text_of(&first));
    let node = format!("{}?node-id=1-2", url());
    let second = client
        .call_tool(call("analyze_project", json!({"url": node})))
        .await
        .unwrap();
    assert!(text_of(&second).contains("figma"), "{}", text_of(&second));
    let inline = client
        .call_tool(call(
            "analyze_project",
            json!({"frames": [frame("1:2", "Button")]}),
        ))
        .await
        .unwrap();
    assert_ne!(inline.is_error, Some(true), "{}", text_of(&inline));
}

#[tokio::test]
async fn resources_and_prompts() {
    let harness = Harness::start(|_| {}).await;
    let client = harness.client(Some("dave@acme")).await;
    let resources = client.list_all_resources().await.unwrap();
    assert!(
        resources
            .iter()
            .any(|r| r.uri == "handoff://templates/jira/component")
    );
    let templates = client.list_all_resource_templates().await.unwrap();
    assert_eq!(templates.len(), 5);

    let template = client
        .read_resource(ReadResourceRequestParams::new(
            "handoff://templates/jira/component",
        ))
        .await
        .unwrap();
    let ResourceContents::TextResourceContents { text, .. } = &template.contents[0] else {
        panic!("text expected")
    };
    assert_eq!(
        serde_json::from_str::<Value>(text).unwrap()["platform"],
        "jira"
    );

    client
        .call_tool(call(
            "store_component_analysis",
            json!({"fileKey": FILE_KEY, "nodeId": "1:2", "analysis": {}, "screenshot": PNG}),
        ))
        .await
        .unwrap();
    let shot = client
        .read_resource(ReadResourceRequestParams::new(format!(
            "handoff://components/{FILE_KEY}/1:2/screenshot"
        )))
        .await
        .unwrap();
    assert!(
        matches!(&shot.contents[0], ResourceContents::BlobResourceContents { blob, .. } if blob == PNG)
    );
    let design = client
        .read_resource(ReadResourceRequestParams::new(format!(
            "handoff://design/{FILE_KEY}"
        )))
        .await
        .unwrap();
    assert!(
        matches!(&design.contents[0], ResourceContents::TextResourceContents { text, .. } if !text.is_empty())
    );

    let prompts = client.list_all_prompts().await.unwrap();
    assert_eq!(prompts.len(), 2);
    let prompt = client
        .get_prompt(
            GetPromptRequestParams::new("write_tickets")
                .with_arguments(json!({"url": url()}).as_object().unwrap().clone()),
        )
        .await
        .unwrap();
    assert!(format!("{:?}", prompt.messages).contains("generate_tickets"));
}

#[tokio::test]
async fn progress_is_reported_when_asked_for() {
    let harness = Harness::start(|_| {}).await;
    let client = harness.client(Some("erin@acme")).await;
    let mut meta = RequestMetaObject::default();
    meta.set_progress_token(ProgressToken(rmcp::model::NumberOrString::Number(7)));
    let mut request = call(
        "batch_processor",
        json!({"frames": [frame("1:2", "A"), frame("1:3", "B")], "operation": "tickets"}),
    );
    request.meta = Some(meta);
    let result = client.call_tool(request).await.unwrap();
    assert_ne!(result.is_error, Some(true), "{}", text_of(&result));
    // Notifications are delivered before the response on the same stream; allow the handler a beat.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let progress = client.service().progress.lock().unwrap().clone();
    let steps: Vec<f64> = progress.iter().map(|p| p.progress).collect();
    assert_eq!(steps, [0.0, 1.0, 2.0], "{progress:?}");
    assert!(progress.iter().all(|p| p.total == Some(2.0)));
}
