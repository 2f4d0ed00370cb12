//! Finding tokens in a design: named styles, variables (bound, and the variables endpoint when
//! attached) and raw values, each with the nodes that use it.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};

use handoff_figma::model::{Effect, EffectType, Paint, SharedStr, VariableBinding, VariableValue};
use handoff_figma::{Design, Node};

use super::{
    MAX_NODE_IDS_PER_TOKEN, ShadowLayer, Token, TokenCategory, TokenSource, TokenValue,
    TokensReport, num,
};
use crate::analyzer::Analyzer;
use crate::colour::Rgba;
use crate::model::{rgba, solid_colour, variable_ids};
use crate::scope::Scope;

/// Identity of a token while collecting.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Key<'d> {
    /// Borrowed from the design, so a usage costs no allocation.
    Style(&'d str),
    Variable(&'d str),
    Raw(String),
    /// A raw colour, by its 8-bit channels (named by its hex when the token is created).
    RawColour([u8; 4]),
    /// A raw length, by the bits of its f64 (named by the number).
    RawPx(u64),
}

#[derive(Default)]
struct Collector<'d> {
    tokens: HashMap<(TokenCategory, Key<'d>), Token>,
    /// Only styles and variables (the design system), no raw values.
    system_only: bool,
}

impl<'d> Collector<'d> {
    fn add(
        &mut self,
        design: &Design,
        category: TokenCategory,
        key: Key<'d>,
        value: impl FnOnce() -> TokenValue,
        node: Option<&Node>,
    ) {
        if self.system_only && matches!(key, Key::Raw(_) | Key::RawColour(_) | Key::RawPx(_)) {
            return;
        }
        let token = match self.tokens.entry((category, key)) {
            Entry::Occupied(slot) => slot.into_mut(),
            Entry::Vacant(slot) => {
                let token = new_token(design, category, &slot.key().1, value());
                slot.insert(token)
            }
        };
        if let Some(node) = node {
            token.usage_count += 1;
            if token.node_ids.len() < MAX_NODE_IDS_PER_TOKEN
                && token.node_ids.last() != Some(&node.id)
            {
                token.node_ids.push(node.id.clone());
            }
        }
    }

    fn into_tokens(self) -> Vec<Token> {
        let mut tokens: Vec<Token> = self.tokens.into_values().collect();
        tokens.sort_by(|a, b| {
            (a.category, a.source, &a.name, &a.source_id).cmp(&(
                b.category,
                b.source,
                &b.name,
                &b.source_id,
            ))
        });
        tokens
    }
}

fn new_token(design: &Design, category: TokenCategory, key: &Key<'_>, value: TokenValue) -> Token {
    let (name, source, source_id, description) = match key {
        Key::Style(id) => {
            let style = design.styles.get(*id);
            let name = style.map_or_else(|| (*id).to_owned(), |s| s.name.clone());
            let description = style
                .map(|s| s.description.clone())
                .filter(|d| !d.is_empty());
            (
                name,
                TokenSource::Style,
                Some((*id).to_owned()),
                description,
            )
        }
        Key::Variable(id) => {
            let variable = design.variables.as_ref().and_then(|v| v.variables.get(*id));
            let name = variable.map_or_else(|| (*id).to_owned(), |v| v.name.clone());
            let description = variable
                .map(|v| v.description.clone())
                .filter(|d| !d.is_empty());
            (
                name,
                TokenSource::Variable,
                Some((*id).to_owned()),
                description,
            )
        }
        Key::Raw(name) => (name.clone(), TokenSource::Usage, None, None),
        Key::RawColour([r, g, b, a]) => {
            let hex = if *a == 255 {
                format!("{r:02x}{g:02x}{b:02x}")
            } else {
                format!("{r:02x}{g:02x}{b:02x}{a:02x}")
            };
            (hex, TokenSource::Usage, None, None)
        }
        Key::RawPx(bits) => (num(f64::from_bits(*bits)), TokenSource::Usage, None, None),
    };
    Token {
        name,
        category,
        value,
        source,
        source_id,
        description,
        usage_count: 0,
        node_ids: Vec::new(),
    }
}

/// The style id a node applies for a purpose (`fill`, `stroke`, `text`, `effect`); responses
/// use both singular and plural keys.
fn style_id<'a>(node: &'a Node, singular: &str, plural: &str) -> Option<&'a str> {
    node.styles
        .get(singular)
        .or_else(|| node.styles.get(plural))
        .map(SharedStr::as_str)
}

/// The variable bound to paint `index` of a node, through the paint or the node's list binding.
fn paint_variable<'a>(
    node: &'a Node,
    field: &str,
    paint: &'a Paint,
    index: usize,
) -> Option<&'a str> {
    if let Some(binding) = paint.bound_variables.get("color") {
        return variable_ids(binding).next();
    }
    match node.bound_variables.get(field)? {
        VariableBinding::Many(aliases) => aliases.get(index).map(|a| a.id.as_str()),
        VariableBinding::One(alias) => Some(alias.id.as_str()),
        _ => None,
    }
}

fn node_variable<'a>(node: &'a Node, field: &str) -> Option<&'a str> {
    node.bound_variables
        .get(field)
        .and_then(|b| variable_ids(b).next())
}

fn colour_token_key<'d>(
    style: Option<&'d str>,
    variable: Option<&'d str>,
    colour: Rgba,
) -> Key<'d> {
    match (style, variable) {
        (Some(id), _) => Key::Style(id),
        (None, Some(id)) => Key::Variable(id),
        (None, None) => Key::RawColour(colour.to_bytes()),
    }
}

fn collect_paints<'d>(
    c: &mut Collector<'d>,
    design: &'d Design,
    node: &'d Node,
    paints: &'d [Paint],
    field: &str,
    style: Option<&'d str>,
) {
    for (index, paint) in paints.iter().enumerate() {
        let Some(colour) = solid_colour(paint) else {
            continue;
        };
        let key = colour_token_key(style, paint_variable(node, field, paint, index), colour);
        c.add(
            design,
            TokenCategory::Color,
            key,
            || TokenValue::Color {
                hex: colour.to_hex(),
            },
            Some(node),
        );
    }
}

fn collect_typography<'d>(c: &mut Collector<'d>, design: &'d Design, node: &'d Node) {
    let Some(text) = node.text.as_deref() else {
        return;
    };
    let s = &text.style;
    let family = s.font_family.as_deref().unwrap_or_default();
    let weight = s.font_weight.unwrap_or(400.0);
    let Some(size) = s.font_size else { return };
    let value = || TokenValue::Typography {
        font_family: family.to_owned(),
        font_weight: weight,
        font_size: size,
        line_height_px: s.line_height_px,
        letter_spacing_px: s.letter_spacing.filter(|l| *l != 0.0),
    };
    let key = match style_id(node, "text", "texts") {
        Some(id) => Key::Style(id),
        None if c.system_only => return,
        None => Key::Raw(format!("{family} {} {}", num(size), num(weight))),
    };
    c.add(design, TokenCategory::Typography, key, value, Some(node));
}

const SPACING_FIELDS: [&str; 6] = [
    "paddingLeft",
    "paddingRight",
    "paddingTop",
    "paddingBottom",
    "itemSpacing",
    "counterAxisSpacing",
];

fn collect_spacing<'d>(c: &mut Collector<'d>, design: &'d Design, node: &'d Node) {
    let l = &node.layout;
    let values = [
        l.padding_left,
        l.padding_right,
        l.padding_top,
        l.padding_bottom,
        l.item_spacing,
        l.counter_axis_spacing,
    ];
    for (field, value) in SPACING_FIELDS.iter().zip(values) {
        let Some(px) = value.filter(|v| v.is_finite() && *v > 0.0) else {
            continue;
        };
        let key =
            node_variable(node, field).map_or_else(|| Key::RawPx(px.to_bits()), Key::Variable);
        c.add(
            design,
            TokenCategory::Spacing,
            key,
            move || TokenValue::Dimension { px },
            Some(node),
        );
    }
}

const RADIUS_FIELDS: [&str; 4] = [
    "topLeftRadius",
    "topRightRadius",
    "bottomRightRadius",
    "bottomLeftRadius",
];

fn collect_radii<'d>(c: &mut Collector<'d>, design: &'d Design, node: &'d Node) {
    let radii: Vec<(Option<&str>, f64)> =
        match (node.extras.rectangle_corner_radii, node.corner_radius) {
            (Some(corners), _) => RADIUS_FIELDS
                .iter()
                .zip(corners)
                .map(|(f, r)| (node_variable(node, f), r))
                .collect(),
            (None, Some(r)) => vec![(
                node_variable(node, "cornerRadius")
                    .or_else(|| node_variable(node, RADIUS_FIELDS[0])),
                r,
            )],
            (None, None) => Vec::new(),
        };
    let mut seen = Vec::new();
    for (variable, px) in radii {
        if !px.is_finite() || px <= 0.0 || seen.contains(&px.to_bits()) {
            continue;
        }
        seen.push(px.to_bits());
        let key = variable.map_or_else(|| Key::RawPx(px.to_bits()), Key::Variable);
        c.add(
            design,
            TokenCategory::Radius,
            key,
            move || TokenValue::Dimension { px },
            Some(node),
        );
    }
}

fn shadow_layer(effect: &Effect) -> Option<ShadowLayer> {
    let inset = match effect.effect_type {
        EffectType::DropShadow => false,
        EffectType::InnerShadow => true,
        _ => return None,
    };
    let offset = effect.offset.unwrap_or_default();
    Some(ShadowLayer {
        inset,
        color: effect
            .color
            .as_ref()
            .map_or_else(|| "#00000040".to_owned(), |c| rgba(c).to_hex()),
        offset_x: offset.x,
        offset_y: offset.y,
        blur: effect.radius,
        spread: effect.spread.unwrap_or(0.0),
    })
}

fn collect_effects<'d>(c: &mut Collector<'d>, design: &'d Design, node: &'d Node) {
    let visible: Vec<&Effect> = node.effects.iter().filter(|e| e.visible).collect();
    if visible.is_empty() {
        return;
    }
    let style = style_id(node, "effect", "effects");
    let layers: Vec<ShadowLayer> = visible.iter().filter_map(|e| shadow_layer(e)).collect();

    if !layers.is_empty() {
        let value = TokenValue::Shadow { layers };
        let key = style.map_or_else(|| Key::Raw(format!("shadow {}", value.css())), Key::Style);
        c.add(design, TokenCategory::Shadow, key, || value, Some(node));
    }
    for effect in visible {
        let kind = match effect.effect_type {
            EffectType::LayerBlur => "layer",
            EffectType::BackgroundBlur => "background",
            _ => continue,
        };
        let key = match style {
            Some(id) => Key::Style(id),
            None => Key::Raw(format!("{kind} {}", num(effect.radius))),
        };
        c.add(
            design,
            TokenCategory::Blur,
            key,
            || TokenValue::Dimension { px: effect.radius },
            Some(node),
        );
    }
}

/// Tokens from the variables endpoint (when attached): colours, and numbers whose scope or name
/// says spacing or radius. Values are taken in each collection's default mode.
fn collect_declared_variables<'d>(c: &mut Collector<'d>, design: &'d Design) {
    let Some(variables) = design.variables.as_ref() else {
        return;
    };
    for (id, variable) in &variables.variables {
        let mode = variables
            .variable_collections
            .get(&variable.variable_collection_id)
            .map(|c| c.default_mode_id.as_str());
        let value = mode
            .and_then(|m| variable.values_by_mode.get(m))
            .or_else(|| variable.values_by_mode.values().next());
        let name = variable.name.to_ascii_lowercase();
        let scoped = |scope: &str, words: &[&str]| {
            variable.scopes.iter().any(|s| s == scope) || words.iter().any(|w| name.contains(w))
        };
        let token = match value {
            Some(VariableValue::Color(color)) => Some((
                TokenCategory::Color,
                TokenValue::Color {
                    hex: rgba(color).to_hex(),
                },
            )),
            Some(VariableValue::Number(px))
                if scoped("CORNER_RADIUS", &["radius", "radii", "rounded"]) =>
            {
                Some((TokenCategory::Radius, TokenValue::Dimension { px: *px }))
            }
            Some(VariableValue::Number(px))
                if scoped("GAP", &["spacing", "space", "gap", "padding"]) =>
            {
                Some((TokenCategory::Spacing, TokenValue::Dimension { px: *px }))
            }
            _ => None,
        };
        if let Some((category, value)) = token {
            c.add(design, category, Key::Variable(id), || value, None);
        }
    }
}

/// All tokens of the nodes in `scope` (plus declared variables), sorted.
pub fn tokens_of(design: &Design, scope: &Scope) -> Vec<Token> {
    collect(design, scope, false)
}

/// Only the design system: styles and variables of the whole design, with their usage.
pub(crate) fn system_tokens_of(design: &Design) -> Vec<Token> {
    collect(design, &Scope::whole(design), true)
}

fn collect(design: &Design, scope: &Scope, system_only: bool) -> Vec<Token> {
    let mut c = Collector {
        system_only,
        ..Collector::default()
    };
    collect_declared_variables(&mut c, design);
    for node in scope.nodes(design) {
        collect_paints(
            &mut c,
            design,
            node,
            &node.fills,
            "fills",
            style_id(node, "fill", "fills"),
        );
        collect_paints(
            &mut c,
            design,
            node,
            &node.strokes,
            "strokes",
            style_id(node, "stroke", "strokes"),
        );
        collect_typography(&mut c, design, node);
        collect_spacing(&mut c, design, node);
        collect_radii(&mut c, design, node);
        collect_effects(&mut c, design, node);
    }
    c.into_tokens()
}

/// The tokens report for `scope`.
pub fn tokens_report(design: &Design, scope: &Scope) -> TokensReport {
    Analyzer::new(design, scope).tokens()
}

pub(crate) fn build_report(analyzer: &Analyzer<'_>) -> TokensReport {
    let tokens = analyzer.scope_tokens().to_vec();
    let mut counts: BTreeMap<TokenCategory, u64> = BTreeMap::new();
    for token in &tokens {
        *counts.entry(token.category).or_default() += 1;
    }
    TokensReport {
        file_name: analyzer.design.file.name.clone(),
        scope: analyzer.scope.describe(analyzer.design),
        counts,
        tokens,
    }
}

/// The CSS `box-shadow` of a node's shadow effects, as tokens render it.
pub(crate) fn shadow_css(effects: &[&Effect]) -> String {
    TokenValue::Shadow {
        layers: effects.iter().filter_map(|e| shadow_layer(e)).collect(),
    }
    .css()
}
