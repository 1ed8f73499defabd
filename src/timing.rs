//! `KEXIT_DEBUG_TIME=1`: the time of each pipeline phase on stderr (for benches/README.md's
//! breakdowns; never part of any output format).

use std::sync::OnceLock;
use std::time::Instant;

fn enabled() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("KEXIT_DEBUG_TIME").is_some())
}

/// A phase timer: prints `time: NAME MS` when dropped, if timing is enabled.
pub struct Phase {
    name: &'static str,
    start: Option<(Instant, f64)>,
}

pub fn phase(name: &'static str) -> Phase {
    Phase {
        name,
        start: enabled().then(|| (Instant::now(), cpu_seconds())),
    }
}

impl Drop for Phase {
    fn drop(&mut self) {
        if let Some((s, cpu)) = self.start {
            eprintln!(
                "time: {} {:.1} ms, cpu {:.1} ms, {}",
                self.name,
                s.elapsed().as_secs_f64() * 1e3,
                (cpu_seconds() - cpu) * 1e3,
                memory()
            );
        }
    }
}

/// CPU time of the process so far (user and system, all threads).
fn cpu_seconds() -> f64 {
    // SAFETY: `getrusage` only writes the struct it is given, for which all-zero bytes are valid.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut ru) } != 0 {
        return 0.0;
    }
    let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    tv(ru.ru_utime) + tv(ru.ru_stime)
}

/// Resident and peak resident memory (Linux: /proc/self/status), or "" elsewhere.
fn memory() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    };
    format!("rss {} peak {}", field("VmRSS:"), field("VmHWM:"))
}
