//! handoff's MCP server. Every tool is a thin wrapper over an `App` operation; every rmcp type stays
//! inside this crate so the rest of the workspace sees only [`http_service`] and [`serve_stdio`].

mod tools;

use std::sync::Arc;

use handoff_app::App;
use rmcp::ServiceExt;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};

pub use tools::HandoffMcp;

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
    let http_config = StreamableHttpServerConfig::default()
        .with_allowed_hosts(hosts)
        .with_allowed_origins(config.allowed_origins.clone())
        .with_max_request_body_bytes(max_body);
    let server = HandoffMcp::new(app);
    let service = StreamableHttpService::new(
        move || Ok(server.clone()),
        Arc::new(LocalSessionManager::default()),
        http_config,
    );
    axum::Router::new().fallback_service(service)
}

/// Serve MCP over stdin/stdout until the client disconnects. stdout belongs to the protocol:
/// callers must log to stderr.
pub async fn serve_stdio(app: Arc<App>) -> anyhow::Result<()> {
    let running = HandoffMcp::new(app).serve(rmcp::transport::stdio()).await?;
    running.waiting().await?;
    Ok(())
}
