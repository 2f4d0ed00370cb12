//! `handoff config`: the effective configuration, secrets redacted.

use super::{CliError, ConfigArgs, print_output};

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Show the configuration `serve --bind ADDR` would use.
    #[arg(long, value_name = "ADDR")]
    pub bind: Option<String>,
}

pub fn run(args: Args) -> Result<(), CliError> {
    let mut overrides = args.config.overrides();
    overrides.bind = args.bind;
    let config = args.config.load_with(&overrides)?;
    print_output(&config.to_redacted_toml())
}
