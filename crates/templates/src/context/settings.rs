//! What the caller knows besides the design: file key, project, team standards, org/team/user
//! records, screenshots. All optional, so the app layer can pass whatever it has as JSON.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::ticket::Priority;

/// `tech_stack` may be a string (`"React, TypeScript"`) or a list, as the old plugin sent both.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum StringOrList {
    One(String),
    Many(Vec<String>),
}

impl StringOrList {
    /// Entries, with a single string split on commas, `+` and `/`.
    pub fn entries(&self) -> Vec<String> {
        let parts: Vec<String> = match self {
            StringOrList::One(text) => text
                .split([',', '+', '/', ';'])
                .map(str::to_owned)
                .collect(),
            StringOrList::Many(items) => items.clone(),
        };
        parts
            .into_iter()
            .map(|p| p.trim().to_owned())
            .filter(|p| !p.is_empty())
            .collect()
    }
}

/// The team's engineering standards (legacy `teamStandards`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TeamStandards {
    pub tech_stack: Option<StringOrList>,
    pub testing_framework: Option<String>,
    pub accessibility_level: Option<String>,
    pub documentation_format: Option<String>,
    pub code_style: Option<String>,
    /// Anything else the team sets; templates read it as `team_standards.<key>`.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Project links and conventions from org/team configuration.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProjectSettings {
    pub name: Option<String>,
    pub team: Option<String>,
    pub repository_url: Option<String>,
    pub storybook_url: Option<String>,
    pub wiki_url: Option<String>,
    pub package_manager: Option<String>,
    pub styling_approach: Option<String>,
    pub labels: Vec<String>,
}

/// A design finding from analysis (compliance or accessibility), in the shape templates need.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// `accessibility`, `color`, `typography`, `spacing`, `component`…
    pub category: String,
    /// `info`, `warning` or `error`.
    pub severity: String,
    pub message: String,
    #[serde(default)]
    pub node_id: Option<String>,
}

impl Finding {
    pub fn is_accessibility(&self) -> bool {
        self.category.eq_ignore_ascii_case("accessibility")
            || self.category.eq_ignore_ascii_case("a11y")
    }
}

/// Everything besides the design that goes into a context.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// The Figma file key (not part of a file response; the caller knows it from the URL).
    pub file_key: String,
    /// Overrides the file name from the response.
    pub file_name: Option<String>,
    /// Team id appended to live links as `&t=` when set.
    pub team_id: Option<String>,
    pub project: ProjectSettings,
    pub team_standards: TeamStandards,
    pub org: serde_json::Map<String, serde_json::Value>,
    pub team: serde_json::Map<String, serde_json::Value>,
    pub user: serde_json::Map<String, serde_json::Value>,
    /// Node id → rendered image URL.
    pub screenshots: BTreeMap<String, String>,
    /// `YYYY-MM-DD`; today (UTC) when unset. Set it for reproducible output.
    pub today: Option<String>,
    /// Overrides the computed priority.
    pub priority: Option<Priority>,
    /// Values for the template's declared `variables`.
    pub vars: serde_json::Map<String, serde_json::Value>,
    /// Free-form instructions from the requester, shown in tickets that have a place for them.
    pub instructions: String,
    /// Compliance and accessibility findings from analysis.
    pub findings: Vec<Finding>,
}
