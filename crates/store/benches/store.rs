//! Store operations per second against a local redis-server (unix socket) and the embedded store.
//!
//! Run: `cargo bench -p handoff-store --bench store`

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::LazyLock;
use std::time::Duration;

use divan::Bencher;
use handoff_store::{ComponentInput, Identity, RateLimit, Store, StoreConfig};
use handoff_test_support::RedisServer;
use serde_json::json;

fn main() {
    divan::main();
}

struct Env {
    runtime: tokio::runtime::Runtime,
    redis: Store,
    embedded: Store,
    _server: RedisServer,
    _dir: tempfile::TempDir,
}

static ENV: LazyLock<Env> = LazyLock::new(|| {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let server = RedisServer::start();
    let dir = tempfile::tempdir().unwrap();
    // Touch on every read: measures the worst case of "get + touch".
    let base = StoreConfig {
        session_touch_interval_secs: 0,
        data_dir: dir.path().to_owned(),
        ..StoreConfig::default()
    };
    let redis_config = StoreConfig {
        redis_url: Some(server.url()),
        ..base.clone()
    };
    let (redis, embedded) = runtime.block_on(async {
        (
            Store::open(&redis_config).await.unwrap(),
            Store::open(&base).await.unwrap(),
        )
    });
    Env {
        runtime,
        redis,
        embedded,
        _server: server,
        _dir: dir,
    }
});

#[derive(Clone, Copy, Debug)]
enum Backend {
    Redis,
    Embedded,
}

impl Backend {
    fn store(self) -> &'static Store {
        match self {
            Backend::Redis => &ENV.redis,
            Backend::Embedded => &ENV.embedded,
        }
    }
}

const BACKENDS: [Backend; 2] = [Backend::Redis, Backend::Embedded];

fn who() -> Identity {
    Identity::new("u_bench", "acme").unwrap()
}

#[divan::bench(args = BACKENDS)]
fn session_get_and_touch(bencher: Bencher, backend: Backend) {
    let store = backend.store();
    let id = ENV
        .runtime
        .block_on(store.create_session(&who(), json!({"k": "v"})))
        .unwrap()
        .session_id;
    bencher.bench(|| {
        ENV.runtime
            .block_on(store.get_session(&who(), id.as_str()))
            .unwrap()
    });
}

#[divan::bench(args = BACKENDS)]
fn rate_limit_check(bencher: Bencher, backend: Backend) {
    let store = backend.store();
    let limit = RateLimit {
        limit: 1_000_000,
        period: Duration::from_secs(1),
    };
    bencher.bench(|| {
        ENV.runtime
            .block_on(store.check_rate_limit(&who(), "bench", limit))
            .unwrap()
    });
}

#[divan::bench(args = BACKENDS)]
fn template_cache_get(bencher: Bencher, backend: Backend) {
    let store = backend.store();
    let content = "{{ title }}\n".repeat(200);
    ENV.runtime
        .block_on(store.put_template(&who(), "jira", "story", &content, "1", "h"))
        .unwrap();
    bencher.bench(|| {
        ENV.runtime
            .block_on(store.get_template(&who(), "jira", "story", "h"))
            .unwrap()
    });
}

fn screenshot() -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend((0..1024 * 1024).map(|i: u32| (i.wrapping_mul(2_654_435_761) >> 24) as u8));
    png
}

#[divan::bench(args = BACKENDS, sample_count = 20, sample_size = 5)]
fn component_put_1mib_screenshot(bencher: Bencher, backend: Backend) {
    let store = backend.store();
    let shot = screenshot();
    bencher
        .with_inputs(|| ComponentInput {
            analysis: json!({"score": 1}),
            metadata: json!({"name": "Card"}),
            screenshot: Some(shot.clone()),
        })
        .bench_values(|input| {
            ENV.runtime
                .block_on(store.put_component(&who(), "FILE", "1:2", input))
                .unwrap()
        });
}

#[divan::bench(args = BACKENDS, sample_count = 20, sample_size = 5)]
fn component_get_1mib_screenshot(bencher: Bencher, backend: Backend) {
    let store = backend.store();
    let input = ComponentInput {
        analysis: json!({}),
        metadata: json!({}),
        screenshot: Some(screenshot()),
    };
    ENV.runtime
        .block_on(store.put_component(&who(), "FILE", "9:9", input))
        .unwrap();
    bencher.bench(|| {
        ENV.runtime.block_on(async {
            let component = store
                .get_component(&who(), "FILE", "9:9")
                .await
                .unwrap()
                .unwrap();
            let sha = component.screenshot.unwrap().sha256;
            store.get_screenshot(&who(), &sha).await.unwrap().unwrap()
        })
    });
}
