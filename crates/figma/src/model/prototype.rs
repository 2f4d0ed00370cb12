//! Prototype interactions (`interactions`, newer than `reactions`).
//!
//! Real responses contain `null` transitions, destinations and even null
//! actions; every field here is optional for that reason.

use serde::{Deserialize, Serialize};

/// What starts an interaction.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Trigger {
    /// `ON_CLICK`, `ON_HOVER`, `ON_PRESS`, `ON_DRAG`, `AFTER_TIMEOUT`,
    /// `MOUSE_ENTER`, `MOUSE_LEAVE`, `MOUSE_UP`, `MOUSE_DOWN`, `ON_KEY_DOWN`, …
    #[serde(rename = "type")]
    pub trigger_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delay: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_codes: Option<Vec<f64>>,
}

/// The animation of a navigation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Transition {
    #[serde(rename = "type")]
    pub transition_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direction: Option<String>,
}

/// What an interaction does.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Action {
    /// `BACK`, `CLOSE`, `URL`, `NODE`, `SET_VARIABLE`, `CONDITIONAL`, …
    #[serde(rename = "type")]
    pub action_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination_id: Option<String>,
    /// `NAVIGATE`, `SWAP`, `OVERLAY`, `SCROLL_TO`, `CHANGE_TO`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub navigation: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transition: Option<Transition>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// A trigger and the actions it runs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Interaction {
    pub trigger: Option<Trigger>,
    /// Null entries are dropped at parse time.
    #[serde(deserialize_with = "actions_without_nulls")]
    pub actions: Vec<Action>,
}

fn actions_without_nulls<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<Action>, D::Error> {
    let actions: Option<Vec<Option<Action>>> = Deserialize::deserialize(deserializer)?;
    Ok(actions.unwrap_or_default().into_iter().flatten().collect())
}
