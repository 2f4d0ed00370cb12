//! The token never shows up in logs, `Debug` output or error messages.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::*;
use handoff_figma_api::{FigmaAuth, FileQuery, MemoryCache, NoCache};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "current_thread")]
async fn token_never_appears_in_logs_debug_or_errors() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = MockServer::start().await;
    mount_meta(&server, "1").await;
    // Success, retried failure and refusal, so that every logging path runs.
    Mock::given(method("GET"))
        .and(path(file_path()))
        .respond_with(ResponseTemplate::new(502))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(file_path()))
        .respond_with(ResponseTemplate::new(200).set_body_json(file_body("1")))
        .with_priority(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/files/{FILE_KEY}/variables/local")))
        .respond_with(
            ResponseTemplate::new(403)
                .set_body_json(json!({"status": 403, "err": "Invalid token"})),
        )
        .mount(&server)
        .await;

    let mut texts = Vec::new();
    for auth in [pat(), FigmaAuth::OAuthBearer(TOKEN.into())] {
        let client = client(&server, Arc::new(MemoryCache::new()));
        let ok = client
            .file(&auth, FILE_KEY, &FileQuery::default())
            .await
            .unwrap();
        let err = client.local_variables(&auth, FILE_KEY).await.unwrap_err();
        texts.push(format!("{auth:?} {client:?} {ok:?} {err} {err:?}"));
    }
    let mut unreachable =
        handoff_figma_api::FigmaClientConfig::with_api_base("http://127.0.0.1:9").unwrap();
    unreachable.retry_min_delay = std::time::Duration::from_millis(1);
    unreachable.max_retries = 1;
    let client = handoff_figma_api::FigmaClient::new(unreachable, Arc::new(NoCache)).unwrap();
    let err = client.file_meta(&pat(), FILE_KEY).await.unwrap_err();
    texts.push(format!("{err} {err:?}"));

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("Figma answered"),
        "logging was captured: {logs}"
    );
    assert!(logs.contains("retrying"), "the retry path logged: {logs}");
    for text in texts.iter().chain([&logs]) {
        assert!(!text.contains(TOKEN), "token leaked: {text}");
        assert!(!text.contains("SuperSecret"), "token leaked: {text}");
    }
}
