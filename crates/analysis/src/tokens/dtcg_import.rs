//! Reading a W3C Design Tokens (DTCG) file as the design system to check against. Accepts the
//! 2025.10 object forms (`{"colorSpace":"srgb","components":[…]}`, `{"value":16,"unit":"px"}`)
//! and the older string forms (`"#3366cc"`, `"16px"`, `"1rem"`), and resolves `{group.token}`
//! aliases.

use std::collections::HashMap;

use serde_json::Value;

use super::{ShadowLayer, Token, TokenCategory, TokenSource, TokenValue};
use crate::colour::Rgba;
use crate::error::AnalysisError;

/// Tokens read from a file, and the entries that were skipped with the reason.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedTokens {
    pub tokens: Vec<Token>,
    pub skipped: Vec<String>,
}

/// Most alias hops followed before giving up (guards against cycles).
const MAX_ALIAS_HOPS: usize = 16;
/// Deepest group nesting read.
const MAX_GROUP_DEPTH: usize = 64;

/// Parses a DTCG token file. Fails on invalid JSON, a non-object root, or a file without any
/// usable colour, dimension, typography or shadow token.
pub fn parse_dtcg(json: &[u8]) -> Result<ImportedTokens, AnalysisError> {
    let root: Value = serde_json::from_slice(json)
        .map_err(|e| AnalysisError::InvalidTokens(format!("not JSON: {e}")))?;
    if !root.is_object() {
        return Err(AnalysisError::InvalidTokens(
            "the top level must be a JSON object of token groups".into(),
        ));
    }
    // Pass 1: every token's raw value and type, by dotted path.
    let mut raw: Vec<(String, Option<String>, Value, Option<String>)> = Vec::new();
    let mut skipped = Vec::new();
    let mut stack: Vec<(Vec<String>, &Value, Option<String>)> = vec![(Vec::new(), &root, None)];
    while let Some((path, value, inherited_type)) = stack.pop() {
        let Value::Object(map) = value else { continue };
        let own_type = map
            .get("$type")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or(inherited_type);
        if let Some(token_value) = map.get("$value") {
            let description = map
                .get("$description")
                .and_then(Value::as_str)
                .map(str::to_owned);
            raw.push((path.join("."), own_type, token_value.clone(), description));
            continue;
        }
        if path.len() >= MAX_GROUP_DEPTH {
            skipped.push(format!(
                "{}: nested deeper than {MAX_GROUP_DEPTH} groups",
                path.join(".")
            ));
            continue;
        }
        for (key, child) in map.iter().rev() {
            if key.starts_with('$') {
                continue;
            }
            let mut child_path = path.clone();
            child_path.push(key.clone());
            stack.push((child_path, child, own_type.clone()));
        }
    }
    let by_path: HashMap<&str, (&Option<String>, &Value)> = raw
        .iter()
        .map(|(p, t, v, _)| (p.as_str(), (t, v)))
        .collect();

    let mut tokens = Vec::new();
    for (path, declared_type, value, description) in &raw {
        let (resolved_type, resolved) = match resolve_alias(&by_path, declared_type, value) {
            Ok(found) => found,
            Err(reason) => {
                skipped.push(format!("{path}: {reason}"));
                continue;
            }
        };
        match to_token_value(path, resolved_type.as_deref(), resolved) {
            Ok(Some((category, value))) => tokens.push(Token {
                name: path.replace('.', "/"),
                category,
                value,
                source: TokenSource::File,
                source_id: Some(path.clone()),
                description: description.clone(),
                usage_count: 0,
                node_ids: Vec::new(),
            }),
            Ok(None) => {}
            Err(reason) => skipped.push(format!("{path}: {reason}")),
        }
    }
    if tokens.is_empty() {
        return Err(AnalysisError::InvalidTokens(
            "no colour, dimension, typography or shadow tokens found (expected DTCG `$value`/`$type` entries)".into(),
        ));
    }
    tokens.sort_by(|a, b| (a.category, &a.name).cmp(&(b.category, &b.name)));
    Ok(ImportedTokens { tokens, skipped })
}

fn resolve_alias<'a>(
    by_path: &HashMap<&str, (&'a Option<String>, &'a Value)>,
    declared_type: &'a Option<String>,
    value: &'a Value,
) -> Result<(Option<String>, &'a Value), String> {
    let (mut ty, mut current) = (declared_type.clone(), value);
    for _ in 0..MAX_ALIAS_HOPS {
        let Some(target) = current
            .as_str()
            .and_then(|s| s.strip_prefix('{'))
            .and_then(|s| s.strip_suffix('}'))
        else {
            return Ok((ty, current));
        };
        let (target_type, target_value) = by_path
            .get(target)
            .ok_or_else(|| format!("alias to unknown token {{{target}}}"))?;
        if ty.is_none() {
            ty = (*target_type).clone();
        }
        current = target_value;
    }
    Err(format!(
        "alias chain longer than {MAX_ALIAS_HOPS} (a cycle?)"
    ))
}

fn to_token_value(
    path: &str,
    ty: Option<&str>,
    value: &Value,
) -> Result<Option<(TokenCategory, TokenValue)>, String> {
    let lower = path.to_ascii_lowercase();
    match ty {
        Some("color") => Ok(Some((
            TokenCategory::Color,
            TokenValue::Color {
                hex: colour(value)?.to_hex(),
            },
        ))),
        Some("dimension") | Some("number") => {
            // Font sizes and line heights belong to typography, not to the spacing scale.
            if ["font", "text", "line-height", "lineheight", "letter"]
                .iter()
                .any(|w| lower.contains(w))
            {
                return Ok(None);
            }
            let px = dimension(value)?;
            let category = if ["radius", "radii", "rounded", "corner"]
                .iter()
                .any(|w| lower.contains(w))
            {
                TokenCategory::Radius
            } else if lower.contains("blur") {
                TokenCategory::Blur
            } else {
                TokenCategory::Spacing
            };
            Ok(Some((category, TokenValue::Dimension { px })))
        }
        Some("typography") => {
            let family = match &value["fontFamily"] {
                Value::String(s) => s.clone(),
                Value::Array(list) => list
                    .first()
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                _ => String::new(),
            };
            Ok(Some((
                TokenCategory::Typography,
                TokenValue::Typography {
                    font_family: family,
                    font_weight: font_weight(&value["fontWeight"]),
                    font_size: dimension(&value["fontSize"])?,
                    line_height_px: None,
                    letter_spacing_px: dimension(&value["letterSpacing"])
                        .ok()
                        .filter(|l| *l != 0.0),
                },
            )))
        }
        Some("shadow") => {
            let layers = match value {
                Value::Array(list) => list.iter().map(shadow).collect::<Result<Vec<_>, _>>()?,
                single => vec![shadow(single)?],
            };
            Ok(Some((TokenCategory::Shadow, TokenValue::Shadow { layers })))
        }
        // Other DTCG types (fontFamily, duration, cubicBezier, …) have nothing to check here.
        Some(_) => Ok(None),
        None => match value {
            Value::String(s) if s.starts_with('#') => Ok(Some((
                TokenCategory::Color,
                TokenValue::Color {
                    hex: colour(value)?.to_hex(),
                },
            ))),
            _ => Err("no $type on the token or its groups".into()),
        },
    }
}

fn colour(value: &Value) -> Result<Rgba, String> {
    match value {
        Value::String(s) => Rgba::from_hex(s).map_err(|e| e.to_string()),
        Value::Object(map) => {
            let space = map
                .get("colorSpace")
                .and_then(Value::as_str)
                .unwrap_or("srgb");
            let alpha = map.get("alpha").and_then(Value::as_f64).unwrap_or(1.0);
            if let Some(components) = map
                .get("components")
                .and_then(Value::as_array)
                .filter(|_| space == "srgb")
            {
                let c: Vec<f64> = components.iter().filter_map(Value::as_f64).collect();
                if let [r, g, b] = c[..] {
                    return Ok(Rgba::new(r, g, b, alpha));
                }
            }
            match map.get("hex").and_then(Value::as_str) {
                Some(hex) => Rgba::from_hex(hex)
                    .map(|c| c.with_opacity(alpha))
                    .map_err(|e| e.to_string()),
                None => Err(format!(
                    "colour in {space:?} without a hex fallback is not supported"
                )),
            }
        }
        _ => Err("a colour must be a hex string or a DTCG colour object".into()),
    }
}

/// A length in px: `16`, `"16px"`, `"1rem"` (16 px), `{"value":16,"unit":"px"|"rem"}`.
fn dimension(value: &Value) -> Result<f64, String> {
    let px = match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => {
            let s = s.trim();
            if let Some(rem) = s.strip_suffix("rem") {
                rem.trim().parse::<f64>().ok().map(|r| r * 16.0)
            } else {
                s.strip_suffix("px").unwrap_or(s).trim().parse::<f64>().ok()
            }
        }
        Value::Object(map) => {
            let number = map.get("value").and_then(Value::as_f64);
            match map.get("unit").and_then(Value::as_str) {
                Some("rem") => number.map(|r| r * 16.0),
                Some("px") | None => number,
                Some(_) => None,
            }
        }
        _ => None,
    };
    px.filter(|v| v.is_finite())
        .ok_or_else(|| format!("{value} is not a dimension (px or rem)"))
}

fn font_weight(value: &Value) -> f64 {
    match value {
        Value::Number(n) => n.as_f64().unwrap_or(400.0),
        Value::String(s) => match s.to_ascii_lowercase().as_str() {
            "thin" | "hairline" => 100.0,
            "extra-light" | "ultra-light" => 200.0,
            "light" => 300.0,
            "medium" => 500.0,
            "semi-bold" | "demi-bold" => 600.0,
            "bold" => 700.0,
            "extra-bold" | "ultra-bold" => 800.0,
            "black" | "heavy" => 900.0,
            other => other.parse().unwrap_or(400.0),
        },
        _ => 400.0,
    }
}

fn shadow(value: &Value) -> Result<ShadowLayer, String> {
    let length = |key: &str| {
        dimension(&value[key]).or_else(|_| {
            if value[key].is_null() {
                Ok(0.0)
            } else {
                Err(format!("bad shadow {key}"))
            }
        })
    };
    Ok(ShadowLayer {
        inset: value["inset"].as_bool().unwrap_or(false),
        color: colour(&value["color"])?.to_hex(),
        offset_x: length("offsetX")?,
        offset_y: length("offsetY")?,
        blur: length("blur")?,
        spread: length("spread")?,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn reads_both_colour_forms_dimensions_and_aliases() {
        let file = br##"{
          "color": { "$type": "color",
            "brand": { "$value": "#3366cc", "$description": "Brand" },
            "new": { "$value": { "colorSpace": "srgb", "components": [1, 0, 0], "alpha": 1 } },
            "link": { "$value": "{color.brand}" } },
          "spacing": { "$type": "dimension", "sm": { "$value": "8px" }, "md": { "$value": { "value": 1, "unit": "rem" } } },
          "radius": { "card": { "$type": "dimension", "$value": 12 } },
          "font": { "size": { "$type": "dimension", "$value": "16px" } },
          "duration": { "$type": "duration", "fast": { "$value": { "value": 100, "unit": "ms" } } }
        }"##;
        let imported = parse_dtcg(file).unwrap();
        let find = |name: &str| imported.tokens.iter().find(|t| t.name == name).unwrap();
        assert_eq!(
            find("color/brand").value,
            TokenValue::Color {
                hex: "#3366CC".into()
            }
        );
        assert_eq!(
            find("color/new").value,
            TokenValue::Color {
                hex: "#FF0000".into()
            }
        );
        assert_eq!(
            find("color/link").value,
            TokenValue::Color {
                hex: "#3366CC".into()
            }
        );
        assert_eq!(find("spacing/md").value, TokenValue::Dimension { px: 16.0 });
        assert_eq!(find("radius/card").category, TokenCategory::Radius);
        assert!(
            imported
                .tokens
                .iter()
                .all(|t| t.name != "font/size" && t.name != "duration/fast")
        );
        assert!(imported.skipped.is_empty(), "{:?}", imported.skipped);
    }

    #[test]
    fn bad_entries_are_skipped_with_reasons_and_bad_files_rejected() {
        let file =
            br##"{"c": {"$type": "color", "ok": {"$value": "#000"}, "bad": {"$value": "red"},
                         "loop": {"$value": "{c.loop}"}, "dangling": {"$value": "{c.nope}"}}}"##;
        let imported = parse_dtcg(file).unwrap();
        assert_eq!(imported.tokens.len(), 1);
        assert_eq!(imported.skipped.len(), 3, "{:?}", imported.skipped);
        for bad in [
            &b"not json"[..],
            b"[1,2]",
            b"{}",
            b"{\"a\": {\"$value\": 1}}",
            b"\"#fff\"",
        ] {
            assert!(
                matches!(parse_dtcg(bad), Err(AnalysisError::InvalidTokens(_))),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn deep_nesting_is_bounded_without_recursion() {
        let depth = 100;
        let json = format!(
            "{}{}",
            "{\"g\":".repeat(depth),
            "{\"$type\":\"color\",\"$value\":\"#fff\"}"
        );
        let json = format!("{json}{}", "}".repeat(depth));
        // serde_json's own limit (128) applies first; either way a clear error, never a crash.
        assert!(parse_dtcg(json.as_bytes()).is_err());
    }
}
