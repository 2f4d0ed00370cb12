#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `/mcp` over real HTTP, several instances sharing one real redis-server: sessions (2025-11-25)
//! continue on another instance, SSE streams resume there, the stateless era (2026-07-28) needs no
//! session at all, and the DNS-rebinding checks hold.

use std::sync::Arc;
use std::time::Duration;

use handoff_app::auth::{AuthMethod, Caller, local_identity};
use handoff_app::config::Secret;
use handoff_app::{App, Config};
use handoff_test_support::RedisServer;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};

const LEGACY: &str = "2025-11-25";
const STATELESS: &str = "2026-07-28";

/// One handoff instance serving `/mcp` on a local port.
struct Instance {
    url: String,
    server: tokio::task::JoinHandle<()>,
    _data: tempfile::TempDir,
}

impl Instance {
    async fn start(redis_url: Option<String>, configure: impl FnOnce(&mut Config)) -> Self {
        let data = tempfile::tempdir().unwrap();
        let mut config = Config {
            data_dir: data.path().to_path_buf(),
            redis_url: redis_url.map(Secret::new),
            ..Config::default()
        };
        configure(&mut config);
        let app = Arc::new(App::open(config).await.unwrap());
        // The server authenticates before rmcp runs and hands tools the caller this way; these
        // tests are about the transport, so everyone is the local user.
        let caller = Caller {
            identity: local_identity().unwrap(),
            method: AuthMethod::Local,
            session_id: None,
            api_key: None,
        };
        let router = axum::Router::new()
            .nest_service("/mcp", handoff_mcp::http_service(app))
            .layer(axum::Extension(caller));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/mcp", listener.local_addr().unwrap());
        let server = tokio::spawn(async move {
            axum::serve(listener, router).await.unwrap();
        });
        Self {
            url,
            server,
            _data: data,
        }
    }

    /// Stops accepting connections, as a stopped instance behind a load balancer would.
    async fn stop(self) {
        self.server.abort();
        let _ = self.server.await;
    }
}

/// One parsed server-sent event.
#[derive(Debug)]
struct Event {
    id: Option<String>,
    data: Option<Value>,
}

struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Reply {
    fn events(&self) -> Vec<Event> {
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
                Event {
                    id: field("id:"),
                    data: field("data:")
                        .filter(|data| !data.is_empty())
                        .map(|data| serde_json::from_str(&data).unwrap()),
                }
            })
            .collect()
    }

    /// The JSON-RPC message answering request `id`, from an SSE or a JSON body.
    fn answer(&self, id: i64) -> Value {
        let is_json = self
            .headers
            .get("content-type")
            .is_some_and(|value| value.as_bytes().starts_with(b"application/json"));
        if is_json {
            return serde_json::from_str(&self.body).unwrap();
        }
        self.events()
            .into_iter()
            .filter_map(|event| event.data)
            .find(|message| message["id"] == json!(id))
            .unwrap_or_else(|| panic!("no answer to request {id} in {:?}", self.body))
    }

    fn session_id(&self) -> String {
        self.headers
            .get("mcp-session-id")
            .expect("Mcp-Session-Id header")
            .to_str()
            .unwrap()
            .to_owned()
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

async fn send(request: reqwest::RequestBuilder) -> Reply {
    let response = request.send().await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.text().await.unwrap();
    Reply {
        status,
        headers,
        body,
    }
}

fn post(url: &str, headers: &[(&str, &str)], body: &Value) -> reqwest::RequestBuilder {
    let mut request = client()
        .post(url)
        .header("accept", "application/json, text/event-stream")
        .header("content-type", "application/json")
        .body(body.to_string());
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request
}

fn initialize_request() -> Value {
    json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": LEGACY,
        "capabilities": {},
        "clientInfo": {"name": "sessions-test", "version": "0"}
    }})
}

/// Initializes a 2025-11-25 session on `url` and returns its id.
async fn open_session(url: &str) -> String {
    let reply = send(post(url, &[], &initialize_request())).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.answer(1)["result"]["protocolVersion"], LEGACY);
    let session = reply.session_id();
    let initialized = json!({"jsonrpc": "2.0", "method": "notifications/initialized"});
    let reply = send(post(
        url,
        &[
            ("mcp-session-id", &session),
            ("mcp-protocol-version", LEGACY),
        ],
        &initialized,
    ))
    .await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.body);
    session
}

fn call_preferences(id: i64) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "method": "tools/call",
        "params": {"name": "get_user_preferences", "arguments": {}}})
}

async fn in_session(url: &str, session: &str, body: &Value) -> Reply {
    send(post(
        url,
        &[
            ("mcp-session-id", session),
            ("mcp-protocol-version", LEGACY),
        ],
        body,
    ))
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_session_begun_on_one_instance_continues_on_another() {
    let redis = RedisServer::start();
    let a = Instance::start(Some(redis.url()), |_| {}).await;
    let b = Instance::start(Some(redis.url()), |_| {}).await;

    let session = open_session(&a.url).await;

    let reply = in_session(&b.url, &session, &call_preferences(2)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let answer = reply.answer(2);
    assert_eq!(answer["result"]["isError"], json!(false), "{answer}");

    let list = json!({"jsonrpc": "2.0", "id": 3, "method": "tools/list"});
    let reply = in_session(&b.url, &session, &list).await;
    let tools = reply.answer(3)["result"]["tools"].as_array().unwrap().len();
    assert!(tools > 5, "tools/list on B listed {tools} tools");

    // Only sessions in the store are restored: a made-up id is still unknown.
    let reply = in_session(&b.url, "not-a-session", &call_preferences(4)).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);

    // DELETE ends the session everywhere: B forgets it and so does the store.
    let reply = send(
        client()
            .delete(&b.url)
            .header("mcp-session-id", &session)
            .header("mcp-protocol-version", LEGACY),
    )
    .await;
    assert_eq!(reply.status, StatusCode::ACCEPTED, "{}", reply.body);
    let c = Instance::start(Some(redis.url()), |_| {}).await;
    let reply = in_session(&c.url, &session, &call_preferences(5)).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND, "{}", reply.body);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_sse_stream_resumes_on_another_instance_after_the_first_stops() {
    let redis = RedisServer::start();
    let a = Instance::start(Some(redis.url()), |_| {}).await;
    let b = Instance::start(Some(redis.url()), |_| {}).await;
    let session = open_session(&a.url).await;

    // The stream opens with a priming event (an id, no data) and then carries the answer; a client
    // whose connection dropped after the priming event resumes from its id.
    let reply = in_session(&a.url, &session, &call_preferences(7)).await;
    let events = reply.events();
    let priming = events
        .iter()
        .find(|event| event.data.is_none())
        .and_then(|event| event.id.clone())
        .expect("priming event with an id");
    let original = reply.answer(7);
    let a_url = a.url.clone();
    a.stop().await;
    assert!(
        post(&a_url, &[], &initialize_request())
            .send()
            .await
            .is_err(),
        "A still answers"
    );

    let resumed = send(
        client()
            .get(&b.url)
            .header("accept", "text/event-stream")
            .header("mcp-session-id", &session)
            .header("mcp-protocol-version", LEGACY)
            .header("last-event-id", &priming),
    )
    .await;
    assert_eq!(resumed.status, StatusCode::OK, "{}", resumed.body);
    let replayed: Vec<_> = resumed
        .events()
        .into_iter()
        .filter(|event| event.data.is_some())
        .collect();
    assert_eq!(replayed.len(), 1, "{:?}", resumed.body);
    assert_eq!(replayed[0].data.as_ref(), Some(&original));
    let answer_id = events
        .iter()
        .find(|event| event.data.is_some())
        .and_then(|event| event.id.clone());
    assert_eq!(replayed[0].id, answer_id, "replayed with its original id");

    // An id this server never issued replays nothing (rmcp answers with an empty stream).
    let foreign = send(
        client()
            .get(&b.url)
            .header("accept", "text/event-stream")
            .header("mcp-session-id", &session)
            .header("mcp-protocol-version", LEGACY)
            .header("last-event-id", "0/3"),
    )
    .await;
    assert_eq!(foreign.status, StatusCode::OK);
    assert!(foreign.events().iter().all(|event| event.data.is_none()));
}

/// `_meta` every 2026-07-28 request carries in place of a session.
fn stateless_meta() -> Value {
    json!({
        "io.modelcontextprotocol/protocolVersion": STATELESS,
        "io.modelcontextprotocol/clientCapabilities": {},
        "io.modelcontextprotocol/clientInfo": {"name": "sessions-test", "version": "0"}
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn the_stateless_era_works_on_any_instance_and_checks_its_headers() {
    let redis = RedisServer::start();
    let a = Instance::start(Some(redis.url()), |_| {}).await;
    let b = Instance::start(Some(redis.url()), |_| {}).await;

    let discover = json!({"jsonrpc": "2.0", "id": 1, "method": "server/discover",
        "params": {"_meta": stateless_meta()}});
    let reply = send(post(
        &a.url,
        &[
            ("mcp-protocol-version", STATELESS),
            ("mcp-method", "server/discover"),
        ],
        &discover,
    ))
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(reply.headers.get("mcp-session-id").is_none());
    let versions = reply.answer(1)["result"]["supportedVersions"].clone();
    for version in [LEGACY, STATELESS] {
        assert!(
            versions.as_array().unwrap().contains(&json!(version)),
            "{version} not in {versions}"
        );
    }

    let mut call = call_preferences(2);
    call["params"]["_meta"] = stateless_meta();
    let headers = [
        ("mcp-protocol-version", STATELESS),
        ("mcp-method", "tools/call"),
        ("mcp-name", "get_user_preferences"),
    ];
    let reply = send(post(&b.url, &headers, &call)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.answer(2)["result"]["isError"], json!(false));

    // Middleboxes route on Mcp-Name without reading the body, so a mismatch is refused.
    let lying = [
        ("mcp-protocol-version", STATELESS),
        ("mcp-method", "tools/call"),
        ("mcp-name", "get_history"),
    ];
    let reply = send(post(&b.url, &lying, &call)).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
    let missing = [
        ("mcp-protocol-version", STATELESS),
        ("mcp-name", "get_user_preferences"),
    ];
    let reply = send(post(&b.url, &missing, &call)).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
}

#[tokio::test(flavor = "multi_thread")]
async fn rmcp_clients_of_both_eras_call_tools_over_http() {
    use rmcp::model::CallToolRequestParams;
    use rmcp::service::{ClientLifecycleMode, ClientServiceExt};
    use rmcp::transport::StreamableHttpClientTransport;

    let server = Instance::start(None, |_| {}).await;
    for lifecycle in [
        ClientLifecycleMode::Initialize,
        ClientLifecycleMode::Discover {
            preferred_versions: vec![rmcp::model::ProtocolVersion::V_2026_07_28],
        },
    ] {
        let transport = StreamableHttpClientTransport::from_uri(server.url.clone());
        let client = ().serve_with_lifecycle(transport, lifecycle.clone()).await.unwrap();
        let negotiated = client
            .peer_info()
            .map(|info| info.protocol_version.to_string());
        let expected = match lifecycle {
            ClientLifecycleMode::Initialize => LEGACY,
            _ => STATELESS,
        };
        assert_eq!(negotiated.as_deref(), Some(expected));
        let result = client
            .call_tool(CallToolRequestParams::new("get_user_preferences"))
            .await
            .unwrap();
        assert_eq!(result.is_error, Some(false), "{result:?}");
        client.cancel().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_foreign_host_or_origin_is_refused_and_configured_ones_are_accepted() {
    let server = Instance::start(None, |config| {
        config.allowed_hosts = vec!["mcp.example.com".to_owned()];
        config.allowed_origins = vec!["https://app.example.com".to_owned()];
    })
    .await;
    let initialize = initialize_request();
    let cases = [
        (vec![("host", "evil.example")], StatusCode::FORBIDDEN),
        (vec![("host", "mcp.example.com")], StatusCode::OK),
        (vec![("host", "localhost")], StatusCode::OK),
        (
            vec![
                ("host", "mcp.example.com"),
                ("origin", "https://evil.example"),
            ],
            StatusCode::FORBIDDEN,
        ),
        (
            vec![
                ("host", "mcp.example.com"),
                ("origin", "https://app.example.com"),
            ],
            StatusCode::OK,
        ),
    ];
    for (headers, expected) in cases {
        let reply = send(post(&server.url, &headers, &initialize)).await;
        assert_eq!(reply.status, expected, "{headers:?}: {}", reply.body);
    }
}
