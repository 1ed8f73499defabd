//! A set of prefixes answering "does any of them start this name?" without trying each one.

use std::collections::BTreeSet;
use std::ops::Bound;

/// Prefixes, of which only the minimal ones are kept (a prefix that starts with another one
/// adds no name): the set is prefix-free, so the only element that can start a name is the
/// greatest one not after it. If `p` starts `name` then `p <= name`, and every string between
/// them starts with `p`; a greater element at most `name` would start with `p`, which the set
/// does not hold. A lookup is one ordered search: `O(log n)` comparisons of the name's length,
/// where checking every prefix was `O(n)` (40,000 `envFrom` prefixes × 80,000 `$(VAR)`
/// references: 8.6 s).
#[derive(Debug, Clone, Default)]
pub(super) struct PrefixSet {
    minimal: BTreeSet<String>,
}

impl PrefixSet {
    /// True when some prefix inserted so far starts `name`.
    pub(super) fn matches(&self, name: &str) -> bool {
        self.minimal
            .range::<str, _>((Bound::Unbounded, Bound::Included(name)))
            .next_back()
            .is_some_and(|p| name.starts_with(p.as_str()))
    }

    pub(super) fn insert(&mut self, prefix: &str) {
        if self.matches(prefix) {
            return;
        }
        // The prefixes it starts are now redundant: they sort right after it, contiguously.
        let longer: Vec<String> = self
            .minimal
            .range::<str, _>((Bound::Included(prefix), Bound::Unbounded))
            .take_while(|p| p.starts_with(prefix))
            .cloned()
            .collect();
        for p in &longer {
            self.minimal.remove(p);
        }
        self.minimal.insert(prefix.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// For random prefixes and names over a small alphabet (so that prefixes nest often),
    /// [`PrefixSet::matches`] answers what trying every prefix inserted answers.
    #[test]
    fn matches_agrees_with_trying_every_prefix() {
        let mut rnd = crate::test_rand::below(0x2545_f491_4f6c_dd1d);
        let alphabet = ['A', 'B', '_', 'é'];
        for _ in 0..300 {
            let word = |rnd: &mut dyn FnMut(usize) -> usize, max: usize| -> String {
                (0..rnd(max + 1))
                    .map(|_| alphabet[rnd(alphabet.len())])
                    .collect()
            };
            let mut set = PrefixSet::default();
            let mut all: Vec<String> = Vec::new();
            for _ in 0..rnd(12) {
                // The empty prefix only now and then: it matches everything.
                let p = if rnd(20) == 0 {
                    String::new()
                } else {
                    word(&mut rnd, 4)
                };
                set.insert(&p);
                all.push(p);
                for _ in 0..20 {
                    let name = word(&mut rnd, 6);
                    let want = all.iter().any(|p| name.starts_with(p.as_str()));
                    assert_eq!(set.matches(&name), want, "{all:?} {name:?}");
                }
            }
        }
        assert!(!PrefixSet::default().matches(""));
    }
}
