//! Architecture checks (issue 9), read from the source text of `src/`:
//! - the import graph between the top-level modules of `src/` (`use crate::x`, `crate::x::`
//!   paths, `crate::{x, …}` groups and `super::` paths that climb to the crate root, test modules
//!   included) has no cycle;
//! - no source file is longer than [`MAX_LINES`] lines;
//! - every rule file in `src/rules/` owns its logic: its `check` is a function of the file (or a
//!   front-end rule's `no_check`, whose file then builds the finding itself), not a call into a
//!   dispatcher elsewhere;
//! - the words of a command are split by the shell module only: whitespace splitting
//!   (`split_whitespace`, `split(' ')`, …) elsewhere is allowed only where listed below, each
//!   with the reason it is not command splitting.
//!
//! The allowlists shrink; an entry that no longer matches anything fails the test, so a fixed
//! exception cannot linger.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const MAX_LINES: usize = 900;

/// Files allowed over [`MAX_LINES`] for now.
const LONG_FILES: &[(&str, &str)] = &[];

/// Import edges that still close a cycle, being removed (issue 9). Every other edge must keep
/// the graph acyclic.
const KNOWN_BACK_EDGES: &[(&str, &str)] = &[];

/// Rule files whose findings are still built outside the file (by a loader or the lint layer),
/// being moved into the rule file (issue 9).
const FINDING_BUILT_ELSEWHERE: &[&str] = &[];

/// Whitespace splitting outside the shell module: (file, reason it is not command splitting).
const SPLIT_ALLOWED: &[(&str, &str)] = &[
    (
        "src/shell/shebang.rs",
        "the shell module: `#!/usr/bin/env -S prog args` (env splits its -S string itself)",
    ),
    (
        "src/docker/buildkit.rs",
        "the instruction keyword of a Dockerfile line (Dockerfile syntax, not a command)",
    ),
    (
        "src/discover.rs",
        "the first word of a line, to recognise a Dockerfile by its first instruction",
    ),
    (
        "src/image/pkgdb.rs",
        "the space-separated executable list of the committed package data (data/, not a command)",
    ),
    (
        "src/image/catalogue.rs",
        "the space-separated tag lists of the committed catalogue heads (data/images/official-images.heads, not a command)",
    ),
    (
        "src/image/pypi.rs",
        "the space-separated script and dependency lists of the committed PyPI data (data/, not a command)",
    ),
    (
        "src/model/heap.rs",
        "JVM/Node option values (`JAVA_TOOL_OPTIONS`, `NODE_OPTIONS`): the runtimes split them on whitespace themselves",
    ),
    (
        "src/rules/kx101_command_with_spaces.rs",
        "the fix it suggests: one exec-form element that holds several words, shown as separate elements",
    ),
    (
        "src/rules/kx211_liveness_kills_slow_start.rs",
        "looks for a `java`/`-jar` token anywhere in the argv elements (a heuristic, not an argv)",
    ),
];

/// Patterns that split text into words on whitespace.
const SPLIT_PATTERNS: &[&str] = &[
    "split_whitespace(",
    "split_ascii_whitespace(",
    "split(' ')",
    "split(\" \")",
    "split(char::is_whitespace)",
    "split(|c: char| c.is_whitespace())",
    "split([' ', '\\t'])",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every `.rs` file under `src/`, as (path relative to the repository with `/`, text).
fn sources() -> Vec<(String, String)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let mut paths = Vec::new();
    walk(&root().join("src"), &mut paths);
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let rel = p
                .strip_prefix(root())
                .unwrap_or(&p)
                .to_string_lossy()
                .replace('\\', "/");
            let text = std::fs::read_to_string(&p).unwrap_or_default();
            (rel, text)
        })
        .collect()
}

/// The text with comments removed and string/char literal contents blanked (line structure
/// kept), so paths and calls inside docs or messages do not count.
fn code_only(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'/' && b.get(i + 1) == Some(&b'/') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        if c == b'/' && b.get(i + 1) == Some(&b'*') {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                    depth += 1;
                    i += 2;
                } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    if b[i] == b'\n' {
                        out.push('\n');
                    }
                    i += 1;
                }
            }
            continue;
        }
        // Raw strings r"…", r#"…"#, br"…".
        if (c == b'r' || (c == b'b' && b.get(i + 1) == Some(&b'r')))
            && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_'))
        {
            let mut j = i + if c == b'b' { 2 } else { 1 };
            let mut hashes = 0;
            while b.get(j) == Some(&b'#') {
                hashes += 1;
                j += 1;
            }
            if b.get(j) == Some(&b'"') {
                let close: Vec<u8> = std::iter::once(b'"')
                    .chain(std::iter::repeat_n(b'#', hashes))
                    .collect();
                j += 1;
                out.push_str("\"\"");
                while j < b.len() && !b[j..].starts_with(&close) {
                    if b[j] == b'\n' {
                        out.push('\n');
                    }
                    j += 1;
                }
                i = j + close.len();
                continue;
            }
        }
        if c == b'"' {
            out.push_str("\"\"");
            i += 1;
            while i < b.len() && b[i] != b'"' {
                if b[i] == b'\\' {
                    i += 1;
                }
                if b.get(i) == Some(&b'\n') {
                    out.push('\n');
                }
                i += 1;
            }
            i += 1;
            continue;
        }
        if c == b'\'' {
            // A char literal ('x', '\n', '\u{..}'), not a lifetime ('a).
            let rest = &b[i + 1..];
            let len = if rest.first() == Some(&b'\\') {
                rest.iter().skip(1).position(|&x| x == b'\'').map(|p| p + 2)
            } else {
                let ch = text[i + 1..].chars().next().map_or(1, char::len_utf8);
                (rest.get(ch) == Some(&b'\'')).then_some(ch)
            };
            if let Some(len) = len {
                // Keep the literal: `split(' ')` must stay visible.
                out.push_str(&text[i..i + len + 2]);
                i += len + 2;
                continue;
            }
        }
        let ch = text[i..].chars().next().unwrap_or(' ');
        out.push(ch);
        i += ch.len_utf8();
    }
    out
}

/// The top-level module of a file: `src/k8s/env.rs` → `k8s`, `src/cli.rs` → `cli`.
fn top_module(rel: &str) -> Option<String> {
    let inner = rel.strip_prefix("src/")?;
    let first = inner.split('/').next()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (name != "lib" && name != "main").then(|| name.to_string())
}

/// The module path of a file below the crate root: `src/k8s/env.rs` → [k8s, env],
/// `src/k8s/mod.rs` → [k8s].
fn module_path(rel: &str) -> Vec<String> {
    let inner = rel.strip_prefix("src/").unwrap_or(rel);
    let inner = inner.strip_suffix(".rs").unwrap_or(inner);
    let mut parts: Vec<String> = inner.split('/').map(str::to_string).collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

fn ident_at(s: &str) -> &str {
    let end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    &s[..end]
}

/// Top-level modules a file refers to.
fn references(rel: &str, code: &str, tops: &BTreeSet<String>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut add = |name: &str| {
        if tops.contains(name) {
            out.insert(name.to_string());
        }
    };
    // crate::x and crate::{x, y::z}
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let before = rest[..at].chars().next_back();
        rest = &rest[at + "crate::".len()..];
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$') {
            continue;
        }
        let t = rest.trim_start();
        if let Some(group) = t.strip_prefix('{') {
            // Top-level items of the group.
            let mut depth = 0usize;
            let mut item_start = true;
            for (i, ch) in group.char_indices() {
                match ch {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if item_start && depth == 0 && !c.is_whitespace() => {
                        item_start = false;
                        add(ident_at(&group[i..]));
                    }
                    _ => {}
                }
            }
        } else {
            add(ident_at(t));
        }
    }
    // super::…::x climbing to the crate root.
    let path = module_path(rel);
    let mut rest = code;
    while let Some(at) = rest.find("super::") {
        let before = rest[..at].chars().next_back();
        let mut t = &rest[at..];
        rest = &rest[at + "super::".len()..];
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':') {
            continue;
        }
        let mut ups = 0;
        while let Some(r) = t.strip_prefix("super::") {
            ups += 1;
            t = r.trim_start();
        }
        if ups == path.len() {
            add(ident_at(t));
        }
    }
    out
}

type Graph = BTreeMap<String, BTreeMap<String, BTreeSet<String>>>;

/// module → (imported module → files that import it).
fn import_graph() -> (BTreeSet<String>, Graph) {
    let files = sources();
    let tops: BTreeSet<String> = files.iter().filter_map(|(r, _)| top_module(r)).collect();
    let mut g: Graph = BTreeMap::new();
    for (rel, text) in &files {
        let Some(top) = top_module(rel) else { continue };
        for to in references(rel, &code_only(text), &tops) {
            if to != top {
                g.entry(top.clone())
                    .or_default()
                    .entry(to)
                    .or_default()
                    .insert(rel.clone());
            }
        }
    }
    (tops, g)
}

/// Strongly connected components with more than one module (Tarjan).
fn cycles(
    nodes: &BTreeSet<String>,
    edges: &BTreeMap<String, BTreeSet<String>>,
) -> Vec<Vec<String>> {
    struct St<'a> {
        edges: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on: BTreeSet<&'a str>,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut St<'a>, v: &'a str) {
        let i = s.index.len();
        s.index.insert(v, i);
        s.low.insert(v, i);
        s.stack.push(v);
        s.on.insert(v);
        if let Some(ws) = s.edges.get(v) {
            for w in ws {
                let w = w.as_str();
                if !s.index.contains_key(w) {
                    visit(s, w);
                    let lw = s.low[w];
                    let lv = s.low.get_mut(v).unwrap();
                    *lv = (*lv).min(lw);
                } else if s.on.contains(w) {
                    let iw = s.index[w];
                    let lv = s.low.get_mut(v).unwrap();
                    *lv = (*lv).min(iw);
                }
            }
        }
        if s.low[v] == s.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on.remove(w);
                comp.push(w.to_string());
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                s.out.push(comp);
            }
        }
    }
    let mut s = St {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        out: Vec::new(),
    };
    for n in nodes {
        if !s.index.contains_key(n.as_str()) {
            visit(&mut s, n);
        }
    }
    s.out
}

#[test]
fn top_level_modules_form_no_cycle() {
    let (tops, g) = import_graph();
    let mut stale = Vec::new();
    for (from, to) in KNOWN_BACK_EDGES {
        if !g.get(*from).is_some_and(|m| m.contains_key(*to)) {
            stale.push(format!("{from} -> {to}"));
        }
    }
    let edges: BTreeMap<String, BTreeSet<String>> = g
        .iter()
        .map(|(from, tos)| {
            let kept = tos
                .keys()
                .filter(|to| !KNOWN_BACK_EDGES.contains(&(from.as_str(), to.as_str())))
                .cloned()
                .collect();
            (from.clone(), kept)
        })
        .collect();
    let mut report = String::new();
    for comp in cycles(&tops, &edges) {
        report.push_str(&format!("cycle between {}:\n", comp.join(", ")));
        for from in &comp {
            for to in edges.get(from).into_iter().flatten() {
                if comp.contains(to) {
                    let files = &g[from][to];
                    let files: Vec<&str> = files.iter().map(String::as_str).collect();
                    report.push_str(&format!("  {from} -> {to}  ({})\n", files.join(", ")));
                }
            }
        }
    }
    assert!(
        stale.is_empty(),
        "KNOWN_BACK_EDGES lists edges that no longer exist (remove them): {stale:?}"
    );
    assert!(
        report.is_empty(),
        "import cycles between top-level modules of src/:\n{report}"
    );
}

#[test]
fn import_graph_reads_paths() {
    let tops: BTreeSet<String> = ["a", "b", "c", "d", "e"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let code = code_only(
        "use crate::{a::X, b};\n// crate::c\nlet s = \"crate::c\";\nsuper::d::f();\n$crate::e::g();",
    );
    let got = references("src/x.rs", &code, &tops);
    assert_eq!(got, ["a", "b", "d"].iter().map(|s| s.to_string()).collect());
    // super:: from a submodule stays inside its own module unless it climbs to the root.
    let got = references("src/x/y.rs", "super::d::f(); super::super::e::g();", &tops);
    assert_eq!(got, ["e"].iter().map(|s| s.to_string()).collect());
}

#[test]
fn no_source_file_over_900_lines() {
    let mut long = Vec::new();
    let mut seen = BTreeSet::new();
    for (rel, text) in sources() {
        let n = text.lines().count();
        if n > MAX_LINES {
            if LONG_FILES.iter().any(|(f, _)| *f == rel) {
                seen.insert(rel.clone());
            } else {
                long.push(format!("{rel}: {n} lines"));
            }
        }
    }
    let stale: Vec<&str> = LONG_FILES
        .iter()
        .map(|(f, _)| *f)
        .filter(|f| !seen.contains(*f))
        .collect();
    assert!(
        long.is_empty(),
        "files over {MAX_LINES} lines (split them):\n{}",
        long.join("\n")
    );
    assert!(
        stale.is_empty(),
        "LONG_FILES entries now short enough (remove them): {stale:?}"
    );
}

#[test]
fn every_rule_file_owns_its_logic() {
    let mut bad = Vec::new();
    let mut pending = BTreeSet::new();
    for (rel, text) in sources() {
        let Some(name) = rel.strip_prefix("src/rules/kx") else {
            continue;
        };
        let code = code_only(&text);
        let Some(at) = code.find("pub static RULE: Rule") else {
            bad.push(format!("{rel}: no `pub static RULE: Rule`"));
            continue;
        };
        let decl = &code[at..];
        let decl = &decl[..decl.find("};").unwrap_or(decl.len())];
        // The check function: `check,` / `check: name,`.
        let check = decl
            .lines()
            .map(str::trim)
            .find_map(|l| {
                if l == "check," {
                    Some("check".to_string())
                } else {
                    l.strip_prefix("check:")
                        .map(|v| v.trim().trim_end_matches(',').to_string())
                }
            })
            .unwrap_or_default();
        if check == "no_check" {
            // A front-end rule: its findings come from a front end's error, and the file must
            // build them (its message) itself.
            if code.contains("Finding::new(") {
                continue;
            }
            if FINDING_BUILT_ELSEWHERE.contains(&rel.as_str()) {
                pending.insert(rel.clone());
            } else {
                bad.push(format!(
                    "{rel}: `no_check` and no `Finding::new`: the finding is built elsewhere"
                ));
            }
            continue;
        }
        if check.contains("::") {
            bad.push(format!("{rel}: check `{check}` is defined elsewhere"));
            continue;
        }
        let sig = format!("fn {check}(");
        let Some(f) = code.find(&sig) else {
            bad.push(format!("{rel}: check `{check}` is not defined in the file"));
            continue;
        };
        // Its body must do more than forward to one function elsewhere.
        let body = &code[f..];
        let open = body.find('{').unwrap_or(0);
        let mut depth = 0usize;
        let mut end = body.len();
        for (i, ch) in body[open..].char_indices() {
            match ch {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = open + i;
                        break;
                    }
                }
                _ => {}
            }
        }
        let inner = body[open + 1..end].trim();
        let statements = inner.matches(';').count();
        let one_call = statements <= 1
            && !inner.contains("if ")
            && !inner.contains("match ")
            && !inner.contains("for ")
            && !inner.contains("=>");
        // Its messages: string literals after the RULE declaration (blanked to `""` above).
        let after = &code[at + decl.len()..];
        let owns_message = after.contains("\"\"") || after.contains("format!(");
        if one_call || !owns_message {
            bad.push(format!(
                "{rel} ({name}): `{check}` only forwards to a dispatcher elsewhere; the rule's logic and messages belong in its file"
            ));
        }
    }
    assert!(
        bad.is_empty(),
        "rule files that do not own their logic:\n{}",
        bad.join("\n")
    );
    let stale: Vec<&str> = FINDING_BUILT_ELSEWHERE
        .iter()
        .copied()
        .filter(|f| !pending.contains(*f))
        .collect();
    assert!(
        stale.is_empty(),
        "FINDING_BUILT_ELSEWHERE entries now fixed (remove them): {stale:?}"
    );
}

#[test]
fn command_words_are_split_by_the_shell_module_only() {
    let mut bad = Vec::new();
    let mut used = BTreeSet::new();
    for (rel, text) in sources() {
        let code = code_only(&text);
        for (n, line) in code.lines().enumerate() {
            // Multi-line calls: `.split_whitespace()` on its own line is found too.
            if let Some(p) = SPLIT_PATTERNS.iter().find(|p| line.contains(*p)) {
                if SPLIT_ALLOWED.iter().any(|(f, _)| *f == rel) {
                    used.insert(rel.clone());
                } else {
                    bad.push(format!("{rel}:{}: `{p}`", n + 1));
                }
            }
        }
    }
    let stale: Vec<&str> = SPLIT_ALLOWED
        .iter()
        .map(|(f, _)| *f)
        .filter(|f| !used.contains(*f))
        .collect();
    assert!(
        bad.is_empty(),
        "whitespace splitting outside the shell module (use crate::shell, or add the file to SPLIT_ALLOWED with the reason it is not command splitting):\n{}",
        bad.join("\n")
    );
    assert!(
        stale.is_empty(),
        "SPLIT_ALLOWED entries no longer needed (remove them): {stale:?}"
    );
}
