//! Token exporters: W3C Design Tokens (DTCG 2025.10) JSON, CSS custom properties, Tailwind v4
//! `@theme` CSS, Tailwind v3 config JSON and SCSS variables. All read the same sorted token
//! list and the same unique names, so the formats agree with each other. Every code name carries
//! [`CODE_NAME_PREFIX`] (DTCG groups are data, not code names, and stay as they are).

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::str::FromStr;

use serde_json::{Map, Value, json};

use super::names::{CODE_NAME_PREFIX, kebab};
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

/// `slug` in the design tokens' namespace: `ds-brand-primary`.
fn namespaced(slug: &str) -> String {
    format!("{CODE_NAME_PREFIX}-{slug}")
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

/// `name: value` pairs shared by the CSS and SCSS exports; names start with the namespace
/// (`ds-color-brand-primary`), as plain `--color-*` / `$font-*` are Tailwind v4's and Bootstrap's.
fn css_declarations(tokens: &[Token], slugs: &[String]) -> Vec<(String, String)> {
    let mut out = Vec::with_capacity(tokens.len());
    for (token, slug) in tokens.iter().zip(slugs) {
        let name = namespaced(&format!("{}-{slug}", css_prefix(token.category)));
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
/// letter spacing and weight as `--text-*--…` modifiers). The token's own name follows the
/// namespace's `ds-`, so `--spacing-ds-10` adds `p-ds-10` and leaves `p-10` Tailwind's.
fn tailwind_v4(tokens: &[Token], slugs: &[String]) -> String {
    let mut out = String::from("@theme {\n");
    let mut families = BTreeSet::new();
    for (token, slug) in tokens.iter().zip(slugs) {
        let slug = &namespaced(slug);
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
        let _ = writeln!(
            out,
            "  --font-{}: {};",
            namespaced(&slug),
            css_font_family(family)
        );
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
        // `theme.extend` merges by key: an unprefixed `spacing.10` would replace Tailwind's own.
        let slug = &namespaced(slug);
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
                        &namespaced(&kebab(font_family)),
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
        assert!(out.contains("  --ds-color-brand-primary: #3366CC;\n"));
        assert!(out.contains("  --ds-color-brand-primary-2: #3366CC80;\n"));
        assert!(out.contains("  --ds-font-body-medium: 500 16px/24px \"Inter\", sans-serif;\n"));
        assert!(out.contains("  --ds-spacing-16: 16px;\n"));
        assert!(out.contains("  --ds-radius-8: 8px;\n"));
        assert!(
            out.contains("  --ds-shadow-1: 0px 4px 8px 0px #00000040;\n"),
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
            "--color-ds-brand-primary: #3366CC;",
            "--text-ds-body-medium: 16px;",
            "--text-ds-body-medium--line-height: 24px;",
            "--text-ds-body-medium--font-weight: 500;",
            "--font-ds-inter: \"Inter\", sans-serif;",
            "--radius-ds-8: 8px;",
            "--spacing-ds-16: 16px;",
        ] {
            assert!(out.contains(line), "{line} missing from\n{out}");
        }
    }

    #[test]
    fn tailwind_v3_is_a_theme_extend_config() {
        let out: Value =
            serde_json::from_str(&export_tokens(&sample(), TokenFormat::TailwindV3)).unwrap();
        let extend = &out["theme"]["extend"];
        assert_eq!(extend["colors"]["ds-brand-primary"], "#3366CC");
        assert_eq!(extend["borderRadius"]["ds-8"], "8px");
        assert_eq!(extend["fontSize"]["ds-body-medium"][0], "16px");
        assert_eq!(
            extend["fontSize"]["ds-body-medium"][1]["lineHeight"],
            "24px"
        );
        assert_eq!(extend["fontFamily"]["ds-inter"][0], "Inter");
        assert_eq!(extend["boxShadow"]["ds-1"], "0px 4px 8px 0px #00000040");
    }

    #[test]
    fn scss_variables_match_the_css_names() {
        let out = export_tokens(&sample(), TokenFormat::Scss);
        assert!(out.contains("$ds-color-brand-primary: #3366CC;\n"));
        assert!(out.contains("$ds-font-body-medium-size: 16px;\n"));
    }

    /// Design tokens named like a framework's own scale steps (`10`, `sm`, `lg`, `full`,
    /// `primary`, `base`).
    fn scale_like() -> Vec<Token> {
        let mut tokens = sample();
        for step in ["10", "4", "px"] {
            tokens.push(token(
                step,
                TokenCategory::Spacing,
                TokenValue::Dimension { px: 10.0 },
            ));
        }
        for step in ["sm", "lg", "full"] {
            tokens.push(token(
                step,
                TokenCategory::Radius,
                TokenValue::Dimension { px: 3.0 },
            ));
        }
        tokens.push(token(
            "primary",
            TokenCategory::Color,
            TokenValue::Color {
                hex: "#FF0000".into(),
            },
        ));
        tokens.push(token(
            "base",
            TokenCategory::Typography,
            TokenValue::Typography {
                font_family: "Inter".into(),
                font_weight: 400.0,
                font_size: 13.0,
                line_height_px: None,
                letter_spacing_px: None,
            },
        ));
        tokens
    }

    #[test]
    fn tailwind_exports_extend_the_default_scale_never_replace_it() {
        let tokens = scale_like();
        // v3: `theme.extend` merges by key, so every key must be one Tailwind does not define.
        let v3: Value =
            serde_json::from_str(&export_tokens(&tokens, TokenFormat::TailwindV3)).unwrap();
        let extend = v3["theme"]["extend"].as_object().unwrap();
        assert!(!extend.is_empty());
        for (group, entries) in extend {
            for key in entries.as_object().unwrap().keys() {
                assert!(
                    key.starts_with(&format!("{CODE_NAME_PREFIX}-")),
                    "theme.extend.{group}.{key} would replace or shadow Tailwind's own `{key}`"
                );
            }
        }
        assert_eq!(extend["spacing"]["ds-10"], "10px");
        assert!(extend["spacing"].get("10").is_none());
        // v4: a theme variable `--spacing-10` (or `--radius-sm`, `--text-base`) replaces the step.
        let v4 = export_tokens(&tokens, TokenFormat::Tailwind);
        for line in v4.lines().filter(|l| l.trim_start().starts_with("--")) {
            let name = line.trim_start().split(':').next().unwrap();
            let namespace = [
                "color", "spacing", "radius", "shadow", "blur", "font", "text",
            ]
            .into_iter()
            .find(|ns| name.starts_with(&format!("--{ns}-")))
            .unwrap_or_else(|| panic!("{name}: not a Tailwind theme namespace"));
            assert!(
                name.starts_with(&format!("--{namespace}-{CODE_NAME_PREFIX}-")),
                "{name} replaces a Tailwind default"
            );
        }
        assert!(v4.contains("  --spacing-ds-10: 10px;\n"), "{v4}");
    }

    #[test]
    fn css_and_scss_names_stay_out_of_framework_namespaces() {
        let tokens = scale_like();
        let css = export_tokens(&tokens, TokenFormat::Css);
        let scss = export_tokens(&tokens, TokenFormat::Scss);
        // Tailwind v4 emits `--color-*`, `--spacing-*`, `--text-*`, `--font-*`, `--radius-*`;
        // Open Props `--size-*`, `--font-*`, `--radius-*`, `--shadow-*`; Bootstrap's SCSS
        // `$font-size-base`, `$spacer`, `$border-radius-*`, `$primary`. Ours all start `ds-`.
        let names: Vec<&str> = css
            .lines()
            .filter_map(|l| l.trim_start().strip_prefix("--"))
            .chain(scss.lines().filter_map(|l| l.strip_prefix('$')))
            .map(|l| l.split(':').next().unwrap())
            .collect();
        assert!(names.len() > 10, "{names:?}");
        for name in names {
            assert!(
                name.starts_with(&format!("{CODE_NAME_PREFIX}-")),
                "{name} may collide with a framework's own name"
            );
        }
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
