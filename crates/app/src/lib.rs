//! handoff's service layer: configuration, caller identity, the error every interface maps, and the
//! operations that the HTTP API, the legacy contract and MCP all call. No transport code lives here.

pub mod app;
pub mod auth;
pub mod browser;
pub mod config;
pub mod credentials;
pub mod error;
pub mod ops;
pub mod ratelimit;

pub use app::App;
pub use config::Config;
pub use error::{AppError, ErrorKind};
