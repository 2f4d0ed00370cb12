//! `handoff serve`.
use super::CliError;

#[derive(clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> Result<(), CliError> {
    Err(CliError::runtime("serve: being built in this change"))
}
