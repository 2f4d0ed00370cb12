//! REST v1 under `/api/v1`. Every route is guarded (authentication + the rate-limit group it
//! declares); handlers take a [`Call`] (the app and the guard's caller) and call one `App`
//! operation.
//!
//! Routes are registered through `utoipa_axum`, which builds the axum route and its OpenAPI
//! operation from the same `#[utoipa::path]` attribute: the served document cannot miss a route.

mod components;
mod figma;
mod me;
mod openapi;
mod sessions;
mod templates;
mod tickets;

use std::sync::Arc;

use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use handoff_app::auth::Caller;
use handoff_app::ops::screenshots::ScreenshotRenderRequest;
use handoff_app::ops::templates::{TemplateListing, TemplatePreview, TemplateView};
use handoff_app::ops::{
    AnalysisOutput, AnalyzeRequest, DesignContextOutput, DesignContextRequest, DesignSource,
    GenerateRequest, GeneratedTickets, SessionView,
};
use handoff_app::ratelimit::RateGroup;
use handoff_app::{App, AppError};
use handoff_store::Identity;
use serde_json::{Map, Value};
use utoipa::openapi::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use super::AppState;
use crate::error::ApiError;
use crate::http::guard::guard_routes;
use openapi::Schemas;

/// Where v1 is mounted.
pub const PREFIX: &str = "/api/v1";

pub fn routes(app: &Arc<App>) -> Router<AppState> {
    let (api, paths) = api(app);
    Router::new().nest(PREFIX, api.merge(openapi::route(paths, schemas())))
}

/// Every guarded v1 route (paths relative to [`PREFIX`]) and its OpenAPI operations.
fn api(app: &Arc<App>) -> (Router<AppState>, OpenApi) {
    [
        sessions::routes(app),
        me::routes(app),
        templates::routes(app),
        components::routes(app),
        figma::routes(app),
        tickets::routes(app),
    ]
    .into_iter()
    .fold(
        (Router::new(), OpenApi::default()),
        |(router, mut doc), (routes, paths)| {
            doc.merge(paths);
            (router.merge(routes), doc)
        },
    )
}

/// What every v1 handler starts from: the app, and the caller the guard authenticated.
struct Call {
    app: Arc<App>,
    caller: Caller,
}

impl Call {
    fn who(&self) -> &Identity {
        &self.caller.identity
    }
}

impl FromRequestParts<AppState> for Call {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let caller = parts.extensions.get::<Caller>().cloned().ok_or_else(|| {
            AppError::internal("a v1 route was served without its guard (no caller)")
        })?;
        Ok(Self {
            app: Arc::clone(&state.app),
            caller,
        })
    }
}

/// Splits documented routes into the axum router, guarded with `group`, and their operations.
fn guarded(
    routes: OpenApiRouter<AppState>,
    app: &Arc<App>,
    group: RateGroup,
) -> (Router<AppState>, OpenApi) {
    let (router, doc) = routes.split_for_parts();
    (guard_routes(router, app, Some(group)), doc)
}

/// The body schemas the operations refer to (`#/components/schemas/<name>`).
fn schemas() -> Map<String, Value> {
    let mut all = request_schemas();
    for (name, schema) in response_schemas() {
        all.entry(name).or_insert(schema);
    }
    all
}

fn request_schemas() -> Map<String, Value> {
    let mut schemas = Schemas::requests();
    schemas.add::<sessions::SessionRequest>("SessionRequest");
    schemas.add::<me::FigmaTokenInput>("FigmaTokenInput");
    schemas.add::<templates::TemplateSource>("TemplateSource");
    schemas.add::<components::ComponentAnalysis>("ComponentAnalysis");
    schemas.add::<ScreenshotRenderRequest>("ScreenshotRenderRequest");
    schemas.add::<DesignContextRequest>("DesignContextRequest");
    schemas.add::<AnalyzeRequest>("AnalyzeRequest");
    schemas.add::<DesignSource>("DesignSource");
    schemas.add::<GenerateRequest>("GenerateRequest");
    let mut schemas = schemas.finish();
    schemas.insert(
        "ScreenshotUpload".to_owned(),
        components::upload_form_schema(),
    );
    schemas
}

fn response_schemas() -> Map<String, Value> {
    let mut schemas = Schemas::responses();
    schemas.add::<SessionView>("SessionView");
    schemas.add::<Vec<SessionView>>("SessionList");
    schemas.add::<me::Profile>("Profile");
    schemas.add::<Vec<me::HistoryItem>>("History");
    schemas.add::<me::FigmaTokenStatus>("FigmaTokenStatus");
    schemas.add::<TemplateListing>("TemplateListing");
    schemas.add::<TemplateView>("TemplateView");
    schemas.add::<TemplatePreview>("TemplatePreview");
    schemas.add::<components::StoredComponent>("StoredComponent");
    schemas.add::<DesignContextOutput>("DesignContextOutput");
    schemas.add::<AnalysisOutput>("AnalysisOutput");
    schemas.add::<GeneratedTickets>("GeneratedTickets");
    schemas.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_used_by_requests_and_responses_means_one_schema() {
        let requests = request_schemas();
        let responses = response_schemas();
        assert!(requests.contains_key("GenerateRequest") && responses.contains_key("SessionView"));
        for (name, schema) in &responses {
            if let Some(request) = requests.get(name) {
                assert_eq!(
                    request, schema,
                    "{name} differs between requests and responses"
                );
            }
        }
    }
}
