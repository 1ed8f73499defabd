//! Hostile inputs: every one must end in a located finding (or a clean skip) within a bounded
//! time and memory, without stopping the other files from being linted.
//!
//! The inputs are generated at test time into a temp dir (nothing huge is committed). Each case
//! puts a good manifest with a known finding (`good.yaml`, KX101 at 15:21) next to the hostile
//! file and checks it is still reported. The binary runs as a child process with a deadline (a
//! hang fails the test instead of hanging CI) and, on Linux, under an address-space limit
//! (`ulimit -v`), so runaway memory fails it too.

#![cfg(unix)]

use std::fs;
use std::path::Path;
use std::process::Command;

mod common;

use common::BAD_DEPLOY as GOOD;
#[path = "common/hostile.rs"]
mod harness;

use harness::*;

// ---------------------------------------------------------------------------------------------
// YAML bombs and nesting

#[test]
fn billion_laughs() {
    let tmp = scene();
    let mut s = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let names = ["b", "c", "d", "e", "f", "g", "h", "i"];
    let mut prev = "a";
    for n in names {
        s.push_str(&format!(
            "{n}: &{n} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
        ));
        prev = n;
    }
    fs::write(tmp.path().join("bomb.yaml"), &s).unwrap();
    // The same as a Kubernetes object: the bomb inside a ConfigMap's data.
    let obj = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lol\ndata:\n  {}",
        s.replace('\n', "\n  ")
    );
    fs::write(tmp.path().join("bomb-cm.yaml"), obj).unwrap();
    let (_, f) = lint_dir(tmp.path(), &[]);
    assert!(
        in_file(&f, "bomb.yaml").iter().any(|f| f.rule == "KX001"),
        "{f:#?}"
    );
    assert!(
        in_file(&f, "bomb-cm.yaml")
            .iter()
            .any(|f| f.rule == "KX001"),
        "{f:#?}"
    );
}

#[test]
fn merge_key_bomb() {
    let tmp = scene();
    let mut s = String::from("a0: &a0 {k: v, l: w}\n");
    for i in 1..40 {
        s.push_str(&format!(
            "a{i}: &a{i}\n  <<: [*a{}, *a{}]\n  x{i}: y\n",
            i - 1,
            i - 1
        ));
    }
    fs::write(tmp.path().join("merge.yaml"), &s).unwrap();
    let (r, _) = lint_dir(tmp.path(), &[]);
    assert!(r.elapsed < DEADLINE);
}

#[test]
fn deep_block_nesting() {
    let tmp = scene();
    // 100,000 nested block sequences on one line: `- - - … x`.
    let s = format!("{}x\n", "- ".repeat(100_000));
    fs::write(tmp.path().join("deep-block.yaml"), s).unwrap();
    // Block mappings nested by indentation (2,000 levels: the text grows quadratically).
    let mut m = String::new();
    for i in 0..2000 {
        m.push_str(&" ".repeat(i));
        m.push_str("k:\n");
    }
    fs::write(tmp.path().join("deep-map.yaml"), m).unwrap();
    let (_, f) = lint_dir(tmp.path(), &[]);
    assert_located(&f, "deep-block.yaml", "KX001", 1);
    assert!(
        in_file(&f, "deep-map.yaml")
            .iter()
            .any(|f| f.rule == "KX001"),
        "{f:#?}"
    );
}

#[test]
fn deep_flow_nesting() {
    let tmp = scene();
    let n = 100_000;
    fs::write(
        tmp.path().join("deep-seq.yaml"),
        format!("{}{}\n", "[".repeat(n), "]".repeat(n)),
    )
    .unwrap();
    fs::write(
        tmp.path().join("deep-map.yaml"),
        format!("{}x{}\n", "{a: ".repeat(n), "}".repeat(n)),
    )
    .unwrap();
    // Unclosed: the parser must stop, not recurse.
    fs::write(tmp.path().join("deep-open.yaml"), "[".repeat(n)).unwrap();
    // The same nesting in a .json file that looks like an object.
    fs::write(
        tmp.path().join("deep.json"),
        format!(
            "{{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"data\":{}{}}}",
            "[".repeat(n),
            "]".repeat(n)
        ),
    )
    .unwrap();
    let (_, f) = lint_dir(tmp.path(), &[]);
    assert_located(&f, "deep-seq.yaml", "KX001", 1);
    assert_located(&f, "deep-map.yaml", "KX001", 1);
    assert_located(&f, "deep-open.yaml", "KX001", 1);
}

// ---------------------------------------------------------------------------------------------
// Size

#[test]
fn fifty_megabyte_single_line() {
    let tmp = scene();
    let mut s = String::with_capacity(50 * 1024 * 1024 + 16);
    s.push_str("data: ");
    while s.len() < 50 * 1024 * 1024 {
        s.push_str("abcdefghijklmnopqrstuvwxyz0123456789");
    }
    s.push('\n');
    fs::write(tmp.path().join("huge.yaml"), &s).unwrap();
    // Over the default 10 MiB cap: a located finding, the file is not read.
    let (r, f) = lint_dir(tmp.path(), &[]);
    assert_located(&f, "huge.yaml", "KX004", 1);
    assert!(f.iter().any(|f| f.message.contains("size cap")), "{f:#?}");
    // Bounded by the hang DEADLINE only: speed is measured in benches/, never in timed tests.
    assert!(r.elapsed < DEADLINE, "{:?}", r.elapsed);
    // Cap raised: read and parsed, and still fast.
    let (r, f) = lint_dir(tmp.path(), &["--max-file-size", "100000000", "."]);
    assert!(in_file(&f, "huge.yaml").is_empty(), "{f:#?}");
    assert!(r.elapsed < DEADLINE, "{:?}", r.elapsed);
    // A cap in the configuration file works the same way.
    fs::write(tmp.path().join(".kexit.yaml"), "max-file-size: 1Mi\n").unwrap();
    let r = run(tmp.path(), &["lint", "--format", "json", "."]);
    let f = r.findings();
    assert_good(&f);
    assert_located(&f, "huge.yaml", "KX004", 1);
}

#[test]
fn ten_thousand_documents() {
    let tmp = scene();
    let mut s = String::new();
    for i in 0..10_000 {
        s.push_str(&format!(
            "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm{i}\ndata:\n  k: v{i}\n"
        ));
    }
    // The last document has a known finding.
    let last_line = s.lines().count() as u64 + 16;
    s.push_str("---\n");
    s.push_str(GOOD);
    fs::write(tmp.path().join("many.yaml"), &s).unwrap();
    let (_, f) = lint_dir(tmp.path(), &[]);
    assert_located(&f, "many.yaml", "KX101", last_line);
    // Empty documents only.
    fs::write(tmp.path().join("empty-docs.yaml"), "---\n".repeat(100_000)).unwrap();
    lint_dir(tmp.path(), &[]);
}

#[test]
fn megabyte_keys_and_long_lines() {
    let tmp = scene();
    let key = "k".repeat(1024 * 1024);
    fs::write(
        tmp.path().join("bigkey.yaml"),
        format!("{key}: 1\n{key}: 2\n\"{key}\": 3\n? {key}\n: 4\n"),
    )
    .unwrap();
    // A 100 KB command line in a container: still linted.
    let arg = "x".repeat(100 * 1024);
    let long = GOOD.replace(
        "[\"python app.py\"]",
        &format!("[\"python app.py\", \"{arg}\"]"),
    );
    fs::write(tmp.path().join("longline.yaml"), long).unwrap();
    // 1,000 lines of 100 KB of plain text in a ConfigMap.
    let mut cm =
        String::from("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  big: |\n");
    for _ in 0..100 {
        cm.push_str("    ");
        cm.push_str(&"y".repeat(100 * 1024));
        cm.push('\n');
    }
    fs::write(tmp.path().join("bigcm.yaml"), cm).unwrap();
    let (_, f) = lint_dir(tmp.path(), &[]);
    assert_located(&f, "longline.yaml", "KX101", 15);
    assert!(!in_file(&f, "bigkey.yaml").is_empty(), "{f:#?}");
}

// ---------------------------------------------------------------------------------------------
// Encodings and binary data

#[test]
fn binary_files() {
    let tmp = scene();
    let mut bin: Vec<u8> = Vec::with_capacity(1 << 20);
    let mut x: u32 = 12345;
    for _ in 0..(1 << 20) {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        bin.push((x >> 16) as u8);
    }
    fs::write(tmp.path().join("blob.yaml"), &bin).unwrap();
    fs::create_dir(tmp.path().join("svc")).unwrap();
    fs::write(tmp.path().join("svc/Dockerfile"), &bin).unwrap();
    // An ELF-like header with NUL bytes.
    let mut elf = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0".to_vec();
    elf.extend_from_slice(&bin[..4096]);
    fs::write(tmp.path().join("elf.yml"), &elf).unwrap();
    let (_, f) = lint_dir(tmp.path(), &[]);
    assert_located(&f, "blob.yaml", "KX004", 1);
    assert_located(&f, "svc/Dockerfile", "KX004", 1);
    assert_located(&f, "elf.yml", "KX004", 1);
}

#[test]
fn invalid_utf8_and_nul_bytes() {
    let tmp = scene();
    let mut bad = GOOD.as_bytes().to_vec();
    bad.extend_from_slice(b"# caf\xe9\n");
    fs::write(tmp.path().join("latin1.yaml"), &bad).unwrap();
    let mut nul = GOOD.as_bytes().to_vec();
    nul.extend_from_slice(b"# \0\n");
    fs::write(tmp.path().join("nul.yaml"), &nul).unwrap();
    fs::write(
        tmp.path().join("Dockerfile"),
        b"FROM alpine\nRUN echo \xff\xfe\n",
    )
    .unwrap();
    // Truncated multi-byte sequence at the very end.
    let mut cut = GOOD.as_bytes().to_vec();
    cut.extend_from_slice("# é".as_bytes().split_last().map(|(_, r)| r).unwrap_or(&[]));
    fs::write(tmp.path().join("cut.yaml"), &cut).unwrap();
    let (_, f) = lint_dir(tmp.path(), &[]);
    for file in ["latin1.yaml", "nul.yaml", "Dockerfile", "cut.yaml"] {
        assert_located(&f, file, "KX004", 1);
    }
}

#[test]
fn utf16_with_bom_is_decoded() {
    let tmp = scene();
    let mut le = vec![0xFF, 0xFE];
    let mut be = vec![0xFE, 0xFF];
    for u in GOOD.encode_utf16() {
        le.extend_from_slice(&u.to_le_bytes());
        be.extend_from_slice(&u.to_be_bytes());
    }
    fs::write(tmp.path().join("le.yaml"), &le).unwrap();
    fs::write(tmp.path().join("be.yaml"), &be).unwrap();
    // Odd length and an unpaired surrogate.
    let mut odd = le.clone();
    odd.push(0x41);
    fs::write(tmp.path().join("odd.yaml"), &odd).unwrap();
    let mut lone = vec![0xFF, 0xFE];
    lone.extend_from_slice(&0xD800u16.to_le_bytes());
    lone.extend_from_slice(&u16::from(b'a').to_le_bytes());
    fs::write(tmp.path().join("lone.yaml"), &lone).unwrap();
    // A UTF-8 BOM.
    fs::write(tmp.path().join("bom8.yaml"), format!("\u{feff}{GOOD}")).unwrap();
    let (_, f) = lint_dir(tmp.path(), &[]);
    assert_located(&f, "le.yaml", "KX101", 15);
    assert_located(&f, "be.yaml", "KX101", 15);
    assert_located(&f, "bom8.yaml", "KX101", 15);
    assert!(!in_file(&f, "lone.yaml").is_empty(), "{f:#?}");
    assert!(!in_file(&f, "odd.yaml").is_empty(), "{f:#?}");
}

#[test]
fn crlf_and_mixed_line_endings() {
    let tmp = scene();
    fs::write(tmp.path().join("crlf.yaml"), GOOD.replace('\n', "\r\n")).unwrap();
    // Mixed: alternate LF and CRLF.
    let mixed: String = GOOD
        .split_inclusive('\n')
        .enumerate()
        .map(|(i, l)| {
            if i % 2 == 0 {
                l.replace('\n', "\r\n")
            } else {
                l.to_string()
            }
        })
        .collect();
    fs::write(tmp.path().join("mixed.yaml"), mixed).unwrap();
    // Old Mac line ends (lone CR) and a stray CR in the middle of a line.
    fs::write(tmp.path().join("cr.yaml"), GOOD.replace('\n', "\r")).unwrap();
    fs::write(tmp.path().join("stray.yaml"), "a: b\rc\nd: \r\r\n").unwrap();
    fs::create_dir(tmp.path().join("img")).unwrap();
    fs::write(
        tmp.path().join("img/Dockerfile"),
        "FROM alpine:3.20\r\nRUN apk add \\\r\n  bash\r\nCMD [\"sh\"]\r\n",
    )
    .unwrap();
    let (_, f) = lint_dir(tmp.path(), &[]);
    assert_located(&f, "crlf.yaml", "KX101", 15);
    assert_located(&f, "mixed.yaml", "KX101", 15);
    for h in in_file(&f, "crlf.yaml") {
        if h.rule == "KX101" {
            assert_eq!(h.column, 21, "{h:#?}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// File system oddities

#[test]
fn unreadable_paths_are_skipped_or_reported() {
    let tmp = scene();
    let d = tmp.path();
    // A dangling symlink and a directory, both named like manifests.
    std::os::unix::fs::symlink("does-not-exist.yaml", d.join("dangling.yaml")).unwrap();
    fs::create_dir(d.join("dir.yaml")).unwrap();
    fs::create_dir(d.join("Dockerfile")).unwrap();
    let (_, f) = lint_dir(d, &[]);
    assert!(in_file(&f, "dangling.yaml").is_empty());
    // Named explicitly, a dangling symlink is a usage error (exit 2) with a message, and the
    // other files are still linted.
    let r = run(
        d,
        &[
            "lint",
            "--format",
            "json",
            "--no-config",
            "dangling.yaml",
            "good.yaml",
        ],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("dangling.yaml"), "{}", r.stderr);
    assert_good(&r.findings());
}

#[test]
fn symlink_loops() {
    let tmp = scene();
    let d = tmp.path();
    fs::create_dir_all(d.join("a/b")).unwrap();
    std::os::unix::fs::symlink("..", d.join("a/b/up")).unwrap();
    std::os::unix::fs::symlink(d, d.join("a/root")).unwrap();
    std::os::unix::fs::symlink("self.yaml", d.join("self.yaml")).unwrap();
    std::os::unix::fs::symlink("ping.yaml", d.join("pong.yaml")).unwrap();
    std::os::unix::fs::symlink("pong.yaml", d.join("ping.yaml")).unwrap();
    // A Dockerfile whose build context loops back on itself.
    fs::write(
        d.join("a/Dockerfile"),
        "FROM alpine:3.20\nCOPY . /app\nCMD [\"/app/run.sh\"]\n",
    )
    .unwrap();
    fs::write(d.join("a/run.sh"), "#!/bin/sh\necho hi\n").unwrap();
    lint_dir(d, &[]);
    // Named explicitly: a clean error, the rest still linted.
    let r = run(
        d,
        &[
            "lint",
            "--format",
            "json",
            "--no-config",
            "self.yaml",
            "good.yaml",
        ],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_good(&r.findings());
    // Walked through the link to the root directory: nothing loops.
    let r = run(
        d,
        &[
            "lint",
            "--format",
            "json",
            "--no-config",
            "a/root",
            "good.yaml",
        ],
    );
    assert!(r.code == 1 || r.code == 0, "{}", r.stderr);
}

fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo")
        .arg(path)
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    assert!(ok, "mkfifo {} failed", path.display());
}

#[test]
fn fifos_and_devices_do_not_block() {
    let tmp = scene();
    let d = tmp.path();
    mkfifo(&d.join("pipe.yaml"));
    fs::create_dir(d.join("svc")).unwrap();
    mkfifo(&d.join("svc/Dockerfile"));
    // Devices named like manifests and scripts.
    std::os::unix::fs::symlink("/dev/zero", d.join("zero.yaml")).unwrap();
    std::os::unix::fs::symlink("/dev/urandom", d.join("Dockerfile.random")).unwrap();
    // A build context holding a FIFO and a device under script-like names.
    fs::create_dir(d.join("app")).unwrap();
    fs::write(
        d.join("app/Dockerfile"),
        "FROM alpine:3.20\nCOPY . /app\nENTRYPOINT [\"/app/entrypoint\"]\nCMD [\"/app/run.sh\"]\n",
    )
    .unwrap();
    mkfifo(&d.join("app/entrypoint"));
    std::os::unix::fs::symlink("/dev/zero", d.join("app/run.sh")).unwrap();
    std::os::unix::fs::symlink("/dev/urandom", d.join("app/start")).unwrap();
    let (_, f) = lint_dir(d, &[]);
    assert!(in_file(&f, "pipe.yaml").is_empty(), "{f:#?}");
    // Named explicitly: reported, never opened for reading.
    let r = run(
        d,
        &[
            "lint",
            "--format",
            "json",
            "--no-config",
            "pipe.yaml",
            "svc/Dockerfile",
            "zero.yaml",
            "Dockerfile.random",
            "good.yaml",
        ],
    );
    assert!(r.code == 1 || r.code == 2, "{}", r.stderr);
    let f = r.findings();
    assert_good(&f);
    for file in [
        "pipe.yaml",
        "svc/Dockerfile",
        "zero.yaml",
        "Dockerfile.random",
    ] {
        assert_located(&f, file, "KX004", 1);
    }
    // stdin that is a FIFO with nothing behind it is not our case (the user asked for `-`).
}

// ---------------------------------------------------------------------------------------------
// Dockerfiles

#[test]
fn dockerfile_heredocs_escapes_and_long_lines() {
    let tmp = scene();
    let d = tmp.path();
    let write = |dir: &str, text: &str| {
        fs::create_dir_all(d.join(dir)).unwrap();
        fs::write(d.join(dir).join("Dockerfile"), text).unwrap();
    };
    write(
        "heredoc",
        "# syntax=docker/dockerfile:1\nFROM alpine:3.20\nRUN <<EOF\necho never ends\n",
    );
    write(
        "heredocs",
        &format!(
            "FROM alpine:3.20\n{}",
            "RUN <<A <<B <<C cat\nx\nA\ny\n".repeat(2000)
        ),
    );
    write(
        "escape",
        "# escape=`\nFROM mcr.microsoft.com/windows/servercore\nRUN dir `\n  c:\\\nCMD [\"cmd\"]\n",
    );
    write(
        "escape-bad",
        "# escape=x\n# escape=\\\nFROM alpine:3.20\nRUN a x\n b\n",
    );
    write(
        "escape-unicode",
        "# escape=é\nFROM alpine:3.20\nRUN echo é\\\n  x\nCMD [\"sh\"]\n",
    );
    // Many continuation lines and a 100 KB RUN line.
    write(
        "continued",
        &format!(
            "FROM alpine:3.20\nRUN true{}\n",
            " \\\n  && true".repeat(20_000)
        ),
    );
    write(
        "long",
        &format!(
            "FROM alpine:3.20\nRUN echo {}\nCMD [\"sh\", \"-c\", \"{}\"]\n",
            "a".repeat(100 * 1024),
            "b ".repeat(50 * 1024)
        ),
    );
    // Thousands of errors: the parser's retries stay bounded.
    write(
        "errors",
        &format!("FROM alpine:3.20\n{}", "BOGUS x\nRUN <<EOF\n".repeat(500)),
    );
    write("empty", "");
    write("nofrom", "RUN echo hi\n".repeat(1000).as_str());
    write(
        "stages",
        &(0..2000)
            .map(|i| {
                format!(
                    "FROM alpine:3.20 AS s{i}\nCOPY --from=s{} / /\n",
                    i.max(1) - 1
                )
            })
            .collect::<String>(),
    );
    let (r, f) = lint_dir(d, &[]);
    assert!(
        in_file(&f, "heredoc/Dockerfile")
            .iter()
            .any(|f| f.rule == "KX002"),
        "{f:#?}"
    );
    assert!(r.elapsed < DEADLINE);
}

#[test]
fn scripts_with_hostile_content() {
    let tmp = scene();
    let d = tmp.path();
    fs::create_dir(d.join("svc")).unwrap();
    fs::write(
        d.join("svc/Dockerfile"),
        "FROM alpine:3.20\nCOPY . /app\nRUN chmod +x /app/*.sh\nENTRYPOINT [\"/app/a.sh\"]\nCMD [\"/app/b.sh\"]\n",
    )
    .unwrap();
    // A deeply nested and very long script, a shebang line of 100 KB, and binary data.
    fs::write(
        d.join("svc/a.sh"),
        format!(
            "#!/bin/sh\n{}{}\n{}\n",
            "$( ( { [ ".repeat(20_000),
            "\"".repeat(1001),
            "x".repeat(100 * 1024)
        ),
    )
    .unwrap();
    fs::write(
        d.join("svc/b.sh"),
        format!("#!{}\n", "/x".repeat(50 * 1024)),
    )
    .unwrap();
    fs::write(d.join("svc/c.sh"), b"#!/bin/sh\n\xff\xfe\0\0").unwrap();
    fs::write(
        d.join("deploy.yaml"),
        GOOD.replace("python:3.12-slim", "svc")
            .replace("command: [\"python app.py\"]", "args: [\"$(( ((((\"]"),
    )
    .unwrap();
    lint_dir(d, &[]);
}

#[test]
fn wide_directory_trees() {
    let tmp = scene();
    let d = tmp.path();
    // Deep directories (256 levels) with a manifest at the bottom.
    let mut p = d.to_path_buf();
    for _ in 0..256 {
        p.push("d");
    }
    fs::create_dir_all(&p).unwrap();
    fs::write(p.join("x.yaml"), "a: 1\n").unwrap();
    // A build context with many entries.
    fs::create_dir(d.join("svc")).unwrap();
    fs::write(
        d.join("svc/Dockerfile"),
        "FROM alpine:3.20\nCOPY . /app\nCMD [\"/app/run\"]\n",
    )
    .unwrap();
    for i in 0..6000 {
        fs::write(d.join(format!("svc/f{i}")), "#!/bin/sh\n").unwrap();
    }
    lint_dir(d, &[]);
}

// ---------------------------------------------------------------------------------------------
// Nothing from outside the linted tree is read or printed

/// A secret outside the linted tree, and links to it from every place kexit reads.
#[test]
fn symlinks_outside_the_tree_are_never_read() {
    let outside = tempfile::tempdir().expect("tempdir");
    let secret = outside.path().join("shadow");
    fs::write(&secret, "#!/bin/sh\nroot:TOPSECRET:19000:0:99999:7:::\n").unwrap();
    fs::write(
        outside.path().join("leak.yaml"),
        GOOD.replace("web", "TOPSECRET"),
    )
    .unwrap();
    fs::write(
        outside.path().join("Dockerfile"),
        "FROM alpine:3.20\nCOPY shadow /x\nCMD [\"/x\"]\n",
    )
    .unwrap();
    let tmp = scene();
    let d = tmp.path();
    fn link(a: impl AsRef<Path>, b: impl AsRef<Path>) -> std::io::Result<()> {
        std::os::unix::fs::symlink(a, b)
    }
    // A walked manifest and a Dockerfile that are links outside.
    link(outside.path().join("leak.yaml"), d.join("leak.yaml")).unwrap();
    link(outside.path().join("Dockerfile"), d.join("Dockerfile.out")).unwrap();
    // A build-context script that is a link outside (Docker copies the link, not the file), and
    // one to a procfs file that never ends.
    fs::create_dir(d.join("svc")).unwrap();
    fs::write(
        d.join("svc/Dockerfile"),
        "FROM alpine:3.20\nCOPY run.sh pm.sh /app/\nCMD [\"/app/run.sh\"]\n",
    )
    .unwrap();
    link(&secret, d.join("svc/run.sh")).unwrap();
    link("/proc/self/pagemap", d.join("svc/pm.sh")).unwrap();
    // A directory link outside inside the build context.
    link(outside.path(), d.join("svc/etc")).unwrap();
    // A compose file whose build context is outside the tree.
    let ctx = outside.path().to_string_lossy().into_owned();
    fs::write(
        d.join("compose.yaml"),
        format!(
            "services:\n  s:\n    image: x/svc\n    build:\n      context: {ctx}\n      dockerfile: {}\n",
            d.join("svc/Dockerfile").display()
        ),
    )
    .unwrap();
    // A link inside the tree is followed.
    fs::create_dir(d.join("base")).unwrap();
    fs::write(d.join("base/app.yaml"), GOOD).unwrap();
    link("base/app.yaml", d.join("linked.yaml")).unwrap();
    let (r, f) = lint_dir(d, &[]);
    assert!(!r.stdout.contains("TOPSECRET"), "{}", trunc(&r.stdout));
    assert_located(&f, "leak.yaml", "KX004", 1);
    assert_located(&f, "Dockerfile.out", "KX004", 1);
    assert_located(&f, "linked.yaml", "KX101", 15);
    for format in ["human", "concise", "github", "sarif"] {
        let r = run(d, &["lint", "--no-config", "--format", format, "."]);
        assert!(
            !r.stdout.contains("TOPSECRET") && !r.stderr.contains("TOPSECRET"),
            "{format}: {}",
            trunc(&r.stdout)
        );
    }
    // Named explicitly, a link outside is not read either.
    let r = run(d, &["lint", "--no-config", "--format", "json", "leak.yaml"]);
    assert!(!r.stdout.contains("TOPSECRET"), "{}", trunc(&r.stdout));
    assert_located(&r.findings(), "leak.yaml", "KX004", 1);
}

#[cfg(target_os = "linux")]
#[test]
fn procfs_files_are_refused_not_read() {
    let tmp = scene();
    let r = run(
        tmp.path(),
        &[
            "lint",
            "--no-config",
            "--format",
            "json",
            "/proc/self/status",
            "/proc/self/pagemap",
            "good.yaml",
        ],
    );
    let f = r.findings();
    assert_good(&f);
    for p in ["/proc/self/status", "/proc/self/pagemap"] {
        assert!(
            f.iter().any(|f| f.file == p && f.rule == "KX004"),
            "{p}: {f:#?}"
        );
    }
    // `explain --pod` on a FIFO does not hang.
    mkfifo(&tmp.path().join("pod.fifo"));
    let r = run(tmp.path(), &["explain", "--pod", "pod.fifo"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
}

// ---------------------------------------------------------------------------------------------
// Output injection: no raw control character, bidi override or invisible code point reaches
// any output

fn assert_inert(what: &str, s: &str) {
    let bad: Vec<char> = s
        .chars()
        .filter(|c| {
            (c.is_control() && *c != '\n' && *c != '\t')
                || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
                    | '\u{200b}'..='\u{200f}' | '\u{feff}')
        })
        .collect();
    assert!(bad.is_empty(), "{what}: raw {bad:?} in\n{}", trunc(s));
}

#[test]
fn control_characters_are_escaped_in_every_format() {
    let tmp = scene();
    let d = tmp.path();
    let evil = "\u{1b}]52;c;SGVsbG8=\u{7}\u{1b}[2J\u{9b}1m\u{202e}\u{2066}\u{200b}\u{200f}\u{feff}\u{85}\r";
    // In file content (a command with spaces: KX101 quotes it), a file name and a Dockerfile.
    fs::write(
        d.join(format!("ev\u{202e}il{}.yaml", "\u{1b}[2J")),
        GOOD.replace("python app.py", &format!("python {evil} app.py")),
    )
    .unwrap();
    fs::write(
        d.join("Dockerfile"),
        format!("FROM alpine:3.20\nCMD [\"run {evil}\"]\n"),
    )
    .unwrap();
    for format in ["human", "concise", "github"] {
        for color in ["never", "always"] {
            let r = run(
                d,
                &[
                    "lint",
                    "--no-config",
                    "--color",
                    color,
                    "--format",
                    format,
                    ".",
                ],
            );
            assert!(
                r.stdout.contains("\\u{1b}"),
                "{format}: {}",
                trunc(&r.stdout)
            );
            if color == "never" {
                assert_inert(format, &r.stdout);
            } else {
                // Colours stay; nothing else does.
                assert!(!r.stdout.contains("\u{1b}]"), "{}", trunc(&r.stdout));
                assert!(!r.stdout.contains("\u{1b}[2J"), "{}", trunc(&r.stdout));
                assert!(!r.stdout.contains('\u{7}'), "{}", trunc(&r.stdout));
            }
            assert_inert(format, &r.stderr);
        }
    }
    // JSON stays valid JSON (control characters are JSON escapes there), and what serde_json
    // would leave raw (C1 controls, bidi overrides, invisibles) is a `\uXXXX` escape too: a
    // report `cat` in a CI log shows no override.
    lint_dir(d, &[]);
    for args in [
        &["lint", "--no-config", "--format", "json", "."][..],
        &["lint", "--no-config", "--format", "sarif", "."][..],
        &["inspect", "--no-config", "--format", "json", "."][..],
    ] {
        let r = run(d, args);
        assert_inert(args[3], &r.stdout);
        assert!(
            r.stdout.contains("\\u202e"),
            "{args:?}: {}",
            trunc(&r.stdout)
        );
        let v: Result<serde_json::Value, _> = serde_json::from_str(&r.stdout);
        assert!(v.is_ok(), "{args:?}: {}", trunc(&r.stdout));
    }
    // A line break in a file name cannot forge a line of concise output or of stderr.
    fs::write(
        d.join("pod\nkexit: forged.yaml"),
        GOOD.replace("python app.py", "python x app.py"),
    )
    .unwrap();
    let r = run(d, &["lint", "--no-config", "--format", "concise", "."]);
    assert!(
        r.stdout.lines().all(|l| !l.starts_with("kexit: forged")),
        "{}",
        trunc(&r.stdout)
    );
    let r = run(d, &["lint", "--no-config", "missing\nkexit: forged"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.lines().all(|l| !l.starts_with("kexit: forged")),
        "{}",
        r.stderr
    );
    fs::remove_file(d.join("pod\nkexit: forged.yaml")).unwrap();
    // stderr: a named path that does not exist, with an escape in its name.
    let r = run(d, &["lint", "--no-config", &format!("missing{evil}.yaml")]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("\\u{1b}"), "{}", r.stderr);
    assert_inert("stderr", &r.stderr);
}

#[test]
fn sarif_help_uri_is_http_only() {
    let tmp = scene();
    let d = tmp.path();
    for (url, kept) in [
        ("javascript:alert(1)//", false),
        ("file:///etc/", false),
        ("https://example.com/kx/", true),
    ] {
        fs::write(d.join(".kexit.yaml"), format!("doc-url: \"{url}\"\n")).unwrap();
        let r = run(d, &["lint", "--format", "sarif", "."]);
        let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("SARIF");
        let rules = v["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert!(!rules.is_empty());
        for rule in rules {
            assert_eq!(rule.get("helpUri").is_some(), kept, "{url}: {rule}");
        }
    }
}

#[cfg(target_os = "linux")]
#[test]
fn write_error_on_stdout_exits_2_with_a_message() {
    let tmp = scene();
    let bin = env!("CARGO_BIN_EXE_kexit");
    let full = fs::File::create("/dev/full");
    let Ok(full) = full else {
        return;
    };
    let out = Command::new(bin)
        .args(["lint", "--no-config", "."])
        .current_dir(tmp.path())
        .stdout(full)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot write"), "{err}");
}
