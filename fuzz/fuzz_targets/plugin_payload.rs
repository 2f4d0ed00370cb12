//! Any bytes as the legacy plugin's `frameData` / `enhancedFrameData` payload (the body of the old
//! routes and the `frames` of every current request): a design or an error, never a panic; the
//! design keeps the arena's invariants however the layers' depths jump.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(design) = handoff_figma::parse_plugin_payload(data) {
        handoff_fuzz::check_design(&design);
    }
});
