//! Any text as a figma.com link or a node id. What parses is canonical: a node id normalises to
//! itself, and the link rebuilt from a parsed one parses to the same file and nodes.
#![no_main]

use handoff_figma::{normalize_node_id, parse_figma_url};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(id) = normalize_node_id(text) {
        assert_eq!(normalize_node_id(&id).as_ref(), Ok(&id), "{text:?}");
    }
    let Ok(link) = parse_figma_url(text) else {
        return;
    };
    let key_ok = |key: &str| {
        (8..=128).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_alphanumeric())
    };
    assert!(
        key_ok(&link.file_key),
        "{text:?} gave key {:?}",
        link.file_key
    );
    for id in &link.node_ids {
        assert_eq!(normalize_node_id(id).as_ref(), Ok(id), "{text:?}");
    }
    let path = match &link.main_file_key {
        Some(main) => format!("design/{main}/branch/{}", link.file_key),
        None => format!("design/{}", link.file_key),
    };
    let ids = link.node_ids.join(",");
    let again = parse_figma_url(&format!("https://www.figma.com/{path}/x?node-id={ids}"));
    assert_eq!(again.as_ref(), Ok(&link), "{text:?}");
});
