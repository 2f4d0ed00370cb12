//! The Redis backend: standalone (auto-reconnecting `ConnectionManager`, TLS via `rediss://`,
//! unix sockets) or Redis Cluster. Every call is bounded by the operation timeout.

use std::collections::HashSet;
use std::future::Future;
use std::time::Duration;

use redis::aio::{ConnectionLike, ConnectionManager, ConnectionManagerConfig};
use redis::cluster::ClusterClient;
use redis::cluster_async::ClusterConnection;
use redis::{Cmd, Pipeline, RedisFuture, Script, Value};

use super::{DumpEntry, DumpValue, Put};
use crate::config::StoreConfig;
use crate::error::{StoreError, StoreResult};
use crate::gcra::{GCRA_LUA, RateDecision, RateLimit};
use crate::keys::layout;

/// Deletes a key only while it holds the caller's token (lock release that cannot free someone
/// else's lock after ours expired).
const DELETE_IF_EQUALS_LUA: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
";

/// Compare-and-set on one key: writes ARGV[3] (with a TTL of ARGV[2] ms, or none when ARGV[2] is
/// empty) only while the key still holds exactly ARGV[1]. A missing key never matches, so an update
/// that races a delete cannot bring the record back. One key per call: cluster-safe.
const REPLACE_IF_EQUALS_LUA: &str = r"
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == '' then
  redis.call('SET', KEYS[1], ARGV[3])
else
  redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[2])
end
return 1
";

#[derive(Clone)]
enum Connection {
    Single(ConnectionManager),
    Cluster(ClusterConnection),
}

impl ConnectionLike for Connection {
    fn req_packed_command<'a>(&'a mut self, cmd: &'a Cmd) -> RedisFuture<'a, Value> {
        match self {
            Self::Single(c) => c.req_packed_command(cmd),
            Self::Cluster(c) => c.req_packed_command(cmd),
        }
    }
    fn req_packed_commands<'a>(
        &'a mut self,
        pipeline: &'a Pipeline,
        offset: usize,
        count: usize,
    ) -> RedisFuture<'a, Vec<Value>> {
        match self {
            Self::Single(c) => c.req_packed_commands(pipeline, offset, count),
            Self::Cluster(c) => c.req_packed_commands(pipeline, offset, count),
        }
    }
    fn get_db(&self) -> i64 {
        match self {
            Self::Single(c) => c.get_db(),
            Self::Cluster(c) => c.get_db(),
        }
    }
}

#[derive(Clone)]
pub struct RedisBackend {
    connection: Connection,
    prefix: String,
    timeout: Duration,
    /// Node URLs in cluster mode (for export, which scans every master).
    cluster_nodes: Vec<String>,
    gcra: std::sync::Arc<Script>,
    delete_if_equals: std::sync::Arc<Script>,
    replace_if_equals: std::sync::Arc<Script>,
}

/// Splits `redis+cluster://h1:p1,h2:p2` (or `rediss+cluster://…`) into node URLs.
fn cluster_nodes(config: &StoreConfig) -> StoreResult<Vec<String>> {
    let mut nodes = config.redis_cluster_nodes.clone();
    if let Some(url) = &config.redis_url {
        if url.contains(',') && !url.contains("+cluster://") {
            // A comma-separated list of node URLs also selects cluster mode.
            nodes.extend(
                url.split(',')
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                    .map(str::to_owned),
            );
            return Ok(nodes);
        }
        for (scheme, node_scheme) in [
            ("redis+cluster://", "redis://"),
            ("rediss+cluster://", "rediss://"),
        ] {
            if let Some(rest) = url.strip_prefix(scheme) {
                let (auth, hosts) = match rest.rsplit_once('@') {
                    Some((auth, hosts)) => (format!("{auth}@"), hosts),
                    None => (String::new(), rest),
                };
                for host in hosts
                    .trim_end_matches('/')
                    .split(',')
                    .filter(|h| !h.is_empty())
                {
                    nodes.push(format!("{node_scheme}{auth}{host}"));
                }
                if nodes.is_empty() {
                    return Err(StoreError::invalid(
                        "redis_url",
                        "cluster URL lists no nodes",
                    ));
                }
            }
        }
    }
    Ok(nodes)
}

impl RedisBackend {
    pub async fn open(config: &StoreConfig) -> StoreResult<Self> {
        let timeout = config.operation_timeout();
        let nodes = cluster_nodes(config)?;
        let connection = if nodes.is_empty() {
            let url = config
                .redis_url
                .as_deref()
                .ok_or_else(|| StoreError::invalid("redis_url", "not set"))?;
            let client = redis::Client::open(url)
                .map_err(|e| StoreError::invalid("redis_url", redact(&e.to_string(), url)))?;
            let manager_config = ConnectionManagerConfig::new()
                .set_connection_timeout(Some(config.connect_timeout()))
                .set_response_timeout(Some(timeout))
                .set_number_of_retries(2)
                .set_max_delay(Duration::from_millis(500));
            // Lazy: the store opens while Redis is down; calls fail with `Unavailable` until it is back.
            let manager = ConnectionManager::new_lazy_with_config(client, manager_config)
                .map_err(StoreError::from)?;
            Connection::Single(manager)
        } else {
            let client = ClusterClient::builder(nodes.clone())
                .connection_timeout(config.connect_timeout())
                .response_timeout(timeout)
                .retries(2)
                .build()
                .map_err(|e| StoreError::invalid("redis cluster nodes", e.to_string()))?;
            let connection = bounded(timeout, async {
                client
                    .get_async_connection()
                    .await
                    .map_err(StoreError::from)
            })
            .await?;
            Connection::Cluster(connection)
        };
        Ok(Self {
            connection,
            prefix: config.key_prefix.clone(),
            timeout,
            cluster_nodes: nodes,
            gcra: std::sync::Arc::new(Script::new(GCRA_LUA)),
            delete_if_equals: std::sync::Arc::new(Script::new(DELETE_IF_EQUALS_LUA)),
            replace_if_equals: std::sync::Arc::new(Script::new(REPLACE_IF_EQUALS_LUA)),
        })
    }

    fn key(&self, logical: &str) -> String {
        format!("{}{logical}", self.prefix)
    }

    async fn run<T: redis::FromRedisValue>(&self, cmd: &Cmd) -> StoreResult<T> {
        let mut conn = self.connection.clone();
        bounded(self.timeout, async move {
            cmd.query_async(&mut conn).await.map_err(StoreError::from)
        })
        .await
    }

    async fn run_pipe<T: redis::FromRedisValue>(&self, pipe: Pipeline) -> StoreResult<T> {
        let mut conn = self.connection.clone();
        bounded(self.timeout, async move {
            pipe.query_async(&mut conn).await.map_err(StoreError::from)
        })
        .await
    }

    pub async fn ping(&self) -> StoreResult<()> {
        let pong: String = self.run(&redis::cmd("PING")).await?;
        if pong == "PONG" {
            Ok(())
        } else {
            Err(StoreError::Backend(format!(
                "unexpected PING reply {pong:?}"
            )))
        }
    }

    pub async fn get(&self, key: &str) -> StoreResult<Option<Vec<u8>>> {
        self.run(redis::cmd("GET").arg(self.key(key))).await
    }

    pub async fn get_refresh(&self, key: &str, ttl: Duration) -> StoreResult<Option<Vec<u8>>> {
        self.run(
            redis::cmd("GETEX")
                .arg(self.key(key))
                .arg("PX")
                .arg(ttl_ms(ttl)),
        )
        .await
    }

    pub async fn set_all(&self, puts: Vec<Put>) -> StoreResult<()> {
        let mut pipe = redis::pipe();
        if puts.len() > 1 {
            pipe.atomic();
        }
        for put in puts {
            let cmd = pipe.cmd("SET").arg(self.key(&put.key)).arg(put.value);
            if let Some(ttl) = put.ttl {
                cmd.arg("PX").arg(ttl_ms(ttl));
            }
            cmd.ignore();
        }
        self.run_pipe::<()>(pipe).await
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
        let mut cmd = redis::cmd("SET");
        cmd.arg(self.key(key)).arg(value).arg("NX");
        if let Some(ttl) = ttl {
            cmd.arg("PX").arg(ttl_ms(ttl));
        }
        let reply: Option<String> = self.run(&cmd).await?;
        Ok(reply.is_some())
    }

    pub async fn replace_if_equals(
        &self,
        key: &str,
        expected: &[u8],
        value: Vec<u8>,
        ttl: Option<Duration>,
    ) -> StoreResult<bool> {
        let mut conn = self.connection.clone();
        let mut invocation = self.replace_if_equals.key(self.key(key));
        invocation
            .arg(expected)
            .arg(ttl.map_or_else(String::new, |ttl| ttl_ms(ttl).to_string()))
            .arg(value);
        let replaced: i64 = bounded(self.timeout, async move {
            invocation
                .invoke_async(&mut conn)
                .await
                .map_err(StoreError::from)
        })
        .await?;
        Ok(replaced == 1)
    }

    pub async fn delete(&self, keys: &[String]) -> StoreResult<u64> {
        if keys.is_empty() {
            return Ok(0);
        }
        if matches!(self.connection, Connection::Cluster(_)) {
            // A cluster pipeline must stay in one slot; these keys may not.
            let mut removed = 0;
            for key in keys {
                removed += self
                    .run::<u64>(redis::cmd("DEL").arg(self.key(key)))
                    .await?;
            }
            return Ok(removed);
        }
        let mut pipe = redis::pipe();
        for key in keys {
            pipe.cmd("DEL").arg(self.key(key));
        }
        let counts: Vec<u64> = self.run_pipe(pipe).await?;
        Ok(counts.iter().sum())
    }

    pub async fn delete_if_equals(&self, key: &str, value: &[u8]) -> StoreResult<bool> {
        let mut conn = self.connection.clone();
        let mut invocation = self.delete_if_equals.key(self.key(key));
        invocation.arg(value);
        let deleted: i64 = bounded(self.timeout, async move {
            invocation
                .invoke_async(&mut conn)
                .await
                .map_err(StoreError::from)
        })
        .await?;
        Ok(deleted == 1)
    }

    pub async fn exists(&self, key: &str) -> StoreResult<bool> {
        let n: i64 = self.run(redis::cmd("EXISTS").arg(self.key(key))).await?;
        Ok(n > 0)
    }

    pub async fn list_push_trim(
        &self,
        key: &str,
        value: Vec<u8>,
        max_len: usize,
    ) -> StoreResult<()> {
        let key = self.key(key);
        // One round trip, not a MULTI/EXEC: a push whose trim did not run leaves the list one item
        // long for a moment, and the next push trims it; the push itself is atomic either way.
        let mut pipe = redis::pipe();
        pipe.cmd("LPUSH")
            .arg(&key)
            .arg(value)
            .ignore()
            .cmd("LTRIM")
            .arg(&key)
            .arg(0)
            .arg(max_len.saturating_sub(1))
            .ignore();
        self.run_pipe::<()>(pipe).await
    }

    pub async fn list_range(&self, key: &str, limit: usize) -> StoreResult<Vec<Vec<u8>>> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        self.run(
            redis::cmd("LRANGE")
                .arg(self.key(key))
                .arg(0)
                .arg(limit - 1),
        )
        .await
    }

    pub async fn set_add(&self, key: &str, member: &str) -> StoreResult<()> {
        self.run::<()>(redis::cmd("SADD").arg(self.key(key)).arg(member))
            .await
    }

    pub async fn set_remove(&self, key: &str, member: &str) -> StoreResult<()> {
        self.run::<()>(redis::cmd("SREM").arg(self.key(key)).arg(member))
            .await
    }

    pub async fn set_members(&self, key: &str) -> StoreResult<Vec<String>> {
        let mut members: Vec<String> = self.run(redis::cmd("SMEMBERS").arg(self.key(key))).await?;
        members.sort();
        Ok(members)
    }

    pub async fn rate_limit(&self, key: &str, limit: RateLimit) -> StoreResult<RateDecision> {
        let interval = limit.interval_us()?;
        let mut conn = self.connection.clone();
        let mut invocation = self.gcra.key(self.key(key));
        invocation.arg(interval).arg(limit.limit);
        let (allowed, remaining, reset_us, retry_us): (i64, i64, i64, i64) =
            bounded(self.timeout, async move {
                invocation
                    .invoke_async(&mut conn)
                    .await
                    .map_err(StoreError::from)
            })
            .await?;
        let micros = |v: i64| Duration::from_micros(u64::try_from(v).unwrap_or(0));
        Ok(RateDecision {
            allowed: allowed == 1,
            limit: limit.limit,
            remaining: u32::try_from(remaining).unwrap_or(0),
            reset_after: micros(reset_us),
            retry_after: micros(retry_us),
        })
    }

    pub async fn dump(&self) -> StoreResult<Vec<DumpEntry>> {
        let keys = self.scan_all().await?;
        let mut entries = Vec::with_capacity(keys.len());
        for full_key in keys {
            let Some(logical) = full_key.strip_prefix(&self.prefix) else {
                continue;
            };
            if layout::is_ephemeral(logical) {
                continue;
            }
            if let Some(entry) = self.dump_one(&full_key, logical).await? {
                entries.push(entry);
            }
        }
        Ok(entries)
    }

    async fn dump_one(&self, full_key: &str, logical: &str) -> StoreResult<Option<DumpEntry>> {
        let kind: String = self.run(redis::cmd("TYPE").arg(full_key)).await?;
        let value = match kind.as_str() {
            "string" => match self
                .run::<Option<Vec<u8>>>(redis::cmd("GET").arg(full_key))
                .await?
            {
                Some(bytes) => DumpValue::Bytes(bytes),
                None => return Ok(None),
            },
            "list" => DumpValue::List(
                self.run(redis::cmd("LRANGE").arg(full_key).arg(0).arg(-1))
                    .await?,
            ),
            "set" => {
                let mut members: Vec<String> =
                    self.run(redis::cmd("SMEMBERS").arg(full_key)).await?;
                members.sort();
                DumpValue::Set(members)
            }
            "none" => return Ok(None),
            other => {
                return Err(StoreError::Backend(format!(
                    "key {logical} has unexpected type {other}"
                )));
            }
        };
        let pttl: i64 = self.run(redis::cmd("PTTL").arg(full_key)).await?;
        let ttl_ms = match pttl {
            -2 => return Ok(None),
            n if n < 0 => None,
            n => Some(u64::try_from(n).unwrap_or(1).max(1)),
        };
        Ok(Some(DumpEntry {
            key: logical.to_owned(),
            ttl_ms,
            value,
        }))
    }

    async fn scan_all(&self) -> StoreResult<Vec<String>> {
        let pattern = format!("{}*", escape_glob(&self.prefix));
        if self.cluster_nodes.is_empty() {
            let mut conn = self.connection.clone();
            return scan_connection(&mut conn, &pattern, self.timeout).await;
        }
        // Every master holds its own keys; replicas would only repeat them.
        let mut seen = HashSet::new();
        for node in &self.cluster_nodes {
            let client = redis::Client::open(node.as_str()).map_err(StoreError::from)?;
            let mut conn = bounded(self.timeout, async {
                client
                    .get_multiplexed_async_connection()
                    .await
                    .map_err(StoreError::from)
            })
            .await?;
            let role: Vec<Value> = bounded(self.timeout, async {
                redis::cmd("ROLE")
                    .query_async(&mut conn)
                    .await
                    .map_err(StoreError::from)
            })
            .await?;
            let is_master = matches!(role.first(), Some(Value::BulkString(b)) if b == b"master");
            if is_master {
                seen.extend(scan_connection(&mut conn, &pattern, self.timeout).await?);
            }
        }
        let mut keys: Vec<String> = seen.into_iter().collect();
        keys.sort();
        Ok(keys)
    }

    pub async fn restore(&self, entry: DumpEntry) -> StoreResult<()> {
        let key = self.key(&entry.key);
        let mut pipe = redis::pipe();
        pipe.atomic().cmd("DEL").arg(&key).ignore();
        match entry.value {
            DumpValue::Bytes(bytes) => {
                pipe.cmd("SET").arg(&key).arg(bytes).ignore();
            }
            DumpValue::List(items) => {
                if !items.is_empty() {
                    pipe.cmd("RPUSH").arg(&key).arg(items).ignore();
                }
            }
            DumpValue::Set(members) => {
                if !members.is_empty() {
                    pipe.cmd("SADD").arg(&key).arg(members).ignore();
                }
            }
        }
        if let Some(ttl) = entry.ttl_ms {
            pipe.cmd("PEXPIRE").arg(&key).arg(ttl.max(1)).ignore();
        }
        self.run_pipe::<()>(pipe).await
    }
}

async fn scan_connection<C: ConnectionLike + Send>(
    conn: &mut C,
    pattern: &str,
    timeout: Duration,
) -> StoreResult<Vec<String>> {
    let mut cursor: u64 = 0;
    let mut keys = Vec::new();
    loop {
        let (next, batch): (u64, Vec<String>) = bounded(timeout, async {
            redis::cmd("SCAN")
                .arg(cursor)
                .arg("MATCH")
                .arg(pattern)
                .arg("COUNT")
                .arg(1000)
                .query_async(&mut *conn)
                .await
                .map_err(StoreError::from)
        })
        .await?;
        keys.extend(batch);
        if next == 0 {
            return Ok(keys);
        }
        cursor = next;
    }
}

/// Runs `op` with a deadline: past it the call fails with `Unavailable` instead of hanging.
async fn bounded<T>(timeout: Duration, op: impl Future<Output = StoreResult<T>>) -> StoreResult<T> {
    match tokio::time::timeout(timeout, op).await {
        Ok(result) => result,
        Err(_) => Err(StoreError::unavailable(format!(
            "redis did not answer within {timeout:?}"
        ))),
    }
}

fn ttl_ms(ttl: Duration) -> u64 {
    u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1)
}

fn escape_glob(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Keeps passwords in URLs out of error messages.
fn redact(message: &str, url: &str) -> String {
    match url::Url::parse(url) {
        Ok(parsed) if parsed.password().is_some() => {
            message.replace(url, "<redis url with password>")
        }
        _ => message.to_owned(),
    }
}
