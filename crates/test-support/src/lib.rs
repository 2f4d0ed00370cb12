//! Test helpers: a real `redis-server` per test, and a local 3-node Redis Cluster.
//!
//! Tests never mock Redis. [`RedisServer::start`] spawns `redis-server` (from `$REDIS_SERVER` or `PATH`)
//! in its own temp dir, on a unix socket and optionally a free loopback TCP port, waits until it
//! answers `PING`, and kills it on drop. [`RedisCluster::start_or_skip`] builds a 3-master cluster on
//! loopback with `redis-cli --cluster create`.

mod cluster;
mod process;
mod resp;
mod server;

pub use cluster::RedisCluster;
pub use server::{Listen, RedisServer};

/// Why a Redis fixture could not be started.
#[derive(Debug)]
pub struct FixtureError(pub String);

impl std::fmt::Display for FixtureError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FixtureError {}
