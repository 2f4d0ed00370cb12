//! The embedded backend: one redb file under `data_dir`, crash-safe commits (fsync on commit),
//! TTLs enforced on read and by a periodic sweep, every redb call on the blocking pool.
//!
//! Layout: table `kv` maps a logical key to `[kind u8][expires_at_ms u64 LE][payload]`
//! (`expires_at_ms` 0 = no expiry); table `expiry` indexes `(expires_at_ms, key)` for the sweep.
//! Rate-limit state lives in process memory: one process owns the file, and limits need not
//! survive a restart.
//!
//! Durability: records a user creates or changes are committed with `redb::Durability::Immediate`
//! (fsync before the call returns). Soft state written on the request path (session touches, an API
//! key's last use, history entries; [`Durability::Deferred`]) is committed with
//! `redb::Durability::None`: just as atomic and visible to readers at once, but only on disk with
//! the next immediate commit. A flusher makes one immediate commit per [`FLUSH_INTERVAL`] when
//! deferred commits happened, and redb makes pending commits durable when the database closes, so
//! a crash loses at most the last interval of soft state, and a clean shutdown loses nothing.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use redb::{Database, DatabaseError, ReadableDatabase, ReadableTable, Table, TableDefinition};

use super::{DumpEntry, DumpValue, Durability, Put};
use crate::config::StoreConfig;
use crate::error::{StoreError, StoreResult};
use crate::gcra::{RateDecision, RateLimit, decide};
use crate::keys::layout;

const KV: TableDefinition<&str, &[u8]> = TableDefinition::new("kv");
const EXPIRY: TableDefinition<(u64, &str), ()> = TableDefinition::new("expiry");
const FILE_NAME: &str = "handoff.redb";
/// Expired keys removed per sweep transaction, so a sweep never holds the writer for long.
const SWEEP_BATCH: usize = 10_000;
/// The longest a deferred write stays off disk while the process runs.
pub const FLUSH_INTERVAL: Duration = Duration::from_secs(1);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Bytes = 0,
    List = 1,
    Set = 2,
}

struct Stored {
    kind: Kind,
    expires_at_ms: u64,
    payload: Vec<u8>,
}

impl Stored {
    fn decode(key: &str, raw: &[u8]) -> StoreResult<Self> {
        let corrupt = |reason: &str| StoreError::Corrupt {
            key: key.to_owned(),
            reason: reason.to_owned(),
        };
        let (&kind, rest) = raw.split_first().ok_or_else(|| corrupt("empty value"))?;
        let (expires, payload) = rest
            .split_at_checked(8)
            .ok_or_else(|| corrupt("short header"))?;
        let kind = match kind {
            0 => Kind::Bytes,
            1 => Kind::List,
            2 => Kind::Set,
            _ => return Err(corrupt("unknown value kind")),
        };
        let mut expires_bytes = [0u8; 8];
        expires_bytes.copy_from_slice(expires);
        Ok(Self {
            kind,
            expires_at_ms: u64::from_le_bytes(expires_bytes),
            payload: payload.to_vec(),
        })
    }

    fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(9 + self.payload.len());
        out.push(self.kind as u8);
        out.extend_from_slice(&self.expires_at_ms.to_le_bytes());
        out.extend_from_slice(&self.payload);
        out
    }

    fn is_live(&self, now_ms: u64) -> bool {
        self.expires_at_ms == 0 || self.expires_at_ms > now_ms
    }
}

fn encode_items<'a>(items: impl IntoIterator<Item = &'a [u8]>) -> Vec<u8> {
    let mut out = Vec::new();
    for item in items {
        // Items are bounded far below 4 GiB by the record size limits above this layer.
        out.extend_from_slice(&u32::try_from(item.len()).unwrap_or(u32::MAX).to_le_bytes());
        out.extend_from_slice(item);
    }
    out
}

fn decode_items(key: &str, mut raw: &[u8]) -> StoreResult<Vec<Vec<u8>>> {
    let mut items = Vec::new();
    while !raw.is_empty() {
        let corrupt = || StoreError::Corrupt {
            key: key.to_owned(),
            reason: "truncated list".into(),
        };
        let (len, rest) = raw.split_at_checked(4).ok_or_else(corrupt)?;
        let mut len_bytes = [0u8; 4];
        len_bytes.copy_from_slice(len);
        let len = u32::from_le_bytes(len_bytes) as usize;
        let (item, rest) = rest.split_at_checked(len).ok_or_else(corrupt)?;
        items.push(item.to_vec());
        raw = rest;
    }
    Ok(items)
}

/// The byte length of the first `count` frames of an encoded list (all of it if it has fewer).
fn items_prefix_len(key: &str, raw: &[u8], count: usize) -> StoreResult<usize> {
    let corrupt = || StoreError::Corrupt {
        key: key.to_owned(),
        reason: "truncated list".into(),
    };
    let mut at = 0;
    for _ in 0..count {
        if at == raw.len() {
            break;
        }
        let len = raw.get(at..at + 4).ok_or_else(corrupt)?;
        let mut len_bytes = [0u8; 4];
        len_bytes.copy_from_slice(len);
        let end = at + 4 + u32::from_le_bytes(len_bytes) as usize;
        if end > raw.len() {
            return Err(corrupt());
        }
        at = end;
    }
    Ok(at)
}

fn decode_set(key: &str, raw: &[u8]) -> StoreResult<BTreeSet<String>> {
    decode_items(key, raw)?
        .into_iter()
        .map(|m| {
            String::from_utf8(m).map_err(|_| StoreError::Corrupt {
                key: key.to_owned(),
                reason: "set member not UTF-8".into(),
            })
        })
        .collect()
}

/// The two tables of one write transaction, with the clock read once for the whole transaction.
struct Tables<'a, 't> {
    kv: &'a mut Table<'t, &'static str, &'static [u8]>,
    expiry: &'a mut Table<'t, (u64, &'static str), ()>,
    now_ms: u64,
}

impl Tables<'_, '_> {
    fn load(&self, key: &str) -> StoreResult<Option<Stored>> {
        let Some(raw) = self.kv.get(key).map_err(backend)? else {
            return Ok(None);
        };
        let stored = Stored::decode(key, raw.value())?;
        Ok(stored.is_live(self.now_ms).then_some(stored))
    }

    fn load_kind(&self, key: &str, kind: Kind) -> StoreResult<Option<Stored>> {
        match self.load(key)? {
            Some(stored) if stored.kind != kind => Err(StoreError::Backend(format!(
                "key {key} holds a {:?}, not a {kind:?}",
                stored.kind
            ))),
            other => Ok(other),
        }
    }

    fn put(&mut self, key: &str, stored: &Stored) -> StoreResult<()> {
        self.remove(key)?;
        self.kv
            .insert(key, stored.encode().as_slice())
            .map_err(backend)?;
        if stored.expires_at_ms != 0 {
            self.expiry
                .insert((stored.expires_at_ms, key), ())
                .map_err(backend)?;
        }
        Ok(())
    }

    /// Removes a key (live or expired) and its expiry index entry; true if it was live.
    fn remove(&mut self, key: &str) -> StoreResult<bool> {
        let old = match self.kv.remove(key).map_err(backend)? {
            Some(raw) => Some(Stored::decode(key, raw.value())?),
            None => None,
        };
        let Some(old) = old else { return Ok(false) };
        if old.expires_at_ms != 0 {
            self.expiry
                .remove((old.expires_at_ms, key))
                .map_err(backend)?;
        }
        Ok(old.is_live(self.now_ms))
    }

    fn expires_at(&self, ttl: Option<Duration>) -> u64 {
        ttl.map_or(0, |ttl| self.now_ms.saturating_add(duration_ms(ttl)))
    }
}

#[derive(Clone)]
pub struct EmbeddedBackend {
    db: Arc<Database>,
    rate_limits: Arc<Mutex<HashMap<String, u64>>>,
    /// Set after a deferred commit; the flusher clears it and makes an immediate commit.
    deferred_pending: Arc<AtomicBool>,
    /// redb runs one write transaction at a time. Writers wait here, asynchronously, for their
    /// turn, so a waiting writer holds no blocking-pool thread (under load every request's history
    /// push used to park one on redb's lock: dozens of threads taking turns on two cores). One
    /// turn per write; the flusher and the sweeper take redb's lock directly.
    writer: Arc<tokio::sync::Semaphore>,
}

impl EmbeddedBackend {
    pub async fn open(config: &StoreConfig) -> StoreResult<Self> {
        let dir = config.data_dir.clone();
        let sweep_every = Duration::from_secs(config.sweep_interval_secs.max(1));
        let db = tokio::task::spawn_blocking(move || open_file(&dir))
            .await
            .map_err(|e| StoreError::Backend(format!("open task failed: {e}")))??;
        let db = Arc::new(db);
        let deferred_pending = Arc::new(AtomicBool::new(false));
        spawn_sweeper(Arc::downgrade(&db), sweep_every);
        spawn_flusher(Arc::downgrade(&db), deferred_pending.clone());
        Ok(Self {
            db,
            rate_limits: Arc::default(),
            deferred_pending,
            writer: Arc::new(tokio::sync::Semaphore::new(1)),
        })
    }

    async fn write<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: for<'a, 't> FnOnce(&mut Tables<'a, 't>) -> StoreResult<T> + Send + 'static,
    {
        self.write_with(Durability::Immediate, f).await
    }

    async fn write_with<T, F>(&self, durability: Durability, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: for<'a, 't> FnOnce(&mut Tables<'a, 't>) -> StoreResult<T> + Send + 'static,
    {
        let _turn = self
            .writer
            .acquire()
            .await
            .map_err(|_| StoreError::Backend("the store's writer queue was closed".into()))?;
        let db = self.db.clone();
        let result = blocking(move || write_txn_with(&db, durability, f)).await;
        if durability == Durability::Deferred && result.is_ok() {
            self.deferred_pending.store(true, Ordering::Release);
        }
        result
    }

    /// Makes every deferred commit durable now (the flusher does this each [`FLUSH_INTERVAL`]).
    pub async fn flush(&self) -> StoreResult<()> {
        self.deferred_pending.store(false, Ordering::Release);
        self.write(|_| Ok(())).await
    }

    async fn read<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&dyn Fn(&str) -> StoreResult<Option<Stored>>) -> StoreResult<T> + Send + 'static,
    {
        let db = self.db.clone();
        blocking(move || {
            let txn = db.begin_read().map_err(backend)?;
            let kv = txn.open_table(KV).map_err(backend)?;
            let now = now_ms();
            let load = |key: &str| -> StoreResult<Option<Stored>> {
                let Some(raw) = kv.get(key).map_err(backend)? else {
                    return Ok(None);
                };
                let stored = Stored::decode(key, raw.value())?;
                Ok(stored.is_live(now).then_some(stored))
            };
            f(&load)
        })
        .await
    }

    pub async fn ping(&self) -> StoreResult<()> {
        self.read(|_| Ok(())).await
    }

    pub async fn get(&self, key: &str) -> StoreResult<Option<Vec<u8>>> {
        let key = key.to_owned();
        self.read(move |load| bytes_of(&key, load(&key)?)).await
    }

    pub async fn get_refresh(&self, key: &str, ttl: Duration) -> StoreResult<Option<Vec<u8>>> {
        let key = key.to_owned();
        // A sliding expiry is soft state.
        self.write_with(Durability::Deferred, move |t| {
            let Some(mut stored) = t.load_kind(&key, Kind::Bytes)? else {
                return Ok(None);
            };
            stored.expires_at_ms = t.expires_at(Some(ttl));
            t.put(&key, &stored)?;
            Ok(Some(stored.payload))
        })
        .await
    }

    pub async fn set_all(&self, puts: Vec<Put>) -> StoreResult<()> {
        self.set_all_with(puts, Durability::Immediate).await
    }

    pub async fn set_all_with(&self, puts: Vec<Put>, durability: Durability) -> StoreResult<()> {
        self.write_with(durability, move |t| {
            for put in puts {
                let stored = Stored {
                    kind: Kind::Bytes,
                    expires_at_ms: t.expires_at(put.ttl),
                    payload: put.value,
                };
                t.put(&put.key, &stored)?;
            }
            Ok(())
        })
        .await
    }

    pub async fn set_nx(&self, key: &str, value: Vec<u8>, ttl: Duration) -> StoreResult<bool> {
        self.insert_new(key, value, Some(ttl)).await
    }

    pub async fn insert_new(
        &self,
        key: &str,
        value: Vec<u8>,
        ttl: Option<Duration>,
    ) -> StoreResult<bool> {
        let key = key.to_owned();
        self.write(move |t| {
            if t.load(&key)?.is_some() {
                return Ok(false);
            }
            let stored = Stored {
                kind: Kind::Bytes,
                expires_at_ms: t.expires_at(ttl),
                payload: value,
            };
            t.put(&key, &stored)?;
            Ok(true)
        })
        .await
    }

    /// Compare-and-set in one write transaction: a missing or expired key never matches.
    pub async fn replace_if_equals(
        &self,
        key: &str,
        expected: &[u8],
        value: Vec<u8>,
        ttl: Option<Duration>,
        durability: Durability,
    ) -> StoreResult<bool> {
        let (key, expected) = (key.to_owned(), expected.to_vec());
        self.write_with(durability, move |t| match t.load(&key)? {
            Some(stored) if stored.kind == Kind::Bytes && stored.payload == expected => {
                let stored = Stored {
                    kind: Kind::Bytes,
                    expires_at_ms: t.expires_at(ttl),
                    payload: value,
                };
                t.put(&key, &stored)?;
                Ok(true)
            }
            _ => Ok(false),
        })
        .await
    }

    pub async fn delete(&self, keys: &[String]) -> StoreResult<u64> {
        let keys = keys.to_vec();
        self.write(move |t| {
            let mut removed = 0;
            for key in &keys {
                removed += u64::from(t.remove(key)?);
            }
            Ok(removed)
        })
        .await
    }

    pub async fn delete_if_equals(&self, key: &str, value: &[u8]) -> StoreResult<bool> {
        let (key, value) = (key.to_owned(), value.to_vec());
        self.write(move |t| match t.load(&key)? {
            Some(stored) if stored.kind == Kind::Bytes && stored.payload == value => t.remove(&key),
            _ => Ok(false),
        })
        .await
    }

    pub async fn exists(&self, key: &str) -> StoreResult<bool> {
        let key = key.to_owned();
        self.read(move |load| Ok(load(&key)?.is_some())).await
    }

    pub async fn list_push_trim(
        &self,
        key: &str,
        value: Vec<u8>,
        max_len: usize,
        durability: Durability,
    ) -> StoreResult<()> {
        let key = key.to_owned();
        self.write_with(durability, move |t| {
            // The new item's frame, then the old payload's first `max_len - 1` frames as they are:
            // one copy, no per-item allocation (a full history is ~1,000 items).
            let mut payload = encode_items([value.as_slice()]);
            if max_len > 1
                && let Some(stored) = t.load_kind(&key, Kind::List)?
            {
                let kept = items_prefix_len(&key, &stored.payload, max_len - 1)?;
                payload.extend_from_slice(&stored.payload[..kept]);
            }
            t.put(
                &key,
                &Stored {
                    kind: Kind::List,
                    expires_at_ms: 0,
                    payload,
                },
            )
        })
        .await
    }

    pub async fn list_range(&self, key: &str, limit: usize) -> StoreResult<Vec<Vec<u8>>> {
        let key = key.to_owned();
        self.read(move |load| {
            let mut items = match load(&key)? {
                Some(stored) if stored.kind == Kind::List => decode_items(&key, &stored.payload)?,
                Some(_) => return Err(StoreError::Backend(format!("key {key} is not a list"))),
                None => Vec::new(),
            };
            items.truncate(limit);
            Ok(items)
        })
        .await
    }

    async fn update_set(&self, key: &str, member: &str, add: bool) -> StoreResult<()> {
        let (key, member) = (key.to_owned(), member.to_owned());
        self.write(move |t| {
            let mut members = match t.load_kind(&key, Kind::Set)? {
                Some(stored) => decode_set(&key, &stored.payload)?,
                None => BTreeSet::new(),
            };
            let changed = if add {
                members.insert(member)
            } else {
                members.remove(&member)
            };
            if !changed {
                return Ok(());
            }
            if members.is_empty() {
                t.remove(&key)?;
                return Ok(());
            }
            let payload = encode_items(members.iter().map(|m| m.as_bytes()));
            t.put(
                &key,
                &Stored {
                    kind: Kind::Set,
                    expires_at_ms: 0,
                    payload,
                },
            )
        })
        .await
    }

    pub async fn set_add(&self, key: &str, member: &str) -> StoreResult<()> {
        self.update_set(key, member, true).await
    }

    pub async fn set_remove(&self, key: &str, member: &str) -> StoreResult<()> {
        self.update_set(key, member, false).await
    }

    pub async fn set_members(&self, key: &str) -> StoreResult<Vec<String>> {
        let key = key.to_owned();
        self.read(move |load| match load(&key)? {
            Some(stored) if stored.kind == Kind::Set => {
                Ok(decode_set(&key, &stored.payload)?.into_iter().collect())
            }
            Some(_) => Err(StoreError::Backend(format!("key {key} is not a set"))),
            None => Ok(Vec::new()),
        })
        .await
    }

    pub async fn rate_limit(&self, key: &str, limit: RateLimit) -> StoreResult<RateDecision> {
        let interval = limit.interval_us()?;
        let now_us = u64::try_from(now().as_micros()).unwrap_or(u64::MAX);
        let mut states = self
            .rate_limits
            .lock()
            .map_err(|_| StoreError::Backend("rate-limit state poisoned".into()))?;
        let (decision, new_tat) = decide(states.get(key).copied(), now_us, interval, limit.limit);
        if let Some(tat) = new_tat {
            states.insert(key.to_owned(), tat);
        }
        // Forget limiters that are full again, so the map only holds active callers.
        if states.len() > 10_000 {
            states.retain(|_, tat| *tat > now_us);
        }
        Ok(decision)
    }

    pub async fn dump(&self) -> StoreResult<Vec<DumpEntry>> {
        let db = self.db.clone();
        blocking(move || {
            let txn = db.begin_read().map_err(backend)?;
            let kv = txn.open_table(KV).map_err(backend)?;
            let now = now_ms();
            let mut entries = Vec::new();
            for row in kv.iter().map_err(backend)? {
                let (key, raw) = row.map_err(backend)?;
                let key = key.value().to_owned();
                if layout::is_ephemeral(&key) {
                    continue;
                }
                let stored = Stored::decode(&key, raw.value())?;
                if !stored.is_live(now) {
                    continue;
                }
                let ttl_ms = (stored.expires_at_ms != 0).then(|| stored.expires_at_ms - now);
                let value = match stored.kind {
                    Kind::Bytes => DumpValue::Bytes(stored.payload),
                    Kind::List => DumpValue::List(decode_items(&key, &stored.payload)?),
                    Kind::Set => {
                        DumpValue::Set(decode_set(&key, &stored.payload)?.into_iter().collect())
                    }
                };
                entries.push(DumpEntry { key, ttl_ms, value });
            }
            Ok(entries)
        })
        .await
    }

    pub async fn restore(&self, entry: DumpEntry) -> StoreResult<()> {
        self.write(move |t| {
            let expires_at_ms = t.expires_at(entry.ttl_ms.map(Duration::from_millis));
            let (kind, payload) = match entry.value {
                DumpValue::Bytes(bytes) => (Kind::Bytes, bytes),
                DumpValue::List(items) => {
                    (Kind::List, encode_items(items.iter().map(Vec::as_slice)))
                }
                DumpValue::Set(members) => {
                    let unique: BTreeSet<String> = members.into_iter().collect();
                    (Kind::Set, encode_items(unique.iter().map(|m| m.as_bytes())))
                }
            };
            t.put(
                &entry.key,
                &Stored {
                    kind,
                    expires_at_ms,
                    payload,
                },
            )
        })
        .await
    }

    /// Deletes expired records now; returns how many. The sweeper calls this periodically.
    pub async fn sweep(&self) -> StoreResult<usize> {
        let db = self.db.clone();
        blocking(move || sweep(&db)).await
    }
}

fn open_file(dir: &Path) -> StoreResult<Database> {
    std::fs::create_dir_all(dir).map_err(|e| {
        StoreError::Backend(format!("cannot create data dir {}: {e}", dir.display()))
    })?;
    let path: PathBuf = dir.join(FILE_NAME);
    let db = Database::create(&path).map_err(|e| match e {
        DatabaseError::DatabaseAlreadyOpen => StoreError::Locked {
            path: path.display().to_string(),
        },
        other => StoreError::Backend(format!("cannot open {}: {other}", path.display())),
    })?;
    // Create both tables up front so read transactions can always open them.
    write_txn(&db, |_| Ok(()))?;
    Ok(db)
}

fn write_txn<T>(
    db: &Database,
    f: impl for<'a, 't> FnOnce(&mut Tables<'a, 't>) -> StoreResult<T>,
) -> StoreResult<T> {
    write_txn_with(db, Durability::Immediate, f)
}

fn write_txn_with<T>(
    db: &Database,
    durability: Durability,
    f: impl for<'a, 't> FnOnce(&mut Tables<'a, 't>) -> StoreResult<T>,
) -> StoreResult<T> {
    let mut txn = db.begin_write().map_err(backend)?;
    if durability == Durability::Deferred {
        txn.set_durability(redb::Durability::None)
            .map_err(backend)?;
    }
    let result = {
        let mut kv = txn.open_table(KV).map_err(backend)?;
        let mut expiry = txn.open_table(EXPIRY).map_err(backend)?;
        let mut tables = Tables {
            kv: &mut kv,
            expiry: &mut expiry,
            now_ms: now_ms(),
        };
        f(&mut tables)?
    };
    txn.commit().map_err(backend)?;
    Ok(result)
}

fn sweep(db: &Database) -> StoreResult<usize> {
    write_txn(db, |t| {
        let due: Vec<(u64, String)> = t
            .expiry
            .range(..(t.now_ms, ""))
            .map_err(backend)?
            .take(SWEEP_BATCH)
            .map(|row| {
                row.map(|(k, _)| (k.value().0, k.value().1.to_owned()))
                    .map_err(backend)
            })
            .collect::<StoreResult<_>>()?;
        for (expires, key) in &due {
            t.expiry.remove((*expires, key.as_str())).map_err(backend)?;
            t.kv.remove(key.as_str()).map_err(backend)?;
        }
        Ok(due.len())
    })
}

/// Makes deferred commits durable: one immediate (empty) commit per [`FLUSH_INTERVAL`] in which
/// deferred commits happened. Stops once the store is dropped (closing makes them durable too).
fn spawn_flusher(db: Weak<Database>, pending: Arc<AtomicBool>) {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        return;
    };
    runtime.spawn(async move {
        let mut ticker = tokio::time::interval(FLUSH_INTERVAL);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            let Some(db) = db.upgrade() else { return };
            // Cleared before the commit starts, so a deferred commit that ends after this point
            // marks the flag again and is flushed next time.
            if !pending.swap(false, Ordering::AcqRel) {
                continue;
            }
            match tokio::task::spawn_blocking(move || write_txn(&db, |_| Ok(()))).await {
                Ok(Ok(())) => {}
                Ok(Err(err)) => {
                    pending.store(true, Ordering::Release);
                    tracing::warn!(error = %err, "embedded store flush failed");
                }
                Err(err) => {
                    pending.store(true, Ordering::Release);
                    tracing::warn!(error = %err, "embedded store flush task failed");
                }
            }
        }
    });
}

fn spawn_sweeper(db: Weak<Database>, every: Duration) {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        return;
    };
    runtime.spawn(async move {
        let mut ticker = tokio::time::interval(every);
        ticker.tick().await;
        loop {
            ticker.tick().await;
            // Stops once the store is dropped.
            let Some(db) = db.upgrade() else { return };
            match tokio::task::spawn_blocking(move || sweep(&db)).await {
                Ok(Ok(_)) => {}
                Ok(Err(err)) => tracing::warn!(error = %err, "embedded store sweep failed"),
                Err(err) => tracing::warn!(error = %err, "embedded store sweep task failed"),
            }
        }
    });
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> StoreResult<T> + Send + 'static,
) -> StoreResult<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| StoreError::Backend(format!("store task failed: {e}")))?
}

fn bytes_of(key: &str, stored: Option<Stored>) -> StoreResult<Option<Vec<u8>>> {
    match stored {
        Some(s) if s.kind == Kind::Bytes => Ok(Some(s.payload)),
        Some(_) => Err(StoreError::Backend(format!(
            "key {key} does not hold bytes"
        ))),
        None => Ok(None),
    }
}

fn backend(err: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(err.to_string())
}

fn now() -> Duration {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
}

fn now_ms() -> u64 {
    duration_ms(now())
}

fn duration_ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    async fn open(dir: &Path) -> EmbeddedBackend {
        let config = StoreConfig {
            data_dir: dir.to_path_buf(),
            ..StoreConfig::default()
        };
        EmbeddedBackend::open(&config).await.unwrap()
    }

    /// Opens a copy of the live file, as the next start would find it after a crash at this point.
    async fn read_after_crash(dir: &Path, key: &str) -> Option<Vec<u8>> {
        let copy = tempfile::tempdir().unwrap();
        std::fs::copy(dir.join(FILE_NAME), copy.path().join(FILE_NAME)).unwrap();
        open(copy.path()).await.get(key).await.unwrap()
    }

    /// Writers take turns in the writer queue: many at once, from several worker threads, each
    /// lands exactly once and none is lost.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_writers_take_turns_and_every_write_lands() {
        let dir = tempfile::tempdir().unwrap();
        let store = open(dir.path()).await;
        let writers: Vec<_> = (0..64u8)
            .map(|i| {
                let store = store.clone();
                tokio::spawn(async move {
                    store
                        .list_push_trim("history", vec![i], 1_000, Durability::Deferred)
                        .await
                })
            })
            .collect();
        for writer in writers {
            writer.await.unwrap().unwrap();
        }
        let mut items = store.list_range("history", 1_000).await.unwrap();
        items.sort();
        assert_eq!(items, (0..64u8).map(|i| vec![i]).collect::<Vec<_>>());
        assert_eq!(
            store.writer.available_permits(),
            1,
            "every turn was given back"
        );
    }

    #[tokio::test]
    async fn deferred_writes_are_visible_at_once_and_durable_after_a_flush_or_close() {
        let dir = tempfile::tempdir().unwrap();
        let store = open(dir.path()).await;
        let put = |key: &str, value: &[u8]| Put {
            key: key.to_owned(),
            value: value.to_vec(),
            ttl: None,
        };
        store
            .set_all_with(vec![put("touch", b"1")], Durability::Deferred)
            .await
            .unwrap();
        assert_eq!(
            store.get("touch").await.unwrap().as_deref(),
            Some(&b"1"[..])
        );

        // The next immediate commit (here the flush; any durable write does the same) persists it.
        store.flush().await.unwrap();
        assert_eq!(
            read_after_crash(dir.path(), "touch").await.as_deref(),
            Some(&b"1"[..])
        );

        // A clean close persists deferred writes too.
        store
            .list_push_trim("history", b"entry".to_vec(), 10, Durability::Deferred)
            .await
            .unwrap();
        drop(store);
        let reopened = open(dir.path()).await;
        assert_eq!(
            reopened.list_range("history", 10).await.unwrap(),
            vec![b"entry".to_vec()]
        );
    }

    #[tokio::test]
    async fn the_flusher_persists_deferred_writes_within_its_interval() {
        let dir = tempfile::tempdir().unwrap();
        let store = open(dir.path()).await;
        store
            .set_all_with(
                vec![Put {
                    key: "touch".to_owned(),
                    value: b"2".to_vec(),
                    ttl: None,
                }],
                Durability::Deferred,
            )
            .await
            .unwrap();
        tokio::time::sleep(FLUSH_INTERVAL * 3).await;
        assert_eq!(
            read_after_crash(dir.path(), "touch").await.as_deref(),
            Some(&b"2"[..])
        );
    }

    #[tokio::test]
    async fn pushing_trims_to_the_newest_items_without_decoding_them() {
        let dir = tempfile::tempdir().unwrap();
        let store = open(dir.path()).await;
        for i in 0..5u8 {
            store
                .list_push_trim("l", vec![i; usize::from(i)], 3, Durability::Immediate)
                .await
                .unwrap();
        }
        assert_eq!(
            store.list_range("l", 10).await.unwrap(),
            vec![vec![4; 4], vec![3; 3], vec![2; 2]]
        );
        assert_eq!(
            items_prefix_len("l", &encode_items([&b"ab"[..]]), 0).unwrap(),
            0
        );
        assert!(items_prefix_len("l", &[1, 0, 0], 1).is_err());
        assert!(items_prefix_len("l", &[5, 0, 0, 0, 1], 1).is_err());
    }
}
