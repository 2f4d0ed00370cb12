//! `handoff serve`: the HTTP API, the legacy plugin contract and MCP on one port.

use std::sync::Arc;

use handoff_app::App;
use handoff_app::config::{AuthMode, Config, redact_url_password};

use super::running::{RuntimeFile, RuntimeInfo, local_url};
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
        let mut app = App::open(config).await.map_err(CliError::runtime)?;
        // The embedded store is this process's alone while it serves: the other commands reach
        // it through this server, with the token in the runtime file (see `running`).
        let local_admin_token = app
            .config()
            .redis_url
            .is_none()
            .then(|| app.enable_local_admin());
        let app = Arc::new(app);
        let server = handoff_server::Server::bind(app.clone())
            .await
            .map_err(CliError::runtime)?;
        let addr = server.local_addr().map_err(CliError::runtime)?;
        let _runtime_file = match local_admin_token {
            Some(token) => Some(write_runtime_file(app.config(), addr, token)?),
            None => None,
        };
        tracing::info!(
            %addr,
            version = env!("CARGO_PKG_VERSION"),
            store = %store_description(app.config()),
            "handoff is serving"
        );
        startup_checks(&app).await;
        let served = server
            .run(handoff_server::shutdown_signal())
            .await
            .map_err(CliError::runtime);
        app.flush().await.map_err(CliError::runtime)?;
        served
    })
}

/// Where `handoff keys|users|mcp|store export` find this server while it holds the embedded store.
fn write_runtime_file(
    config: &Config,
    addr: std::net::SocketAddr,
    token: String,
) -> Result<RuntimeFile, CliError> {
    let info = RuntimeInfo {
        pid: std::process::id(),
        url: local_url(addr),
        token,
    };
    RuntimeFile::write(&config.data_dir, &info).map_err(|err| {
        CliError::runtime(format!(
            "cannot write {} in {}: {err}",
            super::running::FILE_NAME,
            config.data_dir.display()
        ))
    })
}

/// Which store this process uses, safe to log: a Redis URL with its password redacted, or the
/// embedded store's directory.
fn store_description(config: &Config) -> String {
    match &config.redis_url {
        Some(url) => redact_url_password(url.expose()),
        None => format!("embedded at {}", config.data_dir.display()),
    }
}

/// What an operator should hear at start-up rather than discover from a stream of 503s or 401s.
/// Neither stops the server: Redis may come up later, and keys may be created later.
async fn startup_checks(app: &App) {
    if let Err(err) = app.ready().await {
        tracing::warn!(
            reason = %err.message,
            "the store does not answer yet: /ready answers 503 and requests fail until it does"
        );
        return;
    }
    let config = app.config();
    // `auto` lets callers without a key in only on loopback; `required` never does.
    let keys_needed = match config.auth {
        AuthMode::Off => false,
        AuthMode::Auto => !config.bind.ip().is_loopback(),
        AuthMode::Required => true,
    };
    if !keys_needed {
        return;
    }
    match any_api_key(app).await {
        Ok(true) => {}
        Ok(false) => tracing::warn!(
            bind = %config.bind,
            "no API keys exist, and every request here needs one: all requests will be \
             answered 401. Create a user and a key: `handoff users add NAME --org ORG` then \
             `handoff keys create --user <the id it prints>` (they work while the server runs), \
             and send `Authorization: Bearer hk_…`"
        ),
        Err(err) => tracing::warn!(reason = %err, "cannot tell whether any API key exists"),
    }
}

async fn any_api_key(app: &App) -> Result<bool, handoff_store::StoreError> {
    let store = app.store();
    for user in store.list_users().await? {
        if !store.list_api_keys(user.user_id.as_str()).await?.is_empty() {
            return Ok(true);
        }
    }
    Ok(false)
}
