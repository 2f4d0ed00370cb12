//! Persistence for handoff: Redis (standalone, TLS or Cluster) or an embedded redb file, behind
//! one typed API. Every user- or org-scoped call takes the caller's [`Identity`]; nothing returns
//! another user's sessions or history, or another org's components, screenshots or templates.
//!
//! ```no_run
//! # async fn demo() -> Result<(), handoff_store::StoreError> {
//! use handoff_store::{Identity, Store, StoreConfig};
//! let store = Store::open(&StoreConfig::default()).await?;
//! let who = Identity::new("u_1", "acme")?;
//! let session = store.create_session(&who, serde_json::json!({})).await?;
//! assert!(store.get_session(&who, session.session_id.as_str()).await?.is_some());
//! # Ok(()) }
//! ```

mod backend;
mod cache;
mod config;
mod coordination;
mod credentials;
mod error;
mod gcra;
mod keys;
mod overrides;
mod records;
mod sessions;
mod store;
mod users;

pub use backend::{DumpEntry, DumpValue};
pub use cache::{ComponentInput, MAX_COMPONENT_JSON, MAX_SCREENSHOT_BYTES};
pub use config::StoreConfig;
pub use coordination::{LockGuard, MAX_MCP_SESSION_BYTES};
pub use credentials::{MAX_SEALED_CREDENTIAL_BYTES, SealedCredential, Upstream};
pub use error::{StoreError, StoreResult};
pub use gcra::{RateDecision, RateLimit};
pub use keys::{Id, Identity};
pub use overrides::{OverrideScope, TemplateOverride};
pub use records::{
    ApiKeyRecord, Component, CreatedApiKey, HistoryEntry, Millis, SCHEMA_VERSION, ScreenshotRef,
    Session, TemplateEntry, User,
};
pub use sessions::MAX_SESSION_DATA;
pub use store::{BackendKind, Store};
pub use users::{AuthenticatedKey, MAX_USER_PREFERENCES};
