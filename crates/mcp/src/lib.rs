//! handoff's MCP server. Every tool is a thin wrapper over an `App` operation; every rmcp type stays
//! inside this crate so the rest of the workspace sees only [`http_service`] and [`serve_stdio`].

#[cfg(feature = "conformance-fixtures")]
mod conformance;
mod front;
mod prompts;
mod resources;
mod session_store;
mod tools;

use std::sync::Arc;
use std::time::Duration;

use handoff_app::App;
use rmcp::ServiceExt;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};

use front::Front;
use session_store::{Owners, SessionManager, SharedEvents, SharedSessions};
pub use tools::{HandoffMcp, LEGACY_TOOLS};

/// The `/mcp` endpoint as an axum router, ready for `nest_service("/mcp", …)`.
pub fn http_service(app: Arc<App>) -> axum::Router {
    let config = app.config();
    // Loopback is always accepted (DNS-rebinding protection); operators add their public names.
    let hosts = ["localhost", "127.0.0.1", "::1"]
        .into_iter()
        .map(String::from)
        .chain(config.allowed_hosts.iter().cloned())
        .collect::<Vec<_>>();
    let max_body = usize::try_from(config.max_body_bytes).unwrap_or(usize::MAX);
    let store = app.store().clone();
    let session_ttl = Duration::from_secs(config.store.session_ttl_secs.max(1));
    // Origin is checked by the front (its own origin and `allowed_origins`, 403 otherwise), so
    // rmcp gets no origin list; Host is checked by both.
    let mut http_config = StreamableHttpServerConfig::default()
        .with_allowed_hosts(hosts.clone())
        .with_max_request_body_bytes(max_body);
    // Sessions of the eras before 2026-07-28 live in the shared store, so any instance continues
    // them; 2026-07-28 is stateless and needs nothing shared.
    http_config.session_store = Some(Arc::new(SharedSessions::new(store.clone(), session_ttl)));
    let owners = Owners::new(store.clone(), session_ttl);
    let sessions = Arc::new(SessionManager::new(
        Arc::new(SharedEvents::new(store)),
        owners.clone(),
    ));
    let server = HandoffMcp::new(app.clone());
    #[cfg(feature = "conformance-fixtures")]
    let server = conformance::ConformanceServer::new(server);
    let service =
        StreamableHttpService::new(move || Ok(server.clone()), sessions.clone(), http_config);
    let front = Arc::new(Front::new(
        service,
        sessions,
        owners,
        &hosts,
        &app.config().allowed_origins,
        max_body,
    ));
    axum::Router::new().fallback(move |request: axum::extract::Request| {
        let front = front.clone();
        async move { front.handle(request).await }
    })
}

/// Serve MCP over stdin/stdout until the client disconnects. stdout belongs to the protocol:
/// callers must log to stderr.
pub async fn serve_stdio(app: Arc<App>) -> anyhow::Result<()> {
    let running = HandoffMcp::new(app).serve(rmcp::transport::stdio()).await?;
    running.waiting().await?;
    Ok(())
}
