//! Snapshots of every report over every shared Figma fixture (JSON), and of every Markdown
//! rendering over the hand-built fixture.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;

use handoff_analysis::{
    ComplianceOptions, DesignSystem, HealthOptions, Scope, TokenFormat, compliance_report,
    effort_report, export_tokens, health_report, project_report, relationships_report,
    tokens_report,
};

#[test]
fn every_report_over_every_shared_fixture() {
    for (name, design) in common::shared_fixtures() {
        let scope = Scope::whole(&design);
        let name = name.trim_end_matches(".json");
        insta::assert_json_snapshot!(format!("{name}.project"), project_report(&design, &scope));
        insta::assert_json_snapshot!(format!("{name}.tokens"), tokens_report(&design, &scope));
        insta::assert_json_snapshot!(
            format!("{name}.compliance"),
            compliance_report(
                &design,
                &scope,
                &DesignSystem::Own,
                &ComplianceOptions::default()
            )
        );
        insta::assert_json_snapshot!(
            format!("{name}.health"),
            health_report(&design, &scope, &HealthOptions::default())
        );
        insta::assert_json_snapshot!(format!("{name}.effort"), effort_report(&design, &scope));
        insta::assert_json_snapshot!(
            format!("{name}.relationships"),
            relationships_report(&design, &scope, &Default::default())
        );
    }
}

#[test]
fn every_markdown_rendering_and_token_format_of_the_hand_built_file() {
    let design = common::shop();
    let scope = Scope::whole(&design);
    insta::assert_snapshot!(
        "shop.project.md",
        project_report(&design, &scope).to_markdown()
    );
    let tokens = tokens_report(&design, &scope);
    insta::assert_snapshot!("shop.tokens.md", tokens.to_markdown());
    insta::assert_snapshot!(
        "shop.compliance.md",
        compliance_report(
            &design,
            &scope,
            &DesignSystem::Own,
            &ComplianceOptions::default()
        )
        .to_markdown()
    );
    insta::assert_snapshot!(
        "shop.health.md",
        health_report(&design, &scope, &HealthOptions::default()).to_markdown()
    );
    insta::assert_snapshot!(
        "shop.effort.md",
        effort_report(&design, &scope).to_markdown()
    );
    insta::assert_snapshot!(
        "shop.relationships.md",
        relationships_report(&design, &scope, &Default::default()).to_markdown()
    );
    for (label, format) in [
        ("dtcg", TokenFormat::Dtcg),
        ("css", TokenFormat::Css),
        ("tailwind", TokenFormat::Tailwind),
        ("tailwind-v3", TokenFormat::TailwindV3),
        ("scss", TokenFormat::Scss),
    ] {
        insta::assert_snapshot!(
            format!("shop.tokens.{label}"),
            export_tokens(&tokens.tokens, format)
        );
    }
}
