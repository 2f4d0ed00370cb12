//! The three output formats, rendered piece by piece so that a page's size
//! is known exactly while it is being filled.

use std::fmt::Write;

use serde::ser::{Serialize, SerializeMap, Serializer};

use super::dedupe::{Shared, is_instance_specific};
use super::describe::{Prop, Record, Value};

/// Output format of the design context.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Compact: one node per line (default).
    #[default]
    Tree,
    /// YAML with the same content, one mapping per node.
    Yaml,
    /// JSON with the same content, one object per node.
    Json,
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.to_ascii_lowercase().as_str() {
            "tree" => Ok(Self::Tree),
            "yaml" | "yml" => Ok(Self::Yaml),
            "json" => Ok(Self::Json),
            other => Err(format!(
                "unknown format `{other}` (expected tree, yaml or json)"
            )),
        }
    }
}

/// Sections of a page, in output order.
pub(crate) struct Page<'a> {
    pub name: &'a str,
    pub outline: &'a [String],
    pub vars: Vec<(&'a str, &'a str)>,
    pub templates: Vec<(&'a str, &'a (String, Vec<Prop>))>,
    pub components: Vec<(&'a str, String)>,
    pub node_lines: NodeLines<'a>,
    pub next_cursor: Option<&'a str>,
    pub note: Option<&'a str>,
}

/// Node lines of a context, stored as few allocations as possible: a large
/// design has a line per node, and a `String` per line cost its header and an
/// allocation on top of its text (about 40 bytes a node, half of a short line).
/// Tree lines are stored without their indentation, which is written with the
/// page: it grows with depth, so a 100,000-level chain would hold 10 GB of
/// spaces (the sum of 2 × depth over its nodes).
#[derive(Debug, Default)]
pub(crate) struct Lines {
    /// Each part is the lines one thread rendered, in order.
    parts: Vec<LinePart>,
}

/// Consecutive lines in one buffer: line `i` is `text[ends[i - 1]..ends[i]]`.
#[derive(Debug, Default)]
pub(crate) struct LinePart {
    text: String,
    ends: Vec<usize>,
}

impl LinePart {
    /// Room for `lines` lines (text grows as they are written).
    pub fn with_capacity(lines: usize) -> Self {
        Self {
            text: String::new(),
            ends: Vec::with_capacity(lines),
        }
    }

    /// The buffer the next line is appended to; close it with [`Self::end_line`].
    pub fn buffer(&mut self) -> &mut String {
        &mut self.text
    }

    pub fn end_line(&mut self) {
        self.ends.push(self.text.len());
    }

    /// Gives back the room a doubling buffer keeps beyond its text.
    pub fn shrink(&mut self) {
        self.text.shrink_to_fit();
        self.ends.shrink_to_fit();
    }

    fn line(&self, number: usize) -> Option<&str> {
        let end = *self.ends.get(number)?;
        let start = match number.checked_sub(1) {
            Some(previous) => self.ends.get(previous).copied().unwrap_or(0),
            None => 0,
        };
        self.text.get(start..end)
    }
}

impl Lines {
    pub fn from_parts(parts: Vec<LinePart>) -> Self {
        Self { parts }
    }

    /// One line (a page that shows a cut line).
    pub fn single(line: &str) -> Self {
        let mut part = LinePart::with_capacity(1);
        part.buffer().push_str(line);
        part.end_line();
        Self { parts: vec![part] }
    }

    /// Line `number` (0-based), without indentation.
    pub fn get(&self, mut number: usize) -> Option<&str> {
        for part in &self.parts {
            if number < part.ends.len() {
                return part.line(number);
            }
            number -= part.ends.len();
        }
        None
    }

    /// Lines `range`, in order.
    pub fn iter(&self, range: std::ops::Range<usize>) -> impl Iterator<Item = &str> + '_ {
        range.map_while(|number| self.get(number))
    }
}

/// The node lines a page shows: `lines[range]`, each tree line indented two
/// spaces per level of its record (`records[number]`, numbered as the lines).
pub(crate) struct NodeLines<'a> {
    pub lines: &'a Lines,
    pub range: std::ops::Range<usize>,
    /// `None`: the lines are written as they are (other formats, a cut line
    /// that already holds its indentation).
    pub records: Option<&'a [Record<'a>]>,
}

impl NodeLines<'_> {
    /// Each line with the number of spaces it is indented by.
    fn iter(&self) -> impl Iterator<Item = (usize, &str)> + '_ {
        self.lines
            .iter(self.range.clone())
            .zip(self.range.clone())
            .map(|(line, number)| {
                let depth = self
                    .records
                    .and_then(|records| records.get(number))
                    .map_or(0, |record| record.depth as usize);
                (2 * depth, line)
            })
    }
}

/// Renders a node line (tree), object (json) or mapping (yaml), appended to
/// `out`. A tree line is not indented (see [`Lines`]).
pub(crate) fn node(
    format: Format,
    record: &Record<'_>,
    shared: &Shared,
    template: Option<&str>,
    out: &mut String,
) {
    let shown = record
        .props
        .iter()
        .filter(|prop| template.is_none() || is_instance_specific(prop));
    if format == Format::Tree {
        // The common case, written straight into the line: no per-field copies.
        let line = out;
        line.push('[');
        line.push_str(record.type_label);
        line.push(']');
        if let Some(name) = record.name {
            line.push(' ');
            push_tree_value(line, name, true, true);
        }
        line.push_str(" #");
        line.push_str(record.id);
        if let Some(template) = template {
            line.push_str(" t=");
            push_tree_value(line, template, false, false);
        }
        for prop in shown {
            line.push(' ');
            line.push_str(prop.key);
            line.push('=');
            let (text, quoted) = field_text(&prop.value, shared);
            push_tree_value(line, text, quoted, false);
        }
        return;
    }
    let mut fields: Vec<(&str, Field)> = Vec::with_capacity(record.props.len() + 4);
    fields.push(("type", Field::Bare(record.type_label.to_owned())));
    if let Some(name) = record.name {
        fields.push(("name", Field::Text(name.to_owned())));
    }
    fields.push(("id", Field::Bare(record.id.to_owned())));
    if let Some(template) = template {
        fields.push(("t", Field::Bare(template.to_owned())));
    }
    for prop in shown {
        fields.push((prop.key, field(&prop.value, shared)));
    }
    match format {
        Format::Json => out.push_str(&ordered_json(&fields, record.depth)),
        _ => {
            let pairs: Vec<(&str, String)> = std::iter::once(("depth", record.depth.to_string()))
                .chain(
                    fields
                        .iter()
                        .map(|(key, value)| (*key, value.text().to_owned())),
                )
                .collect();
            out.push_str(&serde_saphyr::to_string(&[OrderedMap(&pairs)]).unwrap_or_default());
        }
    }
}

/// A value's text as [`field`] gives it, borrowed, and whether it is free text.
fn field_text<'a>(value: &'a Value, shared: &'a Shared) -> (&'a str, bool) {
    if let Some(key) = shared.key_of(value) {
        return (key, false);
    }
    match value {
        Value::Style { content, .. } => (content, false),
        Value::Plain(text) => (text, false),
        Value::Quoted(text) => (text, true),
    }
}

/// [`tree_value`] appended to `out`.
fn push_tree_value(out: &mut String, text: &str, is_text: bool, is_name: bool) {
    if (is_text && !is_name) || needs_quotes(text) {
        push_quoted(out, text);
    } else {
        out.push_str(text);
    }
}

/// [`quote`] appended to `out`.
fn push_quoted(out: &mut String, text: &str) {
    if text
        .bytes()
        .all(|byte| byte >= 0x20 && byte != b'"' && byte != b'\\')
    {
        out.push('"');
        out.push_str(text);
        out.push('"');
    } else {
        out.push_str(&quote(text));
    }
}

/// JSON object with keys in output order (serde_json's map would sort them).
fn ordered_json(fields: &[(&str, Field)], depth: u32) -> String {
    let mut out = String::from("{");
    let quote = |text: &str| serde_json::to_string(text).unwrap_or_default();
    let _ = write!(out, "\"depth\":{depth}");
    for (key, value) in fields {
        let _ = write!(out, ",{}:{}", quote(key), quote(value.text()));
    }
    out.push('}');
    out
}

enum Field {
    /// Ids, keys, numbers: printed bare in the tree when safe.
    Bare(String),
    /// Names and free text: quoted in the tree.
    Text(String),
}

impl Field {
    fn text(&self) -> &str {
        match self {
            Self::Bare(text) | Self::Text(text) => text,
        }
    }
}

fn field(value: &Value, shared: &Shared) -> Field {
    if let Some(key) = shared.key_of(value) {
        return Field::Bare(key.to_owned());
    }
    match value {
        Value::Style { content, .. } => Field::Bare(content.to_string()),
        Value::Plain(text) => Field::Bare(text.to_string()),
        Value::Quoted(text) => Field::Text(text.to_string()),
    }
}

fn tree_value(value: &Field, is_name: bool) -> String {
    match value {
        Field::Text(text) if !is_name || needs_quotes(text) => quote(text),
        Field::Text(text) => text.clone(),
        Field::Bare(text) if needs_quotes(text) => quote(text),
        Field::Bare(text) => text.clone(),
    }
}

/// A bare tree token must not contain spaces or quotes, nor look like an id or type.
fn needs_quotes(text: &str) -> bool {
    if text.starts_with('{') && text.ends_with('}') {
        // Compact JSON objects (props, refs, defs, vars) delimit themselves.
        return false;
    }
    text.is_empty()
        || text.starts_with(['#', '[', '"'])
        || text
            .chars()
            .any(|c| c.is_whitespace() || c == '"' || c == '=' || c.is_control())
}

fn quote(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}

struct OrderedMap<'a>(&'a [(&'a str, String)]);

impl Serialize for OrderedMap<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

/// One entry of a header section (global var, template, component).
pub(crate) fn entry(format: Format, key: &str, value: &str) -> String {
    match format {
        Format::Tree => {
            let key = if key.contains(':')
                && !key
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == ':' || c == ';' || c == 'I')
                || needs_quotes(key)
            {
                quote(key)
            } else {
                key.to_owned()
            };
            format!("  {key}: {value}")
        }
        Format::Json => format!("{}:{}", quote(key), quote(value)),
        Format::Yaml => {
            let pair = [(key, value.to_owned())];
            let text = serde_saphyr::to_string(&OrderedMap(&pair)).unwrap_or_default();
            // Long values fold over several lines; indent them all under the section.
            text.trim_end()
                .lines()
                .map(|line| format!("  {line}"))
                .collect::<Vec<_>>()
                .join("\n")
        }
    }
}

/// A template's body as one string (its tree line without id and name).
pub(crate) fn template_body(format: Format, body: &(String, Vec<Prop>), shared: &Shared) -> String {
    let record = Record {
        index: 0,
        depth: 0,
        id: "",
        name: None,
        type_label: &body.0,
        props: body.1.clone(),
    };
    match format {
        Format::Tree => {
            let mut line = String::new();
            node(Format::Tree, &record, shared, None, &mut line);
            line.replacen(" #", "", 1).trim_end().to_owned()
        }
        _ => {
            let mut parts = vec![format!("type={}", body.0)];
            for prop in &body.1 {
                let value = field(&prop.value, shared);
                parts.push(format!("{}={}", prop.key, tree_value(&value, false)));
            }
            parts.join(" ")
        }
    }
}

/// Renders a whole page; `None` as soon as it is longer than `limit` bytes
/// (a page over budget is never kept whole: the whole-design page of a huge
/// file is far larger than any budget).
pub(crate) fn page(
    format: Format,
    page: &Page<'_>,
    shared: &Shared,
    limit: usize,
) -> Option<String> {
    let mut out = String::new();
    match format {
        Format::Tree | Format::Yaml => {
            let yaml = format == Format::Yaml;
            let _ = writeln!(
                out,
                "{}: {}",
                if yaml { "name" } else { "NAME" },
                quote(page.name)
            );
            if let Some(note) = page.note {
                let _ = writeln!(
                    out,
                    "{}: {}",
                    if yaml { "note" } else { "NOTE" },
                    quote(note)
                );
            }
            if !page.outline.is_empty() {
                let _ = writeln!(out, "{}:", if yaml { "outline" } else { "OUTLINE" });
                for line in page.outline {
                    if yaml {
                        let _ = writeln!(out, "  - {}", quote(line));
                    } else {
                        let _ = writeln!(out, "  {line}");
                    }
                }
            }
            let section = |out: &mut String, title: &str, lines: Vec<String>| {
                if !lines.is_empty() {
                    let _ = writeln!(out, "{title}:");
                    for line in lines {
                        out.push_str(&line);
                        out.push('\n');
                    }
                }
            };
            let vars = page
                .vars
                .iter()
                .map(|(key, value)| entry(format, key, value))
                .collect();
            section(
                &mut out,
                if yaml { "globalVars" } else { "GLOBAL_VARS" },
                vars,
            );
            let templates = page
                .templates
                .iter()
                .map(|(id, body)| entry(format, id, &template_body(format, body, shared)))
                .collect();
            section(
                &mut out,
                if yaml { "elements" } else { "ELEMENTS" },
                templates,
            );
            let components = page
                .components
                .iter()
                .map(|(id, text)| entry(format, id, text))
                .collect();
            section(
                &mut out,
                if yaml { "components" } else { "COMPONENTS" },
                components,
            );
            let _ = writeln!(out, "{}:", if yaml { "nodes" } else { "NODES" });
            // The node lines are most of the page: one allocation, not a
            // doubling series with two copies alive at each step (and never
            // more than the limit allows).
            let lines_len = page
                .node_lines
                .iter()
                .map(|(indent, line)| indent + line.len() + usize::from(!line.ends_with('\n')))
                .try_fold(0usize, |sum, len| {
                    let sum = sum.saturating_add(len);
                    (out.len().saturating_add(sum) <= limit).then_some(sum)
                })?;
            out.reserve(lines_len);
            for (indent, line) in page.node_lines.iter() {
                push_indent(&mut out, indent);
                out.push_str(line);
                if !line.ends_with('\n') {
                    out.push('\n');
                }
            }
            if let Some(cursor) = page.next_cursor {
                let _ = writeln!(
                    out,
                    "{}: {cursor}",
                    if yaml { "nextCursor" } else { "NEXT_CURSOR" }
                );
            }
        }
        Format::Json => {
            let _ = write!(out, "{{\"name\":{}", quote(page.name));
            if let Some(note) = page.note {
                let _ = write!(out, ",\n\"note\":{}", quote(note));
            }
            if !page.outline.is_empty() {
                let lines: Vec<String> = page.outline.iter().map(|line| quote(line)).collect();
                let _ = write!(out, ",\n\"outline\":[\n{}]", lines.join(",\n"));
            }
            let object = |out: &mut String, title: &str, lines: Vec<String>| {
                if !lines.is_empty() {
                    let _ = write!(out, ",\n\"{title}\":{{\n{}}}", lines.join(",\n"));
                }
            };
            object(
                &mut out,
                "globalVars",
                page.vars
                    .iter()
                    .map(|(key, value)| entry(format, key, value))
                    .collect(),
            );
            object(
                &mut out,
                "elements",
                page.templates
                    .iter()
                    .map(|(id, body)| entry(format, id, &template_body(format, body, shared)))
                    .collect(),
            );
            object(
                &mut out,
                "components",
                page.components
                    .iter()
                    .map(|(id, text)| entry(format, id, text))
                    .collect(),
            );
            out.push_str(",\n\"nodes\":[\n");
            for (number, (_, line)) in page.node_lines.iter().enumerate() {
                if number > 0 {
                    out.push_str(",\n");
                }
                out.push_str(line);
                if out.len() > limit {
                    return None;
                }
            }
            out.push(']');
            if let Some(cursor) = page.next_cursor {
                let _ = write!(out, ",\n\"nextCursor\":{}", quote(cursor));
            }
            out.push_str("}\n");
        }
    }
    (out.len() <= limit).then_some(out)
}

/// `count` spaces.
fn push_indent(out: &mut String, count: usize) {
    const SPACES: &str = "                                                                ";
    let mut left = count;
    while left > 0 {
        let step = left.min(SPACES.len());
        out.push_str(&SPACES[..step]);
        left -= step;
    }
}
