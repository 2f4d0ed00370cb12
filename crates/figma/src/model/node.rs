//! One node of the document arena.

use std::collections::BTreeMap;

use serde::Serialize;

use super::component::{
    Annotation, ComponentProperty, ComponentPropertyDefinition, DevResource, DevStatus,
    ExportSetting, InstanceOverride,
};
use super::figma_enum::figma_enum;
use super::layout::{Constraints, Layout, LayoutGrid, Rect, StrokeAlign, StrokeWeights};
use super::paint::{Color, Effect, Paint};
use super::prototype::Interaction;
use super::rare::{HasEmpty, Rare};
use super::shared_list::SharedList;
use super::shared_str::SharedStr;
use super::small_map::SmallMap;
use super::text::Text;
use super::variables::VariableBinding;

/// Position of a node in [`crate::Design::nodes`].
pub type NodeIndex = u32;

figma_enum! {
    /// The Figma node type. Types this version does not know are kept as `Other`.
    NodeType {
        Document => "DOCUMENT",
        Canvas => "CANVAS",
        Frame => "FRAME",
        Group => "GROUP",
        Section => "SECTION",
        Vector => "VECTOR",
        BooleanOperation => "BOOLEAN_OPERATION",
        Star => "STAR",
        Line => "LINE",
        Ellipse => "ELLIPSE",
        RegularPolygon => "REGULAR_POLYGON",
        Rectangle => "RECTANGLE",
        Text => "TEXT",
        Slice => "SLICE",
        Component => "COMPONENT",
        ComponentSet => "COMPONENT_SET",
        Instance => "INSTANCE",
        Sticky => "STICKY",
        ShapeWithText => "SHAPE_WITH_TEXT",
        Connector => "CONNECTOR",
        Table => "TABLE",
        TableCell => "TABLE_CELL",
        Embed => "EMBED",
        LinkUnfurl => "LINK_UNFURL",
        Media => "MEDIA",
        Widget => "WIDGET",
        TextPath => "TEXT_PATH",
        TransformGroup => "TRANSFORM_GROUP",
    }
}

impl Default for NodeType {
    fn default() -> Self {
        Self::Other(Box::default())
    }
}

impl NodeType {
    /// Shapes Figma draws from vector geometry (candidates for SVG export).
    pub fn is_vector_shape(&self) -> bool {
        matches!(
            self,
            Self::Vector
                | Self::BooleanOperation
                | Self::Star
                | Self::Line
                | Self::Ellipse
                | Self::RegularPolygon
                | Self::Rectangle
        )
    }

    /// Node types that hold other nodes as a layout container.
    pub fn is_container(&self) -> bool {
        matches!(
            self,
            Self::Frame
                | Self::Group
                | Self::Section
                | Self::Component
                | Self::ComponentSet
                | Self::Instance
        )
    }
}

/// One node of the document, stored flat in pre-order in
/// [`crate::Design::nodes`]. `children` holds arena indices; walking the tree
/// is a loop over indices, never recursion.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Node {
    /// This node's position in the arena.
    pub index: NodeIndex,
    /// The parent's position; `None` for a root.
    pub parent: Option<NodeIndex>,
    /// 0 for a root.
    pub depth: u32,
    /// Arena indices of the children, in Figma's order (bottom-most first).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<NodeIndex>,

    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub node_type: NodeType,
    pub visible: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub locked: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub is_mask: bool,

    #[serde(skip_serializing_if = "SharedList::is_empty")]
    pub fills: SharedList<Paint>,
    #[serde(skip_serializing_if = "SharedList::is_empty")]
    pub strokes: SharedList<Paint>,
    #[serde(skip_serializing_if = "SharedList::is_empty")]
    pub effects: SharedList<Effect>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stroke_weight: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stroke_align: Option<StrokeAlign>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub corner_radius: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub opacity: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blend_mode: Option<SharedStr>,
    /// Degrees.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clips_content: Option<bool>,

    #[serde(skip_serializing_if = "Option::is_none")]
    pub absolute_bounding_box: Option<Rect>,
    /// `None` when absent or when Figma sent null members (invisible nodes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub constraints: Option<Constraints>,
    /// Auto-layout fields; out of line because most nodes set none, shared
    /// between nodes with equal ones.
    pub layout: Rare<Layout>,

    /// Set on TEXT nodes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<Box<Text>>,

    /// Named styles used by this node: `fill`, `stroke`, `effect`, `text`,
    /// `grid` (also `fills`/`strokes` in some responses) → style id.
    #[serde(skip_serializing_if = "SmallMap::is_empty")]
    pub styles: SmallMap<SharedStr, SharedStr>,

    /// INSTANCE: the component it instantiates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub component_id: Option<SharedStr>,
    /// INSTANCE: property values, keyed by property name (`Label#12:0`).
    #[serde(skip_serializing_if = "SmallMap::is_empty")]
    pub component_properties: SmallMap<SharedStr, ComponentProperty>,

    /// Field name → variable binding.
    #[serde(skip_serializing_if = "SmallMap::is_empty")]
    pub bound_variables: SmallMap<SharedStr, VariableBinding>,
    /// Fields few nodes set; one pointer when none is.
    #[serde(flatten)]
    pub extras: Rare<NodeExtras>,
}

/// The [`Node`] fields few nodes set: component declarations, prototype,
/// export and annotation details, and rare geometry. Out of line (see
/// [`Rare`]), they cost one pointer in a node that sets none, instead of a
/// third of every node in the arena.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeExtras {
    /// Rare on the nodes of real files, so kept out of line (every byte of
    /// `Node` is paid once per node: a million-node file holds a million).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rotation: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub absolute_render_bounds: Option<Rect>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub individual_stroke_weights: Option<StrokeWeights>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub stroke_dashes: Vec<f64>,
    /// Top-left, top-right, bottom-right, bottom-left.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rectangle_corner_radii: Option<[f64; 4]>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub layout_grids: Vec<LayoutGrid>,
    /// COMPONENT / COMPONENT_SET: declared properties.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub component_property_definitions: BTreeMap<String, ComponentPropertyDefinition>,
    /// Node field (`visible`, `characters`, `mainComponent`) → property name.
    #[serde(skip_serializing_if = "SmallMap::is_empty")]
    pub component_property_references: SmallMap<SharedStr, SharedStr>,
    /// INSTANCE: overridden fields of its sublayers.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub overrides: Vec<InstanceOverride>,
    /// Description (COMPONENT / COMPONENT_SET nodes in some responses).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub interactions: Vec<Interaction>,
    /// Legacy prototype link (`transitionNodeID`), older than `interactions`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transition_node_id: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub export_settings: Vec<ExportSetting>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub annotations: Vec<Annotation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dev_resources: Vec<DevResource>,
    /// Dev Mode status (`devStatus`), when the designer set one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dev_status: Option<DevStatus>,
    /// The older paint fields of frames and groups (`background`, then
    /// `backgroundColor`), kept only when the node sends no `fills`: files
    /// from before fills replaced them (2018) paint frames with these.
    /// Newer files send them as copies of `fills`, so they are dropped there.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub background: Vec<Paint>,
    /// A CANVAS's page colour, or a fill-less frame's older `backgroundColor`
    /// (see `background`); absent when transparent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub background_color: Option<Color>,
}

static EMPTY_EXTRAS: NodeExtras = NodeExtras {
    rotation: None,
    absolute_render_bounds: None,
    individual_stroke_weights: None,
    stroke_dashes: Vec::new(),
    rectangle_corner_radii: None,
    layout_grids: Vec::new(),
    component_property_definitions: BTreeMap::new(),
    component_property_references: SmallMap::new(),
    overrides: Vec::new(),
    description: None,
    interactions: Vec::new(),
    transition_node_id: None,
    export_settings: Vec::new(),
    annotations: Vec::new(),
    dev_resources: Vec::new(),
    dev_status: None,
    background: Vec::new(),
    background_color: None,
};

impl HasEmpty for NodeExtras {
    fn empty() -> &'static Self {
        &EMPTY_EXTRAS
    }
}

impl Node {
    /// Width and height of the bounding box, if known.
    pub fn size(&self) -> Option<(f64, f64)> {
        self.absolute_bounding_box
            .map(|rect| (rect.width, rect.height))
    }

    /// The text content of a TEXT node.
    pub fn characters(&self) -> Option<&str> {
        self.text.as_deref().map(|text| text.characters.as_str())
    }
}
