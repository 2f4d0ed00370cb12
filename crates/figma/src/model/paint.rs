//! Paints (fills and strokes), colours and effects.

use super::shared_str::SharedStr;
use super::small_map::SmallMap;

use serde::{Deserialize, Serialize};

use super::figma_enum::figma_enum;
use super::variables::VariableBinding;

/// An RGBA colour with channels in `0.0..=1.0`, as Figma sends it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Color {
    pub r: f64,
    pub g: f64,
    pub b: f64,
    #[serde(default = "one")]
    pub a: f64,
}

fn one() -> f64 {
    1.0
}

fn yes() -> bool {
    true
}

/// A 2-D vector or point.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Vector {
    #[serde(default)]
    pub x: f64,
    #[serde(default)]
    pub y: f64,
}

figma_enum! {
    /// The kind of a paint.
    PaintType {
        Solid => "SOLID",
        GradientLinear => "GRADIENT_LINEAR",
        GradientRadial => "GRADIENT_RADIAL",
        GradientAngular => "GRADIENT_ANGULAR",
        GradientDiamond => "GRADIENT_DIAMOND",
        Image => "IMAGE",
        Emoji => "EMOJI",
        Video => "VIDEO",
        Pattern => "PATTERN",
    }
}

impl PaintType {
    /// True for the four gradient kinds.
    pub fn is_gradient(&self) -> bool {
        matches!(
            self,
            Self::GradientLinear
                | Self::GradientRadial
                | Self::GradientAngular
                | Self::GradientDiamond
        )
    }
}

figma_enum! {
    /// How an image paint fills its node.
    ScaleMode {
        Fill => "FILL",
        Fit => "FIT",
        Tile => "TILE",
        Stretch => "STRETCH",
    }
}

/// A colour stop of a gradient.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ColorStop {
    #[serde(default)]
    pub position: f64,
    pub color: Color,
    #[serde(default, skip_serializing_if = "SmallMap::is_empty")]
    pub bound_variables: SmallMap<SharedStr, VariableBinding>,
}

/// One fill or stroke paint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Paint {
    #[serde(rename = "type")]
    pub paint_type: PaintType,
    #[serde(default = "yes")]
    pub visible: bool,
    #[serde(default = "one")]
    pub opacity: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<Color>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blend_mode: Option<SharedStr>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gradient_handle_positions: Vec<Vector>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gradient_stops: Vec<ColorStop>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale_mode: Option<ScaleMode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_ref: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gif_ref: Option<String>,
    /// 2×3 affine transform of an image paint in `STRETCH` mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_transform: Option<Vec<Vec<f64>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scaling_factor: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotation: Option<f64>,
    #[serde(default, skip_serializing_if = "SmallMap::is_empty")]
    pub bound_variables: SmallMap<SharedStr, VariableBinding>,
}

figma_enum! {
    /// The kind of an effect.
    EffectType {
        DropShadow => "DROP_SHADOW",
        InnerShadow => "INNER_SHADOW",
        LayerBlur => "LAYER_BLUR",
        BackgroundBlur => "BACKGROUND_BLUR",
        Texture => "TEXTURE",
        Noise => "NOISE",
    }
}

/// A shadow, blur or other effect.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Effect {
    #[serde(rename = "type")]
    pub effect_type: EffectType,
    #[serde(default = "yes")]
    pub visible: bool,
    #[serde(default)]
    pub radius: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<Color>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<Vector>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spread: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blend_mode: Option<SharedStr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_shadow_behind_node: Option<bool>,
    #[serde(default, skip_serializing_if = "SmallMap::is_empty")]
    pub bound_variables: SmallMap<SharedStr, VariableBinding>,
}
