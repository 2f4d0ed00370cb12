//! Token exporters: W3C Design Tokens (DTCG 2025.10) JSON, CSS custom properties, Tailwind v4
//! `@theme` CSS, Tailwind v3 config JSON and SCSS variables. All read the same sorted token
//! list and the same unique names, so the formats agree with each other.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::str::FromStr;

use serde_json::{Map, Value, json};

use super::names::kebab;
use super::{Token, TokenCategory, TokenValue, css_font_family, num, token_slugs};
use crate::colour::Rgba;

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenFormat {
    /// W3C Design Tokens Community Group format (2025.10), JSON.
    Dtcg,
    /// CSS custom properties in `:root`.
    Css,
    /// Tailwind CSS v4 `@theme` block.
    Tailwind,
    /// Tailwind CSS v3 `theme.extend` config, JSON.
    TailwindV3,
    /// SCSS variables.
    Scss,
}

impl FromStr for TokenFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "dtcg" | "json" => Ok(Self::Dtcg),
            "css" => Ok(Self::Css),
            "tailwind" | "tailwind-v4" => Ok(Self::Tailwind),
            "tailwind-v3" => Ok(Self::TailwindV3),
            "scss" => Ok(Self::Scss),
            other => Err(format!(
                "unknown token format {other:?}: use dtcg, css, tailwind, tailwind-v3 or scss"
            )),
        }
    }
}

/// Renders `tokens` in `format`. Tokens should be in report order (as returned by
/// [`super::tokens_of`]) for stable output.
pub fn export_tokens(tokens: &[Token], format: TokenFormat) -> String {
    let slugs = token_slugs(tokens);
    match format {
        TokenFormat::Dtcg => pretty(&dtcg(tokens, &slugs)),
        TokenFormat::Css => css(tokens, &slugs),
        TokenFormat::Tailwind => tailwind_v4(tokens, &slugs),
        TokenFormat::TailwindV3 => pretty(&tailwind_v3(tokens, &slugs)),
        TokenFormat::Scss => scss(tokens, &slugs),
    }
}

fn pretty(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

fn dimension(px: f64) -> Value {
    json!({ "value": round(px), "unit": "px" })
}

fn round(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

fn dtcg_colour(hex: &str) -> Value {
    let colour = Rgba::from_hex(hex).unwrap_or(Rgba::BLACK);
    json!({
        "colorSpace": "srgb",
        "components": [round(colour.r), round(colour.g), round(colour.b)],
        "alpha": round(colour.a),
        "hex": Rgba { a: 1.0, ..colour }.to_hex().to_ascii_lowercase(),
    })
}

fn dtcg_value(value: &TokenValue) -> (&'static str, Value) {
    match value {
        TokenValue::Color { hex } => ("color", dtcg_colour(hex)),
        TokenValue::Dimension { px } => ("dimension", dimension(*px)),
        TokenValue::Typography {
            font_family,
            font_weight,
            font_size,
            line_height_px,
            letter_spacing_px,
        } => {
            let line_height = match line_height_px {
                Some(l) if *font_size > 0.0 => round(l / font_size),
                _ => 1.2,
            };
            (
                "typography",
                json!({
                    "fontFamily": font_family,
                    "fontSize": dimension(*font_size),
                    "fontWeight": font_weight,
                    "letterSpacing": dimension(letter_spacing_px.unwrap_or(0.0)),
                    "lineHeight": line_height,
                }),
            )
        }
        TokenValue::Shadow { layers } => {
            let layers: Vec<Value> = layers
                .iter()
                .map(|l| {
                    json!({
                        "color": dtcg_colour(&l.color),
                        "offsetX": dimension(l.offset_x),
                        "offsetY": dimension(l.offset_y),
                        "blur": dimension(l.blur),
                        "spread": dimension(l.spread),
                        "inset": l.inset,
                    })
                })
                .collect();
            let value = if layers.len() == 1 {
                layers.into_iter().next().unwrap_or(Value::Null)
            } else {
                Value::Array(layers)
            };
            ("shadow", value)
        }
    }
}

/// One group per category (`color`, `spacing`, …) holding the tokens by unique name; token
/// provenance and usage go into `$extensions`.
fn dtcg(tokens: &[Token], slugs: &[String]) -> Value {
    let mut root = Map::new();
    for (token, slug) in tokens.iter().zip(slugs) {
        let group = root
            .entry(token.category.as_str())
            .or_insert_with(|| Value::Object(Map::new()));
        let Value::Object(group) = group else {
            continue;
        };
        let (kind, value) = dtcg_value(&token.value);
        let mut entry = Map::new();
        entry.insert("$type".into(), kind.into());
        entry.insert("$value".into(), value);
        if let Some(description) = &token.description {
            entry.insert("$description".into(), description.clone().into());
        }
        let mut extension =
            json!({ "name": token.name, "source": token.source, "usageCount": token.usage_count });
        if let (Some(id), Value::Object(ext)) = (&token.source_id, &mut extension) {
            ext.insert("sourceId".into(), id.clone().into());
        }
        entry.insert("$extensions".into(), json!({ "dev.handoff": extension }));
        group.insert(slug.clone(), Value::Object(entry));
    }
    Value::Object(root)
}

fn css_prefix(category: TokenCategory) -> &'static str {
    match category {
        TokenCategory::Color => "color",
        TokenCategory::Typography => "font",
        TokenCategory::Spacing => "spacing",
        TokenCategory::Radius => "radius",
        TokenCategory::Shadow => "shadow",
        TokenCategory::Blur => "blur",
    }
}

/// `name: value` pairs shared by the CSS and SCSS exports.
fn css_declarations(tokens: &[Token], slugs: &[String]) -> Vec<(String, String)> {
    let mut out = Vec::with_capacity(tokens.len());
    for (token, slug) in tokens.iter().zip(slugs) {
        let name = format!("{}-{slug}", css_prefix(token.category));
        match &token.value {
            TokenValue::Typography {
                font_family,
                font_weight,
                font_size,
                line_height_px,
                letter_spacing_px,
            } => {
                out.push((name.clone(), token.value.css()));
                out.push((format!("{name}-family"), css_font_family(font_family)));
                out.push((format!("{name}-size"), format!("{}px", num(*font_size))));
                out.push((format!("{name}-weight"), num(*font_weight)));
                if let Some(l) = line_height_px {
                    out.push((format!("{name}-line-height"), format!("{}px", num(*l))));
                }
                if let Some(l) = letter_spacing_px {
                    out.push((format!("{name}-letter-spacing"), format!("{}px", num(*l))));
                }
            }
            value => out.push((name, value.css())),
        }
    }
    out
}

fn css(tokens: &[Token], slugs: &[String]) -> String {
    let mut out = String::from(":root {\n");
    for (name, value) in css_declarations(tokens, slugs) {
        let _ = writeln!(out, "  --{name}: {value};");
    }
    out.push_str("}\n");
    out
}

fn scss(tokens: &[Token], slugs: &[String]) -> String {
    let mut out = String::new();
    for (name, value) in css_declarations(tokens, slugs) {
        let _ = writeln!(out, "${name}: {value};");
    }
    out
}

/// Tailwind v4 theme variables use fixed namespaces: `--color-*`, `--spacing-*`, `--radius-*`,
/// `--shadow-*`, `--blur-*`, `--font-*` (families) and `--text-*` (sizes with line height,
/// letter spacing and weight as `--text-*--…` modifiers).
fn tailwind_v4(tokens: &[Token], slugs: &[String]) -> String {
    let mut out = String::from("@theme {\n");
    let mut families = BTreeSet::new();
    for (token, slug) in tokens.iter().zip(slugs) {
        match &token.value {
            TokenValue::Typography {
                font_family,
                font_weight,
                font_size,
                line_height_px,
                letter_spacing_px,
            } => {
                families.insert(font_family.clone());
                let _ = writeln!(out, "  --text-{slug}: {}px;", num(*font_size));
                if let Some(l) = line_height_px {
                    let _ = writeln!(out, "  --text-{slug}--line-height: {}px;", num(*l));
                }
                if let Some(l) = letter_spacing_px {
                    let _ = writeln!(out, "  --text-{slug}--letter-spacing: {}px;", num(*l));
                }
                let _ = writeln!(out, "  --text-{slug}--font-weight: {};", num(*font_weight));
            }
            value => {
                let _ = writeln!(
                    out,
                    "  --{}-{slug}: {};",
                    css_prefix(token.category),
                    value.css()
                );
            }
        }
    }
    let mut family_slugs = BTreeSet::new();
    for family in families.iter().filter(|f| !f.is_empty()) {
        let mut slug = kebab(family);
        let mut n = 2;
        while !family_slugs.insert(slug.clone()) {
            slug = format!("{}-{n}", kebab(family));
            n += 1;
        }
        let _ = writeln!(out, "  --font-{slug}: {};", css_font_family(family));
    }
    out.push_str("}\n");
    out
}

fn tailwind_v3(tokens: &[Token], slugs: &[String]) -> Value {
    let mut extend: Map<String, Value> = Map::new();
    let mut put = |key: &str, name: &str, value: Value| {
        if let Value::Object(map) = extend
            .entry(key)
            .or_insert_with(|| Value::Object(Map::new()))
        {
            map.insert(name.to_owned(), value);
        }
    };
    for (token, slug) in tokens.iter().zip(slugs) {
        match &token.value {
            TokenValue::Typography {
                font_family,
                font_weight,
                font_size,
                line_height_px,
                letter_spacing_px,
            } => {
                let mut options = Map::new();
                if let Some(l) = line_height_px {
                    options.insert("lineHeight".into(), format!("{}px", num(*l)).into());
                }
                if let Some(l) = letter_spacing_px {
                    options.insert("letterSpacing".into(), format!("{}px", num(*l)).into());
                }
                options.insert("fontWeight".into(), num(*font_weight).into());
                put(
                    "fontSize",
                    slug,
                    json!([format!("{}px", num(*font_size)), options]),
                );
                if !font_family.is_empty() {
                    put(
                        "fontFamily",
                        &kebab(font_family),
                        json!([font_family, "sans-serif"]),
                    );
                }
            }
            value => {
                let key = match token.category {
                    TokenCategory::Color => "colors",
                    TokenCategory::Spacing => "spacing",
                    TokenCategory::Radius => "borderRadius",
                    TokenCategory::Shadow => "boxShadow",
                    TokenCategory::Blur => "blur",
                    TokenCategory::Typography => "fontSize",
                };
                put(key, slug, value.css().into());
            }
        }
    }
    json!({ "theme": { "extend": extend } })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::tokens::{ShadowLayer, TokenSource};

    fn token(name: &str, category: TokenCategory, value: TokenValue) -> Token {
        Token {
            name: name.into(),
            category,
            value,
            source: TokenSource::Style,
            source_id: Some("S:1".into()),
            description: None,
            usage_count: 2,
            node_ids: vec![],
        }
    }

    fn sample() -> Vec<Token> {
        vec![
            token(
                "Brand/Primary",
                TokenCategory::Color,
                TokenValue::Color {
                    hex: "#3366CC".into(),
                },
            ),
            token(
                "brand primary",
                TokenCategory::Color,
                TokenValue::Color {
                    hex: "#3366CC80".into(),
                },
            ),
            token(
                "Body/Medium",
                TokenCategory::Typography,
                TokenValue::Typography {
                    font_family: "Inter".into(),
                    font_weight: 500.0,
                    font_size: 16.0,
                    line_height_px: Some(24.0),
                    letter_spacing_px: None,
                },
            ),
            token(
                "16",
                TokenCategory::Spacing,
                TokenValue::Dimension { px: 16.0 },
            ),
            token(
                "8",
                TokenCategory::Radius,
                TokenValue::Dimension { px: 8.0 },
            ),
            token(
                "Elevation/1",
                TokenCategory::Shadow,
                TokenValue::Shadow {
                    layers: vec![ShadowLayer {
                        inset: false,
                        color: "#00000040".into(),
                        offset_x: 0.0,
                        offset_y: 4.0,
                        blur: 8.0,
                        spread: 0.0,
                    }],
                },
            ),
        ]
    }

    #[test]
    fn css_uses_unique_sanitised_names() {
        let out = export_tokens(&sample(), TokenFormat::Css);
        assert!(out.starts_with(":root {\n"));
        assert!(out.contains("  --color-brand-primary: #3366CC;\n"));
        assert!(out.contains("  --color-brand-primary-2: #3366CC80;\n"));
        assert!(out.contains("  --font-body-medium: 500 16px/24px \"Inter\", sans-serif;\n"));
        assert!(out.contains("  --spacing-16: 16px;\n"));
        assert!(out.contains("  --radius-8: 8px;\n"));
        assert!(
            out.contains("  --shadow-1: 0px 4px 8px 0px #00000040;\n"),
            "{out}"
        );
    }

    #[test]
    fn dtcg_follows_the_2025_format() {
        let out: Value =
            serde_json::from_str(&export_tokens(&sample(), TokenFormat::Dtcg)).unwrap();
        let primary = &out["color"]["brand-primary"];
        assert_eq!(primary["$type"], "color");
        assert_eq!(primary["$value"]["colorSpace"], "srgb");
        assert_eq!(primary["$value"]["hex"], "#3366cc");
        assert_eq!(out["color"]["brand-primary-2"]["$value"]["alpha"], 0.502);
        assert_eq!(
            out["spacing"]["16"]["$value"],
            json!({"value": 16.0, "unit": "px"})
        );
        assert_eq!(
            out["typography"]["body-medium"]["$value"]["lineHeight"],
            1.5
        );
        assert_eq!(out["shadow"]["1"]["$value"]["offsetY"]["value"], 4.0);
        assert_eq!(primary["$extensions"]["dev.handoff"]["usageCount"], 2);
    }

    #[test]
    fn tailwind_v4_uses_theme_namespaces() {
        let out = export_tokens(&sample(), TokenFormat::Tailwind);
        assert!(out.starts_with("@theme {\n"));
        for line in [
            "--color-brand-primary: #3366CC;",
            "--text-body-medium: 16px;",
            "--text-body-medium--line-height: 24px;",
            "--text-body-medium--font-weight: 500;",
            "--font-inter: \"Inter\", sans-serif;",
            "--radius-8: 8px;",
            "--spacing-16: 16px;",
        ] {
            assert!(out.contains(line), "{line} missing from\n{out}");
        }
    }

    #[test]
    fn tailwind_v3_is_a_theme_extend_config() {
        let out: Value =
            serde_json::from_str(&export_tokens(&sample(), TokenFormat::TailwindV3)).unwrap();
        let extend = &out["theme"]["extend"];
        assert_eq!(extend["colors"]["brand-primary"], "#3366CC");
        assert_eq!(extend["borderRadius"]["8"], "8px");
        assert_eq!(extend["fontSize"]["body-medium"][0], "16px");
        assert_eq!(extend["fontSize"]["body-medium"][1]["lineHeight"], "24px");
        assert_eq!(extend["fontFamily"]["inter"][0], "Inter");
        assert_eq!(extend["boxShadow"]["1"], "0px 4px 8px 0px #00000040");
    }

    #[test]
    fn scss_variables_match_the_css_names() {
        let out = export_tokens(&sample(), TokenFormat::Scss);
        assert!(out.contains("$color-brand-primary: #3366CC;\n"));
        assert!(out.contains("$font-body-medium-size: 16px;\n"));
    }

    #[test]
    fn export_is_stable_and_handles_no_tokens() {
        assert_eq!(
            export_tokens(&sample(), TokenFormat::Css),
            export_tokens(&sample(), TokenFormat::Css)
        );
        assert_eq!(export_tokens(&[], TokenFormat::Css), ":root {\n}\n");
        assert_eq!(export_tokens(&[], TokenFormat::Dtcg), "{}\n");
    }

    #[test]
    fn hostile_font_names_cannot_break_out_of_css() {
        let mut tokens = sample();
        tokens[2].value = TokenValue::Typography {
            font_family: "x\"; } body { color: red".into(),
            font_weight: 400.0,
            font_size: 12.0,
            line_height_px: None,
            letter_spacing_px: None,
        };
        let out = export_tokens(&tokens, TokenFormat::Css);
        assert!(!out.contains("} body {"), "{out}");
    }

    #[test]
    fn formats_parse_from_cli_names() {
        assert_eq!(
            "tailwind-v3".parse::<TokenFormat>(),
            Ok(TokenFormat::TailwindV3)
        );
        assert!("yaml".parse::<TokenFormat>().is_err());
    }
}
