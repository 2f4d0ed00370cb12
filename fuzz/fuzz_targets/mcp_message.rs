//! Any bytes as an MCP JSON-RPC message posted to `/mcp`: read as rmcp reads it
//! (`ClientJsonRpcMessage`), and a `tools/call`'s `arguments` as the tools read them (rmcp's
//! `Parameters<T>`: `serde_json::from_value` into the request types, and the legacy tools through
//! `parse_legacy_call`). Never a panic.
#![no_main]

use handoff_app::ops::legacy::parse_legacy_call;
use handoff_app::ops::{AnalyzeRequest, DesignContextRequest, GenerateRequest};
use libfuzzer_sys::fuzz_target;
use rmcp::model::{ClientJsonRpcMessage, ClientRequest, JsonRpcMessage};
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Ok(message) = serde_json::from_slice::<ClientJsonRpcMessage>(data) else {
        return;
    };
    let JsonRpcMessage::Request(request) = message else {
        return;
    };
    let ClientRequest::CallToolRequest(call) = request.request else {
        return;
    };
    let arguments = Value::Object(call.params.arguments.unwrap_or_default());
    let _ = serde_json::from_value::<GenerateRequest>(arguments.clone());
    let _ = serde_json::from_value::<AnalyzeRequest>(arguments.clone());
    let _ = serde_json::from_value::<DesignContextRequest>(arguments.clone());
    let _ = parse_legacy_call(&call.params.name, arguments);
});
