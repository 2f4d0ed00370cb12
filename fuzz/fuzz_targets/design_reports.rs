//! What is done with a parsed design, over generated Figma-like designs: every analysis report
//! (against the file's own styles and against imported DTCG tokens, parsed from fuzzed bytes), every
//! token export, and the design context in each format, paged through its cursors. Never a panic;
//! each page stays within its byte budget.
#![no_main]

use handoff_analysis::{
    DesignSystem, ReportKind, ReportOptions, Scope, TokenFormat, parse_dtcg, run_report,
};
use handoff_figma::{ContextOptions, Format, design_context, parse_design};
use handoff_fuzz::GenResponse;
use libfuzzer_sys::fuzz_target;

/// Pages read per format at most: enough to cross several cursors, few enough to stay fast.
const MAX_PAGES: usize = 32;

fuzz_target!(|input: (GenResponse, u16, Option<u8>, Vec<u8>)| {
    let (response, budget, depth, tokens) = input;
    let (json, _) = response.render();
    let Ok(design) = parse_design(json.as_bytes()) else {
        return;
    };
    let scope = Scope::whole(&design);
    let imported = parse_dtcg(&tokens).ok();
    let mut systems = vec![DesignSystem::Own];
    if let Some(imported) = &imported {
        systems.push(DesignSystem::Tokens(&imported.tokens));
    }
    for system in systems {
        let options = ReportOptions {
            system,
            ..ReportOptions::default()
        };
        for kind in ReportKind::ALL {
            let _ = run_report(&design, &scope, kind, &options);
        }
        // Only the tokens report reads the export format.
        for format in ["dtcg", "css", "tailwind", "tailwind-v3", "scss"] {
            let options = ReportOptions {
                token_format: format.parse::<TokenFormat>().ok(),
                ..options.clone()
            };
            let _ = run_report(&design, &scope, ReportKind::Tokens, &options);
        }
    }
    for format in [Format::Tree, Format::Yaml, Format::Json] {
        let mut options = ContextOptions {
            format,
            max_bytes: 1_024 + usize::from(budget),
            depth: depth.map(u32::from),
            ..ContextOptions::default()
        };
        for _ in 0..MAX_PAGES {
            let Ok(page) = design_context(&design, &options) else {
                break;
            };
            assert!(
                page.text.len() <= options.max_bytes,
                "{} > {}",
                page.text.len(),
                options.max_bytes
            );
            match page.next_cursor {
                Some(cursor) => options.cursor = Some(cursor),
                None => break,
            }
        }
    }
});
