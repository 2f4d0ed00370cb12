//! The Figma endpoints handoff calls, their parameters, and validation of everything that goes
//! into a URL or a cache key.

use std::fmt;

use sha2::{Digest, Sha256};
use url::Url;

use crate::error::FigmaError;

/// Most node ids one request may carry; keeps URLs within what Figma and proxies accept.
pub const MAX_NODE_IDS: usize = 500;
const MAX_FILE_KEY_LEN: usize = 128;
const MAX_NODE_ID_LEN: usize = 256;
/// Longest request name kept readable in a cache key (the store allows 1 KiB segments).
const MAX_CACHE_NAME_LEN: usize = 256;

/// One of the Figma REST endpoints the client calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    /// `GET /v1/files/:key`
    File,
    /// `GET /v1/files/:key/nodes`
    Nodes,
    /// `GET /v1/images/:key` (renders)
    RenderImages,
    /// `GET /v1/files/:key/images` (image fills)
    ImageFills,
    /// `GET /v1/files/:key/meta`
    Meta,
    /// `GET /v1/files/:key/variables/local`
    LocalVariables,
}

impl Endpoint {
    /// Short stable name for cache keys, logs and metrics.
    pub fn label(self) -> &'static str {
        match self {
            Endpoint::File => "file",
            Endpoint::Nodes => "nodes",
            Endpoint::RenderImages => "images",
            Endpoint::ImageFills => "image-fills",
            Endpoint::Meta => "meta",
            Endpoint::LocalVariables => "variables-local",
        }
    }

    fn path(self) -> &'static [&'static str] {
        match self {
            Endpoint::File => &["v1", "files"],
            Endpoint::Nodes => &["v1", "files"],
            Endpoint::RenderImages => &["v1", "images"],
            Endpoint::ImageFills => &["v1", "files"],
            Endpoint::Meta => &["v1", "files"],
            Endpoint::LocalVariables => &["v1", "files"],
        }
    }

    fn path_after_key(self) -> &'static [&'static str] {
        match self {
            Endpoint::File | Endpoint::RenderImages => &[],
            Endpoint::Nodes => &["nodes"],
            Endpoint::ImageFills => &["images"],
            Endpoint::Meta => &["meta"],
            Endpoint::LocalVariables => &["variables", "local"],
        }
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Endpoint::File => "GET /v1/files/:key",
            Endpoint::Nodes => "GET /v1/files/:key/nodes",
            Endpoint::RenderImages => "GET /v1/images/:key",
            Endpoint::ImageFills => "GET /v1/files/:key/images",
            Endpoint::Meta => "GET /v1/files/:key/meta",
            Endpoint::LocalVariables => "GET /v1/files/:key/variables/local",
        })
    }
}

/// Parameters of `GET /v1/files/:key`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileQuery {
    /// How deep into the document tree to go (1 = pages only).
    pub depth: Option<u32>,
    /// Only these nodes (and their ancestors and descendants).
    pub ids: Vec<String>,
    /// Include branch metadata.
    pub branch_data: bool,
}

/// Parameters of `GET /v1/files/:key/nodes`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NodesQuery {
    /// Node ids, `1:2` or the URL form `1-2`; at least one.
    pub ids: Vec<String>,
    /// How deep below each node to go.
    pub depth: Option<u32>,
}

/// Image format of a render.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ImageFormat {
    #[default]
    Png,
    Jpg,
    Svg,
    Pdf,
}

impl ImageFormat {
    /// The format's name in Figma's API.
    pub fn as_str(self) -> &'static str {
        match self {
            ImageFormat::Png => "png",
            ImageFormat::Jpg => "jpg",
            ImageFormat::Svg => "svg",
            ImageFormat::Pdf => "pdf",
        }
    }

    /// Parses `png`, `jpg`/`jpeg`, `svg` or `pdf` (any case).
    pub fn parse(raw: &str) -> Result<Self, FigmaError> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "png" => Ok(ImageFormat::Png),
            "jpg" | "jpeg" => Ok(ImageFormat::Jpg),
            "svg" => Ok(ImageFormat::Svg),
            "pdf" => Ok(ImageFormat::Pdf),
            _ => Err(FigmaError::InvalidRequest {
                message: format!(
                    "image format {:?} is not one of png, jpg, svg, pdf",
                    truncate(raw, 40)
                ),
            }),
        }
    }
}

/// Parameters of `GET /v1/images/:key`.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderQuery {
    /// Node ids to render; at least one.
    pub ids: Vec<String>,
    /// Scale between 0.01 and 4.
    pub scale: f32,
    pub format: ImageFormat,
}

impl Default for RenderQuery {
    fn default() -> Self {
        RenderQuery {
            ids: Vec::new(),
            scale: 1.0,
            format: ImageFormat::Png,
        }
    }
}

/// A validated request: everything needed for its URL and its cache key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiRequest {
    pub endpoint: Endpoint,
    pub file_key: String,
    pub node_ids: Vec<String>,
    query: Vec<(&'static str, String)>,
}

impl ApiRequest {
    pub fn file(file_key: &str, query: &FileQuery) -> Result<Self, FigmaError> {
        let node_ids = node_ids(&query.ids, false)?;
        let mut params = Vec::new();
        if let Some(depth) = query.depth {
            params.push(("depth", depth_param(depth)?));
        }
        if !node_ids.is_empty() {
            params.push(("ids", node_ids.join(",")));
        }
        if query.branch_data {
            params.push(("branch_data", "true".to_owned()));
        }
        Self::build(Endpoint::File, file_key, node_ids, params)
    }

    pub fn nodes(file_key: &str, query: &NodesQuery) -> Result<Self, FigmaError> {
        let node_ids = node_ids(&query.ids, true)?;
        let mut params = vec![("ids", node_ids.join(","))];
        if let Some(depth) = query.depth {
            params.push(("depth", depth_param(depth)?));
        }
        Self::build(Endpoint::Nodes, file_key, node_ids, params)
    }

    pub fn render_images(file_key: &str, query: &RenderQuery) -> Result<Self, FigmaError> {
        let node_ids = node_ids(&query.ids, true)?;
        if !(query.scale.is_finite() && (0.01..=4.0).contains(&query.scale)) {
            return Err(FigmaError::InvalidRequest {
                message: format!("image scale {} is outside 0.01–4", query.scale),
            });
        }
        let params = vec![
            ("ids", node_ids.join(",")),
            ("scale", query.scale.to_string()),
            ("format", query.format.as_str().to_owned()),
        ];
        Self::build(Endpoint::RenderImages, file_key, node_ids, params)
    }

    pub fn plain(endpoint: Endpoint, file_key: &str) -> Result<Self, FigmaError> {
        Self::build(endpoint, file_key, Vec::new(), Vec::new())
    }

    fn build(
        endpoint: Endpoint,
        file_key: &str,
        node_ids: Vec<String>,
        query: Vec<(&'static str, String)>,
    ) -> Result<Self, FigmaError> {
        Ok(ApiRequest {
            endpoint,
            file_key: file_key_param(file_key)?,
            node_ids,
            query,
        })
    }

    /// The full URL under `base` (whose own path, if any, is kept as a prefix).
    pub fn url(&self, base: &Url) -> Result<Url, FigmaError> {
        let mut url = base.clone();
        {
            let mut segments = url.path_segments_mut().map_err(|()| FigmaError::Internal {
                detail: "figma_api_base cannot be a base URL".into(),
            })?;
            segments.pop_if_empty();
            segments.extend(self.endpoint.path());
            segments.push(&self.file_key);
            segments.extend(self.endpoint.path_after_key());
        }
        if !self.query.is_empty() {
            url.query_pairs_mut().extend_pairs(self.query.iter());
        }
        Ok(url)
    }

    /// This request's part of a cache key: endpoint and parameters, in a fixed order; a digest
    /// of them when they are too long for a key (hundreds of node ids).
    pub fn cache_name(&self) -> String {
        let full = self.full_cache_name();
        if full.len() <= MAX_CACHE_NAME_LEN {
            return full;
        }
        let digest = Sha256::digest(full.as_bytes());
        format!("{}~{}", self.endpoint.label(), hex::encode(&digest[..16]))
    }

    fn full_cache_name(&self) -> String {
        let mut name = self.endpoint.label().to_owned();
        for (i, (key, value)) in self.query.iter().enumerate() {
            name.push(if i == 0 { '?' } else { '&' });
            name.push_str(key);
            name.push('=');
            name.push_str(value);
        }
        name
    }
}

/// Checks a file key: letters, digits, `_` and `-`, as in Figma URLs (`/design/<key>/…`).
pub(crate) fn file_key_param(raw: &str) -> Result<String, FigmaError> {
    let key = raw.trim();
    let ok = !key.is_empty()
        && key.len() <= MAX_FILE_KEY_LEN
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if ok {
        Ok(key.to_owned())
    } else {
        Err(FigmaError::InvalidRequest {
            message: format!(
                "{:?} is not a Figma file key (expected the letters and digits after /file/ or /design/ in a Figma URL)",
                truncate(raw, 60)
            ),
        })
    }
}

/// Normalises node ids to Figma's API form (`1-2` → `1:2`), drops duplicates, keeps order.
fn node_ids(raw: &[String], required: bool) -> Result<Vec<String>, FigmaError> {
    if required && raw.is_empty() {
        return Err(FigmaError::InvalidRequest {
            message: "at least one node id is needed".into(),
        });
    }
    if raw.len() > MAX_NODE_IDS {
        return Err(FigmaError::InvalidRequest {
            message: format!(
                "{} node ids in one request; at most {MAX_NODE_IDS} are allowed",
                raw.len()
            ),
        });
    }
    let mut ids: Vec<String> = Vec::with_capacity(raw.len());
    for id in raw {
        let id = normalise_node_id(id)?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok(ids)
}

fn normalise_node_id(raw: &str) -> Result<String, FigmaError> {
    let id = raw.trim().replace('-', ":");
    let ok = !id.is_empty()
        && id.len() <= MAX_NODE_ID_LEN
        && id.contains(':')
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b':' || b == b';');
    if ok {
        Ok(id)
    } else {
        Err(FigmaError::InvalidRequest {
            message: format!(
                "{:?} is not a Figma node id (expected a form like 1:2, 1-2 or I5:18;1:10)",
                truncate(raw, 60)
            ),
        })
    }
}

fn depth_param(depth: u32) -> Result<String, FigmaError> {
    if depth == 0 {
        return Err(FigmaError::InvalidRequest {
            message: "depth must be at least 1".into(),
        });
    }
    Ok(depth.to_string())
}

/// At most `max` characters of untrusted text, for error messages.
pub(crate) fn truncate(raw: &str, max: usize) -> String {
    let mut out: String = raw.chars().take(max).collect();
    if raw.chars().nth(max).is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn base() -> Url {
        Url::parse("http://fake.test/prefix/").unwrap()
    }

    #[test]
    fn file_url_and_cache_name() {
        let query = FileQuery {
            depth: Some(2),
            ids: vec!["1-2".into(), "1:2".into(), "I5:18;1:10".into()],
            branch_data: true,
        };
        let req = ApiRequest::file("AbC123", &query).unwrap();
        assert_eq!(
            req.url(&base()).unwrap().as_str(),
            "http://fake.test/prefix/v1/files/AbC123?depth=2&ids=1%3A2%2CI5%3A18%3B1%3A10&branch_data=true"
        );
        assert_eq!(
            req.cache_name(),
            "file?depth=2&ids=1:2,I5:18;1:10&branch_data=true"
        );
    }

    #[test]
    fn every_endpoint_has_its_path() {
        let base = Url::parse("https://api.figma.com").unwrap();
        let cases = [
            (Endpoint::Meta, "https://api.figma.com/v1/files/K/meta"),
            (
                Endpoint::ImageFills,
                "https://api.figma.com/v1/files/K/images",
            ),
            (
                Endpoint::LocalVariables,
                "https://api.figma.com/v1/files/K/variables/local",
            ),
        ];
        for (endpoint, expected) in cases {
            let req = ApiRequest::plain(endpoint, "K").unwrap();
            assert_eq!(req.url(&base).unwrap().as_str(), expected);
        }
        let render = RenderQuery {
            ids: vec!["3:4".into()],
            scale: 2.0,
            format: ImageFormat::Svg,
        };
        let req = ApiRequest::render_images("K", &render).unwrap();
        assert_eq!(
            req.url(&base).unwrap().as_str(),
            "https://api.figma.com/v1/images/K?ids=3%3A4&scale=2&format=svg"
        );
        assert_eq!(req.cache_name(), "images?ids=3:4&scale=2&format=svg");
    }

    #[test]
    fn long_requests_get_a_digest_name() {
        let many = NodesQuery {
            ids: (0..400).map(|i| format!("12345:{i}")).collect(),
            depth: None,
        };
        let name = ApiRequest::nodes("K", &many).unwrap().cache_name();
        assert!(name.starts_with("nodes~") && name.len() == 6 + 32, "{name}");
        let fewer = NodesQuery {
            ids: (0..399).map(|i| format!("12345:{i}")).collect(),
            depth: None,
        };
        assert_ne!(ApiRequest::nodes("K", &fewer).unwrap().cache_name(), name);
    }

    #[test]
    fn hostile_file_keys_are_rejected() {
        let long = "a".repeat(129);
        for key in [
            "",
            " ",
            "../etc",
            "a/b",
            "k?x=1",
            "k:v",
            "ключ",
            long.as_str(),
            "a%2F",
        ] {
            let err = ApiRequest::plain(Endpoint::Meta, key).unwrap_err();
            assert!(matches!(err, FigmaError::InvalidRequest { .. }), "{key}");
        }
    }

    #[test]
    fn hostile_node_ids_are_rejected() {
        for id in ["", "12", "1:2&x=3", "1:2,3:4", "../1:2", "1:2\n"] {
            let query = NodesQuery {
                ids: vec![id.into()],
                depth: None,
            };
            // "1:2\n" trims to a valid id; everything else must fail.
            let result = ApiRequest::nodes("K", &query);
            if id == "1:2\n" {
                assert!(result.is_ok());
            } else {
                assert!(result.is_err(), "{id:?}");
            }
        }
        let too_many = NodesQuery {
            ids: (0..=MAX_NODE_IDS).map(|i| format!("1:{i}")).collect(),
            depth: None,
        };
        assert!(ApiRequest::nodes("K", &too_many).is_err());
        assert!(ApiRequest::nodes("K", &NodesQuery::default()).is_err());
    }

    #[test]
    fn bad_scale_and_depth_are_rejected() {
        for scale in [0.0, 4.5, f32::NAN, f32::INFINITY, -1.0] {
            let query = RenderQuery {
                ids: vec!["1:2".into()],
                scale,
                format: ImageFormat::Png,
            };
            assert!(ApiRequest::render_images("K", &query).is_err(), "{scale}");
        }
        let query = FileQuery {
            depth: Some(0),
            ..FileQuery::default()
        };
        assert!(ApiRequest::file("K", &query).is_err());
    }

    #[test]
    fn image_formats_parse() {
        assert_eq!(ImageFormat::parse("JPEG").unwrap(), ImageFormat::Jpg);
        assert!(ImageFormat::parse("gif").is_err());
    }
}
