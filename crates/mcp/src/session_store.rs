//! MCP sessions (protocol eras before 2026-07-28) and their resumable SSE events in the shared
//! store, so a session begun on one instance continues on any other behind a load balancer.
//!
//! * [`SharedSessions`] is rmcp's `SessionStore`: the client's `initialize` parameters, kept after
//!   the handshake. An instance that receives a request for a session it does not hold loads them
//!   and replays the handshake before serving the request.
//! * [`SharedEvents`] is rmcp's `EventStore`: every SSE event of a session stream is written before
//!   it is sent, so `GET` with `Last-Event-ID` replays what the client missed on any instance.
//! * [`SessionManager`] is rmcp's in-memory manager with those events, minus stateless replay (see
//!   its docs).
//!
//! Both use the store's MCP session records (one opaque value per id, with a TTL); the two kinds
//! live under distinct prefixes so a client-chosen session id can never name an event.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use futures::Stream;
use handoff_store::Store;
use rmcp::model::{ClientJsonRpcMessage, ServerJsonRpcMessage};
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::session::{
    EventId, EventStore, EventStoreError, EventStream, ServerSseMessage, SessionState,
    SessionStore, SessionStoreError,
};
use rmcp::transport::streamable_http_server::{RestoreOutcome, SessionId};
use serde::{Deserialize, Serialize};

const SESSION_PREFIX: &str = "session/";
const EVENT_PREFIX: &str = "event/";

/// How long an SSE event stays replayable. Clients reconnect within seconds (the `retry` hint is
/// 3 s); the margin covers a slow failover.
pub const EVENT_TTL: Duration = Duration::from_secs(15 * 60);

/// Most events one `Last-Event-ID` replay returns; the client resumes again from the last one.
const MAX_REPLAY: u64 = 1_000;

/// rmcp `SessionStore` over the shared store.
#[derive(Clone)]
pub struct SharedSessions {
    store: Store,
    ttl: Duration,
}

impl SharedSessions {
    /// `ttl`: how long an idle session stays restorable; each restore extends it.
    pub fn new(store: Store, ttl: Duration) -> Self {
        Self { store, ttl }
    }
}

#[async_trait::async_trait]
impl SessionStore for SharedSessions {
    async fn load(&self, session_id: &str) -> Result<Option<SessionState>, SessionStoreError> {
        let key = format!("{SESSION_PREFIX}{session_id}");
        let Some(bytes) = self.store.load_mcp_session(&key, self.ttl).await? else {
            return Ok(None);
        };
        Ok(Some(serde_json::from_slice(&bytes)?))
    }

    async fn store(&self, session_id: &str, state: &SessionState) -> Result<(), SessionStoreError> {
        let key = format!("{SESSION_PREFIX}{session_id}");
        let bytes = serde_json::to_vec(state)?;
        Ok(self.store.put_mcp_session(&key, &bytes, self.ttl).await?)
    }

    async fn delete(&self, session_id: &str) -> Result<(), SessionStoreError> {
        let key = format!("{SESSION_PREFIX}{session_id}");
        self.store.delete_mcp_session(&key).await?;
        Ok(())
    }
}

/// One SSE event as stored: what rmcp needs to send it again.
#[derive(Serialize, Deserialize)]
struct StoredEvent {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    retry_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    message: Option<ServerJsonRpcMessage>,
}

/// Where the next event of one rmcp stream goes.
struct Cursor {
    /// Random, minted by this process the first time it sees the stream: rmcp's stream ids repeat
    /// across instances (`<session>:common`), the key does not.
    key: String,
    next: u64,
    last_used: Instant,
}

/// Event ids of the streams this process writes.
#[derive(Default)]
struct Cursors(Mutex<HashMap<String, Cursor>>);

impl Cursors {
    /// Allocates the id of the next event on `stream_id`: its stream key and sequence number.
    fn next(&self, stream_id: &str) -> (String, u64) {
        let mut cursors = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        if !cursors.contains_key(stream_id) {
            // A stream idle this long has nothing replayable left: forget it.
            cursors.retain(|_, cursor| now.duration_since(cursor.last_used) < EVENT_TTL);
        }
        let cursor = cursors
            .entry(stream_id.to_owned())
            .or_insert_with(|| Cursor {
                key: uuid::Uuid::new_v4().simple().to_string(),
                next: 0,
                last_used: now,
            });
        let sequence = cursor.next;
        cursor.next += 1;
        cursor.last_used = now;
        (cursor.key.clone(), sequence)
    }
}

/// rmcp `EventStore` over the shared store. An event id is `<stream key>.<sequence>`; events of one
/// stream are written by the one instance serving it, in order, so replay reads sequence numbers
/// upward until the first gap. The replay is finite: a client that resumes while the server is
/// still producing gets what is stored so far and resumes again after the `retry` hint.
pub struct SharedEvents {
    store: Store,
    cursors: Cursors,
}

impl SharedEvents {
    pub fn new(store: Store) -> Self {
        Self {
            store,
            cursors: Cursors::default(),
        }
    }
}

fn event_record_id(stream_key: &str, sequence: u64) -> String {
    format!("{EVENT_PREFIX}{stream_key}/{sequence}")
}

/// Splits a client-supplied `Last-Event-ID` into stream key and sequence.
fn parse_event_id(event_id: &str) -> Result<(&str, u64), EventStoreError> {
    let invalid = || EventStoreError::from(format!("not a handoff SSE event id: {event_id:?}"));
    let (key, sequence) = event_id.rsplit_once('.').ok_or_else(invalid)?;
    let is_key = key.len() == 32 && key.bytes().all(|byte| byte.is_ascii_hexdigit());
    if !is_key {
        return Err(invalid());
    }
    Ok((key, sequence.parse().map_err(|_| invalid())?))
}

#[async_trait::async_trait]
impl EventStore for SharedEvents {
    async fn store_event(
        &self,
        stream_id: &str,
        event: &ServerSseMessage,
    ) -> Result<EventId, EventStoreError> {
        let (key, sequence) = self.cursors.next(stream_id);
        let stored = StoredEvent {
            retry_ms: event
                .retry
                .map(|retry| u64::try_from(retry.as_millis()).unwrap_or(u64::MAX)),
            message: event.message.as_deref().cloned(),
        };
        let bytes = serde_json::to_vec(&stored)?;
        self.store
            .put_mcp_session(&event_record_id(&key, sequence), &bytes, EVENT_TTL)
            .await?;
        Ok(format!("{key}.{sequence}"))
    }

    async fn replay_events_after(
        &self,
        last_event_id: &str,
    ) -> Result<EventStream, EventStoreError> {
        let (key, last) = parse_event_id(last_event_id)?;
        let mut events = Vec::new();
        for sequence in (last + 1..).take(MAX_REPLAY as usize) {
            let record = event_record_id(key, sequence);
            let Some(bytes) = self.store.load_mcp_session(&record, EVENT_TTL).await? else {
                break;
            };
            let stored: StoredEvent = serde_json::from_slice(&bytes)?;
            let event_id = format!("{key}.{sequence}");
            let event = match (stored.message, stored.retry_ms) {
                (Some(message), _) => ServerSseMessage::new(event_id, message),
                (None, retry) => {
                    ServerSseMessage::priming(event_id, Duration::from_millis(retry.unwrap_or(0)))
                }
            };
            events.push(event);
        }
        Ok(Box::pin(futures::stream::iter(events)))
    }
}

/// rmcp's in-memory session manager writing session streams to [`SharedEvents`].
///
/// It reports no event store to the HTTP service on purpose: rmcp would then also persist
/// stateless (2026-07-28) responses and keep their handlers running after the client closes the
/// stream, but in that era closing the stream is how a client cancels.
pub struct SessionManager {
    inner: LocalSessionManager,
}

impl SessionManager {
    pub fn new(events: Arc<SharedEvents>) -> Self {
        Self {
            inner: LocalSessionManager::default().with_event_store(events),
        }
    }
}

type Local = LocalSessionManager;
type LocalError = <Local as rmcp::transport::streamable_http_server::SessionManager>::Error;
type LocalTransport = <Local as rmcp::transport::streamable_http_server::SessionManager>::Transport;

impl rmcp::transport::streamable_http_server::SessionManager for SessionManager {
    type Error = LocalError;
    type Transport = LocalTransport;

    async fn create_session(&self) -> Result<(SessionId, Self::Transport), Self::Error> {
        self.inner.create_session().await
    }

    async fn initialize_session(
        &self,
        id: &SessionId,
        message: ClientJsonRpcMessage,
    ) -> Result<ServerJsonRpcMessage, Self::Error> {
        self.inner.initialize_session(id, message).await
    }

    async fn has_session(&self, id: &SessionId) -> Result<bool, Self::Error> {
        self.inner.has_session(id).await
    }

    async fn close_session(&self, id: &SessionId) -> Result<(), Self::Error> {
        self.inner.close_session(id).await
    }

    async fn create_stream(
        &self,
        id: &SessionId,
        message: ClientJsonRpcMessage,
    ) -> Result<impl Stream<Item = ServerSseMessage> + Send + Sync + 'static, Self::Error> {
        self.inner.create_stream(id, message).await
    }

    async fn accept_message(
        &self,
        id: &SessionId,
        message: ClientJsonRpcMessage,
    ) -> Result<(), Self::Error> {
        self.inner.accept_message(id, message).await
    }

    async fn create_standalone_stream(
        &self,
        id: &SessionId,
    ) -> Result<impl Stream<Item = ServerSseMessage> + Send + Sync + 'static, Self::Error> {
        self.inner.create_standalone_stream(id).await
    }

    async fn resume(
        &self,
        id: &SessionId,
        last_event_id: String,
    ) -> Result<impl Stream<Item = ServerSseMessage> + Send + Sync + 'static, Self::Error> {
        self.inner.resume(id, last_event_id).await
    }

    async fn restore_session(
        &self,
        id: SessionId,
    ) -> Result<RestoreOutcome<Self::Transport>, Self::Error> {
        self.inner.restore_session(id).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_ids_round_trip_and_foreign_ids_are_refused() {
        let key = "0123456789abcdef0123456789abcdef";
        assert_eq!(parse_event_id(&format!("{key}.7")).ok(), Some((key, 7)));
        for foreign in ["0", "3/1", "", "abc.1", &format!("{key}.x"), key] {
            assert!(parse_event_id(foreign).is_err(), "{foreign:?} accepted");
        }
    }

    #[test]
    fn one_stream_counts_up_and_streams_do_not_share_keys() {
        let cursors = Cursors::default();
        let (first_key, first) = cursors.next("s:common");
        let (again_key, second) = cursors.next("s:common");
        let (other_key, other) = cursors.next("s:request");
        assert_eq!((first, second, other), (0, 1, 0));
        assert_eq!(first_key, again_key);
        assert_ne!(first_key, other_key);
        assert!(parse_event_id(&format!("{first_key}.{second}")).is_ok());
    }
}
