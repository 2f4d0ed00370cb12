//! Layers hidden in Figma (`visible: false`, or inside such a layer) are in no report
//! (issue 21, defect 2).
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;

use std::collections::HashSet;

use handoff_analysis::{
    Analyzer, ComplianceOptions, DesignSystem, HealthOptions, RelationshipOptions, Scope,
};
use handoff_figma::Design;
use serde_json::json;

/// A screen with a shown label and a hidden group holding text, a rectangle, an instance and a
/// prototype link; every hidden thing has values nothing shown has.
fn design() -> Design {
    let hidden_group = json!({
        "id": "2:1", "name": "Old header", "type": "GROUP", "visible": false,
        "absoluteBoundingBox": {"x": 0, "y": 0, "width": 100, "height": 40},
        "children": [
            {"id": "2:2", "name": "Frame 7", "type": "FRAME",
             "fills": [{"type": "SOLID", "color": {"r": 0.6705882, "g": 0.8039216, "b": 0.9372549, "a": 1}}],
             "paddingLeft": 7, "cornerRadius": 3,
             "absoluteBoundingBox": {"x": 0, "y": 0, "width": 100, "height": 40},
             "children": [
                {"id": "2:3", "name": "Old title", "type": "TEXT", "characters": "Hidden",
                 "style": {"fontFamily": "Comic Sans MS", "fontSize": 9, "fontWeight": 400},
                 "fills": [{"type": "SOLID", "color": {"r": 0.8, "g": 0.8, "b": 0.8, "a": 1}}],
                 "absoluteBoundingBox": {"x": 0, "y": 0, "width": 50, "height": 12},
                 "interactions": [{"trigger": {"type": "ON_CLICK"}, "actions": [{"type": "BACK"}]}]},
                {"id": "2:4", "name": "badge", "type": "INSTANCE", "componentId": "9:1",
                 "absoluteBoundingBox": {"x": 0, "y": 0, "width": 8, "height": 8}, "children": []}
             ]}
        ]
    });
    let json = json!({
        "name": "hidden",
        "components": {"9:1": {"key": "k", "name": "Badge", "description": ""}},
        "document": {"id": "0:0", "name": "Document", "type": "DOCUMENT", "children": [
            {"id": "0:1", "name": "Page", "type": "CANVAS",
             "backgroundColor": {"r": 1, "g": 1, "b": 1, "a": 1}, "children": [
                {"id": "1:1", "name": "Screen", "type": "FRAME",
                 "fills": [{"type": "SOLID", "color": {"r": 1, "g": 1, "b": 1, "a": 1}}],
                 "absoluteBoundingBox": {"x": 0, "y": 0, "width": 375, "height": 600},
                 "children": [
                    hidden_group,
                    {"id": "1:2", "name": "Title", "type": "TEXT", "characters": "Shown",
                     "style": {"fontFamily": "Inter", "fontSize": 16, "fontWeight": 400},
                     "fills": [{"type": "SOLID", "color": {"r": 0, "g": 0, "b": 0, "a": 1}}],
                     "absoluteBoundingBox": {"x": 0, "y": 100, "width": 50, "height": 20}}
                 ]},
                {"id": "9:1", "name": "Badge", "type": "COMPONENT", "children": [],
                 "absoluteBoundingBox": {"x": 500, "y": 0, "width": 8, "height": 8}}
            ]}
        ]}
    });
    handoff_figma::parse_design(json.to_string().as_bytes()).unwrap()
}

const HIDDEN_IDS: [&str; 4] = ["2:1", "2:2", "2:3", "2:4"];

#[test]
fn hidden_subtrees_are_in_no_report() {
    let design = design();
    let scope = Scope::whole(&design);
    let analyzer = Analyzer::new(&design, &scope);

    let project = analyzer.project();
    assert_eq!(project.text_nodes, 1);
    assert_eq!(project.instances, 0);
    assert_eq!(project.nodes, 5, "document, page, screen, title, component");
    assert!(
        project.fonts.iter().all(|f| f.family == "Inter"),
        "{:?}",
        project.fonts
    );
    assert!(
        project
            .colors
            .iter()
            .all(|c| c.hex != "#ABCDEF" && c.hex != "#CCCCCC"),
        "{:?}",
        project.colors
    );

    let tokens = serde_json::to_string(&analyzer.tokens()).unwrap();
    for hidden in ["ABCDEF", "CCCCCC", "Comic Sans", "\"2:2\"", "\"2:3\""] {
        assert!(!tokens.contains(hidden), "{hidden} in {tokens}");
    }

    let compliance = analyzer.compliance(&DesignSystem::Own, &ComplianceOptions::default());
    let health = analyzer.health(&HealthOptions::default());
    for finding in compliance.findings.iter().chain(&health.findings) {
        assert!(
            !HIDDEN_IDS.contains(&finding.node_id.as_str()),
            "finding on a hidden layer: {finding:?}"
        );
    }

    let effort = analyzer.effort();
    let screen = effort.items.iter().find(|i| i.node_id == "1:1").unwrap();
    assert_eq!(
        (
            screen.complexity.nodes,
            screen.complexity.text_layers,
            screen.complexity.interactions,
            screen.complexity.distinct_components
        ),
        (2, 1, 0, 0)
    );

    let relationships = analyzer.relationships(&RelationshipOptions::default());
    assert_eq!(relationships.unused_components, ["9:1"]);
}

#[test]
fn a_layer_asked_for_inside_a_hidden_group_is_hidden_too() {
    let design = design();
    let scope = Scope::of(&design, &["2:2".to_owned()]).unwrap();
    let project = Analyzer::new(&design, &scope).project();
    assert_eq!((project.nodes, project.text_nodes), (0, 0));
}

#[test]
fn real_files_have_no_finding_or_colour_from_hidden_layers() {
    for (name, design) in common::shared_fixtures() {
        // Hidden: the node or an ancestor says `visible: false`.
        let hidden: HashSet<&str> = design
            .nodes
            .iter()
            .filter(|n| !n.visible || design.ancestors(n.index).any(|a| !a.visible))
            .map(|n| n.id.as_str())
            .collect();
        let scope = Scope::whole(&design);
        let analyzer = Analyzer::new(&design, &scope);
        let options = HealthOptions {
            max_findings_per_category: usize::MAX,
            ..HealthOptions::default()
        };
        let compliance = analyzer.compliance(
            &DesignSystem::Own,
            &ComplianceOptions {
                max_findings_per_category: usize::MAX,
                ..ComplianceOptions::default()
            },
        );
        for f in analyzer
            .health(&options)
            .findings
            .iter()
            .chain(&compliance.findings)
        {
            assert!(!hidden.contains(f.node_id.as_str()), "{name}: {f:?}");
        }
        if name == "figma-export-styles.nodes.json" {
            // Its only #1B1F23 is the fill of a hidden style node.
            let project = analyzer.project();
            assert!(
                project.colors.iter().all(|c| c.hex != "#1B1F23"),
                "{:?}",
                project.colors
            );
        }
    }
}
