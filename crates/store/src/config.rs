//! `StoreConfig`: what the app layer embeds in its configuration.

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Which backend to open and how it behaves. Durations are in seconds / milliseconds as named.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct StoreConfig {
    /// `redis://`, `rediss://` (TLS), `unix:///path`; Redis Cluster as `redis+cluster://h1:p1,h2:p2`
    /// or a comma-separated list of node URLs. Unset = the embedded store under `data_dir`.
    pub redis_url: Option<String>,
    /// Extra cluster nodes (`redis://host:port`); when non-empty, Redis Cluster mode is used.
    pub redis_cluster_nodes: Vec<String>,
    /// Directory of the embedded store (`handoff.redb` inside it).
    pub data_dir: PathBuf,
    /// Prefix of every Redis key.
    pub key_prefix: String,
    pub connect_timeout_ms: u64,
    /// Upper bound on any single store operation; past it the call fails with `Unavailable`.
    pub operation_timeout_ms: u64,
    pub session_ttl_secs: u64,
    /// A session read refreshes its expiry at most this often (no write per read).
    pub session_touch_interval_secs: u64,
    pub history_limit: usize,
    pub component_ttl_secs: u64,
    pub template_ttl_secs: u64,
    pub figma_ttl_secs: u64,
    pub figma_meta_ttl_secs: u64,
    /// How often the embedded store deletes expired records.
    pub sweep_interval_secs: u64,
}

impl Default for StoreConfig {
    fn default() -> Self {
        Self {
            redis_url: None,
            redis_cluster_nodes: Vec::new(),
            data_dir: PathBuf::from("./handoff-data"),
            key_prefix: "handoff:".to_owned(),
            connect_timeout_ms: 2_000,
            operation_timeout_ms: 2_000,
            session_ttl_secs: 24 * 3600,
            session_touch_interval_secs: 60,
            history_limit: 1_000,
            component_ttl_secs: 30 * 24 * 3600,
            template_ttl_secs: 30 * 24 * 3600,
            figma_ttl_secs: 7 * 24 * 3600,
            figma_meta_ttl_secs: 5 * 60,
            sweep_interval_secs: 60,
        }
    }
}

impl StoreConfig {
    pub(crate) fn connect_timeout(&self) -> Duration {
        Duration::from_millis(self.connect_timeout_ms.max(1))
    }
    pub(crate) fn operation_timeout(&self) -> Duration {
        Duration::from_millis(self.operation_timeout_ms.max(1))
    }
    pub(crate) fn session_ttl(&self) -> Duration {
        Duration::from_secs(self.session_ttl_secs.max(1))
    }
    pub(crate) fn component_ttl(&self) -> Duration {
        Duration::from_secs(self.component_ttl_secs.max(1))
    }
    pub(crate) fn template_ttl(&self) -> Duration {
        Duration::from_secs(self.template_ttl_secs.max(1))
    }
    pub(crate) fn figma_ttl(&self) -> Duration {
        Duration::from_secs(self.figma_ttl_secs.max(1))
    }
    pub(crate) fn figma_meta_ttl(&self) -> Duration {
        Duration::from_secs(self.figma_meta_ttl_secs.max(1))
    }

    /// Whether this configuration selects Redis (standalone or cluster).
    pub fn uses_redis(&self) -> bool {
        self.redis_url.is_some() || !self.redis_cluster_nodes.is_empty()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn missing_fields_take_defaults_and_unknown_fields_are_refused() {
        let config: StoreConfig = serde_json::from_str(r#"{"redis_url":"redis://h:1"}"#).unwrap();
        assert_eq!(config.key_prefix, "handoff:");
        assert_eq!(config.history_limit, 1_000);
        assert!(config.uses_redis());
        assert!(!StoreConfig::default().uses_redis());
        assert!(serde_json::from_str::<StoreConfig>(r#"{"redis_uri":"x"}"#).is_err());
    }
}
