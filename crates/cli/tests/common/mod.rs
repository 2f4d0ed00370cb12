//! Runs the `handoff` binary from a test: in the package directory, with no `HANDOFF_*` setting
//! inherited from the environment that runs the tests.
#![allow(clippy::unwrap_used)]

use std::process::{Command, Output};

pub fn handoff(args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_handoff"));
    for (key, _) in std::env::vars() {
        if key.starts_with("HANDOFF_") {
            cmd.env_remove(key);
        }
    }
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd.args(args).output().unwrap()
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
