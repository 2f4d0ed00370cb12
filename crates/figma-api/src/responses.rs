//! Shape checks for the big responses (kept as raw bytes) and typed forms of the small ones.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::endpoint::{ApiRequest, Endpoint, truncate};
use crate::error::FigmaError;

/// What `GET /v1/files/:key/meta` says about a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileMeta {
    pub name: String,
    /// Figma's version id of the file's current state; changes on every saved edit.
    pub version: String,
    #[serde(default)]
    pub last_touched_at: Option<String>,
    #[serde(default, rename = "editorType")]
    pub editor_type: Option<String>,
    #[serde(default)]
    pub thumbnail_url: Option<String>,
}

/// Render URLs from `GET /v1/images/:key`, per node id. `None` is a node Figma could not render
/// (it does not exist, or is invisible or empty).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImageRenders {
    pub images: BTreeMap<String, Option<String>>,
}

/// Download URLs of the file's image fills from `GET /v1/files/:key/images`, per image ref.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImageFills {
    pub images: BTreeMap<String, String>,
}

/// Checks a 2xx body before it is cached or returned: bodies that are not what the endpoint
/// documents become [`FigmaError::MalformedResponse`]; missing nodes become
/// [`FigmaError::NodesNotFound`].
pub(crate) fn check(request: &ApiRequest, body: &[u8]) -> Result<(), FigmaError> {
    match request.endpoint {
        Endpoint::File => parse::<FileShape<'_>>(request.endpoint, body).map(drop),
        Endpoint::Nodes => check_nodes(request, body),
        Endpoint::RenderImages => parse_render_images(body).map(drop),
        Endpoint::ImageFills => parse_image_fills(body).map(drop),
        Endpoint::Meta => parse_meta(body).map(drop),
        Endpoint::LocalVariables => parse::<VariablesShape<'_>>(request.endpoint, body).map(drop),
    }
}

pub(crate) fn parse_meta(body: &[u8]) -> Result<FileMeta, FigmaError> {
    #[derive(Deserialize)]
    struct MetaResponse {
        file: FileMeta,
    }
    let meta = parse::<MetaResponse>(Endpoint::Meta, body)?.file;
    // The version becomes part of cache keys, so it must be a plain token.
    let plain = !meta.version.is_empty()
        && meta.version.len() <= 64
        && meta
            .version
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_' || b == b'-');
    if !plain {
        return Err(malformed(
            Endpoint::Meta,
            format!(
                "file.version {:?} is not a version id",
                truncate(&meta.version, 40)
            ),
        ));
    }
    Ok(meta)
}

pub(crate) fn parse_render_images(body: &[u8]) -> Result<ImageRenders, FigmaError> {
    #[derive(Deserialize)]
    struct RenderResponse {
        #[serde(default)]
        err: Option<String>,
        images: BTreeMap<String, Option<String>>,
    }
    let response = parse::<RenderResponse>(Endpoint::RenderImages, body)?;
    if let Some(err) = response.err {
        return Err(malformed(
            Endpoint::RenderImages,
            format!("Figma reported an error: {}", truncate(&err, 300)),
        ));
    }
    Ok(ImageRenders {
        images: response.images,
    })
}

pub(crate) fn parse_image_fills(body: &[u8]) -> Result<ImageFills, FigmaError> {
    #[derive(Deserialize)]
    struct FillsMeta {
        images: BTreeMap<String, String>,
    }
    #[derive(Deserialize)]
    struct FillsResponse {
        meta: FillsMeta,
    }
    let response = parse::<FillsResponse>(Endpoint::ImageFills, body)?;
    Ok(ImageFills {
        images: response.meta.images,
    })
}

/// A whole-file response has a document; everything else is left to crates/figma.
#[derive(Deserialize)]
struct FileShape<'a> {
    #[serde(borrow)]
    #[allow(dead_code, reason = "only its presence is checked")]
    document: &'a RawValue,
}

#[derive(Deserialize)]
struct VariablesMeta<'a> {
    #[serde(borrow, rename = "variables")]
    #[allow(dead_code, reason = "only its presence is checked")]
    _variables: &'a RawValue,
}

#[derive(Deserialize)]
struct VariablesShape<'a> {
    #[serde(borrow)]
    #[allow(dead_code, reason = "only its presence is checked")]
    meta: VariablesMeta<'a>,
}

/// Figma answers a nodes request with `"nodes": {"1:2": null}` for ids not in the file.
fn check_nodes(request: &ApiRequest, body: &[u8]) -> Result<(), FigmaError> {
    #[derive(Deserialize)]
    struct NodesShape<'a> {
        #[serde(borrow)]
        nodes: HashMap<Cow<'a, str>, Option<&'a RawValue>>,
    }
    let shape = parse::<NodesShape<'_>>(Endpoint::Nodes, body)?;
    let missing: Vec<String> = request
        .node_ids
        .iter()
        .filter(|id| !matches!(shape.nodes.get(id.as_str()), Some(Some(_))))
        .cloned()
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(FigmaError::NodesNotFound {
            file_key: request.file_key.clone(),
            node_ids: missing,
        })
    }
}

/// Parses a body into `T`; unknown fields and `RawValue`s are skipped by serde_json's iterative
/// skipper, so deep trees cost no stack.
fn parse<'a, T: Deserialize<'a>>(endpoint: Endpoint, body: &'a [u8]) -> Result<T, FigmaError> {
    // serde also accepts a struct as an array; every Figma response is an object.
    match body.iter().find(|b| !b.is_ascii_whitespace()) {
        None => return Err(malformed(endpoint, "the body is empty".into())),
        Some(b'{') => {}
        Some(_) => {
            let start = String::from_utf8_lossy(&body[..body.len().min(40)]).into_owned();
            return Err(malformed(
                endpoint,
                format!("the body is not a JSON object (it starts with {start:?})"),
            ));
        }
    }
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        malformed(endpoint, format!("{inner} (JSON path {path})"))
    })?;
    deserializer
        .end()
        .map_err(|e| malformed(endpoint, format!("{e} after the JSON document")))?;
    Ok(value)
}

fn malformed(endpoint: Endpoint, detail: String) -> FigmaError {
    FigmaError::MalformedResponse { endpoint, detail }
}
