//! Every listed (platform, type) pair renders for every fixture, with the component name, the node
//! link and at least one design-derived acceptance criterion in the output, ending with one newline,
//! under a title that starts with the document type's emoji.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use handoff_templates::{
    OutputFormat, Overrides, Registry, Request, default_subject, generate_ticket, node_link,
    render::render_ticket,
};

#[test]
fn every_pair_renders_for_every_fixture() {
    let registry = Registry::builtin().unwrap();
    let keys = registry.builtin_keys();
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
