//! REST v1 under `/api/v1`. Every route is guarded (authentication + the rate-limit group it
//! declares); handlers take `Extension<Caller>` and call one `App` operation.

mod sessions;

use std::sync::Arc;

use axum::Router;
use handoff_app::App;

use super::AppState;

pub fn routes(app: &Arc<App>) -> Router<AppState> {
    Router::new().nest("/api/v1", sessions::routes(app))
}
