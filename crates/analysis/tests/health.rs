#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;

use handoff_analysis::health::is_default_layer_name;
use handoff_analysis::{
    CategoryFilter, HealthOptions, HealthReport, Scope, Severity, health_report,
};

fn report() -> HealthReport {
    let design = common::shop();
    health_report(&design, &Scope::whole(&design), &HealthOptions::default())
}

fn findings_for<'a>(
    r: &'a HealthReport,
    node_id: &str,
    category: &str,
) -> Vec<&'a handoff_analysis::Finding> {
    r.findings
        .iter()
        .filter(|f| f.node_id == node_id && f.category == category)
        .collect()
}

#[test]
fn grey_777_text_on_white_fails_contrast_and_595959_passes() {
    let r = report();
    let hint = findings_for(&r, "3:7", "accessibility");
    assert_eq!(hint.len(), 1, "{hint:?}");
    assert_eq!(hint[0].severity, Severity::Error);
    assert!(
        hint[0].found.contains("4.48:1") && hint[0].found.contains("#777777 on #FFFFFF"),
        "{}",
        hint[0].found
    );
    assert!(findings_for(&r, "3:8", "accessibility").is_empty());
    // White label on the #3366CC button (5.45:1) passes.
    assert!(findings_for(&r, "3:2", "accessibility").is_empty());
}

#[test]
fn small_interactive_components_fail_the_touch_target_rule() {
    let r = report();
    let icon = findings_for(&r, "4:0", "accessibility");
    assert!(
        icon.iter()
            .any(|f| f.severity == Severity::Error && f.found.contains("16×16")),
        "{icon:?}"
    );
    // 100×40 passes the 24 px minimum but is below the 44 px recommendation: info only.
    let button = findings_for(&r, "1:1", "accessibility");
    assert!(
        button.iter().all(|f| f.severity == Severity::Info) && !button.is_empty(),
        "{button:?}"
    );
}

#[test]
fn near_duplicate_colours_default_names_and_missing_descriptions_are_found() {
    let r = report();
    let dup = findings_for(&r, "3:10", "consistency");
    assert!(
        dup.iter()
            .any(|f| f.found.contains("#3467CD") && f.found.contains("#3366CC")),
        "{dup:?}"
    );
    assert_eq!(
        findings_for(&r, "4:1", "naming").len(),
        1,
        "Vector is a default name"
    );
    assert_eq!(findings_for(&r, "4:0", "component_metadata").len(), 1);
    assert!(
        findings_for(&r, "1:1", "component_metadata").is_empty(),
        "Button has a description"
    );
    assert_eq!(
        findings_for(&r, "2:0", "component_metadata").len(),
        1,
        "Toggle set has no description"
    );
}

#[test]
fn categories_use_the_documented_weights_and_the_overall_is_their_weighted_mean() {
    let r = report();
    let weights: Vec<(&str, f64)> = r
        .categories
        .iter()
        .map(|c| (c.category.as_str(), c.weight))
        .collect();
    assert_eq!(
        weights,
        [
            ("naming", 0.2),
            ("token_usage", 0.2),
            ("component_metadata", 0.2),
            ("accessibility", 0.15),
            ("consistency", 0.15),
            ("coverage", 0.1)
        ]
    );
    let expected: f64 = r.categories.iter().map(|c| c.score * c.weight).sum::<f64>() / 1.0;
    assert!(
        (r.overall_score - expected).abs() < 0.11,
        "{} vs {expected}",
        r.overall_score
    );
    assert_eq!(r.grade, handoff_analysis::score::Grade::of(r.overall_score));
    for c in &r.categories {
        assert!(c.compliant <= c.total);
        assert!((0.0..=100.0).contains(&c.score));
    }
}

#[test]
fn markdown_keeps_the_legacy_heading_and_table() {
    let md = report().to_markdown();
    assert!(md.starts_with("# 📊 Design System Health Report\n"));
    assert!(md.contains("| Category | Score | Grade | Compliant | Total | Issues |"));
}

#[test]
fn weights_are_configurable() {
    let design = common::shop();
    let options = HealthOptions {
        weights: handoff_analysis::HealthWeights {
            naming: 0.0,
            token_usage: 0.0,
            component_metadata: 0.0,
            accessibility: 1.0,
            consistency: 0.0,
            coverage: 0.0,
        },
        ..HealthOptions::default()
    };
    let r = health_report(&design, &Scope::whole(&design), &options);
    let accessibility = r
        .categories
        .iter()
        .find(|c| c.category == "accessibility")
        .unwrap();
    assert_eq!(r.overall_score, accessibility.score);
}

#[test]
fn default_layer_names_are_recognised() {
    for name in ["Frame", "Frame 12", "Rectangle 3", "Vector", "Group 1"] {
        assert!(is_default_layer_name(name), "{name}");
    }
    for name in ["Header", "Frame of mind", "Rectangle3", "Button 2x", ""] {
        assert!(!is_default_layer_name(name), "{name}");
    }
}

#[test]
fn an_empty_design_scores_without_panicking() {
    let design = handoff_figma::Design::default();
    let r = health_report(&design, &Scope::whole(&design), &HealthOptions::default());
    assert!(r.findings.is_empty());
    assert!((0.0..=100.0).contains(&r.overall_score));
}

#[test]
fn a_category_filter_keeps_those_categories_their_findings_and_their_weighted_mean() {
    let full = report();
    let names: Vec<&str> = full
        .categories
        .iter()
        .map(|c| c.category.as_str())
        .collect();
    assert_eq!(names, handoff_analysis::health::CATEGORIES);

    let design = common::shop();
    let filter = CategoryFilter::parse(
        &["Accessibility", "token-usage"],
        &handoff_analysis::health::CATEGORIES,
    )
    .unwrap();
    let options = HealthOptions {
        categories: filter,
        ..HealthOptions::default()
    };
    let r = health_report(&design, &Scope::whole(&design), &options);
    let kept: Vec<&str> = r.categories.iter().map(|c| c.category.as_str()).collect();
    assert_eq!(
        kept,
        ["token_usage", "accessibility"],
        "report order, not request order"
    );
    for c in &r.categories {
        assert_eq!(
            Some(c),
            full.categories.iter().find(|f| f.category == c.category),
            "a kept category scores as in the full report"
        );
    }
    let (a, t) = (&r.categories[0], &r.categories[1]);
    let mean = (a.score * a.weight + t.score * t.weight) / (a.weight + t.weight);
    assert!(
        (r.overall_score - mean).abs() < 0.051,
        "{} vs {mean}",
        r.overall_score
    );
    assert!(
        r.findings
            .iter()
            .all(|f| kept.contains(&f.category.as_str()))
    );
    assert!(r.findings.iter().any(|f| f.category == "accessibility"));
    assert!(
        full.findings
            .iter()
            .any(|f| !kept.contains(&f.category.as_str()))
    );
    assert!(
        r.top_issues
            .iter()
            .all(|f| kept.contains(&f.category.as_str()))
    );
}

#[test]
fn max_findings_lists_fewer_and_counts_them_all() {
    let design = common::shop();
    let full = report();
    let options = handoff_analysis::ReportOptions::default().with_max_findings(Some(1));
    let r = health_report(&design, &Scope::whole(&design), &options.health);
    for c in &r.categories {
        let listed = r
            .findings
            .iter()
            .filter(|f| f.category == c.category)
            .count();
        assert!(listed <= 1, "{}: {listed}", c.category);
        assert_eq!(listed, usize::from(c.issues > 0), "{}", c.category);
    }
    assert_eq!(
        r.categories, full.categories,
        "scores do not depend on what is listed"
    );
    let listed = r.findings.len() as u64;
    assert!(listed < full.findings.len() as u64);
    assert_eq!(
        listed + r.findings_not_listed,
        full.findings.len() as u64 + full.findings_not_listed
    );
    let unlimited = handoff_analysis::ReportOptions::default().with_max_findings(None);
    assert_eq!(
        health_report(&design, &Scope::whole(&design), &unlimited.health),
        full,
        "no maximum keeps the default"
    );
}
