//! `handoff serve`: the HTTP API, the legacy plugin contract and MCP on one port.

use std::sync::Arc;

use handoff_app::App;

use super::{CliError, ConfigArgs};

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Address to listen on (default 127.0.0.1:3000).
    #[arg(long, value_name = "ADDR")]
    pub bind: Option<String>,
    /// Allow `auth = "off"` on a non-loopback address.
    #[arg(long)]
    pub insecure: bool,
}

pub fn run(args: Args) -> Result<(), CliError> {
    let mut overrides = args.config.overrides();
    overrides.bind = args.bind;
    overrides.insecure = args.insecure;
    let config = args.config.load_with(&overrides)?;
    handoff_app::auth::check_auth_config(&config).map_err(|err| CliError::input(err.message))?;
    super::init_logging(&config, super::LogTarget::Stderr);
    let runtime = super::runtime()?;
    runtime.block_on(async move {
        let app = Arc::new(App::open(config).await.map_err(CliError::runtime)?);
        let server = handoff_server::Server::bind(app.clone())
            .await
            .map_err(CliError::runtime)?;
        let addr = server.local_addr().map_err(CliError::runtime)?;
        tracing::info!(%addr, version = env!("CARGO_PKG_VERSION"), "handoff is serving");
        let served = server
            .run(handoff_server::shutdown_signal())
            .await
            .map_err(CliError::runtime);
        app.flush().await.map_err(CliError::runtime)?;
        served
    })
}
