//! Token names for code: sanitised, unique, stable and namespaced.

use std::collections::HashSet;

use super::{Token, TokenCategory};

/// The namespace every exported code name carries, so a design token extends a framework's scale
/// and never silently replaces it: a file's spacing token `10` (10px) exported as Tailwind's
/// `spacing.10` would turn `p-10` (2.5rem) into 10px, and `--color-primary` or `$font-size-base`
/// would shadow Tailwind v4's, Open Props' or Bootstrap's own names. With it the token is
/// `p-ds-10`, `--ds-color-primary`, `$ds-font-…`.
pub const CODE_NAME_PREFIX: &str = "ds";

/// Lower-case kebab case of ASCII letters and digits; anything else separates words.
/// `Brand/Primary 500` → `brand-primary-500`. Empty results become `token`.
pub(crate) fn kebab(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut pending_dash = false;
    let mut previous_lower = false;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            // camelCase boundaries become dashes too: primaryBlue → primary-blue.
            if (pending_dash || (previous_lower && c.is_ascii_uppercase())) && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
            out.push(c.to_ascii_lowercase());
        } else {
            pending_dash = true;
            previous_lower = false;
        }
    }
    if out.is_empty() {
        "token".to_owned()
    } else {
        out
    }
}

/// Words that repeat the category; a leading one is dropped so `color/primary` does not become
/// `--color-color-primary`.
fn category_words(category: TokenCategory) -> &'static [&'static str] {
    match category {
        TokenCategory::Color => &["color", "colors", "colour", "colours"],
        TokenCategory::Typography => &["typography", "font", "fonts", "text"],
        TokenCategory::Spacing => &["spacing", "space", "spaces"],
        TokenCategory::Radius => &["radius", "radii", "corner", "rounded"],
        TokenCategory::Shadow => &["shadow", "shadows", "elevation"],
        TokenCategory::Blur => &["blur", "blurs"],
    }
}

fn slug(token: &Token) -> String {
    let base = kebab(&token.name);
    for word in category_words(token.category) {
        if let Some(rest) = base.strip_prefix(word).and_then(|r| r.strip_prefix('-')) {
            return rest.to_owned();
        }
    }
    base
}

/// One code name per token (same order), unique within its category: later duplicates get
/// `-2`, `-3`, … in token order, so the result is stable for a stable token list.
pub fn token_slugs(tokens: &[Token]) -> Vec<String> {
    let mut taken: HashSet<(TokenCategory, String)> = HashSet::with_capacity(tokens.len());
    tokens
        .iter()
        .map(|token| {
            let base = slug(token);
            let mut name = base.clone();
            let mut n = 2;
            while !taken.insert((token.category, name.clone())) {
                name = format!("{base}-{n}");
                n += 1;
            }
            name
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokens::{TokenSource, TokenValue};

    fn token(name: &str, category: TokenCategory) -> Token {
        Token {
            name: name.to_owned(),
            category,
            value: TokenValue::Dimension { px: 1.0 },
            source: TokenSource::Style,
            source_id: None,
            description: None,
            usage_count: 0,
            node_ids: Vec::new(),
        }
    }

    #[test]
    fn kebab_handles_paths_spaces_camel_case_and_garbage() {
        assert_eq!(kebab("Brand/Primary 500"), "brand-primary-500");
        assert_eq!(kebab("primaryBlue"), "primary-blue");
        assert_eq!(kebab("  --Ünïcode!! "), "n-code");
        assert_eq!(kebab("🙂"), "token");
        assert_eq!(kebab("a//b"), "a-b");
    }

    #[test]
    fn slugs_drop_the_category_word_and_are_unique() {
        let tokens = [
            token("Color/Primary", TokenCategory::Color),
            token("primary", TokenCategory::Color),
            token("PRIMARY", TokenCategory::Color),
            token("primary", TokenCategory::Spacing),
            token("🙂", TokenCategory::Color),
        ];
        assert_eq!(
            token_slugs(&tokens),
            ["primary", "primary-2", "primary-3", "primary", "token"]
        );
    }
}
