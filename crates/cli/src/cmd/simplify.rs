//! `handoff simplify`: the design context of a saved Figma response (or a
//! plugin payload), offline.

use std::io::{Read, Write};

use handoff_figma::{ContextOptions, Design, Format, ParseError, design_context};

use super::CliError;

/// Inputs larger than this get a progress bar while being read.
const PROGRESS_THRESHOLD: u64 = 50 * 1024 * 1024;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// A saved `GET /v1/files/:key` or `/nodes` response (or a plugin
    /// `frameData` payload); `-` reads standard input.
    #[arg(value_name = "FILE|-")]
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
}

fn parse_format(text: &str) -> Result<Format, String> {
    text.parse()
}

pub fn run(args: Args) -> Result<(), CliError> {
    if looks_like_url(&args.input) {
        return Err(CliError::input(format!(
            "`{}` is a Figma link: `handoff simplify` works offline on a saved response. \
             Save it with the Figma REST API (GET /v1/files/:key or /nodes) and pass the file, \
             or use `handoff serve` (REST/MCP) for live files",
            args.input
        )));
    }
    let bytes = read_input(&args.input)?;
    let design = parse(&bytes)
        .map_err(|error| CliError::input(format!("{}: {error}", display_name(&args.input))))?;
    // The design owns its strings: free the input before building the context.
    drop(bytes);
    let options = ContextOptions {
        node_ids: args.nodes,
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
    Ok(())
}

fn looks_like_url(input: &str) -> bool {
    input.starts_with("http://") || input.starts_with("https://") || input.contains("figma.com/")
}

fn display_name(input: &str) -> &str {
    if input == "-" { "<stdin>" } else { input }
}

/// A REST response, else a plugin payload; the REST error wins when neither parses.
fn parse(bytes: &[u8]) -> Result<Design, ParseError> {
    match handoff_figma::parse_design(bytes) {
        Err(error @ ParseError::NotFigma { .. }) => {
            handoff_figma::parse_plugin_payload(bytes).map_err(|_| error)
        }
        other => other,
    }
}

fn read_input(input: &str) -> Result<Vec<u8>, CliError> {
    if input == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .read_to_end(&mut bytes)
            .map_err(|error| CliError::input(format!("cannot read standard input: {error}")))?;
        return Ok(bytes);
    }
    let unreadable =
        |error: std::io::Error| CliError::input(format!("cannot read `{input}`: {error}"));
    let mut file = std::fs::File::open(input).map_err(unreadable)?;
    let size = file.metadata().map_err(unreadable)?.len();
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    if size <= PROGRESS_THRESHOLD {
        file.read_to_end(&mut bytes).map_err(unreadable)?;
        return Ok(bytes);
    }
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(size),
        indicatif::ProgressDrawTarget::stderr(),
    );
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("reading {bytes}/{total_bytes} {wide_bar} {eta}")
    {
        bar.set_style(style);
    }
    let mut chunk = vec![0u8; 8 * 1024 * 1024];
    loop {
        let read = file.read(&mut chunk).map_err(unreadable)?;
        if read == 0 {
            break;
        }
        bytes.extend_from_slice(chunk.get(..read).unwrap_or_default());
        bar.inc(read as u64);
    }
    bar.finish_and_clear();
    Ok(bytes)
}
