//! Design tokens: the model, extraction from a design, export and DTCG import.

mod dtcg_import;
mod export;
mod extract;
mod names;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use dtcg_import::{ImportedTokens, parse_dtcg};
pub use export::{TokenFormat, export_tokens};
pub(crate) use extract::{build_report, shadow_css, system_tokens_of};
pub use extract::{tokens_of, tokens_report};
pub use names::{CODE_NAME_PREFIX, token_slugs};

use crate::markdown::{cell, source_line};

/// What a token describes.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum TokenCategory {
    Color,
    Typography,
    Spacing,
    Radius,
    Shadow,
    Blur,
}

impl TokenCategory {
    pub const ALL: [TokenCategory; 6] = [
        TokenCategory::Color,
        TokenCategory::Typography,
        TokenCategory::Spacing,
        TokenCategory::Radius,
        TokenCategory::Shadow,
        TokenCategory::Blur,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TokenCategory::Color => "color",
            TokenCategory::Typography => "typography",
            TokenCategory::Spacing => "spacing",
            TokenCategory::Radius => "radius",
            TokenCategory::Shadow => "shadow",
            TokenCategory::Blur => "blur",
        }
    }
}

/// Where a token was found.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum TokenSource {
    /// A named Figma style.
    Style,
    /// A Figma variable.
    Variable,
    /// A raw value used on nodes without a style or variable.
    Usage,
    /// A supplied token file.
    File,
}

/// One layer of a shadow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ShadowLayer {
    pub inset: bool,
    /// `#RRGGBB` or `#RRGGBBAA`.
    pub color: String,
    pub offset_x: f64,
    pub offset_y: f64,
    pub blur: f64,
    pub spread: f64,
}

/// A token's value. Lengths are in CSS pixels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TokenValue {
    Color {
        /// `#RRGGBB` or `#RRGGBBAA`.
        hex: String,
    },
    Dimension {
        px: f64,
    },
    Typography {
        font_family: String,
        font_weight: f64,
        font_size: f64,
        #[serde(skip_serializing_if = "Option::is_none")]
        line_height_px: Option<f64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        letter_spacing_px: Option<f64>,
    },
    Shadow {
        layers: Vec<ShadowLayer>,
    },
}

/// Numbers without needless decimals: 16 → "16", 0.5 → "0.5", 1/3 → "0.33".
pub(crate) fn num(value: f64) -> String {
    let rounded = (value * 100.0).round() / 100.0;
    if rounded == 0.0 {
        "0".to_owned()
    } else {
        format!("{rounded}")
    }
}

impl TokenValue {
    /// The value as CSS (a colour, a length, a `font` shorthand or a `box-shadow`).
    pub fn css(&self) -> String {
        match self {
            TokenValue::Color { hex } => hex.clone(),
            TokenValue::Dimension { px } => format!("{}px", num(*px)),
            TokenValue::Typography {
                font_family,
                font_weight,
                font_size,
                line_height_px,
                ..
            } => {
                let line = line_height_px
                    .map(|l| format!("/{}px", num(l)))
                    .unwrap_or_default();
                format!(
                    "{} {}px{} {}",
                    num(*font_weight),
                    num(*font_size),
                    line,
                    css_font_family(font_family)
                )
            }
            TokenValue::Shadow { layers } => layers
                .iter()
                .map(|l| {
                    format!(
                        "{}{}px {}px {}px {}px {}",
                        if l.inset { "inset " } else { "" },
                        num(l.offset_x),
                        num(l.offset_y),
                        num(l.blur),
                        num(l.spread),
                        l.color
                    )
                })
                .collect::<Vec<_>>()
                .join(", "),
        }
    }
}

/// A quoted font family list with a generic fallback.
pub(crate) fn css_font_family(family: &str) -> String {
    let clean: String = family
        .chars()
        .filter(|c| !matches!(c, '"' | '\\' | ';' | '{' | '}' | '\n' | '\r'))
        .collect();
    format!("\"{clean}\", sans-serif")
}

/// Most node ids kept per token; `usage_count` always has the full number.
pub const MAX_NODE_IDS_PER_TOKEN: usize = 20;

/// One design token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Token {
    /// The designer's name (`Brand/Primary`), or a name derived from the value for raw usage.
    pub name: String,
    pub category: TokenCategory,
    pub value: TokenValue,
    pub source: TokenSource,
    /// Style id or variable id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Nodes in scope using this token.
    pub usage_count: u64,
    /// The first of those nodes (at most [`MAX_NODE_IDS_PER_TOKEN`]).
    pub node_ids: Vec<String>,
}

/// The tokens of a file or subtree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TokensReport {
    pub file_name: String,
    pub scope: String,
    /// Category → number of tokens.
    pub counts: BTreeMap<TokenCategory, u64>,
    /// Sorted by category, then source (styles, variables, raw usage), then name.
    pub tokens: Vec<Token>,
}

impl TokensReport {
    pub fn to_markdown(&self) -> String {
        let mut md = String::new();
        let _ = writeln!(
            md,
            "# Design Tokens\n\n{}\n",
            source_line(&self.file_name, &self.scope)
        );
        if self.tokens.is_empty() {
            md.push_str("No tokens found: no styles, variables or styled nodes in scope.\n");
            return md;
        }
        for category in TokenCategory::ALL {
            let tokens: Vec<&Token> = self
                .tokens
                .iter()
                .filter(|t| t.category == category)
                .collect();
            if tokens.is_empty() {
                continue;
            }
            let _ = writeln!(
                md,
                "## {} ({})\n\n| Name | Value | Source | Uses |\n|---|---|---|---:|",
                title(category),
                tokens.len()
            );
            for t in tokens {
                let source = match t.source {
                    TokenSource::Style => "style",
                    TokenSource::Variable => "variable",
                    TokenSource::Usage => "raw value",
                    TokenSource::File => "token file",
                };
                let _ = writeln!(
                    md,
                    "| {} | `{}` | {} | {} |",
                    cell(&t.name),
                    cell(&t.value.css()),
                    source,
                    t.usage_count
                );
            }
            md.push('\n');
        }
        md
    }
}

pub(crate) fn title(category: TokenCategory) -> &'static str {
    match category {
        TokenCategory::Color => "Colors",
        TokenCategory::Typography => "Typography",
        TokenCategory::Spacing => "Spacing",
        TokenCategory::Radius => "Radii",
        TokenCategory::Shadow => "Shadows",
        TokenCategory::Blur => "Blurs",
    }
}
