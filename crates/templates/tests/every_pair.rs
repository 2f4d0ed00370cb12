//! Every pair `handoff templates list` shows renders for every fixture, with the component name,
//! the node link and at least one design-derived acceptance criterion in the output, ending with
//! one newline, under a title that starts with the document type's emoji; every listed epic is
//! generated the way the interfaces generate it, over the file's top-level frames with the
//! platform's default child type, and lists each child.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use handoff_templates::{
    Children, DocumentType, OutputFormat, Overrides, Registry, Request, TemplateKey,
    default_subject, generate_epic, generate_ticket, node_link, render::render_ticket,
    top_level_frames,
};

/// The pairs the `templates list` command prints (one row per template, tech-stack variants
/// included), each once.
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

#[test]
fn every_listed_epic_generates_with_its_children_for_every_fixture() {
    let registry = Registry::builtin().unwrap();
    let epics: Vec<TemplateKey> = listed_pairs(&registry)
        .into_iter()
        .filter(|key| key.document_type == DocumentType::Epic)
        .collect();
    assert!(epics.len() >= 8, "{epics:?}");
    let settings = common::settings();
    let overrides = Overrides::default();
    let mut generated = 0;
    for (file, design) in common::fixtures() {
        let mut nodes = top_level_frames(&design);
        if nodes.is_empty() {
            nodes.extend(default_subject(&design));
        }
        for &key in &epics {
            let child_type = registry.epic_child_type(key.platform);
            let epic = generate_epic(
                &registry,
                &design,
                &nodes,
                Children {
                    document_type: child_type,
                    overrides: &overrides,
                },
                Request {
                    key,
                    settings: &settings,
                    overrides: &overrides,
                },
            )
            .unwrap_or_else(|e| panic!("{file} {key} (children {child_type}): {e}"));
            assert!(!epic.children.is_empty(), "{file} {key}: no children");
            assert_eq!(epic.summary.children, epic.children.len());
            let (epic_emoji, _) = DocumentType::Epic.prefix();
            assert!(
                epic.epic.title.starts_with(epic_emoji),
                "{file} {key}: {}",
                epic.epic.title
            );
            let (child_emoji, _) = child_type.prefix();
            let markdown = render_ticket(&epic.epic, OutputFormat::Markdown);
            for child in &epic.children {
                assert_eq!(child.document_type, child_type, "{file} {key}");
                assert!(
                    child.title.starts_with(child_emoji),
                    "{file} {key}: child {}",
                    child.title
                );
                let design_ref = child.design_refs.first().unwrap();
                assert!(
                    markdown.contains(&handoff_templates_name(&design_ref.name)),
                    "{file} {key}: child {:?} not listed\n{markdown}",
                    design_ref.name
                );
                assert!(
                    markdown.contains(&design_ref.url),
                    "{file} {key}: child link {} not listed",
                    design_ref.url
                );
                for format in OutputFormat::ALL {
                    assert!(!render_ticket(child, *format).is_empty());
                }
            }
            assert!(
                !markdown.contains("{%") && !markdown.contains("{{"),
                "{file} {key}: stray template syntax\n{markdown}"
            );
            assert_eq!(common::count_word_mismatch(&markdown), None, "{file} {key}");
            for format in OutputFormat::ALL {
                assert!(!render_ticket(&epic.epic, *format).is_empty());
            }
            generated += 1;
        }
    }
    assert_eq!(generated, common::fixtures().len() * epics.len());
}

#[test]
fn every_pair_renders_for_every_fixture() {
    let registry = Registry::builtin().unwrap();
    let keys = listed_pairs(&registry);
    assert!(keys.len() >= 60, "{} pairs", keys.len());
    let settings = common::settings();
    let overrides = Overrides::default();
    let mut rendered = 0;
    for (file, design) in common::fixtures() {
        let node = default_subject(&design).unwrap_or_else(|| panic!("{file}: no subject"));
        let subject = design.node(node).unwrap();
        let link = node_link(common::FILE_KEY, &subject.id);
        for &key in &keys {
            let ticket = generate_ticket(
                &registry,
                &design,
                node,
                Request {
                    key,
                    settings: &settings,
                    overrides: &overrides,
                },
            )
            .unwrap_or_else(|e| panic!("{file} {key}: {e}"));
            let markdown = render_ticket(&ticket, OutputFormat::Markdown);
            // The title says what the document is (a bug, an epic), whichever tool it goes to.
            let (type_emoji, _) = key.document_type.prefix();
            assert!(
                ticket.title.starts_with(type_emoji),
                "{file} {key}: title {:?} does not start with the document type's {type_emoji}",
                ticket.title
            );
            assert!(
                markdown.contains(subject.name.trim())
                    || markdown.contains(&handoff_templates_name(&subject.name)),
                "{file} {key}: no component name\n{markdown}"
            );
            assert!(
                markdown.contains(&link),
                "{file} {key}: no node link {link}\n{markdown}"
            );
            assert!(
                !ticket.acceptance_criteria.is_empty(),
                "{file} {key}: no criteria"
            );
            let first = &ticket.acceptance_criteria[0].text;
            assert!(
                markdown.contains(first.as_str()),
                "{file} {key}: criterion {first:?} missing\n{markdown}"
            );
            assert!(
                !markdown.contains("{%") && !markdown.contains("{{"),
                "{file} {key}: stray template syntax\n{markdown}"
            );
            assert_eq!(common::count_word_mismatch(&markdown), None, "{file} {key}");
            assert!(
                markdown.ends_with('\n') && !markdown.ends_with("\n\n"),
                "{file} {key}: the document does not end with exactly one newline\n{markdown:?}"
            );
            for format in OutputFormat::ALL {
                assert!(!render_ticket(&ticket, *format).is_empty());
            }
            rendered += 1;
        }
    }
    assert!(rendered >= 8 * 60);
}

/// Names are Markdown-escaped in tickets; compare on the escaped form too.
fn handoff_templates_name(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '!'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
