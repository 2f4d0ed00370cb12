//! Font faces of text layers: family, style, weight, italic and size, for the base style and
//! for each per-character override run.

use std::collections::BTreeSet;

use handoff_figma::model::{Text, TypeStyle};

/// One font face at one size.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FontFace<'a> {
    pub family: &'a str,
    /// `Bold`, `Italic`, `Medium Italic`: Figma's `fontStyle` when sent, else read from the
    /// PostScript name (`HelveticaNeue-Bold`), else named from the weight and `italic`.
    pub style: String,
    pub weight: f64,
    pub italic: bool,
    pub size: f64,
}

impl FontFace<'_> {
    /// A key that groups equal faces (floats by their bits).
    pub fn key(&self) -> (String, String, u64, bool, u64) {
        (
            self.family.to_owned(),
            self.style.clone(),
            self.weight.to_bits(),
            self.italic,
            self.size.to_bits(),
        )
    }
}

/// CSS weight names, as type foundries name the styles.
fn weight_name(weight: f64) -> &'static str {
    match weight.round() as i64 {
        ..=149 => "Thin",
        150..=249 => "Extra Light",
        250..=349 => "Light",
        350..=449 => "Regular",
        450..=549 => "Medium",
        550..=649 => "Semi Bold",
        650..=749 => "Bold",
        750..=849 => "Extra Bold",
        _ => "Black",
    }
}

/// `BoldItalic` → `Bold Italic`.
fn spaced(camel: &str) -> String {
    let mut out = String::with_capacity(camel.len() + 4);
    let mut previous_lower = false;
    for c in camel.chars() {
        if c.is_uppercase() && previous_lower {
            out.push(' ');
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
        out.push(c);
    }
    out
}

/// The face of a run whose own style is `run` (every field optional) over the layer's `base`.
/// A run that changes the font (family, PostScript name, weight or italic) does not inherit the
/// base's style name, which belongs to the base's font.
pub(crate) fn face<'a>(run: &'a TypeStyle, base: &'a TypeStyle) -> FontFace<'a> {
    let family = run
        .font_family
        .as_deref()
        .or(base.font_family.as_deref())
        .unwrap_or_default();
    let changes_font = run.font_family.is_some()
        || run.font_post_script_name.is_some()
        || run.font_weight.is_some()
        || run.italic.is_some();
    let inherit = |field: fn(&TypeStyle) -> Option<&str>| {
        field(run).or_else(|| if changes_font { None } else { field(base) })
    };
    let font_style = inherit(|s| s.font_style.as_deref()).filter(|s| !s.trim().is_empty());
    let post_script = inherit(|s| s.font_post_script_name.as_deref());
    let weight = run.font_weight.or(base.font_weight).unwrap_or(400.0);
    let style_from_name = |name: &str| {
        name.to_ascii_lowercase().contains("italic")
            || name.to_ascii_lowercase().contains("oblique")
    };
    let italic = run
        .italic
        .or(if changes_font { None } else { base.italic })
        .unwrap_or(false)
        || font_style.is_some_and(style_from_name);
    let style = match (font_style, post_script.and_then(|ps| ps.rsplit_once('-'))) {
        (Some(style), _) => style.to_owned(),
        (None, Some((_, suffix))) if !suffix.is_empty() => spaced(suffix),
        _ => match (weight_name(weight), italic) {
            ("Regular", true) => "Italic".to_owned(),
            (name, true) => format!("{name} Italic"),
            (name, false) => name.to_owned(),
        },
    };
    let italic = italic || style_from_name(&style);
    FontFace {
        family,
        style,
        weight,
        italic,
        size: run.font_size.or(base.font_size).unwrap_or(0.0),
    }
}

/// The faces a text layer shows, each once: `(face, from a run only)`. The base face counts when
/// some character keeps it (override 0, or past the end of the overrides); each override run
/// (`characterStyleOverrides` into `styleOverrideTable`) adds its face, which is "from a run
/// only" unless the base shows the same face.
pub(crate) fn faces(text: &Text) -> Vec<(FontFace<'_>, bool)> {
    let base = &*text.style;
    let overrides = &text.character_style_overrides;
    let used: BTreeSet<u32> = overrides.iter().copied().filter(|&i| i != 0).collect();
    let covered_all = !overrides.is_empty()
        && !overrides.contains(&0)
        && overrides.len() >= text.characters.encode_utf16().count();
    let mut out: Vec<(FontFace<'_>, bool)> = Vec::new();
    if !covered_all || used.is_empty() {
        out.push((face(base, base), false));
    }
    for id in used {
        let Some(run) = text.style_override_table.get(id.to_string().as_str()) else {
            continue;
        };
        let run_face = face(run, base);
        if !out.iter().any(|(f, _)| *f == run_face) {
            out.push((run_face, true));
        }
    }
    out
}
