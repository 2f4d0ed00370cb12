//! Jira wiki markup (Jira Server/Data Center and the Cloud v2 API).

use super::doc::{Block, Inline, Item};

pub(crate) fn render(blocks: &[Block]) -> String {
    let mut out = String::new();
    for block in blocks {
        write_block(&mut out, block, "");
    }
    out.trim_end().to_owned() + "\n"
}

fn write_block(out: &mut String, block: &Block, list_prefix: &str) {
    match block {
        Block::Heading { level, content } => {
            out.push_str(&format!("h{level}. {}\n\n", inlines(content)));
        }
        Block::Paragraph(content) => {
            out.push_str(&inlines(content));
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
            let language =
                if language.chars().all(|c| c.is_ascii_alphanumeric()) && !language.is_empty() {
                    format!(":{language}")
                } else {
                    String::new()
                };
            // `{code}` cannot be escaped inside a code block; break the closing tag instead.
            out.push_str(&format!(
                "{{code{language}}}\n{}\n{{code}}\n\n",
                text.replace("{code}", "{ code}")
            ));
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
                    out.push_str(&cell_text(cell));
                    out.push_str("||");
                }
                out.push('\n');
            }
            for row in rows {
                out.push('|');
                for cell in row {
                    out.push_str(&cell_text(cell));
                    out.push('|');
                }
                out.push('\n');
            }
            out.push('\n');
        }
    }
}

fn cell_text(cell: &[Inline]) -> String {
    let text = inlines(cell);
    if text.is_empty() {
        " ".to_owned()
    } else {
        text
    }
}

fn write_item(out: &mut String, item: &Item, prefix: &str) {
    out.push_str(prefix);
    out.push(' ');
    match item.checked {
        Some(true) => out.push_str("(/) "),
        Some(false) => out.push_str("(x) "),
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
                out.push_str(&inlines(content));
            }
            other => {
                if !first {
                    out.push_str(" \\\\ ");
                }
                out.push_str(&escape(&super::doc::Inline::plain(&block_inlines(other))));
            }
        }
        first = false;
    }
    if !out.ends_with('\n') {
        out.push('\n');
    }
}

fn block_inlines(block: &Block) -> Vec<Inline> {
    match block {
        Block::Code { text, .. } => vec![Inline::Text {
            text: text.clone(),
            marks: Default::default(),
            link: None,
        }],
        _ => Vec::new(),
    }
}

fn inlines(content: &[Inline]) -> String {
    let mut out = String::new();
    for inline in content {
        match inline {
            Inline::Break => out.push_str("\\\\\n"),
            Inline::Text { text, marks, link } => {
                let mut piece = if marks.code {
                    format!("{{{{{}}}}}", escape(text))
                } else {
                    escape(text)
                };
                if marks.strike && !marks.code {
                    piece = format!("-{piece}-");
                }
                if marks.em && !marks.code {
                    piece = format!("_{piece}_");
                }
                if marks.strong && !marks.code {
                    piece = format!("*{piece}*");
                }
                if let Some(url) = link {
                    piece = format!("[{piece}|{}]", url.replace(['|', ']', ' '], ""));
                }
                out.push_str(&piece);
            }
        }
    }
    out
}

/// Backslash-escapes wiki markup characters, so design text never turns into markup.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '*' | '_'
                | '{'
                | '}'
                | '['
                | ']'
                | '|'
                | '^'
                | '~'
                | '+'
                | '!'
                | '-'
                | '#'
                | '?'
                | '\\'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
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
        assert!(out.contains("* (x) t"), "{out}");
        assert!(out.contains("# one"), "{out}");
        assert!(out.contains("||h||\n|c|"), "{out}");
        assert!(out.contains("{code:js}\nx\n{code}"), "{out}");
    }

    #[test]
    fn escapes_markup_in_text() {
        assert_eq!(render(&parse("a \\*b\\* {x}")), "a \\*b\\* \\{x\\}\n");
    }
}
