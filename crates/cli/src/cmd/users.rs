//! `handoff users add|list|remove`: manage users in the store.

use std::io::Write;

use super::{CliError, ConfigArgs, store_args};

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub config: ConfigArgs,
    #[command(subcommand)]
    pub command: UsersCommand,
}

#[derive(clap::Subcommand)]
pub enum UsersCommand {
    /// Create a user; prints the new user's id on stdout.
    Add {
        name: String,
        /// Organisation the user belongs to.
        #[arg(long, default_value = "default")]
        org: String,
    },
    /// List users: id, org, name, one per line (tab-separated).
    List,
    /// Remove a user with their sessions, history and API keys.
    Remove { id: String },
}

pub fn run(args: Args) -> Result<(), CliError> {
    let config = store_args::store_config(&args.config)?;
    store_args::block_on(async move {
        let store = store_args::open(&config).await?;
        let mut out = std::io::stdout().lock();
        match args.command {
            UsersCommand::Add { name, org } => {
                let user = store
                    .create_user(&name, &org)
                    .await
                    .map_err(input_or_runtime)?;
                writeln!(out, "{}", user.user_id).map_err(CliError::runtime)?;
            }
            UsersCommand::List => {
                for user in store.list_users().await.map_err(CliError::runtime)? {
                    writeln!(out, "{}\t{}\t{}", user.user_id, user.org_id, user.name)
                        .map_err(CliError::runtime)?;
                }
            }
            UsersCommand::Remove { id } => {
                if !store.remove_user(&id).await.map_err(input_or_runtime)? {
                    return Err(CliError::input(format!("no user with id {id:?}")));
                }
                eprintln!("removed user {id}");
            }
        }
        Ok(())
    })
}

/// Bad ids and names are the caller's input (exit 2); everything else is a runtime failure.
pub(super) fn input_or_runtime(err: handoff_store::StoreError) -> CliError {
    match err {
        handoff_store::StoreError::Invalid { .. } | handoff_store::StoreError::TooLarge { .. } => {
            CliError::input(err)
        }
        other => CliError::runtime(other),
    }
}
