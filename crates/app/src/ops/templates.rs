//! Templates: what exists, what a (platform, type) resolves to for the caller, team overrides, and
//! previews of template sources before they are saved.

use std::sync::Arc;

use handoff_store::{Identity, OverrideScope, TemplateOverride};
use handoff_templates::{
    CompiledTemplate, Overrides, StoredTemplate, TemplateInfo, TemplateKey, TemplateOrigin,
    ValidationReport, sample_context, source_hash,
};
use serde::Serialize;

use super::tickets::template_error;
use crate::app::App;
use crate::error::AppError;

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct TemplateListing {
    /// Built-in and directory templates.
    #[schemars(with = "Vec<serde_json::Value>")]
    pub templates: Vec<TemplateInfo>,
    /// The caller's org and user overrides (their sources omitted; fetch one with get_template).
    pub overrides: Vec<OverrideSummary>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct OverrideSummary {
    pub scope: String,
    pub platform: String,
    pub document_type: String,
    pub updated_by: String,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct TemplateView {
    pub platform: String,
    pub document_type: String,
    pub id: String,
    pub version: String,
    /// `org`, `user`, `dir` or `builtin`: where the caller's resolution found it.
    pub origin: String,
    pub source_hash: String,
    /// The template as data (metadata and Jinja content).
    #[schemars(with = "serde_json::Value")]
    pub template: handoff_templates::TemplateSpec,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct TemplatePreview {
    #[schemars(with = "serde_json::Value")]
    pub validation: ValidationReport,
    /// The template rendered against a sample context, as Markdown.
    pub rendered: Option<String>,
}

impl App {
    /// The stored templates that apply to the caller for `key`. An org override wins over a user
    /// override. Both are asked for at once (one round trip to Redis: the two reads travel
    /// together on the multiplexed connection, each to its own slot in a cluster); the user's
    /// answer is dropped when the org has an override.
    pub(crate) async fn template_overrides(
        &self,
        who: &Identity,
        key: TemplateKey,
    ) -> Result<Overrides, AppError> {
        let (platform, document_type) = (key.platform.to_string(), key.document_type.to_string());
        let user = async {
            self.store()
                .get_template_override(who, OverrideScope::User, &platform, &document_type)
                .await
                .map_err(AppError::from)
        };
        let (org, user) =
            tokio::try_join!(self.org_template(who, &platform, &document_type), user)?;
        if let Some(org) = org {
            return Ok(Overrides {
                org: Some(org),
                user: None,
            });
        }
        Ok(Overrides {
            org: None,
            user: user.map(|r| StoredTemplate {
                owner_id: r.owner_id,
                source: r.source,
            }),
        })
    }

    /// The org's override for (platform, type) through the shared template cache: the store's
    /// `template:{org}:{platform}:{type}` entry holds the org's override source (or an empty
    /// entry: "this org has none"), so every instance and every user of the org reads one record
    /// instead of the override, and the registry compiles each source once per process (keyed by
    /// its hash). Saves and deletes write the entry through; see [`App::save_template`].
    async fn org_template(
        &self,
        who: &Identity,
        platform: &str,
        document_type: &str,
    ) -> Result<Option<StoredTemplate>, AppError> {
        let store = self.store();
        if let Some(entry) = store.cached_template(who, platform, document_type).await? {
            if entry.source_hash.is_empty() && entry.content.is_empty() {
                metrics::counter!(CACHE_HITS).increment(1);
                return Ok(None);
            }
            // An entry that does not match its own hash is damaged: refetch rather than trust it.
            if source_hash(&entry.content) == entry.source_hash {
                metrics::counter!(CACHE_HITS).increment(1);
                return Ok(Some(StoredTemplate {
                    owner_id: who.org_id.to_string(),
                    source: entry.content,
                }));
            }
            store
                .invalidate_template(who, platform, document_type)
                .await?;
        }
        metrics::counter!(CACHE_MISSES).increment(1);
        let record = store
            .get_template_override(who, OverrideScope::Org, platform, document_type)
            .await?;
        let (source, version, hash) = cache_fields(record.as_ref());
        store
            .fill_template(who, platform, document_type, source, &version, &hash)
            .await?;
        Ok(record.map(|r| StoredTemplate {
            owner_id: r.owner_id,
            source: r.source,
        }))
    }

    /// Writes the org's cache entry after its override changed (`None`: deleted).
    async fn write_through(
        &self,
        who: &Identity,
        platform: &str,
        document_type: &str,
        record: Option<&TemplateOverride>,
    ) -> Result<(), AppError> {
        let (source, version, hash) = cache_fields(record);
        self.store()
            .put_template(who, platform, document_type, source, &version, &hash)
            .await?;
        Ok(())
    }

    pub async fn list_templates(&self, who: &Identity) -> Result<TemplateListing, AppError> {
        let overrides = self
            .store()
            .list_template_overrides(who)
            .await?
            .into_iter()
            .map(|o| OverrideSummary {
                scope: format!("{:?}", o.scope).to_lowercase(),
                platform: o.platform,
                document_type: o.document_type,
                updated_by: o.updated_by,
            })
            .collect();
        Ok(TemplateListing {
            templates: self.templates().list(),
            overrides,
        })
    }

    pub async fn get_template(
        &self,
        who: &Identity,
        platform: &str,
        document_type: &str,
    ) -> Result<TemplateView, AppError> {
        let key = TemplateKey::parse(platform, document_type).map_err(template_error)?;
        let template = self.resolve_template(who, key).await?;
        Ok(TemplateView {
            platform: key.platform.to_string(),
            document_type: key.document_type.to_string(),
            id: template.spec.id.clone(),
            version: template.spec.version.clone(),
            origin: match &template.origin {
                TemplateOrigin::Org { .. } => "org",
                TemplateOrigin::User { .. } => "user",
                TemplateOrigin::Directory { .. } => "dir",
                TemplateOrigin::Builtin => "builtin",
            }
            .to_owned(),
            source_hash: template.source_hash.clone(),
            template: template.spec.clone(),
        })
    }

    pub(crate) async fn resolve_template(
        &self,
        who: &Identity,
        key: TemplateKey,
    ) -> Result<Arc<CompiledTemplate>, AppError> {
        let overrides = self.template_overrides(who, key).await?;
        self.templates()
            .resolve(key, None, &overrides)
            .map_err(template_error)
    }

    /// Validates `source` and stores it as the org's or the caller's template for its
    /// (platform, type). An invalid template is refused with every problem listed.
    pub async fn save_template(
        &self,
        who: &Identity,
        scope: OverrideScope,
        platform: &str,
        document_type: &str,
        source: &str,
    ) -> Result<TemplateView, AppError> {
        let key = TemplateKey::parse(platform, document_type).map_err(template_error)?;
        let report = self.templates().validate(&format!("{key}"), source);
        if !report.is_ok() {
            return Err(AppError::bad_request(format!(
                "the template is invalid: {}",
                report.errors.join("; ")
            ))
            .with_code("invalid_template")
            .with_details(
                serde_json::json!({ "errors": report.errors, "warnings": report.warnings }),
            ));
        }
        let (platform, document_type) = (key.platform.to_string(), key.document_type.to_string());
        let record = self
            .store()
            .put_template_override(who, scope, &platform, &document_type, source)
            .await?;
        if scope == OverrideScope::Org {
            self.write_through(who, &platform, &document_type, Some(&record))
                .await?;
        }
        self.get_template(who, &platform, &document_type).await
    }

    pub async fn delete_template(
        &self,
        who: &Identity,
        scope: OverrideScope,
        platform: &str,
        document_type: &str,
    ) -> Result<(), AppError> {
        let key = TemplateKey::parse(platform, document_type).map_err(template_error)?;
        let (platform, document_type) = (key.platform.to_string(), key.document_type.to_string());
        let deleted = self
            .store()
            .delete_template_override(who, scope, &platform, &document_type)
            .await?;
        if scope == OverrideScope::Org {
            self.write_through(who, &platform, &document_type, None)
                .await?;
        }
        if deleted {
            Ok(())
        } else {
            Err(AppError::not_found(
                format!("no {scope:?} override for {key}").to_lowercase(),
            ))
        }
    }

    /// Validates a template source and renders it against a sample context, without saving it.
    pub async fn render_template(&self, source: &str) -> Result<TemplatePreview, AppError> {
        let registry = self.templates().clone();
        let source = source.to_owned();
        tokio::task::spawn_blocking(move || {
            let validation = registry.validate("preview", &source);
            let rendered = if validation.is_ok() {
                preview(&registry, &source)
            } else {
                None
            };
            TemplatePreview {
                validation,
                rendered,
            }
        })
        .await
        .map_err(|err| AppError::internal(format!("preview was interrupted: {err}")))
    }
}

/// Counters on `/metrics`: lookups of the shared template cache entry.
const CACHE_HITS: &str = "template_cache_hits_total";
const CACHE_MISSES: &str = "template_cache_misses_total";

/// What the cache entry holds for an org override: its source, its version (when it was last
/// saved) and the source hash; all empty when the org has no override.
fn cache_fields(record: Option<&TemplateOverride>) -> (&str, String, String) {
    match record {
        Some(r) => (&r.source, r.updated.to_string(), source_hash(&r.source)),
        None => ("", String::new(), String::new()),
    }
}

fn preview(registry: &handoff_templates::Registry, source: &str) -> Option<String> {
    let stored = StoredTemplate {
        owner_id: "preview".to_owned(),
        source: source.to_owned(),
    };
    let spec: handoff_templates::TemplateSpec = serde_saphyr::from_str(source).ok()?;
    let key = TemplateKey::new(spec.platform, spec.document_type);
    let overrides = Overrides {
        org: None,
        user: Some(stored),
    };
    let template = registry.resolve(key, None, &overrides).ok()?;
    let context = sample_context(key);
    let ticket = handoff_templates::render_ticket(&template, &context).ok()?;
    Some(render_ticket_markdown(&ticket))
}

fn render_ticket_markdown(ticket: &handoff_templates::Ticket) -> String {
    handoff_templates::render::render_ticket(ticket, handoff_templates::OutputFormat::Markdown)
}
