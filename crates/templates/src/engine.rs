//! The sandboxed minijinja engine: one compiled environment per template, with fuel, recursion and
//! output limits, and includes served only from an in-memory set of partials.

use std::collections::BTreeMap;
use std::error::Error as _;
use std::io;
use std::sync::Arc;

use minijinja::syntax::SyntaxConfig;
use minijinja::{Environment, ErrorKind, UndefinedBehavior, Value};

use crate::error::{LimitKind, SourcePosition, TemplateError};
use crate::filters;

/// Safety limits for rendering. The defaults stop a hostile template well within a second.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// minijinja fuel: bounds instructions and (roughly 64 B per unit) allocations.
    pub fuel: u64,
    /// Maximum macro/include nesting.
    pub recursion: usize,
    /// Maximum output of one render, in bytes.
    pub max_output_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            fuel: 2_000_000,
            recursion: 64,
            max_output_bytes: 1024 * 1024,
        }
    }
}

/// Templates that may be included/imported by name (`shared/…`), held in memory so a render never
/// touches the file system.
pub type Partials = Arc<BTreeMap<String, Arc<str>>>;

/// Longest include name accepted.
const MAX_INCLUDE_NAME: usize = 200;

/// Rejects anything that could address a file outside the template sources.
pub(crate) fn check_include_name(name: &str) -> Result<(), String> {
    let bad = name.is_empty()
        || name.len() > MAX_INCLUDE_NAME
        || name.starts_with('/')
        || name.contains('\\')
        || name.contains('\0')
        || name.contains(':')
        || name
            .split('/')
            .any(|part| part == ".." || part == "." || part.is_empty());
    if bad {
        Err(format!(
            "include {name:?} refused: only names of template partials are allowed"
        ))
    } else {
        Ok(())
    }
}

const FORBIDDEN_MARKER: &str = "refused: only names of template partials";

/// Names of the pieces of a template inside its environment.
pub(crate) const CONTENT: &str = "content";

pub(crate) fn new_environment(
    limits: Limits,
    partials: Partials,
    strict: bool,
) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_fuel(Some(limits.fuel));
    env.set_recursion_limit(limits.recursion);
    env.set_undefined_behavior(if strict {
        UndefinedBehavior::Strict
    } else {
        UndefinedBehavior::Chainable
    });
    if let Ok(syntax) = SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .keep_trailing_newline(true)
        .build()
    {
        env.set_syntax(syntax);
    }
    env.set_loader(move |name| {
        check_include_name(name)
            .map_err(|msg| minijinja::Error::new(ErrorKind::InvalidOperation, msg))?;
        Ok(partials.get(name).map(|source| source.to_string()))
    });
    filters::register(&mut env);
    env
}

/// Compiles one piece (content, title…) into `env`, mapping syntax errors to a position in `display_name`.
pub(crate) fn add_piece(
    env: &mut Environment<'static>,
    piece: &str,
    display_name: &str,
    source: &str,
) -> Result<(), TemplateError> {
    env.add_template_owned(piece.to_owned(), source.to_owned())
        .map_err(|err| to_template_error(&err, display_name, source).into_invalid())
}

/// Renders a compiled piece with the output cap applied while writing. `display_name` is only
/// called for an error (names like `builtin:jira/component (title)` are built, so a render that
/// succeeds does not pay for them).
pub(crate) fn render_piece(
    env: &Environment<'static>,
    piece: &str,
    display_name: impl Fn() -> String,
    context: &Value,
    max_output_bytes: usize,
) -> Result<String, TemplateError> {
    let template = env
        .get_template(piece)
        .map_err(|err| to_template_error(&err, &display_name(), ""))?;
    let mut out = CappedWriter {
        buf: Vec::with_capacity(4096),
        cap: max_output_bytes,
    };
    template
        .render_captured_to(context, &mut out)
        .map_err(|err| to_template_error(&err, &display_name(), template.source()))?;
    String::from_utf8(out.buf).map_err(|_| TemplateError::Render {
        at: SourcePosition {
            template: display_name(),
            line: None,
            column: None,
        },
        message: "output is not valid UTF-8".into(),
        limit: None,
    })
}

struct CappedWriter {
    buf: Vec<u8>,
    cap: usize,
}

impl io::Write for CappedWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if self.buf.len() + data.len() > self.cap {
            return Err(io::Error::other("output size cap exceeded"));
        }
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl TemplateError {
    fn into_invalid(self) -> TemplateError {
        match self {
            TemplateError::Render { at, message, .. } => TemplateError::Invalid { at, message },
            other => other,
        }
    }
}

/// Which limit an engine error (or any error in its cause chain) reports.
fn limit_of(err: &minijinja::Error) -> Option<LimitKind> {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = current {
        if let Some(mj) = e.downcast_ref::<minijinja::Error>() {
            let detail = mj.detail().unwrap_or_default();
            match mj.kind() {
                ErrorKind::OutOfFuel => return Some(LimitKind::Fuel),
                ErrorKind::WriteFailure => return Some(LimitKind::OutputSize),
                _ if detail.contains("recursion limit") => return Some(LimitKind::Recursion),
                _ if detail.contains(FORBIDDEN_MARKER) => return Some(LimitKind::ForbiddenInclude),
                _ => {}
            }
        }
        current = e.source();
    }
    None
}

/// The innermost engine error that knows a line: that is where the author must look.
fn located(err: &minijinja::Error) -> &minijinja::Error {
    let mut best = err;
    let mut current: Option<&(dyn std::error::Error + 'static)> = err.source();
    while let Some(e) = current {
        if let Some(mj) = e.downcast_ref::<minijinja::Error>()
            && mj.line().is_some()
        {
            best = mj;
        }
        current = e.source();
    }
    best
}

pub(crate) fn to_template_error(
    err: &minijinja::Error,
    display_name: &str,
    fallback_source: &str,
) -> TemplateError {
    let limit = limit_of(err);
    let at_err = located(err);
    // Errors inside a partial name the partial; errors in the main pieces name the template file.
    let template = match at_err.name() {
        Some(name) if name != CONTENT && !name.starts_with('#') && name != display_name => {
            format!("{display_name} → {name}")
        }
        _ => display_name.to_owned(),
    };
    let source = at_err.template_source().unwrap_or(fallback_source);
    let column = at_err
        .range()
        .and_then(|range| column_of(source, range.start));
    let mut message = match (at_err.kind(), at_err.detail()) {
        (kind, Some(detail)) => format!("{kind}: {detail}"),
        (kind, None) => kind.to_string(),
    };
    if let Some(limit) = limit {
        message = format!("{limit} ({message})");
    }
    TemplateError::Render {
        at: SourcePosition {
            template,
            line: at_err.line(),
            column,
        },
        message,
        limit,
    }
}

fn column_of(source: &str, offset: usize) -> Option<usize> {
    let before = source.get(..offset)?;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Some(before[line_start..].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn include_names_are_checked() {
        for bad in [
            "../../etc/passwd",
            "/etc/passwd",
            "a/../b",
            "c:\\x",
            "shared//x",
            "",
            "./x",
            "a\0b",
        ] {
            assert!(check_include_name(bad).is_err(), "{bad:?}");
        }
        assert!(check_include_name("shared/component.md.j2").is_ok());
    }

    #[test]
    fn column_counts_characters() {
        assert_eq!(column_of("ab\nçd{{", 5), Some(2));
        assert_eq!(column_of("abc", 0), Some(1));
        assert_eq!(column_of("abc", 10), None);
    }
}
