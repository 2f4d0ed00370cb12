// A counting global allocator needs `unsafe`: it forwards to the system allocator unchanged.
#![allow(unsafe_code, clippy::unwrap_used, clippy::expect_used)]
//! Memory of the design context on extreme shapes (issue 20): the heap's peak while a context of
//! a chain 10,000 levels deep is built stays within a small multiple of what the design holds.
//! Before the fix, tree lines held their indentation (2 bytes a level: 100 MB of spaces for this
//! chain) and the whole-design page was rendered in full before being found over budget.
//!
//! A counting global allocator measures the peak; the test binary holds only this test, so no
//! other test allocates while it runs.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use handoff_figma::{ContextOptions, Format, design_context, parse_design};

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards every call to the system allocator unchanged; only counts sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract is the system allocator's.
        let pointer = unsafe { System.alloc(layout) };
        if !pointer.is_null() {
            grew(layout.size());
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(pointer, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as above.
        let moved = unsafe { System.realloc(pointer, layout, new_size) };
        if !moved.is_null() {
            CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
            grew(new_size);
        }
        moved
    }
}

fn grew(size: usize) {
    let now = CURRENT.fetch_add(size, Ordering::Relaxed) + size;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// A file response whose page holds a chain of `levels` frames, each the only child of the last
/// (the shape `bench/shapes/gen_shapes.py deep` writes).
fn deep_file(levels: usize) -> Vec<u8> {
    let mut json = String::from(
        r#"{"name":"deep","document":{"id":"0:0","name":"Document","type":"DOCUMENT","children":[{"id":"0:1","name":"Page 1","type":"CANVAS","children":["#,
    );
    for level in 0..levels {
        if level > 0 {
            json.push_str(r#""children":["#);
        }
        json.push_str(&format!(
            r#"{{"id":"1:{level}","name":"Frame {level}","type":"FRAME","#
        ));
    }
    json.push_str(r#""children":[]"#);
    for _ in 1..levels {
        json.push_str("}]");
    }
    json.push_str(r#"}]}]},"components":{},"styles":{}}"#);
    json.into_bytes()
}

/// The heap's peak above what is live when `work` starts, while it runs.
fn peak_during<R>(work: impl FnOnce() -> R) -> (R, usize) {
    let base = CURRENT.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let result = work();
    (result, PEAK.load(Ordering::Relaxed).saturating_sub(base))
}

#[test]
fn a_deep_chain_builds_its_tree_context_in_bounded_memory() {
    const LEVELS: usize = 10_000;
    let input = deep_file(LEVELS);
    let (design, parse_peak) = peak_during(|| parse_design(&input).unwrap());
    assert_eq!(design.nodes.len(), LEVELS + 2);
    for (max_bytes, format) in [
        (5_000, Format::Tree),
        (100_000, Format::Tree),
        (usize::MAX, Format::Json),
    ] {
        let options = ContextOptions {
            format,
            max_bytes,
            ..ContextOptions::default()
        };
        let (context, peak) = peak_during(|| design_context(&design, &options).unwrap());
        assert!(context.text.len() <= max_bytes);
        // A linear context costs a few times the parsed design (records, lines, shared
        // values); the square of the depth costs 100 MB for this chain.
        let bound = 4 * parse_peak + (1 << 20);
        assert!(
            peak <= bound,
            "{format:?} at {max_bytes} bytes: context peak {peak} bytes, parse peak {parse_peak}, bound {bound}"
        );
        drop(context);
    }
    // The whole tree, unpaged: its indentation is output the caller asked for.
    let (context, _) = peak_during(|| {
        design_context(
            &design,
            &ContextOptions {
                max_bytes: usize::MAX,
                ..ContextOptions::default()
            },
        )
        .unwrap()
    });
    let deepest = context.text.lines().find(|line| line.contains("#1:9999"));
    let indent = deepest.map(|line| line.len() - line.trim_start().len());
    assert_eq!(indent, Some(2 * LEVELS));
}

/// A field of `/proc/self/status` in bytes (`VmRSS`, `VmHWM`); `None` off Linux.
fn proc_status_bytes(field: &str) -> Option<usize> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with(field))?;
    let kib: usize = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// The parse recurses once per level, on stack that serde_stacker maps outside the heap: what a
/// level costs there is the resident memory the parse adds beyond its heap. Each level's frame
/// held a whole `Node` and a temporary of every field type: in this test's (debug) build 14.5 KB a
/// level, 1.4 GB for this chain; now it holds the arena index and the map being read, and the
/// level costs the frames of serde's own recursion (~3.7 KB in debug; release: docs/benchmarks.md).
///
/// The resident peak is the process's: nextest runs each test in a process of its own.
#[test]
fn a_deep_chain_parses_with_little_stack_per_level() {
    const LEVELS: usize = 100_000;
    let input = deep_file(LEVELS);
    let Some(before) = proc_status_bytes("VmRSS:") else {
        return;
    };
    let (design, heap_peak) = peak_during(|| parse_design(&input).unwrap());
    assert_eq!(design.nodes.len(), LEVELS + 2);
    let resident_peak = proc_status_bytes("VmHWM:").unwrap();
    let stack = resident_peak
        .saturating_sub(before)
        .saturating_sub(heap_peak);
    let per_level = stack / LEVELS;
    eprintln!(
        "resident +{} MB, heap peak {} MB, stack ~{per_level} bytes a level",
        (resident_peak - before) >> 20,
        heap_peak >> 20
    );
    assert!(
        per_level <= 6_000,
        "{per_level} bytes of stack a level (heap peak {heap_peak} bytes, resident peak {resident_peak})"
    );
}
