//! Platforms and document types: the two halves of a template key.
//!
//! Every name the old system accepted still parses (legacy-api §10), but each one maps to exactly
//! one canonical value, and the mapping is this table, so nothing is substituted silently.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::TemplateError;

macro_rules! name_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        pub enum $name {
            $(#[serde(rename = $text)] $variant),+
        }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The canonical name, as used in template files and listings.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        /// Accepts legacy names too, so template files written for the old system still load.
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                $name::parse(&text).map_err(serde::de::Error::custom)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

name_enum!(
    /// Where the generated work item or document goes.
    Platform {
        Jira = "jira",
        Confluence = "confluence",
        Wiki = "wiki",
        Github = "github",
        Gitlab = "gitlab",
        Linear = "linear",
        Notion = "notion",
        AzureDevops = "azure-devops",
        Figma = "figma",
        Aem = "aem",
        Trello = "trello",
        Asana = "asana",
    }
);

name_enum!(
    /// What kind of work item or document is generated.
    DocumentType {
        Component = "component",
        Feature = "feature",
        Story = "story",
        Bug = "bug",
        Epic = "epic",
        Documentation = "documentation",
        ApiSpec = "api-spec",
        DesignHandoff = "design-handoff",
        PrTemplate = "pr-template",
        IssueTemplate = "issue-template",
        Code = "code",
    }
);

/// Legacy and alternative platform names (already lower-cased, `_` → `-`).
const PLATFORM_ALIASES: &[(&str, Platform)] = &[
    ("atlassian-jira", Platform::Jira),
    ("jira-cloud", Platform::Jira),
    ("github-issue", Platform::Github),
    ("gh", Platform::Github),
    ("ado", Platform::AzureDevops),
    ("azure", Platform::AzureDevops),
    ("azuredevops", Platform::AzureDevops),
    ("adobe-aem", Platform::Aem),
    // `ticket_generator` offered `ui`: design-side notes, which is the figma platform here.
    ("ui", Platform::Figma),
];

/// Legacy and alternative document-type names (already lower-cased, `_` → `-`).
const DOCUMENT_TYPE_ALIASES: &[(&str, DocumentType)] = &[
    ("comp", DocumentType::Component),
    ("component-docs", DocumentType::Documentation),
    ("component-guide", DocumentType::Documentation),
    ("component-page", DocumentType::Documentation),
    ("docs", DocumentType::Documentation),
    ("wiki", DocumentType::Documentation),
    ("authoring", DocumentType::Documentation),
    ("technical-spec", DocumentType::Documentation),
    ("service", DocumentType::ApiSpec),
    ("api", DocumentType::ApiSpec),
    ("code-simple", DocumentType::Code),
    ("code-implementation", DocumentType::Code),
    ("agent", DocumentType::Code),
    ("agent-task", DocumentType::Code),
    ("implementation", DocumentType::Code),
    ("page", DocumentType::Feature),
    ("custom", DocumentType::Story),
    ("task", DocumentType::Story),
    ("issue", DocumentType::IssueTemplate),
    ("github-issue", DocumentType::IssueTemplate),
    ("pr", DocumentType::PrTemplate),
    ("pull-request", DocumentType::PrTemplate),
    ("handoff", DocumentType::DesignHandoff),
    // The old plugin's document-type selector offered platform names; each meant one document.
    ("jira", DocumentType::Component),
    ("confluence", DocumentType::Documentation),
];

fn normalise(input: &str) -> String {
    input.trim().to_ascii_lowercase().replace(['_', ' '], "-")
}

/// Canonical names plus aliases, closest first, for "did you mean" messages.
fn nearest<'a>(input: &str, names: impl Iterator<Item = &'a str>, count: usize) -> Vec<String> {
    let mut scored: Vec<(f64, &str)> = names
        .map(|name| (strsim::jaro_winkler(input, name), name))
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    scored
        .into_iter()
        .take(count)
        .map(|(_, n)| n.to_owned())
        .collect()
}

impl Platform {
    /// Parses a canonical or legacy platform name (case-insensitive).
    pub fn parse(input: &str) -> Result<Self, TemplateError> {
        let key = normalise(input);
        Self::ALL
            .iter()
            .copied()
            .find(|p| p.as_str() == key)
            .or_else(|| {
                PLATFORM_ALIASES
                    .iter()
                    .find(|(a, _)| *a == key)
                    .map(|(_, p)| *p)
            })
            .ok_or_else(|| TemplateError::UnknownPlatform {
                input: input.to_owned(),
                nearest: nearest(&key, Self::ALL.iter().map(|p| p.as_str()), 3),
            })
    }

    /// The legacy ticket prefix for this platform: emoji and label.
    pub fn prefix(self) -> (&'static str, &'static str) {
        match self {
            Platform::Jira => ("🎫", "Component"),
            Platform::Confluence => ("📄", "Documentation"),
            Platform::Wiki => ("📚", "Guide"),
            Platform::Figma => ("🎨", "Design Spec"),
            Platform::Github => ("🐙", "Issue"),
            Platform::Gitlab => ("🦊", "Issue"),
            Platform::Linear => ("📏", "Feature"),
            Platform::Notion => ("📝", "Page"),
            Platform::AzureDevops => ("🔷", "Work Item"),
            Platform::Trello => ("📋", "Card"),
            Platform::Asana => ("✅", "Task"),
            Platform::Aem => ("🏗️", "AEM Component"),
        }
    }

    /// Human name of the tool.
    pub fn label(self) -> &'static str {
        match self {
            Platform::Jira => "Jira",
            Platform::Confluence => "Confluence",
            Platform::Wiki => "Wiki",
            Platform::Github => "GitHub",
            Platform::Gitlab => "GitLab",
            Platform::Linear => "Linear",
            Platform::Notion => "Notion",
            Platform::AzureDevops => "Azure DevOps",
            Platform::Figma => "Figma",
            Platform::Aem => "AEM",
            Platform::Trello => "Trello",
            Platform::Asana => "Asana",
        }
    }
}

impl DocumentType {
    /// What an epic's children are when the caller names no type, most wanted first: the first
    /// one the platform has a template for ([`crate::Registry::epic_child_type`]).
    pub const EPIC_CHILDREN: &'static [DocumentType] = &[
        DocumentType::Story,
        DocumentType::Component,
        DocumentType::Feature,
        DocumentType::Documentation,
    ];

    /// Parses a canonical or legacy document-type name (case-insensitive).
    pub fn parse(input: &str) -> Result<Self, TemplateError> {
        let key = normalise(input);
        Self::ALL
            .iter()
            .copied()
            .find(|d| d.as_str() == key)
            .or_else(|| {
                DOCUMENT_TYPE_ALIASES
                    .iter()
                    .find(|(a, _)| *a == key)
                    .map(|(_, d)| *d)
            })
            .ok_or_else(|| TemplateError::UnknownDocumentType {
                input: input.to_owned(),
                nearest: nearest(&key, Self::ALL.iter().map(|d| d.as_str()), 3),
            })
    }

    /// The legacy ticket prefix for this document type: emoji and label.
    pub fn prefix(self) -> (&'static str, &'static str) {
        match self {
            DocumentType::Component => ("🧩", "Component"),
            DocumentType::Feature => ("⚡", "Feature"),
            DocumentType::Story => ("📖", "Story"),
            DocumentType::Bug => ("🐛", "Bug Fix"),
            DocumentType::Epic => ("🚀", "Epic"),
            DocumentType::Documentation => ("📚", "Documentation"),
            DocumentType::ApiSpec => ("🔌", "API Spec"),
            DocumentType::DesignHandoff => ("🎨", "Design Handoff"),
            DocumentType::PrTemplate => ("🔀", "Pull Request"),
            DocumentType::IssueTemplate => ("📝", "Issue"),
            DocumentType::Code => ("🛠️", "Implementation Task"),
        }
    }
}

/// A (platform, document type) pair: the key a template is registered and resolved under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TemplateKey {
    pub platform: Platform,
    pub document_type: DocumentType,
}

impl TemplateKey {
    pub fn new(platform: Platform, document_type: DocumentType) -> Self {
        Self {
            platform,
            document_type,
        }
    }

    /// Parses both halves, accepting legacy names.
    pub fn parse(platform: &str, document_type: &str) -> Result<Self, TemplateError> {
        Ok(Self::new(
            Platform::parse(platform)?,
            DocumentType::parse(document_type)?,
        ))
    }
}

impl fmt::Display for TemplateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.platform, self.document_type)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_legacy_platform_name_parses() {
        for name in [
            "jira",
            "confluence",
            "wiki",
            "figma",
            "github",
            "linear",
            "notion",
            "azure-devops",
            "trello",
            "asana",
            "AEM",
            "ui",
            "gitlab",
            "Azure_DevOps",
        ] {
            assert!(Platform::parse(name).is_ok(), "{name}");
        }
        assert_eq!(Platform::parse("AEM").ok(), Some(Platform::Aem));
    }

    #[test]
    fn every_legacy_document_type_parses() {
        for name in [
            "component",
            "feature",
            "bug",
            "epic",
            "documentation",
            "api-spec",
            "design-handoff",
            "pr-template",
            "issue-template",
            "page",
            "custom",
            "code",
            "code-simple",
            "service",
            "wiki",
            "comp",
            "jira",
            "confluence",
            "agent",
            "technical_spec",
            "github_issue",
            "agent_task",
            "story",
            "authoring",
            "code-implementation",
        ] {
            assert!(DocumentType::parse(name).is_ok(), "{name}");
        }
        assert_eq!(
            DocumentType::parse("comp").ok(),
            Some(DocumentType::Component)
        );
        assert_eq!(
            DocumentType::parse("service").ok(),
            Some(DocumentType::ApiSpec)
        );
    }

    #[test]
    fn unknown_name_is_an_error_naming_the_nearest() {
        let err = DocumentType::parse("componnet")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            err.contains("componnet") && err.contains("component"),
            "{err}"
        );
        let err = Platform::parse("jiraa")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("jira"), "{err}");
    }
}
