//! Which nodes appear in the context, and in what shape: roots, depth limit,
//! invisible-node rules and SVG-container collapsing. Loops only.

use crate::model::{Design, Node, NodeIndex, NodeType, PaintType};

/// A node chosen for output, in output pre-order.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Chosen {
    pub index: NodeIndex,
    /// Depth in the output (roots are 0).
    pub depth: u32,
    /// Drawn as one SVG image: children are not listed.
    pub as_svg: bool,
    /// Direct children not listed because of the depth limit.
    pub children_beyond_depth: u32,
}

/// What was left out and why (so every input node is accounted for).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Omitted {
    /// Invisible nodes (and everything below them).
    pub hidden: usize,
    /// Nodes folded into an `IMAGE-SVG` parent.
    pub collapsed_into_svg: usize,
    /// Nodes below the depth limit.
    pub beyond_depth: usize,
}

/// Walks the subtrees of `roots` and decides what is shown.
pub(crate) fn choose(
    design: &Design,
    roots: &[NodeIndex],
    max_depth: Option<u32>,
) -> (Vec<Chosen>, Omitted) {
    let collapses = svg_collapse_flags(design);
    let mut chosen = Vec::new();
    let mut omitted = Omitted::default();
    let mut stack: Vec<(NodeIndex, u32, bool)> =
        roots.iter().rev().map(|&root| (root, 0, false)).collect();
    while let Some((index, depth, inside_component)) = stack.pop() {
        let Some(node) = design.node(index) else {
            continue;
        };
        let as_svg = collapses.get(index as usize).copied().unwrap_or(false);
        let inside_component = inside_component
            || matches!(node.node_type, NodeType::Component | NodeType::ComponentSet);
        // Children go on the stack last first, so they come off it in order.
        let mut children_beyond_depth = 0;
        for &child_index in node.children.iter().rev() {
            let Some(child) = design.node(child_index) else {
                continue;
            };
            let subtree = || design.subtree(child_index).len();
            if !is_shown(child, inside_component) {
                omitted.hidden += subtree();
            } else if as_svg {
                omitted.collapsed_into_svg += subtree();
            } else if max_depth.is_some_and(|limit| depth + 1 >= limit) {
                omitted.beyond_depth += subtree();
                children_beyond_depth += 1;
            } else {
                stack.push((child_index, depth + 1, inside_component));
            }
        }
        chosen.push(Chosen {
            index,
            depth,
            as_svg,
            children_beyond_depth,
        });
    }
    (chosen, omitted)
}

/// Invisible nodes are dropped, except inside a component where a boolean
/// property drives their visibility (the agent needs to see that layer).
pub(crate) fn is_shown(node: &Node, inside_component: bool) -> bool {
    node.visible
        || (inside_component
            && node
                .extras
                .component_property_references
                .contains_key("visible"))
}

/// Per arena index: does this container become one `IMAGE-SVG`? Computed
/// bottom-up by walking the pre-order arena backwards.
fn svg_collapse_flags(design: &Design) -> Vec<bool> {
    let mut collapses = vec![false; design.nodes.len()];
    for node in design.nodes.iter().rev() {
        let container = matches!(
            node.node_type,
            NodeType::Frame | NodeType::Group | NodeType::Instance | NodeType::BooleanOperation
        );
        if !container {
            continue;
        }
        let visible = || design.children_of(node).filter(|child| child.visible);
        let auto_layout = node
            .layout
            .layout_mode
            .as_ref()
            .is_some_and(|mode| *mode != crate::model::LayoutMode::None);
        let mut visible_count = 0;
        // `all` stops at the first child that is not a vector shape: the count is
        // complete exactly when every visible child is one.
        let all_vector = visible().all(|child| {
            visible_count += 1;
            child.node_type.is_vector_shape()
                || collapses
                    .get(child.index as usize)
                    .copied()
                    .unwrap_or(false)
        }) && visible_count > 0;
        if all_vector
            && (!auto_layout || visible_count >= 10)
            && !has_image_fill(node)
            && !visible().any(has_image_fill)
            && let Some(flag) = collapses.get_mut(node.index as usize)
        {
            *flag = true;
        }
    }
    collapses
}

fn has_image_fill(node: &Node) -> bool {
    node.fills
        .iter()
        .any(|paint| paint.paint_type == PaintType::Image)
}
