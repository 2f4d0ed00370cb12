//! `POST /` with `{method, params}`: the nine legacy methods, `tools/list` and `tools/call` (legacy-api
//! §3–§5). Methods are translated and run by `handoff_app::ops::legacy`, the mapping MCP uses too.

use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use handoff_app::AppError;
use handoff_app::auth::Caller;
use handoff_app::ops::legacy::parse_legacy_call;
use serde::Deserialize;
use serde_json::Value;

use super::{Route, legacy_error, tools};
use crate::error::ApiError;
use crate::http::AppState;
use crate::http::json::JsonBody;

#[derive(Debug, Deserialize)]
struct MethodCall {
    method: String,
    /// Missing is `{}` (the second old server answered 500 instead).
    #[serde(default)]
    params: Value,
    #[serde(default)]
    jsonrpc: Option<Value>,
}

pub async fn call(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Response {
    let request = match JsonBody::<MethodCall>::parse(&body) {
        Ok(JsonBody(request)) => request,
        Err(ApiError(err)) => return legacy_error(Route::MethodRequest, err),
    };
    if request.jsonrpc.is_some() {
        return legacy_error(
            Route::MethodRequest,
            AppError::bad_request(
                "this is a JSON-RPC request (it has `jsonrpc`): MCP clients belong on /mcp; \
                 POST / takes {\"method\", \"params\"}",
            )
            .with_code("use_mcp_endpoint"),
        );
    }
    let (name, params) = match request.method.as_str() {
        "tools/list" => return Json(tools::list()).into_response(),
        "tools/call" => match tool_call(request.params) {
            Ok(named) => named,
            Err(err) => return legacy_error(Route::MethodRequest, err),
        },
        _ => (request.method, request.params),
    };
    let call = match parse_legacy_call(&name, params) {
        Ok(call) => call,
        // Not a call at all; anything else is the method refusing its arguments.
        Err(err) if matches!(err.code(), "unknown_method" | "bad_params") => {
            return legacy_error(Route::MethodRequest, err);
        }
        Err(err) => return legacy_error(Route::Method(&name), err),
    };
    match state.app.call_legacy(&caller.identity, call).await {
        Ok(output) => Json(output).into_response(),
        Err(err) => legacy_error(Route::Method(&name), err),
    }
}

/// `tools/call` params: `name` and its `arguments`; without `arguments` the old server passed the
/// params themselves, which keeps `name: "generate_ai_ticket"` with inline params working.
fn tool_call(params: Value) -> Result<(String, Value), AppError> {
    let Value::Object(mut params) = params else {
        return Err(bad_tool_call());
    };
    let name = match params.remove("name") {
        Some(Value::String(name)) if !name.trim().is_empty() => name,
        _ => return Err(bad_tool_call()),
    };
    let arguments = match params.remove("arguments") {
        Some(Value::Null) | None => Value::Object(params),
        Some(arguments) => arguments,
    };
    Ok((name, arguments))
}

fn bad_tool_call() -> AppError {
    AppError::bad_request(
        "tools/call needs params {\"name\": \"<tool>\", \"arguments\": {…}}; \
         {\"method\": \"tools/list\"} lists the tools",
    )
    .with_code("bad_params")
}
