//! One module per subcommand. Each exposes `Args` (clap) and `run(Args) -> Result<(), CliError>`.

use std::path::PathBuf;
use std::process::ExitCode;

use handoff_app::Config;
use handoff_app::config::{LogFormat, Overrides};

pub mod analyze;
pub mod completions;
pub mod config;
pub mod design_input;
pub mod generate;
pub mod keys;
pub mod local_input;
pub mod mcp;
pub mod mcp_bridge;
pub mod running;
pub mod serve;
pub mod simplify;
pub mod store;
pub mod store_args;
pub mod templates;
pub mod users;

/// The `AppError` code of an embedded store held by another process (`handoff serve`).
pub const STORE_LOCKED: &str = "store_locked";

/// How a subcommand failed: the message for stderr and the process exit code.
#[derive(Debug)]
pub struct CliError {
    pub message: String,
    /// 1 = runtime failure, 2 = bad input (usage, unreadable or invalid file).
    pub code: u8,
}

impl CliError {
    pub fn runtime(message: impl std::fmt::Display) -> Self {
        Self {
            message: message.to_string(),
            code: 1,
        }
    }
    pub fn input(message: impl std::fmt::Display) -> Self {
        Self {
            message: message.to_string(),
            code: 2,
        }
    }
}

impl CliError {
    /// A failed write of the command's output. A reader that went away (`handoff … | head`) is
    /// not a failure: the command stops quietly with success, as Unix filters do.
    pub fn output(error: std::io::Error) -> Self {
        if error.kind() == std::io::ErrorKind::BrokenPipe {
            Self {
                message: String::new(),
                code: 0,
            }
        } else {
            Self::runtime(format!("cannot write the output: {error}"))
        }
    }
}

/// Writes a command's output to stdout, ending it with a newline, and flushes. Every command
/// prints through this (or maps its own write errors with [`CliError::output`]) so a closed pipe
/// never panics the way `println!` does.
pub fn print_output(text: &str) -> Result<(), CliError> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| {
            if text.is_empty() || text.ends_with('\n') {
                Ok(())
            } else {
                stdout.write_all(b"\n")
            }
        })
        .and_then(|()| stdout.flush())
        .map_err(CliError::output)
}

impl From<anyhow::Error> for CliError {
    fn from(err: anyhow::Error) -> Self {
        Self::runtime(format!("{err:#}"))
    }
}

pub fn finish(result: Result<(), CliError>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // The reader of our output went away: nothing to report (see `CliError::output`).
        Err(err) if err.code == 0 => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {}", err.message);
            ExitCode::from(err.code)
        }
    }
}

/// The flags every command that reads configuration or opens the store accepts.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct ConfigArgs {
    /// TOML configuration file (default: $HANDOFF_CONFIG, else none).
    #[arg(long, value_name = "FILE", global = true)]
    pub config: Option<PathBuf>,
    /// Redis or Redis Cluster URL; unset means the embedded store under --data-dir.
    #[arg(long, value_name = "URL", global = true)]
    pub redis_url: Option<String>,
    /// Directory of the embedded store (default: the per-user data directory, e.g.
    /// ~/.local/share/handoff; `handoff config` shows it).
    #[arg(long, value_name = "DIR", global = true)]
    pub data_dir: Option<PathBuf>,
    /// Log format: pretty or json.
    #[arg(long, value_name = "FORMAT", global = true)]
    pub log_format: Option<String>,
    /// Log filter, e.g. info or handoff_server=debug.
    #[arg(long, value_name = "FILTER", global = true)]
    pub log_level: Option<String>,
}

impl ConfigArgs {
    pub fn overrides(&self) -> Overrides {
        Overrides {
            redis_url: self.redis_url.clone(),
            data_dir: self.data_dir.clone(),
            log_format: self.log_format.clone(),
            log_level: self.log_level.clone(),
            ..Overrides::default()
        }
    }

    pub fn load(&self) -> Result<Config, CliError> {
        self.load_with(&self.overrides())
    }

    pub fn load_with(&self, overrides: &Overrides) -> Result<Config, CliError> {
        Config::load(self.config.as_deref(), overrides).map_err(CliError::input)
    }
}

/// Where log lines go. stdout belongs to command output (and to the protocol for `handoff mcp`),
/// so logs always go to stderr.
pub enum LogTarget {
    Stderr,
}

pub fn init_logging(config: &Config, target: LogTarget) {
    use std::io::IsTerminal;
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_new(log_filter(&config.log_level))
        .unwrap_or_else(|_| EnvFilter::new(log_filter("info")));
    let LogTarget::Stderr = target;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        // Colour codes only for a person at a terminal: MCP clients, journald and log files
        // capture stderr, and escape codes there are noise.
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    let _ = match config.log_format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Pretty => builder.try_init(),
    };
}

/// The configured filter, with the MCP library held at `warn` unless the filter names it: at
/// `info` it logs a full Debug dump of every client's `initialize` and of each notification, where
/// handoff logs one line per client itself.
fn log_filter(configured: &str) -> String {
    if configured.contains("rmcp") {
        configured.to_owned()
    } else {
        format!("{configured},rmcp=warn")
    }
}

pub fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|err| CliError::runtime(format!("cannot start the async runtime: {err}")))
}
