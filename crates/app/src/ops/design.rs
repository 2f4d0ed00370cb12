//! Where a design comes from: a Figma link, a file key and node ids, or the plugin's inline frame
//! data. Everything is normalised into one parsed [`Design`].

use std::sync::Arc;

use handoff_figma::Design;
use handoff_figma_api::{FigmaAuth, FigmaError, FileQuery, NodesQuery};
use handoff_store::Identity;
use serde::{Deserialize, Serialize};

use crate::app::App;
use crate::error::{AppError, ErrorKind};

/// A design to work on. Exactly one of the forms.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum DesignSource {
    /// Any figma.com link (`/file/`, `/design/`, `/proto/`, branch links; `node-id=1-2`).
    Url {
        #[serde(alias = "figmaUrl", alias = "figma_url")]
        url: String,
    },
    /// A file key and, optionally, the nodes to fetch (`1:2`, `1-2`, `I1:2;3:4`).
    File {
        #[serde(alias = "fileKey")]
        file_key: String,
        #[serde(default, alias = "nodeIds", alias = "node_id", alias = "nodeId")]
        node_ids: NodeIds,
    },
    /// The Figma plugin's `frameData` / `enhancedFrameData` payload, inline.
    Inline {
        #[serde(alias = "frameData", alias = "enhancedFrameData", alias = "frame_data")]
        frames: serde_json::Value,
    },
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
                let bytes = serde_json::to_vec(frames)
                    .map_err(|err| AppError::internal(err.to_string()))?;
                let design =
                    parse_off_thread(move || handoff_figma::parse_plugin_payload(&bytes)).await?;
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
        let client = self.figma();
        let fetched = if node_ids.is_empty() {
            client.file(&auth, file_key, &FileQuery::default()).await
        } else {
            let query = NodesQuery {
                ids: node_ids.clone(),
                ..NodesQuery::default()
            };
            client.nodes(&auth, file_key, &query).await
        }
        .map_err(figma_error)?;
        let version = fetched.version.clone();
        let bytes = fetched.value;
        let design = parse_off_thread(move || handoff_figma::parse_design(&bytes)).await?;
        Ok(LoadedDesign {
            design: Arc::new(design),
            file_key: Some(file_key.to_owned()),
            node_ids,
            version: Some(version),
        })
    }

    /// The Figma credential used for this caller: the configured token of the deployment.
    pub(crate) async fn figma_auth(&self, _who: &Identity) -> Result<FigmaAuth, AppError> {
        match &self.config().figma_token {
            Some(token) => Ok(FigmaAuth::PersonalAccessToken(token.expose().to_owned())),
            None => Err(AppError::new(
                ErrorKind::Unauthenticated,
                "no Figma token is configured: set `figma_token` (env HANDOFF_FIGMA_TOKEN) to a personal \
                 access token with the file_content:read scope, or send the plugin's frame data inline",
            )
            .with_code("figma_token_missing")),
        }
    }
}

async fn parse_off_thread(
    parse: impl FnOnce() -> Result<Design, handoff_figma::ParseError> + Send + 'static,
) -> Result<Design, AppError> {
    tokio::task::spawn_blocking(parse)
        .await
        .map_err(|err| AppError::internal(format!("parsing was interrupted: {err}")))?
        .map_err(|err| AppError::bad_request(err.to_string()).with_code("invalid_figma_data"))
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
