//! `handoff generate FILE --platform P --type T`: tickets from a saved Figma response.

use std::io::{Read, Write};
use std::path::PathBuf;

use handoff_figma::Design;
use handoff_templates::render::render_ticket;
use handoff_templates::{
    Children, DocumentType, OutputFormat, Overrides, Request, Settings, StringOrList,
    TeamStandards, TemplateKey, default_subject, find_node, generate_epic, generate_ticket,
    top_level_frames,
};

use super::CliError;

#[derive(clap::Args)]
pub struct Args {
    /// A saved `GET /v1/files/:key` or `/nodes` response; `-` reads stdin.
    input: String,
    /// jira, confluence, wiki, github, gitlab, linear, notion, azure-devops, figma, aem, trello, asana.
    #[arg(long, short)]
    platform: String,
    /// component, feature, story, bug, epic, documentation, api-spec, design-handoff, pr-template,
    /// issue-template, code (legacy names accepted).
    #[arg(long = "type", short = 't', default_value = "component")]
    document_type: String,
    /// Node id (`1:2` or `1-2`); repeatable. Default: the requested node, or the first component.
    #[arg(long = "node", short = 'n')]
    nodes: Vec<String>,
    /// markdown, jira, adf, confluence, notion, text or json (default: the template's format).
    #[arg(long, short)]
    format: Option<String>,
    /// Team tech stack, e.g. "React, TypeScript" or "AEM".
    #[arg(long)]
    tech_stack: Option<String>,
    /// Template directory searched before the built-ins; repeatable.
    #[arg(long = "templates-dir", value_name = "DIR")]
    templates_dirs: Vec<PathBuf>,
    /// The Figma file key, for design links (not part of a saved response).
    #[arg(long)]
    file_key: Option<String>,
    /// Project name (default: the file name).
    #[arg(long)]
    project: Option<String>,
    /// For `--type epic`: the document type of each child (default story).
    #[arg(long, default_value = "story")]
    child_type: String,
    /// Write here instead of stdout.
    #[arg(long, short)]
    out: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<(), CliError> {
    let key = TemplateKey::parse(&args.platform, &args.document_type).map_err(CliError::input)?;
    let design = load_design(&args.input)?;
    let registry = super::templates::registry(args.templates_dirs.clone())?;
    let settings = Settings {
        file_key: args.file_key.clone().unwrap_or_default(),
        project: handoff_templates::context::ProjectSettings {
            name: args.project.clone(),
            ..Default::default()
        },
        team_standards: TeamStandards {
            tech_stack: args.tech_stack.clone().map(StringOrList::One),
            ..Default::default()
        },
        ..Settings::default()
    };
    if settings.file_key.is_empty() {
        eprintln!("note: no --file-key given, so tickets carry no Figma links");
    }
    let overrides = Overrides::default();
    let request = Request {
        key,
        settings: &settings,
        overrides: &overrides,
    };
    let mut nodes = Vec::new();
    for id in &args.nodes {
        nodes.push(find_node(&design, id).map_err(CliError::input)?);
    }

    let output = if key.document_type == DocumentType::Epic {
        if nodes.is_empty() {
            nodes = top_level_frames(&design);
        }
        let child_type = DocumentType::parse(&args.child_type).map_err(CliError::input)?;
        let children = Children {
            document_type: child_type,
            overrides: &overrides,
        };
        let epic = generate_epic(&registry, &design, &nodes, children, request)
            .map_err(CliError::runtime)?;
        let format = output_format(args.format.as_deref(), &registry, key)?;
        if format == OutputFormat::Json {
            serde_json::to_string_pretty(&epic).map_err(CliError::runtime)?
        } else {
            let mut parts = vec![render_ticket(&epic.epic, format)];
            parts.extend(epic.children.iter().map(|c| render_ticket(c, format)));
            join(parts, format)
        }
    } else {
        if nodes.is_empty() {
            nodes.push(
                default_subject(&design)
                    .ok_or_else(|| CliError::input("the design has no nodes"))?,
            );
        }
        let format = output_format(args.format.as_deref(), &registry, key)?;
        let mut parts = Vec::new();
        for node in nodes {
            let ticket =
                generate_ticket(&registry, &design, node, request).map_err(CliError::runtime)?;
            parts.push(render_ticket(&ticket, format));
        }
        join(parts, format)
    };
    write_output(&output, args.out.as_ref())
}

fn output_format(
    requested: Option<&str>,
    registry: &handoff_templates::Registry,
    key: TemplateKey,
) -> Result<OutputFormat, CliError> {
    if let Some(name) = requested {
        return OutputFormat::parse(name).map_err(CliError::input);
    }
    let template = registry
        .resolve(key, None, &Overrides::default())
        .map_err(CliError::input)?;
    Ok(template
        .spec
        .output
        .format
        .unwrap_or(OutputFormat::Markdown))
}

/// Several documents: JSON formats become one array, text formats are separated by a rule.
fn join(parts: Vec<String>, format: OutputFormat) -> String {
    if parts.len() == 1 {
        return parts.into_iter().next().unwrap_or_default();
    }
    match format {
        OutputFormat::Adf | OutputFormat::Notion | OutputFormat::Json => {
            format!("[{}]", parts.join(","))
        }
        OutputFormat::Confluence => parts.join("<hr />"),
        OutputFormat::Jira => parts.join("\n----\n\n"),
        _ => parts.join("\n---\n\n"),
    }
}

fn write_output(output: &str, path: Option<&PathBuf>) -> Result<(), CliError> {
    match path {
        Some(path) => std::fs::write(path, output)
            .map_err(|e| CliError::runtime(format!("cannot write `{}`: {e}", path.display()))),
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(output.as_bytes())
                .and_then(|()| {
                    if output.ends_with('\n') {
                        Ok(())
                    } else {
                        stdout.write_all(b"\n")
                    }
                })
                .map_err(|e| CliError::runtime(format!("cannot write the output: {e}")))
        }
    }
}

fn load_design(input: &str) -> Result<Design, CliError> {
    if input.starts_with("http://") || input.starts_with("https://") || input.contains("figma.com/")
    {
        return Err(CliError::input(format!(
            "`{input}` is a link: `handoff generate` works offline on a saved Figma response for now. \
             Save it with the Figma REST API (GET /v1/files/:key or /nodes) and pass the file"
        )));
    }
    let bytes = if input == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .read_to_end(&mut bytes)
            .map_err(|e| CliError::input(format!("cannot read standard input: {e}")))?;
        bytes
    } else {
        std::fs::read(input).map_err(|e| CliError::input(format!("cannot read `{input}`: {e}")))?
    };
    let name = if input == "-" { "<stdin>" } else { input };
    handoff_figma::parse_design(&bytes).map_err(|e| CliError::input(format!("{name}: {e}")))
}
