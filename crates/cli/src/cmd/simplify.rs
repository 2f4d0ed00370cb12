//! `handoff simplify`: the design context of a saved Figma response, a plugin payload or a live
//! Figma file.

use std::io::Write;

use handoff_figma::{ContextOptions, Format, design_context};

use super::{CliError, ConfigArgs, design_input};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// A saved `GET /v1/files/:key` or `/nodes` response (or a plugin
    /// `frameData` payload), `-` for standard input, or a figma.com link / file key
    /// (fetched with the configured `figma_token`, cached in the store).
    #[arg(value_name = "FILE|URL|-")]
    pub input: String,
    /// Render only this node and its subtree (repeatable; `1:2`, `1-2`, `I1:2;3:4`).
    #[arg(long = "node", value_name = "ID")]
    pub nodes: Vec<String>,
    /// Levels to show below each root (1 = roots only).
    #[arg(long, value_name = "N")]
    pub depth: Option<u32>,
    /// Output format: tree, yaml or json.
    #[arg(long, default_value = "tree", value_parser = parse_format)]
    pub format: Format,
    /// Hard upper bound on the output size; larger contexts are paged.
    #[arg(long, value_name = "N", default_value_t = handoff_figma::context::DEFAULT_MAX_BYTES)]
    pub max_bytes: usize,
    /// Continue a paged context: the NEXT_CURSOR of the previous page.
    #[arg(long, value_name = "CURSOR")]
    pub cursor: Option<String>,
    #[command(flatten)]
    pub config: ConfigArgs,
}

fn parse_format(text: &str) -> Result<Format, String> {
    text.parse()
}

pub fn run(args: Args) -> Result<(), CliError> {
    let input = design_input::load(&args.input, &args.config)?;
    // Nodes named on the command line win over the ones a link carries.
    let node_ids = if args.nodes.is_empty() {
        input.node_ids
    } else {
        args.nodes
    };
    let design = input.design;
    let options = ContextOptions {
        node_ids,
        depth: args.depth,
        format: args.format,
        max_bytes: args.max_bytes,
        cursor: args.cursor,
    };
    let context = design_context(&design, &options).map_err(CliError::input)?;
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(context.text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|error| CliError::runtime(format!("cannot write the output: {error}")))?;
    if let Some(cursor) = &context.next_cursor {
        eprintln!(
            "note: output paged at {} bytes (nodes {}-{} of {}); next page: --cursor {cursor}",
            options.max_bytes,
            context.first_node + 1,
            context.first_node + context.page_nodes,
            context.total_nodes
        );
    }
    // The process ends right after this command: freeing a large design node
    // by node would only delay the exit (tens of ms for 100k nodes).
    std::mem::forget(design);
    std::mem::forget(context);
    Ok(())
}
