//! Variables: bindings on nodes (`boundVariables`) and the local variables
//! endpoint (`GET /v1/files/:key/variables/local`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::paint::Color;

/// A reference to a variable (`{"type":"VARIABLE_ALIAS","id":"VariableID:…"}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VariableAlias {
    pub id: String,
}

/// What a `boundVariables` entry holds: one alias (`width`), a list
/// (`fills`), or aliases keyed by sub-field (`rectangleCornerRadii`,
/// text range fields). Shapes this version does not know are kept as `Unknown`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum VariableBinding {
    One(VariableAlias),
    Many(Vec<VariableAlias>),
    Keyed(BTreeMap<String, VariableAlias>),
    #[serde(serialize_with = "serialize_unknown")]
    Unknown(serde::de::IgnoredAny),
}

fn serialize_unknown<S: serde::Serializer>(
    _: &serde::de::IgnoredAny,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_unit()
}

impl VariableBinding {
    /// Every variable id this binding refers to, in order.
    pub fn variable_ids(&self) -> Vec<&str> {
        match self {
            Self::One(alias) => vec![alias.id.as_str()],
            Self::Many(aliases) => aliases.iter().map(|alias| alias.id.as_str()).collect(),
            Self::Keyed(map) => map.values().map(|alias| alias.id.as_str()).collect(),
            Self::Unknown(_) => Vec::new(),
        }
    }
}

/// A variable value for one mode.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum VariableValue {
    Boolean(bool),
    Number(f64),
    Text(String),
    Color(Color),
    Alias(VariableAliasValue),
    #[serde(serialize_with = "serialize_unknown")]
    Unknown(serde::de::IgnoredAny),
}

/// An alias as a variable value (`{"type":"VARIABLE_ALIAS","id":…}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VariableAliasValue {
    #[serde(rename = "type")]
    pub alias_type: String,
    pub id: String,
}

/// One local variable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Variable {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub key: String,
    #[serde(default)]
    pub variable_collection_id: String,
    /// `BOOLEAN`, `FLOAT`, `STRING` or `COLOR`.
    #[serde(default)]
    pub resolved_type: String,
    #[serde(default)]
    pub values_by_mode: BTreeMap<String, VariableValue>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub hidden_from_publishing: bool,
    #[serde(default)]
    pub remote: bool,
    #[serde(default)]
    pub scopes: Vec<String>,
    /// Platform names (`WEB`, `ANDROID`, `iOS`) → code syntax, e.g. `var(--color-primary)`.
    #[serde(default)]
    pub code_syntax: BTreeMap<String, String>,
}

/// A mode of a variable collection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VariableMode {
    pub mode_id: String,
    pub name: String,
}

/// A variable collection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VariableCollection {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub key: String,
    #[serde(default)]
    pub modes: Vec<VariableMode>,
    #[serde(default)]
    pub default_mode_id: String,
    #[serde(default)]
    pub remote: bool,
    #[serde(default)]
    pub hidden_from_publishing: bool,
    #[serde(default)]
    pub variable_ids: Vec<String>,
}

/// The local variables of a file, by id.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Variables {
    #[serde(default)]
    pub variables: BTreeMap<String, Variable>,
    #[serde(default)]
    pub variable_collections: BTreeMap<String, VariableCollection>,
}

impl Variables {
    /// The variable's name (`color/primary`), if known.
    pub fn name_of(&self, variable_id: &str) -> Option<&str> {
        self.variables
            .get(variable_id)
            .map(|variable| variable.name.as_str())
    }
}
