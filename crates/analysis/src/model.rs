//! Reading the Figma model: paints as colours, which nodes sit inside instances, and
//! structural signatures for spotting hand-built copies of components.

use std::hash::{DefaultHasher, Hash, Hasher};

use std::collections::HashMap;

use handoff_figma::model::{Color, Paint, PaintType, VariableAlias, VariableBinding};
use handoff_figma::{Design, Node, NodeIndex, NodeType};

use crate::colour::Rgba;
use crate::scope::Scope;

pub(crate) fn rgba(color: &Color) -> Rgba {
    Rgba::new(color.r, color.g, color.b, color.a)
}

/// The colour of a visible solid paint, with the paint's opacity folded into alpha.
pub(crate) fn solid_colour(paint: &Paint) -> Option<Rgba> {
    if !paint.visible || paint.paint_type != PaintType::Solid {
        return None;
    }
    paint
        .color
        .as_ref()
        .map(|c| rgba(c).with_opacity(paint.opacity))
}

/// Visible solid colours among `paints`.
pub(crate) fn solid_colours(paints: &[Paint]) -> impl Iterator<Item = Rgba> + '_ {
    paints.iter().filter_map(solid_colour)
}

/// The variable ids a binding refers to, in order, without collecting them.
pub(crate) fn variable_ids(binding: &VariableBinding) -> impl Iterator<Item = &str> {
    let (one, many, keyed): (Option<&VariableAlias>, &[VariableAlias], _) = match binding {
        VariableBinding::One(alias) => (Some(alias), &[], None),
        VariableBinding::Many(aliases) => (None, aliases.as_slice(), None),
        VariableBinding::Keyed(map) => (None, &[], Some(map.values())),
        VariableBinding::Unknown(_) => (None, &[], None),
    };
    one.into_iter()
        .chain(many)
        .chain(keyed.into_iter().flatten())
        .map(|alias| alias.id.as_str())
}

/// For every arena index: whether the node lies inside an INSTANCE (its contents mirror a
/// component, so they are not hand-built). One forward pass: parents precede children.
pub(crate) fn inside_instance(design: &Design) -> Vec<bool> {
    let mut inside = vec![false; design.nodes.len()];
    for node in &design.nodes {
        if let Some(parent) = node.parent.and_then(|p| design.node(p)) {
            let flag = parent.node_type == NodeType::Instance || inside[parent.index as usize];
            if let Some(slot) = inside.get_mut(node.index as usize) {
                *slot = flag;
            }
        }
    }
    inside
}

/// Container kinds that look the same once an instance is detached or a component copied.
fn shape_class(node_type: &NodeType) -> u8 {
    match node_type {
        NodeType::Frame | NodeType::Component | NodeType::Instance | NodeType::Group => 0,
        NodeType::Text => 1,
        other if other.is_vector_shape() => 2,
        _ => 3,
    }
}

/// A hash of each subtree's shape: container kind and the ordered shapes of the children
/// (names, text and colours are left out: a detached copy keeps the structure, not always the
/// content). One reverse pass: children have larger indices than their parents.
pub(crate) fn structural_signatures(design: &Design) -> Vec<u64> {
    let mut signatures = vec![0u64; design.nodes.len()];
    for node in design.nodes.iter().rev() {
        let mut hasher = DefaultHasher::new();
        shape_class(&node.node_type).hash(&mut hasher);
        node.children.len().hash(&mut hasher);
        for &child in &node.children {
            signatures
                .get(child as usize)
                .copied()
                .unwrap_or(0)
                .hash(&mut hasher);
        }
        if let Some(slot) = signatures.get_mut(node.index as usize) {
            *slot = hasher.finish();
        }
    }
    signatures
}

/// A FRAME or GROUP that looks like a hand-built copy of a component (arena indices of both).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DetachedMatch {
    pub node: NodeIndex,
    pub component: NodeIndex,
}

/// FRAME or GROUP subtrees in scope (outside instances, with children) whose structure matches a
/// component's, and whose name or rounded size matches it too; in arena order.
pub(crate) fn detached_matches(
    design: &Design,
    scope: &Scope,
    inside_instance: &[bool],
) -> Vec<DetachedMatch> {
    let components: Vec<&Node> = design
        .nodes
        .iter()
        .filter(|n| n.node_type == NodeType::Component && !n.children.is_empty())
        .collect();
    if components.is_empty() {
        return Vec::new();
    }
    let signatures = structural_signatures(design);
    let signature = |node: &Node| signatures.get(node.index as usize).copied().unwrap_or(0);
    let mut by_signature: HashMap<u64, Vec<&Node>> = HashMap::new();
    for component in components {
        by_signature
            .entry(signature(component))
            .or_default()
            .push(component);
    }
    let mut found = Vec::new();
    for node in scope.nodes(design) {
        if !matches!(node.node_type, NodeType::Frame | NodeType::Group)
            || node.children.is_empty()
            || inside_instance
                .get(node.index as usize)
                .copied()
                .unwrap_or(false)
        {
            continue;
        }
        let Some(candidates) = by_signature.get(&signature(node)) else {
            continue;
        };
        let size = rounded_size(node);
        let matched = candidates.iter().find(|c| c.name == node.name).or_else(|| {
            candidates
                .iter()
                .find(|c| size.is_some() && rounded_size(c) == size)
        });
        if let Some(component) = matched {
            found.push(DetachedMatch {
                node: node.index,
                component: component.index,
            });
        }
    }
    found
}

/// Whether `haystack` contains `needle` (lower-case ASCII), ignoring ASCII case; no allocation.
pub(crate) fn contains_ignore_ascii_case(haystack: &str, needle: &str) -> bool {
    let (haystack, needle) = (haystack.as_bytes(), needle.as_bytes());
    needle.is_empty()
        || haystack
            .windows(needle.len())
            .any(|window| window.eq_ignore_ascii_case(needle))
}

/// Rounded width × height, when known.
pub(crate) fn rounded_size(node: &Node) -> Option<(i64, i64)> {
    node.size()
        .map(|(w, h)| (w.round() as i64, h.round() as i64))
}

/// Whether a node is a top-level frame: a FRAME/SECTION/COMPONENT/COMPONENT_SET that is a direct
/// child of a page, or the root of a requested subtree.
pub(crate) fn is_top_level_frame(design: &Design, node: &Node, is_scope_root: bool) -> bool {
    let frame_like = matches!(
        node.node_type,
        NodeType::Frame | NodeType::Section | NodeType::Component | NodeType::ComponentSet
    );
    frame_like
        && (is_scope_root
            || node
                .parent
                .and_then(|p| design.node(p))
                .is_some_and(|parent| parent.node_type == NodeType::Canvas))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_insensitive_search_matches_to_ascii_lowercase_contains() {
        for (haystack, needle) in [
            ("Primary BUTTON", "button"),
            ("Menu Item/Hover", "menu item"),
            ("Btn", "btn"),
            ("Ünïcode Tab", "tab"),
            ("Card", "button"),
            ("", "tab"),
            ("ta", "tab"),
        ] {
            assert_eq!(
                contains_ignore_ascii_case(haystack, needle),
                haystack.to_ascii_lowercase().contains(needle),
                "{haystack:?} {needle:?}"
            );
        }
    }
}
