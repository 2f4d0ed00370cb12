//! `GET /` and `GET /api/figma/health`: what the plugin shows before its first call. Both report the
//! real state (store reachability, whether a Figma token is configured, no AI provider) rather than
//! the old constants.

use std::time::Instant;

use axum::Json;
use axum::extract::State;
use handoff_app::ops::legacy::LEGACY_METHODS;
use handoff_store::BackendKind;
use serde_json::{Value, json};

use super::timestamp;
use crate::http::AppState;

pub async fn server_info(State(state): State<AppState>) -> Json<Value> {
    let app = &state.app;
    let started = Instant::now();
    let store = app.ready().await;
    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    // Only reachability: this route is open, and store errors may name hosts.
    let connected = store.is_ok();
    let figma_token = app.config().figma_token.is_some();
    Json(json!({
        "name": "handoff",
        "description": "Design-to-code handoff server (speaks the Figma AI Ticket Generator plugin's API)",
        "version": env!("CARGO_PKG_VERSION"),
        // The server answers either way; a store it cannot reach degrades every stateful call.
        "status": if connected { "running" } else { "degraded" },
        "timestamp": timestamp(),
        "uptime": app.uptime_secs(),
        "storage": {
            "backend": match app.store().kind() {
                BackendKind::Redis => "redis",
                BackendKind::Embedded => "embedded",
            },
            "status": if connected { "healthy" } else { "disconnected" },
            "connected": connected,
            "latencyMs": (latency_ms * 100.0).round() / 100.0,
        },
        "tools": LEGACY_METHODS,
        "ai": {
            "configured": false,
            "provider": null,
            "note": "tickets are generated from templates and the real design data; no AI provider is called",
        },
        "features": {
            "templates": true,
            "figmaApi": figma_token,
            "visualEnhancedAI": false,
            "mcp": "/mcp",
            "restApi": "/api/v1",
        },
    }))
}

pub async fn figma_health(State(state): State<AppState>) -> Json<Value> {
    let figma_token = state.app.config().figma_token.is_some();
    Json(json!({
        "status": "healthy",
        "timestamp": timestamp(),
        "service": "Figma Screenshot API",
        "version": env!("CARGO_PKG_VERSION"),
        "figmaTokenConfigured": figma_token,
        "message": if figma_token {
            "Figma renders use the server's configured token"
        } else {
            "no server-wide Figma token is configured (figma_token / HANDOFF_FIGMA_TOKEN): screenshots \
             need one, or a Figma token stored for the calling user"
        },
        "endpoints": {
            "screenshot": "/api/figma/screenshot",
            "health": "/api/figma/health",
        },
    }))
}
