//! Design analysis reports, computed from the design by the analysis crate's one dispatcher.

use std::num::NonZeroU32;

use handoff_analysis::tokens::ImportedTokens;
use handoff_analysis::{
    CategoryFilter, DesignSystem, RelationshipOptions, ReportOption, ReportOptions, Scope,
    TokenFormat, parse_dtcg, run_report,
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
        /// Compliance and health only: the categories to report and score, by name (compliance:
        /// color, typography, spacing, radius, effects, components; health: naming, token_usage,
        /// component_metadata, accessibility, consistency, coverage); default all. The overall
        /// score is the weighted mean of the categories kept.
        #[serde(default)]
        pub categories: Option<Vec<String>>,
        /// Compliance and health only: findings listed per category (default 50; 0 lists none).
        /// Every finding is still counted.
        #[serde(default)]
        pub max_findings: Option<u32>,
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

/// What a request asks of its report, checked before the design is loaded so that a mistake
/// costs no Figma call.
struct CheckedOptions {
    tokens: Option<ImportedTokens>,
    token_format: Option<TokenFormat>,
    depth: Option<NonZeroU32>,
    categories: CategoryFilter,
    max_findings: Option<u32>,
}

impl AnalyzeRequest {
    /// The fields only some reports read, by their JSON name, with the option each one is: what
    /// `App::analyze` refuses with another report and what MCP leaves out of a report tool's
    /// input schema.
    pub const REPORT_FIELDS: [(&'static str, ReportOption); 5] = [
        ("tokens", ReportOption::DesignSystem),
        ("token_format", ReportOption::TokenFormat),
        ("depth", ReportOption::Depth),
        ("categories", ReportOption::Categories),
        ("max_findings", ReportOption::MaxFindings),
    ];

    fn is_given(&self, option: ReportOption) -> bool {
        match option {
            ReportOption::DesignSystem => self.tokens.is_some(),
            ReportOption::TokenFormat => self.token_format.is_some(),
            ReportOption::Depth => self.depth.is_some(),
            ReportOption::Categories => self.categories.is_some(),
            ReportOption::MaxFindings => self.max_findings.is_some(),
        }
    }

    /// Refuses a report-specific field sent with another report (it would be ignored silently),
    /// then parses each field.
    fn options_for(&self, kind: ReportKind) -> Result<CheckedOptions, AppError> {
        for (field, option) in Self::REPORT_FIELDS {
            if let (true, Err(readers)) = (self.is_given(option), option.check(kind)) {
                return Err(AppError::bad_request(format!(
                    "`{field}` applies only to {readers}, not {kind}"
                ))
                .with_code("option_not_for_report"));
            }
        }
        let tokens = match &self.tokens {
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
        let token_format = match self.token_format.as_deref() {
            Some(name) => Some(name.parse::<TokenFormat>().map_err(|err: String| {
                AppError::bad_request(err).with_code("invalid_token_format")
            })?),
            None => None,
        };
        let depth = match self.depth {
            None => None,
            Some(depth) => Some(NonZeroU32::new(depth).ok_or_else(|| {
                AppError::bad_request("depth must be at least 1").with_code("bad_depth")
            })?),
        };
        let categories = match &self.categories {
            None => CategoryFilter::all(),
            Some(names) => CategoryFilter::parse(names, kind.categories())
                .map_err(|err| AppError::bad_request(err).with_code("bad_category"))?,
        };
        Ok(CheckedOptions {
            tokens,
            token_format,
            depth,
            categories,
            max_findings: self.max_findings,
        })
    }
}

impl App {
    pub async fn analyze(
        &self,
        who: &Identity,
        kind: ReportKind,
        request: &AnalyzeRequest,
    ) -> Result<AnalysisOutput, AppError> {
        let CheckedOptions {
            tokens,
            token_format,
            depth,
            categories,
            max_findings,
        } = request.options_for(kind)?;
        let loaded = self.load_design(who, &request.source).await?;
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
            }
            .with_categories(categories)
            .with_max_findings(max_findings.map(|max| usize::try_from(max).unwrap_or(usize::MAX)));
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
            (
                serde_json::json!({"frames": frames, "categories": ["color"]}),
                ReportKind::Effort,
                "`categories` applies only to the compliance and health reports, not effort",
            ),
            (
                serde_json::json!({"frames": frames, "max_findings": 5}),
                ReportKind::Project,
                "`max_findings` applies only to the compliance and health reports, not project",
            ),
        ];
        for (json, kind, message) in refused {
            let err = request(json).options_for(kind).err().unwrap();
            assert_eq!(err.code, Some("option_not_for_report"));
            assert_eq!(err.message, message);
        }
        let checked = request(serde_json::json!({"frames": frames, "depth": 3}))
            .options_for(ReportKind::Relationships)
            .unwrap();
        assert_eq!(checked.depth, NonZeroU32::new(3));
        let checked = request(serde_json::json!({"frames": frames, "token_format": "css"}))
            .options_for(ReportKind::Tokens)
            .unwrap();
        assert_eq!(checked.token_format, Some(TokenFormat::Css));
        let checked = request(serde_json::json!({"frames": frames, "categories": ["naming"]}))
            .options_for(ReportKind::Health)
            .unwrap();
        assert!(checked.categories.keeps("naming") && !checked.categories.keeps("coverage"));
        let checked = request(serde_json::json!({"frames": frames, "max_findings": 0}))
            .options_for(ReportKind::Compliance)
            .unwrap();
        assert_eq!(checked.max_findings, Some(0));
        let req = request(serde_json::json!({"frames": frames}));
        assert!(matches!(req.source, DesignSource::Inline { .. }));
        let checked = req.options_for(ReportKind::Effort).unwrap();
        assert_eq!((checked.depth, checked.token_format), (None, None));
        assert_eq!(checked.categories, CategoryFilter::all());
    }

    #[test]
    fn bad_values_are_refused_with_their_own_codes() {
        let cases = [
            (
                serde_json::json!({"frames": [], "depth": 0}),
                ReportKind::Relationships,
                Some("bad_depth"),
            ),
            (
                serde_json::json!({"frames": [], "categories": ["naming"]}),
                ReportKind::Compliance,
                Some("bad_category"),
            ),
            (
                serde_json::json!({"frames": [], "categories": ["colour"]}),
                ReportKind::Compliance,
                Some("bad_category"),
            ),
            (
                serde_json::json!({"frames": [], "token_format": "xml"}),
                ReportKind::Tokens,
                Some("invalid_token_format"),
            ),
            (
                serde_json::json!({"frames": [], "tokens": []}),
                ReportKind::Compliance,
                None,
            ),
        ];
        for (json, kind, code) in cases {
            let err = request(json.clone()).options_for(kind).err().unwrap();
            assert_eq!(err.code, code, "{json}");
            assert_eq!(err.kind, crate::ErrorKind::BadRequest, "{json}");
        }
    }
}
