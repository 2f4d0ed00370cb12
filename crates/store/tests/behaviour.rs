//! One behavioural suite, run against both backends: they must behave identically.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::{Harness, Kind, assert_same_entries, history, png, seed};
use handoff_store::{ComponentInput, DumpValue, Identity, RateLimit, StoreError};
use serde_json::json;

fn alice() -> Identity {
    Identity::new("u_alice", "acme").unwrap()
}
fn bob() -> Identity {
    Identity::new("u_bob", "acme").unwrap()
}
fn mallory() -> Identity {
    Identity::new("u_mallory", "evilcorp").unwrap()
}

async fn sessions_crud_and_isolation(kind: Kind) {
    let h = Harness::new(kind).await;
    let s = &h.store;
    let created = s
        .create_session(&alice(), json!({"step": 1}))
        .await
        .unwrap();
    let id = created.session_id.as_str().to_owned();
    assert!(id.len() >= 2 + 32, "128 bits of hex randomness: {id}");
    assert_ne!(
        id,
        s.create_session(&alice(), json!({}))
            .await
            .unwrap()
            .session_id
            .as_str()
    );

    let got = s.get_session(&alice(), &id).await.unwrap().unwrap();
    assert_eq!(got.data, json!({"step": 1}));
    assert_eq!(got.user_id.as_str(), "u_alice");

    // Another user, or the same user id in another org, sees nothing and can change nothing.
    assert_eq!(s.get_session(&bob(), &id).await.unwrap(), None);
    let alice_elsewhere = Identity::new("u_alice", "evilcorp").unwrap();
    assert_eq!(s.get_session(&alice_elsewhere, &id).await.unwrap(), None);
    assert!(
        !s.update_session(&bob(), &id, json!({"x": 1}))
            .await
            .unwrap()
    );
    assert!(!s.delete_session(&bob(), &id).await.unwrap());
    assert!(s.list_sessions(&bob()).await.unwrap().is_empty());

    assert!(
        s.update_session(&alice(), &id, json!({"step": 2}))
            .await
            .unwrap()
    );
    assert_eq!(
        s.get_session(&alice(), &id).await.unwrap().unwrap().data,
        json!({"step": 2})
    );
    assert_eq!(s.list_sessions(&alice()).await.unwrap().len(), 2);

    assert!(s.delete_session(&alice(), &id).await.unwrap());
    assert_eq!(s.get_session(&alice(), &id).await.unwrap(), None);
    assert_eq!(s.list_sessions(&alice()).await.unwrap().len(), 1);
    assert_eq!(s.revoke_sessions(&alice()).await.unwrap(), 1);
    assert!(s.list_sessions(&alice()).await.unwrap().is_empty());
}

async fn session_data_is_bounded(kind: Kind) {
    let h = Harness::new(kind).await;
    let big = json!("x".repeat(handoff_store::MAX_SESSION_DATA + 1));
    let err = h.store.create_session(&alice(), big).await.unwrap_err();
    assert!(matches!(err, StoreError::TooLarge { .. }), "{err}");
}

async fn sessions_slide_and_expire(kind: Kind) {
    let h = Harness::with(kind, |c| {
        c.session_ttl_secs = 1;
        c.session_touch_interval_secs = 0;
    })
    .await;
    let s = &h.store;
    let id = s
        .create_session(&alice(), json!({}))
        .await
        .unwrap()
        .session_id;
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert!(
        s.get_session(&alice(), id.as_str())
            .await
            .unwrap()
            .is_some(),
        "read slides expiry"
    );
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert!(
        s.get_session(&alice(), id.as_str())
            .await
            .unwrap()
            .is_some(),
        "alive past its first expiry because it was read"
    );
    tokio::time::sleep(Duration::from_millis(1300)).await;
    assert_eq!(
        s.get_session(&alice(), id.as_str()).await.unwrap(),
        None,
        "idle past TTL"
    );
    assert!(s.list_sessions(&alice()).await.unwrap().is_empty());
}

async fn session_touch_is_throttled(kind: Kind) {
    let h = Harness::new(kind).await; // touch interval 60 s
    let s = &h.store;
    let created = s.create_session(&alice(), json!({})).await.unwrap();
    tokio::time::sleep(Duration::from_millis(20)).await;
    let read = s
        .get_session(&alice(), created.session_id.as_str())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        read.last_access, created.last_access,
        "no write within the touch interval"
    );
    assert_eq!(read.expires_at, created.expires_at);
}

async fn users_crud_and_removal_cascades(kind: Kind) {
    let h = Harness::new(kind).await;
    let s = &h.store;
    let ann = s.create_user("Ann", "acme").await.unwrap();
    let ben = s.create_user("Ben", "other").await.unwrap();
    assert_ne!(ann.user_id, ben.user_id);
    let mut listed: Vec<_> = s
        .list_users()
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.name)
        .collect();
    listed.sort();
    assert_eq!(listed, ["Ann", "Ben"]);

    let who = Identity {
        user_id: ann.user_id.clone(),
        org_id: ann.org_id.clone(),
    };
    assert_eq!(s.get_user(&who).await.unwrap().unwrap().name, "Ann");
    let wrong_org = Identity {
        user_id: ann.user_id.clone(),
        org_id: ben.org_id.clone(),
    };
    assert_eq!(s.get_user(&wrong_org).await.unwrap(), None);
    let changes = json!({"theme": "dark"}).as_object().unwrap().clone();
    assert_eq!(
        s.merge_user_preferences(&who, changes).await.unwrap(),
        Some(json!({"theme": "dark"}))
    );
    assert_eq!(
        s.replace_user_settings(&who, json!({"jira": "X"}))
            .await
            .unwrap(),
        Some(json!({"jira": "X"}))
    );
    assert_eq!(
        s.replace_user_settings(&wrong_org, json!({}))
            .await
            .unwrap(),
        None,
        "another org's user is not updated"
    );
    assert_eq!(
        s.get_user(&who).await.unwrap().unwrap().preferences,
        json!({"theme": "dark"})
    );

    let session = s.create_session(&who, json!({})).await.unwrap();
    let key = s.create_api_key(ann.user_id.as_str(), "ci").await.unwrap();
    s.add_history(&who, &history(1)).await.unwrap();

    assert!(s.remove_user(ann.user_id.as_str()).await.unwrap());
    assert!(!s.remove_user(ann.user_id.as_str()).await.unwrap());
    assert_eq!(s.user_by_id(ann.user_id.as_str()).await.unwrap(), None);
    assert_eq!(
        s.get_session(&who, session.session_id.as_str())
            .await
            .unwrap(),
        None
    );
    assert_eq!(s.authenticate_api_key(&key.secret).await.unwrap(), None);
    assert!(s.list_history(&who, 10).await.unwrap().is_empty());
    assert_eq!(s.list_users().await.unwrap().len(), 1);

    for bad in ["", "   ", &"n".repeat(300), "a\nb"] {
        assert!(s.create_user(bad, "acme").await.is_err(), "name {bad:?}");
    }
    assert!(s.create_user("Eve", "acme:*").await.is_err());
}

async fn history_is_bounded_newest_first_and_private(kind: Kind) {
    let h = Harness::with(kind, |c| c.history_limit = 5).await;
    let s = &h.store;
    for n in 0..8 {
        s.add_history(&alice(), &history(n)).await.unwrap();
    }
    let got: Vec<_> = s
        .list_history(&alice(), 100)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.at)
        .collect();
    assert_eq!(got, [7, 6, 5, 4, 3]);
    let two: Vec<_> = s
        .list_history(&alice(), 2)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.at)
        .collect();
    assert_eq!(two, [7, 6]);
    assert!(s.list_history(&bob(), 100).await.unwrap().is_empty());
}

async fn api_keys_are_shown_once_and_stored_hashed(kind: Kind) {
    let h = Harness::new(kind).await;
    let s = &h.store;
    let user = s.create_user("Ann", "acme").await.unwrap();
    let created = s
        .create_api_key(user.user_id.as_str(), "laptop")
        .await
        .unwrap();
    assert!(created.secret.starts_with("hk_") && created.secret.len() == 67);

    let key = s
        .authenticate_api_key(&created.secret)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(key.identity.user_id, user.user_id);
    assert_eq!(key.identity.org_id.as_str(), "acme");
    assert!(key.record.last_used.is_some());

    // Only the hash is stored: the secret appears nowhere in the store.
    for entry in s.export_entries().await.unwrap() {
        let text = serde_json::to_string(&entry).unwrap();
        assert!(
            !text.contains(&created.secret[3..]),
            "secret leaked in {}",
            entry.key
        );
    }

    let listed = s.list_api_keys(user.user_id.as_str()).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].label, "laptop");

    for bad in [
        "",
        "hk_",
        "hk_zz",
        &format!("{}0", created.secret),
        "Bearer x",
        &created.secret.to_uppercase(),
    ] {
        assert_eq!(s.authenticate_api_key(bad).await.unwrap(), None, "{bad:?}");
    }
    assert!(s.create_api_key("u_nobody", "x").await.is_err());
    assert!(
        s.revoke_api_key(user.user_id.as_str(), "12").await.is_err(),
        "too short a prefix"
    );
    assert!(
        !s.revoke_api_key(user.user_id.as_str(), "000000")
            .await
            .unwrap()
            || listed[0].key_id.starts_with("000000")
    );
    assert!(
        s.revoke_api_key(user.user_id.as_str(), &listed[0].key_id)
            .await
            .unwrap()
    );
    assert_eq!(s.authenticate_api_key(&created.secret).await.unwrap(), None);
    assert!(
        s.list_api_keys(user.user_id.as_str())
            .await
            .unwrap()
            .is_empty()
    );
}

async fn templates_are_cached_per_org_and_invalidated_by_source(kind: Kind) {
    let h = Harness::new(kind).await;
    let s = &h.store;
    s.put_template(&alice(), "jira", "story", "{{ title }}", "2", "hash-a")
        .await
        .unwrap();
    let hit = s
        .get_template(&bob(), "jira", "story", "hash-a")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(hit.content, "{{ title }}", "same org shares its templates");
    assert_eq!(
        s.get_template(&mallory(), "jira", "story", "hash-a")
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        s.get_template(&alice(), "jira", "story", "hash-b")
            .await
            .unwrap(),
        None,
        "stale"
    );
    assert_eq!(
        s.get_template(&alice(), "jira", "story", "hash-a")
            .await
            .unwrap(),
        None,
        "dropped"
    );
    s.put_template(&alice(), "jira", "story", "v3", "3", "hash-c")
        .await
        .unwrap();
    assert!(
        s.invalidate_template(&alice(), "jira", "story")
            .await
            .unwrap()
    );
    assert_eq!(
        s.get_template(&alice(), "jira", "story", "hash-c")
            .await
            .unwrap(),
        None
    );
    assert!(
        s.put_template(&alice(), "jira:*", "story", "x", "1", "h")
            .await
            .is_err()
    );
}

async fn components_dedupe_screenshots_and_stay_in_their_org(kind: Kind) {
    let h = Harness::new(kind).await;
    let s = &h.store;
    let shot = png(1, 4096);
    let input = |n: u32| ComponentInput {
        analysis: json!({"score": n}),
        metadata: json!({"name": "Button"}),
        screenshot: Some(shot.clone()),
    };
    let a = s
        .put_component(&alice(), "FILE1", "1:2", input(1))
        .await
        .unwrap();
    let b = s
        .put_component(&alice(), "FILE1", "I1:3;4:5", input(2))
        .await
        .unwrap();
    let reference = a.screenshot.clone().unwrap();
    assert_eq!(reference, b.screenshot.clone().unwrap());
    assert_eq!(reference.content_type, "image/png");
    assert_eq!(reference.len, shot.len());

    let blobs: Vec<_> = s
        .export_entries()
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.key.starts_with("screenshot:"))
        .collect();
    assert_eq!(blobs.len(), 1, "identical screenshots are stored once");
    assert_eq!(
        blobs[0].value,
        DumpValue::Bytes(shot.clone()),
        "raw bytes, not base64"
    );

    let got = s
        .get_component(&bob(), "FILE1", "I1:3;4:5")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(got.analysis, json!({"score": 2}));
    assert_eq!(
        s.get_screenshot(&bob(), &reference.sha256)
            .await
            .unwrap()
            .unwrap(),
        shot
    );

    // Another org sees neither the component nor the blob, even knowing the hash.
    assert_eq!(
        s.get_component(&mallory(), "FILE1", "1:2").await.unwrap(),
        None
    );
    assert_eq!(
        s.get_screenshot(&mallory(), &reference.sha256)
            .await
            .unwrap(),
        None
    );

    assert!(s.delete_component(&alice(), "FILE1", "1:2").await.unwrap());
    assert_eq!(
        s.get_component(&alice(), "FILE1", "1:2").await.unwrap(),
        None
    );
    assert!(
        s.get_component(&alice(), "FILE1", "I1:3;4:5")
            .await
            .unwrap()
            .is_some()
    );
}

async fn screenshots_are_validated(kind: Kind) {
    let h = Harness::new(kind).await;
    let s = &h.store;
    let who = alice();
    let put = |bytes: Vec<u8>| {
        s.put_component(
            &who,
            "F",
            "1:1",
            ComponentInput {
                analysis: json!({}),
                metadata: json!({}),
                screenshot: Some(bytes),
            },
        )
    };
    assert!(matches!(
        put(b"GIF89a....".to_vec()).await,
        Err(StoreError::Invalid { .. })
    ));
    assert!(
        matches!(
            put(b"iVBORw0KGgo=".to_vec()).await,
            Err(StoreError::Invalid { .. })
        ),
        "base64 text"
    );
    assert!(matches!(
        put(Vec::new()).await,
        Err(StoreError::Invalid { .. })
    ));
    let too_big = png(0, handoff_store::MAX_SCREENSHOT_BYTES);
    assert!(matches!(
        put(too_big).await,
        Err(StoreError::TooLarge { .. })
    ));
    let jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3].to_vec();
    assert_eq!(
        put(jpeg).await.unwrap().screenshot.unwrap().content_type,
        "image/jpeg"
    );
    for bad_hash in ["", "abc", &"G".repeat(64), &"A".repeat(64), "../../x"] {
        assert!(
            s.get_screenshot(&alice(), bad_hash).await.is_err(),
            "{bad_hash:?}"
        );
    }
}

async fn components_expire(kind: Kind) {
    let h = Harness::with(kind, |c| c.component_ttl_secs = 1).await;
    let s = &h.store;
    let input = ComponentInput {
        analysis: json!({}),
        metadata: json!({}),
        screenshot: Some(png(3, 10)),
    };
    let c = s.put_component(&alice(), "F", "1:1", input).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert_eq!(s.get_component(&alice(), "F", "1:1").await.unwrap(), None);
    assert_eq!(
        s.get_screenshot(&alice(), &c.screenshot.unwrap().sha256)
            .await
            .unwrap(),
        None
    );
    s.sweep_expired().await.unwrap();
    assert!(s.export_entries().await.unwrap().is_empty());
}

async fn figma_cache_round_trips_compressed(kind: Kind) {
    let h = Harness::with(kind, |c| c.figma_meta_ttl_secs = 1).await;
    let s = &h.store;
    let body = serde_json::to_vec(&json!({"document": {"children": vec!["node"; 5000]}})).unwrap();
    s.put_figma_response("FILE1", "123", "/v1/files/FILE1?depth=2&ids=1:2", &body)
        .await
        .unwrap();
    assert_eq!(
        s.get_figma_response("FILE1", "123", "/v1/files/FILE1?depth=2&ids=1:2")
            .await
            .unwrap()
            .unwrap(),
        body
    );
    assert_eq!(
        s.get_figma_response("FILE1", "124", "/v1/files/FILE1?depth=2&ids=1:2")
            .await
            .unwrap(),
        None
    );
    let stored = s.export_entries().await.unwrap();
    let DumpValue::Bytes(raw) = &stored
        .iter()
        .find(|e| e.key.starts_with("figma:"))
        .unwrap()
        .value
    else {
        panic!("bytes expected")
    };
    assert!(
        raw.len() * 10 < body.len(),
        "stored compressed: {} vs {}",
        raw.len(),
        body.len()
    );

    s.put_figma_meta("FILE1", &json!({"version": "123"}))
        .await
        .unwrap();
    assert_eq!(
        s.get_figma_meta("FILE1").await.unwrap().unwrap(),
        json!({"version": "123"})
    );
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert_eq!(
        s.get_figma_meta("FILE1").await.unwrap(),
        None,
        "meta is short-lived"
    );
    assert!(
        s.put_figma_response("FILE{1}", "1", "r", b"x")
            .await
            .is_err()
    );
}

async fn rate_limit_allows_exactly_the_budget(kind: Kind) {
    let h = Harness::new(kind).await;
    let s = &h.store;
    let limit = RateLimit {
        limit: 5,
        period: Duration::from_secs(3600),
    };
    let mut allowed = 0;
    let mut last = None;
    for _ in 0..20 {
        let d = s
            .check_rate_limit(&alice(), "generate", limit)
            .await
            .unwrap();
        allowed += u32::from(d.allowed);
        last = Some(d);
    }
    assert_eq!(allowed, 5);
    let last = last.unwrap();
    assert!(!last.allowed);
    assert_eq!((last.limit, last.remaining), (5, 0));
    assert!(
        last.retry_after > Duration::from_secs(700) && last.retry_after <= Duration::from_secs(720)
    );
    let first_bob = s.check_rate_limit(&bob(), "generate", limit).await.unwrap();
    assert!(
        first_bob.allowed && first_bob.remaining == 4,
        "limits are per user"
    );
    assert!(
        s.check_rate_limit(&alice(), "other", limit)
            .await
            .unwrap()
            .allowed,
        "and per endpoint"
    );
    assert!(
        s.check_rate_limit(
            &alice(),
            "x",
            RateLimit {
                limit: 0,
                period: Duration::from_secs(1)
            }
        )
        .await
        .is_err()
    );
}

async fn locks_are_exclusive_and_released_safely(kind: Kind) {
    let h = Harness::new(kind).await;
    let s = &h.store;
    let guard = s
        .try_lock("figma:FILE1:nodes", Duration::from_secs(10))
        .await
        .unwrap()
        .unwrap();
    assert!(
        s.try_lock("figma:FILE1:nodes", Duration::from_secs(10))
            .await
            .unwrap()
            .is_none()
    );
    assert!(s.is_locked("figma:FILE1:nodes").await.unwrap());
    assert!(s.release_lock(guard).await.unwrap());
    assert!(!s.is_locked("figma:FILE1:nodes").await.unwrap());

    let stale = s
        .try_lock("short", Duration::from_millis(100))
        .await
        .unwrap()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(250)).await;
    let fresh = s
        .try_lock("short", Duration::from_secs(10))
        .await
        .unwrap()
        .unwrap();
    assert!(
        !s.release_lock(stale).await.unwrap(),
        "an expired holder cannot free the new lock"
    );
    assert!(s.is_locked("short").await.unwrap());
    assert!(s.release_lock(fresh).await.unwrap());
}

async fn mcp_sessions_load_refreshes_and_delete(kind: Kind) {
    let h = Harness::new(kind).await;
    let s = &h.store;
    let ttl = Duration::from_millis(800);
    s.put_mcp_session("mcp-1", b"{\"init\":1}", ttl)
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(s.load_mcp_session("mcp-1", ttl).await.unwrap().is_some());
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        s.load_mcp_session("mcp-1", ttl).await.unwrap().unwrap(),
        b"{\"init\":1}",
        "load refreshed TTL"
    );
    assert!(s.delete_mcp_session("mcp-1").await.unwrap());
    assert_eq!(s.load_mcp_session("mcp-1", ttl).await.unwrap(), None);
    s.put_mcp_session("short", b"x", Duration::from_millis(100))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(250)).await;
    assert_eq!(s.load_mcp_session("short", ttl).await.unwrap(), None);
}

async fn hostile_ids_are_rejected_or_encoded(kind: Kind) {
    let h = Harness::new(kind).await;
    let s = &h.store;
    let hostile = [
        "",
        " ",
        "a b",
        "a\nb",
        "a:b",
        "{a}",
        "a*",
        "user}:x",
        "\u{0}",
        "é",
        "a\r\nSET x y",
        &"x".repeat(129),
    ];
    for bad in hostile {
        assert!(Identity::new(bad, "acme").is_err(), "user {bad:?}");
        assert!(Identity::new("u", bad).is_err(), "org {bad:?}");
        assert!(
            matches!(
                s.get_session(&alice(), bad).await,
                Err(StoreError::Invalid { .. })
            ),
            "session {bad:?}"
        );
        assert!(
            s.put_template(&alice(), bad, "story", "c", "1", "h")
                .await
                .is_err(),
            "platform {bad:?}"
        );
        assert!(
            s.get_component(&alice(), bad, "1:2").await.is_err(),
            "file key {bad:?}"
        );
        assert!(
            s.check_rate_limit(&alice(), bad, RateLimit::per_minute(1))
                .await
                .is_err()
        );
        assert!(s.user_by_id(bad).await.is_err());
    }
    // Free-form node ids are encoded: distinct ids never collide, whatever they contain.
    let nodes = ["1:2", "1%3A2", "{x}", "*", "a b\nc", "é", "I1:2;3:4"];
    for (n, node) in nodes.iter().enumerate() {
        let input = ComponentInput {
            analysis: json!({ "n": n }),
            metadata: json!({}),
            screenshot: None,
        };
        s.put_component(&alice(), "F", node, input).await.unwrap();
    }
    for (n, node) in nodes.iter().enumerate() {
        let got = s.get_component(&alice(), "F", node).await.unwrap().unwrap();
        assert_eq!(got.analysis, json!({ "n": n }), "{node:?}");
        assert_eq!(got.node_id, *node);
    }
    assert!(s.get_component(&alice(), "F", "").await.is_err());
    assert!(
        s.get_component(&alice(), "F", &"9".repeat(5000))
            .await
            .is_err()
    );
    for key in s.export_entries().await.unwrap().iter().map(|e| &e.key) {
        assert!(key.bytes().all(|b| b.is_ascii_graphic()), "key {key:?}");
        assert_eq!(key.matches('{').count(), 1, "one hash tag in {key:?}");
    }
}

async fn export_import_round_trips_with_ttls(kind: Kind) {
    let h = Harness::new(kind).await;
    let s = &h.store;
    seed(s).await;
    let exported = s.export_entries().await.unwrap();
    let target = Harness::new(kind).await;
    for entry in exported.clone() {
        target.store.import_entry(entry).await.unwrap();
    }
    assert_same_entries(&exported, &target.store.export_entries().await.unwrap());
    let bad = handoff_store::DumpEntry {
        key: "ratelimit:{u}:x".into(),
        ttl_ms: None,
        value: DumpValue::Set(vec![]),
    };
    assert!(target.store.import_entry(bad).await.is_err());
}

async fn data_survives_reopen(kind: Kind) {
    let h = Harness::new(kind).await;
    seed(&h.store).await;
    let before = h.store.export_entries().await.unwrap();
    let Harness {
        store,
        config,
        redis: _redis,
        dir: _dir,
    } = h;
    // The embedded file is exclusively locked: the old handle must be gone before reopening.
    drop(store);
    let reopened = handoff_store::Store::open(&config).await.unwrap();
    assert_same_entries(&before, &reopened.export_entries().await.unwrap());
}

on_both_backends!(
    sessions_crud_and_isolation,
    session_data_is_bounded,
    sessions_slide_and_expire,
    session_touch_is_throttled,
    users_crud_and_removal_cascades,
    history_is_bounded_newest_first_and_private,
    api_keys_are_shown_once_and_stored_hashed,
    templates_are_cached_per_org_and_invalidated_by_source,
    components_dedupe_screenshots_and_stay_in_their_org,
    screenshots_are_validated,
    components_expire,
    figma_cache_round_trips_compressed,
    rate_limit_allows_exactly_the_budget,
    locks_are_exclusive_and_released_safely,
    mcp_sessions_load_refreshes_and_delete,
    hostile_ids_are_rejected_or_encoded,
    export_import_round_trips_with_ttls,
    data_survives_reopen,
);
