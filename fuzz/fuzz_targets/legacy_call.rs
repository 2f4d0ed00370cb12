//! Any bytes as a legacy plugin request: `POST /` with `{method, params}` (including `tools/call`
//! with `name` and `arguments`) and the old ticket routes' bodies, through `JsonBody` into
//! `parse_legacy_call`, the translation both the legacy routes and MCP use. A call or a
//! `bad_request` naming what to send, never a panic; inline frames go on to the plugin parser.
#![no_main]

use handoff_app::ops::DesignSource;
use handoff_app::ops::legacy::{LegacyCall, parse_legacy_call};
use handoff_server::http::json::JsonBody;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

/// The old ticket routes call these with the whole body as params.
const ROUTE_METHODS: &[&str] = &["generate_template_tickets", "generate_ai_ticket"];

fn frames(source: &DesignSource) {
    if let DesignSource::Inline { frames } = source
        && let Ok(text) = serde_json::to_vec(frames)
        && let Ok(design) = handoff_figma::parse_plugin_payload(&text)
    {
        handoff_fuzz::check_design(&design);
    }
}

fn call(name: &str, params: Value) {
    let Ok(call) = parse_legacy_call(name, params) else {
        return;
    };
    let _ = call.rate_groups();
    let _ = call.fetches_figma();
    match &call {
        LegacyCall::Report { request, .. } | LegacyCall::Effort { request, .. } => {
            frames(&request.source);
        }
        LegacyCall::Tickets(request) | LegacyCall::EnhancedTicket(request) => {
            frames(&request.source);
        }
        LegacyCall::AiTicket { request, signals }
        | LegacyCall::VisualTicket { request, signals } => {
            frames(&request.source);
            let _ = (signals.data_points(), signals.confidence());
        }
        LegacyCall::Batch { frames: each, .. } => {
            for frame in each {
                if let Ok(text) = serde_json::to_vec(&[frame])
                    && let Ok(design) = handoff_figma::parse_plugin_payload(&text)
                {
                    handoff_fuzz::check_design(&design);
                }
            }
        }
        LegacyCall::TestAiServices | LegacyCall::NothingSelected => {}
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(JsonBody(body)) = JsonBody::<Value>::parse(data) else {
        return;
    };
    for name in ROUTE_METHODS {
        call(name, body.clone());
    }
    let Value::Object(mut body) = body else {
        return;
    };
    let Some(Value::String(method)) = body.remove("method") else {
        return;
    };
    let params = body.remove("params").unwrap_or(Value::Null);
    // `tools/call`: as `http/legacy/rpc.rs` unwraps it.
    if method == "tools/call" {
        if let Value::Object(mut params) = params
            && let Some(Value::String(name)) = params.remove("name")
        {
            let arguments = match params.remove("arguments") {
                Some(Value::Null) | None => Value::Object(params),
                Some(arguments) => arguments,
            };
            call(&name, arguments);
        }
        return;
    }
    call(&method, params);
});
