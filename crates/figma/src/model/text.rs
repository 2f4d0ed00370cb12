//! Text content and type styles.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::paint::Paint;
use super::rare::{HasEmpty, Rare};
use super::shared_str::SharedStr;
use super::small_map::SmallMap;
use super::variables::VariableBinding;

/// A Figma type style (`style` of a TEXT node, or an entry of its
/// `styleOverrideTable`, where every field is optional).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TypeStyle {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub font_family: Option<SharedStr>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub font_post_script_name: Option<SharedStr>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub font_style: Option<SharedStr>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub font_weight: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub font_size: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub italic: Option<bool>,
    /// `UPPER`, `LOWER`, `TITLE`, `SMALL_CAPS`, `SMALL_CAPS_FORCED`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_case: Option<SharedStr>,
    /// `NONE`, `STRIKETHROUGH`, `UNDERLINE`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_decoration: Option<SharedStr>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_align_horizontal: Option<SharedStr>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_align_vertical: Option<SharedStr>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_auto_resize: Option<SharedStr>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub letter_spacing: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line_height_px: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line_height_percent: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line_height_percent_font_size: Option<f64>,
    /// `PIXELS`, `FONT_SIZE_%`, `INTRINSIC_%`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line_height_unit: Option<SharedStr>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paragraph_spacing: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paragraph_indent: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub list_spacing: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hyperlink: Option<Hyperlink>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub opentype_flags: BTreeMap<String, f64>,
    /// Fill overrides for a text run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fills: Option<Vec<Paint>>,
    #[serde(skip_serializing_if = "SmallMap::is_empty")]
    pub bound_variables: SmallMap<SharedStr, VariableBinding>,
}

/// Read by TEXT nodes without a `style` (see [`Rare`]).
static EMPTY_TYPE_STYLE: TypeStyle = TypeStyle {
    font_family: None,
    font_post_script_name: None,
    font_style: None,
    font_weight: None,
    font_size: None,
    italic: None,
    text_case: None,
    text_decoration: None,
    text_align_horizontal: None,
    text_align_vertical: None,
    text_auto_resize: None,
    letter_spacing: None,
    line_height_px: None,
    line_height_percent: None,
    line_height_percent_font_size: None,
    line_height_unit: None,
    paragraph_spacing: None,
    paragraph_indent: None,
    list_spacing: None,
    hyperlink: None,
    opentype_flags: BTreeMap::new(),
    fills: None,
    bound_variables: SmallMap::new(),
};

impl HasEmpty for TypeStyle {
    fn empty() -> &'static Self {
        &EMPTY_TYPE_STYLE
    }
}

impl TypeStyle {
    /// True when no field is set (an empty override).
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// A hyperlink on text: a URL or a node in the same file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Hyperlink {
    /// `URL` or `NODE`.
    #[serde(rename = "type", default)]
    pub link_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, rename = "nodeID", skip_serializing_if = "Option::is_none")]
    pub node_id: Option<String>,
}

/// The text of a TEXT node.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Text {
    pub characters: String,
    /// Shared between TEXT nodes with equal base styles.
    pub style: Rare<TypeStyle>,
    /// Per character (UTF-16 code unit) index into `style_override_table`;
    /// 0 means the base style. Shorter than `characters` when the tail uses
    /// the base style.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub character_style_overrides: Vec<u32>,
    #[serde(skip_serializing_if = "SmallMap::is_empty")]
    pub style_override_table: SmallMap<SharedStr, TypeStyle>,
    /// Per line: `NONE`, `ORDERED` or `UNORDERED`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub line_types: Vec<SharedStr>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub line_indentations: Vec<u32>,
}
