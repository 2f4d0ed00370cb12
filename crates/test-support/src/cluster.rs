//! A local 3-master Redis Cluster on loopback, for cluster tests.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use crate::FixtureError;
use crate::process::{kill, redis_cli_binary, redis_server_binary, short_temp_dir, spawn_ready};
use crate::resp::{Endpoint, command};

const NODES: usize = 3;
/// Cluster bus ports are `port + 10000`, so data ports must stay below 55536.
const PORT_RANGE: std::ops::Range<u16> = 20_000..45_000;

/// Three cluster-enabled `redis-server`s with all 16384 slots assigned; killed on drop.
pub struct RedisCluster {
    ports: Vec<u16>,
    children: Vec<Child>,
    _dir: tempfile::TempDir,
}

impl RedisCluster {
    /// Starts the cluster, or prints a loud banner to stderr and returns `None` so the caller can skip.
    pub fn start_or_skip(test_name: &str) -> Option<Self> {
        match Self::try_start() {
            Ok(cluster) => Some(cluster),
            Err(err) => {
                let bar = "!".repeat(78);
                eprintln!(
                    "\n{bar}\n!! SKIPPED {test_name}: could not start a local Redis Cluster\n!! {err}\n{bar}\n"
                );
                None
            }
        }
    }

    pub fn try_start() -> Result<Self, FixtureError> {
        let server = redis_server_binary()?;
        let cli = redis_cli_binary()?;
        let dir = short_temp_dir("redis-cluster-")?;
        let ports = pick_ports()?;
        let mut cluster = Self {
            ports: Vec::new(),
            children: Vec::new(),
            _dir: dir,
        };
        for &port in &ports {
            let node_dir = cluster._dir.path().join(port.to_string());
            std::fs::create_dir_all(&node_dir)
                .map_err(|e| FixtureError(format!("cannot create {}: {e}", node_dir.display())))?;
            let child = spawn_node(&server, node_dir, port)?;
            cluster.children.push(child);
            cluster.ports.push(port);
        }
        let mut create = Command::new(&cli);
        create.arg("--cluster").arg("create");
        for port in &ports {
            create.arg(format!("127.0.0.1:{port}"));
        }
        let output = create
            .args(["--cluster-replicas", "0", "--cluster-yes"])
            .stdin(Stdio::null())
            .output()
            .map_err(|e| FixtureError(format!("cannot run {}: {e}", cli.display())))?;
        if !output.status.success() {
            return Err(FixtureError(format!(
                "redis-cli --cluster create failed: {}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            )));
        }
        cluster.wait_until_ok()?;
        Ok(cluster)
    }

    /// `redis://127.0.0.1:PORT` for each node.
    pub fn node_urls(&self) -> Vec<String> {
        self.ports
            .iter()
            .map(|port| format!("redis://127.0.0.1:{port}"))
            .collect()
    }

    pub fn ports(&self) -> &[u16] {
        &self.ports
    }

    fn wait_until_ok(&self) -> Result<(), FixtureError> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let all_ok = self.ports.iter().all(|&port| {
                command(&Endpoint::Tcp(port), "CLUSTER INFO")
                    .map(|info| info.contains("cluster_state:ok"))
                    .unwrap_or(false)
            });
            if all_ok {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(FixtureError(
                    "cluster did not reach cluster_state:ok within 20 s".into(),
                ));
            }
            sleep(Duration::from_millis(50));
        }
    }
}

fn spawn_node(server: &std::path::Path, dir: PathBuf, port: u16) -> Result<Child, FixtureError> {
    let args: Vec<String> = [
        "--port",
        &port.to_string(),
        "--bind",
        "127.0.0.1",
        "--cluster-enabled",
        "yes",
        "--cluster-config-file",
        "nodes.conf",
        "--cluster-node-timeout",
        "2000",
        "--save",
        "",
        "--appendonly",
        "no",
        "--logfile",
        "redis.log",
        "--dir",
        &dir.display().to_string(),
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    spawn_ready(server, &dir, &args, &Endpoint::Tcp(port))
}

/// Ports whose data and bus (`+10000`) ports are both free right now.
fn pick_ports() -> Result<Vec<u16>, FixtureError> {
    let seed = std::process::id() as u64
        ^ std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
    let span = u64::from(PORT_RANGE.end - PORT_RANGE.start);
    let mut state = seed | 1;
    let mut ports = Vec::with_capacity(NODES);
    for _ in 0..500 {
        // xorshift: any spread is fine, we only need to avoid colliding with parallel tests.
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let port = PORT_RANGE.start + (state % span) as u16;
        if !ports.contains(&port) && is_free(port) && is_free(port + 10_000) {
            ports.push(port);
            if ports.len() == NODES {
                return Ok(ports);
            }
        }
    }
    Err(FixtureError("no free loopback ports for a cluster".into()))
}

fn is_free(port: u16) -> bool {
    std::net::TcpListener::bind(("127.0.0.1", port)).is_ok()
}

impl Drop for RedisCluster {
    fn drop(&mut self) {
        for child in &mut self.children {
            kill(child);
        }
    }
}
