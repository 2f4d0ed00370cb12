//! A reachable Redis that refuses a command for now (loading, cannot persist, replica, master link
//! down, busy script, too few replicas) must surface as `StoreError::Unavailable` (HTTP 503 +
//! `Retry-After`), not `Backend` (HTTP 500 with Redis' own text). Each state is produced in a real
//! `redis-server`; single commands, pipelines, MULTI/EXEC and Lua scripts are all checked, because a
//! pipeline or transaction wraps the refusal inside its own error.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use handoff_store::{
    DumpEntry, DumpValue, HistoryEntry, Identity, RateLimit, Store, StoreConfig, StoreError,
    StoreResult,
};
use handoff_test_support::{Listen, RedisServer};

fn who() -> Identity {
    Identity::new("u_alice", "acme").unwrap()
}

async fn open(server: &RedisServer) -> Store {
    let config = StoreConfig {
        redis_url: Some(server.url()),
        ..StoreConfig::default()
    };
    Store::open(&config).await.unwrap()
}

/// `result` must be `Unavailable` and name the refusal (the reason is logged, never sent).
#[track_caller]
fn assert_refused<T: std::fmt::Debug>(result: StoreResult<T>, code: &str, what: &str) {
    match result {
        Err(StoreError::Unavailable { reason, .. }) => {
            assert!(
                reason.contains(code),
                "{what}: reason {reason:?} lacks {code}"
            );
        }
        other => panic!("{what}: expected Unavailable ({code}), got {other:?}"),
    }
}

fn history() -> HistoryEntry {
    HistoryEntry {
        at: 1,
        tool: "generate".into(),
        platform: "jira".into(),
        document_type: "component".into(),
        file_key: "F1".into(),
        node_ids: vec!["1:2".into()],
        summary: "s".into(),
    }
}

/// `import_entry` is a MULTI/EXEC (DEL + SADD).
fn users_entry() -> DumpEntry {
    DumpEntry {
        key: "users".into(),
        ttl_ms: None,
        value: DumpValue::Set(vec!["u_alice".into()]),
    }
}

const LIMIT: RateLimit = RateLimit {
    limit: 10,
    period: Duration::from_secs(60),
};

fn info_field(server: &RedisServer, section: &str, field: &str) -> String {
    let info = server.command(&format!("INFO {section}")).unwrap();
    info.lines()
        .find_map(|l| l.strip_prefix(&format!("{field}:")))
        .unwrap_or_default()
        .trim()
        .to_owned()
}

#[tokio::test]
async fn readonly_replica_refuses_writes_as_unavailable() {
    let server = RedisServer::start();
    let store = open(&server).await;
    // A replica of a master that does not exist: reads are served (stale), writes are refused.
    assert_eq!(server.command("REPLICAOF 127.0.0.1 1").unwrap(), "+OK");
    assert_refused(store.create_user("ann", "acme").await, "READONLY", "SET");
    assert_refused(
        store.add_history(&who(), &history()).await,
        "READONLY",
        "pipeline",
    );
    assert_refused(
        store.import_entry(users_entry()).await,
        "READONLY",
        "MULTI/EXEC",
    );
    assert_refused(
        store.check_rate_limit(&who(), "reads", LIMIT).await,
        "READONLY",
        "script",
    );
    // Reads still work.
    assert!(store.get_user(&who()).await.unwrap().is_none());
}

#[tokio::test]
async fn replica_without_its_master_refuses_reads_as_unavailable() {
    let server = RedisServer::start();
    let store = open(&server).await;
    server
        .command("CONFIG SET replica-serve-stale-data no")
        .unwrap();
    assert_eq!(server.command("REPLICAOF 127.0.0.1 1").unwrap(), "+OK");
    assert_refused(store.get_user(&who()).await, "MASTERDOWN", "GET");
    assert_refused(store.list_history(&who(), 10).await, "MASTERDOWN", "LRANGE");
}

#[tokio::test]
async fn too_few_replicas_refuses_writes_as_unavailable() {
    let server = RedisServer::start();
    let store = open(&server).await;
    server
        .command("CONFIG SET min-replicas-to-write 1")
        .unwrap();
    assert_refused(store.create_user("ann", "acme").await, "NOREPLICAS", "SET");
    assert_refused(
        store.add_history(&who(), &history()).await,
        "NOREPLICAS",
        "pipeline",
    );
    assert_refused(
        store.import_entry(users_entry()).await,
        "NOREPLICAS",
        "MULTI/EXEC",
    );
}

#[tokio::test]
async fn failed_background_save_refuses_writes_as_unavailable() {
    let server = RedisServer::start();
    let store = open(&server).await;
    // A directory where the RDB file goes makes the final rename of every save fail, even for
    // root; with a save point configured and stop-writes-on-bgsave-error (the default), Redis then
    // refuses writes with MISCONF until a save succeeds.
    std::fs::create_dir(server.dir().join("dump.rdb")).unwrap();
    server.command("CONFIG SET save \"3600 1\"").unwrap();
    server
        .command("CONFIG SET stop-writes-on-bgsave-error yes")
        .unwrap();
    server.command("BGSAVE").unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while info_field(&server, "persistence", "rdb_last_bgsave_status") != "err" {
        assert!(Instant::now() < deadline, "BGSAVE did not fail");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_refused(store.create_user("ann", "acme").await, "MISCONF", "SET");
    assert_refused(
        store.add_history(&who(), &history()).await,
        "MISCONF",
        "pipeline",
    );
    assert_refused(
        store.import_entry(users_entry()).await,
        "MISCONF",
        "MULTI/EXEC",
    );
    assert_refused(
        store.check_rate_limit(&who(), "reads", LIMIT).await,
        "MISCONF",
        "script",
    );
    assert!(store.get_user(&who()).await.unwrap().is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn busy_script_refuses_commands_as_unavailable() {
    let server = RedisServer::start();
    let store = open(&server).await;
    // Load the rate-limit script first so the refusal below is BUSY, not a NOSCRIPT + load.
    store
        .check_rate_limit(&who(), "reads", LIMIT)
        .await
        .unwrap();
    server
        .command("CONFIG SET busy-reply-threshold 50")
        .unwrap();
    // The fixture's client gives up after 500 ms; the script keeps running until SCRIPT KILL.
    let _ = server.command("EVAL \"while true do end\" 0");
    assert_refused(store.get_user(&who()).await, "BUSY", "GET");
    assert_refused(
        store.check_rate_limit(&who(), "reads", LIMIT).await,
        "BUSY",
        "script",
    );
    assert_refused(
        store.add_history(&who(), &history()).await,
        "BUSY",
        "pipeline",
    );
    assert_eq!(server.command("SCRIPT KILL").unwrap(), "+OK");
    let deadline = Instant::now() + Duration::from_secs(5);
    while store.get_user(&who()).await.is_err() {
        assert!(
            Instant::now() < deadline,
            "store did not recover after SCRIPT KILL"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loading_replica_refuses_commands_as_unavailable() {
    let master = RedisServer::start_with(Listen::Tcp);
    let replica = RedisServer::start();
    // Enough keys that the replica's load of the master's snapshot, slowed down per key, takes
    // seconds; it answers other clients with LOADING meanwhile.
    {
        let client = redis::Client::open(master.url()).unwrap();
        let mut conn = client.get_multiplexed_async_connection().await.unwrap();
        let mut pipe = redis::pipe();
        for i in 0..20_000 {
            pipe.cmd("SET").arg(format!("filler:{i}")).arg(i).ignore();
        }
        let () = pipe.query_async(&mut conn).await.unwrap();
    }
    let store = open(&replica).await;
    replica.command("CONFIG SET key-load-delay 200").unwrap();
    replica
        .command("CONFIG SET loading-process-events-interval-bytes 1024")
        .unwrap();
    let port = master.port().unwrap();
    assert_eq!(
        replica
            .command(&format!("REPLICAOF 127.0.0.1 {port}"))
            .unwrap(),
        "+OK"
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        assert!(
            Instant::now() < deadline,
            "the replica never answered LOADING"
        );
        match store.get_user(&who()).await {
            Ok(_) => tokio::time::sleep(Duration::from_millis(5)).await,
            result => {
                assert_refused(result, "LOADING", "GET while loading");
                break;
            }
        }
    }
    // Do not wait for the slow load to finish: the fixtures kill both servers on drop.
}
