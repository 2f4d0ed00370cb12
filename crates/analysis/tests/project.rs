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
        let r = project_report(&design, &Scope::whole(&design));
        assert_eq!(
            Some(&(r.nodes, r.max_depth)),
            expected.get(name.as_str()),
            "{name}"
        );
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
