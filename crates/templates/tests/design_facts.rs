//! Facts tickets state come from the design, not from constants (issue 21): the Dev Mode status,
//! the file's last change, only the layers Figma shows, and effort in words that agree.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use handoff_figma::Design;
use handoff_templates::{
    Children, DocumentType, Overrides, Platform, Registry, Request, TemplateKey, build_context,
    find_node, generate_epic, generate_ticket,
};
use serde_json::json;

fn design(dev_status: Option<&str>, last_modified: Option<&str>) -> Design {
    let mut card = json!({
        "id": "1:1", "name": "Card", "type": "FRAME",
        "absoluteBoundingBox": {"x": 0, "y": 0, "width": 320, "height": 200},
        "children": [
            {"id": "1:2", "name": "Title", "type": "TEXT", "characters": "Shown title",
             "style": {"fontFamily": "Inter", "fontSize": 16, "fontWeight": 600}},
            {"id": "1:3", "name": "Legacy", "type": "GROUP", "visible": false, "children": [
                {"id": "1:4", "name": "Old copy", "type": "TEXT", "characters": "Hidden copy",
                 "style": {"fontFamily": "Comic Sans MS", "fontSize": 9, "fontWeight": 400},
                 "fills": [{"type": "SOLID", "color": {"r": 0.6705882, "g": 0.8039216, "b": 0.9372549, "a": 1}}]},
                {"id": "1:5", "name": "Email input", "type": "INSTANCE", "componentId": "9:1", "children": []}
            ]}
        ]
    });
    if let Some(status) = dev_status {
        card["devStatus"] = json!({"type": status});
    }
    let mut file = json!({
        "name": "Facts",
        "document": {"id": "0:0", "name": "D", "type": "DOCUMENT", "children": [
            {"id": "0:1", "name": "Page", "type": "CANVAS", "children": [card]}
        ]}
    });
    if let Some(at) = last_modified {
        file["lastModified"] = json!(at);
    }
    handoff_figma::parse_design(file.to_string().as_bytes()).unwrap()
}

fn ticket(design: &Design, platform: Platform, document_type: DocumentType) -> String {
    let registry = Registry::builtin().unwrap();
    let settings = common::settings();
    let node = find_node(design, "1:1").unwrap();
    generate_ticket(
        &registry,
        design,
        node,
        Request {
            key: TemplateKey::new(platform, document_type),
            settings: &settings,
            overrides: &Overrides::default(),
        },
    )
    .unwrap()
    .description
}

#[test]
fn design_status_is_figmas_dev_status_or_nothing() {
    let settings = common::settings();
    let key = TemplateKey::new(Platform::Jira, DocumentType::DesignHandoff);
    for (status, expected) in [
        (Some("READY_FOR_DEV"), "Ready for development"),
        (Some("COMPLETED"), "Completed"),
        (None, ""),
    ] {
        let design = design(status, None);
        let node = find_node(&design, "1:1").unwrap();
        let context = build_context(&design, node, key, &settings, None).unwrap();
        assert_eq!(context.figma.design_status, expected);
        let text = ticket(&design, Platform::Jira, DocumentType::DesignHandoff);
        assert!(!text.contains("Ready for Development"), "{text}");
        assert_eq!(text.contains("**Status:**"), status.is_some(), "{text}");
    }
}

#[test]
fn last_updated_is_the_files_last_change_not_today() {
    let design = design(None, Some("2018-06-01T10:00:00Z"));
    let text = ticket(&design, Platform::Confluence, DocumentType::Documentation);
    assert!(text.contains("_Last updated 2018-06-01._"), "{text}");
    // common::settings() says today is 2026-11-25: it must not be claimed as the last change.
    assert!(!text.contains("2026-11-25"), "{text}");
    let design = design_without_date();
    let text = ticket(&design, Platform::Confluence, DocumentType::Documentation);
    assert!(!text.contains("Last updated"), "{text}");
}

fn design_without_date() -> Design {
    design(None, None)
}

#[test]
fn hidden_layers_are_not_facts_of_the_ticket() {
    let design = design(None, None);
    let settings = common::settings();
    let node = find_node(&design, "1:1").unwrap();
    let key = TemplateKey::new(Platform::Jira, DocumentType::Component);
    let context = build_context(&design, node, key, &settings, None).unwrap();
    let texts: Vec<&str> = context
        .figma
        .texts
        .iter()
        .map(|t| t.content.as_str())
        .collect();
    assert_eq!(texts, ["Shown title"]);
    assert_eq!(context.figma.node_count, 2, "the card and its title");
    assert!(context.figma.children.iter().all(|c| c.node_id != "1:3"));
    assert!(
        context
            .figma
            .tokens
            .colors
            .iter()
            .all(|c| c.hex != "#abcdef")
    );
    assert!(
        context
            .figma
            .tokens
            .typography
            .iter()
            .all(|t| !t.contains("Comic")),
        "{:?}",
        context.figma.tokens.typography
    );
    assert!(context.figma.dependencies.is_empty());
    // The hidden "Email input" is no input to build.
    assert!(
        !context
            .calculated
            .risk_factors
            .iter()
            .any(|r| r.contains("Form input")),
        "{:?}",
        context.calculated.risk_factors
    );
}

#[test]
fn an_epic_of_one_point_says_point() {
    let design = design(None, None);
    let registry = Registry::builtin().unwrap();
    let settings = common::settings();
    let node = find_node(&design, "1:2").unwrap();
    let epic = generate_epic(
        &registry,
        &design,
        &[node],
        Children {
            document_type: DocumentType::Story,
            overrides: &Overrides::default(),
        },
        Request {
            key: TemplateKey::new(Platform::Github, DocumentType::Epic),
            settings: &settings,
            overrides: &Overrides::default(),
        },
    )
    .unwrap();
    assert_eq!(epic.summary.story_points, 1);
    assert!(
        epic.epic.description.contains("1 story point in total"),
        "{}",
        epic.epic.description
    );
}
