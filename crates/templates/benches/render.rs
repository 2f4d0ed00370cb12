//! Rendering speed: one component ticket from a cached (compiled) template, and a 500-frame epic.
//!
//! Run: `cargo bench -p handoff-templates --bench render`. The epic design is generated with
//! `shared/fixtures/gen_figma.py --nodes 200000 --seed 7` on first run.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::sync::LazyLock;

use handoff_figma::{Design, NodeIndex, NodeType};
use handoff_templates::render::render_ticket as render_format;
use handoff_templates::{
    Children, DocumentType, OutputFormat, Overrides, Platform, Registry, Request, Settings,
    StringOrList, TeamStandards, TemplateKey, Ticket, build_context, default_subject,
    generate_epic, render_ticket,
};

fn main() {
    divan::main();
}

fn shared() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures")
}

static REGISTRY: LazyLock<Registry> = LazyLock::new(|| Registry::builtin().unwrap());

static SETTINGS: LazyLock<Settings> = LazyLock::new(|| Settings {
    file_key: "BenchKey".into(),
    today: Some("2026-11-25".into()),
    team_standards: TeamStandards {
        tech_stack: Some(StringOrList::One("React, TypeScript".into())),
        ..TeamStandards::default()
    },
    ..Settings::default()
});

static WIZARD: LazyLock<Design> = LazyLock::new(|| {
    let bytes = std::fs::read(shared().join("figma/code-connect-wizard-demo.file.json")).unwrap();
    handoff_figma::parse_design(&bytes).unwrap()
});

static GENERATED: LazyLock<(Design, Vec<NodeIndex>)> = LazyLock::new(|| {
    let path = std::env::temp_dir().join("handoff-bench-gen200k-seed7.json");
    if !path.exists() {
        let status = std::process::Command::new("python3")
            .arg(shared().join("gen_figma.py"))
            .args(["--nodes", "200000", "--seed", "7", "--out"])
            .arg(&path)
            .status()
            .unwrap();
        assert!(status.success());
    }
    let design = handoff_figma::parse_design(&std::fs::read(&path).unwrap()).unwrap();
    // 500 frames of at most 200 layers that do not contain each other, like the screens of a
    // file: pre-order, skipping the subtree of each frame taken.
    let mut frames: Vec<NodeIndex> = Vec::new();
    let mut skip_until = 0;
    for node in &design.nodes {
        if node.index < skip_until || node.depth < 2 {
            continue;
        }
        let size = design.subtree_end(node.index) - node.index;
        if matches!(
            node.node_type,
            NodeType::Frame | NodeType::Component | NodeType::Instance
        ) && size <= 200
        {
            frames.push(node.index);
            skip_until = design.subtree_end(node.index);
            if frames.len() == 500 {
                break;
            }
        }
    }
    assert_eq!(frames.len(), 500);
    (design, frames)
});

/// The plugin payload the HTTP load test sends (`bench/http/frame.json`): one small component.
static PLUGIN_FRAME: LazyLock<Design> = LazyLock::new(|| {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../bench/http/frame.json");
    handoff_figma::parse_plugin_payload(&std::fs::read(path).unwrap()).unwrap()
});

/// The settings `POST /api/v1/tickets` builds for the load test's body (a project name, no stack).
static PLUGIN_SETTINGS: LazyLock<Settings> = LazyLock::new(|| Settings {
    project: handoff_templates::context::ProjectSettings {
        name: Some("Shop".into()),
        ..Default::default()
    },
    today: Some("2026-11-25".into()),
    ..Settings::default()
});

const COMPONENT: TemplateKey = TemplateKey {
    platform: Platform::Jira,
    document_type: DocumentType::Component,
};

/// Template already compiled and context already built: the render itself.
#[divan::bench]
fn component_ticket_render(bencher: divan::Bencher) {
    let template = REGISTRY
        .resolve(COMPONENT, None, &Overrides::default())
        .unwrap();
    let node = default_subject(&WIZARD).unwrap();
    let context = build_context(&WIZARD, node, COMPONENT, &SETTINGS, Some(&template.spec)).unwrap();
    bencher.bench(|| render_ticket(&template, divan::black_box(&context)).unwrap());
}

/// Resolve (warm) + context from the design + render: what one request costs.
#[divan::bench]
fn component_ticket_end_to_end(bencher: divan::Bencher) {
    let node = default_subject(&WIZARD).unwrap();
    bencher.bench(|| component_ticket(&WIZARD, node, &SETTINGS));
}

/// The component ticket of `node` from the built-in template: one request's generation.
fn component_ticket(design: &Design, node: NodeIndex, settings: &Settings) -> Ticket {
    handoff_templates::generate_ticket(
        &REGISTRY,
        design,
        node,
        Request {
            key: COMPONENT,
            settings,
            overrides: &Overrides::default(),
        },
    )
    .unwrap()
}

/// A rendered component ticket's Markdown → Jira wiki markup (the template's own format, what
/// `POST /api/v1/tickets` returns in `rendered`).
#[divan::bench]
fn component_ticket_to_jira(bencher: divan::Bencher) {
    let ticket = component_ticket(&WIZARD, default_subject(&WIZARD).unwrap(), &SETTINGS);
    bencher.bench(|| render_format(divan::black_box(&ticket), OutputFormat::Jira));
}

/// What one load-test request (`bench/http`) costs in this crate: context + render of the plugin
/// frame's component ticket, then its Jira form (v1) and its Markdown form (legacy).
#[divan::bench(args = [OutputFormat::Jira, OutputFormat::Markdown])]
fn plugin_frame_request(bencher: divan::Bencher, format: OutputFormat) {
    let node = default_subject(&PLUGIN_FRAME).unwrap();
    bencher.bench(|| {
        let ticket = component_ticket(&PLUGIN_FRAME, node, &PLUGIN_SETTINGS);
        let rendered = render_format(&ticket, format);
        (ticket, rendered)
    });
}

/// 500 frames → an epic with 500 child stories.
#[divan::bench(sample_count = 10)]
fn epic_500_frames(bencher: divan::Bencher) {
    let (design, frames) = &*GENERATED;
    let key = TemplateKey::new(Platform::Jira, DocumentType::Epic);
    bencher.bench(|| {
        generate_epic(
            &REGISTRY,
            design,
            frames,
            Children {
                document_type: DocumentType::Story,
                overrides: &Overrides::default(),
            },
            Request {
                key,
                settings: &SETTINGS,
                overrides: &Overrides::default(),
            },
        )
        .unwrap()
    });
}
