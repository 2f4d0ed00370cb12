//! The one place HTTP requests are authenticated and rate-limited. Every guarded route runs behind
//! [`guard_routes`] (REST v1, the legacy contract) or [`guard_service`] (`/mcp`); handlers read the
//! caller with `Extension<Caller>` and never look at credentials themselves.
//!
//! Isolation follows from this: handlers pass `caller.identity` to the service layer, whose store
//! keys every record by it, so another user's records are simply not found (404, never 403).

use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, header};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use handoff_app::App;
use handoff_app::browser::{self, BrowserContext};
use handoff_app::ratelimit::{self, RateGroup};
use handoff_store::RateDecision;

use crate::error::ApiError;

pub const RATELIMIT_LIMIT: HeaderName = HeaderName::from_static("ratelimit-limit");
pub const RATELIMIT_REMAINING: HeaderName = HeaderName::from_static("ratelimit-remaining");
pub const RATELIMIT_RESET: HeaderName = HeaderName::from_static("ratelimit-reset");

#[derive(Clone)]
struct Guard {
    app: Arc<App>,
    group: Option<RateGroup>,
    /// Refuse the local user to browser pages that may not act as them (`handoff_app::browser`).
    /// `/mcp` validates `Origin` itself, with the JSON-RPC error shape its clients expect.
    check_browser: bool,
}

/// Authenticate every route of `router` and, when `group` is given, draw each request from the
/// caller's budget for it. Unmatched paths stay 404 (the guard wraps matched routes only).
pub fn guard_routes<S>(router: Router<S>, app: &Arc<App>, group: Option<RateGroup>) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    router.route_layer(from_fn_with_state(
        Guard {
            app: app.clone(),
            group,
            check_browser: true,
        },
        guard,
    ))
}

/// Authenticate every request to a service (MCP): budgets are drawn per tool call, not per request.
pub fn guard_service(router: Router, app: &Arc<App>) -> Router {
    router.layer(from_fn_with_state(
        Guard {
            app: app.clone(),
            group: None,
            check_browser: false,
        },
        guard,
    ))
}

async fn guard(State(guard): State<Guard>, mut request: Request, next: Next) -> Response {
    let authorization = request
        .headers()
        .get(header::AUTHORIZATION)
        .map(|value| value.as_bytes().to_vec());
    let same_host = crate::http::peer::is_same_host(request.extensions());
    let caller = match guard
        .app
        .authenticate_peer(authorization.as_deref(), same_host)
        .await
    {
        Ok(caller) => caller,
        Err(err) => return ApiError(err).into_response(),
    };
    if guard.check_browser
        && let Err(err) =
            browser::check_local_browser(guard.app.config(), &caller, &browser_context(&request))
    {
        return ApiError(err).into_response();
    }
    let decision = match guard.group {
        Some(group) => {
            let app = &guard.app;
            match ratelimit::check(
                app.store(),
                &app.config().rate_limits,
                &caller.identity,
                group,
            )
            .await
            {
                Ok(decision) => decision.map(|decision| (group, decision)),
                Err(err) => return ApiError(err).into_response(),
            }
        }
        None => None,
    };
    if let Some((group, decision)) = &decision
        && !decision.allowed
    {
        let mut response = ApiError(ratelimit::rate_limited(*group, decision)).into_response();
        set_ratelimit_headers(response.headers_mut(), decision);
        return response;
    }
    request.extensions_mut().insert(caller);
    let mut response = next.run(request).await;
    if let Some((_, decision)) = &decision {
        set_ratelimit_headers(response.headers_mut(), decision);
    }
    response
}

/// Where a browser says the request comes from. Under HTTP/2 the host is the URI's authority.
fn browser_context(request: &Request) -> BrowserContext<'_> {
    let headers = request.headers();
    BrowserContext {
        origin: headers.get(header::ORIGIN).map(HeaderValue::as_bytes),
        fetch_site: headers.get(SEC_FETCH_SITE).map(HeaderValue::as_bytes),
        host: headers
            .get(header::HOST)
            .and_then(|value| value.to_str().ok())
            .or_else(|| {
                request
                    .uri()
                    .authority()
                    .map(|authority| authority.as_str())
            }),
    }
}

const SEC_FETCH_SITE: HeaderName = HeaderName::from_static("sec-fetch-site");

/// The `RateLimit-*` fields (IETF draft): the budget, what is left of it, and seconds until it is full.
fn set_ratelimit_headers(headers: &mut HeaderMap, decision: &RateDecision) {
    let reset = decision.reset_after.as_secs_f64().ceil() as u64;
    for (name, value) in [
        (RATELIMIT_LIMIT, u64::from(decision.limit)),
        (RATELIMIT_REMAINING, u64::from(decision.remaining)),
        (RATELIMIT_RESET, reset),
    ] {
        headers.insert(name, HeaderValue::from(value));
    }
}
