//! The template file format: YAML metadata plus a Jinja `content` body, parsed with budgets so a
//! hostile file cannot exhaust memory or stack while loading.

use serde::{Deserialize, Serialize};

use crate::error::{SourcePosition, TemplateError};
use crate::key::{DocumentType, Platform, TemplateKey};
use crate::render::OutputFormat;
use crate::tech_stack::TechStack;

/// Largest template file accepted, in bytes.
pub const MAX_TEMPLATE_BYTES: usize = 256 * 1024;

/// A template file as written by a team (or embedded as a built-in).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateSpec {
    /// Stable identifier, e.g. `acme-jira-component`.
    pub id: String,
    /// The author's version string; shown in listings and stored with cached copies.
    pub version: String,
    pub platform: Platform,
    pub document_type: DocumentType,
    #[serde(default)]
    pub description: String,
    /// A variant for one tech stack; resolution prefers it when the team's stack matches.
    #[serde(default)]
    pub tech_stack: Option<TechStack>,
    #[serde(default)]
    pub output: OutputSettings,
    /// Section ids the content emits, in order (documentation and linting only).
    #[serde(default)]
    pub sections: Vec<String>,
    /// Defaults for `team_standards` when the request does not set them.
    #[serde(default)]
    pub team_standards: serde_json::Map<String, serde_json::Value>,
    /// Extra variables the template reads under `vars.*`, with defaults.
    #[serde(default)]
    pub variables: Vec<VariableSpec>,
    /// Jinja expression for the ticket title; defaults to the legacy `<emoji> <prefix>: <name>`.
    #[serde(default)]
    pub title: Option<String>,
    /// Jinja expression for the one-line summary.
    #[serde(default)]
    pub summary: Option<String>,
    /// Labels added to every ticket from this template (Jinja allowed).
    #[serde(default)]
    pub labels: Vec<String>,
    /// The body, in Jinja producing CommonMark.
    pub content: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutputSettings {
    /// Default output format when the caller does not choose one.
    #[serde(default)]
    pub format: Option<OutputFormat>,
    /// Output cap in bytes (never above the engine's own cap).
    #[serde(default)]
    pub max_bytes: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VariableSpec {
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub default: Option<serde_json::Value>,
}

impl TemplateSpec {
    pub fn key(&self) -> TemplateKey {
        TemplateKey::new(self.platform, self.document_type)
    }

    /// Parses a template file. `name` is used in error messages.
    pub fn parse(name: &str, source: &str) -> Result<Self, TemplateError> {
        let invalid = |line, column, message: String| TemplateError::Invalid {
            at: SourcePosition {
                template: name.to_owned(),
                line,
                column,
            },
            message,
        };
        if source.len() > MAX_TEMPLATE_BYTES {
            return Err(invalid(
                None,
                None,
                format!(
                    "file is {} bytes; the limit is {MAX_TEMPLATE_BYTES}",
                    source.len()
                ),
            ));
        }
        let spec: TemplateSpec = serde_saphyr::from_str_with_options(source, yaml_options())
            .map_err(|err| {
                let (line, column) = err
                    .location()
                    .map(|l| (Some(l.line() as usize), Some(l.column() as usize)))
                    .unwrap_or((None, None));
                invalid(line, column, yaml_message(&err))
            })?;
        spec.check(name)?;
        Ok(spec)
    }

    fn check(&self, name: &str) -> Result<(), TemplateError> {
        let invalid = |message: String| TemplateError::Invalid {
            at: SourcePosition {
                template: name.to_owned(),
                line: None,
                column: None,
            },
            message,
        };
        if self.id.trim().is_empty() {
            return Err(invalid("`id` is empty".into()));
        }
        if self.version.trim().is_empty() {
            return Err(invalid("`version` is empty".into()));
        }
        if self.content.trim().is_empty() {
            return Err(invalid("`content` is empty".into()));
        }
        for variable in &self.variables {
            let ok = !variable.name.is_empty()
                && variable
                    .name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !ok {
                return Err(invalid(format!(
                    "variable name {:?} must be letters, digits and `_`",
                    variable.name
                )));
            }
        }
        Ok(())
    }
}

/// Budgets far above any real template and far below anything that hurts.
fn yaml_options() -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_events = 50_000;
    budget.max_depth = 32;
    budget.max_nodes = 20_000;
    budget.max_aliases = 200;
    budget.max_anchors = 200;
    budget.max_documents = 1;
    budget.max_total_scalar_bytes = MAX_TEMPLATE_BYTES;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options.with_snippet = false;
    options
}

/// serde-saphyr's message, first line only (the location is reported separately).
fn yaml_message(err: &serde_saphyr::Error) -> String {
    let text = err.to_string();
    let first = text.lines().next().unwrap_or("invalid YAML").trim();
    let mut message = first.to_owned();
    if text.contains("{{") || first.contains("flow mapping") {
        message.push_str(" (a value starting with `{{` must be quoted or written as a `|` block)");
    }
    message
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    const MINIMAL: &str = "id: t\nversion: '1'\nplatform: jira\ndocument_type: comp\ncontent: |\n  Hello {{ figma.component_name }}\n";

    #[test]
    fn parses_minimal_and_accepts_legacy_names() {
        let spec = TemplateSpec::parse("t.yaml", MINIMAL.replace("comp\n", "component\n").as_str())
            .unwrap();
        assert_eq!(spec.key().to_string(), "jira/component");
    }

    #[test]
    fn unknown_field_is_reported_with_position() {
        let src = format!("{MINIMAL}colour: red\n").replace("comp\n", "component\n");
        let err = TemplateSpec::parse("t.yaml", &src).unwrap_err().to_string();
        assert!(err.contains("t.yaml:") && err.contains("colour"), "{err}");
    }

    #[test]
    fn unquoted_jinja_scalar_explains_the_yaml_gotcha() {
        let src = "id: t\nversion: '1'\nplatform: jira\ndocument_type: component\ntitle: {{ x }}\ncontent: x\n";
        let err = TemplateSpec::parse("t.yaml", src).unwrap_err().to_string();
        assert!(err.contains("t.yaml:5"), "{err}");
    }

    #[test]
    fn billion_laughs_is_stopped_by_the_budget() {
        let mut src = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let prev = i - 1;
            src.push_str(&format!(
                "a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
            ));
        }
        let err = TemplateSpec::parse("bomb.yaml", &src).unwrap_err();
        assert!(matches!(err, TemplateError::Invalid { .. }), "{err}");
    }

    #[test]
    fn oversized_and_garbage_inputs_are_errors() {
        let big = "x".repeat(MAX_TEMPLATE_BYTES + 1);
        assert!(TemplateSpec::parse("big", &big).is_err());
        for garbage in ["", "- a\n- b\n", "\u{0}\u{1}", "id: [", ":::"] {
            assert!(TemplateSpec::parse("g", garbage).is_err(), "{garbage:?}");
        }
    }

    #[test]
    fn bad_variable_name_is_rejected() {
        let src =
            format!("{MINIMAL}variables:\n  - name: 'a b'\n").replace("comp\n", "component\n");
        let err = TemplateSpec::parse("t.yaml", &src).unwrap_err().to_string();
        assert!(err.contains("a b"), "{err}");
    }
}
