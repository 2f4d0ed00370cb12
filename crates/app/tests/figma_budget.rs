//! The Figma budget (`rate_limits.figma_per_min`) is drawn by the requests that reach Figma, not by
//! the answers the response cache gives; `/meta` (the version check) is not charged.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use handoff_app::config::RateLimits;
use handoff_app::ops::DesignSource;
use handoff_app::ops::design::NodeIds;
use handoff_app::ratelimit::{RateGroup, consume};
use handoff_app::{App, Config, ErrorKind};
use handoff_store::Identity;
use wiremock::MockServer;

mod common;
use common::{FILE_KEY, config, serve_fixture, source};

fn with_figma_budget(config: Config, figma_per_min: u32) -> Config {
    Config {
        rate_limits: RateLimits {
            figma_per_min,
            ..RateLimits::default()
        },
        ..config
    }
}

/// The Figma budget `who` has left after this probe (which itself takes one).
async fn left_after_probe(app: &App, who: &Identity) -> u32 {
    consume(
        app.store(),
        &app.config().rate_limits,
        who,
        RateGroup::Figma,
    )
    .await
    .unwrap()
    .expect("the Figma budget is limited")
    .remaining
}

/// How many requests Figma received for `path_suffix` of the fixture file ("" is the file itself).
async fn requests_to(figma: &MockServer, path_suffix: &str) -> usize {
    let wanted = format!("/v1/files/{FILE_KEY}{path_suffix}");
    figma
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path() == wanted)
        .count()
}

#[tokio::test]
async fn loads_the_cache_answers_draw_nothing() {
    let figma = MockServer::start().await;
    serve_fixture(&figma, None, Some(1)).await;
    let dir = tempfile::tempdir().unwrap();
    // A small budget refills slowly (one unit per 15 s), so the counts below are exact.
    let app = App::open(with_figma_budget(config(Some(&figma), None, dir.path()), 4))
        .await
        .unwrap();
    let who = handoff_app::auth::local_identity().unwrap();

    app.load_design(&who, &source()).await.unwrap();
    assert_eq!(
        (
            requests_to(&figma, "/meta").await,
            requests_to(&figma, "").await
        ),
        (1, 1),
        "an uncached load asks Figma for the version and the file"
    );
    assert_eq!(
        left_after_probe(&app, &who).await,
        2,
        "4 less the file and this probe: the load drew one unit (/meta is free)"
    );
    app.load_design(&who, &source()).await.unwrap();
    assert_eq!(
        left_after_probe(&app, &who).await,
        1,
        "4 less the file and two probes: loading the unchanged file again drew nothing"
    );
    assert_eq!(requests_to(&figma, "").await, 1);
}

#[tokio::test]
async fn a_spent_budget_stops_only_requests_that_would_reach_figma() {
    let figma = MockServer::start().await;
    serve_fixture(&figma, None, Some(1)).await;
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(with_figma_budget(config(Some(&figma), None, dir.path()), 1))
        .await
        .unwrap();
    let who = handoff_app::auth::local_identity().unwrap();

    app.load_design(&who, &source()).await.unwrap();
    app.load_design(&who, &source())
        .await
        .expect("the cache answers without drawing on the spent budget");
    let nodes = DesignSource::File {
        file_key: FILE_KEY.to_owned(),
        node_ids: NodeIds::One("2:15".to_owned()),
    };
    let err = app.load_design(&who, &nodes).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::RateLimited, "{err:?}");
    assert!(err.retry_after.is_some(), "{err:?}");
    assert_eq!(
        requests_to(&figma, "/nodes").await,
        0,
        "a refused request is not sent"
    );
}

#[tokio::test]
async fn figma_meta_ttl_secs_bounds_how_long_the_version_check_is_trusted() {
    for (meta_ttl_secs, expected_meta_calls) in [(300, 1), (0, 3)] {
        let figma = MockServer::start().await;
        serve_fixture(&figma, None, Some(1)).await;
        let dir = tempfile::tempdir().unwrap();
        let mut config = config(Some(&figma), None, dir.path());
        config.store.figma_meta_ttl_secs = meta_ttl_secs;
        let app = App::open(config).await.unwrap();
        let who = handoff_app::auth::local_identity().unwrap();
        for _ in 0..3 {
            app.load_design(&who, &source()).await.unwrap();
        }
        assert_eq!(
            (
                requests_to(&figma, "/meta").await,
                requests_to(&figma, "").await
            ),
            (expected_meta_calls, 1),
            "figma_meta_ttl_secs = {meta_ttl_secs}: three loads of an unchanged file"
        );
    }
}
