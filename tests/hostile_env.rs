//! Hostile inputs of issue 16, part 6: a container environment looked up once per `$(VAR)`
//! reference or defined once per entry, where each lookup or definition scanned a list the
//! input makes long (found by a probe on 2026-12-14): the prefixes of `envFrom` sources whose
//! keys kexit does not know, the names of optional references to unknown objects, the
//! `envFrom` sources kept whole. Each is now a search. The sizes are chosen so that the old
//! scans (billions of string comparisons) would not finish within the harness's deadline in a
//! debug build. Same harness as tests/hostile.rs.

#![cfg(unix)]

use std::fs;

mod common;

#[path = "common/hostile.rs"]
mod harness;

use harness::*;

fn pod(env: &str, args: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: alpine:3.20\n    command: [sh]\n    resources: {{limits: {{memory: 64Mi}}}}\n{env}    args: [{args}]\n"
    )
}

/// Write `text` as `pod.yaml` in `dir` and lint the tree within the deadline.
fn lint_pod(dir: &std::path::Path, text: &str) -> Vec<F> {
    fs::write(dir.join("pod.yaml"), text).unwrap();
    let (r, f) = lint_dir(dir, &[]);
    assert!(r.elapsed < DEADLINE, "{:?}", r.elapsed);
    f
}

/// The one KX112 finding of `pod.yaml` is the reference to `$(NOPE)`.
fn only_nope_is_undefined(f: &[F]) {
    let hits = undefined(f);
    assert_eq!(hits.len(), 1, "{hits:#?}");
    assert!(hits[0].message.contains("$(NOPE)"), "{hits:#?}");
}

/// KX112 findings of `pod.yaml`, by the name in their message.
fn undefined(f: &[F]) -> Vec<&F> {
    in_file(f, "pod.yaml")
        .into_iter()
        .filter(|f| f.rule == "KX112")
        .collect()
}

/// 20,000 `envFrom` sources on a ConfigMap outside the tree, each under its own prefix, and
/// 40,000 references to a name under the last prefix: every lookup tried every prefix
/// (40,000 × 80,000 in a release build: 8.6 s). Now one ordered search of the prefixes.
#[test]
fn many_open_envfrom_prefixes() {
    let tmp = scene();
    let n = 20_000;
    let sources: Vec<String> = (0..n)
        .map(|i| format!("{{configMapRef: {{name: elsewhere}}, prefix: P{i}_}}"))
        .collect();
    let env = format!("    envFrom: [{}]\n", sources.join(","));
    let mut refs: Vec<String> = (0..2 * n)
        .map(|i| format!("\"$(P{}_X{i})\"", n - 1))
        .collect();
    refs.push("\"$(NOPE)\"".into());
    let text = pod(&env, &refs.join(","));
    let f = lint_pod(tmp.path(), &text);
    let hits = undefined(&f);
    assert_eq!(hits.len(), 1, "{:#?}", &hits[..hits.len().min(3)]);
    assert!(hits[0].message.contains("$(NOPE)"), "{hits:#?}");
    assert_located(&f, "pod.yaml", "KX112", line_of(&text, "$(NOPE)"));
}

/// 40,000 optional references to a ConfigMap outside the tree (maybe defined), then 40,000
/// plain entries: each optional entry searched the list of the ones before it, and each plain
/// entry removed its name from it (40,000 + 40,000 in a release build: 3.7 s, 4.4 times as
/// long for each doubling). Now a set.
#[test]
fn many_optional_references_then_many_entries() {
    let tmp = scene();
    let n = 40_000;
    let mut env = String::from("    env:\n");
    for i in 0..n {
        env.push_str(&format!(
            "    - {{name: M{i}, valueFrom: {{configMapKeyRef: {{name: elsewhere, key: k, optional: true}}}}}}\n"
        ));
    }
    for i in 0..n {
        env.push_str(&format!("    - {{name: D{i}, value: x}}\n"));
    }
    let text = pod(&env, "\"$(M7)\", \"$(D7)\", \"$(NOPE)\"");
    let f = lint_pod(tmp.path(), &text);
    only_nope_is_undefined(&f);
    assert_located(&f, "pod.yaml", "KX112", line_of(&text, "$(NOPE)"));
}

/// A ConfigMap of 1,100 keys (so that the sources are kept whole, not copied) read by 20,000
/// `envFrom` entries under their own prefixes and by 10,000 under none, then one source of
/// unknown keys; 40,000 references to keys under the first prefix. Every lookup tried every
/// source (10,000 × 20,000 in a release build: 2.4 s). Now only the sources whose prefix starts
/// the name, each object once per prefix.
#[test]
fn many_layered_envfrom_sources() {
    let tmp = scene();
    let keys = 1_100;
    let mut cm = String::from("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n");
    for k in 0..keys {
        cm.push_str(&format!("  k{k}: v{k}\n"));
    }
    let mut sources: Vec<String> = (0..20_000)
        .map(|i| format!("{{configMapRef: {{name: big}}, prefix: P{i}_}}"))
        .collect();
    sources.extend((0..10_000).map(|_| "{configMapRef: {name: big}}".to_string()));
    sources.push("{configMapRef: {name: elsewhere}, prefix: Q}".into());
    let env = format!("    envFrom: [{}]\n", sources.join(","));
    let mut refs: Vec<String> = (0..40_000)
        .map(|i| format!("\"$(P0_k{})\"", i % keys))
        .collect();
    refs.extend(["\"$(QX)\"".into(), "\"$(k5)\"".into(), "\"$(NOPE)\"".into()]);
    let text = format!("{cm}---\n{}", pod(&env, &refs.join(",")));
    let f = lint_pod(tmp.path(), &text);
    only_nope_is_undefined(&f);
    assert_located(&f, "pod.yaml", "KX112", line_of(&text, "$(NOPE)"));
}

/// 20,000 ConfigMaps of one key each in the tree, all read by one container under no prefix
/// (so that the sources are kept whole), and 40,000 references to names none of them defines:
/// each lookup tried every object (20,000 × 40,000 in a release build: 41 s). Past 256 objects
/// under one prefix the rest are taken as sources of unknown keys (a name under the prefix
/// may be defined: nothing is claimed undefined) and one KX011 warning says where.
#[test]
fn many_distinct_objects_under_one_prefix() {
    let tmp = scene();
    let n = 20_000;
    let mut text = String::new();
    for i in 0..n {
        text.push_str(&format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: cm{i}}}\ndata: {{K{i}: v}}\n---\n"
        ));
    }
    let sources: Vec<String> = (0..n)
        .map(|i| format!("{{configMapRef: {{name: cm{i}}}}}"))
        .collect();
    let env = format!("    envFrom: [{}]\n", sources.join(","));
    let refs: Vec<String> = (0..2 * n).map(|i| format!("\"$(U{i})\"")).collect();
    text.push_str(&pod(&env, &refs.join(",")));
    let f = lint_pod(tmp.path(), &text);
    assert!(undefined(&f).is_empty(), "{:#?}", undefined(&f).first());
    // At the 257th source.
    let at = line_of(&text, "{configMapRef: {name: cm256}}");
    assert_located(&f, "pod.yaml", "KX011", at);
    let w = in_file(&f, "pod.yaml");
    let kx011 = w.iter().find(|f| f.rule == "KX011").unwrap();
    let column = text
        .lines()
        .nth(at as usize - 1)
        .unwrap()
        .find("{configMapRef: {name: cm256}}");
    assert_eq!(Some(kx011.column as usize - 1), column, "{kx011:?}");
}

/// The same 20,000 ConfigMaps, each named twice: an object past the cap was looked up again
/// when named a second time, so the cap held nothing back (25.8 s in a release build). It
/// stays past the cap.
#[test]
fn objects_past_the_prefix_cap_stay_past_it_when_named_again() {
    let tmp = scene();
    let n = 20_000;
    let mut text = String::new();
    for i in 0..n {
        text.push_str(&format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: cm{i}}}\ndata: {{K{i}: v}}\n---\n"
        ));
    }
    let sources: Vec<String> = (0..2 * n)
        .map(|i| format!("{{configMapRef: {{name: cm{}}}}}", i % n))
        .collect();
    let env = format!("    envFrom: [{}]\n", sources.join(","));
    let refs: Vec<String> = (0..2 * n).map(|i| format!("\"$(U{i})\"")).collect();
    text.push_str(&pod(&env, &refs.join(",")));
    let f = lint_pod(tmp.path(), &text);
    assert!(undefined(&f).is_empty(), "{:#?}", undefined(&f).first());
    assert_located(
        &f,
        "pod.yaml",
        "KX011",
        line_of(&text, "{configMapRef: {name: cm256}}"),
    );
}

/// One ConfigMap of 1,000 keys in the tree (copied into the environment), then 50,000
/// sources on ConfigMaps outside it: each source of unknown keys scanned every variable
/// defined before it, and KX305's list of the missing objects reported so far was searched
/// for each (9.3 s in a release build). A value defined before a source of unknown keys of
/// its prefix is unknown; one defined after is known.
#[test]
fn many_open_sources_after_copied_keys() {
    let tmp = scene();
    let keys: Vec<String> = (0..1000).map(|i| format!("K{i}: v{i}")).collect();
    let mut text = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: big}}\ndata: {{{}}}\n---\n",
        keys.join(", ")
    );
    let mut sources = vec!["{configMapRef: {name: big}}".to_string()];
    sources
        .extend((0..50_000).map(|i| format!("{{configMapRef: {{name: ext{i}}}, prefix: X{i}}}")));
    let env = format!("    envFrom: [{}]\n", sources.join(","));
    text.push_str(&pod(&env, "\"$(K5)\", \"$(NOPE)\""));
    let f = lint_pod(tmp.path(), &text);
    only_nope_is_undefined(&f);
}

/// One ConfigMap name defined 20,000 times in one directory and read from 1,000 others: each
/// reading directory's lookup copied every definition (after comparing each one's
/// directory), 1.6 GB; 50,000 × 2,000 (3.3 MB) ended in an allocation failure. The
/// definitions are grouped by directory once per name, and the directories without one share
/// one lookup.
#[test]
fn one_name_defined_many_times_read_from_many_directories() {
    let tmp = scene();
    let d = tmp.path();
    fs::create_dir(d.join("cms")).unwrap();
    let cm = "---\n{apiVersion: v1, kind: ConfigMap, metadata: {name: cm}, data: {k: v}}\n";
    fs::write(d.join("cms/cm.yaml"), cm.repeat(20_000)).unwrap();
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: nginx:1.25, resources: {limits: {memory: 64Mi}}, command: [\"$(k)\", \"$(NOPE)\"], envFrom: [{configMapRef: {name: cm}}]}]}\n";
    for i in 0..1000 {
        let sub = d.join(format!("a{i}"));
        fs::create_dir(&sub).unwrap();
        fs::write(sub.join("p.yaml"), pod).unwrap();
    }
    // One reader next to the definitions: its keys are known there.
    fs::write(d.join("cms/p.yaml"), pod).unwrap();
    let (r, f) = lint_dir(d, &[]);
    assert!(r.elapsed < DEADLINE, "{:?}", r.elapsed);
    assert_peak_under(&r, 300);
    // Next to the definitions `$(NOPE)` is undefined; elsewhere the keys are not trusted.
    assert_located(&f, "cms/p.yaml", "KX112", 4);
    assert!(
        !f.iter()
            .any(|f| f.rule == "KX112" && f.file != "cms/p.yaml"),
        "{f:#?}"
    );
}
