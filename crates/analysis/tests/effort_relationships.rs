#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;

use std::num::NonZeroU32;

use handoff_analysis::{RelationshipOptions, Scope, effort_report, relationships_report};

#[test]
fn effort_has_one_item_per_frame_and_component_with_fibonacci_points() {
    let design = common::shop();
    let r = effort_report(&design, &Scope::whole(&design));
    let ids: Vec<&str> = r.items.iter().map(|i| i.node_id.as_str()).collect();
    assert_eq!(ids, ["1:1", "2:0", "3:0", "4:0"]);
    let toggle = &r.items[1];
    assert_eq!(
        (
            toggle.complexity.properties,
            toggle.complexity.variants,
            toggle.complexity.nodes
        ),
        (1, 2, 5)
    );
    let button = &r.items[0];
    assert_eq!(button.complexity.interactions, 1);
    assert!(
        button
            .estimate
            .drivers
            .contains(&"1 interaction × 0.5 h = 0.5 h".to_owned()),
        "{:?}",
        button.estimate.drivers
    );
    let screen = &r.items[2];
    assert_eq!(screen.complexity.distinct_components, 1);
    assert_eq!(
        r.total_story_points,
        r.items
            .iter()
            .map(|i| u64::from(i.estimate.story_points))
            .sum::<u64>()
    );
    assert!(r.to_markdown().contains("| Button (`1:1`) | COMPONENT |"));
}

#[test]
fn effort_for_a_requested_node_estimates_that_node() {
    let design = common::shop();
    let scope = Scope::of(&design, &["3:5".to_owned()]).unwrap();
    let r = effort_report(&design, &scope);
    assert_eq!(r.items.len(), 1);
    assert_eq!(r.items[0].complexity.nodes, 2);
}

#[test]
fn relationships_link_components_instances_and_frames() {
    let design = common::shop();
    let r = relationships_report(&design, &Scope::whole(&design), &Default::default());
    let button = r
        .components
        .iter()
        .find(|c| c.component_id == "1:1")
        .unwrap();
    assert!(button.local);
    assert_eq!(button.instance_count, 2);
    assert_eq!(button.instance_ids, ["3:1", "3:3"]);
    assert_eq!(button.used_in_frames, ["3:0"]);
    assert_eq!(r.unused_components, ["2:1", "2:2", "4:0"]);
    assert_eq!(r.frames.len(), 1);
    assert_eq!(r.frames[0].components.get("1:1"), Some(&2));
    assert_eq!(r.max_instance_nesting, 1);
    assert_eq!(r.max_depth, 5);
    assert!(r.mermaid.starts_with("graph LR\n"));
    assert!(r.mermaid.contains("-->|2|"), "{}", r.mermaid);
    assert!(r.to_markdown().contains("```mermaid"));
}

#[test]
fn mermaid_labels_cannot_break_the_diagram() {
    let json = br#"{"name":"x","document":{"id":"0:0","name":"D","type":"DOCUMENT","children":[{"id":"0:1","name":"P","type":"CANVAS","children":[
        {"id":"1:1","name":"Evil\"] --> x[\"","type":"COMPONENT","children":[]},
        {"id":"2:1","name":"Frame \"quoted\"","type":"FRAME","children":[{"id":"2:2","name":"i","type":"INSTANCE","componentId":"1:1","children":[]}]}]}]}}"#;
    let design = handoff_figma::parse_design(json).unwrap();
    let r = relationships_report(&design, &Scope::whole(&design), &Default::default());
    for line in r.mermaid.lines().skip(1) {
        let quotes = line.matches('"').count();
        assert!(quotes % 2 == 0 && !line.contains("\"]  -->"), "{line}");
    }
    assert!(r.mermaid.contains("#quot;"));
}

/// Screen → A; A's definition holds an instance of B, B's one of C; D is a definition nothing
/// uses; X and Y hold instances of each other (Figma forbids it, a hand-made file may not).
const NESTED: &[u8] = br#"{"name":"nested","document":{"id":"0:0","name":"D","type":"DOCUMENT","children":[{"id":"0:1","name":"P","type":"CANVAS","children":[
    {"id":"1:1","name":"A","type":"COMPONENT","children":[{"id":"1:2","name":"b","type":"INSTANCE","componentId":"2:1","children":[]}]},
    {"id":"2:1","name":"B","type":"COMPONENT","children":[{"id":"2:2","name":"c","type":"INSTANCE","componentId":"3:1","children":[]}]},
    {"id":"3:1","name":"C","type":"COMPONENT","children":[]},
    {"id":"4:1","name":"D","type":"COMPONENT","children":[]},
    {"id":"5:1","name":"X","type":"COMPONENT","children":[{"id":"5:2","name":"y","type":"INSTANCE","componentId":"6:1","children":[]}]},
    {"id":"6:1","name":"Y","type":"COMPONENT","children":[{"id":"6:2","name":"x","type":"INSTANCE","componentId":"5:1","children":[]}]},
    {"id":"9:1","name":"Screen","type":"FRAME","children":[{"id":"9:2","name":"a","type":"INSTANCE","componentId":"1:1","children":[]}]}]}]}}"#;

fn levels(r: &handoff_analysis::RelationshipsReport) -> Vec<(&str, u32)> {
    r.components
        .iter()
        .map(|c| (c.component_id.as_str(), c.level))
        .collect()
}

#[test]
fn component_levels_count_definitions_from_the_screens() {
    let design = handoff_figma::parse_design(NESTED).unwrap();
    let r = relationships_report(&design, &Scope::whole(&design), &Default::default());
    assert_eq!(
        levels(&r),
        [
            ("1:1", 1),
            ("2:1", 2),
            ("3:1", 3),
            ("4:1", 1),
            ("5:1", 1),
            ("6:1", 2)
        ]
    );
    assert_eq!((r.graph_depth, r.components_beyond_depth), (None, 0));
    assert!(r.mermaid.contains("c1 -.-> c2"), "{}", r.mermaid);
    assert!(!r.mermaid.contains("more edges"), "{}", r.mermaid);
}

#[test]
fn depth_limits_the_graph_and_says_what_it_left_out() {
    let design = handoff_figma::parse_design(NESTED).unwrap();
    let options = RelationshipOptions {
        depth: NonZeroU32::new(2),
    };
    let r = relationships_report(&design, &Scope::whole(&design), &options);
    assert_eq!(
        levels(&r),
        [("1:1", 1), ("2:1", 2), ("4:1", 1), ("5:1", 1), ("6:1", 2)]
    );
    assert_eq!((r.graph_depth, r.components_beyond_depth), (Some(2), 1));
    // Edges between shown components are drawn (A → B, X ⇄ Y); the two into C (B's definition,
    // a top-level frame, uses it; and B's nesting edge) are not, and are counted.
    assert!(r.mermaid.contains("c0 -.-> c1"), "{}", r.mermaid);
    assert!(r.mermaid.contains("c3 -.-> c4"), "{}", r.mermaid);
    assert!(!r.mermaid.contains("3:1"), "{}", r.mermaid);
    assert!(
        r.mermaid.contains("%% 2 more edges not drawn"),
        "{}",
        r.mermaid
    );
    // Instance counts stay whole: C's instance is still counted in B's definition.
    assert_eq!(r.components[1].uses_components, ["3:1"]);
    assert!(
        r.to_markdown()
            .contains("Component graph to depth 2: 1 deeper components not shown.")
    );

    let shallow = RelationshipOptions {
        depth: NonZeroU32::new(1),
    };
    let r = relationships_report(&design, &Scope::whole(&design), &shallow);
    assert_eq!(levels(&r), [("1:1", 1), ("4:1", 1), ("5:1", 1)]);
    assert_eq!(r.components_beyond_depth, 3);
}

/// A SECTION holding `frames` screens, each with a title, three instances of a button with an
/// interaction, and a few layers.
fn section_of(frames: usize) -> handoff_figma::Design {
    let screens: Vec<serde_json::Value> = (0..frames)
        .map(|i| {
            let instances: Vec<serde_json::Value> = (0..3)
                .map(|j| {
                    serde_json::json!({"id": format!("{i}:{j}b"), "name": "Button", "type": "INSTANCE",
                     "componentId": "9:1", "children": [],
                     "interactions": [{"trigger": {"type": "ON_CLICK"}, "actions": [{"type": "NODE", "destinationId": "9:9", "navigation": "NAVIGATE"}]}]})
                })
                .collect();
            let mut children = vec![serde_json::json!({"id": format!("{i}:t"), "name": "Title", "type": "TEXT", "characters": "Title"})];
            children.extend(instances);
            serde_json::json!({"id": format!("{i}:0"), "name": format!("Screen {i}"), "type": "FRAME",
             "absoluteBoundingBox": {"x": 0, "y": i * 900, "width": 375, "height": 812},
             "children": children})
        })
        .collect();
    let json = serde_json::json!({"name": "flows", "document": {"id": "0:0", "name": "D", "type": "DOCUMENT", "children": [
        {"id": "0:1", "name": "P", "type": "CANVAS", "children": [
            {"id": "5:0", "name": "Checkout flow", "type": "SECTION",
             "absoluteBoundingBox": {"x": 0, "y": 0, "width": 2120, "height": 10677},
             "children": screens}
        ]}
    ]}});
    handoff_figma::parse_design(json.to_string().as_bytes()).unwrap()
}

/// Issue 21, defect 12: a section's estimate grows with the screens, components, interactions and
/// text inside it, and says how much each contributed.
#[test]
fn a_large_section_is_estimated_from_what_it_contains() {
    let estimate_of = |frames: usize| {
        let design = section_of(frames);
        let r = effort_report(&design, &Scope::whole(&design));
        let item = r.items.into_iter().find(|i| i.node_id == "5:0").unwrap();
        (item.complexity, item.estimate)
    };
    let (one, small) = estimate_of(1);
    let (many, large) = estimate_of(23);
    assert_eq!((one.frames, many.frames), (1, 23));
    assert_eq!(
        (
            many.text_layers,
            many.interactions,
            many.distinct_components
        ),
        (23, 69, 1)
    );
    assert!(
        large.story_points > small.story_points,
        "{small:?} {large:?}"
    );
    assert!(large.story_points >= 21, "{large:?}");
    assert!(large.hours_min >= 23 * 2, "{large:?}");
    // The reasoning lists what each count added, and adds up to the estimate.
    assert!(
        large.drivers.iter().any(|d| d == "23 frames × 2 h = 46 h"),
        "{:?}",
        large.drivers
    );
    assert!(
        large
            .drivers
            .iter()
            .any(|d| d.starts_with("69 interactions × ")),
        "{:?}",
        large.drivers
    );
    let total: f64 = large.contributions.iter().map(|c| c.hours).sum();
    assert!(
        f64::from(large.hours_min) <= total && total <= f64::from(large.hours_max),
        "{total} {large:?}"
    );
}

#[test]
fn one_story_point_reads_singular_in_the_report() {
    let json = br#"{"name":"x","document":{"id":"0:0","name":"D","type":"DOCUMENT","children":[{"id":"0:1","name":"P","type":"CANVAS","children":[
        {"id":"1:1","name":"Dot","type":"COMPONENT","children":[]}]}]}}"#;
    let design = handoff_figma::parse_design(json).unwrap();
    let md = effort_report(&design, &Scope::whole(&design)).to_markdown();
    assert!(
        md.contains("**Total**: 1 story point, 1–2 hours over 1 item\n"),
        "{md}"
    );
}
