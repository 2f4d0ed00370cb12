//! The caller's settings: one JSON object kept with the user record and replaced as a whole (unlike
//! preferences, which are merged key by key).

use handoff_store::Identity;
use serde_json::Value;

use crate::app::App;
use crate::error::AppError;

impl App {
    /// The caller's settings (an empty object when none were set).
    pub async fn settings(&self, who: &Identity) -> Result<Value, AppError> {
        let user = self.user_record(who).await?;
        Ok(match user.settings {
            Value::Object(map) => Value::Object(map),
            _ => Value::Object(Default::default()),
        })
    }

    /// Replaces the caller's settings with `settings` (a JSON object).
    pub async fn set_settings(&self, who: &Identity, settings: Value) -> Result<Value, AppError> {
        if !settings.is_object() {
            return Err(AppError::bad_request("settings must be a JSON object"));
        }
        self.ensure_local_user(who).await?;
        self.store()
            .replace_user_settings(who, settings)
            .await?
            .ok_or_else(|| AppError::not_found("no such user"))
    }
}
