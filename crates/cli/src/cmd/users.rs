//! `handoff users add|list|remove|set-figma-token`: manage users in the store.

use std::io::{IsTerminal, Read, Write};

use handoff_app::auth::{LOCAL_ORG, LOCAL_USER};
use handoff_app::{App, AppError, ErrorKind};
use reqwest::Method;

use super::running::{RunningServer, segment};
use super::{CliError, ConfigArgs, STORE_LOCKED, store_args};

/// Bound on what is read from stdin for a token (Figma tokens are ~45 characters).
const MAX_TOKEN_INPUT: u64 = 4096;

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
    /// List users: id, org, name, one per line (tab-separated). The built-in `local` user (the
    /// caller of a server without authentication) is marked as such.
    List,
    /// Remove a user with their sessions, history, API keys and stored credentials.
    Remove { id: String },
    /// Store a user's Figma personal access token, encrypted with `secret_key`
    /// (HANDOFF_SECRET_KEY). The token is read from stdin unless --token is given, and never shown.
    SetFigmaToken {
        /// The user's id (`local` for the user of a server without authentication).
        user: String,
        /// The user's org; defaults to the org in the user's record.
        #[arg(long)]
        org: Option<String>,
        /// The token itself instead of stdin (other local users can see command lines).
        #[arg(long, value_name = "TOKEN")]
        token: Option<String>,
    },
}

pub fn run(args: Args) -> Result<(), CliError> {
    if let UsersCommand::SetFigmaToken { user, org, token } = &args.command {
        return set_figma_token(&args.config, user, org.as_deref(), token.clone());
    }
    let config = store_args::store_config(&args.config)?;
    store_args::block_on(async move {
        let admin = store_args::open_admin(&config).await?;
        let mut out = std::io::stdout().lock();
        match args.command {
            UsersCommand::Add { name, org } => {
                let user = admin.create_user(&name, &org).await?;
                writeln!(out, "{}", user.user_id).map_err(CliError::output)?;
            }
            UsersCommand::List => {
                for user in admin.list_users().await? {
                    // Kept in the list (it may hold preferences and a stored Figma token, and
                    // `users remove local` works), but nobody ran `users add` for it, so say what
                    // it is rather than leave an unknown user to be puzzled over.
                    let builtin =
                        user.user_id.as_str() == LOCAL_USER && user.org_id.as_str() == LOCAL_ORG;
                    let note = if builtin {
                        " (built-in: the caller of requests without authentication)"
                    } else {
                        ""
                    };
                    writeln!(
                        out,
                        "{}\t{}\t{}{note}",
                        user.user_id, user.org_id, user.name
                    )
                    .map_err(CliError::output)?;
                }
            }
            UsersCommand::Remove { id } => {
                if !admin.remove_user(&id).await? {
                    return Err(CliError::input(format!("no user with id {id:?}")));
                }
                eprintln!("removed user {id}");
            }
            // Dispatched above: it opens the whole `App`, which holds the store itself.
            UsersCommand::SetFigmaToken { .. } => {}
        }
        Ok(())
    })
}

/// Needs the whole configuration (for `secret_key`), so it opens the `App` rather than the store;
/// when a running server holds the embedded store, that server stores the token.
fn set_figma_token(
    config: &ConfigArgs,
    user: &str,
    org: Option<&str>,
    token: Option<String>,
) -> Result<(), CliError> {
    let config = config.load()?;
    let token = match token {
        Some(token) => token,
        None => read_token_from_stdin()?,
    };
    let data_dir = config.data_dir.clone();
    store_args::block_on(async move {
        let who = match App::open(config).await {
            Ok(app) => {
                let who = app.user_identity(user, org).await.map_err(app_error)?;
                app.set_figma_token(&who, &token).await.map_err(app_error)?;
                app.flush().await.map_err(app_error)?;
                who
            }
            Err(err) if err.code() == STORE_LOCKED => {
                let Some(server) = RunningServer::find(&data_dir).await? else {
                    return Err(app_error(err));
                };
                let path = format!("/admin/users/{}/figma-token", segment(user));
                let body = serde_json::json!({ "org": org, "token": token });
                server.call(Method::PUT, &path, Some(body)).await?
            }
            Err(err) => return Err(app_error(err)),
        };
        eprintln!(
            "stored an encrypted Figma token for user {} in org {}",
            who.user_id, who.org_id
        );
        Ok(())
    })
}

fn read_token_from_stdin() -> Result<String, CliError> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        return Err(CliError::input(
            "give the token on stdin (e.g. `printf %s \"$FIGMA_TOKEN\" | handoff users \
             set-figma-token <user>`) or with --token",
        ));
    }
    let mut token = String::new();
    stdin
        .lock()
        .take(MAX_TOKEN_INPUT)
        .read_to_string(&mut token)
        .map_err(|err| CliError::input(format!("cannot read the token from stdin: {err}")))?;
    Ok(token)
}

/// The caller's mistakes (bad token, missing or malformed secret_key) exit 2; the rest 1.
fn app_error(err: AppError) -> CliError {
    match err.kind {
        ErrorKind::BadRequest | ErrorKind::NotFound | ErrorKind::PayloadTooLarge => {
            CliError::input(err)
        }
        _ => CliError::runtime(err),
    }
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
