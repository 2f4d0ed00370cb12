//! Sessions: short-lived bearer tokens minted from an API key (or by the local user), for the Figma
//! plugin and browsers that should not hold a long-lived key. Expiry slides on use.

use handoff_store::{Identity, Session};
use serde::Serialize;
use serde_json::Value;

use crate::app::App;
use crate::auth::{AuthMethod, Caller, session_token};
use crate::error::{AppError, ErrorKind};

/// A session as its owner sees it. The token is only present when the session is created.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SessionView {
    pub session_id: String,
    pub user_id: String,
    pub org_id: String,
    /// Unix milliseconds.
    pub created: u64,
    pub last_access: u64,
    pub expires_at: u64,
    /// Whatever the client stored with the session.
    pub data: Value,
    /// `Authorization: Bearer <token>`; returned once, at creation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

impl From<Session> for SessionView {
    fn from(session: Session) -> Self {
        Self {
            session_id: session.session_id.as_str().to_owned(),
            user_id: session.user_id.as_str().to_owned(),
            org_id: session.org_id.as_str().to_owned(),
            created: session.created,
            last_access: session.last_access,
            expires_at: session.expires_at,
            data: session.data,
            token: None,
        }
    }
}

impl App {
    /// Starts a session for the caller. A session cannot mint another session: sessions come from
    /// API keys (or the local user), and revoking a key ends every session it minted.
    pub async fn create_session(
        &self,
        caller: &Caller,
        data: Value,
    ) -> Result<SessionView, AppError> {
        if caller.method == AuthMethod::Session {
            return Err(AppError::new(
                ErrorKind::Unauthenticated,
                "a session cannot create another session: authenticate with an API key",
            )
            .with_code("api_key_required"));
        }
        if !data.is_object() && !data.is_null() {
            return Err(AppError::bad_request("session data must be a JSON object"));
        }
        let data = if data.is_null() {
            Value::Object(Default::default())
        } else {
            data
        };
        let session = match &caller.api_key {
            Some(key_hash) => self
                .store()
                .create_key_session(&caller.identity, key_hash, data)
                .await?
                .ok_or_else(|| {
                    AppError::new(
                        ErrorKind::Unauthenticated,
                        "the API key is unknown or was revoked",
                    )
                })?,
            None => self.store().create_session(&caller.identity, data).await?,
        };
        let token = session_token(&session);
        Ok(SessionView {
            token: Some(token),
            ..SessionView::from(session)
        })
    }

    pub async fn list_sessions(&self, who: &Identity) -> Result<Vec<SessionView>, AppError> {
        Ok(self
            .store()
            .list_sessions(who)
            .await?
            .into_iter()
            .map(SessionView::from)
            .collect())
    }

    /// One of the caller's sessions; not found when it is someone else's (existence is not revealed).
    pub async fn get_session(
        &self,
        who: &Identity,
        session_id: &str,
    ) -> Result<SessionView, AppError> {
        self.store()
            .get_session(who, session_id)
            .await?
            .map(SessionView::from)
            .ok_or_else(session_not_found)
    }

    /// Extends the session's expiry by a full TTL from now (and replaces its data when given).
    pub async fn refresh_session(
        &self,
        who: &Identity,
        session_id: &str,
        data: Option<Value>,
    ) -> Result<SessionView, AppError> {
        let current = self.get_session(who, session_id).await?;
        let data = match data {
            Some(data) if !data.is_object() => {
                return Err(AppError::bad_request("session data must be a JSON object"));
            }
            Some(data) => data,
            None => current.data,
        };
        if !self.store().update_session(who, session_id, data).await? {
            return Err(session_not_found());
        }
        self.get_session(who, session_id).await
    }

    pub async fn delete_session(&self, who: &Identity, session_id: &str) -> Result<(), AppError> {
        if self.store().delete_session(who, session_id).await? {
            Ok(())
        } else {
            Err(session_not_found())
        }
    }
}

fn session_not_found() -> AppError {
    AppError::not_found("no such session").with_code("session_not_found")
}
