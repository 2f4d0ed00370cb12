//! The typed Figma model.

pub mod component;
pub mod design;
mod figma_enum;
pub mod layout;
pub mod node;
pub mod paint;
pub mod prototype;
pub mod rare;
pub mod responses;
pub mod shared_list;
pub mod shared_str;
pub mod small_map;
pub mod text;
pub mod variables;

pub use component::*;
pub use design::*;
pub use layout::*;
pub use node::*;
pub use paint::*;
pub use prototype::*;
pub use rare::{HasEmpty, Rare};
pub use responses::*;
pub use shared_list::SharedList;
pub use shared_str::SharedStr;
pub use small_map::SmallMap;
pub use text::*;
pub use variables::*;

/// Whether two optional shared values are one allocation (or both absent): how [`Rare`] and
/// [`SharedList`] tell a shared copy from an equal one.
fn same_allocation<T: ?Sized>(
    a: &Option<std::sync::Arc<T>>,
    b: &Option<std::sync::Arc<T>>,
) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => std::sync::Arc::ptr_eq(a, b),
        (None, None) => true,
        _ => false,
    }
}
