//! The fixture harness. Every case under `fixtures/<CODE>/` (a file linted alone, or a directory
//! linted as one scenario) declares its expected findings inline:
//!
//! - `# expect: KX101:21` at the end of a line: a KX101 finding starting on this line, column 21;
//! - `# expect-next: KX102:5` on a line of its own: the same for the next non-expect line
//!   (Dockerfiles, where a trailing `#` is not a comment);
//! - `expect.txt` in a scenario directory: lines `relpath:line TOKEN…` (files that cannot hold comments).
//!
//! A token is `CODE[:COLUMN][/SEVERITY][/EXIT]` (`/-` = no exit code); severity and exit code
//! default to the rule's defaults, so every expectation asserts code, severity, exit code and line
//! (and column when given). The findings of the fixture directory's family (KX0xx always, plus the
//! family of the directory's code; everything under `fixtures/scenarios` and `fixtures/demo`)
//! must equal the expectations exactly: nothing missing, nothing extra.

mod common;

use common::{lint_copy, root, JsonFinding};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
struct Expect {
    file: String,
    line: u64,
    code: String,
    column: Option<u64>,
    severity: String,
    exit_code: Option<u64>,
}

fn parse_token(file: &str, line: u64, token: &str) -> Result<Expect, String> {
    let mut parts = token.split('/');
    let head = parts.next().unwrap_or("");
    let (code, column) = match head.split_once(':') {
        Some((c, col)) => (
            c,
            Some(
                col.parse()
                    .map_err(|_| format!("bad column in `{token}`"))?,
            ),
        ),
        None => (head, None),
    };
    let rule = kexit::rules::by_code(code)
        .ok_or_else(|| format!("{file}:{line}: unknown rule `{code}` in expectation"))?;
    let severity = parts
        .next()
        .map(str::to_string)
        .unwrap_or_else(|| rule.severity.as_str().to_string());
    let exit_code = match parts.next() {
        None => rule.exit_code.map(u64::from),
        Some("-") => None,
        Some(n) => Some(
            n.parse()
                .map_err(|_| format!("bad exit code in `{token}`"))?,
        ),
    };
    Ok(Expect {
        file: file.to_string(),
        line,
        code: rule.code.to_string(),
        column,
        severity,
        exit_code,
    })
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    if dir.is_file() {
        out.push(dir.to_path_buf());
        return;
    }
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        walk(&e.path(), out);
    }
}

fn expectations(case: &Path) -> Result<Vec<Expect>, String> {
    let mut files = Vec::new();
    walk(case, &mut files);
    let base = if case.is_dir() {
        case.to_path_buf()
    } else {
        case.parent().unwrap().to_path_buf()
    };
    let mut out = Vec::new();
    for f in files {
        let rel = f
            .strip_prefix(&base)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let Ok(bytes) = std::fs::read(&f) else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes);
        if rel == "expect.txt" {
            for l in text
                .lines()
                .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            {
                let mut words = l.split_whitespace();
                let loc = words.next().unwrap_or("");
                let (file, line) = loc
                    .rsplit_once(':')
                    .ok_or_else(|| format!("expect.txt: bad line `{l}`"))?;
                let line: u64 = line
                    .parse()
                    .map_err(|_| format!("expect.txt: bad line `{l}`"))?;
                for t in words {
                    out.push(parse_token(file, line, t)?);
                }
            }
            continue;
        }
        let mut pending: Vec<&str> = Vec::new();
        // Lines split on \n only: a CR-only line break would be a separate line in the linter too,
        // but fixtures do not use them.
        for (i, l) in text.split('\n').enumerate() {
            let lineno = i as u64 + 1;
            let trimmed = l.trim();
            if let Some(rest) = trimmed.strip_prefix("# expect-next:") {
                pending.extend(rest.split_whitespace());
                continue;
            }
            for t in pending.drain(..) {
                out.push(parse_token(&rel, lineno, t)?);
            }
            if let Some(idx) = l.find("# expect:") {
                for t in l[idx + "# expect:".len()..].split_whitespace() {
                    out.push(parse_token(&rel, lineno, t)?);
                }
            }
        }
    }
    Ok(out)
}

fn in_family(family: &str, code: &str) -> bool {
    family.is_empty() || code.starts_with("KX0") || code.starts_with(family)
}

fn check_case(family: &str, case: &Path) -> Vec<String> {
    let name = case
        .strip_prefix(root())
        .unwrap_or(case)
        .display()
        .to_string();
    let expects = match expectations(case) {
        Ok(e) => e,
        Err(e) => return vec![format!("{name}: {e}")],
    };
    let (_tmp, run, findings) = lint_copy(case);
    let mut problems = Vec::new();
    let findings: Vec<JsonFinding> = findings
        .into_iter()
        .filter(|f| in_family(family, &f.rule))
        .collect();
    let mut used = vec![false; findings.len()];
    for e in &expects {
        let hit = findings.iter().enumerate().position(|(i, f)| {
            !used[i] && f.rule == e.code && f.file == e.file && f.line == e.line
        });
        match hit {
            None => problems.push(format!(
                "{name}: expected {} at {}:{} but it was not reported",
                e.code, e.file, e.line
            )),
            Some(i) => {
                used[i] = true;
                let f = &findings[i];
                if let Some(c) = e.column {
                    if c != f.column {
                        problems.push(format!(
                            "{name}: {} at {}:{}: column {} expected, got {}",
                            e.code, e.file, e.line, c, f.column
                        ));
                    }
                }
                if e.severity != f.severity {
                    problems.push(format!(
                        "{name}: {} at {}:{}: severity {} expected, got {}",
                        e.code, e.file, e.line, e.severity, f.severity
                    ));
                }
                if e.exit_code != f.exit_code {
                    problems.push(format!(
                        "{name}: {} at {}:{}: exit code {:?} expected, got {:?}",
                        e.code, e.file, e.line, e.exit_code, f.exit_code
                    ));
                }
            }
        }
    }
    for (i, f) in findings.iter().enumerate() {
        if !used[i] {
            problems.push(format!(
                "{name}: unexpected {} {} at {}:{}:{}: {}",
                f.severity, f.rule, f.file, f.line, f.column, f.message
            ));
        }
    }
    let has_config = case.is_dir() && case.join(".kexit.yaml").exists();
    let any_error = parse_all_errors(&run.stdout);
    if !has_config && (run.code == 1) != any_error {
        problems.push(format!(
            "{name}: exit code {} does not match findings (errors present: {any_error})",
            run.code
        ));
    }
    problems
}

fn parse_all_errors(stdout: &str) -> bool {
    common::parse_json(stdout)
        .iter()
        .any(|f| f.severity == "error")
}

#[test]
fn fixtures_match_inline_expectations() {
    let dir = root().join("fixtures");
    let mut families: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().collect();
    families.sort_by_key(|e| e.file_name());
    let mut problems = Vec::new();
    let mut cases = 0;
    for fam in families {
        let fname = fam.file_name().to_string_lossy().into_owned();
        if !fam.path().is_dir() {
            continue;
        }
        let family = if fname.starts_with("KX") && fname.len() >= 3 {
            fname[..3].to_string()
        } else {
            String::new()
        };
        if fname == "demo" {
            cases += 1;
            problems.extend(check_case("", &fam.path()));
            continue;
        }
        let mut entries: Vec<_> = std::fs::read_dir(fam.path()).unwrap().flatten().collect();
        entries.sort_by_key(|e| e.file_name());
        for case in entries {
            if case.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            cases += 1;
            problems.extend(check_case(&family, &case.path()));
        }
    }
    eprintln!("{cases} fixture cases checked");
    assert!(cases > 0);
    assert!(
        problems.is_empty(),
        "{} fixture problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
