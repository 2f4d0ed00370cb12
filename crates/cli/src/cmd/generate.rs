//! `handoff generate FILE|URL --platform P --type T`: tickets from a saved Figma response or a
//! figma.com link.

use std::path::PathBuf;

use handoff_templates::render::render_ticket;
use handoff_templates::{
    Children, DocumentType, OutputFormat, Overrides, Request, Resolved, Settings, StringOrList,
    TeamStandards, TemplateKey, default_subject, find_node, generate_epic, top_level_frames,
};

use super::{CliError, ConfigArgs, design_input};

#[derive(clap::Args)]
pub struct Args {
    /// A saved `GET /v1/files/:key` or `/nodes` response or plugin payload (`-` reads stdin), or
    /// a figma.com link (fetched with the configured `figma_token`; `node-id=` selects nodes).
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
    /// The Figma file key, for design links (a link carries its own; a saved response does not).
    #[arg(long)]
    file_key: Option<String>,
    /// Project name (default: the file name).
    #[arg(long)]
    project: Option<String>,
    /// For `--type epic`: the document type of each child (default: story, or the first of
    /// component, feature, documentation the platform has a template for).
    #[arg(long)]
    child_type: Option<String>,
    /// Write here instead of stdout.
    #[arg(long, short)]
    out: Option<PathBuf>,
    #[command(flatten)]
    config: ConfigArgs,
}

pub fn run(args: Args) -> Result<(), CliError> {
    let key = TemplateKey::parse(&args.platform, &args.document_type).map_err(CliError::input)?;
    let input = design_input::load(&args.input, &args.config)?;
    let design = &*input.design;
    let registry = super::templates::registry(args.templates_dirs.clone())?;
    let settings = Settings {
        file_key: args
            .file_key
            .clone()
            .or_else(|| input.file_key.clone())
            .unwrap_or_default(),
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
    // Nodes named on the command line, else those the link selected (an epic spans the file).
    let wanted = if args.nodes.is_empty() && key.document_type != DocumentType::Epic {
        &input.node_ids
    } else {
        &args.nodes
    };
    let mut nodes = Vec::new();
    for id in wanted {
        nodes.push(find_node(design, id).map_err(CliError::input)?);
    }

    let output = if key.document_type == DocumentType::Epic {
        if nodes.is_empty() {
            nodes = top_level_frames(design);
        }
        let child_type = match &args.child_type {
            Some(name) => DocumentType::parse(name).map_err(CliError::input)?,
            None => registry.epic_child_type(key.platform),
        };
        let children = Children {
            document_type: child_type,
            overrides: &overrides,
        };
        let epic = generate_epic(&registry, design, &nodes, children, request)
            .map_err(CliError::runtime)?;
        let resolved = request.resolve(&registry).map_err(CliError::input)?;
        let format = output_format(args.format.as_deref(), &resolved)?;
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
                default_subject(design)
                    .ok_or_else(|| CliError::input("the design has no nodes"))?,
            );
        }
        let resolved = request.resolve(&registry).map_err(CliError::input)?;
        let format = output_format(args.format.as_deref(), &resolved)?;
        let tickets = resolved
            .tickets(design, &nodes)
            .map_err(CliError::runtime)?;
        let parts = tickets
            .iter()
            .map(|ticket| render_ticket(ticket, format))
            .collect();
        join(parts, format)
    };
    write_output(&output, args.out.as_ref())
}

fn output_format(
    requested: Option<&str>,
    resolved: &Resolved<'_>,
) -> Result<OutputFormat, CliError> {
    match requested {
        Some(name) => OutputFormat::parse(name).map_err(CliError::input),
        None => Ok(resolved.default_format()),
    }
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
        None => super::print_output(output),
    }
}
