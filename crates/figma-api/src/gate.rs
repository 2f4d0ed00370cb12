//! A hook in front of every request that reaches Figma, so a caller can charge its own budget for
//! real upstream calls only: answers from the cache never pass through it.

use std::future::Future;
use std::pin::Pin;

use crate::endpoint::Endpoint;

/// What [`UpstreamGate::admit`] returns.
pub type Admission<'a> = Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>>;

/// Asked once right before each request goes to Figma (its retries are not asked again). Attach
/// one per call with [`FigmaClient::gated`](crate::FigmaClient::gated).
pub trait UpstreamGate: Send + Sync {
    /// `Err(reason)` stops the request unsent; the call fails with
    /// [`FigmaError::Refused`](crate::FigmaError::Refused) carrying `reason`.
    fn admit<'a>(&'a self, endpoint: Endpoint, file_key: &'a str) -> Admission<'a>;
}
