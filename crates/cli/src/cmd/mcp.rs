//! `handoff mcp`: the MCP server over stdin/stdout for local clients (Claude Desktop, Cursor,
//! VS Code). stdout carries the protocol, so logs go to stderr. While a running `handoff serve`
//! holds the embedded store, stdio is bridged to that server's `/mcp` instead (`mcp_bridge`).

use std::sync::Arc;

use handoff_app::App;

use super::running::RunningServer;
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
    let data_dir = config.data_dir.clone();
    runtime.block_on(async move {
        let app = match App::open(config).await {
            Ok(app) => Arc::new(app),
            Err(err) if err.code() == super::STORE_LOCKED => {
                let Some(server) = RunningServer::find(&data_dir).await? else {
                    return Err(CliError::runtime(err));
                };
                tracing::info!(
                    url = %server.info.url,
                    "the running handoff server holds the store; serving MCP through it"
                );
                return super::mcp_bridge::run(server).await;
            }
            Err(err) => return Err(CliError::runtime(err)),
        };
        let served = handoff_mcp::serve_stdio(app.clone())
            .await
            .map_err(CliError::from);
        app.flush().await.map_err(CliError::runtime)?;
        served
    })
}
