//! Hostile and malformed requests, table-driven: each gets a JSON error with the right status and a
//! message, never a 500, and the server keeps serving. Covers REST v1, the legacy contract and the
//! guard (MCP's protocol errors are the conformance suite's).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{TestServer, bearer, user_with_key};
use handoff_app::Config;
use handoff_app::config::AuthMode;
use reqwest::Method;
use serde_json::Value;

enum Auth {
    Key,
    None,
    Raw(&'static [u8]),
    Long,
}

struct Case {
    name: &'static str,
    method: Method,
    path: &'static str,
    content_type: Option<&'static str>,
    body: Vec<u8>,
    auth: Auth,
    status: u16,
}

fn case(name: &'static str, method: Method, path: &'static str, body: &str, status: u16) -> Case {
    Case {
        name,
        method,
        path,
        content_type: Some("application/json"),
        body: body.as_bytes().to_vec(),
        auth: Auth::Key,
        status,
    }
}

fn post(name: &'static str, path: &'static str, body: &str, status: u16) -> Case {
    case(name, Method::POST, path, body, status)
}

fn nested(depth: usize) -> String {
    format!("{}{}", "[".repeat(depth), "]".repeat(depth))
}

fn cases() -> Vec<Case> {
    let deep_object = format!(r#"{{"data":{}}}"#, nested(100_000));
    let oversize = format!(
        r#"{{"data":{{"blob":"{}"}}}}"#,
        "a".repeat(17 * 1024 * 1024)
    );
    let mut cases = vec![
        // JSON syntax and shape
        post("truncated JSON", "/api/v1/sessions", "{", 400),
        post("trailing garbage", "/api/v1/sessions", "{} {}", 400),
        post("array instead of object", "/api/v1/sessions", "[]", 400),
        post(
            "string instead of object",
            "/api/v1/sessions",
            r#""hello""#,
            400,
        ),
        post(
            "wrong field type",
            "/api/v1/sessions",
            r#"{"data": 5}"#,
            400,
        ),
        post("unknown field", "/api/v1/sessions", r#"{"dta": {}}"#, 400),
        post("deeply nested JSON", "/api/v1/sessions", &deep_object, 400),
        post(
            "number out of range",
            "/api/v1/sessions",
            r#"{"data":{"n":1e999999}}"#,
            400,
        ),
        post("oversize body", "/api/v1/sessions", &oversize, 413),
        Case {
            body: vec![b'{', b'"', 0xff, 0xfe, b'"', b':', b'1', b'}'],
            ..post("non-UTF-8 body", "/api/v1/sessions", "", 400)
        },
        // Routing
        case("unknown route", Method::GET, "/api/v1/nope", "", 404),
        case(
            "unknown top-level route",
            Method::GET,
            "/wp-admin.php",
            "",
            404,
        ),
        case("wrong method", Method::PATCH, "/api/v1/sessions", "{}", 405),
        case(
            "wrong method on legacy route",
            Method::DELETE,
            "/api/generate-ticket",
            "",
            405,
        ),
        // Ids in paths
        case(
            "session id with traversal",
            Method::GET,
            "/api/v1/sessions/..%2F..%2Fetc%2Fpasswd",
            "",
            400,
        ),
        case(
            "session id of another shape",
            Method::GET,
            "/api/v1/sessions/s_0000",
            "",
            404,
        ),
        case(
            "component node id malformed",
            Method::GET,
            "/api/v1/components/abcDEF123/12:34:56",
            "",
            400,
        ),
        case(
            "component file key malformed",
            Method::GET,
            "/api/v1/components/a%20b/1:2",
            "",
            400,
        ),
        // Figma URLs and node ids
        post(
            "non-Figma URL",
            "/api/v1/figma/context",
            r#"{"url":"https://example.com/file/abc"}"#,
            400,
        ),
        post(
            "not a URL",
            "/api/v1/figma/context",
            r#"{"url":"not a url"}"#,
            400,
        ),
        post(
            "Figma URL without a key",
            "/api/v1/figma/context",
            r#"{"url":"https://www.figma.com/design/"}"#,
            400,
        ),
        post(
            "node id with three parts",
            "/api/v1/figma/context",
            r#"{"file_key":"abcDEF123","node_ids":"12:34:56"}"#,
            400,
        ),
        post(
            "broken instance path",
            "/api/v1/figma/context",
            r#"{"file_key":"abcDEF123","node_ids":"I1:2;3:"}"#,
            400,
        ),
        post(
            "file key with traversal",
            "/api/v1/figma/context",
            r#"{"file_key":"../../etc","node_ids":"1:2"}"#,
            400,
        ),
        post("no design named", "/api/v1/figma/context", "{}", 400),
        post(
            "inline frames of the wrong type",
            "/api/v1/figma/context",
            r#"{"frames":"not frames"}"#,
            400,
        ),
        post(
            "negative budget",
            "/api/v1/figma/context",
            r#"{"frames":[],"max_bytes":-5}"#,
            400,
        ),
        post(
            "unknown report",
            "/api/v1/figma/analysis/astrology",
            r#"{"frames":[]}"#,
            400,
        ),
        post(
            "relationships to depth 0",
            "/api/v1/figma/analysis/relationships",
            r#"{"frames":[{"id":"1:2","name":"Button","type":"COMPONENT"}],"depth":0}"#,
            400,
        ),
        post(
            "depth for a report that has none",
            "/api/v1/figma/analysis/health",
            r#"{"frames":[{"id":"1:2","name":"Button","type":"COMPONENT"}],"depth":2}"#,
            400,
        ),
        post(
            "unknown token format",
            "/api/v1/figma/tokens/xml",
            r#"{"frames":[]}"#,
            400,
        ),
        // Tickets and templates
        post("ticket without a design", "/api/v1/tickets", "{}", 400),
        post(
            "ticket for an unknown platform",
            "/api/v1/tickets",
            r#"{"frames":[{"id":"1:2","name":"Button","type":"COMPONENT"}],"platform":"myspace"}"#,
            400,
        ),
        case(
            "override with broken template syntax",
            Method::PUT,
            "/api/v1/templates/jira/component/overrides/user",
            r#"{"source":"content: \"{% if %}\""}"#,
            400,
        ),
        case(
            "template of an unknown type",
            Method::GET,
            "/api/v1/templates/jira/horoscope",
            "",
            400,
        ),
        case(
            "override in an unknown scope",
            Method::PUT,
            "/api/v1/templates/jira/component/overrides/global",
            r#"{"source":"x"}"#,
            400,
        ),
        // Records
        case(
            "preferences that are not an object",
            Method::PATCH,
            "/api/v1/me/preferences",
            "[1,2]",
            400,
        ),
        case(
            "history limit negative",
            Method::GET,
            "/api/v1/me/history?limit=-1",
            "",
            400,
        ),
        case(
            "history limit huge",
            Method::GET,
            "/api/v1/me/history?limit=99999999999999999999999",
            "",
            400,
        ),
        Case {
            content_type: Some("image/png"),
            body: b"this is not a PNG".to_vec(),
            ..case(
                "screenshot that is not an image",
                Method::PUT,
                "/api/v1/components/abcDEF123/1:2/screenshot",
                "",
                400,
            )
        },
        Case {
            content_type: Some("text/plain"),
            ..case(
                "screenshot of an unsupported type",
                Method::PUT,
                "/api/v1/components/abcDEF123/1:2/screenshot",
                "hello",
                415,
            )
        },
        // Credentials
        Case {
            auth: Auth::None,
            ..case("no credential", Method::GET, "/api/v1/me", "", 401)
        },
        Case {
            auth: Auth::Raw(b"Bearer \xff\xfe"),
            ..case("non-UTF-8 credential", Method::GET, "/api/v1/me", "", 401)
        },
        Case {
            auth: Auth::Long,
            ..case("oversized credential", Method::GET, "/api/v1/me", "", 401)
        },
        Case {
            auth: Auth::Raw(b"Bearer hs_a~b~c~d"),
            ..case(
                "malformed session token",
                Method::GET,
                "/api/v1/me",
                "",
                401,
            )
        },
        // The legacy contract
        post(
            "legacy: body is not JSON",
            "/",
            "method=analyze_project",
            400,
        ),
        post(
            "legacy: unknown method",
            "/",
            r#"{"method":"drop_tables","params":{}}"#,
            400,
        ),
        post(
            "legacy: method is not a string",
            "/",
            r#"{"method":5}"#,
            400,
        ),
        post(
            "legacy: frameData of the wrong type",
            "/api/generate-ticket",
            r#"{"frameData":"x","platform":"jira"}"#,
            400,
        ),
        post(
            "legacy: AI ticket without frames",
            "/api/generate-ai-ticket-direct",
            "{}",
            400,
        ),
        case(
            "legacy: screenshot without parameters",
            Method::GET,
            "/api/figma/screenshot",
            "",
            400,
        ),
        case(
            "legacy: screenshot with a bad node id",
            Method::GET,
            "/api/figma/screenshot?fileKey=abcDEF123&nodeId=..%2F1",
            "",
            400,
        ),
        post(
            "array body where an object is expected",
            "/api/v1/tickets",
            "[]",
            400,
        ),
    ];
    cases.sort_by_key(|case| case.name);
    cases
}

/// Where each error shape keeps its message: `{"error":{"message"}}` (REST), the legacy
/// `{"content":[{"text"}],"isError":true}` and `{"error":"…"}`, or JSON-RPC's `{"error":{"message"}}`.
fn error_message(body: &Value) -> Option<&str> {
    body["error"]["message"]
        .as_str()
        .or_else(|| body["error"].as_str())
        .or_else(|| body["content"][0]["text"].as_str())
        .filter(|message| !message.trim().is_empty())
}

#[tokio::test]
async fn every_malformed_request_gets_a_clear_json_error() {
    let server = TestServer::start(Config {
        auth: AuthMode::Required,
        ..Config::default()
    })
    .await;
    let (_, key) = user_with_key(&server.app, "ada", "acme").await;
    let long = format!("Bearer hk_{}", "a".repeat(4000));
    let cases = cases();
    assert!(cases.len() >= 40, "the issue asks for at least 40 cases");

    let mut failures = Vec::new();
    for case in &cases {
        let mut request = server
            .client
            .request(case.method.clone(), server.url(case.path))
            .body(case.body.clone());
        if let Some(content_type) = case.content_type {
            request = request.header("content-type", content_type);
        }
        request = match &case.auth {
            Auth::Key => request.header("authorization", bearer(&key)),
            Auth::None => request,
            Auth::Raw(raw) => request.header(
                "authorization",
                reqwest::header::HeaderValue::from_bytes(raw).unwrap(),
            ),
            Auth::Long => request.header("authorization", long.as_str()),
        };
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        let body: Result<Value, _> = serde_json::from_str(&text);
        let message = body
            .as_ref()
            .ok()
            .and_then(error_message)
            .map(str::to_owned);
        if status != case.status || message.is_none() {
            failures.push(format!(
                "{}: {} {} → {status} (expected {}), body {}",
                case.name,
                case.method,
                case.path,
                case.status,
                text.chars().take(300).collect::<String>()
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));

    // Still serving after all of that.
    let health = server.get("/health").await;
    assert_eq!(health.status(), 200);
}
