//! The legacy plugin's inline frames carry no file name or key. Tickets over them say what is
//! known (the frame names, "selected in the Figma plugin") and never leave an empty emphasis
//! marker (`from **:`, Jira `from \*\*:`) or a section with nothing under its heading.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use handoff_figma::{Design, parse_plugin_payload};
use handoff_templates::{
    Children, DocumentType, OutputFormat, Overrides, Registry, Request, Settings, TemplateKey,
    generate_epic, generate_ticket, render::render_ticket, top_level_frames,
};

/// The plugin's `frameData` as legacy-api §8 B sends it (no `fileContext`, no `figmaUrl`): two
/// frames, one with a text layer, one bare.
const FRAME_DATA: &str = r##"[
  {"id": "1234:5678", "name": "Primary Button", "type": "COMPONENT", "width": 160, "height": 48,
   "fills": [{"type": "SOLID", "color": {"r": 26, "g": 115, "b": 232}}],
   "hierarchy": {"layers": [{"id": "1234:5679", "name": "Label", "type": "TEXT", "depth": 2,
                             "text": "Buy now", "fontSize": 16,
                             "fontName": {"family": "Inter", "style": "Semi Bold"}}]}},
  {"id": "1234:9000", "name": "Divider", "type": "FRAME", "width": 320, "height": 1}
]"##;

fn design() -> Design {
    parse_plugin_payload(FRAME_DATA.as_bytes()).unwrap()
}

fn listed_pairs(registry: &Registry) -> Vec<TemplateKey> {
    let mut keys: Vec<TemplateKey> = registry
        .list()
        .iter()
        .map(|row| TemplateKey::parse(&row.platform, &row.document_type).unwrap())
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

/// An emphasis marker with nothing inside: a run of `*` with whitespace (or the line's start)
/// before it and whitespace, punctuation or the line's end after it, e.g. `from **:` or
/// `( **)`. Escaped asterisks (`\*`, literal text) are skipped.
fn empty_emphasis(text: &str) -> Option<String> {
    for line in text.lines() {
        let chars: Vec<char> = line.chars().collect();
        let mut at = 0;
        while at < chars.len() {
            if chars[at] == '\\' {
                at += 2;
                continue;
            }
            if chars[at] != '*' {
                at += 1;
                continue;
            }
            let start = at;
            while at < chars.len() && chars[at] == '*' {
                at += 1;
            }
            let before = start.checked_sub(1).map(|i| chars[i]);
            let after = chars.get(at).copied();
            let opens = before.is_none_or(|c| c.is_whitespace() || c == '(');
            let closes = after.is_none_or(|c| c.is_whitespace() || ":,.;)".contains(c));
            // A list bullet (`* item`) is not emphasis.
            let bullet = before.is_none() && at - start == 1 && after == Some(' ');
            if opens && closes && !bullet {
                return Some(line.to_owned());
            }
        }
    }
    None
}

/// Jira wiki spells a literal asterisk `\*`: a pair of them where emphasis was meant is the same
/// defect in that format.
fn escaped_empty_emphasis(text: &str) -> Option<String> {
    text.lines()
        .find(|line| line.contains(r"\*\*") || line.contains("** "))
        .filter(|line| !line.trim_start().starts_with("** "))
        .map(str::to_owned)
}

/// A Markdown heading followed by nothing (another heading of the same or a higher level, a
/// section's END marker, or the end of the document).
fn empty_section(markdown: &str) -> Option<String> {
    let lines: Vec<&str> = markdown.lines().collect();
    for (at, line) in lines.iter().enumerate() {
        let level = line.chars().take_while(|c| *c == '#').count();
        if level == 0 || !line[level..].starts_with(' ') {
            continue;
        }
        let next = lines[at + 1..]
            .iter()
            .map(|l| l.trim())
            .find(|l| !(l.is_empty() || l.starts_with("<!-- START")));
        let empty = match next {
            None => true,
            Some(next) => {
                let next_level = next.chars().take_while(|c| *c == '#').count();
                next.starts_with("<!-- END") || (next_level > 0 && next_level <= level)
            }
        };
        if empty {
            return Some((*line).to_owned());
        }
    }
    None
}

#[test]
fn tickets_over_plugin_frames_say_what_is_known_and_nothing_empty() {
    let registry = Registry::builtin().unwrap();
    let design = design();
    let settings = Settings::default();
    let overrides = Overrides::default();
    let mut overviews = 0;
    for (key, subject) in listed_pairs(&registry)
        .into_iter()
        .flat_map(|key| design.roots.iter().map(move |&root| (key, root)))
    {
        let name = design.node(subject).unwrap().name.to_string();
        let ticket = generate_ticket(
            &registry,
            &design,
            subject,
            Request {
                key,
                settings: &settings,
                overrides: &overrides,
            },
        )
        .unwrap_or_else(|e| panic!("{key}: {e}"));
        let markdown = render_ticket(&ticket, OutputFormat::Markdown);
        if let Some(line) = empty_emphasis(&markdown) {
            panic!("{key}: empty emphasis in {line:?}\n{markdown}");
        }
        if let Some(heading) = empty_section(&markdown) {
            panic!("{key}: section {heading:?} has nothing in it\n{markdown}");
        }
        if let Some(text) = common::count_word_mismatch(&markdown) {
            panic!("{key}: {text:?}\n{markdown}");
        }
        for subtask in &ticket.subtasks {
            assert_eq!(common::count_word_mismatch(&subtask.title), None, "{key}");
        }
        let jira = render_ticket(&ticket, OutputFormat::Jira);
        if let Some(line) = escaped_empty_emphasis(&jira) {
            panic!("{key}: Jira text {line:?}\n{jira}");
        }
        assert!(
            markdown.contains(&name),
            "{key}: the frame's name {name:?} is missing\n{markdown}"
        );
        // Where a ticket would name the file, it says where the frame came from.
        if markdown.contains("## Overview") {
            assert!(
                markdown.contains("selected in the Figma plugin"),
                "{key}: the overview does not say where the frame came from\n{markdown}"
            );
            overviews += 1;
        }
    }
    assert!(overviews >= 20, "{overviews} overviews");
}

#[test]
fn an_epic_over_plugin_frames_is_named_after_them() {
    let registry = Registry::builtin().unwrap();
    let design = design();
    let settings = Settings::default();
    let overrides = Overrides::default();
    let key = TemplateKey::new(handoff_templates::Platform::Jira, DocumentType::Epic);
    let epic = generate_epic(
        &registry,
        &design,
        &top_level_frames(&design),
        Children {
            document_type: registry.epic_child_type(key.platform),
            overrides: &overrides,
        },
        Request {
            key,
            settings: &settings,
            overrides: &overrides,
        },
    )
    .unwrap();
    assert_eq!(epic.children.len(), 2);
    assert!(
        epic.epic.title.contains("Primary Button") && epic.epic.title.contains("Divider"),
        "{}",
        epic.epic.title
    );
    let markdown = render_ticket(&epic.epic, OutputFormat::Markdown);
    assert!(
        markdown.contains("selected in the Figma plugin"),
        "{markdown}"
    );
    assert_eq!(empty_emphasis(&markdown), None, "{markdown}");
    assert_eq!(empty_section(&markdown), None, "{markdown}");
}

#[test]
fn an_epic_of_one_small_frame_counts_in_the_singular() {
    let registry = Registry::builtin().unwrap();
    let design = design();
    let settings = Settings::default();
    let overrides = Overrides::default();
    let divider = *design.roots.last().unwrap();
    for platform in [
        handoff_templates::Platform::Jira,
        handoff_templates::Platform::Github,
    ] {
        let key = TemplateKey::new(platform, DocumentType::Epic);
        let epic = generate_epic(
            &registry,
            &design,
            &[divider],
            Children {
                document_type: registry.epic_child_type(key.platform),
                overrides: &overrides,
            },
            Request {
                key,
                settings: &settings,
                overrides: &overrides,
            },
        )
        .unwrap();
        let markdown = render_ticket(&epic.epic, OutputFormat::Markdown);
        assert!(markdown.contains("1 deliverable"), "{markdown}");
        let points = epic.summary.story_points;
        let total = handoff_templates::pluralize(u64::from(points), "story point", None);
        assert!(
            markdown.contains(&format!("{total} in total")),
            "{markdown}"
        );
        assert_eq!(common::count_word_mismatch(&markdown), None, "{markdown}");
    }
}

#[test]
fn the_checks_catch_what_they_are_for() {
    assert!(common::count_word_mismatch("1 story points … over 1 items").is_some());
    assert!(common::count_word_mismatch("Wire up 2 interaction(s)").is_some());
    assert!(common::count_word_mismatch("(1 layers)").is_some());
    assert!(common::count_word_mismatch("1 story point, 2 layers, 1 variant").is_none());
    assert!(empty_emphasis("Frame **X** from **: 1 layer").is_some());
    assert!(empty_emphasis("**File**:  (whole file) ( **)").is_some());
    assert!(empty_emphasis("**Priority**: High | *Shop*, page *A*").is_none());
    assert!(empty_emphasis(r"a \*\* b").is_none());
    assert!(escaped_empty_emphasis(r"from \*\*: 1 layer").is_some());
    assert!(empty_section("## A\n\n<!-- END: a -->\n## B\ntext\n").is_some());
    assert!(empty_section("## A\n\ntext\n## B\n\n- x\n").is_none());
    assert!(empty_section("## A\n").is_some());
}
