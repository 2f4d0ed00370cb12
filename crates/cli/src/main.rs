//! The `handoff` command. Thin: parses arguments and calls into the library crates.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use mimalloc::MiMalloc;

mod cmd;

#[global_allocator]
static GLOBAL: MiMalloc = MiMalloc;

#[derive(Parser)]
#[command(
    name = "handoff",
    version,
    // `handoff serve --version` answers too, as people type it when reporting a bug.
    propagate_version = true,
    about = "Figma designs to tickets, docs and design context"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the HTTP API, the legacy plugin contract and MCP over streamable HTTP.
    Serve(cmd::serve::Args),
    /// Print the effective configuration (secrets redacted).
    Config(cmd::config::Args),
    /// Serve MCP over stdio (for Claude Desktop, Cursor, VS Code); logs go to stderr.
    Mcp(cmd::mcp::Args),
    /// Print the design context of a saved Figma response or a figma.com link.
    Simplify(cmd::simplify::Args),
    /// Analyse a saved Figma response or a figma.com link: project, tokens, compliance, health,
    /// effort, relationships.
    Analyze(cmd::analyze::Args),
    /// Manage users in the store (with the embedded store held by `handoff serve`, through it).
    Users(cmd::users::Args),
    /// Manage API keys (`hk_…`), shown once at creation.
    Keys(cmd::keys::Args),
    /// Export, import or migrate the store (embedded ↔ Redis).
    Store(cmd::store::Args),
    /// List, show and validate ticket templates.
    Templates(cmd::templates::Args),
    /// Generate tickets or docs from a saved Figma response or a figma.com link.
    Generate(cmd::generate::Args),
    /// Print a shell completion script, e.g. `handoff completions bash > ~/.local/share/bash-completion/completions/handoff`.
    Completions(cmd::completions::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve(args) => cmd::serve::run(args),
        Command::Config(args) => cmd::config::run(args),
        Command::Mcp(args) => cmd::mcp::run(args),
        Command::Simplify(args) => cmd::simplify::run(args),
        Command::Analyze(args) => cmd::analyze::run(args),
        Command::Users(args) => cmd::users::run(args),
        Command::Keys(args) => cmd::keys::run(args),
        Command::Store(args) => cmd::store::run(args),
        Command::Templates(args) => cmd::templates::run(args),
        Command::Generate(args) => cmd::generate::run(args),
        Command::Completions(args) => cmd::completions::run::<Cli>(args),
    };
    cmd::finish(result)
}
