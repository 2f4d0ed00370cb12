//! Opens a store of either backend for a test, with its own temp dir or redis-server.
#![allow(dead_code)]

use std::time::Duration;

use handoff_store::{ComponentInput, DumpEntry, HistoryEntry, Identity, Store, StoreConfig};
use handoff_test_support::{Listen, RedisServer};
use serde_json::json;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Embedded,
    Redis,
}

pub struct Harness {
    pub store: Store,
    pub config: StoreConfig,
    pub redis: Option<RedisServer>,
    pub dir: tempfile::TempDir,
}

impl Harness {
    pub async fn new(kind: Kind) -> Self {
        Self::with(kind, |_| {}).await
    }

    pub async fn with(kind: Kind, tweak: impl FnOnce(&mut StoreConfig)) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut config = StoreConfig {
            data_dir: dir.path().join("data"),
            ..StoreConfig::default()
        };
        let redis = match kind {
            Kind::Embedded => None,
            Kind::Redis => {
                let server = RedisServer::start_with(Listen::Unix);
                config.redis_url = Some(server.url());
                Some(server)
            }
        };
        tweak(&mut config);
        let store = Store::open(&config).await.expect("open store");
        Self {
            store,
            config,
            redis,
            dir,
        }
    }

    /// A second, independent `Store` on the same backend (new client / reopened file).
    pub async fn reopen(&mut self) -> Store {
        Store::open(&self.config).await.expect("reopen store")
    }
}

/// Generates `mod embedded` and `mod redis`, running each named `async fn(Kind)` on both backends.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod embedded {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() { super::$name(super::common::Kind::Embedded).await }
            )*
        }
        mod redis {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() { super::$name(super::common::Kind::Redis).await }
            )*
        }
    };
}

pub fn png(seed: u8, len: usize) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend((0..len).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)));
    bytes
}

pub fn history(n: usize) -> HistoryEntry {
    HistoryEntry {
        at: n as u64,
        tool: "generate_ticket".into(),
        platform: "jira".into(),
        document_type: "story".into(),
        file_key: "FILE1".into(),
        node_ids: vec!["1:2".into()],
        summary: format!("entry {n}"),
    }
}

/// Writes one of every record kind.
pub async fn seed(s: &Store) {
    let user = s.create_user("Ann", "acme").await.unwrap();
    let who = Identity {
        user_id: user.user_id.clone(),
        org_id: user.org_id.clone(),
    };
    s.create_session(&who, json!({"a": 1})).await.unwrap();
    s.add_history(&who, &history(1)).await.unwrap();
    s.add_history(&who, &history(2)).await.unwrap();
    s.create_api_key(user.user_id.as_str(), "k").await.unwrap();
    s.put_template(&who, "jira", "story", "c", "1", "h")
        .await
        .unwrap();
    let input = ComponentInput {
        analysis: json!({"a": 1}),
        metadata: json!({}),
        screenshot: Some(png(9, 100)),
    };
    s.put_component(&who, "F", "1:2", input).await.unwrap();
    s.put_figma_response("F", "1", "/v1/files/F", b"{\"document\":{}}")
        .await
        .unwrap();
    s.put_figma_meta("F", &json!({"v": 1})).await.unwrap();
    s.put_mcp_session("m1", b"state", Duration::from_secs(600))
        .await
        .unwrap();
}

pub fn assert_same_entries(a: &[DumpEntry], b: &[DumpEntry]) {
    let sorted = |entries: &[DumpEntry]| {
        let mut v = entries.to_vec();
        v.sort_by(|x, y| x.key.cmp(&y.key));
        v
    };
    let (a, b) = (sorted(a), sorted(b));
    assert_eq!(
        a.len(),
        b.len(),
        "{:?}\nvs\n{:?}",
        a.iter().map(|e| &e.key).collect::<Vec<_>>(),
        b.iter().map(|e| &e.key).collect::<Vec<_>>()
    );
    assert!(a.len() >= 10, "seed wrote every kind: {}", a.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.key, y.key);
        assert_eq!(x.value, y.value, "{}", x.key);
        match (x.ttl_ms, y.ttl_ms) {
            (None, None) => {}
            (Some(tx), Some(ty)) => assert!(tx.abs_diff(ty) < 5_000, "{}: ttl {tx} vs {ty}", x.key),
            other => panic!("{}: ttl presence differs {other:?}", x.key),
        }
    }
}
