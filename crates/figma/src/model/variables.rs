//! Variables: bindings on nodes (`boundVariables`) and the local variables
//! endpoint (`GET /v1/files/:key/variables/local`).

use std::collections::BTreeMap;

use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

use super::paint::Color;
use super::shared_str::SharedStr;

/// A reference to a variable (`{"type":"VARIABLE_ALIAS","id":"VariableID:…"}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VariableAlias {
    pub id: SharedStr,
}

/// What a `boundVariables` entry holds: one alias (`width`), a list
/// (`fills`), or aliases keyed by sub-field (`rectangleCornerRadii`,
/// text range fields). Shapes this version does not know are kept as `Unknown`.
///
/// Deserialized by hand with the result `#[serde(untagged)]` would give (the
/// first shape that fits, in declaration order): untagged buffers every value
/// into a generic tree first, and files hold one binding per node or more.
#[derive(Debug, Clone, PartialEq, Serialize)]
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

impl<'de> Deserialize<'de> for VariableBinding {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(BindingVisitor)
    }
}

struct BindingVisitor;

impl<'de> Visitor<'de> for BindingVisitor {
    type Value = VariableBinding;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a variable binding")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        // serde reads a one-field struct from a one-element array too: `["id"]` is One.
        let mut aliases = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        let (mut all_aliases, mut lone_text, mut count) = (true, None, 0usize);
        while let Some(entry) = seq.next_element::<AliasField>()? {
            count += 1;
            match entry {
                AliasField::Alias(id) if all_aliases => aliases.push(VariableAlias { id }),
                AliasField::Text(id) if count == 1 => {
                    lone_text = Some(id);
                    all_aliases = false;
                }
                _ => all_aliases = false,
            }
        }
        Ok(match lone_text {
            Some(id) if count == 1 => VariableBinding::One(VariableAlias { id }),
            _ if all_aliases => VariableBinding::Many(aliases),
            _ => VariableBinding::Unknown(IgnoredAny),
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        // One alias (`{"type":…,"id":"…"}`) wins when `id` is a string; else every
        // value must be an alias (Keyed); else the shape is unknown.
        let mut own_id = None;
        let mut keyed = BTreeMap::new();
        let mut all_aliases = true;
        while let Some(key) = map.next_key::<String>()? {
            match map.next_value::<AliasField>()? {
                AliasField::Text(id) if key == "id" && own_id.is_none() => own_id = Some(id),
                AliasField::Alias(id) if all_aliases => {
                    keyed.insert(key, VariableAlias { id });
                }
                _ => all_aliases = false,
            }
        }
        Ok(match own_id {
            Some(id) => VariableBinding::One(VariableAlias { id }),
            None if all_aliases => VariableBinding::Keyed(keyed),
            None => VariableBinding::Unknown(IgnoredAny),
        })
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(VariableBinding::Unknown(IgnoredAny))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(VariableBinding::Unknown(IgnoredAny))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(VariableBinding::Unknown(IgnoredAny))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(VariableBinding::Unknown(IgnoredAny))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(VariableBinding::Unknown(IgnoredAny))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(VariableBinding::Unknown(IgnoredAny))
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(VariableBinding::Unknown(IgnoredAny))
    }
}

/// A value inside a binding: a string, an alias object (a map whose `id` is a
/// string, as `VariableAlias` reads it), or anything else.
enum AliasField {
    Text(SharedStr),
    Alias(SharedStr),
    Other,
}

impl<'de> Deserialize<'de> for AliasField {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(AliasFieldVisitor)
    }
}

struct AliasFieldVisitor;

impl<'de> Visitor<'de> for AliasFieldVisitor {
    type Value = AliasField;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
        Ok(AliasField::Text(SharedStr::new(text)))
    }
    fn visit_string<E: de::Error>(self, text: String) -> Result<Self::Value, E> {
        Ok(AliasField::Text(SharedStr::from(text)))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut id = None;
        let mut valid = true;
        while let Some(key) = map.next_key::<AliasKey>()? {
            match key {
                AliasKey::Id => match map.next_value::<AliasField>()? {
                    AliasField::Text(text) if id.is_none() => id = Some(text),
                    // A duplicate or non-string `id` fails `VariableAlias`.
                    _ => valid = false,
                },
                AliasKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(match id {
            Some(id) if valid => AliasField::Alias(id),
            _ => AliasField::Other,
        })
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        // `["id"]` is a `VariableAlias` to serde (a struct read from an array).
        let first = seq.next_element::<AliasField>()?;
        let mut more = false;
        while seq.next_element::<IgnoredAny>()?.is_some() {
            more = true;
        }
        Ok(match first {
            Some(AliasField::Text(id)) if !more => AliasField::Alias(id),
            _ => AliasField::Other,
        })
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(AliasField::Other)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(AliasField::Other)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(AliasField::Other)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(AliasField::Other)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(AliasField::Other)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(AliasField::Other)
    }
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "lowercase")]
enum AliasKey {
    Id,
    #[serde(other)]
    Other,
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// What `#[serde(untagged)]` made of each shape, which the hand-written
    /// deserializer must reproduce.
    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(untagged)]
    enum Untagged {
        One(VariableAlias),
        Many(Vec<VariableAlias>),
        Keyed(BTreeMap<String, VariableAlias>),
        Unknown(IgnoredAny),
    }

    impl PartialEq<Untagged> for VariableBinding {
        fn eq(&self, other: &Untagged) -> bool {
            match (self, other) {
                (Self::One(a), Untagged::One(b)) => a == b,
                (Self::Many(a), Untagged::Many(b)) => a == b,
                (Self::Keyed(a), Untagged::Keyed(b)) => a == b,
                (Self::Unknown(_), Untagged::Unknown(_)) => true,
                _ => false,
            }
        }
    }

    #[test]
    fn every_shape_reads_as_untagged_read_it() {
        let shapes = [
            r#"{"type":"VARIABLE_ALIAS","id":"VariableID:1/2:3"}"#,
            r#"{"id":"a","extra":[1,{"x":2}]}"#,
            r#"{"type":"VARIABLE_ALIAS"}"#,
            r#"{"id":5}"#,
            r#"{"id":{"type":"VARIABLE_ALIAS","id":"a"}}"#,
            r#"[{"type":"VARIABLE_ALIAS","id":"a"},{"id":"b"}]"#,
            r#"[{"id":"a"},3]"#,
            r#"[]"#,
            r#"["a"]"#,
            r#"["a","b"]"#,
            r#"[["a"]]"#,
            r#"{"topLeftRadius":{"type":"VARIABLE_ALIAS","id":"a"},"fontSize":{"id":"b"}}"#,
            r#"{"topLeftRadius":{"id":"a"},"fills":[{"id":"b"}]}"#,
            r#"{"topLeftRadius":["a"]}"#,
            r#"{}"#,
            r#"null"#,
            r#""text""#,
            r#"12"#,
            r#"true"#,
        ];
        for shape in shapes {
            let ours: VariableBinding = serde_json::from_str(shape).unwrap();
            let reference: Untagged = serde_json::from_str(shape).unwrap();
            assert!(ours == reference, "{shape}: {ours:?} vs {reference:?}");
        }
    }
}
