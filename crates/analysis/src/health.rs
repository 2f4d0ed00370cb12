//! Design health: a scored audit in six weighted categories (naming, token usage, component
//! metadata, accessibility, consistency, coverage) with findings and remediation.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use handoff_figma::model::{ComponentPropertyType, StyleType};
use handoff_figma::{Design, Node, NodeType};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::analyzer::Analyzer;
use crate::background::{Seen, paint_name, seen_text};
use crate::colour::{
    Lab, Rgba, contrast_ratio, delta_e2000_lab, is_large_text, required_text_contrast,
};
use crate::finding::{DEFAULT_MAX_FINDINGS_PER_CATEGORY, Finding, Severity, Tally, worst};
use crate::markdown::{cell, source_line};
use crate::model::{contains_ignore_ascii_case, solid_colour};
use crate::scope::Scope;
use crate::score::{CategoryFilter, CategoryScore, Grade, round2, score_tallies, status_light};
use crate::tokens::num;

/// Category weights (normalised, so they need not sum to 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct HealthWeights {
    pub naming: f64,
    pub token_usage: f64,
    pub component_metadata: f64,
    pub accessibility: f64,
    pub consistency: f64,
    pub coverage: f64,
}

impl Default for HealthWeights {
    fn default() -> Self {
        Self {
            naming: 0.20,
            token_usage: 0.20,
            component_metadata: 0.20,
            accessibility: 0.15,
            consistency: 0.15,
            coverage: 0.10,
        }
    }
}

/// Thresholds of the health audit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default)]
pub struct HealthOptions {
    pub weights: HealthWeights,
    /// Text smaller than this (px) is flagged.
    pub min_text_px: f64,
    /// WCAG 2.2 AA (2.5.8) minimum target size, px.
    pub touch_target_min_px: f64,
    /// Recommended target size (WCAG 2.5.5 AAA, platform guidelines), px.
    pub touch_target_recommended_px: f64,
    /// Colours closer than this CIEDE2000 distance count as near-duplicates.
    pub near_duplicate_delta_e: f64,
    /// Spacing values should be multiples of this (px).
    pub spacing_base_px: f64,
    /// Findings listed per category (all are counted).
    pub max_findings_per_category: usize,
    /// The categories reported and scored (see [`CATEGORIES`]): chosen per request, not
    /// configured.
    #[serde(skip)]
    #[schemars(skip)]
    pub categories: CategoryFilter,
}

/// The health report's categories, by machine name, in report order.
pub const CATEGORIES: [&str; 6] = [
    "naming",
    "token_usage",
    "component_metadata",
    "accessibility",
    "consistency",
    "coverage",
];

impl Default for HealthOptions {
    fn default() -> Self {
        Self {
            weights: HealthWeights::default(),
            min_text_px: 12.0,
            touch_target_min_px: 24.0,
            touch_target_recommended_px: 44.0,
            near_duplicate_delta_e: 2.0,
            spacing_base_px: 4.0,
            max_findings_per_category: DEFAULT_MAX_FINDINGS_PER_CATEGORY,
            categories: CategoryFilter::all(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct HealthReport {
    pub file_name: String,
    pub scope: String,
    /// Weighted mean of the category scores, 0–100.
    pub overall_score: f64,
    pub grade: Grade,
    /// 🟢 ≥ 90, 🟡 ≥ 75, 🟠 ≥ 60, else 🔴.
    pub status: String,
    pub categories: Vec<CategoryScore>,
    /// The five most severe findings.
    pub top_issues: Vec<Finding>,
    /// Findings per category, at most `max_findings_per_category` each.
    pub findings: Vec<Finding>,
    /// Findings counted but not listed.
    pub findings_not_listed: u64,
}

const DEFAULT_LAYER_NAMES: [&str; 17] = [
    "Frame",
    "Group",
    "Rectangle",
    "Ellipse",
    "Vector",
    "Line",
    "Polygon",
    "Star",
    "Component",
    "Section",
    "Union",
    "Subtract",
    "Intersect",
    "Exclude",
    "Image",
    "Arrow",
    "Slice",
];

/// Figma's automatic names: `Frame`, `Frame 12`, `Rectangle 3`, ….
pub fn is_default_layer_name(name: &str) -> bool {
    let name = name.trim();
    let base = match name.rsplit_once(' ') {
        Some((base, number))
            if !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()) =>
        {
            base
        }
        _ => name,
    };
    DEFAULT_LAYER_NAMES.contains(&base)
}

/// Variant names in a set read `Property=Value, Property=Value`.
fn is_variant_name(name: &str) -> bool {
    name.split(',').all(|pair| {
        let mut parts = pair.split('=');
        matches!((parts.next(), parts.next(), parts.next()), (Some(k), Some(v), None) if !k.trim().is_empty() && !v.trim().is_empty())
    })
}

const INTERACTIVE_WORDS: [&str; 14] = [
    "button",
    "btn",
    "link",
    "toggle",
    "switch",
    "checkbox",
    "radio",
    "tab",
    "input",
    "select",
    "dropdown",
    "chip",
    "slider",
    "menu item",
];

/// Whether a component or instance is something people tap: it has a click/tap interaction, or
/// its (or its set's) name says so.
pub(crate) fn is_interactive(design: &Design, node: &Node) -> bool {
    if !matches!(node.node_type, NodeType::Component | NodeType::Instance) {
        return false;
    }
    let clicks = node.extras.interactions.iter().any(|i| {
        i.trigger
            .as_ref()
            .and_then(|t| t.trigger_type.as_deref())
            .is_some_and(|t| matches!(t, "ON_CLICK" | "ON_PRESS" | "MOUSE_DOWN" | "MOUSE_UP"))
    });
    if clicks {
        return true;
    }
    let says_interactive = |name: &str| {
        INTERACTIVE_WORDS
            .iter()
            .any(|w| contains_ignore_ascii_case(name, w))
    };
    if says_interactive(&node.name) {
        return true;
    }
    let component_id = if node.node_type == NodeType::Component {
        Some(node.id.as_str())
    } else {
        node.component_id.as_deref()
    };
    if let Some(component) = component_id.and_then(|id| design.components.get(id)) {
        if says_interactive(&component.name) {
            return true;
        }
        if let Some(set) = component
            .component_set_id
            .as_ref()
            .and_then(|id| design.component_sets.get(id))
            && says_interactive(&set.name)
        {
            return true;
        }
    }
    node.parent
        .and_then(|p| design.node(p))
        .filter(|p| p.node_type == NodeType::ComponentSet)
        .is_some_and(|parent| says_interactive(&parent.name))
}

fn naming(design: &Design, scope: &Scope, inside: &[bool], limit: usize) -> Tally {
    let mut t = Tally::new("naming", limit);
    for node in scope.nodes(design) {
        if inside[node.index as usize]
            || matches!(
                node.node_type,
                NodeType::Document | NodeType::Canvas | NodeType::Text | NodeType::Instance
            )
        {
            continue;
        }
        let in_set = node
            .parent
            .and_then(|p| design.node(p))
            .is_some_and(|p| p.node_type == NodeType::ComponentSet);
        if node.node_type == NodeType::Component && in_set {
            if is_variant_name(&node.name) {
                t.pass();
            } else {
                t.fail(Severity::Warning, node, || {
                    (
                        format!("variant named {:?}", node.name),
                        "Name variants `Property=Value, Property=Value` so code can map them to props"
                            .into(),
                    )
                });
            }
        } else if is_default_layer_name(&node.name) {
            let severity = match node.node_type {
                NodeType::Component | NodeType::ComponentSet => Severity::Error,
                NodeType::Frame | NodeType::Section | NodeType::Group => Severity::Warning,
                _ => Severity::Info,
            };
            t.fail(severity, node, || {
                (
                    format!("default layer name {:?}", node.name),
                    "Give the layer a name that says what it is (e.g. `Header`, `Price`)".into(),
                )
            });
        } else {
            t.pass();
        }
    }
    t
}

fn token_usage(design: &Design, scope: &Scope, inside: &[bool], limit: usize) -> Tally {
    let mut t = Tally::new("token_usage", limit);
    for node in scope.nodes(design) {
        if inside[node.index as usize] {
            continue;
        }
        let has_style = |keys: [&str; 2]| keys.iter().any(|k| node.styles.contains_key(*k));
        for (paints, field, keys) in [
            (&node.fills, "fills", ["fill", "fills"]),
            (&node.strokes, "strokes", ["stroke", "strokes"]),
        ] {
            for (paint, colour) in paints
                .iter()
                .filter_map(|p| solid_colour(p).map(|c| (p, c)))
            {
                let bound = has_style(keys)
                    || paint.bound_variables.contains_key("color")
                    || node.bound_variables.contains_key(field);
                if bound {
                    t.pass();
                } else {
                    t.fail(Severity::Warning, node, || {
                        (
                            format!("raw colour {colour} in {field}"),
                            "Apply a colour style or variable".into(),
                        )
                    });
                }
            }
        }
        if node.text.is_some() {
            if has_style(["text", "texts"]) || node.bound_variables.contains_key("fontSize") {
                t.pass();
            } else {
                t.fail(Severity::Warning, node, || {
                    (
                        "text without a text style".into(),
                        "Apply a text style".into(),
                    )
                });
            }
        }
        if node.effects.iter().any(|e| e.visible) {
            if has_style(["effect", "effects"]) {
                t.pass();
            } else {
                t.fail(Severity::Info, node, || {
                    (
                        "effects without an effect style".into(),
                        "Apply an effect style".into(),
                    )
                });
            }
        }
    }
    t
}

fn component_metadata(design: &Design, scope: &Scope, limit: usize) -> Tally {
    let mut t = Tally::new("component_metadata", limit);
    for node in scope.nodes(design) {
        let in_set = node
            .parent
            .and_then(|p| design.node(p))
            .is_some_and(|p| p.node_type == NodeType::ComponentSet);
        let (description, links) = match node.node_type {
            NodeType::Component if !in_set => {
                design.components.get(&node.id).map_or(("", 0), |c| {
                    (c.description.as_str(), c.documentation_links.len())
                })
            }
            NodeType::ComponentSet => design.component_sets.get(&node.id).map_or(("", 0), |c| {
                (c.description.as_str(), c.documentation_links.len())
            }),
            _ => continue,
        };
        let documented = !description.trim().is_empty()
            || links > 0
            || node
                .extras
                .description
                .as_deref()
                .is_some_and(|d| !d.trim().is_empty());
        if documented {
            t.pass();
        } else {
            t.fail(Severity::Warning, node, || {
                (
                    "no description or documentation link".into(),
                    "Describe what the component is for and when to use it".into(),
                )
            });
        }
        if node.node_type == NodeType::ComponentSet {
            let has_props = node
                .extras
                .component_property_definitions
                .values()
                .any(|d| d.property_type == ComponentPropertyType::Variant);
            if has_props {
                t.pass();
            } else {
                t.fail(Severity::Warning, node, || {
                    (
                        "component set without variant properties".into(),
                        "Define variant properties (e.g. Size, State)".into(),
                    )
                });
            }
        }
    }
    t
}

fn accessibility(design: &Design, scope: &Scope, inside: &[bool], o: &HealthOptions) -> Tally {
    let mut t = Tally::new("accessibility", o.max_findings_per_category);
    for node in scope.nodes(design) {
        if let Some(text) = node
            .text
            .as_deref()
            .filter(|text| !text.characters.trim().is_empty())
        {
            let size = text.style.font_size.unwrap_or(0.0);
            let weight = text.style.font_weight.unwrap_or(400.0);
            match seen_text(design, node) {
                Some(Seen::Known {
                    text: colour,
                    background,
                    source,
                    blended,
                }) => {
                    let ratio = contrast_ratio(colour, background);
                    let required = required_text_contrast(size, weight);
                    if ratio + 1e-9 >= required {
                        t.pass();
                    } else {
                        let kind = if is_large_text(size, weight) {
                            "large"
                        } else {
                            "normal"
                        };
                        let blended = if blended {
                            ", translucent layers blended in"
                        } else {
                            ""
                        };
                        t.fail(Severity::Error, node, || {
                            (
                                format!(
                                    "contrast {:.2}:1 ({colour} on {background} {}{blended}), {kind} text needs {required}:1",
                                    round2(ratio),
                                    source.describe(),
                                ),
                                format!(
                                    "Darken the text or lighten the background to reach {required}:1 (WCAG 2.2 1.4.3)"
                                ),
                            )
                        });
                    }
                }
                // Not a pass and not a failure: a note saying why it was not measured.
                Some(Seen::Unknown { layer, paint }) => {
                    t.sink.push(Severity::Info, node, || {
                        let paint = paint_name(paint);
                        let article = if paint.starts_with(['a', 'e', 'i', 'o', 'u']) {
                            "an"
                        } else {
                            "a"
                        };
                        let found = if layer.index == node.index {
                            format!("contrast unknown: the text has {article} {paint} fill")
                        } else {
                            format!(
                                "contrast unknown: text over {article} {paint} fill of {} '{}'",
                                layer.node_type.as_str().to_ascii_lowercase().replace('_', " "),
                                layer.name
                            )
                        };
                        (
                            found,
                            "Check the contrast where the text is lightest against its background, or put it on a solid scrim (WCAG 2.2 1.4.3)".to_owned(),
                            None,
                        )
                    });
                }
                None => {}
            }
            if size > 0.0 && size < o.min_text_px {
                t.fail(Severity::Warning, node, || {
                    (
                        format!("text size {size}px"),
                        format!("Use at least {}px for body text", o.min_text_px),
                    )
                });
            } else if size > 0.0 {
                t.pass();
            }
        }
        if !inside[node.index as usize] && is_interactive(design, node) {
            let Some((w, h)) = node.size() else { continue };
            let min = w.min(h);
            if min < o.touch_target_min_px {
                t.fail(Severity::Error, node, || {
                    (
                        format!("touch target {}×{} px", num(w), num(h)),
                        format!(
                            "Make the target at least {0}×{0} px (WCAG 2.2 2.5.8), ideally {1}×{1}",
                            o.touch_target_min_px, o.touch_target_recommended_px
                        ),
                    )
                });
            } else {
                t.pass();
                if min < o.touch_target_recommended_px {
                    t.sink.push(Severity::Info, node, || {
                        (
                            format!(
                                "touch target {}×{} px is below the recommended {r}×{r}",
                                num(w),
                                num(h),
                                r = num(o.touch_target_recommended_px)
                            ),
                            format!(
                                "Consider {0}×{0} px for touch (WCAG 2.5.5)",
                                o.touch_target_recommended_px
                            ),
                            None,
                        )
                    });
                }
            }
        }
    }
    t
}

fn consistency(design: &Design, scope: &Scope, inside: &[bool], o: &HealthOptions) -> Tally {
    let mut t = Tally::new("consistency", o.max_findings_per_category);
    let mut colours: HashMap<[u8; 4], (u64, &Node)> = HashMap::new();
    let mut spacing: BTreeMap<u64, (f64, u64, &Node)> = BTreeMap::new();
    let mut font_sizes: BTreeMap<u64, (f64, u64, &Node)> = BTreeMap::new();
    let mut text_nodes = 0u64;
    for node in scope.nodes(design) {
        if inside[node.index as usize] {
            continue;
        }
        for colour in node
            .fills
            .iter()
            .chain(&node.strokes)
            .filter_map(solid_colour)
        {
            colours.entry(colour.to_bytes()).or_insert((0, node)).0 += 1;
        }
        let l = &node.layout;
        for px in [
            l.padding_left,
            l.padding_right,
            l.padding_top,
            l.padding_bottom,
            l.item_spacing,
            l.counter_axis_spacing,
        ]
        .into_iter()
        .flatten()
        {
            if px.is_finite() && px > 0.0 {
                spacing.entry(px.to_bits()).or_insert((px, 0, node)).1 += 1;
            }
        }
        if let Some(size) = node
            .text
            .as_deref()
            .and_then(|t| t.style.font_size)
            .filter(|s| s.is_finite())
        {
            text_nodes += 1;
            font_sizes
                .entry(size.to_bits())
                .or_insert((size, 0, node))
                .1 += 1;
        }
    }
    // Near-duplicate colours: compare in order of lightness and only within the window where
    // ΔE2000 can still be small (|ΔL*| < 4 bounds it from below), so this stays near-linear.
    // Each colour is converted to CIELAB once; the comparisons reuse it.
    let mut by_lightness: Vec<([u8; 4], u64, &Node, Rgba, Lab)> = colours
        .iter()
        .map(|(bytes, (count, node))| {
            let c = Rgba::new(
                f64::from(bytes[0]) / 255.0,
                f64::from(bytes[1]) / 255.0,
                f64::from(bytes[2]) / 255.0,
                f64::from(bytes[3]) / 255.0,
            );
            (*bytes, *count, *node, c, c.to_lab())
        })
        .collect();
    by_lightness.sort_by(|a, b| a.4.l.total_cmp(&b.4.l).then(a.0.cmp(&b.0)));
    for (i, &(bytes, count, node, colour, lab)) in by_lightness.iter().enumerate() {
        let near = by_lightness
            .iter()
            .enumerate()
            .skip(i.saturating_sub(64))
            .take(129)
            .filter(|(j, other)| {
                *j != i && (other.4.l - lab.l).abs() < 4.0 && other.0[3] == bytes[3]
            })
            .map(|(_, other)| (other, delta_e2000_lab(lab, other.4)))
            .filter(|(other, d)| {
                *d > 0.0
                    && *d < o.near_duplicate_delta_e
                    && (other.1, std::cmp::Reverse(other.0)) > (count, std::cmp::Reverse(bytes))
            })
            .min_by(|a, b| a.1.total_cmp(&b.1));
        match near {
            Some((other, d)) => t.fail(Severity::Warning, node, || {
                (
                    format!(
                        "colour {colour} is a near-duplicate of {} (ΔE2000 {:.2}, used {}×)",
                        other.3, d, other.1
                    ),
                    format!("Use {} instead, or make the difference deliberate", other.3),
                )
            }),
            None => t.pass(),
        }
    }
    let base = o.spacing_base_px;
    for (px, count, node) in spacing.values() {
        let on_scale = base <= 0.0 || (px / base - (px / base).round()).abs() < 1e-6;
        if on_scale {
            t.pass();
        } else {
            t.fail(Severity::Warning, node, || {
                (
                    format!("spacing {px}px (used {count}×) is off the {base}px scale"),
                    format!("Use a multiple of {base}px"),
                )
            });
        }
    }
    for (size, count, node) in font_sizes.values() {
        if *count == 1 && text_nodes >= 5 {
            t.fail(Severity::Info, node, || {
                (
                    format!("font size {size}px is used once"),
                    "Use a size from the type scale".into(),
                )
            });
        } else {
            t.pass();
        }
    }
    t
}

fn coverage(design: &Design, scope: &Scope, limit: usize) -> Tally {
    let mut t = Tally::new("coverage", limit);
    let Some(root) = scope.roots(design).next() else {
        return t;
    };
    let styles_of = |ty: StyleType| {
        design
            .styles
            .values()
            .filter(|s| s.style_type == ty)
            .count()
    };
    let colour_variables = design
        .variables
        .as_ref()
        .is_some_and(|v| v.variables.values().any(|v| v.resolved_type == "COLOR"));
    let mut effects_used = false;
    let mut variables_bound = false;
    let mut components = false;
    for node in scope.nodes(design) {
        effects_used |= node.effects.iter().any(|e| e.visible);
        variables_bound |= !node.bound_variables.is_empty()
            || node.fills.iter().any(|p| !p.bound_variables.is_empty());
        components |= matches!(node.node_type, NodeType::Component | NodeType::Instance);
    }
    let checks = [
        (
            styles_of(StyleType::Fill) > 0 || colour_variables,
            "no colour styles or colour variables",
            "Define the palette as colour styles or variables",
        ),
        (
            styles_of(StyleType::Text) > 0,
            "no text styles",
            "Define the type scale as text styles",
        ),
        (
            !effects_used || styles_of(StyleType::Effect) > 0,
            "effects used but no effect styles",
            "Define shadows and blurs as effect styles",
        ),
        (
            components,
            "no components or instances",
            "Build repeated UI from components",
        ),
        (
            variables_bound,
            "no variables bound",
            "Bind colours and spacing to variables so themes and modes work",
        ),
    ];
    for (ok, found, suggestion) in checks {
        if ok {
            t.pass();
        } else {
            t.fail(Severity::Info, root, || (found.into(), suggestion.into()));
        }
    }
    t
}

/// Audits the design health of `scope`.
pub fn health_report(design: &Design, scope: &Scope, options: &HealthOptions) -> HealthReport {
    Analyzer::new(design, scope).health(options)
}

pub(crate) fn build(analyzer: &Analyzer<'_>, options: &HealthOptions) -> HealthReport {
    let (design, scope) = (analyzer.design, analyzer.scope);
    let inside = analyzer.inside_instance();
    let limit = options.max_findings_per_category;
    let w = &options.weights;
    let tallies = [
        (
            "naming",
            "Naming",
            w.naming,
            naming(design, scope, inside, limit),
        ),
        (
            "token_usage",
            "Token usage",
            w.token_usage,
            token_usage(design, scope, inside, limit),
        ),
        (
            "component_metadata",
            "Component metadata",
            w.component_metadata,
            component_metadata(design, scope, limit),
        ),
        (
            "accessibility",
            "Accessibility",
            w.accessibility,
            accessibility(design, scope, inside, options),
        ),
        (
            "consistency",
            "Consistency",
            w.consistency,
            consistency(design, scope, inside, options),
        ),
        (
            "coverage",
            "Coverage",
            w.coverage,
            coverage(design, scope, limit),
        ),
    ];
    let scored = score_tallies(tallies, &options.categories);
    HealthReport {
        file_name: design.file.name.clone(),
        scope: scope.describe(design),
        overall_score: scored.overall_score,
        grade: Grade::of(scored.overall_score),
        status: status_light(scored.overall_score).to_owned(),
        categories: scored.categories,
        top_issues: worst(&scored.findings, 5),
        findings: scored.findings,
        findings_not_listed: scored.findings_not_listed,
    }
}

impl HealthReport {
    /// Markdown keeping the legacy heading and table header.
    pub fn to_markdown(&self) -> String {
        let mut md = String::new();
        let _ = writeln!(md, "# 📊 Design System Health Report\n");
        let _ = writeln!(md, "{}\n", source_line(&self.file_name, &self.scope));
        let _ = writeln!(
            md,
            "**Overall Score**: {}/100 ({}) {}\n",
            self.overall_score, self.grade, self.status
        );
        let _ = writeln!(
            md,
            "| Category | Score | Grade | Compliant | Total | Issues |\n|---|---:|---|---:|---:|---:|"
        );
        for c in &self.categories {
            let _ = writeln!(
                md,
                "| {} {} | {} | {} | {} | {} | {} |",
                status_light(c.score),
                c.title,
                c.score,
                c.grade,
                c.compliant,
                c.total,
                c.issues
            );
        }
        if !self.top_issues.is_empty() {
            let _ = writeln!(md, "\n## Top issues\n");
            for f in &self.top_issues {
                let _ = writeln!(
                    md,
                    "- {} **{}** `{}`: {}. {}",
                    f.severity.icon(),
                    cell(&f.node_name),
                    f.node_id,
                    cell(&f.found),
                    cell(&f.suggestion)
                );
            }
        }
        for c in &self.categories {
            let listed: Vec<&Finding> = self
                .findings
                .iter()
                .filter(|f| f.category == c.category)
                .collect();
            if listed.is_empty() {
                continue;
            }
            let _ = writeln!(
                md,
                "\n## {} ({} issues)\n\n| Severity | Node | Found | Remediation |\n|---|---|---|---|",
                c.title, c.issues
            );
            for f in &listed {
                let _ = writeln!(
                    md,
                    "| {} | {} (`{}`) | {} | {} |",
                    f.severity.icon(),
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
