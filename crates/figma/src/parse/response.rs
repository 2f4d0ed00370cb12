//! The top level of every Figma response handoff reads, in one visitor.
//!
//! The kind of response is only known once its keys have been seen, so one
//! visitor accepts the union of their top-level keys and classifies at the end.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};

use super::intern::Interner;
use super::node_seed::{Arena, NodeSeed, Parsed, Progress};
use super::split::TailPlan;
use crate::model::{
    Component, ComponentSet, Design, DesignSource, FileMeta, ImageFills, Style, Variable,
    VariableCollection, Variables,
};

/// Everything a top-level object can hold, before classification.
#[derive(Default)]
pub(crate) struct RawResponse {
    pub design: Design,
    pub has_document: bool,
    pub has_nodes: bool,
    pub images: Option<BTreeMap<String, Option<String>>>,
    pub meta: Option<MetaBody>,
    pub file_meta: Option<FileMeta>,
    pub status: Option<f64>,
    pub err: Option<String>,
    pub error_flag: Option<ErrorFlag>,
    pub message: Option<String>,
    /// What the tail thread was to parse, when there was one.
    pub tail: Option<TailPlan>,
}

/// `meta` of the image-fills and variables responses.
#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct MetaBody {
    pub images: Option<BTreeMap<String, Option<String>>>,
    pub variables: Option<BTreeMap<String, Variable>>,
    pub variable_collections: Option<BTreeMap<String, VariableCollection>>,
}

impl MetaBody {
    pub fn into_variables(self) -> Option<Variables> {
        if self.variables.is_none() && self.variable_collections.is_none() {
            return None;
        }
        Some(Variables {
            variables: self.variables.unwrap_or_default(),
            variable_collections: self.variable_collections.unwrap_or_default(),
        })
    }

    pub fn into_image_fills(self) -> Option<ImageFills> {
        let images = self.images?;
        Some(ImageFills {
            images: images
                .into_iter()
                .filter_map(|(key, url)| Some((key, url?)))
                .collect(),
        })
    }
}

/// `error` is a boolean in most Figma bodies, a string in a few.
#[derive(Deserialize)]
#[serde(untagged)]
pub(crate) enum ErrorFlag {
    Flag(bool),
    Text(String),
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "camelCase")]
enum TopKey {
    Name,
    LastModified,
    Version,
    ThumbnailUrl,
    EditorType,
    Role,
    SchemaVersion,
    Document,
    Components,
    ComponentSets,
    Styles,
    Nodes,
    Images,
    Meta,
    File,
    Status,
    Err,
    Error,
    Message,
    #[serde(other)]
    Other,
}

/// Reads a whole response; `node_capacity` pre-sizes the node arena.
pub(crate) struct ResponseSeed<'p> {
    pub node_capacity: usize,
    /// See [`Arena::max_nodes`].
    pub max_nodes: usize,
    pub progress: Progress<'p>,
    pub tail: Option<TailPlan>,
    /// Share repeated lists and styles by their JSON text (the fast path;
    /// see [`Interner`]).
    pub by_raw_text: bool,
}

impl<'de> DeserializeSeed<'de> for ResponseSeed<'_> {
    type Value = RawResponse;

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        let intern = Interner::new(self.by_raw_text);
        let mut arena = Arena::new(
            self.node_capacity.min(self.max_nodes),
            self.progress,
            intern,
        );
        arena.tail = self.tail;
        arena.max_nodes = self.max_nodes;
        deserializer.deserialize_map(ResponseVisitor { arena })
    }
}

struct ResponseVisitor<'p> {
    arena: Arena<'p>,
}

impl<'de> Visitor<'de> for ResponseVisitor<'_> {
    type Value = RawResponse;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Figma API response object")
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut raw = RawResponse::default();
        while let Some(key) = map.next_key::<TopKey>()? {
            let file = &mut raw.design.file;
            match key {
                TopKey::Name => file.name = map.next_value::<Option<String>>()?.unwrap_or_default(),
                TopKey::LastModified => file.last_modified = map.next_value()?,
                TopKey::Version => file.version = map.next_value()?,
                TopKey::ThumbnailUrl => file.thumbnail_url = map.next_value()?,
                TopKey::EditorType => file.editor_type = map.next_value()?,
                TopKey::Role => file.role = map.next_value()?,
                TopKey::SchemaVersion => file.schema_version = map.next_value()?,
                TopKey::Document => {
                    let seed = NodeSeed {
                        arena: &mut self.arena,
                        parent: None,
                        depth: 0,
                    };
                    if let Some(root) = root(map.next_value_seed(seed)?)? {
                        raw.design.roots.push(root);
                        raw.has_document = true;
                    }
                }
                TopKey::Components => merge(&mut raw.design.components, map.next_value()?),
                TopKey::ComponentSets => merge(&mut raw.design.component_sets, map.next_value()?),
                TopKey::Styles => merge(&mut raw.design.styles, map.next_value()?),
                TopKey::Nodes => {
                    map.next_value_seed(NodesMapSeed {
                        design: &mut raw.design,
                        arena: &mut self.arena,
                    })?;
                    raw.has_nodes = true;
                }
                TopKey::Images => raw.images = map.next_value()?,
                TopKey::Meta => raw.meta = map.next_value()?,
                TopKey::File => raw.file_meta = map.next_value()?,
                TopKey::Status => raw.status = map.next_value::<Option<f64>>()?,
                TopKey::Err => raw.err = map.next_value()?,
                TopKey::Error => raw.error_flag = map.next_value()?,
                TopKey::Message => raw.message = map.next_value()?,
                TopKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        raw.design.nodes = self.arena.nodes;
        raw.tail = self.arena.tail;
        if raw.has_document {
            raw.design.source = Some(DesignSource::File);
        } else if raw.has_nodes {
            raw.design.source = Some(DesignSource::Nodes);
        }
        Ok(raw)
    }
}

/// A root node's index; roots are never tail nodes (those are array elements).
fn root<E: de::Error>(parsed: Parsed) -> Result<Option<crate::model::NodeIndex>, E> {
    match parsed {
        Parsed::Node(index) => Ok(Some(index)),
        Parsed::Null => Ok(None),
        Parsed::Deferred => Err(E::custom("a root node was left to the tail thread")),
    }
}

fn merge<T>(into: &mut BTreeMap<String, T>, from: Option<BTreeMap<String, T>>) {
    if let Some(from) = from {
        into.extend(from);
    }
}

/// `nodes` of a nodes response: id → `null` or `{document, components, …}`.
struct NodesMapSeed<'a, 'p> {
    design: &'a mut Design,
    arena: &'a mut Arena<'p>,
}

impl<'de> DeserializeSeed<'de> for NodesMapSeed<'_, '_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for NodesMapSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map from node id to node entry")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(id) = map.next_key::<String>()? {
            let found = map.next_value_seed(NodesEntrySeed {
                design: &mut *self.design,
                arena: &mut *self.arena,
            })?;
            if !found {
                self.design.missing_ids.push(id);
            }
        }
        Ok(())
    }
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "camelCase")]
enum EntryKey {
    Document,
    Components,
    ComponentSets,
    Styles,
    SchemaVersion,
    #[serde(other)]
    Other,
}

/// One entry of `nodes`; yields whether it held a document.
struct NodesEntrySeed<'a, 'p> {
    design: &'a mut Design,
    arena: &'a mut Arena<'p>,
}

impl<'de> DeserializeSeed<'de> for NodesEntrySeed<'_, '_> {
    type Value = bool;

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_option(self)
    }
}

impl<'de> Visitor<'de> for NodesEntrySeed<'_, '_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a node entry object or null")
    }

    fn visit_none<E: de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_unit<E: de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_some<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_map(self)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        let mut found = false;
        while let Some(key) = map.next_key::<EntryKey>()? {
            match key {
                EntryKey::Document => {
                    let seed = NodeSeed {
                        arena: &mut *self.arena,
                        parent: None,
                        depth: 0,
                    };
                    if let Some(root) = root(map.next_value_seed(seed)?)? {
                        self.design.roots.push(root);
                        found = true;
                    }
                }
                EntryKey::Components => {
                    merge::<Component>(&mut self.design.components, map.next_value()?);
                }
                EntryKey::ComponentSets => {
                    merge::<ComponentSet>(&mut self.design.component_sets, map.next_value()?);
                }
                EntryKey::Styles => merge::<Style>(&mut self.design.styles, map.next_value()?),
                EntryKey::SchemaVersion => self.design.file.schema_version = map.next_value()?,
                EntryKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(found)
    }
}

impl RawResponse {
    /// The Figma error this body describes, if it is an error body.
    pub fn figma_error(&self) -> Option<(u16, String)> {
        let flagged = match &self.error_flag {
            Some(ErrorFlag::Flag(flag)) => *flag,
            Some(ErrorFlag::Text(_)) => true,
            None => false,
        };
        let status = self
            .status
            .filter(|status| (100.0..600.0).contains(status))
            .map(|status| status as u16);
        let failed = flagged || self.err.is_some() || status.is_some_and(|status| status >= 400);
        if !failed {
            return None;
        }
        let message = self
            .err
            .clone()
            .or_else(|| self.message.clone())
            .or_else(|| match &self.error_flag {
                Some(ErrorFlag::Text(text)) => Some(text.clone()),
                _ => None,
            })
            .unwrap_or_else(|| "no message".to_owned());
        Some((status.unwrap_or(0), message))
    }
}
