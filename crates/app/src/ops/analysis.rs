//! Design analysis reports, computed from the design by the analysis crate's one dispatcher.

use std::num::NonZeroU32;

use handoff_analysis::{
    DesignSystem, RelationshipOptions, ReportOption, ReportOptions, Scope, TokenFormat, parse_dtcg,
    run_report,
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
        /// Relationships only: levels of the component graph to include (1 = the components used
        /// outside any component definition, 2 = also the components those use, …); default all.
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

impl AnalyzeRequest {
    /// Refuses a report-specific field sent with another report (it would be ignored silently)
    /// and a depth of 0; returns the relationships depth.
    fn options_for(&self, kind: ReportKind) -> Result<Option<NonZeroU32>, AppError> {
        let given = [
            ("tokens", ReportOption::DesignSystem, self.tokens.is_some()),
            (
                "token_format",
                ReportOption::TokenFormat,
                self.token_format.is_some(),
            ),
            ("depth", ReportOption::Depth, self.depth.is_some()),
        ];
        for (field, option, is_given) in given {
            if is_given && option.report() != kind {
                return Err(AppError::bad_request(format!(
                    "`{field}` applies only to the {} report, not {kind}",
                    option.report()
                ))
                .with_code("option_not_for_report"));
            }
        }
        match self.depth {
            None => Ok(None),
            Some(depth) => NonZeroU32::new(depth).map(Some).ok_or_else(|| {
                AppError::bad_request("depth must be at least 1").with_code("bad_depth")
            }),
        }
    }
}

impl App {
    pub async fn analyze(
        &self,
        who: &Identity,
        kind: ReportKind,
        request: &AnalyzeRequest,
    ) -> Result<AnalysisOutput, AppError> {
        let depth = request.options_for(kind)?;
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
        tokio::task::spawn_blocking(move || {
            let scope = Scope::whole(&design);
            let options = ReportOptions {
                system: match &tokens {
                    Some(imported) => DesignSystem::Tokens(&imported.tokens),
                    None => DesignSystem::Own,
                },
                token_format,
                relationships: RelationshipOptions { depth },
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::ops::DesignSource;

    fn request(json: serde_json::Value) -> AnalyzeRequest {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn a_report_specific_field_with_another_report_is_refused_not_ignored() {
        let frames = serde_json::json!([{"id": "1:2", "name": "Button", "type": "COMPONENT"}]);
        let refused = [
            (
                serde_json::json!({"frames": frames, "depth": 2}),
                ReportKind::Health,
                "`depth` applies only to the relationships report, not health",
            ),
            (
                serde_json::json!({"frames": frames, "token_format": "css"}),
                ReportKind::Project,
                "`token_format` applies only to the tokens report, not project",
            ),
            (
                serde_json::json!({"frames": frames, "tokens": {}}),
                ReportKind::Tokens,
                "`tokens` applies only to the compliance report, not tokens",
            ),
        ];
        for (json, kind, message) in refused {
            let err = request(json).options_for(kind).unwrap_err();
            assert_eq!(err.code, Some("option_not_for_report"));
            assert_eq!(err.message, message);
        }
        let accepted = [
            (
                serde_json::json!({"frames": frames, "depth": 3}),
                ReportKind::Relationships,
                NonZeroU32::new(3),
            ),
            (
                serde_json::json!({"frames": frames, "token_format": "css"}),
                ReportKind::Tokens,
                None,
            ),
            (
                serde_json::json!({"frames": frames, "tokens": {}}),
                ReportKind::Compliance,
                None,
            ),
            (
                serde_json::json!({"frames": frames}),
                ReportKind::Effort,
                None,
            ),
        ];
        for (json, kind, depth) in accepted {
            let req = request(json);
            assert!(matches!(req.source, DesignSource::Inline { .. }));
            assert_eq!(req.options_for(kind).unwrap(), depth, "{kind}");
        }
    }

    #[test]
    fn depth_zero_is_refused() {
        let req = request(serde_json::json!({"frames": [], "depth": 0}));
        let err = req.options_for(ReportKind::Relationships).unwrap_err();
        assert_eq!(err.code, Some("bad_depth"));
    }
}
