//! Snapshots of a representative set of tickets, and batch (epic) generation.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use handoff_figma::Design;
use handoff_templates::render::render_ticket;
use handoff_templates::{
    Children, DocumentType, OutputFormat, Overrides, Platform, Registry, Request, TemplateKey,
    default_subject, find_node, generate_epic, generate_ticket, top_level_frames,
};

fn fixture(name: &str) -> Design {
    common::fixtures()
        .into_iter()
        .find(|(f, _)| f == name)
        .map(|(_, d)| d)
        .unwrap()
}

fn ticket_in(
    design: &Design,
    platform: Platform,
    doc: DocumentType,
    format: OutputFormat,
) -> String {
    let registry = Registry::builtin().unwrap();
    let settings = common::settings();
    let key = TemplateKey::new(platform, doc);
    let node = default_subject(design).unwrap();
    let ticket = generate_ticket(
        &registry,
        design,
        node,
        Request {
            key,
            settings: &settings,
            overrides: &Overrides::default(),
        },
    )
    .unwrap();
    render_ticket(&ticket, format)
}

#[test]
fn snapshot_jira_component_wizard_demo() {
    let design = fixture("code-connect-wizard-demo.file.json");
    insta::assert_snapshot!(
        "jira_component_markdown",
        ticket_in(
            &design,
            Platform::Jira,
            DocumentType::Component,
            OutputFormat::Markdown
        )
    );
    insta::assert_snapshot!(
        "jira_component_wiki",
        ticket_in(
            &design,
            Platform::Jira,
            DocumentType::Component,
            OutputFormat::Jira
        )
    );
}

#[test]
fn snapshot_github_bug_framelink() {
    let design = fixture("framelink-oddit.nodes.json");
    insta::assert_snapshot!(
        "github_bug_markdown",
        ticket_in(
            &design,
            Platform::Github,
            DocumentType::Bug,
            OutputFormat::Markdown
        )
    );
}

#[test]
fn snapshot_confluence_documentation_storage() {
    let design = fixture("code-connect-wizard-demo.file.json");
    insta::assert_snapshot!(
        "confluence_documentation_storage",
        ticket_in(
            &design,
            Platform::Confluence,
            DocumentType::Documentation,
            OutputFormat::Confluence
        )
    );
}

#[test]
fn snapshot_aem_code_text() {
    let design = fixture("yol-project.nodes.json");
    insta::assert_snapshot!(
        "aem_code_text",
        ticket_in(
            &design,
            Platform::Aem,
            DocumentType::Code,
            OutputFormat::Text
        )
    );
}

#[test]
fn epic_over_many_frames_has_one_child_per_node_and_sums_points() {
    let design = fixture("code-connect-many-components.file.json");
    let registry = Registry::builtin().unwrap();
    let settings = common::settings();
    let mut nodes = top_level_frames(&design);
    assert!(nodes.len() > 50, "{}", nodes.len());
    // Ask for some nodes twice, once by the URL form of the id.
    let again = design.node(nodes[0]).unwrap().id.replace(':', "-");
    nodes.push(find_node(&design, &again).unwrap());
    nodes.push(nodes[1]);
    let key = TemplateKey::new(Platform::Jira, DocumentType::Epic);
    let epic = generate_epic(
        &registry,
        &design,
        &nodes,
        Children {
            document_type: DocumentType::Story,
            overrides: &Overrides::default(),
        },
        Request {
            key,
            settings: &settings,
            overrides: &Overrides::default(),
        },
    )
    .unwrap();
    assert_eq!(epic.summary.duplicates_skipped, 2);
    assert_eq!(epic.children.len(), nodes.len() - 2);
    let mut ids: Vec<&str> = epic
        .children
        .iter()
        .map(|c| c.design_refs[0].node_id.as_str())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), epic.children.len(), "duplicated child");
    let total: u32 = epic.children.iter().map(|c| c.estimate.story_points).sum();
    assert_eq!(epic.summary.story_points, total);
    assert_eq!(epic.epic.estimate.story_points, total);
    assert_eq!(epic.epic.subtasks.len(), epic.children.len());
    let markdown = render_ticket(&epic.epic, OutputFormat::Markdown);
    assert!(
        markdown.contains("Project Summary")
            && markdown.contains(&format!("**Story points:** {total}")),
        "{markdown}"
    );
    for child in epic.children.iter().take(5) {
        assert!(
            markdown.contains(&child.design_refs[0].url),
            "child link missing"
        );
    }
    assert!(
        epic.children
            .iter()
            .all(|c| c.document_type == DocumentType::Story)
    );
}

#[test]
fn epic_without_nodes_is_an_error_and_unknown_node_is_named() {
    let design = fixture("code-connect-wizard-demo.file.json");
    let registry = Registry::builtin().unwrap();
    let settings = common::settings();
    let key = TemplateKey::new(Platform::Jira, DocumentType::Epic);
    let request = Request {
        key,
        settings: &settings,
        overrides: &Overrides::default(),
    };
    let children = Children {
        document_type: DocumentType::Story,
        overrides: &Overrides::default(),
    };
    assert!(generate_epic(&registry, &design, &[], children, request).is_err());
    let err = find_node(&design, "999:999").unwrap_err().to_string();
    assert!(err.contains("999:999"), "{err}");
}

#[test]
fn a_batch_renders_each_node_as_a_single_ticket_would() {
    let registry = Registry::builtin().unwrap();
    let settings = common::settings();
    let overrides = Overrides::default();
    for (file, design) in common::fixtures() {
        let nodes = top_level_frames(&design);
        for key in [
            TemplateKey::new(Platform::Jira, DocumentType::Component),
            TemplateKey::new(Platform::Github, DocumentType::Story),
        ] {
            let request = Request {
                key,
                settings: &settings,
                overrides: &overrides,
            };
            let batch = request.resolve(&registry).unwrap().tickets(&design, &nodes);
            let one_by_one: Result<Vec<_>, _> = nodes
                .iter()
                .map(|&node| generate_ticket(&registry, &design, node, request))
                .collect();
            let (batch, one_by_one) = (batch.unwrap(), one_by_one.unwrap());
            assert_eq!(batch.len(), nodes.len(), "{file} {key}");
            assert_eq!(batch, one_by_one, "{file} {key}");
        }
    }
}
