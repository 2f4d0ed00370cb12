//! The legacy Figma plugin's `frameData` / `enhancedFrameData` payloads,
//! normalised into the same [`Design`] as REST responses.
//!
//! Each frame becomes a root; its `hierarchy.layers` (a flat list with
//! depths) become its descendants, each attached to the nearest preceding
//! layer one level up. Plugin colours are 0–255 (some old paths scaled them
//! twice); `hex` wins when present.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::model::{
    Color, ComponentProperty, ComponentPropertyType, Design, DesignSource, Node, NodeIndex,
    NodeType, Paint, PaintType, PropertyValue, Rect, SharedStr, Text, TypeStyle,
};
use crate::parse::ParseError;

/// One selected node as the plugin sends it. Every field is optional: the
/// two plugin generations sent different subsets.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PluginFrame {
    pub id: Option<String>,
    pub name: Option<String>,
    #[serde(rename = "type")]
    pub node_type: Option<String>,
    pub x: Option<f64>,
    pub y: Option<f64>,
    pub width: Option<f64>,
    pub height: Option<f64>,
    pub visible: Option<bool>,
    pub locked: Option<bool>,
    pub fills: Vec<PluginPaint>,
    pub text: Option<String>,
    pub font_size: Option<f64>,
    pub font_name: Option<PluginFontName>,
    pub master_component: Option<PluginComponentRef>,
    pub component_properties: BTreeMap<String, serde_json::Value>,
    pub variant_properties: BTreeMap<String, serde_json::Value>,
    pub hierarchy: Option<PluginHierarchy>,
}

/// A paint as the plugin sends it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PluginPaint {
    #[serde(rename = "type")]
    pub paint_type: Option<String>,
    pub color: Option<PluginColor>,
    pub hex: Option<String>,
    pub opacity: Option<f64>,
    pub visible: Option<bool>,
}

/// A 0–255 colour.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(default)]
pub struct PluginColor {
    pub r: f64,
    pub g: f64,
    pub b: f64,
    pub a: Option<f64>,
}

/// `fontName` of a text layer.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PluginFontName {
    pub family: Option<String>,
    pub style: Option<String>,
}

/// `masterComponent` of an instance.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PluginComponentRef {
    pub id: Option<String>,
    pub name: Option<String>,
}

/// `hierarchy` of a frame.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PluginHierarchy {
    pub layers: Vec<PluginLayer>,
}

/// One descendant layer, flattened with its depth (the frame is depth 1).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PluginLayer {
    pub id: Option<String>,
    pub name: Option<String>,
    #[serde(rename = "type")]
    pub node_type: Option<String>,
    pub depth: Option<u32>,
    pub position: Option<PluginPoint>,
    pub size: Option<PluginSize>,
    pub visible: Option<bool>,
    pub fills: Vec<PluginPaint>,
    pub text: Option<String>,
    pub font_size: Option<f64>,
    pub font_name: Option<PluginFontName>,
    pub master_component: Option<PluginComponentRef>,
    pub component_properties: BTreeMap<String, serde_json::Value>,
    pub variant_properties: BTreeMap<String, serde_json::Value>,
}

/// A position.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(default)]
pub struct PluginPoint {
    pub x: f64,
    pub y: f64,
}

/// A size.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(default)]
pub struct PluginSize {
    pub width: f64,
    pub height: f64,
}

/// The fields a frame and a layer share, so one function builds both.
struct NodeParts<'a> {
    id: Option<&'a str>,
    name: Option<&'a str>,
    node_type: Option<&'a str>,
    bounds: Option<Rect>,
    visible: Option<bool>,
    fills: &'a [PluginPaint],
    text: Option<&'a str>,
    font_size: Option<f64>,
    font_name: Option<&'a PluginFontName>,
    master_component: Option<&'a PluginComponentRef>,
    component_properties: &'a BTreeMap<String, serde_json::Value>,
    variant_properties: &'a BTreeMap<String, serde_json::Value>,
}

/// Builds a [`Design`] from plugin frames: one root per frame.
pub fn design_from_plugin_frames(frames: &[PluginFrame], file_name: Option<&str>) -> Design {
    let mut design = Design {
        source: Some(DesignSource::Plugin),
        file: crate::model::FileInfo {
            name: file_name.unwrap_or_default().to_owned(),
            ..Default::default()
        },
        ..Design::default()
    };
    for (frame_number, frame) in frames.iter().enumerate() {
        let bounds = match (frame.width, frame.height) {
            (Some(width), Some(height)) => Some(Rect {
                x: frame.x.unwrap_or(0.0),
                y: frame.y.unwrap_or(0.0),
                width,
                height,
            }),
            _ => None,
        };
        let fallback_id = format!("plugin:{frame_number}");
        let root = push_node(
            &mut design,
            None,
            0,
            &NodeParts {
                id: frame.id.as_deref().or(Some(&fallback_id)),
                name: frame.name.as_deref(),
                node_type: frame.node_type.as_deref(),
                bounds,
                visible: frame.visible,
                fills: &frame.fills,
                text: frame.text.as_deref(),
                font_size: frame.font_size,
                font_name: frame.font_name.as_ref(),
                master_component: frame.master_component.as_ref(),
                component_properties: &frame.component_properties,
                variant_properties: &frame.variant_properties,
            },
        );
        if let Some(node) = design.nodes.get_mut(root as usize) {
            node.locked = frame.locked.unwrap_or(false);
        }
        design.roots.push(root);
        // Open ancestors by depth: `open[d]` is the latest node at depth d+1.
        let mut open: Vec<NodeIndex> = vec![root];
        let layers = frame
            .hierarchy
            .as_ref()
            .map(|h| h.layers.as_slice())
            .unwrap_or_default();
        for (layer_number, layer) in layers.iter().enumerate() {
            let wanted_depth = layer.depth.unwrap_or(2).max(2) as usize;
            open.truncate((wanted_depth - 1).min(open.len()));
            let Some(&parent) = open.last() else { continue };
            let bounds = match (layer.position, layer.size) {
                (Some(position), Some(size)) => Some(Rect {
                    x: position.x,
                    y: position.y,
                    width: size.width,
                    height: size.height,
                }),
                (None, Some(size)) => Some(Rect {
                    x: 0.0,
                    y: 0.0,
                    width: size.width,
                    height: size.height,
                }),
                _ => None,
            };
            let fallback_id = format!("plugin:{frame_number}:{layer_number}");
            let index = push_node(
                &mut design,
                Some(parent),
                open.len() as u32,
                &NodeParts {
                    id: layer.id.as_deref().or(Some(&fallback_id)),
                    name: layer.name.as_deref(),
                    node_type: layer.node_type.as_deref(),
                    bounds,
                    visible: layer.visible,
                    fills: &layer.fills,
                    text: layer.text.as_deref(),
                    font_size: layer.font_size,
                    font_name: layer.font_name.as_ref(),
                    master_component: layer.master_component.as_ref(),
                    component_properties: &layer.component_properties,
                    variant_properties: &layer.variant_properties,
                },
            );
            open.push(index);
        }
    }
    design
}

/// Parses a plugin payload: an array of frames, or an object holding
/// `frameData` or `enhancedFrameData` (and optionally `fileContext.fileName`).
pub fn parse_plugin_payload(input: &[u8]) -> Result<Design, ParseError> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Payload {
        Frames(Vec<PluginFrame>),
        Wrapped(Wrapped),
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Wrapped {
        #[serde(default)]
        frame_data: Option<Vec<PluginFrame>>,
        #[serde(default)]
        enhanced_frame_data: Option<Vec<PluginFrame>>,
        #[serde(default)]
        file_context: Option<FileContext>,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct FileContext {
        #[serde(default)]
        file_name: Option<String>,
    }
    // Which form it is shows in the first byte, so the payload is read once, straight into that
    // form: the untagged enum would buffer the whole document into serde's intermediate tree first
    // and read it from there. Should that fail, the enum reads it as before, so a refused (or only
    // otherwise readable) payload gets the same answer as before.
    let direct = match input.iter().find(|byte| !byte.is_ascii_whitespace()) {
        Some(b'[') => serde_json::from_slice(input).ok().map(Payload::Frames),
        Some(b'{') => serde_json::from_slice(input).ok().map(Payload::Wrapped),
        _ => None,
    };
    let payload: Payload = match direct {
        Some(payload) => payload,
        None => serde_json::from_slice(input)
            .map_err(|error| ParseError::from_json(input, &error, None))?,
    };
    match payload {
        Payload::Frames(frames) => Ok(design_from_plugin_frames(&frames, None)),
        Payload::Wrapped(wrapped) => {
            let frames = wrapped
                .enhanced_frame_data
                .or(wrapped.frame_data)
                .ok_or_else(|| ParseError::NotFigma {
                    reason: "a plugin payload needs `frameData` or `enhancedFrameData`".to_owned(),
                })?;
            let name = wrapped.file_context.and_then(|context| context.file_name);
            Ok(design_from_plugin_frames(&frames, name.as_deref()))
        }
    }
}

/// Parses frames given inline (an MCP tool's or REST request's `frames`): the plugin's payloads
/// (`frameData`, `enhancedFrameData`, a bare list of them), and also Figma REST nodes, which
/// callers copy from a REST response: a node, a list of nodes (bare or as `frameData`), or a
/// whole file or `/nodes` response. REST nodes are read by the REST parser, so their nested
/// `children` are part of the design; the plugin's frames never carry `children` or
/// `absoluteBoundingBox` (their layers come flattened in `hierarchy.layers`, their box as `x`,
/// `y`, `width`, `height`), which is how the two are told apart: a list with one REST node in
/// it is read as REST nodes. Either way the design may have at most `max_nodes` nodes
/// ([`ParseError::TooManyNodes`]), the limit a REST response is held to.
pub fn parse_inline_frames(input: &[u8], max_nodes: usize) -> Result<Design, ParseError> {
    let design = match rest_shape(input) {
        Some(RestShape::Response) => return crate::parse::parse_design_limited(input, max_nodes),
        Some(RestShape::Nodes { nodes, file_name }) => {
            let mut design = crate::parse::parse_design_limited(
                as_nodes_response(&nodes).as_bytes(),
                max_nodes,
            )?;
            if let Some(name) = file_name {
                design.file.name = name;
            }
            design
        }
        None => parse_plugin_payload(input)?,
    };
    if design.nodes.len() > max_nodes {
        return Err(ParseError::TooManyNodes { limit: max_nodes });
    }
    Ok(design)
}

/// Inline frames the REST parser reads.
enum RestShape {
    /// A file or `/nodes` response.
    Response,
    /// REST nodes, each the root of its subtree.
    Nodes {
        nodes: Vec<Box<serde_json::value::RawValue>>,
        file_name: Option<String>,
    },
}

/// What [`parse_inline_frames`] needs to know of the input's top level; everything else is
/// skipped unread (the input is parsed for real afterwards, once).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TopProbe {
    #[serde(default)]
    document: Option<serde::de::IgnoredAny>,
    #[serde(default)]
    nodes: Option<serde::de::IgnoredAny>,
    #[serde(default)]
    children: Option<Vec<serde::de::IgnoredAny>>,
    #[serde(default)]
    absolute_bounding_box: Option<serde::de::IgnoredAny>,
    #[serde(default)]
    frame_data: Option<Vec<Box<serde_json::value::RawValue>>>,
    #[serde(default)]
    enhanced_frame_data: Option<Vec<Box<serde_json::value::RawValue>>>,
    #[serde(default)]
    file_context: Option<FileContextProbe>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FileContextProbe {
    #[serde(default)]
    file_name: Option<String>,
}

/// The fields only a REST node has: `children` (the plugin flattens layers into
/// `hierarchy.layers`) and `absoluteBoundingBox` (the plugin sends `x`, `y`, `width`, `height`).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RestNodeProbe {
    #[serde(default)]
    children: Option<Vec<serde::de::IgnoredAny>>,
    #[serde(default)]
    absolute_bounding_box: Option<serde::de::IgnoredAny>,
}

/// Whether `input` is REST-shaped (see [`parse_inline_frames`]); `None` for the plugin's shapes
/// and for anything unreadable, which the plugin parser then reports.
fn rest_shape(input: &[u8]) -> Option<RestShape> {
    let is_rest_node = |node: &serde_json::value::RawValue| {
        serde_json::from_str::<RestNodeProbe>(node.get())
            .is_ok_and(|probe| probe.children.is_some() || probe.absolute_bounding_box.is_some())
    };
    let rest_nodes = |nodes: Vec<Box<serde_json::value::RawValue>>, file_name| {
        nodes
            .iter()
            .any(|node| is_rest_node(node))
            .then_some(RestShape::Nodes { nodes, file_name })
    };
    match input.iter().find(|byte| !byte.is_ascii_whitespace()) {
        Some(b'[') => rest_nodes(serde_json::from_slice(input).ok()?, None),
        Some(b'{') => {
            let probe: TopProbe = serde_json::from_slice(input).ok()?;
            if probe.document.is_some() || probe.nodes.is_some() {
                return Some(RestShape::Response);
            }
            if probe.children.is_some() || probe.absolute_bounding_box.is_some() {
                let node = serde_json::from_slice(input).ok()?;
                return Some(RestShape::Nodes {
                    nodes: vec![node],
                    file_name: None,
                });
            }
            let file_name = probe.file_context.and_then(|context| context.file_name);
            rest_nodes(probe.enhanced_frame_data.or(probe.frame_data)?, file_name)
        }
        _ => None,
    }
}

/// REST nodes as the `/nodes` response that holds them, for the REST parser.
fn as_nodes_response(nodes: &[Box<serde_json::value::RawValue>]) -> String {
    let length = nodes
        .iter()
        .map(|node| node.get().len() + 32)
        .sum::<usize>();
    let mut out = String::with_capacity(length + 16);
    out.push_str("{\"nodes\":{");
    for (at, node) in nodes.iter().enumerate() {
        if at > 0 {
            out.push(',');
        }
        // The key only names a missing node in messages; each node carries its own id.
        out.push_str(&format!("\"{at}\":{{\"document\":{}}}", node.get()));
    }
    out.push_str("}}");
    out
}

fn push_node(
    design: &mut Design,
    parent: Option<NodeIndex>,
    depth: u32,
    parts: &NodeParts<'_>,
) -> NodeIndex {
    let index = design.nodes.len() as NodeIndex;
    let node_type = NodeType::from_figma(parts.node_type.unwrap_or("FRAME"));
    let mut node = Node {
        index,
        parent,
        depth,
        id: parts.id.unwrap_or_default().to_owned(),
        name: parts.name.unwrap_or_default().to_owned(),
        visible: parts.visible.unwrap_or(true),
        absolute_bounding_box: parts.bounds,
        fills: parts.fills.iter().filter_map(plugin_paint).collect(),
        ..Node::default()
    };
    if node_type == NodeType::Text || parts.text.is_some() {
        node.text = Some(Box::new(Text {
            characters: parts.text.unwrap_or_default().to_owned(),
            style: TypeStyle {
                font_family: parts
                    .font_name
                    .and_then(|font| font.family.as_deref().map(SharedStr::new)),
                font_style: parts
                    .font_name
                    .and_then(|font| font.style.as_deref().map(SharedStr::new)),
                font_size: parts.font_size,
                ..TypeStyle::default()
            }
            .into(),
            ..Text::default()
        }));
    }
    if let Some(master) = parts.master_component {
        node.component_id = master.id.as_deref().map(SharedStr::new);
    }
    for (name, value) in parts
        .component_properties
        .iter()
        .chain(parts.variant_properties)
    {
        if let Some(property) = plugin_property(value, parts.variant_properties.contains_key(name))
        {
            node.component_properties
                .insert(SharedStr::new(name), property);
        }
    }
    node.node_type = node_type;
    if let Some(parent) = parent.and_then(|parent| design.nodes.get_mut(parent as usize)) {
        parent.children.push(index);
    }
    design.nodes.push(node);
    index
}

/// Plugin property values are either bare (`true`, `"Primary"`) or
/// `{type, value}` like the REST API.
fn plugin_property(value: &serde_json::Value, is_variant: bool) -> Option<ComponentProperty> {
    let (declared_type, value) = match value {
        serde_json::Value::Object(fields) => (
            fields
                .get("type")
                .and_then(|t| t.as_str())
                .map(ComponentPropertyType::from_figma),
            fields.get("value")?,
        ),
        other => (None, other),
    };
    let value = match value {
        serde_json::Value::Bool(flag) => PropertyValue::Bool(*flag),
        serde_json::Value::String(text) => PropertyValue::Text(text.clone()),
        serde_json::Value::Number(number) => PropertyValue::Number(number.as_f64()?),
        _ => return None,
    };
    let property_type = declared_type.unwrap_or(match (&value, is_variant) {
        (_, true) => ComponentPropertyType::Variant,
        (PropertyValue::Bool(_), _) => ComponentPropertyType::Boolean,
        _ => ComponentPropertyType::Text,
    });
    Some(ComponentProperty {
        property_type,
        value,
        preferred_values: Vec::new(),
        bound_variables: crate::model::SmallMap::new(),
    })
}

fn plugin_paint(paint: &PluginPaint) -> Option<Paint> {
    let color = paint
        .hex
        .as_deref()
        .and_then(color_from_hex)
        .or_else(|| paint.color.map(color_from_plugin))?;
    Some(Paint {
        paint_type: PaintType::from_figma(paint.paint_type.as_deref().unwrap_or("SOLID")),
        visible: paint.visible.unwrap_or(true),
        opacity: paint.opacity.unwrap_or(1.0),
        color: Some(color),
        blend_mode: None,
        gradient_handle_positions: Vec::new(),
        gradient_stops: Vec::new(),
        scale_mode: None,
        image_ref: None,
        gif_ref: None,
        image_transform: None,
        scaling_factor: None,
        rotation: None,
        bound_variables: crate::model::SmallMap::new(),
    })
}

/// Plugin colours are 0–255; values above 255 were scaled twice; values
/// all within 0–1 are already Figma's unit range.
fn color_from_plugin(color: PluginColor) -> Color {
    let max = color.r.max(color.g).max(color.b);
    let scale = if max > 255.0 {
        255.0 * 255.0
    } else if max > 1.0 {
        255.0
    } else {
        1.0
    };
    let channel = |value: f64| (value / scale).clamp(0.0, 1.0);
    Color {
        r: channel(color.r),
        g: channel(color.g),
        b: channel(color.b),
        a: color.a.unwrap_or(1.0).clamp(0.0, 1.0),
    }
}

fn color_from_hex(hex: &str) -> Option<Color> {
    let digits = hex.trim().trim_start_matches('#');
    if !(digits.len() == 6 || digits.len() == 8) || !digits.is_ascii() {
        return None;
    }
    let channel = |at: usize| {
        u8::from_str_radix(digits.get(at..at + 2)?, 16)
            .ok()
            .map(|v| f64::from(v) / 255.0)
    };
    Some(Color {
        r: channel(0)?,
        g: channel(2)?,
        b: channel(4)?,
        a: if digits.len() == 8 { channel(6)? } else { 1.0 },
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const LEGACY_A: &str = r##"{"enhancedFrameData":[{"id":"1234:5678","name":"Primary Button","type":"COMPONENT",
      "x":120,"y":48,"width":160,"height":48,"visible":true,"locked":false,
      "fills":[{"type":"SOLID","color":{"r":26,"g":115,"b":232},"hex":"#1a73e8"}],
      "hierarchy":{"layers":[{"id":"1234:5679","name":"Label","type":"TEXT","depth":2,
        "position":{"x":16,"y":14},"size":{"width":128,"height":20},"visible":true,"semanticRole":"text",
        "text":"Buy now","fontSize":16,"fontName":{"family":"Inter","style":"Semi Bold"}},
        {"id":"1234:5680","name":"Icon","type":"INSTANCE","depth":2,"masterComponent":{"id":"9:9","name":"Icon"},
         "componentProperties":{"Size":{"type":"VARIANT","value":"md"}}},
        {"id":"1234:5681","name":"Path","type":"VECTOR","depth":3}],
       "totalDepth":3},
      "metadata":{"semanticRole":"component-definition"}}],
      "fileContext":{"fileKey":"AbCdEf1234567890","fileName":"Shop"}}"##;

    #[test]
    fn enhanced_frame_data_becomes_a_tree() {
        let design = parse_plugin_payload(LEGACY_A.as_bytes()).unwrap();
        assert_eq!(design.file.name, "Shop");
        assert_eq!(design.roots, [0]);
        let names: Vec<_> = design
            .nodes
            .iter()
            .map(|n| (n.name.as_str(), n.depth, n.parent))
            .collect();
        assert_eq!(
            names,
            [
                ("Primary Button", 0, None),
                ("Label", 1, Some(0)),
                ("Icon", 1, Some(0)),
                ("Path", 2, Some(2))
            ]
        );
        let fill = design.nodes[0].fills[0].color.unwrap();
        assert!((fill.r - 26.0 / 255.0).abs() < 1e-9);
        assert_eq!(design.nodes[1].characters(), Some("Buy now"));
        assert_eq!(design.nodes[2].component_id.as_deref(), Some("9:9"));
        assert_eq!(
            design.nodes[2]
                .component_properties
                .get("Size")
                .map(|property| &property.property_type),
            Some(&ComponentPropertyType::Variant)
        );
    }

    /// A REST node as a caller copies it out of a `/nodes` or file response.
    const REST_CARD: &str = r#"{"id":"5:1","name":"Card","type":"FRAME",
      "absoluteBoundingBox":{"x":0,"y":0,"width":320,"height":200},
      "children":[{"id":"5:2","name":"Title","type":"TEXT","characters":"Hello",
                   "style":{"fontFamily":"Inter","fontSize":20}},
                  {"id":"5:3","name":"Body","type":"FRAME","children":[
                    {"id":"5:4","name":"Line","type":"RECTANGLE"}]}]}"#;

    #[test]
    fn rest_nodes_given_as_frames_keep_their_children() {
        let names = |design: &Design| {
            design
                .nodes
                .iter()
                .map(|n| (n.name.to_string(), n.depth))
                .collect::<Vec<_>>()
        };
        let expected = [
            ("Card".to_owned(), 0),
            ("Title".to_owned(), 1),
            ("Body".to_owned(), 1),
            ("Line".to_owned(), 2),
        ];
        // One node, a list of nodes, and the plugin's wrapper around a list.
        let one = parse_inline_frames(REST_CARD.as_bytes(), 100).unwrap();
        assert_eq!(names(&one), expected);
        assert_eq!(one.nodes[1].characters(), Some("Hello"));
        let list = parse_inline_frames(format!("[{REST_CARD}]").as_bytes(), 100).unwrap();
        assert_eq!(names(&list), expected);
        let wrapped =
            format!(r#"{{"frameData":[{REST_CARD}],"fileContext":{{"fileName":"Shop"}}}}"#);
        let wrapped = parse_inline_frames(wrapped.as_bytes(), 100).unwrap();
        assert_eq!(names(&wrapped), expected);
        assert_eq!(wrapped.file.name, "Shop");
        // Two REST roots, and a whole nodes response.
        let two = format!("[{REST_CARD},{}]", REST_CARD.replace("5:", "6:"));
        let two = parse_inline_frames(two.as_bytes(), 100).unwrap();
        assert_eq!((two.roots.len(), two.nodes.len()), (2, 8));
        let response = format!(r#"{{"name":"F","nodes":{{"5:1":{{"document":{REST_CARD}}}}}}}"#);
        assert_eq!(
            parse_inline_frames(response.as_bytes(), 100)
                .unwrap()
                .nodes
                .len(),
            4
        );
    }

    #[test]
    fn inline_frames_are_held_to_the_node_limit() {
        for input in [
            REST_CARD.to_owned(),
            format!("[{REST_CARD}]"),
            LEGACY_A.to_owned(),
        ] {
            assert_eq!(
                parse_inline_frames(input.as_bytes(), 3).unwrap_err(),
                ParseError::TooManyNodes { limit: 3 },
                "{input}"
            );
            assert!(parse_inline_frames(input.as_bytes(), 4).is_ok(), "{input}");
        }
    }

    #[test]
    fn plugin_frames_read_as_before() {
        let inline = parse_inline_frames(LEGACY_A.as_bytes(), usize::MAX).unwrap();
        let plugin = parse_plugin_payload(LEGACY_A.as_bytes()).unwrap();
        assert_eq!(format!("{inline:?}"), format!("{plugin:?}"));
        assert!(parse_inline_frames(b"{\"other\":1}", usize::MAX).is_err());
        assert!(parse_inline_frames(b"[", usize::MAX).is_err());
    }

    #[test]
    fn bare_arrays_and_double_scaled_colours() {
        let json = br#"[{"name":"A","fills":[{"type":"SOLID","color":{"r":65025,"g":0,"b":0}}]}]"#;
        let design = parse_plugin_payload(json).unwrap();
        assert_eq!(design.nodes[0].id, "plugin:0");
        assert_eq!(design.nodes[0].fills[0].color.unwrap().r, 1.0);
    }

    #[test]
    fn malformed_payloads_are_errors() {
        assert!(parse_plugin_payload(b"{\"other\":1}").is_err());
        assert!(parse_plugin_payload(b"[{\"width\":\"wide\"}]").is_err());
        assert!(parse_plugin_payload(b"[").is_err());
    }

    #[test]
    fn what_only_the_untagged_form_reads_still_reads() {
        // An array that is not a list of frames is serde's positional form of the wrapper
        // (`[frameData, enhancedFrameData, fileContext]`): the direct read fails, the enum's does.
        let design =
            parse_plugin_payload(br#"[[{"id":"1:2","name":"A"}], null, {"fileName":"F"}]"#)
                .unwrap();
        assert_eq!(design.nodes[0].id, "1:2");
        assert_eq!(design.file.name, "F");
        // A key given twice is refused by both reads, with the enum's message.
        let err = parse_plugin_payload(br#"[{"id":"1:2","id":"3:4"}]"#).unwrap_err();
        assert!(err.to_string().contains("untagged enum Payload"), "{err}");
        // Leading whitespace does not hide the form.
        let design = parse_plugin_payload(b" \n {\"frameData\":[{\"id\":\"1:2\"}]}").unwrap();
        assert_eq!(design.nodes[0].id, "1:2");
    }
}
