//! The old Node server's HTTP contract, kept for the Figma plugin and existing scripts
//! (docs/legacy.md lists the deliberate differences).

use std::sync::Arc;

use axum::Router;
use handoff_app::App;

use super::AppState;

pub fn routes(_app: &Arc<App>) -> Router<AppState> {
    Router::new()
}
