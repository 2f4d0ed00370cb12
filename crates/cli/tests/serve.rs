//! `handoff serve` as a process: starts with no configuration, stops cleanly on SIGTERM, and refuses
//! a bad configuration value with a message naming the key.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use base64::Engine as _;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

/// Starts `handoff serve` on a free port: the child and its address.
fn serve(data_dir: &std::path::Path) -> (Child, String) {
    common::spawn_serve(data_dir, &[])
}

fn get(addr: &str, path: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

#[test]
fn serves_health_with_no_configuration_and_exits_zero_on_sigterm() {
    let data = tempfile::tempdir().unwrap();
    let (mut child, addr) = serve(data.path());
    let response = get(&addr, "/health");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("\"status\":\"ok\""), "{response}");

    let sent = Instant::now();
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = loop {
        if let Some(exit) = child.try_wait().unwrap() {
            break exit;
        }
        assert!(
            sent.elapsed() < Duration::from_secs(5),
            "still running 5 s after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(exit.success(), "exit status {exit:?}");
    assert!(
        sent.elapsed() < Duration::from_secs(2),
        "took {:?} to stop",
        sent.elapsed()
    );
}

fn post(addr: &str, path: &str, body: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

fn stop(child: &mut Child) {
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    assert!(exit.success(), "exit status {exit:?}");
}

#[test]
fn history_written_just_before_sigterm_survives_the_restart() {
    let data = tempfile::tempdir().unwrap();
    let (mut child, addr) = serve(data.path());
    // History is soft state: the embedded store commits it without an fsync and writes it to disk
    // when serving stops.
    let body = format!(
        r#"{{"frames":{},"platform":"jira","document_type":"component","project_name":"Shop"}}"#,
        include_str!("../../../bench/http/frame.json")
    );
    let response = post(&addr, "/api/v1/tickets", &body);
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    stop(&mut child);

    let export = common::command()
        .args(["store", "export", "--out", "-", "--data-dir"])
        .arg(data.path())
        .output()
        .unwrap();
    assert!(export.status.success(), "{export:?}");
    let records = String::from_utf8(export.stdout).unwrap();
    let history: serde_json::Value = records
        .lines()
        .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap())
        .find(|record| record["key"] == "user:{local}:history")
        .unwrap_or_else(|| panic!("no history record in the export:\n{records}"));
    let entries = history["value"]["data"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{history}");
    let entry = base64::engine::general_purpose::STANDARD
        .decode(entries[0].as_str().unwrap())
        .unwrap();
    let entry: serde_json::Value = serde_json::from_slice(&entry).unwrap();
    assert_eq!(entry["tool"], "generate_tickets", "{entry}");
}

#[test]
fn a_bad_configuration_value_stops_start_up_naming_the_key() {
    let data = tempfile::tempdir().unwrap();
    let output = common::command()
        .args(["serve", "--data-dir"])
        .arg(data.path())
        .env("HANDOFF_MAX_BODY_BYTES", "plenty")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("max_body_bytes") && stderr.contains("HANDOFF_MAX_BODY_BYTES"),
        "{stderr}"
    );

    let output = common::command()
        .args(["serve", "--bind", "nowhere"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("`bind`") && stderr.contains("command-line flag"),
        "{stderr}"
    );
}

#[test]
fn values_refused_later_by_the_store_or_cors_stop_start_up() {
    let data = tempfile::tempdir().unwrap();
    let file = data.path().join("handoff.toml");
    for (toml, named) in [
        (
            "[rate_limits]\ngeneration_per_min = 60000001\n",
            "rate_limits.generation_per_min",
        ),
        (
            "cors_allowed_origins = [\"https://a.example.com\\r\"]\n",
            "cors_allowed_origins",
        ),
    ] {
        std::fs::write(&file, toml).unwrap();
        let output = common::command()
            .args(["serve", "--bind", "127.0.0.1:0", "--config"])
            .arg(&file)
            .arg("--data-dir")
            .arg(data.path())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{toml}: {stderr}");
        assert!(stderr.contains(named), "{toml}: {stderr}");
    }
}

#[test]
fn auth_off_on_a_public_address_needs_insecure() {
    let data = tempfile::tempdir().unwrap();
    let output = common::command()
        .args(["serve", "--bind", "0.0.0.0:0", "--data-dir"])
        .arg(data.path())
        .env("HANDOFF_AUTH", "off")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--insecure"), "{stderr}");
}

#[test]
fn config_prints_the_effective_configuration_without_secrets() {
    let output = common::command()
        .args(["config", "--redis-url", "redis://u:sekrit@127.0.0.1:6379"])
        .env("HANDOFF_FIGMA_TOKEN", "figd_private")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("bind = \"127.0.0.1:3000\""), "{stdout}");
    assert!(
        !stdout.contains("sekrit") && !stdout.contains("figd_private"),
        "{stdout}"
    );
    assert!(stdout.contains("<redacted>"), "{stdout}");
}

#[test]
fn a_busy_port_is_a_clear_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let data = tempfile::tempdir().unwrap();
    let output = common::command()
        .args(["serve", "--bind", &addr, "--data-dir"])
        .arg(data.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&addr) && stderr.contains("cannot listen"),
        "{stderr}"
    );
}
