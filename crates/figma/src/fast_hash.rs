//! Hash maps keyed by input text (node ids, style values, interned strings).
//!
//! std's SipHash was a tenth of parsing and most of deduplication. foldhash
//! is several times faster and, seeded at random per process, still resists
//! collisions precomputed by whoever wrote the input.

use std::collections::{HashMap, HashSet};

/// A `HashMap` with foldhash.
pub type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;
/// A `HashSet` with foldhash.
pub type FastSet<T> = HashSet<T, foldhash::fast::RandomState>;
