//! The parsed design: a flat node arena plus the file's maps.

use std::collections::BTreeMap;

use serde::Serialize;

use super::component::{Component, ComponentSet, Style};
use super::node::{Node, NodeIndex};
use super::variables::Variables;
use crate::fast_hash::FastMap;

/// Node id → arena index ([`Design::id_index`]).
pub type IdIndex<'a> = FastMap<&'a str, NodeIndex>;

/// Where a [`Design`] came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum DesignSource {
    /// `GET /v1/files/:key`: one root, the DOCUMENT.
    File,
    /// `GET /v1/files/:key/nodes`: one root per requested id.
    Nodes,
    /// The Figma plugin's `frameData` / `enhancedFrameData` payload.
    Plugin,
}

/// File-level metadata sent with a file or nodes response.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FileInfo {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thumbnail_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub editor_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema_version: Option<f64>,
}

/// A parsed Figma document.
///
/// `nodes` is a flat arena in pre-order: a node's descendants directly follow
/// it, `nodes[i].index == i`, and parents come before children. `roots` are
/// the top-level nodes (the DOCUMENT of a file response; each requested node
/// of a nodes response, in request order).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Design {
    pub source: Option<DesignSource>,
    pub file: FileInfo,
    pub nodes: Vec<Node>,
    pub roots: Vec<NodeIndex>,
    /// Ids a nodes response returned `null` for (deleted or never existed).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing_ids: Vec<String>,
    /// By component node id.
    pub components: BTreeMap<String, Component>,
    /// By component-set node id.
    pub component_sets: BTreeMap<String, ComponentSet>,
    /// By style id.
    pub styles: BTreeMap<String, Style>,
    /// From the variables endpoint, when the caller attached it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variables: Option<Variables>,
}

impl Design {
    /// The node at `index`, if in range.
    pub fn node(&self, index: NodeIndex) -> Option<&Node> {
        self.nodes.get(index as usize)
    }

    /// The roots as nodes.
    pub fn root_nodes(&self) -> impl Iterator<Item = &Node> {
        self.roots.iter().filter_map(|&index| self.node(index))
    }

    /// The children of `node` as nodes.
    pub fn children_of<'a>(&'a self, node: &'a Node) -> impl Iterator<Item = &'a Node> + 'a {
        node.children.iter().filter_map(|&index| self.node(index))
    }

    /// One past the last arena index of the subtree rooted at `index`: the
    /// subtree is `nodes[index..subtree_end(index)]` because the arena is in
    /// pre-order.
    pub fn subtree_end(&self, index: NodeIndex) -> NodeIndex {
        let mut last = index;
        while let Some(&child) = self.node(last).and_then(|node| node.children.last()) {
            last = child;
        }
        last.saturating_add(1)
            .min(self.nodes.len() as NodeIndex)
            .max(index)
    }

    /// The subtree rooted at `index` (the node and all its descendants), in pre-order.
    pub fn subtree(&self, index: NodeIndex) -> &[Node] {
        let start = (index as usize).min(self.nodes.len());
        let end = (self.subtree_end(index) as usize).max(start);
        &self.nodes[start..end]
    }

    /// The first node with this id (linear scan; build [`Design::id_index`]
    /// for many look-ups).
    pub fn find(&self, id: &str) -> Option<&Node> {
        self.nodes.iter().find(|node| node.id == id)
    }

    /// A map from node id to arena index.
    pub fn id_index(&self) -> IdIndex<'_> {
        self.nodes
            .iter()
            .map(|node| (node.id.as_str(), node.index))
            .collect()
    }

    /// Ancestors of `index`, nearest first.
    pub fn ancestors(&self, index: NodeIndex) -> impl Iterator<Item = &Node> {
        let mut next = self.node(index).and_then(|node| node.parent);
        std::iter::from_fn(move || {
            let node = self.node(next?)?;
            next = node.parent;
            Some(node)
        })
    }

    /// The name of a named style by id.
    pub fn style_name(&self, style_id: &str) -> Option<&str> {
        self.styles.get(style_id).map(|style| style.name.as_str())
    }

    /// Attaches the file's local variables (from `/variables/local`) so that
    /// `boundVariables` can be resolved to names.
    pub fn attach_variables(&mut self, variables: Variables) {
        self.variables = Some(variables);
    }

    /// The variable's name, if the variables endpoint was attached and knows it.
    pub fn variable_name(&self, variable_id: &str) -> Option<&str> {
        self.variables.as_ref()?.name_of(variable_id)
    }
}
