//! Any text as a user's template file (`POST /api/v1/templates/validate`, overrides, template
//! directories): YAML metadata with budgets, Jinja compiled and rendered against a sample context
//! under fuel and output limits. The first byte picks how the rest is read: 0 as the whole file,
//! 1 as the Jinja `content` of an otherwise valid file (so the fuzzer spends its time in Jinja),
//! 2 as a label expression. Never a panic, never a hang (run with `-timeout`).
#![no_main]

use std::sync::OnceLock;

use handoff_templates::Registry;
use libfuzzer_sys::fuzz_target;

fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| match Registry::builtin() {
        Ok(registry) => registry,
        Err(error) => panic!("the built-in templates do not load: {error}"),
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    // A JSON string is a YAML double-quoted scalar (YAML 1.2 is a superset of JSON).
    let quoted = || serde_json::to_string(text).unwrap_or_default();
    let source = match mode % 3 {
        0 => text.to_owned(),
        1 => format!(
            "id: fuzz\nversion: \"1\"\nplatform: jira\ndocument_type: component\ncontent: {}\n",
            quoted()
        ),
        _ => format!(
            "id: fuzz\nversion: \"1\"\nplatform: github\ndocument_type: story\nlabels: [{}]\ntitle: {}\ncontent: \"x\"\n",
            quoted(),
            quoted()
        ),
    };
    let _ = registry().validate("fuzz", &source);
});
