//! [`App`]: the handle every interface holds. It owns the configuration and the connections to the
//! store and upstream services, and exposes the operations.

use std::sync::Arc;
use std::time::{Duration, Instant};

use handoff_figma_api::{FigmaClient, FigmaClientConfig, ResponseCache};
use handoff_store::Store;
use handoff_templates::{Registry, RegistryConfig};

use crate::auth::{Caller, KeyPresence, LocalAdminSecret};
use crate::config::Config;
use crate::error::AppError;

pub struct App {
    config: Arc<Config>,
    store: Store,
    figma: FigmaClient,
    templates: Arc<Registry>,
    key_presence: KeyPresence,
    /// Set by `handoff serve` over the embedded store ([`App::enable_local_admin`]).
    local_admin: Option<LocalAdminSecret>,
    started: Instant,
}

impl App {
    /// Open the store named by the configuration (Redis when `redis_url` is set, else the embedded
    /// store under `data_dir`) and build the service layer over it.
    pub async fn open(config: Config) -> Result<Self, AppError> {
        crate::credentials::check_secret_key(&config)?;
        let store = Store::open(&config.store_config()).await?;
        let mut figma_config = FigmaClientConfig::with_api_base(&config.figma_api_base)
            .map_err(|err| AppError::bad_request(format!("figma_api_base: {err}")))?;
        // The store keeps a `/meta` answer at most `figma_meta_ttl_secs`; the client must not trust
        // it longer, and 0 means "check the version on every request", not the store's 1 s floor.
        figma_config.meta_ttl = figma_config
            .meta_ttl
            .min(Duration::from_secs(config.store.figma_meta_ttl_secs));
        // A body past `max_design_bytes` is refused while it downloads, not after.
        figma_config.max_response_bytes =
            figma_config.max_response_bytes.min(config.max_design_bytes);
        let cache: Arc<dyn ResponseCache> = Arc::new(store.clone());
        let figma = FigmaClient::new(figma_config, cache)
            .map_err(|err| AppError::internal(format!("cannot build the Figma client: {err}")))?;
        let templates = Registry::new(RegistryConfig {
            template_dirs: config.templates_dir.clone(),
            ..RegistryConfig::default()
        })
        .map_err(|err| AppError::internal(format!("the built-in templates are broken: {err}")))?;
        for problem in templates.directory_errors() {
            tracing::warn!(%problem, "a template in templates_dir was not loaded");
        }
        Ok(Self {
            config: Arc::new(config),
            store,
            figma,
            templates: Arc::new(templates),
            key_presence: KeyPresence::default(),
            local_admin: None,
            started: Instant::now(),
        })
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Writes what the embedded store defers (sliding expiries, history) to disk. The commands that
    /// serve call it once serving has stopped, so a clean shutdown loses nothing.
    pub async fn flush(&self) -> Result<(), AppError> {
        Ok(self.store.flush().await?)
    }

    pub fn figma(&self) -> &FigmaClient {
        &self.figma
    }

    pub fn templates(&self) -> &Arc<Registry> {
        &self.templates
    }

    /// Who is calling, from the raw `Authorization` header value: see [`crate::auth`].
    pub async fn authenticate(&self, authorization: Option<&[u8]>) -> Result<Caller, AppError> {
        crate::auth::authenticate(&self.config, &self.store, &self.key_presence, authorization)
            .await
    }

    /// Who is calling, when the transport knows whether the peer is on this host: a local admin
    /// token ([`LocalAdminSecret`]) is decided here, anything else by [`App::authenticate`].
    pub async fn authenticate_peer(
        &self,
        authorization: Option<&[u8]>,
        same_host: bool,
    ) -> Result<Caller, AppError> {
        if crate::auth::presents_local_admin(authorization) {
            self.check_local_admin(authorization, same_host)?;
            return crate::auth::local_admin_caller();
        }
        self.authenticate(authorization).await
    }

    /// Makes this process accept a fresh local admin token and returns it (to be written, readable
    /// by its owner only, where the CLI finds it). Replaces any earlier one.
    pub fn enable_local_admin(&mut self) -> String {
        let (secret, token) = LocalAdminSecret::generate();
        self.local_admin = Some(secret);
        token
    }

    /// Whether this process serves the local admin routes ([`App::enable_local_admin`]).
    pub fn local_admin_enabled(&self) -> bool {
        self.local_admin.is_some()
    }

    /// Admits a request to the local admin routes: see [`crate::auth::check_local_admin`].
    pub fn check_local_admin(
        &self,
        authorization: Option<&[u8]>,
        same_host: bool,
    ) -> Result<(), AppError> {
        crate::auth::check_local_admin(self.local_admin.as_ref(), authorization, same_host)
    }

    /// Seconds since this process's `App` was built.
    pub fn uptime_secs(&self) -> u64 {
        self.started.elapsed().as_secs()
    }

    /// Whether every dependency answers: the error says which does not.
    pub async fn ready(&self) -> Result<(), AppError> {
        let started = Instant::now();
        let result = self.store.ping().await;
        metrics::histogram!("store_operation_duration_seconds", "op" => "ping")
            .record(started.elapsed().as_secs_f64());
        result.map_err(AppError::from)
    }
}
