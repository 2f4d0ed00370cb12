//! Caches: resolved templates (per org), analysed components with content-addressed screenshots
//! (per org), and raw Figma API responses (lz4, per file).

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::backend::Put;
use crate::error::{StoreError, StoreResult};
use crate::keys::{Identity, check, encode_segment, layout};
use crate::records::{Component, ScreenshotRef, TemplateEntry, encode};
use crate::store::{Store, now_ms};

/// Screenshots are raw PNG/JPEG bytes up to this size.
pub const MAX_SCREENSHOT_BYTES: usize = 10 * 1024 * 1024;
/// Bound on a component's analysis + metadata JSON.
pub const MAX_COMPONENT_JSON: usize = 4 * 1024 * 1024;
/// Bound on one cached Figma response before compression.
pub const MAX_FIGMA_RESPONSE: usize = 256 * 1024 * 1024;
/// Leading byte of a cached Figma body: the format (1 = lz4 block with prepended size).
const FIGMA_FORMAT_LZ4: u8 = 1;

/// What a caller stores for one analysed component.
#[derive(Clone, Debug)]
pub struct ComponentInput {
    pub analysis: Value,
    pub metadata: Value,
    /// Raw PNG or JPEG bytes (decode base64 at the API edge, not here).
    pub screenshot: Option<Vec<u8>>,
}

impl Store {
    // --- templates ---

    /// Writes the org's cached template for (platform, type), replacing any entry: the
    /// write-through after a save or delete of the template it was resolved from.
    pub async fn put_template(
        &self,
        who: &Identity,
        platform: &str,
        document_type: &str,
        content: &str,
        version: &str,
        source_hash: &str,
    ) -> StoreResult<TemplateEntry> {
        let key = template_key(who, platform, document_type)?;
        let entry = template_entry(content, version, source_hash);
        self.put_record(&key, &entry, Some(self.config.template_ttl()))
            .await?;
        Ok(entry)
    }

    /// The cached template if it was resolved from `source_hash`; a stale entry is dropped.
    pub async fn get_template(
        &self,
        who: &Identity,
        platform: &str,
        document_type: &str,
        source_hash: &str,
    ) -> StoreResult<Option<TemplateEntry>> {
        let key = template_key(who, platform, document_type)?;
        match self.get_record::<TemplateEntry>(&key).await? {
            Some(entry) if entry.source_hash == source_hash => Ok(Some(entry)),
            Some(_) => {
                self.backend.delete(&[key]).await?;
                Ok(None)
            }
            None => Ok(None),
        }
    }

    /// The org's cached template for (platform, type), whatever source it was resolved from.
    pub async fn cached_template(
        &self,
        who: &Identity,
        platform: &str,
        document_type: &str,
    ) -> StoreResult<Option<TemplateEntry>> {
        self.get_record(&template_key(who, platform, document_type)?)
            .await
    }

    /// Fills an empty slot after a miss; `false` if an entry is already there. A fill never
    /// replaces an entry, so a write-through from a concurrent save wins over a fill made from
    /// what was read before that save.
    pub async fn fill_template(
        &self,
        who: &Identity,
        platform: &str,
        document_type: &str,
        content: &str,
        version: &str,
        source_hash: &str,
    ) -> StoreResult<bool> {
        let key = template_key(who, platform, document_type)?;
        let entry = template_entry(content, version, source_hash);
        self.backend
            .set_nx(&key, encode(&entry)?, self.config.template_ttl())
            .await
    }

    pub async fn invalidate_template(
        &self,
        who: &Identity,
        platform: &str,
        document_type: &str,
    ) -> StoreResult<bool> {
        let key = template_key(who, platform, document_type)?;
        Ok(self.backend.delete(&[key]).await? > 0)
    }

    // --- components and screenshots ---

    /// Stores a component for the caller's org; its screenshot is stored once per content hash.
    /// The record and the blob are written together (one slot, one transaction).
    pub async fn put_component(
        &self,
        who: &Identity,
        file_key: &str,
        node_id: &str,
        input: ComponentInput,
    ) -> StoreResult<Component> {
        let file_key = check("file key", file_key)?;
        let key = layout::component(&who.org_id, &file_key, &encode_segment("node id", node_id)?);
        let ttl = Some(self.config.component_ttl());
        let mut puts = Vec::with_capacity(2);
        let screenshot = match input.screenshot {
            Some(bytes) => {
                let content_type = screenshot_type(&bytes)?;
                let sha256 = hex::encode(Sha256::digest(&bytes));
                let reference = ScreenshotRef {
                    sha256,
                    content_type: content_type.to_owned(),
                    len: bytes.len(),
                };
                // Rewriting an identical blob refreshes its TTL, so it outlives every component using it.
                puts.push(Put {
                    key: layout::screenshot(&who.org_id, &reference.sha256),
                    value: bytes,
                    ttl,
                });
                Some(reference)
            }
            None => None,
        };
        let component = Component {
            file_key,
            node_id: node_id.to_owned(),
            analysis: input.analysis,
            metadata: input.metadata,
            screenshot,
            stored_at: now_ms(),
        };
        let record = encode(&component)?;
        if record.len() > MAX_COMPONENT_JSON {
            return Err(StoreError::TooLarge {
                what: "component record",
                size: record.len(),
                limit: MAX_COMPONENT_JSON,
            });
        }
        puts.push(Put {
            key,
            value: record,
            ttl,
        });
        self.backend.set_all(puts).await?;
        Ok(component)
    }

    pub async fn get_component(
        &self,
        who: &Identity,
        file_key: &str,
        node_id: &str,
    ) -> StoreResult<Option<Component>> {
        let file_key = check("file key", file_key)?;
        let key = layout::component(&who.org_id, &file_key, &encode_segment("node id", node_id)?);
        self.get_record(&key).await
    }

    pub async fn delete_component(
        &self,
        who: &Identity,
        file_key: &str,
        node_id: &str,
    ) -> StoreResult<bool> {
        let file_key = check("file key", file_key)?;
        let key = layout::component(&who.org_id, &file_key, &encode_segment("node id", node_id)?);
        Ok(self.backend.delete(&[key]).await? > 0)
    }

    /// A screenshot blob of the caller's org by its sha256 (lowercase hex).
    pub async fn get_screenshot(
        &self,
        who: &Identity,
        sha256: &str,
    ) -> StoreResult<Option<Vec<u8>>> {
        if sha256.len() != 64
            || !sha256
                .bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        {
            return Err(StoreError::invalid(
                "screenshot hash",
                "expected 64 lowercase hex digits",
            ));
        }
        self.backend
            .get(&layout::screenshot(&who.org_id, sha256))
            .await
    }

    // --- Figma responses ---

    /// Caches a raw Figma API response body (lz4-compressed) for `figma_ttl`.
    pub async fn put_figma_response(
        &self,
        file_key: &str,
        version: &str,
        request: &str,
        body: &[u8],
    ) -> StoreResult<()> {
        if body.len() > MAX_FIGMA_RESPONSE {
            return Err(StoreError::TooLarge {
                what: "figma response",
                size: body.len(),
                limit: MAX_FIGMA_RESPONSE,
            });
        }
        let key = figma_key(file_key, version, request)?;
        let mut value = Vec::with_capacity(body.len() / 4 + 8);
        value.push(FIGMA_FORMAT_LZ4);
        value.extend_from_slice(&lz4_flex::compress_prepend_size(body));
        self.backend
            .set(&key, value, Some(self.config.figma_ttl()))
            .await
    }

    pub async fn get_figma_response(
        &self,
        file_key: &str,
        version: &str,
        request: &str,
    ) -> StoreResult<Option<Vec<u8>>> {
        let key = figma_key(file_key, version, request)?;
        let Some(value) = self.backend.get(&key).await? else {
            return Ok(None);
        };
        let corrupt = |reason: String| StoreError::Corrupt {
            key: key.clone(),
            reason,
        };
        match value.split_first() {
            Some((&FIGMA_FORMAT_LZ4, compressed)) => {
                // LZ4 cannot expand more than 255×, so a larger declared size is damage, and
                // trusting it would allocate up to 4 GiB.
                let declared = compressed
                    .get(..4)
                    .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
                    .ok_or_else(|| corrupt("truncated cache entry".into()))?;
                if declared > compressed.len().saturating_mul(255) + 64 {
                    return Err(corrupt(format!(
                        "declared size {declared} is impossible for its length"
                    )));
                }
                lz4_flex::decompress_size_prepended(compressed)
                    .map(Some)
                    .map_err(|e| corrupt(e.to_string()))
            }
            _ => Err(corrupt("unknown cache format".into())),
        }
    }

    /// Short-lived per-file metadata (e.g. the latest version and when it was checked).
    pub async fn put_figma_meta(&self, file_key: &str, meta: &Value) -> StoreResult<()> {
        let file_key = check("file key", file_key)?;
        self.put_record(
            &layout::figma_meta(&file_key),
            meta,
            Some(self.config.figma_meta_ttl()),
        )
        .await
    }

    pub async fn get_figma_meta(&self, file_key: &str) -> StoreResult<Option<Value>> {
        let file_key = check("file key", file_key)?;
        self.get_record(&layout::figma_meta(&file_key)).await
    }
}

fn template_entry(content: &str, version: &str, source_hash: &str) -> TemplateEntry {
    TemplateEntry {
        content: content.to_owned(),
        version: version.to_owned(),
        source_hash: source_hash.to_owned(),
        cached_at: now_ms(),
    }
}

fn template_key(who: &Identity, platform: &str, document_type: &str) -> StoreResult<String> {
    Ok(layout::template(
        &who.org_id,
        &check("platform", platform)?,
        &check("document type", document_type)?,
    ))
}

fn figma_key(file_key: &str, version: &str, request: &str) -> StoreResult<String> {
    Ok(layout::figma_response(
        &check("file key", file_key)?,
        &encode_segment("figma version", version)?,
        &encode_segment("figma request", request)?,
    ))
}

/// Accepts PNG and JPEG only, by their magic bytes, within the size bound.
fn screenshot_type(bytes: &[u8]) -> StoreResult<&'static str> {
    if bytes.len() > MAX_SCREENSHOT_BYTES {
        return Err(StoreError::TooLarge {
            what: "screenshot",
            size: bytes.len(),
            limit: MAX_SCREENSHOT_BYTES,
        });
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Ok("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Ok("image/jpeg")
    } else {
        Err(StoreError::invalid("screenshot", "not a PNG or JPEG image"))
    }
}
