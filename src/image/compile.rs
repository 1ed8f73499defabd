//! Programs that build commands in a RUN step certainly create: `go build -o PATH`,
//! `go install PKG` (into `$GOBIN` or `$GOPATH/bin`), `gcc`/`cc`/`g++`/`clang -o PATH`. Only
//! where the output path is certain: a flag kexit does not know, a computed word, a relative
//! path after `cd`, a cross-compiling `go install` give nothing. A command whose failure
//! would not fail the RUN (`|| true`, an `if` condition, `a; b` without `set -e`) gives nothing
//! either: the output may be missing while the build goes on.

use super::build::normalize;
use super::Image;
use crate::shell::{Command, Flow, Script};

/// Where a build command writes its output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutPath {
    /// A path as written (absolute, or relative to WORKDIR).
    Path(String),
    /// `go build -o OUT`: the file OUT, or, when OUT ends in `/` or is an existing directory,
    /// program `name` in it (None: the name comes from go.mod, so nothing is certain there).
    GoBuild { out: String, name: Option<String> },
    /// `go install`: program `name` in `$GOBIN`, else the first `$GOPATH` entry's `bin`
    /// (the command's own assignments first, then the image ENV).
    GoBin {
        name: String,
        gobin: Option<String>,
        gopath: Option<String>,
    },
}

/// One output of a build command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    pub path: OutPath,
    /// An executable program (a linked binary), not an object file or an archive.
    pub executable: bool,
    /// A `cd`/`pushd` ran earlier in the same RUN: relative paths are not relative to WORKDIR.
    pub cd_before: bool,
    /// Its failure fails the build: the output exists after the step. Otherwise it may or may
    /// not (`|| true`, an `if` condition), and its place only becomes unknown.
    pub certain: bool,
}

/// The outputs of every build command of a RUN script, in order.
pub fn outputs(script: &Script) -> Vec<Output> {
    let mut out = Vec::new();
    let mut cd_before = false;
    let mut errexit = false;
    for cmd in &script.commands {
        let name = cmd.name.text.rsplit('/').next().unwrap_or("");
        if matches!(name, "cd" | "pushd" | "popd") {
            cd_before = true;
            continue;
        }
        if name == "set"
            && cmd.args.iter().any(|a| {
                let t = a.text.as_str();
                (t.starts_with('-') && !t.starts_with("--") && t[1..].contains('e'))
                    || t == "errexit"
            })
        {
            errexit = true;
        }
        // Its failure must fail the RUN (and so the build) for the output to be certain.
        let fails_build = cmd.fatal || (errexit && cmd.flow == Flow::Plain);
        if !cmd.name.literal {
            continue;
        }
        out.extend(
            command_outputs(cmd)
                .into_iter()
                .map(|(path, executable)| Output {
                    path,
                    executable,
                    cd_before,
                    certain: fails_build,
                }),
        );
    }
    out
}

/// The outputs one build command names (whether it runs or fails aside), with whether each is
/// a program.
pub(crate) fn command_outputs(cmd: &Command) -> Vec<(OutPath, bool)> {
    match cmd.name.text.rsplit('/').next().unwrap_or("") {
        "go" => go(cmd),
        "gcc" | "cc" | "g++" | "c++" | "clang" | "clang++" | "musl-gcc" => {
            c_compiler(cmd).into_iter().collect()
        }
        _ => Vec::new(),
    }
}

/// A word kexit can take literally as a path.
pub(super) fn plain(w: &crate::shell::Word) -> Option<&str> {
    let t = w.text.as_str();
    (w.literal && !t.is_empty() && !t.contains(['$', '`', '*', '?', '[', '~'])).then_some(t)
}

/// `go` flags of `build`/`install` that take a value (`-o x` as well as `-o=x`).
pub(super) const GO_VALUE_FLAGS: [&str; 19] = [
    "covermode",
    "o",
    "C",
    "p",
    "asmflags",
    "buildmode",
    "compiler",
    "gccgoflags",
    "gcflags",
    "installsuffix",
    "ldflags",
    "mod",
    "modfile",
    "overlay",
    "pgo",
    "pkgdir",
    "tags",
    "toolexec",
    "coverpkg",
];
/// `go` flags of `build`/`install` without a value.
pub(super) const GO_BOOL_FLAGS: [&str; 13] = [
    "a",
    "v",
    "x",
    "race",
    "msan",
    "asan",
    "cover",
    "trimpath",
    "work",
    "linkshared",
    "buildvcs",
    "json",
    "modcacherw",
];

fn go(cmd: &Command) -> Vec<(OutPath, bool)> {
    let Some(sub) = cmd.args.first().map(|a| a.text.as_str()) else {
        return Vec::new();
    };
    if sub != "build" && sub != "install" {
        return Vec::new();
    }
    let mut output: Option<String> = None;
    let mut chdir = false;
    let mut packages: Vec<&str> = Vec::new();
    let mut i = 1;
    while i < cmd.args.len() {
        let w = &cmd.args[i];
        let t = w.text.as_str();
        if !packages.is_empty() || !t.starts_with('-') || t == "-" {
            // Flags end at the first package.
            match plain(w) {
                Some(p) => packages.push(p),
                None => return Vec::new(),
            }
            i += 1;
            continue;
        }
        let body = t.trim_start_matches('-');
        let (flag, inline) = match body.split_once('=') {
            Some((f, v)) => (f, Some(v)),
            None => (body, None),
        };
        if GO_VALUE_FLAGS.contains(&flag) {
            let value = match inline {
                Some(v) => Some(v.to_string()),
                None => {
                    i += 1;
                    cmd.args.get(i).and_then(plain).map(str::to_string)
                }
            };
            match flag {
                "o" => match value {
                    Some(v) => output = Some(v),
                    None => return Vec::new(),
                },
                "C" => chdir = true,
                // Only a program is certain to be executable.
                "buildmode" if !matches!(value.as_deref(), Some("exe" | "default" | "pie")) => {
                    return Vec::new();
                }
                _ => {}
            }
        } else if !GO_BOOL_FLAGS.contains(&flag) {
            // `-n` (print only) or a flag kexit does not know: nothing is certain.
            return Vec::new();
        }
        i += 1;
    }
    if sub == "build" {
        let Some(o) = output else {
            return Vec::new();
        };
        // One package: several write only their main packages, which kexit cannot tell.
        if packages.len() > 1
            || packages.iter().any(|p| p.contains("..."))
            || (chdir && !o.starts_with('/'))
        {
            return Vec::new();
        }
        // `-o DIR/` (or an existing directory) writes the program into DIR, named as `go
        // install` names it (`.` takes its name from go.mod, which kexit does not read).
        let name = packages.first().and_then(|p| go_program_name(p));
        return vec![(OutPath::GoBuild { out: o, name }, true)];
    }
    // go install: a cross-compiling or -o install is not placed as below.
    if output.is_some()
        || chdir
        || cmd
            .assignments
            .iter()
            .any(|a| a.text.starts_with("GOOS=") || a.text.starts_with("GOARCH="))
    {
        return Vec::new();
    }
    let assigned = |n: &str| {
        cmd.assignments.iter().find_map(|a| {
            a.text
                .strip_prefix(n)
                .and_then(|r| r.strip_prefix('='))
                .filter(|_| a.literal)
                .map(str::to_string)
        })
    };
    let (gobin, gopath) = (assigned("GOBIN"), assigned("GOPATH"));
    packages
        .iter()
        .filter_map(|p| go_program_name(p))
        .map(|name| {
            let place = OutPath::GoBin {
                name,
                gobin: gobin.clone(),
                gopath: gopath.clone(),
            };
            (place, true)
        })
        .collect()
}

/// The program `go install PKG` names: the package path's last element, skipping a major
/// version suffix (`example.com/tool/v2` installs `tool`). None for `.`, patterns and paths
/// whose name comes from `go.mod`.
pub(crate) fn go_program_name(pkg: &str) -> Option<String> {
    let path = pkg.split('@').next().unwrap_or(pkg).trim_end_matches('/');
    if path.contains("...") || path.is_empty() {
        return None;
    }
    let mut elems: Vec<&str> = path.split('/').filter(|e| !e.is_empty()).collect();
    if elems.last().is_some_and(|l| {
        l.len() > 1 && l.starts_with('v') && l[1..].chars().all(|c| c.is_ascii_digit())
    }) && elems.len() > 1
    {
        elems.pop();
    }
    let last = *elems.last()?;
    if last == "." || last == ".." {
        return None;
    }
    Some(last.to_string())
}

/// `cc … -o PATH`: the linked program (executable), or the object/preprocessed file
/// (`-c`, `-S`, `-E`: exists, not a program).
fn c_compiler(cmd: &Command) -> Option<(OutPath, bool)> {
    let mut output = None;
    let mut executable = true;
    let mut i = 0;
    while i < cmd.args.len() {
        let t = cmd.args[i].text.as_str();
        match t {
            "-o" => {
                i += 1;
                output = Some(plain(cmd.args.get(i)?)?.to_string());
            }
            "-fsyntax-only" | "-###" | "--help" | "--version" | "-M" | "-MM" => return None,
            "-c" | "-S" | "-E" | "-shared" | "-r" => executable = false,
            _ if t.starts_with("-o") && t.len() > 2 => {
                if !cmd.args[i].literal || t.contains(['$', '`', '*', '?']) {
                    return None;
                }
                output = Some(t[2..].to_string());
            }
            _ => {}
        }
        i += 1;
    }
    output.map(|o| (OutPath::Path(o), executable))
}

/// Where an output lands in `img` (before the RUN step changes anything), or None when that is
/// not certain (a relative path after `cd`, a working directory kexit does not know, no
/// `GOBIN`/`GOPATH`).
pub(crate) fn place(img: &Image, out: &Output) -> Option<String> {
    match &out.path {
        OutPath::Path(p) => {
            if !p.starts_with('/') && (out.cd_before || !workdir_known(img)) {
                return None;
            }
            Some(normalize(&img.workdir, p))
        }
        OutPath::GoBuild { out: o, name } => {
            if !o.starts_with('/') && (out.cd_before || !workdir_known(img)) {
                return None;
            }
            let file = normalize(&img.workdir, o);
            let dir = o.ends_with('/') || img.path(&file).is_dir == super::Tri::Yes;
            match (dir, name) {
                (false, _) => Some(file),
                (true, Some(n)) => Some(normalize("/", &format!("{file}/{n}"))),
                (true, None) => None,
            }
        }
        OutPath::GoBin {
            name,
            gobin,
            gopath,
        } => {
            if img.env("GOOS").is_some() || img.env("GOARCH").is_some() {
                return None;
            }
            let gobin = gobin.as_deref().or_else(|| img.env("GOBIN"));
            let dir = match gobin {
                Some(b) if b.starts_with('/') => b.to_string(),
                Some(_) => return None,
                None => {
                    let gp = gopath.as_deref().or_else(|| img.env("GOPATH"))?;
                    let first = gp.split(':').next()?;
                    if !first.starts_with('/') || first.contains('$') {
                        return None;
                    }
                    format!("{}/bin", first.trim_end_matches('/'))
                }
            };
            if dir.contains('$') {
                return None;
            }
            Some(normalize("/", &format!("{dir}/{name}")))
        }
    }
}

/// Record the outputs of a RUN step (after its fuzz): each certain, placed output exists, an
/// executable regular file for a linked program. An output the same step may remove or replace
/// (`rm`, `mv`, a redirection: a path of `fuzzy_paths` at or above it, or one kexit cannot
/// place) is left as the step's fuzz made it. An output that may be missing (its failure does
/// not fail the build), a directory the compiler writes into under a name kexit cannot tell, or
/// an output kexit cannot place at all becomes unknown (the directory, or `/`).
pub(crate) fn apply(
    img: &mut Image,
    built: &[Output],
    fuzzy_paths: &[String],
    origin: &super::Origin,
    seq: u32,
) {
    let mut puts = Vec::new();
    for out in built {
        let Some(p) = place(img, out) else {
            let unknown = fallback(img, out);
            super::dockerfile::fuzz(img, &unknown);
            continue;
        };
        if !out.certain || img.path(&p).is_dir == super::Tri::Yes {
            super::dockerfile::fuzz(img, &p);
            continue;
        }
        let touched = fuzzy_paths.iter().any(|f| {
            if f.contains(['*', '?', '$', '`', '[']) || (!f.starts_with('/') && out.cd_before) {
                return true;
            }
            let f = normalize(&img.workdir, f);
            f == "/" || p == f || p.starts_with(&format!("{f}/"))
        });
        if !touched {
            puts.push((p, out.executable));
        }
    }
    for (p, executable) in puts {
        let mut e = super::dockerfile::entry(origin.clone(), seq);
        e.executable = if executable {
            super::Tri::Yes
        } else {
            super::Tri::No
        };
        super::dockerfile::put(img, &p, e);
    }
}

/// What becomes unknown for an output kexit cannot place: the directory of a `go build -o DIR/`
/// whose program name comes from go.mod, else everything.
fn fallback(img: &Image, out: &Output) -> String {
    match &out.path {
        OutPath::GoBuild { out: o, name: None }
            if o.starts_with('/') || (!out.cd_before && workdir_known(img)) =>
        {
            normalize(&img.workdir, o)
        }
        _ => "/".to_string(),
    }
}

/// Whether WORKDIR is known: set to a known value, or never set on a known base (a WORKDIR
/// kexit could not expand leaves `/`, which is not where the build runs).
fn workdir_known(img: &Image) -> bool {
    match img.workdir_origin.span() {
        Some(_) => img.workdir != "/",
        None => img.base_known,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outs(text: &str) -> Vec<(OutPath, bool)> {
        outputs(&crate::shell::parse(text))
            .into_iter()
            .filter(|o| o.certain)
            .map(|o| (o.path, o.executable))
            .collect()
    }

    fn path(p: &str) -> (OutPath, bool) {
        (OutPath::Path(p.to_string()), true)
    }

    fn gob(o: &str, n: Option<&str>) -> Vec<(OutPath, bool)> {
        let path = OutPath::GoBuild {
            out: o.to_string(),
            name: n.map(str::to_string),
        };
        vec![(path, true)]
    }

    #[test]
    fn go_build_outputs() {
        assert_eq!(
            outs("CGO_ENABLED=0 GOOS=linux go build -ldflags \"-s -w\" -o /checkoutservice ."),
            gob("/checkoutservice", None)
        );
        assert_eq!(
            outs("go mod download && go build -o=app ./cmd/app"),
            gob("app", Some("app"))
        );
        assert_eq!(outs("go build -v -trimpath -o bin/x"), gob("bin/x", None));
        // Not certain: a pattern, several packages, dry run, an unknown flag, a
        // computed path, a failure that does not fail the RUN.
        assert!(outs("go build -o /out/ ./...").is_empty());
        assert_eq!(
            outs("go build -o /out/ ./cmd/server"),
            gob("/out/", Some("server"))
        );
        assert_eq!(
            outs("go build -o /out/ example.com/x/cmd/migrate/v2@latest"),
            gob("/out/", Some("migrate"))
        );
        assert_eq!(outs("go build -o /out/ ."), gob("/out/", None));
        assert!(outs("go build -o /out ./a ./b").is_empty());
        assert!(outs("go build -n -o /x .").is_empty());
        assert!(outs("go build -frobnicate -o /x .").is_empty());
        assert!(outs("go build -o $OUT .").is_empty());
        assert!(outs("go build -o /x . || true").is_empty());
        assert!(outs("go build -o /x . ; echo done").is_empty());
        assert!(outs("go build .").is_empty());
        assert!(outs("go build -buildmode=c-shared -o /lib.so .").is_empty());
        assert_eq!(
            outs("set -e; go build -o /x . ; echo done"),
            gob("/x", None)
        );
    }

    #[test]
    fn go_install_outputs() {
        let gobin = |n: &str| {
            (
                OutPath::GoBin {
                    name: n.to_string(),
                    gobin: None,
                    gopath: None,
                },
                true,
            )
        };
        assert_eq!(
            outs("go install github.com/grpc-ecosystem/grpc-health-probe@v0.4.25"),
            vec![gobin("grpc-health-probe")]
        );
        assert_eq!(
            outs("go install example.com/tool/v2@latest ./cmd/server"),
            vec![gobin("tool"), gobin("server")]
        );
        assert!(outs("go install .").is_empty());
        assert!(outs("go install ./...").is_empty());
        assert!(outs("GOARCH=arm64 go install ./cmd/x").is_empty());
    }

    #[test]
    fn c_outputs() {
        assert_eq!(
            outs("gcc -O2 -static -o /usr/local/bin/hello hello.c"),
            vec![path("/usr/local/bin/hello")]
        );
        assert_eq!(outs("cc -ohello hello.c"), vec![path("hello")]);
        assert_eq!(
            outs("gcc -c -o x.o x.c"),
            vec![(OutPath::Path("x.o".to_string()), false)]
        );
        assert!(outs("gcc hello.c").is_empty());
        assert!(outs("gcc -fsyntax-only -o x x.c").is_empty());
    }

    #[test]
    fn places() {
        let img = crate::image::catalogue::image("golang:1.22").expect("golang in the catalogue");
        let o = |path| Output {
            path,
            executable: true,
            cd_before: false,
            certain: true,
        };
        let gb = OutPath::GoBin {
            name: "x".to_string(),
            gobin: None,
            gopath: None,
        };
        assert_eq!(place(&img, &o(gb)).as_deref(), Some("/go/bin/x"));
        let gb = OutPath::GoBin {
            name: "x".to_string(),
            gobin: Some("/usr/local/bin".to_string()),
            gopath: None,
        };
        assert_eq!(place(&img, &o(gb)).as_deref(), Some("/usr/local/bin/x"));
        let rel = Output {
            cd_before: true,
            ..o(OutPath::Path("app".to_string()))
        };
        assert_eq!(place(&img, &rel), None);
        assert_eq!(
            place(&img, &o(OutPath::Path("/abs".to_string()))).as_deref(),
            Some("/abs")
        );
    }
}
