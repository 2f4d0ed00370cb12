//! [`Rare`]: a group of fields most nodes leave unset, stored out of line.
//!
//! `Layout` is ~470 bytes of `Option`s that only frames and auto-layout
//! children set; inline, it was a third of every node in the arena. Boxed and
//! allocated on first write, an unset group costs one pointer. Reads go
//! through `Deref` to a shared empty value, so `node.layout.padding_top` reads
//! as before.

use std::fmt;
use std::ops::Deref;

use serde::ser::{Serialize, Serializer};

/// A value with a `'static` empty instance to read when unset.
pub trait HasEmpty: 'static {
    fn empty() -> &'static Self;
}

/// `T`, boxed on first write; reads of an unset value see [`HasEmpty::empty`].
#[derive(Clone, Default)]
pub struct Rare<T>(Option<Box<T>>);

impl<T: HasEmpty + Default> Rare<T> {
    /// Whether any field was ever written.
    pub fn is_set(&self) -> bool {
        self.0.is_some()
    }

    /// Mutable access, allocating the group on first use.
    pub fn make_mut(&mut self) -> &mut T {
        self.0.get_or_insert_with(Box::default)
    }
}

impl<T: HasEmpty> Deref for Rare<T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.0.as_deref().unwrap_or_else(|| T::empty())
    }
}

impl<T: HasEmpty> From<T> for Rare<T> {
    fn from(value: T) -> Self {
        Self(Some(Box::new(value)))
    }
}

impl<T: HasEmpty + PartialEq> PartialEq for Rare<T> {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl<T: HasEmpty + fmt::Debug> fmt::Debug for Rare<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (**self).fmt(f)
    }
}

impl<T: HasEmpty + Serialize> Serialize for Rare<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        (**self).serialize(serializer)
    }
}
