//! `/api/v1/components` and `/api/v1/screenshots`: stored component analyses of the caller's org
//! and their screenshots (uploaded, or rendered by Figma and stored in one call).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Path, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use handoff_app::ops::screenshots::ScreenshotRenderRequest;
use handoff_app::ratelimit::RateGroup;
use handoff_app::{App, AppError};
use handoff_store::{Component, ScreenshotRef};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::openapi::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{Call, PREFIX};
use crate::error::{ApiError, kind_for_status};
use crate::http::AppState;
use crate::http::json::JsonBody;

/// Multipart parts taken as the screenshot, by name (any part with a file name also is).
const SCREENSHOT_PARTS: [&str; 3] = ["screenshot", "file", "image"];

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ComponentAnalysis {
    /// The analysis to store (any JSON).
    pub analysis: Value,
    /// Anything else to keep with it (any JSON).
    #[serde(default)]
    pub metadata: Value,
}

/// A stored component as the API returns it.
#[derive(Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct StoredComponent {
    pub file_key: String,
    /// Normalised (`1:2`).
    pub node_id: String,
    pub analysis: Value,
    pub metadata: Value,
    pub screenshot: Option<StoredScreenshot>,
    /// Unix milliseconds.
    pub stored_at: u64,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct StoredScreenshot {
    /// SHA-256 of the image (lowercase hex): screenshots are stored once per content.
    pub sha256: String,
    /// `image/png` or `image/jpeg`.
    pub content_type: String,
    /// Size in bytes.
    pub bytes: usize,
    /// Where to download it.
    pub url: String,
}

impl From<Component> for StoredComponent {
    fn from(component: Component) -> Self {
        Self {
            file_key: component.file_key.into(),
            node_id: component.node_id,
            analysis: component.analysis,
            metadata: component.metadata,
            screenshot: component.screenshot.map(
                |ScreenshotRef {
                     sha256,
                     content_type,
                     len,
                 }| {
                    StoredScreenshot {
                        url: format!("{PREFIX}/screenshots/{sha256}"),
                        sha256,
                        content_type,
                        bytes: len,
                    }
                },
            ),
            stored_at: component.stored_at,
        }
    }
}

pub fn routes(app: &Arc<App>) -> (Router<AppState>, OpenApi) {
    // Rendering a screenshot also draws on the caller's Figma budget, in the operation (as every
    // Figma read does, whatever the interface).
    let routes = OpenApiRouter::new()
        .routes(routes!(get_component, store_component))
        .routes(routes!(
            get_component_screenshot,
            upload_component_screenshot
        ))
        .routes(routes!(get_screenshot))
        .routes(routes!(fetch_component_screenshot));
    super::guarded(routes, app, RateGroup::Reads)
}

/// Store a component analysis
///
/// Stores the analysis for the caller's org, replacing any before it; a stored screenshot is kept.
#[utoipa::path(put, path = "/components/{file_key}/{node_id}", tag = "components",
    params(
        ("file_key" = String, Path, description = "The Figma file key."),
        ("node_id" = String, Path, description = "`1:2`, `1-2` or an instance path `I1:2;3:4`.")),
    request_body(content = ref("#/components/schemas/ComponentAnalysis")),
    responses(
        (status = 200, description = "The stored component.", body = ref("#/components/schemas/StoredComponent")),
        (status = 400, description = "Invalid file key, node id or body.", body = ref("#/components/schemas/ErrorResponse")),
        (status = 413, description = "The record is too large.", body = ref("#/components/schemas/ErrorResponse"))))]
async fn store_component(
    call: Call,
    Path((file_key, node_id)): Path<(String, String)>,
    JsonBody(body): JsonBody<ComponentAnalysis>,
) -> Result<Json<StoredComponent>, ApiError> {
    let component = call
        .app
        .put_component_analysis(
            call.who(),
            &file_key,
            &node_id,
            body.analysis,
            body.metadata,
        )
        .await?;
    Ok(Json(component.into()))
}

/// Get a component analysis
#[utoipa::path(get, path = "/components/{file_key}/{node_id}", tag = "components",
    params(
        ("file_key" = String, Path, description = "The Figma file key."),
        ("node_id" = String, Path, description = "`1:2`, `1-2` or an instance path `I1:2;3:4`.")),
    responses(
        (status = 200, description = "The stored component.", body = ref("#/components/schemas/StoredComponent")),
        (status = 404, description = "The caller's org has none stored for this node.", body = ref("#/components/schemas/ErrorResponse"))))]
async fn get_component(
    call: Call,
    Path((file_key, node_id)): Path<(String, String)>,
) -> Result<Json<StoredComponent>, ApiError> {
    let component = call
        .app
        .get_component(call.who(), &file_key, &node_id)
        .await?;
    Ok(Json(component.into()))
}

/// Upload a screenshot
///
/// The body is the raw image (`Content-Type: image/png` or `image/jpeg`) or `multipart/form-data`
/// with a `screenshot` part. The type is recognised from the bytes. A component without a stored
/// analysis is created with an empty one.
#[utoipa::path(put, path = "/components/{file_key}/{node_id}/screenshot", tag = "components",
    params(
        ("file_key" = String, Path, description = "The Figma file key."),
        ("node_id" = String, Path, description = "`1:2`, `1-2` or an instance path `I1:2;3:4`.")),
    request_body(content(
        ("image/png"),
        ("image/jpeg"),
        (ref("#/components/schemas/ScreenshotUpload") = "multipart/form-data"))),
    responses(
        (status = 200, description = "The component with its screenshot.", body = ref("#/components/schemas/StoredComponent")),
        (status = 400, description = "Not a PNG or JPEG image, or another content type.", body = ref("#/components/schemas/ErrorResponse")),
        (status = 413, description = "Larger than a screenshot may be (10 MiB) or than the body limit.", body = ref("#/components/schemas/ErrorResponse"))))]
async fn upload_component_screenshot(
    call: Call,
    Path((file_key, node_id)): Path<(String, String)>,
    request: Request,
) -> Result<Json<StoredComponent>, ApiError> {
    let bytes = screenshot_body(request).await?;
    let component = call
        .app
        .put_component_screenshot(call.who(), &file_key, &node_id, bytes)
        .await?;
    Ok(Json(component.into()))
}

/// Download a component's screenshot
#[utoipa::path(get, path = "/components/{file_key}/{node_id}/screenshot", tag = "components",
    params(
        ("file_key" = String, Path, description = "The Figma file key."),
        ("node_id" = String, Path, description = "`1:2`, `1-2` or an instance path `I1:2;3:4`.")),
    responses(
        (status = 200, description = "The image, byte for byte as stored.", content(("image/png"), ("image/jpeg"))),
        (status = 404, description = "No such component, or it has no screenshot.", body = ref("#/components/schemas/ErrorResponse"))))]
async fn get_component_screenshot(
    call: Call,
    Path((file_key, node_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let screenshot = call
        .app
        .component_screenshot(call.who(), &file_key, &node_id)
        .await?;
    Ok(image_response(
        screenshot.bytes,
        &screenshot.content_type,
        false,
    ))
}

/// Render and store a screenshot
///
/// Renders the node with Figma's image API, downloads the image and stores it as the component's
/// screenshot, in one call. Draws on the caller's reads and Figma budgets.
#[utoipa::path(post, path = "/components/{file_key}/{node_id}/screenshot/fetch", tag = "components",
    params(
        ("file_key" = String, Path, description = "The Figma file key."),
        ("node_id" = String, Path, description = "`1:2`, `1-2` or an instance path `I1:2;3:4`.")),
    request_body(content = ref("#/components/schemas/ScreenshotRenderRequest"), description = "Optional; defaults to PNG at scale 1."),
    responses(
        (status = 200, description = "The component with its new screenshot.", body = ref("#/components/schemas/StoredComponent")),
        (status = 400, description = "Invalid node id, scale or format.", body = ref("#/components/schemas/ErrorResponse")),
        (status = 401, description = "No Figma token for the caller, or Figma refused it.", body = ref("#/components/schemas/ErrorResponse")),
        (status = 404, description = "Figma does not know the file or could not render the node.", body = ref("#/components/schemas/ErrorResponse")),
        (status = 502, description = "Figma or the image download failed.", body = ref("#/components/schemas/ErrorResponse"))))]
async fn fetch_component_screenshot(
    call: Call,
    Path((file_key, node_id)): Path<(String, String)>,
    body: Option<JsonBody<ScreenshotRenderRequest>>,
) -> Result<Json<StoredComponent>, ApiError> {
    let request = body.map(|JsonBody(body)| body).unwrap_or_default();
    let component = call
        .app
        .fetch_component_screenshot(call.who(), &file_key, &node_id, &request)
        .await?;
    Ok(Json(component.into()))
}

/// Download a screenshot by hash
///
/// Screenshots are content-addressed per org, so the response never changes.
#[utoipa::path(get, path = "/screenshots/{sha256}", tag = "components",
    params(("sha256" = String, Path, description = "`sha256` of a stored screenshot (64 lowercase hex digits).")),
    responses(
        (status = 200, description = "The image.", content(("image/png"), ("image/jpeg"))),
        (status = 400, description = "Not a SHA-256 in lowercase hex.", body = ref("#/components/schemas/ErrorResponse")),
        (status = 404, description = "The caller's org has no such screenshot.", body = ref("#/components/schemas/ErrorResponse"))))]
async fn get_screenshot(call: Call, Path(sha256): Path<String>) -> Result<Response, ApiError> {
    let (bytes, content_type) = call.app.get_screenshot(call.who(), &sha256).await?;
    Ok(image_response(bytes, content_type, true))
}

fn image_response(bytes: Vec<u8>, content_type: &str, immutable: bool) -> Response {
    let content_type =
        HeaderValue::from_str(content_type).unwrap_or(HeaderValue::from_static("image/png"));
    let cache = if immutable {
        "private, max-age=31536000, immutable"
    } else {
        "private, no-cache"
    };
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// The uploaded image: the raw body for `image/png` and `image/jpeg`, the screenshot part of a
/// `multipart/form-data` body.
async fn screenshot_body(request: Request) -> Result<Vec<u8>, ApiError> {
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    match essence {
        "image/png" | "image/jpeg" => {
            let bytes = Bytes::from_request(request, &())
                .await
                .map_err(|rejection| rejected(rejection.status(), rejection.body_text()))?;
            Ok(bytes.to_vec())
        }
        "multipart/form-data" => {
            let mut multipart = Multipart::from_request(request, &())
                .await
                .map_err(|rejection| rejected(rejection.status(), rejection.body_text()))?;
            while let Some(field) = multipart
                .next_field()
                .await
                .map_err(|err| rejected(err.status(), err.body_text()))?
            {
                let wanted = field.file_name().is_some()
                    || field
                        .name()
                        .is_some_and(|name| SCREENSHOT_PARTS.contains(&name));
                if wanted {
                    let bytes = field
                        .bytes()
                        .await
                        .map_err(|err| rejected(err.status(), err.body_text()))?;
                    return Ok(bytes.to_vec());
                }
            }
            Err(AppError::bad_request(
                "the multipart body has no `screenshot` part (or any part with a file name)",
            )
            .with_code("missing_screenshot")
            .into())
        }
        other => Err(AppError::bad_request(format!(
            "a screenshot is sent as image/png, image/jpeg or multipart/form-data, not {:?}",
            if other.is_empty() {
                "no Content-Type"
            } else {
                other
            }
        ))
        .with_code("unsupported_media_type")
        .into()),
    }
}

/// The `multipart/form-data` form of an upload, for the OpenAPI document.
pub fn upload_form_schema() -> Value {
    serde_json::json!({
        "type": "object",
        "properties": {
            "screenshot": {
                "type": "string",
                "contentMediaType": "application/octet-stream",
                "description": "The PNG or JPEG file (a part named `file` or `image`, or any part with a file name, is also taken).",
            },
        },
    })
}

/// An extractor's refusal (size limit, broken multipart) in the one error shape.
fn rejected(status: StatusCode, message: String) -> ApiError {
    let (kind, code, _) = kind_for_status(status);
    ApiError(AppError::new(kind, message).with_code(code))
}
