//! Behaviour only Redis has: many connections, outages, round-trip costs, cluster mode.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use common::{Harness, Kind};
use handoff_store::{Identity, RateLimit, Store, StoreConfig, StoreError};
use handoff_test_support::{Listen, RedisCluster, RedisServer};
use serde_json::json;

fn who() -> Identity {
    Identity::new("u_alice", "acme").unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limit_is_exact_across_connections_and_tasks() {
    let server = RedisServer::start();
    let config = StoreConfig {
        redis_url: Some(server.url()),
        ..StoreConfig::default()
    };
    // Two independent clients, as two handoff instances would have.
    let stores = [
        Store::open(&config).await.unwrap(),
        Store::open(&config).await.unwrap(),
    ];
    let limit = RateLimit {
        limit: 250,
        period: Duration::from_secs(3600),
    };
    let mut tasks = Vec::new();
    for task in 0..8 {
        let store = stores[task % 2].clone();
        tasks.push(tokio::spawn(async move {
            let mut allowed = 0u32;
            for _ in 0..1_000 {
                allowed += u32::from(
                    store
                        .check_rate_limit(&who(), "generate", limit)
                        .await
                        .unwrap()
                        .allowed,
                );
            }
            allowed
        }));
    }
    let mut total = 0;
    for task in tasks {
        total += task.await.unwrap();
    }
    assert_eq!(
        total, 250,
        "exactly the budget across 8 tasks x 1000 checks on 2 connections"
    );
}

fn command_calls(server: &RedisServer) -> u64 {
    let stats = server.command("INFO commandstats").unwrap();
    stats
        .lines()
        .filter_map(|line| line.strip_prefix("cmdstat_"))
        .filter(|line| !line.starts_with("info:"))
        .filter_map(|line| {
            line.split("calls=")
                .nth(1)?
                .split(',')
                .next()?
                .parse::<u64>()
                .ok()
        })
        .sum()
}

fn evalsha_calls(server: &RedisServer) -> u64 {
    let stats = server.command("INFO commandstats").unwrap();
    stats
        .lines()
        .find_map(|l| l.strip_prefix("cmdstat_evalsha:calls="))
        .and_then(|rest| rest.split(',').next()?.parse().ok())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limit_costs_one_command_and_session_touch_at_most_one() {
    let h = Harness::new(Kind::Redis).await;
    let server = h.redis.as_ref().unwrap();
    let s = &h.store;
    let limit = RateLimit::per_minute(100);
    s.check_rate_limit(&who(), "x", limit).await.unwrap(); // first call loads the script
    let (evalsha_before, before) = (evalsha_calls(server), command_calls(server));
    s.check_rate_limit(&who(), "x", limit).await.unwrap();
    assert_eq!(
        evalsha_calls(server) - evalsha_before,
        1,
        "one EVALSHA per check"
    );
    // Redis also counts the script's inner TIME, GET and SET; none of them is a round trip.
    assert_eq!(command_calls(server) - before, 4, "nothing else was sent");

    let session = s.create_session(&who(), json!({})).await.unwrap();
    let before = command_calls(server);
    s.get_session(&who(), session.session_id.as_str())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        command_calls(server) - before,
        1,
        "a read within the touch interval is one GET"
    );

    let touching = Harness::with(Kind::Redis, |c| c.session_touch_interval_secs = 0).await;
    let server = touching.redis.as_ref().unwrap();
    let warm_up = touching
        .store
        .create_session(&who(), json!({}))
        .await
        .unwrap();
    // The first touch loads the compare-and-set script.
    touching
        .store
        .get_session(&who(), warm_up.session_id.as_str())
        .await
        .unwrap()
        .unwrap();
    let session = touching
        .store
        .create_session(&who(), json!({}))
        .await
        .unwrap();
    let (evalsha_before, before) = (evalsha_calls(server), command_calls(server));
    touching
        .store
        .get_session(&who(), session.session_id.as_str())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        evalsha_calls(server) - evalsha_before,
        1,
        "the touch is one conditional write (EVALSHA)"
    );
    // GET, then the script: Redis counts its inner GET and SET too, which are not round trips.
    assert_eq!(
        command_calls(server) - before,
        4,
        "GET plus at most one conditional SET for the touch"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outage_fails_fast_with_unavailable_and_recovers_on_the_same_store() {
    let mut server = RedisServer::start_with(Listen::Tcp);
    let config = StoreConfig {
        redis_url: Some(server.url()),
        ..StoreConfig::default()
    };
    let store = Store::open(&config).await.unwrap();
    store.ping().await.unwrap();
    let session = store
        .create_session(&who(), json!({"kept": true}))
        .await
        .unwrap();

    server.stop();
    for _ in 0..3 {
        let started = Instant::now();
        let err = store
            .get_session(&who(), session.session_id.as_str())
            .await
            .unwrap_err();
        assert!(
            started.elapsed() < Duration::from_millis(2_500),
            "took {:?}",
            started.elapsed()
        );
        assert!(err.is_unavailable(), "{err:?}");
        let started = Instant::now();
        assert!(store.ping().await.unwrap_err().is_unavailable());
        assert!(started.elapsed() < Duration::from_millis(2_500));
    }

    server.restart();
    let deadline = Instant::now() + Duration::from_secs(10);
    while store.ping().await.is_err() {
        assert!(Instant::now() < deadline, "store did not reconnect");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The restarted server has no data (no persistence in the fixture): writes work again.
    let again = store.create_session(&who(), json!({})).await.unwrap();
    assert!(
        store
            .get_session(&who(), again.session_id.as_str())
            .await
            .unwrap()
            .is_some()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn opening_against_a_dead_redis_does_not_hang() {
    let port = {
        let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
        listener.local_addr().unwrap().port()
    };
    let config = StoreConfig {
        redis_url: Some(format!("redis://127.0.0.1:{port}")),
        ..StoreConfig::default()
    };
    let started = Instant::now();
    let store = Store::open(&config).await.unwrap();
    let err = store.ping().await.unwrap_err();
    assert!(matches!(err, StoreError::Unavailable { .. }), "{err:?}");
    assert!(started.elapsed() < Duration::from_millis(2_500));
    let bad = StoreConfig {
        redis_url: Some("nonsense://x".into()),
        ..StoreConfig::default()
    };
    assert!(matches!(
        Store::open(&bad).await,
        Err(StoreError::Invalid { .. })
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cluster_runs_every_operation() {
    let Some(cluster) = RedisCluster::start_or_skip("cluster_runs_every_operation") else {
        return;
    };
    let config = StoreConfig {
        redis_cluster_nodes: cluster.node_urls(),
        ..StoreConfig::default()
    };
    let s = Store::open(&config).await.unwrap();
    s.ping().await.unwrap();
    let user = s.create_user("Ann", "acme").await.unwrap();
    let me = Identity {
        user_id: user.user_id.clone(),
        org_id: user.org_id.clone(),
    };
    let session = s.create_session(&me, json!({"a": 1})).await.unwrap();
    assert!(
        s.get_session(&me, session.session_id.as_str())
            .await
            .unwrap()
            .is_some()
    );
    let limit = RateLimit {
        limit: 3,
        period: Duration::from_secs(60),
    };
    let mut allowed = 0;
    for _ in 0..10 {
        allowed += u32::from(s.check_rate_limit(&me, "e", limit).await.unwrap().allowed);
    }
    assert_eq!(allowed, 3);
    let input = handoff_store::ComponentInput {
        analysis: json!({}),
        metadata: json!({}),
        screenshot: Some(common::png(1, 100)),
    };
    s.put_component(&me, "F", "1:2", input).await.unwrap(); // blob + record in one MULTI, one slot
    assert!(s.get_component(&me, "F", "1:2").await.unwrap().is_some());
    for n in 0..3 {
        s.add_history(
            &me,
            &handoff_store::HistoryEntry {
                at: n,
                tool: "t".into(),
                platform: "p".into(),
                document_type: "d".into(),
                file_key: "F".into(),
                node_ids: vec![],
                summary: String::new(),
            },
        )
        .await
        .unwrap();
    }
    assert_eq!(s.list_history(&me, 10).await.unwrap().len(), 3);
    let guard = s
        .try_lock("x", Duration::from_secs(5))
        .await
        .unwrap()
        .unwrap();
    assert!(s.release_lock(guard).await.unwrap());
    let key = s.create_api_key(user.user_id.as_str(), "k").await.unwrap();
    assert!(s.authenticate_api_key(&key.secret).await.unwrap().is_some());
    // Export scans every master: keys spread over slots all come back.
    let keys: Vec<_> = s
        .export_entries()
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.key)
        .collect();
    for prefix in [
        "user:",
        "session:",
        "component:",
        "screenshot:",
        "apikey:",
        "users",
    ] {
        assert!(
            keys.iter().any(|k| k.starts_with(prefix)),
            "{prefix} missing from {keys:?}"
        );
    }
    assert!(s.remove_user(user.user_id.as_str()).await.unwrap());
}
