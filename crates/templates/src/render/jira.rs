//! Jira wiki markup (Jira Server/Data Center and the Cloud v2 API).

use super::doc::{Block, Inline, Item};

use std::fmt::Write as _;

// Everything is written straight into one output string: a ticket's description has a few
// hundred inline spans, and a `String` per span, per mark, per paragraph and per cell (each then
// copied into the output) is an allocation and a copy the output does not need.

pub(crate) fn render(blocks: &[Block]) -> String {
    let mut out = String::new();
    for block in blocks {
        write_block(&mut out, block, "");
    }
    let len = out.trim_end().len();
    out.truncate(len);
    out.push('\n');
    out
}

fn write_block(out: &mut String, block: &Block, list_prefix: &str) {
    match block {
        Block::Heading { level, content } => {
            let _ = write!(out, "h{level}. ");
            write_inlines(out, content);
            out.push_str("\n\n");
        }
        Block::Paragraph(content) => {
            write_inlines(out, content);
            out.push_str("\n\n");
        }
        Block::List { start, items } => {
            let marker = if start.is_some() { "#" } else { "*" };
            let prefix = format!("{list_prefix}{marker}");
            for item in items {
                write_item(out, item, &prefix);
            }
            if list_prefix.is_empty() {
                out.push('\n');
            }
        }
        Block::Code { language, text } => {
            out.push_str("{code");
            if language.chars().all(|c| c.is_ascii_alphanumeric()) && !language.is_empty() {
                out.push(':');
                out.push_str(language);
            }
            out.push_str("}\n");
            // `{code}` cannot be escaped inside a code block; break the closing tag instead.
            out.push_str(&text.replace("{code}", "{ code}"));
            out.push_str("\n{code}\n\n");
        }
        Block::Quote(inner) => {
            out.push_str("{quote}\n");
            for block in inner {
                write_block(out, block, "");
            }
            out.push_str("{quote}\n\n");
        }
        Block::Rule => out.push_str("----\n\n"),
        Block::Table { header, rows } => {
            if !header.is_empty() {
                out.push_str("||");
                for cell in header {
                    write_cell(out, cell);
                    out.push_str("||");
                }
                out.push('\n');
            }
            for row in rows {
                out.push('|');
                for cell in row {
                    write_cell(out, cell);
                    out.push('|');
                }
                out.push('\n');
            }
            out.push('\n');
        }
    }
}

/// A table cell; an empty one is a space, since `||` would end the cell early.
fn write_cell(out: &mut String, cell: &[Inline]) {
    let start = out.len();
    write_inlines(out, cell);
    if out.len() == start {
        out.push(' ');
    }
}

fn write_item(out: &mut String, item: &Item, prefix: &str) {
    out.push_str(prefix);
    out.push(' ');
    match item.checked {
        Some(true) => out.push_str("(/) "),
        // Jira wiki has no checkbox; `(x)` is its red error icon, which reads as "failed".
        Some(false) => out.push_str("☐ "),
        None => {}
    }
    let mut first = true;
    for block in &item.blocks {
        match block {
            Block::List { .. } => {
                if !out.ends_with('\n') {
                    out.push('\n');
                }
                write_block(out, block, prefix);
                first = false;
                continue;
            }
            Block::Paragraph(content) | Block::Heading { content, .. } => {
                if !first {
                    out.push_str(" \\\\ ");
                }
                write_inlines(out, content);
            }
            other => {
                if !first {
                    out.push_str(" \\\\ ");
                }
                // Other blocks inside an item are flattened to text; only a code block has any.
                if let Block::Code { text, .. } = other {
                    write_escaped(out, text);
                }
            }
        }
        first = false;
    }
    if !out.ends_with('\n') {
        out.push('\n');
    }
}

fn write_inlines(out: &mut String, content: &[Inline]) {
    for inline in content {
        match inline {
            Inline::Break => out.push_str("\\\\\n"),
            Inline::Text { text, marks, link } => {
                // Outermost first: `[*_-text-_*|url]`; a code span takes no other marks.
                let styled = !marks.code;
                if link.is_some() {
                    out.push('[');
                }
                if marks.strong && styled {
                    out.push('*');
                }
                if marks.em && styled {
                    out.push('_');
                }
                if marks.strike && styled {
                    out.push('-');
                }
                if marks.code {
                    out.push_str("{{");
                    write_escaped(out, text);
                    out.push_str("}}");
                } else {
                    write_escaped(out, text);
                }
                if marks.strike && styled {
                    out.push('-');
                }
                if marks.em && styled {
                    out.push('_');
                }
                if marks.strong && styled {
                    out.push('*');
                }
                if let Some(url) = link {
                    out.push('|');
                    out.extend(url.chars().filter(|c| !matches!(c, '|' | ']' | ' ')));
                    out.push(']');
                }
            }
        }
    }
}

/// Backslash-escapes wiki markup characters, so design text never turns into markup.
fn write_escaped(out: &mut String, text: &str) {
    // Every special character is ASCII, so the text between two of them is copied as one slice.
    let mut from = 0;
    for (at, byte) in text.bytes().enumerate() {
        if matches!(
            byte,
            b'*' | b'_'
                | b'{'
                | b'}'
                | b'['
                | b']'
                | b'|'
                | b'^'
                | b'~'
                | b'+'
                | b'!'
                | b'-'
                | b'#'
                | b'?'
                | b'\\'
        ) {
            out.push_str(&text[from..at]);
            out.push('\\');
            from = at;
        }
    }
    out.push_str(&text[from..]);
}

#[cfg(test)]
mod tests {
    use super::super::doc::parse;
    use super::*;

    #[test]
    fn renders_wiki_markup() {
        let out = render(&parse(
            "## Head\n\n**b** _e_ `c` [l](https://x.test)\n\n- a\n  - b\n- [ ] t\n\n1. one\n\n| h |\n|---|\n| c |\n\n```js\nx\n```\n",
        ));
        assert!(out.contains("h2. Head"), "{out}");
        assert!(out.contains("*b* _e_ {{c}} [l|https://x.test]"), "{out}");
        assert!(out.contains("* a\n** b\n"), "{out}");
        assert!(out.contains("* ☐ t"), "{out}");
        assert!(!out.contains("(x)"), "{out}");
        assert!(out.contains("# one"), "{out}");
        assert!(out.contains("||h||\n|c|"), "{out}");
        assert!(out.contains("{code:js}\nx\n{code}"), "{out}");
    }

    #[test]
    fn marks_links_breaks_and_cells() {
        // Marks nest outermost-first inside a link; a code span takes no other mark; the link
        // target loses `|`, `]` and spaces.
        assert_eq!(
            render(&parse("**_~~s~~_** [**b**](https://x.test/a|b) **`c*`**")),
            "*_-s-_* [*b*|https://x.test/ab] {{c\\*}}\n"
        );
        assert_eq!(render(&parse("a  \nb")), "a\\\\\nb\n");
        // An empty cell is a space, so `||` never closes it early.
        assert_eq!(
            render(&parse("| a | |\n|---|---|\n| | b |\n")),
            "||a|| ||\n| |b|\n"
        );
        // A code block inside an item is flattened to escaped text after ` \\ `.
        assert_eq!(
            render(&parse("- item\n\n  ```\n  x*\n  ```\n")),
            "* item \\\\ x\\*\n"
        );
    }

    #[test]
    fn escapes_markup_in_text() {
        assert_eq!(render(&parse("a \\*b\\* {x}")), "a \\*b\\* \\{x\\}\n");
    }
}
