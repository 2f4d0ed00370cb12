//! Figma-like responses (generated node trees with the shapes real files have, and text that looks
//! like their structure): the parse finds every node, keeps the arena's invariants, and the
//! two-thread parse of large inputs, forced here at any split point, gives exactly the same design.
#![no_main]

use handoff_figma::parse::parse_design_split_from;
use handoff_figma::parse_design;
use handoff_fuzz::{GenResponse, check_design};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (GenResponse, u16)| {
    let (response, split_at) = input;
    let (json, count) = response.render();
    let single = parse_design(json.as_bytes());
    if let Ok(design) = &single {
        check_design(design);
        assert_eq!(design.nodes.len(), count, "nodes found in {json}");
    }
    let from = usize::from(split_at) % (json.len() + 1);
    match (parse_design_split_from(json.as_bytes(), from), &single) {
        (None, _) => {}
        (Some(Ok(split)), Ok(single)) => assert_eq!(&split, single, "split at {from}: {json}"),
        (Some(Err(_)), Err(_)) => {}
        (Some(split), single) => panic!(
            "split at {from} gave {:?}, one thread {:?}: {json}",
            split.map(|d| d.nodes.len()),
            single.as_ref().map(|d| d.nodes.len())
        ),
    }
});
