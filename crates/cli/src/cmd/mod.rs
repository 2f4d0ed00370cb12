//! One module per subcommand. Each exposes `Args` (clap) and `run(Args) -> Result<(), CliError>`.

use std::process::ExitCode;

pub mod analyze;
pub mod config;
pub mod serve;
pub mod simplify;

/// How a subcommand failed: the message for stderr and the process exit code.
#[derive(Debug)]
pub struct CliError {
    pub message: String,
    /// 1 = runtime failure, 2 = bad input (usage, unreadable or invalid file).
    pub code: u8,
}

impl CliError {
    pub fn runtime(message: impl std::fmt::Display) -> Self {
        Self { message: message.to_string(), code: 1 }
    }
    pub fn input(message: impl std::fmt::Display) -> Self {
        Self { message: message.to_string(), code: 2 }
    }
}

impl From<anyhow::Error> for CliError {
    fn from(err: anyhow::Error) -> Self {
        Self::runtime(format!("{err:#}"))
    }
}

pub fn finish(result: Result<(), CliError>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {}", err.message);
            ExitCode::from(err.code)
        }
    }
}
