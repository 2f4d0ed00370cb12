//! handoff's HTTP server: one axum router carrying the REST API, the legacy plugin contract, MCP at
//! `/mcp`, and the operational endpoints, behind one middleware stack (request ids, metrics, limits,
//! timeouts, panic recovery, one JSON error shape).

pub mod error;
pub mod http;
mod metrics_recorder;
mod serve;

pub use error::ApiError;
pub use serve::{ServeError, Server, shutdown_signal};
