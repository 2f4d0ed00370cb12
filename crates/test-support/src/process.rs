//! Finding the Redis binaries and spawning/reaping server processes.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use crate::FixtureError;
use crate::resp::{Endpoint, command};

const INSTALL_HINT: &str = "install it with `apt-get install redis-server` \
     (or point REDIS_SERVER at a redis-server binary)";

/// How long a fresh server may take to answer PING before the fixture gives up.
pub const READY_TIMEOUT: Duration = Duration::from_secs(10);

/// `$REDIS_SERVER`, else `redis-server` on PATH.
pub fn redis_server_binary() -> Result<PathBuf, FixtureError> {
    if let Some(path) = std::env::var_os("REDIS_SERVER") {
        let path = PathBuf::from(path);
        return if path.is_file() {
            Ok(path)
        } else {
            Err(FixtureError(format!(
                "REDIS_SERVER={} is not a file; {INSTALL_HINT}",
                path.display()
            )))
        };
    }
    find_on_path("redis-server").ok_or_else(|| {
        FixtureError(format!(
            "redis-server was not found on PATH; {INSTALL_HINT}"
        ))
    })
}

/// `redis-cli` next to the server binary, else on PATH.
pub fn redis_cli_binary() -> Result<PathBuf, FixtureError> {
    if let Ok(server) = redis_server_binary()
        && let Some(dir) = server.parent()
    {
        let sibling = dir.join("redis-cli");
        if sibling.is_file() {
            return Ok(sibling);
        }
    }
    find_on_path("redis-cli").ok_or_else(|| {
        FixtureError(
            "redis-cli was not found on PATH; install it with `apt-get install redis-server`"
                .into(),
        )
    })
}

fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// A short temp dir: unix socket paths are limited to ~108 bytes, so prefer `/tmp` over a long TMPDIR.
pub fn short_temp_dir(prefix: &str) -> Result<tempfile::TempDir, FixtureError> {
    let base = Path::new("/tmp");
    let builder = {
        let mut b = tempfile::Builder::new();
        b.prefix(prefix);
        b
    };
    let made = if base.is_dir() {
        builder.tempdir_in(base)
    } else {
        builder.tempdir()
    };
    made.map_err(|e| FixtureError(format!("cannot create a temp dir for redis-server: {e}")))
}

/// Spawns `redis-server` with `args` (logging to `log`), and waits until `endpoint` answers PING.
pub fn spawn_ready(
    binary: &Path,
    dir: &Path,
    args: &[String],
    endpoint: &Endpoint<'_>,
) -> Result<Child, FixtureError> {
    let log = dir.join("redis.log");
    let mut child = Command::new(binary)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| {
            FixtureError(format!(
                "cannot run {}: {e}; {INSTALL_HINT}",
                binary.display()
            ))
        })?;
    let deadline = Instant::now() + READY_TIMEOUT;
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Err(FixtureError(format!(
                "redis-server exited early ({status}); log:\n{}",
                log_tail(&log)
            )));
        }
        if matches!(command(endpoint, "PING").as_deref(), Ok("+PONG")) {
            return Ok(child);
        }
        if Instant::now() > deadline {
            kill(&mut child);
            return Err(FixtureError(format!(
                "redis-server did not answer PING within {READY_TIMEOUT:?}; log:\n{}",
                log_tail(&log)
            )));
        }
        sleep(Duration::from_millis(10));
    }
}

pub fn kill(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

fn log_tail(path: &Path) -> String {
    let text = fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(20)..].join("\n")
}

/// A loopback TCP port that was free a moment ago, from the OS (bind to port 0).
pub fn free_port() -> Result<u16, FixtureError> {
    std::net::TcpListener::bind(("127.0.0.1", 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| FixtureError(format!("cannot find a free loopback port: {e}")))
}
