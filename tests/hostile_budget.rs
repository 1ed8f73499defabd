//! Hostile inputs of issue 16, part 2: bounded work on every input (expansion budgets, linear
//! algorithms, checked size arithmetic, walk errors, memory proportional to the input). Same
//! harness as tests/hostile.rs: every run ends with a located finding, within a deadline (a hang
//! detector, not a speed test: speed is measured in release builds, see the commit messages) and
//! under an address-space limit.

#![cfg(unix)]

use std::fs;
use std::process::Command;
use std::time::Duration;

mod common;

use common::BAD_DEPLOY as GOOD;
#[path = "common/hostile.rs"]
mod harness;

use harness::*;

// ---------------------------------------------------------------------------------------------
// Expansion budget (KX011)

/// A Pod whose container `env` is `entries` (already formatted YAML list items).
fn pod_with_env(name: &str, entries: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n  containers:\n    - name: app\n      image: alpine:3.20\n      command: [\"sh\", \"-c\", \"echo hi\"]\n      resources:\n        limits: {{memory: 64Mi}}\n      env:\n{entries}"
    )
}

#[test]
fn doubling_env_chain_stops_at_the_budget() {
    let tmp = scene();
    let mut env = String::from("        - name: A0\n          value: x\n");
    for i in 1..=40 {
        env.push_str(&format!(
            "        - name: A{i}\n          value: \"$(A{p})$(A{p})\"\n",
            p = i - 1
        ));
    }
    let text = pod_with_env("doubling", &env);
    fs::write(tmp.path().join("doubling.yaml"), &text).unwrap();
    let (r, f) = lint_dir(tmp.path(), &[]);
    // Hang detector only (speed is measured in release builds).
    assert!(r.elapsed < DEADLINE, "{:?}", r.elapsed);
    // A17 = 2^17 bytes = 128 KiB fits; A18 = "$(A17)$(A17)" would be 256 KiB.
    assert_located(&f, "doubling.yaml", "KX011", line_of(&text, "$(A17)$(A17)"));
    assert_eq!(in_file(&f, "doubling.yaml").len(), 1, "{f:#?}");
    assert!(in_file(&f, "doubling.yaml")[0].message.contains("budget"));
}

#[test]
fn doubling_dockerfile_arg_and_env_stop_at_the_budget() {
    let tmp = scene();
    for (dir, kw, r) in [("arg", "ARG", "$A"), ("env", "ENV", "${A")] {
        let close = if kw == "ENV" { "}" } else { "" };
        let mut d = format!("FROM alpine:3.20\n{kw} A0=x\n");
        for i in 1..=40 {
            let p = i - 1;
            d.push_str(&format!("{kw} A{i}={r}{p}{close}{r}{p}{close}\n"));
        }
        d.push_str("CMD [\"sh\", \"-c\", \"echo $A40\"]\n");
        fs::create_dir(tmp.path().join(dir)).unwrap();
        fs::write(tmp.path().join(dir).join("Dockerfile"), &d).unwrap();
        let (_, f) = lint_dir(tmp.path(), &[]);
        let file = format!("{dir}/Dockerfile");
        assert_located(&f, &file, "KX011", line_of(&d, &format!("{kw} A18=")));
    }
}

/// A chain of 16,000 stages, each building on the one before and copying from another: stage
/// lookups are hash lookups, leaf stages computed once, and the stages past the modelling
/// budget are unknown images, with a located KX011 at the `FROM` where kexit stopped.
#[test]
fn sixteen_thousand_stages_stop_at_the_stage_budget() {
    let tmp = scene();
    let mut d = String::from("FROM alpine:3.20 AS s0\nRUN echo hi\n");
    for i in 1..16_000 {
        d.push_str(&format!(
            "FROM s{} AS s{i}\nCOPY --from=s{} /x /x{i}\n",
            i - 1,
            i / 2
        ));
    }
    d.push_str("CMD [\"/bin/sh\"]\n");
    fs::write(tmp.path().join("Dockerfile"), &d).unwrap();
    let (r, f) = lint_dir(tmp.path(), &[]);
    assert!(r.elapsed < DEADLINE, "{:?}", r.elapsed);
    let over: Vec<_> = f.iter().filter(|x| x.rule == "KX011").collect();
    assert_eq!(over.len(), 1, "{f:#?}");
    assert!(over[0].message.contains("stages"), "{f:#?}");
    let line = d.lines().nth(over[0].line as usize - 1).unwrap_or("");
    assert!(over[0].line > 2 && line.starts_with("FROM s"), "{line}");
}

#[test]
fn doubling_global_args_into_from_stop_at_the_budget() {
    let tmp = scene();
    // Global ARGs (before the first FROM) expand in order, as BuildKit expands meta-args:
    // doubled forty times and used by FROM, they stop at the budget with a located finding.
    let mut d = String::from("ARG A0=x\n");
    for i in 1..=40 {
        let p = i - 1;
        d.push_str(&format!("ARG A{i}=${{A{p}}}${{A{p}}}\n"));
    }
    d.push_str("FROM alpine:${A40}\nCMD [\"sh\", \"-c\", \"echo\"]\n");
    fs::write(tmp.path().join("Dockerfile"), &d).unwrap();
    let (_, f) = lint_dir(tmp.path(), &[]);
    assert_located(&f, "Dockerfile", "KX011", line_of(&d, "ARG A18="));
    assert!(
        f.iter().any(|x| x.message.contains("global `ARG`")),
        "{f:#?}"
    );
}

#[test]
fn sixty_thousand_linear_references() {
    let tmp = scene();
    // A chain: each value is the previous one plus 40 bytes (the whole chain would be 72 GB).
    let pad = "y".repeat(40);
    let mut env = String::from("        - name: V0\n          value: start\n");
    for i in 1..60_000 {
        env.push_str(&format!(
            "        - name: V{i}\n          value: \"$(V{}){pad}\"\n",
            i - 1
        ));
    }
    let chain = pod_with_env("chain", &env);
    fs::write(tmp.path().join("chain.yaml"), &chain).unwrap();
    // One value that references the same 100-byte variable 60,000 times (6 MB).
    let refs = "$(V)".repeat(60_000);
    let wide = pod_with_env(
        "wide",
        &format!(
            "        - name: V\n          value: {}\n        - name: W\n          value: \"{refs}\"\n",
            "v".repeat(100)
        ),
    );
    fs::write(tmp.path().join("wide.yaml"), &wide).unwrap();
    // The same in command args.
    let args = GOOD.replace(
        "[\"python app.py\"]",
        &format!(
            "[\"python\", \"{refs}\"]\n          env:\n            - {{name: V, value: {}}}",
            "v".repeat(100)
        ),
    );
    fs::write(tmp.path().join("args.yaml"), &args).unwrap();
    let (_, f) = lint_dir(tmp.path(), &[]);
    assert_eq!(
        in_file(&f, "chain.yaml")
            .iter()
            .filter(|f| f.rule == "KX011")
            .count(),
        1,
        "{:#?}",
        in_file(&f, "chain.yaml")
    );
    assert_located(&f, "wide.yaml", "KX011", line_of(&wide, "$(V)$(V)"));
    assert_located(&f, "args.yaml", "KX011", 15);
}

#[test]
fn four_mebibytes_in_all() {
    let tmp = scene();
    // 64 KiB each: every value fits, the 65th overruns the container's 4 MiB.
    let mut env = format!(
        "        - name: BIG\n          value: {}\n",
        "b".repeat(64 * 1024)
    );
    for i in 1..=100 {
        env.push_str(&format!(
            "        - name: C{i}\n          value: \"$(BIG)\"\n"
        ));
    }
    let text = pod_with_env("total", &env);
    fs::write(tmp.path().join("total.yaml"), &text).unwrap();
    let (_, f) = lint_dir(tmp.path(), &[]);
    assert_located(&f, "total.yaml", "KX011", line_of(&text, "name: C65") + 1);
}

// ---------------------------------------------------------------------------------------------
// Linear algorithms

#[test]
fn a_million_unclosed_references() {
    let tmp = scene();
    // In an env value: each unclosed `$(` used to rescan to the end of the value.
    let text = pod_with_env(
        "unclosed",
        &format!(
            "        - name: U\n          value: \"{}\"\n",
            "$(".repeat(1_000_000)
        ),
    );
    fs::write(tmp.path().join("unclosed.yaml"), &text).unwrap();
    // In command/args, a RUN line, an ENV value and a Compose command.
    let args = GOOD.replace(
        "[\"python app.py\"]",
        &format!(
            "[\"sh\", \"-c\", \"echo {}\"]\n          args: [\"{}\"]",
            "$(".repeat(200_000),
            "$(".repeat(200_000)
        ),
    );
    fs::write(tmp.path().join("args.yaml"), &args).unwrap();
    fs::create_dir(tmp.path().join("img")).unwrap();
    fs::write(
        tmp.path().join("img/Dockerfile"),
        format!(
            "FROM alpine:3.20\nRUN echo \"{}\"\nENV X=\"{}\"\nCMD [\"sh\"]\n",
            "$(".repeat(200_000),
            "${".repeat(200_000)
        ),
    )
    .unwrap();
    fs::create_dir(tmp.path().join("compose")).unwrap();
    fs::write(
        tmp.path().join("compose/compose.yaml"),
        format!(
            "services:\n  a:\n    image: alpine:3.20\n    command: \"echo {}\"\n    entrypoint: \"sh -c 'echo {}'\"\n",
            "${".repeat(200_000),
            "$(".repeat(200_000)
        ),
    )
    .unwrap();
    let (r, f) = lint_dir(tmp.path(), &[]);
    assert!(r.elapsed < DEADLINE, "{:?}", r.elapsed);
    // Still linted to the end.
    assert_located(&f, "args.yaml", "KX202", 13);
}

#[test]
fn twenty_thousand_env_lines() {
    let tmp = scene();
    let mut d = String::from("FROM python:3.12-slim\n");
    for i in 0..20_000 {
        // Every tenth line redefines the same name (replaced in place).
        if i % 10 == 0 {
            d.push_str(&format!("ENV SAME=v{i} ARG{i}=$SAME\n"));
        } else {
            d.push_str(&format!("ARG A{i}=a{i}\nENV V{i}=${{A{i}}}-$V{}\n", i - 1));
        }
    }
    // PATH set by the last ENV: the command is looked up there.
    d.push_str("ENV PATH=/nowhere\nCMD [\"python3\", \"-V\"]\n");
    fs::create_dir(tmp.path().join("img")).unwrap();
    fs::write(tmp.path().join("img/Dockerfile"), &d).unwrap();
    let (r, f) = lint_dir(tmp.path(), &[]);
    assert!(r.elapsed < DEADLINE, "{:?}", r.elapsed);
    assert!(
        in_file(&f, "img/Dockerfile")
            .iter()
            .all(|f| f.rule != "KX011"),
        "{:#?}",
        in_file(&f, "img/Dockerfile")
    );
}

// ---------------------------------------------------------------------------------------------
// Size caps: checked arithmetic, and stdin like a file

#[test]
fn max_file_size_is_parsed_with_checked_arithmetic() {
    let tmp = scene();
    for bad in [
        "18446744073709551615",
        "18446744073709551616",
        "99999999999999999999999",
        "20000P",
        "16384Pi",
        "-1",
        "1.2.3",
    ] {
        let r = run(
            tmp.path(),
            &[
                "lint",
                "--format",
                "json",
                "--no-config",
                "--max-file-size",
                bad,
                ".",
            ],
        );
        assert_eq!(r.code, 2, "--max-file-size {bad}: {}", r.stderr);
        assert!(
            r.stderr.contains(bad),
            "--max-file-size {bad}: {}",
            r.stderr
        );
        assert!(r.stdout.is_empty(), "{}", r.stdout);
    }
    // The largest cap that works, and suffixes.
    for ok in ["18446744073709551614", "10Mi", "1.5k"] {
        let (_, f) = lint_dir(tmp.path(), &["--max-file-size", ok, "."]);
        assert_good(&f);
    }
    let r = run(
        tmp.path(),
        &[
            "lint",
            "--format",
            "json",
            "--no-config",
            "--max-file-size",
            "100",
            ".",
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let f = r.findings();
    assert_located(&f, "good.yaml", "KX004", 1);
    assert!(!f.iter().any(|f| f.rule == "KX101"), "{f:#?}");
    // The same in the configuration file: a configuration error (exit 2).
    fs::write(
        tmp.path().join(".kexit.yaml"),
        "max-file-size: 18446744073709551615\n",
    )
    .unwrap();
    let r = run(tmp.path(), &["lint", "--format", "json", "."]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("too large"), "{}", r.stderr);
}

#[test]
fn stdin_over_the_cap_is_a_finding() {
    let tmp = scene();
    fs::write(tmp.path().join("piped.yaml"), GOOD.repeat(10)).unwrap();
    let bin = env!("CARGO_BIN_EXE_kexit");
    let lint = |cap: &str| {
        let out = Command::new("/bin/sh")
            .arg("-c")
            .arg(format!(
                "exec \"$0\" lint --format json --no-config --max-file-size {cap} - < piped.yaml"
            ))
            .arg(bin)
            .current_dir(tmp.path())
            .env("NO_COLOR", "1")
            .output()
            .expect("run kexit");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            elapsed: Duration::ZERO,
            peak_rss_kib: 0,
        }
    };
    // Over the cap: KX004 on <stdin>, exit 1, not a silent truncation.
    let r = lint("1k");
    assert_eq!(r.code, 1, "{}", r.stderr);
    let f = r.findings();
    assert_located(&f, "<stdin>", "KX004", 1);
    assert!(f[0].message.contains("size cap"), "{f:#?}");
    assert!(!f.iter().any(|f| f.rule == "KX101"), "{f:#?}");
    // Within the cap: linted.
    let f = lint("10Mi").findings();
    assert!(
        f.iter().any(|f| f.rule == "KX101" && f.file == "<stdin>"),
        "{f:#?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Walk errors: located findings, never a silent skip

#[test]
fn walk_errors_are_located_findings() {
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::PermissionsExt;
    let tmp = scene();
    let d = tmp.path();
    // A manifest whose name is not UTF-8.
    let name = std::ffi::OsStr::from_bytes(b"bad\xff.yaml");
    fs::write(d.join(name), GOOD).unwrap();
    // A tree deeper than PATH_MAX, built by wrapping a directory in another one 20 times (no
    // system call sees a long path; a checkout can hold such a tree).
    let seg = "d".repeat(250);
    fs::create_dir(d.join("x")).unwrap();
    fs::write(d.join("x/deep.yaml"), "a: b\n").unwrap();
    for _ in 0..20 {
        fs::create_dir(d.join("wrap")).unwrap();
        fs::rename(d.join("x"), d.join("wrap").join(&seg)).unwrap();
        fs::rename(d.join("wrap"), d.join("x")).unwrap();
    }
    fs::rename(d.join("x"), d.join(&seg)).unwrap();
    let (r, f) = lint_dir(d, &[]);
    assert_eq!(r.code, 1);
    assert!(
        f.iter()
            .any(|f| f.rule == "KX004" && f.file.starts_with("bad") && f.message.contains("UTF-8")),
        "{f:#?}"
    );
    assert!(
        f.iter().any(|f| f.rule == "KX004"
            && f.file.starts_with(&seg)
            && f.message.contains("could not be walked")
            && f.line == 1),
        "{f:#?}"
    );
    // An unreadable directory (only observable when not running as root).
    let locked = d.join("locked");
    fs::create_dir(&locked).unwrap();
    fs::write(locked.join("x.yaml"), GOOD).unwrap();
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    let enforced = fs::read_dir(&locked).is_err();
    let (r, f) = lint_dir(d, &[]);
    if enforced {
        assert_eq!(r.code, 1);
        assert!(
            f.iter()
                .any(|f| f.rule == "KX004" && f.file == "locked" && f.line == 1),
            "{f:#?}"
        );
        // Named on the command line, the directory itself fails: a usage error (exit 2).
        let r = run(
            d,
            &[
                "lint",
                "--format",
                "json",
                "--no-config",
                "locked",
                "good.yaml",
            ],
        );
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(r.stderr.contains("locked"), "{}", r.stderr);
    }
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o755)).unwrap();
}

// ---------------------------------------------------------------------------------------------
// Huge quantities

#[test]
fn huge_exponents_are_overflowing_quantities_not_millibytes() {
    let tmp = scene();
    let mut text = String::new();
    for (i, q) in ["\"1e308\"", "1E+308", "\"9e999999999\"", "20E", "1e19"]
        .iter()
        .enumerate()
    {
        text.push_str(&format!(
            "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p{i}\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      resources:\n        limits:\n          memory: {q}\n"
        ));
    }
    fs::write(tmp.path().join("huge.yaml"), &text).unwrap();
    let (_, f) = lint_dir(tmp.path(), &[]);
    let f = in_file(&f, "huge.yaml");
    assert!(!f.iter().any(|f| f.rule == "KX203"), "{f:#?}");
    for (i, _) in text.match_indices("memory:").enumerate() {
        let line = text
            .lines()
            .enumerate()
            .filter(|(_, l)| l.contains("memory:"))
            .nth(i)
            .map(|(n, _)| n as u64 + 1)
            .unwrap_or(0);
        assert!(
            f.iter()
                .any(|x| x.rule == "KX009" && x.line == line && x.message.contains("too large")),
            "line {line}: {f:#?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Memory proportional to the input (the address-space limit of `run` catches a regression)

#[test]
fn ten_megabytes_of_repeated_keys() {
    let tmp = scene();
    // Two million `a: b` lines (inside the default 10 MiB cap): one mapping, one key.
    fs::write(tmp.path().join("ab.yaml"), "a: b\n".repeat(2_000_000)).unwrap();
    let (r, f) = lint_dir(tmp.path(), &[]);
    assert!(r.elapsed < DEADLINE, "{:?}", r.elapsed);
    let dups = in_file(&f, "ab.yaml");
    // The first 100 duplicates, then one finding for the rest.
    assert_eq!(dups.len(), 101, "{:#?}", &dups[..dups.len().min(3)]);
    assert!(dups.iter().all(|f| f.rule == "KX003"));
    assert!(
        dups.iter()
            .any(|f| f.message.contains("1999899 more duplicate keys")),
        "{:#?}",
        dups.last()
    );
    assert!(
        r.stdout.len() < 1024 * 1024,
        "{} bytes of output",
        r.stdout.len()
    );
}

#[test]
fn subpath_mounts_share_a_large_projected_volume() {
    let tmp = scene();
    let mut s = String::from("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n");
    for i in 0..100_000 {
        s.push_str(&format!("  k{i}: v\n"));
    }
    s.push_str("---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: app\n          image: nginx:1.27\n          resources:\n            limits: {memory: 64Mi}\n          volumeMounts:\n");
    for i in 0..100 {
        s.push_str(&format!(
            "            - {{name: cfg, mountPath: /etc/c{i}, subPath: k{i}}}\n"
        ));
    }
    // One mount of a key the ConfigMap does not have: still found.
    s.push_str("            - {name: cfg, mountPath: /etc/missing, subPath: nope}\n");
    s.push_str("      volumes:\n        - name: cfg\n          projected:\n            sources:\n              - configMap: {name: cm}\n");
    fs::write(tmp.path().join("fanout.yaml"), &s).unwrap();
    let (r, f) = lint_dir(tmp.path(), &[]);
    assert!(r.elapsed < DEADLINE, "{:?}", r.elapsed);
    assert_located(&f, "fanout.yaml", "KX301", line_of(&s, "subPath: nope"));
}

// ---------------------------------------------------------------------------------------------
// Every file a loader reads on the side is bounded by the bytes read

#[cfg(target_os = "linux")]
#[test]
fn side_files_are_bounded_reads() {
    let tmp = scene();
    let d = tmp.path();
    // procfs says 0 bytes in stat and never ends (pagemap: 8 bytes per page of address space).
    fs::create_dir(d.join("app")).unwrap();
    std::os::unix::fs::symlink("/proc/self/pagemap", d.join("app/.env")).unwrap();
    std::os::unix::fs::symlink("/proc/self/pagemap", d.join("app/web.env")).unwrap();
    fs::write(
        d.join("app/compose.yaml"),
        "services:\n  web:\n    image: python:3.12-slim\n    command: [\"python app.py\"]\n    env_file: web.env\n",
    )
    .unwrap();
    let (r, _) = lint_dir(d, &[]);
    assert!(r.elapsed < DEADLINE, "{:?}", r.elapsed);
    // The configuration file too: refused with a message, not read.
    std::os::unix::fs::symlink("/proc/self/pagemap", d.join(".kexit.yaml")).unwrap();
    let r = run(d, &["lint", "--format", "json", "."]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("configuration file"), "{}", r.stderr);
}

/// Compose side files (`.env`, `env_file`) outside the linted tree are never read: their
/// values cannot reach any finding (here, the outside `.env` would pick the image and so decide
/// a KX103).
#[test]
fn compose_side_files_outside_the_tree_are_not_read() {
    let outside = tempfile::tempdir().expect("tempdir");
    fs::write(outside.path().join("secret.env"), "TAG=3.12-slim\n").unwrap();
    let tmp = scene();
    let d = tmp.path();
    fs::create_dir(d.join("app")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("secret.env"), d.join("app/.env")).unwrap();
    let compose = "services:\n  web:\n    image: python:${TAG}\n    command: [\"nosuchprog\"]\n    mem_limit: 1g\n";
    fs::write(d.join("app/compose.yaml"), compose).unwrap();
    fs::write(
        d.join("app/compose.override.yaml"),
        format!(
            "services:\n  web:\n    env_file: {}\n",
            outside.path().join("secret.env").display()
        ),
    )
    .unwrap();
    let (_, f) = lint_dir(d, &[]);
    assert!(
        !f.iter()
            .any(|f| f.rule == "KX103" && f.file.starts_with("app/")),
        "{f:#?}"
    );
    // Control: the same file inside the tree is read.
    fs::remove_file(d.join("app/.env")).unwrap();
    fs::write(d.join("app/.env"), "TAG=3.12-slim\n").unwrap();
    let (_, f) = lint_dir(d, &[]);
    assert_located(&f, "app/compose.yaml", "KX103", 4);
}

// ---------------------------------------------------------------------------------------------
// YAML node budget: memory bounded on a 7 MB file of `a: b` lines (about 630,000 keys)

#[test]
fn a_file_of_a_million_keys_stops_at_the_node_budget() {
    let tmp = scene();
    let mut text = String::with_capacity(8 << 20);
    let mut i = 0;
    while text.len() < 7 << 20 {
        text.push_str(&format!("a{i}: b\n"));
        i += 1;
    }
    fs::write(tmp.path().join("keys.yaml"), &text).unwrap();
    let (r, f) = lint_dir(tmp.path(), &[]);
    assert!(r.elapsed < DEADLINE, "{:?}", r.elapsed);
    // 500,000 key/value pairs are 1,000,000 nodes: kexit stops at the next key.
    assert_located(&f, "keys.yaml", "KX011", 500_001);
    let mine = in_file(&f, "keys.yaml");
    assert_eq!(mine.len(), 1, "{mine:#?}");
    assert!(mine[0].message.contains("1000000 YAML nodes"));
}

// ---------------------------------------------------------------------------------------------
// Memory: root flow collections (JSON)

#[cfg(target_os = "linux")]
#[test]
fn ten_megabytes_of_json_and_huge_flow_collections_stay_small() {
    // A flow collection that starts a document is a possible implicit key until it ends, and
    // the YAML scanner queued every token of it: a 10 MB one-line JSON List (`jq -c`) or a
    // root `[a, a, …` never closed took over a gigabyte. The List's last item is a Pod that
    // fails (KX101), so the whole file was read.
    let tmp = scene();
    let cm = |i: usize| {
        format!("{{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{{\"name\":\"c{i}\"}},\"data\":{{\"k\":\"v\"}}}}")
    };
    let mut items: Vec<String> = Vec::new();
    let mut size = 0;
    while size < 6 << 20 {
        let s = cm(items.len());
        size += s.len() + 1;
        items.push(s);
    }
    items.push("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"python:3.12-slim\",\"command\":[\"python app.py\"]}]}}".to_string());
    let json = format!(
        "{{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[{}]}}",
        items.join(",")
    );
    fs::write(tmp.path().join("list.json"), &json).unwrap();
    let (r, f) = lint_dir(tmp.path(), &[]);
    assert!(r.elapsed < DEADLINE, "{:?}", r.elapsed);
    assert_located(&f, "list.json", "KX101", 1);
    // Debug builds included (a release build takes about 55 MB; it took 1.2 GB before).
    assert_peak_under(&r, 300);

    let tmp = scene();
    fs::write(
        tmp.path().join("seq.yaml"),
        format!("[{}", "a, ".repeat(3 << 20)),
    )
    .unwrap();
    let (r, f) = lint_dir(tmp.path(), &[]);
    assert!(r.elapsed < DEADLINE, "{:?}", r.elapsed);
    // 3 Mi items: more than the node budget, so kexit stops reading (KX011).
    assert_located(&f, "seq.yaml", "KX011", 1);
    assert_peak_under(&r, 300);

    // Not a document root (a block sequence item): no `--- ` can go before it, so past a
    // mebibyte its document is not read (KX011 at the collection); the one before it is.
    let tmp = scene();
    let text = format!(
        "{}---
kind: List
items:
- [{}a]
",
        GOOD,
        "a, ".repeat(3 << 20)
    );
    fs::write(tmp.path().join("item.yaml"), &text).unwrap();
    let (r, f) = lint_dir(tmp.path(), &[]);
    assert_located(&f, "item.yaml", "KX011", line_of(&text, "- [a, a"));
    assert_located(&f, "item.yaml", "KX101", line_of(&text, "python app.py"));
    assert_peak_under(&r, 300);
}

// ---------------------------------------------------------------------------------------------
// YAML aliases of long text: the node budget counts nodes, not bytes

#[cfg(target_os = "linux")]
#[test]
fn aliases_of_a_long_string_stop_at_the_byte_budget() {
    // 3,000 aliases of one 1 MB string in a ConfigMap: a 1 MB file that built 3 GB of copies
    // (2.95 GB peak RSS) within the node budget, and nested anchors that copy their subtree once
    // per level. Both stop at the alias byte budget (KX011 at the alias); the object before
    // the file's first long alias is read.
    let tmp = scene();
    let long = "x".repeat(1_000_000);
    let mut text = format!(
        "{GOOD}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: a}}\ndata:\n  k0: &a \"{long}\"\n"
    );
    for i in 1..3000 {
        text.push_str(&format!("  k{i}: *a\n"));
    }
    fs::write(tmp.path().join("aliases.yaml"), &text).unwrap();
    let (r, f) = lint_dir(tmp.path(), &[]);
    assert!(r.elapsed < DEADLINE, "{:?}", r.elapsed);
    // 1 MiB + 2 × 1.05 MB allows the anchor's copy and two aliases: the third one stops.
    assert_located(&f, "aliases.yaml", "KX011", line_of(&text, "k3: *a"));
    assert_located(&f, "aliases.yaml", "KX101", line_of(&text, "python app.py"));
    assert_peak_under(&r, 300);

    // 100 anchors nested in one another around a 1 MB string: each definition copies it.
    let tmp = scene();
    let mut text = String::from("a0: &a0\n");
    for i in 1..100 {
        text.push_str(&format!("{}- &a{i}\n", "  ".repeat(i)));
    }
    text.push_str(&format!("{}- \"{long}\"\n", "  ".repeat(100)));
    fs::write(tmp.path().join("nested.yaml"), &text).unwrap();
    let (r, f) = lint_dir(tmp.path(), &[]);
    assert!(r.elapsed < DEADLINE, "{:?}", r.elapsed);
    assert_peak_under(&r, 300);
    assert!(
        in_file(&f, "nested.yaml").iter().all(|x| x.rule != "KX001"),
        "{f:#?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Reports: written as they are made

#[cfg(target_os = "linux")]
#[test]
fn reports_of_many_findings_are_written_as_they_are_made() {
    // 1,500 Pods of 10 `sh -c` containers: 16,500 findings. SARIF was one JSON value (about
    // 35 kB of memory a result: 3.4 GB for 98,000); the text formats and `--output` files were
    // whole strings. Each report is now written as it is made, to stdout and to a file.
    let tmp = scene();
    let mut text = String::new();
    for i in 0..1500 {
        text.push_str(&format!(
            "---\napiVersion: v1\nkind: Pod\nmetadata: {{name: p{i}}}\nspec:\n  containers:\n"
        ));
        for j in 0..10 {
            text.push_str(&format!(
                "  - {{name: c{j}, image: \"busybox:1.36\", command: [\"sh\",\"-c\",\"exec sleep {j}\"]}}\n"
            ));
        }
    }
    fs::write(tmp.path().join("pods.yaml"), &text).unwrap();
    for format in ["sarif", "human", "json"] {
        let r = run(tmp.path(), &["lint", "--format", format, "."]);
        // 1: the scene's good.yaml holds a failing manifest.
        assert_eq!(r.code, 1, "{format}: {}", trunc(&r.stderr));
        assert!(r.elapsed < DEADLINE, "{format}: {:?}", r.elapsed);
        assert!(
            r.stdout.len() > 10 << 20,
            "{format}: {} bytes",
            r.stdout.len()
        );
        assert!(
            r.peak_rss_kib < 200 * 1024,
            "{format}: {} KiB",
            r.peak_rss_kib
        );
    }
    let r = run(
        tmp.path(),
        &["lint", "--format", "sarif", "--output", "out.sarif", "."],
    );
    assert_eq!(r.code, 1, "{}", trunc(&r.stderr));
    assert_peak_under(&r, 200);
    let sarif: serde_json::Value =
        serde_json::from_slice(&fs::read(tmp.path().join("out.sarif")).unwrap()).unwrap();
    // And good.yaml's findings.
    let results = sarif["runs"][0]["results"].as_array().map_or(0, Vec::len);
    assert!(results > 16_500, "{results}");
}

// ---------------------------------------------------------------------------------------------
// Objects over the API server's request limit (KX013)

#[cfg(target_os = "linux")]
#[test]
fn an_object_over_three_mebibytes_is_refused_and_not_decoded() {
    // A Pod of 100,000 `env` entries is 3.9 MB as JSON: the API server refuses it (413), so
    // kexit reports it (KX013) and does not decode its types (95 MB for 190,000 entries). A
    // List of the same size is sent item by item: no KX013.
    let tmp = scene();
    let mut env = String::new();
    for i in 0..100_000 {
        env.push_str(&format!("        - {{name: V{i}, value: \"x{i}\"}}\n"));
    }
    let text = pod_with_env("big", &env);
    fs::write(tmp.path().join("big.yaml"), &text).unwrap();
    let mut list = String::from("apiVersion: v1\nkind: List\nitems:\n");
    for i in 0..40_000 {
        list.push_str(&format!(
            "- {{apiVersion: v1, kind: ConfigMap, metadata: {{name: c{i}}}, data: {{k: v{i}}}}}\n"
        ));
    }
    assert!(list.len() > 3 << 20);
    fs::write(tmp.path().join("list.yaml"), &list).unwrap();
    let (r, f) = lint_dir(tmp.path(), &[]);
    assert!(r.elapsed < DEADLINE, "{:?}", r.elapsed);
    assert_located(&f, "big.yaml", "KX013", line_of(&text, "name: big"));
    let big = in_file(&f, "big.yaml");
    assert!(big.iter().all(|x| x.rule != "KX005"), "{big:#?}");
    let kx013 = big.iter().find(|x| x.rule == "KX013").unwrap();
    assert!(kx013.message.contains("3145728"), "{}", kx013.message);
    assert!(in_file(&f, "list.yaml").is_empty(), "{f:#?}");
}

#[test]
fn configmaps_secrets_and_client_side_apply_have_their_own_limits() {
    // A ConfigMap of 1.1 MB of data and a Secret of 1.05 MB decoded are refused by validation
    // (KX013 error); a Secret of 1,000,000 decoded bytes is not, but at 1.3 MB of JSON it is too
    // large for client-side `kubectl apply` (KX013 warning), like a 300 kB CRD, except in a Helm
    // chart (Helm does not write the annotation). A 200 kB ConfigMap is fine.
    let tmp = scene();
    let b64 = |n: usize| {
        // Standard base64 of n bytes of `y` (0x79): "eXl5" per 3 bytes.
        assert_eq!(n % 3, 0);
        "eXl5".repeat(n / 3)
    };
    let files = [
        ("cm.yaml", format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dash\ndata:\n  a.json: \"{}\"\n", "x".repeat(1_100_000))),
        ("secret.yaml", format!("apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  k: {}\n", b64(1_050_000))),
        ("secret-ok.yaml", format!("apiVersion: v1\nkind: Secret\nmetadata:\n  name: s2\ndata:\n  k: {}\n", b64(999_999))),
        ("crd.yaml", format!("apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: big.example.com\nspec:\n  description: \"{}\"\n", "z".repeat(300_000))),
        ("chart/Chart.yaml", "apiVersion: v2\nname: c\nversion: 1.0.0\n".to_string()),
        ("chart/crds/crd.yaml", format!("apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: big.example.com\nspec:\n  description: \"{}\"\n", "z".repeat(300_000))),
        ("small.yaml", format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: small\ndata:\n  a: \"{}\"\n", "x".repeat(200_000))),
    ];
    fs::create_dir_all(tmp.path().join("chart/crds")).unwrap();
    for (name, text) in &files {
        fs::write(tmp.path().join(name), text).unwrap();
    }
    let (_, f) = lint_dir(tmp.path(), &[]);
    let kx013 = |file: &str| {
        in_file(&f, file)
            .into_iter()
            .filter(|x| x.rule == "KX013")
            .map(|x| (x.line, x.severity.clone()))
            .collect::<Vec<_>>()
    };
    let at = |sev: &str| vec![(4, sev.to_string())];
    assert_eq!(kx013("cm.yaml"), at("error"));
    assert_eq!(kx013("secret.yaml"), at("error"));
    assert_eq!(kx013("secret-ok.yaml"), at("warning"));
    assert_eq!(kx013("crd.yaml"), at("warning"));
    assert!(kx013("chart/crds/crd.yaml").is_empty());
    assert!(kx013("small.yaml").is_empty());
    assert!(in_file(&f, "cm.yaml")[0].message.contains("1100000 bytes"));
}

// ---------------------------------------------------------------------------------------------
// envFrom fan-out: one large ConfigMap read by many containers

#[cfg(target_os = "linux")]
#[test]
fn envfrom_of_a_large_configmap_is_shared_by_its_containers() {
    // 200 containers `envFrom` one ConfigMap of 100,000 keys (1.7 MB): its key map was built
    // once per container and rule, and every key copied into every container (20 million
    // variables: 41 s and 5.9 GB in a release build). Now the map is built once and the
    // containers look keys up in it. A reference to a key it holds is resolved (no KX112), one
    // to a key it does not hold is not.
    let tmp = scene();
    let mut cm = String::from("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n");
    for i in 0..100_000 {
        cm.push_str(&format!("  K{i}: v{i}\n"));
    }
    fs::write(tmp.path().join("cm.yaml"), &cm).unwrap();
    let mut pods = String::new();
    for p in 0..20 {
        pods.push_str(&format!(
            "---\napiVersion: v1\nkind: Pod\nmetadata: {{name: p{p}}}\nspec:\n  containers:\n"
        ));
        for c in 0..10 {
            pods.push_str(&format!(
                "  - name: c{c}\n    image: busybox:1.36\n    command: [\"sh\", \"-c\", \"exec sleep 1\"]\n    args: [\"$(K99999)\", \"$(NOPE{p}x{c})\"]\n    envFrom: [{{configMapRef: {{name: big}}}}]\n    resources: {{limits: {{memory: 64Mi}}}}\n"
            ));
        }
    }
    fs::write(tmp.path().join("pods.yaml"), &pods).unwrap();
    let (r, f) = lint_dir(tmp.path(), &[]);
    assert!(r.elapsed < DEADLINE, "{:?}", r.elapsed);
    assert_peak_under(&r, 300);
    let kx112: Vec<_> = in_file(&f, "pods.yaml")
        .into_iter()
        .filter(|x| x.rule == "KX112")
        .collect();
    assert_eq!(kx112.len(), 200, "{kx112:#?}");
    assert!(
        kx112.iter().all(|x| x.message.contains("NOPE")),
        "{kx112:#?}"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn a_large_configmap_volume_is_shared_by_the_pods_that_mount_it() {
    // 20 Pods mount one ConfigMap of 100,000 keys as a volume (1.8 MB): each built its own list
    // of 100,000 files (519 MB and 4.2 s in a release build; 520 MB and 8.3 s as a projected
    // volume). The list of a source without `items` is now built once per (object, mode) and
    // shared. The containers run a key of it, mounted without the exec bit (KX110), so the
    // files are still read.
    for volume in [
        "{configMap: {name: big}}",
        "{projected: {sources: [{configMap: {name: big}}]}}",
    ] {
        volume_fan_out(volume);
    }
}

fn volume_fan_out(volume: &str) {
    let tmp = scene();
    let mut text = String::from("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n");
    for i in 0..100_000 {
        text.push_str(&format!("  K{i}: v{i}\n"));
    }
    for p in 0..20 {
        text.push_str(&format!(
            "---\napiVersion: v1\nkind: Pod\nmetadata: {{name: p{p}}}\nspec:\n  volumes: [{{name: cfg, {}}}]\n  containers:\n",
            &volume[1..volume.len() - 1]
        ));
        for c in 0..10 {
            text.push_str(&format!(
                "  - {{name: c{c}, image: busybox:1.36, command: [\"/etc/cfg/K{c}\"], volumeMounts: [{{name: cfg, mountPath: /etc/cfg}}], resources: {{limits: {{memory: 64Mi}}}}}}\n"
            ));
        }
    }
    fs::write(tmp.path().join("f.yaml"), &text).unwrap();
    let (r, f) = lint_dir(tmp.path(), &[]);
    assert!(r.elapsed < DEADLINE, "{volume}: {:?}", r.elapsed);
    assert!(
        r.peak_rss_kib < 300 * 1024,
        "{volume}: {} KiB",
        r.peak_rss_kib
    );
    let kx110 = in_file(&f, "f.yaml")
        .into_iter()
        .filter(|x| x.rule == "KX110")
        .count();
    assert_eq!(kx110, 200, "{volume}");
}

#[test]
fn thousands_of_limitranges_and_quotas_in_one_namespace_are_not_quadratic() {
    // 1,500 LimitRanges, 1,500 ResourceQuotas and 2,500 Deployments in one namespace: every
    // workload checked every namespace-wide object, with path work per pair (36 s for twice
    // this in a release build). The objects that apply depend only on the workload's
    // namespace, unit and whether it names its namespace: computed once per such key. Hang
    // detector: the deadline, not a timing.
    let tmp = scene();
    let mut text = String::new();
    for i in 0..1500 {
        text.push_str(&format!(
            "---\napiVersion: v1\nkind: ResourceQuota\nmetadata: {{name: q{i}, namespace: team}}\nspec:\n  hard: {{requests.memory: {n}Gi, limits.memory: {n}Gi}}\n---\napiVersion: v1\nkind: LimitRange\nmetadata: {{name: l{i}, namespace: team}}\nspec:\n  limits: [{{type: Container, default: {{memory: 512Mi}}, defaultRequest: {{memory: 256Mi}}}}]\n",
            n = i + 1
        ));
    }
    for i in 0..2500 {
        text.push_str(&format!(
            "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: d{i}, namespace: team}}\nspec:\n  selector: {{matchLabels: {{app: d{i}}}}}\n  template:\n    metadata: {{labels: {{app: d{i}}}}}\n    spec:\n      containers: [{{name: a, image: busybox:1.36, command: [sleep, \"3600\"]}}]\n"
        ));
    }
    fs::write(tmp.path().join("ns.yaml"), &text).unwrap();
    let (r, f) = lint_dir(tmp.path(), &[]);
    assert!(r.elapsed < DEADLINE, "{:?}", r.elapsed);
    // The LimitRanges give every container a memory limit: no KX202 in the file.
    assert!(
        in_file(&f, "ns.yaml").iter().all(|x| x.rule != "KX202"),
        "{f:#?}"
    );
}

/// 3,000 LimitRanges of one namespace, each in its own directory with a Deployment in a
/// subdirectory (and 3,000 more Deployments each in a directory of its own): every workload
/// is in a unit of its own, so the defaults were computed per workload, from a check of every
/// LimitRange and a list of every name (8,000: 44 s, 1.09 GB in a release build). The
/// LimitRanges are grouped by unit once per namespace, and workloads to which the same ones
/// apply share one answer (3,000 here: 183 MB before, 40 MB after).
#[test]
fn limitranges_and_workloads_each_in_their_own_directory_are_not_quadratic() {
    let tmp = scene();
    let d = tmp.path();
    for i in 0..3000 {
        let lr = d.join(format!("a{i}"));
        fs::create_dir_all(lr.join("sub")).unwrap();
        fs::write(
            lr.join("lr.yaml"),
            format!("apiVersion: v1\nkind: LimitRange\nmetadata: {{name: l{i}, namespace: team}}\nspec:\n  limits: [{{type: Container, default: {{memory: 512Mi}}}}]\n"),
        )
        .unwrap();
        let deploy = |n: String| {
            format!("apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {n}, namespace: team}}\nspec:\n  selector: {{matchLabels: {{app: x}}}}\n  template:\n    metadata: {{labels: {{app: x}}}}\n    spec:\n      containers: [{{name: a, image: busybox:1.36, command: [sleep, \"3600\"]}}]\n")
        };
        fs::write(lr.join("sub/d.yaml"), deploy(format!("d{i}"))).unwrap();
        let other = d.join(format!("w{i}"));
        fs::create_dir(&other).unwrap();
        fs::write(other.join("d.yaml"), deploy(format!("w{i}"))).unwrap();
    }
    let (r, f) = lint_dir(d, &[]);
    assert!(r.elapsed < DEADLINE, "{:?}", r.elapsed);
    assert_peak_under(&r, 120);
    // Namespace set-up kept apart from the applications (named namespace, no project): the
    // LimitRanges give every container a memory limit, so no KX202 in namespace `team`.
    let kx202 = f
        .iter()
        .find(|x| x.rule == "KX202" && x.file != "good.yaml");
    assert!(kx202.is_none(), "{kx202:#?}");
}

/// Paths tens of thousands of components deep, made by each step that creates a path: every
/// ancestor was an entry of its own, so a path n levels deep held n²/4 bytes (30,000 levels,
/// a 63 KB Dockerfile: 900 MB each; three 60,000-level `mkdir -p` words aborted at 7.8 GB).
/// A path Linux cannot name (over PATH_MAX) is held up to its longest nameable ancestor: the
/// directories above are still modelled (`/a/a` is a directory, KX110).
#[test]
fn paths_thirty_thousand_levels_deep_hold_what_linux_can_name() {
    let tmp = scene();
    let p = format!("/{}", vec!["a"; 30_000].join("/"));
    let steps = [
        format!("RUN mkdir -p {p}"),
        format!("WORKDIR {p}"),
        format!("COPY run.sh {p}/run.sh"),
        format!("RUN ln -s /bin/sh {p}/sh"),
        format!("RUN chmod +x {p}/x"),
    ];
    for (i, step) in steps.iter().enumerate() {
        let dir = tmp.path().join(format!("d{i}"));
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("run.sh"), "#!/bin/sh\necho\n").unwrap();
        let d = format!("FROM alpine:3.20\n{step}\nCMD [\"/a/a\"]\n");
        fs::write(dir.join("Dockerfile"), d).unwrap();
    }
    let (r, f) = lint_dir(tmp.path(), &[]);
    assert!(r.elapsed < DEADLINE, "{:?}", r.elapsed);
    for i in 0..steps.len() {
        assert_located(&f, &format!("d{i}/Dockerfile"), "KX110", 3);
    }
}

/// A missed lookup of a path outside the distribution's directories scanned every path of
/// the image (is any of them the catalogue's, at that top level?): 80,000 `ln -s`, each
/// looking its link up, over 80,000 directories (2 MB) took about 75 s. Now a range of the
/// catalogue base under that top-level directory.
#[test]
fn eighty_thousand_links_over_eighty_thousand_directories_are_not_quadratic() {
    let tmp = scene();
    let n = 80_000;
    let dirs: Vec<String> = (0..n).map(|i| format!("/d{i}")).collect();
    let links: Vec<String> = (0..n).map(|i| format!("ln -s x /q{i}")).collect();
    let d = format!(
        "FROM alpine:3.20\nRUN mkdir -p {}\nRUN {}\nCMD [\"/d1\"]\n",
        dirs.join(" "),
        links.join(" && ")
    );
    fs::write(tmp.path().join("Dockerfile"), &d).unwrap();
    let (r, f) = lint_dir(tmp.path(), &[]);
    assert!(r.elapsed < DEADLINE, "{:?}", r.elapsed);
    assert_located(&f, "Dockerfile", "KX110", 4);
}

/// Long paths × stage fan-out: the stage budget counted paths, not their bytes, and not the
/// prefixes made unknown, which every stage built on `s0` copies. 100 files with 4,000-byte
/// paths, then 5,000 `FROM s0` (550 KB) held 700 MB before the path budget stopped it. Now the
/// bytes of paths are budgeted too: a located KX011 at the `FROM` where kexit stopped.
#[test]
fn long_paths_fanned_out_to_five_thousand_stages_stop_at_the_byte_budget() {
    let tmp = scene();
    let comp = "x".repeat(250);
    let files: Vec<String> = (0..100)
        .map(|i| format!("/f{i:03}{}", format!("/{comp}").repeat(15)))
        .collect();
    let mut d = format!("FROM alpine:3.20 AS s0\nRUN touch {}\n", files.join(" "));
    for i in 0..5000 {
        d.push_str(&format!("FROM s0 AS t{i}\nRUN true\n"));
    }
    fs::write(tmp.path().join("Dockerfile"), &d).unwrap();
    let (r, f) = lint_dir(tmp.path(), &[]);
    assert!(r.elapsed < DEADLINE, "{:?}", r.elapsed);
    let over: Vec<_> = f.iter().filter(|x| x.rule == "KX011").collect();
    assert_eq!(over.len(), 1, "{f:#?}");
    assert!(over[0].message.contains("MiB of paths"), "{f:#?}");
    let line = d.lines().nth(over[0].line as usize - 1).unwrap_or("");
    assert!(
        over[0].line > 2 && line.starts_with("FROM s0 AS t"),
        "{line}"
    );
}

/// Every lookup asked each prefix a step made unknown whether it covers the path: 120,000
/// `touch`es then 120,000 `ln -s` (each link looked up) in one stage (3 MB) scanned
/// 120,000 prefixes per link (30,000 of each took 4.6 s; this, about 75 s). Past a few
/// prefixes, the path's ancestors are looked up in an index of them.
#[test]
fn links_after_a_hundred_thousand_touches_do_not_scan_every_prefix() {
    let tmp = scene();
    let n = 120_000;
    let touched: Vec<String> = (0..n).map(|i| format!("/x{i}")).collect();
    let links: Vec<String> = (0..n).map(|i| format!("ln -s a /y{i}")).collect();
    let d = format!(
        "FROM alpine:3.20\nRUN mkdir -p /d1\nRUN touch {}\nRUN {}\nCMD [\"/d1\"]\n",
        touched.join(" "),
        links.join(" && ")
    );
    fs::write(tmp.path().join("Dockerfile"), &d).unwrap();
    let (r, f) = lint_dir(tmp.path(), &[]);
    assert!(r.elapsed < DEADLINE, "{:?}", r.elapsed);
    assert_located(&f, "Dockerfile", "KX110", 5);
}
