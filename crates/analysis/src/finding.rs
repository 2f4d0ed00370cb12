//! Findings shared by the compliance and health reports.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use handoff_figma::Node;

/// Findings listed per category when the caller does not choose: enough to act on, small enough
/// for an agent's context. Every finding is still counted in the scores and totals.
pub const DEFAULT_MAX_FINDINGS_PER_CATEGORY: usize = 50;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn icon(self) -> &'static str {
        match self {
            Severity::Error => "❌",
            Severity::Warning => "⚠️",
            Severity::Info => "ℹ️",
        }
    }
}

/// One problem at one node, with what was found and what to do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Finding {
    pub category: String,
    pub severity: Severity,
    pub node_id: String,
    pub node_name: String,
    /// What was found, e.g. `contrast 4.48:1 (#777777 on #FFFFFF)`.
    pub found: String,
    /// What to do about it.
    pub suggestion: String,
    /// For colour findings: CIEDE2000 distance to the suggested token (colour only; alpha is
    /// not part of it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delta_e: Option<f64>,
    /// For colour findings whose alpha differs from the suggested token's: the difference, 0–1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alpha_difference: Option<f64>,
}

/// Collects findings per category, keeping at most `limit` of them but counting all.
#[derive(Debug)]
pub(crate) struct FindingSink {
    pub category: &'static str,
    pub limit: usize,
    pub kept: Vec<Finding>,
    pub count: u64,
}

impl FindingSink {
    pub fn new(category: &'static str, limit: usize) -> Self {
        Self {
            category,
            limit,
            kept: Vec::new(),
            count: 0,
        }
    }

    /// Counts a finding; `describe` gives `(found, suggestion, delta_e)` and runs only while the
    /// finding will be listed, so findings beyond the limit cost no formatting.
    pub fn push(
        &mut self,
        severity: Severity,
        node: &Node,
        describe: impl FnOnce() -> (String, String, Option<f64>),
    ) {
        self.count += 1;
        if self.kept.len() < self.limit {
            let (found, suggestion, delta_e) = describe();
            self.kept.push(Finding {
                category: self.category.to_owned(),
                severity,
                node_id: node.id.clone(),
                node_name: node.name.clone(),
                found,
                suggestion,
                delta_e,
                alpha_difference: None,
            });
        }
    }
}

/// The `n` most severe findings, in stable order.
pub(crate) fn worst(findings: &[Finding], n: usize) -> Vec<Finding> {
    let mut sorted: Vec<&Finding> = findings.iter().collect();
    sorted.sort_by_key(|f| f.severity);
    sorted.into_iter().take(n).cloned().collect()
}

/// A category's tally while auditing: how many checks passed out of how many, and the findings of
/// those that failed (listed up to the sink's limit, counted beyond it). Shared by compliance and
/// health so both count and cap findings the same way.
pub(crate) struct Tally {
    pub(crate) sink: FindingSink,
    pub(crate) compliant: u64,
    pub(crate) total: u64,
}

impl Tally {
    pub(crate) fn new(category: &'static str, limit: usize) -> Self {
        Self {
            sink: FindingSink::new(category, limit),
            compliant: 0,
            total: 0,
        }
    }

    pub(crate) fn pass(&mut self) {
        self.compliant += 1;
        self.total += 1;
    }

    /// A failed check; `describe` gives `(found, suggestion)` (only called while listed).
    pub(crate) fn fail(
        &mut self,
        severity: Severity,
        node: &Node,
        describe: impl FnOnce() -> (String, String),
    ) {
        self.total += 1;
        self.sink.push(severity, node, || {
            let (found, suggestion) = describe();
            (found, suggestion, None)
        });
    }

    /// A colour that is not a design-system token: like [`Tally::miss_token`], with the alpha
    /// difference to the suggested token reported apart from ΔE2000.
    pub(crate) fn miss_colour(
        &mut self,
        node: &Node,
        alpha_difference: Option<f64>,
        describe: impl FnOnce() -> (String, String, Option<f64>),
    ) {
        let listed = self.sink.kept.len();
        self.miss_token(node, describe);
        if self.sink.kept.len() > listed
            && let Some(finding) = self.sink.kept.last_mut()
        {
            finding.alpha_difference = alpha_difference;
        }
    }

    /// A value that is not a design-system token: a warning; `describe` gives `(found,
    /// suggestion, distance to the nearest token)` (only called while listed).
    pub(crate) fn miss_token(
        &mut self,
        node: &Node,
        describe: impl FnOnce() -> (String, String, Option<f64>),
    ) {
        self.total += 1;
        self.sink.push(Severity::Warning, node, describe);
    }
}
