//! Cost of one `file()` call: uncached (local fake Figma, body check included) and served from
//! the cache (in-memory, and the embedded redb store with lz4). Input: a real 3 MB fixture, or
//! the file named by `HANDOFF_BENCH_FIGMA_FILE` (e.g. from gen_figma.py).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, LazyLock};
use std::time::Duration;

use handoff_figma_api::{
    FigmaAuth, FigmaClient, FigmaClientConfig, FileQuery, MemoryCache, NoCache, ResponseCache,
};
use handoff_store::{Store, StoreConfig};
use serde_json::json;
use tokio::runtime::Runtime;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "BenchFile123";

struct Setup {
    runtime: Runtime,
    _server: MockServer,
    _dir: tempfile::TempDir,
    uncached: FigmaClient,
    memory: FigmaClient,
    embedded: FigmaClient,
}

fn auth() -> FigmaAuth {
    FigmaAuth::PersonalAccessToken("bench-token".into())
}

static SETUP: LazyLock<Setup> = LazyLock::new(|| {
    let file = std::env::var("HANDOFF_BENCH_FIGMA_FILE").unwrap_or_else(|_| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/fixtures/figma/figma-export-octicons.file.json"
        )
        .to_owned()
    });
    let body = std::fs::read(&file).expect("benchmark input file");
    eprintln!("input: {file} ({} bytes)", body.len());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (server, uncached, memory, embedded) = runtime.block_on(async {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path(format!("/v1/files/{KEY}/meta")))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"file": {"name": "bench", "version": "1"}})),
            )
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path(format!("/v1/files/{KEY}")))
            .respond_with(ResponseTemplate::new(200).set_body_bytes(body))
            .mount(&server)
            .await;
        let mut config = FigmaClientConfig::with_api_base(&server.uri()).unwrap();
        config.meta_ttl = Duration::from_secs(3600);
        let make = |cache: Arc<dyn ResponseCache>| FigmaClient::new(config.clone(), cache).unwrap();
        let store = Store::open(&StoreConfig {
            data_dir: dir.path().join("data"),
            ..StoreConfig::default()
        })
        .await
        .unwrap();
        let clients = (
            make(Arc::new(NoCache)),
            make(Arc::new(MemoryCache::new())),
            make(Arc::new(store)),
        );
        // Warm the caches.
        for client in [&clients.1, &clients.2] {
            client
                .file(&auth(), KEY, &FileQuery::default())
                .await
                .unwrap();
        }
        (server, clients.0, clients.1, clients.2)
    });
    Setup {
        runtime,
        _server: server,
        _dir: dir,
        uncached,
        memory,
        embedded,
    }
});

fn run(client: &FigmaClient) -> usize {
    SETUP.runtime.block_on(async {
        client
            .file(&auth(), KEY, &FileQuery::default())
            .await
            .unwrap()
            .value
            .len()
    })
}

#[divan::bench(sample_count = 20)]
fn uncached_fetch_and_check() -> usize {
    run(&SETUP.uncached)
}

#[divan::bench(sample_count = 50)]
fn cache_hit_memory() -> usize {
    run(&SETUP.memory)
}

#[divan::bench(sample_count = 50)]
fn cache_hit_embedded_store() -> usize {
    run(&SETUP.embedded)
}

fn main() {
    divan::main();
}
