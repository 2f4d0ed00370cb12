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
