//! Any text as a rendered template body (Markdown, which user templates produce freely), converted
//! to every output format: Jira wiki, ADF, Confluence storage, Notion blocks, text. Never a panic.
#![no_main]

use handoff_templates::OutputFormat;
use handoff_templates::render::render_markdown;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|markdown: &str| {
    for &format in OutputFormat::ALL {
        let _ = render_markdown(markdown, format);
    }
});
