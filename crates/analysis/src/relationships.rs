//! Relationships: component → instances, frame → components used, nesting, unused components;
//! as JSON and as a Mermaid diagram, to a chosen depth of the component graph.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::fmt::Write as _;
use std::num::NonZeroU32;

use handoff_figma::{Design, NodeType};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::analyzer::Analyzer;
use crate::markdown::{cell, source_line};
use crate::model::is_top_level_frame;
use crate::scope::Scope;

/// Instance ids kept per component (the count is always complete).
const MAX_INSTANCE_IDS: usize = 20;
/// Edges drawn in the Mermaid diagram.
const MAX_DIAGRAM_EDGES: usize = 150;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ComponentNode {
    pub component_id: String,
    pub name: String,
    /// Defined in this design (not only referenced from a library).
    pub local: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub component_set: Option<String>,
    pub instance_count: u64,
    pub instance_ids: Vec<String>,
    /// Top-level frames that use it.
    pub used_in_frames: Vec<String>,
    /// Components instantiated inside this component's definition.
    pub uses_components: Vec<String>,
    /// Distance from the screens in the component graph: 1 = instantiated outside any component
    /// definition (or a definition nothing uses), n + 1 = used inside a level-n component's
    /// definition.
    pub level: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FrameUsage {
    pub frame_id: String,
    pub frame_name: String,
    /// Component id → instances in the frame.
    pub components: BTreeMap<String, u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RelationshipsReport {
    pub file_name: String,
    pub scope: String,
    /// Levels of the component graph included (`None`: all).
    pub graph_depth: Option<u32>,
    /// Components up to `graph_depth`, by id.
    pub components: Vec<ComponentNode>,
    /// Components deeper than `graph_depth`, left out of `components` and the diagram.
    pub components_beyond_depth: u64,
    pub frames: Vec<FrameUsage>,
    /// Deepest chain of instances inside instances (1 = no nesting).
    pub max_instance_nesting: u64,
    /// Deepest nesting of any node, scope root at 1.
    pub max_depth: u64,
    /// Local components with no instance anywhere in the design.
    pub unused_components: Vec<String>,
    /// `graph LR` Mermaid source of frames → components → nested components.
    pub mermaid: String,
}

/// How much of the component graph to report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RelationshipOptions {
    /// Levels of the graph to include (see [`ComponentNode::level`]); `None` includes all.
    /// Never 0, so level-1 components (those the screens use) are always shown.
    pub depth: Option<NonZeroU32>,
}

/// Builds the relationships of `scope`.
pub fn relationships_report(
    design: &Design,
    scope: &Scope,
    options: &RelationshipOptions,
) -> RelationshipsReport {
    Analyzer::new(design, scope).relationships(options)
}

pub(crate) fn build(analyzer: &Analyzer<'_>, options: &RelationshipOptions) -> RelationshipsReport {
    let (design, scope) = (analyzer.design, analyzer.scope);
    let len = design.nodes.len();
    let mut frame_of: Vec<Option<u32>> = vec![None; len];
    let mut component_of: Vec<Option<u32>> = vec![None; len];
    let mut instance_depth: Vec<u64> = vec![0; len];
    for node in &design.nodes {
        let i = node.index as usize;
        let parent = node.parent.map(|p| p as usize).filter(|&p| p < len);
        let inherited = |v: &Vec<Option<u32>>| parent.and_then(|p| v[p]);
        frame_of[i] = if is_top_level_frame(design, node, node.parent.is_none()) {
            Some(node.index)
        } else {
            inherited(&frame_of)
        };
        component_of[i] = if node.node_type == NodeType::Component {
            Some(node.index)
        } else {
            inherited(&component_of)
        };
        instance_depth[i] = parent.map_or(0, |p| instance_depth[p])
            + u64::from(node.node_type == NodeType::Instance);
    }
    // Instance counts over the whole design (its shown layers) decide "unused"; the rest is about
    // the scope.
    let whole_design;
    let whole = if scope.is_whole() {
        scope
    } else {
        whole_design = Scope::whole(design);
        &whole_design
    };
    let used_anywhere: HashSet<&str> = whole
        .nodes(design)
        .filter(|node| node.node_type == NodeType::Instance)
        .filter_map(|node| node.component_id.as_deref())
        .collect();

    let mut components: BTreeMap<String, ComponentNode> = BTreeMap::new();
    let mut frames: BTreeMap<u32, FrameUsage> = BTreeMap::new();
    // (component id, frame id) and (owner id, component id) pairs already recorded, so
    // each instance costs a hash look-up instead of a scan of the lists.
    let mut frame_seen: HashSet<(&str, &str)> = HashSet::new();
    let mut uses_seen: HashSet<(&str, &str)> = HashSet::new();
    // Components instantiated outside any component definition: level 1 of the graph.
    let mut used_directly: HashSet<&str> = HashSet::new();
    let mut max_depth = 0;
    let mut max_nesting = 0;
    let entry = |components: &'_ mut BTreeMap<String, ComponentNode>, id: &str| {
        if !components.contains_key(id) {
            let meta = design.components.get(id);
            components.insert(
                id.to_owned(),
                ComponentNode {
                    component_id: id.to_owned(),
                    name: meta.map_or_else(|| id.to_owned(), |m| m.name.clone()),
                    local: false,
                    component_set: meta.and_then(|m| m.component_set_id.as_ref()).map(|s| {
                        design
                            .component_sets
                            .get(s)
                            .map_or_else(|| s.clone(), |set| set.name.clone())
                    }),
                    instance_count: 0,
                    instance_ids: Vec::new(),
                    used_in_frames: Vec::new(),
                    uses_components: Vec::new(),
                    level: 1,
                },
            );
        }
    };
    for node in scope.nodes(design) {
        let i = node.index as usize;
        max_depth = max_depth
            .max(u64::from(node.depth - scope.root_depth_of(design, node).min(node.depth)) + 1);
        max_nesting = max_nesting.max(instance_depth[i]);
        if node.node_type == NodeType::Component {
            entry(&mut components, &node.id);
            if let Some(c) = components.get_mut(&node.id) {
                c.local = true;
            }
        }
        let Some(id) = node
            .component_id
            .as_deref()
            .filter(|_| node.node_type == NodeType::Instance)
        else {
            continue;
        };
        entry(&mut components, id);
        let frame = frame_of[i].and_then(|f| design.node(f));
        if let Some(c) = components.get_mut(id) {
            c.instance_count += 1;
            if c.instance_ids.len() < MAX_INSTANCE_IDS {
                c.instance_ids.push(node.id.clone());
            }
            if let Some(frame) = frame.filter(|f| frame_seen.insert((id, f.id.as_str()))) {
                c.used_in_frames.push(frame.id.clone());
            }
        }
        if let Some(frame) = frame {
            let usage = frames.entry(frame.index).or_insert_with(|| FrameUsage {
                frame_id: frame.id.clone(),
                frame_name: frame.name.clone(),
                components: BTreeMap::new(),
            });
            match usage.components.get_mut(id) {
                Some(count) => *count += 1,
                None => {
                    usage.components.insert(id.to_owned(), 1);
                }
            }
        }
        let owner = node
            .parent
            .and_then(|p| component_of.get(p as usize).copied().flatten())
            .and_then(|c| design.node(c));
        let Some(owner) = owner else {
            used_directly.insert(id);
            continue;
        };
        entry(&mut components, &owner.id);
        if uses_seen.insert((owner.id.as_str(), id))
            && let Some(c) = components.get_mut(&owner.id)
        {
            c.uses_components.push(id.to_owned());
        }
    }
    let unused_components = components
        .values()
        .filter(|c| c.local && !used_anywhere.contains(c.component_id.as_str()))
        .map(|c| c.component_id.clone())
        .collect();
    let frames: Vec<FrameUsage> = frames.into_values().collect();
    // In the map's (id) order, so the levels can follow the components out of it.
    let component_levels: Vec<u32> = {
        let levels = levels(&components, &used_directly);
        components
            .keys()
            .map(|id| levels.get(id.as_str()).copied().unwrap_or(1))
            .collect()
    };
    let graph_depth = options.depth.map(NonZeroU32::get);
    let mut components_beyond_depth = 0;
    let components: Vec<ComponentNode> = components
        .into_values()
        .zip(component_levels)
        .filter_map(|(mut c, level)| {
            c.level = level;
            if graph_depth.is_some_and(|depth| level > depth) {
                components_beyond_depth += 1;
                return None;
            }
            Some(c)
        })
        .collect();
    let mermaid = mermaid(&components, &frames);
    RelationshipsReport {
        file_name: design.file.name.clone(),
        scope: scope.describe(design),
        graph_depth,
        components,
        components_beyond_depth,
        frames,
        max_instance_nesting: max_nesting.max(1),
        max_depth,
        unused_components,
        mermaid,
    }
}

/// Each component's shortest distance from the screens (see [`ComponentNode::level`]). A
/// breadth-first walk from the components used directly and from definitions nothing uses;
/// components reached from neither (only a cycle, which Figma forbids but a hand-made file may
/// hold) start walks of their own, in id order.
fn levels<'a>(
    components: &'a BTreeMap<String, ComponentNode>,
    used_directly: &HashSet<&'a str>,
) -> HashMap<&'a str, u32> {
    let used_by_components: HashSet<&str> = components
        .values()
        .flat_map(|c| c.uses_components.iter().map(String::as_str))
        .collect();
    // Sorted, so the walk (and any tie it breaks) does not depend on hash order.
    let mut direct: Vec<&str> = used_directly.iter().copied().collect();
    direct.sort_unstable();
    let roots = direct.into_iter().chain(
        components
            .keys()
            .map(String::as_str)
            .filter(|id| !used_by_components.contains(id)),
    );
    let mut levels: HashMap<&str, u32> = HashMap::with_capacity(components.len());
    let mut queue: VecDeque<&str> = VecDeque::new();
    for id in roots {
        if !levels.contains_key(id) {
            levels.insert(id, 1);
            queue.push_back(id);
        }
    }
    spread(components, &mut levels, &mut queue);
    for id in components.keys() {
        if !levels.contains_key(id.as_str()) {
            levels.insert(id, 1);
            queue.push_back(id);
            spread(components, &mut levels, &mut queue);
        }
    }
    levels
}

/// Gives every component reachable from `queue` its distance, one more than its user's.
fn spread<'a>(
    components: &'a BTreeMap<String, ComponentNode>,
    levels: &mut HashMap<&'a str, u32>,
    queue: &mut VecDeque<&'a str>,
) {
    while let Some(id) = queue.pop_front() {
        let next = levels.get(id).map_or(1, |level| level.saturating_add(1));
        let used = components
            .get(id)
            .map_or(&[][..], |c| &c.uses_components[..]);
        for used in used {
            if !levels.contains_key(used.as_str()) {
                levels.insert(used, next);
                queue.push_back(used);
            }
        }
    }
}

/// A Mermaid label: quotes and brackets would end the label early.
fn label(text: &str) -> String {
    let short: String = text.chars().take(40).collect();
    short
        .replace('"', "#quot;")
        .replace(['[', ']', '\n', '\r'], " ")
}

fn mermaid(components: &[ComponentNode], frames: &[FrameUsage]) -> String {
    let ids: BTreeMap<&str, usize> = components
        .iter()
        .enumerate()
        .map(|(i, c)| (c.component_id.as_str(), i))
        .collect();
    let mut out = String::from("graph LR\n");
    let mut edges = 0usize;
    let mut total = 0usize;
    let mut declared = BTreeSet::new();
    let mut declare = |out: &mut String, i: usize| {
        if declared.insert(i) {
            let c = &components[i];
            let _ = writeln!(out, "  c{i}[\"{}\"]", label(&c.name));
        }
    };
    for (f, frame) in frames.iter().enumerate() {
        let _ = writeln!(out, "  f{f}([\"{}\"])", label(&frame.frame_name));
        for (id, count) in &frame.components {
            total += 1;
            let Some(&i) = ids.get(id.as_str()) else {
                continue;
            };
            if edges < MAX_DIAGRAM_EDGES {
                declare(&mut out, i);
                let _ = writeln!(out, "  f{f} -->|{count}| c{i}");
                edges += 1;
            }
        }
    }
    for (i, c) in components.iter().enumerate() {
        for used in &c.uses_components {
            total += 1;
            let Some(&j) = ids.get(used.as_str()) else {
                continue;
            };
            if edges < MAX_DIAGRAM_EDGES {
                declare(&mut out, i);
                declare(&mut out, j);
                let _ = writeln!(out, "  c{i} -.-> c{j}");
                edges += 1;
            }
        }
    }
    if total > edges {
        let _ = writeln!(out, "  %% {} more edges not drawn", total - edges);
    }
    out
}

impl RelationshipsReport {
    pub fn to_markdown(&self) -> String {
        let mut md = String::new();
        let _ = writeln!(
            md,
            "# Component Relationships\n\n{}\n",
            source_line(&self.file_name, &self.scope)
        );
        let _ = writeln!(
            md,
            "{} components, {} frames using components, deepest instance nesting {}, {} unused local components.\n",
            self.components.len(),
            self.frames.len(),
            self.max_instance_nesting,
            self.unused_components.len()
        );
        if let Some(depth) = self.graph_depth {
            let _ = writeln!(
                md,
                "Component graph to depth {depth}: {} deeper components not shown.\n",
                self.components_beyond_depth
            );
        }
        let _ = writeln!(md, "```mermaid\n{}```\n", self.mermaid);
        if !self.components.is_empty() {
            let _ = writeln!(
                md,
                "## Components\n\n| Component | Level | Local | Instances | Frames | Uses |\n|---|---:|---|---:|---:|---|"
            );
            for c in &self.components {
                let _ = writeln!(
                    md,
                    "| {} (`{}`) | {} | {} | {} | {} | {} |",
                    cell(&c.name),
                    c.component_id,
                    c.level,
                    if c.local { "yes" } else { "library" },
                    c.instance_count,
                    c.used_in_frames.len(),
                    c.uses_components.len()
                );
            }
        }
        if !self.unused_components.is_empty() {
            let _ = writeln!(md, "\n## Unused components\n");
            for id in &self.unused_components {
                let name = self
                    .components
                    .iter()
                    .find(|c| &c.component_id == id)
                    .map_or(id.as_str(), |c| c.name.as_str());
                let _ = writeln!(md, "- {} (`{id}`)", cell(name));
            }
        }
        md
    }
}
