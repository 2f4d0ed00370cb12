//! Which part of a design a report covers: the whole design or the subtrees of chosen nodes.

use std::ops::Range;

use handoff_figma::{Design, Node};

use crate::error::AnalysisError;

/// Disjoint arena ranges, in arena order. The arena is pre-order, so a subtree is one range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    ranges: Vec<Range<usize>>,
    /// The ids asked for, or empty for the whole design.
    pub node_ids: Vec<String>,
}

impl Scope {
    /// The whole design.
    pub fn whole(design: &Design) -> Self {
        Self {
            ranges: std::iter::once(0..design.nodes.len()).collect(),
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
            ranges: disjoint,
            node_ids: node_ids.to_vec(),
        })
    }

    /// Nodes in scope, in arena (pre-)order.
    pub fn nodes<'a>(&'a self, design: &'a Design) -> impl Iterator<Item = &'a Node> + 'a {
        self.ranges
            .iter()
            .flat_map(move |r| design.nodes.get(r.clone()).unwrap_or(&[]).iter())
    }

    /// The first node of each subtree in scope.
    pub fn roots<'a>(&'a self, design: &'a Design) -> impl Iterator<Item = &'a Node> + 'a {
        self.ranges
            .iter()
            .filter_map(move |r| design.nodes.get(r.start))
    }

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

    /// Human description for report headers.
    pub fn describe(&self) -> String {
        if self.node_ids.is_empty() {
            "whole file".to_owned()
        } else {
            format!("nodes {}", self.node_ids.join(", "))
        }
    }
}
