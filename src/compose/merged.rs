//! A keyed list a Compose service merges from several definitions (override files, `extends`
//! bases): `environment` by name, `volumes` by target. Each definition's entries are kept as
//! written, in one shared part; the service holds the parts in merge order, and for a key the
//! entry of the last part that has it wins. This is Compose's merge (an override's entry
//! replaces the base's), without copying the base: 2,000 services extending one base of 2,000
//! entries, each setting one of its own, hold 2,000 small parts and one shared base, not four
//! million entries. An `env_file`'s lines are one part too (the last line of a name wins).

use std::sync::Arc;

/// An entry of a keyed list: its key (a variable's name, a mount's target).
pub trait Keyed {
    fn key(&self) -> &str;
}

/// The entries of one definition, as written, with the last entry of each key found by key.
#[derive(Debug, PartialEq)]
pub struct Part<T> {
    items: Vec<T>,
    /// Indices of `items` sorted by key, for each key only its last entry.
    by_key: Vec<usize>,
}

impl<T: Keyed> Part<T> {
    pub fn new(items: Vec<T>) -> Part<T> {
        let mut order: Vec<usize> = (0..items.len()).collect();
        // Stable: entries of one key stay in written order, so the last of each run is kept.
        order.sort_by(|&a, &b| items[a].key().cmp(items[b].key()));
        let mut by_key: Vec<usize> = Vec::with_capacity(order.len());
        for i in order {
            match by_key.last_mut() {
                Some(l) if items[*l].key() == items[i].key() => *l = i,
                _ => by_key.push(i),
            }
        }
        Part { items, by_key }
    }

    /// The entry of `key` (the last one written).
    pub fn get(&self, key: &str) -> Option<&T> {
        let at = self
            .by_key
            .binary_search_by(|&i| self.items[i].key().cmp(key))
            .ok()?;
        self.items.get(*self.by_key.get(at)?)
    }

    /// The entries as written.
    pub fn items(&self) -> &[T] {
        &self.items
    }
}

/// A service's keyed list: its definitions' parts in merge order (later wins), each shared.
#[derive(Debug, PartialEq)]
pub struct Merged<T> {
    parts: Vec<Arc<Part<T>>>,
}

impl<T> Default for Merged<T> {
    fn default() -> Merged<T> {
        Merged { parts: Vec::new() }
    }
}

impl<T> Clone for Merged<T> {
    fn clone(&self) -> Merged<T> {
        Merged {
            parts: self.parts.clone(),
        }
    }
}

impl<T: Keyed> Merged<T> {
    /// One definition's entries (none: an empty list).
    pub fn one(items: Vec<T>) -> Merged<T> {
        let mut m = Merged::default();
        if !items.is_empty() {
            m.parts.push(Arc::new(Part::new(items)));
        }
        m
    }

    /// The parts in merge order.
    pub fn parts(&self) -> &[Arc<Part<T>>] {
        &self.parts
    }

    /// The entry of `key`: the last part's that has one.
    pub fn get(&self, key: &str) -> Option<&T> {
        self.parts.iter().rev().find_map(|p| p.get(key))
    }

    /// Every entry in merge order, including those a later part replaces (a reader that
    /// wants the winner of a key takes the last one, as Compose does).
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.parts.iter().flat_map(|p| p.items.iter())
    }

    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    /// Compose's merge of an override's (or extending service's) list onto this one: its
    /// parts come after, and win.
    pub fn merge(&mut self, over: Merged<T>) {
        self.parts.extend(over.parts);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Keyed for (&'static str, u32) {
        fn key(&self) -> &str {
            self.0
        }
    }

    #[test]
    fn later_parts_and_later_entries_win() {
        let mut m = Merged::one(vec![("A", 1), ("B", 1), ("A", 2)]);
        let base = m.clone();
        m.merge(Merged::one(vec![("B", 3)]));
        m.merge(Merged::one(Vec::new()));
        assert_eq!(m.get("A"), Some(&("A", 2)));
        assert_eq!(m.get("B"), Some(&("B", 3)));
        assert_eq!(m.get("C"), None);
        assert_eq!(m.parts().len(), 2);
        assert!(Arc::ptr_eq(&m.parts()[0], &base.parts()[0]));
        assert_eq!(m.iter().count(), 4);
        assert!(Merged::<(&str, u32)>::one(Vec::new()).is_empty());
    }
}
