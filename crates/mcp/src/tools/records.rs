//! The caller's own records: stored component analyses, preferences and history.

use super::output_schema;
use base64::Engine as _;
use handoff_app::AppError;
use handoff_app::ratelimit::RateGroup;
use handoff_store::{Component, ComponentInput};
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::CallToolResult;
use rmcp::service::RequestContext;
use rmcp::{RoleServer, tool, tool_router};
use serde::{Deserialize, Serialize};

use super::design::ComponentKey;
use super::{HandoffMcp, Reply};

const DEFAULT_HISTORY: usize = 20;
const MAX_HISTORY: usize = 200;

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct StoreComponentRequest {
    #[serde(alias = "fileKey")]
    pub file_key: String,
    #[serde(alias = "nodeId")]
    pub node_id: String,
    /// The analysis to keep (any JSON).
    pub analysis: serde_json::Value,
    /// Free-form metadata (any JSON).
    #[serde(default)]
    pub metadata: serde_json::Value,
    /// Optional PNG or JPEG screenshot, base64 (a `data:image/…;base64,` URL is accepted).
    #[serde(default)]
    pub screenshot: Option<String>,
}

/// A stored component analysis (the store's `Component`, as it serialises).
#[derive(Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ComponentView {
    pub file_key: String,
    pub node_id: String,
    pub analysis: serde_json::Value,
    pub metadata: serde_json::Value,
    /// `{sha256, contentType, len}` when a screenshot was stored; read it with get_screenshot.
    pub screenshot: Option<serde_json::Value>,
    /// Milliseconds since the Unix epoch.
    pub stored_at: u64,
}

impl ComponentView {
    pub(crate) fn of(component: &Component) -> Result<Self, AppError> {
        let screenshot = match &component.screenshot {
            Some(reference) => Some(
                serde_json::to_value(reference)
                    .map_err(|err| AppError::internal(err.to_string()))?,
            ),
            None => None,
        };
        Ok(Self {
            file_key: component.file_key.as_str().to_owned(),
            node_id: component.node_id.clone(),
            analysis: component.analysis.clone(),
            metadata: component.metadata.clone(),
            screenshot,
            stored_at: component.stored_at,
        })
    }
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct PreferencesChange {
    /// Keys to set; a `null` value removes the key.
    pub preferences: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Preferences {
    pub preferences: serde_json::Value,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct HistoryRequest {
    /// Most recent entries to return (default 20, at most 200).
    #[serde(default)]
    pub limit: Option<usize>,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct History {
    /// Newest first: `{at, tool, platform, documentType, fileKey, nodeIds, summary}`.
    #[schemars(with = "Vec<serde_json::Map<String, serde_json::Value>>")]
    pub entries: Vec<handoff_store::HistoryEntry>,
}

#[tool_router(router = record_tools, vis = "pub(super)")]
impl HandoffMcp {
    #[tool(
        description = "Keep an analysis (and optionally a screenshot) of one component for later calls; replaces an earlier one for the same node.",
        output_schema = output_schema::<ComponentView>(),
        annotations(read_only_hint = false, destructive_hint = true, idempotent_hint = true, open_world_hint = false)
    )]
    async fn store_component_analysis(
        &self,
        Parameters(request): Parameters<StoreComponentRequest>,
        context: RequestContext<RoleServer>,
    ) -> CallToolResult {
        self.run(&context, &[RateGroup::Reads], |who| async move {
            let screenshot = match &request.screenshot {
                Some(encoded) => Some(decode_image(encoded)?),
                None => None,
            };
            let input = ComponentInput {
                analysis: request.analysis,
                metadata: request.metadata,
                screenshot,
            };
            let stored = self
                .app
                .put_component(&who, &request.file_key, &request.node_id, input)
                .await?;
            Reply::json(&ComponentView::of(&stored)?)
        })
        .await
    }

    #[tool(
        description = "A component analysis stored earlier by this caller.",
        output_schema = output_schema::<ComponentView>(),
        annotations(read_only_hint = true, destructive_hint = false, idempotent_hint = true, open_world_hint = false)
    )]
    async fn get_component_analysis(
        &self,
        Parameters(key): Parameters<ComponentKey>,
        context: RequestContext<RoleServer>,
    ) -> CallToolResult {
        self.run(&context, &[RateGroup::Reads], |who| async move {
            let component = self
                .app
                .get_component(&who, &key.file_key, &key.node_id)
                .await?;
            Reply::json(&ComponentView::of(&component)?)
        })
        .await
    }

    #[tool(
        description = "The caller's saved preferences.",
        output_schema = output_schema::<Preferences>(),
        annotations(read_only_hint = true, destructive_hint = false, idempotent_hint = true, open_world_hint = false)
    )]
    async fn get_user_preferences(&self, context: RequestContext<RoleServer>) -> CallToolResult {
        self.run(&context, &[RateGroup::Reads], |who| async move {
            let preferences = self.app.preferences(&who).await?;
            Reply::json(&Preferences { preferences })
        })
        .await
    }

    #[tool(
        description = "Merge keys into the caller's preferences (a null value removes the key).",
        output_schema = output_schema::<Preferences>(),
        annotations(read_only_hint = false, destructive_hint = true, idempotent_hint = true, open_world_hint = false)
    )]
    async fn set_user_preferences(
        &self,
        Parameters(change): Parameters<PreferencesChange>,
        context: RequestContext<RoleServer>,
    ) -> CallToolResult {
        self.run(&context, &[RateGroup::Reads], |who| async move {
            let preferences = self
                .app
                .set_preferences(&who, serde_json::Value::Object(change.preferences))
                .await?;
            Reply::json(&Preferences { preferences })
        })
        .await
    }

    #[tool(
        description = "The caller's recent generations, newest first.",
        output_schema = output_schema::<History>(),
        annotations(read_only_hint = true, destructive_hint = false, idempotent_hint = true, open_world_hint = false)
    )]
    async fn get_history(
        &self,
        Parameters(request): Parameters<HistoryRequest>,
        context: RequestContext<RoleServer>,
    ) -> CallToolResult {
        let limit = request.limit.unwrap_or(DEFAULT_HISTORY).min(MAX_HISTORY);
        self.run(&context, &[RateGroup::Reads], |who| async move {
            let entries = self.app.history(&who, limit).await?;
            Reply::json(&History { entries })
        })
        .await
    }
}

/// Base64 (optionally a `data:` URL) to the image bytes, refusing anything but PNG or JPEG.
fn decode_image(encoded: &str) -> Result<Vec<u8>, AppError> {
    let payload = match encoded.split_once(";base64,") {
        Some((prefix, data)) if prefix.starts_with("data:") => data,
        _ => encoded,
    };
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(payload.trim())
        .map_err(|err| {
            AppError::bad_request(format!("screenshot is not valid base64: {err}"))
                .with_code("invalid_screenshot")
        })?;
    let png = bytes.starts_with(&[0x89, b'P', b'N', b'G']);
    let jpeg = bytes.starts_with(&[0xFF, 0xD8, 0xFF]);
    if !(png || jpeg) {
        return Err(
            AppError::bad_request("screenshot must be a PNG or JPEG image")
                .with_code("invalid_screenshot"),
        );
    }
    Ok(bytes)
}
