//! `/ready` follows the store: 503 with the reason while Redis is down, 200 again once it is back,
//! without restarting handoff.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use handoff_app::config::Secret;
use handoff_app::{App, Config};
use handoff_server::Server;
use handoff_test_support::RedisServer;
use serde_json::Value;

#[tokio::test]
async fn ready_reports_a_redis_outage_and_recovers() {
    let mut redis = RedisServer::start_tcp();
    let data = tempfile::tempdir().unwrap();
    let config = Config {
        bind: "127.0.0.1:0".parse().unwrap(),
        redis_url: Some(Secret::new(redis.url())),
        data_dir: data.path().to_path_buf(),
        ..Config::default()
    };
    let server = Server::bind(Arc::new(App::open(config).await.unwrap()))
        .await
        .unwrap();
    let base = format!("http://{}", server.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(server.run(async move {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::new();
    let ready = || client.get(format!("{base}/ready")).send();

    assert_eq!(ready().await.unwrap().status(), 200);

    redis.stop();
    let asked = Instant::now();
    let down = ready().await.unwrap();
    assert!(
        asked.elapsed() < Duration::from_secs(3),
        "readiness must not hang: {:?}",
        asked.elapsed()
    );
    assert_eq!(down.status(), 503);
    assert!(down.headers().contains_key("retry-after"));
    let body: Value = down.json().await.unwrap();
    assert_eq!(body["error"]["code"], "store_unavailable", "{body}");

    redis.restart();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if ready().await.unwrap().status() == 200 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "/ready did not recover after Redis came back"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = stop.send(());
}
