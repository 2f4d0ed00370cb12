//! Design context for coding agents, within a byte budget.

use handoff_figma::context::{DEFAULT_MAX_BYTES, OutlineEntry};
use handoff_figma::{ContextOptions, Format};
use handoff_store::Identity;
use serde::Serialize;

use super::sourced::sourced_request;
use crate::app::App;
use crate::error::AppError;

sourced_request! {
    // A leading `source: DesignSource` (flattened: `url`, `file_key` + `node_ids`, or `frames`).
    #[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
    pub struct DesignContextRequest {
        /// `tree` (compact, default), `yaml` or `json`.
        #[serde(default)]
        pub format: Option<String>,
        /// Levels below each requested node (1 = the nodes only).
        #[serde(default)]
        pub depth: Option<u32>,
        /// Upper bound on the output size in bytes (default 100,000 ≈ 25k tokens).
        #[serde(default, alias = "maxBytes")]
        pub max_bytes: Option<usize>,
        /// `next_cursor` of a previous call with the same arguments, for the next part.
        #[serde(default)]
        pub cursor: Option<String>,
    }
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct DesignContextOutput {
    /// The rendered context.
    pub text: String,
    pub bytes: usize,
    /// True when part of the design did not fit; follow `next_cursor`.
    pub truncated: bool,
    pub next_cursor: Option<String>,
    /// Ids, names, types and sizes of what was left out.
    #[schemars(with = "Vec<serde_json::Value>")]
    pub outline: Vec<OutlineEntry>,
    pub total_nodes: usize,
}

impl App {
    pub async fn design_context(
        &self,
        who: &Identity,
        request: &DesignContextRequest,
    ) -> Result<DesignContextOutput, AppError> {
        let loaded = self.load_design(who, &request.source).await?;
        let format = match request.format.as_deref().unwrap_or("tree") {
            "tree" => Format::Tree,
            "yaml" => Format::Yaml,
            "json" => Format::Json,
            other => {
                return Err(AppError::bad_request(format!(
                    "unknown format `{other}`: use tree, yaml or json"
                )));
            }
        };
        let options = ContextOptions {
            // The fetch already narrowed a nodes response to the requested ids: they are its roots.
            node_ids: Vec::new(),
            depth: request.depth,
            format,
            max_bytes: request.max_bytes.unwrap_or(DEFAULT_MAX_BYTES),
            cursor: request.cursor.clone(),
        };
        let design = loaded.design.clone();
        let context =
            tokio::task::spawn_blocking(move || handoff_figma::design_context(&design, &options))
                .await
                .map_err(|err| {
                    AppError::internal(format!("context building was interrupted: {err}"))
                })?
                .map_err(|err| {
                    AppError::bad_request(err.to_string()).with_code("invalid_context_request")
                })?;
        Ok(DesignContextOutput {
            text: context.text,
            bytes: context.bytes,
            truncated: context.truncated,
            next_cursor: context.next_cursor,
            outline: context.outline,
            total_nodes: context.total_nodes,
        })
    }
}
