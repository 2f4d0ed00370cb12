//! The one report dispatcher: which report, with which options → the report struct, its Markdown
//! and (tokens only) an export. Every interface (CLI, HTTP, MCP) goes through [`run_report`], so
//! a report is produced the same way wherever it is asked for.

use std::fmt;
use std::str::FromStr;

use handoff_figma::Design;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::analyzer::Analyzer;
use crate::compliance::{ComplianceOptions, ComplianceReport, DesignSystem};
use crate::effort_report::EffortReport;
use crate::health::{HealthOptions, HealthReport};
use crate::project::ProjectReport;
use crate::relationships::{RelationshipOptions, RelationshipsReport};
use crate::scope::Scope;
use crate::score::CategoryFilter;
use crate::tokens::{TokenFormat, TokensReport, export_tokens};

/// Which report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ReportKind {
    Project,
    Tokens,
    Compliance,
    Health,
    Effort,
    Relationships,
}

impl ReportKind {
    pub const ALL: [ReportKind; 6] = [
        ReportKind::Project,
        ReportKind::Tokens,
        ReportKind::Compliance,
        ReportKind::Health,
        ReportKind::Effort,
        ReportKind::Relationships,
    ];

    /// The name used on the command line and in JSON (`project`, `tokens`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            ReportKind::Project => "project",
            ReportKind::Tokens => "tokens",
            ReportKind::Compliance => "compliance",
            ReportKind::Health => "health",
            ReportKind::Effort => "effort",
            ReportKind::Relationships => "relationships",
        }
    }

    /// The machine names of this report's scored categories (compliance and health; empty for
    /// the others), for [`CategoryFilter::parse`].
    pub fn categories(self) -> &'static [&'static str] {
        match self {
            ReportKind::Compliance => &crate::compliance::CATEGORIES,
            ReportKind::Health => &crate::health::CATEGORIES,
            _ => &[],
        }
    }
}

impl fmt::Display for ReportKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ReportKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ReportKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == s)
            .ok_or_else(|| {
                format!(
                    "unknown report {s:?}: use project, tokens, compliance, health, effort or relationships"
                )
            })
    }
}

/// An option that only some reports read. Every edge (CLI, REST, MCP) refuses it with any other
/// report rather than ignore it silently, naming it the way that edge spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportOption {
    /// A design system to check against other than the file's own ([`ReportOptions::system`]).
    DesignSystem,
    /// [`ReportOptions::token_format`].
    TokenFormat,
    /// [`RelationshipOptions::depth`].
    Depth,
    /// The categories to report ([`CategoryFilter`]).
    Categories,
    /// Findings listed per category ([`ReportOptions::with_max_findings`]).
    MaxFindings,
}

impl ReportOption {
    /// The reports that read this option.
    pub fn reports(self) -> &'static [ReportKind] {
        match self {
            ReportOption::DesignSystem => &[ReportKind::Compliance],
            ReportOption::TokenFormat => &[ReportKind::Tokens],
            ReportOption::Depth => &[ReportKind::Relationships],
            ReportOption::Categories | ReportOption::MaxFindings => {
                &[ReportKind::Compliance, ReportKind::Health]
            }
        }
    }

    /// Refuses the option with a report that does not read it. The error names the reports that
    /// do (`"the relationships report"`, `"the compliance and health reports"`), for the edge to
    /// put after its own name of the option.
    pub fn check(self, kind: ReportKind) -> Result<(), String> {
        let reports = self.reports();
        if reports.contains(&kind) {
            return Ok(());
        }
        let names: Vec<&str> = reports.iter().map(|r| r.as_str()).collect();
        Err(match names.as_slice() {
            [one] => format!("the {one} report"),
            [rest @ .., last] => format!("the {} and {last} reports", rest.join(", ")),
            [] => "no report".to_owned(),
        })
    }
}

/// Everything a report may be configured with; each report reads only its own part.
#[derive(Debug, Clone)]
pub struct ReportOptions<'a> {
    /// Compliance: what to check against.
    pub system: DesignSystem<'a>,
    pub compliance: ComplianceOptions,
    pub health: HealthOptions,
    pub relationships: RelationshipOptions,
    /// Tokens: also export the tokens in this format.
    pub token_format: Option<TokenFormat>,
}

impl Default for ReportOptions<'_> {
    fn default() -> Self {
        Self {
            system: DesignSystem::Own,
            compliance: ComplianceOptions::default(),
            health: HealthOptions::default(),
            relationships: RelationshipOptions::default(),
            token_format: None,
        }
    }
}

impl ReportOptions<'_> {
    /// Keeps only these categories in whichever scored report (compliance, health) runs.
    pub fn with_categories(mut self, categories: CategoryFilter) -> Self {
        self.compliance.categories = categories.clone();
        self.health.categories = categories;
        self
    }

    /// Lists at most `max` findings per category in whichever scored report runs (all are still
    /// counted, in `findings_not_listed` and each category's `issues`); `None` keeps the default.
    pub fn with_max_findings(mut self, max: Option<usize>) -> Self {
        if let Some(max) = max {
            self.compliance.max_findings_per_category = max;
            self.health.max_findings_per_category = max;
        }
        self
    }
}

/// One report of any kind. Serialises as the report struct itself (no wrapper).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Report {
    Project(ProjectReport),
    Tokens(TokensReport),
    Compliance(ComplianceReport),
    Health(HealthReport),
    Effort(EffortReport),
    Relationships(RelationshipsReport),
}

impl Report {
    pub fn kind(&self) -> ReportKind {
        match self {
            Report::Project(_) => ReportKind::Project,
            Report::Tokens(_) => ReportKind::Tokens,
            Report::Compliance(_) => ReportKind::Compliance,
            Report::Health(_) => ReportKind::Health,
            Report::Effort(_) => ReportKind::Effort,
            Report::Relationships(_) => ReportKind::Relationships,
        }
    }

    /// The Markdown rendering of the report.
    pub fn to_markdown(&self) -> String {
        match self {
            Report::Project(r) => r.to_markdown(),
            Report::Tokens(r) => r.to_markdown(),
            Report::Compliance(r) => r.to_markdown(),
            Report::Health(r) => r.to_markdown(),
            Report::Effort(r) => r.to_markdown(),
            Report::Relationships(r) => r.to_markdown(),
        }
    }
}

/// A report and, for a tokens report asked for an export format, the exported tokens.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportOutput {
    pub report: Report,
    pub exported: Option<String>,
}

/// Builds the `kind` report of `scope` with `options`.
pub fn run_report(
    design: &Design,
    scope: &Scope,
    kind: ReportKind,
    options: &ReportOptions<'_>,
) -> ReportOutput {
    Analyzer::new(design, scope).run(kind, options)
}

impl Analyzer<'_> {
    /// Builds the `kind` report with `options`, reusing what earlier reports of this analyzer
    /// already computed.
    pub fn run(&self, kind: ReportKind, options: &ReportOptions<'_>) -> ReportOutput {
        let report = match kind {
            ReportKind::Project => Report::Project(self.project()),
            ReportKind::Tokens => Report::Tokens(self.tokens()),
            ReportKind::Compliance => {
                Report::Compliance(self.compliance(&options.system, &options.compliance))
            }
            ReportKind::Health => Report::Health(self.health(&options.health)),
            ReportKind::Effort => Report::Effort(self.effort()),
            ReportKind::Relationships => {
                Report::Relationships(self.relationships(&options.relationships))
            }
        };
        let exported = match (&report, options.token_format) {
            (Report::Tokens(tokens), Some(format)) => Some(export_tokens(&tokens.tokens, format)),
            _ => None,
        };
        ReportOutput { report, exported }
    }
}
