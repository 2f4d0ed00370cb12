//! Text contrast against the background Figma really paints: older `background` fields, page
//! colours, opacity, and image or gradient backgrounds (issue 21, defect 1).
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;

use handoff_analysis::{Finding, HealthOptions, Scope, Severity, health_report};
use serde_json::{Value, json};

fn solid(r: f64, g: f64, b: f64) -> Value {
    json!({"type": "SOLID", "color": {"r": r, "g": g, "b": b, "a": 1.0}})
}

fn bounds(x: f64, y: f64, w: f64, h: f64) -> Value {
    json!({"x": x, "y": y, "width": w, "height": h})
}

fn text(id: &str, fill: Value) -> Value {
    json!({
        "id": id, "name": "Label", "type": "TEXT", "characters": "Nine forty-one",
        "style": {"fontFamily": "Helvetica Neue", "fontSize": 14, "fontWeight": 400},
        "fills": [fill],
        "absoluteBoundingBox": bounds(10.0, 10.0, 100.0, 20.0)
    })
}

/// A whole file with one page of `children` on a page painted `page_colour`.
fn file(page_colour: Value, children: Vec<Value>) -> handoff_figma::Design {
    let json = json!({
        "name": "contrast", "lastModified": "2018-06-01T10:00:00Z",
        "document": {"id": "0:0", "name": "Document", "type": "DOCUMENT", "children": [
            {"id": "0:1", "name": "Page 1", "type": "CANVAS", "backgroundColor": page_colour,
             "children": children}
        ]}
    });
    handoff_figma::parse_design(json.to_string().as_bytes()).unwrap()
}

fn contrast_findings(design: &handoff_figma::Design, node_id: &str) -> Vec<Finding> {
    let options = HealthOptions {
        max_findings_per_category: usize::MAX,
        ..HealthOptions::default()
    };
    health_report(design, &Scope::whole(design), &options)
        .findings
        .into_iter()
        .filter(|f| f.node_id == node_id && f.found.contains("contrast"))
        .collect()
}

#[test]
fn white_text_on_a_2018_frame_background_passes() {
    // 2018-era frames paint with `background` / `backgroundColor` and send no `fills`.
    let design = file(
        json!({"r": 1.0, "g": 1.0, "b": 1.0, "a": 1.0}),
        vec![json!({
            "id": "1:1", "name": "Status Bar", "type": "FRAME",
            "background": [solid(0.0, 0.0, 0.0)],
            "backgroundColor": {"r": 0.0, "g": 0.0, "b": 0.0, "a": 1.0},
            "absoluteBoundingBox": bounds(0.0, 0.0, 375.0, 44.0),
            "children": [text("1:2", solid(1.0, 1.0, 1.0))]
        })],
    );
    assert_eq!(contrast_findings(&design, "1:2"), []);

    // The same frame with only `backgroundColor` (no `background` list) is read the same way.
    let design = file(
        json!({"r": 1.0, "g": 1.0, "b": 1.0, "a": 1.0}),
        vec![json!({
            "id": "1:1", "name": "Status Bar", "type": "GROUP",
            "backgroundColor": {"r": 0.0, "g": 0.0, "b": 0.0, "a": 1.0},
            "absoluteBoundingBox": bounds(0.0, 0.0, 375.0, 44.0),
            "children": [text("1:2", solid(0.3, 0.3, 0.3))]
        })],
    );
    let found = contrast_findings(&design, "1:2");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0]
            .found
            .contains("on #000000 from group 'Status Bar'"),
        "{}",
        found[0].found
    );
}

#[test]
fn black_text_on_a_black_page_fails_and_names_the_page_background() {
    let design = file(
        json!({"r": 0.0, "g": 0.0, "b": 0.0, "a": 1.0}),
        vec![text("1:2", solid(0.0, 0.0, 0.0))],
    );
    let found = contrast_findings(&design, "1:2");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].severity, Severity::Error);
    assert!(
        found[0].found.contains("1.00:1")
            && found[0]
                .found
                .contains("#000000 on #000000 from the page background ('Page 1')"),
        "{}",
        found[0].found
    );
}

#[test]
fn text_over_an_image_is_unknown_not_a_failure_against_white() {
    let photo = json!({
        "id": "1:2", "name": "Photo", "type": "RECTANGLE",
        "fills": [{"type": "IMAGE", "imageRef": "abc", "scaleMode": "FILL"}],
        "absoluteBoundingBox": bounds(0.0, 0.0, 375.0, 200.0)
    });
    let design = file(
        json!({"r": 1.0, "g": 1.0, "b": 1.0, "a": 1.0}),
        vec![json!({
            "id": "1:1", "name": "Hero", "type": "FRAME", "fills": [solid(1.0, 1.0, 1.0)],
            "absoluteBoundingBox": bounds(0.0, 0.0, 375.0, 200.0),
            // Light grey text: a failure if it were measured against white.
            "children": [photo, text("1:3", solid(0.9, 0.9, 0.9))]
        })],
    );
    let found = contrast_findings(&design, "1:3");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].severity, Severity::Info);
    assert!(
        found[0]
            .found
            .contains("contrast unknown: text over an image fill of rectangle 'Photo'"),
        "{}",
        found[0].found
    );

    // A gradient frame behind the text is unknown too.
    let design = file(
        json!({"r": 1.0, "g": 1.0, "b": 1.0, "a": 1.0}),
        vec![json!({
            "id": "1:1", "name": "Banner", "type": "FRAME",
            "fills": [{"type": "GRADIENT_LINEAR", "gradientStops": []}],
            "absoluteBoundingBox": bounds(0.0, 0.0, 375.0, 200.0),
            "children": [text("1:3", solid(0.9, 0.9, 0.9))]
        })],
    );
    let found = contrast_findings(&design, "1:3");
    assert!(
        found.len() == 1 && found[0].found.contains("gradient fill of frame 'Banner'"),
        "{found:?}"
    );
}

#[test]
fn node_and_paint_opacity_are_composited_like_figma() {
    // A black frame at 50 % layer opacity on a white page shows as #808080 behind the text, and
    // the white text inside it is white (opacity mixes white with white).
    let design = file(
        json!({"r": 1.0, "g": 1.0, "b": 1.0, "a": 1.0}),
        vec![json!({
            "id": "1:1", "name": "Scrim", "type": "FRAME", "opacity": 0.5,
            "fills": [solid(0.0, 0.0, 0.0)],
            "absoluteBoundingBox": bounds(0.0, 0.0, 375.0, 200.0),
            "children": [text("1:2", solid(1.0, 1.0, 1.0))]
        })],
    );
    let found = contrast_findings(&design, "1:2");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].found.contains("#FFFFFF on #808080"),
        "{}",
        found[0].found
    );

    // Paint opacity 50 % and a translucent sibling: black text at 50 % paint opacity over a
    // black page is still black on black.
    let mut half_black = solid(0.0, 0.0, 0.0);
    half_black["opacity"] = json!(0.5);
    let design = file(
        json!({"r": 0.0, "g": 0.0, "b": 0.0, "a": 1.0}),
        vec![text("1:2", half_black)],
    );
    let found = contrast_findings(&design, "1:2");
    assert!(
        found.len() == 1 && found[0].found.contains("#000000 on #000000"),
        "{found:?}"
    );
}

#[test]
fn nothing_behind_is_said_to_be_assumed_white() {
    // A nodes response: the frame is the root, nothing is known behind it.
    let json =
        json!({"name": "n", "nodes": {"1:1": {"document": text("1:1", solid(0.6, 0.6, 0.6))}}});
    let design = handoff_figma::parse_design(json.to_string().as_bytes()).unwrap();
    let found = contrast_findings(&design, "1:1");
    assert!(
        found.len() == 1
            && found[0]
                .found
                .contains("on #FFFFFF (assumed white: nothing behind)"),
        "{found:?}"
    );
}

/// The oldest real files: every contrast failure names the background it used, none claims a
/// white page where the file paints one, and the counts are printed for the record
/// (`cargo nextest run -p handoff-analysis --test contrast --no-capture`).
#[test]
fn real_files_name_the_background_of_every_failure() {
    for (name, design) in common::shared_fixtures() {
        let options = HealthOptions {
            max_findings_per_category: usize::MAX,
            ..HealthOptions::default()
        };
        let r = health_report(&design, &Scope::whole(&design), &options);
        let contrast: Vec<&Finding> = r
            .findings
            .iter()
            .filter(|f| f.found.starts_with("contrast"))
            .collect();
        let failures = contrast
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count();
        let unknown = contrast.len() - failures;
        let assumed = contrast
            .iter()
            .filter(|f| f.found.contains("assumed white"))
            .count();
        println!(
            "{name}: {failures} contrast failures, {unknown} unknown, {assumed} on assumed white"
        );
        for f in &contrast {
            assert!(
                f.found.contains(" from ")
                    || f.found.contains("assumed white: nothing behind")
                    || f.found.starts_with("contrast unknown"),
                "{name}: {}",
                f.found
            );
            assert!(!f.found.contains("page assumed white"), "{}", f.found);
        }
        // A whole file has pages with colours: nothing there is on an assumed white page.
        if design.source == Some(handoff_figma::DesignSource::File) {
            assert_eq!(assumed, 0, "{name}");
        }
    }
}
