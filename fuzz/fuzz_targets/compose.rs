//! Structure-aware generator for the Compose front end (issue 16): the fuzzer's bytes choose a
//! project's shape — how many files and services, `extends` chains and cycles (in one file and
//! across files), `include` chains and cycles, `${VAR:-${OTHER}}` nesting and doubling (in the
//! compose files, `.env` and `env_file`s), YAML anchors and merge keys (`<<: *a`) fanned out,
//! build contexts with Dockerfiles and scripts, `env_file` fan-out — and a few raw strings from an
//! alphabet of interpolation syntax. libFuzzer's `-timeout` and `-rss_limit_mb` turn unbounded
//! work or memory into a failure; the lint itself must end with findings, never a panic.
//!
//! The project is written to a directory of its own under the temporary directory (one per
//! process, emptied per input), which is the linted tree: `.env`, `env_file`s, build contexts and
//! `extends`/`include` targets are read the way the CLI reads them. The compose files and
//! Dockerfiles are also handed to the lint as in-memory inputs under their real paths (what
//! discovery would find), so no walk is needed.
#![no_main]
use kexit::config::Config;
use kexit::discover::Kind;
use kexit::project::{Input, Project};
use libfuzzer_sys::fuzz_target;
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// Reads small numbers from the fuzzer's bytes (0 when they run out).
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn next(&mut self) -> usize {
        match self.0.split_first() {
            Some((b, rest)) => {
                self.0 = rest;
                *b as usize
            }
            None => 0,
        }
    }
    /// A number in 0..=max, two bytes wide.
    fn upto(&mut self, max: usize) -> usize {
        ((self.next() << 8) | self.next()) % (max + 1)
    }
    /// A number in 0..max (0 when max is 0).
    fn below(&mut self, max: usize) -> usize {
        if max == 0 {
            0
        } else {
            self.upto(max - 1)
        }
    }
    fn flag(&mut self) -> bool {
        self.next() % 2 == 1
    }
    /// A short string of interpolation syntax (for raw values): `$`, braces, operators, names.
    fn raw(&mut self) -> String {
        const PIECES: [&str; 16] = [
            "$", "{", "}", ":-", "-", ":?", ":+", "+", "$$", "V0", "A1", "x", " ", "\\", "'", "\"",
        ];
        let n = self.upto(24);
        let mut s = String::new();
        for _ in 0..n {
            s.push_str(PIECES[self.next() % PIECES.len()]);
        }
        s
    }
}

/// A YAML double-quoted scalar holding `s`.
fn quoted(s: &str) -> String {
    let mut q = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => q.push_str("\\\""),
            '\\' => q.push_str("\\\\"),
            '\n' => q.push_str("\\n"),
            c => q.push(c),
        }
    }
    q.push('"');
    q
}

/// An interpolated value: nested defaults `${V1:-${V2:-…x}}` (depth from the bytes) repeated
/// (doubling), or a raw string.
fn interp_value(b: &mut Bytes<'_>, vars: usize) -> String {
    match b.next() % 4 {
        0 => {
            let depth = b.upto(64);
            let mut v = String::from("x");
            for _ in 0..depth {
                let op = [":-", "-", ":+", "+"][b.next() % 4];
                v = format!("${{V{}{op}{v}}}", b.below(vars.max(1)));
            }
            v
        }
        1 => {
            let k = 1 + b.upto(16);
            let mut v = String::new();
            for _ in 0..k {
                let _ = write!(v, "${{V{}}}", b.below(vars.max(1)));
            }
            v
        }
        2 => b.raw(),
        _ => format!("$V{}/${{IMG:-${{TAG}}}}", b.below(vars.max(1))),
    }
}

/// Compose file names in the project directory `app/` (index 0 is the main file).
const FILES: [&str; 5] = [
    "compose.yaml",
    "compose.override.yaml",
    "base.yml",
    "inc/inc.yml",
    "inc/docker-compose.more.yml",
];

/// One compose file: services, anchors, include and extends (same file or into other files).
fn compose_file(b: &mut Bytes<'_>, me: usize, services: usize, contexts: usize) -> String {
    let mut y = String::new();
    // Anchors: a chain of mappings each merging the previous one (`<<: *aN`), fanned out.
    let anchors = b.upto(12);
    for i in 0..anchors {
        let _ = writeln!(y, "x-a{i}: &a{i}");
        if i > 0 {
            let k = 1 + b.upto(3);
            let list: Vec<String> = (0..k).map(|_| format!("*a{}", b.below(i))).collect();
            let _ = writeln!(y, "  <<: [{}]", list.join(", "));
        }
        let _ = writeln!(
            y,
            "  environment:\n    K{i}: {}",
            quoted(&interp_value(b, 8))
        );
        if b.flag() {
            let _ = writeln!(y, "  image: python:3.12-slim");
        }
    }
    // include: other files of the project (cycles included), a path list, an interpolated path.
    if b.flag() {
        y.push_str("include:\n");
        for _ in 0..b.upto(6) {
            let target = FILES[b.next() % FILES.len()];
            let rel = relative(FILES[me], target);
            match b.next() % 4 {
                0 => {
                    let _ = writeln!(y, "  - {rel}");
                }
                1 => {
                    let other = relative(FILES[me], FILES[b.next() % FILES.len()]);
                    let _ = writeln!(y, "  - path: [{rel}, {other}]");
                }
                2 => {
                    let _ = writeln!(
                        y,
                        "  - path: {}\n    env_file: e{}.env",
                        quoted(&format!("${{INC:-{rel}}}")),
                        b.next() % 3
                    );
                }
                _ => {
                    let _ = writeln!(y, "  - path: {}", quoted(&b.raw()));
                }
            }
        }
    }
    y.push_str("services:\n");
    for i in 0..services {
        let _ = writeln!(y, "  s{i}:");
        let mask = b.next() | (b.next() << 8);
        if mask & 1 != 0 && anchors > 0 {
            let _ = writeln!(y, "    <<: *a{}", b.below(anchors));
        }
        if mask & 2 != 0 {
            // extends: a service of this file (possibly itself or a later one: cycles) or of
            // another file.
            if b.flag() {
                let _ = writeln!(y, "    extends: s{}", b.below(services));
            } else {
                let target = relative(FILES[me], FILES[b.next() % FILES.len()]);
                let _ = writeln!(
                    y,
                    "    extends:\n      file: {target}\n      service: s{}",
                    b.below(services.max(1))
                );
            }
        }
        match (mask >> 2) % 4 {
            0 => {}
            1 => y.push_str("    image: python:3.12-slim\n"),
            2 => {
                let _ = writeln!(y, "    image: {}", quoted(&interp_value(b, 8)));
            }
            _ if contexts > 0 => {
                let c = b.below(contexts);
                if b.flag() {
                    let _ = writeln!(y, "    build: ./ctx{c}");
                } else {
                    let _ = writeln!(
                        y,
                        "    build:\n      context: {}\n      dockerfile: {}\n      target: {}",
                        quoted(&format!("${{CTX:-./ctx{c}}}")),
                        ["Dockerfile", "Dockerfile.alt", "../ctx0/Dockerfile"][b.next() % 3],
                        ["build", "final", "nope"][b.next() % 3]
                    );
                }
            }
            _ => {}
        }
        match (mask >> 4) % 4 {
            0 => {}
            1 => y.push_str("    command: [\"nosuchprog\"]\n"),
            2 => y.push_str("    command: [\"/run.sh\", \"$$HOME\"]\n"),
            _ => {
                let _ = writeln!(
                    y,
                    "    command: {}",
                    quoted(&format!("sh -c 'echo {}'", interp_value(b, 8)))
                );
            }
        }
        if mask & 0x40 != 0 {
            y.push_str("    environment:\n");
            for k in 0..b.upto(8) {
                let _ = writeln!(y, "      E{k}: {}", quoted(&interp_value(b, 8)));
            }
        }
        if mask & 0x80 != 0 {
            // env_file fan-out: every service may name the same few files.
            let _ = writeln!(
                y,
                "    env_file: {}",
                relative(FILES[me], &format!("e{}.env", b.next() % 3))
            );
        }
        if mask & 0x100 != 0 {
            y.push_str("    mem_limit: 1g\n");
        }
        if mask & 0x200 != 0 {
            let _ = writeln!(
                y,
                "    volumes:\n      - {}\n      - data:/data:ro",
                quoted(&format!("${{SRC:-./src}}:/app{}", b.next() % 3))
            );
        }
        if mask & 0x400 != 0 {
            y.push_str("    healthcheck:\n      test: [\"CMD-SHELL\", \"curl -f http://localhost || exit 1\"]\n");
        }
        if mask & 0x800 != 0 {
            y.push_str("    entrypoint: /entry.sh\n");
        }
    }
    y
}

/// `target` (a path relative to `app/`) as seen from the directory of `from`.
fn relative(from: &str, target: &str) -> String {
    if from.contains('/') {
        format!("../{target}")
    } else {
        target.to_string()
    }
}

/// A `.env`/`env_file`: a chain of variables referring to earlier ones (doubling), nested
/// defaults and raw lines.
fn env_file(b: &mut Bytes<'_>) -> String {
    let n = b.upto(48);
    let mut e = String::from("V0=ab\nTAG=3.20\n");
    for i in 1..n {
        let v = match b.next() % 3 {
            0 => format!("${{V{p}}}${{V{p}}}", p = b.below(i)),
            1 => format!("${{V{}:-${{V{}}}}}", b.below(i), b.below(i)),
            _ => b.raw(),
        };
        let _ = writeln!(e, "V{i}={v}");
    }
    e
}

/// A Dockerfile: a global ARG chain (`ARG V=3.20`, `ARG IMG=alpine:${V}`), a builder stage and
/// a final stage running a copied program or a script of the context.
fn dockerfile(b: &mut Bytes<'_>) -> String {
    let mut d = String::from("ARG V0=3.20\n");
    let n = b.upto(32);
    for i in 1..n {
        let _ = writeln!(d, "ARG V{i}=${{V{p}}}${{V{p}}}", p = b.below(i));
    }
    d.push_str(
        "ARG IMG=alpine:${V0}\nFROM golang:1.22 AS build\nARG V1\nRUN go build -o /out/app .\n",
    );
    match b.next() % 3 {
        0 => d.push_str(
            "FROM ${IMG} AS final\nCOPY --from=build /out/app /app\nENTRYPOINT [\"/app\"]\n",
        ),
        1 => d.push_str("FROM python:3.12-slim AS final\nCOPY run.sh /run.sh\nCMD [\"/run.sh\"]\n"),
        _ => {
            let _ = writeln!(
                d,
                "FROM {} AS final\nENV P=${{V{}}}\nCMD [\"sh\", \"-c\", \"exec $P\"]",
                b.raw(),
                b.below(n.max(1))
            );
        }
    }
    d
}

/// The process's scratch directory (emptied per input), canonical.
fn scratch() -> Option<PathBuf> {
    let dir = std::env::temp_dir().join(format!("kexit-fuzz-compose-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).ok()?;
    std::fs::canonicalize(&dir).ok()
}

fn write(root: &Path, rel: &str, text: &str) -> Option<PathBuf> {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent()?).ok()?;
    std::fs::write(&p, text).ok()?;
    Some(p)
}

fuzz_target!(|data: &[u8]| {
    let mut b = Bytes(data);
    let Some(root) = scratch() else { return };
    let mut inputs = Vec::new();
    let mut add = |rel: &str, kind: Kind, text: String| {
        if let Some(p) = write(&root, rel, &text) {
            inputs.push(Input::Text {
                name: p.to_string_lossy().into_owned(),
                kind,
                text,
            });
        }
    };
    let nfiles = 1 + b.below(FILES.len());
    let contexts = b.upto(3);
    // The first file may have many services (fan-out); the others a few.
    let big = b.upto(2000);
    for (me, name) in FILES.iter().enumerate().take(nfiles) {
        let services = if me == 0 { big } else { b.upto(40) };
        let y = compose_file(&mut b, me, services, contexts);
        add(&format!("app/{name}"), Kind::Manifest, y);
    }
    for c in 0..contexts {
        let d = dockerfile(&mut b);
        add(&format!("app/ctx{c}/Dockerfile"), Kind::Dockerfile, d);
        if b.flag() {
            let d = dockerfile(&mut b);
            add(&format!("app/ctx{c}/Dockerfile.alt"), Kind::Dockerfile, d);
        }
        let _ = write(
            &root,
            &format!("app/ctx{c}/run.sh"),
            "#!/bin/bash\nexec nosuchprog \"$@\"\n",
        );
    }
    // Read from disk only: the project's `.env` and the env_files.
    let _ = write(&root, "app/.env", &env_file(&mut b));
    for k in 0..3 {
        if b.flag() {
            let _ = write(&root, &format!("app/e{k}.env"), &env_file(&mut b));
        }
    }
    let config = Config {
        roots: vec![root.clone()],
        ..Config::default()
    };
    let out = kexit::lint::lint(Project::load(inputs, config));
    let _ = kexit::output::concise::render(&out.project, &out.findings);
    for f in &out.findings {
        let file = &out.project.files[f.span.file];
        let _ = file.line_col(f.span.start);
        let _ = file.slice(f.span);
    }
    let _ = std::fs::remove_dir_all(&root);
});
