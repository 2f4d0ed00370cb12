//! Read-modify-write races (issue 20, defects 2, 3 and 5), on every backend: the embedded store, a
//! real single redis-server and a 3-node Redis Cluster (skipped, loudly, when one cannot start).
//!
//! Each property runs its race many times: a single run of a race proves little, and the defects
//! these tests guard against showed up in a fraction of runs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use handoff_store::{Identity, MAX_USER_PREFERENCES, Store, StoreConfig, StoreError};
use handoff_test_support::{Listen, RedisCluster, RedisServer};
use serde_json::{Map, Value, json};

/// Rounds of the revoke-versus-use races.
const ROUNDS: usize = 200;
/// Concurrent preference updates, each setting its own key.
const WRITERS: usize = 40;

#[derive(Clone, Copy, Debug)]
enum Backend {
    Embedded,
    Redis,
    Cluster,
}

/// Two independent `Store`s on one backend (two clients, as two handoff instances have; the
/// embedded file admits one process, so there the two share it), and what keeps the backend alive.
struct Fixture {
    stores: [Store; 2],
    _dir: tempfile::TempDir,
    _redis: Option<RedisServer>,
    _cluster: Option<RedisCluster>,
}

impl Fixture {
    /// `None` when the backend is a cluster that cannot start here (the banner says so).
    async fn open(backend: Backend, test: &str) -> Option<Self> {
        let dir = tempfile::tempdir().unwrap();
        let mut config = StoreConfig {
            data_dir: dir.path().join("data"),
            // Every read of a session refreshes it, so every read races a delete.
            session_touch_interval_secs: 0,
            ..StoreConfig::default()
        };
        let (mut redis, mut cluster) = (None, None);
        match backend {
            Backend::Embedded => {}
            Backend::Redis => {
                let server = RedisServer::start_with(Listen::Unix);
                config.redis_url = Some(server.url());
                redis = Some(server);
            }
            Backend::Cluster => {
                let started = RedisCluster::start_or_skip(test)?;
                config.redis_cluster_nodes = started.node_urls();
                cluster = Some(started);
            }
        }
        let first = Store::open(&config).await.unwrap();
        let second = match backend {
            Backend::Embedded => first.clone(),
            Backend::Redis | Backend::Cluster => Store::open(&config).await.unwrap(),
        };
        Some(Self {
            stores: [first, second],
            _dir: dir,
            _redis: redis,
            _cluster: cluster,
        })
    }

    async fn user(&self) -> Identity {
        let user = self.stores[0].create_user("Ann", "acme").await.unwrap();
        Identity {
            user_id: user.user_id,
            org_id: user.org_id,
        }
    }
}

/// Generates one test per backend for each named `async fn(Backend, &str)`.
macro_rules! on_every_backend {
    ($($name:ident),* $(,)?) => {
        mod embedded {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(super::Backend::Embedded, stringify!($name)).await
                }
            )*
        }
        mod redis {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() { super::$name(super::Backend::Redis, stringify!($name)).await }
            )*
        }
        mod cluster {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(super::Backend::Cluster, stringify!($name)).await
                }
            )*
        }
    };
}

on_every_backend!(
    a_revoked_key_never_comes_back,
    a_deleted_session_is_never_refreshed_back,
    sessions_minted_by_a_key_end_with_it,
    a_session_minted_while_its_key_is_revoked_does_not_outlive_it,
    concurrent_preference_updates_lose_nothing,
    updates_never_create_a_user_and_respect_the_size_bound,
);

/// Defect 2: authentication writes `lastUsed` back; a revoke landing between its read and its write
/// used to be undone (the key authenticated again, was missing from the list, could not be revoked).
async fn a_revoked_key_never_comes_back(backend: Backend, test: &str) {
    let Some(f) = Fixture::open(backend, test).await else {
        return;
    };
    let who = f.user().await;
    let user = who.user_id.as_str();
    let [a, b] = f.stores.clone();
    for round in 0..ROUNDS {
        // A fresh key has never been used, so its first authentication writes `lastUsed`.
        let key = a.create_api_key(user, "race").await.unwrap();
        let (use_a, use_b, revoke) = tokio::join!(
            a.authenticate_api_key(&key.secret),
            b.authenticate_api_key(&key.secret),
            b.revoke_api_key(user, &key.record.key_id),
        );
        use_a.unwrap();
        use_b.unwrap();
        assert!(
            revoke.unwrap(),
            "round {round}: the first revoke finds the key"
        );

        for store in [&a, &b] {
            assert_eq!(
                store.authenticate_api_key(&key.secret).await.unwrap(),
                None,
                "round {round}: a revoked key authenticated again"
            );
        }
        assert!(
            !a.revoke_api_key(user, &key.record.key_id).await.unwrap(),
            "round {round}: a second revoke reports the key unknown"
        );
    }
    assert!(a.list_api_keys(user).await.unwrap().is_empty());
    let leftovers: Vec<String> = a
        .export_entries()
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.key)
        .filter(|k| k.starts_with("apikey:"))
        .collect();
    assert!(leftovers.is_empty(), "revoked keys left {leftovers:?}");
}

/// Defect 2, sessions: reading a session slides its expiry by writing it back; a delete landing in
/// between used to be undone.
async fn a_deleted_session_is_never_refreshed_back(backend: Backend, test: &str) {
    let Some(f) = Fixture::open(backend, test).await else {
        return;
    };
    let who = f.user().await;
    let [a, b] = f.stores.clone();
    for round in 0..ROUNDS {
        let session = a
            .create_session(&who, json!({"round": round}))
            .await
            .unwrap();
        let id = session.session_id.as_str();
        let (read_a, read_b, update, delete) = tokio::join!(
            a.get_session(&who, id),
            b.get_session(&who, id),
            a.update_session(&who, id, json!({"changed": true})),
            b.delete_session(&who, id),
        );
        read_a.unwrap();
        read_b.unwrap();
        update.unwrap();
        assert!(
            delete.unwrap(),
            "round {round}: the delete finds the session"
        );
        for store in [&a, &b] {
            assert_eq!(
                store.get_session(&who, id).await.unwrap(),
                None,
                "round {round}: a deleted session came back"
            );
        }
    }
    assert!(a.list_sessions(&who).await.unwrap().is_empty());
}

/// Defect 3: revoking a key ends every session it minted, and only those.
async fn sessions_minted_by_a_key_end_with_it(backend: Backend, test: &str) {
    let Some(f) = Fixture::open(backend, test).await else {
        return;
    };
    let who = f.user().await;
    let user = who.user_id.as_str();
    let [a, b] = f.stores.clone();
    let doomed = a.create_api_key(user, "doomed").await.unwrap();
    let kept = a.create_api_key(user, "kept").await.unwrap();
    let doomed_hash = a
        .authenticate_api_key(&doomed.secret)
        .await
        .unwrap()
        .unwrap()
        .key_hash;
    let kept_hash = a
        .authenticate_api_key(&kept.secret)
        .await
        .unwrap()
        .unwrap()
        .key_hash;

    let mut minted = Vec::new();
    for i in 0..3 {
        let store = if i % 2 == 0 { &a } else { &b };
        let session = store
            .create_key_session(&who, &doomed_hash, json!({}))
            .await
            .unwrap()
            .expect("the key is live");
        assert_eq!(session.minted_by.as_deref(), Some(doomed_hash.as_str()));
        minted.push(session.session_id);
    }
    let other = a
        .create_key_session(&who, &kept_hash, json!({}))
        .await
        .unwrap()
        .unwrap();
    let local = a.create_session(&who, json!({})).await.unwrap();

    assert!(b.revoke_api_key(user, &doomed.record.key_id).await.unwrap());
    for id in &minted {
        for store in [&a, &b] {
            assert_eq!(
                store.get_session(&who, id.as_str()).await.unwrap(),
                None,
                "a session outlived the key that minted it"
            );
        }
    }
    let live: BTreeSet<_> = a
        .list_sessions(&who)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.session_id)
        .collect();
    assert_eq!(
        live,
        BTreeSet::from([other.session_id, local.session_id]),
        "the other key's session and the keyless one stay"
    );
    assert_eq!(
        a.create_key_session(&who, &doomed_hash, json!({}))
            .await
            .unwrap(),
        None,
        "a revoked key mints nothing"
    );
    assert!(!a.revoke_api_key(user, &doomed.record.key_id).await.unwrap());
}

/// Defect 3, the race: a session minted while its key is being revoked either is refused or ends
/// with the key; it never survives it.
async fn a_session_minted_while_its_key_is_revoked_does_not_outlive_it(
    backend: Backend,
    test: &str,
) {
    let Some(f) = Fixture::open(backend, test).await else {
        return;
    };
    let who = f.user().await;
    let user = who.user_id.as_str();
    let [a, b] = f.stores.clone();
    let mut refused = 0;
    for round in 0..ROUNDS {
        let key = a.create_api_key(user, "race").await.unwrap();
        let hash = a
            .authenticate_api_key(&key.secret)
            .await
            .unwrap()
            .unwrap()
            .key_hash;
        let (minted, revoke) = tokio::join!(
            a.create_key_session(&who, &hash, json!({"round": round})),
            b.revoke_api_key(user, &key.record.key_id),
        );
        assert!(revoke.unwrap());
        match minted.unwrap() {
            None => refused += 1,
            Some(session) => assert_eq!(
                b.get_session(&who, session.session_id.as_str())
                    .await
                    .unwrap(),
                None,
                "round {round}: a session minted during the revoke outlived its key"
            ),
        }
    }
    let left = a.list_sessions(&who).await.unwrap();
    assert!(
        left.is_empty(),
        "no session of a revoked key is left ({refused} of {ROUNDS} were refused outright): {left:?}"
    );
}

/// Defect 5: concurrent updates of different preference keys, over two clients, all land.
async fn concurrent_preference_updates_lose_nothing(backend: Backend, test: &str) {
    let Some(f) = Fixture::open(backend, test).await else {
        return;
    };
    let who = f.user().await;
    let mut tasks = Vec::new();
    for i in 0..WRITERS {
        let store = f.stores[i % 2].clone();
        let who = who.clone();
        tasks.push(tokio::spawn(async move {
            let mut change = Map::new();
            change.insert(format!("key{i}"), json!(i));
            store.merge_user_preferences(&who, change).await
        }));
    }
    // Settings are replaced as a whole while the preferences change: neither undoes the other.
    let settings = f.stores[1]
        .replace_user_settings(&who, json!({"jira": "PROJ"}))
        .await
        .unwrap();
    assert_eq!(settings, Some(json!({"jira": "PROJ"})));
    for task in tasks {
        assert!(task.await.unwrap().unwrap().is_some());
    }
    let user = f.stores[0].get_user(&who).await.unwrap().unwrap();
    let expected: Map<String, Value> = (0..WRITERS)
        .map(|i| (format!("key{i}"), json!(i)))
        .collect();
    assert_eq!(
        user.preferences,
        Value::Object(expected),
        "a write was lost"
    );
    assert_eq!(
        user.settings,
        json!({"jira": "PROJ"}),
        "the settings were lost"
    );

    // `null` removes a key, under the same guarantee.
    let mut removal = Map::new();
    removal.insert("key0".to_owned(), Value::Null);
    let after = f.stores[1]
        .merge_user_preferences(&who, removal)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.as_object().unwrap().len(), WRITERS - 1);
}

/// Updates go through compare-and-set: a removed user is not brought back by an update, and
/// preferences and settings stay within their bound.
async fn updates_never_create_a_user_and_respect_the_size_bound(backend: Backend, test: &str) {
    let Some(f) = Fixture::open(backend, test).await else {
        return;
    };
    let s = &f.stores[0];
    let who = f.user().await;

    let big = "x".repeat(MAX_USER_PREFERENCES);
    let mut change = Map::new();
    change.insert("big".to_owned(), json!(big));
    let err = s.merge_user_preferences(&who, change).await.unwrap_err();
    assert!(matches!(err, StoreError::TooLarge { .. }), "{err}");
    let err = s
        .replace_user_settings(&who, json!({ "big": big }))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::TooLarge { .. }), "{err}");
    let user = s.get_user(&who).await.unwrap().unwrap();
    assert_eq!(
        (user.preferences, user.settings),
        (json!({}), json!({})),
        "a refused update changes nothing"
    );

    assert!(s.remove_user(who.user_id.as_str()).await.unwrap());
    let mut change = Map::new();
    change.insert("theme".to_owned(), json!("dark"));
    assert_eq!(s.merge_user_preferences(&who, change).await.unwrap(), None);
    assert_eq!(
        s.replace_user_settings(&who, json!({})).await.unwrap(),
        None
    );
    assert_eq!(s.user_by_id(who.user_id.as_str()).await.unwrap(), None);
}
