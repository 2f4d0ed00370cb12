//! The effort report: an estimate per top-level frame and per component (set).

use std::collections::BTreeSet;
use std::fmt::Write as _;

use handoff_figma::{Design, Node, NodeType};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::analyzer::Analyzer;
use crate::effort::{Complexity, Estimate, estimate, story_points_text};
use crate::markdown::{cell, source_line};
use crate::model::{contains_ignore_ascii_case, is_top_level_frame};
use crate::scope::Scope;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct EffortItem {
    pub node_id: String,
    pub node_name: String,
    pub node_type: String,
    pub complexity: Complexity,
    pub estimate: Estimate,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct EffortReport {
    pub file_name: String,
    pub scope: String,
    pub items: Vec<EffortItem>,
    pub total_story_points: u64,
    pub total_hours_min: u64,
    pub total_hours_max: u64,
}

const INPUT_WORDS: [&str; 7] = [
    "input",
    "text field",
    "textfield",
    "textarea",
    "text area",
    "search",
    "field",
];
const STATE_WORDS: [&str; 10] = [
    "hover", "pressed", "active", "focus", "disabled", "error", "selected", "loading", "checked",
    "visited",
];

/// Measures the shown layers of the subtree rooted at `root` (hidden ones are left out, see
/// [`Scope`]).
pub fn measure(design: &Design, scope: &Scope, root: &Node) -> Complexity {
    let mut components = BTreeSet::new();
    let mut set_variants = BTreeSet::new();
    let mut property_names = BTreeSet::new();
    let mut states = BTreeSet::new();
    let mut c = Complexity {
        has_geometry: root.absolute_bounding_box.is_some(),
        frames: u64::from(root.node_type == NodeType::Frame),
        ..Complexity::default()
    };
    for node in scope.subtree(design, root) {
        c.nodes += 1;
        // Older files link screens with `transitionNodeID` instead of `interactions`.
        c.interactions +=
            node.extras
                .interactions
                .len()
                .max(usize::from(node.extras.transition_node_id.is_some())) as u64;
        if node.node_type == NodeType::Text {
            c.text_layers += 1;
        }
        // The screens a section groups (sections may nest).
        if node.index != root.index
            && node.node_type == NodeType::Frame
            && node
                .parent
                .and_then(|p| design.node(p))
                .is_some_and(|p| p.node_type == NodeType::Section)
        {
            c.frames += 1;
        }
        let name = node.name.as_str();
        if matches!(
            node.node_type,
            NodeType::Frame | NodeType::Instance | NodeType::Component
        ) && INPUT_WORDS
            .iter()
            .any(|w| contains_ignore_ascii_case(name, w))
        {
            c.text_inputs += 1;
        }
        for word in STATE_WORDS
            .iter()
            .filter(|w| contains_ignore_ascii_case(name, w))
        {
            states.insert(*word);
        }
        if let Some(id) = node
            .component_id
            .as_deref()
            .filter(|_| node.node_type == NodeType::Instance)
        {
            components.insert(id);
            if design
                .components
                .get(id)
                .is_some_and(|comp| comp.component_set_id.is_some())
            {
                set_variants.insert(id);
            }
            property_names.extend(node.component_properties.keys().map(|name| name.as_str()));
        }
    }
    c.distinct_components = components.len() as u64;
    c.states = states.len() as u64;
    match root.node_type {
        NodeType::ComponentSet => {
            c.properties = root.extras.component_property_definitions.len() as u64;
            c.variants = design
                .children_of(root)
                .filter(|n| n.node_type == NodeType::Component && scope.shows(n.index as usize))
                .count() as u64;
        }
        NodeType::Component => {
            c.properties = root.extras.component_property_definitions.len() as u64;
            c.variants = set_variants.len() as u64;
        }
        _ => {
            c.properties = property_names.len() as u64;
            c.variants = set_variants.len() as u64;
        }
    }
    c
}

/// Whether a node gets its own estimate: requested roots (below page level), top-level frames,
/// component sets and components outside sets.
fn is_item(design: &Design, node: &Node, is_scope_root: bool) -> bool {
    if matches!(node.node_type, NodeType::Document | NodeType::Canvas) {
        return false;
    }
    let in_set = node
        .parent
        .and_then(|p| design.node(p))
        .is_some_and(|p| p.node_type == NodeType::ComponentSet);
    is_scope_root
        || is_top_level_frame(design, node, node.parent.is_none())
        || node.node_type == NodeType::ComponentSet
        || (node.node_type == NodeType::Component && !in_set)
}

/// Estimates every frame and component in `scope`.
pub fn effort_report(design: &Design, scope: &Scope) -> EffortReport {
    Analyzer::new(design, scope).effort()
}

pub(crate) fn build(analyzer: &Analyzer<'_>) -> EffortReport {
    let (design, scope) = (analyzer.design, analyzer.scope);
    let mut items = Vec::new();
    for node in scope.nodes(design) {
        let is_scope_root = !scope.is_whole() && node.depth == scope.root_depth_of(design, node);
        if !is_item(design, node, is_scope_root) {
            continue;
        }
        let complexity = measure(design, scope, node);
        let estimate = estimate(&complexity);
        items.push(EffortItem {
            node_id: node.id.clone(),
            node_name: node.name.clone(),
            node_type: node.node_type.to_string(),
            complexity,
            estimate,
        });
    }
    let sum = |f: fn(&Estimate) -> u32| items.iter().map(|i| u64::from(f(&i.estimate))).sum();
    EffortReport {
        file_name: design.file.name.clone(),
        scope: scope.describe(design),
        total_story_points: sum(|e| e.story_points),
        total_hours_min: sum(|e| e.hours_min),
        total_hours_max: sum(|e| e.hours_max),
        items,
    }
}

impl EffortReport {
    pub fn to_markdown(&self) -> String {
        let mut md = String::new();
        let _ = writeln!(
            md,
            "# Effort Estimate\n\n{}\n",
            source_line(&self.file_name, &self.scope)
        );
        let _ = writeln!(
            md,
            "**Total**: {}, {}–{} hours over {} item{}\n",
            story_points_text(self.total_story_points),
            self.total_hours_min,
            self.total_hours_max,
            self.items.len(),
            if self.items.len() == 1 { "" } else { "s" }
        );
        if self.items.is_empty() {
            md.push_str("No frames or components in scope.\n");
            return md;
        }
        let _ = writeln!(
            md,
            "| Item | Type | Nodes | Complexity | Points | Hours | Confidence | Drivers |\n|---|---|---:|---|---:|---|---:|---|"
        );
        for i in &self.items {
            let e = &i.estimate;
            let _ = writeln!(
                md,
                "| {} (`{}`) | {} | {} | {:?} | {} | {}–{} | {:.0}% | {} |",
                cell(&i.node_name),
                i.node_id,
                i.node_type,
                i.complexity.nodes,
                e.complexity,
                e.story_points,
                e.hours_min,
                e.hours_max,
                e.confidence * 100.0,
                cell(&e.drivers.join(", "))
            );
        }
        md
    }
}
