//! The project report: what a file or subtree contains, counted in one pass over the arena.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;

use handoff_figma::model::{PaintType, SharedStr};
use handoff_figma::{Design, NodeType};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::analyzer::Analyzer;
use crate::colour::Rgba;
use crate::fonts;
use crate::markdown::{cell, percent, source_line};
use crate::model::{self, is_top_level_frame};
use crate::scope::Scope;

/// Counts for a file or subtree. Field names are part of the public contract.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ProjectReport {
    pub file_name: String,
    /// "whole file" or the node ids analysed.
    pub scope: String,
    /// Nodes in scope, the roots included.
    pub nodes: u64,
    /// Deepest nesting level, the scope root at 1.
    pub max_depth: u64,
    /// CANVAS nodes.
    pub pages: u64,
    /// FRAME, SECTION, COMPONENT or COMPONENT_SET nodes directly on a page (or requested roots).
    pub frames: u64,
    /// COMPONENT nodes (local definitions).
    pub components: u64,
    pub component_sets: u64,
    /// COMPONENT nodes inside a COMPONENT_SET.
    pub variants: u64,
    pub instances: u64,
    /// Component id → number of INSTANCE nodes of it.
    pub instances_by_component: BTreeMap<String, u64>,
    pub text_nodes: u64,
    /// IMAGE paints among node fills.
    pub image_fills: u64,
    /// Font family / style / size combinations of text, most used first.
    pub fonts: Vec<FontUsage>,
    /// Distinct visible solid colours of fills and strokes (paint opacity folded into alpha),
    /// most used first.
    pub colors: Vec<ColorUsage>,
    /// Named styles the file defines or references (its `styles` map).
    pub styles_defined: u64,
    /// Distinct style ids referenced by nodes in scope.
    pub styles_used: u64,
    /// Distinct variable ids bound on nodes, paints and effects in scope.
    pub variables_bound: u64,
    /// instances / (instances + detached copies); 0 when both are 0. See docs/analysis.md.
    pub component_reuse_rate: f64,
    /// Non-instance subtrees whose structure equals a component's.
    pub detached_copies: Vec<DetachedCopy>,
}

/// One font face at one size. Faces differ by family, size, weight and style (italic, width…):
/// Helvetica Neue 16 px Regular and Bold are two entries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FontUsage {
    pub family: String,
    /// Figma's style name (`Bold Italic`), else read from the PostScript name, else named from
    /// the weight and `italic`.
    pub style: String,
    /// CSS weight (400 regular, 700 bold).
    #[serde(default)]
    pub weight: f64,
    #[serde(default)]
    pub italic: bool,
    pub size: f64,
    /// Text layers showing this face (in all their text or in some characters).
    pub count: u64,
    /// Of those, layers where it is only a per-character override run (styled words inside the
    /// text), not the layer's own style.
    #[serde(default)]
    pub runs: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ColorUsage {
    pub hex: String,
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct DetachedCopy {
    pub node_id: String,
    pub node_name: String,
    pub component_id: String,
    pub component_name: String,
}

/// Builds the project report for `scope`.
pub fn project_report(design: &Design, scope: &Scope) -> ProjectReport {
    Analyzer::new(design, scope).project()
}

pub(crate) fn build(analyzer: &Analyzer<'_>) -> ProjectReport {
    let (design, scope) = (analyzer.design, analyzer.scope);
    let mut report = ProjectReport {
        file_name: design.file.name.clone(),
        scope: scope.describe(design),
        nodes: 0,
        max_depth: 0,
        pages: 0,
        frames: 0,
        components: 0,
        component_sets: 0,
        variants: 0,
        instances: 0,
        instances_by_component: BTreeMap::new(),
        text_nodes: 0,
        image_fills: 0,
        fonts: Vec::new(),
        colors: Vec::new(),
        styles_defined: design.styles.len() as u64,
        styles_used: 0,
        variables_bound: 0,
        component_reuse_rate: 0.0,
        detached_copies: Vec::new(),
    };
    let mut fonts_used: HashMap<(String, String, u64, bool, u64), FontUsage> = HashMap::new();
    let mut colors: HashMap<[u8; 4], u64> = HashMap::new();
    let mut styles_used: HashSet<&str> = HashSet::new();
    let mut variables: HashSet<&str> = HashSet::new();

    for node in scope.nodes(design) {
        report.nodes += 1;
        let root_depth = scope.root_depth_of(design, node);
        report.max_depth = report
            .max_depth
            .max(u64::from(node.depth.saturating_sub(root_depth)) + 1);
        let is_scope_root = node.depth == root_depth;
        match node.node_type {
            NodeType::Canvas => report.pages += 1,
            NodeType::Component => {
                report.components += 1;
                let in_set = node
                    .parent
                    .and_then(|p| design.node(p))
                    .is_some_and(|p| p.node_type == NodeType::ComponentSet);
                if in_set {
                    report.variants += 1;
                }
            }
            NodeType::ComponentSet => report.component_sets += 1,
            NodeType::Instance => {
                report.instances += 1;
                let id = node.component_id.as_deref().unwrap_or_default();
                match report.instances_by_component.get_mut(id) {
                    Some(count) => *count += 1,
                    None => {
                        report.instances_by_component.insert(id.to_owned(), 1);
                    }
                }
            }
            NodeType::Text => {
                report.text_nodes += 1;
                if let Some(text) = node.text.as_deref() {
                    for (face, run_only) in fonts::faces(text) {
                        let usage = fonts_used.entry(face.key()).or_insert_with(|| FontUsage {
                            family: face.family.to_owned(),
                            style: face.style.clone(),
                            weight: face.weight,
                            italic: face.italic,
                            size: face.size,
                            count: 0,
                            runs: 0,
                        });
                        usage.count += 1;
                        usage.runs += u64::from(run_only);
                    }
                }
            }
            _ => {}
        }
        if is_top_level_frame(design, node, is_scope_root || node.parent.is_none()) {
            report.frames += 1;
        }
        report.image_fills += node
            .fills
            .iter()
            .filter(|p| p.paint_type == PaintType::Image)
            .count() as u64;
        for colour in model::solid_colours(&node.fills).chain(model::solid_colours(&node.strokes)) {
            *colors.entry(colour.to_bytes()).or_default() += 1;
        }
        styles_used.extend(node.styles.values().map(SharedStr::as_str));
        let bindings = node
            .bound_variables
            .values()
            .chain(
                node.fills
                    .iter()
                    .chain(&node.strokes)
                    .flat_map(|p| p.bound_variables.values()),
            )
            .chain(node.effects.iter().flat_map(|e| e.bound_variables.values()));
        for binding in bindings {
            variables.extend(model::variable_ids(binding));
        }
    }

    report.styles_used = styles_used.len() as u64;
    report.variables_bound = variables.len() as u64;
    report.fonts = fonts_used.into_values().collect();
    report.fonts.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| a.family.cmp(&b.family))
            .then_with(|| a.size.total_cmp(&b.size))
            .then_with(|| a.weight.total_cmp(&b.weight))
            .then_with(|| a.italic.cmp(&b.italic))
            .then_with(|| a.style.cmp(&b.style))
    });
    report.colors = colors
        .into_iter()
        .map(|([r, g, b, a], count)| ColorUsage {
            hex: Rgba::new(
                f64::from(r) / 255.0,
                f64::from(g) / 255.0,
                f64::from(b) / 255.0,
                f64::from(a) / 255.0,
            )
            .to_hex(),
            count,
        })
        .collect();
    report
        .colors
        .sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.hex.cmp(&b.hex)));
    report.detached_copies = detached_copies_of(analyzer);
    let reused = report.instances + report.detached_copies.len() as u64;
    report.component_reuse_rate = if reused == 0 {
        0.0
    } else {
        crate::score::round2(report.instances as f64 / reused as f64)
    };
    report
}

/// FRAME or GROUP subtrees (outside instances, with children) whose structure matches a
/// component's, and whose name or rounded size matches it too.
pub fn detached_copies(design: &Design, scope: &Scope) -> Vec<DetachedCopy> {
    detached_copies_of(&Analyzer::new(design, scope))
}

fn detached_copies_of(analyzer: &Analyzer<'_>) -> Vec<DetachedCopy> {
    let design = analyzer.design;
    analyzer
        .detached()
        .iter()
        .filter_map(|m| {
            let (node, component) = (design.node(m.node)?, design.node(m.component)?);
            Some(DetachedCopy {
                node_id: node.id.clone(),
                node_name: node.name.clone(),
                component_id: component.id.clone(),
                component_name: component.name.clone(),
            })
        })
        .collect()
}

impl ProjectReport {
    /// Markdown for people and legacy clients (keeps `# Project Analysis Results`).
    pub fn to_markdown(&self) -> String {
        let mut md = String::new();
        let _ = writeln!(md, "# Project Analysis Results\n");
        let _ = writeln!(md, "{}\n", source_line(&self.file_name, &self.scope));
        let _ = writeln!(md, "## Overview\n\n| Metric | Value |\n|---|---:|");
        for (label, value) in [
            ("Nodes", self.nodes.to_string()),
            ("Max depth", self.max_depth.to_string()),
            ("Pages", self.pages.to_string()),
            ("Frames", self.frames.to_string()),
            ("Components", self.components.to_string()),
            ("Component sets", self.component_sets.to_string()),
            ("Variants", self.variants.to_string()),
            ("Instances", self.instances.to_string()),
            ("Text nodes", self.text_nodes.to_string()),
            ("Image fills", self.image_fills.to_string()),
            ("Styles defined", self.styles_defined.to_string()),
            ("Styles used", self.styles_used.to_string()),
            ("Variables bound", self.variables_bound.to_string()),
            ("Component reuse rate", percent(self.component_reuse_rate)),
            (
                "Likely detached copies",
                self.detached_copies.len().to_string(),
            ),
        ] {
            let _ = writeln!(md, "| {label} | {value} |");
        }
        if !self.fonts.is_empty() {
            let _ = writeln!(
                md,
                "\n## Fonts\n\n| Family | Style | Weight | Size | Text nodes | In runs |\n|---|---|---:|---:|---:|---:|"
            );
            for f in self.fonts.iter().take(20) {
                let _ = writeln!(
                    md,
                    "| {} | {} | {} | {} | {} | {} |",
                    cell(&f.family),
                    cell(&f.style),
                    f.weight,
                    f.size,
                    f.count,
                    f.runs
                );
            }
            if self.fonts.len() > 20 {
                let _ = writeln!(md, "\n…and {} more combinations.", self.fonts.len() - 20);
            }
        }
        if !self.colors.is_empty() {
            let _ = writeln!(md, "\n## Colors\n\n| Color | Uses |\n|---|---:|");
            for c in self.colors.iter().take(20) {
                let _ = writeln!(md, "| `{}` | {} |", c.hex, c.count);
            }
            if self.colors.len() > 20 {
                let _ = writeln!(md, "\n…and {} more colours.", self.colors.len() - 20);
            }
        }
        if !self.instances_by_component.is_empty() {
            let mut top: Vec<_> = self.instances_by_component.iter().collect();
            top.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
            let _ = writeln!(
                md,
                "\n## Most used components\n\n| Component id | Instances |\n|---|---:|"
            );
            for (id, count) in top.into_iter().take(10) {
                let _ = writeln!(md, "| `{}` | {count} |", cell(id));
            }
        }
        if !self.detached_copies.is_empty() {
            let _ = writeln!(
                md,
                "\n## Likely detached copies\n\n| Node | Looks like component |\n|---|---|"
            );
            for d in &self.detached_copies {
                let _ = writeln!(
                    md,
                    "| {} (`{}`) | {} (`{}`) |",
                    cell(&d.node_name),
                    d.node_id,
                    cell(&d.component_name),
                    d.component_id
                );
            }
        }
        md
    }
}
