//! Compliance against a design system: the file's own styles and variables, a supplied DTCG
//! token file, or another Figma file. Every colour, type, spacing, radius and effect usage is
//! matched to the system's tokens; hand-built copies of components count against it.

use std::collections::HashMap;
use std::fmt::Write as _;

use handoff_figma::model::{Effect, EffectType};
use handoff_figma::{Design, Node};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::analyzer::Analyzer;
use crate::colour::{Lab, Rgba, delta_e2000_lab};
use crate::finding::{DEFAULT_MAX_FINDINGS_PER_CATEGORY, Finding, Tally};
use crate::markdown::{cell, source_line};
use crate::model::solid_colour;
use crate::scope::Scope;
use crate::score::{CategoryFilter, CategoryScore, Grade, round2, score_tallies, status_light};
use crate::tokens::{Token, TokenCategory, TokenValue, num, system_tokens_of};

/// What to check against.
#[derive(Debug, Clone, Copy)]
pub enum DesignSystem<'a> {
    /// The file's own named styles and variables; anything bound to them complies.
    Own,
    /// Tokens from a supplied file (see [`crate::parse_dtcg`]).
    Tokens(&'a [Token]),
    /// The styles and variables of another Figma file (a library).
    Other(&'a Design),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct ComplianceWeights {
    pub color: f64,
    pub typography: f64,
    pub spacing: f64,
    pub radius: f64,
    pub effects: f64,
    pub components: f64,
}

impl Default for ComplianceWeights {
    fn default() -> Self {
        Self {
            color: 0.25,
            typography: 0.25,
            spacing: 0.15,
            radius: 0.10,
            effects: 0.10,
            components: 0.15,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct ComplianceOptions {
    pub weights: ComplianceWeights,
    /// A colour within this CIEDE2000 distance of a token matches it.
    pub color_delta_e: f64,
    /// Sizes within this many px of a token match it.
    pub dimension_tolerance_px: f64,
    /// Spacing must be a multiple of this when the system has no spacing tokens.
    pub spacing_base_px: f64,
    /// Radii must be a multiple of this when the system has no radius tokens.
    pub radius_base_px: f64,
    pub max_findings_per_category: usize,
    /// The categories reported and scored (see [`CATEGORIES`]): chosen per request, not
    /// configured.
    #[serde(skip)]
    #[schemars(skip)]
    pub categories: CategoryFilter,
}

/// The compliance report's categories, by machine name, in report order.
pub const CATEGORIES: [&str; 6] = [
    "color",
    "typography",
    "spacing",
    "radius",
    "effects",
    "components",
];

impl Default for ComplianceOptions {
    fn default() -> Self {
        Self {
            weights: ComplianceWeights::default(),
            color_delta_e: 1.0,
            dimension_tolerance_px: 0.5,
            spacing_base_px: 4.0,
            radius_base_px: 2.0,
            max_findings_per_category: DEFAULT_MAX_FINDINGS_PER_CATEGORY,
            categories: CategoryFilter::all(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ComplianceReport {
    pub file_name: String,
    pub scope: String,
    /// What the file was checked against.
    pub design_system: String,
    /// Tokens in the design system, by category.
    pub system_tokens: u64,
    /// Weighted mean of the category scores, 0–100.
    pub overall_score: f64,
    pub grade: Grade,
    pub categories: Vec<CategoryScore>,
    pub findings: Vec<Finding>,
    pub findings_not_listed: u64,
}

/// Alphas closer than this are the same (one step of 8-bit alpha).
const ALPHA_TOLERANCE: f64 = 1.0 / 255.0;

/// The colour token nearest to a colour.
#[derive(Debug, Clone, Copy)]
struct NearestColour<'a> {
    token: &'a Token,
    value: Rgba,
    /// CIEDE2000 of the colours (alpha ignored).
    delta_e: f64,
    /// |alpha − token alpha|, 0–1.
    alpha_difference: f64,
}

/// The nearest colour token: ranked by ΔE2000 plus 100 per unit of alpha difference, so a token
/// of the same alpha wins over a slightly closer colour of another alpha. The two distances are
/// kept apart for the finding.
fn nearest_colour<'a>(tokens: &[ColourToken<'a>], colour: Rgba) -> Option<NearestColour<'a>> {
    let lab = colour.to_lab();
    let rank = |n: &NearestColour<'_>| n.delta_e + n.alpha_difference * 100.0;
    tokens
        .iter()
        .map(|t| NearestColour {
            token: t.token,
            value: t.colour,
            delta_e: delta_e2000_lab(lab, t.lab),
            alpha_difference: (colour.a - t.colour.a).abs(),
        })
        .min_by(|a, b| {
            rank(a)
                .total_cmp(&rank(b))
                .then_with(|| a.token.name.cmp(&b.token.name))
        })
}

fn nearest_dimension<'a>(tokens: &[&'a Token], px: f64) -> Option<(&'a Token, f64)> {
    tokens
        .iter()
        .filter_map(|t| match t.value {
            TokenValue::Dimension { px: v } => Some((*t, v)),
            _ => None,
        })
        .min_by(|a, b| (a.1 - px).abs().total_cmp(&(b.1 - px).abs()))
}

fn on_grid(px: f64, base: f64) -> bool {
    base <= 0.0 || (px / base - (px / base).round()).abs() < 1e-6
}

/// A colour token with its value parsed and converted to CIELAB once.
struct ColourToken<'a> {
    token: &'a Token,
    colour: Rgba,
    lab: Lab,
}

/// A shadow token with its CSS rendered once.
struct ShadowToken {
    css: String,
}

struct Checker<'a> {
    own: bool,
    options: &'a ComplianceOptions,
    colours: Vec<ColourToken<'a>>,
    typography: Vec<&'a Token>,
    spacing: Vec<&'a Token>,
    radii: Vec<&'a Token>,
    shadows: Vec<ShadowToken>,
    colour_cache: HashMap<[u8; 4], Option<NearestColour<'a>>>,
}

impl<'a> Checker<'a> {
    fn new(tokens: &'a [Token], own: bool, options: &'a ComplianceOptions) -> Self {
        let of = |category| {
            tokens
                .iter()
                .filter(|t| t.category == category)
                .collect::<Vec<_>>()
        };
        let colours = tokens
            .iter()
            .filter_map(|token| match &token.value {
                TokenValue::Color { hex } => Rgba::from_hex(hex).ok().map(|colour| ColourToken {
                    token,
                    colour,
                    lab: colour.to_lab(),
                }),
                _ => None,
            })
            .collect();
        let shadows = of(TokenCategory::Shadow)
            .into_iter()
            .map(|t| ShadowToken { css: t.value.css() })
            .collect();
        Self {
            own,
            options,
            colours,
            typography: of(TokenCategory::Typography),
            spacing: of(TokenCategory::Spacing),
            radii: of(TokenCategory::Radius),
            shadows,
            colour_cache: HashMap::new(),
        }
    }

    fn colour(&mut self, t: &mut Tally, node: &Node, colour: Rgba, bound: bool) {
        if self.own && bound {
            return t.pass();
        }
        let colours = &self.colours;
        let nearest = *self
            .colour_cache
            .entry(colour.to_bytes())
            .or_insert_with(|| nearest_colour(colours, colour));
        match nearest {
            Some(n)
                if n.delta_e <= self.options.color_delta_e
                    && n.alpha_difference <= ALPHA_TOLERANCE + 1e-9 =>
            {
                t.pass()
            }
            Some(n) => {
                let alpha = (n.alpha_difference > ALPHA_TOLERANCE + 1e-9)
                    .then_some(round2(n.alpha_difference));
                t.miss_colour(node, alpha, || {
                    let alpha_note = alpha.map_or_else(String::new, |a| {
                        format!(", alpha differs by {a:.2} ({:.0} %)", a * 100.0)
                    });
                    (
                        format!("colour {colour}"),
                        format!(
                            "Use `{}` ({}), ΔE2000 {:.2}{alpha_note}",
                            n.token.name, n.value, n.delta_e
                        ),
                        Some(round2(n.delta_e)),
                    )
                })
            }
            None => t.miss_token(node, || {
                (
                    format!("colour {colour}"),
                    "The design system defines no colours".into(),
                    None,
                )
            }),
        }
    }

    fn typography(&self, t: &mut Tally, node: &Node) {
        let Some(style) = node.text.as_deref().map(|text| &text.style) else {
            return;
        };
        let Some(size) = style.font_size else { return };
        if self.own && (node.styles.contains_key("text") || node.styles.contains_key("texts")) {
            return t.pass();
        }
        let family = style.font_family.as_deref().unwrap_or_default();
        let weight = style.font_weight.unwrap_or(400.0);
        let score = |token: &Token| match &token.value {
            TokenValue::Typography {
                font_family,
                font_weight,
                font_size,
                ..
            } => {
                let family_miss = if font_family.eq_ignore_ascii_case(family) {
                    0.0
                } else {
                    1000.0
                };
                let weight_miss = if (font_weight - weight).abs() < 1.0 {
                    0.0
                } else {
                    100.0
                };
                family_miss + weight_miss + (font_size - size).abs()
            }
            _ => f64::INFINITY,
        };
        // The first token with the lowest score, each token scored once.
        let best = self
            .typography
            .iter()
            .map(|token| (*token, score(token)))
            .reduce(|best, next| {
                if next.1.total_cmp(&best.1).is_lt() {
                    next
                } else {
                    best
                }
            });
        let found = || format!("{family} {} {}px", num(weight), num(size));
        match best {
            Some((_, score)) if score <= self.options.dimension_tolerance_px => t.pass(),
            Some((token, _)) => t.miss_token(node, || {
                (
                    found(),
                    format!("Use text style `{}` ({})", token.name, token.value.css()),
                    None,
                )
            }),
            None => t.miss_token(node, || {
                (
                    found(),
                    "The design system defines no text styles".into(),
                    None,
                )
            }),
        }
    }

    fn dimension(&self, t: &mut Tally, node: &Node, px: f64, bound: bool, radius: bool) {
        if self.own && bound {
            return t.pass();
        }
        let (tokens, base, what) = if radius {
            (&self.radii, self.options.radius_base_px, "radius")
        } else {
            (&self.spacing, self.options.spacing_base_px, "spacing")
        };
        match nearest_dimension(tokens, px) {
            Some((_, v)) if (v - px).abs() <= self.options.dimension_tolerance_px => t.pass(),
            None if on_grid(px, base) => t.pass(),
            Some((token, v)) => t.miss_token(node, || {
                (
                    format!("{what} {}px", num(px)),
                    format!("Use `{}` ({}px)", token.name, num(v)),
                    None,
                )
            }),
            None => t.miss_token(node, || {
                let nearest = (px / base).round().max(1.0) * base;
                (
                    format!("{what} {}px", num(px)),
                    format!("Use the {}px scale, e.g. {}px", num(base), num(nearest)),
                    None,
                )
            }),
        }
    }

    fn effects(&self, t: &mut Tally, node: &Node) {
        let is_shadow = |e: &&Effect| {
            e.visible
                && matches!(
                    e.effect_type,
                    EffectType::DropShadow | EffectType::InnerShadow
                )
        };
        if !node.effects.iter().any(|e| is_shadow(&e)) {
            return;
        }
        if self.own && (node.styles.contains_key("effect") || node.styles.contains_key("effects")) {
            return t.pass();
        }
        let shadows: Vec<&Effect> = node.effects.iter().filter(is_shadow).collect();
        let css = crate::tokens::shadow_css(&shadows);
        if self.shadows.iter().any(|s| s.css == css) {
            t.pass();
        } else {
            t.miss_token(node, || {
                let suggestion = match self.shadows.len() {
                    0 => "The design system defines no shadows".into(),
                    n => format!("Use one of the {n} shadow tokens"),
                };
                (format!("shadow {css}"), suggestion, None)
            });
        }
    }
}

fn describe(system: &DesignSystem<'_>) -> String {
    match system {
        DesignSystem::Own => "the file's own styles and variables".into(),
        DesignSystem::Tokens(tokens) => format!("a token file ({} tokens)", tokens.len()),
        DesignSystem::Other(other) => format!("the styles and variables of {:?}", other.file.name),
    }
}

/// Checks `scope` against `system`.
pub fn compliance_report(
    design: &Design,
    scope: &Scope,
    system: &DesignSystem<'_>,
    options: &ComplianceOptions,
) -> ComplianceReport {
    Analyzer::new(design, scope).compliance(system, options)
}

pub(crate) fn build(
    analyzer: &Analyzer<'_>,
    system: &DesignSystem<'_>,
    options: &ComplianceOptions,
) -> ComplianceReport {
    let (design, scope) = (analyzer.design, analyzer.scope);
    let other: Vec<Token>;
    let (tokens, own): (&[Token], bool) = match system {
        DesignSystem::Tokens(tokens) => (tokens, false),
        DesignSystem::Own => (analyzer.own_system_tokens(), true),
        DesignSystem::Other(library) => {
            other = system_tokens_of(library);
            (&other, false)
        }
    };
    let limit = options.max_findings_per_category;
    let mut checker = Checker::new(tokens, own, options);
    let mut colour = Tally::new("color", limit);
    let mut typography = Tally::new("typography", limit);
    let mut spacing = Tally::new("spacing", limit);
    let mut radius = Tally::new("radius", limit);
    let mut effects = Tally::new("effects", limit);
    let inside = analyzer.inside_instance();

    for node in scope.nodes(design) {
        if inside[node.index as usize] || !node.visible {
            continue;
        }
        let has_style = |keys: [&str; 2]| keys.iter().any(|k| node.styles.contains_key(*k));
        for (paints, field, keys) in [
            (&node.fills, "fills", ["fill", "fills"]),
            (&node.strokes, "strokes", ["stroke", "strokes"]),
        ] {
            for paint in paints {
                if let Some(c) = solid_colour(paint) {
                    let bound = has_style(keys)
                        || paint.bound_variables.contains_key("color")
                        || node.bound_variables.contains_key(field);
                    checker.colour(&mut colour, node, c, bound);
                }
            }
        }
        checker.typography(&mut typography, node);
        let l = &node.layout;
        let fields = [
            ("paddingLeft", l.padding_left),
            ("paddingRight", l.padding_right),
            ("paddingTop", l.padding_top),
            ("paddingBottom", l.padding_bottom),
            ("itemSpacing", l.item_spacing),
            ("counterAxisSpacing", l.counter_axis_spacing),
        ];
        for (field, value) in fields {
            if let Some(px) = value.filter(|v| v.is_finite() && *v > 0.0) {
                checker.dimension(
                    &mut spacing,
                    node,
                    px,
                    node.bound_variables.contains_key(field),
                    false,
                );
            }
        }
        let radii: Vec<f64> = match (node.extras.rectangle_corner_radii, node.corner_radius) {
            (Some(corners), _) => corners.to_vec(),
            (None, Some(r)) => vec![r],
            _ => Vec::new(),
        };
        let radius_bound = [
            "cornerRadius",
            "topLeftRadius",
            "topRightRadius",
            "bottomLeftRadius",
            "bottomRightRadius",
        ]
        .iter()
        .any(|f| node.bound_variables.contains_key(*f));
        let mut seen: Vec<u64> = Vec::new();
        for px in radii.into_iter().filter(|v| v.is_finite() && *v > 0.0) {
            if !seen.contains(&px.to_bits()) {
                seen.push(px.to_bits());
                checker.dimension(&mut radius, node, px, radius_bound, true);
            }
        }
        checker.effects(&mut effects, node);
    }

    let mut components = Tally::new("components", limit);
    for node in scope.nodes(design) {
        if node.node_type == handoff_figma::NodeType::Instance && !inside[node.index as usize] {
            components.pass();
        }
    }
    for copy in analyzer.detached() {
        if let (Some(node), Some(component)) = (design.node(copy.node), design.node(copy.component))
        {
            components.miss_token(node, || {
                (
                    format!("hand-built copy of component {:?}", component.name),
                    format!(
                        "Replace with an instance of `{}` ({})",
                        component.name, component.id
                    ),
                    None,
                )
            });
        }
    }

    let w = &options.weights;
    let tallies = [
        ("color", "Color", w.color, colour),
        ("typography", "Typography", w.typography, typography),
        ("spacing", "Spacing", w.spacing, spacing),
        ("radius", "Radius", w.radius, radius),
        ("effects", "Effects", w.effects, effects),
        ("components", "Component", w.components, components),
    ];
    let scored = score_tallies(tallies, &options.categories);
    ComplianceReport {
        file_name: design.file.name.clone(),
        scope: scope.describe(design),
        design_system: describe(system),
        system_tokens: tokens.len() as u64,
        overall_score: scored.overall_score,
        grade: Grade::of(scored.overall_score),
        categories: scored.categories,
        findings: scored.findings,
        findings_not_listed: scored.findings_not_listed,
    }
}

impl ComplianceReport {
    /// Markdown keeping the legacy headings (`Overall Compliance Score`, `Color Compliance`, …).
    pub fn to_markdown(&self) -> String {
        let mut md = String::new();
        let _ = writeln!(md, "# Design System Compliance Report\n");
        let _ = writeln!(
            md,
            "{}  \n**Design system**: {}\n",
            source_line(&self.file_name, &self.scope),
            cell(&self.design_system)
        );
        let _ = writeln!(
            md,
            "## Overall Compliance Score: {}% ({}) {}\n",
            self.overall_score,
            self.grade,
            status_light(self.overall_score)
        );
        let _ = writeln!(
            md,
            "| Category | Score | Grade | Compliant | Total | Issues |\n|---|---:|---|---:|---:|---:|"
        );
        for c in &self.categories {
            let _ = writeln!(
                md,
                "| {} | {}% | {} | {} | {} | {} |",
                c.title, c.score, c.grade, c.compliant, c.total, c.issues
            );
        }
        for c in &self.categories {
            let _ = writeln!(md, "\n## {} Compliance: {}%\n", c.title, c.score);
            let _ = writeln!(md, "{} of {} checked usages comply.", c.compliant, c.total);
            let listed: Vec<&Finding> = self
                .findings
                .iter()
                .filter(|f| f.category == c.category)
                .collect();
            if listed.is_empty() {
                continue;
            }
            let _ = writeln!(md, "\n| Node | Found | Suggestion |\n|---|---|---|");
            for f in &listed {
                let _ = writeln!(
                    md,
                    "| {} (`{}`) | {} | {} |",
                    cell(&f.node_name),
                    f.node_id,
                    cell(&f.found),
                    cell(&f.suggestion)
                );
            }
            if c.issues > listed.len() as u64 {
                let _ = writeln!(md, "\n…and {} more.", c.issues - listed.len() as u64);
            }
        }
        md
    }
}
