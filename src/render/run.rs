//! Renderer subprocesses, bounded in time and output.

use std::process::Command;

/// Bounds on a renderer subprocess (`--render-timeout`, and the output cap: `--max-file-size`).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub timeout: std::time::Duration,
    pub max_output: u64,
}

/// Why a renderer produced nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunError {
    /// The program is not on PATH.
    NotFound,
    Failed(String),
}

/// Run `cmd` (stdin closed), killing it after the timeout or once its output passes the cap.
/// Returns its stdout when it exits 0.
pub fn run_bounded(mut cmd: Command, limits: Limits) -> Result<String, RunError> {
    use std::io::Read;
    use std::process::Stdio;
    let shown = format!("{cmd:?}").replace('"', "");
    let mut child = match cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(RunError::NotFound),
        Err(e) => return Err(RunError::Failed(format!("cannot run `{shown}`: {e}"))),
    };
    let cap = limits.max_output;
    let out = child.stdout.take().map(|mut o| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = o.by_ref().take(cap.saturating_add(1)).read_to_end(&mut buf);
            buf
        })
    });
    let err = child.stderr.take().map(|mut e| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = e.by_ref().take(16 * 1024).read_to_end(&mut buf);
            // Drain the rest so the child never blocks on a full pipe.
            let _ = std::io::copy(&mut e, &mut std::io::sink());
            buf
        })
    });
    let started = std::time::Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(st)) => break Some(st),
            Ok(None) if started.elapsed() >= limits.timeout => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(std::time::Duration::from_millis(10)),
            Err(e) => return Err(RunError::Failed(format!("waiting for `{shown}`: {e}"))),
        }
    };
    let Some(status) = status else {
        // The readers are not joined: a grandchild may still hold the pipes open; they end
        // with it (or with kexit).
        return Err(RunError::Failed(format!(
            "`{shown}` did not finish within {} s (--render-timeout)",
            limits.timeout.as_secs()
        )));
    };
    let stdout = out.and_then(|h| h.join().ok()).unwrap_or_default();
    let stderr = err.and_then(|h| h.join().ok()).unwrap_or_default();
    if stdout.len() as u64 > cap {
        return Err(RunError::Failed(format!(
            "`{shown}` printed more than {cap} bytes (--max-file-size)"
        )));
    }
    if !status.success() {
        let msg = String::from_utf8_lossy(&stderr);
        let msg: String = msg
            .trim()
            .chars()
            .filter(|c| *c == '\n' || !c.is_control())
            .take(2000)
            .collect();
        return Err(RunError::Failed(format!("`{shown}` failed: {msg}")));
    }
    String::from_utf8(stdout)
        .map_err(|_| RunError::Failed(format!("`{shown}` printed output that is not UTF-8")))
}
