#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;

use handoff_analysis::{Scope, effort_report, relationships_report};

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
    assert_eq!(
        button.estimate.story_points, 2,
        "one interaction adds a point"
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
    let r = relationships_report(&design, &Scope::whole(&design));
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
    let r = relationships_report(&design, &Scope::whole(&design));
    for line in r.mermaid.lines().skip(1) {
        let quotes = line.matches('"').count();
        assert!(quotes % 2 == 0 && !line.contains("\"]  -->"), "{line}");
    }
    assert!(r.mermaid.contains("#quot;"));
}
