#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Properties the fuzz targets (fuzz/, docs/fuzzing.md) check for minutes, held in CI over real
//! fixtures at a small cost: the two-thread parse of large inputs gives exactly the one-thread
//! parse wherever it splits, and input that breaks off anywhere is refused with an error that
//! points inside it, never a panic.

use std::path::PathBuf;

use handoff_figma::parse::parse_design_split_from;
use handoff_figma::{ParseError, parse_design, parse_plugin_payload, parse_response};
use proptest::prelude::*;

fn fixture(name: &str) -> Vec<u8> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/figma");
    std::fs::read(dir.join(name)).unwrap()
}

/// The small fixtures (a file and two nodes responses), so each case costs milliseconds.
const SMALL: &[&str] = &[
    "code-connect-wizard-demo.file.json",
    "framelink-oddit.nodes.json",
    "figma-export-styles.nodes.json",
];

const PLUGIN: &str = r##"{"enhancedFrameData":[{"id":"1234:5678","name":"Primary Button","type":"COMPONENT",
  "x":120,"y":48,"width":160,"height":48,"fills":[{"type":"SOLID","color":{"r":26,"g":115,"b":232},"hex":"#1a73e8"}],
  "hierarchy":{"layers":[{"id":"1234:5679","name":"Label","type":"TEXT","depth":2,"text":"Buy"},
    {"id":"1234:5680","name":"Icon","type":"VECTOR","depth":4},{"id":"1234:5681","name":"Back","type":"FRAME","depth":1}]}}],
  "fileContext":{"fileName":"Shop"}}"##;

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(24)
}

/// Where a refusal points, when it names an offset.
fn offset(error: &ParseError) -> Option<usize> {
    match error {
        ParseError::Syntax { offset, .. } | ParseError::Data { offset, .. } => Some(*offset),
        _ => None,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    /// Split anywhere, a real response parses to the same design on two threads as on one.
    #[test]
    fn a_split_anywhere_in_a_real_response_gives_the_one_thread_design(
        which in 0..SMALL.len(),
        at in 0.0f64..1.0,
    ) {
        let bytes = fixture(SMALL[which]);
        let single = parse_design(&bytes).unwrap();
        let from = (bytes.len() as f64 * at) as usize;
        if let Some(split) = parse_design_split_from(&bytes, from) {
            prop_assert_eq!(split.unwrap(), single);
        }
    }

    /// A response cut off anywhere is refused with an error inside the input.
    #[test]
    fn a_truncated_response_is_refused_where_it_breaks_off(
        which in 0..SMALL.len(),
        at in 0.0f64..1.0,
    ) {
        let bytes = fixture(SMALL[which]);
        let body = bytes.trim_ascii_end();
        let cut = &body[..(body.len() as f64 * at) as usize];
        let error = parse_response(cut).unwrap_err();
        if let Some(offset) = offset(&error) {
            prop_assert!(offset <= cut.len(), "{error} for {} bytes", cut.len());
        }
        if let Some(Ok(design)) = parse_design_split_from(cut, cut.len() / 2) {
            prop_assert!(false, "a split parse accepted a truncated input: {} nodes", design.nodes.len());
        }
    }

    /// A plugin payload cut off anywhere is refused, never a panic.
    #[test]
    fn a_truncated_plugin_payload_is_refused(cut in 0..PLUGIN.trim_end().len()) {
        prop_assert!(parse_plugin_payload(&PLUGIN.as_bytes()[..cut]).is_err());
    }
}

/// The split property above is not vacuous: these fixtures do split (and join) at some of the
/// points it may pick, and then give the one-thread design. (`figma-export-styles` has no place to
/// split: its nodes are childless roots, none an array element, so it always takes one thread.)
#[test]
fn the_small_fixtures_split_somewhere() {
    for name in &SMALL[..2] {
        let bytes = fixture(name);
        let single = parse_design(&bytes).unwrap();
        let splits = (1..20)
            .filter_map(|step| parse_design_split_from(&bytes, bytes.len() * step / 20))
            .map(|split| assert_eq!(split.unwrap(), single, "{name}"))
            .count();
        assert!(splits > 0, "{name} never split");
    }
}
