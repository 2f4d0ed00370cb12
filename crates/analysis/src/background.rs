//! What is behind a text layer: the colour it is read against.

use handoff_figma::model::Rect;
use handoff_figma::{Design, Node};

use crate::colour::Rgba;
use crate::model::solid_colour;

/// Siblings below a layer that are looked at per level (keeps huge flat pages cheap).
const MAX_SIBLINGS_PER_LEVEL: usize = 64;
/// Ancestor levels walked before assuming the page is white.
const MAX_LEVELS: usize = 256;

/// The background behind a node.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Background {
    pub colour: Rgba,
    /// True when nothing opaque was found and a white page was assumed.
    pub assumed: bool,
}

fn contains(outer: &Rect, inner: &Rect) -> bool {
    const SLACK: f64 = 0.5;
    inner.x >= outer.x - SLACK
        && inner.y >= outer.y - SLACK
        && inner.x + inner.width <= outer.x + outer.width + SLACK
        && inner.y + inner.height <= outer.y + outer.height + SLACK
}

/// Pushes a layer's visible solid fills, topmost first; returns true once one is opaque.
fn push_fills(layers: &mut Vec<Rgba>, node: &Node) -> bool {
    if !node.visible {
        return false;
    }
    let opacity = node.opacity.unwrap_or(1.0);
    for colour in node
        .fills
        .iter()
        .rev()
        .filter_map(solid_colour)
        .map(|c| c.with_opacity(opacity))
    {
        layers.push(colour);
        if colour.is_opaque() {
            return true;
        }
    }
    false
}

/// The nearest opaque background behind `node`: siblings drawn below it whose bounds cover it,
/// then each ancestor's fills, walking outwards; translucent layers on the way are composited.
pub(crate) fn background_of(design: &Design, node: &Node) -> Background {
    let bounds = node.absolute_bounding_box;
    let mut layers: Vec<Rgba> = Vec::new();
    let mut current = node;
    let mut found_opaque = false;
    'walk: for _ in 0..MAX_LEVELS {
        let Some(parent) = current.parent.and_then(|p| design.node(p)) else {
            break;
        };
        // Children are in arena order (pre-order), so their indices ascend.
        let position = parent
            .children
            .binary_search(&current.index)
            .ok()
            .or_else(|| parent.children.iter().position(|&c| c == current.index))
            .unwrap_or(0);
        if let Some(text_bounds) = bounds {
            let below = parent.children[..position]
                .iter()
                .rev()
                .take(MAX_SIBLINGS_PER_LEVEL);
            for sibling in below.filter_map(|&i| design.node(i)) {
                let covers = sibling
                    .absolute_bounding_box
                    .is_some_and(|b| contains(&b, &text_bounds));
                if covers && push_fills(&mut layers, sibling) {
                    found_opaque = true;
                    break 'walk;
                }
            }
        }
        if push_fills(&mut layers, parent) {
            found_opaque = true;
            break;
        }
        current = parent;
    }
    let (mut colour, rest) = if found_opaque {
        match layers.split_last() {
            Some((base, rest)) => (*base, rest),
            None => (Rgba::WHITE, &layers[..]),
        }
    } else {
        (Rgba::WHITE, &layers[..])
    };
    for layer in rest.iter().rev() {
        colour = layer.over(colour);
    }
    Background {
        colour: Rgba { a: 1.0, ..colour },
        assumed: !found_opaque,
    }
}
