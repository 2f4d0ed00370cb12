//! Reports over frames the Figma plugin sent (no file name, no file): their header says where
//! the design came from instead of an empty bold file name and "whole file" (issue 21 defect 7).
#![allow(clippy::unwrap_used)]

use handoff_analysis::{ReportKind, ReportOptions, Scope, run_report};
use handoff_figma::plugin::parse_plugin_payload;

const PAYLOAD: &str = r#"{"frameData":[{"id":"1:2","name":"Checkout","type":"FRAME","width":375,"height":812,
  "children":[{"id":"1:3","name":"Pay","type":"TEXT","characters":"Pay now","fontSize":16,
  "fills":[{"type":"SOLID","color":{"r":0,"g":0,"b":0,"a":1}}]}]}]}"#;

#[test]
fn every_report_over_plugin_frames_names_its_source() {
    let design = parse_plugin_payload(PAYLOAD.as_bytes()).unwrap();
    assert!(design.file.name.is_empty());
    let scope = Scope::whole(&design);
    for kind in ReportKind::ALL {
        let output = run_report(&design, &scope, kind, &ReportOptions::default());
        let markdown = output.report.to_markdown();
        assert!(
            !markdown.contains("**File**:"),
            "{kind:?} names an empty file: {markdown}"
        );
        assert!(
            markdown.contains("**Source**: the frames selected in the Figma plugin"),
            "{kind:?}: {markdown}"
        );
        assert!(!markdown.contains("whole file"), "{kind:?}: {markdown}");
    }
}

#[test]
fn a_report_over_a_named_file_names_the_file_and_scope() {
    let design = parse_plugin_payload(
        br#"{"frameData":[{"id":"1:2","name":"A","type":"FRAME","width":1,"height":1}],"fileContext":{"fileName":"Shop"}}"#,
    )
    .unwrap();
    assert_eq!(design.file.name, "Shop");
    let output = run_report(
        &design,
        &Scope::whole(&design),
        ReportKind::Project,
        &ReportOptions::default(),
    );
    let markdown = output.report.to_markdown();
    assert!(
        markdown.contains("**File**: Shop (the frames selected in the Figma plugin)"),
        "{markdown}"
    );
}
