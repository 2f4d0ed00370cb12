//! Design analysis reports, computed from the design by the analysis crate's one dispatcher.

use handoff_analysis::{
    DesignSystem, RelationshipOptions, ReportOptions, Scope, TokenFormat, parse_dtcg, run_report,
};
use handoff_store::Identity;
use serde::Serialize;

use super::sourced::sourced_request;
use crate::app::App;
use crate::error::AppError;

pub use handoff_analysis::ReportKind;

sourced_request! {
    // A leading `source: DesignSource` (flattened: `url`, `file_key` + `node_ids`, or `frames`).
    #[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
    pub struct AnalyzeRequest {
        /// Compliance only: a W3C design token (DTCG) document to check against instead of the file's
        /// own styles and variables.
        #[serde(default)]
        pub tokens: Option<serde_json::Value>,
        /// Tokens only: also export them as `dtcg`, `css`, `tailwind`, `tailwind-v3` or `scss`.
        #[serde(default, alias = "tokenFormat")]
        pub token_format: Option<String>,
        /// Relationships only: levels of the component graph to include (1 = the components the
        /// frames use, 2 = also the components those use, …); default all.
        #[serde(default)]
        #[schemars(range(min = 1))]
        pub depth: Option<u32>,
    }
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct AnalysisOutput {
    pub kind: ReportKind,
    /// The report as structured data.
    pub report: serde_json::Value,
    /// The report as Markdown.
    pub markdown: String,
    /// The tokens in the requested export format (tokens report with `token_format` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exported: Option<String>,
}

impl App {
    pub async fn analyze(
        &self,
        who: &Identity,
        kind: ReportKind,
        request: &AnalyzeRequest,
    ) -> Result<AnalysisOutput, AppError> {
        if request.depth == Some(0) {
            return Err(AppError::bad_request("depth must be at least 1").with_code("bad_depth"));
        }
        let loaded = self.load_design(who, &request.source).await?;
        let token_format = match request.token_format.as_deref() {
            Some(name) => Some(name.parse::<TokenFormat>().map_err(AppError::bad_request)?),
            None => None,
        };
        let tokens = match &request.tokens {
            Some(doc) => {
                let bytes =
                    serde_json::to_vec(doc).map_err(|err| AppError::internal(err.to_string()))?;
                Some(
                    parse_dtcg(&bytes)
                        .map_err(|err| AppError::bad_request(format!("tokens: {err}")))?,
                )
            }
            None => None,
        };
        let design = loaded.design.clone();
        let request_depth = request.depth;
        tokio::task::spawn_blocking(move || {
            let scope = Scope::whole(&design);
            let options = ReportOptions {
                system: match &tokens {
                    Some(imported) => DesignSystem::Tokens(&imported.tokens),
                    None => DesignSystem::Own,
                },
                token_format,
                relationships: RelationshipOptions {
                    depth: request_depth,
                },
                ..ReportOptions::default()
            };
            let output = run_report(&design, &scope, kind, &options);
            let report = serde_json::to_value(&output.report)
                .map_err(|err| AppError::internal(format!("cannot serialise the report: {err}")))?;
            Ok(AnalysisOutput {
                kind,
                report,
                markdown: output.report.to_markdown(),
                exported: output.exported,
            })
        })
        .await
        .map_err(|err| AppError::internal(format!("analysis was interrupted: {err}")))?
    }
}
