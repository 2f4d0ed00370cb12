//! Geometry, constraints, auto-layout and grid fields.

use serde::{Deserialize, Serialize};

use super::figma_enum::figma_enum;
use super::paint::Color;

/// An axis-aligned rectangle in absolute canvas coordinates.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

/// A rectangle whose members may be null (`absoluteRenderBounds` of an
/// invisible node has all four members null).
#[derive(Debug, Clone, Copy, Default, Deserialize)]
pub(crate) struct NullableRect {
    x: Option<f64>,
    y: Option<f64>,
    width: Option<f64>,
    height: Option<f64>,
}

impl NullableRect {
    /// `Some` only when all four members are present.
    pub(crate) fn complete(self) -> Option<Rect> {
        Some(Rect {
            x: self.x?,
            y: self.y?,
            width: self.width?,
            height: self.height?,
        })
    }
}

figma_enum! {
    /// Horizontal constraint relative to the parent frame.
    HorizontalConstraint {
        Left => "LEFT",
        Right => "RIGHT",
        Center => "CENTER",
        LeftRight => "LEFT_RIGHT",
        Scale => "SCALE",
    }
}

figma_enum! {
    /// Vertical constraint relative to the parent frame.
    VerticalConstraint {
        Top => "TOP",
        Bottom => "BOTTOM",
        Center => "CENTER",
        TopBottom => "TOP_BOTTOM",
        Scale => "SCALE",
    }
}

/// Resizing constraints of a node inside a non-auto-layout frame.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Constraints {
    pub horizontal: HorizontalConstraint,
    pub vertical: VerticalConstraint,
}

figma_enum! {
    /// Auto-layout direction of a frame.
    LayoutMode {
        None => "NONE",
        Horizontal => "HORIZONTAL",
        Vertical => "VERTICAL",
        Grid => "GRID",
    }
}

figma_enum! {
    /// How a node sizes itself along an axis (`layoutSizingHorizontal/Vertical`).
    LayoutSizing {
        Fixed => "FIXED",
        Hug => "HUG",
        Fill => "FILL",
    }
}

figma_enum! {
    /// Older axis sizing (`primaryAxisSizingMode`, `counterAxisSizingMode`).
    AxisSizingMode {
        Fixed => "FIXED",
        Auto => "AUTO",
    }
}

figma_enum! {
    /// Alignment of children along an auto-layout axis.
    AxisAlign {
        Min => "MIN",
        Center => "CENTER",
        Max => "MAX",
        SpaceBetween => "SPACE_BETWEEN",
        Baseline => "BASELINE",
    }
}

figma_enum! {
    /// A child's cross-axis alignment in auto-layout (`layoutAlign`).
    LayoutAlign {
        Inherit => "INHERIT",
        Stretch => "STRETCH",
        Min => "MIN",
        Center => "CENTER",
        Max => "MAX",
    }
}

figma_enum! {
    /// Whether a child takes part in its parent's auto-layout flow.
    LayoutPositioning {
        Auto => "AUTO",
        Absolute => "ABSOLUTE",
    }
}

figma_enum! {
    /// Whether auto-layout wraps.
    LayoutWrap {
        NoWrap => "NO_WRAP",
        Wrap => "WRAP",
    }
}

figma_enum! {
    /// Where a stroke sits relative to the node outline.
    StrokeAlign {
        Inside => "INSIDE",
        Outside => "OUTSIDE",
        Center => "CENTER",
    }
}

/// Per-side stroke weights (`individualStrokeWeights`).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct StrokeWeights {
    pub top: f64,
    pub right: f64,
    pub bottom: f64,
    pub left: f64,
}

/// A layout grid (columns, rows or grid) drawn on a frame.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct LayoutGrid {
    /// `COLUMNS`, `ROWS` or `GRID`.
    pub pattern: String,
    pub section_size: f64,
    pub visible: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub color: Option<Color>,
    /// `MIN`, `MAX`, `STRETCH` or `CENTER`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alignment: Option<String>,
    pub gutter_size: f64,
    pub offset: f64,
    pub count: f64,
}

/// Auto-layout (flex and grid) properties of a frame, and the fields a node
/// uses as a child of one. All optional: most nodes set only a few.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Layout {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layout_mode: Option<LayoutMode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layout_wrap: Option<LayoutWrap>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary_axis_sizing_mode: Option<AxisSizingMode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counter_axis_sizing_mode: Option<AxisSizingMode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary_axis_align_items: Option<AxisAlign>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counter_axis_align_items: Option<AxisAlign>,
    /// `AUTO` or `SPACE_BETWEEN` (wrapped rows).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counter_axis_align_content: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub padding_left: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub padding_right: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub padding_top: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub padding_bottom: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item_spacing: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counter_axis_spacing: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layout_sizing_horizontal: Option<LayoutSizing>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layout_sizing_vertical: Option<LayoutSizing>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layout_align: Option<LayoutAlign>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layout_grow: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layout_positioning: Option<LayoutPositioning>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_width: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_width: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_height: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_height: Option<f64>,
    /// `NONE`, `HORIZONTAL_SCROLLING`, `VERTICAL_SCROLLING`, `HORIZONTAL_AND_VERTICAL_SCROLLING`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overflow_direction: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grid: Option<Box<GridLayout>>,
}

/// Read by nodes that set no layout field (see [`super::rare::Rare`]).
static EMPTY_LAYOUT: Layout = Layout {
    layout_mode: None,
    layout_wrap: None,
    primary_axis_sizing_mode: None,
    counter_axis_sizing_mode: None,
    primary_axis_align_items: None,
    counter_axis_align_items: None,
    counter_axis_align_content: None,
    padding_left: None,
    padding_right: None,
    padding_top: None,
    padding_bottom: None,
    item_spacing: None,
    counter_axis_spacing: None,
    layout_sizing_horizontal: None,
    layout_sizing_vertical: None,
    layout_align: None,
    layout_grow: None,
    layout_positioning: None,
    min_width: None,
    max_width: None,
    min_height: None,
    max_height: None,
    overflow_direction: None,
    grid: None,
};

impl super::rare::HasEmpty for Layout {
    fn empty() -> &'static Self {
        &EMPTY_LAYOUT
    }
}

/// CSS-grid style auto-layout (`layoutMode: GRID`) and grid-child fields.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GridLayout {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grid_row_count: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grid_column_count: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grid_row_gap: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grid_column_gap: Option<f64>,
    /// CSS-like track sizes, e.g. `"1fr 1fr 200px"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grid_columns_sizing: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grid_rows_sizing: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grid_child_horizontal_align: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grid_child_vertical_align: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grid_row_span: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grid_column_span: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grid_row_anchor_index: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grid_column_anchor_index: Option<f64>,
}
