//! Tickets as data. Templates produce the description; everything else is structured so each
//! output format (and each tracker's API) can place it natively.

use serde::{Deserialize, Serialize};

use crate::key::{DocumentType, Platform};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    Low,
    Medium,
    High,
    Critical,
}

impl Priority {
    pub fn label(self) -> &'static str {
        match self {
            Priority::Low => "Low",
            Priority::Medium => "Medium",
            Priority::High => "High",
            Priority::Critical => "Critical",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Complexity {
    Simple,
    Medium,
    Complex,
}

impl Complexity {
    pub fn label(self) -> &'static str {
        match self {
            Complexity::Simple => "Simple",
            Complexity::Medium => "Medium",
            Complexity::Complex => "Complex",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    pub story_points: u32,
    pub hours: f64,
    pub complexity: Complexity,
    /// 0–1: how much real design context the numbers rest on.
    pub confidence: f64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    pub title: String,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subtask {
    pub title: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
}

/// Where a criterion came from in the design.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CriterionSource {
    Variant,
    Property,
    Interaction,
    Text,
    Accessibility,
    Compliance,
    Layout,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcceptanceCriterion {
    pub text: String,
    pub source: CriterionSource,
    /// The node the criterion is about, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_id: Option<String>,
}

/// A Figma node the ticket implements or refers to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DesignRef {
    pub node_id: String,
    pub name: String,
    pub node_type: String,
    pub url: String,
}

/// Which template produced a ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateUsed {
    pub id: String,
    pub version: String,
    /// `org`, `user`, `dir` or `builtin`.
    pub source: String,
    pub source_hash: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ticket {
    pub platform: Platform,
    pub document_type: DocumentType,
    pub title: String,
    /// One line.
    pub summary: String,
    /// CommonMark, as the template rendered it.
    pub description: String,
    pub acceptance_criteria: Vec<AcceptanceCriterion>,
    pub labels: Vec<String>,
    pub priority: Priority,
    pub estimate: Estimate,
    pub links: Vec<Link>,
    pub subtasks: Vec<Subtask>,
    pub design_refs: Vec<DesignRef>,
    pub template: TemplateUsed,
}

/// Totals over an epic's children.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpicSummary {
    pub children: usize,
    pub story_points: u32,
    pub hours: f64,
    pub high_priority: usize,
    /// Requested nodes skipped because another request already covered them.
    pub duplicates_skipped: usize,
}

/// An epic with one child per distinct design node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Epic {
    pub epic: Ticket,
    pub children: Vec<Ticket>,
    pub summary: EpicSummary,
}
