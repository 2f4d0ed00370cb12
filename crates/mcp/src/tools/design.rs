//! Design context, outline and stored screenshots.

use super::output_schema;
use base64::Engine as _;
use handoff_app::AppError;
use handoff_app::ops::{DesignContextOutput, DesignContextRequest};
use handoff_app::ratelimit::RateGroup;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{CallToolResult, ContentBlock};
use rmcp::service::RequestContext;
use rmcp::{RoleServer, tool, tool_router};
use serde::{Deserialize, Serialize};

use super::{DESIGN_GROUPS, HandoffMcp, Progress, Reply};

/// Levels `get_metadata` shows below each requested node.
const OUTLINE_DEPTH: u32 = 2;

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct ComponentKey {
    /// Figma file key.
    #[serde(alias = "fileKey")]
    pub file_key: String,
    /// Node id (`1:2` or `1-2`).
    #[serde(alias = "nodeId")]
    pub node_id: String,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct ScreenshotInfo {
    pub file_key: String,
    pub node_id: String,
    /// `image/png` or `image/jpeg`.
    pub content_type: String,
    pub bytes: usize,
    pub sha256: String,
}

#[tool_router(router = design_tools, vis = "pub(super)")]
impl HandoffMcp {
    #[tool(
        description = "Compact design context of a Figma file or nodes for writing code, within a byte budget; follow next_cursor for more.",
        output_schema = output_schema::<DesignContextOutput>(),
        annotations(read_only_hint = true, destructive_hint = false, idempotent_hint = true, open_world_hint = true)
    )]
    async fn get_design_context(
        &self,
        Parameters(request): Parameters<DesignContextRequest>,
        context: RequestContext<RoleServer>,
    ) -> CallToolResult {
        self.design_context(request, &context).await
    }

    #[tool(
        description = "Outline of a Figma file or nodes (two levels): ids, names, types, sizes. Use before get_design_context on large files.",
        output_schema = output_schema::<DesignContextOutput>(),
        annotations(read_only_hint = true, destructive_hint = false, idempotent_hint = true, open_world_hint = true)
    )]
    async fn get_metadata(
        &self,
        Parameters(mut request): Parameters<DesignContextRequest>,
        context: RequestContext<RoleServer>,
    ) -> CallToolResult {
        request.depth = Some(request.depth.unwrap_or(OUTLINE_DEPTH).min(OUTLINE_DEPTH));
        self.design_context(request, &context).await
    }

    #[tool(
        description = "The screenshot stored with a component analysis, as an image.",
        output_schema = output_schema::<ScreenshotInfo>(),
        annotations(read_only_hint = true, destructive_hint = false, idempotent_hint = true, open_world_hint = false)
    )]
    async fn get_screenshot(
        &self,
        Parameters(key): Parameters<ComponentKey>,
        context: RequestContext<RoleServer>,
    ) -> CallToolResult {
        self.run(&context, &[RateGroup::Reads], |who| async move {
            let (info, bytes) = self.screenshot(&who, &key).await?;
            let image = base64::engine::general_purpose::STANDARD.encode(&bytes);
            let mime = info.content_type.clone();
            Ok(Reply::with_text(
                &info,
                format!(
                    "Screenshot of node {} in file {} ({}, {} bytes)",
                    info.node_id, info.file_key, info.content_type, info.bytes
                ),
            )?
            .with_content(ContentBlock::image(image, mime)))
        })
        .await
    }
}

impl HandoffMcp {
    async fn design_context(
        &self,
        request: DesignContextRequest,
        context: &RequestContext<RoleServer>,
    ) -> CallToolResult {
        let progress = Progress::of(context);
        self.run(context, DESIGN_GROUPS, |who| async move {
            progress.report(0, 2, "loading the design").await;
            let output = self.app.design_context(&who, &request).await?;
            progress.report(2, 2, "done").await;
            let text = output.text.clone();
            Reply::with_text(&output, text)
        })
        .await
    }

    /// The stored screenshot of a component of the caller's, with what is known about it.
    pub(crate) async fn screenshot(
        &self,
        who: &handoff_store::Identity,
        key: &ComponentKey,
    ) -> Result<(ScreenshotInfo, Vec<u8>), AppError> {
        let component = self
            .app
            .get_component(who, &key.file_key, &key.node_id)
            .await?;
        let Some(reference) = component.screenshot else {
            return Err(AppError::not_found(format!(
                "node {} of file {} was stored without a screenshot; store one with \
                 store_component_analysis (`screenshot`: base64 PNG or JPEG)",
                component.node_id,
                component.file_key.as_str()
            ))
            .with_code("no_screenshot"));
        };
        let (bytes, content_type) = self.app.get_screenshot(who, &reference.sha256).await?;
        Ok((
            ScreenshotInfo {
                file_key: component.file_key.as_str().to_owned(),
                node_id: component.node_id,
                content_type: content_type.to_owned(),
                bytes: bytes.len(),
                sha256: reference.sha256,
            },
            bytes,
        ))
    }
}
