//! Hostile inputs of issue 16: suppression handling (src/suppress.rs) is linear in its input.
//! Per-container annotations are looked up by container name, a run of own-line comments shares
//! one target line, an annotation's codes are located in one pass, and findings meet directives
//! through indexes (see `Index::resolve`). The sizes are chosen so that the old code fails the
//! harness (its deadline or its memory bound) in release builds; the figures quoted are release
//! builds on the 2-core development machine. Same harness as tests/hostile.rs.

#![cfg(unix)]

use std::fs;

mod common;

#[path = "common/hostile.rs"]
mod harness;

use harness::*;

/// 6,000 per-container annotations naming none of the pod's 6,000 containers. Each one's KX008
/// message listed every container name, and the names were checked by a scan of the containers
/// per annotation: containers × annotations of memory and output (5,000 of each: 2.0 s, 730 MB
/// resident, 340 MB of output; 15,000: allocation failure at 4.7 GB). Now 0.14 s and 30 MB for
/// 5,000, the message lists ten names. The pod's metadata is also its template metadata: it was
/// scanned twice, so each KX008 was reported twice.
#[test]
fn dead_container_annotations_of_a_large_pod() {
    let tmp = scene();
    let n = 6_000;
    let mut text =
        String::from("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n");
    for i in 0..n {
        text.push_str(&format!("    kexit.io/ignore.z{i}: KX104\n"));
    }
    // Live ones for a few containers: their KX104 (an unverifiable command) is suppressed.
    for i in 0..3 {
        text.push_str(&format!("    kexit.io/ignore.c{i}: KX104 -- known\n"));
    }
    text.push_str("spec:\n  containers:\n");
    for i in 0..n {
        let command = if i < 3 { ", command: [x]" } else { "" };
        text.push_str(&format!("  - {{name: c{i}, image: a{command}}}\n"));
    }
    fs::write(tmp.path().join("pod.yaml"), &text).unwrap();
    let (r, f) = lint_dir(tmp.path(), &[]);
    assert!(r.elapsed < DEADLINE, "{:?}", r.elapsed);
    assert_peak_under(&r, 200);
    let unused: Vec<_> = in_file(&f, "pod.yaml")
        .into_iter()
        .filter(|x| x.rule == "KX008")
        .collect();
    assert_eq!(unused.len(), n, "each dead annotation once");
    assert_eq!(unused[0].line, line_of(&text, "kexit.io/ignore.z0:"));
    assert!(
        unused[0].message.ends_with(
            "`kexit.io/ignore.z0` names no container of this pod (containers: c0, c1, c2, c3, \
             c4, c5, c6, c7, c8, c9 and 5990 more)"
        ),
        "{}",
        unused[0].message
    );
    assert!(
        !f.iter().any(|x| x.rule == "KX104"),
        "{:#?}",
        in_file(&f, "pod.yaml")
    );
}

/// `kexit.io/ignore: "Z0,Z1,…,Z299999,KX104"` (2.2 MB): each code was located by a search of
/// the value from its start, codes × value length (100,000 codes: 11 s; 300,000: over a
/// minute). Now one pass (0.1 s). KX008 is switched off: its 300,000 findings on one line are
/// another matter (reporting them locates each one on that line).
#[test]
fn three_hundred_thousand_codes_in_one_annotation() {
    let tmp = scene();
    let codes: Vec<String> = (0..300_000).map(|i| format!("Z{i}")).collect();
    let text = format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    \
         kexit.io/ignore: \"{},KX104\"\nspec:\n  containers:\n  - {{name: c, image: a, command: \
         [x], resources: {{limits: {{memory: 64Mi}}}}}}\n",
        codes.join(",")
    );
    fs::write(tmp.path().join("pod.yaml"), &text).unwrap();
    let (r, f) = lint_dir(tmp.path(), &["--disable=KX008"]);
    assert!(r.elapsed < DEADLINE, "{:?}", r.elapsed);
    // The last code, KX104, is found and used.
    assert!(
        !f.iter().any(|x| x.rule == "KX104"),
        "{:#?}",
        in_file(&f, "pod.yaml")
    );

    // Located where written (after the quote), in order.
    let tmp = scene();
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    \
                kexit.io/ignore: \"Z0, KX104,Z0\"\nspec:\n  containers:\n  - {name: c, image: a, \
                command: [x], resources: {limits: {memory: 64Mi}}}\n";
    fs::write(tmp.path().join("pod.yaml"), text).unwrap();
    let (_, f) = lint_dir(tmp.path(), &[]);
    let at: Vec<(u64, u64)> = in_file(&f, "pod.yaml")
        .iter()
        .filter(|x| x.rule == "KX008")
        .map(|x| (x.line, x.column))
        .collect();
    assert_eq!(at, [(6, 23), (6, 33)], "{:#?}", in_file(&f, "pod.yaml"));
}

/// 120,000 own-line comments above one container (2.7 MB of YAML) or one instruction (2.5 MB of
/// Dockerfile): each comment searched past the rest of the run for its target line, quadratic in
/// the run (30,000: 4.3 s; 120,000: over a minute). Now the run shares its target (0.1 s).
#[test]
fn long_runs_of_own_line_comments() {
    let n = 120_000;
    let tmp = scene();
    let yaml = format!(
        "apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec:\n  containers:\n{}  - {{name: c, \
         image: a, command: [x], resources: {{limits: {{memory: 64Mi}}}}}}\n",
        "  # kexit:ignore KX104\n".repeat(n)
    );
    fs::write(tmp.path().join("pod.yaml"), &yaml).unwrap();
    fs::create_dir(tmp.path().join("img")).unwrap();
    let dockerfile = format!(
        "FROM alpine:3.20\n{}CMD [\"python app.py\"]\n",
        "# kexit ignore=KX101\n".repeat(n)
    );
    fs::write(tmp.path().join("img/Dockerfile"), &dockerfile).unwrap();
    let (r, f) = lint_dir(tmp.path(), &[]);
    assert!(r.elapsed < DEADLINE, "{:?}", r.elapsed);
    // Every comment applies to the target line: each silences its finding, none is unused.
    assert!(
        in_file(&f, "pod.yaml").is_empty(),
        "{:#?}",
        in_file(&f, "pod.yaml")
    );
    assert!(
        in_file(&f, "img/Dockerfile").is_empty(),
        "{:#?}",
        in_file(&f, "img/Dockerfile")
    );
}

/// 100,000 directives inside one instruction continued over 200,000 lines (comments ending in
/// `\` continue it): each directive walked the rest of the instruction, quadratic (over a
/// minute). Now the end of each instruction is found once (0.2 s).
#[test]
fn directives_inside_a_long_continued_instruction() {
    let tmp = scene();
    let d = format!(
        "FROM alpine:3.20\nRUN echo a \\\n{}  && echo c\nCMD [\"python app.py\"]\n",
        "# kexit ignore=KX101 -- b \\\n  && echo b \\\n".repeat(100_000)
    );
    fs::write(tmp.path().join("Dockerfile"), &d).unwrap();
    let (r, f) = lint_dir(tmp.path(), &["--disable=KX008"]);
    assert!(r.elapsed < DEADLINE, "{:?}", r.elapsed);
    // The directives cover the RUN instruction, not the CMD after it.
    assert_located(&f, "Dockerfile", "KX101", line_of(&d, "CMD"));
}

/// 20,000 Pods, each with a comment above its container silencing its KX104 (2.6 MB): every
/// finding was checked against every directive (1.6 s; 40,000 Pods: 4.6 s). Now the findings
/// meet the directives through indexes (0.7 s; 1.7 s). The scale at which only the old
/// product fails is held by the unit test `resolve_is_not_findings_times_directives`.
#[test]
fn many_pods_each_with_a_directive() {
    let tmp = scene();
    let mut text = String::new();
    for i in 0..20_000 {
        text.push_str(&format!(
            "---\napiVersion: v1\nkind: Pod\nmetadata: {{name: p{i}}}\nspec:\n  containers:\n  \
             # kexit:ignore KX104\n  - {{name: c, image: a, command: [x]}}\n"
        ));
    }
    fs::write(tmp.path().join("pods.yaml"), &text).unwrap();
    let (r, f) = lint_dir(tmp.path(), &[]);
    assert!(r.elapsed < DEADLINE, "{:?}", r.elapsed);
    let pods = in_file(&f, "pods.yaml");
    assert!(pods.iter().all(|x| x.rule == "KX202"), "{pods:#?}");
    assert_eq!(pods.len(), 20_000);
}

/// 400 config `ignore` entries with path globs, none matching, over 8,000 findings: every glob
/// was compiled again for each finding it was tried on (2,000 entries x 40,000 findings ran for
/// more than 10 minutes), then each entry's globs were matched per finding (5.8 s). All globs are
/// now one set, compiled once per run and matched once per file (0.8 s).
#[test]
fn config_ignore_globs_are_compiled_once() {
    let tmp = scene();
    let mut cfg = String::from("ignore:\n");
    for i in 0..400 {
        cfg.push_str(&format!(
            "  - rules: [KX202]\n    paths: ['n{i}*[ab]?x{{c,d}}/**/q*.yaml']\n    reason: r\n"
        ));
    }
    fs::write(tmp.path().join(".kexit.yaml"), &cfg).unwrap();
    let mut pods = String::new();
    for i in 0..8_000 {
        pods.push_str(&format!(
            "---\napiVersion: v1\nkind: Pod\nmetadata: {{name: p{i}}}\nspec:\n  containers:\n  - {{name: c, image: a}}\n"
        ));
    }
    fs::write(tmp.path().join("pods.yaml"), &pods).unwrap();
    let r = run(tmp.path(), &["lint", "--format", "json", "."]);
    assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
    assert!(r.elapsed < DEADLINE, "{:?}", r.elapsed);
    let f = r.findings();
    assert_good(&f);
    // None of the globs matches: every Pod keeps its KX202.
    assert_eq!(
        in_file(&f, "pods.yaml")
            .iter()
            .filter(|f| f.rule == "KX202")
            .count(),
        8_000
    );
}
