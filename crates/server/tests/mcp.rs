#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `/mcp` through the whole server (auth guard included) with real API keys: sessions and their
//! SSE streams belong to the caller who opened them, on every instance sharing one real
//! redis-server; malformed requests get JSON-RPC errors that say what to send; a foreign `Origin`
//! is refused.

mod common;

use common::{TestServer, bearer, redis_config, user_with_key};
use handoff_app::Config;
use handoff_app::config::AuthMode;
use handoff_test_support::RedisServer;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};

const LEGACY: &str = "2025-11-25";

struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Reply {
    /// `(id, data)` of every server-sent event.
    fn events(&self) -> Vec<(Option<String>, Option<Value>)> {
        self.body
            .split("\n\n")
            .filter(|block| !block.trim().is_empty())
            .map(|block| {
                let field = |name: &str| {
                    block
                        .lines()
                        .find_map(|line| line.strip_prefix(name))
                        .map(|value| value.trim_start().to_owned())
                };
                (
                    field("id:"),
                    field("data:")
                        .filter(|data| !data.is_empty())
                        .and_then(|data| serde_json::from_str(&data).ok()),
                )
            })
            .collect()
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|err| panic!("not JSON ({err}): {:?}", self.body))
    }

    /// The JSON-RPC error of a refusal: checks the shape and returns `(code, message)`.
    fn error(&self) -> (i64, String) {
        let content_type = self.headers["content-type"].to_str().unwrap();
        assert!(
            content_type.starts_with("application/json"),
            "{content_type}"
        );
        let body = self.json();
        assert_eq!(body["jsonrpc"], "2.0", "{body}");
        let code = body["error"]["code"]
            .as_i64()
            .unwrap_or_else(|| panic!("no error code: {body}"));
        let message = body["error"]["message"].as_str().unwrap().to_owned();
        (code, message)
    }

    fn session_id(&self) -> String {
        self.headers["mcp-session-id"].to_str().unwrap().to_owned()
    }
}

async fn send(request: reqwest::RequestBuilder) -> Reply {
    let response = request.send().await.unwrap();
    Reply {
        status: response.status(),
        headers: response.headers().clone(),
        body: response.text().await.unwrap(),
    }
}

/// A client of one server acting with one API key.
struct As<'a> {
    server: &'a TestServer,
    key: &'a str,
}

impl As<'_> {
    fn request(&self, method: reqwest::Method) -> reqwest::RequestBuilder {
        self.server
            .client
            .request(method, self.server.url("/mcp"))
            .header("authorization", bearer(self.key))
    }

    fn post(&self, session: Option<&str>, body: &Value) -> reqwest::RequestBuilder {
        let mut request = self
            .request(reqwest::Method::POST)
            .header("accept", "application/json, text/event-stream")
            .header("content-type", "application/json")
            .body(body.to_string());
        if let Some(session) = session {
            request = request
                .header("mcp-session-id", session)
                .header("mcp-protocol-version", LEGACY);
        }
        request
    }

    fn get(&self, session: &str, last_event_id: Option<&str>) -> reqwest::RequestBuilder {
        let mut request = self
            .request(reqwest::Method::GET)
            .header("accept", "text/event-stream")
            .header("mcp-session-id", session)
            .header("mcp-protocol-version", LEGACY);
        if let Some(id) = last_event_id {
            request = request.header("last-event-id", id);
        }
        request
    }

    fn delete(&self, session: &str) -> reqwest::RequestBuilder {
        self.request(reqwest::Method::DELETE)
            .header("mcp-session-id", session)
            .header("mcp-protocol-version", LEGACY)
    }

    async fn open_session(&self) -> String {
        let reply = send(self.post(None, &initialize())).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        let session = reply.session_id();
        let initialized = json!({"jsonrpc": "2.0", "method": "notifications/initialized"});
        let reply = send(self.post(Some(&session), &initialized)).await;
        assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.body);
        session
    }
}

fn initialize() -> Value {
    json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": LEGACY, "capabilities": {},
        "clientInfo": {"name": "mcp-test", "version": "0"}}})
}

fn call(id: i64, tool: &str, arguments: Value) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "method": "tools/call",
        "params": {"name": tool, "arguments": arguments}})
}

fn required(redis: &RedisServer) -> Config {
    Config {
        auth: AuthMode::Required,
        ..redis_config(redis)
    }
}

const SECRET: &str = "alice-secret-preference";

#[tokio::test(flavor = "multi_thread")]
async fn sessions_and_streams_belong_to_their_owner_on_every_instance() {
    let redis = RedisServer::start();
    let a = TestServer::start(required(&redis)).await;
    let b = TestServer::start(required(&redis)).await;
    let (_, alice_key) = user_with_key(&a.app, "alice", "acme").await;
    let (_, bob_key) = user_with_key(&a.app, "bob", "globex").await;
    let alice_a = As {
        server: &a,
        key: &alice_key,
    };
    let alice_b = As {
        server: &b,
        key: &alice_key,
    };
    let bob_a = As {
        server: &a,
        key: &bob_key,
    };
    let bob_b = As {
        server: &b,
        key: &bob_key,
    };

    let session = alice_a.open_session().await;
    let set = call(
        2,
        "set_user_preferences",
        json!({"preferences": {"note": SECRET}}),
    );
    let reply = send(alice_a.post(Some(&session), &set)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(reply.body.contains(SECRET), "{}", reply.body);
    let priming = reply
        .events()
        .into_iter()
        .find_map(|(id, data)| data.is_none().then_some(id).flatten())
        .expect("priming event with an id");

    // Bob (another org) holding Alice's session id or event id gets nothing, on either instance.
    let bob_session = bob_a.open_session().await;
    let get_prefs = call(3, "get_user_preferences", json!({}));
    let foreign = [
        (
            "POST with her session on A",
            bob_a.post(Some(&session), &get_prefs),
        ),
        (
            "POST with her session on B",
            bob_b.post(Some(&session), &get_prefs),
        ),
        ("GET with her session", bob_b.get(&session, None)),
        (
            "GET with her session and event",
            bob_b.get(&session, Some(&priming)),
        ),
        (
            "GET with his session and her event",
            bob_b.get(&bob_session, Some(&priming)),
        ),
        (
            "GET with his session and her event, on A",
            bob_a.get(&bob_session, Some(&priming)),
        ),
        ("DELETE of her session", bob_b.delete(&session)),
    ];
    for (what, request) in foreign {
        let reply = send(request).await;
        assert_eq!(
            reply.status,
            StatusCode::NOT_FOUND,
            "{what}: {}",
            reply.body
        );
        assert!(
            !reply.body.contains(SECRET),
            "{what} leaked: {}",
            reply.body
        );
        let (code, message) = reply.error();
        assert_eq!(code, -32001, "{what}: {message}");
        assert!(message.contains("session not found"), "{what}: {message}");
    }

    // Alice still has her session (Bob's DELETE did nothing) and her stream, on B too.
    let reply = send(alice_b.post(Some(&session), &get_prefs)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(reply.body.contains(SECRET), "{}", reply.body);
    let resumed = send(alice_b.get(&session, Some(&priming))).await;
    assert_eq!(resumed.status, StatusCode::OK, "{}", resumed.body);
    assert!(resumed.body.contains(SECRET), "{}", resumed.body);

    // DELETE on A ends it on B as well, although B holds it in memory since the call above.
    let reply = send(alice_a.delete(&session)).await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.body);
    for (what, request) in [
        ("POST on B", alice_b.post(Some(&session), &get_prefs)),
        ("POST on A", alice_a.post(Some(&session), &get_prefs)),
        ("GET on B", alice_b.get(&session, None)),
        ("DELETE again on B", alice_b.delete(&session)),
    ] {
        let reply = send(request).await;
        assert_eq!(
            reply.status,
            StatusCode::NOT_FOUND,
            "{what}: {}",
            reply.body
        );
        assert_eq!(reply.error().0, -32001, "{what}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn malformed_requests_get_json_rpc_errors_that_say_what_to_send() {
    let redis = RedisServer::start();
    let server = TestServer::start(required(&redis)).await;
    let (_, key) = user_with_key(&server.app, "ada", "acme").await;
    let ada = As {
        server: &server,
        key: &key,
    };
    let session = ada.open_session().await;
    let raw = |body: &str| {
        ada.request(reqwest::Method::POST)
            .header("accept", "application/json, text/event-stream")
            .header("content-type", "application/json")
            .body(body.to_owned())
    };
    let ping = json!({"jsonrpc": "2.0", "id": 9, "method": "ping"});
    let cases: Vec<(&str, reqwest::RequestBuilder, StatusCode, i64, &[&str])> = vec![
        (
            "invalid JSON",
            raw("{\"jsonrpc\": \"2.0\", "),
            StatusCode::BAD_REQUEST,
            -32700,
            &["not valid JSON", "JSON-RPC 2.0"],
        ),
        (
            "a batch",
            raw(&json!([ping, ping]).to_string()),
            StatusCode::BAD_REQUEST,
            -32600,
            &["batch", "own POST"],
        ),
        (
            "jsonrpc 1.0",
            raw(r#"{"jsonrpc":"1.0","id":1,"method":"ping"}"#),
            StatusCode::BAD_REQUEST,
            -32600,
            &["`jsonrpc` must be \"2.0\""],
        ),
        (
            "a call before initialize",
            ada.post(None, &call(2, "get_user_preferences", json!({}))),
            StatusCode::BAD_REQUEST,
            -32600,
            &["`tools/call` needs the Mcp-Session-Id header", "initialize"],
        ),
        (
            "GET without a session id",
            ada.request(reqwest::Method::GET)
                .header("accept", "text/event-stream"),
            StatusCode::BAD_REQUEST,
            -32600,
            &["Mcp-Session-Id", "initialize"],
        ),
        (
            "a wrong MCP-Protocol-Version",
            ada.request(reqwest::Method::POST)
                .header("accept", "application/json, text/event-stream")
                .header("content-type", "application/json")
                .header("mcp-session-id", &session)
                .header("mcp-protocol-version", "1999-01-01")
                .body(ping.to_string()),
            StatusCode::BAD_REQUEST,
            -32022,
            &["MCP-Protocol-Version", "1999-01-01", LEGACY],
        ),
        (
            "an unknown session",
            ada.post(Some("no-such-session"), &ping),
            StatusCode::NOT_FOUND,
            -32001,
            &["session not found", "initialize"],
        ),
        (
            "DELETE of an unknown session",
            ada.delete("no-such-session"),
            StatusCode::NOT_FOUND,
            -32001,
            &["session not found"],
        ),
        (
            "Accept without text/event-stream",
            ada.request(reqwest::Method::POST)
                .header("accept", "application/json")
                .header("content-type", "application/json")
                .body(ping.to_string()),
            StatusCode::NOT_ACCEPTABLE,
            -32600,
            &[
                "\"application/json\"",
                "Accept: application/json, text/event-stream",
            ],
        ),
        (
            "arguments as an array",
            ada.post(
                Some(&session),
                &call(4, "get_user_preferences", json!([1, 2])),
            ),
            StatusCode::BAD_REQUEST,
            -32602,
            &["`params.arguments`", "object", "array"],
        ),
        (
            "a body that is not JSON by Content-Type",
            ada.request(reqwest::Method::POST)
                .header("accept", "application/json, text/event-stream")
                .header("content-type", "text/plain")
                .body(ping.to_string()),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            -32600,
            &["Content-Type: application/json"],
        ),
    ];
    for (what, request, status, code, needles) in cases {
        let reply = send(request).await;
        assert_eq!(reply.status, status, "{what}: {}", reply.body);
        let (got, message) = reply.error();
        assert_eq!(got, code, "{what}: {message}");
        for needle in needles {
            assert!(
                message.contains(needle),
                "{what}: {needle:?} not in {message:?}"
            );
        }
    }
    // No Accept header at all (reqwest always sends one, so this goes over a raw connection).
    let (status, body) = raw_post_without_accept(&server, &key, &ping.to_string()).await;
    assert_eq!(status, 406, "{body}");
    let body: Value = serde_json::from_str(&body).unwrap();
    let message = body["error"]["message"].as_str().unwrap();
    assert_eq!(body["error"]["code"], -32600, "{body}");
    assert!(message.contains("no Accept header"), "{message}");
    assert!(
        message.contains("Accept: application/json, text/event-stream"),
        "{message}"
    );

    // The id of the refused request is echoed where there was one.
    let reply = send(ada.post(Some(&session), &call(4, "x", json!([1])))).await;
    assert_eq!(reply.json()["id"], 4);
}

/// `POST /mcp` over a plain HTTP/1.1 connection without an `Accept` header; `(status, body)`.
async fn raw_post_without_accept(server: &TestServer, key: &str, body: &str) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let authority = server.base.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&authority).await.unwrap();
    let request = format!(
        "POST /mcp HTTP/1.1\r\nHost: {authority}\r\nAuthorization: {}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        bearer(key),
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no status line: {response:?}"));
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_owned())
        .unwrap_or_default();
    (status, body)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_foreign_origin_is_refused_and_own_or_configured_ones_are_served() {
    let redis = RedisServer::start();
    let server = TestServer::start(Config {
        allowed_origins: vec!["https://app.example.com".to_owned()],
        ..required(&redis)
    })
    .await;
    let (_, key) = user_with_key(&server.app, "ada", "acme").await;
    let ada = As {
        server: &server,
        key: &key,
    };
    let own = server.base.clone();
    let cases = [
        (None, StatusCode::OK),
        (Some(own.as_str()), StatusCode::OK),
        (Some("https://app.example.com"), StatusCode::OK),
        (Some("https://evil.example"), StatusCode::FORBIDDEN),
        (Some("http://localhost:1"), StatusCode::FORBIDDEN),
        (Some("null"), StatusCode::FORBIDDEN),
        (Some("not an origin"), StatusCode::FORBIDDEN),
    ];
    for (origin, expected) in cases {
        let mut request = ada.post(None, &initialize());
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        let reply = send(request).await;
        assert_eq!(reply.status, expected, "{origin:?}: {}", reply.body);
        if expected == StatusCode::FORBIDDEN {
            let (code, message) = reply.error();
            assert_eq!(code, -32000, "{message}");
            assert!(message.contains("allowed_origins"), "{message}");
        }
    }
}
