//! Any bytes as a Figma REST response: the parser answers (a response or an error naming where
//! the input is wrong) and never panics; a parsed design keeps the arena's invariants.
#![no_main]

use handoff_figma::{Response, parse_response};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(Response::File(design) | Response::Nodes(design)) = parse_response(data) {
        handoff_fuzz::check_design(&design);
        // Walks the whole arena by index, as the design context and analysis do.
        let _ = design.id_index();
    }
});
