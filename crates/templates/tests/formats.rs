//! Output formats are valid for their consumers: ADF against Atlassian's JSON schema, Confluence
//! storage as well-formed XHTML, Notion blocks against the documented block shape.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use handoff_templates::render::{render_markdown, render_ticket};
use handoff_templates::{
    OutputFormat, Overrides, Registry, Request, Ticket, default_subject, generate_ticket,
};
use serde_json::Value;

fn schema(path: &str) -> jsonschema::Validator {
    let text = std::fs::read_to_string(format!("{}/tests/data/{path}", env!("CARGO_MANIFEST_DIR")))
        .unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

/// Every built-in pair on every fixture, plus Markdown written to exercise every construct.
fn samples() -> Vec<(String, String)> {
    let registry = Registry::builtin().unwrap();
    let settings = common::settings();
    let overrides = Overrides::default();
    let mut out = Vec::new();
    for (file, design) in common::fixtures() {
        let node = default_subject(&design).unwrap();
        for key in registry.builtin_keys() {
            let ticket: Ticket = generate_ticket(
                &registry,
                &design,
                node,
                Request {
                    key,
                    settings: &settings,
                    overrides: &overrides,
                },
            )
            .unwrap();
            out.push((
                format!("{file} {key}"),
                format!("# {}\n\n{}", ticket.title, ticket.description),
            ));
        }
    }
    out.push(("constructs".into(), CONSTRUCTS.into()));
    out
}

const CONSTRUCTS: &str = "# H1\n## H2\n### H3\n#### H4\n\nText **bold** *em* ~~gone~~ `code` [link](https://x.test/a?b=1&c=<2>) and a\nhard  \nbreak.\n\n- a\n  - nested **b**\n    - deeper\n- [ ] mixed task\n\n* [ ] todo\n* [x] done\n\n3. three\n4. four\n\n> quote\n> # heading in quote\n\n| h1 | h2 |\n|---|---|\n| c & d | <e> |\n| only |\n\n```rust\nfn main() { let s = \"]]>\"; }\n```\n\n---\n\n<!-- START: x -->\n<div>raw html</div>\n\u{1}control\n";

#[test]
fn adf_validates_against_the_atlassian_schema() {
    let validator = schema("adf-schema/full.json");
    for (name, markdown) in samples() {
        let adf: Value =
            serde_json::from_str(&render_markdown(&markdown, OutputFormat::Adf)).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&adf)
            .take(3)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{name}: {errors:?}\n{}",
            serde_json::to_string_pretty(&adf).unwrap()
        );
    }
}

#[test]
fn notion_blocks_match_the_block_schema() {
    let validator = schema("notion/blocks.schema.json");
    for (name, markdown) in samples() {
        let blocks: Value =
            serde_json::from_str(&render_markdown(&markdown, OutputFormat::Notion)).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&blocks)
            .take(3)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{name}: {errors:?}\n{}",
            serde_json::to_string_pretty(&blocks).unwrap()
        );
    }
}

#[test]
fn confluence_storage_is_well_formed_xhtml() {
    for (name, markdown) in samples() {
        let body = render_markdown(&markdown, OutputFormat::Confluence);
        let document = format!(
            "<root xmlns:ac=\"http://atlassian.com/content\" xmlns:ri=\"http://atlassian.com/resource/identifier\">{body}</root>"
        );
        let mut reader = quick_xml::Reader::from_str(&document);
        let mut depth = 0i32;
        loop {
            match reader.read_event() {
                Ok(quick_xml::events::Event::Start(_)) => depth += 1,
                Ok(quick_xml::events::Event::End(_)) => depth -= 1,
                Ok(quick_xml::events::Event::Eof) => break,
                Ok(_) => {}
                Err(e) => panic!(
                    "{name}: not well-formed at {}: {e}\n{body}",
                    reader.buffer_position()
                ),
            }
        }
        assert_eq!(depth, 0, "{name}: unbalanced");
    }
}

#[test]
fn constructs_render_natively_in_each_format() {
    let jira = render_markdown(CONSTRUCTS, OutputFormat::Jira);
    assert!(
        jira.contains("h1. H1") && jira.contains("{code:rust}") && jira.contains("||h1||h2||"),
        "{jira}"
    );
    assert!(
        !jira.contains("START"),
        "section markers are Markdown-only: {jira}"
    );
    let xhtml = render_markdown(CONSTRUCTS, OutputFormat::Confluence);
    assert!(
        xhtml.contains("<ac:task-list>")
            && xhtml.contains("<![CDATA[")
            && xhtml.contains("c &amp; d"),
        "{xhtml}"
    );
    assert!(
        !xhtml.contains("<div>") && xhtml.contains("&lt;e&gt;"),
        "raw HTML must be text: {xhtml}"
    );
    let text = render_markdown(CONSTRUCTS, OutputFormat::Text);
    assert!(text.contains("[x] done") && !text.contains("**"), "{text}");
    let adf = render_markdown(CONSTRUCTS, OutputFormat::Adf);
    assert!(
        adf.contains("\"taskList\"") && adf.contains("\"strike\""),
        "{adf}"
    );
}

#[test]
fn json_format_round_trips_the_ticket() {
    let registry = Registry::builtin().unwrap();
    let (_, design) = common::fixtures().into_iter().next().unwrap();
    let settings = common::settings();
    let key = registry.builtin_keys()[0];
    let ticket = generate_ticket(
        &registry,
        &design,
        default_subject(&design).unwrap(),
        Request {
            key,
            settings: &settings,
            overrides: &Overrides::default(),
        },
    )
    .unwrap();
    let json = render_ticket(&ticket, OutputFormat::Json);
    let back: Ticket = serde_json::from_str(&json).unwrap();
    assert_eq!(back, ticket);
}
