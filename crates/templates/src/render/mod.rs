//! Output formats. A ticket's description is CommonMark; each renderer turns the title plus that
//! description into one tool's native format.

mod adf;
mod confluence;
pub(crate) mod doc;
mod jira;
mod notion;
mod text;

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::TemplateError;
use crate::ticket::Ticket;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OutputFormat {
    /// CommonMark/GFM: GitHub, GitLab, Linear, Azure DevOps, Notion import.
    Markdown,
    /// Jira wiki markup (Jira Server/Data Center, Jira Cloud v2 API).
    Jira,
    /// Atlassian Document Format JSON (Jira Cloud v3, Confluence Cloud).
    Adf,
    /// Confluence storage format (XHTML).
    Confluence,
    /// Notion block objects (JSON array), for `children` of a page.
    Notion,
    /// Plain text.
    Text,
    /// The whole ticket as JSON (all structured fields).
    Json,
}

impl OutputFormat {
    pub const ALL: &'static [OutputFormat] = &[
        OutputFormat::Markdown,
        OutputFormat::Jira,
        OutputFormat::Adf,
        OutputFormat::Confluence,
        OutputFormat::Notion,
        OutputFormat::Text,
        OutputFormat::Json,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OutputFormat::Markdown => "markdown",
            OutputFormat::Jira => "jira",
            OutputFormat::Adf => "adf",
            OutputFormat::Confluence => "confluence",
            OutputFormat::Notion => "notion",
            OutputFormat::Text => "text",
            OutputFormat::Json => "json",
        }
    }

    pub fn parse(input: &str) -> Result<Self, TemplateError> {
        let key = input.trim().to_ascii_lowercase();
        let found = match key.as_str() {
            "md" | "gfm" | "commonmark" => Some(OutputFormat::Markdown),
            "jira-wiki" | "wiki-markup" => Some(OutputFormat::Jira),
            "storage" | "xhtml" | "confluence-storage" => Some(OutputFormat::Confluence),
            "plain" | "txt" => Some(OutputFormat::Text),
            _ => Self::ALL.iter().copied().find(|f| f.as_str() == key),
        };
        found.ok_or_else(|| TemplateError::UnknownFormat {
            input: input.to_owned(),
            expected: Self::ALL.iter().map(|f| f.as_str().to_owned()).collect(),
        })
    }
}

impl fmt::Display for OutputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for OutputFormat {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        OutputFormat::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// Title (as a level-1 heading) plus description, in `format`.
pub fn render_ticket(ticket: &Ticket, format: OutputFormat) -> String {
    if format == OutputFormat::Json {
        return serde_json::to_string_pretty(ticket).unwrap_or_default();
    }
    let title = crate::filters::md_escape(&ticket.title);
    let mut markdown = String::with_capacity(title.len() + ticket.description.len() + 4);
    markdown.push_str("# ");
    markdown.push_str(&title);
    markdown.push_str("\n\n");
    markdown.push_str(&ticket.description);
    // Markdown is the document itself: returned as built, not copied again.
    match format {
        OutputFormat::Markdown => markdown,
        _ => render_markdown(&markdown, format),
    }
}

/// The description only (for APIs that take the title separately, e.g. Jira `summary` + ADF).
pub fn render_description(ticket: &Ticket, format: OutputFormat) -> String {
    if format == OutputFormat::Json {
        return serde_json::to_string_pretty(ticket).unwrap_or_default();
    }
    render_markdown(&ticket.description, format)
}

/// Converts CommonMark to `format` (`Json` is treated as Markdown).
pub fn render_markdown(markdown: &str, format: OutputFormat) -> String {
    match format {
        OutputFormat::Markdown | OutputFormat::Json => markdown.to_owned(),
        OutputFormat::Jira => jira::render(&doc::parse(markdown)),
        OutputFormat::Adf => adf::render(&doc::parse(markdown)).to_string(),
        OutputFormat::Confluence => confluence::render(&doc::parse(markdown)),
        OutputFormat::Notion => notion::render(&doc::parse(markdown)).to_string(),
        OutputFormat::Text => text::render(&doc::parse(markdown)),
    }
}

/// ADF as a JSON value (for callers that embed it in a request body).
pub fn to_adf(markdown: &str) -> serde_json::Value {
    adf::render(&doc::parse(markdown))
}

/// Notion blocks as a JSON value.
pub fn to_notion_blocks(markdown: &str) -> serde_json::Value {
    notion::render(&doc::parse(markdown))
}

#[cfg(test)]
mod tests {
    use super::OutputFormat;

    /// Responses name the format with `as_str`; they used the lowercased variant name.
    #[test]
    fn format_names_are_the_lowercased_variant_names() {
        for format in OutputFormat::ALL {
            assert_eq!(format.as_str(), format!("{format:?}").to_lowercase());
        }
    }
}
