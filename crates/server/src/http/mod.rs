//! The router and its middleware stack.

mod middleware;
mod ops;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use handoff_app::App;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Shared state of every handler.
#[derive(Clone)]
pub struct AppState {
    pub app: Arc<App>,
}

/// The complete router. `extra` is merged in before the middleware is applied, so everything served
/// gets the same request ids, limits, metrics and error shape.
pub fn router(app: Arc<App>, extra: Router<AppState>) -> Router {
    let config = app.config();
    let body_limit = usize::try_from(config.max_body_bytes).unwrap_or(usize::MAX);
    let timeout = Duration::from_secs(config.request_timeout_secs);
    let mcp = handoff_mcp::http_service(app.clone());
    let state = AppState { app };

    let routes = ops::routes().merge(extra).fallback(middleware::not_found);

    // Router::layer wraps outward: the last layer added sees the request first.
    routes
        .layer(RequestBodyLimitLayer::new(body_limit))
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeout,
        ))
        .layer(CatchPanicLayer::custom(middleware::panic_response))
        // MCP streams (SSE) may outlive the request timeout, so /mcp joins below it.
        .nest_service("/mcp", mcp)
        .layer(axum::middleware::map_response(middleware::json_errors))
        .layer(axum::middleware::from_fn(middleware::record_metrics))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http().make_span_with(middleware::request_span))
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}
