//! [`App`]: the handle every interface holds. It owns the configuration and the connections to the
//! store and upstream services, and exposes the operations.

use std::sync::Arc;
use std::time::Instant;

use handoff_store::Store;

use crate::config::Config;
use crate::error::AppError;

pub struct App {
    config: Arc<Config>,
    store: Store,
    started: Instant,
}

impl App {
    /// Open the store named by the configuration (Redis when `redis_url` is set, else the embedded
    /// store under `data_dir`) and build the service layer over it.
    pub async fn open(config: Config) -> Result<Self, AppError> {
        let store = Store::open(&config.store_config()).await?;
        Ok(Self { config: Arc::new(config), store, started: Instant::now() })
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn store(&self) -> &Store {
        &self.store
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
