//! Values computed once per run and shared by every thread that asks for them (the catalogue's
//! tag matches, parsed shell scripts).

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// A value per key, computed at first use and kept for the run (two threads asking for a
/// missing key at once may both compute it: the results are the same).
pub struct RunMemo<K, V>(OnceLock<Mutex<HashMap<K, V>>>);

impl<K: Eq + std::hash::Hash, V: Clone> Default for RunMemo<K, V> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K: Eq + std::hash::Hash, V: Clone> RunMemo<K, V> {
    pub const fn new() -> Self {
        RunMemo(OnceLock::new())
    }

    pub fn get_or_compute<Q>(&self, key: &Q, compute: impl FnOnce() -> V) -> V
    where
        K: std::borrow::Borrow<Q>,
        Q: Eq + std::hash::Hash + ToOwned<Owned = K> + ?Sized,
    {
        let memo = self.0.get_or_init(Mutex::default);
        if let Some(v) = memo.lock().ok().and_then(|m| m.get(key).cloned()) {
            return v;
        }
        let v = compute();
        if let Ok(mut m) = memo.lock() {
            m.insert(key.to_owned(), v.clone());
        }
        v
    }
}
