//! Turning the shared configuration flags (`--config`, `--redis-url`, `--data-dir`, env, file) into
//! the store's configuration, and opening the store, for the admin commands.

use handoff_store::{Store, StoreConfig};

use super::{CliError, ConfigArgs};

/// The store configuration the same flags would give `handoff serve`.
pub fn store_config(args: &ConfigArgs) -> Result<StoreConfig, CliError> {
    Ok(args.load()?.store_config())
}

/// Opens the store, with a message that says which store could not be opened and why.
pub async fn open(config: &StoreConfig) -> Result<Store, CliError> {
    let store = Store::open(config)
        .await
        .map_err(|err| CliError::runtime(describe(config, &err)))?;
    // Fail now, clearly, rather than on the first command against an unreachable Redis.
    store
        .ping()
        .await
        .map_err(|err| CliError::runtime(describe(config, &err)))?;
    Ok(store)
}

fn describe(config: &StoreConfig, err: &handoff_store::StoreError) -> String {
    if config.uses_redis() {
        format!("cannot use the Redis store: {err}")
    } else {
        format!(
            "cannot use the embedded store in {}: {err}",
            config.data_dir.display()
        )
    }
}

/// Runs an async admin command on a fresh runtime.
pub fn block_on<T>(
    future: impl std::future::Future<Output = Result<T, CliError>>,
) -> Result<T, CliError> {
    super::runtime()?.block_on(future)
}
