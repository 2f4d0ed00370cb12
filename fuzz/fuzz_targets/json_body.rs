//! Any bytes as the JSON body of a REST route, through `JsonBody` (the one extractor every JSON
//! route uses) into the request types that have hand-written deserialization (`sourced.rs`: the
//! design source's keys and aliases read in one pass with the request's own fields). A body is
//! accepted or refused with a message, never a panic; inline frames go on to the plugin parser.
#![no_main]

use handoff_app::ops::screenshots::ScreenshotRenderRequest;
use handoff_app::ops::{AnalyzeRequest, DesignContextRequest, DesignSource, GenerateRequest};
use handoff_server::http::json::JsonBody;
use libfuzzer_sys::fuzz_target;
use serde::de::DeserializeOwned;

/// Parses `data` as a `T` the way the route does.
fn parse<T: DeserializeOwned>(data: &[u8]) -> Option<T> {
    JsonBody::<T>::parse(data).ok().map(|JsonBody(value)| value)
}

fn inline_frames(source: &DesignSource) {
    let _ = source.selected_node_count();
    if let DesignSource::Inline { frames } = source
        && let Ok(text) = serde_json::to_vec(frames)
        && let Ok(design) = handoff_figma::parse_plugin_payload(&text)
    {
        handoff_fuzz::check_design(&design);
    }
}

fuzz_target!(|data: &[u8]| {
    if let Some(request) = parse::<GenerateRequest>(data) {
        inline_frames(&request.source);
    }
    if let Some(request) = parse::<AnalyzeRequest>(data) {
        inline_frames(&request.source);
    }
    if let Some(request) = parse::<DesignContextRequest>(data) {
        inline_frames(&request.source);
    }
    if let Some(source) = parse::<DesignSource>(data) {
        inline_frames(&source);
    }
    let _ = JsonBody::<ScreenshotRenderRequest>::parse(data);
    let _ = JsonBody::<serde_json::Value>::parse(data);
});
