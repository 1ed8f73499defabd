//! Deterministic pseudo-random numbers for the randomized tests that compare a fast structure
//! with its definition (xorshift64: fixed seeds, the same cases on every run).

/// A generator of numbers below `n` (`n` > 0), from a nonzero seed.
pub fn below(mut seed: u64) -> impl FnMut(usize) -> usize {
    move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    }
}
