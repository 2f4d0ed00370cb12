//! One-pass deserialization of requests that name a design: the [`DesignSource`] fields (`url`,
//! `file_key`, `node_ids`, `frames` and their aliases) and the request's own fields, read from the
//! same JSON object.
//!
//! Why not `#[serde(flatten)]`: a flattened struct makes serde buffer every key the outer struct
//! does not know (the inline frames included) into an intermediate tree and deserialize it a second
//! time, and the frames cannot stay raw JSON text through that tree. Here each source key's value is
//! read once, straight from the deserializer, while every other key goes to the request's own
//! (derived) visitor. The request's own fields win over the source's: `node_ids`/`nodeIds` of
//! `GenerateRequest` select nodes of the design, `node_id`/`nodeId` still reach the source; that is
//! what `flatten` did too (the outer struct's fields are matched first).

use std::fmt;

use serde::Deserialize;
use serde::de::value::{StrDeserializer, StringDeserializer};
use serde::de::{self, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, Visitor};
use serde_json::Value;

use super::design::{DesignSource, DesignSourceFields, NodeIds};

/// Which [`DesignSourceFields`] field a key names: the one list of the source's keys and aliases.
#[derive(Clone, Copy)]
enum SourceKey {
    Url,
    FileKey,
    NodeIds,
    Frames,
}

const SOURCE_KEYS: &[(&str, SourceKey)] = &[
    ("url", SourceKey::Url),
    ("figmaUrl", SourceKey::Url),
    ("figma_url", SourceKey::Url),
    ("file_key", SourceKey::FileKey),
    ("fileKey", SourceKey::FileKey),
    ("node_ids", SourceKey::NodeIds),
    ("nodeIds", SourceKey::NodeIds),
    ("node_id", SourceKey::NodeIds),
    ("nodeId", SourceKey::NodeIds),
    ("frames", SourceKey::Frames),
    ("frameData", SourceKey::Frames),
    ("enhancedFrameData", SourceKey::Frames),
    ("frame_data", SourceKey::Frames),
];

impl SourceKey {
    /// The field's name in messages (as the derived `DesignSourceFields` named it).
    fn name(self) -> &'static str {
        match self {
            Self::Url => "url",
            Self::FileKey => "file_key",
            Self::NodeIds => "node_ids",
            Self::Frames => "frames",
        }
    }
}

/// How a source's errors are reported: as the serde derive reported them for each shape before.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// [`DesignSource`] alone (it was a derived struct): a key given twice or a value of the wrong
    /// type is refused where it occurs; naming no design (or several) once the object is read.
    Alone,
    /// Embedded in a request (it was a `#[serde(flatten)]` field): like the `flatten` it replaces,
    /// every source error is reported once the object has been read, the first such error in the
    /// document first: same message, same position (the object's end), same path (the object).
    Embedded,
}

/// The source's fields as they are read. Only `frames` is always read straight into its final form
/// (raw JSON text takes any value). Embedded, the small `url`, `file_key` and `node_ids` values are
/// read as JSON values first, so that their type can be checked after the object, as before.
struct SourceBuilder {
    shape: Shape,
    fields: DesignSourceFields,
    seen: [bool; 4],
    /// Embedded only: the first error, raised at the object's end.
    error: Option<String>,
}

impl SourceBuilder {
    fn new(shape: Shape) -> Self {
        Self {
            shape,
            fields: DesignSourceFields::default(),
            seen: [false; 4],
            error: None,
        }
    }

    fn read<'de, A: MapAccess<'de>>(
        &mut self,
        key: SourceKey,
        map: &mut A,
    ) -> Result<(), A::Error> {
        let seen = std::mem::replace(&mut self.seen[key as usize], true);
        if self.shape == Shape::Alone {
            if seen {
                return Err(de::Error::duplicate_field(key.name()));
            }
            match key {
                SourceKey::Url => self.fields.url = map.next_value()?,
                SourceKey::FileKey => self.fields.file_key = map.next_value()?,
                SourceKey::NodeIds => self.fields.node_ids = map.next_value()?,
                SourceKey::Frames => self.fields.frames = map.next_value()?,
            }
            return Ok(());
        }
        if self.error.is_some() || seen {
            if self.error.is_none() {
                self.error = Some(<A::Error as de::Error>::duplicate_field(key.name()).to_string());
            }
            map.next_value::<de::IgnoredAny>()?;
            return Ok(());
        }
        if let SourceKey::Frames = key {
            self.fields.frames = map.next_value()?;
            return Ok(());
        }
        let value: Value = map.next_value()?;
        let typed = match key {
            SourceKey::Url => Option::<String>::deserialize(value).map(|url| self.fields.url = url),
            SourceKey::FileKey => {
                Option::<String>::deserialize(value).map(|key| self.fields.file_key = key)
            }
            SourceKey::NodeIds => NodeIds::deserialize(value).map(|ids| self.fields.node_ids = ids),
            SourceKey::Frames => Ok(()),
        };
        if let Err(err) = typed {
            self.error = Some(err.to_string());
        }
        Ok(())
    }
}

/// Deserializes a request made of a design source and the request's own fields `R` (a derived
/// struct with no source fields) in one pass over the object. `expecting` names the request in
/// type errors (`struct GenerateRequest`).
pub(crate) fn deserialize_sourced<'de, D, R>(
    deserializer: D,
    expecting: &'static str,
    shape: Shape,
) -> Result<(DesignSource, R), D::Error>
where
    D: Deserializer<'de>,
    R: Deserialize<'de>,
{
    let mut source = None;
    let own = R::deserialize(Intercept {
        inner: deserializer,
        expecting,
        shape,
        source: &mut source,
    })?;
    // `source` is set whenever `R` came from an object: the only way `R`'s visitor returns. Alone,
    // naming no design (or several) is refused here, after the object, as `try_from` did (the
    // message carries no position).
    match source {
        Some(Ok(source)) => Ok((source, own)),
        Some(Err(message)) => Err(de::Error::custom(message)),
        None => Err(de::Error::custom(format_args!("expected {expecting}"))),
    }
}

/// The deserializer `R` sees: the request's object, minus the source's keys.
struct Intercept<'s, D> {
    inner: D,
    expecting: &'static str,
    shape: Shape,
    source: &'s mut Option<Result<DesignSource, String>>,
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Intercept<'_, D> {
    type Error = D::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.deserialize_struct("", &[], visitor)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        let visitor = InterceptVisitor {
            visitor,
            own: fields,
            expecting: self.expecting,
            shape: self.shape,
            source: self.source,
        };
        match self.shape {
            // A map, as serde reads a struct with a flattened field: an array is not a request.
            Shape::Embedded => self.inner.deserialize_map(visitor),
            // As a derived struct: an object, or (serde's positional form) an array.
            Shape::Alone => self.inner.deserialize_struct(
                "DesignSourceFields",
                &["url", "file_key", "node_ids", "frames"],
                visitor,
            ),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option
        unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
    }
}

struct InterceptVisitor<'s, V> {
    visitor: V,
    /// The keys of `R` (serde's derive lists aliases too): they are `R`'s even where a source
    /// alias is spelled the same.
    own: &'static [&'static str],
    expecting: &'static str,
    shape: Shape,
    source: &'s mut Option<Result<DesignSource, String>>,
}

impl<'de, V: Visitor<'de>> Visitor<'de> for InterceptVisitor<'_, V> {
    type Value = V::Value;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str(self.expecting)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        let mut access = InterceptMap {
            map,
            own: self.own,
            source: SourceBuilder::new(self.shape),
        };
        let own = self.visitor.visit_map(&mut access)?;
        // Embedded, every source error is raised here, at the object's end: where `flatten` raised
        // it (the JSON error's position, the path).
        if let Some(error) = access.source.error {
            return Err(de::Error::custom(error));
        }
        let source = DesignSource::try_from(access.source.fields);
        if let (Shape::Embedded, Err(message)) = (self.shape, &source) {
            return Err(de::Error::custom(message));
        }
        *self.source = Some(source);
        Ok(own)
    }

    /// [`Shape::Alone`] only (an embedded source is read with `deserialize_map`): the derived
    /// struct's positional form, `[url, file_key, node_ids, frames]`, trailing ones optional.
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<V::Value, A::Error> {
        let fields = DesignSourceFields {
            url: seq.next_element()?.unwrap_or_default(),
            file_key: seq.next_element()?.unwrap_or_default(),
            node_ids: seq.next_element()?.unwrap_or_default(),
            frames: seq.next_element()?.unwrap_or_default(),
        };
        let none: de::value::SeqDeserializer<std::iter::Empty<()>, A::Error> =
            de::value::SeqDeserializer::new(std::iter::empty());
        let own = self.visitor.visit_seq(none)?;
        *self.source = Some(DesignSource::try_from(fields));
        Ok(own)
    }
}

struct InterceptMap<A> {
    map: A,
    own: &'static [&'static str],
    source: SourceBuilder,
}

/// A key as read: `R`'s own (its static name), the source's, or another (unknown) key.
enum Key {
    Own(&'static str),
    Source(SourceKey),
    Other(String),
}

struct KeySeed {
    own: &'static [&'static str],
}

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Key;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Key, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl Visitor<'_> for KeySeed {
    type Value = Key;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Key, E> {
        if let Some(own) = self.own.iter().find(|own| **own == key) {
            return Ok(Key::Own(own));
        }
        Ok(match SOURCE_KEYS.iter().find(|(name, _)| *name == key) {
            Some((_, field)) => Key::Source(*field),
            None => Key::Other(key.to_owned()),
        })
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for InterceptMap<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        loop {
            match self.map.next_key_seed(KeySeed { own: self.own })? {
                None => return Ok(None),
                Some(Key::Source(field)) => self.source.read(field, &mut self.map)?,
                Some(Key::Own(name)) => {
                    let key: StrDeserializer<'_, A::Error> = name.into_deserializer();
                    return seed.deserialize(key).map(Some);
                }
                Some(Key::Other(name)) => {
                    let key: StringDeserializer<A::Error> = name.into_deserializer();
                    return seed.deserialize(key).map(Some);
                }
            }
        }
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        self.map.next_value_seed(seed)
    }
}

/// No fields of its own: [`DesignSource`] on its own.
#[derive(Deserialize)]
pub(crate) struct NoFields {}

/// A request type whose body names a design: declares the struct with a leading
/// `#[serde(flatten)] pub source: DesignSource` (so it serializes and documents its schema as
/// before) and implements `Deserialize` through [`deserialize_sourced`], with a private copy of the
/// listed fields (same attributes) as the request's own part. Fields are written once, here.
macro_rules! sourced_request {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$field_meta:meta])* pub $field:ident : $ty:ty, )*
        }
    ) => {
        $(#[$meta])*
        pub struct $name {
            #[serde(flatten)]
            pub source: $crate::ops::design::DesignSource,
            $( $(#[$field_meta])* pub $field: $ty, )*
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                // The request's own fields, with their serde attributes (`JsonSchema` only so the
                // `schemars` attributes are understood; the schema is the public struct's).
                #[derive(::serde::Deserialize, ::schemars::JsonSchema)]
                struct Own {
                    $( $(#[$field_meta])* $field: $ty, )*
                }
                let (source, own) = $crate::ops::sourced::deserialize_sourced::<D, Own>(
                    deserializer,
                    concat!("struct ", stringify!($name)),
                    $crate::ops::sourced::Shape::Embedded,
                )?;
                Ok(Self { source, $( $field: own.$field, )* })
            }
        }
    };
}
pub(crate) use sourced_request;

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use serde::de::DeserializeOwned;
    use serde_json::json;

    use super::super::design::{DesignSource, InlineFrames, NodeIds};
    use super::super::{AnalyzeRequest, DesignContextRequest, GenerateRequest};

    fn parse<T: DeserializeOwned>(body: &str) -> Result<T, String> {
        serde_json::from_str(body).map_err(|err| err.to_string())
    }

    /// The error and its JSON path the way `JsonBody` reports a refused body.
    fn tracked<T: DeserializeOwned>(body: &str) -> String {
        let mut deserializer = serde_json::Deserializer::from_str(body);
        match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
            Ok(_) => "ok".to_owned(),
            Err(err) => format!("{}: {}", err.path(), err.inner()),
        }
    }

    fn ids(source: &DesignSource) -> Vec<String> {
        match source {
            DesignSource::File { node_ids, .. } => node_ids.to_vec(),
            other => panic!("file source expected, got {other:?}"),
        }
    }

    #[test]
    fn every_spelling_of_every_source_key_is_read() {
        for key in ["url", "figmaUrl", "figma_url"] {
            let body = format!(r#"{{"{key}":"https://www.figma.com/design/abc/X"}}"#);
            let request: GenerateRequest = parse(&body).unwrap();
            assert!(
                matches!(&request.source, DesignSource::Url { url } if url.ends_with("/abc/X")),
                "{key}"
            );
        }
        for key in ["file_key", "fileKey"] {
            let request: DesignContextRequest = parse(&format!(r#"{{"{key}":"abc"}}"#)).unwrap();
            assert!(
                matches!(&request.source, DesignSource::File { file_key, .. } if file_key == "abc")
            );
        }
        // A request without node ids of its own: every spelling selects the source's nodes.
        for key in ["node_ids", "nodeIds", "node_id", "nodeId"] {
            let body = format!(r#"{{"file_key":"abc","{key}":["1:2"]}}"#);
            let request: DesignContextRequest = parse(&body).unwrap();
            assert_eq!(ids(&request.source), ["1:2"], "{key}");
        }
        for key in ["frames", "frameData", "enhancedFrameData", "frame_data"] {
            let request: AnalyzeRequest =
                parse(&format!(r#"{{"{key}":[{{"id":"1:2"}}]}}"#)).unwrap();
            assert!(
                matches!(request.source, DesignSource::Inline { .. }),
                "{key}"
            );
        }
    }

    #[test]
    fn a_requests_own_node_ids_are_its_own_and_node_id_is_the_sources() {
        // `GenerateRequest` has `node_ids`/`nodeIds` itself (the nodes to write tickets for); the
        // source keeps `node_id`/`nodeId` (the nodes to fetch), as it did with `flatten`.
        for own in ["node_ids", "nodeIds"] {
            for source in ["node_id", "nodeId"] {
                let body = format!(r#"{{"fileKey":"abc","{own}":["1:2"],"{source}":"3:4"}}"#);
                let request: GenerateRequest = parse(&body).unwrap();
                assert_eq!(request.node_ids, ["1:2"], "{body}");
                assert_eq!(ids(&request.source), ["3:4"], "{body}");
            }
        }
        let request: GenerateRequest = parse(r#"{"fileKey":"abc","nodeIds":["1:2"]}"#).unwrap();
        assert!(matches!(
            request.source,
            DesignSource::File {
                node_ids: NodeIds::None,
                ..
            }
        ));
        // The request's own aliases still work next to the source's.
        let request: GenerateRequest = parse(
            r#"{"frames":[],"documentType":"bug","techStack":"react","projectName":"P","childType":"story"}"#,
        )
        .unwrap();
        assert_eq!(request.document_type, "bug");
        assert_eq!(request.project_name.as_deref(), Some("P"));
        assert_eq!(request.child_type.as_deref(), Some("story"));
    }

    #[test]
    fn unknown_fields_are_ignored_wherever_they_are() {
        let request: GenerateRequest = parse(
            r#"{"extra":{"deep":[1,{"frames":2}]},"frames":[{"id":"1:2","zzz":[]}],"more":null,"platform":"github"}"#,
        )
        .unwrap();
        assert_eq!(request.platform, "github");
        let DesignSource::Inline {
            frames: InlineFrames::Raw(raw),
        } = &request.source
        else {
            panic!("raw inline frames expected: {:?}", request.source);
        };
        assert_eq!(raw.get(), r#"[{"id":"1:2","zzz":[]}]"#);
    }

    #[test]
    fn frames_keep_their_text_from_a_string_and_from_a_value() {
        let body = "{\"frames\": [ {\"id\" : \"1:2\"} ] }";
        let from_text: GenerateRequest = parse(body).unwrap();
        let from_value: GenerateRequest =
            serde_json::from_value(json!({"frames": [{"id": "1:2"}]})).unwrap();
        let raw = |request: &GenerateRequest| match &request.source {
            DesignSource::Inline {
                frames: InlineFrames::Raw(raw),
            } => raw.get().to_owned(),
            other => panic!("{other:?}"),
        };
        assert_eq!(raw(&from_text), "[ {\"id\" : \"1:2\"} ]");
        assert_eq!(raw(&from_value), r#"[{"id":"1:2"}]"#);
        // Serialized back as the same JSON.
        assert_eq!(
            serde_json::to_value(&from_text).unwrap()["frames"],
            json!([{"id": "1:2"}])
        );
    }

    #[test]
    fn malformed_bodies_get_the_errors_flatten_gave() {
        // Embedded in a request: source errors are raised at the object's end, path `.`.
        let cases = [
            (
                "{}",
                "name the design: `url` (a figma.com link), `file_key` (with optional \
                 `node_ids`), or `frames` (the Figma plugin's frame data) at line 1 column 2",
            ),
            (
                r#"{"fileKey":5}"#,
                "invalid type: integer `5`, expected a string at line 1 column 13",
            ),
            (
                r#"{"url":"u","figmaUrl":"v"}"#,
                "duplicate field `url` at line 1 column 26",
            ),
            (
                r#"{"frames":null,"frames":[]}"#,
                "duplicate field `frames` at line 1 column 27",
            ),
            (
                r#"{"url":"https://www.figma.com/design/abc/X","frames":[]}"#,
                "name the design once: give only one of `url`, `file_key` or `frames` at line 1 \
                 column 56",
            ),
            (
                r#"{"frames":[],"node_id":"1:2"}"#,
                "`node_ids` goes with `file_key`, not with inline `frames` at line 1 column 29",
            ),
            // The request's own fields are still checked where they are.
            (
                r#"{"frames":[],"platform":5}"#,
                "invalid type: integer `5`, expected a string at line 1 column 25",
            ),
            (
                "{\"frames\":[1,2",
                "EOF while parsing a list at line 1 column 14",
            ),
            ("{\"frames\":[],}", "trailing comma at line 1 column 14"),
            (
                "[]",
                "invalid type: sequence, expected struct GenerateRequest at line 1 column 0",
            ),
        ];
        for (body, expected) in cases {
            assert_eq!(
                parse::<GenerateRequest>(body).unwrap_err(),
                expected,
                "{body}"
            );
        }
        assert_eq!(
            tracked::<GenerateRequest>(r#"{"fileKey":5}"#),
            ".: invalid type: integer `5`, expected a string at line 1 column 13"
        );
        assert_eq!(
            tracked::<GenerateRequest>(r#"{"frames":[],"nodeIds":"1:2"}"#),
            "nodeIds: invalid type: string \"1:2\", expected a sequence at line 1 column 28"
        );
    }

    #[test]
    fn a_source_alone_reports_errors_where_they_occur() {
        assert_eq!(
            parse::<DesignSource>("{}").unwrap_err(),
            "name the design: `url` (a figma.com link), `file_key` (with optional `node_ids`), \
             or `frames` (the Figma plugin's frame data)"
        );
        assert_eq!(
            parse::<DesignSource>(r#"{"fileKey":"abc","nodeId":"1:2","node_ids":["5:6"]}"#)
                .unwrap_err(),
            "duplicate field `node_ids` at line 1 column 42"
        );
        assert_eq!(
            tracked::<DesignSource>(r#"{"fileKey":5}"#),
            "fileKey: invalid type: integer `5`, expected a string at line 1 column 12"
        );
        // serde's positional form of a struct.
        let source: DesignSource = parse(r#"[null,"abc",null,null]"#).unwrap();
        assert!(matches!(source, DesignSource::File { file_key, .. } if file_key == "abc"));
    }
}
