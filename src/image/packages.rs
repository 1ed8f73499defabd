//! Package name → binaries table for `apk add`, `apt-get install`, `dnf/microdnf/yum install`,
//! `pip install`, and the reader that finds installs in a parsed RUN command.

use crate::shell::Script;

/// Absolute paths of the binaries a package installs (empty for packages that install none we
/// track, such as `ca-certificates`), or None for a package kexit does not know.
pub fn binaries(manager: &str, package: &str) -> Option<&'static [&'static str]> {
    // Drop version pins and architecture qualifiers: `curl=7.88*`, `bash~5`, `python3:amd64`.
    let name = package
        .split(['=', '<', '>', '~', ':'])
        .next()
        .unwrap_or(package)
        .trim();
    if manager == "pip" {
        return Some(match name.to_ascii_lowercase().as_str() {
            "gunicorn" => &["/usr/local/bin/gunicorn"],
            "uvicorn" => &["/usr/local/bin/uvicorn"],
            "celery" => &["/usr/local/bin/celery"],
            "flask" => &["/usr/local/bin/flask"],
            "django" => &["/usr/local/bin/django-admin"],
            "pip" | "setuptools" | "wheel" => &[],
            _ => return None,
        });
    }
    let alpine = manager == "apk";
    Some(match name {
        "bash" => &["/bin/bash"],
        "curl" => &["/usr/bin/curl"],
        "wget" => &["/usr/bin/wget"],
        "python3" | "python3-minimal" => &["/usr/bin/python3"],
        "python-is-python3" => &["/usr/bin/python"],
        "python3-pip" | "py3-pip" => &["/usr/bin/pip3", "/usr/bin/pip"],
        "nodejs" | "nodejs-current" => &["/usr/bin/node"],
        "npm" => &["/usr/bin/npm", "/usr/bin/npx"],
        "openjdk17-jre"
        | "openjdk17"
        | "openjdk21-jre"
        | "openjdk21"
        | "openjdk11-jre"
        | "openjdk11"
        | "openjdk-17-jre-headless"
        | "openjdk-17-jre"
        | "openjdk-17-jdk"
        | "openjdk-17-jdk-headless"
        | "openjdk-21-jre-headless"
        | "openjdk-21-jre"
        | "openjdk-21-jdk"
        | "openjdk-21-jdk-headless"
        | "openjdk-11-jre-headless"
        | "default-jre"
        | "default-jre-headless"
        | "default-jdk"
        | "java-17-openjdk"
        | "java-17-openjdk-headless"
        | "java-21-openjdk"
        | "java-21-openjdk-headless" => &["/usr/bin/java"],
        "tini" => {
            if alpine {
                &["/sbin/tini"]
            } else {
                &["/usr/bin/tini", "/usr/bin/tini-static"]
            }
        }
        "tini-static" => &["/sbin/tini-static", "/usr/bin/tini-static"],
        "dumb-init" => &["/usr/bin/dumb-init"],
        "jq" => &["/usr/bin/jq"],
        "git" => &["/usr/bin/git"],
        "ca-certificates" | "tzdata" | "locales" | "gnupg" | "libc6-compat" | "gcompat" => &[],
        "busybox" => &["/bin/busybox"],
        "netcat-openbsd" | "netcat-traditional" => &["/bin/nc"],
        "procps" => &["/bin/ps", "/usr/bin/pkill", "/usr/bin/pgrep"],
        "gettext-base" | "gettext" => &["/usr/bin/envsubst"],
        "unzip" => &["/usr/bin/unzip"],
        "su-exec" => &["/sbin/su-exec"],
        "gosu" => &["/usr/sbin/gosu"],
        "nginx" => &["/usr/sbin/nginx"],
        "openssl" => &["/usr/bin/openssl"],
        _ => return None,
    })
}

/// A package install found in a RUN command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Install {
    pub manager: &'static str,
    pub packages: Vec<String>,
    /// The program as written (`/opt/venv/bin/pip`, `apt-get`, `python3`).
    pub program: String,
    /// Its options (`--no-install-recommends`, `-t`, `--repository=…`), in order.
    pub options: Vec<String>,
    /// pip's requirement files (`-r requirements.txt`), as written (relative to WORKDIR).
    pub requirement_files: Vec<String>,
}

/// Result of reading one RUN shell command.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunEffects {
    pub installs: Vec<Install>,
    /// Mode changes (`chmod [-R]`, `find … -exec chmod`, `find … | xargs chmod`), in order.
    pub modes: Vec<super::chmod::ModeChange>,
    /// `ln -s TARGET LINK` pairs.
    pub symlinks: Vec<(String, String)>,
    /// `mkdir -p` directories.
    pub mkdirs: Vec<String>,
    /// Paths (absolute or relative to WORKDIR) whose state becomes unknown (`rm`, `cp`, `mv`
    /// destinations).
    pub fuzzy_paths: Vec<String>,
    /// Something kexit cannot follow (an installer script, `make install`, a package manager
    /// with unknown packages, `rm` of paths …).
    pub unfollowable: bool,
    /// Only package-like effects that could not be followed (unknown packages): limited to
    /// system directories.
    pub unknown_packages: bool,
    /// Language package managers' installs whose programs kexit has no data for (gems, global
    /// npm packages): their package directories become unknown, their bin directories may hold
    /// any name but the distributions' well-known programs ([`super::installs::apply_lang`]).
    pub lang_installs: Vec<LangInstall>,
    /// Files whose content is rewritten in place (`sed -i`, `dos2unix`, `perl -pi`): their text
    /// in the image is no longer the build-context text (CRLF, BOM, shebang may be fixed).
    pub rewritten: Vec<String>,
    /// Content rewritten in files kexit cannot name (`find … -exec dos2unix`, globs it cannot
    /// place): no build-context text can be trusted any more.
    pub rewrite_unknown: bool,
    /// Where a pip install of packages kexit does not know may have written programs.
    pub pip_dirs: Vec<String>,
    /// Virtual environments created (`python -m venv DIR`), with whether they get pip.
    pub venvs: Vec<(String, bool)>,
    /// chmod/chown/useradd, for owners and modes ([`super::perms`]).
    pub perms: super::perms::PermEffects,
    /// Files build commands create (`go build -o`, `gcc -o`, `go install`).
    pub built: Vec<super::compile::Output>,
    /// Paths (absolute or relative to WORKDIR) build commands may create or change besides
    /// those outputs (`go build` without `-o`, `gcc -c`, `go mod tidy`): unknown after the
    /// step, without removing the outputs.
    pub build_writes: Vec<String>,
    /// Code ran whose writes are only assumed (a python script, `npm run`, `go test`).
    pub runs_code: bool,
    /// The go tool's directories written (caches, GOBIN, its config).
    pub tool_dirs: Vec<super::buildcmd::ToolDir>,
}

/// A language package manager's install ([`RunEffects::lang_installs`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LangInstall {
    /// `gem install`, `bundle install`: gems under GEM_HOME/BUNDLE_PATH, their executables in
    /// its `bin` (or the gem bindir).
    Gem,
    /// `npm install -g` (yarn/pnpm global): packages under the prefix's `lib/node_modules`,
    /// their `bin` links in the prefix's `bin`.
    NpmGlobal,
}

/// Commands that do not create files kexit tracks.
const HARMLESS: &[&str] = &[
    "echo",
    "true",
    "set",
    "cd",
    "export",
    "printf",
    "test",
    "[",
    "groupadd",
    "useradd",
    "adduser",
    "addgroup",
    "chown",
    "mkdir",
    "rm",
    "ln",
    "chmod",
    "apt-get",
    "apt",
    "apk",
    "dnf",
    "microdnf",
    "yum",
    "pip",
    "pip3",
    "update-ca-certificates",
    "npm",
    "yarn",
    "go",
    "mvn",
    "gradle",
    "./gradlew",
    "./mvnw",
    "touch",
    "sed",
    "cat",
    "ls",
    "cp",
    "mv",
    "find",
    "useradd",
    "usermod",
    "python",
    "python3",
    "tar",
    "gzip",
    "unzip",
    "locale-gen",
    "dpkg-reconfigure",
    "env",
    "which",
    "command",
    "exit",
    "cargo",
    "rustup",
    "gcc",
    "make",
    "npx",
    "pnpm",
    "corepack",
    "bundle",
    "gem",
    "composer",
    "dotnet",
    "git",
    "sleep",
    "wait",
    "true",
    ":",
    "sh",
    "bash",
];

/// Read a RUN command, as the shell parser split it (assignments and `exec`/`env`/`nohup`
/// prefixes already taken apart; heredoc bodies and `$(…)` never read as commands), for
/// package installs, chmod, ln -s and mkdir. `None` (text kexit cannot read as sh: a
/// PowerShell or cmd `SHELL`) can do anything.
pub fn read_run(script: Option<&Script>) -> RunEffects {
    let mut fx = RunEffects::default();
    let Some(script) = script else {
        fx.unfollowable = true;
        return fx;
    };
    fx.built = super::compile::outputs(script);
    // A `cd` earlier in the RUN: relative writes are not relative to WORKDIR. An `export` of a
    // go variable: the go tool writes elsewhere than the image ENV says.
    let mut cd_before = false;
    let mut go_env_moved = false;
    // Commands that certainly run: top-level simple commands whose failure is not tested.
    let top: std::collections::HashSet<usize> = script
        .items
        .iter()
        .filter(|it| it.kind == crate::shell::ItemKind::Simple)
        .filter_map(|it| it.command)
        .collect();
    let top_level = |i: usize| {
        top.contains(&i)
            && script
                .commands
                .get(i)
                .is_some_and(|c| c.flow == crate::shell::Flow::Plain)
    };
    for (i, cmd) in script.commands.iter().enumerate() {
        if cmd.name.text.is_empty()
            && cmd
                .assignments
                .iter()
                .any(|a| super::buildcmd::moves_go_dirs(&a.text))
        {
            go_env_moved = true;
        }
        // `echo … > /usr/local/bin/run`: the redirection creates (or truncates) its target.
        for r in &cmd.redirects {
            if r.op.contains('>') && !r.op.contains('&') {
                if let Some(t) = &r.target {
                    fx.fuzzy_paths.push(unquote(&t.text));
                }
            }
        }
        let words: Vec<&str> = std::iter::once(cmd.name.text.as_str())
            .chain(cmd.args.iter().map(|a| a.text.as_str()))
            .collect();
        let mut w = words.as_slice();
        while w.first() == Some(&"sudo") {
            w = &w[1..];
        }
        let Some(&prog) = w.first() else { continue };
        let args = &w[1..];
        let prog_name = prog.rsplit('/').next().unwrap_or(prog);
        if matches!(prog_name, "cd" | "pushd" | "popd") {
            cd_before = true;
        }
        if matches!(
            prog_name,
            "export" | "declare" | "typeset" | "readonly" | "local"
        ) && args.iter().any(|a| super::buildcmd::moves_go_dirs(a))
        {
            go_env_moved = true;
        }
        // The command itself (not behind `sudo`) as the shell parsed it, for the build tools.
        let direct = w.len() == words.len() && cmd.name.literal;
        match prog_name {
            "go" if direct && !go_env_moved => {
                if args.first() == Some(&"test") {
                    fx.runs_code = true;
                }
                let placed = !super::compile::command_outputs(cmd).is_empty();
                match super::buildcmd::go(cmd, cd_before, placed) {
                    Some(writes) => record_writes(&mut fx, cmd, writes),
                    None => fx.unfollowable = true,
                }
            }
            "gcc" | "cc" | "g++" | "c++" | "clang" | "clang++" | "musl-gcc" if direct => {
                let placed = !super::compile::command_outputs(cmd).is_empty();
                match super::buildcmd::cc(cmd, cd_before, placed) {
                    Some(writes) => record_writes(&mut fx, cmd, writes),
                    None => fx.unfollowable = true,
                }
            }
            // `gofmt` rewrites Go sources only (or prints them).
            "gofmt" => {}
            // `apk [global options] add …` (`apk --no-cache add bash`, `apk -U add`).
            "apk" if args.contains(&"add") => {
                let i = args.iter().position(|a| *a == "add").unwrap_or(0);
                push_install(&mut fx, "apk", prog, &args[i + 1..]);
                // Global options (`apk -X URL add`, `apk --root /x add`) count as the install's.
                if let Some(last) = fx.installs.last_mut() {
                    let global = args[..i].iter().filter(|a| a.starts_with('-'));
                    last.options.splice(0..0, global.map(|a| unquote(a)));
                }
            }
            "apt-get" | "apt" if args.contains(&"install") => {
                let i = args.iter().position(|a| *a == "install").unwrap_or(0);
                push_install(&mut fx, "apt", prog, &args[i + 1..]);
            }
            "dnf" | "microdnf" | "yum" if args.contains(&"install") => {
                let i = args.iter().position(|a| *a == "install").unwrap_or(0);
                push_install(&mut fx, "dnf", prog, &args[i + 1..]);
            }
            "pip" | "pip3" if args.first() == Some(&"install") => {
                push_install(&mut fx, "pip", prog, &args[1..]);
            }
            "python" | "python3" if args.starts_with(&["-m", "pip", "install"]) => {
                push_install(&mut fx, "pip", prog, &args[3..]);
            }
            // A virtual environment: its directory gets `bin/python`, `bin/pip` and whatever
            // is installed into it later.
            "python" | "python3" | "virtualenv"
                if prog_name == "virtualenv"
                    || args.starts_with(&["-m", "venv"])
                    || args.starts_with(&["-m", "virtualenv"]) =>
            {
                let skip = if prog_name == "virtualenv" { 0 } else { 2 };
                let dirs: Vec<String> = args
                    .iter()
                    .skip(skip)
                    .filter(|a| !a.starts_with('-'))
                    .map(|a| unquote(a))
                    .collect();
                if dirs.is_empty() {
                    fx.unfollowable = true;
                }
                let with_pip = !args.contains(&"--without-pip");
                fx.venvs.extend(dirs.into_iter().map(|d| (d, with_pip)));
            }
            "useradd" | "adduser" => {
                let positional = args.iter().filter(|a| !a.starts_with('-')).count();
                if prog_name == "adduser"
                    && positional == 2
                    && !args.iter().any(|a| a.starts_with('-'))
                {
                    // Debian's `adduser USER GROUP`: adds an existing user to a group.
                    if let Some(u) = args.first() {
                        fx.perms.regrouped.push(unquote(u));
                    }
                } else if let Some(u) = super::perms::read_useradd(args) {
                    fx.perms
                        .homes
                        .extend(super::perms::created_home(prog_name, args));
                    if !super::perms::useradd_joins_root(args) {
                        fx.perms.outside_root_group.push(u.0.clone());
                    }
                    fx.perms.users.push(u);
                }
            }
            // busybox `addgroup USER GROUP`: adds an existing user to a group.
            "addgroup" if args.len() == 2 && !args.iter().any(|a| a.starts_with('-')) => {
                fx.perms.regrouped.push(unquote(args[0]));
            }
            "gpasswd" => {
                if let Some(u) = args
                    .iter()
                    .skip_while(|a| !matches!(**a, "-a" | "--add"))
                    .nth(1)
                {
                    fx.perms.regrouped.push(unquote(u));
                }
            }
            // `usermod [-u UID] [-l NEW] NAME`: the uid it sets, else the user's uid is no
            // longer certain.
            "usermod" => {
                if let Some(name) = args.last().map(|a| unquote(a)) {
                    let uid = args
                        .iter()
                        .position(|a| *a == "-u" || *a == "--uid")
                        .and_then(|i| args.get(i + 1))
                        .and_then(|v| v.parse().ok())
                        .filter(|_| !args.contains(&"-l") && !args.contains(&"--login"));
                    if args.iter().any(|a| {
                        a.starts_with("-g")
                            || a.starts_with("-G")
                            || a.starts_with("--g")
                            || a.starts_with("-a")
                            || a.starts_with("--append")
                    }) {
                        fx.perms.regrouped.push(name.clone());
                    }
                    fx.perms.users.push((name, uid));
                }
            }
            "chown" => {
                let rec = args.iter().any(|a| *a == "-R" || *a == "--recursive");
                let rest: Vec<String> = args
                    .iter()
                    .filter(|a| !a.starts_with('-'))
                    .map(|a| unquote(a))
                    .collect();
                if let Some((owner, files)) = rest.split_first() {
                    fx.perms.chowns.push((owner.clone(), files.to_vec(), rec));
                }
            }
            "chmod" => match super::chmod::read_chmod(args) {
                Some((mode, paths, recursive)) => fx.modes.push(super::chmod::ModeChange {
                    mode,
                    paths,
                    recursive,
                    select: super::chmod::Select::All,
                    certain: top_level(i),
                    cd_before,
                }),
                None => fx.unfollowable = true,
            },
            "ln" => {
                let rest: Vec<&str> = args
                    .iter()
                    .copied()
                    .filter(|a| !a.starts_with('-'))
                    .collect();
                if args.iter().any(|a| a.starts_with('-') && a.contains('s')) && rest.len() == 2 {
                    fx.symlinks.push((unquote(rest[0]), unquote(rest[1])));
                } else {
                    fx.unfollowable = true;
                }
            }
            "mkdir" => {
                fx.mkdirs.extend(
                    args.iter()
                        .filter(|a| !a.starts_with('-'))
                        .map(|a| unquote(a)),
                );
            }
            // `touch` creates files kexit does not track (without an exec bit).
            "rm" | "mv" | "cp" | "touch" => {
                let rest: Vec<String> = args
                    .iter()
                    .filter(|a| !a.starts_with('-'))
                    .map(|a| unquote(a))
                    .collect();
                if rest.iter().any(|a| a.contains(['*', '?', '$', '`'])) && prog_name != "rm" {
                    fx.unfollowable = true;
                }
                fx.fuzzy_paths.extend(rest);
            }
            // Project-local package managers write under the working directory
            // (`node_modules`, `.yarn`); only global installs reach system directories.
            "npm" | "yarn" | "pnpm" | "npx" => {
                // Anything but an install runs the project's own scripts.
                if !matches!(args.first(), Some(&("install" | "i" | "ci" | "add"))) {
                    fx.runs_code = true;
                }
                if args
                    .iter()
                    .any(|a| matches!(*a, "-g" | "--global" | "global" | "--location=global"))
                {
                    if args
                        .iter()
                        .any(|a| a.starts_with("--prefix") || a.contains('$'))
                    {
                        fx.unknown_packages = true;
                    } else {
                        // Install scripts run as the package is installed.
                        fx.runs_code = true;
                        fx.lang_installs.push(LangInstall::NpmGlobal);
                    }
                } else {
                    fx.fuzzy_paths.push(".".to_string());
                }
            }
            "sed" | "perl" if args.iter().any(|a| is_in_place(prog_name, a)) => {
                let mut rest: Vec<&str> = Vec::new();
                let mut explicit_script = false;
                let mut k = 0;
                while k < args.len() {
                    let a = args[k];
                    if a == "-e" || a == "--expression" || a == "-f" {
                        explicit_script = true;
                        k += 2;
                        continue;
                    }
                    if !a.starts_with('-') {
                        rest.push(a);
                    }
                    k += 1;
                }
                // Without -e the first operand is the sed/perl program.
                let files = if explicit_script || rest.is_empty() {
                    &rest[..]
                } else {
                    &rest[1..]
                };
                push_rewrites(&mut fx, files);
            }
            "dos2unix" | "fromdos" => {
                let files: Vec<&str> = args
                    .iter()
                    .copied()
                    .filter(|a| !a.starts_with('-'))
                    .collect();
                push_rewrites(&mut fx, &files);
            }
            "find" | "xargs"
                if args
                    .iter()
                    .any(|a| matches!(*a, "dos2unix" | "fromdos" | "sed" | "perl")) =>
            {
                fx.rewrite_unknown = true;
            }
            "find" => {
                if let Some(mut c) = super::chmod::read_find_exec(args) {
                    c.certain = top_level(i);
                    c.cd_before = cd_before;
                    fx.modes.push(c);
                }
            }
            // `find … | xargs chmod MODE`: the names the find before the pipe prints.
            "xargs" => {
                let find = i
                    .checked_sub(1)
                    .and_then(|j| script.commands.get(j))
                    .filter(|f| {
                        f.next_op == Some("|") && f.name.text.rsplit('/').next() == Some("find")
                    })
                    .map(|f| f.args.iter().map(|a| a.text.as_str()).collect::<Vec<_>>());
                match super::chmod::read_xargs(args, find.as_deref()) {
                    Some(mut c) => {
                        c.certain = top_level(i);
                        c.cd_before = cd_before;
                        fx.modes.push(c);
                    }
                    None => fx.unfollowable = true,
                }
            }
            // Gem installs: native extensions build (and may run code) inside the gem
            // directories; options that move where they go are not followed.
            "gem" | "bundle" | "bundler"
                if matches!(args.first(), Some(&("install" | "i")))
                    && !args.iter().any(|a| {
                        a.starts_with("--install-dir")
                            || a.starts_with("--bindir")
                            || a.starts_with("--build-root")
                            || matches!(*a, "-i" | "-n" | "--local" | "--system")
                            || a.starts_with("--path")
                            || a.contains(['$', '`'])
                    }) =>
            {
                fx.runs_code = true;
                fx.lang_installs.push(LangInstall::Gem);
                if prog_name != "gem" {
                    // `bundle install` may write the project's binstubs and `.bundle/config`.
                    fx.fuzzy_paths
                        .extend(["bin", ".bundle", "vendor"].map(String::from));
                }
            }
            "bundle" | "bundler"
                if matches!(
                    args.first(),
                    Some(&("config" | "check" | "lock" | "version"))
                ) =>
            {
                fx.fuzzy_paths
                    .extend([".bundle", "Gemfile.lock"].map(String::from));
            }
            "curl" | "wget" | "tar" | "unzip" | "make" | "go" | "cargo" | "gcc" | "install"
            | "dpkg" | "rpm" | "git" | "sh" | "bash" | "gem" | "bundle" | "composer" | "dotnet"
            | "mvn" | "gradle" | "ADD" => {
                fx.unfollowable = true;
            }
            // A python program (not pip, venv or a version query) may write anywhere.
            "python" | "python3" => {
                if !matches!(args.first(), Some(&("--version" | "-V")) | None) {
                    fx.runs_code = true;
                }
            }
            p if HARMLESS.contains(&p) => {}
            _ => fx.unfollowable = true,
        }
    }
    fx
}

fn record_writes(fx: &mut RunEffects, cmd: &crate::shell::Command, w: super::buildcmd::Writes) {
    fx.build_writes.extend(w.paths);
    fx.fuzzy_paths.extend(w.removes);
    let assigned = super::buildcmd::assignments(cmd);
    fx.tool_dirs
        .extend(w.tool.into_iter().map(|dir| super::buildcmd::ToolDir {
            dir,
            assigned: assigned.clone(),
        }));
}

/// `sed -i`, `sed -i.bak`, `sed --in-place`, `perl -pi -e`, `perl -i`.
fn is_in_place(prog: &str, arg: &str) -> bool {
    if arg.starts_with("--in-place") {
        return true;
    }
    match arg.strip_prefix('-') {
        Some(flags) if !flags.starts_with('-') => {
            if prog == "sed" {
                // `-i`, `-i.bak`, `-Ei`, `-ni`
                flags.starts_with('i') || flags.chars().take_while(|c| *c != '.').any(|c| c == 'i')
            } else {
                flags.contains('i')
            }
        }
        _ => false,
    }
}

fn push_rewrites(fx: &mut RunEffects, files: &[&str]) {
    if files.is_empty() {
        fx.rewrite_unknown = true;
    }
    for f in files {
        let f = unquote(f);
        if f.contains(['$', '`']) {
            fx.rewrite_unknown = true;
        } else {
            fx.rewritten.push(f);
        }
    }
}

/// A word with its surrounding quotes dropped (`'+x'` → `+x`).
pub(super) fn unquote(s: &str) -> String {
    s.trim_matches(|c| c == '"' || c == '\'').to_string()
}

/// A pip option that sends the install away from its prefix: an explicit destination
/// (`--target`, `--prefix`, `--root`, `-t`, `--home`) or, with `user`, the user scheme.
pub(crate) fn pip_destination(option: &str, user: bool) -> bool {
    let flags: &[&str] = if user {
        &["--target", "--prefix", "--root", "-t", "--user", "--home"]
    } else {
        &["--target", "--prefix", "--root", "-t", "--home"]
    };
    flags
        .iter()
        .any(|f| option == *f || option.starts_with(&format!("{f}=")))
}

fn push_install(fx: &mut RunEffects, manager: &'static str, prog: &str, args: &[&str]) {
    let mut requirement_files = Vec::new();
    let mut skip = std::collections::HashSet::new();
    if manager == "pip" {
        for (i, a) in args.iter().enumerate() {
            if *a == "-r" || *a == "--requirement" {
                if let Some(v) = args.get(i + 1) {
                    requirement_files.push(unquote(v));
                    skip.insert(i + 1);
                }
            } else if let Some(v) = a
                .strip_prefix("--requirement=")
                .or_else(|| a.strip_prefix("-r").filter(|v| !v.is_empty()))
            {
                requirement_files.push(unquote(v));
            }
        }
    }
    let packages: Vec<String> = args
        .iter()
        .enumerate()
        .filter(|(i, a)| !a.starts_with('-') && !a.is_empty() && !skip.contains(i))
        .map(|(_, a)| unquote(a))
        .collect();
    let unread_files = !requirement_files.is_empty();
    // pip with its own destination writes nowhere near the prefix, known packages or not.
    let pip_elsewhere = manager == "pip" && args.iter().any(|a| pip_destination(a, true));
    if unread_files || pip_elsewhere || packages.iter().any(|p| binaries(manager, p).is_none()) {
        if manager == "pip" {
            // pip writes console scripts under its prefix (`/usr/local` in the python images,
            // `/usr` for a distro python, `~/.local` with --user) or the --target/--prefix
            // directory: never `/opt` or `/etc`.
            let mut explicit = false;
            for (i, a) in args.iter().enumerate() {
                for flag in ["--target", "--prefix", "--root", "-t"] {
                    let v = if let Some(v) = a.strip_prefix(&format!("{flag}=")) {
                        Some(v.to_string())
                    } else if *a == flag {
                        args.get(i + 1).map(|v| v.to_string())
                    } else {
                        None
                    };
                    if let Some(v) = v {
                        explicit = true;
                        fx.pip_dirs.push(unquote(&v));
                    }
                }
            }
            if !explicit && args.contains(&"--user") {
                // The user scheme: `~/.local` (or PYTHONUSERBASE), never the prefix; the
                // image model knows whose home it is.
                fx.pip_dirs.push("<userbase>".to_string());
            } else if !explicit {
                // "<prefix>" is resolved by the image model: `/usr/local` when the image's
                // python lives there, else `/usr` as well.
                fx.pip_dirs
                    .extend(["<prefix>", "/root/.local", "/home"].map(String::from));
            }
        } else {
            fx.unknown_packages = true;
        }
    }
    let options = args
        .iter()
        .filter(|a| a.starts_with('-'))
        .map(|a| unquote(a))
        .collect();
    fx.installs.push(Install {
        manager,
        packages,
        program: unquote(prog),
        options,
        requirement_files,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> RunEffects {
        read_run(Some(&crate::shell::parse(text)))
    }

    #[test]
    fn package_table() {
        assert_eq!(binaries("apk", "bash"), Some(&["/bin/bash"][..]));
        let fx = run("apk --no-cache add bash");
        assert_eq!(fx.installs[0].packages, ["bash"]);
        assert_eq!(
            binaries("apt", "curl=7.88.1-10"),
            Some(&["/usr/bin/curl"][..])
        );
        assert_eq!(binaries("apk", "tini"), Some(&["/sbin/tini"][..]));
        assert_eq!(binaries("apt", "ca-certificates"), Some(&[][..]));
        assert_eq!(binaries("apt", "libfoo-dev"), None);
        assert_eq!(
            binaries("pip", "gunicorn==21.2"),
            Some(&["/usr/local/bin/gunicorn"][..])
        );
    }

    #[test]
    fn reads_rewrites_local_installs_and_venvs() {
        let fx = run("sed -i 's/\\r$//' /app/start.sh && chmod +x /app/start.sh");
        assert_eq!(fx.rewritten, ["/app/start.sh"]);
        assert!(!fx.unfollowable && !fx.rewrite_unknown);
        let fx = run("dos2unix entrypoint.sh");
        assert_eq!(fx.rewritten, ["entrypoint.sh"]);
        let fx = run("find . -name '*.sh' -exec dos2unix {} +");
        assert!(fx.rewrite_unknown);
        let fx = run("sed -e 's/a/b/' -i conf/app.conf");
        assert_eq!(fx.rewritten, ["conf/app.conf"]);
        let fx = run("sed 's/a/b/' in > out");
        assert!(fx.rewritten.is_empty() && !fx.rewrite_unknown);
        // npm/yarn without -g: only the working directory.
        let fx = run("npm ci --omit=dev && npm run build");
        assert!(!fx.unfollowable && !fx.unknown_packages);
        assert_eq!(fx.fuzzy_paths, [".", "."]);
        let fx = run("npm install -g pm2");
        assert!(!fx.unknown_packages && !fx.unfollowable);
        assert_eq!(fx.lang_installs, [LangInstall::NpmGlobal]);
        let fx = run("npm install -g --prefix /opt/tools pm2");
        assert!(fx.unknown_packages && fx.lang_installs.is_empty());
        // Gems: followed unless an option moves them.
        let fx = run("bundle config set --local without development && bundle install");
        assert!(!fx.unfollowable);
        assert_eq!(fx.lang_installs, [LangInstall::Gem]);
        let fx = run("gem install --install-dir /opt/gems rails");
        assert!(fx.unfollowable);
        let fx = run("bundle exec rake assets:precompile");
        assert!(fx.unfollowable);
        // pip: its prefix, or the --target directory; never /opt.
        let fx = run("pip install --no-cache-dir -r requirements.txt");
        assert!(!fx.unknown_packages);
        assert!(fx.pip_dirs.iter().any(|d| d == "<prefix>"));
        let fx = run("pip install --target=/app/deps -r requirements.txt");
        assert_eq!(fx.pip_dirs, ["/app/deps"]);
        let fx = run("python -m venv /opt/venv");
        assert_eq!(fx.venvs, [("/opt/venv".to_string(), true)]);
        assert!(!fx.unfollowable);
    }

    #[test]
    fn reads_runs() {
        let fx = run("apt-get update && apt-get install -y --no-install-recommends curl bash \\\n  && rm -rf /var/lib/apt/lists/*");
        assert_eq!(fx.installs.len(), 1);
        assert_eq!(fx.installs[0].packages, vec!["curl", "bash"]);
        assert!(!fx.unknown_packages);
        assert!(!fx.unfollowable);
        assert_eq!(fx.fuzzy_paths, vec!["/var/lib/apt/lists/*"]);
        let fx = run("apk add --no-cache bash libpq");
        assert!(fx.unknown_packages);
        let fx = run("chmod +x /entrypoint.sh && ln -s /usr/bin/python3 /usr/bin/python");
        assert_eq!(fx.modes[0].paths, ["/entrypoint.sh"]);
        assert!(fx.modes[0].sets_x() && fx.modes[0].certain);
        assert_eq!(
            fx.symlinks,
            vec![("/usr/bin/python3".into(), "/usr/bin/python".into())]
        );
        assert!(!fx.unfollowable);
        assert!(run("curl -fsSL https://x | sh").unfollowable);
        assert!(!run("chmod 755 /a").unfollowable);
        assert!(!run("chmod 644 /a").modes[0].sets_x());
        let fx = run("chmod 755 -R /opt/app || true");
        assert!(fx.modes[0].recursive && !fx.modes[0].certain);
        let fx = run("find /opt -name '*.sh' -print0 | xargs -0 chmod +x");
        assert!(!fx.unfollowable);
        assert_eq!(fx.modes[0].paths, ["/opt"]);
        let fx = run("find /opt -name '*.sh' -exec chmod +x {} \\;");
        assert_eq!(fx.modes[0].mode.as_deref(), Some("+x"));
        assert!(matches!(
            fx.modes[0].select,
            crate::image::chmod::Select::Find(_)
        ));
        assert!(run("ls | xargs rm").unfollowable);
    }
}
