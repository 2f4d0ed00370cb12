//! The registry: built-in templates (embedded), configured directories, and resolution with the
//! stored org/user overrides the app layer passes in.
//!
//! Resolution order: org override → user override → template directories (in configured order) →
//! built-in. At each level a variant for the detected tech stack wins over the generic template.
//! A key nobody provides is an error naming the nearest available keys; nothing is substituted.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use serde::Serialize;

use crate::builtin;
use crate::compiled::{CompiledTemplate, TemplateOrigin, source_hash};
use crate::directory::TemplateDir;
use crate::engine::{Limits, Partials};
use crate::error::{SourcePosition, TemplateError};
use crate::key::{DocumentType, Platform, TemplateKey};
use crate::tech_stack::TechStack;

pub(crate) type VariantKey = (TemplateKey, Option<TechStack>);

/// Compiled overrides kept per source hash; beyond this many the cache starts over.
const OVERRIDE_CACHE_LIMIT: usize = 512;

/// A template stored for an org or user (fetched by the app layer from the store).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredTemplate {
    /// Org or user id, for messages and listings.
    pub owner_id: String,
    /// The YAML source.
    pub source: String,
}

/// The stored overrides that apply to one request.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub org: Option<StoredTemplate>,
    pub user: Option<StoredTemplate>,
}

/// One row of `templates list`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TemplateInfo {
    pub platform: String,
    pub document_type: String,
    pub id: String,
    pub version: String,
    /// `builtin` or `dir`.
    pub source: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tech_stack: Option<TechStack>,
    pub name: String,
    pub description: String,
}

/// Problems found by [`Registry::validate`].
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ValidationReport {
    /// The template cannot be used.
    pub errors: Vec<String>,
    /// It renders, but reads variables the context does not have (strict check).
    pub warnings: Vec<String>,
}

impl ValidationReport {
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }
}

/// How the registry is built.
#[derive(Debug, Clone)]
pub struct RegistryConfig {
    pub template_dirs: Vec<PathBuf>,
    pub limits: Limits,
    /// How often a directory is rescanned for changed files.
    pub recheck_every: Duration,
}

impl Default for RegistryConfig {
    fn default() -> Self {
        Self {
            template_dirs: Vec::new(),
            limits: Limits::default(),
            recheck_every: Duration::from_secs(2),
        }
    }
}

pub struct Registry {
    builtins: BTreeMap<VariantKey, Arc<CompiledTemplate>>,
    partials: Partials,
    dirs: Vec<TemplateDir>,
    limits: Limits,
    overrides: Mutex<HashMap<String, Arc<CompiledTemplate>>>,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registry")
            .field("builtins", &self.builtins.len())
            .field("dirs", &self.dirs.len())
            .finish_non_exhaustive()
    }
}

impl Registry {
    /// Built-ins only.
    pub fn builtin() -> Result<Self, TemplateError> {
        Self::new(RegistryConfig::default())
    }

    /// Built-ins plus the configured directories. Fails only if a built-in is broken (a bug);
    /// problems in directories are reported by [`Registry::directory_errors`].
    pub fn new(config: RegistryConfig) -> Result<Self, TemplateError> {
        let partials: Partials = Arc::new(
            builtin::PARTIALS
                .iter()
                .map(|(name, source)| ((*name).to_owned(), Arc::from(*source)))
                .collect(),
        );
        let mut builtins = BTreeMap::new();
        for (path, source) in builtin::TEMPLATES {
            let name = format!("builtin:{path}");
            let template = CompiledTemplate::compile(
                &name,
                TemplateOrigin::Builtin,
                source,
                Arc::clone(&partials),
                config.limits,
            )?;
            builtins.insert(
                (template.spec.key(), template.spec.tech_stack),
                template.shared(),
            );
        }
        let dirs = config
            .template_dirs
            .into_iter()
            .map(|root| {
                TemplateDir::new(
                    root,
                    Arc::clone(&partials),
                    config.limits,
                    config.recheck_every,
                )
            })
            .collect();
        Ok(Self {
            builtins,
            partials,
            dirs,
            limits: config.limits,
            overrides: Mutex::new(HashMap::new()),
        })
    }

    /// Resolves the template for `key`, preferring a variant for `stack`.
    pub fn resolve(
        &self,
        key: TemplateKey,
        stack: Option<TechStack>,
        overrides: &Overrides,
    ) -> Result<Arc<CompiledTemplate>, TemplateError> {
        if let Some(stored) = &overrides.org {
            return self.compile_override(
                key,
                TemplateOrigin::Org {
                    org_id: stored.owner_id.clone(),
                },
                stored,
            );
        }
        if let Some(stored) = &overrides.user {
            return self.compile_override(
                key,
                TemplateOrigin::User {
                    user_id: stored.owner_id.clone(),
                },
                stored,
            );
        }
        for dir in &self.dirs {
            let loaded = dir.current();
            if let Some(found) = pick(&loaded.templates, key, stack) {
                return Ok(found);
            }
        }
        pick(&self.builtins, key, stack).ok_or_else(|| TemplateError::NoTemplate {
            key,
            nearest: self.nearest(key),
        })
    }

    /// Compiles a stored template (or reuses the compiled copy with the same source hash).
    fn compile_override(
        &self,
        key: TemplateKey,
        origin: TemplateOrigin,
        stored: &StoredTemplate,
    ) -> Result<Arc<CompiledTemplate>, TemplateError> {
        let hash = source_hash(&stored.source);
        // The owner is part of the key: a compiled template names its owner in errors, and one
        // org must never see another's id because both saved the same source.
        let cache_key = format!("{}:{}:{hash}", origin.label(), stored.owner_id);
        if let Some(hit) = self
            .overrides
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&cache_key)
        {
            return check_key(Arc::clone(hit), key);
        }
        let name = format!("{}:{}", origin.label(), stored.owner_id);
        let compiled = CompiledTemplate::compile(
            &name,
            origin,
            &stored.source,
            Arc::clone(&self.partials),
            self.limits,
        )?
        .shared();
        let mut cache = self
            .overrides
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if cache.len() >= OVERRIDE_CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(cache_key, Arc::clone(&compiled));
        check_key(compiled, key)
    }

    /// Every template available without overrides: directory templates first, then built-ins.
    pub fn list(&self) -> Vec<TemplateInfo> {
        let mut rows = Vec::new();
        for dir in &self.dirs {
            rows.extend(dir.current().templates.values().map(|t| info(t)));
        }
        rows.extend(self.builtins.values().map(|t| info(t)));
        rows
    }

    /// The document type of an epic's children on `platform` when the caller names none: the
    /// first of [`DocumentType::EPIC_CHILDREN`] the platform has a template for (a story where
    /// there is one; Confluence has none, so its epic lists component pages). Only types with a
    /// template are offered, so an epic of any listed platform can be generated.
    pub fn epic_child_type(&self, platform: Platform) -> DocumentType {
        let available = |document_type| {
            let key = TemplateKey::new(platform, document_type);
            self.dirs
                .iter()
                .any(|dir| dir.current().templates.keys().any(|(k, _)| *k == key))
                || self.builtins.keys().any(|(k, _)| *k == key)
        };
        DocumentType::EPIC_CHILDREN
            .iter()
            .copied()
            .find(|&document_type| available(document_type))
            // Nothing to offer: the resolution of a story then names what the platform has.
            .unwrap_or(DocumentType::Story)
    }

    /// Keys with a built-in template.
    pub fn builtin_keys(&self) -> Vec<TemplateKey> {
        let mut keys: Vec<TemplateKey> = self.builtins.keys().map(|(k, _)| *k).collect();
        keys.dedup();
        keys
    }

    /// Files in the configured directories that failed to load.
    pub fn directory_errors(&self) -> Vec<String> {
        self.dirs
            .iter()
            .flat_map(|d| d.current().errors.clone())
            .collect()
    }

    /// Checks a user template source: YAML, metadata, Jinja syntax, a render against a sample
    /// context (must succeed) and a strict render (undefined variables become warnings).
    pub fn validate(&self, name: &str, source: &str) -> ValidationReport {
        let mut report = ValidationReport::default();
        let origin = TemplateOrigin::User {
            user_id: name.to_owned(),
        };
        let compiled = match CompiledTemplate::compile(
            name,
            origin.clone(),
            source,
            Arc::clone(&self.partials),
            self.limits,
        ) {
            Ok(compiled) => compiled,
            Err(err) => {
                report.errors.push(err.to_string());
                return report;
            }
        };
        let mut sample = crate::context::sample_context(compiled.spec.key());
        for variable in &compiled.spec.variables {
            let value = variable
                .default
                .clone()
                .unwrap_or_else(|| serde_json::Value::String(format!("<{}>", variable.name)));
            sample.vars.insert(variable.name.clone(), value);
        }
        let value = minijinja::Value::from(minijinja::value::Serde(&sample));
        if let Err(err) = render_all(&compiled, &value) {
            report.errors.push(err.to_string());
            return report;
        }
        if let Ok(strict) = CompiledTemplate::compile_with(
            name,
            origin,
            source,
            Arc::clone(&self.partials),
            self.limits,
            true,
        ) && let Err(err) = render_all(&strict, &value)
        {
            report.warnings.push(err.to_string());
        }
        report
    }

    fn nearest(&self, key: TemplateKey) -> Vec<TemplateKey> {
        let mut available: Vec<TemplateKey> = self.builtins.keys().map(|(k, _)| *k).collect();
        for dir in &self.dirs {
            available.extend(dir.current().templates.keys().map(|(k, _)| *k));
        }
        available.sort();
        available.dedup();
        let distance = |k: &TemplateKey| {
            let platform = if k.platform == key.platform { 0.0 } else { 1.0 };
            let doc =
                1.0 - strsim::jaro_winkler(k.document_type.as_str(), key.document_type.as_str());
            platform + doc
        };
        available.sort_by(|a, b| distance(a).total_cmp(&distance(b)).then(a.cmp(b)));
        available.truncate(4);
        available
    }
}

fn render_all(template: &CompiledTemplate, value: &minijinja::Value) -> Result<(), TemplateError> {
    template.render_title(value)?;
    template.render_summary(value)?;
    template.render_labels(value)?;
    template.render_content(value)?;
    Ok(())
}

fn check_key(
    template: Arc<CompiledTemplate>,
    key: TemplateKey,
) -> Result<Arc<CompiledTemplate>, TemplateError> {
    if template.spec.key() == key {
        Ok(template)
    } else {
        Err(TemplateError::Invalid {
            at: SourcePosition {
                template: template.name.clone(),
                line: None,
                column: None,
            },
            message: format!("stored for {key} but declares {}", template.spec.key()),
        })
    }
}

fn pick(
    templates: &BTreeMap<VariantKey, Arc<CompiledTemplate>>,
    key: TemplateKey,
    stack: Option<TechStack>,
) -> Option<Arc<CompiledTemplate>> {
    stack
        .and_then(|s| templates.get(&(key, Some(s))))
        .or_else(|| templates.get(&(key, None)))
        .map(Arc::clone)
}

fn info(template: &CompiledTemplate) -> TemplateInfo {
    TemplateInfo {
        platform: template.spec.platform.to_string(),
        document_type: template.spec.document_type.to_string(),
        id: template.spec.id.clone(),
        version: template.spec.version.clone(),
        source: template.origin.label().to_owned(),
        tech_stack: template.spec.tech_stack,
        name: template.name.clone(),
        description: template.spec.description.clone(),
    }
}
