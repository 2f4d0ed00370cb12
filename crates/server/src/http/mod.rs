//! The router and its middleware stack.

mod admin;
pub mod guard;
pub mod json;
mod legacy;
mod middleware;
mod ops;
pub mod peer;
mod v1;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::HeaderValue;
use axum::http::StatusCode;
use handoff_app::App;
use tower::ServiceBuilder;
use tower_http::LatencyUnit;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{AllowOrigin, Any, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};

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
    let mcp = guard::guard_service(handoff_mcp::http_service(app.clone()), &app);
    let cors = cors_layer(&config.cors_allowed_origins);

    // Only a server that shares a local admin token (the embedded store's) answers admin routes.
    let admin = if app.local_admin_enabled() {
        admin::routes(&app)
    } else {
        Router::new()
    };
    let routes = ops::routes()
        .merge(legacy::routes(&app))
        .merge(v1::routes(&app))
        .merge(admin)
        .merge(extra)
        .fallback(middleware::not_found);
    let state = AppState { app };

    // Each `Router::layer` call wraps every route in one more boxed service, cloned and boxed again
    // on every request, so the middleware goes on as two stacks, one layer each. A stack's first
    // layer sees the request first.
    let api_middleware = ServiceBuilder::new()
        // Outside the guards, so preflight requests are answered without credentials.
        .layer(cors)
        .layer(CatchPanicLayer::custom(middleware::panic_response))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeout,
        ))
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(RequestBodyLimitLayer::new(body_limit));
    let shared_middleware = ServiceBuilder::new()
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        // One info line per request when it is answered: the span carries method, path (never the
        // query, which may hold tokens) and request id; the line adds status and latency.
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(middleware::request_span)
                .on_response(
                    DefaultOnResponse::new()
                        .level(tracing::Level::INFO)
                        .latency_unit(LatencyUnit::Millis),
                ),
        )
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(axum::middleware::from_fn(middleware::record_metrics))
        .layer(axum::middleware::map_response(middleware::json_errors));
    routes
        .layer(api_middleware)
        // MCP streams (SSE) may outlive the request timeout, so /mcp joins below it.
        .nest_service("/mcp", mcp)
        .layer(shared_middleware)
        .with_state(state)
}

/// CORS for the HTTP API and the legacy routes. The default, `null`, is what the Figma plugin needs
/// (its iframe has no origin of its own); the guard refuses other pages acting as the local user
/// (`handoff_app::browser`). `/mcp` has its own Origin validation instead.
fn cors_layer(origins: &[String]) -> CorsLayer {
    let allow_origin = if origins.iter().any(|origin| origin == "*") {
        AllowOrigin::from(Any)
    } else {
        // `Config::load` refuses an entry that is not a header value, so nothing is dropped here.
        AllowOrigin::list(
            origins
                .iter()
                .filter_map(|origin| HeaderValue::from_str(origin).ok()),
        )
    };
    CorsLayer::new()
        .allow_origin(allow_origin)
        .allow_methods(Any)
        .allow_headers(Any)
        .expose_headers([
            guard::RATELIMIT_LIMIT,
            guard::RATELIMIT_REMAINING,
            guard::RATELIMIT_RESET,
            axum::http::header::RETRY_AFTER,
            axum::http::HeaderName::from_static("x-request-id"),
        ])
}
