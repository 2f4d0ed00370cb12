//! Shared helpers for the analysis tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use handoff_figma::Design;

pub fn fixture(name: &str) -> Design {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let bytes = std::fs::read(&path).unwrap();
    handoff_figma::parse_design(&bytes).unwrap()
}

pub fn shop() -> Design {
    fixture("shop.file.json")
}

/// The real Figma responses shared by the whole project.
pub fn shared_fixtures() -> Vec<(String, Design)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/figma");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let design = handoff_figma::parse_design(&std::fs::read(&p).unwrap()).unwrap();
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                design,
            )
        })
        .collect()
}
