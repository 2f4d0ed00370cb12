//! The Figma client: one method per endpoint, every one validated against the file's current
//! version, served from the cache when that version was fetched before, and de-duplicated
//! in-process (single-flight) and across instances (the cache's short lock).

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;

use crate::auth::FigmaAuth;
use crate::cache::ResponseCache;
use crate::config::FigmaClientConfig;
use crate::endpoint::{ApiRequest, Endpoint, FileQuery, NodesQuery, RenderQuery};
use crate::error::FigmaError;
use crate::gate::UpstreamGate;
use crate::meta_record;
use crate::responses::{self, FileMeta, ImageFills, ImageRenders};
use crate::single_flight::SingleFlight;
use crate::transport::Transport;

/// Bodies above this size are checked, compressed and decompressed off the async runtime.
const BLOCKING_THRESHOLD: usize = 256 * 1024;
/// First and longest pause while waiting for another instance to fill the cache.
const LOCK_POLL_MIN: Duration = Duration::from_millis(25);
const LOCK_POLL_MAX: Duration = Duration::from_millis(500);

/// A response and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Fetched<T> {
    pub value: T,
    /// The file version the response belongs to.
    pub version: String,
    /// True when no Figma call was made for the response itself (the `/meta` check may still
    /// have been one, unless it was cached too).
    pub from_cache: bool,
}

impl<T> Fetched<T> {
    fn map<U>(self, f: impl FnOnce(T) -> U) -> Fetched<U> {
        Fetched {
            value: f(self.value),
            version: self.version,
            from_cache: self.from_cache,
        }
    }
}

/// Figma REST client. Cheap to clone; share one per process, and [`FigmaClient::gated`] per call
/// when the requests that reach Figma should be charged to someone.
#[derive(Clone)]
pub struct FigmaClient {
    inner: Arc<Inner>,
    gate: Option<Arc<dyn UpstreamGate>>,
}

struct Inner {
    transport: Transport,
    cache: Arc<dyn ResponseCache>,
    responses: SingleFlight<(Bytes, bool)>,
    metas: SingleFlight<(FileMeta, bool)>,
}

impl std::fmt::Debug for FigmaClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FigmaClient")
            .field("api_base", &self.inner.transport.config().api_base.as_str())
            .finish_non_exhaustive()
    }
}

impl FigmaClient {
    /// A client with these settings, caching in `cache` (the store, or [`crate::NoCache`]).
    pub fn new(
        config: FigmaClientConfig,
        cache: Arc<dyn ResponseCache>,
    ) -> Result<Self, FigmaError> {
        Ok(FigmaClient {
            inner: Arc::new(Inner {
                transport: Transport::new(config)?,
                cache,
                responses: SingleFlight::default(),
                metas: SingleFlight::default(),
            }),
            gate: None,
        })
    }

    /// This client (same cache, same in-flight requests) with `gate` asked before each request
    /// that goes to Figma. A request shared with a concurrent identical one (single-flight) is
    /// asked of the gate of the call that sends it.
    pub fn gated(&self, gate: Arc<dyn UpstreamGate>) -> FigmaClient {
        FigmaClient {
            inner: Arc::clone(&self.inner),
            gate: Some(gate),
        }
    }

    pub fn config(&self) -> &FigmaClientConfig {
        self.inner.transport.config()
    }

    /// `GET /v1/files/:key/meta`: name and current version. Cached per credential for
    /// `meta_ttl`, since it is also the access check in front of every cached response.
    pub async fn file_meta(
        &self,
        auth: &FigmaAuth,
        file_key: &str,
    ) -> Result<Fetched<FileMeta>, FigmaError> {
        let request = ApiRequest::plain(Endpoint::Meta, file_key)?;
        let fingerprint = auth.fingerprint();
        let max_age = self.config().meta_ttl;
        if !max_age.is_zero()
            && let Some(record) = self.inner.read_meta_record(&request.file_key).await
            && let Some(meta) =
                meta_record::lookup(&record, &fingerprint, meta_record::now_ms(), max_age)
        {
            return Ok(Fetched {
                version: meta.version.clone(),
                value: meta,
                from_cache: true,
            });
        }
        let inner = Arc::clone(&self.inner);
        let auth = auth.clone();
        let gate = self.gate.clone();
        let flight = format!("meta:{}#{fingerprint}", request.file_key);
        let (meta, from_cache) = self
            .inner
            .metas
            .run(flight, move || async move {
                let body = inner.upstream(gate.as_deref(), &auth, &request).await?;
                let meta = responses::parse_meta(&body)?;
                if !max_age.is_zero() {
                    inner
                        .write_meta_record(&request.file_key, &fingerprint, &meta, max_age)
                        .await;
                }
                Ok((meta, false))
            })
            .await?;
        Ok(Fetched {
            version: meta.version.clone(),
            value: meta,
            from_cache,
        })
    }

    /// `GET /v1/files/:key`: the whole file (or the parts selected by `query`), raw JSON bytes
    /// for crates/figma to parse.
    pub async fn file(
        &self,
        auth: &FigmaAuth,
        file_key: &str,
        query: &FileQuery,
    ) -> Result<Fetched<Bytes>, FigmaError> {
        self.cached(auth, ApiRequest::file(file_key, query)?).await
    }

    /// `GET /v1/files/:key/nodes`: the requested nodes, raw JSON bytes. An id that is not in the
    /// file is [`FigmaError::NodesNotFound`].
    pub async fn nodes(
        &self,
        auth: &FigmaAuth,
        file_key: &str,
        query: &NodesQuery,
    ) -> Result<Fetched<Bytes>, FigmaError> {
        self.cached(auth, ApiRequest::nodes(file_key, query)?).await
    }

    /// `GET /v1/images/:key`: render URLs per node id.
    pub async fn render_images(
        &self,
        auth: &FigmaAuth,
        file_key: &str,
        query: &RenderQuery,
    ) -> Result<Fetched<ImageRenders>, FigmaError> {
        let fetched = self
            .cached(auth, ApiRequest::render_images(file_key, query)?)
            .await?;
        let renders = responses::parse_render_images(&fetched.value)?;
        Ok(fetched.map(|_| renders))
    }

    /// `GET /v1/files/:key/images`: download URLs of the file's image fills.
    pub async fn image_fills(
        &self,
        auth: &FigmaAuth,
        file_key: &str,
    ) -> Result<Fetched<ImageFills>, FigmaError> {
        let fetched = self
            .cached(auth, ApiRequest::plain(Endpoint::ImageFills, file_key)?)
            .await?;
        let fills = responses::parse_image_fills(&fetched.value)?;
        Ok(fetched.map(|_| fills))
    }

    /// `GET /v1/files/:key/variables/local`: local variables and collections, raw JSON bytes.
    pub async fn local_variables(
        &self,
        auth: &FigmaAuth,
        file_key: &str,
    ) -> Result<Fetched<Bytes>, FigmaError> {
        self.cached(auth, ApiRequest::plain(Endpoint::LocalVariables, file_key)?)
            .await
    }

    /// The shared path of every versioned endpoint: current version → cache → one fetch.
    async fn cached(
        &self,
        auth: &FigmaAuth,
        request: ApiRequest,
    ) -> Result<Fetched<Bytes>, FigmaError> {
        let version = self.file_meta(auth, &request.file_key).await?.version;
        let slot = Slot {
            request,
            version: version.clone(),
        };
        if let Some(body) = self.inner.read_response(&slot).await {
            return Ok(Fetched {
                value: body,
                version,
                from_cache: true,
            });
        }
        // Per credential: Figma's budgets and access are per user, so one user's 429 or 403 is
        // not handed to another. Different users still collapse through the cache lock.
        let flight = format!("{}#{}", slot.name(), auth.fingerprint());
        let inner = Arc::clone(&self.inner);
        let auth = auth.clone();
        let gate = self.gate.clone();
        let (value, from_cache) = self
            .inner
            .responses
            .run(flight, move || async move {
                inner.fill(gate.as_deref(), &auth, &slot).await
            })
            .await?;
        Ok(Fetched {
            value,
            version,
            from_cache,
        })
    }
}

/// One cached answer: a request at a file version.
struct Slot {
    request: ApiRequest,
    version: String,
}

impl Slot {
    /// Also the name of the lock taken while fetching it.
    fn name(&self) -> String {
        format!(
            "figma:{}:{}:{}",
            self.request.file_key,
            self.version,
            self.request.cache_name()
        )
    }
}

impl Inner {
    /// Fetches `slot` into the cache, unless another instance is already doing so: then waits
    /// (up to `lock_wait`) for its result to appear, or for its lock to go.
    async fn fill(
        &self,
        gate: Option<&dyn UpstreamGate>,
        auth: &FigmaAuth,
        slot: &Slot,
    ) -> Result<(Bytes, bool), FigmaError> {
        let config = self.transport.config();
        let lock_name = slot.name();
        let deadline = Instant::now() + config.lock_wait;
        let mut pause = LOCK_POLL_MIN;
        loop {
            if let Some(body) = self.read_response(slot).await {
                return Ok((body, true));
            }
            match self.cache.try_lock(&lock_name, config.lock_ttl).await {
                Ok(Some(lock)) => {
                    // Filled between our read and our lock?
                    let result = match self.read_response(slot).await {
                        Some(body) => Ok((body, true)),
                        None => self
                            .fetch_and_store(gate, auth, slot)
                            .await
                            .map(|b| (b, false)),
                    };
                    if let Err(e) = self.cache.unlock(lock).await {
                        tracing::warn!(error = %e, "could not release the Figma fetch lock");
                    }
                    return result;
                }
                Ok(None) if Instant::now() < deadline => {
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(LOCK_POLL_MAX);
                }
                Ok(None) => {
                    tracing::warn!(
                        endpoint = slot.request.endpoint.label(),
                        file_key = %slot.request.file_key,
                        "another instance held the Figma fetch lock too long; fetching anyway"
                    );
                    break;
                }
                Err(e) => {
                    tracing::warn!(error = %e, "Figma fetch lock unavailable; fetching without it");
                    break;
                }
            }
        }
        self.fetch_and_store(gate, auth, slot)
            .await
            .map(|b| (b, false))
    }

    /// One request to Figma itself, once `gate` (if any) admits it.
    async fn upstream(
        &self,
        gate: Option<&dyn UpstreamGate>,
        auth: &FigmaAuth,
        request: &ApiRequest,
    ) -> Result<Bytes, FigmaError> {
        if let Some(gate) = gate {
            gate.admit(request.endpoint, &request.file_key)
                .await
                .map_err(|reason| FigmaError::Refused {
                    endpoint: request.endpoint,
                    reason,
                })?;
        }
        self.transport.get(auth, request).await
    }

    async fn fetch_and_store(
        &self,
        gate: Option<&dyn UpstreamGate>,
        auth: &FigmaAuth,
        slot: &Slot,
    ) -> Result<Bytes, FigmaError> {
        let body = self.upstream(gate, auth, &slot.request).await?;
        let checked = body.clone();
        let request = slot.request.clone();
        off_runtime(body.len(), move || responses::check(&request, &checked)).await??;
        let stored = self
            .cache
            .put_response(
                &slot.request.file_key,
                &slot.version,
                &slot.request.cache_name(),
                body.clone(),
            )
            .await;
        if let Err(e) = stored {
            tracing::warn!(error = %e, "Figma response cache write failed");
        }
        Ok(body)
    }

    /// A cached response, or `None` on a miss or an unavailable or damaged cache (the request
    /// then goes to Figma rather than failing).
    async fn read_response(&self, slot: &Slot) -> Option<Bytes> {
        let cached = self
            .cache
            .get_response(
                &slot.request.file_key,
                &slot.version,
                &slot.request.cache_name(),
            )
            .await;
        cached
            .inspect_err(|e| tracing::warn!(error = %e, "Figma response cache read failed"))
            .ok()
            .flatten()
    }

    async fn read_meta_record(&self, file_key: &str) -> Option<serde_json::Value> {
        self.cache
            .get_meta(file_key)
            .await
            .inspect_err(|e| tracing::warn!(error = %e, "Figma meta cache read failed"))
            .ok()
            .flatten()
    }

    /// Adds this credential's check to the file's meta record. Concurrent writers may drop each
    /// other's entries; that costs one extra `/meta` call, never a wrong answer.
    async fn write_meta_record(
        &self,
        file_key: &str,
        fingerprint: &str,
        meta: &FileMeta,
        max_age: Duration,
    ) {
        let current = self.read_meta_record(file_key).await;
        let record =
            meta_record::with_check(current, fingerprint, meta, meta_record::now_ms(), max_age);
        if let Err(e) = self.cache.put_meta(file_key, &record).await {
            tracing::warn!(error = %e, "Figma meta cache write failed");
        }
    }
}

/// Runs CPU work on the blocking pool when it is big enough to stall the runtime.
async fn off_runtime<T: Send + 'static>(
    size: usize,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, FigmaError> {
    if size < BLOCKING_THRESHOLD {
        return Ok(work());
    }
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| FigmaError::Internal {
            detail: format!("a blocking task failed: {e}"),
        })
}
