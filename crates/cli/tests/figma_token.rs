//! `handoff users set-figma-token` as a process: the token goes in through stdin or --token, is
//! stored encrypted, and is what that user's Figma calls then send.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use handoff_app::config::Secret;
use handoff_app::ops::{DesignContextRequest, DesignSource};
use handoff_app::{App, Config};
use handoff_store::Identity;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SECRET_KEY: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
const TOKEN: &str = "figd_ann_from_the_cli";
const FILE_KEY: &str = "AbCdEf1234567890";
const FIXTURE: &str = "../../../shared/fixtures/figma/code-connect-wizard-demo.file.json";

/// Runs `handoff` with only the given `HANDOFF_*` variables and `stdin` piped in.
fn handoff(args: &[&str], env: &[(&str, &str)], stdin: &str) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_handoff"));
    for (key, _) in std::env::vars() {
        if key.starts_with("HANDOFF_") {
            cmd.env_remove(key);
        }
    }
    cmd.envs(env.iter().copied())
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn add_user(data: &str, org: &str) -> String {
    let out = handoff(
        &["users", "add", "Ann", "--org", org, "--data-dir", data],
        &[],
        "",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

#[tokio::test]
async fn an_admin_sets_a_users_token_and_their_figma_calls_use_it() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data").display().to_string();
    let id = add_user(&data, "acme");
    let with_key = [("HANDOFF_SECRET_KEY", SECRET_KEY)];

    let out = handoff(
        &["users", "set-figma-token", &id, "--data-dir", &data],
        &with_key,
        &format!("{TOKEN}\n"),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(out.stdout.is_empty(), "nothing on stdout");
    assert!(stderr(&out).contains("org acme"), "{}", stderr(&out));
    assert!(!stderr(&out).contains(TOKEN));

    let export = tmp.path().join("export.jsonl");
    let out = handoff(
        &[
            "store",
            "export",
            "--out",
            &export.display().to_string(),
            "--data-dir",
            &data,
        ],
        &[],
        "",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let dumped = std::fs::read_to_string(&export).unwrap();
    assert!(dumped.contains(":credential:acme:figma"), "{dumped}");
    assert!(!dumped.contains(TOKEN), "stored encrypted: {dumped}");

    // The user's own Figma call carries exactly the token the admin set.
    let figma = figma_accepting(TOKEN).await;
    let app = App::open(Config {
        data_dir: Path::new(&data).to_path_buf(),
        figma_api_base: figma.uri(),
        secret_key: Some(Secret::new(SECRET_KEY)),
        ..Config::default()
    })
    .await
    .unwrap();
    let who = Identity::new(&id, "acme").unwrap();
    let request = DesignContextRequest {
        source: DesignSource::Url {
            url: format!("https://www.figma.com/design/{FILE_KEY}/Demo"),
        },
        format: None,
        depth: None,
        max_bytes: Some(4_000),
        cursor: None,
    };
    app.design_context(&who, &request).await.unwrap();
    figma.verify().await;
}

/// A Figma API that serves the file only to `token`.
async fn figma_accepting(token: &str) -> MockServer {
    let server = MockServer::start().await;
    let meta = serde_json::json!({ "file": { "name": "Demo", "version": "7", "last_touched_at": "2026-11-20T10:00:00Z" } });
    let fixture = std::fs::read(format!("{}/{FIXTURE}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    Mock::given(method("GET"))
        .and(path(format!("/v1/files/{FILE_KEY}/meta")))
        .and(header("x-figma-token", token))
        .respond_with(ResponseTemplate::new(200).set_body_json(meta))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/files/{FILE_KEY}")))
        .and(header("x-figma-token", token))
        .respond_with(ResponseTemplate::new(200).set_body_raw(fixture, "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    server
}

type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], &'a str, &'a str);

#[test]
fn mistakes_are_input_errors_that_never_echo_the_token() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data").display().to_string();
    let id = add_user(&data, "acme");
    let set = |args: &[&str], env: &[(&str, &str)], stdin: &str| {
        let mut all = vec!["users", "set-figma-token"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--data-dir", &data]);
        handoff(&all, env, stdin)
    };
    let with_key = [("HANDOFF_SECRET_KEY", SECRET_KEY)];
    // (arguments, environment, stdin, what stderr must say)
    let cases: [Case; 5] = [
        (&[&id], &[], TOKEN, "HANDOFF_SECRET_KEY"),
        (
            &[&id],
            &[("HANDOFF_SECRET_KEY", "c2hvcnQ=")],
            TOKEN,
            "32 bytes",
        ),
        (&[&id, "--org", "other"], &with_key, TOKEN, "is in org acme"),
        (&["u_nobody"], &with_key, TOKEN, "no user"),
        (&[&id], &with_key, "figd with a space\n", "printable ASCII"),
    ];
    for (args, env, stdin, expected) in cases {
        let out = set(args, env, stdin);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(expected),
            "{args:?}: {}",
            stderr(&out)
        );
        assert!(!stderr(&out).contains(TOKEN), "{}", stderr(&out));
    }

    // The local user has no record: the org comes from --org (default `default`); --token instead
    // of stdin.
    let out = set(&["local", "--token", TOKEN], &with_key, "");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("org default"), "{}", stderr(&out));
}
