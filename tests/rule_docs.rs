//! Keeps the rule docs (`rules/<CODE>.md`), the registry and the README in step, and runs each
//! doc's examples: the files under `## Failing example` must trigger the rule, the files under
//! `## Fix` must not. A doc whose rule cannot be shown in text (e.g. a binary file) says
//! `<!-- no-example -->`.

mod common;

use common::{kexit, parse_json, root};
use kexit::rules::RULES;

/// (file name, content) of every fenced block with `file=NAME` in the section `heading`.
fn blocks(doc: &str, heading: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let Some(start) = doc.find(heading) else {
        return out;
    };
    let body = &doc[start + heading.len()..];
    let end = body.find("\n## ").unwrap_or(body.len());
    let section = &body[..end];
    let mut lines = section.lines();
    while let Some(l) = lines.next() {
        let t = l.trim_start();
        if let Some(info) = t.strip_prefix("```") {
            let name = info
                .split_whitespace()
                .find_map(|w| w.strip_prefix("file="))
                .map(str::to_string);
            let mut content = String::new();
            for l in lines.by_ref() {
                if l.trim_start().starts_with("```") {
                    break;
                }
                content.push_str(l);
                content.push('\n');
            }
            if let Some(n) = name {
                out.push((n, content));
            }
        }
    }
    out
}

fn run_example(files: &[(String, String)]) -> Vec<common::JsonFinding> {
    let tmp = tempfile::tempdir().unwrap();
    for (name, content) in files {
        let p = tmp.path().join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&p, content).unwrap();
        #[cfg(unix)]
        if content.starts_with("#!") && !name.contains("noexec") {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
    }
    let run = kexit(tmp.path(), &["lint", "--format", "json", "."]);
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    parse_json(&run.stdout)
}

#[test]
fn every_rule_has_a_doc_and_every_doc_a_rule() {
    let dir = root().join("rules");
    for r in RULES {
        let path = dir.join(format!("{}.md", r.code));
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|_| panic!("{} has no doc at {}", r.code, path.display()));
        let title = format!("# {} {}", r.code, r.name);
        assert!(
            text.starts_with(&title),
            "{} must start with `{title}`",
            path.display()
        );
        assert_eq!(text, r.doc, "{}: registry doc differs", r.code);
    }
    for e in std::fs::read_dir(&dir).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if let Some(code) = name.strip_suffix(".md") {
            if code.starts_with("KX") {
                assert!(
                    RULES.iter().any(|r| r.code == code),
                    "rules/{name} documents no registered rule"
                );
            }
        }
    }
    let mut codes: Vec<_> = RULES.iter().map(|r| r.code).collect();
    let sorted = {
        let mut s = codes.clone();
        s.sort();
        s
    };
    assert_eq!(codes, sorted, "RULES must be sorted by code");
    codes.dedup();
    assert_eq!(codes.len(), RULES.len(), "duplicate rule codes");
}

#[test]
fn doc_examples_fail_and_fixes_pass() {
    let mut problems = Vec::new();
    for r in RULES {
        if r.doc.contains("<!-- no-example -->") {
            continue;
        }
        for section in ["## Why it fails at runtime", "## Failing example", "## Fix"] {
            if !r.doc.contains(section) {
                problems.push(format!("{}: doc lacks `{section}`", r.code));
            }
        }
        let failing = blocks(r.doc, "## Failing example");
        let fix = blocks(r.doc, "## Fix");
        if failing.is_empty() || fix.is_empty() {
            problems.push(format!(
                "{}: doc needs file=… code blocks under `## Failing example` and `## Fix`",
                r.code
            ));
            continue;
        }
        let found = run_example(&failing);
        if !found.iter().any(|f| f.rule == r.code) {
            problems.push(format!(
                "{}: the failing example does not trigger it (got {:?})",
                r.code,
                found.iter().map(|f| &f.rule).collect::<Vec<_>>()
            ));
        }
        let found = run_example(&fix);
        if found.iter().any(|f| f.rule == r.code) {
            problems.push(format!("{}: the fix still triggers it", r.code));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn readme_lists_every_rule() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    for r in RULES {
        let link = format!("[{}](rules/{}.md)", r.code, r.code);
        assert!(readme.contains(&link), "README.md must link {link}");
    }
}
