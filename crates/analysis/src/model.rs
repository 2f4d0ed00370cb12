//! Reading the Figma model: paints as colours, which nodes sit inside instances, and
//! structural signatures for spotting hand-built copies of components.

use std::hash::{DefaultHasher, Hash, Hasher};

use handoff_figma::model::{Color, Paint, PaintType};
use handoff_figma::{Design, Node, NodeType};

use crate::colour::Rgba;

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
