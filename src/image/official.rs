//! What the official Debian/Ubuntu-based images put in their PATH directories, so that a name
//! none of it can be is known to be absent.
//!
//! Such an image is its distribution's base (Essential/required packages) plus the Debian
//! packages its Dockerfile installs plus what its Dockerfile builds into `/usr/local` (or a
//! directory of its own on PATH). The narrow rule: in a standard PATH directory, a name that
//! no package of the release ships (package data, `pkgdb`), that no maintainer script creates
//! ([`ALTERNATIVES`]) and that is not a program the image's own Dockerfile creates
//! ([`OFFICIAL`]) is absent. Debian packages never install in `/usr/local` (Debian policy
//! 9.1.2), so there only the Dockerfile's programs can be.
//!
//! Sources of [`OFFICIAL`] (hand-written; no code copied). Read on 2026-12-06 with the repository
//! tools: docker-library/python `3.12/slim-bookworm/Dockerfile` (`make install` + ensurepip into
//! `/usr/local/bin`, then the `idle pip pydoc python python-config` symlinks; `wheel` and
//! `easy_install` in images up to 3.11 are added to be safe), nodejs/docker-node
//! `22/bookworm-slim/Dockerfile` (the node tarball's `bin` into `/usr/local`: `node`, `npm`,
//! `npx`, `corepack`; `nodejs`, `yarn`, `yarnpkg` links; `docker-entrypoint.sh`; user `node` uid
//! 1000), docker-library/php `8.3/bookworm/apache/Dockerfile` (`make install` of php, pear/pecl,
//! `docker-php-*`, `apache2-foreground`). From the maintainers' documented layout, not re-read
//! here: docker-library/golang (`/usr/local/go/bin`: `go`, `gofmt`; `/go/bin` empty),
//! docker-library/ruby (`make install` of ruby and its gems' executables; `/usr/local/bundle/bin`
//! empty),
//! docker-library/httpd (`/usr/local/apache2/bin` of `make install`, `httpd-foreground`),
//! nginxinc/docker-nginx (nginx.org's `nginx`, `nginx-debug`, `njs`), docker-library/redis
//! (`redis-*`, `gosu`, `docker-entrypoint.sh`), adoptium/containers (`/opt/java/openjdk/bin`:
//! the JDK's tools). Every pattern is a superset over the versions (a name a pattern covers
//! stays unknown, never absent); a generator reading these Dockerfiles like
//! `tools/gen-data/gen_images.py` does for postgres/redis/mysql/mongo would replace this table.

use super::build::STD_BIN_DIRS;
use super::catalogue::glob;
use super::{installs, pkgdb, Image};

/// One official image: the names its Dockerfile may create in the standard PATH directories,
/// and its own PATH directories with every name that can be in them.
#[derive(Debug)]
pub(crate) struct Official {
    pub repo: &'static str,
    pub names: &'static [&'static str],
    pub dirs: &'static [(&'static str, &'static [&'static str])],
    /// Top-level entries the Dockerfile creates outside the distribution's tree (`/go`,
    /// `/docker-entrypoint.d`, `/data`).
    pub tops: &'static [&'static str],
}

const JDK: &[&str] = &[
    "j*",
    "keytool",
    "rmi*",
    "serialver",
    "kinit",
    "klist",
    "ktab",
    "pack200",
    "unpack200",
    "policytool",
    "orbd",
    "servertool",
    "tnameserv",
    "idlj",
    "native2ascii",
    "schemagen",
    "wsgen",
    "wsimport",
    "xjc",
    "appletviewer",
    "extcheck",
];

pub(crate) const OFFICIAL: &[Official] = &[
    Official {
        repo: "debian",
        names: &[],
        dirs: &[],
        tops: &[],
    },
    Official {
        // alpine's own images: the minirootfs (pinned rows only, see `lookup_pinned`).
        repo: "alpine",
        names: &[],
        dirs: &[],
        tops: &[],
    },
    Official {
        repo: "ubuntu",
        names: &["unminimize"],
        dirs: &[],
        tops: &[],
    },
    Official {
        repo: "python",
        names: &[
            "python*",
            "pip*",
            "pydoc*",
            "idle*",
            "2to3*",
            "wheel",
            "easy_install*",
        ],
        dirs: &[],
        tops: &[],
    },
    Official {
        repo: "node",
        // The node tarball's bin/ (node, npm, npx, corepack) and the Dockerfiles' links; not
        // `node*`, which would cover `nodemon` or `node-gyp`, which only npm installs bring.
        names: &[
            "node",
            "nodejs",
            "npm",
            "npx",
            "corepack",
            "yarn*",
            "pnpm*",
            "docker-entrypoint.sh",
        ],
        dirs: &[],
        tops: &[],
    },
    Official {
        repo: "golang",
        names: &[],
        dirs: &[("/usr/local/go/bin", &["go", "gofmt"]), ("/go/bin", &[])],
        tops: &["go"],
    },
    Official {
        repo: "php",
        names: &[
            "php*",
            "pecl",
            "pear*",
            "peardev",
            "phar*",
            "docker-php-*",
            "apache2-foreground",
        ],
        dirs: &[],
        tops: &[],
    },
    Official {
        // docker-library/ruby: `make install` into /usr/local (ruby and its default and
        // bundled gems' executables); GEM_HOME=/usr/local/bundle, whose `bin` (first on PATH)
        // the Dockerfile creates empty.
        repo: "ruby",
        names: &[
            "ruby*",
            "gem*",
            "irb*",
            "erb*",
            "rake*",
            "bundle*",
            "rdoc*",
            "ri*",
            "racc*",
            "rbs*",
            "typeprof*",
            "syntax_suggest*",
            "rdbg*",
            "test-unit*",
            "minitest*",
        ],
        dirs: &[("/usr/local/bundle/bin", &[])],
        tops: &[],
    },
    Official {
        repo: "httpd",
        names: &["httpd-foreground"],
        dirs: &[(
            "/usr/local/apache2/bin",
            &[
                "ab",
                "apachectl",
                "apxs",
                "checkgid",
                "dbmmanage",
                "envvars*",
                "fcgistarter",
                "htcacheclean",
                "htdbm",
                "htdigest",
                "htpasswd",
                "httpd",
                "httxt2dbm",
                "logresolve",
                "rotatelogs",
            ],
        )],
        tops: &[],
    },
    Official {
        repo: "nginx",
        names: &["nginx*", "njs", "docker-entrypoint.sh"],
        dirs: &[],
        tops: &["docker-entrypoint.d", "docker-entrypoint.sh"],
    },
    Official {
        repo: "redis",
        names: &["redis*", "gosu", "docker-entrypoint.sh"],
        dirs: &[],
        tops: &["data"],
    },
    Official {
        repo: "eclipse-temurin",
        names: &[],
        dirs: &[("/opt/java/openjdk/bin", JDK)],
        tops: &["__cacert_entrypoint.sh"],
    },
];

/// Program names Debian/Ubuntu maintainer scripts create with `update-alternatives` (or
/// `dpkg-divert`) in PATH directories: the Contents indexes do not list them, so no package
/// "ships" them, yet they exist once their package is installed. Such a name is never absent.
pub(crate) const ALTERNATIVES: &[&str] = &[
    "awk",
    "nawk",
    "which",
    "rmt",
    "mt",
    "pager",
    "editor",
    "vi",
    "vim",
    "view",
    "ex",
    "rview",
    "rvim",
    "vimdiff",
    "pico",
    "nc",
    "netcat",
    "cc",
    "c++",
    "cpp",
    "c89",
    "c99",
    "f77",
    "f95",
    "gfortran",
    "yacc",
    "lex",
    "lzma",
    "unlzma",
    "lzcat",
    "ftp",
    "telnet",
    "rsh",
    "rlogin",
    "rcp",
    "write",
    "from",
    "mailx",
    "mail",
    "Mail",
    "sendmail",
    "newaliases",
    "mailq",
    "x-www-browser",
    "www-browser",
    "gnome-www-browser",
    "x-terminal-emulator",
    "x-window-manager",
    "x-session-manager",
    "infobrowser",
    "ispell",
    "dict",
    "rename",
    "pinentry",
    "iptables",
    "iptables-save",
    "iptables-restore",
    "ip6tables",
    "ip6tables-save",
    "ip6tables-restore",
    "ebtables",
    "arptables",
    "mvn",
    "ant",
    "automake",
    "aclocal",
    "lua",
    "luac",
    "tclsh",
    "wish",
    "traceroute",
    "traceroute6",
    "ping6",
    "php",
    "phar",
    "phar.phar",
    "ruby",
    "gem",
    "irb",
    "erb",
    "ri",
    "rdoc",
    "rake",
    "python",
    "node",
    "nodejs",
    "js",
    "open",
    "pidof",
    "ld",
    "gold",
    "uuencode",
    "uudecode",
    "gnat",
    "cli",
    "csc",
    "jsonlint",
    "x-cursor-theme",
    "desktop-file-validate",
    "fakeroot",
    "nslookup",
    "dig",
    "host",
    "java",
    "javac",
    "jar",
    "jarsigner",
    "javadoc",
    "javap",
    "jshell",
    "keytool",
    "jcmd",
    "jps",
    "jstack",
    "jmap",
    "jinfo",
    "jstat",
    "jdb",
    "jconsole",
    "rmiregistry",
    "serialver",
    "pack200",
    "unpack200",
    "policytool",
    "idlj",
    "native2ascii",
    "go",
    "gofmt",
    "psql",
    "pg_dump",
    "mysql",
    "mysqld",
    "mariadb",
    "sqlite",
    "lzmore",
    "lzless",
    "lzdiff",
    "lzcmp",
    "lzgrep",
    "lzegrep",
    "lzfgrep",
    "convert",
    "identify",
    "mogrify",
    "composite",
    "compare",
    "conjure",
    "display",
    "import",
    "montage",
    "stream",
    "animate",
    "policy-rc.d",
    "initctl",
    "man",
    "mawk",
    "gawk",
    "x86_64-linux-gnu-gcc",
    "aarch64-linux-gnu-gcc",
];

/// Official images built on buildpack-deps (the full, non-slim variants): hundreds of
/// development packages whose maintainer scripts kexit cannot enumerate, so only a name that
/// is plainly a script file (`run.sh`; Debian policy 10.4: no extensions on programs in PATH)
/// is taken to be absent from their Debian directories.
const BUILDPACK_BASED: [&str; 4] = ["python", "node", "golang", "ruby"];

fn script_file_name(name: &str) -> bool {
    name.rsplit_once('.').is_some_and(|(stem, ext)| {
        !stem.is_empty() && matches!(ext, "sh" | "bash" | "py" | "rb" | "pl" | "js")
    })
}

/// The official-image row of a catalogue reference, for Debian/Ubuntu bases.
pub(crate) fn lookup(reference: &str) -> Option<&'static Official> {
    let tag = super::tag(reference);
    if tag.contains("alpine") || tag.contains("windows") || tag.contains("nanoserver") {
        return None;
    }
    lookup_pinned(reference)
}

/// The official-image row of a reference whose catalogue row is pinned (its PATH directories'
/// content known exactly, Alpine variants included: `tools/gen-data/gen_images.py`).
pub(crate) fn lookup_pinned(reference: &str) -> Option<&'static Official> {
    let repo = super::repository(reference);
    let repo = repo
        .strip_prefix("docker.io/library/")
        .or_else(|| repo.strip_prefix("library/"))
        .unwrap_or(repo);
    OFFICIAL.iter().find(|o| o.repo == repo)
}

/// Top-level directories of a Debian/Ubuntu image (the FHS tree base-files and the packages
/// use). Debian packages install nowhere else (policy 9.1), and `/srv`'s contents are the
/// site's, never a package's.
const DISTRO_TOP: [&str; 21] = [
    "bin", "boot", "dev", "etc", "home", "lib", "lib32", "lib64", "libx32", "media", "mnt", "opt",
    "proc", "root", "run", "sbin", "sys", "tmp", "usr", "var", "snap",
];

/// Whether a path is under a top-level directory neither the distribution nor the official
/// image's Dockerfile creates (`/app/bin/server`, `/srv/run.sh`): only the build could have put
/// it there, and the model follows the build (a step it cannot follow makes it unknown before
/// this is asked).
pub(crate) fn outside_distribution(img: &Image, o: &Official, path: &str) -> bool {
    let top = path.trim_start_matches('/').split('/').next().unwrap_or("");
    if top.is_empty() || DISTRO_TOP.contains(&top) || top.contains(['$', '`']) || !img.base_known {
        return false;
    }
    if o.tops.contains(&top) {
        return false;
    }
    // What the catalogue row lists at the top level (`/docker-entrypoint.sh`) and the build
    // left as the catalogue has it. Catalogue entries are the shared base's only: a step
    // writes its own origin (`put`, COPY --from), so the base's range under `/top` is all
    // there is to read.
    let dir = format!("/{top}");
    !img.fs
        .base_any_under(&dir, |e| matches!(e.origin, super::Origin::Catalogue))
        && installs::debian_releases(img).is_some()
}

/// Whether `dir/name` is certainly absent from an image built on an official image: `dir` is
/// a directory whose every name kexit can account for, and `name` is none of them.
pub(crate) fn absent(img: &Image, o: &Official, dir: &str, name: &str) -> bool {
    // A `$VAR` kexit reads literally is KX113's (the variable was meant to expand).
    if name.is_empty() || name.contains(['$', '`']) || !img.base_known {
        return false;
    }
    if let Some((_, names)) = o.dirs.iter().find(|(d, _)| *d == dir) {
        return !names.iter().any(|p| glob(p, name));
    }
    if !STD_BIN_DIRS.contains(&dir) || o.names.iter().any(|p| glob(p, name)) {
        return false;
    }
    if dir.starts_with("/usr/local/") {
        // Debian packages never install here: only the Dockerfile's own programs.
        return true;
    }
    if ALTERNATIVES.contains(&name) {
        return false;
    }
    if let Some(maybe) = img.pinned {
        // The image's package set is known exactly and the model holds its every program (a
        // name present would have been found before this is asked): absent unless an install
        // may have brought it.
        return !maybe.iter().any(|m| m == name);
    }
    let full_variant = BUILDPACK_BASED.contains(&o.repo)
        && img
            .base
            .as_deref()
            .is_some_and(|b| !super::tag(b).contains("slim"));
    if full_variant && !script_file_name(name) {
        return false;
    }
    let Some(ids) = installs::debian_releases(img) else {
        return false;
    };
    let dbs: Vec<_> = ids.iter().filter_map(|id| pkgdb::release(id)).collect();
    if dbs.len() != ids.len() {
        return false;
    }
    // Programs of Debian's Python packages (gunicorn, celery, flask): an image without Debian's
    // python3 (the python images build their own in /usr/local) cannot hold a package that
    // strictly depends on it. Asked only when the catalogue records python3 as not installed in
    // the Debian directories, so the lookup below ends there (no recursion into this function).
    let python3_absent = || {
        img.absent_cmds.iter().any(|c| c == "python3")
            && super::build::lookup(img, "/usr/bin/python3").exists == super::Tri::No
    };
    dbs.iter().all(|db| !db.owns(name))
        || (python3_absent()
            && dbs
                .iter()
                .all(|db| !db.owns(name) || db.owners_need_python3(name)))
}

#[cfg(test)]
mod tests {
    use crate::image::catalogue::image;
    use crate::image::Resolved;

    #[test]
    fn official_debian_images_know_their_path() {
        let py = image("python:3.12-slim").unwrap();
        assert_eq!(py.resolve("run-checks.sh", None), Resolved::NotFound);
        // The python build's own programs and Debian's alternatives stay unknown.
        assert_eq!(py.resolve("python3.12-config", None), Resolved::Unknown);
        assert_eq!(py.resolve("awk", None), Resolved::Unknown);
        // A program some Debian package ships but the image's pinned package set (the
        // release's base plus what its Dockerfile installs) does not hold: absent.
        assert_eq!(py.resolve("htop", None), Resolved::NotFound);
        assert_eq!(py.resolve("gunicorn", None), Resolved::NotFound);
        assert_eq!(
            image("debian:bookworm-slim")
                .unwrap()
                .resolve("supervisord", None),
            Resolved::NotFound
        );
        // Base programs are there.
        assert!(matches!(py.resolve("ls", None), Resolved::Found(_)));
        // Ubuntu's images are not minbase builds: a name some package ships stays unknown.
        assert_eq!(
            image("ubuntu:24.04").unwrap().resolve("htop", None),
            Resolved::Unknown
        );
        // The full variant's development packages: unknown.
        let full = image("python:3.12-bookworm").unwrap();
        assert_eq!(full.resolve("gunicorn", None), Resolved::Unknown);
        let go = image("golang:1.22-bookworm").unwrap();
        // The go release tarball's programs (generated row: the image's own Dockerfile).
        assert_eq!(
            go.resolve("gofmt", None),
            Resolved::Found("/usr/local/go/bin/gofmt".into())
        );
        // golang is built on buildpack-deps' `-scm` variant (a short package list): pinned.
        assert_eq!(go.resolve("my-server", None), Resolved::NotFound);
        assert_eq!(go.resolve("my-server.sh", None), Resolved::NotFound);
        assert!(matches!(go.resolve("git", None), Resolved::Found(_)));
        // A name a maintainer script creates (gcc's alternatives) stays unknown.
        assert_eq!(go.resolve("cc", None), Resolved::Unknown);
        let full = image("python:3.12-bookworm").unwrap();
        assert_eq!(full.resolve("convert", None), Resolved::Unknown);
        let deb = image("debian:bookworm-slim").unwrap();
        assert_eq!(deb.resolve("my-server", None), Resolved::NotFound);
        // Outside the distribution's tree: nothing unless the build puts it there.
        assert_eq!(deb.exists("/app/bin/server"), crate::image::Tri::No);
        assert_eq!(deb.exists("/opt/tool/bin/x"), crate::image::Tri::Unknown);
        let go = image("golang:1.22-bookworm").unwrap();
        assert_eq!(go.exists("/go/bin/x"), crate::image::Tri::No);
        assert_eq!(go.exists("/go/src/x"), crate::image::Tri::Unknown);
        // Alpine variants and images kexit has no row for are not concerned.
        let alp = image("python:3.12-alpine").unwrap();
        assert_eq!(alp.resolve("run-checks.sh", None), Resolved::Unknown);
        let fedora = image("fedora:40");
        assert!(fedora.is_none_or(|f| f.resolve("app", None) == Resolved::Unknown));
    }

    #[test]
    fn alpine_bases_are_pinned() {
        // alpine:3.20: the minirootfs of docker-alpine's v3.20 branch, exactly.
        let a = image("alpine:3.20").unwrap();
        assert!(matches!(a.resolve("ls", None), Resolved::Found(_)));
        assert!(matches!(a.resolve("scanelf", None), Resolved::Found(_)));
        assert_eq!(a.resolve("my-server", None), Resolved::NotFound);
        assert_eq!(a.exists("/usr/local/bin/app"), crate::image::Tri::No);
        // busybox's `ed` applet: linked in 3.18, gone since 3.19.
        assert_eq!(a.resolve("ed", None), Resolved::NotFound);
        assert!(matches!(
            image("alpine:3.18.4").unwrap().resolve("ed", None),
            Resolved::Found(_)
        ));
        // 3.23 (no minirootfs here) is bounded: an applet name busybox defines may be there,
        // any other name is absent.
        let b = image("alpine:3.23").unwrap();
        assert!(matches!(b.resolve("wget", None), Resolved::Found(_)));
        assert_eq!(b.resolve("ed", None), Resolved::Unknown);
        assert_eq!(b.resolve("gatewayd", None), Resolved::NotFound);
        // node's Alpine variant keeps only libstdc++: pinned; nodemon is not node's own program.
        let n = image("node:20-alpine").unwrap();
        assert!(matches!(n.resolve("npm", None), Resolved::Found(_)));
        assert_eq!(n.resolve("nodemon", None), Resolved::NotFound);
        // golang's keeps ca-certificates, whose update-ca-certificates may be there.
        let g = image("golang:1.23-alpine").unwrap();
        assert_eq!(g.resolve("update-ca-certificates", None), Resolved::Unknown);
        assert_eq!(g.resolve("gatewayd", None), Resolved::NotFound);
    }
}
