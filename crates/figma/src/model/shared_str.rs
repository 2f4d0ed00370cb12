//! [`SharedStr`]: one allocation for a string that repeats across a file.
//!
//! Style ids, variable ids (70-odd bytes each), blend modes, font names and
//! property keys recur on thousands of nodes. While a response is parsed, equal
//! values share one reference-counted copy (see [`interning`]); a `String` per
//! use was a large part of a parsed file's size.

use std::borrow::Borrow;
use std::cell::RefCell;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde::ser::{Serialize, Serializer};

use crate::fast_hash::FastSet;

/// An immutable string; clones share one allocation. Compares, hashes, orders
/// and serializes as the `str` it holds.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SharedStr(Arc<str>);

thread_local! {
    /// The strings seen by the parse running on this thread, if any.
    static INTERNER: RefCell<Option<FastSet<Arc<str>>>> = const { RefCell::new(None) };
}

/// Runs `parse` with equal [`SharedStr`] values sharing one copy. The table
/// lives only for the call (nested calls share the outer one).
pub(crate) fn interning<R>(parse: impl FnOnce() -> R) -> R {
    let outer = INTERNER.with_borrow_mut(|table| table.is_some());
    if outer {
        return parse();
    }
    INTERNER.with_borrow_mut(|table| *table = Some(FastSet::default()));
    // Clears the table even if `parse` unwinds.
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            INTERNER.with_borrow_mut(|table| *table = None);
        }
    }
    let _reset = Reset;
    parse()
}

impl SharedStr {
    pub fn new(text: &str) -> Self {
        INTERNER.with_borrow_mut(|table| match table {
            Some(table) => match table.get(text) {
                Some(shared) => Self(shared.clone()),
                None => {
                    let shared: Arc<str> = Arc::from(text);
                    table.insert(shared.clone());
                    Self(shared)
                }
            },
            None => Self(Arc::from(text)),
        })
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for SharedStr {
    fn default() -> Self {
        Self::new("")
    }
}

impl Deref for SharedStr {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for SharedStr {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for SharedStr {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl From<&str> for SharedStr {
    fn from(text: &str) -> Self {
        Self::new(text)
    }
}

impl From<String> for SharedStr {
    fn from(text: String) -> Self {
        Self::new(&text)
    }
}

impl PartialEq<str> for SharedStr {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for SharedStr {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for SharedStr {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<SharedStr> for str {
    fn eq(&self, other: &SharedStr) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<SharedStr> for &str {
    fn eq(&self, other: &SharedStr) -> bool {
        *self == other.as_str()
    }
}

impl fmt::Debug for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl Serialize for SharedStr {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self)
    }
}

impl<'de> Deserialize<'de> for SharedStr {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SharedStrVisitor;
        impl Visitor<'_> for SharedStrVisitor {
            type Value = SharedStr;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<SharedStr, E> {
                Ok(SharedStr::new(text))
            }
        }
        deserializer.deserialize_str(SharedStrVisitor)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn equal_values_share_one_copy_while_interning_only() {
        let (a, b) = interning(|| {
            let a: SharedStr = serde_json::from_str("\"VariableID:1/2\"").unwrap();
            let b: SharedStr = serde_json::from_str("\"VariableID:1/2\"").unwrap();
            (a, b)
        });
        assert!(Arc::ptr_eq(&a.0, &b.0));
        // The table is gone after the call: nothing is kept alive by it.
        assert_eq!(Arc::strong_count(&a.0), 2);
        let c = SharedStr::new("VariableID:1/2");
        assert!(!Arc::ptr_eq(&a.0, &c.0));
        assert_eq!(a, c);
        assert_eq!(a, "VariableID:1/2");
        assert_eq!(serde_json::to_string(&a).unwrap(), "\"VariableID:1/2\"");
    }

    #[test]
    fn a_panicking_parse_leaves_no_table_behind() {
        let unwound = std::panic::catch_unwind(|| interning(|| panic!("boom")));
        assert!(unwound.is_err());
        assert!(INTERNER.with_borrow(|table| table.is_none()));
    }
}
