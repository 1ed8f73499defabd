//! Scalar text of the YAML tree: a compact string of 24 bytes ([`compact_str`]) that holds a
//! text of up to 24 bytes inline (keys like `apiVersion`, values like `IfNotPresent`, names,
//! image references: most scalars of a manifest) and points to one static copy for the longer
//! frequent words (`app.kubernetes.io/instance`); only the other long scalars are an exact-size
//! heap copy. Every tree is kept until the end of the run, and a heap allocation per scalar
//! (a 32-byte malloc chunk for `name`, one per key of a mapping) was much of its memory.

use compact_str::CompactString;
use std::fmt;
use std::ops::Deref;

/// The text of a string scalar.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Text(CompactString);

impl Text {
    /// Keep `s`: inline when short, a static copy when it is a frequent long word, else an
    /// exact-size heap copy.
    pub fn new(s: String) -> Text {
        if s.len() <= INLINE {
            return Text(CompactString::new(&s));
        }
        match common(&s) {
            Some(w) => Text(CompactString::const_new(w)),
            None => Text(CompactString::from(s.into_boxed_str())),
        }
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The text is stored in the value itself or in a static word (no heap allocation).
    pub fn is_compact(&self) -> bool {
        !self.0.is_heap_allocated()
    }
}

/// Longest text kept inline.
const INLINE: usize = std::mem::size_of::<CompactString>();

impl Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<String> for Text {
    fn from(s: String) -> Text {
        Text::new(s)
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Text {
        Text::new(s.to_string())
    }
}

/// Slots of the open-addressing table over [`COMMON`] (a power of two, about 3x the words).
const SLOTS: usize = 128;

fn hash(s: &[u8]) -> usize {
    let mut h: u64 = s.len() as u64;
    for &b in s {
        h = (h.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    (h >> 32) as usize
}

/// The static copy of `s` when it is a frequent word: one hash and usually one comparison (a
/// binary search over the list was 9 % of the 1x monorepo's CPU).
fn common(s: &str) -> Option<&'static str> {
    static TABLE: std::sync::OnceLock<Vec<u16>> = std::sync::OnceLock::new();
    static LONGEST: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    let longest = *LONGEST.get_or_init(|| COMMON.iter().map(|w| w.len()).max().unwrap_or(0));
    if s.len() > longest {
        return None;
    }
    let table = TABLE.get_or_init(|| {
        let mut t = vec![0u16; SLOTS];
        for (i, w) in COMMON.iter().enumerate() {
            let mut at = hash(w.as_bytes()) % SLOTS;
            while t.get(at).is_some_and(|x| *x != 0) {
                at = (at + 1) % SLOTS;
            }
            if let Some(slot) = t.get_mut(at) {
                *slot = u16::try_from(i + 1).unwrap_or(0);
            }
        }
        t
    });
    let mut at = hash(s.as_bytes()) % SLOTS;
    loop {
        let k = usize::from(*table.get(at)?);
        let w = COMMON.get(k.checked_sub(1)?)?;
        if *w == s {
            return Some(w);
        }
        at = (at + 1) % SLOTS;
    }
}

/// Frequent scalars of real-world manifests (../shared/corpus/k8s, 15 uses or more) longer than
/// [`INLINE`] (the shorter ones are kept inline), sorted.
static COMMON: &[&str] = &[
    "ai.gke.io/inference-server",
    "app.kubernetes.io/component",
    "app.kubernetes.io/instance",
    "app.kubernetes.io/part-of",
    "app.kubernetes.io/version",
    "automountServiceAccountToken",
    "cloud.google.com/gke-accelerator",
    "cloud.google.com/gke-tpu-accelerator",
    "cloud.google.com/gke-tpu-topology",
    "examples.ai.gke.io/source",
    "gcsfuse.csi.storage.gke.io",
    "kubectl.kubernetes.io/last-applied-configuration",
    "kustomize.config.k8s.io/v1beta1",
    "preferredDuringSchedulingIgnoredDuringExecution",
    "rbac.authorization.k8s.io",
    "rbac.authorization.k8s.io/v1",
    "requiredDuringSchedulingIgnoredDuringExecution",
    "terminationGracePeriodSeconds",
    "topology.kubernetes.io/zone",
    "topologySpreadConstraints",
    "workflows.argoproj.io/description",
    "workflows.argoproj.io/no-test",
    "workflows.argoproj.io/test",
    "x-kubernetes-int-or-string",
    "x-kubernetes-list-map-keys",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_words_are_sorted_and_interned() {
        assert!(COMMON.windows(2).all(|w| w[0] < w[1]));
        assert!(COMMON.iter().all(|w| w.len() > INLINE));
        assert_eq!(INLINE, 24);
        assert!(Text::new("apiVersion".into()).is_compact());
        assert!(Text::new("app.kubernetes.io/instance".into()).is_compact());
        assert!(!Text::new("a-name-of-more-than-24-bytes".into()).is_compact());
        assert_eq!(
            Text::new("app.kubernetes.io/instance".into()),
            *"app.kubernetes.io/instance"
        );
        assert_eq!(Text::from("x"), *"x");
        for w in COMMON {
            assert_eq!(common(w), Some(*w));
        }
        assert!(SLOTS > COMMON.len() * 2);
    }
}
