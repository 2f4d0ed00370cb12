//! Components, component sets, styles and component properties.

use serde::{Deserialize, Serialize};

use super::figma_enum::figma_enum;
use super::shared_str::SharedStr;
use super::small_map::SmallMap;
use super::variables::VariableBinding;

/// An entry of the response's `components` map (keyed by node id).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Component {
    pub key: String,
    pub name: String,
    pub description: String,
    /// Set when the component is a variant of a component set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub component_set_id: Option<String>,
    pub remote: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub documentation_links: Vec<DocumentationLink>,
}

/// An entry of the response's `componentSets` map (keyed by node id).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ComponentSet {
    pub key: String,
    pub name: String,
    pub description: String,
    pub remote: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub documentation_links: Vec<DocumentationLink>,
}

/// A documentation link of a component.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DocumentationLink {
    pub uri: String,
}

figma_enum! {
    /// What a named style styles.
    StyleType {
        Fill => "FILL",
        Text => "TEXT",
        Effect => "EFFECT",
        Grid => "GRID",
    }
}

/// An entry of the response's `styles` map (keyed by style id).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Style {
    #[serde(default)]
    pub key: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub style_type: StyleType,
    #[serde(default)]
    pub remote: bool,
}

figma_enum! {
    /// The kind of a component property.
    ComponentPropertyType {
        Boolean => "BOOLEAN",
        Text => "TEXT",
        InstanceSwap => "INSTANCE_SWAP",
        Variant => "VARIANT",
    }
}

/// A property value set on an INSTANCE (`componentProperties`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ComponentProperty {
    #[serde(rename = "type")]
    pub property_type: ComponentPropertyType,
    /// A boolean, a string, or a component node id (INSTANCE_SWAP).
    pub value: PropertyValue,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub preferred_values: Vec<PreferredValue>,
    #[serde(default, skip_serializing_if = "SmallMap::is_empty")]
    pub bound_variables: SmallMap<SharedStr, VariableBinding>,
}

/// The value of a component property.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum PropertyValue {
    Bool(bool),
    Text(String),
    Number(f64),
}

impl std::fmt::Display for PropertyValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Bool(value) => write!(f, "{value}"),
            Self::Text(value) => f.write_str(value),
            Self::Number(value) => write!(f, "{value}"),
        }
    }
}

/// A preferred value of an INSTANCE_SWAP property.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PreferredValue {
    /// `COMPONENT` or `COMPONENT_SET`.
    #[serde(rename = "type")]
    pub value_type: String,
    pub key: String,
}

/// A property declared on a COMPONENT or COMPONENT_SET
/// (`componentPropertyDefinitions`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ComponentPropertyDefinition {
    #[serde(rename = "type")]
    pub property_type: ComponentPropertyType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_value: Option<PropertyValue>,
    /// The allowed values of a VARIANT property.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub variant_options: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub preferred_values: Vec<PreferredValue>,
}

/// An export preset of a node.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ExportSetting {
    pub suffix: String,
    /// `JPG`, `PNG`, `SVG` or `PDF`.
    pub format: String,
    pub constraint: Option<ExportConstraint>,
}

/// The size constraint of an export preset.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ExportConstraint {
    /// `SCALE`, `WIDTH` or `HEIGHT`.
    #[serde(rename = "type")]
    pub constraint_type: String,
    pub value: f64,
}

/// A Dev Mode annotation on a node.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Annotation {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label_markdown: Option<String>,
    /// Pinned properties, e.g. `width`, `fills`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub properties: Vec<AnnotationProperty>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category_id: Option<String>,
}

/// A property pinned by an annotation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AnnotationProperty {
    #[serde(rename = "type")]
    pub property_type: String,
}

/// A Dev Mode resource link attached to a node.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DevResource {
    pub name: String,
    pub url: String,
}

/// Dev Mode status of a node (`devStatus`): `READY_FOR_DEV` or `COMPLETED`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DevStatus {
    #[serde(rename = "type")]
    pub status_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// Which fields of an instance sublayer were overridden (`overrides`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct InstanceOverride {
    pub id: String,
    pub overridden_fields: Vec<String>,
}
