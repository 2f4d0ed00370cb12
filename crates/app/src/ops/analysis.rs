//! Design analysis reports, computed from the design.

use handoff_analysis::{
    ComplianceOptions, DesignSystem, HealthOptions, Scope, TokenFormat, compliance_report,
    effort_report, export_tokens, health_report, parse_dtcg, project_report, relationships_report,
    tokens_report,
};
use handoff_store::Identity;
use serde::{Deserialize, Serialize};

use super::design::DesignSource;
use crate::app::App;
use crate::error::AppError;

#[derive(Debug, Clone, Copy, Serialize, Deserialize, schemars::JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ReportKind {
    Project,
    Tokens,
    Compliance,
    Health,
    Effort,
    Relationships,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AnalyzeRequest {
    #[serde(flatten)]
    pub source: DesignSource,
    /// Compliance only: a W3C design token (DTCG) document to check against instead of the file's
    /// own styles and variables.
    #[serde(default)]
    pub tokens: Option<serde_json::Value>,
    /// Tokens only: also export them as `dtcg`, `css`, `tailwind`, `tailwind-v3` or `scss`.
    #[serde(default, alias = "tokenFormat")]
    pub token_format: Option<String>,
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
            let to_json = |value: Result<serde_json::Value, serde_json::Error>| {
                value.map_err(|err| {
                    AppError::internal(format!("cannot serialise the report: {err}"))
                })
            };
            let (report, markdown, exported) = match kind {
                ReportKind::Project => {
                    let r = project_report(&design, &scope);
                    (to_json(serde_json::to_value(&r))?, r.to_markdown(), None)
                }
                ReportKind::Tokens => {
                    let r = tokens_report(&design, &scope);
                    let exported = token_format.map(|format| export_tokens(&r.tokens, format));
                    (
                        to_json(serde_json::to_value(&r))?,
                        r.to_markdown(),
                        exported,
                    )
                }
                ReportKind::Compliance => {
                    let system = match &tokens {
                        Some(imported) => DesignSystem::Tokens(&imported.tokens),
                        None => DesignSystem::Own,
                    };
                    let r =
                        compliance_report(&design, &scope, &system, &ComplianceOptions::default());
                    (to_json(serde_json::to_value(&r))?, r.to_markdown(), None)
                }
                ReportKind::Health => {
                    let r = health_report(&design, &scope, &HealthOptions::default());
                    (to_json(serde_json::to_value(&r))?, r.to_markdown(), None)
                }
                ReportKind::Effort => {
                    let r = effort_report(&design, &scope);
                    (to_json(serde_json::to_value(&r))?, r.to_markdown(), None)
                }
                ReportKind::Relationships => {
                    let r = relationships_report(&design, &scope);
                    (to_json(serde_json::to_value(&r))?, r.to_markdown(), None)
                }
            };
            Ok(AnalysisOutput {
                kind,
                report,
                markdown,
                exported,
            })
        })
        .await
        .map_err(|err| AppError::internal(format!("analysis was interrupted: {err}")))?
    }
}
