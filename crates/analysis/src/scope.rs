//! Which part of a design a report covers: the whole design or the subtrees of chosen nodes,
//! minus the layers hidden in Figma.
//!
//! This is the one place that decides which layers the reports see: a layer with
//! `visible: false` is not drawn, and neither is anything inside it, so its whole subtree is left
//! out of every report (stats, tokens, compliance, health, effort, relationships). Reports walk
//! [`Scope::nodes`] or [`Scope::subtree`], so none of them needs its own visibility check.

use std::ops::Range;

use handoff_figma::model::DesignSource;
use handoff_figma::{Design, Node, NodeIndex};

use crate::error::AnalysisError;

/// Disjoint arena ranges, in arena order. The arena is pre-order, so a subtree is one range, and
/// a subtree with its hidden subtrees cut out is a few.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    /// The requested subtrees, whole.
    ranges: Vec<Range<usize>>,
    /// The shown layers of `ranges`: each range minus its hidden subtrees.
    shown: Vec<Range<usize>>,
    /// The ids asked for, or empty for the whole design.
    pub node_ids: Vec<String>,
}

impl Scope {
    /// The whole design.
    pub fn whole(design: &Design) -> Self {
        let ranges: Vec<Range<usize>> = std::iter::once(0..design.nodes.len()).collect();
        Self {
            shown: shown_ranges(design, &ranges),
            ranges,
            node_ids: Vec::new(),
        }
    }

    /// The subtrees of `node_ids`; the whole design when empty. Overlapping subtrees (an id
    /// inside another's subtree) are counted once.
    pub fn of(design: &Design, node_ids: &[String]) -> Result<Self, AnalysisError> {
        if node_ids.is_empty() {
            return Ok(Self::whole(design));
        }
        let index = design.id_index();
        let mut ranges = Vec::with_capacity(node_ids.len());
        for id in node_ids {
            // Links spell ids `1-2`; the API spells them `1:2`.
            let url_form = id.replace('-', ":");
            let found = index
                .get(id.as_str())
                .or_else(|| index.get(url_form.as_str()));
            let &at = found.ok_or_else(|| AnalysisError::UnknownNode(id.clone()))?;
            ranges.push(at as usize..design.subtree_end(at) as usize);
        }
        ranges.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
        let mut disjoint: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
        for range in ranges {
            match disjoint.last() {
                Some(last) if range.start < last.end => {}
                _ => disjoint.push(range),
            }
        }
        Ok(Self {
            shown: shown_ranges(design, &disjoint),
            ranges: disjoint,
            node_ids: node_ids.to_vec(),
        })
    }

    /// The subtree of the node at `index` (no id look-up: for callers that hold the index).
    pub fn of_index(design: &Design, index: NodeIndex) -> Self {
        let ranges = match design.node(index) {
            Some(node) => {
                std::iter::once(node.index as usize..design.subtree_end(node.index) as usize)
                    .collect()
            }
            None => Vec::new(),
        };
        Self {
            shown: shown_ranges(design, &ranges),
            node_ids: design
                .node(index)
                .map(|n| n.id.clone())
                .into_iter()
                .collect(),
            ranges,
        }
    }

    /// Shown nodes in scope, in arena (pre-)order: hidden layers and everything inside them are
    /// skipped.
    pub fn nodes<'a>(&'a self, design: &'a Design) -> impl Iterator<Item = &'a Node> + 'a {
        self.shown
            .iter()
            .flat_map(move |r| design.nodes.get(r.clone()).unwrap_or(&[]).iter())
    }

    /// Shown nodes of the subtree rooted at `root` (the root included when shown), in arena
    /// order: [`Scope::nodes`] for one subtree of the scope.
    pub fn subtree<'a>(
        &'a self,
        design: &'a Design,
        root: &Node,
    ) -> impl Iterator<Item = &'a Node> + 'a {
        let whole = root.index as usize..design.subtree_end(root.index) as usize;
        // `shown` is sorted and disjoint: skip the ranges that end before the subtree starts.
        let first = self.shown.partition_point(|r| r.end <= whole.start);
        self.shown[first..]
            .iter()
            .take_while(move |r| r.start < whole.end)
            .flat_map(move |r| {
                let part = r.start.max(whole.start)..r.end.min(whole.end);
                design.nodes.get(part).unwrap_or(&[]).iter()
            })
    }

    /// Whether the node at `index` is in scope and shown.
    pub fn shows(&self, index: usize) -> bool {
        let at = self.shown.partition_point(|r| r.end <= index);
        self.shown.get(at).is_some_and(|r| r.contains(&index))
    }

    /// The first node of each subtree in scope.
    pub fn roots<'a>(&'a self, design: &'a Design) -> impl Iterator<Item = &'a Node> + 'a {
        self.ranges
            .iter()
            .filter_map(move |r| design.nodes.get(r.start))
    }

    /// Whether the node at `index` lies in a requested subtree (shown or not).
    pub fn contains(&self, index: usize) -> bool {
        self.ranges.iter().any(|r| r.contains(&index))
    }

    /// Whether the scope is the whole design.
    pub fn is_whole(&self) -> bool {
        self.node_ids.is_empty()
    }

    /// Depth of the scope root that holds `node` (so depths can be made relative to it).
    pub fn root_depth_of(&self, design: &Design, node: &Node) -> u32 {
        let at = node.index as usize;
        self.ranges
            .iter()
            .find(|r| r.contains(&at))
            .and_then(|r| design.nodes.get(r.start))
            .map_or(0, |root| root.depth)
    }

    /// Human description for report headers. The whole of a design the Figma plugin sent is
    /// the frames selected there, not a file.
    pub fn describe(&self, design: &Design) -> String {
        if self.node_ids.is_empty() && design.source == Some(DesignSource::Plugin) {
            "the frames selected in the Figma plugin".to_owned()
        } else if self.node_ids.is_empty() {
            "whole file".to_owned()
        } else {
            format!("nodes {}", self.node_ids.join(", "))
        }
    }
}

/// `ranges` without the subtrees of hidden layers. A layer is hidden when it or an ancestor has
/// `visible: false`, the ancestors above a range's root included (a layer asked for inside a
/// hidden group is not drawn either).
fn shown_ranges(design: &Design, ranges: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut shown = Vec::with_capacity(ranges.len());
    for range in ranges {
        let hidden_above = design
            .nodes
            .get(range.start)
            .is_some_and(|root| design.ancestors(root.index).any(|a| !a.visible));
        if hidden_above {
            continue;
        }
        let mut start = range.start;
        let mut at = range.start;
        while at < range.end {
            match design.nodes.get(at) {
                Some(node) if !node.visible => {
                    if start < at {
                        shown.push(start..at);
                    }
                    // Pre-order: the hidden subtree is the run up to its end.
                    at = (design.subtree_end(node.index) as usize).max(at + 1);
                    start = at;
                }
                _ => at += 1,
            }
        }
        if start < range.end {
            shown.push(start..range.end);
        }
    }
    shown
}
