//! What a text layer is read against: the colour of its glyphs and of the background next to
//! them, as Figma paints them.
//!
//! Figma draws a layer's own paint, then its children bottom-first, and applies a layer's
//! opacity to the whole of it (children included) when it composites it onto what is below.
//! So the colour seen at a pixel is built from the text outwards: the text's fills, then at each
//! level up the siblings drawn below it that cover it and the parent's own paint, then the
//! parent's opacity, and so on up to the page. With solid paints every step is affine in the
//! colour underneath (`seen = a × under + c`), so both pixels (glyph and background) are carried
//! as two affine maps and the walk stops as soon as nothing underneath can show through.
//!
//! A layer's paint is its `fills`; frames and groups of 2018-era files have none and paint with
//! the older `background` list or `backgroundColor` instead (the parser keeps those only then),
//! and a page (CANVAS) paints its `backgroundColor`. Image, gradient and other non-solid paints
//! that show behind the text make the background unknown: it is reported as such, not guessed.

use handoff_figma::model::{Color, Paint, PaintType, Rect};
use handoff_figma::{Design, Node, NodeIndex, NodeType};

use crate::colour::Rgba;
use crate::model::rgba;

/// Siblings below a layer that are looked at per level (keeps huge flat pages cheap).
const MAX_SIBLINGS_PER_LEVEL: usize = 64;
/// Ancestor levels walked before giving up and assuming a white page.
const MAX_LEVELS: usize = 256;
/// Layers looked at inside one covering sibling (a group's rectangles, a card's background).
const MAX_LAYERS_PER_SIBLING: usize = 128;

/// Where the background colour came from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Source<'d> {
    /// An opaque paint of this layer (a covering sibling or an ancestor).
    Layer(&'d Node),
    /// The page's (CANVAS) background colour.
    Page(&'d Node),
    /// Nothing opaque behind the text: a white page was assumed.
    AssumedWhite,
}

/// The two colours a text's contrast is measured between.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Seen<'d> {
    Known {
        /// The glyphs as seen: text paint over everything behind, every opacity applied.
        text: Rgba,
        /// The background next to the glyphs, as seen.
        background: Rgba,
        source: Source<'d>,
        /// Whether translucent layers above the source were composited in.
        blended: bool,
    },
    /// The text itself, or a layer showing behind it, has an image, gradient or other
    /// non-solid paint: no single colour can be measured.
    Unknown {
        layer: &'d Node,
        paint: &'d PaintType,
    },
}

/// `seen = a × under + c`, per channel, for the colour `under` a layer.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Affine {
    a: f64,
    c: [f64; 3],
}

impl Affine {
    const IDENTITY: Affine = Affine {
        a: 1.0,
        c: [0.0; 3],
    };

    /// Seen through a layer of premultiplied colour `layer` and coverage `alpha`: what was
    /// under becomes `layer + (1 − alpha) × below`.
    fn through(self, layer: Premultiplied) -> Affine {
        Affine {
            a: self.a * (1.0 - layer.alpha),
            c: std::array::from_fn(|i| self.c[i] + self.a * layer.rgb[i]),
        }
    }

    /// A group at `opacity` is mixed with what is below it: `(1 − o) × below + o × group`.
    fn with_group_opacity(self, opacity: f64) -> Affine {
        Affine {
            a: (1.0 - opacity) + opacity * self.a,
            c: self.c.map(|c| opacity * c),
        }
    }

    fn shows_through(self) -> bool {
        self.a > 1e-9
    }

    fn apply(self, under: [f64; 3]) -> Rgba {
        Rgba::opaque(
            self.a * under[0] + self.c[0],
            self.a * under[1] + self.c[1],
            self.a * under[2] + self.c[2],
        )
    }
}

/// A colour with premultiplied channels and its coverage.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Premultiplied {
    rgb: [f64; 3],
    alpha: f64,
}

impl Premultiplied {
    const CLEAR: Premultiplied = Premultiplied {
        rgb: [0.0; 3],
        alpha: 0.0,
    };

    fn of(colour: Rgba) -> Self {
        Self {
            rgb: [
                colour.r * colour.a,
                colour.g * colour.a,
                colour.b * colour.a,
            ],
            alpha: colour.a,
        }
    }

    /// `self` drawn under `top` (`top` over `self`).
    fn under(self, top: Premultiplied) -> Premultiplied {
        Premultiplied {
            rgb: std::array::from_fn(|i| top.rgb[i] + (1.0 - top.alpha) * self.rgb[i]),
            alpha: top.alpha + (1.0 - top.alpha) * self.alpha,
        }
    }

    fn scaled(self, factor: f64) -> Premultiplied {
        Premultiplied {
            rgb: self.rgb.map(|c| c * factor),
            alpha: self.alpha * factor,
        }
    }

    fn is_opaque(self) -> bool {
        self.alpha >= 1.0 - 1e-9
    }
}

/// What one layer paints (its own paint only, not its children's).
enum LayerPaint<'d> {
    Solid(Premultiplied),
    /// A visible non-solid paint that is not hidden under an opaque solid one.
    Unknown(&'d PaintType),
}

/// The paints a layer draws itself: `fills`, else (2018-era frames and groups, pages) the older
/// `background` list, else `backgroundColor`.
fn own_paints(node: &Node) -> (&[Paint], Option<&Color>) {
    if !node.fills.is_empty() {
        (&node.fills, None)
    } else if !node.extras.background.is_empty() {
        (&node.extras.background, None)
    } else {
        (&[], node.extras.background_color.as_ref())
    }
}

/// A layer's own paint composited into one colour, without the layer's opacity (which applies
/// to the layer and its children together: the caller applies it).
fn layer_paint(node: &Node) -> LayerPaint<'_> {
    let (paints, colour) = own_paints(node);
    let mut painted = colour.map_or(Premultiplied::CLEAR, |c| Premultiplied::of(rgba(c)));
    // Paints are listed bottom-first; an opaque solid hides what is listed before it.
    let visible: Vec<&Paint> = paints.iter().filter(|p| p.visible).collect();
    let start = visible
        .iter()
        .rposition(|p| {
            p.paint_type == PaintType::Solid
                && p.color
                    .as_ref()
                    .is_some_and(|c| Premultiplied::of(rgba(c).with_opacity(p.opacity)).is_opaque())
        })
        .unwrap_or(0);
    for paint in &visible[start..] {
        if paint.paint_type != PaintType::Solid {
            return LayerPaint::Unknown(&paint.paint_type);
        }
        if let Some(c) = &paint.color {
            painted = painted.under(Premultiplied::of(rgba(c).with_opacity(paint.opacity)));
        }
    }
    LayerPaint::Solid(painted)
}

/// What a sibling drawn below the text paints over the text's bounds: its own paint and that of
/// the layers inside it that cover the text, in paint order (pre-order is paint order), each
/// with the opacity of its layer and the layers around it. Text and masks are not backgrounds.
/// Returns the paint and the layer that made it opaque (the sibling when none did), or the layer
/// whose non-solid paint shows.
fn covering_paint<'d>(
    design: &'d Design,
    sibling: &'d Node,
    text: &Rect,
) -> (LayerPaint<'d>, &'d Node) {
    let mut painted = Premultiplied::CLEAR;
    let mut unknown: Option<(&'d PaintType, &'d Node)> = None;
    let mut source = sibling;
    // (end of a layer's subtree, its opacity times its ancestors' inside the sibling)
    let mut opacities: Vec<(NodeIndex, f64)> = Vec::new();
    let end = design.subtree_end(sibling.index);
    let mut at = sibling.index;
    let mut looked_at = 0;
    while at < end && looked_at < MAX_LAYERS_PER_SIBLING {
        let Some(node) = design.node(at) else { break };
        while opacities.last().is_some_and(|&(until, _)| at >= until) {
            opacities.pop();
        }
        // Hidden layers are not drawn; layers nowhere near the text (and, nearly always, their
        // children) do not paint behind it: skip their subtrees.
        let apart = node
            .absolute_bounding_box
            .is_some_and(|b| !intersects(&b, text));
        if !node.visible || apart {
            at = design.subtree_end(at).max(at + 1);
            continue;
        }
        looked_at += 1;
        let opacity =
            opacities.last().map_or(1.0, |&(_, o)| o) * node.opacity.unwrap_or(1.0).clamp(0.0, 1.0);
        let covers = node.node_type != NodeType::Text
            && !node.is_mask
            && node
                .absolute_bounding_box
                .is_some_and(|b| contains(&b, text));
        if covers {
            match layer_paint(node) {
                LayerPaint::Unknown(kind) => unknown = Some((kind, node)),
                LayerPaint::Solid(paint) => {
                    let paint = paint.scaled(opacity);
                    if paint.alpha > 0.0 {
                        painted = painted.under(paint);
                        if paint.is_opaque() {
                            unknown = None;
                            source = node;
                        }
                    }
                }
            }
        }
        opacities.push((design.subtree_end(at), opacity));
        at += 1;
    }
    match unknown {
        Some((kind, layer)) => (LayerPaint::Unknown(kind), layer),
        None => (LayerPaint::Solid(painted), source),
    }
}

fn intersects(a: &Rect, b: &Rect) -> bool {
    a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height
}

fn contains(outer: &Rect, inner: &Rect) -> bool {
    const SLACK: f64 = 0.5;
    inner.x >= outer.x - SLACK
        && inner.y >= outer.y - SLACK
        && inner.x + inner.width <= outer.x + outer.width + SLACK
        && inner.y + inner.height <= outer.y + outer.height + SLACK
}

/// The two maps (glyph pixel, background pixel) while walking outwards.
struct Walk<'d> {
    text: Affine,
    background: Affine,
    source: Option<Source<'d>>,
    blended: bool,
}

impl<'d> Walk<'d> {
    fn shows_through(&self) -> bool {
        self.text.shows_through() || self.background.shows_through()
    }

    /// Looks through one layer's paint; `Err` when a non-solid paint shows.
    fn through(
        &mut self,
        node: &'d Node,
        paint: LayerPaint<'d>,
    ) -> Result<(), (&'d Node, &'d PaintType)> {
        if !self.shows_through() {
            return Ok(());
        }
        match paint {
            LayerPaint::Unknown(kind) => Err((node, kind)),
            LayerPaint::Solid(layer) if layer.alpha > 0.0 => {
                self.text = self.text.through(layer);
                self.background = self.background.through(layer);
                if self.shows_through() {
                    self.blended = true;
                } else {
                    self.source = Some(if node.node_type == NodeType::Canvas {
                        Source::Page(node)
                    } else {
                        Source::Layer(node)
                    });
                }
                Ok(())
            }
            LayerPaint::Solid(_) => Ok(()),
        }
    }

    fn group_opacity(&mut self, node: &Node) {
        let opacity = node.opacity.unwrap_or(1.0).clamp(0.0, 1.0);
        if opacity < 1.0 {
            self.text = self.text.with_group_opacity(opacity);
            self.background = self.background.with_group_opacity(opacity);
            if self.shows_through() {
                // What was below the group now shows through it.
                self.source = None;
                self.blended = true;
            }
        }
    }
}

/// The glyph and background colours of a shown text layer (`None` when it paints nothing).
pub(crate) fn seen_text<'d>(design: &'d Design, text: &'d Node) -> Option<Seen<'d>> {
    let mut walk = Walk {
        text: Affine::IDENTITY,
        background: Affine::IDENTITY,
        source: None,
        blended: false,
    };
    match layer_paint(text) {
        LayerPaint::Unknown(paint) => return Some(Seen::Unknown { layer: text, paint }),
        LayerPaint::Solid(paint) if paint.alpha <= 0.0 => return None,
        LayerPaint::Solid(paint) => walk.text = walk.text.through(paint),
    }
    // The text's opacity mixes its glyphs with what is behind; the background pixel is not the
    // text's, so it starts below the text.
    walk.text = walk
        .text
        .with_group_opacity(text.opacity.unwrap_or(1.0).clamp(0.0, 1.0));

    let bounds = text.absolute_bounding_box;
    let mut current = text;
    for _ in 0..MAX_LEVELS {
        let Some(parent) = current.parent.and_then(|p| design.node(p)) else {
            break;
        };
        if !walk.shows_through() {
            // Nothing below shows; only a translucent ancestor above could change that.
            let all_opaque_above = std::iter::once(parent)
                .chain(design.ancestors(parent.index))
                .all(|a| a.opacity.unwrap_or(1.0) >= 1.0);
            if all_opaque_above {
                break;
            }
        }
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
                .take(MAX_SIBLINGS_PER_LEVEL)
                .filter_map(|&i| design.node(i))
                .filter(|s| s.visible);
            for sibling in below {
                let (paint, source) = covering_paint(design, sibling, &text_bounds);
                if let Err((layer, paint)) = walk.through(source, paint) {
                    return Some(Seen::Unknown { layer, paint });
                }
            }
        }
        if let Err((layer, paint)) = walk.through(parent, layer_paint(parent)) {
            return Some(Seen::Unknown { layer, paint });
        }
        walk.group_opacity(parent);
        current = parent;
    }
    let source = match walk.source {
        Some(source) if !walk.shows_through() => source,
        _ => Source::AssumedWhite,
    };
    let white = [1.0; 3];
    Some(Seen::Known {
        text: walk.text.apply(white),
        background: walk.background.apply(white),
        source,
        blended: walk.blended && source != Source::AssumedWhite,
    })
}

impl Source<'_> {
    /// `from frame 'Status Bar'`, `from the page background ('Cover')`, `assumed white: nothing
    /// behind`: how a finding says which background was used.
    pub(crate) fn describe(&self) -> String {
        match self {
            Source::Layer(node) => format!(
                "from {} '{}'",
                node.node_type
                    .as_str()
                    .to_ascii_lowercase()
                    .replace('_', " "),
                node.name
            ),
            Source::Page(page) => format!("from the page background ('{}')", page.name),
            Source::AssumedWhite => "(assumed white: nothing behind)".to_owned(),
        }
    }
}

/// A non-solid paint kind for people: `image`, `gradient`, `video`, ….
pub(crate) fn paint_name(kind: &PaintType) -> String {
    if kind.is_gradient() {
        "gradient".to_owned()
    } else {
        kind.as_str().to_ascii_lowercase().replace('_', " ")
    }
}
