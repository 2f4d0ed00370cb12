//! The caller's own records: preferences, history, stored component analyses and screenshots.

use handoff_store::{Component, ComponentInput, HistoryEntry, Identity, User};
use serde_json::Value;

use crate::app::App;
use crate::error::AppError;

impl App {
    /// The caller's preferences (an empty object when none were set).
    pub async fn preferences(&self, who: &Identity) -> Result<Value, AppError> {
        let user = self.store().get_user(who).await?;
        Ok(user
            .map(|u| u.preferences)
            .filter(|p| !p.is_null())
            .unwrap_or_else(|| Value::Object(Default::default())))
    }

    /// Merges `changes` (an object) into the caller's preferences; `null` values remove keys.
    pub async fn set_preferences(&self, who: &Identity, changes: Value) -> Result<Value, AppError> {
        let Value::Object(changes) = changes else {
            return Err(AppError::bad_request("preferences must be a JSON object"));
        };
        self.ensure_local_user(who).await?;
        // Merged inside the store's atomic update: concurrent changes to other keys are kept.
        self.store()
            .merge_user_preferences(who, changes)
            .await?
            .ok_or_else(|| AppError::not_found("no such user"))
    }

    /// Creates the local user's record if it does not exist yet (the local user has none until
    /// first needed); nothing for everyone else.
    pub(crate) async fn ensure_local_user(&self, who: &Identity) -> Result<(), AppError> {
        if *who == crate::auth::local_identity()? {
            self.store()
                .ensure_user(who, crate::auth::LOCAL_USER)
                .await?;
        }
        Ok(())
    }

    /// The caller's user record. The local user (no authentication) has none until first needed.
    pub async fn user_record(&self, who: &Identity) -> Result<User, AppError> {
        if *who == crate::auth::local_identity()? {
            return Ok(self
                .store()
                .ensure_user(who, crate::auth::LOCAL_USER)
                .await?);
        }
        self.store()
            .get_user(who)
            .await?
            .ok_or_else(|| AppError::not_found("no such user"))
    }

    /// Newest first, at most `limit`.
    pub async fn history(
        &self,
        who: &Identity,
        limit: usize,
    ) -> Result<Vec<HistoryEntry>, AppError> {
        Ok(self.store().list_history(who, limit).await?)
    }

    pub async fn put_component(
        &self,
        who: &Identity,
        file_key: &str,
        node_id: &str,
        input: ComponentInput,
    ) -> Result<Component, AppError> {
        let node_id = handoff_figma::normalize_node_id(node_id)
            .map_err(|err| AppError::bad_request(err.to_string()).with_code("invalid_node_id"))?;
        Ok(self
            .store()
            .put_component(who, file_key, &node_id, input)
            .await?)
    }

    pub async fn get_component(
        &self,
        who: &Identity,
        file_key: &str,
        node_id: &str,
    ) -> Result<Component, AppError> {
        let node_id = handoff_figma::normalize_node_id(node_id)
            .map_err(|err| AppError::bad_request(err.to_string()).with_code("invalid_node_id"))?;
        self.store()
            .get_component(who, file_key, &node_id)
            .await?
            .ok_or_else(|| {
                AppError::not_found(format!(
                    "no stored analysis for node {node_id} of file {file_key}"
                ))
            })
    }

    /// A stored screenshot's bytes and content type.
    pub async fn get_screenshot(
        &self,
        who: &Identity,
        sha256: &str,
    ) -> Result<(Vec<u8>, &'static str), AppError> {
        let bytes = self
            .store()
            .get_screenshot(who, sha256)
            .await?
            .ok_or_else(|| AppError::not_found("no such screenshot"))?;
        let content_type = if bytes.starts_with(&[0x89, b'P', b'N', b'G']) {
            "image/png"
        } else {
            "image/jpeg"
        };
        Ok((bytes, content_type))
    }
}
