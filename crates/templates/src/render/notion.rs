//! Notion block objects (the `children` array of a page or block). Notion caps a rich-text
//! object at 2000 characters and nesting at two levels per request, so long text is split and
//! deeper lists are flattened.

use serde_json::{Value, json};

use super::doc::{Block, Inline, Item, Marks};

const MAX_TEXT: usize = 2000;
const MAX_DEPTH: usize = 2;

/// Languages Notion's code block accepts (subset); anything else is "plain text".
const LANGUAGES: &[&str] = &[
    "bash",
    "c",
    "c#",
    "c++",
    "css",
    "dart",
    "diff",
    "docker",
    "go",
    "graphql",
    "html",
    "java",
    "javascript",
    "json",
    "kotlin",
    "markdown",
    "python",
    "ruby",
    "rust",
    "scss",
    "shell",
    "sql",
    "swift",
    "typescript",
    "xml",
    "yaml",
];

pub(crate) fn render(blocks: &[Block]) -> Value {
    Value::Array(blocks.iter().flat_map(|b| block(b, 0)).collect())
}

fn block(block: &Block, depth: usize) -> Vec<Value> {
    match block {
        Block::Heading { level, content } => {
            let kind = match level {
                1 => "heading_1",
                2 => "heading_2",
                _ => "heading_3",
            };
            vec![simple(kind, content)]
        }
        Block::Paragraph(content) => vec![simple("paragraph", content)],
        Block::List { start, items } => items
            .iter()
            .map(|item| list_item(item, start.is_some(), depth))
            .collect(),
        Block::Code { language, text } => {
            let language = normalise_language(language);
            vec![
                json!({ "object": "block", "type": "code", "code": { "rich_text": rich_text(&[Inline::Text { text: text.clone(), marks: Marks::default(), link: None }]), "language": language } }),
            ]
        }
        Block::Quote(inner) => {
            let text: Vec<Inline> = inner
                .iter()
                .enumerate()
                .flat_map(|(i, b)| {
                    let mut parts = if i > 0 {
                        vec![Inline::Break]
                    } else {
                        Vec::new()
                    };
                    parts.extend(block_inlines(b));
                    parts
                })
                .collect();
            vec![simple("quote", &text)]
        }
        Block::Rule => vec![json!({ "object": "block", "type": "divider", "divider": {} })],
        Block::Table { header, rows } => {
            let width = header
                .len()
                .max(rows.iter().map(Vec::len).max().unwrap_or(0))
                .max(1);
            let to_row = |cells: &[Vec<Inline>]| {
                let mut cells: Vec<Value> =
                    cells.iter().map(|c| Value::Array(rich_text(c))).collect();
                cells.resize(width, Value::Array(Vec::new()));
                json!({ "object": "block", "type": "table_row", "table_row": { "cells": cells } })
            };
            let mut children = Vec::new();
            if !header.is_empty() {
                children.push(to_row(header));
            }
            children.extend(rows.iter().map(|r| to_row(r)));
            vec![
                json!({ "object": "block", "type": "table", "table": { "table_width": width, "has_column_header": !header.is_empty(), "has_row_header": false, "children": children } }),
            ]
        }
    }
}

fn list_item(item: &Item, ordered: bool, depth: usize) -> Value {
    let kind = match (item.checked, ordered) {
        (Some(_), _) => "to_do",
        (None, true) => "numbered_list_item",
        (None, false) => "bulleted_list_item",
    };
    let mut text: Vec<Inline> = Vec::new();
    let mut children: Vec<Value> = Vec::new();
    for (i, inner) in item.blocks.iter().enumerate() {
        match inner {
            Block::Paragraph(content) if i == 0 => text.extend(content.iter().cloned()),
            Block::List { .. } if depth + 1 < MAX_DEPTH => children.extend(block(inner, depth + 1)),
            other => {
                if i > 0 {
                    text.push(Inline::Break);
                }
                text.extend(block_inlines(other));
            }
        }
    }
    let mut body = json!({ "rich_text": rich_text(&text) });
    if let Some(done) = item.checked {
        body["checked"] = json!(done);
    }
    if !children.is_empty() {
        body["children"] = Value::Array(children);
    }
    json!({ "object": "block", "type": kind, kind: body })
}

fn simple(kind: &str, content: &[Inline]) -> Value {
    json!({ "object": "block", "type": kind, kind: { "rich_text": rich_text(content) } })
}

/// Text of a block that Notion cannot nest here.
fn block_inlines(block: &Block) -> Vec<Inline> {
    match block {
        Block::Heading { content, .. } | Block::Paragraph(content) => content.clone(),
        Block::Code { text, .. } => vec![Inline::Text {
            text: text.clone(),
            marks: Marks {
                code: true,
                ..Marks::default()
            },
            link: None,
        }],
        Block::List { items, .. } => items
            .iter()
            .enumerate()
            .flat_map(|(i, item)| {
                let mut parts = if i > 0 {
                    vec![Inline::Break]
                } else {
                    Vec::new()
                };
                parts.push(Inline::Text {
                    text: "• ".into(),
                    marks: Marks::default(),
                    link: None,
                });
                for b in &item.blocks {
                    parts.extend(block_inlines(b));
                }
                parts
            })
            .collect(),
        Block::Quote(inner) => inner.iter().flat_map(block_inlines).collect(),
        Block::Rule => Vec::new(),
        Block::Table { header, rows } => std::iter::once(header)
            .chain(rows.iter())
            .enumerate()
            .flat_map(|(i, row)| {
                let mut parts = if i > 0 {
                    vec![Inline::Break]
                } else {
                    Vec::new()
                };
                let line = row
                    .iter()
                    .map(|c| Inline::plain(c))
                    .collect::<Vec<_>>()
                    .join(" | ");
                parts.push(Inline::Text {
                    text: line,
                    marks: Marks::default(),
                    link: None,
                });
                parts
            })
            .collect(),
    }
}

fn rich_text(content: &[Inline]) -> Vec<Value> {
    let mut out = Vec::new();
    for inline in content {
        let (text, marks, link) = match inline {
            Inline::Break => ("\n", Marks::default(), None),
            Inline::Text { text, marks, link } => (text.as_str(), *marks, link.as_deref()),
        };
        // Notion only accepts absolute http(s) links.
        let link = link.filter(|l| l.starts_with("https://") || l.starts_with("http://"));
        for chunk in chunks(text, MAX_TEXT) {
            let link_value = link.map_or(Value::Null, |url| json!({ "url": url }));
            out.push(json!({
                "type": "text",
                "text": { "content": chunk, "link": link_value },
                "annotations": {
                    "bold": marks.strong, "italic": marks.em, "strikethrough": marks.strike,
                    "underline": false, "code": marks.code, "color": "default"
                }
            }));
        }
    }
    out
}

/// Splits on character boundaries into pieces of at most `max` characters.
fn chunks(text: &str, max: usize) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut rest = text;
    while rest.chars().count() > max {
        let cut = rest.char_indices().nth(max).map_or(rest.len(), |(i, _)| i);
        pieces.push(&rest[..cut]);
        rest = &rest[cut..];
    }
    if !rest.is_empty() {
        pieces.push(rest);
    }
    pieces
}

fn normalise_language(language: &str) -> &'static str {
    let lower = language.to_ascii_lowercase();
    let mapped = match lower.as_str() {
        "js" | "jsx" => "javascript",
        "ts" | "tsx" => "typescript",
        "sh" | "zsh" => "shell",
        "yml" => "yaml",
        "md" => "markdown",
        "kt" => "kotlin",
        "py" => "python",
        "rs" => "rust",
        "htl" | "vue" | "svelte" => "html",
        other => other,
    };
    LANGUAGES
        .iter()
        .copied()
        .find(|l| *l == mapped)
        .unwrap_or("plain text")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_split_at_the_limit() {
        let text = "é".repeat(4500);
        let parts = chunks(&text, MAX_TEXT);
        assert_eq!(
            parts.iter().map(|p| p.chars().count()).collect::<Vec<_>>(),
            vec![2000, 2000, 500]
        );
    }

    #[test]
    fn languages_are_normalised() {
        assert_eq!(normalise_language("tsx"), "typescript");
        assert_eq!(normalise_language("cobol"), "plain text");
    }
}
