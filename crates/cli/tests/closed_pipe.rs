//! `handoff … | head`: a reader that closes the pipe early must not crash the command.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Command, Stdio};

/// Runs `handoff args` with stdout going to a pipe whose read end is closed before the command
/// writes, the way `head` closes it after the lines it wanted. Returns the exit code and stderr.
fn run_into_closed_pipe(args: &[&str]) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_handoff"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("HANDOFF_CONFIG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Closing our only copy of the read end makes every write of the child fail with EPIPE.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn listing_templates_into_a_closed_pipe_exits_quietly() {
    for args in [
        &["templates", "list"][..],
        &["templates", "list", "--format", "json"],
        &["templates", "show", "jira", "story"],
        &["config"],
    ] {
        let (code, stderr) = run_into_closed_pipe(args);
        assert_eq!(code, Some(0), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(stderr.is_empty(), "{args:?}: {stderr}");
    }
}

#[test]
fn generating_into_a_closed_pipe_exits_quietly() {
    let fixture = "../../../shared/fixtures/figma/code-connect-wizard-demo.file.json";
    let (code, stderr) = run_into_closed_pipe(&["generate", fixture, "--platform", "jira"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
