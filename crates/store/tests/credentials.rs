//! Sealed per-user credentials, on both backends: keyed by the whole identity, removed with the
//! user, carried by export/import, bounded in size.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Harness, Kind};
use handoff_store::{
    DumpValue, Identity, MAX_SEALED_CREDENTIAL_BYTES, SealedCredential, StoreError, Upstream,
};

fn sealed(byte: u8) -> SealedCredential {
    SealedCredential {
        key_id: "0123456789abcdef".into(),
        nonce: vec![byte; 12],
        ciphertext: vec![byte.wrapping_add(1); 61],
    }
}

async fn credentials_round_trip_per_identity(kind: Kind) {
    let h = Harness::new(kind).await;
    let s = &h.store;
    let ann = Identity::new("u_ann", "acme").unwrap();
    let ben = Identity::new("u_ben", "acme").unwrap();
    let ann_elsewhere = Identity::new("u_ann", "evilcorp").unwrap();

    assert_eq!(s.get_credential(&ann, Upstream::Figma).await.unwrap(), None);
    assert!(!s.has_credential(&ann, Upstream::Figma).await.unwrap());
    s.put_credential(&ann, Upstream::Figma, &sealed(1))
        .await
        .unwrap();
    assert_eq!(
        s.get_credential(&ann, Upstream::Figma).await.unwrap(),
        Some(sealed(1))
    );
    assert!(s.has_credential(&ann, Upstream::Figma).await.unwrap());

    // Another user, and the same user id in another org, can neither see nor delete it.
    for other in [&ben, &ann_elsewhere] {
        assert_eq!(
            s.get_credential(other, Upstream::Figma).await.unwrap(),
            None
        );
        assert!(!s.has_credential(other, Upstream::Figma).await.unwrap());
        assert!(!s.delete_credential(other, Upstream::Figma).await.unwrap());
    }
    s.put_credential(&ben, Upstream::Figma, &sealed(7))
        .await
        .unwrap();
    assert_eq!(
        s.get_credential(&ann, Upstream::Figma).await.unwrap(),
        Some(sealed(1)),
        "ben's write did not touch ann's record"
    );

    // A second write replaces the first.
    s.put_credential(&ann, Upstream::Figma, &sealed(2))
        .await
        .unwrap();
    assert_eq!(
        s.get_credential(&ann, Upstream::Figma).await.unwrap(),
        Some(sealed(2))
    );
    assert!(s.delete_credential(&ann, Upstream::Figma).await.unwrap());
    assert!(!s.delete_credential(&ann, Upstream::Figma).await.unwrap());
    assert_eq!(s.get_credential(&ann, Upstream::Figma).await.unwrap(), None);
    assert_eq!(
        s.get_credential(&ben, Upstream::Figma).await.unwrap(),
        Some(sealed(7))
    );
}

async fn only_the_sealed_parts_are_stored(kind: Kind) {
    let h = Harness::new(kind).await;
    let s = &h.store;
    let ann = Identity::new("u_ann", "acme").unwrap();
    s.put_credential(&ann, Upstream::Figma, &sealed(3))
        .await
        .unwrap();
    let entries = s.export_entries().await.unwrap();
    let [entry] = entries.as_slice() else {
        panic!("one record expected: {entries:?}");
    };
    assert_eq!(entry.key, "user:{u_ann}:credential:acme:figma");
    assert_eq!(entry.ttl_ms, None, "credentials do not expire");
    let DumpValue::Bytes(bytes) = &entry.value else {
        panic!("a plain value expected: {:?}", entry.value);
    };
    let json: serde_json::Value = serde_json::from_slice(bytes).unwrap();
    let mut fields: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    fields.sort_unstable();
    assert_eq!(fields, ["ciphertext", "keyId", "nonce", "v"]);
    assert!(
        !format!("{:?}", sealed(3)).contains("[3, 3"),
        "Debug shows lengths, not bytes"
    );
}

async fn removing_a_user_removes_their_credentials(kind: Kind) {
    let h = Harness::new(kind).await;
    let s = &h.store;
    let ann = s.create_user("Ann", "acme").await.unwrap();
    let ben = s.create_user("Ben", "acme").await.unwrap();
    let as_identity = |u: &handoff_store::User| Identity {
        user_id: u.user_id.clone(),
        org_id: u.org_id.clone(),
    };
    s.put_credential(&as_identity(&ann), Upstream::Figma, &sealed(4))
        .await
        .unwrap();
    s.put_credential(&as_identity(&ben), Upstream::Figma, &sealed(5))
        .await
        .unwrap();
    assert!(s.remove_user(ann.user_id.as_str()).await.unwrap());
    assert!(
        !s.has_credential(&as_identity(&ann), Upstream::Figma)
            .await
            .unwrap()
    );
    assert!(
        s.has_credential(&as_identity(&ben), Upstream::Figma)
            .await
            .unwrap()
    );
}

async fn credentials_survive_export_and_import(kind: Kind) {
    let h = Harness::new(kind).await;
    let ann = Identity::new("u_ann", "acme").unwrap();
    h.store
        .put_credential(&ann, Upstream::Figma, &sealed(6))
        .await
        .unwrap();
    let target = Harness::new(kind).await;
    for entry in h.store.export_entries().await.unwrap() {
        target.store.import_entry(entry).await.unwrap();
    }
    assert_eq!(
        target
            .store
            .get_credential(&ann, Upstream::Figma)
            .await
            .unwrap(),
        Some(sealed(6))
    );
}

async fn oversize_credentials_are_refused(kind: Kind) {
    let h = Harness::new(kind).await;
    let ann = Identity::new("u_ann", "acme").unwrap();
    let huge = SealedCredential {
        ciphertext: vec![0; MAX_SEALED_CREDENTIAL_BYTES],
        ..sealed(8)
    };
    let err = h
        .store
        .put_credential(&ann, Upstream::Figma, &huge)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::TooLarge { .. }), "{err}");
    assert!(!h.store.has_credential(&ann, Upstream::Figma).await.unwrap());
}

on_both_backends!(
    credentials_round_trip_per_identity,
    only_the_sealed_parts_are_stored,
    removing_a_user_removes_their_credentials,
    credentials_survive_export_and_import,
    oversize_credentials_are_refused,
);
