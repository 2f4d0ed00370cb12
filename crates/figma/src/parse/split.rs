//! Parsing a large response on two threads.
//!
//! JSON cannot be parsed from the middle in general, but Figma's node tree can:
//! every node is an object whose first key is `"id"`, and a raw `"` never occurs
//! inside a JSON string, so `{"id":"…` preceded by `[` or `,` can only be the
//! start of an array element. From a point near the middle of the input, a
//! second thread finds such a node, scans the structure (not the values) to
//! list it, its later siblings, the later siblings of its ancestors and so on
//! up the tree (the *tail*), then parses each of those subtrees into its own
//! arena. Meanwhile the calling thread parses the whole response as usual,
//! except that each tail node it meets is skipped unparsed and left as a
//! placeholder ([`TailPlan::claims`]). The arenas are then joined.
//!
//! Both threads agree on a tail node by the byte offset of its id, which the
//! main parse sees for itself, so a wrong guess by the scan costs speed, never
//! correctness: the main thread claims tail nodes strictly in order, parses
//! anything it cannot claim, and the join uses only the claimed prefix. If the
//! second thread fails on a claimed node, the caller parses again on one thread.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};

use super::FastInput;
use super::intern::Interner;
use super::node_seed::{Arena, NodeSeed, Parsed, Progress};
use super::response::RawResponse;
use crate::model::{Node, NodeIndex};

/// Inputs smaller than this are parsed on one thread: below it, starting a
/// thread and joining arenas cost more than they save.
pub(crate) const MIN_SPLIT_BYTES: usize = 4 << 20;

/// Where, in percent of the input, to look for the tail's first node.
const SPLIT_PERCENT: usize = 44;

/// How far past the split point to look for a node to start the tail at.
const SEARCH_WINDOW: usize = 1 << 20;

/// The main thread's side: which nodes to leave to the tail thread.
pub(crate) struct TailPlan {
    /// Id offset of the first tail node; nodes before it are never claimed.
    first_id: usize,
    /// Id offsets of the tail nodes, once the tail thread has scanned them.
    tail_ids: Option<Vec<usize>>,
    receiver: mpsc::Receiver<Vec<usize>>,
    /// Tail nodes claimed so far (a prefix of `tail_ids`).
    pub claimed: usize,
    /// Arena length when the first node was claimed: where the tail's nodes go.
    pub insert_at: Option<usize>,
    /// Per claimed node: its parent and its position in the parent's children.
    pub slots: Vec<(NodeIndex, usize)>,
    /// Input offset the tail thread has parsed up to (the end of its last
    /// finished subtree).
    parsed_to: Arc<AtomicUsize>,
}

impl TailPlan {
    /// How far the tail thread has parsed: it reads no input before this again.
    pub fn parsed_to(&self) -> usize {
        self.parsed_to.load(Ordering::Acquire)
    }

    /// Whether `offset` is at or past the tail's start.
    pub fn covers(&self, offset: usize) -> bool {
        offset >= self.first_id
    }

    /// Whether the node whose id starts at `id_offset` is the next tail node
    /// (the caller then skips it). Waits for the tail scan the first time a
    /// node at or past the tail's start is met.
    pub fn claims(&mut self, id_offset: usize) -> bool {
        if !self.covers(id_offset) {
            return false;
        }
        let receiver = &self.receiver;
        let tail_ids = self
            .tail_ids
            .get_or_insert_with(|| receiver.recv().unwrap_or_default());
        if tail_ids.get(self.claimed) == Some(&id_offset) {
            self.claimed += 1;
            true
        } else {
            false
        }
    }
}

/// The tail thread's result: the tail subtrees in input order, and where each
/// starts in `nodes`.
struct Tail {
    nodes: Vec<Node>,
    starts: Vec<usize>,
}

/// Parses `input` with `parse_main` on this thread and the tail on another,
/// then joins them. `None` when the input is too small or has no place to
/// split, or when the join is impossible (the caller then parses on one thread).
pub(crate) fn parse_split<E>(
    input: FastInput<'_>,
    parse_main: impl FnOnce(Option<TailPlan>) -> Result<RawResponse, E>,
) -> Option<Result<RawResponse, E>> {
    if input.bytes.len() < MIN_SPLIT_BYTES
        || std::thread::available_parallelism().map_or(1, usize::from) < 2
    {
        return None;
    }
    split_at_about_half(input, parse_main)
}

fn split_at_about_half<E>(
    fast_input: FastInput<'_>,
    parse_main: impl FnOnce(Option<TailPlan>) -> Result<RawResponse, E>,
) -> Option<Result<RawResponse, E>> {
    // The main thread also skips over the tail and the tail thread first scans
    // it; skipping costs more than the scan, so the tail starts a little before
    // the middle. At 44% both threads run the same number of instructions on
    // generated files (callgrind, 10k nodes: 247M and 243M; at 50%, 258M and 217M).
    split_from(
        fast_input,
        fast_input.bytes.len() / 100 * SPLIT_PERCENT,
        parse_main,
    )
}

/// As [`split_at_about_half`], the tail starting at the first node found at or
/// after `from`. Separate so that the fuzzer and tests can split small inputs
/// anywhere.
pub(crate) fn split_from<E>(
    fast_input: FastInput<'_>,
    from: usize,
    parse_main: impl FnOnce(Option<TailPlan>) -> Result<RawResponse, E>,
) -> Option<Result<RawResponse, E>> {
    let input = fast_input.bytes;
    let start = find_tail_start(input, from)?;
    let first_id = id_offset(input, start)?;
    let (sender, receiver) = mpsc::channel();
    let parsed_to = Arc::new(AtomicUsize::new(0));
    let tail_parsed_to = Arc::clone(&parsed_to);
    let plan = TailPlan {
        first_id,
        tail_ids: None,
        receiver,
        claimed: 0,
        insert_at: None,
        slots: Vec::new(),
        parsed_to,
    };
    let (main, tail) = std::thread::scope(|scope| {
        let tail = scope.spawn(move || {
            let ranges = scan_tail(input, start);
            // The receiver is gone only if the main parse already failed.
            let _ = sender.send(ranges.iter().map(|range| range.id).collect());
            crate::model::shared_str::interning(|| parse_tail(fast_input, &ranges, &tail_parsed_to))
        });
        let main = parse_main(Some(plan));
        (main, tail.join().ok().flatten())
    });
    let mut raw = match main {
        Ok(raw) => raw,
        Err(error) => return Some(Err(error)),
    };
    let plan = raw.tail.take()?;
    if plan.claimed == 0 {
        return Some(Ok(raw));
    }
    let design = &mut raw.design;
    join(&mut design.nodes, &mut design.roots, &plan, tail?)?;
    Some(Ok(raw))
}

/// Puts the first `plan.claimed` tail subtrees where the main parse left
/// their placeholders. `None` if the tail thread did not parse that many.
fn join(
    nodes: &mut Vec<Node>,
    roots: &mut [NodeIndex],
    plan: &TailPlan,
    mut tail: Tail,
) -> Option<()> {
    let insert_at = plan.insert_at?;
    let tail_len = match tail.starts.get(plan.claimed) {
        Some(&end) => end,
        None if tail.starts.len() == plan.claimed => tail.nodes.len(),
        None => return None,
    };
    tail.nodes.truncate(tail_len);
    let shift = NodeIndex::try_from(tail_len).ok()?;
    let base = NodeIndex::try_from(insert_at).ok()?;
    // Main nodes parsed after the first claim (past the tail, such as later
    // roots of a nodes response) move up by the tail's length.
    let moved = |index: NodeIndex| {
        if index >= base {
            index.saturating_add(shift)
        } else {
            index
        }
    };
    if insert_at < nodes.len() {
        for node in nodes.iter_mut() {
            node.index = moved(node.index);
            node.parent = node.parent.map(moved);
            for child in &mut node.children {
                if *child != NodeIndex::MAX {
                    *child = moved(*child);
                }
            }
        }
        for root in roots.iter_mut() {
            *root = moved(*root);
        }
    }
    for node in &mut tail.nodes {
        node.index = node.index.saturating_add(base);
        node.parent = node.parent.map(|parent| parent.saturating_add(base));
        for child in &mut node.children {
            *child = child.saturating_add(base);
        }
    }
    #[cfg(test)]
    tests::JOINED.set(tests::JOINED.get() + 1);
    nodes.splice(insert_at..insert_at, tail.nodes);
    // Each claimed node fills its placeholder; all indices are final now.
    for (&(parent, slot), &start) in plan.slots.iter().zip(&tail.starts) {
        let parent = moved(parent);
        let child = base.saturating_add(NodeIndex::try_from(start).ok()?);
        *nodes.get_mut(parent as usize)?.children.get_mut(slot)? = child;
        nodes.get_mut(child as usize)?.parent = Some(parent);
    }
    // Depths: the tail was parsed as if its nodes were roots; parents come first.
    for position in insert_at..insert_at + tail_len {
        let parent = nodes.get(position)?.parent?;
        let depth = nodes.get(parent as usize)?.depth + 1;
        nodes.get_mut(position)?.depth = depth;
    }
    Some(())
}

/// Parses each tail range as one node subtree. `None` on any error: the
/// main parse decides what the input means.
fn parse_tail(input: FastInput<'_>, ranges: &[TailRange], parsed_to: &AtomicUsize) -> Option<Tail> {
    let capacity = ranges
        .iter()
        .filter_map(|range| input.bytes.get(range.start..range.end))
        .map(super::node_capacity)
        .sum::<usize>();
    let mut arena = Arena::new(
        capacity.min(input.max_nodes),
        Progress::new(input.bytes, None),
        Interner::new(true),
    );
    arena.max_nodes = input.max_nodes;
    let mut starts = Vec::with_capacity(ranges.len());
    for range in ranges {
        starts.push(arena.nodes.len());
        let seed = NodeSeed {
            arena: &mut arena,
            parent: None,
            depth: 0,
        };
        // A range starts at `{` and ends after `}`: ASCII, so on character boundaries.
        match input.deserialize(range.start..range.end, seed) {
            Ok(Parsed::Node(_)) => {}
            _ => return None,
        }
        parsed_to.store(range.end, Ordering::Release);
    }
    Some(Tail {
        nodes: arena.nodes,
        starts,
    })
}

/// One tail node: its object's bytes and the offset of its id.
#[derive(Debug, Clone, PartialEq, Eq)]
struct TailRange {
    start: usize,
    end: usize,
    id: usize,
}

/// The first node at or after `from` that can start a tail: an array element
/// whose first key is `id` and second `name` or `type`.
fn find_tail_start(input: &[u8], from: usize) -> Option<usize> {
    let window = input.get(from..input.len().min(from + SEARCH_WINDOW))?;
    window
        .iter()
        .enumerate()
        .filter(|(_, byte)| **byte == b'{')
        .map(|(position, _)| from + position)
        .find(|&position| starts_tail_node(input, position))
}

/// Whether the `{` at `position` opens a node object in an array.
fn starts_tail_node(input: &[u8], position: usize) -> bool {
    let before = input[..position]
        .iter()
        .rev()
        .find(|byte| !byte.is_ascii_whitespace());
    if !matches!(before, Some(b'[' | b',')) {
        return false;
    }
    let Some(id) = id_offset(input, position) else {
        return false;
    };
    let Some(after_id) = skip_string(input, id - 1) else {
        return false;
    };
    let next = skip_ws(input, after_id);
    if input.get(next) != Some(&b',') {
        return false;
    }
    let key = skip_ws(input, next + 1);
    let rest = input.get(key..).unwrap_or_default();
    rest.starts_with(b"\"name\"") || rest.starts_with(b"\"type\"")
}

/// Offset of the id text of the object opening at `position`, if its first
/// key is `id` with a string value.
fn id_offset(input: &[u8], position: usize) -> Option<usize> {
    if input.get(position) != Some(&b'{') {
        return None;
    }
    let key = skip_ws(input, position + 1);
    if !input.get(key..)?.starts_with(b"\"id\"") {
        return None;
    }
    let colon = skip_ws(input, key + 4);
    if input.get(colon) != Some(&b':') {
        return None;
    }
    let value = skip_ws(input, colon + 1);
    (input.get(value) == Some(&b'"')).then_some(value + 1)
}

/// Lists the tail starting at the node at `start`: that node, its later
/// siblings, then (climbing) the later siblings of each ancestor, until the
/// tree's top or anything unexpected. Scans structure only.
fn scan_tail(input: &[u8], start: usize) -> Vec<TailRange> {
    let mut ranges = Vec::new();
    let mut position = start;
    'nodes: while let Some(id) = id_offset(input, position) {
        let Some(end) = skip_value(input, position) else {
            break;
        };
        ranges.push(TailRange {
            start: position,
            end,
            id,
        });
        position = skip_ws(input, end);
        // After an array element: a sibling follows, or the array closes and
        // the rest of its owner (a node) is skipped to reach the owner's siblings.
        loop {
            match input.get(position) {
                Some(b',') => {
                    position = skip_ws(input, position + 1);
                    if input.get(position) == Some(&b'{') {
                        continue 'nodes;
                    }
                    break 'nodes;
                }
                Some(b']') => {
                    let Some(after_owner) = skip_rest_of_object(input, position + 1) else {
                        break 'nodes;
                    };
                    position = skip_ws(input, after_owner);
                }
                _ => break 'nodes,
            }
        }
    }
    ranges
}

fn skip_ws(input: &[u8], mut position: usize) -> usize {
    while input.get(position).is_some_and(u8::is_ascii_whitespace) {
        position += 1;
    }
    position
}

/// `position` is at an opening quote; returns the offset after the closing one.
fn skip_string(input: &[u8], position: usize) -> Option<usize> {
    let mut at = position + 1;
    loop {
        at += memchr::memchr2(b'"', b'\\', input.get(at..)?)?;
        match input.get(at)? {
            b'\\' => at += 2,
            _ => return Some(at + 1),
        }
    }
}

/// `position` is at the start of a value; returns the offset after it.
fn skip_value(input: &[u8], position: usize) -> Option<usize> {
    match input.get(position)? {
        b'"' => skip_string(input, position),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut at = position;
            loop {
                match input.get(at)? {
                    b'"' => {
                        at = skip_string(input, at)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(at + 1);
                        }
                    }
                    _ => {}
                }
                at += 1;
            }
        }
        _ => {
            let rest = input.get(position..)?;
            let length = rest
                .iter()
                .position(|byte| matches!(byte, b',' | b']' | b'}') || byte.is_ascii_whitespace())
                .unwrap_or(rest.len());
            Some(position + length)
        }
    }
}

/// `position` is just after a member's value inside an object; skips the
/// remaining members and returns the offset after the object's `}`.
fn skip_rest_of_object(input: &[u8], mut position: usize) -> Option<usize> {
    loop {
        position = skip_ws(input, position);
        match input.get(position)? {
            b'}' => return Some(position + 1),
            b',' => {
                let key = skip_ws(input, position + 1);
                if input.get(key) != Some(&b'"') {
                    return None;
                }
                let colon = skip_ws(input, skip_string(input, key)?);
                if input.get(colon) != Some(&b':') {
                    return None;
                }
                position = skip_value(input, skip_ws(input, colon + 1))?;
            }
            _ => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;
    use std::fmt::Write;

    thread_local! {
        /// Joins done on this thread, so tests can tell a split parse from a fallback.
        pub(super) static JOINED: Cell<usize> = const { Cell::new(0) };
    }

    /// A small deterministic generator (xorshift), enough to vary the shapes.
    struct Shapes(u64);

    impl Shapes {
        fn next(&mut self, below: u64) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0 % below
        }
    }

    /// A Figma-like response with the shapes a split must survive: ids that are
    /// not the first key or hold escapes, `children` before and after other
    /// keys, `null` children, node-like objects in other arrays, text that
    /// looks like JSON, pretty-printed whitespace, and several roots.
    fn response(seed: u64, nodes: usize) -> String {
        let mut shapes = Shapes(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
        let space = if shapes.next(3) == 0 { "\n  " } else { "" };
        let mut next_id = 0;
        let mut node = |out: &mut String, shapes: &mut Shapes, depth: u32, budget: &mut usize| {
            fn write_node(
                out: &mut String,
                shapes: &mut Shapes,
                depth: u32,
                budget: &mut usize,
                next_id: &mut usize,
                space: &str,
            ) {
                *budget = budget.saturating_sub(1);
                *next_id += 1;
                let id = match shapes.next(40) {
                    0 => format!("1\\u003a{next_id}"),
                    _ => format!("1:{next_id}"),
                };
                let name = match shapes.next(6) {
                    0 => r#"a \"quoted\" {\"id\":\"9:9\"} ]"#.to_owned(),
                    _ => format!("Node {next_id}"),
                };
                let kind = if depth > 5 || shapes.next(3) == 0 {
                    "TEXT"
                } else {
                    "FRAME"
                };
                let mut fields = vec![
                    format!(r#""name":"{name}""#),
                    format!(r#""type":"{kind}""#),
                    r#""fills":[{"type":"SOLID","color":{"r":0.5,"g":0.25,"b":1,"a":1}}]"#
                        .to_owned(),
                ];
                if shapes.next(8) == 0 {
                    fields.push(
                        r#""overrides":[{"id":"I1:2","name":"x","type":"FRAME"},{"id":"I1:3","overriddenFields":["fills"]}]"#
                            .to_owned(),
                    );
                }
                if kind == "TEXT" {
                    fields.push(format!(r#""characters":"text {next_id} }}]""#));
                }
                let id_field = format!(r#""id":"{id}""#);
                if shapes.next(20) == 0 {
                    fields.insert(1, id_field);
                } else {
                    fields.insert(0, id_field);
                }
                let mut children = String::new();
                if kind == "FRAME" && *budget > 0 {
                    let count = 1 + shapes.next(6);
                    children.push_str(r#""children":["#);
                    for n in 0..count {
                        if n > 0 {
                            children.push(',');
                            children.push_str(space);
                        }
                        if shapes.next(30) == 0 {
                            children.push_str("null");
                        } else {
                            write_node(&mut children, shapes, depth + 1, budget, next_id, space);
                        }
                    }
                    children.push(']');
                    let at = 1 + shapes.next(fields.len() as u64) as usize;
                    fields.insert(at.min(fields.len()), children);
                }
                out.push('{');
                out.push_str(&fields.join(&format!(",{space}")));
                out.push('}');
            }
            write_node(out, shapes, depth, budget, &mut next_id, space);
        };
        let roots = 1 + shapes.next(3);
        let mut budget = nodes;
        let mut out = String::new();
        if roots == 1 {
            out.push_str(r#"{"name":"F","document":{"id":"0:0","type":"DOCUMENT","children":["#);
            for n in 0..4 {
                if n > 0 {
                    out.push(',');
                }
                let _ = write!(
                    out,
                    r#"{{"id":"0:{}","name":"Page","type":"CANVAS","children":["#,
                    n + 1
                );
                let mut first = true;
                while budget > nodes * (3 - n) / 4 {
                    if !first {
                        out.push(',');
                    }
                    first = false;
                    node(&mut out, &mut shapes, 2, &mut budget);
                }
                out.push_str("]}");
            }
            out.push_str(
                r#"]},"components":{},"styles":{"1:1":{"key":"k","name":"S","styleType":"FILL"}}}"#,
            );
        } else {
            out.push_str(r#"{"name":"N","nodes":{"#);
            for n in 0..roots {
                if n > 0 {
                    out.push(',');
                }
                let _ = write!(out, r#""5:{n}":{{"document":"#);
                let mut share = nodes / roots as usize;
                node(&mut out, &mut shapes, 0, &mut share);
                out.push_str(r#","components":{}}"#);
            }
            out.push_str("}}");
        }
        out
    }

    #[test]
    fn a_split_parse_equals_the_single_threaded_parse() {
        let mut joined = 0;
        for seed in 0..120 {
            let json = response(seed, 300 + (seed as usize % 7) * 150);
            let input = json.as_bytes();
            let single = super::super::parse_fast(FastInput::bytes_only(input), None, None)
                .unwrap_or_else(|error| panic!("seed {seed}: {error}\n{json}"));
            // Read as bytes and as text (input checked as UTF-8): the same design.
            for fast_input in [FastInput::bytes_only(input), FastInput::new(input)] {
                let before = JOINED.get();
                let split = split_at_about_half(fast_input, |tail| {
                    super::super::parse_fast(fast_input, None, tail)
                });
                if let Some(result) = split {
                    let split = result.unwrap_or_else(|error| panic!("seed {seed}: {error}"));
                    assert_eq!(
                        split.design,
                        single.design,
                        "seed {seed}, text {}",
                        fast_input.text.is_some()
                    );
                }
                joined += JOINED.get() - before;
            }
        }
        // Most shapes split; the rest must have fallen back, never differed.
        assert!(joined > 120, "only {joined} of 240 parses were split");
    }

    #[test]
    fn the_tail_climbs_from_a_leaf_to_the_top_of_the_tree() {
        let json = br#"{"document":{"id":"0:0","type":"DOCUMENT","children":[
            {"id":"1:1","name":"a","type":"FRAME","children":[
                {"id":"2:1","name":"b","type":"TEXT"},
                {"id":"2:2","name":"c","type":"TEXT","note":"{\"id\":\"x\"} ]"}
            ],"after":[1,{"k":"}"}]},
            {"id":"1:2","name":"d","type":"FRAME"}
        ]},"components":{}}"#;
        let text = std::str::from_utf8(json).unwrap_or_default();
        let start = text.find(r#"{"id":"2:1""#).unwrap_or_default();
        assert_eq!(find_tail_start(json, start - 5), Some(start));
        let ranges = scan_tail(json, start);
        let ids: Vec<&str> = ranges
            .iter()
            .map(|range| &text[range.id..range.id + 3])
            .collect();
        assert_eq!(ids, ["2:1", "2:2", "1:2"]);
        for range in &ranges {
            let node: serde_json::Value =
                serde_json::from_slice(&json[range.start..range.end]).unwrap_or_default();
            assert!(node.is_object(), "{}", &text[range.start..range.end]);
        }
    }

    #[test]
    fn objects_that_are_not_array_elements_or_not_nodes_do_not_start_a_tail() {
        let json = br#"{"nodes":{"1:2":{"document":{"id":"1:2","name":"x","type":"FRAME"}}},
            "overrides":[{"id":"I1:2","overriddenFields":["fills"]}]}"#;
        assert_eq!(find_tail_start(json, 0), None);
    }

    #[test]
    fn broken_structure_ends_the_tail_without_panicking() {
        for json in [
            &br#"[{"id":"1","name":"a""#[..],
            br#"[{"id":"1","name":"a"},"#,
            br#"[{"id":"1","name":"a"}],"#,
            br#"[{"id":"1","name":"a"}]}"#,
            br#"[{"id":"1","name":"a\"#,
        ] {
            let ranges = scan_tail(json, 1);
            assert!(ranges.len() <= 1);
        }
    }
}
