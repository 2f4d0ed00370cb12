//! Operational endpoints: liveness, readiness and Prometheus metrics.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;

use super::AppState;
use crate::error::ApiError;
use crate::metrics_recorder;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/health", get(health))
        .route("/ready", get(ready))
        .route("/metrics", get(metrics))
}

async fn health(State(state): State<AppState>) -> Json<serde_json::Value> {
    Json(json!({
        "status": "ok",
        "version": env!("CARGO_PKG_VERSION"),
        "uptime_s": state.app.uptime_secs(),
    }))
}

async fn ready(State(state): State<AppState>) -> Response {
    match state.app.ready().await {
        Ok(()) => Json(json!({ "status": "ready" })).into_response(),
        Err(err) => {
            // The request line says 503; this says why (the store's reason names no credentials).
            tracing::warn!(reason = %err.message, "not ready: the store does not answer");
            let mut response = ApiError(err).into_response();
            *response.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
            response
        }
    }
}

async fn metrics() -> Response {
    match metrics_recorder::handle() {
        Some(handle) => (
            [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
            handle.render(),
        )
            .into_response(),
        None => ApiError(handoff_app::AppError::internal(
            "the metrics recorder is not installed",
        ))
        .into_response(),
    }
}
