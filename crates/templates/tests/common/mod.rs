#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use handoff_figma::Design;
use handoff_templates::{Settings, StringOrList, TeamStandards};

pub const FILE_KEY: &str = "FixtureKey123";

pub fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/figma")
}

/// Every fixture: (file name, parsed design).
pub fn fixtures() -> Vec<(String, Design)> {
    let mut out = Vec::new();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(fixture_dir())
        .expect("fixture dir")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    for path in paths {
        let bytes = std::fs::read(&path).unwrap();
        let design = handoff_figma::parse_design(&bytes)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        out.push((
            path.file_name().unwrap().to_string_lossy().into_owned(),
            design,
        ));
    }
    out
}

pub fn settings() -> Settings {
    Settings {
        file_key: FILE_KEY.into(),
        today: Some("2026-11-25".into()),
        team_standards: TeamStandards {
            tech_stack: Some(StringOrList::Many(vec![
                "React".into(),
                "TypeScript".into(),
            ])),
            ..TeamStandards::default()
        },
        ..Settings::default()
    }
}

/// A count that disagrees with its noun: `1 story points`, `over 1 items`, `1 layers`, or a
/// hedged `interaction(s)`. Returns the offending text.
pub fn count_word_mismatch(text: &str) -> Option<String> {
    const PLURALS: &[&str] = &[
        "story points",
        "points",
        "items",
        "layers",
        "variants",
        "properties",
        "interactions",
        "criteria",
        "deliverables",
        "components",
        "frames",
        "nodes",
        "hours",
        "tests",
        "children",
    ];
    if let Some(at) = text.find("(s)") {
        return Some(text[at.saturating_sub(30)..at + 3].to_owned());
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    for (at, word) in words.iter().enumerate() {
        let number = word.trim_start_matches(['(', '*', '|']);
        if number != "1" {
            continue;
        }
        let rest = words[at + 1..words.len().min(at + 3)].join(" ");
        let rest = rest.trim_end_matches(|c: char| !c.is_alphanumeric());
        for plural in PLURALS {
            if rest == *plural || rest.starts_with(&format!("{plural} ")) {
                return Some(format!("1 {rest}"));
            }
        }
    }
    None
}
