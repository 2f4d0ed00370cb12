//! Shares equal paint lists, text styles and layouts between the nodes of one
//! parse (see [`SharedList`] and [`Rare`]).
//!
//! On the fast path lists and styles are keyed by their JSON text, read as a
//! borrowed raw value: a repeat is found by hashing its bytes and is never
//! parsed again. The path-tracking parse (run only to locate an error) reads
//! them as plain values, so an error inside one keeps its JSON path and offset.
//! Layouts are assembled from a dozen node keys, so they are compared as
//! values once the node is complete: a hash of their fields finds the
//! candidates, `==` decides.

use std::hash::{BuildHasher, Hash, Hasher};

use serde::Deserialize;
use serde::de::{self, MapAccess};
use serde_json::value::RawValue;

use crate::fast_hash::FastMap;
use crate::model::{Effect, Layout, Paint, Rare, SharedList, TypeStyle};

/// Distinct values remembered per table. Each costs its key (the JSON text)
/// beside the shared value; a file whose lists rarely repeat (unique image
/// refs, say) would otherwise keep a copy of all of them. Past the cap, new
/// values are still parsed, only not shared.
const MAX_DISTINCT: usize = 1 << 16;

pub(crate) struct Interner {
    by_raw_text: bool,
    max_distinct: usize,
    paints: FastMap<Box<str>, SharedList<Paint>>,
    effects: FastMap<Box<str>, SharedList<Effect>>,
    type_styles: FastMap<Box<str>, Rare<TypeStyle>>,
    /// By the hash of their fields ([`LayoutFields`]); equal hashes are rare.
    layouts: FastMap<u64, Vec<Rare<Layout>>>,
    distinct_layouts: usize,
}

impl Interner {
    /// `by_raw_text`: key lists and styles by their JSON text (fast path);
    /// otherwise parse each as a plain value and share nothing but layouts.
    pub fn new(by_raw_text: bool) -> Self {
        Self::with_cap(by_raw_text, MAX_DISTINCT)
    }

    fn with_cap(by_raw_text: bool, max_distinct: usize) -> Self {
        Self {
            by_raw_text,
            max_distinct,
            paints: FastMap::default(),
            effects: FastMap::default(),
            type_styles: FastMap::default(),
            layouts: FastMap::default(),
            distinct_layouts: 0,
        }
    }

    /// A `fills` or `strokes` value (absent or `null` means empty).
    pub fn paints<'de, A: MapAccess<'de>>(
        &mut self,
        map: &mut A,
    ) -> Result<SharedList<Paint>, A::Error> {
        shared_list(self.by_raw_text, self.max_distinct, &mut self.paints, map)
    }

    /// An `effects` value.
    pub fn effects<'de, A: MapAccess<'de>>(
        &mut self,
        map: &mut A,
    ) -> Result<SharedList<Effect>, A::Error> {
        shared_list(self.by_raw_text, self.max_distinct, &mut self.effects, map)
    }

    /// A TEXT node's `style` (`null` means unset).
    pub fn type_style<'de, A: MapAccess<'de>>(
        &mut self,
        map: &mut A,
    ) -> Result<Rare<TypeStyle>, A::Error> {
        if !self.by_raw_text {
            let style: Option<TypeStyle> = map.next_value()?;
            return Ok(style.map(Rare::from).unwrap_or_default());
        }
        let raw: &'de RawValue = map.next_value()?;
        if let Some(style) = self.type_styles.get(raw.get()) {
            return Ok(style.clone());
        }
        let style: Option<TypeStyle> = parse_raw(raw)?;
        let style = style.map(Rare::from).unwrap_or_default();
        remember(&mut self.type_styles, self.max_distinct, raw.get(), &style);
        Ok(style)
    }

    /// The shared copy of a complete node's layout.
    pub fn layout(&mut self, layout: Rare<Layout>) -> Rare<Layout> {
        if !layout.is_set() {
            return layout;
        }
        let key = self.layouts.hasher().hash_one(LayoutFields(&layout));
        if let Some(shared) = self
            .layouts
            .get(&key)
            .and_then(|candidates| candidates.iter().find(|shared| ***shared == *layout))
        {
            return shared.clone();
        }
        if self.distinct_layouts < self.max_distinct {
            self.distinct_layouts += 1;
            self.layouts.entry(key).or_default().push(layout.clone());
        }
        layout
    }
}

/// Hashes every field of a layout consistently with its `==`: numbers by
/// value (`0.0` and `-0.0` alike), the rare grid group only by presence.
struct LayoutFields<'a>(&'a Layout);

impl Hash for LayoutFields<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let layout = self.0;
        (
            &layout.layout_mode,
            &layout.layout_wrap,
            &layout.primary_axis_sizing_mode,
            &layout.counter_axis_sizing_mode,
            &layout.primary_axis_align_items,
            &layout.counter_axis_align_items,
            &layout.counter_axis_align_content,
            &layout.layout_sizing_horizontal,
            &layout.layout_sizing_vertical,
            &layout.layout_align,
            &layout.layout_positioning,
            &layout.overflow_direction,
        )
            .hash(state);
        for number in [
            layout.padding_left,
            layout.padding_right,
            layout.padding_top,
            layout.padding_bottom,
            layout.item_spacing,
            layout.counter_axis_spacing,
            layout.layout_grow,
            layout.min_width,
            layout.max_width,
            layout.min_height,
            layout.max_height,
        ] {
            number
                .map(|n| if n == 0.0 { 0 } else { n.to_bits() })
                .hash(state);
        }
        layout.grid.is_some().hash(state);
    }
}

fn shared_list<'de, A: MapAccess<'de>, T: for<'a> Deserialize<'a>>(
    by_raw_text: bool,
    max_distinct: usize,
    table: &mut FastMap<Box<str>, SharedList<T>>,
    map: &mut A,
) -> Result<SharedList<T>, A::Error> {
    if !by_raw_text {
        let list: Option<Vec<T>> = map.next_value()?;
        return Ok(list.map(SharedList::from).unwrap_or_default());
    }
    let raw: &'de RawValue = map.next_value()?;
    if let Some(list) = table.get(raw.get()) {
        return Ok(list.clone());
    }
    let list: Option<Vec<T>> = parse_raw(raw)?;
    let list = list.map(SharedList::from).unwrap_or_default();
    remember(table, max_distinct, raw.get(), &list);
    Ok(list)
}

/// Keeps `value` for later repeats of `key`, while the table is below its cap.
fn remember<K: ?Sized, V: Clone>(
    table: &mut FastMap<Box<K>, V>,
    max_distinct: usize,
    key: &K,
    value: &V,
) where
    Box<K>: for<'k> From<&'k K> + Eq + std::hash::Hash,
{
    if table.len() < max_distinct {
        table.insert(Box::from(key), value.clone());
    }
}

/// A first sighting of a raw value. An error here only sends the caller to the
/// path-tracking parse, which reports it with its place in the input.
fn parse_raw<T: for<'a> Deserialize<'a>, E: de::Error>(raw: &RawValue) -> Result<T, E> {
    serde_json::from_str(raw.get()).map_err(de::Error::custom)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout(grow: f64) -> Rare<Layout> {
        let mut layout = Rare::<Layout>::default();
        layout.make_mut().layout_grow = Some(grow);
        layout
    }

    #[test]
    fn equal_layouts_share_until_the_table_is_full() {
        let mut intern = Interner::with_cap(true, 2);
        let first = intern.layout(layout(1.0));
        assert!(intern.layout(layout(1.0)).shares_with(&first));
        let second = intern.layout(layout(2.0));
        assert!(!second.shares_with(&first));
        // The table is full: a third distinct value is kept but not shared.
        let third = intern.layout(layout(3.0));
        let again = intern.layout(layout(3.0));
        assert_eq!(*again, *third);
        assert!(!again.shares_with(&third));
        // Values remembered before the cap still are.
        assert!(intern.layout(layout(2.0)).shares_with(&second));
        // Unset layouts are never stored.
        assert!(!intern.layout(Rare::default()).is_set());
    }

    #[test]
    fn layouts_that_hash_alike_share_only_when_equal() {
        let with_grid = |columns: f64| {
            let mut layout = layout(1.0);
            layout.make_mut().grid = Some(Box::new(crate::model::GridLayout {
                grid_column_count: Some(columns),
                ..Default::default()
            }));
            layout
        };
        let mut intern = Interner::new(true);
        // Grids are not hashed: these three hash alike and only `==` tells them apart.
        let two = intern.layout(with_grid(2.0));
        let three = intern.layout(with_grid(3.0));
        let plain = intern.layout(layout(1.0));
        assert_eq!(
            three.grid.as_ref().and_then(|g| g.grid_column_count),
            Some(3.0)
        );
        assert!(!three.shares_with(&two));
        assert!(!plain.shares_with(&two));
        assert!(intern.layout(with_grid(3.0)).shares_with(&three));
        assert!(intern.layout(with_grid(2.0)).shares_with(&two));
        // Zero and negative zero are equal numbers, so their layouts are one value.
        let zero = intern.layout(layout(0.0));
        assert!(intern.layout(layout(-0.0)).shares_with(&zero));
    }
}
