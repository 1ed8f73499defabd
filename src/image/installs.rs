//! Package installs in RUN steps answered from the package data ([`super::pkgdb`]):
//! `apt-get`/`apt install` adds the dependency closure's programs, `pip install` the console
//! scripts of the packages kexit knows. What the data cannot know stays unknown, but only for
//! programs the install could plausibly bring: an unknown Debian package cannot bring `bash`
//! (only package `bash` ships it), a pip package cannot bring `curl`.

use super::dockerfile::{entry, fuzz, put};
use super::packages::{Install, RunEffects};
use super::pkgdb::{self, Db};
use super::{pypi, pyproject};
use super::{Image, Origin, Tri};

/// Directories a Debian package may install programs in (never `/usr/local`, Debian policy).
const DEB_BIN_DIRS: [&str; 4] = ["/usr/sbin", "/usr/bin", "/sbin", "/bin"];
/// Where Debian packages put everything else (never `/opt` or `/usr/local`, Debian policy).
const DEB_OTHER_DIRS: [&str; 12] = [
    "/usr/lib",
    "/usr/lib32",
    "/usr/lib64",
    "/usr/libexec",
    "/usr/share",
    "/usr/include",
    "/usr/games",
    "/lib",
    "/lib32",
    "/lib64",
    "/etc",
    "/var",
];

/// Which names in some PATH directories an install step may have created, though the data
/// does not say so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PkgFuzz {
    pub seq: u32,
    pub dirs: Vec<String>,
    pub kind: Plausible,
    /// The step created these directories (a virtual environment's `bin`): a name neither
    /// created explicitly nor covered is absent.
    pub complete: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Plausible {
    /// Names no package of these releases ships that an install may still create: the
    /// alternatives maintainer scripts set up ([`super::official::ALTERNATIVES`]), or any such
    /// name when the step named a package the data does not know (`true`).
    Unowned(Vec<&'static str>, bool),
    /// Names a pip package could install (not a program only non-Python packages ship).
    Pip,
    /// Names a gem or a global npm package could install: any but the distributions'
    /// well-known programs (`curl`, `bash`, `ls`).
    Installer,
    /// Exactly these names (the scripts of packages a closed pip install may install).
    Names(Vec<&'static str>),
    /// Names an `apk add` of these packages on a pinned Alpine image may have brought (with
    /// whether kexit's package table knows every one of them): see [`super::apk::plausible`].
    Apk(Vec<String>, bool),
}

impl PkgFuzz {
    /// Whether this step created `dir` with contents kexit fully describes.
    pub(crate) fn completes(&self, dir: &str) -> bool {
        self.complete && self.dirs.iter().any(|d| d == dir)
    }

    /// Whether `dir/name` may exist because of this step.
    pub(crate) fn covers(&self, dir: &str, name: &str) -> bool {
        if !self.dirs.iter().any(|d| d == dir) {
            return false;
        }
        match &self.kind {
            Plausible::Unowned(ids, any_name) => {
                (*any_name || super::official::ALTERNATIVES.contains(&name))
                    && ids
                        .iter()
                        .filter_map(|id| pkgdb::release(id))
                        .any(|db| !db.owns(name))
            }
            Plausible::Pip => pip_plausible(name),
            Plausible::Installer => !super::catalogue::well_known(name),
            Plausible::Names(names) => names.contains(&name),
            Plausible::Apk(packages, all_known) => {
                // A package the hand table does not know may ship any name (Alpine's
                // freeradius ships `radiusd`, Debian's `freeradius`). With known packages only,
                // a tracked command (`bash`, `curl`) comes when the table says so, as on any
                // other image, and another name when their dependencies may plausibly ship it.
                if !*all_known {
                    return true;
                }
                if super::catalogue::catalogue()
                    .tracked
                    .iter()
                    .any(|t| t == name)
                {
                    return false;
                }
                super::apk::plausible(name, packages)
            }
        }
    }
}

/// A pip package kexit has no data for may install a console script of any name, except the
/// well-known programs of the distributions (`curl`, `bash`, `ls`) that only non-Python
/// packages ship.
fn pip_plausible(name: &str) -> bool {
    pkgdb::pip_plausible(name) || !super::catalogue::well_known(name)
}

/// The Debian or Ubuntu releases an image may be built on, from its base image reference, or
/// None when kexit has no data for it (older releases, Alpine, RHEL family, unknown bases).
pub(crate) fn debian_releases(img: &Image) -> Option<Vec<&'static str>> {
    let base = img.base.as_deref()?;
    if img.libc != super::Libc::Glibc {
        return None;
    }
    let repo = super::repository(base);
    let tag = super::tag(base);
    let last = repo.rsplit('/').next().unwrap_or(repo);
    if repo.contains("ubi") || repo.contains("distroless") || repo.contains("chainguard") {
        return None;
    }
    for (word, id) in [
        ("bookworm", "debian-bookworm"),
        ("trixie", "debian-trixie"),
        ("jammy", "ubuntu-jammy"),
        ("noble", "ubuntu-noble"),
    ] {
        if tag.contains(word) {
            return Some(vec![id]);
        }
    }
    for old in [
        "bullseye", "buster", "stretch", "jessie", "sid", "forky", "focal", "bionic", "xenial",
        "oracular", "plucky", "questing", "resolute",
    ] {
        if tag.contains(old) {
            return None;
        }
    }
    let major = tag.split(['.', '-']).next();
    if last == "ubuntu" {
        return match (major, tag.split('-').next()) {
            (_, Some("22.04")) => Some(vec!["ubuntu-jammy"]),
            (_, Some("24.04")) => Some(vec!["ubuntu-noble"]),
            _ => None,
        };
    }
    if last == "debian" {
        return match major {
            Some("12") => Some(vec!["debian-bookworm"]),
            Some("13") => Some(vec!["debian-trixie"]),
            Some("latest" | "stable") => Some(vec!["debian-trixie"]),
            _ => None,
        };
    }
    // Official images built FROM debian (their Dockerfiles' FROM line) without a release in
    // the tag: one of the two current Debian releases. (eclipse-temurin, mongo, rabbitmq, maven,
    // tomcat are Ubuntu-based; mysql is Oracle Linux: not here.)
    const DEBIAN_BASED: [&str; 14] = [
        "python",
        "node",
        "golang",
        "ruby",
        "php",
        "rust",
        "perl",
        "buildpack-deps",
        "nginx",
        "httpd",
        "redis",
        "postgres",
        "memcached",
        "haproxy",
    ];
    if img.shell_kind == super::ShellKind::Dash && DEBIAN_BASED.contains(&repo) {
        return Some(vec!["debian-bookworm", "debian-trixie"]);
    }
    None
}

/// Whether a build step has pointed the package manager at another repository (a third-party
/// archive whose packages the data does not describe).
fn foreign_repos(img: &Image, text: &str) -> bool {
    const MARKERS: [&str; 8] = [
        "sources.list",
        "add-apt-repository",
        "apt-key",
        "/etc/apt/",
        "extrepo",
        "/etc/apk/repositories",
        "--repository",
        ".deb",
    ];
    MARKERS.iter().any(|m| text.contains(m))
        || img.fs.iter().any(|(k, e)| {
            matches!(e.origin, Origin::Instruction(_))
                && (k.starts_with("/etc/apt/sources.list")
                    || k.starts_with("/etc/apk/repositories"))
        })
}

/// Apply the installs of one RUN that the package data can answer; returns the effects with
/// those installs (and the unknown-package fuzz they caused) removed, for the generic handling.
pub(crate) fn apply(
    img: &mut Image,
    mut fx: RunEffects,
    text: &str,
    origin: &Origin,
    seq: u32,
    read: &dyn Fn(&Image, &str) -> Option<String>,
) -> RunEffects {
    let venvs = std::mem::take(&mut fx.venvs);
    if fx.unfollowable {
        fx.fuzzy_paths.extend(venvs.into_iter().map(|(d, _)| d));
        return fx;
    }
    for (dir, with_pip) in venvs {
        apply_venv(img, &dir, with_pip, origin, seq);
    }
    if fx.installs.is_empty() {
        return fx;
    }
    if foreign_repos(img, text) {
        img.pkg_foreign = true;
    }
    let before = fx.installs.len();
    let mut rest: Vec<Install> = Vec::new();
    let mut handled_pip = false;
    for inst in std::mem::take(&mut fx.installs) {
        let done = match inst.manager {
            "apt" if !img.pkg_foreign => apply_apt(img, &inst, origin, seq),
            "apk" => super::apk::apply(img, &inst, origin, seq),
            "pip" => {
                let d = apply_pip(img, &inst, origin, seq, read);
                handled_pip |= d;
                d
            }
            _ => false,
        };
        if !done {
            rest.push(inst);
        }
    }
    if rest.len() == before {
        fx.installs = rest;
        return fx;
    }
    // Recompute what the remaining installs leave unknown. `unknown_packages` may also come
    // from `npm install -g` (no install entry): keep it then.
    let remaining_unknown = rest.iter().any(|i| {
        i.manager != "pip"
            && i.packages
                .iter()
                .any(|p| super::packages::binaries(i.manager, p).is_none())
    });
    let npm_global = fx.unknown_packages
        && (text.contains("npm") || text.contains("yarn") || text.contains("pnpm"));
    fx.unknown_packages = remaining_unknown || npm_global;
    if handled_pip && !rest.iter().any(|i| i.manager == "pip") {
        fx.pip_dirs.clear();
    }
    fx.installs = rest;
    fx
}

pub(super) fn mark(img: &mut Image, path: &str, origin: &Origin, seq: u32) {
    let mut e = entry(origin.clone(), seq);
    e.executable = Tri::Yes;
    put(img, path, e);
}

/// `/bin/x` and `/usr/bin/x` are one file on merged-/usr Debian.
fn merged(path: &str) -> Vec<String> {
    let mut v = vec![path.to_string()];
    for (a, b) in [("/bin/", "/usr/bin/"), ("/sbin/", "/usr/sbin/")] {
        if let Some(rest) = path.strip_prefix(a) {
            v.push(format!("{b}{rest}"));
        } else if let Some(rest) = path.strip_prefix(b) {
            v.push(format!("{a}{rest}"));
        }
    }
    v
}

fn apt_name(word: &str) -> Option<&str> {
    // `curl=7.88*`, `python3:amd64`; a release pin (`foo/bookworm-backports`) or a file is not
    // a plain name.
    if word.contains('/') || word.contains("::") || word.ends_with(".deb") {
        return None;
    }
    let n = word.split(['=', ':']).next().unwrap_or(word);
    let n = n.trim_end_matches(['+', '-']);
    (!n.is_empty()
        && n.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '+' | '-')))
    .then_some(n)
}

fn apply_apt(img: &mut Image, inst: &Install, origin: &Origin, seq: u32) -> bool {
    let Some(ids) = debian_releases(img) else {
        return false;
    };
    if inst.options.iter().any(|o| {
        o == "-t" || o.starts_with("--target-release") || o.starts_with("--default-release")
    }) {
        return false;
    }
    let mut names = Vec::new();
    for p in &inst.packages {
        match apt_name(p) {
            Some(n) => names.push(n.to_string()),
            None => return false,
        }
    }
    let recommends = !inst
        .options
        .iter()
        .any(|o| o == "--no-install-recommends" || o.contains("Install-Recommends=false"));
    let dbs: Vec<&'static Db> = ids.iter().filter_map(|id| pkgdb::release(id)).collect();
    if dbs.is_empty() {
        return false;
    }
    let closures: Vec<_> = dbs
        .iter()
        .map(|db| db.install(&names, recommends))
        .collect();
    let mut yes = closures[0].yes.clone();
    for c in &closures[1..] {
        yes.retain(|p| c.yes.contains(p));
    }
    // A name the data does not know (a package of another archive area, a typo apt rejects):
    // whatever it installs is unknown.
    let unknown_names = closures.iter().any(|c| !c.unknown.is_empty());
    let mut maybe = std::collections::BTreeSet::new();
    for c in &closures {
        maybe.extend(
            c.yes
                .iter()
                .chain(&c.maybe)
                .filter(|p| !yes.contains(*p))
                .cloned(),
        );
    }
    // Files outside the PATH directories are not in the data.
    for d in DEB_OTHER_DIRS {
        fuzz(img, d);
    }
    for p in &maybe {
        for m in merged(p) {
            fuzz(img, &m);
        }
    }
    for p in &yes {
        for m in merged(p) {
            mark(img, &m, origin, seq);
        }
    }
    add_pkg_fuzz(
        img,
        PkgFuzz {
            seq: img.seq,
            dirs: DEB_BIN_DIRS.iter().map(|d| d.to_string()).collect(),
            kind: Plausible::Unowned(ids, unknown_names),
            complete: false,
        },
    );
    true
}

pub(super) fn add_pkg_fuzz(img: &mut Image, f: PkgFuzz) {
    // Known entries whose absence is no longer certain.
    img.fs.update_nonplain(
        |k, e| {
            e.exists == Tri::No
                && k.rsplit_once('/').is_some_and(|(dir, name)| {
                    f.covers(if dir.is_empty() { "/" } else { dir }, name)
                })
        },
        |_, e| {
            e.exists = Tri::Unknown;
            e.executable = Tri::Unknown;
        },
    );
    img.pkg_fuzz.push(f);
}

/// An absolute, literal value of the image ENV.
fn env_dir(img: &Image, key: &str) -> Option<String> {
    let v = img.env(key)?;
    (v.starts_with('/') && !v.contains(['$', '`', ':']))
        .then(|| v.trim_end_matches('/').to_string())
}

/// Gem and global npm installs ([`LangInstall`]): kexit knows neither the packages' programs
/// nor their dependencies, so their package directories become unknown, and their bin
/// directories may hold any name but the distributions' well-known programs.
pub(crate) fn apply_lang(img: &mut Image, kinds: &[super::packages::LangInstall]) {
    use super::packages::LangInstall;
    for kind in kinds {
        let mut dirs: Vec<String> = Vec::new();
        let mut bins: Vec<String> = Vec::new();
        match kind {
            LangInstall::Gem => {
                // The ruby images' GEM_HOME (`/usr/local/bundle`), a Debian ruby's
                // `/var/lib/gems`, the user's `~/.gem`; executables in GEM_HOME/bin, the
                // Debian ruby's bindir `/usr/local/bin`, or BUNDLE_BIN.
                let mut homes = vec!["/usr/local/bundle".to_string()];
                homes.extend(
                    ["GEM_HOME", "BUNDLE_PATH"]
                        .iter()
                        .filter_map(|k| env_dir(img, k)),
                );
                for h in &homes {
                    for sub in [
                        "gems",
                        "specifications",
                        "extensions",
                        "cache",
                        "build_info",
                        "doc",
                        "plugins",
                        "ruby",
                        "bundler",
                    ] {
                        dirs.push(format!("{h}/{sub}"));
                    }
                    bins.push(format!("{h}/bin"));
                }
                dirs.extend(
                    [
                        "/usr/local/lib/ruby",
                        "/var/lib/gems",
                        "/root/.gem",
                        "/root/.bundle",
                        "/root/.local/share/gem",
                        "/home",
                    ]
                    .map(String::from),
                );
                bins.push("/usr/local/bin".to_string());
                bins.extend(env_dir(img, "BUNDLE_BIN"));
            }
            LangInstall::NpmGlobal => {
                // npm's prefix: `/usr/local` (the node images), `/usr` (a Debian nodejs), or
                // NPM_CONFIG_PREFIX.
                let mut prefixes = vec!["/usr/local".to_string(), "/usr".to_string()];
                prefixes.extend(env_dir(img, "NPM_CONFIG_PREFIX"));
                for p in &prefixes {
                    dirs.push(format!("{p}/lib/node_modules"));
                    bins.push(format!("{p}/bin"));
                }
                dirs.extend(
                    [
                        "/root/.npm",
                        "/root/.cache",
                        "/root/.config",
                        "/home",
                        "/tmp",
                    ]
                    .map(String::from),
                );
            }
        }
        for d in &dirs {
            fuzz(img, d);
        }
        // `/usr/bin` and `/bin` are one directory on merged-/usr images.
        if bins.iter().any(|b| b == "/usr/bin") {
            bins.push("/bin".to_string());
        }
        bins.sort();
        bins.dedup();
        add_pkg_fuzz(
            img,
            PkgFuzz {
                seq: img.seq,
                dirs: bins,
                kind: Plausible::Installer,
                complete: false,
            },
        );
    }
}

/// The `bin` directory pip installs console scripts into, from where the `pip` (or `python`)
/// it runs is found; None when kexit cannot tell.
fn pip_bin_dir(img: &Image, program: &str) -> Option<String> {
    let found = if program.contains('/') {
        program.to_string()
    } else {
        match img.resolve(program, None) {
            super::Resolved::Found(p) => p,
            _ => return None,
        }
    };
    let (dir, _) = found.rsplit_once('/')?;
    (!dir.is_empty()).then(|| dir.to_string())
}

/// The requirements of a requirements file kexit can read (`name[extras] specifier ; marker`,
/// `--hash` options), or None when a line names something else (a URL, a path, `-e`, another
/// `-r` file, an index option).
/// The second value: every requirement carries a `--hash` (pip's hash-checking mode, where
/// pip refuses any dependency not listed: the file is the whole closure).
fn requirements(text: &str) -> Option<(Vec<String>, bool)> {
    let joined = text.replace("\\\n", " ").replace("\\\r\n", " ");
    let mut out = Vec::new();
    let mut hashed = true;
    for line in joined.lines() {
        let line = line.split(" #").next().unwrap_or(line).trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        // A requirements line, not a command: its first token is the requirement.
        let first = &line[..line.find(char::is_whitespace).unwrap_or(line.len())];
        if first.starts_with('-')
            || line.contains("://")
            || line.contains('@')
            || first.starts_with('.')
            || first.starts_with('/')
            || first.ends_with(".whl")
            || first.ends_with(".tar.gz")
            || first.ends_with(".zip")
        {
            return None;
        }
        hashed &= line.contains("--hash=");
        // The requirement with its marker, without per-requirement options (`--hash=…`).
        let req = line.split(" --").next().unwrap_or(line).trim();
        out.push(req.to_string());
    }
    let hashed = hashed && !out.is_empty();
    Some((out, hashed))
}

fn apply_pip(
    img: &mut Image,
    inst: &Install,
    origin: &Origin,
    seq: u32,
    read: &dyn Fn(&Image, &str) -> Option<String>,
) -> bool {
    // Explicit destinations and --user stay with the generic handling.
    if inst
        .options
        .iter()
        .any(|o| super::packages::pip_destination(o, true))
    {
        return false;
    }
    let Some(bin) = pip_bin_dir(img, &inst.program) else {
        return false;
    };
    // Another index, a requirements file, a local project or archive: names kexit cannot read.
    let other_index = inst.options.iter().any(|o| {
        [
            "-i",
            "--index-url",
            "--extra-index-url",
            "-f",
            "--find-links",
        ]
        .iter()
        .any(|f| o == f || o.starts_with(&format!("{f}=")))
    });
    // A constraints file or pre-releases change which versions pip picks (not the newest
    // wheel's dependencies kexit has).
    let versions_elsewhere = inst.options.iter().any(|o| {
        ["-c", "--constraint", "--pre"]
            .iter()
            .any(|f| o == f || o.starts_with(&format!("{f}=")))
    });
    let mut unknown = other_index || versions_elsewhere;
    let mut names: Vec<String> = inst.packages.clone();
    // Hash-checking mode (every requirement a hashed file line): pip refuses any package not
    // listed, so the files are the whole set; so is `--no-deps`. Otherwise pip installs the
    // dependency closure, which the data has when every package in it is known.
    let mut hashed = !inst.requirement_files.is_empty() && inst.packages.is_empty();
    for f in &inst.requirement_files {
        match read(img, f).as_deref().and_then(requirements) {
            Some((r, h)) => {
                names.extend(r);
                hashed &= h;
            }
            None => unknown = true,
        }
    }
    // `--editable=DIR`, `-eDIR`: a project kexit does not read here.
    unknown |= inst.options.iter().any(|o| {
        o.starts_with("--editable=") || (o.starts_with("-e") && o.len() > 2 && !o.starts_with("--"))
    });
    let no_deps = hashed || inst.options.iter().any(|o| o == "--no-deps");
    let mut reqs: Vec<pypi::PipReq> = Vec::new();
    let mut scripts: Vec<String> = Vec::new();
    for n in &names {
        if let Some((dir, extras)) = local_project(&img.workdir, n) {
            // `pip install .` (or `-e .`, `.[extra]`, `/app`): the project's own scripts and
            // requirements, when its pyproject.toml says them all.
            match project(img, &dir, &extras, read) {
                Some(p) => {
                    scripts.extend(p.scripts);
                    let r: Vec<_> = p
                        .requirements
                        .iter()
                        .map(|r| pypi::PipReq::parse(r))
                        .collect();
                    unknown |= r.iter().any(Option::is_none);
                    reqs.extend(r.into_iter().flatten());
                }
                None => unknown = true,
            }
            continue;
        }
        match pypi::PipReq::parse(n) {
            Some(r) => reqs.push(r),
            None => unknown = true,
        }
    }
    let closure = pypi::pip_closure(&reqs, !no_deps);
    unknown |= !closure.closed;
    let maybe = if other_index {
        Default::default()
    } else {
        scripts.extend(closure.sure.iter().map(|s| s.to_string()));
        closure.maybe
    };
    let prefix = bin.strip_suffix("/bin").unwrap_or(&bin).to_string();
    let prefix = if prefix.is_empty() {
        "/".to_string()
    } else {
        prefix
    };
    for sub in ["lib", "lib64", "share", "include", "etc"] {
        fuzz(img, &format!("{}/{sub}", prefix.trim_end_matches('/')));
    }
    let dirs = if bin == "/usr/bin" || bin == "/bin" {
        vec!["/usr/bin".to_string(), "/bin".to_string()]
    } else {
        vec![bin.clone()]
    };
    for s in scripts {
        for d in &dirs {
            mark(img, &format!("{d}/{s}"), origin, seq);
        }
    }
    if !unknown && !img.pip_closed.contains(&bin) {
        img.pip_closed.push(bin.clone());
    }
    if unknown {
        add_pkg_fuzz(
            img,
            PkgFuzz {
                seq: img.seq,
                dirs,
                kind: Plausible::Pip,
                complete: false,
            },
        );
    } else if !maybe.is_empty() {
        // A closed set with conditional packages (an environment marker): their scripts may
        // be there, no other name.
        add_pkg_fuzz(
            img,
            PkgFuzz {
                seq: img.seq,
                dirs,
                kind: Plausible::Names(maybe.into_iter().collect()),
                complete: false,
            },
        );
    }
    true
}

/// A pip argument naming a local project directory (`.`, `./svc[extra]`, `/app`): the directory
/// (absolute) and the requested extras. Archives and wheels are not projects kexit reads.
fn local_project(workdir: &str, arg: &str) -> Option<(String, Vec<String>)> {
    if !(arg.starts_with('.') || arg.starts_with('/')) {
        return None;
    }
    let (path, extras) = match arg.strip_suffix(']').and_then(|a| a.split_once('[')) {
        Some((p, e)) => (p, e.split(',').map(|x| pypi::pep503(x.trim())).collect()),
        None => (arg, Vec::new()),
    };
    if [".whl", ".tar.gz", ".zip", ".tgz"]
        .iter()
        .any(|x| path.ends_with(x))
    {
        return None;
    }
    Some((super::build::normalize(workdir, path), extras))
}

/// What `pip install DIR` installs from the project in DIR: its pyproject.toml's `[project]`
/// scripts and requirements, or None when kexit cannot read them (no such file in the image, a
/// setuptools build with a `setup.py`/`setup.cfg` that may exist, dynamic metadata, no
/// `[project]`, backend options that install other scripts).
fn project(
    img: &Image,
    dir: &str,
    extras: &[String],
    read: &dyn Fn(&Image, &str) -> Option<String>,
) -> Option<pyproject::Pyproject> {
    let base = dir.trim_end_matches('/');
    let p = pyproject::pyproject(&read(img, &format!("{base}/pyproject.toml"))?, extras)?;
    // With setuptools (or no backend: pip's legacy build), a setup.py or setup.cfg may add
    // plain scripts; other backends read only pyproject.toml, which may not add to `[project]`
    // what it does not declare `dynamic` (PEP 621).
    let setuptools = p
        .backend
        .as_deref()
        .is_none_or(|b| b.starts_with("setuptools"));
    let legacy = setuptools
        && ["setup.py", "setup.cfg"]
            .iter()
            .any(|f| super::build::lookup(img, &format!("{base}/{f}")).exists != Tri::No);
    (!legacy).then_some(p)
}

/// `python -m venv DIR`: `DIR/bin` gets `python`, `python3` (and `pip`, `pip3` unless
/// `--without-pip`) plus activation scripts and versioned names; its `lib` is unknown.
fn apply_venv(img: &mut Image, dir: &str, with_pip: bool, origin: &Origin, seq: u32) {
    let d = super::build::normalize(&img.workdir.clone(), dir);
    let base = d.trim_end_matches('/');
    for sub in ["lib", "lib64", "include", "share", "pyvenv.cfg"] {
        fuzz(img, &format!("{base}/{sub}"));
    }
    let bin = format!("{base}/bin");
    let mut progs = vec!["python", "python3"];
    if with_pip {
        progs.extend(["pip", "pip3"]);
    }
    for p in progs {
        mark(img, &format!("{bin}/{p}"), origin, seq);
    }
    add_pkg_fuzz(
        img,
        PkgFuzz {
            seq: img.seq,
            dirs: vec![bin],
            kind: Plausible::Pip,
            complete: true,
        },
    );
}

#[cfg(test)]
mod tests {
    use crate::discover::Kind;
    use crate::image::{Image, Resolved};
    use crate::project::{Input, Project};

    fn last_stage(text: &str) -> Image {
        let p = Project::load(
            vec![Input::Text {
                name: "<stdin>".to_string(),
                kind: Kind::Dockerfile,
                text: text.to_string(),
            }],
            Default::default(),
        );
        let m = crate::image::TestModel::build(&p);
        let n = (0..8)
            .take_while(|s| m.images.stage(0, *s).is_some())
            .count();
        m.images.stage(0, n.saturating_sub(1)).cloned().unwrap()
    }

    #[test]
    fn venv_and_pip() {
        let img = last_stage(
            "FROM python:3.12-slim\nRUN python -m venv /opt/venv\nENV PATH=\"/opt/venv/bin:$PATH\"\nRUN pip install --no-cache-dir -r requirements.txt\n",
        );
        assert_eq!(
            img.resolve("pip", None),
            Resolved::Found("/opt/venv/bin/pip".into())
        );
        assert_eq!(img.resolve("gunicorn", None), Resolved::Unknown);
        assert_eq!(img.resolve("curl", None), Resolved::NotFound);
    }

    #[test]
    fn apk_on_pinned_alpine() {
        let img = last_stage("FROM alpine:3.20\nRUN apk add --no-cache git\n");
        assert_eq!(
            img.resolve("git", None),
            Resolved::Found("/usr/bin/git".into())
        );
        // git's other programs, its dependencies': unknown; a project's own name: absent.
        assert_eq!(img.resolve("git-shell", None), Resolved::Unknown);
        assert_eq!(img.resolve("gatewayd", None), Resolved::NotFound);
        // The table knows git: a tracked command it does not list stays absent.
        assert_eq!(img.resolve("bash", None), Resolved::NotFound);
        // A package the table does not know: any name may come (but not to /usr/local).
        let img = last_stage("FROM alpine:3.20\nRUN apk add --no-cache py3-redis\n");
        assert_eq!(img.resolve("bash", None), Resolved::Unknown);
        assert_eq!(img.resolve("gatewayd", None), Resolved::Unknown);
        assert_eq!(img.exists("/usr/local/bin/gatewayd"), crate::image::Tri::No);
        // Another repository: anything.
        let img = last_stage(
            "FROM alpine:3.20\nRUN apk add --no-cache --repository=https://example.org/x git\n",
        );
        assert_eq!(img.resolve("gatewayd", None), Resolved::Unknown);
        assert_eq!(
            img.resolve("git", None),
            Resolved::Found("/usr/bin/git".into())
        );
        // The same as a global option before `add`.
        let img = last_stage("FROM alpine:3.20\nRUN apk -X https://example.org/x add git\n");
        assert_eq!(img.resolve("gatewayd", None), Resolved::Unknown);
        let img = last_stage("FROM alpine:3.20\nRUN apk --no-cache add git\n");
        assert_eq!(img.resolve("gatewayd", None), Resolved::NotFound);
    }
}

#[cfg(test)]
mod requirement_files {
    #[test]
    fn reads_plain_requirements_only() {
        let r = super::requirements(
            "# comment\nflask==3.0  # web\ngunicorn>=22 \\\n  --hash=sha256:00\nredis[hiredis]; python_version >= \"3.8\"\n",
        )
        .unwrap();
        assert_eq!(
            r,
            (
                vec![
                    "flask==3.0".to_string(),
                    "gunicorn>=22".to_string(),
                    "redis[hiredis]; python_version >= \"3.8\"".to_string()
                ],
                false
            )
        );
        let h = super::requirements("a==1 --hash=sha256:00\nb==2 \\\n  --hash=sha256:11\n");
        assert_eq!(h.map(|(_, h)| h), Some(true));
        assert!(super::requirements("-r base.txt\nflask\n").is_none());
        assert!(super::requirements("-e .\n").is_none());
        assert!(super::requirements("git+https://x/y.git\n").is_none());
        assert!(super::requirements("pkg @ https://x/y.whl\n").is_none());
    }
}
