//! Compact text encodings of Figma values (numbers, colours, paints,
//! effects, layout, type styles) used by every output format.

use std::fmt::Write;

use crate::model::{
    AxisAlign, Color, Effect, EffectType, LayoutAlign, LayoutMode, LayoutPositioning, LayoutSizing,
    LayoutWrap, Node, Paint, PaintType, ScaleMode, StrokeAlign, TypeStyle,
};

/// A number with at most two decimals and no trailing zeros (`12`, `0.5`, `-4.25`).
pub(crate) fn num(value: f64) -> String {
    if !value.is_finite() {
        return "0".to_owned();
    }
    let rounded = (value * 100.0).round() / 100.0;
    if rounded == rounded.trunc() && rounded.abs() < 1e15 {
        // Integral: the common case, printed without float formatting.
        return (rounded as i64).to_string();
    }
    // Shortest round-trip form of the rounded value, e.g. `0.3`, `-4.25`.
    rounded.to_string()
}

/// `#RRGGBB`, or `#RRGGBBAA` when not opaque; `opacity` multiplies alpha.
pub(crate) fn hex(color: Color, opacity: f64) -> String {
    let channel = |value: f64| (value.clamp(0.0, 1.0) * 255.0).round() as u8;
    let alpha = channel(color.a * opacity);
    let mut text = format!(
        "#{:02X}{:02X}{:02X}",
        channel(color.r),
        channel(color.g),
        channel(color.b)
    );
    if alpha != 255 {
        let _ = write!(text, "{alpha:02X}");
    }
    text
}

/// Visible paints, top-most first (CSS order), comma-separated.
pub(crate) fn paints(list: &[Paint]) -> Option<String> {
    let parts: Vec<String> = list
        .iter()
        .rev()
        .filter(|paint| paint.visible)
        .filter_map(paint)
        .collect();
    if parts.is_empty() {
        None
    } else {
        Some(parts.join(","))
    }
}

fn paint(paint: &Paint) -> Option<String> {
    match &paint.paint_type {
        PaintType::Solid => paint.color.map(|color| hex(color, paint.opacity)),
        kind if kind.is_gradient() => {
            let name = match kind {
                PaintType::GradientLinear => "linear",
                PaintType::GradientRadial => "radial",
                PaintType::GradientAngular => "conic",
                _ => "diamond",
            };
            let angle = match (
                paint.gradient_handle_positions.first(),
                paint.gradient_handle_positions.get(1),
            ) {
                (Some(start), Some(end)) if *kind == PaintType::GradientLinear => {
                    let degrees = (end.y - start.y).atan2(end.x - start.x).to_degrees() + 90.0;
                    format!("{}deg ", num(degrees.rem_euclid(360.0)))
                }
                _ => String::new(),
            };
            let stops: Vec<String> = paint
                .gradient_stops
                .iter()
                .map(|stop| {
                    format!(
                        "{} {}%",
                        hex(stop.color, paint.opacity),
                        num(stop.position * 100.0)
                    )
                })
                .collect();
            Some(format!("{name}({angle}{})", stops.join(" ")))
        }
        PaintType::Image => {
            let reference = paint
                .gif_ref
                .as_deref()
                .or(paint.image_ref.as_deref())
                .unwrap_or("?");
            let fit = match &paint.scale_mode {
                Some(ScaleMode::Fit) => "contain",
                Some(ScaleMode::Tile) => "tile",
                Some(ScaleMode::Stretch) => "stretch",
                _ => "cover",
            };
            Some(format!("img({reference} {fit})"))
        }
        other => Some(format!("{}()", other.as_str().to_ascii_lowercase())),
    }
}

/// Stroke weight (uniform or per side), alignment when not inside, and dashes.
pub(crate) fn stroke_geometry(node: &Node) -> Option<String> {
    paints(&node.strokes)?;
    let mut tokens = Vec::new();
    if let Some(sides) = node.extras.individual_stroke_weights {
        tokens.push(
            box_shorthand([sides.top, sides.right, sides.bottom, sides.left]).replace(' ', ","),
        );
    } else if let Some(weight) = node.stroke_weight {
        tokens.push(num(weight));
    }
    match node.stroke_align {
        Some(StrokeAlign::Outside) => tokens.push("outside".to_owned()),
        Some(StrokeAlign::Center) => tokens.push("center".to_owned()),
        _ => {}
    }
    if !node.extras.stroke_dashes.is_empty() {
        let dashes: Vec<String> = node
            .extras
            .stroke_dashes
            .iter()
            .map(|dash| num(*dash))
            .collect();
        tokens.push(format!("dash={}", dashes.join(",")));
    }
    if tokens.is_empty() {
        None
    } else {
        Some(tokens.join(" "))
    }
}

/// Visible effects as CSS-like functions.
pub(crate) fn effects(list: &[Effect]) -> Option<String> {
    let parts: Vec<String> = list
        .iter()
        .filter(|effect| effect.visible)
        .map(|effect| {
            let color = effect
                .color
                .map(|color| hex(color, 1.0))
                .unwrap_or_default();
            let offset = effect.offset.unwrap_or_default();
            let spread = effect.spread.unwrap_or(0.0);
            match &effect.effect_type {
                EffectType::DropShadow | EffectType::InnerShadow => format!(
                    "{}({} {} {} {} {color})",
                    if effect.effect_type == EffectType::DropShadow {
                        "shadow"
                    } else {
                        "inset"
                    },
                    num(offset.x),
                    num(offset.y),
                    num(effect.radius),
                    num(spread),
                ),
                EffectType::LayerBlur => format!("blur({})", num(effect.radius)),
                EffectType::BackgroundBlur => format!("backdrop-blur({})", num(effect.radius)),
                other => format!(
                    "{}({})",
                    other.as_str().to_ascii_lowercase(),
                    num(effect.radius)
                ),
            }
        })
        .collect();
    if parts.is_empty() {
        None
    } else {
        Some(parts.join(","))
    }
}

/// CSS box shorthand from top, right, bottom, left: `8`, `8 16`, `0 0 2`, `1 2 3 4`.
pub(crate) fn box_shorthand([top, right, bottom, left]: [f64; 4]) -> String {
    let [t, r, b, l] = [top, right, bottom, left].map(num);
    if t == b && r == l {
        if t == r { t } else { format!("{t} {r}") }
    } else if r == l {
        format!("{t} {r} {b}")
    } else {
        format!("{t} {r} {b} {l}")
    }
}

/// Corner radius: uniform or per corner (top-left, top-right, bottom-right, bottom-left).
pub(crate) fn radius(node: &Node) -> Option<String> {
    if let Some(corners) = node.extras.rectangle_corner_radii {
        if corners.iter().any(|corner| *corner != 0.0) {
            return Some(box_shorthand(corners));
        }
        return None;
    }
    node.corner_radius.filter(|radius| *radius != 0.0).map(num)
}

/// The layout of a node: its own auto-layout and how it sits in its parent.
pub(crate) fn layout(node: &Node, parent: Option<&Node>, is_root: bool) -> Option<String> {
    let own = &node.layout;
    let mut tokens = Tokens::default();
    let mode = own
        .layout_mode
        .as_ref()
        .filter(|mode| **mode != LayoutMode::None);
    if let Some(mode) = mode {
        tokens.push(match mode {
            LayoutMode::Horizontal => "row",
            LayoutMode::Vertical => "col",
            LayoutMode::Grid => "grid",
            _ => "flow",
        });
        if own.layout_wrap == Some(LayoutWrap::Wrap) {
            tokens.push("wrap");
        }
        let between = own.primary_axis_align_items == Some(AxisAlign::SpaceBetween);
        if let Some(justify) = own.primary_axis_align_items.as_ref().and_then(align_word) {
            tokens.push(format_args!("justify={justify}"));
        }
        if let Some(items) = own.counter_axis_align_items.as_ref().and_then(align_word) {
            tokens.push(format_args!("items={items}"));
        }
        if let Some(gap) = own.item_spacing.filter(|gap| *gap != 0.0 && !between) {
            tokens.push(format_args!("gap={}", num(gap)));
        }
        if let Some(gap) = own.counter_axis_spacing.filter(|gap| *gap != 0.0) {
            tokens.push(format_args!("rowgap={}", num(gap)));
        }
        let padding = [
            own.padding_top,
            own.padding_right,
            own.padding_bottom,
            own.padding_left,
        ]
        .map(|side| side.unwrap_or(0.0));
        if padding.iter().any(|side| *side != 0.0) {
            tokens.push(format_args!(
                "pad={}",
                box_shorthand(padding).replace(' ', ",")
            ));
        }
        if let Some(grid) = own.grid.as_deref() {
            if let Some(columns) = grid
                .grid_columns_sizing
                .as_deref()
                .filter(|text| !text.is_empty())
            {
                tokens.push(format_args!("cols={}", columns.replace(' ', ",")));
            } else if let Some(count) = grid.grid_column_count {
                tokens.push(format_args!("cols={}", num(count)));
            }
            if let Some(rows) = grid
                .grid_rows_sizing
                .as_deref()
                .filter(|text| !text.is_empty())
            {
                tokens.push(format_args!("rows={}", rows.replace(' ', ",")));
            } else if let Some(count) = grid.grid_row_count {
                tokens.push(format_args!("rows={}", num(count)));
            }
            for (name, gap) in [
                ("colgap", grid.grid_column_gap),
                ("rowgap", grid.grid_row_gap),
            ] {
                if let Some(gap) = gap.filter(|gap| *gap != 0.0) {
                    tokens.push(format_args!("{name}={}", num(gap)));
                }
            }
        }
    }
    let in_flow_parent = parent
        .and_then(|parent| parent.layout.layout_mode.as_ref())
        .is_some_and(|mode| *mode != LayoutMode::None);
    let absolute = own.layout_positioning == Some(LayoutPositioning::Absolute);
    if in_flow_parent && !absolute {
        if own.layout_align == Some(LayoutAlign::Stretch) {
            tokens.push("self=stretch");
        }
        if let Some(grow) = own.layout_grow.filter(|grow| *grow != 0.0) {
            tokens.push(format_args!("grow={}", num(grow)));
        }
        if let Some(grid) = own.grid.as_deref() {
            for (name, anchor, span) in [
                ("gc", grid.grid_column_anchor_index, grid.grid_column_span),
                ("gr", grid.grid_row_anchor_index, grid.grid_row_span),
            ] {
                if let Some(anchor) = anchor {
                    tokens.push(format_args!(
                        "{name}={}/{}",
                        num(anchor + 1.0),
                        num(span.unwrap_or(1.0))
                    ));
                }
            }
        }
    }
    let size = node.absolute_bounding_box;
    let sizing = |value: Option<&LayoutSizing>, length: Option<f64>| match value {
        Some(LayoutSizing::Fill) => Some("fill".to_owned()),
        Some(LayoutSizing::Hug) => Some("hug".to_owned()),
        _ => length.map(num),
    };
    if let Some(width) = sizing(
        own.layout_sizing_horizontal.as_ref(),
        size.map(|rect| rect.width),
    ) {
        tokens.push(format_args!("w={width}"));
    }
    if let Some(height) = sizing(
        own.layout_sizing_vertical.as_ref(),
        size.map(|rect| rect.height),
    ) {
        tokens.push(format_args!("h={height}"));
    }
    for (name, value) in [
        ("minw", own.min_width),
        ("maxw", own.max_width),
        ("minh", own.min_height),
        ("maxh", own.max_height),
    ] {
        if let Some(value) = value {
            tokens.push(format_args!("{name}={}", num(value)));
        }
    }
    if !is_root
        && (absolute || !in_flow_parent)
        && let (Some(rect), Some(parent_rect)) =
            (size, parent.and_then(|parent| parent.absolute_bounding_box))
    {
        if absolute {
            tokens.push("abs");
        }
        tokens.push(format_args!("x={}", num(rect.x - parent_rect.x)));
        tokens.push(format_args!("y={}", num(rect.y - parent_rect.y)));
    }
    if let Some(rotation) = node
        .extras
        .rotation
        .filter(|rotation| rotation.abs() > 0.01)
    {
        tokens.push(format_args!("rot={}", num(-rotation.to_degrees())));
    }
    match own.overflow_direction.as_deref() {
        Some("VERTICAL_SCROLLING") => tokens.push("scroll=y"),
        Some("HORIZONTAL_SCROLLING") => tokens.push("scroll=x"),
        Some("HORIZONTAL_AND_VERTICAL_SCROLLING") => tokens.push("scroll=xy"),
        _ => {}
    }
    tokens.into_text()
}

/// Space-separated tokens written straight into one string.
#[derive(Default)]
struct Tokens(String);

impl Tokens {
    fn push(&mut self, token: impl std::fmt::Display) {
        if !self.0.is_empty() {
            self.0.push(' ');
        }
        let _ = write!(self.0, "{token}");
    }

    fn into_text(self) -> Option<String> {
        (!self.0.is_empty()).then_some(self.0)
    }
}

fn align_word(align: &AxisAlign) -> Option<&'static str> {
    match align {
        AxisAlign::Min | AxisAlign::Other(_) => None,
        AxisAlign::Center => Some("center"),
        AxisAlign::Max => Some("end"),
        AxisAlign::SpaceBetween => Some("between"),
        AxisAlign::Baseline => Some("baseline"),
    }
}

/// Text alignment, which Figma keeps on the node rather than in the named
/// text style: `center`, `right`, `justify`, then `vcenter`/`bottom`.
pub(crate) fn text_align(style: &TypeStyle) -> Option<String> {
    let mut tokens = Vec::new();
    match style.text_align_horizontal.as_deref() {
        Some("CENTER") => tokens.push("center"),
        Some("RIGHT") => tokens.push("right"),
        Some("JUSTIFIED") => tokens.push("justify"),
        _ => {}
    }
    match style.text_align_vertical.as_deref() {
        Some("CENTER") => tokens.push("vcenter"),
        Some("BOTTOM") => tokens.push("bottom"),
        _ => {}
    }
    if tokens.is_empty() {
        None
    } else {
        Some(tokens.join(","))
    }
}

/// A type style: `family weight size/line-height` then optional extras.
pub(crate) fn type_style(style: &TypeStyle) -> Option<String> {
    let mut tokens = Vec::new();
    if let Some(family) = &style.font_family {
        tokens.push(family.replace(' ', "_"));
    }
    if let Some(weight) = style.font_weight {
        tokens.push(num(weight));
    }
    if let Some(size) = style.font_size {
        let line_height = match style.line_height_unit.as_deref() {
            Some("FONT_SIZE_%") => style
                .line_height_percent_font_size
                .map(|percent| format!("{}em", num(percent / 100.0))),
            Some("PIXELS") => style.line_height_px.map(num),
            _ => None,
        };
        match line_height {
            Some(line_height) => tokens.push(format!("{}/{line_height}", num(size))),
            None => tokens.push(num(size)),
        }
    }
    if style.italic == Some(true)
        || style
            .font_style
            .as_deref()
            .is_some_and(|font| font.contains("Italic"))
    {
        tokens.push("italic".to_owned());
    }
    if let Some(spacing) = style.letter_spacing.filter(|spacing| *spacing != 0.0) {
        tokens.push(format!("ls={}", num(spacing)));
    }
    if let Some(case) = style
        .text_case
        .as_deref()
        .filter(|case| *case != "ORIGINAL")
    {
        tokens.push(case.to_ascii_lowercase());
    }
    if let Some(decoration) = style
        .text_decoration
        .as_deref()
        .filter(|decoration| *decoration != "NONE")
    {
        tokens.push(decoration.to_ascii_lowercase());
    }
    for (name, value) in [
        ("para", style.paragraph_spacing),
        ("indent", style.paragraph_indent),
        ("list", style.list_spacing),
    ] {
        if let Some(value) = value.filter(|value| *value != 0.0) {
            tokens.push(format!("{name}={}", num(value)));
        }
    }
    for (feature, on) in &style.opentype_flags {
        if *on != 0.0 {
            tokens.push(format!("ot={feature}"));
        }
    }
    if tokens.is_empty() {
        None
    } else {
        Some(tokens.join(" "))
    }
}
