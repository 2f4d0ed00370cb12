//! Design analysis over the parsed Figma model: project statistics, design tokens, compliance,
//! design health, effort and relationships. Pure: no I/O.
//!
//! Every report has one entry function taking `&Design` and a [`Scope`] (plus options), returns
//! a serde + JSON-Schema struct, and renders Markdown with `to_markdown()`. [`run_report`] picks
//! the report by [`ReportKind`] for the interfaces; an [`Analyzer`] produces several reports of
//! one scope and computes what they share (instance membership, detached copies, the file's own
//! design-system tokens) once.

mod analyzer;
mod background;
pub mod colour;
pub mod compliance;
pub mod effort;
pub mod effort_report;
mod error;
pub mod finding;
mod fonts;
pub mod health;
mod markdown;
mod model;
pub mod project;
pub mod relationships;
mod report;
pub mod scope;
pub mod score;
pub mod tokens;

pub use analyzer::Analyzer;
pub use compliance::{
    ComplianceOptions, ComplianceReport, ComplianceWeights, DesignSystem, compliance_report,
};
pub use effort_report::{EffortReport, effort_report};
pub use error::AnalysisError;
pub use finding::{DEFAULT_MAX_FINDINGS_PER_CATEGORY, Finding, Severity};
pub use health::{HealthOptions, HealthReport, HealthWeights, health_report};
pub use project::{ProjectReport, project_report};
pub use relationships::{RelationshipOptions, RelationshipsReport, relationships_report};
pub use report::{Report, ReportKind, ReportOption, ReportOptions, ReportOutput, run_report};
pub use scope::Scope;
pub use score::CategoryFilter;
pub use tokens::{TokenFormat, TokensReport, export_tokens, parse_dtcg, tokens_report};
