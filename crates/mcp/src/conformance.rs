//! The fixtures `@modelcontextprotocol/conformance` calls by name (`test_simple_text`,
//! `test://static-text`, `test_simple_prompt`, …), for the CI conformance run only: built with the
//! `conformance-fixtures` feature, never in a release.
//!
//! [`ConformanceServer`] wraps the product's [`HandoffMcp`] and answers the fixture names itself;
//! everything else (handoff's tools, resources, prompts, the handshake and both protocol eras) goes
//! to the product unchanged, so the suite still tests what ships. The fixtures follow the
//! reference server of the Rust SDK (`conformance/src/bin/server.rs` in
//! modelcontextprotocol/rust-sdk), minus the Tasks extension.

// The suite still exercises sampling, roots and logging, which SEP-2577 deprecates.
#![allow(deprecated)]

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use rmcp::model::*;
use rmcp::service::{NotificationContext, RequestContext, SubscriptionContext, SubscriptionSink};
use rmcp::{ErrorData, RoleServer, ServerHandler};
use serde_json::{Value, json};

use crate::HandoffMcp;

/// A 1×1 red PNG.
const IMAGE: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg==";
/// An empty WAV file.
const AUDIO: &str = "UklGRiQAAABXQVZFZm10IBAAAAABAAEARKwAAIhYAQACABAAZGF0YQAAAAA=";
const CACHE_TTL_MS: u64 = 60_000;

#[derive(Clone)]
pub struct ConformanceServer {
    inner: HandoffMcp,
    subscriptions: Arc<Mutex<HashMap<u64, SubscriptionSink>>>,
    next_subscription: Arc<AtomicU64>,
    request_state: RequestStateCodec,
}

impl ConformanceServer {
    pub fn new(inner: HandoffMcp) -> Self {
        // Sealing key for SEP-2322 `requestState`: fresh per process, out of clients' reach.
        let key: Vec<u8> = (0..3)
            .flat_map(|_| uuid::Uuid::new_v4().into_bytes())
            .collect();
        Self {
            inner,
            subscriptions: Arc::default(),
            next_subscription: Arc::default(),
            request_state: RequestStateCodec::new_unchecked(key),
        }
    }

    fn subscribers(&self) -> Vec<SubscriptionSink> {
        self.subscriptions
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .values()
            .cloned()
            .collect()
    }
}

fn object(value: Value) -> JsonObject {
    match value {
        Value::Object(map) => map,
        _ => JsonObject::new(),
    }
}

fn no_arguments() -> JsonObject {
    object(json!({ "type": "object", "properties": {} }))
}

fn text(value: impl Into<String>) -> Result<CallToolResponse, ErrorData> {
    Ok(CallToolResult::success(vec![ContentBlock::text(value.into())]).into())
}

fn elicitation(
    message: &str,
    properties: Value,
    required: Value,
) -> Result<InputRequest, ErrorData> {
    let schema = serde_json::from_value(json!({
        "type": "object", "properties": properties, "required": required,
    }))
    .map_err(internal)?;
    Ok(InputRequest::Elicitation(ElicitRequest::new(
        ElicitRequestParams::FormElicitationParams {
            meta: None,
            message: message.into(),
            requested_schema: schema,
        },
    )))
}

fn sampling(prompt: &str) -> InputRequest {
    InputRequest::CreateMessage(CreateMessageRequest::new(CreateMessageRequestParams::new(
        vec![SamplingMessage::user_text(prompt)],
        100,
    )))
}

fn list_roots() -> InputRequest {
    InputRequest::ListRoots(ListRootsRequest::default())
}

/// A usable input response is an object; anything else counts as missing and is asked again.
fn input<'a>(responses: Option<&'a InputResponses>, key: &str) -> Option<&'a JsonObject> {
    responses
        .and_then(|r| r.get(key))
        .and_then(Value::as_object)
}

fn tampered() -> ErrorData {
    ErrorData::invalid_params("requestState failed integrity verification", None)
}

fn internal(err: impl std::fmt::Display) -> ErrorData {
    ErrorData::internal_error(err.to_string(), None)
}

fn action_name(action: &ElicitationAction) -> &'static str {
    match action {
        ElicitationAction::Accept => "accept",
        ElicitationAction::Decline => "decline",
        ElicitationAction::Cancel => "cancel",
        _ => "unknown",
    }
}

/// `(name, description, input schema)` of every fixture tool.
fn fixture_tools() -> Vec<Tool> {
    let plain = [
        ("test_simple_text", "Returns simple text content"),
        ("test_image_content", "Returns image content"),
        ("test_audio_content", "Returns audio content"),
        (
            "test_embedded_resource",
            "Returns embedded resource content",
        ),
        (
            "test_multiple_content_types",
            "Returns multiple content types",
        ),
        ("test_tool_with_logging", "Sends logging notifications"),
        ("test_error_handling", "Always returns an error"),
        ("test_tool_with_progress", "Reports progress notifications"),
        (
            "test_elicitation_sep1034_defaults",
            "Elicitation with defaults",
        ),
        ("test_elicitation_sep1330_enums", "Elicitation with enums"),
        ("test_reconnection", "Tests SSE reconnection"),
        ("test_trigger_tool_change", "Triggers tools/list_changed"),
        (
            "test_trigger_prompt_change",
            "Triggers prompts/list_changed",
        ),
        (
            "test_missing_capability",
            "Requires the sampling capability",
        ),
        (
            "test_streaming_elicitation",
            "Returns an input_required result",
        ),
        ("test_logging_tool", "Logs only when logLevel is requested"),
        (
            "test_input_required_result_elicitation",
            "SEP-2322 elicitation",
        ),
        ("test_input_required_result_sampling", "SEP-2322 sampling"),
        ("test_input_required_result_list_roots", "SEP-2322 roots"),
        ("test_input_required_result_request_state", "SEP-2322 state"),
        (
            "test_input_required_result_multiple_inputs",
            "SEP-2322 inputs",
        ),
        ("test_input_required_result_multi_round", "SEP-2322 rounds"),
        (
            "test_input_required_result_tampered_state",
            "SEP-2322 tamper",
        ),
        ("test_input_required_result_capabilities", "SEP-2322 caps"),
    ];
    let mut tools: Vec<Tool> = plain
        .into_iter()
        .map(|(name, description)| Tool::new(name, description, no_arguments()))
        .collect();
    let one_string = |name: &str, description: &str| {
        object(json!({
            "type": "object",
            "properties": { name: { "type": "string", "description": description } },
            "required": [name]
        }))
    };
    tools.push(Tool::new(
        "test_sampling",
        "Requests LLM sampling from the client",
        one_string("prompt", "The prompt to send"),
    ));
    tools.push(Tool::new(
        "test_elicitation",
        "Requests user input from the client",
        one_string("message", "The message to show"),
    ));
    tools.push(Tool::new(
        JSON_SCHEMA_TOOL,
        "Tool with JSON Schema 2020-12 features",
        object(json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "type": "object",
            "$defs": {
                "address": {
                    "$anchor": "addressDef",
                    "type": "object",
                    "properties": { "street": { "type": "string" }, "city": { "type": "string" } }
                }
            },
            "properties": {
                "name": { "type": "string" },
                "address": { "$ref": "#/$defs/address" },
                "contactMethod": { "type": "string", "enum": ["phone", "email"] },
                "phone": { "type": "string" },
                "email": { "type": "string" }
            },
            "allOf": [{ "anyOf": [{ "required": ["phone"] }, { "required": ["email"] }] }],
            "if": {
                "properties": { "contactMethod": { "const": "phone" } },
                "required": ["contactMethod"]
            },
            "then": { "required": ["phone"] },
            "else": { "required": ["email"] },
            "additionalProperties": false
        })),
    ));
    tools.push(Tool::new(
        "test_custom_header",
        "Validates SEP-2243 custom parameter headers",
        object(json!({
            "type": "object",
            "properties": { "value": { "type": "string", "x-mcp-header": "Value" } },
            "required": ["value"]
        })),
    ));
    tools
}

/// The suite's `json-schema-2020-12` scenario (SEP-1613, SEP-2106) looks for this tool by name and
/// checks that its 2020-12 keywords reach the client unchanged.
const JSON_SCHEMA_TOOL: &str = "json_schema_2020_12_tool";

fn is_fixture_tool(name: &str) -> bool {
    name.starts_with("test_") || name == JSON_SCHEMA_TOOL
}

impl ConformanceServer {
    async fn call_fixture(
        &self,
        request: CallToolRequestParams,
        cx: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let name = request.name.as_ref();
        if name.starts_with("test_input_required_result_") {
            return self.input_required(&request, &cx.meta);
        }
        let args = request.arguments.clone().unwrap_or_default();
        let peer = &cx.peer;
        match name {
            "test_simple_text" => text("This is a simple text response for testing."),
            JSON_SCHEMA_TOOL => text("ok"),
            "test_image_content" => {
                Ok(CallToolResult::success(vec![ContentBlock::image(IMAGE, "image/png")]).into())
            }
            "test_audio_content" => Ok(CallToolResult::success(vec![ContentBlock::Audio(
                AudioContent::new(AUDIO, "audio/wav"),
            )])
            .into()),
            "test_embedded_resource" => Ok(CallToolResult::success(vec![ContentBlock::resource(
                ResourceContents::TextResourceContents {
                    uri: "test://embedded-resource".into(),
                    mime_type: Some("text/plain".into()),
                    text: "This is an embedded resource content.".into(),
                    meta: None,
                },
            )])
            .into()),
            "test_multiple_content_types" => Ok(CallToolResult::success(vec![
                ContentBlock::text("Multiple content types test:"),
                ContentBlock::image(IMAGE, "image/png"),
                ContentBlock::resource(ResourceContents::TextResourceContents {
                    uri: "test://mixed-content-resource".into(),
                    mime_type: Some("application/json".into()),
                    text: r#"{"test":"data","value":123}"#.into(),
                    meta: None,
                }),
            ])
            .into()),
            "test_tool_with_logging" => {
                for message in [
                    "Tool execution started",
                    "Tool processing data",
                    "Tool execution completed",
                ] {
                    let _ = peer
                        .notify_logging_message(
                            LoggingMessageNotificationParam::new(
                                LoggingLevel::Info,
                                json!(message),
                            )
                            .with_logger("handoff-conformance"),
                        )
                        .await;
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
                text("Logging test completed")
            }
            "test_error_handling" => Ok(CallToolResult::error(vec![ContentBlock::text(
                "This tool intentionally returns an error for testing",
            )])
            .into()),
            "test_tool_with_progress" => {
                let token = cx.meta.get_progress_token();
                for (progress, message) in [(0.0, "Starting"), (50.0, "Halfway"), (100.0, "Done")] {
                    if let Some(token) = &token {
                        let _ = peer
                            .notify_progress(
                                ProgressNotificationParam::new(token.clone(), progress)
                                    .with_total(100.0)
                                    .with_message(message),
                            )
                            .await;
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
                text("Progress test completed")
            }
            "test_custom_header" => match args.get("value").and_then(Value::as_str) {
                Some(value) => text(value),
                None => Err(ErrorData::invalid_params("value must be a string", None)),
            },
            "test_sampling" => {
                let prompt = args
                    .get("prompt")
                    .and_then(Value::as_str)
                    .unwrap_or("Hello");
                let params =
                    CreateMessageRequestParams::new(vec![SamplingMessage::user_text(prompt)], 100);
                match peer.create_message(params).await {
                    Ok(result) => {
                        let reply = result
                            .message
                            .content
                            .first()
                            .and_then(|content| content.as_text())
                            .map(|content| content.text.clone())
                            .unwrap_or_else(|| "No text response".into());
                        text(format!("LLM response: {reply}"))
                    }
                    Err(err) => Ok(CallToolResult::error(vec![ContentBlock::text(format!(
                        "Sampling error: {err}"
                    ))])
                    .into()),
                }
            }
            "test_elicitation"
            | "test_elicitation_sep1034_defaults"
            | "test_elicitation_sep1330_enums" => self.elicit(name, &args, peer).await,
            "test_reconnection" => {
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                text("Reconnection test completed")
            }
            "test_trigger_tool_change" => {
                for subscriber in self.subscribers() {
                    let _ = subscriber.notify_tool_list_changed().await;
                }
                text("Tool list change triggered")
            }
            "test_trigger_prompt_change" => {
                for subscriber in self.subscribers() {
                    let _ = subscriber.notify_prompt_list_changed().await;
                }
                text("Prompt list change triggered")
            }
            "test_missing_capability" => {
                let capabilities = cx.meta.client_capabilities().unwrap_or_default();
                if capabilities.sampling.is_none() {
                    return Err(ErrorData::missing_required_client_capability(
                        ClientCapabilities::builder().enable_sampling().build(),
                    ));
                }
                text("Required capability declared")
            }
            "test_streaming_elicitation" => {
                let mut requests = InputRequests::new();
                requests.insert(
                    "streaming_elicitation".into(),
                    elicitation(
                        "Provide a value",
                        json!({ "value": { "type": "string" } }),
                        json!(["value"]),
                    )?,
                );
                Ok(InputRequiredResult::from_input_requests(requests).into())
            }
            "test_logging_tool" => {
                if let Some(level) = cx.meta.log_level() {
                    let _ = peer
                        .notify_logging_message(
                            LoggingMessageNotificationParam::new(
                                level,
                                json!("logLevel was requested"),
                            )
                            .with_logger("handoff-conformance"),
                        )
                        .await;
                }
                text("Logging tool completed")
            }
            _ => Err(ErrorData::invalid_params(
                format!("Unknown tool: {name}"),
                None,
            )),
        }
    }

    async fn elicit(
        &self,
        name: &str,
        args: &JsonObject,
        peer: &rmcp::Peer<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let (message, schema) = match name {
            "test_elicitation" => (
                args.get("message")
                    .and_then(Value::as_str)
                    .unwrap_or("Please provide your information")
                    .to_owned(),
                json!({
                    "type": "object",
                    "properties": {
                        "username": { "type": "string", "description": "User's response" },
                        "email": { "type": "string", "description": "User's email address" }
                    },
                    "required": ["username", "email"]
                }),
            ),
            "test_elicitation_sep1034_defaults" => (
                "Please provide values (all have defaults)".to_owned(),
                json!({
                    "type": "object",
                    "properties": {
                        "name": { "type": "string", "description": "User's name", "default": "John Doe" },
                        "age": { "type": "integer", "description": "User's age", "default": 30 },
                        "score": { "type": "number", "description": "User's score", "default": 95.5 },
                        "status": {
                            "type": "string", "description": "User's status",
                            "enum": ["active", "inactive", "pending"], "default": "active"
                        },
                        "verified": { "type": "boolean", "description": "Whether user is verified", "default": true }
                    }
                }),
            ),
            _ => (
                "Test enum schema improvements".to_owned(),
                json!({
                    "type": "object",
                    "properties": {
                        "untitledSingle": { "type": "string", "enum": ["option1", "option2", "option3"] },
                        "titledSingle": {
                            "type": "string",
                            "oneOf": [
                                { "const": "value1", "title": "First Option" },
                                { "const": "value2", "title": "Second Option" },
                                { "const": "value3", "title": "Third Option" }
                            ]
                        },
                        "legacyEnum": {
                            "type": "string",
                            "enum": ["opt1", "opt2", "opt3"],
                            "enumNames": ["Option One", "Option Two", "Option Three"]
                        },
                        "untitledMulti": {
                            "type": "array",
                            "items": { "type": "string", "enum": ["option1", "option2", "option3"] }
                        },
                        "titledMulti": {
                            "type": "array",
                            "items": {
                                "anyOf": [
                                    { "const": "value1", "title": "First Choice" },
                                    { "const": "value2", "title": "Second Choice" },
                                    { "const": "value3", "title": "Third Choice" }
                                ]
                            }
                        }
                    }
                }),
            ),
        };
        let requested_schema = serde_json::from_value(schema).map_err(internal)?;
        let params = ElicitRequestParams::FormElicitationParams {
            meta: None,
            message,
            requested_schema,
        };
        match peer.create_elicitation(params).await {
            Ok(result) => text(format!(
                "Elicitation completed: action={}, content={:?}",
                action_name(&result.action),
                result.content
            )),
            Err(err) => Ok(CallToolResult::error(vec![ContentBlock::text(format!(
                "Elicitation error: {err}"
            ))])
            .into()),
        }
    }

    /// SEP-2322 tools: an `InputRequiredResult` until the client retries with the expected
    /// `inputResponses` (and, where used, the sealed `requestState` echoed back).
    fn input_required(
        &self,
        request: &CallToolRequestParams,
        meta: &RequestMetaObject,
    ) -> Result<CallToolResponse, ErrorData> {
        let responses = request.input_responses.as_ref();
        let ask = |key: &str, input: InputRequest| {
            let mut requests = InputRequests::new();
            requests.insert(key.into(), input);
            requests
        };
        let name_request = || {
            elicitation(
                "What is your name?",
                json!({ "name": { "type": "string" } }),
                json!(["name"]),
            )
        };
        let content = |response: &JsonObject, field: &str| {
            response
                .get("content")
                .and_then(|content| content.get(field))
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        match request.name.as_ref() {
            "test_input_required_result_elicitation" => match input(responses, "user_name") {
                Some(response) => text(format!(
                    "Hello, {}!",
                    content(response, "name").unwrap_or_else(|| "friend".into())
                )),
                None => Ok(InputRequiredResult::from_input_requests(ask(
                    "user_name",
                    name_request()?,
                ))
                .into()),
            },
            "test_input_required_result_sampling" => match input(responses, "capital_question") {
                Some(response) => text(format!(
                    "Sampling response: {}",
                    content(response, "text").unwrap_or_else(|| "(no sampling text)".into())
                )),
                None => Ok(InputRequiredResult::from_input_requests(ask(
                    "capital_question",
                    sampling("What is the capital of France?"),
                ))
                .into()),
            },
            "test_input_required_result_list_roots" => match input(responses, "client_roots") {
                Some(response) => {
                    let roots = response
                        .get("roots")
                        .and_then(Value::as_array)
                        .map(|roots| {
                            roots
                                .iter()
                                .filter_map(|root| root.get("uri").and_then(Value::as_str))
                                .collect::<Vec<_>>()
                                .join(", ")
                        })
                        .unwrap_or_default();
                    text(format!("Client roots: [{roots}]"))
                }
                None => Ok(InputRequiredResult::from_input_requests(ask(
                    "client_roots",
                    list_roots(),
                ))
                .into()),
            },
            "test_input_required_result_request_state"
            | "test_input_required_result_tampered_state" => {
                match request.request_state.as_deref() {
                    None => {
                        let sealed = self
                            .request_state
                            .seal_json(&json!({ "stage": "confirm" }))
                            .map_err(internal)?;
                        let confirm = elicitation(
                            "Please confirm",
                            json!({ "ok": { "type": "boolean" } }),
                            json!(["ok"]),
                        )?;
                        Ok(
                            InputRequiredResult::new(Some(ask("confirm", confirm)), Some(sealed))
                                .into(),
                        )
                    }
                    Some(sealed) => {
                        self.request_state.open(sealed).map_err(|_| tampered())?;
                        text("Confirmed: state-ok")
                    }
                }
            }
            "test_input_required_result_multiple_inputs" => {
                if let Some(sealed) = request.request_state.as_deref() {
                    self.request_state.open(sealed).map_err(|_| tampered())?;
                }
                let all_present = ["user_name", "greeting", "client_roots"]
                    .iter()
                    .all(|key| input(responses, key).is_some());
                if all_present && request.request_state.is_some() {
                    return text("All inputs received");
                }
                let sealed = self
                    .request_state
                    .seal_json(&json!({ "stage": "gather" }))
                    .map_err(internal)?;
                let mut requests = ask("user_name", name_request()?);
                requests.insert("greeting".into(), sampling("Generate a greeting"));
                requests.insert("client_roots".into(), list_roots());
                Ok(InputRequiredResult::new(Some(requests), Some(sealed)).into())
            }
            "test_input_required_result_multi_round" => {
                let round = match request.request_state.as_deref() {
                    None => 0,
                    Some(sealed) => {
                        let state: Value = self
                            .request_state
                            .open_json(sealed)
                            .map_err(|_| tampered())?;
                        state.get("round").and_then(Value::as_i64).unwrap_or(0)
                    }
                };
                let (key, question, field) = match round {
                    0 => ("step1", "Step 1: What is your name?", "name"),
                    1 => ("step2", "Step 2: What is your favorite color?", "color"),
                    _ => return text("Multi-round flow complete"),
                };
                let sealed = self
                    .request_state
                    .seal_json(&json!({ "round": round + 1 }))
                    .map_err(internal)?;
                let step = elicitation(
                    question,
                    json!({ field: { "type": "string" } }),
                    json!([field]),
                )?;
                Ok(InputRequiredResult::new(Some(ask(key, step)), Some(sealed)).into())
            }
            "test_input_required_result_capabilities" => {
                if responses.is_some() {
                    return text("Capability-aware flow complete");
                }
                // Only ask for what the client declared it can answer.
                let capabilities = meta.client_capabilities().unwrap_or_default();
                let mut requests = InputRequests::new();
                if capabilities.elicitation.is_some() {
                    requests.insert("user_name".into(), name_request()?);
                }
                if capabilities.sampling.is_some() {
                    requests.insert("greeting".into(), sampling("Generate a greeting"));
                }
                if capabilities.roots.is_some() {
                    requests.insert("client_roots".into(), list_roots());
                }
                if requests.is_empty() {
                    return text("Client declared no MRTR-capable capabilities");
                }
                Ok(InputRequiredResult::from_input_requests(requests).into())
            }
            other => Err(ErrorData::invalid_params(
                format!("Unknown tool: {other}"),
                None,
            )),
        }
    }
}

fn fixture_resource(uri: &str) -> Option<ReadResourceResult> {
    let contents = match uri {
        "test://static-text" => ResourceContents::TextResourceContents {
            uri: uri.into(),
            mime_type: Some("text/plain".into()),
            text: "This is the content of the static text resource.".into(),
            meta: None,
        },
        "test://static-binary" => ResourceContents::BlobResourceContents {
            uri: uri.into(),
            mime_type: Some("image/png".into()),
            blob: IMAGE.into(),
            meta: None,
        },
        _ => {
            let id = uri
                .strip_prefix("test://template/")
                .and_then(|rest| rest.strip_suffix("/data"))?;
            ResourceContents::TextResourceContents {
                uri: uri.into(),
                mime_type: Some("application/json".into()),
                text:
                    json!({ "id": id, "templateTest": true, "data": format!("Data for ID: {id}") })
                        .to_string(),
                meta: None,
            }
        }
    };
    Some(
        ReadResourceResult::new(vec![contents])
            .with_ttl_ms(CACHE_TTL_MS)
            .with_cache_scope(CacheScope::Public),
    )
}

fn fixture_prompt(request: &GetPromptRequestParams) -> Result<GetPromptResponse, ErrorData> {
    let result = match request.name.as_str() {
        "test_simple_prompt" => GetPromptResult::new(vec![PromptMessage::new_text(
            Role::User,
            "This is a simple test prompt.",
        )])
        .with_description("A simple test prompt"),
        "test_prompt_with_arguments" => {
            let args = request.arguments.clone().unwrap_or_default();
            let arg = |name: &str| {
                args.get(name)
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned()
            };
            GetPromptResult::new(vec![PromptMessage::new_text(
                Role::User,
                format!(
                    "Prompt with arguments: arg1='{}', arg2='{}'",
                    arg("arg1"),
                    arg("arg2")
                ),
            )])
            .with_description("A prompt with arguments")
        }
        "test_prompt_with_embedded_resource" => GetPromptResult::new(vec![
            PromptMessage::new_text(Role::User, "Here is a resource:"),
            PromptMessage::new_resource(
                Role::User,
                "test://static-text".into(),
                Some("text/plain".into()),
                Some("Resource content for prompt".into()),
                None,
                None,
                None,
            ),
        ])
        .with_description("A prompt with an embedded resource"),
        "test_prompt_with_image" => GetPromptResult::new(vec![
            PromptMessage::new_text(Role::User, "Here is an image:"),
            PromptMessage::new(
                Role::User,
                ContentBlock::Image(ImageContent::new(IMAGE, "image/png")),
            ),
        ])
        .with_description("A prompt with an image"),
        "test_input_required_result_prompt" => {
            let context = request
                .input_responses
                .as_ref()
                .and_then(|responses| responses.get("user_context"))
                .and_then(Value::as_object);
            return Ok(match context {
                Some(response) => {
                    let context = response
                        .get("content")
                        .and_then(|content| content.get("context"))
                        .and_then(Value::as_str)
                        .unwrap_or("(no context)");
                    GetPromptResult::new(vec![PromptMessage::new_text(
                        Role::User,
                        format!("Prompt with elicited context: {context}"),
                    )])
                    .with_description("A prompt built from elicited context")
                    .into()
                }
                None => {
                    let mut requests = InputRequests::new();
                    requests.insert(
                        "user_context".into(),
                        elicitation(
                            "What context should the prompt use?",
                            json!({ "context": { "type": "string" } }),
                            json!(["context"]),
                        )?,
                    );
                    InputRequiredResult::from_input_requests(requests).into()
                }
            });
        }
        other => {
            return Err(ErrorData::invalid_params(
                format!("Unknown prompt: {other}"),
                None,
            ));
        }
    };
    Ok(result.into())
}

fn fixture_prompts() -> Vec<Prompt> {
    vec![
        Prompt::new("test_simple_prompt", Some("A simple test prompt"), None),
        Prompt::new(
            "test_prompt_with_arguments",
            Some("A test prompt that accepts arguments"),
            Some(vec![
                PromptArgument::new("arg1")
                    .with_description("First test argument")
                    .with_required(true),
                PromptArgument::new("arg2")
                    .with_description("Second test argument")
                    .with_required(false),
            ]),
        ),
        Prompt::new(
            "test_prompt_with_embedded_resource",
            Some("A test prompt with an embedded resource"),
            None,
        ),
        Prompt::new(
            "test_prompt_with_image",
            Some("A test prompt with an image"),
            None,
        ),
        Prompt::new(
            "test_input_required_result_prompt",
            Some("A prompt that requires elicitation input (SEP-2322)"),
            None,
        ),
    ]
}

/// The product's answer, or an empty list where the product has none of that kind.
fn or_empty<T: Default>(result: Result<T, ErrorData>) -> Result<T, ErrorData> {
    match result {
        Err(err) if err.code == ErrorCode::METHOD_NOT_FOUND => Ok(T::default()),
        other => other,
    }
}

impl ServerHandler for ConformanceServer {
    fn get_info(&self) -> ServerConfig {
        let mut info = self.inner.get_info();
        info.capabilities = ServerCapabilities::builder()
            .enable_tools()
            .enable_tool_list_changed()
            .enable_prompts()
            .enable_prompts_list_changed()
            .enable_resources()
            .enable_resources_subscribe()
            .enable_resources_list_changed()
            .enable_logging()
            .enable_completions()
            .build();
        info
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        if is_fixture_tool(name) {
            return fixture_tools().into_iter().find(|tool| tool.name == name);
        }
        self.inner.get_tool(name)
    }

    async fn list_tools(
        &self,
        request: Option<PaginatedRequestParams>,
        cx: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        let first_page = request.as_ref().is_none_or(|r| r.cursor.is_none());
        let mut result = self.inner.list_tools(request, cx).await?;
        if first_page {
            result.tools.extend(fixture_tools());
        }
        Ok(result)
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        cx: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        if is_fixture_tool(&request.name) {
            return self.call_fixture(request, cx).await;
        }
        self.inner.call_tool(request, cx).await
    }

    async fn list_resources(
        &self,
        request: Option<PaginatedRequestParams>,
        cx: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        let first_page = request.as_ref().is_none_or(|r| r.cursor.is_none());
        let mut result = or_empty(self.inner.list_resources(request, cx).await)?;
        if first_page {
            result.resources.extend([
                Resource::new("test://static-text", "Static Text Resource")
                    .with_description("A static text resource for testing")
                    .with_mime_type("text/plain"),
                Resource::new("test://static-binary", "Static Binary Resource")
                    .with_description("A static binary resource for testing")
                    .with_mime_type("image/png"),
            ]);
        }
        Ok(result)
    }

    async fn list_resource_templates(
        &self,
        request: Option<PaginatedRequestParams>,
        cx: RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, ErrorData> {
        let first_page = request.as_ref().is_none_or(|r| r.cursor.is_none());
        let mut result = or_empty(self.inner.list_resource_templates(request, cx).await)?;
        if first_page {
            result.resource_templates.push(
                ResourceTemplate::new("test://template/{id}/data", "Dynamic Resource")
                    .with_description("A dynamic resource with parameter substitution")
                    .with_mime_type("application/json"),
            );
        }
        Ok(result)
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        cx: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        if !request.uri.starts_with("test://") {
            return self.inner.read_resource(request, cx).await;
        }
        fixture_resource(&request.uri)
            .map(Into::into)
            .ok_or_else(|| {
                ErrorData::resource_not_found(
                    format!("Resource not found: {}", request.uri),
                    Some(json!({ "uri": request.uri })),
                )
            })
    }

    async fn subscribe(
        &self,
        _request: SubscribeRequestParams,
        _cx: RequestContext<RoleServer>,
    ) -> Result<(), ErrorData> {
        Ok(())
    }

    async fn unsubscribe(
        &self,
        _request: UnsubscribeRequestParams,
        _cx: RequestContext<RoleServer>,
    ) -> Result<(), ErrorData> {
        Ok(())
    }

    async fn list_prompts(
        &self,
        request: Option<PaginatedRequestParams>,
        cx: RequestContext<RoleServer>,
    ) -> Result<ListPromptsResult, ErrorData> {
        let first_page = request.as_ref().is_none_or(|r| r.cursor.is_none());
        let mut result = or_empty(self.inner.list_prompts(request, cx).await)?;
        if first_page {
            result.prompts.extend(fixture_prompts());
        }
        Ok(result)
    }

    async fn get_prompt(
        &self,
        request: GetPromptRequestParams,
        cx: RequestContext<RoleServer>,
    ) -> Result<GetPromptResponse, ErrorData> {
        if !request.name.starts_with("test_") {
            return self.inner.get_prompt(request, cx).await;
        }
        fixture_prompt(&request)
    }

    async fn complete(
        &self,
        request: CompleteRequestParams,
        cx: RequestContext<RoleServer>,
    ) -> Result<CompleteResult, ErrorData> {
        let values: Vec<String> = match &request.r#ref {
            Reference::Resource(reference) if reference.uri.starts_with("test://") => {
                if request.argument.name == "id" {
                    vec!["1".into(), "2".into(), "3".into()]
                } else {
                    Vec::new()
                }
            }
            Reference::Prompt(prompt) if prompt.name.starts_with("test_") => {
                match request.argument.name.as_str() {
                    "name" => vec!["Alice".into(), "Bob".into(), "Charlie".into()],
                    "style" => vec!["friendly".into(), "formal".into(), "casual".into()],
                    _ => vec![prompt.name.clone()],
                }
            }
            _ => return or_empty(self.inner.complete(request, cx).await),
        };
        Ok(CompleteResult::new(
            CompletionInfo::new(values).map_err(internal)?,
        ))
    }

    async fn set_level(
        &self,
        _request: SetLevelRequestParams,
        _cx: RequestContext<RoleServer>,
    ) -> Result<(), ErrorData> {
        Ok(())
    }

    fn accepted_subscription_filter(
        &self,
        requested: &SubscriptionFilter,
    ) -> Option<SubscriptionFilter> {
        Some(requested.supported_by(&self.get_info().capabilities))
    }

    async fn listen(&self, context: SubscriptionContext) -> Result<(), ErrorData> {
        let key = self.next_subscription.fetch_add(1, Ordering::Relaxed);
        self.subscriptions
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key, context.sink().clone());
        context.cancelled().await;
        self.subscriptions
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&key);
        Ok(())
    }

    async fn on_cancelled(
        &self,
        notification: CancelledNotificationParam,
        context: NotificationContext<RoleServer>,
    ) {
        self.inner.on_cancelled(notification, context).await
    }

    async fn on_progress(
        &self,
        notification: ProgressNotificationParam,
        context: NotificationContext<RoleServer>,
    ) {
        self.inner.on_progress(notification, context).await
    }

    async fn on_initialized(&self, context: NotificationContext<RoleServer>) {
        self.inner.on_initialized(context).await
    }
}
