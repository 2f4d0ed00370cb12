//! Every way loading, resolving or rendering a template can fail. Messages name the template and,
//! where the engine knows it, the line and column, so a team can fix its own template.

use std::fmt;

use crate::key::TemplateKey;

/// Where in a template source a problem is.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct SourcePosition {
    /// Template name (`builtin:jira/component`, a file path, `org:<id>`…).
    pub template: String,
    /// 1-based; `None` when the engine could not locate it.
    pub line: Option<usize>,
    /// 1-based, in characters; `None` when unknown.
    pub column: Option<usize>,
}

impl fmt::Display for SourcePosition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.template)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        Ok(())
    }
}

/// Which safety limit stopped a render.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LimitKind {
    /// The instruction/allocation budget (minijinja fuel) ran out.
    Fuel,
    /// Macro/include recursion went deeper than allowed.
    Recursion,
    /// The output grew past the byte cap.
    OutputSize,
    /// An include/import named something outside the template sources.
    ForbiddenInclude,
}

impl fmt::Display for LimitKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LimitKind::Fuel => "instruction budget exhausted (infinite or very long loop?)",
            LimitKind::Recursion => "recursion limit reached",
            LimitKind::OutputSize => "output size cap exceeded",
            LimitKind::ForbiddenInclude => "include outside the template sources refused",
        })
    }
}

fn list(names: &[String]) -> String {
    if names.is_empty() {
        "none".to_owned()
    } else {
        names.join(", ")
    }
}

fn keys(list_of: &[TemplateKey]) -> String {
    if list_of.is_empty() {
        "none".to_owned()
    } else {
        list_of
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("unknown platform {input:?} (nearest: {})", list(nearest))]
    UnknownPlatform { input: String, nearest: Vec<String> },

    #[error("unknown document type {input:?} (nearest: {})", list(nearest))]
    UnknownDocumentType { input: String, nearest: Vec<String> },

    #[error(
        "unknown output format {input:?} (expected one of: {})",
        list(expected)
    )]
    UnknownFormat {
        input: String,
        expected: Vec<String>,
    },

    #[error("no template for {key} (nearest available: {})", keys(nearest))]
    NoTemplate {
        key: TemplateKey,
        nearest: Vec<TemplateKey>,
    },

    #[error("invalid template {at}: {message}")]
    Invalid { at: SourcePosition, message: String },

    #[error("rendering {at} failed: {message}")]
    Render {
        at: SourcePosition,
        message: String,
        limit: Option<LimitKind>,
    },

    #[error("{path}: {message}")]
    Io { path: String, message: String },

    #[error("node {node_id:?} is not in the design")]
    UnknownNode { node_id: String },

    #[error("{0}")]
    Input(String),
}

impl TemplateError {
    /// The safety limit that stopped a render, if that is what happened.
    pub fn limit(&self) -> Option<LimitKind> {
        match self {
            TemplateError::Render { limit, .. } => *limit,
            _ => None,
        }
    }
}
