//! [`SharedList`]: an immutable list that nodes with equal lists share.
//!
//! Most nodes of a file repeat a few hundred distinct `fills`, `strokes` and
//! `effects` lists (a 100k-node file: 75k paints, 587 distinct lists), and a
//! `Paint` is ~300 bytes. The parser hands out one shared copy per distinct
//! list; an empty list allocates nothing.

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use serde::ser::{Serialize, Serializer};

/// A read-only list; clones share one allocation. Reads as a slice.
pub struct SharedList<T>(Option<Arc<[T]>>);

impl<T> SharedList<T> {
    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    pub fn len(&self) -> usize {
        self.0.as_deref().map_or(0, <[T]>::len)
    }

    /// Whether `self` and `other` hold the same allocation (or are both empty).
    pub fn shares_with(&self, other: &Self) -> bool {
        super::same_allocation(&self.0, &other.0)
    }

    /// The shared allocation (`None` when empty): equal for lists that share
    /// one, so work that depends only on the list can be done once per list.
    pub fn allocation(&self) -> Option<*const [T]> {
        self.0.as_ref().map(Arc::as_ptr)
    }
}

impl<T> Default for SharedList<T> {
    fn default() -> Self {
        Self(None)
    }
}

// Derived `Clone` would require `T: Clone`; a clone only shares the `Arc`.
impl<T> Clone for SharedList<T> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<T> Deref for SharedList<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        self.0.as_deref().unwrap_or(&[])
    }
}

impl<T> From<Vec<T>> for SharedList<T> {
    fn from(list: Vec<T>) -> Self {
        if list.is_empty() {
            Self(None)
        } else {
            Self(Some(Arc::from(list)))
        }
    }
}

impl<T> FromIterator<T> for SharedList<T> {
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Self {
        items.into_iter().collect::<Vec<T>>().into()
    }
}

impl<'a, T> IntoIterator for &'a SharedList<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<T: PartialEq> PartialEq for SharedList<T> {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl<T: fmt::Debug> fmt::Debug for SharedList<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (**self).fmt(f)
    }
}

impl<T: Serialize> Serialize for SharedList<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        (**self).serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_list_allocates_nothing_and_reads_as_empty_slice() {
        let list: SharedList<u32> = Vec::new().into();
        assert!(list.is_empty());
        assert_eq!(list.len(), 0);
        assert_eq!(&*list, &[] as &[u32]);
        assert!(list.shares_with(&SharedList::default()));
    }

    #[test]
    fn clones_share_and_compare_by_value() {
        let list: SharedList<u32> = vec![1, 2, 3].into();
        let clone = list.clone();
        assert!(list.shares_with(&clone));
        let equal: SharedList<u32> = vec![1, 2, 3].into();
        assert!(!list.shares_with(&equal));
        assert_eq!(list, equal);
        assert_eq!(list.iter().sum::<u32>(), 6);
        assert_eq!(
            serde_json::to_string(&list).ok().as_deref(),
            Some("[1,2,3]")
        );
        assert_eq!(format!("{list:?}"), "[1, 2, 3]");
    }
}
