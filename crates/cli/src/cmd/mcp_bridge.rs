//! `handoff mcp` while a running `handoff serve` holds the embedded store: stdio bridged to that
//! server's `/mcp` (streamable HTTP), so an AI client configured with `handoff mcp` works whether
//! or not the server runs.
//!
//! Each JSON-RPC message read from stdin (one per line) is POSTed to `/mcp` with the local admin
//! token, which the server takes as the local user (the user `handoff mcp` serves over stdio).
//! Answers come back as JSON or as an SSE stream (progress notifications, then the response);
//! every message in them is written to stdout, one per line. The session id and protocol version
//! the server answers `initialize` with go on every later request, and the session is ended with
//! `DELETE` when stdin closes. Messages after `initialize` are sent concurrently, so a
//! cancellation is not stuck behind the long call it cancels.

use std::sync::{Arc, Mutex};

use reqwest::{Method, header};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;
use tokio::task::JoinSet;

use super::CliError;
use super::running::RunningServer;

const SESSION_ID: &str = "mcp-session-id";
const PROTOCOL_VERSION: &str = "mcp-protocol-version";
/// The 2026-07-28 era's routing headers (SEP-2243), derived from the body as its clients do.
const MCP_METHOD: &str = "mcp-method";
const MCP_NAME: &str = "mcp-name";
/// Where a 2026-07-28 request names its protocol version, in `params._meta`.
const META_PROTOCOL_VERSION: &str = "io.modelcontextprotocol/protocolVersion";
/// JSON-RPC codes of the errors the bridge answers itself.
const PARSE_ERROR: i64 = -32700;
const INTERNAL_ERROR: i64 = -32603;

/// What the server told the bridge in its answer to `initialize`.
#[derive(Default)]
struct SessionState {
    session_id: Option<String>,
    protocol_version: Option<String>,
}

struct Bridge {
    server: RunningServer,
    state: Mutex<SessionState>,
    /// Lines for stdout, written by one task so messages never interleave.
    out: mpsc::UnboundedSender<String>,
}

pub async fn run(server: RunningServer) -> Result<(), CliError> {
    let (out, mut lines_out) = mpsc::unbounded_channel::<String>();
    let writer = tokio::spawn(async move {
        let mut stdout = tokio::io::stdout();
        while let Some(line) = lines_out.recv().await {
            let written = async {
                stdout.write_all(line.as_bytes()).await?;
                stdout.write_all(b"\n").await?;
                stdout.flush().await
            };
            if written.await.is_err() {
                // The client went away; nothing more can be delivered.
                break;
            }
        }
    });
    let bridge = Arc::new(Bridge {
        server,
        state: Mutex::new(SessionState::default()),
        out,
    });
    let mut in_flight = JoinSet::new();
    let mut initialized = false;
    let mut stdin = BufReader::new(tokio::io::stdin()).lines();
    loop {
        let line = match stdin.next_line().await {
            Ok(Some(line)) => line,
            Ok(None) => break,
            Err(err) => {
                tracing::warn!(error = %err, "cannot read stdin; ending the session");
                break;
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        let message: Value = match serde_json::from_str(&line) {
            Ok(message) => message,
            Err(err) => {
                bridge.answer_error(&Value::Null, PARSE_ERROR, &format!("not JSON: {err}"));
                continue;
            }
        };
        if initialized {
            let bridge = bridge.clone();
            in_flight.spawn(async move { bridge.forward(message).await });
        } else {
            // Until `initialize` is answered there is no session id to send along.
            let is_initialize = message["method"] == "initialize";
            initialized = bridge.forward(message).await && is_initialize;
        }
        // Collect finished calls as we go, so a long session does not accumulate them.
        while in_flight.try_join_next().is_some() {}
    }
    while in_flight.join_next().await.is_some() {}
    bridge.end_session().await;
    drop(bridge);
    let _ = writer.await;
    Ok(())
}

impl Bridge {
    /// Sends one message and relays what comes back; true when the server answered it.
    async fn forward(&self, message: Value) -> bool {
        let id = message.get("id").cloned();
        let is_request = id.is_some() && message.get("method").is_some();
        let mut request = self
            .server
            .request(Method::POST, "/mcp")
            .header(header::ACCEPT, "application/json, text/event-stream")
            .json(&message);
        let (with_headers, names_version) = with_routing_headers(request, &message);
        request = self.with_session(with_headers, !names_version);
        let response = match request.send().await {
            Ok(response) => response,
            Err(err) => {
                if is_request {
                    self.answer_error(
                        &id.unwrap_or(Value::Null),
                        INTERNAL_ERROR,
                        &format!(
                            "cannot reach the running handoff server at {}: {err}",
                            self.server.info.url
                        ),
                    );
                }
                return false;
            }
        };
        if let Some(session_id) = response
            .headers()
            .get(SESSION_ID)
            .and_then(|value| value.to_str().ok())
            && let Ok(mut state) = self.state.lock()
        {
            state.session_id = Some(session_id.to_owned());
        }
        let status = response.status();
        let is_stream = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.starts_with("text/event-stream"));
        if is_stream {
            return self.relay_stream(response).await;
        }
        let body = response.bytes().await.unwrap_or_default();
        if body.is_empty() && status.is_success() {
            // 202: a notification or a response the server took.
            return true;
        }
        match serde_json::from_slice::<Value>(&body) {
            // The server's JSON-RPC answer, an error (its refusals are JSON-RPC too) or not.
            Ok(answer) if answer.get("jsonrpc").is_some() => {
                self.deliver(&answer);
                status.is_success()
            }
            _ => {
                if is_request {
                    let text = String::from_utf8_lossy(&body);
                    self.answer_error(
                        &id.unwrap_or(Value::Null),
                        INTERNAL_ERROR,
                        &format!("the handoff server answered {status}: {}", text.trim()),
                    );
                }
                false
            }
        }
    }

    /// Adds the session id and, with `version`, the protocol version `initialize` agreed.
    fn with_session(
        &self,
        request: reqwest::RequestBuilder,
        version: bool,
    ) -> reqwest::RequestBuilder {
        let Ok(state) = self.state.lock() else {
            return request;
        };
        let mut request = request;
        if let Some(session_id) = &state.session_id {
            request = request.header(SESSION_ID, session_id);
        }
        if let Some(agreed) = state.protocol_version.as_ref().filter(|_| version) {
            request = request.header(PROTOCOL_VERSION, agreed);
        }
        request
    }

    /// Relays every `data:` event of an SSE answer as it arrives; true when one came.
    async fn relay_stream(&self, mut response: reqwest::Response) -> bool {
        let mut pending = Vec::new();
        let mut delivered = false;
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    pending.extend_from_slice(&chunk);
                    while let Some((event, rest)) = split_event(&pending) {
                        if let Some(message) = event_data(event) {
                            self.deliver(&message);
                            delivered = true;
                        }
                        pending = rest.to_vec();
                    }
                }
                Ok(None) => break,
                Err(err) => {
                    tracing::warn!(error = %err, "the server's event stream broke off");
                    break;
                }
            }
        }
        delivered
    }

    /// Writes one message to stdout, noting the protocol version an `initialize` answer agrees.
    fn deliver(&self, message: &Value) {
        if let Some(version) = message["result"]["protocolVersion"].as_str()
            && let Ok(mut state) = self.state.lock()
        {
            state.protocol_version = Some(version.to_owned());
        }
        // Re-encoded compactly: one message per line, whatever the server's formatting.
        let _ = self.out.send(message.to_string());
    }

    fn answer_error(&self, id: &Value, code: i64, message: &str) {
        self.deliver(&json!({
            "jsonrpc": "2.0",
            "id": id,
            "error": { "code": code, "message": message },
        }));
    }

    /// Ends the server-side session, if one was opened; a failure only leaves it to expire.
    async fn end_session(&self) {
        let has_session = self
            .state
            .lock()
            .map(|state| state.session_id.is_some())
            .unwrap_or(false);
        if has_session {
            let request = self.with_session(self.server.request(Method::DELETE, "/mcp"), true);
            if let Err(err) = request.send().await {
                tracing::debug!(error = %err, "could not end the MCP session");
            }
        }
    }
}

/// What an HTTP client of the 2026-07-28 era sends beside the body: `MCP-Protocol-Version` from
/// the request's `_meta` (it has no session to remember it), `Mcp-Method`, and `Mcp-Name` (the
/// tool, prompt or resource). Older servers and eras ignore them; values that are not plain
/// header text are left out rather than mangled. Also says whether the version header was set.
fn with_routing_headers(
    mut request: reqwest::RequestBuilder,
    message: &Value,
) -> (reqwest::RequestBuilder, bool) {
    let Some(method) = message.get("method").and_then(Value::as_str) else {
        return (request, false);
    };
    let params = message.get("params");
    let name = match method {
        "tools/call" | "prompts/get" => params.and_then(|p| p.get("name")),
        "resources/read" | "resources/subscribe" | "resources/unsubscribe" => {
            params.and_then(|p| p.get("uri"))
        }
        _ => None,
    }
    .and_then(Value::as_str);
    let version = params
        .and_then(|p| p.get("_meta"))
        .and_then(|meta| meta.get(META_PROTOCOL_VERSION))
        .and_then(Value::as_str);
    let plain = |text: &str| !text.is_empty() && text.bytes().all(|b| b.is_ascii_graphic());
    let version = version.filter(|version| plain(version));
    for (header, value) in [
        (PROTOCOL_VERSION, version),
        (MCP_METHOD, Some(method)),
        (MCP_NAME, name),
    ] {
        if let Some(value) = value.filter(|value| plain(value)) {
            request = request.header(header, value);
        }
    }
    (request, version.is_some())
}

/// The first complete SSE event in `buffer` (up to a blank line) and what follows it.
fn split_event(buffer: &[u8]) -> Option<(&[u8], &[u8])> {
    let mut at = 0;
    while at < buffer.len() {
        for separator in [&b"\r\n\r\n"[..], b"\n\n", b"\r\r"] {
            if buffer[at..].starts_with(separator) {
                return Some((&buffer[..at], &buffer[at + separator.len()..]));
            }
        }
        at += 1;
    }
    None
}

/// The JSON message in an SSE event's `data:` lines; `None` for events without data (priming
/// events, comments) or whose data is not JSON.
fn event_data(event: &[u8]) -> Option<Value> {
    let text = String::from_utf8_lossy(event);
    let data = text
        .lines()
        .filter_map(|line| line.strip_prefix("data:"))
        .map(|value| value.strip_prefix(' ').unwrap_or(value))
        .collect::<Vec<_>>()
        .join("\n");
    if data.trim().is_empty() {
        return None;
    }
    serde_json::from_str(&data).ok()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn events_split_on_blank_lines_of_either_ending() {
        let stream = b"id: 1\ndata: {\"a\":1}\n\nid: 2\r\ndata: {\"b\":\r\ndata: 2}\r\n\r\npartial";
        let (first, rest) = split_event(stream).unwrap();
        assert_eq!(event_data(first).unwrap(), json!({"a": 1}));
        let (second, rest) = split_event(rest).unwrap();
        assert_eq!(event_data(second).unwrap(), json!({"b": 2}));
        assert_eq!(rest, b"partial");
        assert!(split_event(rest).is_none());
    }

    #[test]
    fn events_without_data_carry_no_message() {
        assert!(event_data(b"id: 0\nretry: 3000").is_none());
        assert!(event_data(b": keep-alive").is_none());
    }
}
