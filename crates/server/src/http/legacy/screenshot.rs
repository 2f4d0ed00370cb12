//! `GET /api/figma/screenshot?fileKey=&nodeId=&scale=2&format=png` (legacy-api §6): a render URL
//! from Figma's image API, cached per file version by the Figma client. No mock mode and no
//! invented dimensions.

use std::time::Instant;

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use handoff_app::AppError;
use handoff_app::auth::Caller;
use serde::Deserialize;
use serde_json::json;

use super::{Route, legacy_error, timestamp};
use crate::http::AppState;

#[derive(Debug, Deserialize)]
pub struct ScreenshotParams {
    #[serde(default, rename = "fileKey")]
    file_key: Option<String>,
    #[serde(default, rename = "nodeId")]
    node_id: Option<String>,
    #[serde(default)]
    scale: Option<String>,
    #[serde(default)]
    format: Option<String>,
}

pub async fn capture(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(params): Query<ScreenshotParams>,
) -> Response {
    let present = |value: &Option<String>| {
        value
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let (file_key, node_id) = (present(&params.file_key), present(&params.node_id));
    let route = Route::Screenshot {
        file_key: file_key.as_deref().unwrap_or_default(),
        node_id: node_id.as_deref().unwrap_or_default(),
    };
    let (Some(file_key), Some(node_id)) = (file_key.as_deref(), node_id.as_deref()) else {
        return legacy_error(
            route,
            AppError::bad_request("Missing required parameters: fileKey and nodeId")
                .with_code("missing_parameters"),
        );
    };
    let scale = match present(&params.scale) {
        None => 2.0,
        Some(text) => match text.parse::<f32>() {
            Ok(scale) => scale,
            Err(_) => {
                return legacy_error(
                    route,
                    AppError::bad_request(format!(
                        "scale must be a number between 0.01 and 4, not {text:?}"
                    ))
                    .with_code("invalid_scale"),
                );
            }
        },
    };
    let format = present(&params.format).unwrap_or_else(|| "png".to_owned());
    let started = Instant::now();
    let rendered = match state
        .app
        .render_node_url(&caller.identity, file_key, node_id, scale, &format)
        .await
    {
        Ok(rendered) => rendered,
        Err(err) => return legacy_error(route, err),
    };
    let duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    Json(json!({
        "success": true,
        "imageUrl": rendered.url,
        "message": "Screenshot captured successfully",
        "cached": rendered.from_cache,
        "data": {
            "fileKey": rendered.file_key,
            "nodeId": rendered.node_id,
            "scale": scale,
            "format": format,
            "timestamp": timestamp(),
            "performance": {
                "duration": duration_ms,
                "source": if rendered.from_cache { "cache" } else { "figma-api" },
            },
        },
        "metadata": { "requestTime": duration_ms },
    }))
    .into_response()
}
