//! Figma URLs, file keys and node ids.
//!
//! Accepts every figma.com link form people paste (`/file/`, `/design/`,
//! `/proto/`, `/board/`, `/slides/`, `/deck/`, `/make/`, branch links), with
//! or without scheme, with `node-id=1-2`, `1:2` or URL-encoded ids, and a bare
//! file key. The legacy plugin sometimes appended `&t=<team>` to the path
//! itself; that is tolerated too.

/// What a Figma link points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FigmaLink {
    /// The key to call the REST API with: the branch key for a branch link,
    /// else the file key.
    pub file_key: String,
    /// The main file's key when the link is to a branch.
    pub main_file_key: Option<String>,
    /// Node ids in API form (`1:2`, `I1:2;3:4`), in link order, without duplicates.
    pub node_ids: Vec<String>,
}

/// Why a link or node id was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    #[error("empty Figma link")]
    Empty,
    #[error("not a figma.com link: host `{0}`")]
    NotFigma(String),
    #[error(
        "unsupported Figma link path `{0}`: expected /design/KEY, /file/KEY, /proto/KEY, /board/KEY or a branch link"
    )]
    UnsupportedPath(String),
    #[error("`{0}` is not a Figma file key (8 to 128 letters and digits)")]
    InvalidFileKey(String),
    #[error(
        "`{0}` is not a Figma node id (expected `12:34`, `12-34` or an instance path `I12:34;56:78`)"
    )]
    InvalidNodeId(String),
}

const FILE_KINDS: &[&str] = &[
    "file", "design", "proto", "board", "slides", "deck", "make", "site", "buzz",
];

/// Parses a figma.com URL or a bare file key.
pub fn parse_figma_url(input: &str) -> Result<FigmaLink, LinkError> {
    let input = input.trim();
    if input.is_empty() {
        return Err(LinkError::Empty);
    }
    if !input.contains('/') && !input.contains('.') {
        return Ok(FigmaLink {
            file_key: checked_key(input)?,
            main_file_key: None,
            node_ids: Vec::new(),
        });
    }
    let with_scheme = if input.contains("://") {
        input.to_owned()
    } else {
        format!("https://{input}")
    };
    let url = url::Url::parse(&with_scheme).map_err(|_| LinkError::NotFigma(input.to_owned()))?;
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    if host != "figma.com" && !host.ends_with(".figma.com") {
        return Err(LinkError::NotFigma(host));
    }
    let segments: Vec<&str> = url
        .path_segments()
        .map(|parts| parts.filter(|s| !s.is_empty()).collect())
        .unwrap_or_default();
    let (file_key, main_file_key) = match segments.as_slice() {
        [kind, key, "branch", branch, ..] if FILE_KINDS.contains(kind) => (
            checked_key(strip_path_junk(branch))?,
            Some(checked_key(strip_path_junk(key))?),
        ),
        [kind, key, ..] if FILE_KINDS.contains(kind) => (checked_key(strip_path_junk(key))?, None),
        _ => return Err(LinkError::UnsupportedPath(url.path().to_owned())),
    };
    let mut node_ids = Vec::new();
    for (name, value) in url.query_pairs() {
        if name == "node-id"
            || name == "node_id"
            || name == "starting-point-node-id" && node_ids.is_empty()
        {
            for id in value.split(',').filter(|id| !id.trim().is_empty()) {
                let id = normalize_node_id(id)?;
                if !node_ids.contains(&id) {
                    node_ids.push(id);
                }
            }
        }
    }
    Ok(FigmaLink {
        file_key,
        main_file_key,
        node_ids,
    })
}

/// The legacy plugin glued `&t=123` onto the last path segment.
fn strip_path_junk(segment: &str) -> &str {
    segment.split(['&', '?', '#']).next().unwrap_or(segment)
}

fn checked_key(key: &str) -> Result<String, LinkError> {
    let valid =
        (8..=128).contains(&key.len()) && key.bytes().all(|byte| byte.is_ascii_alphanumeric());
    if valid {
        Ok(key.to_owned())
    } else {
        Err(LinkError::InvalidFileKey(key.to_owned()))
    }
}

/// Normalises a node id to the API form: `1-2` → `1:2`, `I1-2;3-4` →
/// `I1:2;3:4`; URL-encoded input (`1%3A2`) is decoded first.
pub fn normalize_node_id(input: &str) -> Result<String, LinkError> {
    let decoded = percent_decode(input.trim());
    let invalid = || LinkError::InvalidNodeId(input.to_owned());
    let (instance, body) = match decoded.strip_prefix('I') {
        Some(rest) => (true, rest),
        None => (false, decoded.as_str()),
    };
    let parts: Vec<&str> = body.split(';').collect();
    if parts.is_empty() || (!instance && parts.len() > 1) {
        return Err(invalid());
    }
    let mut normalized = String::with_capacity(decoded.len());
    if instance {
        normalized.push('I');
    }
    for (position, part) in parts.iter().enumerate() {
        let (left, right) = part.split_once([':', '-']).ok_or_else(invalid)?;
        let digits = |text: &str| {
            !text.is_empty() && text.len() <= 20 && text.bytes().all(|b| b.is_ascii_digit())
        };
        if !digits(left) || !digits(right) {
            return Err(invalid());
        }
        if position > 0 {
            normalized.push(';');
        }
        normalized.push_str(left);
        normalized.push(':');
        normalized.push_str(right);
    }
    Ok(normalized)
}

fn percent_decode(input: &str) -> String {
    if !input.contains('%') {
        return input.to_owned();
    }
    url::form_urlencoded::parse(format!("x={input}").as_bytes())
        .next()
        .map(|(_, value)| value.into_owned())
        .unwrap_or_else(|| input.to_owned())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn link(input: &str) -> FigmaLink {
        parse_figma_url(input).unwrap()
    }

    #[test]
    fn every_path_form_yields_the_key() {
        for kind in ["file", "design", "proto", "board", "slides"] {
            let parsed = link(&format!(
                "https://www.figma.com/{kind}/AbCdEf1234567890/Shop?node-id=1-2"
            ));
            assert_eq!(parsed.file_key, "AbCdEf1234567890");
            assert_eq!(parsed.node_ids, ["1:2"]);
        }
    }

    #[test]
    fn branch_links_use_the_branch_key() {
        let parsed = link(
            "https://www.figma.com/design/MainKey12345/branch/BranchKey678/Shop?node-id=3%3A4",
        );
        assert_eq!(parsed.file_key, "BranchKey678");
        assert_eq!(parsed.main_file_key.as_deref(), Some("MainKey12345"));
        assert_eq!(parsed.node_ids, ["3:4"]);
    }

    #[test]
    fn lenient_forms() {
        assert_eq!(
            link("figma.com/file/AbCdEf1234567890").file_key,
            "AbCdEf1234567890"
        );
        assert_eq!(
            link("https://www.figma.com/design/AbCdEf1234567890/Shop&t=123").file_key,
            "AbCdEf1234567890"
        );
        assert_eq!(link("AbCdEf1234567890").file_key, "AbCdEf1234567890");
        assert_eq!(
            link("https://figma.com/design/AbCdEf1234567890/x?node-id=I1-2%3B3-4").node_ids,
            ["I1:2;3:4"]
        );
        assert_eq!(
            link("https://figma.com/design/AbCdEf1234567890/x?node-id=1:2&t=x").node_ids,
            ["1:2"]
        );
    }

    #[test]
    fn clear_errors() {
        assert_eq!(parse_figma_url(" "), Err(LinkError::Empty));
        assert!(matches!(
            parse_figma_url("https://example.com/design/AbCdEf1234567890"),
            Err(LinkError::NotFigma(_))
        ));
        assert!(matches!(
            parse_figma_url("https://figma.com/files/recent"),
            Err(LinkError::UnsupportedPath(_))
        ));
        assert!(matches!(
            parse_figma_url("https://figma.com/design/short"),
            Err(LinkError::InvalidFileKey(_))
        ));
        assert!(matches!(
            parse_figma_url("https://figma.com/design/AbCdEf1234567890/x?node-id=abc"),
            Err(LinkError::InvalidNodeId(_))
        ));
        assert!(matches!(
            parse_figma_url("bad key!"),
            Err(LinkError::InvalidFileKey(_)) | Err(LinkError::NotFigma(_))
        ));
    }

    #[test]
    fn node_ids_normalise() {
        assert_eq!(normalize_node_id("12:34").unwrap(), "12:34");
        assert_eq!(normalize_node_id("12-34").unwrap(), "12:34");
        assert_eq!(normalize_node_id("I1:2;3:4;5-6").unwrap(), "I1:2;3:4;5:6");
        for bad in ["", "12", "1:2;3:4", "a:b", "1:2:3", "I", "1:"] {
            assert!(normalize_node_id(bad).is_err(), "{bad}");
        }
    }
}
