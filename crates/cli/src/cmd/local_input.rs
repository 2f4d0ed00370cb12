//! The bytes of a local input (a path, or `-` for standard input) and parsing them as a design.
//!
//! Large regular files are memory-mapped instead of read: nothing is copied, and the pages the
//! parser has moved past are handed back to the kernel while it reads the rest, so a file of any
//! size costs little more resident memory than its parsed design. Inputs over
//! [`PROGRESS_THRESHOLD`] show a progress bar on stderr.

use std::io::Read;
use std::ops::Deref;

use handoff_figma::{Design, ParseError};

use super::CliError;

/// Inputs larger than this get a progress bar while being parsed.
const PROGRESS_THRESHOLD: u64 = 50 * 1024 * 1024;
/// Regular files at least this large are mapped rather than read.
const MAP_THRESHOLD: u64 = 4 * 1024 * 1024;
/// Consumed input is released in steps of this many bytes (a multiple of any page size).
const RELEASE_ALIGN: usize = 2 * 1024 * 1024;

/// A local input's bytes: read into memory, or mapped from a large file.
pub enum LocalInput {
    Read(Vec<u8>),
    Mapped(memmap2::Mmap),
}

impl Deref for LocalInput {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            Self::Read(bytes) => bytes,
            Self::Mapped(map) => map,
        }
    }
}

/// The bytes of `input`: a path, or `-` for standard input.
pub fn read_local(input: &str) -> Result<LocalInput, CliError> {
    if input == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .read_to_end(&mut bytes)
            .map_err(|error| CliError::input(format!("cannot read standard input: {error}")))?;
        return Ok(LocalInput::Read(bytes));
    }
    let unreadable =
        |error: std::io::Error| CliError::input(format!("cannot read `{input}`: {error}"));
    let mut file = std::fs::File::open(input).map_err(unreadable)?;
    let metadata = file.metadata().map_err(unreadable)?;
    if metadata.is_file() && metadata.len() >= MAP_THRESHOLD {
        return map(&file).map(LocalInput::Mapped).map_err(unreadable);
    }
    let mut bytes = Vec::with_capacity(usize::try_from(metadata.len()).unwrap_or(0));
    file.read_to_end(&mut bytes).map_err(unreadable)?;
    Ok(LocalInput::Read(bytes))
}

#[allow(unsafe_code)]
fn map(file: &std::fs::File) -> std::io::Result<memmap2::Mmap> {
    // SAFETY: the map is read-only and private. If another process rewrites the file while it is
    // parsed, the parse sees inconsistent bytes (a parse error or wrong values, as when reading a
    // file mid-write); truncating it would end the process with SIGBUS. That is the trade every
    // mmap-based reader (ripgrep among them) makes for files the user names.
    let map = unsafe { memmap2::Mmap::map(file) }?;
    // The parser reads front to back once; read-ahead keeps it from waiting on the disk.
    map.advise(memmap2::Advice::Sequential)?;
    Ok(map)
}

impl LocalInput {
    /// Parses the input as a design (a Figma REST response, else a plugin payload; the REST error
    /// wins when neither parses), with a progress bar for large inputs.
    pub fn parse_design(&self) -> Result<Design, ParseError> {
        let total = self.len() as u64;
        let bar = (total > PROGRESS_THRESHOLD).then(|| progress_bar(total));
        let mut released = 0;
        let mut on_progress = |offset: usize| {
            if let Some(bar) = &bar {
                bar.set_position(offset as u64);
            }
            if let Self::Mapped(map) = self {
                released = release(map, released, offset);
            }
        };
        let parsed = handoff_figma::parse_design_with_progress(self, &mut on_progress);
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
        match parsed {
            Err(error @ ParseError::NotFigma { .. }) => {
                handoff_figma::parse_plugin_payload(self).map_err(|_| error)
            }
            other => other,
        }
    }
}

/// Hands the pages of `map` before `offset` (from `released` on) back to the kernel; returns the
/// new released length. They stay in the page cache, and are read back from the file should the
/// parser need them again (it re-reads from the start only to locate an error).
#[allow(unsafe_code)]
fn release(map: &memmap2::Mmap, released: usize, offset: usize) -> usize {
    let end = offset - offset % RELEASE_ALIGN;
    if end <= released {
        return released;
    }
    // SAFETY: the mapping is private, read-only and file-backed, so dropping its pages loses
    // nothing: the next access faults the same bytes back in from the file.
    let dropped = unsafe {
        map.unchecked_advise_range(memmap2::UncheckedAdvice::DontNeed, released, end - released)
    };
    // A failed advice only means the pages stay resident.
    if dropped.is_ok() { end } else { released }
}

fn progress_bar(total: u64) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(total),
        indicatif::ProgressDrawTarget::stderr(),
    );
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("parsing {bytes}/{total_bytes} {wide_bar} {eta}")
    {
        bar.set_style(style);
    }
    bar
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    /// A file response with `count` frames: about 60 bytes each.
    fn file_response(count: usize) -> String {
        let children: Vec<String> = (0..count)
            .map(|n| format!(r#"{{"id":"1:{n}","name":"Frame {n}","type":"FRAME"}}"#))
            .collect();
        format!(
            r#"{{"name":"Big","document":{{"id":"0:0","name":"Document","type":"DOCUMENT","children":[{{"id":"0:1","name":"Page","type":"CANVAS","children":[{}]}}]}}}}"#,
            children.join(",")
        )
    }

    fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_owned()
    }

    #[test]
    fn a_large_file_is_mapped_and_parses_like_the_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let text = file_response(200_000);
        assert!(text.len() as u64 > MAP_THRESHOLD + 2 * RELEASE_ALIGN as u64);
        let input = read_local(&write(&dir, "big.json", &text)).unwrap();
        assert!(matches!(input, LocalInput::Mapped(_)));

        let design = input.parse_design().unwrap();
        assert_eq!(
            design,
            handoff_figma::parse_design(text.as_bytes()).unwrap()
        );
        assert_eq!(design.nodes.len(), 200_002);
        // The released pages read back from the file: the input is still whole.
        assert_eq!(&*input, text.as_bytes());
    }

    #[test]
    fn an_error_past_released_pages_is_located_from_the_whole_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut text = file_response(200_000);
        // Corrupt the last frame's type after the parser has released the first megabytes.
        let at = text.rfind("\"FRAME\"").unwrap();
        text.replace_range(at..at + 7, "42");
        let input = read_local(&write(&dir, "bad.json", &text)).unwrap();
        assert!(matches!(input, LocalInput::Mapped(_)));

        let error = input.parse_design().unwrap_err().to_string();
        let expected = handoff_figma::parse_design(text.as_bytes())
            .unwrap_err()
            .to_string();
        assert_eq!(error, expected);
        assert!(error.contains("children[199999]"), "{error}");
    }

    #[test]
    fn a_small_file_is_read_and_a_missing_one_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let text = file_response(3);
        let input = read_local(&write(&dir, "small.json", &text)).unwrap();
        assert!(matches!(input, LocalInput::Read(_)));
        assert_eq!(input.parse_design().unwrap().nodes.len(), 5);

        let missing = dir.path().join("missing.json");
        let error = read_local(missing.to_str().unwrap()).err().unwrap();
        assert!(error.message.contains("cannot read"), "{}", error.message);
        assert_eq!(error.code, 2);
    }
}
