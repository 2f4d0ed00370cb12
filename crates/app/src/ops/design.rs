//! Where a design comes from: a Figma link, a file key and node ids, or the plugin's inline frame
//! data. Everything is normalised into one parsed [`Design`].

use std::sync::{Arc, Mutex};

use handoff_figma::Design;
use handoff_figma_api::{
    Admission, Endpoint, FigmaAuth, FigmaClient, FigmaError, FileQuery, NodesQuery, UpstreamGate,
};
use handoff_store::{Identity, Store};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::app::App;
use crate::config::RateLimits;
use crate::error::{AppError, ErrorKind};
use crate::ratelimit::{self, RateGroup};

// The doc comment below is the schema's description in the OpenAPI document and MCP tool schemas.
// Deserialization: `super::sourced`, shared with the requests that embed a source.
/// A design to work on: exactly one of a Figma link, a file key (with optional node ids), or the
/// plugin's inline frame data. Parsed from [`DesignSourceFields`], so that a request naming none or
/// several of them gets an error that says what to send, not "did not match any variant".
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
#[serde(untagged)]
#[schemars(with = "DesignSourceFields")]
pub enum DesignSource {
    /// Any figma.com link (`/file/`, `/design/`, `/proto/`, branch links; `node-id=1-2`).
    Url { url: String },
    /// A file key and, optionally, the nodes to fetch (`1:2`, `1-2`, `I1:2;3:4`).
    File { file_key: String, node_ids: NodeIds },
    /// The Figma plugin's `frameData` / `enhancedFrameData` payload, inline.
    Inline { frames: InlineFrames },
}

impl<'de> Deserialize<'de> for DesignSource {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let (source, super::sourced::NoFields {}) = super::sourced::deserialize_sourced(
            deserializer,
            "struct DesignSourceFields",
            super::sourced::Shape::Alone,
        )?;
        Ok(source)
    }
}

/// The plugin's frame data: as the request's JSON text, or as a value built in process (the legacy
/// contract assembles its frames from several places of its params).
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum InlineFrames {
    /// Kept as the request's own text so the plugin parser reads it once, directly: no JSON value
    /// tree is built for it and it is not serialized again to be parsed.
    Raw(Box<RawValue>),
    Value(serde_json::Value),
}

// Documents the schema; the accepted keys and their aliases (`figmaUrl`/`figma_url`, `fileKey`,
// `nodeIds`/`node_id`/`nodeId`, `frameData`/`enhancedFrameData`/`frame_data`) are listed once, in
// `super::sourced::SOURCE_KEYS`.
/// The design a request names: give `url`, or `file_key` (and optionally `node_ids`), or `frames`.
#[derive(Debug, Clone, Default, schemars::JsonSchema)]
pub struct DesignSourceFields {
    /// A figma.com link (`/file/`, `/design/`, `/proto/`, branch links; `node-id=1-2` selects a node).
    #[serde(default)]
    pub url: Option<String>,
    /// A Figma file key (or a link, from which the key is taken).
    #[serde(default)]
    pub file_key: Option<String>,
    /// With `file_key`: the nodes to fetch (`1:2`, `1-2`, `I1:2;3:4`), one id or a list.
    #[serde(default)]
    pub node_ids: NodeIds,
    /// The Figma plugin's `frameData` / `enhancedFrameData` payload, inline.
    #[serde(default)]
    #[schemars(with = "Option<serde_json::Value>")]
    pub frames: Option<Box<RawValue>>,
}

impl TryFrom<DesignSourceFields> for DesignSource {
    type Error = String;

    fn try_from(fields: DesignSourceFields) -> Result<Self, Self::Error> {
        let has_ids = !matches!(fields.node_ids, NodeIds::None);
        match (fields.url, fields.file_key, fields.frames) {
            (Some(url), None, None) if !has_ids => Ok(Self::Url { url }),
            (Some(_), None, None) => Err(
                "`node_ids` goes with `file_key`; with `url`, select the node with the link's \
                 `node-id` parameter"
                    .to_owned(),
            ),
            (None, Some(file_key), None) => Ok(Self::File {
                file_key,
                node_ids: fields.node_ids,
            }),
            (None, None, Some(frames)) if !has_ids => Ok(Self::Inline {
                frames: InlineFrames::Raw(frames),
            }),
            (None, None, Some(_)) => {
                Err("`node_ids` goes with `file_key`, not with inline `frames`".to_owned())
            }
            (None, None, None) => Err(
                "name the design: `url` (a figma.com link), `file_key` (with optional \
                 `node_ids`), or `frames` (the Figma plugin's frame data)"
                    .to_owned(),
            ),
            _ => Err(
                "name the design once: give only one of `url`, `file_key` or `frames`".to_owned(),
            ),
        }
    }
}

impl DesignSource {
    /// How many nodes the source selects: the link's `node-id`s or the file's `node_ids` (none for
    /// inline frames); `None` when the link does not parse, which loading it reports.
    pub fn selected_node_count(&self) -> Option<usize> {
        match self {
            Self::Url { url } => handoff_figma::parse_figma_url(url)
                .ok()
                .map(|link| link.node_ids.len()),
            Self::File { node_ids, .. } => Some(match node_ids {
                NodeIds::None => 0,
                NodeIds::One(_) => 1,
                NodeIds::Many(ids) => ids.len(),
            }),
            Self::Inline { .. } => Some(0),
        }
    }
}

/// One id or a list of ids.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum NodeIds {
    #[default]
    None,
    One(String),
    Many(Vec<String>),
}

impl NodeIds {
    pub fn to_vec(&self) -> Vec<String> {
        match self {
            Self::None => Vec::new(),
            Self::One(id) => vec![id.clone()],
            Self::Many(ids) => ids.clone(),
        }
    }
}

/// A parsed design and where it came from.
#[derive(Debug, Clone)]
pub struct LoadedDesign {
    pub design: Arc<Design>,
    /// Known when the design came from Figma (needed for node links).
    pub file_key: Option<String>,
    /// The nodes the source asked for, normalised (`1:2`).
    pub node_ids: Vec<String>,
    /// The file version, when fetched from Figma.
    pub version: Option<String>,
}

impl App {
    /// Load and parse the design a request names. Parsing runs off the async workers.
    pub async fn load_design(
        &self,
        who: &Identity,
        source: &DesignSource,
    ) -> Result<LoadedDesign, AppError> {
        match source {
            DesignSource::Url { url } => {
                let link = handoff_figma::parse_figma_url(url).map_err(|err| {
                    AppError::bad_request(err.to_string()).with_code("invalid_figma_url")
                })?;
                self.fetch_design(who, &link.file_key, link.node_ids).await
            }
            DesignSource::File { file_key, node_ids } => {
                let ids = node_ids
                    .to_vec()
                    .iter()
                    .map(|id| handoff_figma::normalize_node_id(id))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|err| {
                        AppError::bad_request(err.to_string()).with_code("invalid_node_id")
                    })?;
                let link = handoff_figma::parse_figma_url(file_key).map_err(|err| {
                    AppError::bad_request(err.to_string()).with_code("invalid_file_key")
                })?;
                self.fetch_design(who, &link.file_key, ids).await
            }
            DesignSource::Inline { frames } => {
                // Inline frames are held to the node limit a fetched design is held to.
                let max_nodes =
                    usize::try_from(self.config().max_design_nodes).unwrap_or(usize::MAX);
                let design = match frames {
                    InlineFrames::Raw(raw) => parse_raw_frames(raw.get(), max_nodes).await?,
                    InlineFrames::Value(value) => parse_frames_value(value, max_nodes).await?,
                };
                Ok(LoadedDesign {
                    design: Arc::new(design),
                    file_key: None,
                    node_ids: Vec::new(),
                    version: None,
                })
            }
        }
    }

    async fn fetch_design(
        &self,
        who: &Identity,
        file_key: &str,
        node_ids: Vec<String>,
    ) -> Result<LoadedDesign, AppError> {
        let auth = self.figma_auth(who).await?;
        let (client, budget) = self.figma_for(who);
        let fetched = if node_ids.is_empty() {
            client.file(&auth, file_key, &FileQuery::default()).await
        } else {
            let query = NodesQuery {
                ids: node_ids.clone(),
                ..NodesQuery::default()
            };
            client.nodes(&auth, file_key, &query).await
        }
        .map_err(|err| match err {
            FigmaError::ResponseTooLarge { .. } => self.design_too_large_bytes(),
            err => budget.error(err),
        })?;
        let version = fetched.version.clone();
        let bytes = fetched.value;
        // A cached body may predate a lower limit.
        if bytes.len() as u64 > self.config().max_design_bytes {
            return Err(self.design_too_large_bytes());
        }
        let max_nodes = usize::try_from(self.config().max_design_nodes).unwrap_or(usize::MAX);
        let design = parse_bytes(bytes, move |bytes| {
            handoff_figma::parse_design_limited(bytes, max_nodes)
        })
        .await?;
        Ok(LoadedDesign {
            design: Arc::new(design),
            file_key: Some(file_key.to_owned()),
            node_ids,
            version: Some(version),
        })
    }

    /// The Figma client for one call of `who`'s: every request of it that reaches Figma draws on
    /// their Figma budget ([`FigmaBudget`]); answers from the response cache draw nothing. Map the
    /// call's errors with [`FigmaBudget::error`].
    pub(crate) fn figma_for(&self, who: &Identity) -> (FigmaClient, Arc<FigmaBudget>) {
        let budget = Arc::new(FigmaBudget {
            store: self.store().clone(),
            limits: self.config().rate_limits.clone(),
            who: who.clone(),
            refusal: Mutex::new(None),
        });
        (self.figma().gated(budget.clone()), budget)
    }

    /// The Figma credential for this caller: their own stored token (see [`crate::credentials`]).
    /// The deployment's `figma_token` stands in only for the local user (auth `off`, or `auto` on
    /// loopback with no keys), so no authenticated user ever acts with someone else's Figma access;
    /// a user without a stored token gets an error saying how to store one. Tokens sent by clients
    /// are never used here.
    pub(crate) async fn figma_auth(&self, who: &Identity) -> Result<FigmaAuth, AppError> {
        if let Some(token) = self.stored_figma_token(who).await? {
            return Ok(FigmaAuth::PersonalAccessToken(token));
        }
        let is_local = who.user_id.as_str() == crate::auth::LOCAL_USER;
        let message = match &self.config().figma_token {
            Some(token) if is_local => {
                return Ok(FigmaAuth::PersonalAccessToken(token.expose().to_owned()));
            }
            None if is_local => "no Figma token is configured: set `figma_token` (env \
                 HANDOFF_FIGMA_TOKEN) to a personal access token with the file_content:read scope, \
                 or send the plugin's frame data inline"
                .to_owned(),
            _ => format!(
                "no Figma token is stored for user {user}: store a personal access token (scope \
                 file_content:read) with `PUT /api/v1/me/figma-token` or `handoff users \
                 set-figma-token {user} --org {org}`, or send the plugin's frame data inline (the \
                 deployment's figma_token, HANDOFF_FIGMA_TOKEN, is used only for the local user)",
                user = who.user_id,
                org = who.org_id,
            ),
        };
        Err(AppError::new(ErrorKind::Unauthenticated, message).with_code("figma_token_missing"))
    }
}

/// A caller's Figma budget in front of the requests that reach Figma, so every interface draws on
/// the same budget and only for real upstream calls. `/meta` is not charged: it is the version
/// check in front of every cached answer, cached itself per credential for
/// `store.figma_meta_ttl_secs`, and Figma rates it in a cheaper tier than the file, nodes and
/// render endpoints (Tier 1) whose per-seat budget `rate_limits.figma_per_min` mirrors.
pub(crate) struct FigmaBudget {
    store: Store,
    limits: RateLimits,
    who: Identity,
    /// The budget's own refusal, returned instead of the client's `Refused` so the caller gets
    /// its `Retry-After` and `RateLimit-*` details.
    refusal: Mutex<Option<AppError>>,
}

impl FigmaBudget {
    /// The service error for a failed Figma call: this budget's refusal, else [`figma_error`].
    pub(crate) fn error(&self, err: FigmaError) -> AppError {
        if matches!(err, FigmaError::Refused { .. })
            && let Some(refusal) = self
                .refusal
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .take()
        {
            return refusal;
        }
        figma_error(err)
    }
}

impl UpstreamGate for FigmaBudget {
    fn admit<'a>(&'a self, endpoint: Endpoint, _file_key: &'a str) -> Admission<'a> {
        Box::pin(async move {
            if endpoint == Endpoint::Meta {
                return Ok(());
            }
            let drawn =
                ratelimit::consume(&self.store, &self.limits, &self.who, RateGroup::Figma).await;
            drawn.map(drop).map_err(|err| {
                let reason = err.message.clone();
                *self
                    .refusal
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(err);
                reason
            })
        })
    }
}

/// Inputs up to this size are parsed on the async worker itself: handing them to the blocking pool
/// (a thread wake-up there and another back) costs more CPU than the parse (the plugin's
/// one-component payload, ~1 KB, parses in a few microseconds). Larger inputs, whose parse time
/// grows with them, go to the blocking pool so they never stall the other connections of a worker.
pub const PARSE_INLINE_MAX_BYTES: usize = 16 * 1024;

/// Parses `bytes` with `parse`: on the async worker when small, else on the blocking pool.
async fn parse_bytes<T, P>(bytes: T, parse: P) -> Result<Design, AppError>
where
    T: AsRef<[u8]> + Send + 'static,
    P: FnOnce(&[u8]) -> Result<Design, handoff_figma::ParseError> + Send + 'static,
{
    if bytes.as_ref().len() <= PARSE_INLINE_MAX_BYTES {
        parse_design_bytes(bytes.as_ref(), parse)
    } else {
        tokio::task::spawn_blocking(move || parse_design_bytes(bytes.as_ref(), parse))
            .await
            .map_err(|err| AppError::internal(format!("parsing was interrupted: {err}")))?
    }
}

/// Parses the plugin's frames from the request's own JSON text. Should that fail, they are parsed
/// again the way a [`InlineFrames::Value`] is (text → value → text → parser), so a refused payload
/// gets the same answer as before the text was kept raw, and so do payloads only the value tree
/// tolerated (a key given twice: the value keeps the last, the typed parser refuses it).
async fn parse_raw_frames(text: &str, max_nodes: usize) -> Result<Design, AppError> {
    let parse = move |bytes: &[u8]| handoff_figma::parse_inline_frames(bytes, max_nodes);
    let parsed = if text.len() <= PARSE_INLINE_MAX_BYTES {
        parse_design_bytes(text.as_bytes(), parse)
    } else {
        parse_bytes(text.to_owned(), parse).await
    };
    match parsed {
        Ok(design) => Ok(design),
        // Over the limit is the answer; a second read would only say it again.
        Err(err) if err.code == Some("design_too_large") => Err(err),
        Err(_) => {
            let value: serde_json::Value = serde_json::from_str(text).map_err(|err| {
                AppError::bad_request(format!("frames: {err}")).with_code("invalid_figma_data")
            })?;
            parse_frames_value(&value, max_nodes).await
        }
    }
}

async fn parse_frames_value(
    frames: &serde_json::Value,
    max_nodes: usize,
) -> Result<Design, AppError> {
    let bytes = serde_json::to_vec(frames).map_err(|err| AppError::internal(err.to_string()))?;
    parse_bytes(bytes, move |bytes| {
        handoff_figma::parse_inline_frames(bytes, max_nodes)
    })
    .await
}

fn parse_design_bytes(
    bytes: &[u8],
    parse: impl FnOnce(&[u8]) -> Result<Design, handoff_figma::ParseError>,
) -> Result<Design, AppError> {
    parse(bytes).map_err(|err| match err {
        handoff_figma::ParseError::TooManyNodes { limit } => design_too_large(format!(
            "the design has more than {limit} nodes, the limit set by `max_design_nodes`; \
             request fewer nodes (node ids) or raise the limit"
        )),
        err => AppError::bad_request(err.to_string()).with_code("invalid_figma_data"),
    })
}

/// 413 `design_too_large`: a design over the deployment's `max_design_bytes` / `max_design_nodes`.
fn design_too_large(message: String) -> AppError {
    AppError::new(ErrorKind::PayloadTooLarge, message).with_code("design_too_large")
}

impl App {
    fn design_too_large_bytes(&self) -> AppError {
        design_too_large(format!(
            "Figma's response is larger than {} bytes, the limit set by `max_design_bytes`; \
             request fewer nodes (node ids) or raise the limit",
            self.config().max_design_bytes
        ))
    }
}

/// One mapping of Figma client failures to the service error.
pub fn figma_error(err: FigmaError) -> AppError {
    let status = err.http_status();
    let retry_after = err.retry_after();
    let kind = match status {
        400 => ErrorKind::BadRequest,
        401 | 403 => ErrorKind::Unauthenticated,
        404 => ErrorKind::NotFound,
        429 => ErrorKind::RateLimited,
        _ => ErrorKind::Upstream,
    };
    let mut error = AppError::new(kind, err.to_string()).with_code(match kind {
        ErrorKind::RateLimited => "figma_rate_limited",
        ErrorKind::NotFound => "figma_not_found",
        ErrorKind::Unauthenticated => "figma_forbidden",
        ErrorKind::BadRequest => "figma_bad_request",
        _ => "figma_upstream_error",
    });
    if let Some(status) = err.figma_status() {
        error = error.with_details(serde_json::json!({ "figmaStatus": status }));
    }
    if let Some(after) = retry_after {
        error = error.with_retry_after(after);
    }
    error
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    fn parse(json: &str) -> Result<DesignSource, String> {
        serde_json::from_str(json).map_err(|err| err.to_string())
    }

    #[test]
    fn each_form_and_its_aliases_parse() {
        assert!(matches!(
            parse(r#"{"figmaUrl":"https://www.figma.com/design/abc/X"}"#).unwrap(),
            DesignSource::Url { .. }
        ));
        match parse(r#"{"fileKey":"abc","nodeId":"1-2"}"#).unwrap() {
            DesignSource::File { file_key, node_ids } => {
                assert_eq!(file_key, "abc");
                assert_eq!(node_ids.to_vec(), ["1-2"]);
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            parse(r#"{"frameData":[{"id":"1:2"}]}"#).unwrap(),
            DesignSource::Inline { .. }
        ));
    }

    #[test]
    fn selected_nodes_are_counted_from_the_link_or_the_ids() {
        let count = |json: &str| parse(json).unwrap().selected_node_count();
        assert_eq!(
            count(r#"{"url":"https://www.figma.com/design/AbCdEf1234567890/X"}"#),
            Some(0)
        );
        assert_eq!(
            count(r#"{"url":"https://www.figma.com/design/AbCdEf1234567890/X?node-id=1-2"}"#),
            Some(1)
        );
        assert_eq!(count(r#"{"url":"not a link node-id=1-2"}"#), None);
        assert_eq!(
            count(r#"{"file_key":"abc","node_ids":["1:2","3:4"]}"#),
            Some(2)
        );
        assert_eq!(count(r#"{"file_key":"abc"}"#), Some(0));
        assert_eq!(count(r#"{"frames":[{"id":"1:2"}]}"#), Some(0));
    }

    #[tokio::test]
    async fn raw_frames_parse_like_the_value_they_were_before() {
        // Whitespace and key order of the request's own text do not matter.
        let text =
            r#"[ {"name" : "Button", "id":"1:2", "type":"COMPONENT", "width":10, "height":5} ]"#;
        let value: serde_json::Value = serde_json::from_str(text).unwrap();
        let raw = parse_raw_frames(text, usize::MAX).await.unwrap();
        let via_value = parse_frames_value(&value, usize::MAX).await.unwrap();
        assert_eq!(format!("{raw:?}"), format!("{via_value:?}"));
        assert_eq!(raw.nodes.len(), 1);
        // A key given twice: the typed parser refuses it, the value kept the last, and so does
        // the fallback.
        let twice = parse_raw_frames(r#"[{"id":"1:2","name":"A","name":"B"}]"#, usize::MAX)
            .await
            .unwrap();
        assert_eq!(&*twice.nodes[0].name, "B");
        // A refused payload: the message the value path gave (positions in its compact text).
        let broken = r#"[ {"id":"1:2", "width":"wide", "height":5} ]"#;
        let value: serde_json::Value = serde_json::from_str(broken).unwrap();
        let raw_err = parse_raw_frames(broken, usize::MAX).await.unwrap_err();
        let value_err = parse_frames_value(&value, usize::MAX).await.unwrap_err();
        assert_eq!(raw_err.to_string(), value_err.to_string());
    }

    #[test]
    fn naming_no_design_or_two_says_what_to_send() {
        let none = parse("{}").unwrap_err();
        assert!(none.contains("name the design"), "{none}");
        let two = parse(r#"{"url":"https://www.figma.com/design/abc/X","frames":[]}"#).unwrap_err();
        assert!(two.contains("only one of"), "{two}");
        let ids =
            parse(r#"{"url":"https://www.figma.com/design/abc/X","node_ids":"1:2"}"#).unwrap_err();
        assert!(ids.contains("node-id"), "{ids}");
        let wrong_type = parse(r#"{"file_key":5}"#).unwrap_err();
        assert!(wrong_type.contains("invalid type"), "{wrong_type}");
    }
}
