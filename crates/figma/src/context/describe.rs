//! One output record per chosen node: its type, name, id and properties.

use std::fmt::Write;
use std::sync::OnceLock;

use super::select::Chosen;
use super::values;
use crate::fast_hash::FastMap;
use crate::model::shared_str::{self, SharedStr};
use crate::model::{
    ComponentPropertyType, Design, Effect, HorizontalConstraint, IdIndex, LayoutMode, Node,
    NodeIndex, NodeType, Paint, PropertyValue, Rare, SharedList, Text, TypeStyle,
    VerticalConstraint,
};

/// Style groups that are deduplicated into global variables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Group {
    Layout,
    Fill,
    Effect,
    Font,
    Vars,
}

impl Group {
    /// Prefix of content-addressed keys.
    pub fn prefix(self) -> &'static str {
        match self {
            Self::Layout => "L",
            Self::Fill => "F",
            Self::Effect => "E",
            Self::Font => "T",
            Self::Vars => "V",
        }
    }
}

/// A property value: either deduplicable style content or a plain value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Value {
    /// Content that may move to global vars; `named` is the Figma style name.
    Style {
        group: Group,
        content: SharedStr,
        named: Option<SharedStr>,
    },
    /// Printed as is (numbers, ids, compact JSON).
    Plain(SharedStr),
    /// Free text, always quoted.
    Quoted(SharedStr),
}

/// A property of a node, in fixed output order.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Prop {
    pub key: &'static str,
    pub value: Value,
}

/// Everything printed for one node.
#[derive(Debug, Clone)]
pub(crate) struct Record<'a> {
    pub index: NodeIndex,
    pub depth: u32,
    /// Borrowed from the design: a record costs no copies of its node's strings.
    pub id: &'a str,
    /// `None` for noise names (auto-generated layer names, TEXT names).
    pub name: Option<&'a str>,
    pub type_label: &'a str,
    pub props: Vec<Prop>,
}

/// Node id → arena index, built on first use (only interactions need it).
type LazyIds<'a> = OnceLock<IdIndex<'a>>;

/// Builds a record per chosen node (on two threads for a large design: each
/// record depends only on the design).
pub(crate) fn describe<'a>(design: &'a Design, chosen: &[Chosen]) -> Vec<Record<'a>> {
    let ids = LazyIds::new();
    // Values repeat across nodes (the same fill on thousands of them): each
    // distinct one is held once while the context is built.
    super::map_in_halves(chosen, |part: &[Chosen]| -> Vec<Record<'a>> {
        shared_str::interning(|| {
            let mut props = Vec::new();
            let mut shared = SharedValues::default();
            part.iter()
                .filter_map(|choice| describe_one(design, &ids, &mut shared, choice, &mut props))
                .collect()
        })
    })
}

/// The descriptions of values the parser shares between nodes (paint and effect
/// lists, text styles), each worked out once per shared allocation: a 100k-node
/// file has ~75k paint lists but fewer than 600 distinct ones.
#[derive(Default)]
struct SharedValues {
    paints: FastMap<*const [Paint], Option<SharedStr>>,
    effects: FastMap<*const [Effect], Option<SharedStr>>,
    type_styles: FastMap<*const TypeStyle, Option<SharedStr>>,
}

impl SharedValues {
    fn paints(&mut self, list: &SharedList<Paint>) -> Option<SharedStr> {
        once(&mut self.paints, list.allocation(), || values::paints(list))
    }

    fn effects(&mut self, list: &SharedList<Effect>) -> Option<SharedStr> {
        once(&mut self.effects, list.allocation(), || {
            values::effects(list)
        })
    }

    fn type_style(&mut self, style: &Rare<TypeStyle>) -> Option<SharedStr> {
        once(&mut self.type_styles, style.allocation(), || {
            values::type_style(style)
        })
    }
}

/// `describe()`, remembered under `key` (a value without one is described each time).
fn once<K: Eq + std::hash::Hash>(
    table: &mut FastMap<K, Option<SharedStr>>,
    key: Option<K>,
    describe: impl FnOnce() -> Option<String>,
) -> Option<SharedStr> {
    match key {
        Some(key) => table
            .entry(key)
            .or_insert_with(|| describe().map(SharedStr::from))
            .clone(),
        None => describe().map(SharedStr::from),
    }
}

/// `props` is scratch space: the record gets an exact-size copy (a vector
/// grown push by push holds up to twice its length, for every node).
fn describe_one<'a>(
    design: &'a Design,
    ids: &LazyIds<'a>,
    shared: &mut SharedValues,
    choice: &Chosen,
    props: &mut Vec<Prop>,
) -> Option<Record<'a>> {
    let node = design.node(choice.index)?;
    let parent = if choice.depth == 0 {
        None
    } else {
        node.parent.and_then(|parent| design.node(parent))
    };
    let type_label = if choice.as_svg || node.node_type == NodeType::Vector {
        "IMAGE-SVG"
    } else {
        node.node_type.as_str()
    };
    props.clear();
    let mut push = |key: &'static str, value: Value| props.push(Prop { key, value });
    let named = |kinds: &[&str]| {
        kinds
            .iter()
            .find_map(|kind| node.styles.get(*kind))
            .and_then(|id| design.style_name(id))
            .map(SharedStr::from)
    };

    if !matches!(node.node_type, NodeType::Document | NodeType::Canvas) {
        if let Some(layout) = values::layout(node, parent, choice.depth == 0) {
            push(
                "layout",
                Value::Style {
                    group: Group::Layout,
                    content: layout.into(),
                    named: None,
                },
            );
        }
        if let Some(fill) = shared.paints(&node.fills) {
            push(
                "fill",
                Value::Style {
                    group: Group::Fill,
                    content: fill,
                    named: named(&["fill", "fills"]),
                },
            );
        }
        if let Some(stroke) = shared.paints(&node.strokes) {
            push(
                "stroke",
                Value::Style {
                    group: Group::Fill,
                    content: stroke,
                    named: named(&["stroke", "strokes"]),
                },
            );
        }
        if let Some(geometry) = values::stroke_geometry(node) {
            push("sw", Value::Plain(geometry.into()));
        }
        if let Some(effects) = shared.effects(&node.effects) {
            push(
                "fx",
                Value::Style {
                    group: Group::Effect,
                    content: effects,
                    named: named(&["effect", "effects"]),
                },
            );
        }
        if let Some(opacity) = node.opacity.filter(|opacity| *opacity < 1.0) {
            push("opacity", Value::Plain(values::num(opacity).into()));
        }
        if let Some(radius) = values::radius(node) {
            push("radius", Value::Plain(radius.replace(' ', ",").into()));
        }
    }
    if !node.visible {
        push("hidden", Value::Plain("true".into()));
    }
    if let Some(component_id) = &node.component_id {
        push("comp", Value::Plain(component_id.clone()));
    }
    if let Some(properties) = component_properties(design, node) {
        push("props", Value::Plain(properties.into()));
    }
    if let Some(definitions) = property_definitions(node) {
        push("defs", Value::Plain(definitions.into()));
    }
    if !node.extras.component_property_references.is_empty() {
        let references: serde_json::Map<String, serde_json::Value> = node
            .extras
            .component_property_references
            .iter()
            .map(|(field, property)| (field.to_string(), strip_property_id(property).into()))
            .collect();
        push(
            "refs",
            Value::Plain(serde_json::Value::Object(references).to_string().into()),
        );
    }
    if let Some(variables) = bound_variables(design, node) {
        push(
            "vars",
            Value::Style {
                group: Group::Vars,
                content: variables.into(),
                named: None,
            },
        );
    }
    if let Some(interactions) = interactions(design, ids, node) {
        push("on", Value::Quoted(interactions.into()));
    }
    if let Some(constraints) = constraints(node, parent) {
        push("pin", Value::Plain(constraints.into()));
    }
    if !node.extras.export_settings.is_empty() {
        let exports: Vec<String> = node
            .extras
            .export_settings
            .iter()
            .map(|setting| {
                let mut text = setting.format.to_ascii_lowercase();
                if let Some(constraint) = setting.constraint.as_ref().filter(|c| c.value != 1.0) {
                    let unit = match constraint.constraint_type.as_str() {
                        "WIDTH" => "w",
                        "HEIGHT" => "h",
                        _ => "x",
                    };
                    let _ = write!(text, "@{}{unit}", values::num(constraint.value));
                }
                text
            })
            .collect();
        push("export", Value::Plain(exports.join(",").into()));
    }
    let notes: Vec<&str> = node
        .extras
        .annotations
        .iter()
        .filter_map(|annotation| {
            annotation
                .label_markdown
                .as_deref()
                .or(annotation.label.as_deref())
        })
        .collect();
    if !notes.is_empty() {
        push("note", Value::Quoted(notes.join(" | ").into()));
    }
    if !node.extras.dev_resources.is_empty() {
        let links: Vec<String> = node
            .extras
            .dev_resources
            .iter()
            .map(|resource| format!("{} {}", resource.name, resource.url))
            .collect();
        push("links", Value::Quoted(links.join(" | ").into()));
    }
    if let Some(text) = node.text.as_deref() {
        if let Some(style) = shared.type_style(&text.style) {
            push(
                "font",
                Value::Style {
                    group: Group::Font,
                    content: style,
                    named: named(&["text"]),
                },
            );
        }
        if let Some(align) = values::text_align(&text.style) {
            push("align", Value::Plain(align.into()));
        }
        push("text", Value::Quoted(styled_text(text).into()));
    }
    if choice.children_beyond_depth > 0 {
        push(
            "more",
            Value::Plain(choice.children_beyond_depth.to_string().into()),
        );
    }
    let name = (!is_noise_name(&node.name, &node.node_type)).then_some(node.name.as_str());
    let mut exact = Vec::with_capacity(props.len());
    exact.append(props);
    Some(Record {
        index: node.index,
        depth: choice.depth,
        id: &node.id,
        name,
        type_label,
        props: exact,
    })
}

/// Figma's default layer names (`Frame 12`) and TEXT names (a copy of the
/// text) carry no information.
fn is_noise_name(name: &str, node_type: &NodeType) -> bool {
    if *node_type == NodeType::Text {
        return true;
    }
    const DEFAULTS: &[&str] = &[
        "Frame",
        "Rectangle",
        "Ellipse",
        "Line",
        "Vector",
        "Group",
        "Component",
        "Instance",
        "Polygon",
        "Star",
        "Text",
        "Image",
        "Slice",
        "Section",
        "Boolean",
        "Union",
        "Subtract",
        "Intersect",
        "Exclude",
        "Arrow",
    ];
    let Some((word, number)) = name.rsplit_once(|c: char| c.is_whitespace()) else {
        return false;
    };
    DEFAULTS.contains(&word.trim_end())
        && !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit())
}

/// `Label#12:0` → `Label`.
fn strip_property_id(name: &str) -> &str {
    match name.rsplit_once('#') {
        Some((base, suffix)) if suffix.contains(':') && !base.is_empty() => base,
        _ => name,
    }
}

fn component_properties(design: &Design, node: &Node) -> Option<String> {
    if node.component_properties.is_empty() {
        return None;
    }
    let mut map = serde_json::Map::new();
    for (name, property) in &node.component_properties {
        let value: serde_json::Value = match (&property.property_type, &property.value) {
            (ComponentPropertyType::InstanceSwap, PropertyValue::Text(component_id)) => {
                let component = design
                    .components
                    .get(component_id)
                    .map_or(component_id.as_str(), |c| c.name.as_str());
                serde_json::Value::String(format!("swap:{component}"))
            }
            (_, PropertyValue::Bool(flag)) => (*flag).into(),
            (_, PropertyValue::Text(text)) => text.clone().into(),
            (_, PropertyValue::Number(number)) => serde_json::Value::String(values::num(*number)),
        };
        map.insert(strip_property_id(name).to_owned(), value);
    }
    Some(serde_json::Value::Object(map).to_string())
}

fn property_definitions(node: &Node) -> Option<String> {
    if node.extras.component_property_definitions.is_empty() {
        return None;
    }
    let mut map = serde_json::Map::new();
    for (name, definition) in &node.extras.component_property_definitions {
        let default = definition
            .default_value
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default();
        let text = match definition.property_type {
            ComponentPropertyType::Variant => {
                format!("{}={default}", definition.variant_options.join("|"))
            }
            ComponentPropertyType::Boolean => format!("bool={default}"),
            ComponentPropertyType::Text => format!("text={default}"),
            ComponentPropertyType::InstanceSwap => format!("swap={default}"),
            ref other => format!("{}={default}", other.as_str().to_ascii_lowercase()),
        };
        map.insert(strip_property_id(name).to_owned(), text.into());
    }
    Some(serde_json::Value::Object(map).to_string())
}

/// `{"fills":"color/primary","itemSpacing":"space/4"}`; names come from the
/// variables endpoint when attached, else a short form of the variable id.
fn bound_variables(design: &Design, node: &Node) -> Option<String> {
    if node.bound_variables.is_empty() {
        return None;
    }
    let name_of = |id: &str| -> String {
        design
            .variable_name(id)
            .map(str::to_owned)
            .unwrap_or_else(|| {
                let short = id.rsplit_once('/').map_or(id, |(_, tail)| tail);
                format!("var:{}", short.trim_start_matches("VariableID:"))
            })
    };
    let mut map = serde_json::Map::new();
    for (field, binding) in &node.bound_variables {
        let mut names: Vec<String> = binding.variable_ids().into_iter().map(name_of).collect();
        names.dedup();
        if names.is_empty() {
            continue;
        }
        map.insert(field.to_string(), names.join(",").into());
    }
    if map.is_empty() {
        None
    } else {
        Some(serde_json::Value::Object(map).to_string())
    }
}

/// `click>navigate>#1:2(Checkout); hover>overlay>#3:4`.
fn interactions<'a>(design: &'a Design, ids: &LazyIds<'a>, node: &Node) -> Option<String> {
    let mut parts = Vec::new();
    for interaction in &node.extras.interactions {
        let trigger = interaction
            .trigger
            .as_ref()
            .and_then(|trigger| trigger.trigger_type.as_deref())
            .unwrap_or("unknown")
            .trim_start_matches("ON_")
            .to_ascii_lowercase();
        for action in &interaction.actions {
            let mut text = format!("{trigger}>");
            let kind = action
                .navigation
                .as_deref()
                .or(action.action_type.as_deref())
                .unwrap_or("action");
            text.push_str(&kind.to_ascii_lowercase());
            if let Some(destination) = &action.destination_id {
                let name = ids
                    .get_or_init(|| design.id_index())
                    .get(destination.as_str())
                    .and_then(|index| design.node(*index))
                    .map(|n| n.name.as_str());
                let _ = write!(text, ">#{destination}");
                if let Some(name) = name {
                    let _ = write!(text, "({name})");
                }
            } else if let Some(url) = &action.url {
                let _ = write!(text, ">{url}");
            }
            parts.push(text);
        }
    }
    if let Some(destination) = &node.extras.transition_node_id {
        parts.push(format!("click>navigate>#{destination}"));
    }
    if parts.is_empty() {
        None
    } else {
        Some(parts.join("; "))
    }
}

/// Constraints matter only outside auto-layout, and only when not the
/// default top-left pin.
fn constraints(node: &Node, parent: Option<&Node>) -> Option<String> {
    let constraints = node.constraints.as_ref()?;
    let parent = parent?;
    let in_flow = parent
        .layout
        .layout_mode
        .as_ref()
        .is_some_and(|mode| *mode != LayoutMode::None)
        && node.layout.layout_positioning != Some(crate::model::LayoutPositioning::Absolute);
    if in_flow
        || !matches!(
            parent.node_type,
            NodeType::Frame | NodeType::Component | NodeType::Instance
        )
    {
        return None;
    }
    if constraints.horizontal == HorizontalConstraint::Left
        && constraints.vertical == VerticalConstraint::Top
    {
        return None;
    }
    let word = |text: &str| text.to_ascii_lowercase().replace('_', "-");
    Some(format!(
        "{}/{}",
        word(constraints.horizontal.as_str()),
        word(constraints.vertical.as_str())
    ))
}

/// Characters with rich-text runs as markdown: `**bold**`, `*italic*`,
/// `~~strike~~`, `[text](url)`. Overrides index UTF-16 code units.
pub(crate) fn styled_text(text: &Text) -> String {
    if text.character_style_overrides.is_empty() || text.style_override_table.is_empty() {
        return text.characters.clone();
    }
    let base_weight = text.style.font_weight.unwrap_or(400.0);
    let mut out = String::with_capacity(text.characters.len() + 16);
    let mut run = String::new();
    let mut run_style: u32 = 0;
    let mut utf16_position = 0usize;
    let flush = |out: &mut String, run: &mut String, style_id: u32| {
        if run.is_empty() {
            return;
        }
        let style = text.style_override_table.get(style_id.to_string().as_str());
        let (mut open, mut close) = (String::new(), String::new());
        if let Some(style) = style {
            if style
                .font_weight
                .is_some_and(|weight| weight >= 600.0 && weight > base_weight)
            {
                open.push_str("**");
                close.insert_str(0, "**");
            }
            if style.italic == Some(true)
                || style
                    .font_style
                    .as_deref()
                    .is_some_and(|s| s.contains("Italic"))
            {
                open.push('*');
                close.insert(0, '*');
            }
            if style.text_decoration.as_deref() == Some("STRIKETHROUGH") {
                open.push_str("~~");
                close.insert_str(0, "~~");
            }
        }
        let url = style
            .and_then(|style| style.hyperlink.as_ref())
            .and_then(|link| link.url.as_deref());
        let body = format!("{open}{run}{close}");
        match url {
            Some(url) => {
                let _ = write!(out, "[{body}]({url})");
            }
            None => out.push_str(&body),
        }
        run.clear();
    };
    for character in text.characters.chars() {
        let style_id = text
            .character_style_overrides
            .get(utf16_position)
            .copied()
            .unwrap_or(0);
        if style_id != run_style {
            flush(&mut out, &mut run, run_style);
            run_style = style_id;
        }
        run.push(character);
        utf16_position += character.len_utf16();
    }
    flush(&mut out, &mut run, run_style);
    out
}
