//! The Figma client: one method per endpoint, every one validated against the file's current
//! version, served from the cache when that version was fetched before, and de-duplicated
//! in-process (single-flight) and across instances (the cache's short lock).

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;

use crate::auth::FigmaAuth;
use crate::cache::{self, ResponseCache};
use crate::config::FigmaClientConfig;
use crate::endpoint::{ApiRequest, Endpoint, FileQuery, NodesQuery, RenderQuery};
use crate::error::FigmaError;
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

/// Figma REST client. Cheap to clone; share one per process.
#[derive(Clone)]
pub struct FigmaClient {
    inner: Arc<Inner>,
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
        })
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
        let key = cache::meta_key(&request.file_key, &auth.fingerprint());
        if let Some(stored) = self.inner.read_cache(&key).await
            && let Ok(meta) = responses::parse_meta(&stored)
        {
            return Ok(Fetched {
                version: meta.version.clone(),
                value: meta,
                from_cache: true,
            });
        }
        let inner = Arc::clone(&self.inner);
        let auth = auth.clone();
        let (meta, from_cache) = self
            .inner
            .metas
            .run(key.clone(), move || async move {
                let body = inner.transport.get(&auth, &request).await?;
                let meta = responses::parse_meta(&body)?;
                let ttl = inner.transport.config().meta_ttl;
                inner.write_cache(&key, body, ttl).await;
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
        let key = cache::response_key(&request.file_key, &version, &request.cache_name());
        if let Some(body) = self.inner.read_cache(&key).await {
            return Ok(Fetched {
                value: body,
                version,
                from_cache: true,
            });
        }
        // Per credential: Figma's budgets and access are per user, so one user's 429 or 403 is
        // not handed to another. Different users still collapse through the cache lock.
        let flight = format!("{key}#{}", auth.fingerprint());
        let inner = Arc::clone(&self.inner);
        let auth = auth.clone();
        let (value, from_cache) = self
            .inner
            .responses
            .run(flight, move || async move {
                inner.fill(&auth, &request, &key).await
            })
            .await?;
        Ok(Fetched {
            value,
            version,
            from_cache,
        })
    }
}

impl Inner {
    /// Fetches `request` into the cache under `key`, unless another instance is already doing
    /// so: then waits (up to `lock_wait`) for its result to appear.
    async fn fill(
        &self,
        auth: &FigmaAuth,
        request: &ApiRequest,
        key: &str,
    ) -> Result<(Bytes, bool), FigmaError> {
        let config = self.transport.config();
        let lock_key = cache::lock_key(key);
        let deadline = Instant::now() + config.lock_wait;
        let mut pause = LOCK_POLL_MIN;
        loop {
            if let Some(body) = self.read_cache(key).await {
                return Ok((body, true));
            }
            match self.cache.try_lock(&lock_key, config.lock_ttl).await {
                Ok(Some(token)) => {
                    // Filled between our read and our lock?
                    let result = match self.read_cache(key).await {
                        Some(body) => Ok((body, true)),
                        None => self
                            .fetch_and_store(auth, request, key)
                            .await
                            .map(|b| (b, false)),
                    };
                    if let Err(e) = self.cache.unlock(&lock_key, &token).await {
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
                        endpoint = request.endpoint.label(),
                        file_key = %request.file_key,
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
        self.fetch_and_store(auth, request, key)
            .await
            .map(|b| (b, false))
    }

    async fn fetch_and_store(
        &self,
        auth: &FigmaAuth,
        request: &ApiRequest,
        key: &str,
    ) -> Result<Bytes, FigmaError> {
        let body = self.transport.get(auth, request).await?;
        let checked = body.clone();
        let check_request = request.clone();
        off_runtime(body.len(), move || {
            responses::check(&check_request, &checked)
        })
        .await??;
        self.write_cache(key, body.clone(), self.transport.config().cache_ttl)
            .await;
        Ok(body)
    }

    /// A cached value, or `None` on a miss, a damaged entry or an unavailable cache (the
    /// request then goes to Figma rather than failing).
    async fn read_cache(&self, key: &str) -> Option<Bytes> {
        let stored = match self.cache.get(key).await {
            Ok(stored) => stored?,
            Err(e) => {
                tracing::warn!(error = %e, "Figma response cache read failed");
                return None;
            }
        };
        let limit = self.transport.config().max_response_bytes;
        let decoded = off_runtime(stored.len() * 4, move || cache::decode(&stored, limit)).await;
        match decoded {
            Ok(Ok(body)) => Some(body),
            Ok(Err(why)) => {
                tracing::warn!(key, why, "ignoring a damaged Figma cache entry");
                None
            }
            Err(e) => {
                tracing::warn!(error = %e, "Figma cache decode failed");
                None
            }
        }
    }

    async fn write_cache(&self, key: &str, body: Bytes, ttl: Duration) {
        let encoded = match off_runtime(body.len(), move || cache::encode(&body)).await {
            Ok(encoded) => encoded,
            Err(e) => {
                tracing::warn!(error = %e, "Figma cache encode failed");
                return;
            }
        };
        if let Err(e) = self.cache.put(key, encoded, ttl).await {
            tracing::warn!(error = %e, "Figma response cache write failed");
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
