//! The design context: a compact, faithful description of a design for
//! coding agents, in `tree`, `yaml` or `json`, within a byte budget.
//!
//! Pipeline: choose nodes ([`select`]) → describe each ([`describe`]) →
//! share repeated styles and bodies ([`dedupe`]) → render and page
//! ([`render`], this module). See docs/design-context.md for the format.

mod dedupe;
mod describe;
mod render;
mod select;
mod values;

use std::collections::BTreeSet;

use sha2::{Digest, Sha256};

pub use render::Format;
pub use select::Omitted;

use crate::fast_hash::FastSet;
use crate::link::normalize_node_id;
use crate::model::{Design, DesignSource, NodeIndex, NodeType};

/// Default budget: about 25k tokens.
pub const DEFAULT_MAX_BYTES: usize = 100_000;
/// Smallest budget accepted: a page must hold its header and a node.
pub const MIN_MAX_BYTES: usize = 1_024;

/// What to render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextOptions {
    /// Render only these nodes (and their subtrees); empty means the whole
    /// design (the pages of a file, or every requested node).
    pub node_ids: Vec<String>,
    /// Levels to show below each root (1 = the roots only).
    pub depth: Option<u32>,
    pub format: Format,
    /// Hard upper bound on the rendered size in bytes.
    pub max_bytes: usize,
    /// A `next_cursor` from a previous call with the same options.
    pub cursor: Option<String>,
}

impl Default for ContextOptions {
    fn default() -> Self {
        Self {
            node_ids: Vec::new(),
            depth: None,
            format: Format::Tree,
            max_bytes: DEFAULT_MAX_BYTES,
            cursor: None,
        }
    }
}

/// One line of the outline: what a node is and how big.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OutlineEntry {
    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub node_type: String,
    pub depth: u32,
    pub width: Option<f64>,
    pub height: Option<f64>,
}

/// A rendered design context (one page of it when over budget).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DesignContext {
    /// The rendered output; never longer than `max_bytes`.
    pub text: String,
    /// `text.len()`.
    pub bytes: usize,
    /// True when this is one page of several.
    pub truncated: bool,
    /// Pass back as `cursor` to get the next page.
    pub next_cursor: Option<String>,
    /// On the first page of a truncated context: the top of the tree.
    pub outline: Vec<OutlineEntry>,
    /// Nodes in the whole context.
    pub total_nodes: usize,
    /// Position of this page's first node in the whole context.
    pub first_node: usize,
    /// Nodes on this page.
    pub page_nodes: usize,
    /// Input nodes left out, by reason.
    pub omitted: Omitted,
}

/// Why a context could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContextError {
    #[error("node `{0}` is not in this design")]
    UnknownNode(String),
    #[error(transparent)]
    InvalidNodeId(#[from] crate::link::LinkError),
    #[error("invalid cursor: {0}")]
    InvalidCursor(String),
    #[error("max_bytes {0} is below the minimum of {MIN_MAX_BYTES}")]
    BudgetTooSmall(usize),
}

/// Builds the design context of `design`.
pub fn design_context(
    design: &Design,
    options: &ContextOptions,
) -> Result<DesignContext, ContextError> {
    if options.max_bytes < MIN_MAX_BYTES {
        return Err(ContextError::BudgetTooSmall(options.max_bytes));
    }
    let roots = resolve_roots(design, &options.node_ids)?;
    let fingerprint = fingerprint(design, &roots, options);
    let start = match &options.cursor {
        Some(cursor) => parse_cursor(cursor, &fingerprint)?,
        None => 0,
    };
    let (chosen, omitted) = select::choose(design, &roots, options.depth);
    let records = describe::describe(design, &chosen);
    if start > records.len() {
        return Err(ContextError::InvalidCursor(
            "it points past the end".to_owned(),
        ));
    }
    let shared = dedupe::deduplicate(&records);
    let format = options.format;
    let numbered: Vec<(&describe::Record<'_>, Option<&str>)> = records
        .iter()
        .zip(&shared.record_template)
        .map(|(record, template)| (record, template.as_deref()))
        .collect();
    let lines = render::Lines::from_parts(map_in_halves(&numbered, |part| {
        let mut lines = render::LinePart::with_capacity(part.len());
        for (record, template) in part {
            render::node(format, record, &shared, *template, lines.buffer());
            lines.end_line();
        }
        lines.shrink();
        vec![lines]
    }));
    let components = component_texts(design, &records);
    let name = design.file.name.as_str();
    let pieces = Pieces {
        format,
        name,
        shared: &shared,
        records: &records,
        lines: &lines,
        components: &components,
    };

    if options.cursor.is_none()
        && let Some(full) = pieces.render(0..records.len(), &[], None, None, options.max_bytes)
    {
        return Ok(DesignContext {
            bytes: full.len(),
            text: full,
            truncated: false,
            next_cursor: None,
            outline: Vec::new(),
            total_nodes: records.len(),
            first_node: 0,
            page_nodes: records.len(),
            omitted,
        });
    }
    let (outline, outline_lines) = if start == 0 {
        outline(design, &records, options.max_bytes / 4)
    } else {
        (Vec::new(), Vec::new())
    };
    let page = pieces.fill_page(start, &outline_lines, options.max_bytes, &fingerprint);
    Ok(DesignContext {
        bytes: page.text.len(),
        text: page.text,
        truncated: true,
        next_cursor: page.next_cursor,
        outline,
        total_nodes: records.len(),
        first_node: start,
        page_nodes: page.end - start,
        omitted,
    })
}

/// Below this many items a second thread costs more than it saves.
const PARALLEL_MIN_ITEMS: usize = 4_096;

/// `map(items)`, computed on two threads for a long slice: `map` of each half,
/// concatenated in order. `map` must depend only on the items it is given.
fn map_in_halves<T: Sync, R: Send>(items: &[T], map: impl Fn(&[T]) -> Vec<R> + Sync) -> Vec<R> {
    // Asking for the CPU count reads cgroup files: only worth it for a long slice.
    if items.len() < PARALLEL_MIN_ITEMS
        || std::thread::available_parallelism().map_or(1, usize::from) < 2
    {
        return map(items);
    }
    let (first, second) = items.split_at(items.len() / 2);
    std::thread::scope(|scope| {
        let second = scope.spawn(|| map(second));
        let mut mapped = map(first);
        match second.join() {
            Ok(rest) => mapped.extend(rest),
            Err(panic) => std::panic::resume_unwind(panic),
        }
        mapped
    })
}

/// The roots to render: requested ids, else the pages of a file, else the
/// response's roots.
fn resolve_roots(design: &Design, node_ids: &[String]) -> Result<Vec<NodeIndex>, ContextError> {
    if node_ids.is_empty() {
        if design.source == Some(DesignSource::File) {
            return Ok(design
                .root_nodes()
                .flat_map(|root| {
                    if root.node_type == NodeType::Document {
                        root.children.clone()
                    } else {
                        vec![root.index]
                    }
                })
                .collect());
        }
        return Ok(design.roots.clone());
    }
    let ids = design.id_index();
    let mut roots = Vec::new();
    for id in node_ids {
        let normalized = normalize_node_id(id)?;
        let index = ids
            .get(normalized.as_str())
            .ok_or(ContextError::UnknownNode(normalized.clone()))?;
        if !roots.contains(index) {
            roots.push(*index);
        }
    }
    Ok(roots)
}

/// Names of the components instances refer to: `Set / Variant` for variants.
fn component_texts(design: &Design, records: &[describe::Record<'_>]) -> Vec<(String, String)> {
    let mut ids = BTreeSet::new();
    for record in records {
        for prop in &record.props {
            if let ("comp", describe::Value::Plain(id)) = (prop.key, &prop.value) {
                ids.insert(id.to_string());
            }
        }
    }
    ids.into_iter()
        .map(|id| {
            let text = match design.components.get(&id) {
                Some(component) => {
                    let set = component
                        .component_set_id
                        .as_ref()
                        .and_then(|set| design.component_sets.get(set));
                    let mut text = match set {
                        Some(set) => format!("{} / {}", set.name, component.name),
                        None => component.name.clone(),
                    };
                    let description = set.map_or(component.description.as_str(), |set| {
                        if component.description.is_empty() {
                            set.description.as_str()
                        } else {
                            &component.description
                        }
                    });
                    if !description.is_empty() {
                        text.push_str(" — ");
                        text.push_str(&description.replace(['\n', '\r'], " "));
                    }
                    text
                }
                None => "(not in this response)".to_owned(),
            };
            (id, text)
        })
        .collect()
}

struct Pieces<'a> {
    format: Format,
    name: &'a str,
    shared: &'a dedupe::Shared,
    records: &'a [describe::Record<'a>],
    lines: &'a render::Lines,
    components: &'a [(String, String)],
}

/// What a page lists besides its node lines.
#[derive(Debug, PartialEq)]
struct Used<'a> {
    vars: Vec<(&'a str, &'a str)>,
    templates: Vec<(&'a str, &'a dedupe::Body)>,
    components: Vec<(&'a str, String)>,
}

struct FilledPage {
    text: String,
    end: usize,
    next_cursor: Option<String>,
}

impl Pieces<'_> {
    /// Renders the nodes in `range` with exactly the shared entries they use;
    /// `None` once the page is longer than `limit`.
    fn render(
        &self,
        range: std::ops::Range<usize>,
        outline: &[String],
        next_cursor: Option<&str>,
        note: Option<&str>,
        limit: usize,
    ) -> Option<String> {
        let lines = render::NodeLines {
            lines: self.lines,
            range: range.clone(),
            // Tree lines are indented as they are written.
            records: (self.format == Format::Tree).then_some(self.records),
        };
        self.render_lines(range, lines, outline, next_cursor, note, limit)
    }

    fn render_lines(
        &self,
        range: std::ops::Range<usize>,
        lines: render::NodeLines<'_>,
        outline: &[String],
        next_cursor: Option<&str>,
        note: Option<&str>,
        limit: usize,
    ) -> Option<String> {
        let used = self.used(range);
        let page = render::Page {
            name: self.name,
            outline,
            vars: used.vars,
            templates: used.templates,
            components: used.components,
            node_lines: lines,
            next_cursor,
            note,
        };
        render::page(self.format, &page, self.shared, limit)
    }

    /// The shared entries (global vars, templates, components) the nodes in `range` refer to.
    fn used(&self, range: std::ops::Range<usize>) -> Used<'_> {
        if range.start == 0 && range.end >= self.records.len() {
            // Every shared entry exists because some node line refers to it (directly or
            // through a template), so the whole design uses all of them: no need to look.
            // (`the_whole_design_uses_every_shared_entry` checks this against `scan_used`.)
            return Used {
                vars: self
                    .shared
                    .vars
                    .iter()
                    .map(|(key, value)| (key.as_str(), value.as_str()))
                    .collect(),
                templates: self
                    .shared
                    .templates
                    .iter()
                    .map(|(id, body)| (id.as_str(), body))
                    .collect(),
                components: self
                    .components
                    .iter()
                    .map(|(id, text)| (id.as_str(), text.clone()))
                    .collect(),
            };
        }
        self.scan_used(range)
    }

    /// [`Self::used`] by looking at every record in `range`.
    fn scan_used(&self, range: std::ops::Range<usize>) -> Used<'_> {
        let mut vars = BTreeSet::new();
        let mut templates = BTreeSet::new();
        let mut components = FastSet::default();
        for number in range {
            let Some(record) = self.records.get(number) else {
                continue;
            };
            templates.extend(self.shared.references(number, record, &mut vars));
            for prop in &record.props {
                if let ("comp", describe::Value::Plain(id)) = (prop.key, &prop.value) {
                    components.insert(id.as_str());
                }
            }
        }
        Used {
            vars: vars
                .into_iter()
                .filter_map(|key| {
                    self.shared
                        .vars
                        .get_key_value(key)
                        .map(|(k, v)| (k.as_str(), v.as_str()))
                })
                .collect(),
            templates: templates
                .into_iter()
                .filter_map(|id| {
                    self.shared
                        .templates
                        .get_key_value(id)
                        .map(|(k, v)| (k.as_str(), v))
                })
                .collect(),
            components: self
                .components
                .iter()
                .filter(|(id, _)| components.contains(id.as_str()))
                .map(|(id, text)| (id.as_str(), text.clone()))
                .collect(),
        }
    }

    /// The largest page starting at `start` that fits `max_bytes`.
    fn fill_page(
        &self,
        start: usize,
        outline: &[String],
        max_bytes: usize,
        fingerprint: &str,
    ) -> FilledPage {
        let total = self.records.len();
        let note_for = |end: usize| {
            format!(
                "over budget: nodes {}-{} of {total} on this page; pass NEXT_CURSOR as cursor for the rest",
                start + 1,
                end
            )
        };
        let cursor_for = |end: usize| (end < total).then(|| format!("v1.{end}.{fingerprint}"));
        // Grow by doubling then bisect: each probe renders the page exactly,
        // up to the budget.
        let fits = |end: usize| {
            let cursor = cursor_for(end);
            self.render(
                start..end,
                outline,
                cursor.as_deref(),
                Some(&note_for(end)),
                max_bytes,
            )
            .is_some()
        };
        let mut good = start;
        let mut step = 1;
        while good < total {
            let probe = (good + step).min(total);
            if fits(probe) {
                good = probe;
                step *= 2;
            } else if step == 1 {
                break;
            } else {
                step = 1.max(step / 4);
            }
        }
        if good > start {
            let cursor = cursor_for(good);
            let text = self
                .render(
                    start..good,
                    outline,
                    cursor.as_deref(),
                    Some(&note_for(good)),
                    usize::MAX,
                )
                .unwrap_or_default();
            return FilledPage {
                text,
                end: good,
                next_cursor: cursor,
            };
        }
        // Not even one node fits with the outline: drop the outline, then cut the line.
        let end = (start + 1).min(total);
        let cursor = cursor_for(end);
        let note = note_for(end);
        let as_is = |lines| render::NodeLines {
            lines,
            range: 0..1,
            records: None,
        };
        let empty = render::Lines::single("");
        let empty = self
            .render_lines(
                start..end,
                as_is(&empty),
                &[],
                cursor.as_deref(),
                Some(&note),
                usize::MAX,
            )
            .unwrap_or_default();
        let room = max_bytes.saturating_sub(empty.len()).saturating_sub(32);
        let line = self
            .lines
            .get(start)
            .map(|line| {
                // The line as the page shows it (indented, for a tree), then cut.
                let depth = self.records.get(start).map_or(0, |record| record.depth);
                let mut shown = String::new();
                if self.format == Format::Tree {
                    shown.push_str(&"  ".repeat(depth as usize));
                }
                shown.push_str(line);
                cut(&shown, room)
            })
            .unwrap_or_default();
        let line = render::Lines::single(&line);
        let mut text = self
            .render_lines(
                start..end,
                as_is(&line),
                &[],
                cursor.as_deref(),
                Some(&note),
                usize::MAX,
            )
            .unwrap_or_default();
        if text.len() > max_bytes {
            text = cut(&text, max_bytes.saturating_sub(4));
        }
        FilledPage {
            text,
            end,
            next_cursor: cursor,
        }
    }
}

/// Cuts text to at most `max` bytes at a character boundary, marking the cut.
fn cut(text: &str, max: usize) -> String {
    const MARK: &str = " …[cut]";
    if text.len() <= max {
        return text.to_owned();
    }
    let mut end = max.saturating_sub(MARK.len());
    while end > 0 && !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{MARK}", &text[..end])
}

/// The top levels of the tree (ids, names, types, sizes) within `budget` bytes.
fn outline(
    design: &Design,
    records: &[describe::Record<'_>],
    budget: usize,
) -> (Vec<OutlineEntry>, Vec<String>) {
    let line_of = |record: &describe::Record<'_>| {
        let node = design.node(record.index);
        let size = node
            .and_then(|node| node.size())
            .map(|(width, height)| format!(" {}x{}", values::num(width), values::num(height)))
            .unwrap_or_default();
        let name = node.map(|node| node.name.as_str()).unwrap_or_default();
        format!(
            "{}[{}] {} #{}{size}",
            "  ".repeat(record.depth as usize),
            record.type_label,
            serde_json::to_string(name).unwrap_or_default(),
            record.id
        )
    };
    // A line's size is its indentation (two bytes a level) plus the rest: sizing
    // every line by building it would cost the square of the depth.
    let unindented_len = |record: &describe::Record<'_>| {
        let node = design.node(record.index);
        let size = node
            .and_then(|node| node.size())
            .map_or(0, |(width, height)| {
                2 + values::num(width).len() + values::num(height).len()
            });
        let name = node.map(|node| node.name.as_str()).unwrap_or_default();
        let name_len = serde_json::to_string(name).map_or(0, |quoted| quoted.len());
        record.type_label.len() + name_len + record.id.len() + size + 5
    };
    let max_depth = records.iter().map(|record| record.depth).max().unwrap_or(0);
    let mut used = 0usize;
    let mut chosen_depth = None;
    let mut sizes = vec![0usize; max_depth as usize + 1];
    for record in records {
        if let Some(size) = sizes.get_mut(record.depth as usize) {
            *size += 2 * record.depth as usize + unindented_len(record) + 3;
        }
    }
    for (depth, size) in sizes.iter().enumerate() {
        if used + size > budget {
            break;
        }
        used += size;
        chosen_depth = Some(depth as u32);
    }
    let Some(limit) = chosen_depth else {
        return (Vec::new(), Vec::new());
    };
    let mut entries = Vec::new();
    let mut lines = Vec::new();
    for record in records.iter().filter(|record| record.depth <= limit) {
        let node = design.node(record.index);
        entries.push(OutlineEntry {
            id: record.id.to_owned(),
            name: node.map(|node| node.name.clone()).unwrap_or_default(),
            node_type: record.type_label.to_owned(),
            depth: record.depth,
            width: node.and_then(|node| node.size()).map(|size| size.0),
            height: node.and_then(|node| node.size()).map(|size| size.1),
        });
        lines.push(line_of(record));
    }
    (entries, lines)
}

fn fingerprint(design: &Design, roots: &[NodeIndex], options: &ContextOptions) -> String {
    let mut hasher = Sha256::new();
    hasher.update(design.nodes.len().to_le_bytes());
    for root in roots {
        if let Some(node) = design.node(*root) {
            hasher.update(node.id.as_bytes());
            hasher.update([0]);
        }
    }
    if let Some(last) = design.nodes.last() {
        hasher.update(last.id.as_bytes());
    }
    hasher.update(
        design
            .file
            .version
            .as_deref()
            .unwrap_or_default()
            .as_bytes(),
    );
    hasher.update(
        format!(
            "{:?}|{:?}|{}",
            options.depth, options.format, options.max_bytes
        )
        .as_bytes(),
    );
    hex::encode(&hasher.finalize()[..6])
}

fn parse_cursor(cursor: &str, fingerprint: &str) -> Result<usize, ContextError> {
    let invalid = |why: &str| ContextError::InvalidCursor(why.to_owned());
    let mut parts = cursor.trim().split('.');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some("v1"), Some(position), Some(print), None) => {
            if print != fingerprint {
                return Err(invalid("it belongs to another design or other options"));
            }
            position.parse().map_err(|_| invalid("malformed position"))
        }
        _ => Err(invalid("not a cursor from this server")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_whole_design_uses_every_shared_entry() {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/figma");
        let (mut checked, mut with_vars_and_templates) = (0, 0);
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.extension().is_none_or(|ext| ext != "json") {
                continue;
            }
            let bytes = std::fs::read(&path).unwrap_or_default();
            let Ok(design) = crate::parse_design(&bytes) else {
                panic!("{} does not parse", path.display());
            };
            let roots = resolve_roots(&design, &[]).unwrap_or_default();
            for depth in [None, Some(2)] {
                let (chosen, _) = select::choose(&design, &roots, depth);
                let records = describe::describe(&design, &chosen);
                let shared = dedupe::deduplicate(&records);
                let components = component_texts(&design, &records);
                let pieces = Pieces {
                    format: Format::Tree,
                    name: "",
                    shared: &shared,
                    records: &records,
                    lines: &render::Lines::default(),
                    components: &components,
                };
                let all = 0..records.len();
                let used = pieces.used(all.clone());
                assert_eq!(used, pieces.scan_used(all), "{}", path.display());
                with_vars_and_templates +=
                    usize::from(!used.vars.is_empty() && !used.templates.is_empty());
            }
            checked += 1;
        }
        assert!(checked >= 8, "only {checked} fixtures in {}", dir.display());
        assert!(
            with_vars_and_templates >= 8,
            "only {with_vars_and_templates} contexts share anything"
        );
    }

    #[test]
    fn map_in_halves_keeps_order_on_one_thread_or_two() {
        for len in [
            0,
            1,
            PARALLEL_MIN_ITEMS - 1,
            PARALLEL_MIN_ITEMS,
            3 * PARALLEL_MIN_ITEMS + 1,
        ] {
            let items: Vec<usize> = (0..len).collect();
            let doubled = map_in_halves(&items, |part| part.iter().map(|n| n * 2).collect());
            assert_eq!(
                doubled,
                items.iter().map(|n| n * 2).collect::<Vec<_>>(),
                "{len}"
            );
        }
    }
}
