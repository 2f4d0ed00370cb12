//! Atlassian Document Format (Jira Cloud REST v3, Confluence Cloud). Shapes follow
//! `@atlaskit/adf-schema` v1 (validated in tests): list items and quotes hold only paragraphs,
//! lists and code, so headings and tables inside them are flattened to paragraphs.

use serde_json::{Value, json};

use super::doc::{Block, Inline, Item};

pub(crate) fn render(blocks: &[Block]) -> Value {
    let mut ids = 0usize;
    let content: Vec<Value> = blocks.iter().map(|b| block(b, &mut ids)).collect();
    json!({ "version": 1, "type": "doc", "content": content })
}

fn block(block: &Block, ids: &mut usize) -> Value {
    match block {
        Block::Heading { level, content } => {
            json!({ "type": "heading", "attrs": { "level": level }, "content": inlines(content) })
        }
        Block::Paragraph(content) => paragraph(content),
        Block::List { start, items } => list(*start, items, ids),
        Block::Code { language, text } => code(language, text),
        Block::Quote(inner) => {
            let mut content: Vec<Value> = inner.iter().map(|b| nested_block(b, ids)).collect();
            if content.is_empty() {
                content.push(paragraph(&[]));
            }
            json!({ "type": "blockquote", "content": content })
        }
        Block::Rule => json!({ "type": "rule" }),
        Block::Table { header, rows } => {
            let mut table_rows = Vec::new();
            if !header.is_empty() {
                table_rows.push(row("tableHeader", header));
            }
            table_rows.extend(
                rows.iter()
                    .filter(|r| !r.is_empty())
                    .map(|r| row("tableCell", r)),
            );
            if table_rows.is_empty() {
                return paragraph(&[]);
            }
            json!({ "type": "table", "content": table_rows })
        }
    }
}

/// Inside list items and quotes: paragraphs, lists and code stay, everything else becomes a paragraph.
fn nested_block(inner: &Block, ids: &mut usize) -> Value {
    match inner {
        Block::Paragraph(_) | Block::Code { .. } => block(inner, ids),
        Block::List { items, .. } if !items.iter().all(|i| i.checked.is_some()) => {
            block(inner, ids)
        }
        Block::Heading { content, .. } => paragraph(content),
        other => paragraph(&[Inline::Text {
            text: flat_text(other),
            marks: Default::default(),
            link: None,
        }]),
    }
}

fn flat_text(block: &Block) -> String {
    match block {
        Block::Heading { content, .. } | Block::Paragraph(content) => Inline::plain(content),
        Block::Code { text, .. } => text.clone(),
        Block::Quote(inner) => inner.iter().map(flat_text).collect::<Vec<_>>().join(" "),
        Block::List { items, .. } => items
            .iter()
            .flat_map(|i| i.blocks.iter().map(flat_text))
            .collect::<Vec<_>>()
            .join("; "),
        Block::Rule => String::new(),
        Block::Table { header, rows } => std::iter::once(header)
            .chain(rows.iter())
            .map(|r| {
                r.iter()
                    .map(|c| Inline::plain(c))
                    .collect::<Vec<_>>()
                    .join(" | ")
            })
            .collect::<Vec<_>>()
            .join("; "),
    }
}

fn list(start: Option<u64>, items: &[Item], ids: &mut usize) -> Value {
    if items.is_empty() {
        return paragraph(&[]);
    }
    if items.iter().all(|i| i.checked.is_some()) {
        *ids += 1;
        let list_id = format!("task-list-{ids}");
        let tasks: Vec<Value> = items
            .iter()
            .map(|item| {
                *ids += 1;
                let state = if item.checked == Some(true) { "DONE" } else { "TODO" };
                let text: Vec<Inline> = item
                    .blocks
                    .iter()
                    .enumerate()
                    .flat_map(|(i, b)| {
                        let mut parts = Vec::new();
                        if i > 0 {
                            parts.push(Inline::Break);
                        }
                        match b {
                            Block::Paragraph(content) | Block::Heading { content, .. } => parts.extend(content.iter().cloned()),
                            other => parts.push(Inline::Text { text: flat_text(other), marks: Default::default(), link: None }),
                        }
                        parts
                    })
                    .collect();
                json!({ "type": "taskItem", "attrs": { "localId": format!("task-{ids}"), "state": state }, "content": inlines(&text) })
            })
            .collect();
        return json!({ "type": "taskList", "attrs": { "localId": list_id }, "content": tasks });
    }
    let list_items: Vec<Value> = items
        .iter()
        .map(|item| {
            let mut content: Vec<Value> = Vec::new();
            if let Some(done) = item.checked {
                // A task item in a mixed list: keep the state visible as text.
                let mark = if done { "☑ " } else { "☐ " };
                content.push(
                    json!({ "type": "paragraph", "content": [{ "type": "text", "text": mark }] }),
                );
            }
            content.extend(item.blocks.iter().map(|b| nested_block(b, ids)));
            // The schema wants a paragraph first and at least one child.
            if content.first().is_none_or(|c| c["type"] != "paragraph") {
                content.insert(0, paragraph(&[]));
            }
            json!({ "type": "listItem", "content": content })
        })
        .collect();
    match start {
        Some(order) => {
            json!({ "type": "orderedList", "attrs": { "order": order }, "content": list_items })
        }
        None => json!({ "type": "bulletList", "content": list_items }),
    }
}

fn row(cell_type: &str, cells: &[Vec<Inline>]) -> Value {
    let cells: Vec<Value> = cells
        .iter()
        .map(|c| json!({ "type": cell_type, "attrs": {}, "content": [paragraph(c)] }))
        .collect();
    json!({ "type": "tableRow", "content": cells })
}

fn code(language: &str, text: &str) -> Value {
    let mut node = json!({ "type": "codeBlock", "attrs": {} });
    if !language.is_empty() {
        node["attrs"]["language"] = json!(language);
    }
    if !text.is_empty() {
        node["content"] = json!([{ "type": "text", "text": text }]);
    }
    node
}

fn paragraph(content: &[Inline]) -> Value {
    let content = inlines(content);
    if content.is_empty() {
        json!({ "type": "paragraph" })
    } else {
        json!({ "type": "paragraph", "content": content })
    }
}

fn inlines(content: &[Inline]) -> Vec<Value> {
    let mut out = Vec::with_capacity(content.len());
    for inline in content {
        match inline {
            Inline::Break => out.push(json!({ "type": "hardBreak" })),
            Inline::Text { text, marks, link } => {
                if text.is_empty() {
                    continue;
                }
                let mut mark_list = Vec::new();
                // ADF's code mark combines only with link.
                if marks.code {
                    mark_list.push(json!({ "type": "code" }));
                } else {
                    if marks.strong {
                        mark_list.push(json!({ "type": "strong" }));
                    }
                    if marks.em {
                        mark_list.push(json!({ "type": "em" }));
                    }
                    if marks.strike {
                        mark_list.push(json!({ "type": "strike" }));
                    }
                }
                if let Some(href) = link {
                    mark_list.push(json!({ "type": "link", "attrs": { "href": href } }));
                }
                if mark_list.is_empty() {
                    out.push(json!({ "type": "text", "text": text }));
                } else {
                    out.push(json!({ "type": "text", "text": text, "marks": mark_list }));
                }
            }
        }
    }
    out
}
