//! `handoff analyze`: design analysis reports of a saved Figma response or a figma.com link.

use std::num::NonZeroU32;

use super::{CliError, ConfigArgs, design_input};
use clap::builder::TypedValueParser as _;
use handoff_analysis::{
    CategoryFilter, DesignSystem, RelationshipOptions, ReportKind, ReportOption, ReportOptions,
    Scope, TokenFormat, parse_dtcg, run_report,
};

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputFormat {
    Json,
    Md,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// A saved `GET /v1/files/:key` or `/nodes` response (or a plugin payload), `-` for stdin, or a
    /// figma.com link / file key (fetched with the configured Figma token).
    #[arg(value_name = "FILE|-")]
    pub input: String,
    /// Which report to produce.
    #[arg(
        long,
        default_value = "project",
        value_parser = clap::builder::PossibleValuesParser::new(ReportKind::ALL.map(ReportKind::as_str))
            .try_map(|name| name.parse::<ReportKind>()),
    )]
    pub report: ReportKind,
    /// Analyse only this node and its subtree (repeatable; `1:2` or `1-2`).
    #[arg(long = "node", value_name = "ID")]
    pub nodes: Vec<String>,
    /// Output: JSON (the report struct) or Markdown.
    #[arg(long, value_enum, default_value = "md")]
    pub format: OutputFormat,
    /// Compliance: check against this W3C design token (DTCG) file instead of the file's own styles.
    #[arg(long, value_name = "FILE")]
    pub tokens: Option<String>,
    /// Compliance: check against the styles and variables of another saved Figma file.
    #[arg(long, value_name = "FILE", conflicts_with = "tokens")]
    pub against: Option<String>,
    /// Tokens: print the tokens in this format instead of the report
    /// (dtcg, css, tailwind, tailwind-v3, scss).
    #[arg(long, value_name = "FORMAT", value_parser = parse_token_format)]
    pub token_format: Option<TokenFormat>,
    /// Relationships: levels of the component graph to include (1 = the components used outside
    /// any component definition, 2 = also those they use, …; default all).
    #[arg(long, value_name = "N", value_parser = parse_depth)]
    pub depth: Option<NonZeroU32>,
    /// Compliance and health: report and score only this category (repeatable; compliance: color,
    /// typography, spacing, radius, effects, components; health: naming, token_usage,
    /// component_metadata, accessibility, consistency, coverage).
    #[arg(long = "category", value_name = "NAME")]
    pub categories: Vec<String>,
    /// Compliance and health: findings listed per category (default 50; every finding is counted).
    #[arg(long, value_name = "N")]
    pub max_findings: Option<usize>,
    #[command(flatten)]
    pub config: ConfigArgs,
}

fn parse_token_format(text: &str) -> Result<TokenFormat, String> {
    text.parse()
}

fn parse_depth(text: &str) -> Result<NonZeroU32, String> {
    text.parse()
        .map_err(|_| format!("expected a whole number from 1, got {text:?}"))
}

pub fn run(args: Args) -> Result<(), CliError> {
    let given = [
        (
            "--tokens/--against",
            ReportOption::DesignSystem,
            args.tokens.is_some() || args.against.is_some(),
        ),
        (
            "--token-format",
            ReportOption::TokenFormat,
            args.token_format.is_some(),
        ),
        ("--depth", ReportOption::Depth, args.depth.is_some()),
        (
            "--category",
            ReportOption::Categories,
            !args.categories.is_empty(),
        ),
        (
            "--max-findings",
            ReportOption::MaxFindings,
            args.max_findings.is_some(),
        ),
    ];
    for (flag, option, is_given) in given {
        if let (true, Err(readers)) = (is_given, option.check(args.report)) {
            return Err(CliError::input(format!("{flag} applies only to {readers}")));
        }
    }
    let categories = CategoryFilter::parse(&args.categories, args.report.categories())
        .map_err(|err| CliError::input(format!("--category: {err}")))?;
    let input = design_input::load(&args.input, &args.config)?;
    let design = &*input.design;
    let scope = Scope::of(design, &args.nodes).map_err(CliError::input)?;
    let imported;
    let other;
    let system = if let Some(path) = &args.tokens {
        let bytes = super::local_input::read_local(path)?;
        imported = parse_dtcg(&bytes).map_err(|e| CliError::input(format!("{path}: {e}")))?;
        for reason in &imported.skipped {
            eprintln!("note: {path}: skipped {reason}");
        }
        DesignSystem::Tokens(&imported.tokens)
    } else if let Some(path) = &args.against {
        other = design_input::load(path, &args.config)?;
        DesignSystem::Other(&other.design)
    } else {
        DesignSystem::Own
    };
    let options = ReportOptions {
        system,
        token_format: args.token_format,
        relationships: RelationshipOptions { depth: args.depth },
        ..ReportOptions::default()
    }
    .with_categories(categories)
    .with_max_findings(args.max_findings);
    let result = run_report(design, &scope, args.report, &options);
    let output = match result.exported {
        Some(exported) => exported,
        None if args.format == OutputFormat::Json => {
            serde_json::to_string_pretty(&result.report)
                .map_err(|e| CliError::runtime(format!("cannot render the report: {e}")))?
        }
        None => result.report.to_markdown(),
    };
    super::print_output(&output)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn args(input: &str) -> Args {
        Args {
            input: input.to_owned(),
            report: ReportKind::Project,
            nodes: Vec::new(),
            format: OutputFormat::Md,
            tokens: None,
            against: None,
            token_format: None,
            depth: None,
            categories: Vec::new(),
            max_findings: None,
            config: ConfigArgs::default(),
        }
    }

    fn fixture() -> String {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../analysis/tests/fixtures/shop.file.json"
        )
        .to_owned()
    }

    fn input_error(result: Result<(), CliError>) -> String {
        let err = result.unwrap_err();
        assert_eq!(err.code, 2, "{}", err.message);
        err.message
    }

    #[test]
    fn unreadable_and_non_figma_files_are_input_errors() {
        assert!(input_error(run(args("/nonexistent/file.json"))).contains("cannot read"));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.json");
        std::fs::write(&path, b"{\"hello\": [1, 2").unwrap();
        input_error(run(args(path.to_str().unwrap())));
    }

    #[test]
    fn an_unknown_node_is_an_input_error() {
        let mut a = args(&fixture());
        a.nodes = vec!["99:99".into()];
        assert!(input_error(run(a)).contains("99:99"));
    }

    #[test]
    fn options_that_do_not_apply_to_the_report_are_rejected() {
        let mut a = args(&fixture());
        a.token_format = Some(TokenFormat::Css);
        assert!(input_error(run(a)).contains("--token-format"));
        let mut a = args(&fixture());
        a.tokens = Some("tokens.json".into());
        assert!(input_error(run(a)).contains("--tokens"));
        let mut a = args(&fixture());
        a.depth = NonZeroU32::new(2);
        assert!(input_error(run(a)).contains("--depth applies only to the relationships report"));
        let mut a = args(&fixture());
        a.categories = vec!["color".into()];
        assert!(
            input_error(run(a))
                .contains("--category applies only to the compliance and health reports")
        );
        let mut a = args(&fixture());
        a.report = ReportKind::Health;
        a.categories = vec!["color".into()];
        assert!(input_error(run(a)).contains("--category: unknown category \"color\""));
        let mut a = args(&fixture());
        a.report = ReportKind::Relationships;
        a.depth = NonZeroU32::new(2);
        assert!(run(a).is_ok());
        let mut a = args(&fixture());
        a.report = ReportKind::Compliance;
        a.categories = vec!["typography".into()];
        assert!(run(a).is_ok());
        let mut a = args(&fixture());
        a.report = ReportKind::Effort;
        a.max_findings = Some(3);
        assert!(
            input_error(run(a))
                .contains("--max-findings applies only to the compliance and health reports")
        );
    }

    #[test]
    fn depth_zero_is_refused_by_the_parser() {
        use clap::Parser;
        #[derive(clap::Parser)]
        struct Cli {
            #[command(flatten)]
            args: Args,
        }
        let parse = |depth: &str| {
            Cli::try_parse_from([
                "analyze",
                "f.json",
                "--report",
                "relationships",
                "--depth",
                depth,
            ])
            .map(|cli| cli.args.depth)
        };
        assert_eq!(parse("3").unwrap(), NonZeroU32::new(3));
        for bad in ["0", "-1", "two", "99999999999"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_bad_token_file_is_an_input_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tokens.json");
        std::fs::write(&path, b"[]").unwrap();
        let mut a = args(&fixture());
        a.report = ReportKind::Compliance;
        a.tokens = Some(path.to_str().unwrap().to_owned());
        assert!(input_error(run(a)).contains("token"));
    }

    #[test]
    fn every_report_runs_on_a_valid_file() {
        for report in ReportKind::ALL {
            for format in [OutputFormat::Json, OutputFormat::Md] {
                let mut a = args(&fixture());
                a.report = report;
                a.format = format;
                a.nodes = vec!["3-0".into()];
                assert!(run(a).is_ok(), "{report:?} {format:?}");
            }
        }
    }
}
