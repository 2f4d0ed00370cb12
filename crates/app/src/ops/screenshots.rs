//! Screenshots of stored components: upload, read back, and render through Figma's image API and
//! store in one call. The store keeps a component's analysis and its screenshot in one record, so
//! each operation here writes the part it changes and carries the other part over.

use std::sync::OnceLock;
use std::time::Duration;

use handoff_figma_api::{ImageFormat, RenderQuery};
use handoff_store::{Component, ComponentInput, Identity, MAX_SCREENSHOT_BYTES};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::design::figma_error;
use crate::app::App;
use crate::error::{AppError, ErrorKind};

/// How Figma should render the node (`GET /v1/images/:key`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScreenshotRenderRequest {
    /// Between 0.01 and 4 (default 1).
    #[serde(default)]
    pub scale: Option<f32>,
    /// `png` (default) or `jpg`: the formats a stored screenshot may have.
    #[serde(default)]
    pub format: Option<String>,
}

/// A screenshot's bytes and its content type (`image/png` or `image/jpeg`).
#[derive(Debug, Clone)]
pub struct Screenshot {
    pub bytes: Vec<u8>,
    pub content_type: String,
}

/// Upper bound on one download of a rendered image.
const DOWNLOAD_TIMEOUT: Duration = Duration::from_secs(30);

impl App {
    /// Stores the analysis and metadata of a component, keeping the screenshot it already has.
    pub async fn put_component_analysis(
        &self,
        who: &Identity,
        file_key: &str,
        node_id: &str,
        analysis: Value,
        metadata: Value,
    ) -> Result<Component, AppError> {
        let screenshot = match self.existing_component(who, file_key, node_id).await? {
            Some(component) => self.screenshot_bytes(who, &component).await?,
            None => None,
        };
        let input = ComponentInput {
            analysis,
            metadata,
            screenshot,
        };
        self.put_component(who, file_key, node_id, input).await
    }

    /// Stores `bytes` (PNG or JPEG, recognised by content) as the component's screenshot, keeping
    /// its analysis; a component without a stored analysis is created with an empty one.
    pub async fn put_component_screenshot(
        &self,
        who: &Identity,
        file_key: &str,
        node_id: &str,
        bytes: Vec<u8>,
    ) -> Result<Component, AppError> {
        let (analysis, metadata) = match self.existing_component(who, file_key, node_id).await? {
            Some(component) => (component.analysis, component.metadata),
            None => (Value::Null, Value::Null),
        };
        let input = ComponentInput {
            analysis,
            metadata,
            screenshot: Some(bytes),
        };
        self.put_component(who, file_key, node_id, input).await
    }

    /// The screenshot stored for a component; 404 when there is no component or no screenshot.
    pub async fn component_screenshot(
        &self,
        who: &Identity,
        file_key: &str,
        node_id: &str,
    ) -> Result<Screenshot, AppError> {
        let component = self.get_component(who, file_key, node_id).await?;
        let Some(reference) = &component.screenshot else {
            return Err(AppError::not_found(format!(
                "node {} of file {file_key} has no stored screenshot",
                component.node_id
            )));
        };
        let bytes = self
            .store()
            .get_screenshot(who, &reference.sha256)
            .await?
            .ok_or_else(|| AppError::not_found("the component's screenshot has expired"))?;
        Ok(Screenshot {
            bytes,
            content_type: reference.content_type.clone(),
        })
    }

    /// Renders the node with Figma's image API, downloads the image and stores it as the
    /// component's screenshot, in one call.
    pub async fn fetch_component_screenshot(
        &self,
        who: &Identity,
        file_key: &str,
        node_id: &str,
        request: &ScreenshotRenderRequest,
    ) -> Result<Component, AppError> {
        let node_id = handoff_figma::normalize_node_id(node_id)
            .map_err(|err| AppError::bad_request(err.to_string()).with_code("invalid_node_id"))?;
        let format_name = request.format.as_deref().unwrap_or("png");
        if !matches!(
            ImageFormat::parse(format_name).map_err(figma_error)?,
            ImageFormat::Png | ImageFormat::Jpg
        ) {
            return Err(AppError::bad_request(format!(
                "a screenshot is stored as png or jpg, not {format_name:?}"
            ))
            .with_code("invalid_image_format"));
        }
        // The client checks the scale (0.01 to 4) before calling Figma.
        let scale = request.scale.unwrap_or(1.0);
        let rendered = self
            .render_node_url(who, file_key, &node_id, scale, format_name)
            .await?;
        let bytes = download(&rendered.url).await?;
        self.put_component_screenshot(who, file_key, &node_id, bytes)
            .await
    }

    /// The caller's stored component, or `None` (rather than 404) when there is none yet.
    async fn existing_component(
        &self,
        who: &Identity,
        file_key: &str,
        node_id: &str,
    ) -> Result<Option<Component>, AppError> {
        match self.get_component(who, file_key, node_id).await {
            Ok(component) => Ok(Some(component)),
            Err(err) if err.kind == ErrorKind::NotFound => Ok(None),
            Err(err) => Err(err),
        }
    }

    /// The bytes of a component's screenshot, when it has one that has not expired.
    async fn screenshot_bytes(
        &self,
        who: &Identity,
        component: &Component,
    ) -> Result<Option<Vec<u8>>, AppError> {
        match &component.screenshot {
            Some(reference) => Ok(self.store().get_screenshot(who, &reference.sha256).await?),
            None => Ok(None),
        }
    }
}

/// Downloads a rendered image from the URL Figma returned, refusing anything larger than a
/// screenshot may be.
async fn download(url: &str) -> Result<Vec<u8>, AppError> {
    let parsed =
        reqwest::Url::parse(url).map_err(|err| upstream(format!("bad image URL: {err}")))?;
    if !matches!(parsed.scheme(), "https" | "http") {
        return Err(upstream(format!(
            "Figma returned an image URL with scheme {:?}",
            parsed.scheme()
        )));
    }
    let mut response = http_client()?
        .get(parsed)
        .send()
        .await
        .map_err(|err| upstream(format!("cannot download the rendered image: {err}")))?;
    if !response.status().is_success() {
        return Err(upstream(format!(
            "downloading the rendered image answered {}",
            response.status()
        )));
    }
    let too_large = || {
        AppError::new(
            ErrorKind::PayloadTooLarge,
            format!(
                "the rendered image is larger than {MAX_SCREENSHOT_BYTES} bytes; use a smaller scale"
            ),
        )
    };
    if response
        .content_length()
        .is_some_and(|len| len > MAX_SCREENSHOT_BYTES as u64)
    {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|err| upstream(format!("the rendered image download failed: {err}")))?
    {
        if bytes.len() + chunk.len() > MAX_SCREENSHOT_BYTES {
            return Err(too_large());
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// One client for every download (connection reuse; TLS set up once).
fn http_client() -> Result<&'static reqwest::Client, AppError> {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    if let Some(client) = CLIENT.get() {
        return Ok(client);
    }
    let client = reqwest::Client::builder()
        .timeout(DOWNLOAD_TIMEOUT)
        .build()
        .map_err(|err| AppError::internal(format!("cannot build the download client: {err}")))?;
    Ok(CLIENT.get_or_init(|| client))
}

fn upstream(message: String) -> AppError {
    AppError::new(ErrorKind::Upstream, message).with_code("figma_image_download_failed")
}

/// A node rendered by Figma's image API (the legacy screenshot route answers with its URL).
#[derive(Debug, Clone)]
pub struct RenderedNode {
    pub url: String,
    pub file_key: String,
    /// Normalised (`1:2`).
    pub node_id: String,
    /// The render URL came from the cache (no render call to Figma).
    pub from_cache: bool,
}

impl App {
    /// Renders one node with Figma's image API; the Figma client caches the URL per file version,
    /// scale and format. `file_key` may be a figma.com link; `node_id` may be spelt as links spell
    /// it (`1-2`). Scale (0.01–4) and format (png, jpg, svg, pdf) are checked by the client.
    pub async fn render_node_url(
        &self,
        who: &Identity,
        file_key: &str,
        node_id: &str,
        scale: f32,
        format: &str,
    ) -> Result<RenderedNode, AppError> {
        let link = handoff_figma::parse_figma_url(file_key)
            .map_err(|err| AppError::bad_request(err.to_string()).with_code("invalid_file_key"))?;
        let node_id = handoff_figma::normalize_node_id(node_id)
            .map_err(|err| AppError::bad_request(err.to_string()).with_code("invalid_node_id"))?;
        let format = ImageFormat::parse(format).map_err(figma_error)?;
        let auth = self.figma_auth(who).await?;
        let query = RenderQuery {
            ids: vec![node_id.clone()],
            scale,
            format,
        };
        let (client, budget) = self.figma_for(who);
        let renders = client
            .render_images(&auth, &link.file_key, &query)
            .await
            .map_err(|err| budget.error(err))?;
        let url = renders
            .value
            .images
            .get(&node_id)
            .cloned()
            .flatten()
            .ok_or_else(|| {
                AppError::not_found(format!(
                    "Figma could not render node {node_id} of file {} (it is missing, invisible \
                     or empty)",
                    link.file_key
                ))
                .with_code("figma_not_rendered")
            })?;
        Ok(RenderedNode {
            url,
            file_key: link.file_key,
            node_id,
            from_cache: renders.from_cache,
        })
    }
}
