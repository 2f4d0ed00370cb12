//! Streams Figma nodes straight into the flat arena.
//!
//! Each node is pushed as a placeholder before its children are read, so the
//! arena comes out in pre-order with no second pass, and the parsed tree never
//! exists as nested Rust values (dropping it cannot recurse). serde_stacker,
//! set up by the caller, keeps the recursive descent of serde itself safe on
//! deep trees.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::intern::Interner;
use super::split::TailPlan;
use crate::model::layout::NullableRect;
use crate::model::{GridLayout, Node, NodeExtras, NodeIndex, NodeType, Rare, Text};

/// Where parsed nodes go, who hears how far the parse has got, and which
/// nodes another thread parses (see [`super::split`]).
pub(crate) struct Arena<'p> {
    pub nodes: Vec<Node>,
    progress: Progress<'p>,
    pub tail: Option<TailPlan>,
    pub intern: Interner,
    /// A node past this many is an error ([`is_too_many_nodes`]).
    pub max_nodes: usize,
}

/// The error a parse stops with at [`Arena::max_nodes`]; recognised by its text
/// because serde carries custom errors as text.
const TOO_MANY_NODES: &str = "handoff: node limit reached";

/// Whether `error` is the one [`Arena::max_nodes`] raises.
pub(crate) fn is_too_many_nodes(error: &serde_json::Error) -> bool {
    error.to_string().contains(TOO_MANY_NODES)
}

impl<'p> Arena<'p> {
    pub fn new(capacity: usize, progress: Progress<'p>, intern: Interner) -> Self {
        Self {
            nodes: Vec::with_capacity(capacity),
            progress,
            tail: None,
            intern,
            max_nodes: usize::MAX,
        }
    }
}

/// What [`NodeSeed`] read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Parsed {
    Node(NodeIndex),
    /// A `null` where a node may be.
    Null,
    /// A tail node, skipped here and parsed by the tail thread.
    Deferred,
}

/// Reports the input offset reached, at most once per [`Progress::STEP`] bytes.
///
/// The offset is read off the position of each node's `id` in the input (ids
/// borrow from it when they hold no escapes), so tracking costs a comparison
/// per node and no change to the deserializer.
pub(crate) struct Progress<'p> {
    input_start: usize,
    input_len: usize,
    next_report: usize,
    report: Option<&'p mut dyn FnMut(usize)>,
}

impl<'p> Progress<'p> {
    const STEP: usize = 4 << 20;

    pub fn new(input: &[u8], report: Option<&'p mut dyn FnMut(usize)>) -> Self {
        Self {
            input_start: input.as_ptr() as usize,
            input_len: input.len(),
            next_report: Self::STEP,
            report,
        }
    }

    /// Where `text` starts in the input, if it is borrowed from it.
    fn offset_of(&self, text: &str) -> Option<usize> {
        let offset = (text.as_ptr() as usize).wrapping_sub(self.input_start);
        (offset < self.input_len).then_some(offset)
    }

    fn reached(&mut self, offset: usize) {
        let Some(report) = self.report.as_mut() else {
            return;
        };
        if offset >= self.next_report {
            report(offset);
            self.next_report = offset.saturating_add(Self::STEP);
        }
    }
}

/// A node id, borrowed from the input when it has no escapes.
struct NodeId<'de>(std::borrow::Cow<'de, str>);

impl<'de> Deserialize<'de> for NodeId<'de> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct IdVisitor;
        impl<'de> Visitor<'de> for IdVisitor {
            type Value = NodeId<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a node id string")
            }
            fn visit_borrowed_str<E: de::Error>(self, id: &'de str) -> Result<Self::Value, E> {
                Ok(NodeId(std::borrow::Cow::Borrowed(id)))
            }
            fn visit_str<E: de::Error>(self, id: &str) -> Result<Self::Value, E> {
                Ok(NodeId(std::borrow::Cow::Owned(id.to_owned())))
            }
        }
        deserializer.deserialize_str(IdVisitor)
    }
}

/// Reads one node (or `null`) and everything below it into `arena`.
pub(crate) struct NodeSeed<'a, 'p> {
    pub arena: &'a mut Arena<'p>,
    pub parent: Option<NodeIndex>,
    pub depth: u32,
}

impl<'de> DeserializeSeed<'de> for NodeSeed<'_, '_> {
    type Value = Parsed;

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        // `deserialize_any` reaches `visit_map` (or `visit_unit` for null) in one
        // step, where `deserialize_option` takes two: frames a nesting level pays.
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for NodeSeed<'_, '_> {
    type Value = Parsed;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Figma node object")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Parsed::Null)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Parsed::Null)
    }

    // Deep trees recurse through here once per level (serde_stacker grows the
    // stack on the heap), so this frame and serde's around it are what a level
    // costs: the node being read lives in its arena slot, not in a local, and
    // everything but the recursion into `children` happens in functions that
    // are never inlined (`read_entry`, `finish`), whose frames exist only
    // while they run.
    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<Self::Value, A::Error> {
        let index = self.start_node()?;
        let mut seen = Seen::default();
        loop {
            match self.read_entry(&mut map, index, &mut seen)? {
                Entry::Field => {}
                Entry::Children => {
                    let seed = ChildrenSeed {
                        arena: &mut *self.arena,
                        parent: index,
                        depth: self.depth + 1,
                    };
                    let children = map.next_value_seed(seed)?;
                    slot(&mut self.arena.nodes, index)?.children = children;
                }
                Entry::Deferred => return Ok(Parsed::Deferred),
                Entry::End => return finish(self.arena, index, &seen),
            }
            seen.first_key = false;
        }
    }
}

/// What [`NodeSeed::read_entry`] found.
enum Entry {
    /// A field, read.
    Field,
    /// The `children` key: its value is for the caller to read.
    Children,
    /// The node is the tail thread's, and was skipped.
    Deferred,
    /// The end of the node's object.
    End,
}

/// Which keys a node object has shown so far.
struct Seen {
    id: bool,
    node_type: bool,
    first_key: bool,
}

impl Default for Seen {
    fn default() -> Self {
        Self {
            id: false,
            node_type: false,
            first_key: true,
        }
    }
}

impl NodeSeed<'_, '_> {
    /// Pushes the node's placeholder; its index.
    #[inline(never)]
    fn start_node<E: de::Error>(&mut self) -> Result<NodeIndex, E> {
        let index = NodeIndex::try_from(self.arena.nodes.len())
            .map_err(|_| de::Error::custom("more than 4 billion nodes"))?;
        if self.arena.nodes.len() >= self.arena.max_nodes {
            return Err(de::Error::custom(TOO_MANY_NODES));
        }
        self.arena.nodes.push(Node {
            index,
            parent: self.parent,
            depth: self.depth,
            visible: true,
            ..Node::default()
        });
        Ok(index)
    }

    /// Reads the next key and, unless it is `children`, its value.
    #[inline(never)]
    fn read_entry<'de, A: MapAccess<'de>>(
        &mut self,
        map: &mut A,
        index: NodeIndex,
        seen: &mut Seen,
    ) -> Result<Entry, A::Error> {
        let Some(key) = map.next_key::<NodeKey>()? else {
            return Ok(Entry::End);
        };
        match key {
            NodeKey::Id => {
                let NodeId(id) = map.next_value()?;
                if let Some(offset) = self.arena.progress.offset_of(&id) {
                    // Both threads read the tail's input: reports there go
                    // only as far as both have passed, so that no caller
                    // releases bytes the tail thread has yet to parse.
                    let reached = match &self.arena.tail {
                        Some(tail) if tail.covers(offset) => offset.min(tail.parsed_to()),
                        _ => offset,
                    };
                    self.arena.progress.reached(reached);
                    if seen.first_key && self.claimed_by_tail(offset) {
                        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                        return Ok(Entry::Deferred);
                    }
                }
                slot(&mut self.arena.nodes, index)?.id = id.into_owned();
                seen.id = true;
            }
            NodeKey::Children => return Ok(Entry::Children),
            key => {
                seen.node_type |= matches!(key, NodeKey::Type);
                let Arena { nodes, intern, .. } = &mut *self.arena;
                read_field(key, slot(nodes, index)?, intern, map)?;
            }
        }
        Ok(Entry::Field)
    }
}

/// Checks and completes a node once its object has ended.
#[inline(never)]
fn finish<E: de::Error>(arena: &mut Arena<'_>, index: NodeIndex, seen: &Seen) -> Result<Parsed, E> {
    if !seen.id {
        return Err(de::Error::missing_field("id"));
    }
    if !seen.node_type {
        return Err(de::Error::missing_field("type"));
    }
    let Arena { nodes, intern, .. } = arena;
    let node = slot(nodes, index)?;
    if node.text.is_some() && node.node_type != NodeType::Text {
        // `style`/`characters` only mean text on TEXT nodes; elsewhere
        // (e.g. a plugin's custom data) they would mislead consumers.
        node.text = None;
    }
    drop_copied_background(node);
    node.layout = intern.layout(std::mem::take(&mut node.layout));
    Ok(Parsed::Node(index))
}

/// The arena slot of the node being read.
fn slot<E: de::Error>(nodes: &mut [Node], index: NodeIndex) -> Result<&mut Node, E> {
    nodes
        .get_mut(index as usize)
        .ok_or_else(|| de::Error::custom("node arena lost a slot"))
}

/// Reads the value of one node field other than `id` and `children` into `node`.
///
/// Never inlined: its frame holds a temporary of every field type, and it must
/// not sit on the stack while a node's children are read (see `visit_map`).
#[inline(never)]
fn read_field<'de, A: MapAccess<'de>>(
    key: NodeKey,
    node: &mut Node,
    intern: &mut Interner,
    map: &mut A,
) -> Result<(), A::Error> {
    match key {
        NodeKey::Name => node.name = map.next_value::<Option<String>>()?.unwrap_or_default(),
        NodeKey::Type => {
            node.node_type = map.next_value::<NodeType>()?;
        }
        NodeKey::Visible => node.visible = map.next_value::<Option<bool>>()?.unwrap_or(true),
        NodeKey::Locked => node.locked = map.next_value::<Option<bool>>()?.unwrap_or(false),
        NodeKey::IsMask => node.is_mask = map.next_value::<Option<bool>>()?.unwrap_or(false),
        NodeKey::Fills => node.fills = intern.paints(map)?,
        NodeKey::Strokes => node.strokes = intern.paints(map)?,
        NodeKey::Effects => node.effects = intern.effects(map)?,
        NodeKey::StrokeWeight => node.stroke_weight = map.next_value()?,
        NodeKey::IndividualStrokeWeights => set_extra(
            node,
            |extras| &mut extras.individual_stroke_weights,
            map.next_value()?,
        ),
        NodeKey::StrokeAlign => node.stroke_align = map.next_value()?,
        NodeKey::StrokeDashes => set_extra(node, |extras| &mut extras.stroke_dashes, list(map)?),
        NodeKey::CornerRadius => node.corner_radius = map.next_value()?,
        NodeKey::RectangleCornerRadii => set_extra(
            node,
            |extras| &mut extras.rectangle_corner_radii,
            map.next_value()?,
        ),
        NodeKey::Opacity => node.opacity = map.next_value()?,
        NodeKey::BlendMode => node.blend_mode = map.next_value()?,
        NodeKey::Rotation => set_extra(node, |extras| &mut extras.rotation, map.next_value()?),
        NodeKey::ClipsContent => node.clips_content = map.next_value()?,
        NodeKey::AbsoluteBoundingBox => {
            node.absolute_bounding_box = map
                .next_value::<Option<NullableRect>>()?
                .and_then(NullableRect::complete);
        }
        NodeKey::AbsoluteRenderBounds => {
            let bounds = map
                .next_value::<Option<NullableRect>>()?
                .and_then(NullableRect::complete);
            set_extra(node, |extras| &mut extras.absolute_render_bounds, bounds);
        }
        NodeKey::Constraints => node.constraints = map.next_value()?,
        NodeKey::LayoutMode => node.layout.make_mut().layout_mode = map.next_value()?,
        NodeKey::LayoutWrap => node.layout.make_mut().layout_wrap = map.next_value()?,
        NodeKey::PrimaryAxisSizingMode => {
            node.layout.make_mut().primary_axis_sizing_mode = map.next_value()?
        }
        NodeKey::CounterAxisSizingMode => {
            node.layout.make_mut().counter_axis_sizing_mode = map.next_value()?
        }
        NodeKey::PrimaryAxisAlignItems => {
            node.layout.make_mut().primary_axis_align_items = map.next_value()?
        }
        NodeKey::CounterAxisAlignItems => {
            node.layout.make_mut().counter_axis_align_items = map.next_value()?
        }
        NodeKey::CounterAxisAlignContent => {
            node.layout.make_mut().counter_axis_align_content = map.next_value()?
        }
        NodeKey::PaddingLeft => node.layout.make_mut().padding_left = map.next_value()?,
        NodeKey::PaddingRight => node.layout.make_mut().padding_right = map.next_value()?,
        NodeKey::PaddingTop => node.layout.make_mut().padding_top = map.next_value()?,
        NodeKey::PaddingBottom => node.layout.make_mut().padding_bottom = map.next_value()?,
        NodeKey::ItemSpacing => node.layout.make_mut().item_spacing = map.next_value()?,
        NodeKey::CounterAxisSpacing => {
            node.layout.make_mut().counter_axis_spacing = map.next_value()?
        }
        NodeKey::LayoutSizingHorizontal => {
            node.layout.make_mut().layout_sizing_horizontal = map.next_value()?
        }
        NodeKey::LayoutSizingVertical => {
            node.layout.make_mut().layout_sizing_vertical = map.next_value()?
        }
        NodeKey::LayoutAlign => node.layout.make_mut().layout_align = map.next_value()?,
        NodeKey::LayoutGrow => node.layout.make_mut().layout_grow = map.next_value()?,
        NodeKey::LayoutPositioning => {
            node.layout.make_mut().layout_positioning = map.next_value()?
        }
        NodeKey::MinWidth => node.layout.make_mut().min_width = map.next_value()?,
        NodeKey::MaxWidth => node.layout.make_mut().max_width = map.next_value()?,
        NodeKey::MinHeight => node.layout.make_mut().min_height = map.next_value()?,
        NodeKey::MaxHeight => node.layout.make_mut().max_height = map.next_value()?,
        NodeKey::OverflowDirection => {
            node.layout.make_mut().overflow_direction = map.next_value()?
        }
        NodeKey::GridRowCount => grid(node).grid_row_count = map.next_value()?,
        NodeKey::GridColumnCount => grid(node).grid_column_count = map.next_value()?,
        NodeKey::GridRowGap => grid(node).grid_row_gap = map.next_value()?,
        NodeKey::GridColumnGap => grid(node).grid_column_gap = map.next_value()?,
        NodeKey::GridColumnsSizing => grid(node).grid_columns_sizing = map.next_value()?,
        NodeKey::GridRowsSizing => grid(node).grid_rows_sizing = map.next_value()?,
        NodeKey::GridChildHorizontalAlign => {
            grid(node).grid_child_horizontal_align = map.next_value()?
        }
        NodeKey::GridChildVerticalAlign => {
            grid(node).grid_child_vertical_align = map.next_value()?
        }
        NodeKey::GridRowSpan => grid(node).grid_row_span = map.next_value()?,
        NodeKey::GridColumnSpan => grid(node).grid_column_span = map.next_value()?,
        NodeKey::GridRowAnchorIndex => grid(node).grid_row_anchor_index = map.next_value()?,
        NodeKey::GridColumnAnchorIndex => grid(node).grid_column_anchor_index = map.next_value()?,
        NodeKey::LayoutGrids => set_extra(node, |extras| &mut extras.layout_grids, list(map)?),
        NodeKey::Characters => {
            text(node).characters = map.next_value::<Option<String>>()?.unwrap_or_default();
        }
        NodeKey::Style => text(node).style = intern.type_style(map)?,
        NodeKey::CharacterStyleOverrides => text(node).character_style_overrides = list(map)?,
        NodeKey::StyleOverrideTable => {
            text(node).style_override_table = map.next_value::<Option<_>>()?.unwrap_or_default();
        }
        NodeKey::LineTypes => text(node).line_types = list(map)?,
        NodeKey::LineIndentations => text(node).line_indentations = list(map)?,
        NodeKey::Styles => node.styles = map.next_value::<Option<_>>()?.unwrap_or_default(),
        NodeKey::ComponentId => node.component_id = map.next_value()?,
        NodeKey::ComponentProperties => {
            node.component_properties = map.next_value::<Option<_>>()?.unwrap_or_default();
        }
        NodeKey::ComponentPropertyDefinitions => {
            set_extra(
                node,
                |extras| &mut extras.component_property_definitions,
                map.next_value::<Option<_>>()?.unwrap_or_default(),
            );
        }
        NodeKey::ComponentPropertyReferences => {
            set_extra(
                node,
                |extras| &mut extras.component_property_references,
                map.next_value::<Option<_>>()?.unwrap_or_default(),
            );
        }
        NodeKey::Overrides => set_extra(node, |extras| &mut extras.overrides, list(map)?),
        NodeKey::Description => {
            set_extra(node, |extras| &mut extras.description, map.next_value()?)
        }
        NodeKey::BoundVariables => {
            node.bound_variables = map.next_value::<Option<_>>()?.unwrap_or_default()
        }
        NodeKey::Interactions => {
            let interactions: Vec<Option<_>> = list(map)?;
            set_extra(
                node,
                |extras| &mut extras.interactions,
                interactions.into_iter().flatten().collect(),
            );
        }
        NodeKey::TransitionNodeId => set_extra(
            node,
            |extras| &mut extras.transition_node_id,
            map.next_value()?,
        ),
        NodeKey::ExportSettings => {
            set_extra(node, |extras| &mut extras.export_settings, list(map)?)
        }
        NodeKey::Annotations => set_extra(node, |extras| &mut extras.annotations, list(map)?),
        NodeKey::DevResources => set_extra(node, |extras| &mut extras.dev_resources, list(map)?),
        NodeKey::DevStatus => set_extra(node, |extras| &mut extras.dev_status, map.next_value()?),
        // Read like `fills` (same interning, so a copy of the fills costs
        // nothing); `drop_copied_background` keeps them only where they paint.
        NodeKey::Background => {
            let background = intern.paints(map)?;
            set_extra(node, |extras| &mut extras.background, background.to_vec());
        }
        NodeKey::BackgroundColor => {
            let colour: Option<crate::model::Color> = map.next_value()?;
            set_extra(
                node,
                |extras| &mut extras.background_color,
                colour.filter(|colour| colour.a > 0.0),
            );
        }
        NodeKey::Id | NodeKey::Children | NodeKey::Other => {
            map.next_value::<IgnoredAny>()?;
        }
    }
    Ok(())
}

impl NodeSeed<'_, '_> {
    /// Whether the node being read (whose id starts at `offset`, and which has
    /// read nothing else yet) is the tail thread's: its placeholder goes.
    fn claimed_by_tail(&mut self, offset: usize) -> bool {
        let Some(plan) = self.arena.tail.as_mut() else {
            return false;
        };
        if !plan.claims(offset) {
            return false;
        }
        self.arena.nodes.pop();
        plan.insert_at.get_or_insert(self.arena.nodes.len());
        true
    }
}

/// A JSON array of nodes; `null` entries are skipped.
struct ChildrenSeed<'a, 'p> {
    arena: &'a mut Arena<'p>,
    parent: NodeIndex,
    depth: u32,
}

impl<'de> DeserializeSeed<'de> for ChildrenSeed<'_, '_> {
    type Value = Vec<NodeIndex>;

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        // See `NodeSeed::deserialize`.
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ChildrenSeed<'_, '_> {
    type Value = Vec<NodeIndex>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of Figma nodes")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut children = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        loop {
            let seed = NodeSeed {
                arena: &mut *self.arena,
                parent: Some(self.parent),
                depth: self.depth,
            };
            match seq.next_element_seed(seed)? {
                Some(Parsed::Node(child)) => children.push(child),
                Some(Parsed::Deferred) => {
                    if let Some(plan) = self.arena.tail.as_mut() {
                        plan.slots.push((self.parent, children.len()));
                    }
                    children.push(NodeIndex::MAX);
                }
                Some(Parsed::Null) => {}
                None => break,
            }
        }
        Ok(children)
    }
}

/// A list that may be absent or `null` (both mean empty).
///
/// Trimmed to its length: serde grows a vector from capacity 4, so a one-paint
/// `fills` would otherwise hold room for four (over 1 KB per node).
fn list<'de, A: MapAccess<'de>, T: Deserialize<'de>>(map: &mut A) -> Result<Vec<T>, A::Error> {
    let mut list = map.next_value::<Option<Vec<T>>>()?.unwrap_or_default();
    list.shrink_to_fit();
    Ok(list)
}

/// Sets a [`NodeExtras`] field, allocating the group only for a value that
/// is not empty (most nodes send `"interactions": []` and the like).
fn set_extra<T: Default + PartialEq>(
    node: &mut Node,
    field: impl FnOnce(&mut NodeExtras) -> &mut T,
    value: T,
) {
    if value != T::default() {
        *field(node.extras.make_mut()) = value;
    }
}

/// Keeps `background` / `backgroundColor` only where they are the paint: on a
/// node without fills (2018-era frames and groups; a CANVAS's page colour),
/// and `backgroundColor` only when `background` is absent. Newer files repeat
/// the fills in them, and keeping those copies would hold the extras of nearly
/// every frame.
fn drop_copied_background(node: &mut Node) {
    let extras = &*node.extras;
    let copied = !node.fills.is_empty();
    let shadowed = !extras.background.is_empty() && extras.background_color.is_some();
    if !(copied && (!extras.background.is_empty() || extras.background_color.is_some()))
        && !shadowed
    {
        return;
    }
    let extras = node.extras.make_mut();
    if copied {
        extras.background = Vec::new();
    }
    extras.background_color = None;
    if *extras == NodeExtras::default() {
        node.extras = Rare::default();
    }
}

fn grid(node: &mut Node) -> &mut GridLayout {
    node.layout.make_mut().grid.get_or_insert_with(Box::default)
}

fn text(node: &mut Node) -> &mut Text {
    node.text.get_or_insert_with(Box::default)
}

/// The node fields handoff reads; everything else is skipped unparsed.
#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "camelCase")]
enum NodeKey {
    Id,
    Name,
    Type,
    Visible,
    Locked,
    IsMask,
    Children,
    Fills,
    Strokes,
    Effects,
    StrokeWeight,
    IndividualStrokeWeights,
    StrokeAlign,
    StrokeDashes,
    CornerRadius,
    RectangleCornerRadii,
    Opacity,
    BlendMode,
    Rotation,
    ClipsContent,
    AbsoluteBoundingBox,
    AbsoluteRenderBounds,
    Constraints,
    LayoutMode,
    LayoutWrap,
    PrimaryAxisSizingMode,
    CounterAxisSizingMode,
    PrimaryAxisAlignItems,
    CounterAxisAlignItems,
    CounterAxisAlignContent,
    PaddingLeft,
    PaddingRight,
    PaddingTop,
    PaddingBottom,
    ItemSpacing,
    CounterAxisSpacing,
    LayoutSizingHorizontal,
    LayoutSizingVertical,
    LayoutAlign,
    LayoutGrow,
    LayoutPositioning,
    MinWidth,
    MaxWidth,
    MinHeight,
    MaxHeight,
    OverflowDirection,
    GridRowCount,
    GridColumnCount,
    GridRowGap,
    GridColumnGap,
    GridColumnsSizing,
    GridRowsSizing,
    GridChildHorizontalAlign,
    GridChildVerticalAlign,
    GridRowSpan,
    GridColumnSpan,
    GridRowAnchorIndex,
    GridColumnAnchorIndex,
    LayoutGrids,
    Characters,
    Style,
    CharacterStyleOverrides,
    StyleOverrideTable,
    LineTypes,
    LineIndentations,
    Styles,
    ComponentId,
    ComponentProperties,
    ComponentPropertyDefinitions,
    ComponentPropertyReferences,
    Overrides,
    Description,
    BoundVariables,
    Interactions,
    #[serde(rename = "transitionNodeID")]
    TransitionNodeId,
    ExportSettings,
    Annotations,
    DevResources,
    DevStatus,
    Background,
    BackgroundColor,
    #[serde(other)]
    Other,
}
