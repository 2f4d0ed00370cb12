//! Template overrides: a team's own template for a (platform, document type), stored for the whole
//! org or for one user. Unlike the template cache they never expire.

use serde::{Deserialize, Serialize};

use crate::error::StoreResult;
use crate::keys::{Id, Identity, check, layout};
use crate::records::Millis;
use crate::store::{Store, now_ms};

/// Whose override: everyone in the caller's org, or the caller alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OverrideScope {
    Org,
    User,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TemplateOverride {
    pub scope: OverrideScope,
    /// The org or user id that owns it.
    pub owner_id: String,
    pub platform: String,
    pub document_type: String,
    /// The template's YAML source.
    pub source: String,
    pub updated: Millis,
    pub updated_by: String,
}

fn owner(who: &Identity, scope: OverrideScope) -> String {
    match scope {
        OverrideScope::Org => format!("org.{}", who.org_id),
        OverrideScope::User => format!("user.{}", who.user_id),
    }
}

fn pair(platform: &str, document_type: &str) -> StoreResult<(Id, Id)> {
    Ok((
        check("platform", platform)?,
        check("document type", document_type)?,
    ))
}

impl Store {
    pub async fn put_template_override(
        &self,
        who: &Identity,
        scope: OverrideScope,
        platform: &str,
        document_type: &str,
        source: &str,
    ) -> StoreResult<TemplateOverride> {
        let (platform, document_type) = pair(platform, document_type)?;
        let owner = owner(who, scope);
        let record = TemplateOverride {
            scope,
            owner_id: match scope {
                OverrideScope::Org => who.org_id.to_string(),
                OverrideScope::User => who.user_id.to_string(),
            },
            platform: platform.to_string(),
            document_type: document_type.to_string(),
            source: source.to_owned(),
            updated: now_ms(),
            updated_by: who.user_id.to_string(),
        };
        self.put_record(
            &layout::template_override(&owner, &platform, &document_type),
            &record,
            None,
        )
        .await?;
        self.backend
            .set_add(
                &layout::template_overrides(&owner),
                &format!("{platform}:{document_type}"),
            )
            .await?;
        Ok(record)
    }

    pub async fn get_template_override(
        &self,
        who: &Identity,
        scope: OverrideScope,
        platform: &str,
        document_type: &str,
    ) -> StoreResult<Option<TemplateOverride>> {
        let (platform, document_type) = pair(platform, document_type)?;
        self.get_record(&layout::template_override(
            &owner(who, scope),
            &platform,
            &document_type,
        ))
        .await
    }

    pub async fn delete_template_override(
        &self,
        who: &Identity,
        scope: OverrideScope,
        platform: &str,
        document_type: &str,
    ) -> StoreResult<bool> {
        let (platform, document_type) = pair(platform, document_type)?;
        let owner = owner(who, scope);
        let deleted = self
            .backend
            .delete(&[layout::template_override(&owner, &platform, &document_type)])
            .await?;
        self.backend
            .set_remove(
                &layout::template_overrides(&owner),
                &format!("{platform}:{document_type}"),
            )
            .await?;
        Ok(deleted > 0)
    }

    /// The caller's org overrides and own user overrides.
    pub async fn list_template_overrides(
        &self,
        who: &Identity,
    ) -> StoreResult<Vec<TemplateOverride>> {
        let mut found = Vec::new();
        for scope in [OverrideScope::Org, OverrideScope::User] {
            let owner = owner(who, scope);
            for member in self
                .backend
                .set_members(&layout::template_overrides(&owner))
                .await?
            {
                let Some((platform, document_type)) = member.split_once(':') else {
                    continue;
                };
                if let Some(record) = self
                    .get_template_override(who, scope, platform, document_type)
                    .await?
                {
                    found.push(record);
                }
            }
        }
        found.sort_by(|a, b| (&a.platform, &a.document_type).cmp(&(&b.platform, &b.document_type)));
        Ok(found)
    }
}
