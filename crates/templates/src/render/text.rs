//! Plain text: readable anywhere, no markup.

use super::doc::{Block, Inline};

pub(crate) fn render(blocks: &[Block]) -> String {
    let mut out = String::new();
    for block in blocks {
        write_block(&mut out, block, 0);
    }
    out.trim_end().to_owned() + "\n"
}

fn write_block(out: &mut String, block: &Block, indent: usize) {
    let pad = " ".repeat(indent);
    match block {
        Block::Heading { level, content } => {
            let text = inlines(content);
            out.push_str(&format!("{pad}{text}\n"));
            if *level <= 2 {
                out.push_str(&format!(
                    "{pad}{}\n",
                    if *level == 1 { "=" } else { "-" }.repeat(text.chars().count().max(3))
                ));
            }
            out.push('\n');
        }
        Block::Paragraph(content) => out.push_str(&format!("{pad}{}\n\n", inlines(content))),
        Block::List { start, items } => {
            for (i, item) in items.iter().enumerate() {
                let marker = match (item.checked, start) {
                    (Some(true), _) => "[x]".to_owned(),
                    (Some(false), _) => "[ ]".to_owned(),
                    (None, Some(n)) => format!("{}.", n + i as u64),
                    (None, None) => "-".to_owned(),
                };
                let mut first = true;
                for inner in &item.blocks {
                    if first {
                        if let Block::Paragraph(content) = inner {
                            out.push_str(&format!("{pad}{marker} {}\n", inlines(content)));
                            first = false;
                            continue;
                        }
                        out.push_str(&format!("{pad}{marker}\n"));
                        first = false;
                    }
                    let mut nested = String::new();
                    write_block(&mut nested, inner, indent + 2);
                    out.push_str(nested.trim_end_matches('\n'));
                    out.push('\n');
                }
            }
            out.push('\n');
        }
        Block::Code { text, .. } => {
            for line in text.lines() {
                out.push_str(&format!("{pad}    {line}\n"));
            }
            out.push('\n');
        }
        Block::Quote(inner) => {
            for block in inner {
                let mut nested = String::new();
                write_block(&mut nested, block, 0);
                for line in nested.lines() {
                    out.push_str(&format!("{pad}| {line}\n"));
                }
            }
            out.push('\n');
        }
        Block::Rule => out.push_str(&format!("{pad}----------\n\n")),
        Block::Table { header, rows } => {
            let row_text = |cells: &[Vec<Inline>]| {
                cells
                    .iter()
                    .map(|c| inlines(c))
                    .collect::<Vec<_>>()
                    .join(" | ")
            };
            if !header.is_empty() {
                out.push_str(&format!("{pad}{}\n", row_text(header)));
            }
            for row in rows {
                out.push_str(&format!("{pad}{}\n", row_text(row)));
            }
            out.push('\n');
        }
    }
}

fn inlines(content: &[Inline]) -> String {
    let mut out = String::new();
    for inline in content {
        match inline {
            Inline::Break => out.push('\n'),
            Inline::Text { text, link, .. } => {
                out.push_str(text);
                if let Some(url) = link
                    && url != text
                {
                    out.push_str(&format!(" ({url})"));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::doc::parse;
    use super::*;

    #[test]
    fn strips_markup() {
        let out = render(&parse(
            "# T\n\n**b** [l](https://x.test)\n\n- [ ] t\n1. o\n",
        ));
        assert_eq!(out, "T\n===\n\nb l (https://x.test)\n\n[ ] t\n\n1. o\n");
    }
}
