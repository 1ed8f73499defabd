//! Ecosystem check: kexit on real repositories, every error reviewed by a person.
//!
//! The shared corpus (`../shared/corpus`, else `/work/shared/corpus`) is linted as users lint it:
//! `k8s/` as a whole, and each directory under `repos/` and `docker/` from its own root (the real
//! binary, current directory set to that root, `kexit lint --format json .`).
//!
//! * Every **error** must be listed in `tests/ecosystem/ledger.txt` (unit, rule, file:line and a
//!   one-line verdict). An error that is not listed fails the test: review it, then either fix the
//!   false positive or add it to the ledger with a verdict. A listed error that kexit no longer
//!   reports also fails the test (the ledger must say exactly what kexit reports today): remove
//!   its line.
//! * Verdicts start with a class: `real:` (a defect that fails at runtime or is rejected),
//!   `test-data:` (a correct finding on another tool's deliberately broken test input),
//!   `template:` (a correct finding on a file that is an input of a generator, not a manifest), or
//!   `false-positive: to fix` (a known kexit bug, kept green until fixed). `UNREVIEWED` fails.
//! * **Warning** counts per rule are recorded in `tests/ecosystem/warnings.txt`; a rule whose count
//!   grows by more than 10 % (or from zero) fails until the file is updated. A count that drops is
//!   only printed.
//!
//! `KEXIT_ECOSYSTEM_UPDATE=1 cargo test --test ecosystem` rewrites `warnings.txt`, removes stale
//! ledger lines and appends new errors as `UNREVIEWED` (which still fails until a person writes
//! the verdict). Without the corpus the test says so and passes.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

const VERDICT_CLASSES: [&str; 4] = ["real:", "test-data:", "template:", "false-positive: to fix"];

fn corpus_dir() -> Option<PathBuf> {
    [
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"),
        PathBuf::from("/work/shared/corpus"),
    ]
    .into_iter()
    .find(|p| p.is_dir())
}

fn ledger_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ecosystem")
}

/// The linting units: (unit name, root directory), sorted.
fn units(corpus: &Path) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    if corpus.join("k8s").is_dir() {
        out.push(("k8s".to_string(), corpus.join("k8s")));
    }
    for group in ["repos", "docker"] {
        let Ok(entries) = std::fs::read_dir(corpus.join(group)) else {
            continue;
        };
        for e in entries.flatten() {
            if e.path().is_dir() {
                out.push((
                    format!("{group}/{}", e.file_name().to_string_lossy()),
                    e.path(),
                ));
            }
        }
    }
    out.sort();
    out
}

/// One error as the ledger names it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Key {
    unit: String,
    rule: String,
    file: String,
    line: u64,
}

impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} | {} | {}:{}",
            self.unit, self.rule, self.file, self.line
        )
    }
}

struct UnitRun {
    errors: BTreeMap<Key, String>,
    warnings: BTreeMap<String, usize>,
}

fn lint_unit(unit: &str, root: &Path) -> UnitRun {
    let out = Command::new(env!("CARGO_BIN_EXE_kexit"))
        .args(["lint", "--format", "json", "."])
        .current_dir(root)
        .env("NO_COLOR", "1")
        .output()
        .unwrap_or_else(|e| panic!("cannot run kexit in {}: {e}", root.display()));
    let code = out.status.code();
    assert!(
        matches!(code, Some(0) | Some(1)),
        "kexit lint in {} exited {code:?}: {}",
        root.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("kexit printed invalid JSON in {}: {e}", root.display()));
    let mut errors = BTreeMap::new();
    let mut warnings: BTreeMap<String, usize> = BTreeMap::new();
    for f in json["findings"].as_array().into_iter().flatten() {
        let rule = f["rule"].as_str().unwrap_or("?").to_string();
        match f["severity"].as_str() {
            Some("error") => {
                let file = f["file"].as_str().unwrap_or("?");
                let key = Key {
                    unit: unit.to_string(),
                    rule,
                    file: file.strip_prefix("./").unwrap_or(file).to_string(),
                    line: f["line"].as_u64().unwrap_or(0),
                };
                errors.insert(key, f["message"].as_str().unwrap_or("").to_string());
            }
            Some("warning") => *warnings.entry(rule).or_default() += 1,
            _ => {}
        }
    }
    UnitRun { errors, warnings }
}

fn parse_ledger(text: &str) -> Vec<(Key, String)> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let parts: Vec<&str> = line.splitn(4, " | ").collect();
        let [unit, rule, loc, verdict] = parts[..] else {
            panic!(
                "ledger.txt:{}: expected `unit | rule | file:line | verdict`, got {line:?}",
                n + 1
            );
        };
        let (file, l) = loc
            .rsplit_once(':')
            .unwrap_or_else(|| panic!("ledger.txt:{}: `{loc}` has no :line", n + 1));
        let line_no = l
            .parse()
            .unwrap_or_else(|_| panic!("ledger.txt:{}: bad line number in `{loc}`", n + 1));
        out.push((
            Key {
                unit: unit.to_string(),
                rule: rule.to_string(),
                file: file.to_string(),
                line: line_no,
            },
            verdict.trim().to_string(),
        ));
    }
    out
}

fn parse_warnings(text: &str) -> BTreeMap<String, usize> {
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let (rule, n) = l.split_once(char::is_whitespace)?;
            Some((rule.to_string(), n.trim().parse().ok()?))
        })
        .collect()
}

#[test]
fn ecosystem_errors_are_reviewed_and_warnings_stable() {
    let Some(corpus) = corpus_dir() else {
        eprintln!(
            "ecosystem test skipped: neither ../shared/corpus nor /work/shared/corpus exists"
        );
        return;
    };
    let update = std::env::var_os("KEXIT_ECOSYSTEM_UPDATE").is_some();
    let mut errors: BTreeMap<Key, String> = BTreeMap::new();
    let mut warnings: BTreeMap<String, usize> = BTreeMap::new();
    for (unit, root) in units(&corpus) {
        let run = lint_unit(&unit, &root);
        eprintln!(
            "ecosystem {unit}: {} errors, {} warnings",
            run.errors.len(),
            run.warnings.values().sum::<usize>()
        );
        errors.extend(run.errors);
        for (rule, n) in run.warnings {
            *warnings.entry(rule).or_default() += n;
        }
    }

    let ledger_path = ledger_dir().join("ledger.txt");
    let ledger_text = std::fs::read_to_string(&ledger_path).unwrap_or_default();
    let ledger = parse_ledger(&ledger_text);
    let mut problems: Vec<String> = Vec::new();
    let mut seen = BTreeSet::new();
    for (key, verdict) in &ledger {
        if !seen.insert(key.clone()) {
            problems.push(format!("duplicate ledger line: {key}"));
        }
        if verdict.starts_with("UNREVIEWED") {
            problems.push(format!(
                "unreviewed ledger line: {key} | {verdict}: write a verdict"
            ));
        } else if !VERDICT_CLASSES.iter().any(|c| verdict.starts_with(c)) {
            problems.push(format!(
                "ledger line {key}: the verdict must start with one of {VERDICT_CLASSES:?}"
            ));
        }
    }
    let new: Vec<(&Key, &String)> = errors.iter().filter(|(k, _)| !seen.contains(*k)).collect();
    for (key, message) in &new {
        problems.push(format!(
            "new error {key}: {message}\n    review it and add it to tests/ecosystem/ledger.txt with a verdict, or fix the false positive"
        ));
    }
    let stale: Vec<&Key> = ledger
        .iter()
        .map(|(k, _)| k)
        .filter(|k| !errors.contains_key(*k))
        .collect();
    for key in &stale {
        problems.push(format!(
            "ledger entry no longer reported: {key}\n    remove its line from tests/ecosystem/ledger.txt"
        ));
    }

    let counts_path = ledger_dir().join("warnings.txt");
    let recorded = parse_warnings(&std::fs::read_to_string(&counts_path).unwrap_or_default());
    let rules: BTreeSet<&String> = recorded.keys().chain(warnings.keys()).collect();
    for rule in rules {
        let old = recorded.get(rule).copied().unwrap_or(0);
        let now = warnings.get(rule).copied().unwrap_or(0);
        if now * 10 > old * 11 {
            problems.push(format!(
                "{rule} warnings grew from {old} to {now} (more than 10 %): judge a sample of the new ones, then update tests/ecosystem/warnings.txt"
            ));
        } else if now != old {
            eprintln!("note: {rule} warnings {old} -> {now}; update tests/ecosystem/warnings.txt");
        }
    }

    if update {
        let mut text = String::from(
            "# Warnings per rule on ../shared/corpus (see tests/ecosystem.rs). A rule growing by more\n# than 10 % fails the ecosystem test until this file is updated.\n",
        );
        for (rule, n) in &warnings {
            text.push_str(&format!("{rule} {n}\n"));
        }
        std::fs::write(&counts_path, text).unwrap();
        let mut kept: Vec<String> = ledger_text
            .lines()
            .filter(|l| {
                parse_ledger(l)
                    .first()
                    .is_none_or(|(k, _)| errors.contains_key(k))
            })
            .map(str::to_string)
            .collect();
        for (key, message) in &new {
            let short: String = message.chars().take(100).collect();
            kept.push(format!("{key} | UNREVIEWED {short}"));
        }
        std::fs::write(&ledger_path, kept.join("\n") + "\n").unwrap();
        eprintln!(
            "updated {} and {}",
            counts_path.display(),
            ledger_path.display()
        );
    }

    assert!(
        problems.is_empty(),
        "ecosystem check failed ({} problems):\n{}",
        problems.len(),
        problems.join("\n")
    );
}
