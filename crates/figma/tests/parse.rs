#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Parsing real fixtures and hostile input.

use std::path::PathBuf;

use handoff_figma::{
    NodeType, ParseError, Response, parse_design, parse_design_with_progress, parse_response,
};

fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/figma")
}

fn fixtures() -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(fixture_dir())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            (
                path.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&path).unwrap(),
            )
        })
        .collect()
}

/// Counts nodes the slow, obvious way (serde_json::Value) to check the arena.
fn count_nodes(value: &serde_json::Value) -> usize {
    let mut stack = vec![value];
    let mut count = 0;
    while let Some(node) = stack.pop() {
        count += 1;
        if let Some(children) = node.get("children").and_then(|c| c.as_array()) {
            stack.extend(children.iter());
        }
    }
    count
}

#[test]
fn every_fixture_parses_into_a_consistent_pre_order_arena() {
    for (name, bytes) in fixtures() {
        let design = parse_design(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        let value: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        let roots: Vec<&serde_json::Value> = match value.get("document") {
            Some(document) => vec![document],
            None => value["nodes"]
                .as_object()
                .unwrap()
                .values()
                .map(|entry| &entry["document"])
                .collect(),
        };
        assert_eq!(
            design.roots.len(),
            roots.len(),
            "{name}: one root per document"
        );
        let expected: usize = roots.iter().map(|root| count_nodes(root)).sum();
        assert_eq!(design.nodes.len(), expected, "{name}: node count");
        for (position, node) in design.nodes.iter().enumerate() {
            assert_eq!(node.index as usize, position, "{name}");
            for &child in &node.children {
                let child = &design.nodes[child as usize];
                assert_eq!(child.parent, Some(node.index), "{name}");
                assert_eq!(child.depth, node.depth + 1, "{name}");
                assert!(child.index > node.index, "{name}: pre-order");
            }
            if let Some(parent) = node.parent {
                assert!(
                    design.nodes[parent as usize].children.contains(&node.index),
                    "{name}"
                );
            }
        }
    }
}

#[test]
fn nodes_response_yields_every_requested_id() {
    let bytes = std::fs::read(fixture_dir().join("figma-export-styles.nodes.json")).unwrap();
    let Response::Nodes(design) = parse_response(&bytes).unwrap() else {
        panic!("not a nodes response")
    };
    assert_eq!(design.roots.len(), 31);
}

#[test]
fn modern_fields_are_typed() {
    let bytes = std::fs::read(fixture_dir().join("yol-project.nodes.json")).unwrap();
    let design = parse_design(&bytes).unwrap();
    assert!(design.nodes.iter().any(|n| !n.bound_variables.is_empty()));
    assert!(
        design
            .nodes
            .iter()
            .any(|n| !n.component_properties.is_empty())
    );
    assert!(
        design
            .nodes
            .iter()
            .any(|n| !n.extras.interactions.is_empty())
    );
    assert!(design.nodes.iter().any(|n| {
        n.text
            .as_ref()
            .is_some_and(|t| !t.character_style_overrides.is_empty())
    }));
    assert!(!design.component_sets.is_empty());
    assert!(
        design
            .nodes
            .iter()
            .all(|n| !matches!(n.node_type, NodeType::Other(_)))
    );
}

#[test]
fn ten_thousand_levels_parse_walk_and_drop() {
    let depth = 10_000;
    let mut json = String::from(r#"{"name":"deep","document":"#);
    for level in 0..depth {
        json.push_str(&format!(
            r#"{{"id":"{level}:0","name":"n","type":"FRAME","children":["#
        ));
    }
    for _ in 0..depth {
        json.push_str("]}");
    }
    json.push('}');
    let design = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || {
            let design = parse_design(json.as_bytes()).unwrap();
            let deepest = design.nodes.iter().map(|n| n.depth).max();
            assert_eq!(deepest, Some(depth - 1));
            assert_eq!(design.subtree(0).len(), depth as usize);
            design.nodes.len()
        })
        .unwrap()
        .join()
        .unwrap();
    assert_eq!(design, depth as usize);
}

#[test]
fn truncated_input_is_a_syntax_error_with_offset() {
    let bytes = std::fs::read(fixture_dir().join("framelink-oddit.nodes.json")).unwrap();
    let cut = &bytes[..bytes.len() / 2];
    let error = parse_design(cut).unwrap_err();
    assert!(matches!(error, ParseError::Syntax { .. }), "{error}");
    // The offset is that of the last byte read when the problem was detected.
    assert_eq!(error.offset(), Some(cut.len() - 1));
}

#[test]
fn wrong_type_names_the_path_and_offset() {
    let json = br#"{"document":{"id":"0:0","name":"D","type":"DOCUMENT","children":[{"id":"1:1","name":"x","type":"FRAME","opacity":"half"}]}}"#;
    let error = parse_design(json).unwrap_err();
    assert_eq!(
        error.path(),
        Some("$.document.children[0].opacity"),
        "{error}"
    );
    let offset = error.offset().unwrap();
    assert!(json[..=offset].ends_with(br#""opacity":"half""#), "{error}");
}

#[test]
fn equal_paints_styles_and_layouts_are_shared_and_distinct_ones_kept_apart() {
    let text = |id: &str, color: &str, size: u32| {
        format!(
            r#"{{"id":"{id}","name":"T","type":"TEXT","characters":"x",
            "fills":[{{"type":"SOLID","color":{{"r":{color},"g":0,"b":0,"a":1}}}}],
            "effects":[{{"type":"DROP_SHADOW","radius":{size}}}],
            "style":{{"fontFamily":"Inter","fontSize":{size}}},
            "layoutAlign":"INHERIT","layoutGrow":{size}}}"#
        )
    };
    let json = format!(
        r#"{{"document":{{"id":"0:0","name":"D","type":"DOCUMENT","children":[{},{},{}]}}}}"#,
        text("1:1", "1", 12),
        text("1:2", "1", 12),
        text("1:3", "0.5", 14)
    );
    let design = parse_design(json.as_bytes()).unwrap();
    let [_, a, b, c] = &design.nodes[..] else {
        panic!("four nodes expected");
    };
    let (a_text, b_text, c_text) = (
        a.text.as_deref().unwrap(),
        b.text.as_deref().unwrap(),
        c.text.as_deref().unwrap(),
    );
    assert!(a.fills.shares_with(&b.fills) && a.effects.shares_with(&b.effects));
    assert!(a_text.style.shares_with(&b_text.style));
    assert!(a.layout.shares_with(&b.layout) && a.layout.is_set());
    assert!(!a.fills.shares_with(&c.fills) && !a.effects.shares_with(&c.effects));
    assert!(!a_text.style.shares_with(&c_text.style));
    assert!(!a.layout.shares_with(&c.layout));
    assert_eq!(a.fills[0].color.unwrap().r, 1.0);
    assert_eq!(c.fills[0].color.unwrap().r, 0.5);
    assert_eq!(c_text.style.font_size, Some(14.0));
    assert_eq!(c.effects[0].radius, 14.0);
    assert_eq!(c.layout.layout_grow, Some(14.0));
    // Sharing changes no value: the same node without siblings parses equal.
    let alone = format!(
        r#"{{"document":{{"id":"0:0","name":"D","type":"DOCUMENT","children":[{}]}}}}"#,
        text("1:3", "0.5", 14)
    );
    let mut alone = parse_design(alone.as_bytes()).unwrap().nodes.remove(1);
    assert_eq!(alone.index, 1);
    alone.index = c.index;
    assert_eq!(alone, *c);
}

#[test]
fn an_error_inside_a_repeated_paint_or_style_names_its_path() {
    // The first sighting of each value is fine; the broken one differs in
    // one field, so it is parsed (not shared) and reported where it is.
    let node = |id: &str, fills: &str, style: &str| {
        format!(r#"{{"id":"{id}","type":"TEXT","fills":{fills},"style":{style}}}"#)
    };
    let good_fills = r#"[{"type":"SOLID","opacity":0.5}]"#;
    let good_style = r#"{"fontSize":12}"#;
    for (fills, style, path, at) in [
        (
            r#"[{"type":"SOLID","opacity":"half"}]"#,
            good_style,
            "$.document.children[1].fills[0].opacity",
            r#""opacity":"half""#,
        ),
        (
            good_fills,
            r#"{"fontSize":"big"}"#,
            "$.document.children[1].style.fontSize",
            r#""fontSize":"big""#,
        ),
    ] {
        let json = format!(
            r#"{{"document":{{"id":"0:0","type":"DOCUMENT","children":[{},{}]}}}}"#,
            node("1:1", good_fills, good_style),
            node("1:2", fills, style)
        );
        let error = parse_design(json.as_bytes()).unwrap_err();
        assert_eq!(error.path(), Some(path), "{error}");
        let offset = error.offset().unwrap();
        assert!(
            json.as_bytes()[..=offset].ends_with(at.as_bytes()),
            "{error}"
        );
    }
}

/// A file large enough to be parsed on two threads (see `parse::split`).
fn big_file(frames: usize, frame: impl Fn(usize) -> String) -> String {
    let frames: Vec<String> = (0..frames).map(frame).collect();
    format!(
        r#"{{"name":"Big","document":{{"id":"0:0","type":"DOCUMENT","children":[{{"id":"0:1","name":"Page","type":"CANVAS","children":[{}]}}]}}}}"#,
        frames.join(",")
    )
}

#[test]
fn errors_in_the_second_half_of_a_large_file_are_located_as_in_a_small_one() {
    let frames = |bad: usize| {
        big_file(150_000, |n| {
            let opacity = if n == bad { r#""half""# } else { "0.5" };
            format!(
                r#"{{"id":"1:{n}","name":"F","type":"FRAME","opacity":{opacity},"children":[{{"id":"2:{n}","name":"T","type":"TEXT"}}]}}"#
            )
        })
    };
    let json = frames(140_000);
    assert!(json.len() > 8 << 20);
    let error = parse_design(json.as_bytes()).unwrap_err();
    assert_eq!(
        error.path(),
        Some("$.document.children[0].children[140000].opacity"),
        "{error}"
    );
    let offset = error.offset().unwrap();
    assert!(
        json.as_bytes()[..=offset].ends_with(br#""opacity":"half""#),
        "{error}"
    );

    // A syntax error there too.
    let broken = frames(usize::MAX).replacen(r#"{"id":"1:149000","#, r#"{"id":"1:149000",,"#, 1);
    let error = parse_design(broken.as_bytes()).unwrap_err();
    assert!(matches!(error, ParseError::Syntax { .. }), "{error}");
    let offset = error.offset().unwrap();
    assert!(
        broken.as_bytes()[..=offset].ends_with(br#""1:149000",,"#),
        "{error}"
    );
}

#[test]
fn a_large_file_parses_whole_whatever_its_key_order() {
    // Ids after other keys (the second thread cannot claim such nodes) and
    // nested children: the result is the full tree in pre-order either way.
    for id_first in [true, false] {
        let frame = |n: usize| {
            let child = format!(r#"{{"id":"2:{n}","name":"T","type":"TEXT","characters":"x"}}"#);
            if id_first {
                format!(
                    r#"{{"id":"1:{n}","name":"F","type":"FRAME","children":[{child},{child}]}}"#
                )
            } else {
                format!(r#"{{"name":"F","type":"FRAME","children":[{child}],"id":"1:{n}"}}"#)
            }
        };
        let json = big_file(60_000, frame);
        assert!(json.len() > 4 << 20);
        let design = parse_design(json.as_bytes()).unwrap();
        let per_frame = if id_first { 3 } else { 2 };
        assert_eq!(design.nodes.len(), 2 + 60_000 * per_frame);
        for (position, node) in design.nodes.iter().enumerate() {
            assert_eq!(node.index as usize, position);
            if let Some(parent) = node.parent {
                let parent = &design.nodes[parent as usize];
                assert!(parent.children.contains(&node.index));
                assert_eq!(node.depth, parent.depth + 1);
                assert!(parent.index < node.index);
            }
        }
        let frames: Vec<&str> = design
            .nodes
            .iter()
            .filter(|node| node.node_type == NodeType::Frame)
            .map(|node| node.id.as_str())
            .collect();
        assert_eq!(frames.len(), 60_000);
        assert!(
            frames
                .iter()
                .enumerate()
                .all(|(n, id)| *id == format!("1:{n}"))
        );
    }
}

#[test]
fn valid_json_that_is_not_figma_is_its_own_error() {
    for input in [&b"[1,2,3]"[..], b"{\"hello\":1}", b"42", b"\"text\""] {
        let error = parse_response(input).unwrap_err();
        assert!(matches!(error, ParseError::NotFigma { .. }), "{error}");
    }
}

#[test]
fn figma_error_bodies_are_reported() {
    let error = parse_response(br#"{"status":403,"err":"Invalid token"}"#).unwrap_err();
    assert_eq!(
        error,
        ParseError::FigmaError {
            status: 403,
            message: "Invalid token".into()
        }
    );
}

#[test]
fn invalid_utf8_and_garbage_are_errors() {
    assert!(matches!(
        parse_response(b"{\"name\":\"\xff\xfe\"}"),
        Err(ParseError::Syntax { .. })
    ));
    assert!(matches!(
        parse_response(b""),
        Err(ParseError::Syntax { .. })
    ));
    assert!(matches!(
        parse_response(b"{{{{"),
        Err(ParseError::Syntax { .. })
    ));
}

#[test]
fn huge_numbers_are_errors_or_values_never_panics() {
    let json = br#"{"document":{"id":"0:0","name":"D","type":"DOCUMENT","opacity":1e999}}"#;
    assert!(parse_design(json).is_err());
    let json = br#"{"document":{"id":"0:0","name":"D","type":"TEXT","characterStyleOverrides":[99999999999999]}}"#;
    assert!(parse_design(json).is_err());
    let json = br#"{"document":{"id":"0:0","name":"D","type":"FRAME","opacity":1e300}}"#;
    assert_eq!(parse_design(json).unwrap().nodes[0].opacity, Some(1e300));
}

#[test]
fn tolerates_unknown_types_nulls_and_old_files() {
    let json = br#"{"document":{"id":"0:0","name":"D","type":"DOCUMENT","children":[
        {"id":"1:1","name":"w","type":"HOLOGRAM","futureField":{"a":[1,2]},
         "absoluteRenderBounds":{"x":null,"y":null,"width":null,"height":null},
         "interactions":[{"trigger":null,"actions":[null,{"type":"NODE","destinationId":null,"transition":null}]}, null],
         "fills":null, "children":[null]}]}}"#;
    let design = parse_design(json).unwrap();
    let node = &design.nodes[1];
    assert_eq!(node.node_type, NodeType::Other("HOLOGRAM".into()));
    assert_eq!(node.extras.absolute_render_bounds, None);
    assert_eq!(node.extras.interactions.len(), 1);
    assert_eq!(node.extras.interactions[0].actions.len(), 1);
    assert!(node.children.is_empty());
}

#[test]
fn small_responses_are_recognised() {
    let images =
        parse_response(br#"{"err":null,"images":{"1:2":"https://x/1.png","1:3":null}}"#).unwrap();
    assert!(matches!(images, Response::ImageRenders(ref r) if r.images.len() == 2));
    let fills = parse_response(
        br#"{"error":false,"status":200,"meta":{"images":{"abc":"https://x/a.png"}}}"#,
    )
    .unwrap();
    assert!(matches!(fills, Response::ImageFills(ref f) if f.images["abc"] == "https://x/a.png"));
    let meta = parse_response(
        br#"{"file":{"name":"Shop","version":"42","last_touched_at":"2025-01-01T00:00:00Z"}}"#,
    )
    .unwrap();
    assert!(matches!(meta, Response::Meta(ref m) if m.version.as_deref() == Some("42")));
    let variables = parse_response(
        br#"{"status":200,"error":false,"meta":{"variables":{"VariableID:1:2":{"id":"VariableID:1:2","name":"color/primary","resolvedType":"COLOR","valuesByMode":{"1:0":{"r":1,"g":0,"b":0,"a":1}}}},"variableCollections":{}}}"#,
    )
    .unwrap();
    let Response::Variables(variables) = variables else {
        panic!("not variables")
    };
    assert_eq!(variables.name_of("VariableID:1:2"), Some("color/primary"));
}

#[test]
fn progress_reports_rising_offsets_and_changes_nothing() {
    for (name, bytes) in fixtures() {
        let Ok(expected) = parse_design(&bytes) else {
            continue;
        };
        let mut offsets = Vec::new();
        let design =
            parse_design_with_progress(&bytes, &mut |offset| offsets.push(offset)).unwrap();
        assert_eq!(design, expected, "{name}");
        assert!(
            offsets.windows(2).all(|pair| pair[0] < pair[1]),
            "{name}: {offsets:?}"
        );
        assert!(offsets.iter().all(|&offset| offset < bytes.len()), "{name}");
        // One report per 4 MiB at most; the multi-MB fixtures get none, which is the point.
        assert!(
            offsets.len() <= bytes.len() / (4 << 20),
            "{name}: {offsets:?}"
        );
    }
    // A file of ~16 MB, parsed on two threads: reports cross the 4 MiB step
    // and keep rising through the second thread's half.
    let frames: Vec<String> = (0..300_000)
        .map(|n| format!(r#"{{"id":"1:{n}","name":"Frame {n}","type":"FRAME"}}"#))
        .collect();
    let big = format!(
        r#"{{"name":"Big","document":{{"id":"0:0","type":"DOCUMENT","children":[{}]}}}}"#,
        frames.join(",")
    );
    let mut offsets = Vec::new();
    let design =
        parse_design_with_progress(big.as_bytes(), &mut |offset| offsets.push(offset)).unwrap();
    assert_eq!(design.nodes.len(), 300_001);
    assert_eq!(design, parse_design(big.as_bytes()).unwrap());
    assert!(!offsets.is_empty());
    assert!(offsets.len() <= big.len() / (4 << 20), "{offsets:?}");
    assert!(offsets[0] >= 4 << 20);
    assert!(offsets.windows(2).all(|pair| pair[0] < pair[1]));
    // The arena is in pre-order with consistent links across the join.
    for (position, node) in design.nodes.iter().enumerate() {
        assert_eq!(node.index as usize, position);
        for &child in &node.children {
            assert_eq!(design.nodes[child as usize].parent, Some(node.index));
            assert_eq!(design.nodes[child as usize].depth, node.depth + 1);
        }
    }
    let ids: Vec<&str> = design.nodes[1..]
        .iter()
        .map(|node| node.id.as_str())
        .collect();
    let expected: Vec<String> = (0..300_000).map(|n| format!("1:{n}")).collect();
    assert_eq!(ids, expected);
}

/// The older paint fields are kept only where they are the paint (no `fills`: 2018-era frames
/// and groups, and a page's colour), and Dev Mode's `devStatus` is read.
#[test]
fn older_background_fields_and_dev_status_are_read() {
    let json = br#"{"name":"old","document":{"id":"0:0","name":"D","type":"DOCUMENT","children":[
        {"id":"0:1","name":"P","type":"CANVAS","backgroundColor":{"r":0,"g":0,"b":0,"a":1},"children":[
            {"id":"1:1","name":"Old frame","type":"FRAME",
             "background":[{"type":"SOLID","color":{"r":1,"g":0,"b":0,"a":1}}],
             "backgroundColor":{"r":1,"g":0,"b":0,"a":1},
             "devStatus":{"type":"READY_FOR_DEV"},"children":[]},
            {"id":"1:2","name":"Old group","type":"GROUP",
             "backgroundColor":{"r":0,"g":1,"b":0,"a":1},"children":[]},
            {"id":"1:3","name":"New frame","type":"FRAME",
             "fills":[{"type":"SOLID","color":{"r":0,"g":0,"b":1,"a":1}}],
             "background":[{"type":"SOLID","color":{"r":0,"g":0,"b":1,"a":1}}],
             "backgroundColor":{"r":0,"g":0,"b":1,"a":1},"children":[]},
            {"id":"1:4","name":"Empty group","type":"GROUP","fills":[],"background":[],
             "backgroundColor":{"r":0,"g":0,"b":0,"a":0},"children":[]}
        ]}]}}"#;
    let design = parse_design(json).unwrap();
    let node = |id: &str| design.find(id).unwrap();
    assert_eq!(
        node("0:1").extras.background_color.map(|c| (c.r, c.a)),
        Some((0.0, 1.0))
    );
    let old = node("1:1");
    assert_eq!(old.extras.background.len(), 1);
    assert_eq!(
        old.extras
            .dev_status
            .as_ref()
            .map(|s| s.status_type.as_str()),
        Some("READY_FOR_DEV")
    );
    assert_eq!(node("1:2").extras.background_color.map(|c| c.g), Some(1.0));
    // Newer files repeat their fills in the older fields: nothing is kept, nothing allocated.
    for id in ["1:3", "1:4"] {
        assert!(!node(id).extras.is_set(), "{id}");
    }
}
