#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;

use handoff_analysis::{
    CategoryFilter, ComplianceOptions, ComplianceReport, DesignSystem, Scope, compliance_report,
    parse_dtcg,
};

fn own() -> ComplianceReport {
    let design = common::shop();
    compliance_report(
        &design,
        &Scope::whole(&design),
        &DesignSystem::Own,
        &ComplianceOptions::default(),
    )
}

fn category<'a>(r: &'a ComplianceReport, name: &str) -> &'a handoff_analysis::score::CategoryScore {
    r.categories.iter().find(|c| c.category == name).unwrap()
}

#[test]
fn against_its_own_styles_bound_and_matching_values_comply() {
    let r = own();
    let colour_findings: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.category == "color")
        .collect();
    // The detached button uses #3366CC without the style: same value as Brand/Primary, so it complies.
    assert!(
        colour_findings
            .iter()
            .all(|f| f.node_id != "3:5" && f.node_id != "1:1" && f.node_id != "3:10")
    );
    let hint = colour_findings.iter().find(|f| f.node_id == "3:7").unwrap();
    assert!(hint.suggestion.contains("Use `"), "{}", hint.suggestion);
    assert!(hint.delta_e.unwrap() > 1.0);
    // Every finding has the documented shape.
    for f in &r.findings {
        assert!(!f.node_id.is_empty() && !f.found.is_empty() && !f.suggestion.is_empty());
    }
}

#[test]
fn unstyled_text_is_matched_to_the_nearest_text_style() {
    let r = own();
    let typo: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.category == "typography")
        .collect();
    let hint = typo.iter().find(|f| f.node_id == "3:7").unwrap();
    assert_eq!(hint.found, "Inter 400 16px");
    assert!(hint.suggestion.contains("Body/Medium"));
    assert!(
        typo.iter().all(|f| f.node_id != "3:6"),
        "styled text complies"
    );
}

#[test]
fn a_detached_copy_counts_against_components() {
    let r = own();
    let c = category(&r, "components");
    assert_eq!((c.compliant, c.total), (2, 3));
    assert!(
        r.findings
            .iter()
            .any(|f| f.category == "components" && f.node_id == "3:5")
    );
}

#[test]
fn a_supplied_token_file_is_used_instead_of_the_files_styles() {
    let design = common::shop();
    let tokens = parse_dtcg(
        br##"{"color": {"$type": "color", "brand": {"$value": "#3366cc"}, "ink": {"$value": "#595959"}, "paper": {"$value": "#ffffff"}},
             "spacing": {"$type": "dimension", "s": {"$value": "8px"}, "m": {"$value": "16px"}},
             "radius": {"$type": "dimension", "md": {"$value": "8px"}}}"##,
    )
    .unwrap();
    let r = compliance_report(
        &design,
        &Scope::whole(&design),
        &DesignSystem::Tokens(&tokens.tokens),
        &ComplianceOptions::default(),
    );
    let colour: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.category == "color")
        .map(|f| f.node_id.as_str())
        .collect();
    // #3467CD is within ΔE 1 of brand; #777777 is not close to anything.
    assert!(
        !colour.contains(&"3:10") && colour.contains(&"3:7") && !colour.contains(&"3:8"),
        "{colour:?}"
    );
    let radius = category(&r, "radius");
    // Radii used: 8 (button ×1 outside instances + detached copy), 14 (two tracks), 7 (accent).
    assert!(radius.compliant < radius.total);
    assert!(r.findings.iter().any(|f| f.category == "radius"
        && f.found == "radius 7px"
        && f.suggestion.contains("radius/md")));
    assert_eq!(r.system_tokens, 6);
}

#[test]
fn another_design_can_be_the_design_system() {
    let design = common::shop();
    let library = handoff_figma::Design::default();
    let r = compliance_report(
        &design,
        &Scope::whole(&design),
        &DesignSystem::Other(&library),
        &ComplianceOptions::default(),
    );
    // An empty library has no colours: every colour usage fails, with a clear reason.
    assert_eq!(category(&r, "color").compliant, 0);
    assert!(
        r.findings
            .iter()
            .any(|f| f.suggestion.contains("defines no colours"))
    );
}

#[test]
fn markdown_keeps_the_legacy_headings() {
    let md = own().to_markdown();
    for heading in [
        "# Design System Compliance Report",
        "Overall Compliance Score",
        "Color Compliance",
        "Typography Compliance",
    ] {
        assert!(md.contains(heading), "{heading} missing");
    }
}

#[test]
fn a_category_filter_scores_only_the_categories_asked_for() {
    let full = own();
    let names: Vec<&str> = full
        .categories
        .iter()
        .map(|c| c.category.as_str())
        .collect();
    assert_eq!(names, handoff_analysis::compliance::CATEGORIES);

    let design = common::shop();
    let options = ComplianceOptions {
        categories: CategoryFilter::parse(&["color"], &handoff_analysis::compliance::CATEGORIES)
            .unwrap(),
        ..ComplianceOptions::default()
    };
    let r = compliance_report(
        &design,
        &Scope::whole(&design),
        &DesignSystem::Own,
        &options,
    );
    assert_eq!(r.categories.len(), 1);
    assert_eq!(&r.categories[0], category(&full, "color"));
    assert!((r.overall_score - r.categories[0].score).abs() < 0.051);
    assert!(r.findings.iter().all(|f| f.category == "color"));
    let md = r.to_markdown();
    assert!(md.contains("Color Compliance"), "{md}");
    assert!(!md.contains("Typography Compliance"), "{md}");
}

/// Issue 21, defect 10: an alpha difference is reported apart from ΔE2000, not folded into it.
#[test]
fn alpha_difference_is_reported_apart_from_delta_e() {
    let json = serde_json::json!({"name": "alpha", "document": {"id": "0:0", "name": "D", "type": "DOCUMENT", "children": [
        {"id": "0:1", "name": "P", "type": "CANVAS", "children": [
            {"id": "1:1", "name": "Scrim", "type": "RECTANGLE",
             "fills": [{"type": "SOLID", "opacity": 0.1, "color": {"r": 0, "g": 0, "b": 0, "a": 1}}]},
            {"id": "1:2", "name": "Ink", "type": "RECTANGLE",
             "fills": [{"type": "SOLID", "color": {"r": 0, "g": 0, "b": 0, "a": 1}}]}
        ]}
    ]}});
    let design = handoff_figma::parse_design(json.to_string().as_bytes()).unwrap();
    let tokens =
        parse_dtcg(br##"{"color": {"$type": "color", "black": {"$value": "#000000"}}}"##).unwrap();
    let r = compliance_report(
        &design,
        &Scope::whole(&design),
        &DesignSystem::Tokens(&tokens.tokens),
        &ComplianceOptions::default(),
    );
    let colour: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.category == "color")
        .collect();
    assert_eq!(colour.len(), 1, "{colour:?}");
    let scrim = colour[0];
    assert_eq!(scrim.node_id, "1:1");
    assert_eq!(scrim.delta_e, Some(0.0), "the colours are equal");
    assert_eq!(scrim.alpha_difference, Some(0.9));
    assert!(
        scrim
            .suggestion
            .contains("ΔE2000 0.00, alpha differs by 0.90"),
        "{}",
        scrim.suggestion
    );
}
