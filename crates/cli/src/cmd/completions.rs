//! `handoff completions bash|zsh|fish|elvish|powershell`: a completion script on stdout, generated
//! from the same clap definition the command parses with, so it never lags behind.

use clap_complete::Shell;

use super::{CliError, print_output};

#[derive(clap::Args)]
pub struct Args {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: Shell,
}

pub fn run<C: clap::CommandFactory>(args: Args) -> Result<(), CliError> {
    let mut command = C::command();
    let name = command.get_name().to_owned();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, name, &mut script);
    let script = String::from_utf8(script)
        .map_err(|err| CliError::runtime(format!("the completion script is not UTF-8: {err}")))?;
    print_output(&script)
}
