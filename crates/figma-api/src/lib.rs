//! Figma REST API client for handoff.
//!
//! [`FigmaClient`] calls the endpoints handoff needs with a per-call [`FigmaAuth`], retries
//! what is worth retrying, turns Figma's errors into actionable [`FigmaError`]s, and caches
//! responses in a [`ResponseCache`] keyed by file version (validated with the cheap `/meta`
//! call). Concurrent identical requests collapse into one upstream call, in-process and across
//! instances. Big responses are returned as raw bytes for `handoff-figma` to parse. A caller can
//! put an [`UpstreamGate`] in front of the requests that really go to Figma (to charge a budget).

mod auth;
mod cache;
mod client;
mod config;
mod endpoint;
mod error;
mod gate;
mod meta_record;
mod responses;
mod single_flight;
mod store_cache;
mod transport;

pub use auth::FigmaAuth;
pub use cache::{CacheError, CacheLock, MemoryCache, NoCache, ResponseCache};
pub use client::{Fetched, FigmaClient};
pub use config::{DEFAULT_FIGMA_API_BASE, FigmaClientConfig, parse_api_base};
pub use endpoint::{Endpoint, FileQuery, ImageFormat, MAX_NODE_IDS, NodesQuery, RenderQuery};
pub use error::{FigmaError, RateLimit};
pub use gate::{Admission, UpstreamGate};
pub use responses::{FileMeta, ImageFills, ImageRenders};
