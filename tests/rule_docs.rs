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

/// The README rule table, generated from the registry (`crate::meta::ALL`).
fn rules_table() -> String {
    let mut t = String::from(
        "| code | name | severity | exit | what it catches |\n|---|---|---|---|---|\n",
    );
    for r in kexit::meta::ALL {
        let exit = r.exit_code.map_or("-".to_string(), |c| c.to_string());
        t.push_str(&format!(
            "| [{c}](rules/{c}.md) | {} | {} | {exit} | {} |\n",
            r.name,
            r.severity.as_str(),
            r.summary,
            c = r.code
        ));
    }
    t
}

/// The README's rule table is the registry's, row for row (code, name, severity, exit code,
/// summary). `KEXIT_UPDATE_README=1 cargo test --test rule_docs` rewrites it.
#[test]
fn readme_rule_table_is_the_registry() {
    let path = root().join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let (open, close) = ("<!-- rules-table -->\n", "<!-- /rules-table -->");
    let start = readme
        .find(open)
        .expect("README.md has a <!-- rules-table --> marker")
        + open.len();
    let end = start
        + readme[start..]
            .find(close)
            .expect("README.md has <!-- /rules-table -->");
    let want = rules_table();
    if readme[start..end] == want {
        return;
    }
    if std::env::var_os("KEXIT_UPDATE_README").is_some() {
        let updated = format!("{}{want}{}", &readme[..start], &readme[end..]);
        std::fs::write(&path, updated).unwrap();
        return;
    }
    let have: Vec<&str> = readme[start..end].lines().collect();
    let diff: Vec<String> = want
        .lines()
        .filter(|l| !have.contains(l))
        .map(|l| format!("missing or different: {l}"))
        .chain(
            have.iter()
                .filter(|l| !want.lines().any(|w| w == **l))
                .map(|l| format!("not in the registry: {l}")),
        )
        .collect();
    panic!(
        "README.md rule table differs from the registry (regenerate with KEXIT_UPDATE_README=1 cargo test --test rule_docs):\n{}",
        diff.join("\n")
    );
}

/// `rules::RULES` pairs every registry entry with its file, in the same order.
#[test]
fn registry_and_rule_files_agree() {
    let meta: Vec<&str> = kexit::meta::ALL.iter().map(|m| m.code).collect();
    let rules: Vec<&str> = RULES.iter().map(|r| r.code).collect();
    assert_eq!(
        meta, rules,
        "src/meta.rs and src/rules/mod.rs list different rules"
    );
    for r in RULES {
        let file = format!("kx{}_", r.code.trim_start_matches("KX"));
        let module = format!("{}{}", file, r.name.replace('-', "_"));
        assert!(
            root()
                .join("src/rules")
                .join(format!("{module}.rs"))
                .exists(),
            "{}: expected its logic in src/rules/{module}.rs",
            r.code
        );
    }
}

/// A doc's header line (`**Severity:** … · **Exit code:** …`) agrees with the registry: it starts
/// with the default severity, and the first exit code it names is the registry's (the README's
/// `exit` column), or it says `none`.
#[test]
fn doc_header_agrees_with_the_registry() {
    let mut drift = Vec::new();
    for r in RULES {
        let Some(line) = r.doc.lines().find(|l| l.starts_with("**Severity:**")) else {
            drift.push(format!(
                "{}: no `**Severity:** … · **Exit code:** …` line",
                r.code
            ));
            continue;
        };
        let (sev, exit) = line.split_once("**Exit code:**").unwrap_or((line, ""));
        let sev = sev.trim_start_matches("**Severity:**").trim();
        if !sev.starts_with(r.severity.as_str()) {
            drift.push(format!(
                "{}: doc severity `{sev}`, registry {}",
                r.code,
                r.severity.as_str()
            ));
        }
        let exit = exit.trim();
        let ok = match r.exit_code {
            None => exit.starts_with("none"),
            Some(c) => exit
                .split(|ch: char| !ch.is_ascii_digit())
                .find(|n| !n.is_empty())
                .is_some_and(|n| n == c.to_string()),
        };
        if !ok {
            drift.push(format!(
                "{}: doc exit code `{exit}`, registry {:?}",
                r.code, r.exit_code
            ));
        }
    }
    assert!(
        drift.is_empty(),
        "rule docs and registry disagree:\n{}",
        drift.join("\n")
    );
}

/// Every fenced block of a page: (info string, content), in order.
fn fenced(doc: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut lines = doc.lines();
    while let Some(l) = lines.next() {
        if let Some(info) = l.trim_start().strip_prefix("```") {
            let mut content = String::new();
            for l in lines.by_ref() {
                if l.trim_start().starts_with("```") {
                    break;
                }
                content.push_str(l);
                content.push('\n');
            }
            out.push((info.trim().to_string(), content));
        }
    }
    out
}

/// The Chinese pages (rules/zh/): one for every rule and every exit code kexit predicts, in
/// Chinese, with the English page's title and exactly its code blocks (the same YAML examples,
/// which doc_examples_fail_and_fixes_pass runs), and no page for anything else.
#[test]
fn every_rule_and_exit_code_has_a_chinese_page() {
    use kexit::explain::{EXIT_PAGES, ZH_PAGES};
    let dir = root().join("rules/zh");
    let mut expected: Vec<(String, String)> = RULES
        .iter()
        .map(|r| (r.code.to_string(), r.doc.to_string()))
        .collect();
    for (name, text) in EXIT_PAGES {
        expected.push((name.to_string(), text.to_string()));
    }
    let cjk = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    for (name, english) in &expected {
        let path = dir.join(format!("{name}.md"));
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|_| panic!("{name} has no Chinese page at {}", path.display()));
        let registered = ZH_PAGES.iter().find(|(n, _)| n == name).map(|(_, t)| *t);
        assert_eq!(
            registered,
            Some(text.as_str()),
            "{name}: rules/zh/{name}.md must be listed in ZH_PAGES (src/explain.rs)"
        );
        assert!(cjk(&text), "{name}: the Chinese page is not in Chinese");
        if name.starts_with("KX") {
            assert_eq!(
                text.lines().next(),
                english.lines().next(),
                "{name}: the title line is the English one (code and name)"
            );
            for section in ["## 为什么会在运行时失败", "## 修复"] {
                assert!(
                    text.contains(section) || !english.contains("## Why it fails at runtime"),
                    "{name}: lacks `{section}`"
                );
            }
        }
        assert_eq!(
            english.contains("<!-- no-example -->"),
            text.contains("<!-- no-example -->"),
            "{name}: no-example marker"
        );
        assert_eq!(
            fenced(&text),
            fenced(english),
            "{name}: the code blocks must be the English page's"
        );
    }
    for e in std::fs::read_dir(&dir).unwrap().flatten() {
        let file = e.file_name().to_string_lossy().into_owned();
        let name = file.strip_suffix(".md").unwrap_or(&file);
        assert!(
            expected.iter().any(|(n, _)| n == name),
            "rules/zh/{file} translates no rule or exit code page"
        );
    }
}

/// Every exit code the runtime suite observed for a rule (tests/runtime/OBSERVED.md, column
/// "kexit should say": `KX122 exit 127`) is named on that rule's header line: the docs say what
/// the engine did.
#[test]
fn doc_header_names_the_observed_exit_codes() {
    let observed = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/runtime/OBSERVED.md"),
    )
    .unwrap();
    let mut drift = Vec::new();
    for row in observed.lines().filter(|l| l.starts_with("| ")) {
        let Some(last) = row.trim_end_matches('|').rsplit('|').next() else {
            continue;
        };
        let mut words = last.split_whitespace();
        let (Some(code), Some("exit"), Some(exit)) = (words.next(), words.next(), words.next())
        else {
            continue;
        };
        if !exit.chars().all(|c| c.is_ascii_digit()) {
            continue;
        }
        let Some(r) = RULES.iter().find(|r| r.code == code) else {
            drift.push(format!("{code}: in OBSERVED.md but not a rule"));
            continue;
        };
        let header = r
            .doc
            .lines()
            .find(|l| l.starts_with("**Severity:**"))
            .unwrap_or("");
        let named = header
            .split(|ch: char| !ch.is_ascii_digit())
            .any(|n| n == exit);
        if !named {
            drift.push(format!(
                "{code}: the runtime suite observed exit {exit}; the doc header says `{header}`"
            ));
        }
    }
    drift.sort();
    drift.dedup();
    assert!(
        drift.is_empty(),
        "rule docs and tests/runtime/OBSERVED.md disagree:\n{}",
        drift.join("\n")
    );
}
