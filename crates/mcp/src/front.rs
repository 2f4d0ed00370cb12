//! The front of `/mcp`, in front of rmcp's `StreamableHttpService`: it refuses what the transport
//! must refuse before rmcp sees it, and binds sessions to their callers.
//!
//! * `Origin`: a present Origin that is neither this server's own origin nor listed in
//!   `allowed_origins` is 403 (the MCP transport's MUST; DNS-rebinding protection). `null` (sandboxed
//!   and `file://` pages, which any site can produce) only when `allowed_origins` lists `"null"`.
//! * `Accept` 406, `Content-Type` 415, body 413 / 400 with JSON-RPC -32700 (not JSON), -32600 (a
//!   batch, `jsonrpc` other than "2.0", no method) and -32602 (`params` or tool `arguments` that are
//!   not objects), each naming what to send instead.
//! * Sessions: every request naming a `Mcp-Session-Id` must come from the caller who opened it,
//!   and a `Last-Event-ID` must name a stream of that session; anything else is 404 -32001, the
//!   same answer as for a session that never existed. The owner lives in the shared store
//!   ([`Owners`]), so this holds on every instance, and `DELETE` removes it store-wide first.
//! * rmcp's remaining refusals are bare text; they are rewritten into JSON-RPC errors that say
//!   what was wrong and what to send (the server's JSON error layer would otherwise reduce them to
//!   "the request was rejected").
//!
//! Every refusal is `{"jsonrpc":"2.0","id":…,"error":{"code","message","data"?}}` with
//! `Content-Type: application/json`.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use handoff_app::auth::Caller;
use handoff_store::{Identity, StoreError};
use rmcp::model::ProtocolVersion;
use rmcp::transport::streamable_http_server::{SessionManager as _, StreamableHttpService};
use serde_json::{Value, json};

use crate::session_store::{Lookup, Owners, SessionManager};

const SESSION_ID: &str = "mcp-session-id";
const LAST_EVENT_ID: &str = "last-event-id";
const JSON: &str = "application/json";
const EVENT_STREAM: &str = "text/event-stream";

/// JSON-RPC error codes the front answers with.
pub mod code {
    pub const PARSE_ERROR: i64 = -32700;
    pub const INVALID_REQUEST: i64 = -32600;
    pub const INVALID_PARAMS: i64 = -32602;
    pub const INTERNAL_ERROR: i64 = -32603;
    /// Transport-level refusals: a foreign Origin or Host, a method /mcp does not serve.
    pub const SERVER_ERROR: i64 = -32000;
    /// The session named by `Mcp-Session-Id` (or the stream named by `Last-Event-ID`) is not
    /// the caller's: unknown, ended, expired or someone else's.
    pub const SESSION_NOT_FOUND: i64 = -32001;
    /// rmcp's code for an `MCP-Protocol-Version` it does not speak.
    pub const UNSUPPORTED_PROTOCOL_VERSION: i64 = -32022;
}

/// One refusal, ready to send.
struct Refusal {
    status: StatusCode,
    code: i64,
    id: Value,
    message: String,
    data: Option<Value>,
}

impl Refusal {
    fn new(status: StatusCode, code: i64, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            id: Value::Null,
            message: message.into(),
            data: None,
        }
    }

    fn id(mut self, id: Option<&Value>) -> Self {
        self.id = id.cloned().unwrap_or(Value::Null);
        self
    }

    fn data(mut self, data: Value) -> Self {
        self.data = Some(data);
        self
    }

    /// Keeps rmcp's own words in `error.data.detail` (the message is ours).
    fn detail(mut self, detail: &str) -> Self {
        if detail.is_empty() {
            return self;
        }
        let data = self.data.get_or_insert_with(|| json!({}));
        if let Value::Object(object) = data {
            object.insert("detail".to_owned(), Value::String(detail.to_owned()));
        }
        self
    }

    fn into_response(self) -> Response {
        let mut error = json!({ "code": self.code, "message": self.message });
        if let Some(data) = self.data {
            error["data"] = data;
        }
        let body = json!({ "jsonrpc": "2.0", "id": self.id, "error": error });
        let mut response = Response::new(Body::from(body.to_string()));
        *response.status_mut() = self.status;
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(JSON));
        response
    }
}

fn session_not_found(id: Option<&Value>) -> Refusal {
    Refusal::new(
        StatusCode::NOT_FOUND,
        code::SESSION_NOT_FOUND,
        "session not found: the Mcp-Session-Id names no session of yours (never issued to you, \
         ended by DELETE, or expired). Start a new one: POST `initialize` without Mcp-Session-Id \
         and send the Mcp-Session-Id of its response with every later request",
    )
    .id(id)
}

fn store_unavailable(id: Option<&Value>, error: &StoreError) -> Refusal {
    tracing::warn!(%error, "MCP session store unavailable");
    Refusal::new(
        StatusCode::SERVICE_UNAVAILABLE,
        code::INTERNAL_ERROR,
        format!("the session store is unavailable ({error}); retry shortly"),
    )
    .id(id)
}

/// An `allowed_origins` entry.
#[derive(Debug, PartialEq, Eq)]
enum AllowedOrigin {
    Null,
    /// `port: None` matches any port (`:*`, or an entry without a port, as rmcp matched them).
    Site {
        scheme: String,
        host: String,
        port: Option<u16>,
    },
}

/// `(scheme, host, port)` of an origin serialization; `None` when it is not one.
fn parse_origin(value: &str) -> Option<(String, String, Option<u16>)> {
    let uri = value.trim().parse::<axum::http::Uri>().ok()?;
    let scheme = uri.scheme_str()?.to_ascii_lowercase();
    let authority = uri.authority()?;
    Some((
        scheme,
        normalize_host(authority.host()),
        authority.port_u16(),
    ))
}

fn normalize_host(host: &str) -> String {
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase()
}

fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" => Some(80),
        "https" => Some(443),
        _ => None,
    }
}

fn parse_allowed_origin(entry: &str) -> Option<AllowedOrigin> {
    let entry = entry.trim();
    if entry.eq_ignore_ascii_case("null") {
        return Some(AllowedOrigin::Null);
    }
    let (base, any_port) = match entry.strip_suffix(":*") {
        Some(base) => (base, true),
        None => (entry, false),
    };
    let (scheme, host, port) = parse_origin(base)?;
    if any_port && port.is_some() {
        return None;
    }
    Some(AllowedOrigin::Site { scheme, host, port })
}

/// The `/mcp` front: checks, then rmcp.
pub(crate) struct Front<S> {
    service: StreamableHttpService<S, SessionManager>,
    sessions: std::sync::Arc<SessionManager>,
    owners: Owners,
    /// `(host, port)`; no port: any.
    allowed_hosts: Vec<(String, Option<u16>)>,
    allowed_origins: Vec<AllowedOrigin>,
    max_body: usize,
}

/// What the front learnt about a request, for rewriting rmcp's answer.
#[derive(Default)]
struct Seen {
    /// The JSON-RPC method of a POSTed message.
    method: Option<String>,
    id: Option<Value>,
}

impl<S> Front<S>
where
    S: rmcp::ServerHandler + Send + 'static,
{
    pub(crate) fn new(
        service: StreamableHttpService<S, SessionManager>,
        sessions: std::sync::Arc<SessionManager>,
        owners: Owners,
        allowed_hosts: &[String],
        allowed_origins: &[String],
        max_body: usize,
    ) -> Self {
        // As rmcp parses them: `host` or `host:port`.
        let allowed_hosts = allowed_hosts
            .iter()
            .map(
                |entry| match entry.trim().parse::<axum::http::uri::Authority>() {
                    Ok(authority) => (normalize_host(authority.host()), authority.port_u16()),
                    Err(_) => (normalize_host(entry.trim()), None),
                },
            )
            .collect();
        let allowed_origins = allowed_origins
            .iter()
            .filter_map(|entry| {
                let parsed = parse_allowed_origin(entry);
                if parsed.is_none() {
                    tracing::warn!(
                        entry = entry.as_str(),
                        "allowed_origins entry is not an origin (scheme://host[:port|:*] or null); ignored"
                    );
                }
                parsed
            })
            .collect();
        Self {
            service,
            sessions,
            owners,
            allowed_hosts,
            allowed_origins,
            max_body,
        }
    }

    pub(crate) async fn handle(&self, request: Request) -> Response {
        let checked = self
            .check_host(request.headers(), request.uri())
            .and_then(|()| self.check_origin(request.headers(), request.uri()));
        if let Err(refusal) = checked {
            return refusal.into_response();
        }
        let caller = request
            .extensions()
            .get::<Caller>()
            .map(|caller| caller.identity.clone());
        let result = match *request.method() {
            Method::POST => self.post(request, caller).await,
            Method::GET => self.get(request, caller).await,
            Method::DELETE => self.delete(request, caller).await,
            _ => Ok(self.forward(request, &Seen::default()).await),
        };
        result.unwrap_or_else(Refusal::into_response)
    }

    /// `Host` must be loopback or listed in `allowed_hosts` (rmcp checks it again; checked here
    /// first so nothing, such as a DELETE's store write, happens for a rebinding request).
    fn check_host(&self, headers: &HeaderMap, uri: &axum::http::Uri) -> Result<(), Refusal> {
        let authority = match headers.get(header::HOST) {
            Some(host) => host
                .to_str()
                .ok()
                .and_then(|host| host.parse::<axum::http::uri::Authority>().ok()),
            None => uri.authority().cloned(),
        };
        let allowed = authority.as_ref().is_some_and(|authority| {
            let host = normalize_host(authority.host());
            self.allowed_hosts.iter().any(|(allowed, port)| {
                *allowed == host && port.is_none_or(|port| authority.port_u16() == Some(port))
            })
        });
        if allowed {
            return Ok(());
        }
        let got = authority.map_or_else(
            || "a missing or malformed Host".to_owned(),
            |a| format!("Host {:?}", a.as_str()),
        );
        Err(Refusal::new(
            StatusCode::FORBIDDEN,
            code::SERVER_ERROR,
            format!(
                "{got} may not use /mcp (DNS-rebinding protection): call it as localhost, \
                 127.0.0.1 or ::1, or add the name clients use to allowed_hosts"
            ),
        ))
    }

    /// A present `Origin` must be this server's own origin (same host and port as `Host`) or be
    /// listed in `allowed_origins`.
    fn check_origin(&self, headers: &HeaderMap, uri: &axum::http::Uri) -> Result<(), Refusal> {
        let Some(origin) = headers.get(header::ORIGIN) else {
            return Ok(());
        };
        let origin = String::from_utf8_lossy(origin.as_bytes()).trim().to_owned();
        let refuse = |why: &str| {
            tracing::warn!(
                origin = origin.as_str(),
                "refused /mcp request from a foreign Origin"
            );
            Err(Refusal::new(
                StatusCode::FORBIDDEN,
                code::SERVER_ERROR,
                format!(
                    "Origin {origin:?} may not use /mcp ({why}; DNS-rebinding protection). \
                     Non-browser MCP clients send no Origin header; a browser app must be served \
                     from this server's own origin or be listed in allowed_origins"
                ),
            ))
        };
        if origin.eq_ignore_ascii_case("null") {
            if self.allowed_origins.contains(&AllowedOrigin::Null) {
                return Ok(());
            }
            return refuse(
                "a sandboxed or file:// page, which any site can produce; list \"null\" in \
                 allowed_origins to accept it",
            );
        }
        let Some((scheme, host, port)) = parse_origin(&origin) else {
            return refuse("not an origin of the form scheme://host[:port]");
        };
        let port = port.or_else(|| default_port(&scheme));
        let listed = self.allowed_origins.iter().any(|allowed| match allowed {
            AllowedOrigin::Null => false,
            AllowedOrigin::Site {
                scheme: a_scheme,
                host: a_host,
                port: a_port,
            } => {
                *a_scheme == scheme
                    && *a_host == host
                    && a_port.is_none_or(|a_port| Some(a_port) == port)
            }
        });
        if listed {
            return Ok(());
        }
        let own = headers
            .get(header::HOST)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.parse::<axum::http::uri::Authority>().ok())
            .or_else(|| uri.authority().cloned())
            .is_some_and(|authority| {
                normalize_host(authority.host()) == host
                    && authority.port_u16().or_else(|| default_port(&scheme)) == port
            });
        if own {
            return Ok(());
        }
        refuse("neither this server's own origin nor listed in allowed_origins")
    }

    async fn post(&self, request: Request, caller: Option<Identity>) -> Result<Response, Refusal> {
        let accepted = accepted_media_types(request.headers());
        let accepts = |essence: &str| accepted.iter().any(|media| media == essence);
        if !accepts(JSON) || !accepts(EVENT_STREAM) {
            return Err(not_acceptable(
                request.headers(),
                "a POST to /mcp is answered with JSON or an SSE stream: send \
                 `Accept: application/json, text/event-stream`",
            ));
        }
        let content_type = request
            .headers()
            .get(header::CONTENT_TYPE)
            .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned());
        let is_json = content_type.as_deref().is_some_and(|value| {
            let essence = value.split(';').next().unwrap_or_default();
            essence.trim().eq_ignore_ascii_case(JSON)
        });
        if !is_json {
            let got = content_type.map_or_else(|| "none".to_owned(), |value| format!("{value:?}"));
            return Err(Refusal::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                code::INVALID_REQUEST,
                format!(
                    "Content-Type must be application/json (got {got}): send one JSON-RPC \
                     message with `Content-Type: application/json`"
                ),
            ));
        }
        let (parts, body) = request.into_parts();
        let bytes = axum::body::to_bytes(body, self.max_body)
            .await
            .map_err(|_| {
                Refusal::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    code::INVALID_REQUEST,
                    format!(
                        "the request body is larger than max_body_bytes ({} bytes): send a \
                         smaller message",
                        self.max_body
                    ),
                )
            })?;
        let message: Value = serde_json::from_slice(&bytes).map_err(|err| {
            Refusal::new(
                StatusCode::BAD_REQUEST,
                code::PARSE_ERROR,
                format!(
                    "parse error: the body is not valid JSON ({err}); send one JSON-RPC 2.0 \
                     message object"
                ),
            )
        })?;
        check_message(&message)?;
        let seen = Seen {
            method: message
                .get("method")
                .and_then(Value::as_str)
                .map(str::to_owned),
            id: message.get("id").cloned(),
        };
        let session = session_header(&parts.headers);
        if let Some(session) = &session {
            self.check_session(session, &caller, seen.id.as_ref())
                .await?;
        }
        let request = Request::from_parts(parts, Body::from(bytes));
        let response = self.forward(request, &seen).await;
        if session.is_none() && seen.method.as_deref() == Some("initialize") {
            return self
                .bind_new_session(response, caller.as_ref(), &seen)
                .await;
        }
        Ok(response)
    }

    /// rmcp just created a session for `initialize`: record its owner before the client can learn
    /// its id. Without an owner the session would be unusable, so a failed write ends it.
    async fn bind_new_session(
        &self,
        response: Response,
        caller: Option<&Identity>,
        seen: &Seen,
    ) -> Result<Response, Refusal> {
        let Some(session) = response
            .headers()
            .get(SESSION_ID)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned)
        else {
            return Ok(response);
        };
        if let Err(error) = self.owners.bind(&session, caller).await {
            let _ = self.sessions.close_session(&session.as_str().into()).await;
            return Err(store_unavailable(seen.id.as_ref(), &error));
        }
        Ok(response)
    }

    async fn get(&self, request: Request, caller: Option<Identity>) -> Result<Response, Refusal> {
        let accepts_stream = accepted_media_types(request.headers())
            .iter()
            .any(|media| media == EVENT_STREAM);
        if !accepts_stream {
            return Err(not_acceptable(
                request.headers(),
                "GET /mcp opens an SSE stream: send `Accept: text/event-stream`",
            ));
        }
        if let Some(session) = session_header(request.headers()) {
            self.check_session(&session, &caller, None).await?;
            if let Some(last_event_id) = request
                .headers()
                .get(LAST_EVENT_ID)
                .and_then(|value| value.to_str().ok())
            {
                match self.owners.session_of_event(last_event_id).await {
                    Ok(None) => {}
                    Ok(Some(Lookup::Found(owner))) if owner == session => {}
                    Ok(Some(_)) => {
                        return Err(Refusal::new(
                            StatusCode::NOT_FOUND,
                            code::SESSION_NOT_FOUND,
                            "session not found: Last-Event-ID names no event stream of this \
                             session (another session's, or expired). Send GET without \
                             Last-Event-ID to open a new stream",
                        ));
                    }
                    Err(error) => return Err(store_unavailable(None, &error)),
                }
            }
        }
        Ok(self.forward(request, &Seen::default()).await)
    }

    async fn delete(
        &self,
        request: Request,
        caller: Option<Identity>,
    ) -> Result<Response, Refusal> {
        if let Some(session) = session_header(request.headers()) {
            self.check_session(&session, &caller, None).await?;
            // Store-wide first: from here every instance answers 404, including those that still
            // hold the session in memory (they drop it on its next request).
            self.owners
                .unbind(&session)
                .await
                .map_err(|error| store_unavailable(None, &error))?;
        }
        Ok(self.forward(request, &Seen::default()).await)
    }

    /// The session must exist store-wide and belong to `caller`; a foreign session gets the same
    /// 404 as an unknown one, so its existence is not revealed either.
    async fn check_session(
        &self,
        session: &str,
        caller: &Option<Identity>,
        id: Option<&Value>,
    ) -> Result<(), Refusal> {
        match self.owners.owner(session).await {
            Ok(Lookup::Found(owner)) if owner == *caller => Ok(()),
            Ok(Lookup::Found(_)) => Err(session_not_found(id)),
            Ok(Lookup::Unknown) => {
                // Ended elsewhere (or expired): forget it here too.
                let session = session.into();
                if self.sessions.has_session(&session).await.unwrap_or(false) {
                    let _ = self.sessions.close_session(&session).await;
                }
                Err(session_not_found(id))
            }
            Err(error) => Err(store_unavailable(id, &error)),
        }
    }

    async fn forward(&self, request: Request, seen: &Seen) -> Response {
        let response = self.service.handle(request).await;
        explain(response.map(Body::new), seen).await
    }
}

fn session_header(headers: &HeaderMap) -> Option<String> {
    headers
        .get(SESSION_ID)
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
}

/// Media types the client accepts (`q=0` excluded), lowercased essences. Like rmcp, wildcards do
/// not count: the transport requires the types by name.
fn accepted_media_types(headers: &HeaderMap) -> Vec<String> {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter_map(|entry| {
            let mut parts = entry.split(';');
            let essence = parts.next()?.trim().to_ascii_lowercase();
            let refused = parts.any(|parameter| {
                parameter.split_once('=').is_some_and(|(name, value)| {
                    name.trim().eq_ignore_ascii_case("q")
                        && value.trim().parse::<f32>().is_ok_and(|q| q == 0.0)
                })
            });
            (!refused && !essence.is_empty()).then_some(essence)
        })
        .collect()
}

fn not_acceptable(headers: &HeaderMap, what_to_send: &str) -> Refusal {
    let got = headers.get(header::ACCEPT).map_or_else(
        || "no Accept header".to_owned(),
        |value| format!("Accept: {:?}", String::from_utf8_lossy(value.as_bytes())),
    );
    Refusal::new(
        StatusCode::NOT_ACCEPTABLE,
        code::INVALID_REQUEST,
        format!("not acceptable (got {got}): {what_to_send}"),
    )
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The JSON-RPC 2.0 envelope rules rmcp would otherwise report as an unsupported media type (or
/// not at all), plus the parameter shapes it silently turns into "method not found".
fn check_message(message: &Value) -> Result<(), Refusal> {
    let invalid = |code, text: String| Refusal::new(StatusCode::BAD_REQUEST, code, text);
    let Value::Object(object) = message else {
        if message.is_array() {
            return Err(invalid(
                code::INVALID_REQUEST,
                "invalid request: JSON-RPC batches (arrays) are not accepted on /mcp (MCP removed \
                 them in 2025-06-18); send each message as its own POST"
                    .to_owned(),
            ));
        }
        return Err(invalid(
            code::INVALID_REQUEST,
            format!(
                "invalid request: the body is {}, not a JSON-RPC message; send one object \
                 {{\"jsonrpc\":\"2.0\",\"id\":…,\"method\":…,\"params\":{{…}}}}",
                kind_of(message)
            ),
        ));
    };
    let id = object.get("id");
    let with_id = |refusal: Refusal| refusal.id(id.filter(|id| id.is_string() || id.is_i64()));
    match object.get("jsonrpc") {
        Some(Value::String(version)) if version == "2.0" => {}
        other => {
            let got = other.map_or_else(|| "nothing".to_owned(), Value::to_string);
            return Err(with_id(invalid(
                code::INVALID_REQUEST,
                format!(
                    "invalid request: `jsonrpc` must be \"2.0\" (got {got}); MCP speaks JSON-RPC \
                     2.0 only"
                ),
            )));
        }
    }
    let method = match object.get("method") {
        Some(Value::String(method)) => Some(method.as_str()),
        Some(other) => {
            return Err(with_id(invalid(
                code::INVALID_REQUEST,
                format!(
                    "invalid request: `method` must be a string (got {})",
                    kind_of(other)
                ),
            )));
        }
        None if object.contains_key("result") || object.contains_key("error") => None,
        None => {
            return Err(with_id(invalid(
                code::INVALID_REQUEST,
                "invalid request: the message has no `method` (a request or notification) and \
                 no `result` or `error` (a response)"
                    .to_owned(),
            )));
        }
    };
    if let Some(id) = id
        && !(id.is_string() || id.is_i64() || id.is_u64())
        && method.is_some()
    {
        return Err(invalid(
            code::INVALID_REQUEST,
            format!(
                "invalid request: `id` must be a string or an integer (got {})",
                kind_of(id)
            ),
        ));
    }
    let Some(method) = method else {
        return Ok(());
    };
    let params = object.get("params");
    if let Some(params) = params
        && !params.is_object()
    {
        return Err(with_id(invalid(
            code::INVALID_PARAMS,
            format!(
                "invalid params: `params` of `{method}` must be an object of named parameters \
                 (got {})",
                kind_of(params)
            ),
        )));
    }
    if method == "tools/call" {
        match params.and_then(|params| params.get("name")) {
            Some(Value::String(_)) => {}
            other => {
                return Err(with_id(invalid(
                    code::INVALID_PARAMS,
                    format!(
                        "invalid params: `params.name` of `tools/call` must be the tool's name, a \
                         string (got {}); see tools/list",
                        other.map_or("nothing", kind_of)
                    ),
                )));
            }
        }
        if let Some(arguments) = params.and_then(|params| params.get("arguments"))
            && !(arguments.is_object() || arguments.is_null())
        {
            return Err(with_id(invalid(
                code::INVALID_PARAMS,
                format!(
                    "invalid params: `params.arguments` of `tools/call` must be an object of \
                     named arguments (got {}), e.g. {{\"arguments\":{{\"url\":\"…\"}}}}; the \
                     tool's inputSchema in tools/list names them",
                    kind_of(arguments)
                ),
            )));
        }
    }
    Ok(())
}

/// Rewrites rmcp's bare-text refusals into JSON-RPC errors that explain them. JSON answers and
/// successes pass unchanged.
async fn explain(response: Response, seen: &Seen) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with(JSON));
    if status.as_u16() < 400 || is_json {
        return response;
    }
    let (parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 64 * 1024)
        .await
        .map(|bytes| String::from_utf8_lossy(&bytes).trim().to_owned())
        .unwrap_or_default();
    let id = seen.id.as_ref();
    let refusal = match status {
        StatusCode::BAD_REQUEST if text.contains("Session ID is required") => {
            let what = seen
                .method
                .as_deref()
                .map_or_else(|| "this request".to_owned(), |method| format!("`{method}`"));
            Refusal::new(
                status,
                code::INVALID_REQUEST,
                format!(
                    "no session: {what} needs the Mcp-Session-Id header. Send `initialize` first \
                     (POST without Mcp-Session-Id), then send the Mcp-Session-Id of its response \
                     with every request; or speak protocol 2026-07-28, which has no sessions \
                     (`server/discover`, then requests whose `_meta` carries \
                     io.modelcontextprotocol/protocolVersion)"
                ),
            )
        }
        StatusCode::BAD_REQUEST if text.contains("MCP-Protocol-Version") => {
            let supported: Vec<&str> = ProtocolVersion::KNOWN_VERSIONS
                .iter()
                .map(ProtocolVersion::as_str)
                .collect();
            Refusal::new(
                status,
                code::UNSUPPORTED_PROTOCOL_VERSION,
                format!(
                    "unsupported MCP-Protocol-Version ({text}): send the version `initialize` \
                     negotiated, one of {}, or no MCP-Protocol-Version header before initialize",
                    supported.join(", ")
                ),
            )
            .data(json!({ "supported": supported }))
        }
        StatusCode::FORBIDDEN => Refusal::new(
            status,
            code::SERVER_ERROR,
            format!(
                "forbidden ({text}; DNS-rebinding protection): call /mcp with a Host of \
                 localhost, 127.0.0.1 or ::1, or add the name clients use to allowed_hosts"
            ),
        ),
        StatusCode::NOT_FOUND => session_not_found(id),
        StatusCode::METHOD_NOT_ALLOWED => Refusal::new(
            status,
            code::SERVER_ERROR,
            "method not allowed here: POST sends a JSON-RPC message; GET (Accept: \
             text/event-stream, with Mcp-Session-Id) opens or resumes a session's stream; DELETE \
             (with Mcp-Session-Id) ends a session. Requests of protocol 2026-07-28 are POSTs only",
        ),
        StatusCode::NOT_ACCEPTABLE => Refusal::new(
            status,
            code::INVALID_REQUEST,
            format!(
                "not acceptable ({text}): send `Accept: application/json, text/event-stream` on \
                 POST and `Accept: text/event-stream` on GET"
            ),
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => Refusal::new(
            status,
            code::INVALID_REQUEST,
            format!("{text}: send one JSON-RPC message with `Content-Type: application/json`"),
        ),
        StatusCode::PAYLOAD_TOO_LARGE => Refusal::new(
            status,
            code::INVALID_REQUEST,
            format!("{text}: send a smaller message (max_body_bytes)"),
        ),
        status if status.is_server_error() => Refusal::new(
            status,
            code::INTERNAL_ERROR,
            format!("the MCP transport failed ({text}); retry, or start a new session"),
        ),
        _ => Refusal::new(
            status,
            code::INVALID_REQUEST,
            format!("the request was refused: {text}"),
        ),
    };
    let mut rewritten = refusal.id(id).detail(&text).into_response();
    for name in [header::ALLOW, header::RETRY_AFTER] {
        if let Some(value) = parts.headers.get(&name) {
            rewritten.headers_mut().insert(name, value.clone());
        }
    }
    rewritten
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowed_origin_entries_parse_like_rmcp_did() {
        assert_eq!(parse_allowed_origin("null"), Some(AllowedOrigin::Null));
        assert_eq!(
            parse_allowed_origin("https://App.example.com:*"),
            Some(AllowedOrigin::Site {
                scheme: "https".into(),
                host: "app.example.com".into(),
                port: None
            })
        );
        assert_eq!(
            parse_allowed_origin("http://localhost:5173"),
            Some(AllowedOrigin::Site {
                scheme: "http".into(),
                host: "localhost".into(),
                port: Some(5173)
            })
        );
        assert_eq!(parse_allowed_origin("https://a.example:443:*"), None);
        assert_eq!(parse_allowed_origin("not an origin"), None);
    }

    #[test]
    fn accept_lists_drop_zero_weights_and_keep_names() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT,
            HeaderValue::from_static("Application/JSON;q=0.5, text/event-stream;q=0, */*"),
        );
        assert_eq!(accepted_media_types(&headers), ["application/json", "*/*"]);
    }

    #[test]
    fn envelope_rules() {
        let code_of = |value: Value| check_message(&value).err().map(|refusal| refusal.code);
        assert_eq!(
            code_of(json!([{"jsonrpc": "2.0"}])),
            Some(code::INVALID_REQUEST)
        );
        assert_eq!(
            code_of(json!({"jsonrpc": "1.0", "id": 1, "method": "ping"})),
            Some(code::INVALID_REQUEST)
        );
        assert_eq!(
            code_of(json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                "params": {"name": "x", "arguments": [1, 2]}})),
            Some(code::INVALID_PARAMS)
        );
        assert_eq!(
            code_of(json!({"jsonrpc": "2.0", "id": 1, "method": "ping", "params": [1]})),
            Some(code::INVALID_PARAMS)
        );
        assert_eq!(
            code_of(json!({"jsonrpc": "2.0", "id": 1, "method": "ping"})),
            None
        );
        assert_eq!(
            code_of(json!({"jsonrpc": "2.0", "id": 1, "result": {}})),
            None
        );
    }
}
