//! CommonMark (what templates write) parsed into a small block tree that every non-Markdown
//! renderer walks. Parsing is pulldown-cmark's; this only reshapes its events.

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Block {
    Heading {
        level: u8,
        content: Vec<Inline>,
    },
    Paragraph(Vec<Inline>),
    List {
        start: Option<u64>,
        items: Vec<Item>,
    },
    Code {
        language: String,
        text: String,
    },
    Quote(Vec<Block>),
    Rule,
    Table {
        header: Vec<Vec<Inline>>,
        rows: Vec<Vec<Vec<Inline>>>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Item {
    /// `Some` for a task-list item.
    pub checked: Option<bool>,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Marks {
    pub strong: bool,
    pub em: bool,
    pub code: bool,
    pub strike: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Inline {
    Text {
        text: String,
        marks: Marks,
        link: Option<String>,
    },
    Break,
}

impl Inline {
    pub fn plain(inlines: &[Inline]) -> String {
        let mut out = String::new();
        for inline in inlines {
            match inline {
                Inline::Text { text, .. } => out.push_str(text),
                Inline::Break => out.push('\n'),
            }
        }
        out
    }
}

enum Frame {
    Blocks(Vec<Block>),
    Quote(Vec<Block>),
    Inlines(Vec<Inline>),
    Heading(u8, Vec<Inline>),
    Code(String, String),
    List(Option<u64>, Vec<Item>),
    Item(Option<bool>, Vec<Block>),
    Table(Vec<Vec<Inline>>, Vec<Vec<Vec<Inline>>>),
    Row(Vec<Vec<Inline>>),
    Cell(Vec<Inline>),
}

/// Deeper quotes/lists are flattened into their parent, so renderers never recurse far.
const MAX_CONTAINER_DEPTH: usize = 24;

struct Builder {
    stack: Vec<Frame>,
    marks: Marks,
    links: Vec<String>,
    /// Containers opened beyond the depth limit and not pushed.
    skipped: usize,
}

fn is_container(frame: &Frame) -> bool {
    matches!(frame, Frame::Quote(_) | Frame::List(..) | Frame::Item(..))
}

impl Builder {
    fn push_inline(&mut self, inline: Inline) {
        match self.stack.last_mut() {
            Some(Frame::Inlines(v) | Frame::Heading(_, v) | Frame::Cell(v)) => v.push(inline),
            Some(Frame::Item(_, blocks) | Frame::Blocks(blocks) | Frame::Quote(blocks)) => {
                if let Some(Block::Paragraph(v)) = blocks.last_mut() {
                    v.push(inline);
                } else {
                    blocks.push(Block::Paragraph(vec![inline]));
                }
            }
            _ => {}
        }
    }

    fn push_text(&mut self, text: &str, code: bool) {
        if text.is_empty() {
            return;
        }
        if let Some(Frame::Code(_, body)) = self.stack.last_mut() {
            body.push_str(text);
            return;
        }
        let mut marks = self.marks;
        marks.code |= code;
        // Merge with the previous span when nothing differs, so renderers see whole phrases.
        // The link is compared in place and only copied for a new span.
        let link = self.links.last();
        if let Some(Frame::Inlines(v) | Frame::Heading(_, v) | Frame::Cell(v)) =
            self.stack.last_mut()
            && let Some(Inline::Text {
                text: prev,
                marks: m,
                link: l,
            }) = v.last_mut()
            && *m == marks
            && l.as_ref() == link
        {
            prev.push_str(text);
            return;
        }
        let link = link.cloned();
        self.push_inline(Inline::Text {
            text: text.to_owned(),
            marks,
            link,
        });
    }

    fn push_block(&mut self, block: Block) {
        match self.stack.last_mut() {
            Some(Frame::Blocks(v) | Frame::Quote(v) | Frame::Item(_, v)) => v.push(block),
            // A block inside an inline container (rare, e.g. a table in odd input): keep its text.
            Some(Frame::Inlines(v) | Frame::Heading(_, v) | Frame::Cell(v)) => {
                v.push(Inline::Text {
                    text: block_text(&block),
                    marks: Marks::default(),
                    link: None,
                });
            }
            _ => {}
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        if matches!(tag, Tag::BlockQuote(_) | Tag::List(_) | Tag::Item) {
            let depth = self.stack.iter().filter(|f| is_container(f)).count();
            if depth >= MAX_CONTAINER_DEPTH || self.skipped > 0 {
                self.skipped += 1;
                return;
            }
        }
        match tag {
            Tag::Paragraph => self.stack.push(Frame::Inlines(Vec::new())),
            Tag::Heading { level, .. } => self
                .stack
                .push(Frame::Heading(heading_level(level), Vec::new())),
            Tag::BlockQuote(_) => self.stack.push(Frame::Quote(Vec::new())),
            Tag::CodeBlock(kind) => {
                let language = match kind {
                    CodeBlockKind::Fenced(info) => info
                        .split_whitespace()
                        .next()
                        .unwrap_or_default()
                        .to_owned(),
                    CodeBlockKind::Indented => String::new(),
                };
                self.stack.push(Frame::Code(language, String::new()));
            }
            Tag::List(start) => self.stack.push(Frame::List(start, Vec::new())),
            Tag::Item => self.stack.push(Frame::Item(None, Vec::new())),
            Tag::Table(_) => self.stack.push(Frame::Table(Vec::new(), Vec::new())),
            Tag::TableHead | Tag::TableRow => self.stack.push(Frame::Row(Vec::new())),
            Tag::TableCell => self.stack.push(Frame::Cell(Vec::new())),
            Tag::Emphasis => self.marks.em = true,
            Tag::Strong => self.marks.strong = true,
            Tag::Strikethrough => self.marks.strike = true,
            Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. } => {
                self.links.push(dest_url.into_string())
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        if matches!(tag, TagEnd::BlockQuote(_) | TagEnd::List(_) | TagEnd::Item) && self.skipped > 0
        {
            self.skipped -= 1;
            return;
        }
        match tag {
            TagEnd::Emphasis => self.marks.em = false,
            TagEnd::Strong => self.marks.strong = false,
            TagEnd::Strikethrough => self.marks.strike = false,
            TagEnd::Link | TagEnd::Image => {
                self.links.pop();
            }
            TagEnd::Paragraph => {
                if let Some(Frame::Inlines(v)) = self.stack.pop() {
                    self.push_block(Block::Paragraph(v));
                }
            }
            TagEnd::Heading(_) => {
                if let Some(Frame::Heading(level, content)) = self.stack.pop() {
                    self.push_block(Block::Heading { level, content });
                }
            }
            TagEnd::BlockQuote(_) => {
                if let Some(Frame::Quote(v)) = self.stack.pop() {
                    self.push_block(Block::Quote(v));
                }
            }
            TagEnd::CodeBlock => {
                if let Some(Frame::Code(language, mut text)) = self.stack.pop() {
                    if text.ends_with('\n') {
                        text.pop();
                    }
                    self.push_block(Block::Code { language, text });
                }
            }
            TagEnd::List(_) => {
                if let Some(Frame::List(start, items)) = self.stack.pop() {
                    self.push_block(Block::List { start, items });
                }
            }
            TagEnd::Item => {
                if let Some(Frame::Item(checked, blocks)) = self.stack.pop()
                    && let Some(Frame::List(_, items)) = self.stack.last_mut()
                {
                    items.push(Item { checked, blocks });
                }
            }
            TagEnd::TableCell => {
                if let Some(Frame::Cell(v)) = self.stack.pop()
                    && let Some(Frame::Row(cells)) = self.stack.last_mut()
                {
                    cells.push(v);
                }
            }
            TagEnd::TableHead => {
                if let Some(Frame::Row(cells)) = self.stack.pop()
                    && let Some(Frame::Table(header, _)) = self.stack.last_mut()
                {
                    *header = cells;
                }
            }
            TagEnd::TableRow => {
                if let Some(Frame::Row(cells)) = self.stack.pop()
                    && let Some(Frame::Table(_, rows)) = self.stack.last_mut()
                {
                    rows.push(cells);
                }
            }
            TagEnd::Table => {
                if let Some(Frame::Table(header, rows)) = self.stack.pop() {
                    self.push_block(Block::Table { header, rows });
                }
            }
            _ => {}
        }
    }
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

fn block_text(block: &Block) -> String {
    match block {
        Block::Heading { content, .. } | Block::Paragraph(content) => Inline::plain(content),
        Block::Code { text, .. } => text.clone(),
        Block::Quote(blocks) => blocks.iter().map(block_text).collect::<Vec<_>>().join(" "),
        Block::List { items, .. } => items
            .iter()
            .flat_map(|i| i.blocks.iter().map(block_text))
            .collect::<Vec<_>>()
            .join(" "),
        Block::Rule => String::new(),
        Block::Table { header, rows } => {
            let mut parts: Vec<String> = header.iter().map(|c| Inline::plain(c)).collect();
            for row in rows {
                parts.extend(row.iter().map(|c| Inline::plain(c)));
            }
            parts.join(" ")
        }
    }
}

/// Parses CommonMark (with tables, task lists and strikethrough). HTML comments (the section
/// markers) are dropped; other raw HTML is kept as text, never as markup.
pub(crate) fn parse(markdown: &str) -> Vec<Block> {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_TASKLISTS | Options::ENABLE_STRIKETHROUGH;
    let mut builder = Builder {
        stack: vec![Frame::Blocks(Vec::new())],
        marks: Marks::default(),
        links: Vec::new(),
        skipped: 0,
    };
    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Start(tag) => builder.start(tag),
            Event::End(tag) => builder.end(tag),
            Event::Text(text) => builder.push_text(&text, false),
            Event::Code(text) => builder.push_text(&text, true),
            Event::SoftBreak => builder.push_text(" ", false),
            Event::HardBreak => builder.push_inline(Inline::Break),
            Event::Rule => builder.push_block(Block::Rule),
            Event::TaskListMarker(checked) => {
                // In loose lists the marker arrives inside the item's paragraph.
                if let Some(Frame::Item(state, _)) = builder
                    .stack
                    .iter_mut()
                    .rev()
                    .find(|f| matches!(f, Frame::Item(..)))
                {
                    *state = Some(checked);
                }
            }
            // Raw HTML is kept as literal text (renderers escape it); comments are section markers.
            Event::InlineHtml(html) | Event::Html(html) => {
                let trimmed = html.trim();
                let is_comment = trimmed.starts_with("<!--") && trimmed.ends_with("-->");
                if !is_comment && !trimmed.is_empty() {
                    builder.push_text(&html, false);
                }
            }
            _ => {}
        }
    }
    // Unbalanced input cannot happen with pulldown-cmark, but collapse whatever is left anyway.
    while builder.stack.len() > 1 {
        match builder.stack.pop() {
            Some(Frame::Inlines(v) | Frame::Heading(_, v) | Frame::Cell(v)) => {
                builder.push_block(Block::Paragraph(v))
            }
            Some(Frame::Blocks(v) | Frame::Quote(v) | Frame::Item(_, v)) => {
                for block in v {
                    builder.push_block(block);
                }
            }
            _ => {}
        }
    }
    match builder.stack.pop() {
        Some(Frame::Blocks(v)) => v,
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_shapes_templates_use() {
        let blocks = parse(
            "# T\n\nSome **bold** and `code` [link](https://x.test).\n\n- [ ] todo\n- [x] done\n\n1. a\n2. b\n\n| h | i |\n|---|---|\n| c | d |\n\n```ts\nx\n```\n\n---\n<!-- START: x -->\n> q\n",
        );
        assert!(matches!(&blocks[0], Block::Heading { level: 1, .. }));
        let Block::Paragraph(p) = &blocks[1] else {
            panic!("{blocks:?}")
        };
        assert!(p.iter().any(|i| matches!(
            i,
            Inline::Text {
                marks: Marks { strong: true, .. },
                ..
            }
        )));
        assert!(
            p.iter()
                .any(|i| matches!(i, Inline::Text { link: Some(l), .. } if l == "https://x.test"))
        );
        let Block::List { items, .. } = &blocks[2] else {
            panic!("{blocks:?}")
        };
        assert_eq!(
            items.iter().map(|i| i.checked).collect::<Vec<_>>(),
            vec![Some(false), Some(true)]
        );
        assert!(matches!(&blocks[3], Block::List { start: Some(1), .. }));
        assert!(
            matches!(&blocks[4], Block::Table { header, rows } if header.len() == 2 && rows.len() == 1)
        );
        assert!(
            matches!(&blocks[5], Block::Code { language, text } if language == "ts" && text == "x")
        );
        assert!(matches!(&blocks[6], Block::Rule));
        assert!(matches!(&blocks[7], Block::Quote(_)));
        assert_eq!(blocks.len(), 8);
    }

    #[test]
    fn hostile_markdown_does_not_panic() {
        for input in [
            "",
            "\u{0}",
            "[[[[[[",
            "> > > > > > > > > > > x",
            "- - - - - - - x",
            "|a|\n|-|\n|b|c|d|",
            "```\nunclosed",
        ] {
            let _ = parse(input);
        }
        let deep = "> ".repeat(5000) + "x";
        let blocks = parse(&deep);
        fn depth(blocks: &[Block]) -> usize {
            blocks
                .iter()
                .map(|b| {
                    if let Block::Quote(inner) = b {
                        1 + depth(inner)
                    } else {
                        0
                    }
                })
                .max()
                .unwrap_or(0)
        }
        assert!(depth(&blocks) <= MAX_CONTAINER_DEPTH);
        let nested_lists = "- ".repeat(3000) + "x";
        let _ = parse(&nested_lists);
    }
}
