//! What `go` and the C compilers write in a RUN step, so that a RUN of build commands is
//! followed instead of making the whole file system unknown. [`super::compile`] places the
//! outputs that are certain (`go build -o PATH`, `gcc -o PATH`); this module gives everything
//! else such a command may write: the go tool's caches and configuration, files in the current
//! directory (`go build` without `-o`, `gcc -c`, `go mod tidy`), an output whose name kexit cannot
//! tell. A command, flag or word kexit cannot account for gives `None`: the step stays
//! unfollowable (precision first).
//!
//! Sources: `go help build`, `go help environment`, `go help cache`, `go help modules`
//! (GOCACHE defaults to `$XDG_CACHE_HOME/go-build` else `$HOME/.cache/go-build`; GOMODCACHE to
//! `$GOPATH/pkg/mod`; GOPATH to `$HOME/go`; `go env -w` writes GOENV, default
//! `$XDG_CONFIG_HOME/go/env` else `$HOME/.config/go/env`); gcc(1) (`-o`, `a.out`, `-c`/`-S`
//! objects in the current directory, `-MD`/`-MF` dependency files).

use super::build::normalize;
use super::Image;
use crate::shell::Command;

/// A directory of the go tool's environment, resolved against the command's assignments and
/// the image's ENV when the step is applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GoDir {
    /// GOCACHE (the build cache).
    Cache,
    /// GOMODCACHE (downloaded modules, toolchains).
    ModCache,
    /// Every GOPATH entry (GOPATH-mode `go get` writes sources and programs there).
    GoPath,
    /// GOBIN, else the first GOPATH entry's `bin` (`go install` of programs kexit cannot name).
    Bin,
    /// The GOENV file (`go env -w`).
    Config,
}

/// A go tool directory one command writes, with the command's own environment assignments
/// (name, value; `None` for a computed value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolDir {
    pub dir: GoDir,
    pub assigned: Vec<(String, Option<String>)>,
}

/// What one build command writes besides the outputs [`super::compile`] knows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Writes {
    /// Paths (absolute, or relative to WORKDIR) it may create or change; it removes nothing.
    pub paths: Vec<String>,
    /// Paths it may remove (`go clean`) or whose files code it runs may change (`go test`).
    pub removes: Vec<String>,
    pub tool: Vec<GoDir>,
}

/// Variables that move where the go tool writes.
const GO_VARS: [&str; 10] = [
    "GOPATH",
    "GOCACHE",
    "GOMODCACHE",
    "GOBIN",
    "GOENV",
    "HOME",
    "XDG_CACHE_HOME",
    "XDG_CONFIG_HOME",
    "GOFLAGS",
    "GOTMPDIR",
];

/// Whether an `export`/assignment word changes where the go tool writes.
pub fn moves_go_dirs(word: &str) -> bool {
    let name = word.split('=').next().unwrap_or(word);
    GO_VARS.contains(&name)
}

/// Whether the RUN text assigns a go tool variable on its own (`GOPATH=/x; go build`, which
/// the parsed commands do not show) or in a way kexit did not see as a command's prefix.
pub fn standalone_assignment(text: &str, script: &crate::shell::Script) -> bool {
    GO_VARS.iter().any(|v| {
        let pat = format!("{v}=");
        let written =
            text.match_indices(&pat)
                .filter(|(i, _)| {
                    text[..*i].chars().next_back().is_none_or(|c| {
                        c.is_whitespace() || matches!(c, ';' | '&' | '|' | '(' | '{')
                    })
                })
                .count();
        let mut seen: Vec<usize> = script
            .commands
            .iter()
            .flat_map(|c| c.assignments.iter())
            .filter(|a| a.text.starts_with(&pat))
            .map(|a| a.range.start)
            .collect();
        seen.sort_unstable();
        seen.dedup();
        written > seen.len()
    }) || script.unknown
}

/// The command's assignments of the go tool's variables.
pub fn assignments(cmd: &Command) -> Vec<(String, Option<String>)> {
    cmd.assignments
        .iter()
        .filter_map(|a| {
            let (n, v) = a.text.split_once('=')?;
            GO_VARS
                .contains(&n)
                .then(|| (n.to_string(), a.literal.then(|| v.to_string())))
        })
        .collect()
}

use super::compile::plain;

/// `go` flags that take a value besides those of `build`/`install` ([`super::compile`]'s
/// list): `go test`'s, which kexit reads past.
const GO_TEST_VALUE_FLAGS: [&str; 14] = [
    "exec",
    "run",
    "skip",
    "bench",
    "benchtime",
    "count",
    "cpu",
    "parallel",
    "timeout",
    "vet",
    "shuffle",
    "fuzztime",
    "fuzzminimizetime",
    "fuzz",
];
/// `go` flags without a value besides those of `build`/`install`: `go clean`'s cache flags
/// (they remove caches, which are unknown anyway) and `go test`'s.
const GO_MORE_BOOL_FLAGS: [&str; 10] = [
    "cache",
    "modcache",
    "testcache",
    "fuzzcache",
    "c",
    "i",
    "short",
    "failfast",
    "benchmem",
    "fullpath",
];

fn value_flag(flag: &str) -> bool {
    super::compile::GO_VALUE_FLAGS.contains(&flag) || GO_TEST_VALUE_FLAGS.contains(&flag)
}

fn bool_flag(flag: &str) -> bool {
    super::compile::GO_BOOL_FLAGS.contains(&flag) || GO_MORE_BOOL_FLAGS.contains(&flag)
}

/// Flags and packages of `go build|install|test|vet` (after the subcommand).
struct GoArgs<'a> {
    output: Option<String>,
    chdir: bool,
    packages: Vec<&'a str>,
    flags: Vec<String>,
}

fn go_args(args: &[crate::shell::Word]) -> Option<GoArgs<'_>> {
    let mut g = GoArgs {
        output: None,
        chdir: false,
        packages: Vec::new(),
        flags: Vec::new(),
    };
    let mut i = 0;
    while i < args.len() {
        let w = &args[i];
        let t = w.text.as_str();
        if !g.packages.is_empty() || !t.starts_with('-') || t == "-" {
            // Packages (and, for `go test`, the test binary's own flags after them).
            if g.packages.is_empty() || !t.starts_with('-') {
                g.packages.push(plain(w)?);
            }
            i += 1;
            continue;
        }
        if t == "--" {
            break;
        }
        let body = t.trim_start_matches('-');
        let (flag, inline) = match body.split_once('=') {
            Some((f, v)) => (f, Some(v)),
            None => (body, None),
        };
        if value_flag(flag) {
            let value = match inline {
                Some(v) => Some(v.to_string()),
                None => {
                    i += 1;
                    let v = args.get(i)?;
                    // A computed value of a flag that does not name a file is harmless.
                    match plain(v) {
                        Some(p) => Some(p.to_string()),
                        None if matches!(flag, "o" | "C" | "modfile" | "pkgdir") => return None,
                        None => None,
                    }
                }
            };
            match flag {
                "o" => g.output = Some(value.clone()?),
                "C" => g.chdir = true,
                // Another file to write (`-modfile`), or a place kexit does not follow.
                "modfile" | "pkgdir" | "toolexec" | "exec" | "overlay" => return None,
                _ => {}
            }
            g.flags
                .push(format!("{flag}={}", value.unwrap_or_default()));
        } else if bool_flag(flag) {
            g.flags.push(flag.to_string());
        } else {
            // `-n` (print only), `-coverprofile`, `-cpuprofile`, … or a flag kexit does not
            // know: it may write a file kexit cannot name.
            return None;
        }
        i += 1;
    }
    Some(g)
}

/// What a `go` command writes besides the outputs [`super::compile`] describes
/// (`compile_placed`: it describes this command's). `cd_before`: a `cd` ran earlier in the same
/// RUN (the current directory is not WORKDIR). `None`: kexit cannot tell (`go run`,
/// `go generate`, `go tool`, an unknown subcommand or flag).
pub fn go(cmd: &Command, cd_before: bool, compile_placed: bool) -> Option<Writes> {
    let sub = cmd.args.first().map(|a| a.text.as_str()).unwrap_or("help");
    let rest = cmd.args.get(1..).unwrap_or(&[]);
    // Every go command may fill the build and module caches (a toolchain download lands in
    // the module cache too).
    let mut w = Writes {
        tool: vec![GoDir::Cache, GoDir::ModCache],
        ..Writes::default()
    };
    let assigned = assignments(cmd);
    if assigned
        .iter()
        .any(|(n, v)| n == "GOFLAGS" && v.as_deref().is_none_or(|f| !f.is_empty()))
    {
        // Flags kexit does not see (`-mod=mod` rewrites go.mod, `-o` …).
        return None;
    }
    // Files in the current directory, as written relative to WORKDIR.
    let cwd = |name: &str| -> Option<String> {
        if cd_before {
            None
        } else {
            Some(name.to_string())
        }
    };
    match sub {
        "version" | "help" | "doc" | "list" | "vet" | "fmt" => {}
        "env" => {
            if rest
                .iter()
                .any(|a| matches!(a.text.as_str(), "-w" | "-u") || a.text.starts_with("-w="))
            {
                w.tool.push(GoDir::Config);
            }
        }
        "mod" => {
            let op = rest.first().map(|a| a.text.as_str())?;
            match op {
                "download" | "verify" | "graph" | "why" => {
                    // `go mod download` may add missing sums to go.sum (Go 1.17+).
                    if op == "download" {
                        w.paths.push(cwd(".")?);
                    }
                }
                // go.mod, go.sum, vendor/ of the module in the current directory.
                "tidy" | "init" | "edit" | "vendor" => {
                    if rest.iter().any(|a| a.text.starts_with("-o")) {
                        return None;
                    }
                    w.paths.push(cwd(".")?);
                }
                _ => return None,
            }
        }
        "get" => {
            w.paths.push(cwd(".")?);
            w.tool.push(GoDir::GoPath);
            w.tool.push(GoDir::Bin);
        }
        "clean" => {
            let g = go_args(rest)?;
            if g.flags.iter().any(|f| f == "r") || g.chdir {
                return None;
            }
            if g.flags.iter().any(|f| f == "i") {
                w.tool.push(GoDir::Bin);
            }
            w.removes.push(cwd(".")?);
        }
        "build" | "install" | "test" => {
            let g = go_args(rest)?;
            if g.flags.iter().any(|f| f == "mod=mod") {
                w.paths.push(cwd(".")?);
            }
            let single = g.packages.len() <= 1 && !g.packages.iter().any(|p| p.contains("..."));
            match sub {
                "build" => match &g.output {
                    // compile.rs places it (or fuzzes it when it is not certain).
                    Some(_) if compile_placed => {}
                    // Several packages, a library build mode: something under OUT.
                    Some(o) if o.starts_with('/') => w.paths.push(o.clone()),
                    Some(_) if g.chdir => return None,
                    Some(o) => w.paths.push(cwd(o)?),
                    // Without -o, one main package is written to the current directory
                    // (`-C DIR`: to DIR); several packages are only compiled.
                    None if g.chdir => return None,
                    None if single => w.paths.push(cwd(".")?),
                    None => {}
                },
                "install" => {
                    if g.output.is_some() || g.chdir {
                        return None;
                    }
                    // Programs compile.rs names are placed by it; the others (`.`, `./...`,
                    // cross-compiled) go to GOBIN.
                    let all_named = !g.packages.is_empty()
                        && g.packages
                            .iter()
                            .all(|p| super::compile::go_program_name(p).is_some());
                    if !(compile_placed && all_named) {
                        w.tool.push(GoDir::Bin);
                    }
                }
                _ => {
                    // go test runs the package's tests in its source directory: they may
                    // write there; `-c`/`-o` keep the test binary.
                    if g.chdir {
                        return None;
                    }
                    match &g.output {
                        Some(o) if o.starts_with('/') => w.paths.push(o.clone()),
                        Some(o) => w.paths.push(cwd(o)?),
                        None => {}
                    }
                    w.removes.push(cwd(".")?);
                    w.paths.push("/tmp".to_string());
                }
            }
        }
        // `go run`, `go generate`, `go tool`, `go work`, … run or write what kexit cannot see.
        _ => return None,
    }
    Some(w)
}

/// What a C compiler command writes besides its `-o` output when [`super::compile`] places it
/// (`compile_placed`). `None` when kexit cannot tell (a response file, a flag writing files it
/// does not follow, a computed output).
pub fn cc(cmd: &Command, cd_before: bool, compile_placed: bool) -> Option<Writes> {
    let mut w = Writes::default();
    let mut output: Option<String> = None;
    let mut inputs: Vec<&str> = Vec::new();
    // A source kexit cannot name (`src/*.c`): only its object's name is unknown.
    let mut inputs_unclear = false;
    let (mut compile_only, mut no_output, mut deps) = (None, false, false);
    let mut i = 0;
    let args = &cmd.args;
    while i < args.len() {
        let a = &args[i];
        let t = a.text.as_str();
        if !a.literal && t.starts_with('-') && t.len() > 2 && t.starts_with("-o") {
            return None;
        }
        match t {
            "-o" => {
                i += 1;
                output = Some(plain(args.get(i)?)?.to_string());
            }
            "-c" | "-S" | "-E" => compile_only = Some(t),
            "-fsyntax-only" | "-###" | "--help" | "--version" | "-v" | "-dumpversion"
            | "-dumpmachine" | "-dumpspecs" => no_output = true,
            "-M" | "-MM" => compile_only = Some("-E"),
            "-MD" | "-MMD" => deps = true,
            "-MF" => {
                i += 1;
                let f = plain(args.get(i)?)?;
                w.paths.push(if f.starts_with('/') {
                    f.to_string()
                } else {
                    cwd_path(f, cd_before)?
                });
            }
            "-I" | "-L" | "-D" | "-U" | "-l" | "-include" | "-imacros" | "-isystem" | "-iquote"
            | "-idirafter" | "-x" | "-MT" | "-MQ" | "-Xlinker" | "-Xassembler"
            | "-Xpreprocessor" | "-T" | "-u" | "-z" | "--param" | "-arch" | "-target"
            | "-isysroot" | "-framework" | "-Xclang" | "-mllvm" | "-e" => {
                let v = args.get(i + 1)?;
                if t == "-Xlinker" && writes_file(&v.text) {
                    return None;
                }
                i += 1;
            }
            _ if t.starts_with("-o") && t.len() > 2 => {
                output = Some(t[2..].to_string());
                if t.contains(['$', '`', '*', '?']) {
                    return None;
                }
            }
            _ if t.starts_with('@')
                || t.starts_with("--output")
                || t.starts_with("-save-temps")
                || t.starts_with("-fdump")
                || t.starts_with("-fprofile")
                || t.starts_with("-ftest-coverage")
                || t.starts_with("--coverage")
                || t.starts_with("-fstack-usage")
                || t.starts_with("-fcallgraph-info")
                || t.starts_with("-aux-info")
                || t.starts_with("-fmodules")
                || t.starts_with("-emit")
                || (t.starts_with("-Wl,") && writes_file(t)) =>
            {
                return None;
            }
            _ if t.starts_with('-') => {}
            _ => match plain(a) {
                Some(p) => inputs.push(p),
                None => inputs_unclear = true,
            },
        }
        i += 1;
    }
    if no_output || (inputs.is_empty() && !inputs_unclear) {
        return Some(w);
    }
    // The compiler's temporary files (removed when it exits).
    w.paths.push("/tmp".to_string());
    match (&output, compile_only) {
        (Some(o), _) => {
            if !compile_placed {
                w.paths.push(if o.starts_with('/') {
                    o.clone()
                } else {
                    cwd_path(o, cd_before)?
                });
            }
            if deps {
                // `OUT.d` (the output's suffix replaced) next to it.
                let d = o.rsplit_once('/').map_or(".", |(d, _)| d);
                let d = if d.is_empty() { "/" } else { d };
                w.paths.push(if d.starts_with('/') {
                    d.to_string()
                } else {
                    cwd_path(d, cd_before)?
                });
            }
        }
        (None, Some("-E")) => {}
        (None, mode) => {
            // `a.out`, or one object per source, in the current directory.
            let ext = match mode {
                Some("-c") => Some("o"),
                Some("-S") => Some("s"),
                _ => None,
            };
            match ext {
                None => w.paths.push(cwd_path("a.out", cd_before)?),
                Some(_) if inputs_unclear => return None,
                Some(ext) => {
                    for f in &inputs {
                        let base = f.rsplit('/').next().unwrap_or(f);
                        let stem = base.rsplit_once('.').map_or(base, |(s, _)| s);
                        w.paths.push(cwd_path(&format!("{stem}.{ext}"), cd_before)?);
                    }
                }
            }
            if deps {
                w.paths.push(cwd_path(".", cd_before)?);
            }
        }
    }
    Some(w)
}

fn cwd_path(p: &str, cd_before: bool) -> Option<String> {
    (!cd_before).then(|| p.to_string())
}

/// A linker option that writes a file of its own (`-Map=`, `--out-implib`, `--dependency-file`).
fn writes_file(opt: &str) -> bool {
    let o = opt.to_ascii_lowercase();
    o.contains("map") || o.contains("implib") || o.contains("dependency-file")
}

/// Where a go tool directory is in `img`, or None when it is not certain (a computed value, a
/// relative path, an unknown home directory). An empty list: nothing is written (`GOCACHE=off`).
pub(crate) fn resolve(img: &Image, t: &ToolDir) -> Option<Vec<String>> {
    let var = |n: &str| -> Option<Option<String>> {
        if let Some((_, v)) = t.assigned.iter().rev().find(|(k, _)| k == n) {
            return Some(v.clone());
        }
        img.env(n).map(|v| Some(v.to_string()))
    };
    let abs = |v: &str| -> Option<String> {
        (v.starts_with('/') && !v.contains(['$', '`'])).then(|| normalize("/", v))
    };
    // HOME: set, else root's (Docker sets HOME from the user's passwd entry).
    let home = || -> Option<String> {
        match var("HOME") {
            Some(v) => abs(&v?),
            None => {
                let user = img.user.as_deref().unwrap_or("root");
                let name = user.split(':').next().unwrap_or(user);
                matches!(name, "" | "root" | "0").then(|| "/root".to_string())
            }
        }
    };
    let gopath = || -> Option<Vec<String>> {
        match var("GOPATH") {
            Some(v) => {
                let v = v?;
                let entries: Vec<String> = v
                    .split(':')
                    .filter(|e| !e.is_empty())
                    .map(abs)
                    .collect::<Option<_>>()?;
                (!entries.is_empty()).then_some(entries)
            }
            None => Some(vec![format!("{}/go", home()?)]),
        }
    };
    let xdg = |n: &str, sub: &str| -> Option<String> {
        match var(n) {
            Some(v) => Some(format!("{}/{sub}", abs(&v?)?)),
            None => Some(format!("{}/.{}/{sub}", home()?, n_dir(n))),
        }
    };
    let dirs = match t.dir {
        GoDir::Cache => match var("GOCACHE") {
            Some(v) if v.as_deref() == Some("off") => Vec::new(),
            Some(v) => vec![abs(&v?)?],
            None => vec![xdg("XDG_CACHE_HOME", "go-build")?],
        },
        GoDir::ModCache => match var("GOMODCACHE") {
            Some(v) => vec![abs(&v?)?],
            None => vec![format!("{}/pkg/mod", gopath()?.first()?)],
        },
        GoDir::GoPath => gopath()?,
        GoDir::Bin => match var("GOBIN") {
            Some(v) => vec![abs(&v?)?],
            None => vec![format!("{}/bin", gopath()?.first()?)],
        },
        GoDir::Config => match var("GOENV") {
            Some(v) if v.as_deref() == Some("off") => Vec::new(),
            Some(v) => vec![abs(&v?)?],
            None => vec![xdg("XDG_CONFIG_HOME", "go/env")?],
        },
    };
    Some(dirs.into_iter().map(|d| normalize("/", &d)).collect())
}

/// `~/.cache` or `~/.config`: the default of an XDG variable.
fn n_dir(var: &str) -> &'static str {
    if var == "XDG_CACHE_HOME" {
        "cache"
    } else {
        "config"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmd(text: &str) -> Command {
        crate::shell::parse(text)
            .commands
            .into_iter()
            .next()
            .expect("one command")
    }

    fn gow(text: &str) -> Option<Writes> {
        let c = cmd(text);
        let placed = !crate::image::compile::command_outputs(&c).is_empty();
        go(&c, false, placed)
    }

    #[test]
    fn go_write_sets() {
        let w = gow("go mod download").expect("followed");
        assert_eq!(w.tool, [GoDir::Cache, GoDir::ModCache]);
        assert_eq!(w.paths, ["."]);
        // An output compile.rs places: nothing else but the caches.
        let w = gow("CGO_ENABLED=0 go build -ldflags=\"-s -w\" -o /out/ ./cmd/api").expect("f");
        assert!(w.paths.is_empty() && w.removes.is_empty());
        // Without -o: the current directory.
        assert_eq!(gow("go build ./cmd/api").expect("f").paths, ["."]);
        assert!(gow("go build ./...").expect("f").paths.is_empty());
        assert!(go(&cmd("go build ."), true, false).is_none());
        // Several packages into a directory: something under it.
        assert_eq!(
            gow("go build -o /out/ ./a ./b").expect("f").paths,
            ["/out/"]
        );
        assert!(gow("go install example.com/x@v1").expect("f").tool.len() == 2);
        // A pattern next to a named program: its programs go to GOBIN too.
        assert!(gow("go install ./cmd/a ./...")
            .expect("f")
            .tool
            .contains(&GoDir::Bin));
        assert!(gow("go clean -cache -modcache").is_some());
        let w = gow("go install ./...").expect("f");
        assert!(w.tool.contains(&GoDir::Bin));
        assert!(gow("go env -w GOPROXY=direct")
            .expect("f")
            .tool
            .contains(&GoDir::Config));
        assert!(gow("go vet ./...").expect("f").paths.is_empty());
        assert_eq!(gow("go test ./...").expect("f").removes, ["."]);
        assert_eq!(
            gow("go test -c -o /out/x.test ./pkg").expect("f").paths,
            ["/out/x.test", "/tmp"]
        );
        // Not followed: code kexit cannot see runs, or files it cannot name are written.
        for t in [
            "go run ./cmd/gen",
            "go generate ./...",
            "go tool cover",
            "go work sync",
            "go build -coverprofile=c.out .",
            "go build -modfile=x.mod -o /x .",
            "GOFLAGS=-mod=mod go build -o /x .",
            "go build -o $OUT .",
            "go mod frobnicate",
            "go clean -r",
        ] {
            assert!(gow(t).is_none(), "{t}");
        }
    }

    #[test]
    fn cc_write_sets() {
        let c = |t: &str, placed: bool| cc(&cmd(t), false, placed);
        let w = c("gcc -O2 -o /src/hello hello.c", true).expect("f");
        assert_eq!(w.paths, ["/tmp"]);
        let w = c("gcc -O2 -o /src/hello hello.c || true", false).expect("f");
        assert_eq!(w.paths, ["/tmp", "/src/hello"]);
        assert_eq!(c("gcc hello.c", false).expect("f").paths, ["/tmp", "a.out"]);
        assert_eq!(
            c("cc -c -Wall src/a.c b.c", false).expect("f").paths,
            ["/tmp", "a.o", "b.o"]
        );
        assert!(c("gcc --version", false).expect("f").paths.is_empty());
        // Globbed sources: the -o output is still the only program.
        assert_eq!(
            c("g++ -std=c++17 -o /app/server src/*.cpp", true)
                .expect("f")
                .paths,
            ["/tmp"]
        );
        assert!(c("cc -c src/*.c", false).is_none());
        assert!(cc(&cmd("gcc hello.c"), true, false).is_none());
        for t in [
            "gcc @args",
            "gcc -save-temps -o x x.c",
            "gcc -Wl,-Map=out.map -o x x.c",
            "gcc -o $OUT x.c",
            "gcc --coverage -o x x.c",
        ] {
            assert!(c(t, false).is_none(), "{t}");
        }
    }

    #[test]
    fn resolves_go_dirs() {
        let img = crate::image::catalogue::image("golang:1.22").expect("golang");
        let t = |dir, assigned: &[(&str, Option<&str>)]| ToolDir {
            dir,
            assigned: assigned
                .iter()
                .map(|(n, v)| (n.to_string(), v.map(str::to_string)))
                .collect(),
        };
        assert_eq!(
            resolve(&img, &t(GoDir::Cache, &[])),
            Some(vec!["/root/.cache/go-build".to_string()])
        );
        assert_eq!(
            resolve(&img, &t(GoDir::ModCache, &[])),
            Some(vec!["/go/pkg/mod".to_string()])
        );
        assert_eq!(
            resolve(&img, &t(GoDir::Bin, &[])),
            Some(vec!["/go/bin".to_string()])
        );
        assert_eq!(
            resolve(&img, &t(GoDir::Cache, &[("GOCACHE", Some("/cache"))])),
            Some(vec!["/cache".to_string()])
        );
        assert_eq!(resolve(&img, &t(GoDir::Cache, &[("GOCACHE", None)])), None);
        assert_eq!(
            resolve(&img, &t(GoDir::Cache, &[("GOCACHE", Some("off"))])),
            Some(vec![])
        );
        let mut user = img.clone();
        user.user = Some("app".to_string());
        assert_eq!(resolve(&user, &t(GoDir::Cache, &[])), None);
        assert_eq!(
            resolve(&user, &t(GoDir::ModCache, &[])),
            Some(vec!["/go/pkg/mod".to_string()])
        );
        assert_eq!(
            resolve(&img, &t(GoDir::Config, &[])),
            Some(vec!["/root/.config/go/env".to_string()])
        );
    }
}
