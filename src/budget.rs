//! Work budgets for derived strings (issue 16). Expansions multiply text: a few hundred bytes of
//! env vars that double each other (`A1="$(A0)$(A0)"` …) or Dockerfile `ARG`/`ENV` lines that do
//! the same would need terabytes. Every expander charges what it substitutes to a [`Budget`]; a
//! value that would outgrow [`MAX_VALUE`], or a container environment / Dockerfile stage whose
//! substitutions would outgrow [`MAX_TOTAL`], stops there: the value becomes *unknown* (never
//! guessed) and the expander reports the overrun, which KX011 turns into a located finding.
//!
//! Base layer: knows nothing of Kubernetes, Dockerfiles or Compose.

/// Longest expanded value (an env value, an `ARG`/`ENV` value, one command word).
pub const MAX_VALUE: usize = 128 * 1024;
/// Most bytes substituted in one container environment (with its command and args), one
/// Dockerfile stage, or one Compose file.
pub const MAX_TOTAL: usize = 4 * 1024 * 1024;
/// Most stages modelled in one Dockerfile: the stages after are not (KX011 says where it
/// stopped). Every stage costs a modelled image; BuildKit itself has no limit.
pub const MAX_STAGES: usize = 1 << 16;
/// Most file-system paths modelled over all the stages of one Dockerfile (entries, and the
/// prefixes steps kexit cannot follow made unknown). Each stage starts from a copy of its base
/// stage, so a chain of stages that each add a file costs the square of its length; from the
/// stage where this runs out, stages are unknown images (KX011).
pub const MAX_STAGE_ENTRIES: usize = 1 << 19;
/// Most bytes of file-system paths held over all the stages of one Dockerfile, besides the
/// catalogue images they share. A path costs its own bytes and its ancestors' (each is an
/// entry of its own): `mkdir -p` of a path 4 KiB deep holds 4 MiB, and each stage built on it
/// a copy. Past it a stage stops following its steps and, as past [`MAX_STAGE_ENTRIES`], it
/// and the stages after are unknown images (KX011). Real paths are short: 512 Ki paths
/// averaging 128 bytes.
pub const MAX_STAGE_PATH_BYTES: usize = 1 << 26;
/// Most entries the bulk updates of one chain of stages may visit (`chmod -R`, a RUN kexit
/// cannot follow, files rewritten in place each update a subtree). Thousands of `RUN chmod -R
/// +x /` over a large file system cost steps × paths; from the step where this runs out, the
/// stage is an unknown image (KX011). A real Dockerfile visits well under 1 % of it.
pub const MAX_FS_WORK: usize = 1 << 25;
/// Most bytes of ignore patterns compiled in one run: those of the ignore files a walk reads
/// (`.gitignore`, `.ignore`, `.kexitignore`, `.git/info/exclude`), and, separately, the path
/// globs of the configuration file (`ignore-paths`, `ignore[].paths`). Globs compile to regular
/// expressions at up to ~700 bytes of memory per byte of pattern (a line of sixty `?`): this
/// keeps the worst case under 100 MB, where real repositories hold a few KB of patterns. Past
/// it the remaining patterns are not applied, and a warning says where that started.
pub const MAX_IGNORE_PATTERN_BYTES: usize = 128 * 1024;
/// Most facts (a command not found, a file that is not executable, bash syntax under `sh`)
/// recorded for one shell string or script: past it the rest of its text is not checked
/// (KX011 says where that starts). Each becomes a finding of about a kilobyte, held until the
/// report is sorted: a 2 MB `sh -c` string of 200,000 missing commands held 486 MB and
/// printed 144 MB of JSON. A real script has a handful.
pub const MAX_SCRIPT_FACTS: usize = 1000;

/// Bytes substituted so far in one scope (an environment, a stage), and whether a value or the
/// scope ran out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Budget {
    used: usize,
    exceeded: bool,
}

impl Budget {
    pub fn new() -> Budget {
        Budget::default()
    }

    /// Room to append `add` bytes to a value that is `len` bytes long: charges them and returns
    /// true, or records the overrun and returns false (the caller stops expanding the value).
    pub fn take(&mut self, len: usize, add: usize) -> bool {
        let value_ok = len.checked_add(add).is_some_and(|n| n <= MAX_VALUE);
        let total = self.used.saturating_add(add);
        if value_ok && total <= MAX_TOTAL {
            self.used = total;
            true
        } else {
            self.exceeded = true;
            false
        }
    }

    /// True once some value or the scope ran out.
    pub fn exceeded(&self) -> bool {
        self.exceeded
    }

    /// Bytes substituted so far.
    pub fn used(&self) -> usize {
        self.used
    }

    /// True when the scope's total is spent (nothing more can be substituted).
    pub fn spent(&self) -> bool {
        self.used >= MAX_TOTAL
    }
}

/// A byte count for messages: `128 KiB`, `4 MiB`.
pub fn human(bytes: usize) -> String {
    if bytes >= 1024 * 1024 && bytes.is_multiple_of(1024 * 1024) {
        format!("{} MiB", bytes / (1024 * 1024))
    } else if bytes >= 1024 && bytes.is_multiple_of(1024) {
        format!("{} KiB", bytes / 1024)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_and_total_limits() {
        let mut b = Budget::new();
        assert!(b.take(0, MAX_VALUE));
        assert!(!b.take(1, MAX_VALUE));
        assert!(b.exceeded());
        let mut b = Budget::new();
        for _ in 0..MAX_TOTAL / MAX_VALUE {
            assert!(b.take(0, MAX_VALUE));
        }
        assert!(b.spent());
        assert!(!b.take(0, 1));
        assert!(!Budget::new().take(usize::MAX, 1));
        assert_eq!(human(MAX_VALUE), "128 KiB");
        assert_eq!(human(MAX_TOTAL), "4 MiB");
    }
}
