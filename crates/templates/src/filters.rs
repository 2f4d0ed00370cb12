//! Custom filters. minijinja's built-ins already cover `lower`, `upper`, `capitalize`, `title`,
//! `join`, `default`, `length`, `round`; here are the case conversions, dates, percentages,
//! plurals and the Figma/token helpers, plus the camelCase names the old templates used.

use heck::{ToKebabCase, ToLowerCamelCase, ToPascalCase, ToSnakeCase};
use minijinja::value::{Kwargs, Value};
use minijinja::{Environment, Error, ErrorKind, State};
use time::format_description::{self, OwnedFormatItem};
use time::{Date, OffsetDateTime, PrimitiveDateTime};

use crate::context::node_link;

pub(crate) fn register(env: &mut Environment<'static>) {
    env.add_filter("kebab_case", |s: &str| s.to_kebab_case());
    env.add_filter("snake_case", |s: &str| s.to_snake_case());
    env.add_filter("pascal_case", |s: &str| s.to_pascal_case());
    env.add_filter("camel_case", |s: &str| s.to_lower_camel_case());
    // Names the old engine's templates used.
    env.add_filter("kebabCase", |s: &str| s.to_kebab_case());
    env.add_filter("snakeCase", |s: &str| s.to_snake_case());
    env.add_filter("pascalCase", |s: &str| s.to_pascal_case());
    env.add_filter("camelCase", |s: &str| s.to_lower_camel_case());
    env.add_filter("lowercase", |s: &str| s.to_lowercase());
    env.add_filter("uppercase", |s: &str| s.to_uppercase());
    env.add_filter("date", date);
    env.add_filter("percent", percent);
    env.add_filter("pluralize", pluralize_filter);
    env.add_filter("figma_link", figma_link);
    env.add_filter("token_ref", token_ref);
    env.add_filter("md_escape", md_escape);
    env.add_filter("px", px);
}

fn invalid(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidOperation, message.into())
}

/// `{{ "2026-11-25" | date("[day] [month repr:short] [year]") }}`; also `"today"`, RFC 3339
/// date-times and Unix seconds. The format is a `time` format description.
fn date(value: &Value, format: Option<&str>) -> Result<String, Error> {
    let format = format.unwrap_or("[year]-[month]-[day]");
    if format.len() > 200 {
        return Err(invalid("date format is too long"));
    }
    let items: OwnedFormatItem = format_description::parse_owned::<2>(format)
        .map_err(|e| invalid(format!("bad date format {format:?}: {e}")))?;
    let moment: PrimitiveDateTime = if let Some(seconds) = value.as_i64() {
        let at = OffsetDateTime::from_unix_timestamp(seconds)
            .map_err(|e| invalid(format!("bad timestamp {seconds}: {e}")))?;
        PrimitiveDateTime::new(at.date(), at.time())
    } else {
        let text = value
            .as_str()
            .ok_or_else(|| invalid("date expects a string or Unix seconds"))?;
        parse_moment(text)?
    };
    moment
        .format(&items)
        .map_err(|e| invalid(format!("cannot format date: {e}")))
}

fn parse_moment(text: &str) -> Result<PrimitiveDateTime, Error> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("today") || text.eq_ignore_ascii_case("now") {
        let now = OffsetDateTime::now_utc();
        return Ok(PrimitiveDateTime::new(now.date(), now.time()));
    }
    if let Ok(at) = OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339) {
        return Ok(PrimitiveDateTime::new(at.date(), at.time()));
    }
    let day = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(text, &day)
        .map(|d| PrimitiveDateTime::new(d, time::Time::MIDNIGHT))
        .map_err(|_| invalid(format!("not a date: {text:?} (use YYYY-MM-DD or RFC 3339)")))
}

/// `{{ 0.845 | percent }}` → `85%`, `{{ 0.845 | percent(1) }}` → `84.5%`. The input is a ratio.
fn percent(value: f64, decimals: Option<u8>) -> Result<String, Error> {
    if !value.is_finite() {
        return Err(invalid("percent of a non-finite number"));
    }
    let decimals = usize::from(decimals.unwrap_or(0).min(4));
    Ok(format!("{:.*}%", decimals, value * 100.0))
}

/// `{{ 3 | pluralize("variant") }}` → `3 variants`; a list counts its items;
/// an irregular plural is the second argument.
fn pluralize_filter(value: &Value, singular: &str, plural: Option<&str>) -> Result<String, Error> {
    let count = match value.len() {
        Some(len) if value.as_str().is_none() => len as i64,
        _ => value
            .as_i64()
            .ok_or_else(|| invalid("pluralize expects a number or a list"))?,
    };
    Ok(format!(
        "{count} {}",
        word_for(count == 1, singular, plural)
    ))
}

/// `count` and the word in the number it takes: `1 story point`, `2 story points`, `0 items`;
/// `plural` for irregular words (`pluralize(2, "property", Some("properties"))`). Every count a
/// person reads goes through here or the templates' `pluralize` filter (the same rule).
pub fn pluralize(count: u64, singular: &str, plural: Option<&str>) -> String {
    format!("{count} {}", word_for(count == 1, singular, plural))
}

/// The singular for one, else the plural (given, or the singular plus `s`).
fn word_for<'a>(
    one: bool,
    singular: &'a str,
    plural: Option<&'a str>,
) -> std::borrow::Cow<'a, str> {
    match (one, plural) {
        (true, _) => singular.into(),
        (false, Some(plural)) => plural.into(),
        (false, None) => format!("{singular}s").into(),
    }
}

/// `{{ node.id | figma_link }}`: the design link for a node of the current file.
fn figma_link(state: &State, node_id: &str) -> Result<String, Error> {
    let file_key = state
        .lookup("figma")
        .and_then(|figma| figma.get_attr("file_key").ok())
        .and_then(|key| key.as_str().map(str::to_owned))
        .unwrap_or_default();
    Ok(node_link(&file_key, node_id))
}

/// `{{ "color/primary/500" | token_ref }}` → `var(--ds-color-primary-500)`;
/// `token_ref(style="scss")` → `$ds-color-primary-500`, `"js"` → `tokens.color.primary[500]`-style
/// path (`tokens.color.primary.500` becomes `tokens.colorPrimary500`), `"name"` →
/// `ds-color-primary-500`. Code names carry the token exports' namespace
/// ([`handoff_analysis::tokens::CODE_NAME_PREFIX`]), so a ticket names what the export defines.
fn token_ref(name: &str, kwargs: Kwargs) -> Result<String, Error> {
    let style: Option<&str> = kwargs.get("style")?;
    kwargs.assert_all_used()?;
    let plain = name.replace(['/', '.', ' '], "-").to_kebab_case();
    let flat = format!("{}-{plain}", handoff_analysis::tokens::CODE_NAME_PREFIX);
    Ok(match style.unwrap_or("css") {
        "css" => format!("var(--{flat})"),
        "scss" => format!("${flat}"),
        "less" => format!("@{flat}"),
        "js" => format!("tokens.{}", plain.to_lower_camel_case()),
        "name" => flat,
        other => {
            return Err(invalid(format!(
                "token_ref style {other:?}: use css, scss, less, js or name"
            )));
        }
    })
}

/// `{{ 16.0 | px }}` → `16px`, `{{ 12.5 | px }}` → `12.5px`.
fn px(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}px", value as i64)
    } else {
        format!("{:.2}px", value).replace(".00px", "px")
    }
}

/// Escapes CommonMark punctuation so design text cannot inject markup into a ticket.
pub(crate) fn md_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use minijinja::context;

    fn render(source: &str) -> Result<String, Error> {
        let mut env = Environment::new();
        register(&mut env);
        env.render_str(source, context! { figma => context! { file_key => "KEY123" }, n => 3, items => vec![1], r => 0.845, r2 => 0.85 })
    }

    #[test]
    fn case_filters() {
        assert_eq!(
            render("{{ 'Primary Button' | kebab_case }} {{ 'Primary Button' | snake_case }} {{ 'primary button' | pascal_case }} {{ 'Primary Button' | camel_case }} {{ 'A b' | kebabCase }}").unwrap(),
            "primary-button primary_button PrimaryButton primaryButton a-b"
        );
    }

    #[test]
    fn percent_pluralize_date() {
        assert_eq!(
            render("{{ r2 | percent }} {{ r | percent(1) }}").unwrap(),
            "85% 84.5%"
        );
        assert_eq!(
            render("{{ n | pluralize('variant') }} {{ items | pluralize('child', 'children') }}")
                .unwrap(),
            "3 variants 1 child"
        );
        assert_eq!(
            render("{{ 1 | pluralize('story point') }}, {{ 0 | pluralize('item') }}").unwrap(),
            "1 story point, 0 items"
        );
        assert_eq!(pluralize(1, "record", None), "1 record");
        assert_eq!(pluralize(2, "property", Some("properties")), "2 properties");
        assert_eq!(
            render("{{ '2026-11-05' | date('[day]/[month]/[year]') }}").unwrap(),
            "05/11/2026"
        );
        assert_eq!(render("{{ 0 | date }}").unwrap(), "1970-01-01");
        assert!(render("{{ 'yesterday-ish' | date }}").is_err());
        assert!(render("{{ '2026-11-05' | date('[nonsense') }}").is_err());
    }

    #[test]
    fn figma_and_token_helpers() {
        assert_eq!(
            render("{{ '1:2' | figma_link }}").unwrap(),
            "https://www.figma.com/design/KEY123?node-id=1:2"
        );
        assert_eq!(
            render("{{ 'color/primary/500' | token_ref }} {{ 'color/primary/500' | token_ref(style='scss') }} {{ 'color/primary' | token_ref(style='js') }}").unwrap(),
            "var(--ds-color-primary-500) $ds-color-primary-500 tokens.colorPrimary"
        );
        assert!(render("{{ 'x' | token_ref(style='cobol') }}").is_err());
    }

    #[test]
    fn markdown_escape_neutralises_markup() {
        assert_eq!(
            md_escape("**bold** [x](y)\nz"),
            "\\*\\*bold\\*\\* \\[x\\](y) z"
        );
    }
}
