//! A parsed and compiled template: cheap to keep and reuse, so a warm render does no parsing.

use std::sync::Arc;

use minijinja::{Environment, Value};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::engine::{self, CONTENT, Limits, Partials};
use crate::error::TemplateError;
use crate::spec::TemplateSpec;

const TITLE: &str = "#title";
const SUMMARY: &str = "#summary";
// The title names what the document is (a bug, an epic), not which tool it goes to: the tool
// already shows that, and a Jira bug titled "🎫 Component:" misleads (issue 21).
const DEFAULT_TITLE: &str =
    "{{ ticket.type_emoji }} {{ ticket.type_label }}: {{ figma.component_name }}";
const DEFAULT_SUMMARY: &str = "{{ ticket.type_label }} for {{ figma.component_name }}{% if figma.page_name %} on {{ figma.page_name }}{% endif %}";

/// Where a resolved template came from, in resolution order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TemplateOrigin {
    /// Stored for an organisation (highest precedence).
    Org { org_id: String },
    /// Stored for one user.
    User { user_id: String },
    /// A file in a configured template directory.
    Directory { path: String },
    /// Embedded in the binary.
    Builtin,
}

impl TemplateOrigin {
    /// Short name for listings: `org`, `user`, `dir`, `builtin`.
    pub fn label(&self) -> &'static str {
        match self {
            TemplateOrigin::Org { .. } => "org",
            TemplateOrigin::User { .. } => "user",
            TemplateOrigin::Directory { .. } => "dir",
            TemplateOrigin::Builtin => "builtin",
        }
    }
}

/// Hex SHA-256 of a template source: the cache key and change detector for stored copies.
pub fn source_hash(source: &str) -> String {
    hex::encode(Sha256::digest(source.as_bytes()))
}

/// A template ready to render.
pub struct CompiledTemplate {
    pub spec: TemplateSpec,
    pub origin: TemplateOrigin,
    /// Name used in error messages (`builtin:jira/component`, a file path, `org:acme`).
    pub name: String,
    /// [`source_hash`] of the YAML source.
    pub source_hash: String,
    env: Environment<'static>,
    /// Names of the label pieces in `env` (`#label0`…), made once here rather than per render.
    label_pieces: Vec<String>,
    max_output_bytes: usize,
}

impl std::fmt::Debug for CompiledTemplate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CompiledTemplate")
            .field("name", &self.name)
            .field("origin", &self.origin)
            .field("source_hash", &self.source_hash)
            .finish_non_exhaustive()
    }
}

impl CompiledTemplate {
    /// Parses and compiles a YAML template source.
    pub fn compile(
        name: &str,
        origin: TemplateOrigin,
        source: &str,
        partials: Partials,
        limits: Limits,
    ) -> Result<Self, TemplateError> {
        Self::compile_with(name, origin, source, partials, limits, false)
    }

    pub(crate) fn compile_with(
        name: &str,
        origin: TemplateOrigin,
        source: &str,
        partials: Partials,
        limits: Limits,
        strict: bool,
    ) -> Result<Self, TemplateError> {
        let spec = TemplateSpec::parse(name, source)?;
        let mut env = engine::new_environment(limits, partials, strict);
        engine::add_piece(&mut env, CONTENT, name, &spec.content)?;
        engine::add_piece(
            &mut env,
            TITLE,
            &format!("{name} (title)"),
            spec.title.as_deref().unwrap_or(DEFAULT_TITLE),
        )?;
        engine::add_piece(
            &mut env,
            SUMMARY,
            &format!("{name} (summary)"),
            spec.summary.as_deref().unwrap_or(DEFAULT_SUMMARY),
        )?;
        let mut label_pieces = Vec::with_capacity(spec.labels.len());
        for (i, label) in spec.labels.iter().enumerate() {
            let piece = format!("#label{i}");
            engine::add_piece(&mut env, &piece, &format!("{name} (labels[{i}])"), label)?;
            label_pieces.push(piece);
        }
        let max_output_bytes = spec
            .output
            .max_bytes
            .map_or(limits.max_output_bytes, |m| m.min(limits.max_output_bytes));
        Ok(Self {
            label_pieces,
            spec,
            origin,
            name: name.to_owned(),
            source_hash: source_hash(source),
            env,
            max_output_bytes,
        })
    }

    pub(crate) fn shared(self) -> Arc<Self> {
        Arc::new(self)
    }

    /// Renders the body (CommonMark).
    pub fn render_content(&self, context: &Value) -> Result<String, TemplateError> {
        let mut content = engine::render_piece(
            &self.env,
            CONTENT,
            || self.name.clone(),
            context,
            self.max_output_bytes,
        )?;
        // A template's last block leaves its blank lines behind; a document ends with one newline.
        let end = content.trim_end().len();
        content.truncate(end);
        if end > 0 {
            content.push('\n');
        }
        Ok(content)
    }

    /// Renders the title, on one line.
    pub fn render_title(&self, context: &Value) -> Result<String, TemplateError> {
        let title = engine::render_piece(
            &self.env,
            TITLE,
            || format!("{} (title)", self.name),
            context,
            4096,
        )?;
        Ok(one_line(&title))
    }

    /// Renders the one-line summary.
    pub fn render_summary(&self, context: &Value) -> Result<String, TemplateError> {
        let summary = engine::render_piece(
            &self.env,
            SUMMARY,
            || format!("{} (summary)", self.name),
            context,
            16 * 1024,
        )?;
        Ok(one_line(&summary))
    }

    /// Renders the template's extra labels; empty results are dropped.
    pub fn render_labels(&self, context: &Value) -> Result<Vec<String>, TemplateError> {
        let mut labels = Vec::with_capacity(self.label_pieces.len());
        for (i, piece) in self.label_pieces.iter().enumerate() {
            let label = engine::render_piece(
                &self.env,
                piece,
                || format!("{} (labels[{i}])", self.name),
                context,
                1024,
            )?;
            let label = one_line(&label);
            if !label.is_empty() {
                labels.push(label);
            }
        }
        Ok(labels)
    }
}

/// The words of `text` joined by single spaces.
fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        // Words are never empty, so a non-empty output means this is not the first.
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}
