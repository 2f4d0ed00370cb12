//! Small helpers for the Markdown renderings.

/// Makes text safe inside a Markdown table cell: pipes escaped, line breaks flattened.
pub(crate) fn cell(text: &str) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .collect();
    flat.replace('|', "\\|")
}

/// The header line naming what a report covers: the file and the scope, or only the scope when
/// the design has no file name (frames sent by the Figma plugin), never an empty bold name.
pub(crate) fn source_line(file_name: &str, scope: &str) -> String {
    if file_name.trim().is_empty() {
        format!("**Source**: {scope}")
    } else {
        format!("**File**: {} ({scope})", cell(file_name))
    }
}

/// Formats a 0–1 ratio as a percentage with one decimal.
pub(crate) fn percent(ratio: f64) -> String {
    format!("{:.1}%", ratio * 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_cannot_break_the_table() {
        assert_eq!(cell("a|b\nc"), "a\\|b c");
    }
}
