//! [`Rare`]: a group of fields most nodes leave unset, stored out of line and
//! shared between nodes that hold equal values.
//!
//! `Layout` is ~470 bytes of `Option`s that only frames and auto-layout
//! children set; inline, it was a third of every node in the arena. Stored
//! behind an `Arc` allocated on first write, an unset group costs one pointer,
//! and the parser makes nodes with equal groups share one copy (a 100k-node
//! file holds ~80k layouts but a few hundred distinct ones). Reads go through
//! `Deref` to a shared empty value, so `node.layout.padding_top` reads as a
//! plain field.

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use serde::ser::{Serialize, Serializer};

/// A value with a `'static` empty instance to read when unset.
pub trait HasEmpty: 'static {
    fn empty() -> &'static Self;
}

/// `T`, allocated on first write and shared by clones; reads of an unset
/// value see [`HasEmpty::empty`].
#[derive(Default)]
pub struct Rare<T>(Option<Arc<T>>);

// Derived `Clone` would require `T: Clone`; a clone only shares the `Arc`.
impl<T> Clone for Rare<T> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<T: HasEmpty + Default + Clone> Rare<T> {
    /// Whether any field was ever written.
    pub fn is_set(&self) -> bool {
        self.0.is_some()
    }

    /// Mutable access, allocating the group on first use (and copying it if
    /// another node shares it).
    pub fn make_mut(&mut self) -> &mut T {
        Arc::make_mut(self.0.get_or_insert_with(Arc::default))
    }
}

impl<T> Rare<T> {
    /// Whether `self` and `other` hold the same allocation (or are both unset).
    pub fn shares_with(&self, other: &Self) -> bool {
        super::same_allocation(&self.0, &other.0)
    }

    /// The shared allocation (`None` when unset): equal for values that share
    /// one, so work that depends only on the value can be done once per value.
    pub fn allocation(&self) -> Option<*const T> {
        self.0.as_ref().map(Arc::as_ptr)
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
        Self(Some(Arc::new(value)))
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
