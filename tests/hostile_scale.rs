//! Hostile inputs of issue 16, part 5: work repeated per container, per service or per file
//! that the classes before did not reach (found by a probe on 2026-12-07). Each was linear per
//! item but repeated over every other item: a whole-object walk per container, a 250 KB script
//! copied and parsed per service, YAML re-parses bounded per file but not per run. The sizes are
//! chosen so that the old code would not finish within the harness's deadline in a debug build.
//! Same harness as tests/hostile.rs.

#![cfg(unix)]

use std::fs;

mod common;

#[path = "common/hostile.rs"]
mod harness;

use harness::*;

/// One Pod of 20,000 containers (0.9 MB). KX113 walked the whole object once per container
/// (30,000 containers: 13.5 s in a release build), and each container's resources were found
/// by a linear search of the pod's list.
#[test]
fn a_pod_of_many_containers_is_linear() {
    let tmp = scene();
    let mut pod =
        String::from("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n");
    for i in 0..20_000 {
        pod.push_str(&format!(
            "  - {{name: c{i}, image: a, command: [x], resources: {{limits: {{memory: 64Mi}}}}}}\n"
        ));
    }
    pod.push_str("  - {name: last, image: python:3.12-slim, command: [\"python app.py\"]}\n");
    fs::write(tmp.path().join("pod.yaml"), &pod).unwrap();
    let (r, f) = lint_dir(tmp.path(), &[]);
    assert!(r.elapsed < DEADLINE, "{:?}", r.elapsed);
    let last = pod.lines().count() as u64;
    let hits: Vec<_> = in_file(&f, "pod.yaml")
        .into_iter()
        .filter(|f| f.rule == "KX101")
        .collect();
    assert_eq!(hits.len(), 1, "{hits:#?}");
    assert_eq!(hits[0].line, last);
}

/// 2,000 Compose services built from one Dockerfile whose entrypoint is a 250 KB script: each
/// service copied the script's text and parsed it three times (39 s, 536 MB in a release
/// build). The text is shared and parsed once; its findings are reported once, in the script.
#[test]
fn a_long_entrypoint_shared_by_many_services_is_parsed_once() {
    let tmp = scene();
    let d = tmp.path().join("app");
    fs::create_dir(&d).unwrap();
    let mut script = String::from("#!/bin/sh\nset -e\n");
    for i in 0..2_800 {
        script.push_str(&format!(
            "if [ -n \"$V{i}\" ]; then echo {i} > /tmp/f{i}; cp /a/{i} /b/{i} && chmod +x /b/{i}; fi\n"
        ));
    }
    script.push_str("java -jar /app.jar\n");
    assert!(script.len() > 200_000);
    let entry = d.join("entry.sh");
    fs::write(&entry, &script).unwrap();
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(&entry, fs::Permissions::from_mode(0o755)).unwrap();
    fs::write(
        d.join("Dockerfile"),
        "FROM alpine:3.20\nCOPY entry.sh /entry.sh\nENTRYPOINT [\"/entry.sh\"]\n",
    )
    .unwrap();
    let mut compose = String::from("services:\n");
    for i in 0..2_000 {
        compose.push_str(&format!("  s{i}:\n    build: .\n    mem_limit: 64m\n"));
    }
    fs::write(d.join("compose.yaml"), &compose).unwrap();
    let (r, f) = lint_dir(tmp.path(), &[]);
    assert!(r.elapsed < DEADLINE, "{:?}", r.elapsed);
    assert_peak_under(&r, 300);
    let java = script.lines().count() as u64;
    assert_located(&f, "app/entry.sh", "KX103", java);
    assert!(f
        .iter()
        .any(|f| f.rule == "KX103" && f.message.contains("java")));
}

/// Sixteen files of 640 KB, each with 256 under-indented quoted regions that kubectl accepts
/// (`args: ["` / `echo hi` / `"]`). Each region costs a re-parse of its file; the bound was per
/// file (160 MB of parsing each: eight such files took 16 s in a release build). The run as a
/// whole now re-parses at most what one file may; the regions left are KX001 warnings.
#[test]
fn lenient_reparses_are_bounded_per_run() {
    let tmp = scene();
    let mut text = String::new();
    for k in 0..256 {
        text.push_str(&format!("k{k}:\n  args: [\"\necho hi\n\"]\n"));
        for p in 0..200 {
            text.push_str(&format!("  p{k}_{p}: v\n"));
        }
    }
    assert!(text.len() > 600_000);
    for i in 0..16 {
        fs::write(tmp.path().join(format!("x{i}.yaml")), &text).unwrap();
    }
    let (r, f) = lint_dir(tmp.path(), &[]);
    assert!(r.elapsed < DEADLINE, "{:?}", r.elapsed);
    let left: Vec<_> = f.iter().filter(|f| f.rule == "KX001").collect();
    assert!(!left.is_empty());
    assert!(left.iter().all(|f| f.severity == "warning"), "{left:#?}");
}

/// One `sh -c` string of 40,000 commands (290 KB), each not on the PATH of the image: placing
/// each command's span copied and compared the whole string (200,000 commands: 25 s in a
/// release build). The value's place in the file is worked out once per element. Each defect
/// was a finding held until the report was sorted (200,000: 486 MB); past
/// `budget::MAX_SCRIPT_FACTS` (1,000) one KX011 warning says where checking stopped.
#[test]
fn spans_of_many_commands_in_one_string() {
    let tmp = scene();
    let n = 40_000;
    let cmds: Vec<String> = (0..n).map(|i| format!("zq{i}")).collect();
    let pod = format!(
        "apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec:\n  containers:\n  - name: c\n    \
         image: debian:12\n    command:\n    - sh\n    - -c\n    - |\n      {}\n",
        cmds.join(";\n      ")
    );
    fs::write(tmp.path().join("pod.yaml"), &pod).unwrap();
    let (r, f) = lint_dir(tmp.path(), &[]);
    assert!(r.elapsed < DEADLINE, "{:?}", r.elapsed);
    let hits: Vec<_> = in_file(&f, "pod.yaml")
        .into_iter()
        .filter(|f| f.rule == "KX103")
        .collect();
    assert_eq!(hits.len(), 1000);
    // Each finding is at its own command: line 12 onwards, one per line, column 7.
    for (i, h) in hits.iter().enumerate().step_by(97) {
        assert_eq!((h.line, h.column), (12 + i as u64, 7), "{h:?}");
    }
    // Checking stopped at the next command.
    assert_located(&f, "pod.yaml", "KX011", 1012);
    assert_peak_under(&r, 200);
}

/// 20,000 relative `WORKDIR a` (40 KB): the working directory grew by two bytes a step and was
/// normalised whole at every step (quadratic), and each KX120 message quoted the previous and
/// the new directory whole (2.5 GB of output for 20,000 steps). A directory Linux cannot name
/// (`PATH_MAX`) fails the build: from there it is unknown, and messages quote paths cropped.
/// One 200 KB absolute WORKDIR followed by 10,000 `COPY`s: each resolved against it (27 s for
/// 20,000 in a release build).
#[test]
fn long_workdirs_are_not_held_nor_quoted_whole() {
    let tmp = scene();
    let d = tmp.path().join("chain");
    fs::create_dir(&d).unwrap();
    let n = 20_000;
    let df = format!(
        "FROM alpine:3.19\n{}CMD [\"./x\"]\n",
        "WORKDIR a\n".repeat(n)
    );
    fs::write(d.join("Dockerfile"), &df).unwrap();
    let e = tmp.path().join("long");
    fs::create_dir(&e).unwrap();
    let wd = "/abcdefgh".repeat(200_000 / 9);
    let df2 = format!(
        "FROM alpine:3.19\nWORKDIR {wd}\n{}CMD [\"./y\"]\n",
        "COPY x y\n".repeat(10_000)
    );
    fs::write(e.join("Dockerfile"), &df2).unwrap();
    fs::write(e.join("x"), "x").unwrap();
    let (r, f) = lint_dir(tmp.path(), &[]);
    assert!(r.elapsed < DEADLINE, "{:?}", r.elapsed);
    assert!(
        r.stdout.len() < 40 << 20,
        "{} bytes of output",
        r.stdout.len()
    );
    let kx120: Vec<_> = in_file(&f, "chain/Dockerfile")
        .into_iter()
        .filter(|f| f.rule == "KX120")
        .collect();
    assert_eq!(kx120.len(), n);
    assert!(
        kx120.iter().all(|f| f.message.len() < 1_000),
        "{:?}",
        kx120.last()
    );
    // The first steps still resolve and say where.
    assert!(
        kx120[1].message.contains("(`/a`), here to `/a/a`"),
        "{:?}",
        kx120[1]
    );
    assert!(
        kx120[n - 1].message.contains("longer than Linux can name"),
        "{:?}",
        kx120[n - 1]
    );
    // The working directory is unknown: nothing claims `./x` or `./y` is missing.
    for file in ["chain/Dockerfile", "long/Dockerfile"] {
        let errors: Vec<_> = in_file(&f, file)
            .into_iter()
            .filter(|f| f.severity == "error")
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
    }
}

/// 20,000 Compose services, each waiting for 5 others (2.5 MB): KX210 scanned every service's
/// `depends_on` for each service (14 s in a release build). The services another one awaits
/// with `service_completed_successfully` are gathered once per project.
#[test]
fn many_depends_on_are_linear() {
    let tmp = scene();
    let d = tmp.path().join("app");
    fs::create_dir(&d).unwrap();
    let n = 20_000;
    let mut compose = String::from("services:\n");
    for i in 0..n {
        let deps: Vec<String> = (1..=5).map(|j| format!("s{}", (i + j) % n)).collect();
        compose.push_str(&format!(
            "  s{i}:\n    image: alpine\n    command: [\"sh\", \"-c\", \"sleep 1; true\"]\n    depends_on: [{}]\n",
            deps.join(", ")
        ));
    }
    // A one-shot task awaited to completion is not reported; the service awaiting it is.
    compose.push_str(
        "  migrate:\n    image: alpine\n    command: [\"sh\", \"-c\", \"sleep 1; true\"]\n",
    );
    compose.push_str("  web:\n    image: alpine\n    command: [\"sh\", \"-c\", \"sleep 1; true\"]\n    depends_on:\n      migrate:\n        condition: service_completed_successfully\n");
    fs::write(d.join("compose.yaml"), &compose).unwrap();
    let (r, f) = lint_dir(tmp.path(), &[]);
    assert!(r.elapsed < DEADLINE, "{:?}", r.elapsed);
    let kx210 = |service: &str| {
        let line = line_of(&compose, &format!("  {service}:")) + 2;
        in_file(&f, "app/compose.yaml")
            .into_iter()
            .any(|f| f.rule == "KX210" && f.line == line)
    };
    assert!(
        kx210("web") && kx210("s0"),
        "{:#?}",
        in_file(&f, "app/compose.yaml").len()
    );
    assert!(!kx210("migrate"));
}

/// 20,000 undefined `$(Ui)` references in one env value and in the args (380 KB): each KX112
/// message quoted the whole value (3.8 GB of output, 3.7 GB of memory, 29 s in a release
/// build). Messages quote values cropped, and no finding text is longer than 2,048 characters.
#[test]
fn references_in_a_long_value_quote_it_cropped() {
    let tmp = scene();
    let v: Vec<String> = (0..20_000).map(|i| format!("$(U{i})")).collect();
    let v = v.join(" ");
    let pod = format!(
        "apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec:\n  containers:\n  - name: c\n    \
         image: debian:12\n    command: [app]\n    env:\n    - name: X\n      value: \"{v}\"\n    \
         args: [\"{v}\"]\n"
    );
    fs::write(tmp.path().join("pod.yaml"), &pod).unwrap();
    let (r, f) = lint_dir(tmp.path(), &[]);
    assert!(r.elapsed < DEADLINE, "{:?}", r.elapsed);
    let hits: Vec<_> = in_file(&f, "pod.yaml")
        .into_iter()
        .filter(|f| f.rule == "KX112")
        .collect();
    assert_eq!(hits.len(), 40_000);
    assert!(hits.iter().all(|h| h.message.chars().count() <= 2_048));
    assert!(
        r.stdout.len() < 60 << 20,
        "{} bytes of output",
        r.stdout.len()
    );
    // The last reference of the env value, at its own column.
    let last = hits
        .iter()
        .find(|h| h.line == 11 && h.message.starts_with("`$(U19999)`"));
    assert!(last.is_some_and(|h| h.column as usize == 15 + v.len() - "$(U19999)".len()));
}

/// A Dockerfile `ENV PATH` of 5,000 directories (30 KB) and 1,000 Compose services built from
/// it, each running its own missing command: every service searched every directory again
/// (100 KB PATH x 4,000 services: over 60 s). A PATH is prepared once per image (repeated
/// directories once), the image's answer for a name kept, and past 64 distinct directories a
/// name is unknown (KX011 says so once per service). A PATH of 120 entries but 3 distinct
/// directories is searched whole: a missing command is still an error.
#[test]
fn a_long_path_is_searched_once_and_bounded() {
    let tmp = scene();
    let long: Vec<String> = (0..5_000).map(|i| format!("/p{i}")).collect();
    let short = vec!["/usr/local/bin:/usr/bin:/bin"; 40];
    for (dir, path) in [("long", long.join(":")), ("short", short.join(":"))] {
        let d = tmp.path().join(dir);
        fs::create_dir(&d).unwrap();
        fs::write(
            d.join("Dockerfile"),
            format!("FROM alpine:3.19\nENV PATH={path}\n"),
        )
        .unwrap();
        let mut compose = String::from("services:\n");
        for i in 0..1_000 {
            compose.push_str(&format!("  s{i}:\n    build: .\n    command: [nope{i}]\n"));
        }
        fs::write(d.join("compose.yaml"), compose).unwrap();
    }
    let (r, f) = lint_dir(tmp.path(), &[]);
    assert!(r.elapsed < DEADLINE, "{:?}", r.elapsed);
    let long = in_file(&f, "long/compose.yaml");
    assert_eq!(long.len(), 1_000);
    assert!(long
        .iter()
        .all(|x| x.rule == "KX011" && x.severity == "warning"));
    let short = in_file(&f, "short/compose.yaml");
    assert_eq!(short.len(), 1_000);
    assert!(short
        .iter()
        .all(|x| x.rule == "KX103" && x.severity == "error"));
}

/// The same cap for a build-context script: 3,000 missing commands in `run.sh`, run as the
/// image's command. The first 1,000 are findings; KX011 marks the script's next command.
#[test]
fn many_defects_in_one_script_are_capped() {
    let tmp = scene();
    let d = tmp.path().join("img");
    fs::create_dir(&d).unwrap();
    fs::write(
        d.join("Dockerfile"),
        "FROM debian:12\nCOPY run.sh /run.sh\nCMD [\"/run.sh\"]\n",
    )
    .unwrap();
    let body: String = (0..3000).map(|i| format!("zq{i}\n")).collect();
    let script = d.join("run.sh");
    fs::write(&script, format!("#!/bin/sh\n{body}")).unwrap();
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(&script, fs::Permissions::from_mode(0o755)).unwrap();
    let (r, f) = lint_dir(tmp.path(), &[]);
    assert!(r.elapsed < DEADLINE, "{:?}", r.elapsed);
    let hits: Vec<_> = in_file(&f, "img/run.sh")
        .into_iter()
        .filter(|f| f.rule == "KX103")
        .collect();
    assert_eq!(hits.len(), 1000, "{:#?}", hits.last());
    assert_located(&f, "img/run.sh", "KX011", 1002);
}

/// A skaffold file requiring itself 8,000 times (`requires: - path: .`) with 8,000 artifacts
/// whose Dockerfile is not in the tree (0.5 MB): each required config walked every build again,
/// and each missing Dockerfile was canonicalised again (8,000 × 8,000: 38 s in a release
/// build). The one artifact built from `./Dockerfile` still makes it a base image: its default
/// command is not a finding, while that of an unrelated Dockerfile is.
#[test]
fn many_skaffold_requires_are_linear() {
    let tmp = scene();
    let df = "FROM alpine:3.19\nCMD [\"nothere\"]\n";
    fs::write(tmp.path().join("Dockerfile"), df).unwrap();
    let other = tmp.path().join("other");
    fs::create_dir(&other).unwrap();
    fs::write(other.join("Dockerfile"), df).unwrap();
    let mut sk = String::from("apiVersion: skaffold/v4beta6\nkind: Config\nrequires:\n");
    sk.push_str(&"- path: .\n".repeat(8_000));
    sk.push_str("build:\n  artifacts:\n");
    sk.push_str(&"  - {image: x, context: nope, requires: [{image: x}]}\n".repeat(8_000));
    sk.push_str("  - {image: x, context: .}\n");
    fs::write(tmp.path().join("skaffold.yaml"), sk).unwrap();
    let (r, f) = lint_dir(tmp.path(), &[]);
    assert!(r.elapsed < DEADLINE, "{:?}", r.elapsed);
    assert!(in_file(&f, "Dockerfile").is_empty(), "{f:#?}");
    assert_located(&f, "other/Dockerfile", "KX103", 2);
}

/// 6,000 Compose services naming a missing Dockerfile, next to 6,000 Dockerfiles (0.5 MB):
/// each service's lookup scanned every Dockerfile, normalising its path (4,000 × 4,000: 14 s
/// in a release build). The last service builds one of them and is still checked.
#[test]
fn many_built_services_find_their_dockerfile_by_path() {
    let tmp = scene();
    for i in 0..6_000 {
        fs::write(
            tmp.path().join(format!("Dockerfile.{i}")),
            "FROM alpine:3.19\n",
        )
        .unwrap();
    }
    fs::write(
        tmp.path().join("Dockerfile.last"),
        "FROM alpine:3.19\nCMD [\"nothere\"]\n",
    )
    .unwrap();
    let mut compose = String::from("services:\n");
    for i in 0..6_000 {
        compose.push_str(&format!(
            "  s{i}: {{image: i{i}, build: {{context: ., dockerfile: nope}}}}\n"
        ));
    }
    compose.push_str("  last:\n    build: {context: ., dockerfile: Dockerfile.last}\n");
    fs::write(tmp.path().join("compose.yaml"), compose).unwrap();
    let (r, f) = lint_dir(tmp.path(), &[]);
    assert!(r.elapsed < DEADLINE, "{:?}", r.elapsed);
    assert_located(&f, "Dockerfile.last", "KX103", 2);
    assert!(
        in_file(&f, "Dockerfile.last")
            .iter()
            .any(|x| x.message.contains("Compose service `last`")),
        "{f:#?}"
    );
}

/// 60,000 Helm charts, not rendered: each chart's `Chart.yaml` was found by a scan of all
/// files, the list growing by one per chart (80,000 charts: 22 s in a release build). Each
/// still gets its KX010 note, on its own `Chart.yaml`.
#[test]
fn many_unrendered_charts_are_noted_in_linear_time() {
    let tmp = scene();
    for i in 0..60_000 {
        let t = tmp.path().join(format!("{i}/templates"));
        fs::create_dir_all(&t).unwrap();
        fs::write(tmp.path().join(format!("{i}/Chart.yaml")), "name: c\n").unwrap();
        fs::write(t.join("x.yaml"), "a: 1\n").unwrap();
    }
    let (r, f) = lint_dir(tmp.path(), &[]);
    assert!(r.elapsed < DEADLINE, "{:?}", r.elapsed);
    let notes = f.iter().filter(|x| x.rule == "KX010").count();
    assert_eq!(notes, 60_000);
    assert_located(&f, "59999/Chart.yaml", "KX010", 1);
}
