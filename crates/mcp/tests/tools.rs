#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Drives the server with rmcp's own client over an in-memory transport.

use std::sync::Arc;

use handoff_app::{App, Config};
use handoff_mcp::HandoffMcp;
use rmcp::ServiceExt;
use rmcp::model::CallToolRequestParams;
use serde_json::json;

const TOOLS: [&str; 15] = [
    "get_design_context",
    "get_metadata",
    "analyze_project",
    "extract_design_tokens",
    "check_compliance",
    "analyze_design_health",
    "estimate_effort",
    "map_relationships",
    "generate_tickets",
    "store_component_analysis",
    "get_component_analysis",
    "get_user_preferences",
    "set_user_preferences",
    "get_history",
    "get_design_context",
];

async fn connect() -> (
    rmcp::service::RunningService<rmcp::RoleClient, ()>,
    tempfile::TempDir,
) {
    let dir = tempfile::tempdir().unwrap();
    let config = Config {
        data_dir: dir.path().to_path_buf(),
        ..Config::default()
    };
    let app = Arc::new(App::open(config).await.unwrap());
    let (server_io, client_io) = tokio::io::duplex(1 << 20);
    tokio::spawn(async move {
        let running = HandoffMcp::new(app).serve(server_io).await.unwrap();
        let _ = running.waiting().await;
    });
    (().serve(client_io).await.unwrap(), dir)
}

fn call(name: &'static str, arguments: serde_json::Value) -> CallToolRequestParams {
    let serde_json::Value::Object(map) = arguments else {
        panic!("arguments must be an object")
    };
    CallToolRequestParams::new(name).with_arguments(map)
}

#[tokio::test]
async fn lists_every_tool_with_a_schema() {
    let (client, _dir) = connect().await;
    let tools = client.list_all_tools().await.unwrap();
    for name in TOOLS {
        let tool = tools
            .iter()
            .find(|t| t.name == name)
            .unwrap_or_else(|| panic!("{name} missing"));
        assert!(
            tool.description.as_deref().is_some_and(|d| !d.is_empty()),
            "{name} has no description"
        );
    }
    let bytes = serde_json::to_vec(&tools).unwrap().len();
    eprintln!(
        "tools/list: {} tools, {bytes} bytes ≈ {} tokens",
        tools.len(),
        bytes / 4
    );
}

#[tokio::test]
async fn bad_figma_link_is_a_tool_error_not_a_crash() {
    let (client, _dir) = connect().await;
    let result = client
        .call_tool(call(
            "get_design_context",
            json!({"url": "https://example.com/nope"}),
        ))
        .await
        .unwrap();
    assert_eq!(result.is_error, Some(true));
    // The server still answers afterwards.
    let again = client
        .call_tool(call("get_user_preferences", json!({})))
        .await
        .unwrap();
    assert_ne!(again.is_error, Some(true));
}

#[tokio::test]
async fn malformed_arguments_are_a_tool_input_error() {
    // Since 2025-11-25, invalid tool input is an `isError` result the model can read and correct,
    // not a JSON-RPC error; the text must say what was wrong.
    let (client, _dir) = connect().await;
    let result = client
        .call_tool(call("get_history", json!({"limit": "many"})))
        .await
        .unwrap();
    assert_eq!(result.is_error, Some(true));
    let text = format!("{:?}", result.content);
    assert!(
        text.contains("invalid type") && text.contains("many"),
        "{text}"
    );
}

#[tokio::test]
async fn component_analysis_round_trips() {
    let (client, _dir) = connect().await;
    let stored = client
        .call_tool(call(
            "store_component_analysis",
            json!({"fileKey": "AbC123", "nodeId": "1-2", "analysis": {"kind": "button"}}),
        ))
        .await
        .unwrap();
    let fetched = client
        .call_tool(call(
            "get_component_analysis",
            json!({"file_key": "AbC123", "node_id": "1:2"}),
        ))
        .await
        .unwrap();
    assert_ne!(fetched.is_error, Some(true), "{fetched:?} after {stored:?}");
    let text = serde_json::to_string(&fetched.structured_content).unwrap();
    assert!(text.contains("button"), "{text}");
}
