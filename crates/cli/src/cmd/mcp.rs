//! `handoff mcp`: the MCP server over stdin/stdout for local clients (Claude Desktop, Cursor,
//! VS Code). stdout carries the protocol, so logs go to stderr.

use std::sync::Arc;

use handoff_app::App;

use super::{CliError, ConfigArgs};

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub config: ConfigArgs,
}

pub fn run(args: Args) -> Result<(), CliError> {
    let config = args.config.load()?;
    super::init_logging(&config, super::LogTarget::Stderr);
    let runtime = super::runtime()?;
    runtime.block_on(async move {
        let app = Arc::new(App::open(config).await.map_err(CliError::runtime)?);
        let served = handoff_mcp::serve_stdio(app.clone())
            .await
            .map_err(CliError::from);
        app.flush().await.map_err(CliError::runtime)?;
        served
    })
}
