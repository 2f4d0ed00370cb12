//! `Store`: the typed API over either backend.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::backend::embedded::EmbeddedBackend;
use crate::backend::redis::RedisBackend;
use crate::backend::{Backend, DumpEntry, Durability};
use crate::config::StoreConfig;
use crate::error::{StoreError, StoreResult};
use crate::records::{Millis, decode, encode};

/// How often [`Store::update_record`] re-reads and retries when another writer changed the record
/// between its read and its write. Each failed attempt means someone else's write landed, so this
/// only runs out under a storm of writers on one record; the caller then gets `Unavailable` (503,
/// retry later) rather than a lost write.
pub(crate) const MAX_UPDATE_ATTEMPTS: u32 = 64;

/// The persistent store. Cheap to clone; all clones share one connection / one database file.
#[derive(Clone)]
pub struct Store {
    pub(crate) backend: Backend,
    pub(crate) config: Arc<StoreConfig>,
}

/// Which backend a store runs on (for `/ready` and logs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BackendKind {
    Redis,
    Embedded,
}

impl Store {
    /// Opens Redis when `redis_url` (or cluster nodes) is set, else the embedded store under
    /// `data_dir`. A standalone Redis that is down does not fail here: calls return `Unavailable`
    /// until it is reachable, then succeed on the same `Store`.
    pub async fn open(config: &StoreConfig) -> StoreResult<Self> {
        let backend = if config.uses_redis() {
            Backend::Redis(RedisBackend::open(config).await?)
        } else {
            Backend::Embedded(EmbeddedBackend::open(config).await?)
        };
        Ok(Self {
            backend,
            config: Arc::new(config.clone()),
        })
    }

    pub fn kind(&self) -> BackendKind {
        match self.backend {
            Backend::Redis(_) => BackendKind::Redis,
            Backend::Embedded(_) => BackendKind::Embedded,
        }
    }

    pub fn config(&self) -> &StoreConfig {
        &self.config
    }

    /// Health check for `/ready`: Ok when the backend answers within the operation timeout.
    pub async fn ping(&self) -> StoreResult<()> {
        self.backend.ping().await
    }

    /// Every durable record with its remaining TTL (for export and migration).
    pub async fn export_entries(&self) -> StoreResult<Vec<DumpEntry>> {
        self.backend.dump().await
    }

    /// Writes one exported record, replacing what is there and keeping its TTL.
    pub async fn import_entry(&self, entry: DumpEntry) -> StoreResult<()> {
        crate::keys::check_logical_key(&entry.key)?;
        self.backend.restore(entry).await
    }

    /// Deletes expired records of the embedded store now (Redis expires keys itself).
    pub async fn sweep_expired(&self) -> StoreResult<usize> {
        match &self.backend {
            Backend::Embedded(b) => b.sweep().await,
            Backend::Redis(_) => Ok(0),
        }
    }

    pub(crate) async fn get_record<T: DeserializeOwned>(
        &self,
        key: &str,
    ) -> StoreResult<Option<T>> {
        match self.backend.get(key).await? {
            Some(bytes) => decode(key, &bytes).map(Some),
            None => Ok(None),
        }
    }

    pub(crate) async fn put_record<T: Serialize>(
        &self,
        key: &str,
        record: &T,
        ttl: Option<Duration>,
    ) -> StoreResult<()> {
        self.backend.set(key, encode(record)?, ttl).await
    }

    /// Writes `record` only if `key` holds nothing yet; true when written.
    pub(crate) async fn insert_record<T: Serialize>(
        &self,
        key: &str,
        record: &T,
        ttl: Option<Duration>,
    ) -> StoreResult<bool> {
        self.backend.insert_new(key, encode(record)?, ttl).await
    }

    /// Read-modify-write of one record that never loses a concurrent write and never recreates a
    /// deleted record: reads the record, asks `change` for its new value (`None` = leave it as it
    /// is), and writes that only if the stored bytes are still the ones read (compare-and-set: one
    /// Lua script on Redis, one write transaction on redb). When another writer got there first it
    /// reads again and re-applies `change`, at most [`MAX_UPDATE_ATTEMPTS`] times.
    ///
    /// Returns the record as it now stands (the new value, or the unchanged one), or `None` when
    /// there is no such record, including when it was deleted while this update ran.
    pub(crate) async fn update_record<T, F>(
        &self,
        key: &str,
        ttl: Option<Duration>,
        durability: Durability,
        mut change: F,
    ) -> StoreResult<Option<T>>
    where
        T: Serialize + DeserializeOwned,
        F: FnMut(&T) -> StoreResult<Option<T>>,
    {
        for attempt in 0..MAX_UPDATE_ATTEMPTS {
            let Some(old_bytes) = self.backend.get(key).await? else {
                return Ok(None);
            };
            let old: T = decode(key, &old_bytes)?;
            let Some(new) = change(&old)? else {
                return Ok(Some(old));
            };
            let new_bytes = encode(&new)?;
            if self
                .backend
                .replace_if_equals(key, &old_bytes, new_bytes, ttl, durability)
                .await?
            {
                return Ok(Some(new));
            }
            // Lost the race: back off a random moment (growing with the attempts) so writers that
            // collided do not collide again in lockstep.
            let spread_us = 500 * u64::from(attempt.min(16) + 1);
            tokio::time::sleep(Duration::from_micros(rand::random::<u64>() % spread_us)).await;
        }
        Err(StoreError::unavailable(format!(
            "{key} kept changing under {MAX_UPDATE_ATTEMPTS} update attempts; retry later"
        )))
    }

    /// Makes deferred writes of the embedded store durable now (they otherwise are within a
    /// second, or when the store closes). Redis: nothing to do.
    pub async fn flush(&self) -> StoreResult<()> {
        match &self.backend {
            Backend::Embedded(b) => b.flush().await,
            Backend::Redis(_) => Ok(()),
        }
    }
}

pub(crate) fn now_ms() -> Millis {
    u64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_millis(),
    )
    .unwrap_or(u64::MAX)
}

/// `bytes` of OS randomness as lowercase hex.
pub(crate) fn random_hex<const N: usize>() -> String {
    hex::encode(rand::random::<[u8; N]>())
}
