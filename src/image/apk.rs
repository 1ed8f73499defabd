//! `apk add` on an image whose Alpine base is pinned (a generated catalogue row: the official
//! minirootfs, `tools/gen-data/gen_images.py`). kexit has no Alpine package data: the hand
//! table's programs are present, and in the PATH directories a name stays unknown when a
//! requested package is not in that table, or when an Alpine package may plausibly ship it
//! ([`plausible`]).

use super::dockerfile::fuzz;
use super::installs::{add_pkg_fuzz, mark, PkgFuzz, Plausible};
use super::packages::Install;
use super::{pkgdb, Image, Origin};

/// Alpine's own tool families (apk-tools, abuild, alpine-conf, openrc, mkinitfs …): programs
/// Alpine packages ship that Debian and Ubuntu may not.
const ALPINE_FAMILIES: [&str; 14] = [
    "apk*",
    "abuild*",
    "setup-*",
    "lbu*",
    "rc-*",
    "openrc*",
    "mkinitfs*",
    "update-*",
    "su-exec",
    "posixtz",
    "ssl_client",
    "scanelf",
    "alpine-*",
    "*-alpine-*",
];

/// Whether an Alpine package may install a program named `name`, though kexit has no Alpine
/// package data. Alpine packages the same free software Debian and Ubuntu do, under the same
/// program names: a name some Debian/Ubuntu release ships (`programs.zz`), a name their
/// maintainer scripts create ([`super::official::ALTERNATIVES`]), a well-known distribution
/// program, a busybox applet (busybox-extras) or an Alpine base name, a name of Alpine's own
/// tool families, or a name that looks like a requested package's (`kubectl` from `kubectl`,
/// `node` from `nodejs`, `docker` from `docker-cli`). Any other name (`gatewayd`, `nodemon`,
/// `my-server`: a project's own program) no distribution package brings.
pub(crate) fn plausible(name: &str, packages: &[String]) -> bool {
    if pkgdb::distro_program(name)
        || super::official::ALTERNATIVES.contains(&name)
        || super::catalogue::well_known(name)
        || super::catalogue::alpine_names().contains(name)
        || ALPINE_FAMILIES
            .iter()
            .any(|p| super::catalogue::glob(p, name))
    {
        return true;
    }
    packages.iter().any(|p| {
        let p = package_name(p);
        let stem = ["py3-", "py-", "perl-", "ruby-", "lua-", "nodejs-", "go-"]
            .iter()
            .find_map(|x| p.strip_prefix(x))
            .unwrap_or(p);
        let related = |t: &str| {
            t.len() >= 3 && (name.starts_with(t) || (name.len() >= 3 && t.starts_with(name)))
        };
        name == p || related(stem) || stem.split(['-', '_', '.']).any(related)
    })
}

/// The package name of an `apk add` argument without its version constraint (`k9s=0.32.5-r1`).
fn package_name(arg: &str) -> &str {
    arg.split(['=', '<', '>', '~']).next().unwrap_or(arg)
}

/// Where Alpine packages install programs: never `/usr/local` (abuild's FHS check: "Packages
/// must not put anything under /usr/local").
const APK_BIN_DIRS: [&str; 4] = ["/usr/sbin", "/usr/bin", "/sbin", "/bin"];

/// Directories Alpine packages install into besides the PATH directories (a package's files
/// there are not in any data kexit has).
const APK_OTHER_DIRS: [&str; 12] = [
    "/usr/lib",
    "/usr/libexec",
    "/usr/share",
    "/usr/include",
    "/usr/src",
    "/usr/x86_64-alpine-linux-musl",
    "/usr/aarch64-alpine-linux-musl",
    "/lib",
    "/etc",
    "/var",
    "/opt",
    "/run",
];

/// `apk add` on an image whose Alpine base is pinned (its PATH directories known exactly, a
/// generated row): the table's programs of the packages it knows are present, and any name an
/// Alpine package may plausibly bring ([`plausible`]) may be there. Options that point
/// apk elsewhere (another root, repository or architecture, a local `.apk` file) leave the
/// install as unknown as a package kexit does not know (every system directory unknown but the
/// table's programs). Other images keep the generic handling.
pub(super) fn apply(img: &mut Image, inst: &Install, origin: &Origin, seq: u32) -> bool {
    if img.pinned.is_none() || img.libc != super::Libc::Musl {
        return false;
    }
    let mark_known = |img: &mut Image| {
        for n in &inst.packages {
            for b in super::packages::binaries("apk", n).unwrap_or(&[]) {
                mark(img, b, origin, seq);
            }
        }
    };
    const SAFE: [&str; 16] = [
        "--no-cache",
        "-U",
        "--update-cache",
        "--update",
        "-u",
        "--upgrade",
        "-q",
        "--quiet",
        "-v",
        "--verbose",
        "--no-progress",
        "-t",
        "--virtual",
        "--no-scripts",
        "-l",
        "--latest",
    ];
    let plain = |n: &str| {
        !n.is_empty()
            && n.chars().all(|c| {
                c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '+' | '-' | '_')
            })
    };
    // A `--virtual` group name (`.build-deps`) installs nothing of its own.
    let names: Vec<String> = inst
        .packages
        .iter()
        .filter(|p| !p.starts_with('.'))
        .map(|p| package_name(p).to_string())
        .collect();
    if img.pkg_foreign
        || inst
            .options
            .iter()
            .any(|o| !SAFE.contains(&o.as_str()) && !o.starts_with("--virtual="))
        || !names.iter().all(|n| plain(n))
    {
        for d in super::dockerfile::SYSTEM_DIRS {
            fuzz(img, d);
        }
        mark_known(img);
        return true;
    }
    let all_known = names
        .iter()
        .all(|n| super::packages::binaries("apk", n).is_some());
    for d in APK_OTHER_DIRS {
        fuzz(img, d);
    }
    mark_known(img);
    add_pkg_fuzz(
        img,
        PkgFuzz {
            seq: img.seq,
            dirs: APK_BIN_DIRS.iter().map(|d| d.to_string()).collect(),
            kind: Plausible::Apk(names, all_known),
            complete: false,
        },
    );
    true
}

#[cfg(test)]
mod tests {
    use super::plausible;

    #[test]
    fn plausible_names() {
        let pk = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        // Debian/Ubuntu programs, applets, Alpine tools.
        assert!(plausible("git-shell", &pk(&["git"])));
        assert!(plausible("bash", &pk(&["tzdata"])));
        assert!(plausible("telnet", &pk(&["busybox-extras"])));
        assert!(plausible("setup-apkcache", &pk(&["alpine-conf"])));
        assert!(plausible("su-exec", &pk(&[])));
        // Named like a requested package.
        assert!(plausible("helm", &pk(&["helm"])));
        assert!(plausible("k9s", &pk(&["k9s=0.32.5-r1"])));
        assert!(plausible("docker", &pk(&["docker-cli"])));
        assert!(plausible("mytool", &pk(&["py3-mytool"])));
        // A project's own program.
        assert!(!plausible("gatewayd", &pk(&["git", "curl"])));
        assert!(!plausible("nodemon", &pk(&["libstdc++"])));
        assert!(!plausible("my-server", &pk(&["ca-certificates", "tzdata"])));
    }
}
