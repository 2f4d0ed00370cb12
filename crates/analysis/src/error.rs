//! Errors of the analysis crate.

/// Why an analysis could not run. Every variant is caused by the caller's input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnalysisError {
    #[error("node {0:?} is not in this design (ids look like \"1:23\")")]
    UnknownNode(String),
    #[error("invalid design token file: {0}")]
    InvalidTokens(String),
}
