//! `handoff config`.
use super::CliError;

#[derive(clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> Result<(), CliError> {
    Err(CliError::runtime("config: being built in this change"))
}
