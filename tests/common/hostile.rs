//! The harness of the hostile-input tests (tests/hostile.rs, tests/hostile_budget.rs): runs
//! kexit as a child under a deadline and an address-space limit, and reads its JSON findings.

use crate::common::BAD_DEPLOY as GOOD;
use std::fs;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Address-space limit for the child, in KiB (generous: thread stacks and malloc arenas are
/// reserved, not used; a real runaway goes far past it).
pub const MEM_LIMIT_KIB: u64 = 3 * 1024 * 1024;
/// Deadline for one run. Debug builds are slow; a hang never ends.
pub const DEADLINE: Duration = Duration::from_secs(60);

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
    /// The child's peak resident memory (VmHWM) as last sampled before it ended, in KiB
    /// (Linux; 0 elsewhere or when it ended before the first sample). Every run is checked
    /// against [`PEAK_RSS_KIB`]; some tests hold a class to a tighter bound.
    #[allow(dead_code)] // read by some of the test crates that include this harness
    pub peak_rss_kib: u64,
}

#[derive(Debug)]
pub struct F {
    pub rule: String,
    pub file: String,
    pub line: u64,
    pub column: u64,
    pub message: String,
    #[allow(dead_code)] // read by some of the test crates that include this harness
    pub severity: String,
}

impl Run {
    pub fn findings(&self) -> Vec<F> {
        let v: serde_json::Value = serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "invalid JSON ({e}); exit {}\nstdout: {}\nstderr: {}",
                self.code,
                trunc(&self.stdout),
                trunc(&self.stderr)
            )
        });
        v["findings"]
            .as_array()
            .map(|a| a.as_slice())
            .unwrap_or(&[])
            .iter()
            .map(|f| F {
                rule: f["rule"].as_str().unwrap_or("").to_string(),
                file: f["file"]
                    .as_str()
                    .unwrap_or("")
                    .trim_start_matches("./")
                    .to_string(),
                line: f["line"].as_u64().unwrap_or(0),
                column: f["column"].as_u64().unwrap_or(0),
                message: f["message"].as_str().unwrap_or("").to_string(),
                severity: f["severity"].as_str().unwrap_or("").to_string(),
            })
            .collect()
    }
}

pub fn trunc(s: &str) -> &str {
    let mut end = s.len().min(4000);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Run `kexit <args>` in `dir` with a deadline and a memory limit; panics on a hang.
pub fn run(dir: &Path, args: &[&str]) -> Run {
    let bin = env!("CARGO_BIN_EXE_kexit");
    let mut cmd = if cfg!(target_os = "linux") {
        let mut c = Command::new("/bin/sh");
        c.arg("-c")
            .arg(format!("ulimit -v {MEM_LIMIT_KIB} && exec \"$0\" \"$@\""))
            .arg(bin)
            .args(args);
        c
    } else {
        let mut c = Command::new(bin);
        c.args(args);
        c
    };
    let start = Instant::now();
    let mut child = cmd
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn kexit");
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let t_out = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = out.read_to_end(&mut s);
        s
    });
    let t_err = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = err.read_to_end(&mut s);
        s
    });
    let mut peak_rss_kib = 0;
    let status_file = format!("/proc/{}/status", child.id());
    let status = loop {
        // Sampled before the exit check: the high-water mark only grows, so the last sample
        // is within a poll of the end.
        peak_rss_kib = peak_rss_kib.max(vm_hwm_kib(&status_file));
        if let Some(st) = child.try_wait().expect("wait") {
            break st;
        }
        if start.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "kexit {args:?} did not finish within {DEADLINE:?} in {}",
                dir.display()
            );
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let elapsed = start.elapsed();
    let stdout = String::from_utf8_lossy(&t_out.join().unwrap_or_default()).into_owned();
    let stderr = String::from_utf8_lossy(&t_err.join().unwrap_or_default()).into_owned();
    let code = status.code().unwrap_or(-1);
    assert!(
        !stderr.contains("panicked"),
        "kexit panicked on {args:?}:\n{}",
        trunc(&stderr)
    );
    assert!(
        matches!(code, 0..=2),
        "kexit {args:?} exited {code} (crash or out of memory?) after {elapsed:?}\nstderr: {}",
        trunc(&stderr)
    );
    assert!(
        peak_rss_kib <= PEAK_RSS_KIB,
        "kexit {args:?} peaked at {} MiB of resident memory (limit {} MiB)",
        peak_rss_kib / 1024,
        PEAK_RSS_KIB / 1024
    );
    Run {
        code,
        stdout,
        stderr,
        elapsed,
        peak_rss_kib,
    }
}

/// Peak resident memory every hostile run stays under, in KiB. Release builds take tens of MB
/// for most classes (benches/README.md); debug builds take more (up to 330 MB here: 50,000
/// mounts, a Compose override merge of many services). A runaway goes far past it.
pub const PEAK_RSS_KIB: u64 = 512 * 1024;

/// `VmHWM` of a process's `/proc/<pid>/status`, in KiB (0 when unreadable).
fn vm_hwm_kib(status_file: &str) -> u64 {
    fs::read_to_string(status_file)
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// A temp dir holding `good.yaml`.
pub fn scene() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tempdir");
    fs::write(tmp.path().join("good.yaml"), GOOD).expect("write good.yaml");
    tmp
}

/// Lint `.` (and `extra` args) as JSON; assert the good manifest's finding is still there.
pub fn lint_dir(dir: &Path, extra: &[&str]) -> (Run, Vec<F>) {
    let mut args = vec!["lint", "--format", "json", "--no-config"];
    args.extend_from_slice(extra);
    if !extra.iter().any(|a| !a.starts_with('-')) {
        args.push(".");
    }
    let r = run(dir, &args);
    assert!(
        r.code == 0 || r.code == 1,
        "exit {}: {}",
        r.code,
        trunc(&r.stderr)
    );
    let f = r.findings();
    assert_good(&f);
    (r, f)
}

pub fn assert_good(f: &[F]) {
    assert!(
        f.iter()
            .any(|f| f.file == "good.yaml" && f.rule == "KX101" && (f.line, f.column) == (15, 21)),
        "the good manifest's finding is missing: {f:#?}"
    );
}

/// The findings in `file`.
/// The run's peak resident memory stayed under `mib` MiB (a bound of its own, tighter than
/// the harness's ceiling for every run).
#[allow(dead_code)] // used by some of the test crates that include this harness
pub fn assert_peak_under(r: &Run, mib: u64) {
    assert!(
        r.peak_rss_kib < mib * 1024,
        "peak {} MiB",
        r.peak_rss_kib / 1024
    );
}

pub fn in_file<'a>(f: &'a [F], file: &str) -> Vec<&'a F> {
    f.iter().filter(|f| f.file == file).collect()
}

/// Exactly one finding of `rule` in `file`, located at `line`.
pub fn assert_located(f: &[F], file: &str, rule: &str, line: u64) {
    let hits: Vec<_> = in_file(f, file)
        .into_iter()
        .filter(|f| f.rule == rule)
        .collect();
    assert!(
        hits.iter().any(|h| h.line == line && h.column >= 1),
        "expected {rule} at {file}:{line}, got {:#?}",
        in_file(f, file)
    );
}

/// The 1-based line of the first line of `text` containing `needle`.
#[allow(dead_code)] // used by some of the test crates that include this harness
pub fn line_of(text: &str, needle: &str) -> u64 {
    text.lines()
        .position(|l| l.contains(needle))
        .map(|i| i as u64 + 1)
        .unwrap_or_else(|| panic!("{needle:?} not in the text"))
}
