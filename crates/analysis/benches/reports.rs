//! All six reports over a generated Figma file (parsing excluded).
//!
//! Generate the input once:
//! `python3 /work/shared/fixtures/gen_figma.py --nodes 100000 --seed 1 --out bench/out/gen-100k.json`
//! and run `cargo bench -p handoff-analysis --bench reports`. `HANDOFF_BENCH_FILE` overrides the path.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::sync::LazyLock;

use handoff_analysis::{
    Analyzer, ComplianceOptions, DesignSystem, HealthOptions, Scope, compliance_report,
    effort_report, health_report, project_report, relationships_report, tokens_report,
};
use handoff_figma::Design;

fn main() {
    divan::main();
}

static DESIGN: LazyLock<Design> = LazyLock::new(|| {
    let path = std::env::var_os("HANDOFF_BENCH_FILE")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../bench/out/gen-100k.json")
        });
    let bytes = std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (see the header of benches/reports.rs)",
            path.display()
        )
    });
    handoff_figma::parse_design(&bytes).unwrap()
});

/// The six reports from one [`Analyzer`], which computes what they share once (how
/// `run_report` callers asking for several reports should do it).
#[divan::bench(sample_count = 5)]
fn all_six_reports() -> usize {
    let design = &*DESIGN;
    let scope = Scope::whole(design);
    let analyzer = Analyzer::new(design, &scope);
    let project = analyzer.project();
    let tokens = analyzer.tokens();
    let compliance = analyzer.compliance(&DesignSystem::Own, &ComplianceOptions::default());
    let health = analyzer.health(&HealthOptions::default());
    let effort = analyzer.effort();
    let relationships = analyzer.relationships(&Default::default());
    divan::black_box((
        &project,
        &tokens,
        &compliance,
        &health,
        &effort,
        &relationships,
    ));
    project.nodes as usize
}

/// The six reports through their entry functions, each starting from scratch.
#[divan::bench(sample_count = 5)]
fn all_six_reports_separately() -> usize {
    let design = &*DESIGN;
    let scope = Scope::whole(design);
    let project = project_report(design, &scope);
    let tokens = tokens_report(design, &scope);
    let compliance = compliance_report(
        design,
        &scope,
        &DesignSystem::Own,
        &ComplianceOptions::default(),
    );
    let health = health_report(design, &scope, &HealthOptions::default());
    let effort = effort_report(design, &scope);
    let relationships = relationships_report(design, &scope, &Default::default());
    divan::black_box((
        &project,
        &tokens,
        &compliance,
        &health,
        &effort,
        &relationships,
    ));
    project.nodes as usize
}

#[divan::bench(sample_count = 5)]
fn project(bencher: divan::Bencher) {
    let design = &*DESIGN;
    bencher.bench(|| project_report(design, &Scope::whole(design)));
}

#[divan::bench(sample_count = 5)]
fn tokens(bencher: divan::Bencher) {
    let design = &*DESIGN;
    bencher.bench(|| tokens_report(design, &Scope::whole(design)));
}

#[divan::bench(sample_count = 5)]
fn compliance(bencher: divan::Bencher) {
    let design = &*DESIGN;
    bencher.bench(|| {
        compliance_report(
            design,
            &Scope::whole(design),
            &DesignSystem::Own,
            &ComplianceOptions::default(),
        )
    });
}

#[divan::bench(sample_count = 5)]
fn health(bencher: divan::Bencher) {
    let design = &*DESIGN;
    bencher.bench(|| health_report(design, &Scope::whole(design), &HealthOptions::default()));
}

#[divan::bench(sample_count = 5)]
fn effort(bencher: divan::Bencher) {
    let design = &*DESIGN;
    bencher.bench(|| effort_report(design, &Scope::whole(design)));
}

#[divan::bench(sample_count = 5)]
fn relationships(bencher: divan::Bencher) {
    let design = &*DESIGN;
    bencher.bench(|| relationships_report(design, &Scope::whole(design), &Default::default()));
}
