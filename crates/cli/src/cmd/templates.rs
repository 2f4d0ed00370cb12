//! `handoff templates list|show|validate`.

use std::path::PathBuf;

use handoff_templates::{Registry, RegistryConfig, TemplateKey};

use super::{CliError, print_output};

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
    /// Extra template directory (searched before the built-ins); repeatable.
    #[arg(long = "templates-dir", value_name = "DIR", global = true)]
    templates_dirs: Vec<PathBuf>,
}

#[derive(clap::Subcommand)]
enum Command {
    /// List every available (platform, document type) template.
    List {
        /// `table` (default) or `json`.
        #[arg(long, default_value = "table")]
        format: String,
    },
    /// Print the source of the template that PLATFORM and TYPE resolve to.
    Show {
        platform: String,
        document_type: String,
    },
    /// Check a template file: YAML, metadata, Jinja syntax, and a render against a sample design.
    Validate { path: PathBuf },
}

pub fn registry(dirs: Vec<PathBuf>) -> Result<Registry, CliError> {
    for dir in &dirs {
        if !dir.is_dir() {
            return Err(CliError::input(format!(
                "template directory `{}` does not exist",
                dir.display()
            )));
        }
    }
    let registry = Registry::new(RegistryConfig {
        template_dirs: dirs,
        ..RegistryConfig::default()
    })
    .map_err(|e| CliError::runtime(format!("built-in templates: {e}")))?;
    for problem in registry.directory_errors() {
        eprintln!("warning: {problem}");
    }
    Ok(registry)
}

pub fn run(args: Args) -> Result<(), CliError> {
    let registry = registry(args.templates_dirs)?;
    match args.command {
        Command::List { format } => list(&registry, &format),
        Command::Show {
            platform,
            document_type,
        } => {
            let key = TemplateKey::parse(&platform, &document_type).map_err(CliError::input)?;
            let template = registry
                .resolve(key, None, &Default::default())
                .map_err(CliError::input)?;
            print_output(&format!(
                "# {} ({}, version {}, source {})\n{}",
                template.spec.id,
                key,
                template.spec.version,
                template.origin.label(),
                serde_saphyr_free_yaml(&template.spec)
            ))
        }
        Command::Validate { path } => {
            let source = std::fs::read_to_string(&path)
                .map_err(|e| CliError::input(format!("cannot read `{}`: {e}", path.display())))?;
            let report = registry.validate(&path.display().to_string(), &source);
            for warning in &report.warnings {
                eprintln!("warning: {warning}");
            }
            if report.is_ok() {
                print_output(&format!("ok: {}", path.display()))
            } else {
                Err(CliError::input(report.errors.join("\n")))
            }
        }
    }
}

fn list(registry: &Registry, format: &str) -> Result<(), CliError> {
    let rows = registry.list();
    match format {
        "json" => {
            let json = serde_json::to_string_pretty(&rows).map_err(CliError::runtime)?;
            print_output(&json)?;
        }
        "table" => {
            let mut table = format!(
                "{:<14} {:<16} {:<32} {:<8} SOURCE\n",
                "PLATFORM", "TYPE", "ID", "VERSION"
            );
            for row in rows {
                table.push_str(&format!(
                    "{:<14} {:<16} {:<32} {:<8} {}\n",
                    row.platform, row.document_type, row.id, row.version, row.source
                ));
            }
            print_output(&table)?;
        }
        other => {
            return Err(CliError::input(format!(
                "unknown --format `{other}` (use table or json)"
            )));
        }
    }
    Ok(())
}

/// The template as its author wrote it: metadata lines, then the content block.
fn serde_saphyr_free_yaml(spec: &handoff_templates::TemplateSpec) -> String {
    let mut out = format!(
        "id: {}\nversion: {:?}\nplatform: {}\ndocument_type: {}\ndescription: {:?}\n",
        spec.id, spec.version, spec.platform, spec.document_type, spec.description
    );
    if let Some(title) = &spec.title {
        out.push_str(&format!("title: {title:?}\n"));
    }
    out.push_str("content: |\n");
    for line in spec.content.lines() {
        out.push_str(&format!("  {line}\n"));
    }
    out
}
