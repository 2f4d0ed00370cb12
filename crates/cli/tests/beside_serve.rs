//! The commands a user runs while `handoff serve` holds the embedded store (one process at a
//! time): `users`, `keys`, `store export` and `handoff mcp` go through the running server instead
//! of failing on the lock (issue 25). Real processes: the built binary, a temp data dir.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

use serde_json::{Value, json};

const RUNTIME_FILE: &str = "handoff-serve.json";

/// `handoff ARGS --data-dir DATA`, finished.
fn run(data: &Path, args: &[&str]) -> Output {
    common::command()
        .args(args)
        .arg("--data-dir")
        .arg(data)
        .output()
        .unwrap()
}

/// Standard output of a run that must succeed.
fn ok(data: &Path, args: &[&str]) -> String {
    let out = run(data, args);
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A running `handoff serve` on a free loopback port; killed if the test fails before `stop`.
struct Serve {
    child: Child,
    addr: String,
}

impl Serve {
    fn start(data: &Path) -> Self {
        Self::start_with(data, &[])
    }

    fn start_with(data: &Path, env: &[(&str, &str)]) -> Self {
        let (child, addr) = common::spawn_serve(data, env);
        Self { child, addr }
    }

    /// SIGTERM, and the exit must be clean.
    fn stop(mut self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let exit = self.child.wait().unwrap();
        assert!(exit.success(), "exit status {exit:?}");
    }

    /// Status line and body of a GET with an optional bearer token.
    fn get(&self, path: &str, bearer: Option<&str>) -> (u16, String) {
        let mut stream = std::net::TcpStream::connect(&self.addr).unwrap();
        let auth = bearer.map_or_else(String::new, |token| {
            format!("Authorization: Bearer {token}\r\n")
        });
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: {}\r\n{auth}Connection: close\r\n\r\n",
            self.addr
        )
        .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        let status = response[9..12].parse().unwrap();
        let body = response
            .split_once("\r\n\r\n")
            .map(|(_, body)| body.to_owned())
            .unwrap_or_default();
        (status, body)
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

#[test]
fn users_keys_and_export_work_while_serve_holds_the_embedded_store() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path();
    let server = Serve::start(data);

    let id = ok(data, &["users", "add", "Ann", "--org", "acme"])
        .trim()
        .to_owned();
    assert!(id.starts_with("u_"), "{id}");
    assert_eq!(
        ok(data, &["users", "list"]),
        format!("{id}\tacme\tAnn\n"),
        "users list"
    );
    let key = ok(
        data,
        &["keys", "create", "--user", &id, "--label", "laptop"],
    )
    .trim()
    .to_owned();
    assert!(key.starts_with("hk_"), "{key}");

    // The key is in the server's store at once: it authenticates as Ann.
    let (status, body) = server.get("/api/v1/me", Some(&key));
    assert_eq!(status, 200, "{body}");
    let me: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(me["userId"], id.as_str());
    assert_eq!(me["orgId"], "acme");

    let listed = ok(data, &["keys", "list", "--user", &id]);
    let fields: Vec<&str> = listed.trim_end().split('\t').collect();
    assert_eq!(fields.len(), 4, "{listed}");
    assert_eq!(fields[3], "laptop");
    assert_ne!(fields[2], "-", "the key was used: {listed}");
    let key_id = fields[0];

    // The caller's mistakes are still exit 2 with the same messages.
    let missing = run(data, &["keys", "create", "--user", "u_missing"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).starts_with("error: "));
    let unknown = run(data, &["keys", "revoke", "--user", &id, "ffffff"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&unknown.stderr).contains("has no key with id ffffff"),
        "{}",
        String::from_utf8_lossy(&unknown.stderr)
    );

    let export = ok(data, &["store", "export", "--out", "-"]);
    let records: Vec<Value> = export
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert!(
        records
            .iter()
            .any(|record| record["key"].as_str().unwrap().contains(&id)),
        "{export}"
    );

    ok(data, &["keys", "revoke", "--user", &id, key_id]);
    assert_eq!(server.get("/api/v1/me", Some(&key)).0, 401);
    assert_eq!(ok(data, &["keys", "list", "--user", &id]), "");
    ok(data, &["users", "remove", &id]);
    assert_eq!(ok(data, &["users", "list"]), "");

    let runtime_file = data.join(RUNTIME_FILE);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&runtime_file)
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "the runtime file holds a secret");
    }
    server.stop();
    assert!(
        !runtime_file.exists(),
        "a stopped server leaves no runtime file"
    );
    // And with the server gone the commands open the store themselves again.
    assert_eq!(ok(data, &["users", "list"]), "");
}

#[test]
fn the_admin_routes_refuse_requests_without_the_local_token() {
    let tmp = tempfile::tempdir().unwrap();
    let server = Serve::start(tmp.path());
    assert_eq!(server.get("/admin/users", None).0, 401);
    assert_eq!(server.get("/admin/users", Some("hl_wrong")).0, 401);
    let info: Value =
        serde_json::from_str(&std::fs::read_to_string(tmp.path().join(RUNTIME_FILE)).unwrap())
            .unwrap();
    let token = info["token"].as_str().unwrap();
    assert_eq!(server.get("/admin/users", Some(token)).0, 200);
    // The token is not an API key: it does not open the public API as anyone but the local user.
    let (status, body) = server.get("/api/v1/me", Some(token));
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap()["userId"],
        "local"
    );
    server.stop();
}

/// One JSON-RPC message per line from `handoff mcp`'s stdout, until the response with `id`.
fn response_to(stdout: &mut impl BufRead, id: u64) -> Value {
    loop {
        let mut line = String::new();
        assert!(stdout.read_line(&mut line).unwrap() > 0, "stdout closed");
        let message: Value = serde_json::from_str(&line).unwrap();
        if message["id"] == id {
            return message;
        }
    }
}

#[test]
fn mcp_over_stdio_works_while_serve_holds_the_embedded_store() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path();
    let server = Serve::start(data);
    // With a key in the store, `auto` no longer lets credential-less loopback callers in: the
    // bridge must be let in by its local token, as the local user.
    let id = ok(data, &["users", "add", "Bo"]).trim().to_owned();
    ok(data, &["keys", "create", "--user", &id]);

    let mut mcp = common::command()
        .arg("mcp")
        .arg("--data-dir")
        .arg(data)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = mcp.stdin.take().unwrap();
    let mut stdout = BufReader::new(mcp.stdout.take().unwrap());
    let initialize = json!({
        "jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "bridge-test", "version": "1.0.0"},
        },
    });
    writeln!(stdin, "{initialize}").unwrap();
    let answer = response_to(&mut stdout, 1);
    assert_eq!(
        answer["result"]["serverInfo"]["name"], "handoff",
        "{answer}"
    );
    writeln!(
        stdin,
        "{}",
        json!({"jsonrpc": "2.0", "method": "notifications/initialized"})
    )
    .unwrap();
    writeln!(
        stdin,
        "{}",
        json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"})
    )
    .unwrap();
    let tools = response_to(&mut stdout, 2);
    let names: Vec<&str> = tools["result"]["tools"]
        .as_array()
        .unwrap_or_else(|| panic!("no tools: {tools}"))
        .iter()
        .map(|tool| tool["name"].as_str().unwrap())
        .collect();
    assert!(names.len() > 3, "{names:?}");
    assert!(
        names.iter().any(|name| name.contains("ticket")),
        "{names:?}"
    );
    drop(stdin);
    let out = mcp.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    server.stop();
}

#[test]
fn a_figma_token_is_stored_through_the_running_server() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path();
    let secret = (
        "HANDOFF_SECRET_KEY",
        "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
    );
    let server = Serve::start_with(data, &[secret]);
    let (status, body) = server.get("/api/v1/me/figma-token", None);
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap()["configured"],
        false
    );
    let out = common::command()
        .env(secret.0, secret.1)
        .args([
            "users",
            "set-figma-token",
            "local",
            "--token",
            "figd_through_the_server",
        ])
        .arg("--data-dir")
        .arg(data)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("for user local in org default"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (_, body) = server.get("/api/v1/me/figma-token", None);
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap()["configured"],
        true
    );
    // An unknown user is the caller's mistake, as against the store.
    let unknown = common::command()
        .env(secret.0, secret.1)
        .args([
            "users",
            "set-figma-token",
            "u_nobody",
            "--token",
            "figd_x",
            "--data-dir",
        ])
        .arg(data)
        .output()
        .unwrap();
    assert_eq!(unknown.status.code(), Some(2));
    server.stop();
}

#[test]
fn a_runtime_file_left_by_a_dead_server_is_reported_not_trusted() {
    let tmp = tempfile::tempdir().unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let config = handoff_store::StoreConfig {
        data_dir: tmp.path().to_owned(),
        ..Default::default()
    };
    // The store is held (as by a `handoff mcp`), and the runtime file names a server that is gone.
    let _held = runtime
        .block_on(handoff_store::Store::open(&config))
        .unwrap();
    std::fs::write(
        tmp.path().join(RUNTIME_FILE),
        json!({"pid": 999_999, "url": "http://127.0.0.1:1", "token": "hl_x"}).to_string(),
    )
    .unwrap();
    let out = run(tmp.path(), &["users", "list"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("does not answer"), "{stderr}");
    assert!(stderr.contains(RUNTIME_FILE), "{stderr}");
}
