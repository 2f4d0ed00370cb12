//! Prints the design context of a saved Figma response, for quick manual
//! checks without building the whole `handoff` binary:
//! `cargo run -p handoff-figma --example context -- FILE [tree|yaml|json] [MAX_BYTES]`.

use std::process::ExitCode;

// Same allocator as the `handoff` binary, so timings match it.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use handoff_figma::{ContextOptions, design_context, parse_design};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: context FILE [tree|yaml|json] [MAX_BYTES]");
        return ExitCode::from(2);
    };
    let format = args
        .next()
        .and_then(|format| format.parse().ok())
        .unwrap_or_default();
    let max_bytes = args
        .next()
        .and_then(|bytes| bytes.parse().ok())
        .unwrap_or(usize::MAX);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(error) => {
            eprintln!("{path}: {error}");
            return ExitCode::from(2);
        }
    };
    let started = std::time::Instant::now();
    let design = match parse_design(&bytes) {
        Ok(design) => design,
        Err(error) => {
            eprintln!("{path}: {error}");
            return ExitCode::from(2);
        }
    };
    let parsed = started.elapsed();
    let options = ContextOptions {
        format,
        max_bytes,
        ..ContextOptions::default()
    };
    let timing = std::env::var_os("HANDOFF_TIMING").is_some();
    if timing {
        eprintln!(
            "parsed: {} nodes, Node {} B, {}",
            design.nodes.len(),
            std::mem::size_of::<handoff_figma::model::Node>(),
            memory()
        );
    }
    drop(bytes);
    let result = design_context(&design, &options);
    if timing {
        eprintln!(
            "parse {parsed:?}, context {:?}, {}",
            started.elapsed() - parsed,
            memory()
        );
    }
    match result {
        Ok(context) => {
            print!("{}", context.text);
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("{error}");
            ExitCode::from(2)
        }
    }
}

/// Current and peak resident memory (Linux), for `HANDOFF_TIMING`.
fn memory() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .filter(|line| line.starts_with("VmRSS") || line.starts_with("VmHWM"))
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join(", ")
}
