#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;

use std::collections::BTreeMap;

use handoff_analysis::{AnalysisError, Scope, project_report};

#[test]
fn hand_built_file_has_the_known_counts() {
    let design = common::shop();
    let r = project_report(&design, &Scope::whole(&design));
    assert_eq!(r.nodes, 23);
    assert_eq!(r.max_depth, 5);
    assert_eq!(r.pages, 2);
    assert_eq!(r.frames, 4, "Button, Toggle, Screen, Icon Button");
    assert_eq!(r.components, 4);
    assert_eq!(r.component_sets, 1);
    assert_eq!(r.variants, 2);
    assert_eq!(r.instances, 2);
    assert_eq!(
        r.instances_by_component,
        BTreeMap::from([("1:1".to_owned(), 2)])
    );
    assert_eq!(r.text_nodes, 6);
    assert_eq!(r.image_fills, 1);
    assert_eq!(r.styles_defined, 2);
    assert_eq!(r.styles_used, 2);
    assert_eq!(r.variables_bound, 1);
    let colors: Vec<(&str, u64)> = r.colors.iter().map(|c| (c.hex.as_str(), c.count)).collect();
    assert_eq!(&colors[..2], &[("#FFFFFF", 5), ("#3366CC", 4)]);
    assert!(colors.contains(&("#777777", 1)) && colors.contains(&("#3467CD", 1)));
    let fonts: Vec<(&str, &str, f64, u64)> = r
        .fonts
        .iter()
        .map(|f| (f.family.as_str(), f.style.as_str(), f.size, f.count))
        .collect();
    assert_eq!(
        fonts,
        vec![("Inter", "Medium", 16.0, 4), ("Inter", "Regular", 16.0, 2)]
    );
}

#[test]
fn a_frame_copying_a_component_is_reported_as_detached_and_instances_count_toward_reuse() {
    let design = common::shop();
    let r = project_report(&design, &Scope::whole(&design));
    assert_eq!(r.detached_copies.len(), 1, "{:?}", r.detached_copies);
    let d = &r.detached_copies[0];
    assert_eq!(
        (d.node_id.as_str(), d.component_id.as_str()),
        ("3:5", "1:1")
    );
    // 2 instances, 1 detached copy.
    assert_eq!(r.component_reuse_rate, 0.67);
}

#[test]
fn a_subtree_scope_counts_only_that_subtree_with_depth_relative_to_it() {
    let design = common::shop();
    let scope = Scope::of(&design, &["3:0".to_owned()]).unwrap();
    let r = project_report(&design, &scope);
    assert_eq!(r.nodes, 11);
    assert_eq!(r.max_depth, 3);
    assert_eq!(r.pages, 0);
    assert_eq!(r.frames, 1);
    assert_eq!(r.components, 0);
    assert_eq!(r.instances, 2);
    // Overlapping ids are counted once.
    let overlapping = Scope::of(&design, &["3:0".to_owned(), "3:5".to_owned()]).unwrap();
    assert_eq!(project_report(&design, &overlapping).nodes, 11);
    // Ids as figma.com links spell them.
    let linked = Scope::of(&design, &["3-0".to_owned()]).unwrap();
    assert_eq!(project_report(&design, &linked).nodes, 11);
}

#[test]
fn an_unknown_node_id_is_a_clear_error() {
    let design = common::shop();
    let err = Scope::of(&design, &["9:9".to_owned()]).unwrap_err();
    assert_eq!(err, AnalysisError::UnknownNode("9:9".to_owned()));
    assert!(err.to_string().contains("9:9"));
}

#[test]
fn real_fixtures_match_the_published_node_counts_and_depths() {
    // From /work/shared/fixtures/figma/SOURCES.md (nodes, depth with the root at 1).
    let expected: BTreeMap<&str, (u64, u64)> = BTreeMap::from([
        ("code-connect-wizard-demo.file.json", (28, 5)),
        ("framelink-oddit.nodes.json", (18, 5)),
        ("figma-export-styles.nodes.json", (31, 1)),
        ("code-connect-many-components.file.json", (199, 4)),
        ("telegram-bot-builder-izum.nodes.json", (77, 3)),
        ("figmagic-design-system.file.json", (1205, 10)),
        ("yol-project.nodes.json", (640, 12)),
        ("figma-export-octicons.file.json", (1168, 9)),
    ]);
    for (name, design) in common::shared_fixtures() {
        let &(nodes, depth) = expected.get(name.as_str()).unwrap();
        // The parse keeps every object; the report counts the shown ones (hidden layers and
        // everything inside them are left out, see tests/hidden.rs).
        let hidden = design
            .nodes
            .iter()
            .filter(|n| !n.visible || design.ancestors(n.index).any(|a| !a.visible))
            .count() as u64;
        let parsed_depth = design.nodes.iter().map(|n| n.depth).max().unwrap_or(0);
        assert_eq!(
            (design.nodes.len() as u64, u64::from(parsed_depth) + 1),
            (nodes, depth),
            "{name}"
        );
        let r = project_report(&design, &Scope::whole(&design));
        assert_eq!(r.nodes, nodes - hidden, "{name}");
        assert!(r.max_depth <= depth, "{name}");
    }
}

#[test]
fn markdown_keeps_the_legacy_heading() {
    let design = common::shop();
    let md = project_report(&design, &Scope::whole(&design)).to_markdown();
    assert!(md.starts_with("# Project Analysis Results\n"), "{md}");
    assert!(md.contains("| Components | 4 |"));
}

#[test]
fn an_empty_design_reports_zeros() {
    let design = handoff_figma::Design::default();
    let r = project_report(&design, &Scope::whole(&design));
    assert_eq!((r.nodes, r.max_depth, r.component_reuse_rate), (0, 0, 0.0));
}

/// Issue 21, defect 3: faces are told apart by weight and style even when Figma sends no
/// `fontStyle` (files before 2020 send only `fontPostScriptName`, `fontWeight` and `italic`),
/// and per-character override runs are entries of their own.
#[test]
fn fonts_keep_weight_and_style_and_list_override_runs() {
    let text = |id: &str, style: serde_json::Value, extra: serde_json::Value| {
        let mut node = serde_json::json!({
            "id": id, "name": id, "type": "TEXT", "characters": "Hello world", "style": style
        });
        if let (Some(node), Some(extra)) = (node.as_object_mut(), extra.as_object()) {
            node.extend(extra.clone());
        }
        node
    };
    let regular = serde_json::json!({"fontFamily": "Helvetica Neue", "fontPostScriptName": "HelveticaNeue", "fontWeight": 400, "fontSize": 16});
    let bold = serde_json::json!({"fontFamily": "Helvetica Neue", "fontPostScriptName": "HelveticaNeue-Bold", "fontWeight": 700, "fontSize": 16});
    let json = serde_json::json!({"name": "fonts", "document": {"id": "0:0", "name": "D", "type": "DOCUMENT", "children": [
        {"id": "0:1", "name": "P", "type": "CANVAS", "children": [
            text("1:1", regular.clone(), serde_json::json!({})),
            text("1:2", bold, serde_json::json!({})),
            // "Hello " regular, "world" italic through an override run; the unused entry 2 and
            // the colour-only entry 3 (applied to nothing new) add no face.
            text("1:3", regular, serde_json::json!({
                "characterStyleOverrides": [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 3],
                "styleOverrideTable": {
                    "1": {"fontFamily": "Helvetica Neue", "fontPostScriptName": "HelveticaNeue-Italic", "italic": true, "fontWeight": 400},
                    "2": {"fontSize": 40},
                    "3": {"fills": [{"type": "SOLID", "color": {"r": 1, "g": 0, "b": 0, "a": 1}}]}
                }
            })),
        ]}
    ]}});
    let design = handoff_figma::parse_design(json.to_string().as_bytes()).unwrap();
    let r = project_report(&design, &Scope::whole(&design));
    let fonts: Vec<(&str, &str, f64, bool, f64, u64, u64)> = r
        .fonts
        .iter()
        .map(|f| {
            (
                f.family.as_str(),
                f.style.as_str(),
                f.weight,
                f.italic,
                f.size,
                f.count,
                f.runs,
            )
        })
        .collect();
    assert_eq!(
        fonts,
        vec![
            ("Helvetica Neue", "Regular", 400.0, false, 16.0, 2, 0),
            ("Helvetica Neue", "Italic", 400.0, true, 16.0, 1, 1),
            ("Helvetica Neue", "Bold", 700.0, false, 16.0, 1, 0),
        ]
    );
    assert!(
        r.to_markdown()
            .contains("| Helvetica Neue | Bold | 700 | 16 | 1 | 0 |"),
        "{}",
        r.to_markdown()
    );
}
