//! Parse errors that say where the input went wrong.

/// Why a Figma response could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// Not JSON at all, or JSON that breaks off (truncated input, invalid UTF-8).
    #[error("invalid JSON at byte {offset} (line {line}, column {column}): {message}")]
    Syntax {
        message: String,
        offset: usize,
        line: usize,
        column: usize,
    },
    /// JSON with a value of the wrong shape where a Figma field was expected.
    #[error(
        "unexpected value at `{path}` (byte {offset}, line {line}, column {column}): {message}"
    )]
    Data {
        path: String,
        message: String,
        offset: usize,
        line: usize,
        column: usize,
    },
    /// Valid JSON, but no Figma response handoff knows.
    #[error("valid JSON but not a Figma response: {reason}")]
    NotFigma { reason: String },
    /// A Figma error body (`{"status":403,"err":"Invalid token"}`).
    #[error("Figma returned an error (status {status}): {message}")]
    FigmaError { status: u16, message: String },
    /// More nodes than the caller's limit ([`crate::parse_design_limited`]).
    #[error("the design has more than {limit} nodes")]
    TooManyNodes { limit: usize },
    /// A response of another kind than the caller asked for.
    #[error("expected {expected}, got a {found} response")]
    WrongKind {
        expected: &'static str,
        found: &'static str,
    },
}

impl ParseError {
    /// The JSON path of the problem, when there is one (`$.document.children[3].fills`).
    pub fn path(&self) -> Option<&str> {
        match self {
            Self::Data { path, .. } => Some(path),
            _ => None,
        }
    }

    /// The 0-based byte offset where the problem was detected (the last byte
    /// read), when there is one.
    pub fn offset(&self) -> Option<usize> {
        match self {
            Self::Syntax { offset, .. } | Self::Data { offset, .. } => Some(*offset),
            _ => None,
        }
    }

    /// Builds the error from serde_json's, adding the byte offset and path.
    pub(crate) fn from_json(input: &[u8], error: &serde_json::Error, path: Option<String>) -> Self {
        let (line, column) = (error.line(), error.column());
        let offset = byte_offset(input, line, column);
        let message = strip_position(&error.to_string());
        match (error.classify(), path) {
            (serde_json::error::Category::Data, Some(path)) => Self::Data {
                path,
                message,
                offset,
                line,
                column,
            },
            _ => Self::Syntax {
                message,
                offset,
                line,
                column,
            },
        }
    }
}

/// serde_json reports 1-based lines and 1-based byte columns; turn them into a
/// 0-based byte offset (clamped to the input).
fn byte_offset(input: &[u8], line: usize, column: usize) -> usize {
    let line_start = if line <= 1 {
        0
    } else {
        input
            .iter()
            .enumerate()
            .filter(|&(_, &byte)| byte == b'\n')
            .nth(line - 2)
            .map_or(input.len(), |(position, _)| position + 1)
    };
    (line_start + column.saturating_sub(1)).min(input.len())
}

fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(position) => message[..position].to_owned(),
        None => message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::byte_offset;

    #[test]
    fn byte_offset_counts_previous_lines() {
        let input = b"ab\ncd\nef";
        assert_eq!(byte_offset(input, 1, 1), 0);
        assert_eq!(byte_offset(input, 2, 2), 4);
        assert_eq!(byte_offset(input, 3, 1), 6);
        assert_eq!(byte_offset(input, 9, 9), input.len());
    }
}
