//! Facts about one design node and its subtree, read from the parsed [`Design`]. Walks are
//! loops over the pre-order arena slice, never recursion, and every list is capped so a huge
//! frame yields a readable ticket.

use std::cell::{Cell, OnceCell};
use std::collections::{BTreeMap, BTreeSet, HashMap};

use handoff_analysis::Scope;
use handoff_analysis::effort;
use handoff_analysis::effort_report;
use handoff_figma::model::{ComponentPropertyType, PaintType, PropertyValue};
use handoff_figma::{Design, Node, NodeIndex, NodeType};
use serde::Serialize;

const MAX_TEXTS: usize = 25;
const MAX_INTERACTIONS: usize = 25;
const MAX_VARIANTS: usize = 30;
const MAX_TOKENS: usize = 16;
const MAX_TEXT_CHARS: usize = 280;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Property {
    pub name: String,
    /// `variant`, `boolean`, `text`, `instance_swap`.
    #[serde(rename = "type")]
    pub kind: String,
    pub default: String,
    pub options: Vec<String>,
    pub required: bool,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Variant {
    pub node_id: String,
    pub name: String,
    /// `Size=Large, State=Hover` split into pairs.
    pub properties: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TextField {
    pub node_id: String,
    pub name: String,
    pub content: String,
    /// `Inter 16px 600`, empty when unknown.
    pub style: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InteractionFact {
    pub node_id: String,
    pub node_name: String,
    /// Figma trigger, e.g. `ON_CLICK`.
    pub trigger: String,
    /// Human phrase, e.g. `On click`.
    pub trigger_label: String,
    /// Human phrase, e.g. `navigates to Checkout`.
    pub action_label: String,
    pub destination_id: Option<String>,
    pub destination_name: Option<String>,
    pub url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ColorToken {
    pub hex: String,
    pub count: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Tokens {
    pub colors: Vec<ColorToken>,
    pub typography: Vec<String>,
    pub spacing: Vec<f64>,
    pub radii: Vec<f64>,
    pub effects: Vec<String>,
    /// Named styles used (fill, text, effect styles).
    pub styles: Vec<String>,
    /// Bound variables, by name when the variables response was attached, else by id.
    pub variables: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChildFact {
    pub node_id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub node_type: String,
}

/// Everything the context needs from one node.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Subject {
    pub node_id: String,
    pub name: String,
    pub node_type: String,
    /// `component set`, `component`, `variant`, `instance`, `frame`, `page`…
    pub component_type: String,
    pub page_name: String,
    pub description: String,
    pub width: Option<f64>,
    pub height: Option<f64>,
    pub properties: Vec<Property>,
    pub variants: Vec<Variant>,
    pub texts: Vec<TextField>,
    pub interactions: Vec<InteractionFact>,
    pub tokens: Tokens,
    /// Components instantiated inside, by name.
    pub dependencies: Vec<String>,
    pub children: Vec<ChildFact>,
    pub annotations: Vec<String>,
    pub documentation_links: Vec<String>,
    pub node_count: usize,
    pub instance_count: usize,
    pub text_inputs: usize,
    /// Distinct interaction states seen in variant names (hover, disabled…).
    pub states: Vec<String>,
    /// Figma's Dev Mode status (`Ready for development`, `Completed`), empty when none is set.
    pub dev_status: String,
    /// What the effort estimate counts (the analysis crate's measure of the same layers).
    pub complexity: effort::Complexity,
}

const STATE_WORDS: &[&str] = &[
    "default", "hover", "pressed", "active", "focus", "focused", "disabled", "error", "selected",
    "loading", "checked",
];
const INPUT_WORDS: &[&str] = &[
    "input",
    "field",
    "textarea",
    "text area",
    "search",
    "textfield",
    "text field",
];

fn kind_of(kind: &ComponentPropertyType) -> &'static str {
    match kind {
        ComponentPropertyType::Boolean => "boolean",
        ComponentPropertyType::Text => "text",
        ComponentPropertyType::InstanceSwap => "instance_swap",
        ComponentPropertyType::Variant => "variant",
        _ => "other",
    }
}

/// `Label#12:0` → `Label` (Figma suffixes non-variant property names with an id).
fn property_name(raw: &str) -> String {
    raw.split('#').next().unwrap_or(raw).trim().to_owned()
}

fn value_text(value: &PropertyValue) -> String {
    value.to_string()
}

fn rgb(r: f64, g: f64, b: f64) -> u32 {
    let c = |v: f64| u32::from((v.clamp(0.0, 1.0) * 255.0).round() as u8);
    (c(r) << 16) | (c(g) << 8) | c(b)
}

fn truncate(text: &str, max: usize) -> String {
    let clean: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if clean.chars().count() <= max {
        clean
    } else {
        clean.chars().take(max).collect::<String>() + "…"
    }
}

fn component_type(design: &Design, node: &Node) -> String {
    match &node.node_type {
        NodeType::ComponentSet => "component set".into(),
        NodeType::Component => {
            let in_set = design
                .components
                .get(&node.id)
                .and_then(|c| c.component_set_id.as_ref())
                .is_some()
                || node
                    .parent
                    .and_then(|p| design.node(p))
                    .is_some_and(|p| p.node_type == NodeType::ComponentSet);
            if in_set {
                "variant".into()
            } else {
                "component".into()
            }
        }
        NodeType::Instance => "instance".into(),
        NodeType::Canvas => "page".into(),
        NodeType::Frame => "frame".into(),
        NodeType::Section => "section".into(),
        other => other.as_str().to_ascii_lowercase().replace('_', " "),
    }
}

/// `needle` (lower-case ASCII) occurs in `haystack`, ignoring case. Layer names are nearly always
/// ASCII, so this runs for every layer without allocating; other names are lower-cased.
fn contains_word(haystack: &str, needle: &str) -> bool {
    if !haystack.is_ascii() {
        return haystack.to_lowercase().contains(needle);
    }
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    n.is_empty() || h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
}

/// The interaction states (`hover`, `disabled`…) a variant name such as `Size=L, State=Hover`
/// names, lower-cased.
fn state_words(name: &str) -> impl Iterator<Item = &'static str> + '_ {
    name.split(',').filter_map(|pair| {
        let (_, value) = pair.split_once('=')?;
        let value = value.trim();
        if value.is_ascii() {
            STATE_WORDS
                .iter()
                .copied()
                .find(|w| value.eq_ignore_ascii_case(w))
        } else {
            let lower = value.to_lowercase();
            STATE_WORDS.iter().copied().find(|w| lower == *w)
        }
    })
}

fn variant_pairs(name: &str) -> BTreeMap<String, String> {
    name.split(',')
        .filter_map(|pair| {
            let (k, v) = pair.split_once('=')?;
            Some((k.trim().to_owned(), v.trim().to_owned()))
        })
        .collect()
}

fn trigger_label(trigger: &str) -> String {
    match trigger {
        "ON_CLICK" => "On click".into(),
        "ON_HOVER" | "MOUSE_ENTER" => "On hover".into(),
        "MOUSE_LEAVE" => "When the pointer leaves".into(),
        "ON_PRESS" | "MOUSE_DOWN" => "On press".into(),
        "MOUSE_UP" => "On release".into(),
        "ON_DRAG" => "On drag".into(),
        "AFTER_TIMEOUT" => "After a delay".into(),
        "ON_KEY_DOWN" => "On key press".into(),
        "" => "On interaction".into(),
        other => format!("On {}", other.to_ascii_lowercase().replace('_', " ")),
    }
}

/// Look-ups of nodes by id for one request. A few are linear scans; past that an index is built
/// once, so an epic whose frames link to each other does not scan the file per interaction.
pub(crate) struct NodeIds<'a> {
    design: &'a Design,
    scans: Cell<u32>,
    index: OnceCell<HashMap<&'a str, NodeIndex>>,
}

/// Linear look-ups allowed before the index is built.
const SCANS_BEFORE_INDEX: u32 = 8;

impl<'a> NodeIds<'a> {
    pub(crate) fn new(design: &'a Design) -> Self {
        Self {
            design,
            scans: Cell::new(0),
            index: OnceCell::new(),
        }
    }

    pub(crate) fn find(&self, id: &str) -> Option<&'a Node> {
        if self.index.get().is_none() && self.scans.get() < SCANS_BEFORE_INDEX {
            self.scans.set(self.scans.get() + 1);
            return self.design.find(id);
        }
        let index = self.index.get_or_init(|| {
            let mut index = HashMap::with_capacity(self.design.nodes.len());
            for node in &self.design.nodes {
                // The first node with an id wins, as in `Design::find`.
                index.entry(node.id.as_str()).or_insert(node.index);
            }
            index
        });
        index.get(id).and_then(|&i| self.design.node(i))
    }
}

/// The subject for `index`.
pub(crate) fn extract(design: &Design, ids: &NodeIds<'_>, index: NodeIndex) -> Option<Subject> {
    let node = design.node(index)?;
    // The analysis crate's scope decides which layers count: hidden ones (and everything inside
    // them) are left out of the facts, as they are out of every report.
    let scope = Scope::of_index(design, index);
    let complexity = effort_report::measure(design, &scope, node);
    let page_name = if node.node_type == NodeType::Canvas {
        node.name.clone()
    } else {
        design
            .ancestors(index)
            .find(|a| a.node_type == NodeType::Canvas)
            .map(|p| p.name.clone())
            .unwrap_or_default()
    };
    let (width, height) = node
        .size()
        .map_or((None, None), |(w, h)| (Some(w), Some(h)));

    let description = node
        .extras
        .description
        .clone()
        .filter(|d| !d.trim().is_empty())
        .or_else(|| {
            design
                .components
                .get(&node.id)
                .map(|c| c.description.clone())
                .filter(|d| !d.is_empty())
        })
        .or_else(|| {
            design
                .component_sets
                .get(&node.id)
                .map(|c| c.description.clone())
                .filter(|d| !d.is_empty())
        })
        .unwrap_or_default();

    // Properties: declared on the node, or on the set a variant belongs to, or set on an instance.
    let set_node = match node.node_type {
        NodeType::Component => node
            .parent
            .and_then(|p| design.node(p))
            .filter(|p| p.node_type == NodeType::ComponentSet),
        _ => None,
    };
    let declaring = if node.extras.component_property_definitions.is_empty() {
        set_node.unwrap_or(node)
    } else {
        node
    };
    let mut properties: Vec<Property> = declaring
        .extras
        .component_property_definitions
        .iter()
        .map(|(raw, def)| Property {
            name: property_name(raw),
            kind: kind_of(&def.property_type).to_owned(),
            default: def
                .default_value
                .as_ref()
                .map(value_text)
                .unwrap_or_default(),
            options: def.variant_options.clone(),
            required: def.property_type == ComponentPropertyType::Variant,
            description: String::new(),
        })
        .collect();
    if properties.is_empty() {
        properties = node
            .component_properties
            .iter()
            .map(|(raw, prop)| Property {
                name: property_name(raw),
                kind: kind_of(&prop.property_type).to_owned(),
                default: value_text(&prop.value),
                options: Vec::new(),
                required: false,
                description: String::new(),
            })
            .collect();
    }

    // Variants: the components of the set (the node itself, or the set a variant belongs to).
    let variant_parent = if node.node_type == NodeType::ComponentSet {
        Some(node)
    } else {
        set_node
    };
    let variants: Vec<Variant> = variant_parent
        .map(|set| {
            design
                .children_of(set)
                .filter(|c| c.node_type == NodeType::Component)
                .take(MAX_VARIANTS)
                .map(|c| Variant {
                    node_id: c.id.clone(),
                    name: c.name.clone(),
                    properties: variant_pairs(&c.name),
                })
                .collect()
        })
        .unwrap_or_default();

    let mut texts = Vec::new();
    let mut seen_texts = BTreeSet::new();
    let mut interactions = Vec::new();
    // The walk visits every layer of the subtree, so its sets borrow from the design (or hold
    // packed numbers) and allocate only when formatted at the end.
    let mut colors: BTreeMap<u32, usize> = BTreeMap::new();
    let mut typography = BTreeSet::new();
    let mut spacing = BTreeSet::new();
    let mut radii = BTreeSet::new();
    let mut effects: BTreeSet<&str> = BTreeSet::new();
    let mut styles: BTreeSet<&str> = BTreeSet::new();
    let mut variables: BTreeSet<&str> = BTreeSet::new();
    let mut dependencies: BTreeSet<&str> = BTreeSet::new();
    let mut annotations = Vec::new();
    let mut documentation_links = Vec::new();
    let mut instance_count = 0;
    let mut text_inputs = 0;
    let mut states: BTreeSet<&'static str> = BTreeSet::new();

    for n in scope.nodes(design) {
        if INPUT_WORDS.iter().any(|w| contains_word(&n.name, w)) {
            text_inputs += 1;
        }
        if n.node_type == NodeType::Component || n.node_type == NodeType::Instance {
            states.extend(state_words(&n.name));
        }
        if let Some(text) = n.text.as_deref()
            && texts.len() < MAX_TEXTS
        {
            let content = truncate(&text.characters, MAX_TEXT_CHARS);
            if !content.is_empty() && seen_texts.insert(content.clone()) {
                let s = &text.style;
                let mut style = Vec::new();
                if let Some(f) = &s.font_family {
                    style.push(f.to_string());
                }
                if let Some(size) = s.font_size {
                    style.push(format!("{size}px"));
                }
                if let Some(weight) = s.font_weight {
                    style.push(format!("{weight}"));
                }
                let style = style.join(" ");
                if !style.is_empty() {
                    typography.insert(style.clone());
                }
                texts.push(TextField {
                    node_id: n.id.clone(),
                    name: n.name.clone(),
                    content,
                    style,
                });
            }
        }
        for paint in n.fills.iter().chain(n.strokes.iter()) {
            if paint.visible
                && paint.paint_type == PaintType::Solid
                && let Some(c) = paint.color
            {
                *colors.entry(rgb(c.r, c.g, c.b)).or_default() += 1;
            }
        }
        for value in [
            n.layout.item_spacing,
            n.layout.padding_top,
            n.layout.padding_right,
            n.layout.padding_bottom,
            n.layout.padding_left,
        ]
        .into_iter()
        .flatten()
        {
            if value > 0.0 && value.is_finite() {
                spacing.insert((value * 100.0).round() as i64);
            }
        }
        if let Some(r) = n.corner_radius
            && r > 0.0
            && r.is_finite()
        {
            radii.insert((r * 100.0).round() as i64);
        }
        for effect in n.effects.iter().filter(|e| e.visible) {
            effects.insert(effect.effect_type.as_str());
        }
        for style_id in n.styles.values() {
            if let Some(name) = design.style_name(style_id) {
                styles.insert(name);
            }
        }
        for binding in n.bound_variables.values() {
            for id in binding.variable_ids() {
                variables.insert(design.variable_name(id).unwrap_or(id));
            }
        }
        if n.node_type == NodeType::Instance {
            instance_count += 1;
            if let Some(component_id) = &n.component_id {
                let name = design
                    .components
                    .get(component_id.as_str())
                    .map(|c| {
                        c.component_set_id
                            .as_ref()
                            .and_then(|set| design.component_sets.get(set))
                            .map_or(c.name.as_str(), |s| s.name.as_str())
                    })
                    .unwrap_or(n.name.as_str());
                dependencies.insert(name);
            }
        }
        for annotation in &n.extras.annotations {
            if let Some(label) = annotation
                .label
                .as_ref()
                .or(annotation.label_markdown.as_ref())
            {
                annotations.push(truncate(label, MAX_TEXT_CHARS));
            }
        }
        for resource in &n.extras.dev_resources {
            documentation_links.push(resource.url.clone());
        }
        for interaction in &n.extras.interactions {
            if interactions.len() >= MAX_INTERACTIONS {
                break;
            }
            let trigger = interaction
                .trigger
                .as_ref()
                .and_then(|t| t.trigger_type.clone())
                .unwrap_or_default();
            for action in &interaction.actions {
                let destination = action.destination_id.as_deref().and_then(|id| ids.find(id));
                let dest_name = destination.map(|d| d.name.clone());
                let action_type = action.action_type.as_deref().unwrap_or_default();
                let target = dest_name
                    .clone()
                    .or_else(|| action.destination_id.clone())
                    .unwrap_or_else(|| "another screen".into());
                let action_label = match (action_type, action.navigation.as_deref()) {
                    ("BACK", _) => "goes back".to_owned(),
                    ("CLOSE", _) => "closes the overlay".to_owned(),
                    ("URL", _) => format!(
                        "opens {}",
                        action.url.clone().unwrap_or_else(|| "a link".into())
                    ),
                    (_, Some("OVERLAY")) => format!("opens **{}** as an overlay", target),
                    (_, Some("SWAP")) => format!("swaps to **{}**", target),
                    (_, Some("CHANGE_TO")) => format!("changes to the **{}** state", target),
                    (_, Some("SCROLL_TO")) => format!("scrolls to **{}**", target),
                    ("NODE", _) => format!("navigates to **{}**", target),
                    ("", _) => continue,
                    (other, _) => format!("runs {}", other.to_ascii_lowercase().replace('_', " ")),
                };
                interactions.push(InteractionFact {
                    node_id: n.id.clone(),
                    node_name: n.name.clone(),
                    trigger_label: trigger_label(&trigger),
                    trigger: trigger.clone(),
                    action_label,
                    destination_id: action.destination_id.clone(),
                    destination_name: dest_name,
                    url: action.url.clone(),
                });
            }
        }
        if n.extras.interactions.is_empty()
            && let Some(dest) = &n.extras.transition_node_id
            && interactions.len() < MAX_INTERACTIONS
        {
            let name = ids.find(dest).map(|d| d.name.clone());
            interactions.push(InteractionFact {
                node_id: n.id.clone(),
                node_name: n.name.clone(),
                trigger: "ON_CLICK".into(),
                trigger_label: trigger_label("ON_CLICK"),
                action_label: format!(
                    "navigates to **{}**",
                    name.clone().unwrap_or_else(|| dest.clone())
                ),
                destination_id: Some(dest.clone()),
                destination_name: name,
                url: None,
            });
        }
    }
    if let Some(c) = design.components.get(&node.id) {
        documentation_links.extend(c.documentation_links.iter().map(|l| l.uri.clone()));
    }

    let mut colors: Vec<ColorToken> = colors
        .into_iter()
        .map(|(packed, count)| ColorToken {
            hex: format!("#{packed:06x}"),
            count,
        })
        .collect();
    colors.sort_by(|a, b| b.count.cmp(&a.count).then(a.hex.cmp(&b.hex)));
    colors.truncate(MAX_TOKENS);
    let to_px = |set: BTreeSet<i64>| {
        set.into_iter()
            .take(MAX_TOKENS)
            .map(|v| v as f64 / 100.0)
            .collect()
    };

    Some(Subject {
        node_id: node.id.clone(),
        name: node.name.clone(),
        node_type: node.node_type.as_str().to_owned(),
        component_type: component_type(design, node),
        page_name,
        description,
        width,
        height,
        properties,
        variants,
        texts,
        interactions,
        tokens: Tokens {
            colors,
            typography: typography.into_iter().take(MAX_TOKENS).collect(),
            spacing: to_px(spacing),
            radii: to_px(radii),
            effects: effects_text(effects),
            styles: owned(styles),
            variables: owned(variables),
        },
        dependencies: owned(dependencies),
        children: design
            .children_of(node)
            .filter(|c| scope.shows(c.index as usize))
            .take(30)
            .map(|c| ChildFact {
                node_id: c.id.clone(),
                name: c.name.clone(),
                node_type: c.node_type.as_str().to_owned(),
            })
            .collect(),
        annotations,
        documentation_links,
        node_count: usize::try_from(complexity.nodes).unwrap_or(usize::MAX),
        instance_count,
        text_inputs,
        states: states.into_iter().map(str::to_owned).collect(),
        dev_status: dev_status_label(node),
        complexity,
    })
}

/// Figma's Dev Mode status of the node, for people (`Ready for development`); empty when the
/// designer set none, so nothing is claimed.
fn dev_status_label(node: &Node) -> String {
    match node
        .extras
        .dev_status
        .as_ref()
        .map(|s| s.status_type.as_str())
    {
        None | Some("") => String::new(),
        Some("READY_FOR_DEV") => "Ready for development".to_owned(),
        Some("COMPLETED") => "Completed".to_owned(),
        Some(other) => {
            let words = other.to_ascii_lowercase().replace('_', " ");
            let mut chars = words.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        }
    }
}

/// The first [`MAX_TOKENS`] names of a set, owned.
fn owned(names: BTreeSet<&str>) -> Vec<String> {
    names
        .into_iter()
        .take(MAX_TOKENS)
        .map(str::to_owned)
        .collect()
}

/// `DROP_SHADOW` → `drop shadow`, sorted and without duplicates.
fn effects_text(effects: BTreeSet<&str>) -> Vec<String> {
    let texts: BTreeSet<String> = effects
        .into_iter()
        .map(|e| e.to_ascii_lowercase().replace('_', " "))
        .collect();
    texts.into_iter().collect()
}

/// The node a single ticket is about when the caller names none: the requested node of a nodes
/// response, else the first component set, component, or top-level frame of the file.
pub fn default_subject(design: &Design) -> Option<NodeIndex> {
    let by_type = |t: NodeType| {
        design
            .nodes
            .iter()
            .find(|n| n.node_type == t)
            .map(|n| n.index)
    };
    if design.source == Some(handoff_figma::DesignSource::Nodes)
        && let Some(&root) = design.roots.first()
    {
        return Some(root);
    }
    by_type(NodeType::ComponentSet)
        .or_else(|| by_type(NodeType::Component))
        .or_else(|| top_level_frames(design).first().copied())
        .or_else(|| design.roots.first().copied())
}

/// Frames, components and sections directly on a page (what a designer calls "the screens"), or
/// the requested nodes of a nodes response.
pub fn top_level_frames(design: &Design) -> Vec<NodeIndex> {
    let mut out = Vec::new();
    for root in design.root_nodes() {
        match root.node_type {
            NodeType::Document => {
                for page in design.children_of(root) {
                    out.extend(
                        design
                            .children_of(page)
                            .filter(|n| {
                                n.node_type.is_container() && n.node_type != NodeType::Group
                            })
                            .map(|n| n.index),
                    );
                }
            }
            NodeType::Canvas => out.extend(
                design
                    .children_of(root)
                    .filter(|n| n.node_type.is_container())
                    .map(|n| n.index),
            ),
            _ => out.push(root.index),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers() {
        assert_eq!(property_name("Label#12:0"), "Label");
        assert_eq!(
            variant_pairs("Size=Large, State=Hover")
                .get("State")
                .map(String::as_str),
            Some("Hover")
        );
        assert_eq!(format!("#{:06x}", rgb(1.0, 0.5, 0.0)), "#ff8000");
        assert_eq!(truncate("a\n b", 10), "a b");
        assert_eq!(truncate("abcdef", 3), "abc…");
    }
}
