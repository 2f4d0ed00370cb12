//! The small Figma responses: image renders, image fills and file metadata.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// `GET /v1/images/:key`: node id → rendered image URL (null when the node
/// could not be rendered).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ImageRenders {
    pub err: Option<String>,
    pub images: BTreeMap<String, Option<String>>,
}

/// `GET /v1/files/:key/images`: image fill `imageRef` → download URL.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ImageFills {
    pub images: BTreeMap<String, String>,
}

/// A Figma user as the meta endpoint describes it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FigmaUser {
    pub id: Option<String>,
    pub handle: Option<String>,
    pub img_url: Option<String>,
}

/// `GET /v1/files/:key/meta`: cheap file metadata, used to validate caches.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FileMeta {
    pub name: String,
    pub folder_name: Option<String>,
    pub last_touched_at: Option<String>,
    pub creator: Option<FigmaUser>,
    pub last_touched_by: Option<FigmaUser>,
    pub thumbnail_url: Option<String>,
    #[serde(rename = "editorType")]
    pub editor_type: Option<String>,
    pub role: Option<String>,
    pub link_access: Option<String>,
    pub url: Option<String>,
    pub version: Option<String>,
}
