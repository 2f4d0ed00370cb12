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
//! * [`Owners`] binds each session to the caller who opened it, and each SSE stream to its session,
//!   so `front` can answer 404 to anyone else on every instance.
//!
//! All use the store's MCP session records (one opaque value per id, with a TTL); the kinds live
//! under distinct prefixes so a client-chosen session id can never name an event, an owner or a
//! stream.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use futures::Stream;
use handoff_store::{Identity, Store, StoreError};
use rmcp::model::{ClientJsonRpcMessage, ServerJsonRpcMessage};
use rmcp::transport::streamable_http_server::session::local::{
    LocalSessionManager, SessionError as LocalSessionError,
};
use rmcp::transport::streamable_http_server::session::{
    EventId, EventStore, EventStoreError, EventStream, ServerSseMessage, SessionState,
    SessionStore, SessionStoreError,
};
use rmcp::transport::streamable_http_server::{RestoreOutcome, SessionId};
use serde::{Deserialize, Serialize};

const SESSION_PREFIX: &str = "session/";
const EVENT_PREFIX: &str = "event/";
const OWNER_PREFIX: &str = "owner/";
const STREAM_PREFIX: &str = "stream/";

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

/// Who a session belongs to, as stored: the caller the auth layer put into the `initialize`
/// request (`None`: no auth layer ran, as in transport tests; such a session is usable only by
/// requests without a caller, which no tool serves).
#[derive(Serialize, Deserialize)]
struct OwnerRecord {
    owner: Option<Identity>,
}

/// The stream an event id names, as stored: the session whose events it carries.
#[derive(Serialize, Deserialize)]
struct StreamRecord {
    session: String,
}

/// What the store knows about a client-supplied session id or event id.
#[derive(Debug, PartialEq, Eq)]
pub enum Lookup<T> {
    Found(T),
    /// Never issued, ended by `DELETE`, expired, or not even a well-formed id.
    Unknown,
}

/// Session owners and stream ties in the shared store. Every instance reads them on every request
/// that names a session, so a `DELETE` on one instance is a 404 on all of them at once, and a
/// session or an event id handed to another caller opens nothing.
#[derive(Clone)]
pub struct Owners {
    store: Store,
    ttl: Duration,
}

/// A client-supplied id the store refuses as a key (too long, empty) names nothing.
fn unknown_if_invalid<T>(result: Result<Option<T>, StoreError>) -> Result<Lookup<T>, StoreError> {
    match result {
        Ok(Some(value)) => Ok(Lookup::Found(value)),
        Ok(None) | Err(StoreError::Invalid { .. }) => Ok(Lookup::Unknown),
        Err(err) => Err(err),
    }
}

impl Owners {
    /// `ttl`: as the session's own record; each request in the session extends it.
    pub fn new(store: Store, ttl: Duration) -> Self {
        Self { store, ttl }
    }

    /// Records `owner` as the owner of a session rmcp just created.
    pub async fn bind(&self, session_id: &str, owner: Option<&Identity>) -> Result<(), StoreError> {
        let record = OwnerRecord {
            owner: owner.cloned(),
        };
        let bytes =
            serde_json::to_vec(&record).map_err(|err| StoreError::Backend(err.to_string()))?;
        self.store
            .put_mcp_session(&format!("{OWNER_PREFIX}{session_id}"), &bytes, self.ttl)
            .await
    }

    /// The owner of `session_id`, extending its TTL (the session is in use).
    pub async fn owner(&self, session_id: &str) -> Result<Lookup<Option<Identity>>, StoreError> {
        let key = format!("{OWNER_PREFIX}{session_id}");
        let found = unknown_if_invalid(self.store.load_mcp_session(&key, self.ttl).await)?;
        Ok(match found {
            Lookup::Found(bytes) => match serde_json::from_slice::<OwnerRecord>(&bytes) {
                Ok(record) => Lookup::Found(record.owner),
                // An owner nobody can read protects nothing: treat the session as gone.
                Err(_) => Lookup::Unknown,
            },
            Lookup::Unknown => Lookup::Unknown,
        })
    }

    /// Ends a session store-wide: with its owner gone, every instance answers 404 for it.
    pub async fn unbind(&self, session_id: &str) -> Result<(), StoreError> {
        match self
            .store
            .delete_mcp_session(&format!("{OWNER_PREFIX}{session_id}"))
            .await
        {
            Ok(_) | Err(StoreError::Invalid { .. }) => Ok(()),
            Err(err) => Err(err),
        }
    }

    /// The session whose stream `event_id` belongs to. `None`: not a handoff event id at all (rmcp
    /// replays nothing for it, so there is nothing to protect).
    pub async fn session_of_event(
        &self,
        event_id: &str,
    ) -> Result<Option<Lookup<String>>, StoreError> {
        let Ok((key, _)) = parse_event_id(event_id) else {
            return Ok(None);
        };
        let found = unknown_if_invalid(
            self.store
                .load_mcp_session(&format!("{STREAM_PREFIX}{key}"), EVENT_TTL)
                .await,
        )?;
        Ok(Some(match found {
            Lookup::Found(bytes) => match serde_json::from_slice::<StreamRecord>(&bytes) {
                Ok(record) => Lookup::Found(record.session),
                Err(_) => Lookup::Unknown,
            },
            Lookup::Unknown => Lookup::Unknown,
        }))
    }

    async fn tie_stream(&self, stream_key: &str, session_id: &str) -> Result<(), StoreError> {
        let record = StreamRecord {
            session: session_id.to_owned(),
        };
        let bytes =
            serde_json::to_vec(&record).map_err(|err| StoreError::Backend(err.to_string()))?;
        self.store
            .put_mcp_session(&format!("{STREAM_PREFIX}{stream_key}"), &bytes, EVENT_TTL)
            .await
    }
}

/// Forwards a session stream's events, tying each stream key to `session` in the store before the
/// first event carrying it reaches the client (so a resume can never race the tie), and renewing
/// the tie while the stream lives (a standalone stream may outlast [`EVENT_TTL`]).
///
/// rmcp names request streams with random ids that say nothing about their session, so the tie
/// is made here, where the session is known. The task ends as soon as the client's side is
/// dropped, which rmcp needs to see to replace a dead standalone stream.
fn tie_to_session(
    owners: Owners,
    session: SessionId,
    inner: impl Stream<Item = ServerSseMessage> + Send + 'static,
) -> Forwarded {
    use futures::StreamExt;
    let (sender, receiver) = tokio::sync::mpsc::channel(16);
    tokio::spawn(async move {
        let mut inner = std::pin::pin!(inner);
        let mut tied: HashMap<String, Instant> = HashMap::new();
        loop {
            let event = tokio::select! {
                _ = sender.closed() => break,
                event = inner.next() => event,
            };
            let Some(event) = event else { break };
            let key = event
                .event_id
                .as_deref()
                .and_then(|id| parse_event_id(id).ok())
                .map(|(key, _)| key.to_owned());
            if let Some(key) = key {
                let fresh = tied
                    .get(&key)
                    .is_some_and(|at| at.elapsed() < EVENT_TTL / 3);
                if !fresh {
                    match owners.tie_stream(&key, &session).await {
                        Ok(()) => {
                            tied.insert(key, Instant::now());
                        }
                        // The event is stored and still delivered; only a later resume of this
                        // stream will be refused (404) until a tie is written.
                        Err(error) => {
                            tracing::warn!(%error, "could not tie an SSE stream to its MCP session")
                        }
                    }
                }
            }
            if sender.send(event).await.is_err() {
                break;
            }
        }
    });
    Forwarded(receiver)
}

/// The client's side of [`tie_to_session`].
struct Forwarded(tokio::sync::mpsc::Receiver<ServerSseMessage>);

impl Stream for Forwarded {
    type Item = ServerSseMessage;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<ServerSseMessage>> {
        self.0.poll_recv(cx)
    }
}

/// rmcp's in-memory session manager writing session streams to [`SharedEvents`].
///
/// It reports no event store to the HTTP service on purpose: rmcp would then also persist
/// stateless (2026-07-28) responses and keep their handlers running after the client closes the
/// stream, but in that era closing the stream is how a client cancels.
pub struct SessionManager {
    inner: LocalSessionManager,
    owners: Owners,
}

impl SessionManager {
    pub fn new(events: Arc<SharedEvents>, owners: Owners) -> Self {
        Self {
            inner: LocalSessionManager::default().with_event_store(events),
            owners,
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
        let stream = self.inner.create_stream(id, message).await?;
        Ok(tie_to_session(self.owners.clone(), id.clone(), stream))
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
        let stream = self.inner.create_standalone_stream(id).await?;
        Ok(tie_to_session(self.owners.clone(), id.clone(), stream))
    }

    async fn resume(
        &self,
        id: &SessionId,
        last_event_id: String,
    ) -> Result<impl Stream<Item = ServerSseMessage> + Send + Sync + 'static, Self::Error> {
        // `front` answers 404 before this for an event of another session; checked again here
        // so the manager never replays a stream it cannot tie to `id`, whoever calls it.
        let ours = match self.owners.session_of_event(&last_event_id).await {
            // Not a handoff event id: the event store replays nothing for it.
            Ok(None) => true,
            Ok(Some(Lookup::Found(session))) => session == id.as_ref(),
            Ok(Some(Lookup::Unknown)) | Err(_) => false,
        };
        if !ours {
            return Err(LocalSessionError::InvalidEventId.into());
        }
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
