//! Lint every file of the shared real-world corpus (`../shared/corpus`, else
//! `/work/shared/corpus`) in-process: no panic, a plausible number of documents, and the findings
//! per rule printed for the record (`cargo test --test corpus -- --nocapture`). When the corpus is
//! absent the test says so and passes.

use kexit::discover::{classify, Found};
use kexit::project::Input;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn corpus_dir() -> Option<PathBuf> {
    [
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"),
        PathBuf::from("/work/shared/corpus"),
    ]
    .into_iter()
    .find(|p| p.is_dir())
}

/// Every file under `dir` (iteratively: no recursion on deep trees), sorted.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            match e.file_type() {
                Ok(t) if t.is_dir() => stack.push(p),
                Ok(t) if t.is_file() => out.push(p),
                _ => {}
            }
        }
    }
    out.sort();
    out
}

#[test]
fn corpus_lints_without_panic() {
    let Some(dir) = corpus_dir() else {
        eprintln!("corpus test skipped: neither ../shared/corpus nor /work/shared/corpus exists");
        return;
    };
    let inputs: Vec<Input> = files(&dir)
        .into_iter()
        .filter_map(|path| {
            let kind = classify(&path)?;
            Some(Input::Path(Found {
                path,
                kind,
                explicit: false,
                context: false,
            }))
        })
        .collect();
    let n_files = inputs.len();
    assert!(n_files > 0, "no lintable file in {}", dir.display());
    let started = std::time::Instant::now();
    let out = std::panic::catch_unwind(|| kexit::lint::lint_inputs(inputs))
        .unwrap_or_else(|_| panic!("linting {} panicked", dir.display()));
    let elapsed = started.elapsed();

    let mut per_rule: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for f in &out.findings {
        *per_rule
            .entry((f.rule.code, f.severity.as_str()))
            .or_default() += 1;
    }
    eprintln!(
        "corpus {}: {n_files} files, {} documents, {} findings in {:.2?}",
        dir.display(),
        out.documents,
        out.findings.len(),
        elapsed
    );
    for ((code, severity), n) in &per_rule {
        eprintln!("  {code} {severity:<7} {n}");
    }
    assert!(
        out.documents > 2000,
        "only {} documents parsed from {n_files} files: the YAML front end is losing documents",
        out.documents
    );
    // Every finding points into its file.
    for f in &out.findings {
        let src = &out.project.files[f.span.file];
        assert!(f.span.start <= src.text.len(), "{f:?}");
    }
}
