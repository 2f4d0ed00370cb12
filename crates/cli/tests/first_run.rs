//! What a newcomer and an operator meet first (issue 25): where the data goes, `--version`,
//! completions, readable admin output, and logs that say what happened and what to do.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

const FIXTURE: &str = "../../../shared/fixtures/figma/code-connect-wizard-demo.file.json";

/// The binary with no inherited `HANDOFF_*` setting and a home of its own, so the per-user data
/// directory is inside `home` and never the developer's.
fn handoff(home: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_handoff"));
    for (key, _) in std::env::vars() {
        if key.starts_with("HANDOFF_") {
            cmd.env_remove(key);
        }
    }
    cmd.env("HOME", home)
        .env_remove("XDG_DATA_HOME")
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().unwrap()
}

fn stdout_of(cmd: &mut Command) -> String {
    let out = run(cmd);
    assert!(
        out.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn version_is_the_crate_version_on_every_command() {
    let home = tempfile::tempdir().unwrap();
    let expected = format!("handoff {}\n", env!("CARGO_PKG_VERSION"));
    assert_eq!(stdout_of(handoff(home.path()).arg("--version")), expected);
    let serve = stdout_of(handoff(home.path()).args(["serve", "--version"]));
    assert!(
        serve.ends_with(&format!(" {}\n", env!("CARGO_PKG_VERSION"))),
        "{serve}"
    );
}

#[test]
fn completions_are_printed_for_each_shell_and_bash_parses_them() {
    let home = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish"] {
        let script = stdout_of(handoff(home.path()).args(["completions", shell]));
        assert!(
            script.len() > 1000 && script.contains("keys") && script.contains("--data-dir"),
            "{shell}: {script}"
        );
        if shell == "bash" {
            let file = home.path().join("handoff.bash");
            std::fs::write(&file, &script).unwrap();
            let checked = Command::new("bash").arg("-n").arg(&file).output().unwrap();
            assert!(
                checked.status.success(),
                "{}",
                String::from_utf8_lossy(&checked.stderr)
            );
        }
    }
    let out = run(handoff(home.path()).args(["completions", "tcsh"]));
    assert_eq!(
        out.status.code(),
        Some(2),
        "an unknown shell is a usage error"
    );
}

/// The store follows the user, not the directory a client happens to start handoff from, and
/// `handoff config` names it once.
#[test]
fn the_default_data_dir_is_the_per_user_one_and_config_shows_it_once() {
    let home = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let shown = stdout_of(handoff(home.path()).arg("config"));
    let expected = home.path().join(".local/share/handoff");
    assert!(
        shown.contains(&format!("data_dir = \"{}\"", expected.display())),
        "{shown}"
    );
    assert_eq!(shown.matches("data_dir").count(), 1, "{shown}");

    let xdg = home.path().join("xdg");
    let shown = stdout_of(
        handoff(home.path())
            .env("XDG_DATA_HOME", &xdg)
            .current_dir(elsewhere.path())
            .arg("config"),
    );
    assert!(
        shown.contains(&format!("data_dir = \"{}\"", xdg.join("handoff").display())),
        "{shown}"
    );
    // A store really opens there, and nothing appears in the current directory.
    stdout_of(
        handoff(home.path())
            .current_dir(elsewhere.path())
            .args(["users", "list"]),
    );
    assert!(expected.join("handoff.redb").is_file());
    assert_eq!(std::fs::read_dir(elsewhere.path()).unwrap().count(), 0);
}

#[test]
fn keys_list_shows_dates_people_read() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data");
    let id = stdout_of(
        handoff(home.path())
            .args(["users", "add", "Ann", "--data-dir"])
            .arg(&data),
    );
    stdout_of(
        handoff(home.path())
            .args(["keys", "create", "--user", id.trim(), "--data-dir"])
            .arg(&data),
    );
    let listed = stdout_of(
        handoff(home.path())
            .args(["keys", "list", "--user", id.trim(), "--data-dir"])
            .arg(&data),
    );
    let columns: Vec<&str> = listed.trim_end().split('\t').collect();
    let created = columns[1];
    // 2026-12-06T02:04:31Z
    let shape: String = created
        .chars()
        .map(|c| if c.is_ascii_digit() { '9' } else { c })
        .collect();
    assert_eq!(shape, "9999-99-99T99:99:99Z", "{listed}");
    assert_eq!(columns[2], "-", "never used: {listed}");
}

#[test]
fn users_list_says_what_the_local_user_is() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let config = handoff_store::StoreConfig {
            data_dir: data.clone(),
            ..Default::default()
        };
        let store = handoff_store::Store::open(&config).await.unwrap();
        // What a server without authentication does the first time the local user saves anything.
        let local = handoff_store::Identity::new("local", "default").unwrap();
        store.ensure_user(&local, "local").await.unwrap();
        store.flush().await.unwrap();
    });
    drop(runtime);
    stdout_of(
        handoff(home.path())
            .args(["users", "add", "Ann", "--data-dir"])
            .arg(&data),
    );
    let listed = stdout_of(
        handoff(home.path())
            .args(["users", "list", "--data-dir"])
            .arg(&data),
    );
    let local = listed
        .lines()
        .find(|line| line.starts_with("local\t"))
        .expect(&listed);
    assert!(local.contains("built-in"), "{listed}");
    let ann = listed.lines().find(|line| line.contains("Ann")).unwrap();
    assert!(!ann.contains("built-in"), "{listed}");
}

#[test]
fn a_ticket_without_a_stack_names_the_flag_that_sets_it() {
    let home = tempfile::tempdir().unwrap();
    let ticket = stdout_of(handoff(home.path()).args(["generate", FIXTURE, "-p", "github"]));
    assert!(ticket.contains("`--tech-stack`"), "{ticket}");
    let with_stack = stdout_of(handoff(home.path()).args([
        "generate",
        FIXTURE,
        "-p",
        "github",
        "--tech-stack",
        "react",
    ]));
    assert!(!with_stack.contains("`--tech-stack`"), "{with_stack}");
}

/// `line` without terminal colour sequences (`ESC [ … m`), to find the address in whatever the
/// server prints; whether it should print them is a test of its own.
fn strip_ansi(line: &str) -> String {
    let mut out = String::new();
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A running `handoff serve` and its stderr, line by line.
struct Served {
    child: Child,
    lines: Receiver<String>,
    addr: String,
    seen: Vec<String>,
}

impl Served {
    fn start(home: &Path, args: &[&str]) -> Self {
        let mut child = handoff(home)
            .arg("serve")
            .args(args)
            .arg("--data-dir")
            .arg(home.join("data"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let (send, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        let mut served = Self {
            child,
            lines,
            addr: String::new(),
            seen: Vec::new(),
        };
        let line = strip_ansi(&served.wait_for("handoff is serving"));
        let addr = line.split("addr=").nth(1).map_or_else(
            || {
                let log: serde_json::Value = serde_json::from_str(&line).unwrap();
                log["fields"]["addr"].as_str().unwrap().to_owned()
            },
            |rest| rest.split(' ').next().unwrap().to_owned(),
        );
        // A wildcard bind is reached on loopback.
        served.addr = addr.replace("0.0.0.0", "127.0.0.1");
        served
    }

    /// The first line (from now on) containing `needle`; every line read is kept in `seen`.
    fn wait_for(&mut self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.contains(needle) {
                        return line;
                    }
                }
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => {
                    panic!("no log line with {needle:?} in:\n{}", self.seen.join("\n"))
                }
            }
        }
    }

    fn get(&self, path: &str) -> String {
        let mut stream = std::net::TcpStream::connect(&self.addr).unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.addr
        )
        .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        response
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// MCP clients and log files capture stderr: colour codes there are noise.
#[test]
fn piped_logs_have_no_colour_codes() {
    let home = tempfile::tempdir().unwrap();
    let served = Served::start(home.path(), &["--bind", "127.0.0.1:0"]);
    let all = served.seen.join("\n");
    assert!(all.contains("INFO"), "{all}");
    assert!(!all.contains('\u{1b}'), "ANSI escape in piped logs:\n{all}");
}

/// Each request gets one info line with what an operator needs and nothing secret.
#[test]
fn each_request_is_logged_in_one_info_line_without_its_query() {
    let home = tempfile::tempdir().unwrap();
    for format in ["pretty", "json"] {
        let mut served = Served::start(
            home.path(),
            &["--bind", "127.0.0.1:0", "--log-format", format],
        );
        let response = served.get("/health?token=figd_secret");
        assert!(response.starts_with("HTTP/1.1 200"), "{response}");
        let line = served.wait_for("finished processing request");
        let parts: &[&str] = if format == "json" {
            &[
                "INFO",
                "\"path\":\"/health\"",
                "\"status\":200",
                "latency",
                "request_id",
            ]
        } else {
            &[
                "INFO",
                "path=/health",
                "status=200",
                "latency=",
                "request_id=",
            ]
        };
        for part in parts {
            assert!(line.contains(part), "{part} missing: {line}");
        }
        assert!(
            !line.contains("figd_secret") && !line.contains('?'),
            "{line}"
        );
    }
}

/// Off loopback with no API key, every request is refused: say so, and what to do, at start-up.
#[test]
fn a_wildcard_bind_without_keys_warns_with_what_to_do() {
    let home = tempfile::tempdir().unwrap();
    let mut served = Served::start(
        home.path(),
        &["--bind", "0.0.0.0:0", "--log-format", "json"],
    );
    let line = served.wait_for("no API keys exist");
    assert!(
        line.contains("WARN") && line.contains("handoff keys create --user"),
        "{line}"
    );
    assert!(served.get("/api/v1/me").starts_with("HTTP/1.1 401"));

    // On loopback the same server needs no key, so there is nothing to warn about.
    let home = tempfile::tempdir().unwrap();
    let mut served = Served::start(home.path(), &["--bind", "127.0.0.1:0"]);
    served.get("/health");
    served.wait_for("finished processing request");
    assert!(
        !served.seen.iter().any(|line| line.contains("no API keys")),
        "{:?}",
        served.seen
    );
}

/// With Redis down the server still starts (Redis may come up later), but says why it is not
/// ready, at start-up and on each `/ready`, without the password in its URL.
#[test]
fn an_unreachable_redis_is_reported_with_its_cause() {
    let home = tempfile::tempdir().unwrap();
    let mut served = Served::start(
        home.path(),
        &[
            "--bind",
            "127.0.0.1:0",
            "--redis-url",
            "redis://app:hunter2@127.0.0.1:1",
            "--log-format",
            "json",
        ],
    );
    let line = served.wait_for("the store does not answer yet");
    assert!(line.contains("\"reason\""), "{line}");
    assert!(served.get("/ready").starts_with("HTTP/1.1 503"));
    let line = served.wait_for("not ready");
    assert!(
        line.contains("\"reason\"") && line.contains("unavailable"),
        "{line}"
    );
    let all = served.seen.join("\n");
    assert!(!all.contains("hunter2"), "{all}");
    assert!(all.contains("app:<redacted>@127.0.0.1:1"), "{all}");
}

/// One info line per MCP client, not a Debug dump of its whole `initialize`.
#[test]
fn an_mcp_client_is_logged_in_one_line() {
    let home = tempfile::tempdir().unwrap();
    let mut child = handoff(home.path())
        .arg("mcp")
        .arg("--data-dir")
        .arg(home.path().join("data"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    writeln!(
        stdin,
        r#"{{"jsonrpc":"2.0","id":1,"method":"initialize","params":{{"protocolVersion":"2025-06-18","capabilities":{{}},"clientInfo":{{"name":"probe-client","version":"9.9.9"}}}}}}"#
    )
    .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut answer = String::new();
    stdout.read_line(&mut answer).unwrap();
    assert!(answer.contains("\"result\""), "{answer}");
    writeln!(
        stdin,
        r#"{{"jsonrpc":"2.0","method":"notifications/initialized"}}"#
    )
    .unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let connected: Vec<&str> = stderr
        .lines()
        .filter(|line| line.contains("MCP client connected"))
        .collect();
    assert_eq!(connected.len(), 1, "{stderr}");
    for part in ["INFO", "probe-client", "9.9.9", "protocol=2025-06-18"] {
        assert!(connected[0].contains(part), "{part} missing: {stderr}");
    }
    assert!(
        !stderr.contains("peer_info") && !stderr.contains("capabilities"),
        "{stderr}"
    );
}
