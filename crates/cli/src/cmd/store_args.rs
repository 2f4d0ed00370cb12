//! Turning the shared configuration flags (`--config`, `--redis-url`, `--data-dir`, env, file) into
//! the store's configuration, and opening the store, for the admin commands.

use handoff_store::{ApiKeyRecord, Store, StoreConfig, StoreError, User};
use reqwest::Method;
use serde_json::json;

use super::running::{RunningServer, segment};
use super::users::input_or_runtime;
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

/// Where the admin commands act: the store itself, or, when a running `handoff serve` holds the
/// embedded store, that server (see [`super::running`]).
pub enum Admin {
    Store(Store),
    Server(RunningServer),
}

/// Opens the store, or finds the server that holds it.
pub async fn open_admin(config: &StoreConfig) -> Result<Admin, CliError> {
    match Store::open(config).await {
        Ok(store) => {
            store
                .ping()
                .await
                .map_err(|err| CliError::runtime(describe(config, &err)))?;
            Ok(Admin::Store(store))
        }
        Err(err @ StoreError::Locked { .. }) => {
            match RunningServer::find(&config.data_dir).await? {
                Some(server) => Ok(Admin::Server(server)),
                None => Err(CliError::runtime(describe(config, &err))),
            }
        }
        Err(err) => Err(CliError::runtime(describe(config, &err))),
    }
}

impl Admin {
    pub async fn create_user(&self, name: &str, org: &str) -> Result<User, CliError> {
        match self {
            Self::Store(store) => store.create_user(name, org).await.map_err(input_or_runtime),
            Self::Server(server) => {
                let body = json!({ "name": name, "org": org });
                server.call(Method::POST, "/admin/users", Some(body)).await
            }
        }
    }

    pub async fn list_users(&self) -> Result<Vec<User>, CliError> {
        match self {
            Self::Store(store) => store.list_users().await.map_err(CliError::runtime),
            Self::Server(server) => server.call(Method::GET, "/admin/users", None).await,
        }
    }

    /// False when there is no such user.
    pub async fn remove_user(&self, user: &str) -> Result<bool, CliError> {
        match self {
            Self::Store(store) => store.remove_user(user).await.map_err(input_or_runtime),
            Self::Server(server) => {
                let path = format!("/admin/users/{}", segment(user));
                server.call_found(Method::DELETE, &path, None).await
            }
        }
    }

    /// The key's secret (`hk_…`, shown once) and its record.
    pub async fn create_api_key(
        &self,
        user: &str,
        label: &str,
    ) -> Result<(String, ApiKeyRecord), CliError> {
        match self {
            Self::Store(store) => {
                let created = store
                    .create_api_key(user, label)
                    .await
                    .map_err(input_or_runtime)?;
                Ok((created.secret, created.record))
            }
            Self::Server(server) => {
                #[derive(serde::Deserialize)]
                struct Created {
                    secret: String,
                    record: ApiKeyRecord,
                }
                let path = format!("/admin/users/{}/keys", segment(user));
                let created: Created = server
                    .call(Method::POST, &path, Some(json!({ "label": label })))
                    .await?;
                Ok((created.secret, created.record))
            }
        }
    }

    pub async fn list_api_keys(&self, user: &str) -> Result<Vec<ApiKeyRecord>, CliError> {
        match self {
            Self::Store(store) => store.list_api_keys(user).await.map_err(input_or_runtime),
            Self::Server(server) => {
                let path = format!("/admin/users/{}/keys", segment(user));
                server.call(Method::GET, &path, None).await
            }
        }
    }

    /// False when the user has no such key.
    pub async fn revoke_api_key(&self, user: &str, key_id: &str) -> Result<bool, CliError> {
        match self {
            Self::Store(store) => store
                .revoke_api_key(user, key_id)
                .await
                .map_err(input_or_runtime),
            Self::Server(server) => {
                let path = format!("/admin/users/{}/keys/{}", segment(user), segment(key_id));
                server.call_found(Method::DELETE, &path, None).await
            }
        }
    }
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
