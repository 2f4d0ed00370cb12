//! Runs the `handoff` binary from a test: in the package directory, with no `HANDOFF_*` setting
//! inherited from the environment that runs the tests.
#![allow(clippy::unwrap_used)]
// Each test binary uses some of these helpers, not all.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The `handoff` binary with no `HANDOFF_*` setting of the developer's environment.
pub fn command() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_handoff"));
    for (key, _) in std::env::vars() {
        if key.starts_with("HANDOFF_") {
            cmd.env_remove(key);
        }
    }
    cmd
}

pub fn handoff(args: &[&str]) -> Output {
    let mut cmd = command();
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd.args(args).output().unwrap()
}

/// Starts `handoff serve` on a free loopback port with `data_dir` and the extra `env`; the child
/// and its address, read from the "handoff is serving" log line. Stderr is drained afterwards so
/// the child never blocks on a full pipe.
#[allow(clippy::zombie_processes)] // the caller owns the child and waits for it
pub fn spawn_serve(data_dir: &Path, env: &[(&str, &str)]) -> (Child, String) {
    let mut child = command()
        .envs(env.iter().copied())
        .args([
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--log-format",
            "json",
            "--data-dir",
        ])
        .arg(data_dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        let Some(Ok(line)) = lines.next() else { break };
        if line.contains("handoff is serving") {
            let log: serde_json::Value = serde_json::from_str(&line).unwrap();
            let addr = log["fields"]["addr"].as_str().unwrap().to_owned();
            std::thread::spawn(move || for _ in lines {});
            return (child, addr);
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("handoff serve did not report its address");
}

/// Standard output of a run that must succeed.
pub fn ok(args: &[&str]) -> String {
    let out = handoff(args);
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}
