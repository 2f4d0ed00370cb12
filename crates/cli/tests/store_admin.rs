//! `handoff users|keys|store` as processes, against the embedded store and a real Redis.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;

use common::{handoff, ok};
use handoff_test_support::RedisServer;

fn dir_arg(dir: &Path) -> String {
    dir.display().to_string()
}

#[test]
fn users_and_keys_round_trip_through_export_and_migration() {
    let tmp = tempfile::tempdir().unwrap();
    let data = dir_arg(&tmp.path().join("a"));
    let id = ok(&["users", "add", "Ann", "--org", "acme", "--data-dir", &data])
        .trim()
        .to_owned();
    assert!(id.starts_with("u_"), "{id}");
    let listed = ok(&["users", "list", "--data-dir", &data]);
    assert_eq!(listed, format!("{id}\tacme\tAnn\n"));

    let key = ok(&[
        "keys",
        "create",
        "--user",
        &id,
        "--label",
        "ci",
        "--data-dir",
        &data,
    ])
    .trim()
    .to_owned();
    assert!(key.starts_with("hk_") && key.len() == 67, "{key}");
    let keys = ok(&["keys", "list", "--user", &id, "--data-dir", &data]);
    assert!(!keys.contains(&key[3..]), "the key is never shown again");
    let key_id = keys.split('\t').next().unwrap().to_owned();

    let export = tmp.path().join("export.jsonl");
    ok(&[
        "store",
        "export",
        "--out",
        &dir_arg(&export),
        "--data-dir",
        &data,
    ]);
    let copy = dir_arg(&tmp.path().join("b"));
    ok(&["store", "import", &dir_arg(&export), "--data-dir", &copy]);
    assert_eq!(ok(&["users", "list", "--data-dir", &copy]), listed);

    let redis = RedisServer::start();
    ok(&["store", "migrate", "--from", &data, "--to", &redis.url()]);
    let back = dir_arg(&tmp.path().join("c"));
    ok(&["store", "migrate", "--from", &redis.url(), "--to", &back]);
    assert_eq!(ok(&["users", "list", "--data-dir", &back]), listed);
    assert_eq!(
        ok(&["keys", "list", "--user", &id, "--data-dir", &back]),
        keys
    );

    ok(&[
        "keys",
        "revoke",
        "--user",
        &id,
        &key_id,
        "--data-dir",
        &data,
    ]);
    assert_eq!(
        ok(&["keys", "list", "--user", &id, "--data-dir", &data]),
        ""
    );
    ok(&["users", "remove", &id, "--data-dir", &data]);
    assert_eq!(ok(&["users", "list", "--data-dir", &data]), "");
}

#[test]
fn bad_input_is_refused_with_a_clear_message() {
    let tmp = tempfile::tempdir().unwrap();
    let data = dir_arg(tmp.path());
    for args in [
        vec!["users", "add", "Eve", "--org", "a:b{c}"],
        vec!["users", "remove", "u_missing"],
        vec!["keys", "create", "--user", "u_missing"],
        vec!["keys", "revoke", "--user", "u_x", "zz"],
    ] {
        let mut full = args.clone();
        full.extend(["--data-dir", &data]);
        let out = handoff(&full);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).starts_with("error: "),
            "{args:?}"
        );
        assert!(out.stdout.is_empty());
    }
    let bad = tmp.path().join("bad.jsonl");
    std::fs::write(&bad, "{\"key\":\"user:{u}\"}\nnot json\n").unwrap();
    let out = handoff(&["store", "import", &dir_arg(&bad), "--data-dir", &data]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad.jsonl:1"));
}

#[test]
fn a_locked_embedded_store_is_reported_as_such() {
    let tmp = tempfile::tempdir().unwrap();
    let data = dir_arg(tmp.path());
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let config = handoff_store::StoreConfig {
        data_dir: tmp.path().to_owned(),
        ..Default::default()
    };
    let _held = runtime
        .block_on(handoff_store::Store::open(&config))
        .unwrap();
    let out = handoff(&["users", "list", "--data-dir", &data]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("locked by another process"), "{stderr}");
}

#[test]
fn an_unreachable_redis_fails_fast() {
    let started = std::time::Instant::now();
    let out = handoff(&["users", "list", "--redis-url", "redis://127.0.0.1:1"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unavailable"));
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}

#[test]
fn record_counts_take_the_number_of_their_noun() {
    let tmp = tempfile::tempdir().unwrap();
    let said = |args: &[&str]| {
        let out = handoff(args);
        assert!(out.status.success(), "{args:?}");
        String::from_utf8(out.stderr).unwrap()
    };
    let noun = |count: usize| if count == 1 { "record" } else { "records" };
    let data = dir_arg(&tmp.path().join("a"));
    ok(&["users", "add", "Ann", "--org", "acme", "--data-dir", &data]);
    let full = dir_arg(&tmp.path().join("full.jsonl"));
    let stderr = said(&["store", "export", "--out", &full, "--data-dir", &data]);
    let all = std::fs::read_to_string(&full).unwrap();
    let count = all.lines().count();
    assert!(
        stderr.contains(&format!("exported {count} {}\n", noun(count))),
        "{stderr}"
    );

    // One record in, one record out: the singular.
    let single = tmp.path().join("single.jsonl");
    std::fs::write(&single, format!("{}\n", all.lines().next().unwrap())).unwrap();
    let one = dir_arg(&tmp.path().join("one"));
    let stderr = said(&["store", "import", &dir_arg(&single), "--data-dir", &one]);
    assert!(stderr.contains("imported 1 record\n"), "{stderr}");
    let again = dir_arg(&tmp.path().join("again.jsonl"));
    let stderr = said(&["store", "export", "--out", &again, "--data-dir", &one]);
    assert!(stderr.contains("exported 1 record\n"), "{stderr}");
}
