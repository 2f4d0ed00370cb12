//! `handoff keys create|list|revoke`: API keys. A key is printed once, at creation; only its
//! sha256 is stored.

use std::io::Write;

use super::{CliError, ConfigArgs, store_args};

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub config: ConfigArgs,
    #[command(subcommand)]
    pub command: KeysCommand,
}

#[derive(clap::Subcommand)]
pub enum KeysCommand {
    /// Create a key for a user; prints the key (`hk_…`) once on stdout.
    Create {
        #[arg(long, value_name = "ID")]
        user: String,
        #[arg(long, value_name = "L", default_value = "")]
        label: String,
    },
    /// List a user's keys: key id, created, last used (RFC 3339 UTC, or - if never), label.
    List {
        #[arg(long, value_name = "ID")]
        user: String,
    },
    /// Revoke a user's key by its key id (or a unique prefix of at least 6 hex digits).
    Revoke {
        #[arg(long, value_name = "ID")]
        user: String,
        key_id: String,
    },
}

pub fn run(args: Args) -> Result<(), CliError> {
    let config = store_args::store_config(&args.config)?;
    store_args::block_on(async move {
        let admin = store_args::open_admin(&config).await?;
        let mut out = std::io::stdout().lock();
        match args.command {
            KeysCommand::Create { user, label } => {
                let (secret, record) = admin.create_api_key(&user, &label).await?;
                writeln!(out, "{secret}").map_err(CliError::output)?;
                eprintln!(
                    "key id {} for user {user}: store the key now, it cannot be shown again",
                    record.key_id
                );
            }
            KeysCommand::List { user } => {
                for key in admin.list_api_keys(&user).await? {
                    let last_used = key.last_used.map_or_else(|| "-".to_owned(), rfc3339);
                    writeln!(
                        out,
                        "{}\t{}\t{}\t{}",
                        key.key_id,
                        rfc3339(key.created),
                        last_used,
                        key.label
                    )
                    .map_err(CliError::output)?;
                }
            }
            KeysCommand::Revoke { user, key_id } => {
                if !admin.revoke_api_key(&user, &key_id).await? {
                    return Err(CliError::input(format!(
                        "user {user} has no key with id {key_id}"
                    )));
                }
                eprintln!("revoked key {key_id}");
            }
        }
        Ok(())
    })
}

/// A stored time (epoch milliseconds) as RFC 3339 UTC to the second, e.g. `2026-12-06T02:04:31Z`:
/// what people read and `date -d` parses. A value past the calendar's range (a damaged record)
/// is shown as the raw number rather than hidden.
fn rfc3339(millis: u64) -> String {
    i64::try_from(millis / 1000)
        .ok()
        .and_then(|secs| time::OffsetDateTime::from_unix_timestamp(secs).ok())
        .and_then(|at| {
            at.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| millis.to_string())
}
