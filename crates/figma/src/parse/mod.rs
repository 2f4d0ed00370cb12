//! Parsing Figma REST responses from bytes.

mod error;
mod intern;
mod node_seed;
mod response;
mod split;

use serde::de::{DeserializeSeed, IgnoredAny};

use crate::model::shared_str;
pub use error::ParseError;
use node_seed::Progress;
use response::{RawResponse, ResponseSeed};

use crate::model::{Design, FileMeta, ImageFills, ImageRenders, Variables};

/// A parsed Figma response of any kind handoff reads.
#[derive(Debug, Clone, PartialEq)]
pub enum Response {
    /// `GET /v1/files/:key`.
    File(Design),
    /// `GET /v1/files/:key/nodes`.
    Nodes(Design),
    /// `GET /v1/images/:key`.
    ImageRenders(ImageRenders),
    /// `GET /v1/files/:key/images`.
    ImageFills(ImageFills),
    /// `GET /v1/files/:key/meta`.
    Meta(FileMeta),
    /// `GET /v1/files/:key/variables/local`.
    Variables(Variables),
}

impl Response {
    /// A short name of the response kind, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::File(_) => "file",
            Self::Nodes(_) => "nodes",
            Self::ImageRenders(_) => "image renders",
            Self::ImageFills(_) => "image fills",
            Self::Meta(_) => "file meta",
            Self::Variables(_) => "local variables",
        }
    }
}

/// Parses any Figma response handoff reads and says which kind it was.
///
/// Errors name the JSON path and byte offset; a Figma error body becomes
/// [`ParseError::FigmaError`] and JSON of another shape [`ParseError::NotFigma`].
pub fn parse_response(input: &[u8]) -> Result<Response, ParseError> {
    classify(parse_raw(input, None, usize::MAX)?)
}

fn classify(raw: RawResponse) -> Result<Response, ParseError> {
    if raw.has_document {
        return Ok(Response::File(raw.design));
    }
    if raw.has_nodes {
        return Ok(Response::Nodes(raw.design));
    }
    if let Some(meta) = raw.file_meta {
        return Ok(Response::Meta(meta));
    }
    if let Some((status, message)) = raw.figma_error() {
        return Err(ParseError::FigmaError { status, message });
    }
    if let Some(meta) = raw.meta {
        if meta.variables.is_some() || meta.variable_collections.is_some() {
            return meta
                .into_variables()
                .map(Response::Variables)
                .ok_or_else(not_figma_object);
        }
        return meta
            .into_image_fills()
            .map(Response::ImageFills)
            .ok_or_else(not_figma_object);
    }
    if let Some(images) = raw.images {
        return Ok(Response::ImageRenders(ImageRenders {
            err: raw.err,
            images,
        }));
    }
    Err(not_figma_object())
}

/// Parses a file or nodes response into a [`Design`].
pub fn parse_design(input: &[u8]) -> Result<Design, ParseError> {
    design_of(parse_response(input)?)
}

/// As [`parse_design`], refusing a design of more than `max_nodes` nodes with
/// [`ParseError::TooManyNodes`] as soon as the parse reaches one more: a
/// server's guard, so that a huge file costs at most what that many nodes cost.
pub fn parse_design_limited(input: &[u8], max_nodes: usize) -> Result<Design, ParseError> {
    design_of(classify(parse_raw(input, None, max_nodes)?)?)
}

/// As [`parse_design`], calling `progress` with the input offset reached every
/// few MiB: for a progress bar, or to release input pages already consumed
/// (a memory-mapped file need not stay resident while its tail is parsed).
/// Bytes before the reported offset are read again only if the input turns
/// out to be invalid (to locate the error) or its two-thread parse cannot
/// be joined. A large input is parsed on two threads, the second taking the
/// node tree from about its middle on; reports in that part go only as far
/// as both threads have read.
pub fn parse_design_with_progress(
    input: &[u8],
    progress: &mut dyn FnMut(usize),
) -> Result<Design, ParseError> {
    design_of(classify(parse_raw(input, Some(progress), usize::MAX)?)?)
}

fn design_of(response: Response) -> Result<Design, ParseError> {
    match response {
        Response::File(design) | Response::Nodes(design) => Ok(design),
        other => Err(ParseError::WrongKind {
            expected: "a file or nodes response",
            found: other.kind(),
        }),
    }
}

/// Parses a `/variables/local` response.
pub fn parse_variables(input: &[u8]) -> Result<Variables, ParseError> {
    match parse_response(input)? {
        Response::Variables(variables) => Ok(variables),
        other => Err(ParseError::WrongKind {
            expected: "a local variables response",
            found: other.kind(),
        }),
    }
}

/// Parses a `/meta` response.
pub fn parse_file_meta(input: &[u8]) -> Result<FileMeta, ParseError> {
    match parse_response(input)? {
        Response::Meta(meta) => Ok(meta),
        other => Err(ParseError::WrongKind {
            expected: "a file meta response",
            found: other.kind(),
        }),
    }
}

/// Parses a `/v1/images/:key` response.
pub fn parse_image_renders(input: &[u8]) -> Result<ImageRenders, ParseError> {
    match parse_response(input)? {
        Response::ImageRenders(images) => Ok(images),
        other => Err(ParseError::WrongKind {
            expected: "an image renders response",
            found: other.kind(),
        }),
    }
}

/// Parses a `/v1/files/:key/images` response.
pub fn parse_image_fills(input: &[u8]) -> Result<ImageFills, ParseError> {
    match parse_response(input)? {
        Response::ImageFills(images) => Ok(images),
        other => Err(ParseError::WrongKind {
            expected: "an image fills response",
            found: other.kind(),
        }),
    }
}

fn not_figma_object() -> ParseError {
    ParseError::NotFigma {
        reason: "the object has none of `document`, `nodes`, `images`, `meta` or `file`".to_owned(),
    }
}

fn parse_raw(
    input: &[u8],
    progress: Option<&mut dyn FnMut(usize)>,
    max_nodes: usize,
) -> Result<RawResponse, ParseError> {
    let first = input
        .iter()
        .copied()
        .find(|byte| !byte.is_ascii_whitespace());
    if first != Some(b'{') {
        return Err(classify_non_object(input));
    }
    shared_str::interning(|| parse_object(input, progress, max_nodes))
}

fn parse_object(
    input: &[u8],
    mut progress: Option<&mut dyn FnMut(usize)>,
    max_nodes: usize,
) -> Result<RawResponse, ParseError> {
    // Fast path without path tracking, on two threads for a large input;
    // errors are rare, so on one the input is parsed again with tracking to
    // name the JSON path.
    let mut fast_input = FastInput::new(input);
    fast_input.max_nodes = max_nodes;
    let split = split::parse_split(fast_input, |tail| {
        parse_fast(fast_input, reborrow(&mut progress), tail)
    });
    let fast = match split {
        Some(result) => result,
        None => parse_fast(fast_input, reborrow(&mut progress), None),
    };
    match fast {
        // Each thread's arena holds at most the limit; joined, they may not.
        Ok(raw) if raw.design.nodes.len() > max_nodes => {
            return Err(ParseError::TooManyNodes { limit: max_nodes });
        }
        Ok(raw) => return Ok(raw),
        // Parsing again would only reach the limit again.
        Err(error) if node_seed::is_too_many_nodes(&error) => {
            return Err(ParseError::TooManyNodes { limit: max_nodes });
        }
        Err(_) => {}
    }
    let mut json = serde_json::Deserializer::from_slice(input);
    json.disable_recursion_limit();
    let mut seed = seed(input, None);
    seed.max_nodes = max_nodes;
    let raw = deserialize_with_path(seed, &mut json, input)?;
    json.end()
        .map_err(|error| ParseError::from_json(input, &error, None))?;
    Ok(raw)
}

/// Parses `input` as an input of 4 MiB or more is parsed (`split::MIN_SPLIT_BYTES`),
/// on two threads, whatever its size, the second thread's tail starting at the
/// first node found at or after byte `from`. `None` when that parse would fall
/// back to one thread (no node to start a tail at, or a join that is not
/// possible). Not API: the fuzz target `figma_structured` and the property tests
/// (`tests/properties.rs`) check with it that a split parse always gives what the one-thread parse
/// ([`parse_design`]) gives.
#[doc(hidden)]
pub fn parse_design_split_from(input: &[u8], from: usize) -> Option<Result<Design, ParseError>> {
    let first = input
        .iter()
        .copied()
        .find(|byte| !byte.is_ascii_whitespace());
    if first != Some(b'{') {
        return None;
    }
    let fast_input = FastInput::new(input);
    let raw = shared_str::interning(|| {
        split::split_from(fast_input, from, |tail| parse_fast(fast_input, None, tail))
    })?;
    Some(
        raw.map_err(|error| ParseError::from_json(input, &error, None))
            .and_then(classify)
            .and_then(design_of),
    )
}

fn reborrow<'a>(
    progress: &'a mut Option<&mut dyn FnMut(usize)>,
) -> Option<&'a mut dyn FnMut(usize)> {
    match progress {
        Some(report) => Some(&mut **report),
        None => None,
    }
}

fn parse_fast(
    input: FastInput<'_>,
    progress: Option<&mut dyn FnMut(usize)>,
    tail: Option<split::TailPlan>,
) -> Result<RawResponse, serde_json::Error> {
    let mut seed = seed(input.bytes, progress);
    seed.max_nodes = input.max_nodes;
    seed.tail = tail;
    seed.by_raw_text = true;
    input.deserialize(0..input.bytes.len(), seed)
}

/// The input of the fast path, and the same bytes as text when they are valid
/// UTF-8. They are checked once, up front (SIMD): serde_json then reads text
/// without checking every string and key again, which costs more. Input that
/// is not UTF-8 is read as bytes, whose errors are those it always had.
#[derive(Clone, Copy)]
pub(crate) struct FastInput<'a> {
    pub bytes: &'a [u8],
    text: Option<&'a str>,
    /// The most nodes the parse accepts (both threads' arenas each).
    pub max_nodes: usize,
}

impl<'a> FastInput<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Self {
            bytes,
            text: simdutf8::basic::from_utf8(bytes).ok(),
            max_nodes: usize::MAX,
        }
    }

    /// Read as bytes even when the input is text (for tests of both readers).
    #[cfg(test)]
    pub fn bytes_only(bytes: &'a [u8]) -> Self {
        Self {
            bytes,
            text: None,
            max_nodes: usize::MAX,
        }
    }

    /// Runs `seed` over `bytes[range]`, which must hold one JSON value and
    /// nothing else, with on-demand stack growth.
    pub fn deserialize<S: DeserializeSeed<'a>>(
        self,
        range: std::ops::Range<usize>,
        seed: S,
    ) -> Result<S::Value, serde_json::Error> {
        let outside = || serde::de::Error::custom("the range is not within the input");
        match self.text {
            Some(text) => {
                let part = text.get(range).ok_or_else(outside)?;
                deserialize_whole(seed, serde_json::Deserializer::from_str(part))
            }
            None => {
                let part = self.bytes.get(range).ok_or_else(outside)?;
                deserialize_whole(seed, serde_json::Deserializer::from_slice(part))
            }
        }
    }
}

fn deserialize_whole<'de, S, R>(
    seed: S,
    mut json: serde_json::Deserializer<R>,
) -> Result<S::Value, serde_json::Error>
where
    S: DeserializeSeed<'de>,
    R: serde_json::de::Read<'de>,
{
    json.disable_recursion_limit();
    let value = seed.deserialize(serde_stacker::Deserializer::new(&mut json))?;
    json.end()?;
    Ok(value)
}

/// An upper bound on the nodes in `input`: every node has an `"id"` key.
///
/// The arena is reserved from it once: growing a large arena copies it (a
/// million-node file went through copies of 256 and 512 MB, both alive at
/// once), while capacity that no node fills is never touched and costs no
/// memory. Counting is a SIMD scan of bytes the parse reads anyway (about
/// 1% of the parse's time).
pub(crate) fn node_capacity(input: &[u8]) -> usize {
    memchr::memmem::find_iter(input, b"\"id\"").count()
}

fn seed<'p>(input: &[u8], progress: Option<&'p mut dyn FnMut(usize)>) -> ResponseSeed<'p> {
    ResponseSeed {
        node_capacity: node_capacity(input),
        max_nodes: usize::MAX,
        progress: Progress::new(input, progress),
        tail: None,
        by_raw_text: false,
    }
}

/// Runs a seed over the deserializer with path tracking and on-demand stack
/// growth, so deep nesting neither overflows nor loses the error location.
pub(crate) fn deserialize_with_path<'de, S: DeserializeSeed<'de>>(
    seed: S,
    json: &mut serde_json::Deserializer<serde_json::de::SliceRead<'de>>,
    input: &[u8],
) -> Result<S::Value, ParseError> {
    let mut track = serde_path_to_error::Track::new();
    let stacked = serde_stacker::Deserializer::new(&mut *json);
    let tracked = serde_path_to_error::Deserializer::new(stacked, &mut track);
    seed.deserialize(tracked).map_err(|error| {
        let path = track.path().to_string();
        ParseError::from_json(input, &error, Some(json_path(&path)))
    })
}

/// `document.children[3]` → `$.document.children[3]`; the root path `.` → `$`.
fn json_path(path: &str) -> String {
    if path == "." || path.is_empty() {
        "$".to_owned()
    } else {
        format!("$.{path}")
    }
}

/// The input does not start with `{`: either not JSON, or JSON of another shape.
fn classify_non_object(input: &[u8]) -> ParseError {
    let mut json = serde_json::Deserializer::from_slice(input);
    let valid = serde::Deserialize::deserialize(&mut json).and_then(|IgnoredAny| json.end());
    match valid {
        Err(error) => ParseError::from_json(input, &error, None),
        Ok(()) => {
            let what = match input
                .iter()
                .copied()
                .find(|byte| !byte.is_ascii_whitespace())
            {
                Some(b'[') => "an array",
                Some(b'"') => "a string",
                Some(b'n') => "null",
                Some(b't' | b'f') => "a boolean",
                _ => "a number",
            };
            ParseError::NotFigma {
                reason: format!("the top-level value is {what}, expected an object"),
            }
        }
    }
}
