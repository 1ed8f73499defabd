//! Hostile inputs of issue 16, part 3: the Compose front end. Every interpolation (the compose
//! files, `.env`, `env_file`, `include` paths) spends one budget per project and an overrun is a
//! located KX011; `extends`, `include` and override merges are linear (cycles and fan-out
//! included). Same harness as tests/hostile.rs: a deadline (a hang detector; the sizes are chosen
//! so that the old quadratic or exponential code would not finish within it) and an
//! address-space limit.

#![cfg(unix)]

use std::fs;

mod common;

#[path = "common/hostile.rs"]
mod harness;

use harness::*;

/// A service that kexit reports (KX103: `nosuchprog` is not in the image): proof that the
/// project was still read.
const REPORTED: &str =
    "    image: python:3.12-slim\n    command: [\"nosuchprog\"]\n    mem_limit: 1g\n";

#[test]
fn dotenv_doubling_chain_is_a_located_finding() {
    let tmp = scene();
    let d = tmp.path().join("app");
    fs::create_dir(&d).unwrap();
    let mut env = String::from("A0=x\n");
    for i in 1..=40 {
        env.push_str(&format!("A{i}=${{A{p}}}${{A{p}}}\n", p = i - 1));
    }
    fs::write(d.join(".env"), &env).unwrap();
    let compose = format!("services:\n  web:\n{REPORTED}    environment:\n      L: ${{A40}}\n");
    fs::write(d.join("compose.yaml"), &compose).unwrap();
    let (r, f) = lint_dir(tmp.path(), &[]);
    assert!(r.elapsed < DEADLINE, "{:?}", r.elapsed);
    // A17 = 128 KiB fits; A18 would be 256 KiB.
    assert_located(&f, "app/.env", "KX011", line_of(&env, "A18="));
    assert_located(&f, "app/compose.yaml", "KX103", 4);
}

#[test]
fn compose_file_interpolation_over_budget_is_a_located_finding() {
    let tmp = scene();
    let d = tmp.path().join("app");
    fs::create_dir(&d).unwrap();
    // Defaults nested 10,000 deep, and a value that the `.env` makes 100 KiB long used 100
    // times in one service (10 MiB in all).
    let mut nest = String::from("x");
    for _ in 0..10_000 {
        nest = format!("${{V:-{nest}}}");
    }
    fs::write(d.join(".env"), format!("BIG={}\n", "y".repeat(100 * 1024))).unwrap();
    let mut compose = format!("services:\n  web:\n{REPORTED}    environment:\n");
    for i in 0..100 {
        compose.push_str(&format!("      B{i}: ${{BIG}}${{BIG}}${{BIG}}\n"));
    }
    compose.push_str(&format!(
        "  nested:\n{REPORTED}    environment:\n      N: \"{nest}\"\n"
    ));
    fs::write(d.join("compose.yaml"), &compose).unwrap();
    let (r, f) = lint_dir(tmp.path(), &[]);
    assert!(r.elapsed < DEADLINE, "{:?}", r.elapsed);
    // 3 x 100 KiB is past one value's 128 KiB: the first one stops there.
    assert_located(&f, "app/compose.yaml", "KX011", line_of(&compose, "B0:"));
    assert_eq!(
        f.iter().filter(|f| f.rule == "KX011").count(),
        1,
        "one finding per project: {f:#?}"
    );
    // The nesting alone, in a project of its own.
    let e = tmp.path().join("nested");
    fs::create_dir(&e).unwrap();
    let c2 = format!("services:\n  n:\n{REPORTED}    environment:\n      N: \"{nest}\"\n");
    fs::write(e.join("compose.yaml"), &c2).unwrap();
    let (_, f) = lint_dir(tmp.path(), &[]);
    assert_located(&f, "nested/compose.yaml", "KX011", line_of(&c2, "N:"));
}

/// 2,000 services naming one 1 MB `env_file`: each copied the whole file (gigabytes; later
/// the copies were charged to the budget and the services past it lost the file). The file is
/// now shared: every service sees all of it, and nothing runs out.
#[test]
fn env_file_fan_out_is_bounded() {
    let tmp = scene();
    let d = tmp.path().join("app");
    fs::create_dir(&d).unwrap();
    let mut env = String::new();
    for i in 0..60_000 {
        env.push_str(&format!("VARIABLE_{i}=value{i}\n"));
    }
    // The file's last line sets PATH: a service that sees it leaves `nosuchprog` to KX117
    // (no KX103), one that does not see it gets KX103.
    env.push_str("PATH=/opt/app/bin\n");
    fs::write(d.join("big.env"), &env).unwrap();
    let mut compose = String::from("services:\n  control:\n");
    compose.push_str(REPORTED);
    for i in 0..2_000 {
        compose.push_str(&format!("  s{i}:\n{REPORTED}    env_file: big.env\n"));
    }
    fs::write(d.join("compose.yaml"), &compose).unwrap();
    let (r, f) = lint_dir(tmp.path(), &[]);
    assert!(r.elapsed < DEADLINE, "{:?}", r.elapsed);
    let f = in_file(&f, "app/compose.yaml");
    assert!(!f.iter().any(|f| f.rule == "KX011"), "{f:#?}");
    let kx103: Vec<_> = f.iter().filter(|f| f.rule == "KX103").collect();
    assert_eq!(kx103.len(), 1, "only the control service: {kx103:#?}");
    assert_eq!(kx103[0].line, 4);
    assert!(kx103[0].message.contains("nosuchprog"));
}

/// `extends` chains through another file whose services all extend each other (cycles and
/// fan-out): each service resolved the whole other file at every hop before (200^8 services).
#[test]
fn extends_cycles_and_fan_out_are_linear() {
    let tmp = scene();
    let d = tmp.path().join("app");
    fs::create_dir(&d).unwrap();
    let mut base = String::from("services:\n");
    for i in 0..200 {
        base.push_str(&format!(
            "  b{i}:\n    image: python:3.12-slim\n    extends:\n      file: base.yml\n      service: b{}\n",
            (i + 1) % 200
        ));
    }
    // A same-file cycle too.
    base.push_str("  x:\n    extends: y\n  y:\n    extends: x\n");
    fs::write(d.join("base.yml"), &base).unwrap();
    let mut compose = String::from("services:\n");
    for i in 0..2_000 {
        compose.push_str(&format!(
            "  s{i}:\n    command: [\"nosuchprog\"]\n    mem_limit: 1g\n    extends:\n      file: base.yml\n      service: b{}\n",
            i % 200
        ));
    }
    fs::write(d.join("compose.yaml"), &compose).unwrap();
    let (r, f) = lint_dir(tmp.path(), &[]);
    assert!(r.elapsed < DEADLINE, "{:?}", r.elapsed);
    // The image comes from the base: the command is checked against it.
    assert_located(&f, "app/compose.yaml", "KX103", 3);
}

/// `include` cycles and fan-out: a file that includes itself 50 times, included 50 times
/// (50^8 projects before); each file is included once per project.
#[test]
fn include_cycles_and_fan_out_are_linear() {
    let tmp = scene();
    let d = tmp.path().join("app");
    fs::create_dir(&d).unwrap();
    let mut inc = String::from("include:\n");
    for _ in 0..50 {
        inc.push_str("  - inc.yml\n  - compose.yaml\n");
    }
    let own = format!("services:\n  inc:\n{REPORTED}");
    fs::write(d.join("inc.yml"), format!("{inc}{own}")).unwrap();
    let compose = format!("{inc}services:\n  web:\n{REPORTED}");
    fs::write(d.join("compose.yaml"), &compose).unwrap();
    let (r, f) = lint_dir(tmp.path(), &[]);
    assert!(r.elapsed < DEADLINE, "{:?}", r.elapsed);
    assert_located(
        &f,
        "app/compose.yaml",
        "KX103",
        line_of(&compose, "nosuchprog"),
    );
}

/// An override file merged onto a main file of 30,000 services, each with 10 variables
/// overridden: merged by name (it was a scan of all services per service).
#[test]
fn override_merge_of_many_services_is_linear() {
    let tmp = scene();
    let d = tmp.path().join("app");
    fs::create_dir(&d).unwrap();
    let mut main = String::from("services:\n");
    let mut over = String::from("services:\n");
    for i in 0..30_000 {
        main.push_str(&format!("  s{i}:\n    image: python:3.12-slim\n    mem_limit: 1g\n    environment: {{A: 1, B: 2}}\n"));
        over.push_str(&format!(
            "  s{i}:\n    command: [\"nosuchprog\"]\n    environment: {{B: 3, C: 4}}\n"
        ));
    }
    fs::write(d.join("compose.yaml"), &main).unwrap();
    fs::write(d.join("compose.override.yaml"), &over).unwrap();
    let (r, f) = lint_dir(tmp.path(), &[]);
    assert!(r.elapsed < DEADLINE, "{:?}", r.elapsed);
    assert_located(&f, "app/compose.override.yaml", "KX103", 3);
}

/// `build.args` changing the first of 50,000 global ARGs that each refer to the one before:
/// whether the change reaches the `FROM` is one pass over the ARGs (a rescan of the changed
/// names per ARG would be quadratic).
#[test]
fn build_args_through_a_long_global_arg_chain_are_linear() {
    let tmp = scene();
    let d = tmp.path().join("app");
    fs::create_dir_all(d.join("api")).unwrap();
    let mut df = String::from("ARG A0=gcr.io/distroless\n");
    for i in 1..50_000 {
        df.push_str(&format!("ARG A{i}=${{A{}}}\n", i - 1));
    }
    df.push_str("FROM ${A49999}/static-debian12\nCMD [\"sh\", \"-c\", \"exec app\"]\n");
    fs::write(d.join("api/Dockerfile"), &df).unwrap();
    let compose = "services:\n  api:\n    build:\n      context: ./api\n      args:\n        A0: registry.example.com/mirror\n";
    fs::write(d.join("compose.yaml"), compose).unwrap();
    let (r, f) = lint_dir(tmp.path(), &[]);
    assert!(r.elapsed < DEADLINE, "{:?}", r.elapsed);
    // The service does not run the defaults (distroless: no shell): a warning, not an error.
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let kx105: Vec<&serde_json::Value> = v["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["rule"] == "KX105")
        .collect();
    assert!(
        !kx105.is_empty() && kx105.iter().all(|f| f["severity"] == "warning"),
        "{kx105:#?} {f:#?}"
    );
}

/// One base of many `environment` entries and volumes extended by many services: each
/// extending service re-read and deep-copied the base (2,000 entries and 2,000 services:
/// 1.8 GB, 21 s in a release build); resolved once and shared, services that set an entry
/// of their own still copied it (1.3 GB), and the process model gave each service its own
/// environment and binds. Now each definition's entries are one shared part (`load_tests` in
/// src/compose checks the sharing): memory follows the input.
#[test]
fn extends_fan_out_shares_the_base() {
    let tmp = scene();
    let d = tmp.path().join("app");
    fs::create_dir(&d).unwrap();
    let n = 2000;
    let mut compose = String::from(
        "services:\n  base:\n    image: python:3.12-slim\n    mem_limit: 1g\n    environment:\n",
    );
    for i in 0..n {
        compose.push_str(&format!("      E{i}: v{i}\n"));
    }
    compose.push_str("    volumes:\n");
    for i in 0..n {
        compose.push_str(&format!("      - ./v{i}:/v{i}\n"));
    }
    // Half change none of the base's lists, half set an entry and a volume of their own.
    for i in 0..n {
        compose.push_str(&format!("  s{i}:\n    extends: base\n"));
        if i % 2 == 1 {
            compose.push_str(&format!(
                "    environment:\n      OWN{i}: x\n    volumes:\n      - ./own:/own{i}\n"
            ));
        }
    }
    // One that changes the base: an entry of its own; its command is checked against
    // the image it inherits.
    compose.push_str("  last:\n    extends: base\n    command: [\"nosuchprog\"]\n    environment:\n      E0: changed\n");
    fs::write(d.join("compose.yaml"), &compose).unwrap();
    let (r, f) = lint_dir(tmp.path(), &[]);
    assert!(r.elapsed < DEADLINE, "{:?}", r.elapsed);
    assert_peak_under(&r, 200);
    assert_located(
        &f,
        "app/compose.yaml",
        "KX103",
        line_of(&compose, "nosuchprog"),
    );
}

/// 200 services bind-mount an empty directory over `/usr/local/bin`, under a 118 KB
/// `.gitignore`: for every command looked up there the `.gitignore` was read and compiled
/// again (a missing path may be a build output git ignores: 13 s in a release build). Each
/// directory's `.gitignore` is now compiled once per run; the commands are still missing.
#[test]
fn gitignore_behind_bind_mounts_is_compiled_once() {
    let tmp = scene();
    let d = tmp.path().join("app");
    fs::create_dir_all(d.join("bin")).unwrap();
    let gi: String = (0..5000)
        .map(|i| format!("*.ext{i}\n/dir{i}/**/x\n"))
        .collect();
    fs::write(d.join(".gitignore"), gi).unwrap();
    let mut compose = String::from("services:\n");
    for i in 0..200 {
        compose.push_str(&format!(
            "  s{i}:\n    image: alpine:3.19\n    volumes: [./bin:/usr/local/bin]\n    command: [zqc{i}]\n"
        ));
    }
    fs::write(d.join("compose.yaml"), &compose).unwrap();
    let (r, f) = lint_dir(tmp.path(), &[]);
    assert!(r.elapsed < DEADLINE, "{:?}", r.elapsed);
    let missing: Vec<_> = in_file(&f, "app/compose.yaml")
        .into_iter()
        .filter(|f| f.rule == "KX103" && f.severity == "error")
        .collect();
    assert_eq!(missing.len(), 200, "{:#?}", missing.first());
}
