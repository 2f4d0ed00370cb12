//! Confluence storage format (XHTML with `ac:` macros).

use super::doc::{Block, Inline, Item};

pub(crate) fn render(blocks: &[Block]) -> String {
    let mut out = String::new();
    for block in blocks {
        write_block(&mut out, block);
    }
    out
}

fn write_block(out: &mut String, block: &Block) {
    match block {
        Block::Heading { level, content } => {
            out.push_str(&format!("<h{level}>{}</h{level}>", inlines(content)));
        }
        Block::Paragraph(content) => out.push_str(&format!("<p>{}</p>", inlines(content))),
        Block::List { start, items } => write_list(out, *start, items),
        Block::Code { language, text } => {
            out.push_str("<ac:structured-macro ac:name=\"code\">");
            if !language.is_empty() {
                out.push_str(&format!(
                    "<ac:parameter ac:name=\"language\">{}</ac:parameter>",
                    escape(language)
                ));
            }
            out.push_str(&format!(
                "<ac:plain-text-body><![CDATA[{}]]></ac:plain-text-body>",
                strip_controls(text).replace("]]>", "]]]]><![CDATA[>")
            ));
            out.push_str("</ac:structured-macro>");
        }
        Block::Quote(inner) => {
            out.push_str("<blockquote>");
            for block in inner {
                write_block(out, block);
            }
            out.push_str("</blockquote>");
        }
        Block::Rule => out.push_str("<hr />"),
        Block::Table { header, rows } => {
            out.push_str("<table><tbody>");
            if !header.is_empty() {
                out.push_str("<tr>");
                for cell in header {
                    out.push_str(&format!("<th>{}</th>", inlines(cell)));
                }
                out.push_str("</tr>");
            }
            for row in rows {
                out.push_str("<tr>");
                for cell in row {
                    out.push_str(&format!("<td>{}</td>", inlines(cell)));
                }
                out.push_str("</tr>");
            }
            out.push_str("</tbody></table>");
        }
    }
}

fn write_list(out: &mut String, start: Option<u64>, items: &[Item]) {
    if !items.is_empty() && items.iter().all(|i| i.checked.is_some()) {
        out.push_str("<ac:task-list>");
        for item in items {
            let status = if item.checked == Some(true) {
                "complete"
            } else {
                "incomplete"
            };
            out.push_str(&format!(
                "<ac:task><ac:task-status>{status}</ac:task-status><ac:task-body>"
            ));
            for (i, block) in item.blocks.iter().enumerate() {
                if i > 0 {
                    out.push_str("<br />");
                }
                match block {
                    Block::Paragraph(content) => out.push_str(&inlines(content)),
                    other => write_block(out, other),
                }
            }
            out.push_str("</ac:task-body></ac:task>");
        }
        out.push_str("</ac:task-list>");
        return;
    }
    let tag = if start.is_some() { "ol" } else { "ul" };
    match start {
        Some(n) if n != 1 => out.push_str(&format!("<ol start=\"{n}\">")),
        _ => out.push_str(&format!("<{tag}>")),
    }
    for item in items {
        out.push_str("<li>");
        if let Some(done) = item.checked {
            out.push_str(if done { "☑ " } else { "☐ " });
        }
        for block in &item.blocks {
            match block {
                // Tight list items read better without a <p> per line.
                Block::Paragraph(content) if item.blocks.len() == 1 => {
                    out.push_str(&inlines(content))
                }
                other => write_block(out, other),
            }
        }
        out.push_str("</li>");
    }
    out.push_str(&format!("</{tag}>"));
}

fn inlines(content: &[Inline]) -> String {
    let mut out = String::new();
    for inline in content {
        match inline {
            Inline::Break => out.push_str("<br />"),
            Inline::Text { text, marks, link } => {
                let mut piece = escape(text);
                if marks.code {
                    piece = format!("<code>{piece}</code>");
                }
                if marks.strike {
                    piece = format!("<del>{piece}</del>");
                }
                if marks.em {
                    piece = format!("<em>{piece}</em>");
                }
                if marks.strong {
                    piece = format!("<strong>{piece}</strong>");
                }
                if let Some(url) = link {
                    piece = format!("<a href=\"{}\">{piece}</a>", escape(url));
                }
                out.push_str(&piece);
            }
        }
    }
    out
}

/// XML escaping, and dropping characters XML 1.0 forbids (control characters).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

fn strip_controls(text: &str) -> String {
    text.chars()
        .filter(|c| {
            matches!(c, '\t' | '\n' | '\r')
                || (*c as u32 >= 0x20 && *c != '\u{FFFE}' && *c != '\u{FFFF}')
        })
        .collect()
}
