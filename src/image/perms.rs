//! Owners and modes of the files a Dockerfile creates, and the users it defines: whether the
//! user a container runs as may execute a file (`COPY --chmod=0700` run as `USER 10001`).
//!
//! Known only where the Dockerfile says it: `COPY` makes files owned by root (uid 0) unless
//! `--chown`, with the `--chmod` mode or the build-context file's mode; `RUN chmod` ([`super::chmod`]: octal, or
//! the symbolic `+x`/`a+x`/`u+x` on a known mode) and `RUN chown` (simple forms) change them;
//! `useradd`/`adduser` with an explicit uid name users. Anything else leaves the owner or mode
//! unknown, and an unknown never denies.

use super::{Entry, Image, Origin, Tri};

/// Owner and mode of a file, where known.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Perm {
    pub uid: Option<u32>,
    /// The owning group (gid): 0 for a `COPY` without `--chown`.
    pub gid: Option<u32>,
    pub mode: Option<u32>,
}

/// `RUN` effects on owners, modes and users (read by [`super::packages::read_run`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PermEffects {
    /// `chown [-R] OWNER[:GROUP] FILE…` (recursive).
    pub chowns: Vec<(String, Vec<String>, bool)>,
    /// Users created, with the uid when given (`useradd -u 10001 app`).
    pub users: Vec<(String, Option<u32>)>,
    /// Users created without any group option naming group 0 (their own group).
    pub outside_root_group: Vec<String>,
    /// Users whose groups a step changes (`usermod`, `gpasswd`, `adduser USER GROUP`).
    pub regrouped: Vec<String>,
    /// Home directories created for new users (`useradd -m app`: `/home/app`), with the user.
    pub homes: Vec<(String, String)>,
}

/// Options of `useradd`/`adduser` (Debian and busybox) that take a value.
const USER_OPTS_WITH_VALUE: [&str; 35] = [
    "--home-dir",
    "--base-dir",
    "--skel",
    "--expiredate",
    "--inactive",
    "--key",
    "--password",
    "--root",
    "--prefix",
    "--selinux-user",
    "--firstuid",
    "-b",
    "-c",
    "-d",
    "-e",
    "-f",
    "-g",
    "-G",
    "-k",
    "-K",
    "-p",
    "-R",
    "-P",
    "-s",
    "-u",
    "-Z",
    "-h",
    "--home",
    "--shell",
    "--uid",
    "--gid",
    "--ingroup",
    "--gecos",
    "--comment",
    "--groups",
];

/// Read `useradd`/`adduser` arguments: the user's name and its uid when given.
pub(crate) fn read_useradd(args: &[&str]) -> Option<(String, Option<u32>)> {
    let mut uid = None;
    let mut name = None;
    let mut k = 0;
    while k < args.len() {
        let a = args[k];
        if let Some(v) = a.strip_prefix("--uid=") {
            uid = v.parse().ok();
        } else if a == "-u" || a == "--uid" {
            uid = args.get(k + 1).and_then(|v| v.parse().ok());
            k += 1;
        } else if USER_OPTS_WITH_VALUE.contains(&a) {
            k += 1;
        } else if !a.starts_with('-') && name.is_none() {
            name = Some(a.trim_matches(|c| c == '"' || c == '\'').to_string());
        }
        k += 1;
    }
    let name = name.filter(|n| !n.is_empty() && !n.contains(['$', '`', '/']))?;
    Some((name, uid))
}

/// Short options of `useradd` that take a value (the last letter of a cluster such as `-ms`).
const USERADD_SHORT_WITH_VALUE: &str = "bcdefgGkKpRPsuZ";

/// The home directory a `useradd`/`adduser` creates for a new user, with the user's name:
/// `useradd -m` (`--create-home`), or an `adduser` that is not a system user and not told not
/// to (`--no-create-home`, busybox `-H`). The directory is `-d`/`--home-dir`/`--home` (busybox
/// `-h`), else `/home/NAME` (`-b`/`--base-dir` BASE: `BASE/NAME`). None when it creates none or
/// kexit cannot read the arguments (a `$VAR`, an option it does not know).
pub(crate) fn created_home(prog: &str, args: &[&str]) -> Option<(String, String)> {
    let useradd = prog == "useradd";
    let (mut create, mut home, mut base, mut name) = (!useradd, None::<String>, None, None);
    let unquote = |v: &str| v.trim_matches(|c| c == '"' || c == '\'').to_string();
    let mut k = 0;
    while k < args.len() {
        let a = args[k];
        let (opt, inline) = match a.split_once('=') {
            Some((o, v)) if o.starts_with("--") => (o, Some(v)),
            _ => (a, None),
        };
        let value = |k: &mut usize| -> Option<String> {
            match inline {
                Some(v) => Some(unquote(v)),
                None => {
                    *k += 1;
                    args.get(*k).map(|v| unquote(v))
                }
            }
        };
        match opt {
            "-m" | "--create-home" if useradd => create = true,
            "-M" | "--no-create-home" => create = false,
            "-H" if !useradd => create = false,
            "-r" | "--system" | "-S" => create &= useradd,
            "-d" | "--home-dir" | "--home" => home = Some(value(&mut k)?),
            "-h" if !useradd => home = Some(value(&mut k)?),
            "-b" | "--base-dir" if useradd => base = Some(value(&mut k)?),
            _ if opt.starts_with("--") => {
                if inline.is_none() && USER_OPTS_WITH_VALUE.contains(&opt) {
                    k += 1;
                }
            }
            _ if opt.starts_with('-') && opt.len() > 1 => {
                if !useradd {
                    // busybox adduser's short options: -D -S -H take none; the rest one.
                    if !matches!(opt, "-D" | "-S" | "-H") && USER_OPTS_WITH_VALUE.contains(&opt) {
                        k += 1;
                    } else if !matches!(opt, "-D" | "-S" | "-H") {
                        return None;
                    }
                } else {
                    // A cluster (`-ms /bin/bash`, `-rm`): flags, the last may take a value.
                    let letters = &opt[1..];
                    if !letters.chars().all(|c| c.is_ascii_alphabetic()) {
                        return None;
                    }
                    for (i, c) in letters.chars().enumerate() {
                        let last = i + 1 == letters.len();
                        match c {
                            'm' => create = true,
                            'M' => create = false,
                            'r' | 'N' | 'U' | 'l' | 'o' => {}
                            'd' if last => home = Some(value(&mut k)?),
                            'b' if last => base = Some(value(&mut k)?),
                            c if USERADD_SHORT_WITH_VALUE.contains(c) && last => {
                                value(&mut k)?;
                            }
                            _ => return None,
                        }
                    }
                }
            }
            _ if name.is_none() => name = Some(unquote(a)),
            // `adduser USER GROUP` adds a user to a group: no home.
            _ => return None,
        }
        k += 1;
    }
    let name = name.filter(|n| !n.is_empty() && !n.contains(['$', '`', '/']))?;
    if !create {
        return None;
    }
    let home = match (home, base) {
        (Some(h), _) => h,
        (None, Some(b)) => format!("{}/{name}", b.trim_end_matches('/')),
        (None, None) => format!("/home/{name}"),
    };
    (home.starts_with('/') && !home.contains(['$', '`', '*', '?']) && home != "/")
        .then_some((name, super::build::normalize("/", &home)))
}

/// Whether `useradd`/`adduser` arguments put the user in group 0: a primary or supplementary
/// group option naming `root` or `0`, or one kexit cannot read.
pub(crate) fn useradd_joins_root(args: &[&str]) -> bool {
    const GROUP_OPTS: [&str; 6] = ["-g", "-G", "--gid", "--groups", "--ingroup", "--group"];
    let root = |v: &str| {
        v.split(',').any(|g| {
            let g = g.trim_matches(|c| c == '"' || c == '\'');
            g == "root" || g == "0" || g.contains(['$', '`'])
        })
    };
    args.iter().enumerate().any(|(k, a)| {
        if let Some((opt, v)) = a.split_once('=') {
            return GROUP_OPTS.contains(&opt) && root(v);
        }
        GROUP_OPTS.contains(a) && args.get(k + 1).is_none_or(|v| root(v))
    })
}

/// Whether the user a process runs as (`name`, `uid`, `name:group`, `uid:gid`) is certainly not
/// a member of group 0: its group is given and not 0 and, for a user of the image, the image
/// created it in a group of its own; or it is a user the image created so. A uid without an
/// entry in `/etc/passwd` and no group runs with gid 0.
pub fn outside_root_group(img: &Image, user: &str) -> bool {
    let (name, group) = match user.split_once(':') {
        Some((n, g)) => (n.trim(), Some(g.trim())),
        None => (user.trim(), None),
    };
    let created = img.outside_root_group.iter().any(|u| u == name);
    match group {
        None => created,
        Some(g) if g.is_empty() || g == "0" || g == "root" || g.contains(['$', '`', '?']) => false,
        Some(_) => {
            // The primary group is not root; supplementary groups come from /etc/group, and a
            // uid of a catalogued base with no passwd entry kexit knows has none.
            created
                || (img.base_known
                    && name.parse::<u32>().is_ok()
                    && !img
                        .users
                        .iter()
                        .any(|(_, id)| id.map(|i| i.to_string()).as_deref() == Some(name)))
        }
    }
}

/// The gid of a `--chown`/`chown` owner: its group part (numeric or `root`), else, without one,
/// the numeric uid (BuildKit uses the uid as the gid then).
fn gid_of(owner: &str, uid: Option<u32>) -> Option<u32> {
    match owner.split_once(':') {
        Some((_, "root")) => Some(0),
        Some((_, g)) => g.parse().ok(),
        None => uid,
    }
}

/// The uid of a `USER`/`runAsUser`/`--chown` owner (`10001`, `10001:10001`, `app:app`,
/// `root`), when the image says who it is.
pub fn uid_of(img: Option<&Image>, user: &str) -> Option<u32> {
    let u = user.split(':').next().unwrap_or(user).trim();
    if u.is_empty() || u.contains(['$', '`']) {
        return None;
    }
    if let Ok(n) = u.parse() {
        return Some(n);
    }
    if u == "root" {
        return Some(0);
    }
    img?.users
        .iter()
        .rev()
        .find(|(n, _)| n == u)
        .and_then(|(_, id)| *id)
}

/// After a `COPY`/`ADD`: the entries it created (this instruction's `seq`) get their owner
/// and mode.
pub(crate) fn after_copy(
    img: &mut Image,
    chown: Option<&str>,
    chmod: Option<&str>,
    from_stage: bool,
    seq: u32,
) {
    let uid = match chown {
        Some(c) => uid_of(Some(img), c),
        // BuildKit: a COPY without --chown creates files owned by 0:0.
        None if !from_stage => Some(0),
        None => None,
    };
    let mode = chmod.and_then(|m| u32::from_str_radix(m, 8).ok());
    let copied = |_: &str, e: &Entry| {
        e.seq == seq && matches!(e.origin, Origin::Instruction(_)) && e.is_dir != Tri::Yes
    };
    img.fs.update(copied, |_, e| {
        // Git records only 0755 or 0644; a stricter local mode (a checkout under umask 077)
        // is not what CI builds from, so it is read as git would write it.
        let src_mode =
            e.source
                .as_ref()
                .and_then(|s| s.mode)
                .map(|m| if m & 0o100 != 0 { 0o755 } else { 0o644 });
        e.perm = Perm {
            uid,
            gid: match chown {
                Some(c) => gid_of(c, uid),
                None => uid,
            },
            mode: if chmod.is_some() {
                mode
            } else if from_stage {
                e.perm.mode
            } else {
                src_mode
            },
        };
    });
}

/// Debian's `/etc/skel` (bash, base-files): what `useradd -m` copies into a new home.
const DEBIAN_SKEL: [&str; 3] = [".bashrc", ".profile", ".bash_logout"];

/// Home directories a `RUN` created (`useradd -m app`): on a Debian-family official base whose
/// `/etc/skel` and `/home` no earlier step could have changed, the new home holds only the
/// skeleton files, so `~app/.local/bin` is absent until something writes there. Anywhere else
/// (another base, an unfollowed step over the home or the skeleton) nothing is claimed.
pub(crate) fn create_homes(img: &mut Image, fx: &PermEffects, origin: &Origin, seq: u32) {
    use super::build::under;
    for (user, home) in &fx.homes {
        let touched = |p: &str| {
            img.fuzzy.iter().any(|(f, _)| under(f, p) || under(p, f)) || img.fs.get(p).is_some()
        };
        let known = img.base_known
            && super::installs::debian_releases(img).is_some()
            && !touched(home)
            && !touched("/etc/skel");
        if !known {
            continue;
        }
        let mut e = super::dockerfile::entry(origin.clone(), seq);
        e.is_dir = Tri::Yes;
        e.executable = Tri::Yes;
        e.complete_dir = true;
        super::dockerfile::put(img, home, e);
        for f in DEBIAN_SKEL {
            super::dockerfile::fuzz(img, &format!("{home}/{f}"));
        }
        img.homes.push((user.clone(), home.clone()));
    }
}

/// After a `RUN`: its chowns and new users (its chmods: [`super::chmod`]).
pub(crate) fn after_run(img: &mut Image, fx: &PermEffects) {
    img.users.extend(fx.users.iter().cloned());
    img.outside_root_group
        .extend(fx.outside_root_group.iter().cloned());
    img.outside_root_group.retain(|u| !fx.regrouped.contains(u));
    let wd = img.workdir.clone();
    // The path itself, and with -R the paths under it.
    let update = |img: &mut Image, p: &str, rec: bool, f: &mut dyn FnMut(&mut Entry)| {
        if rec {
            img.fs.update_subtree(p, |_, _| true, |_, e| f(e));
        } else if let Some(e) = img.fs.get_mut(p) {
            f(e);
        }
    };
    for (owner, files, rec) in &fx.chowns {
        let uid = uid_of(Some(img), owner);
        // `chown user` keeps the group; `chown user:group` sets it.
        let gid = owner.contains(':').then(|| gid_of(owner, uid));
        for f in files {
            let p = super::build::normalize(&wd, f);
            update(img, &p, *rec, &mut |e| {
                e.perm.uid = uid;
                if let Some(g) = gid {
                    e.perm.gid = g;
                }
            });
        }
    }
}

/// Whether `uid` may not execute a file with this owner and mode (an executable regular
/// file): certain only when all three are known. Root needs one exec bit; another user needs
/// its class's. The group class is taken to allow whenever it has the bit, except for a file
/// of group 0 run by a user certainly outside group 0 (`outside_root`).
pub fn denies(perm: Perm, uid: u32, outside_root: bool) -> bool {
    let (Some(owner), Some(mode)) = (perm.uid, perm.mode) else {
        return false;
    };
    if uid == 0 {
        return mode & 0o111 == 0;
    }
    if uid == owner {
        return mode & 0o100 == 0;
    }
    if outside_root && perm.gid == Some(0) {
        return mode & 0o001 == 0;
    }
    mode & 0o011 == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn useradd_forms() {
        assert_eq!(
            read_useradd(&["-u", "10001", "-r", "-g", "app", "app"]),
            Some(("app".into(), Some(10001)))
        );
        assert_eq!(
            read_useradd(&["-D", "-u", "1000", "-h", "/home/x", "x"]),
            Some(("x".into(), Some(1000)))
        );
        assert_eq!(
            read_useradd(&["--system", "--uid=999", "svc"]),
            Some(("svc".into(), Some(999)))
        );
        assert_eq!(read_useradd(&["-m", "bob"]), Some(("bob".into(), None)));
        assert_eq!(
            read_useradd(&["--system", "--uid", "999", "--home-dir", "/var/lib/b", "b"]),
            Some(("b".into(), Some(999)))
        );
        let home = |p: &str, a: &[&str]| created_home(p, a).map(|(_, h)| h);
        assert_eq!(
            home("useradd", &["--create-home", "app"]).as_deref(),
            Some("/home/app")
        );
        assert_eq!(
            home("useradd", &["-ms", "/bin/bash", "app"]).as_deref(),
            Some("/home/app")
        );
        assert_eq!(
            home("useradd", &["-rm", "-d", "/srv/app/", "-u", "1001", "app"]).as_deref(),
            Some("/srv/app")
        );
        assert_eq!(
            home("useradd", &["--home-dir=/opt/x", "-m", "x"]).as_deref(),
            Some("/opt/x")
        );
        assert_eq!(
            home("useradd", &["-b", "/users", "-m", "x"]).as_deref(),
            Some("/users/x")
        );
        assert_eq!(home("useradd", &["-u", "1000", "app"]), None);
        assert_eq!(home("useradd", &["-m", "-M", "app"]), None);
        assert_eq!(home("useradd", &["-m", "$USER"]), None);
        assert_eq!(home("useradd", &["-mQ", "app"]), None);
        assert_eq!(
            home("adduser", &["--disabled-password", "--gecos", "", "app"]).as_deref(),
            Some("/home/app")
        );
        assert_eq!(
            home("adduser", &["-D", "-u", "1000", "app"]).as_deref(),
            Some("/home/app")
        );
        assert_eq!(
            home("adduser", &["-D", "-h", "/app", "app"]).as_deref(),
            Some("/app")
        );
        assert_eq!(home("adduser", &["--system", "app"]), None);
        assert_eq!(home("adduser", &["-S", "app"]), None);
        assert_eq!(home("adduser", &["-D", "-H", "app"]), None);
        assert_eq!(home("adduser", &["app", "staff"]), None);
        assert!(!useradd_joins_root(&[
            "--system", "--uid", "999", "--gid", "backup", "backup"
        ]));
        assert!(!useradd_joins_root(&["-u", "1000", "-m", "app"]));
        assert!(useradd_joins_root(&["-u", "1000", "-g", "0", "app"]));
        assert!(useradd_joins_root(&["-G", "wheel,root", "app"]));
        assert!(useradd_joins_root(&["--groups=root", "app"]));
        assert!(useradd_joins_root(&["-G", "$GROUPS", "app"]));
    }

    #[test]
    fn modes() {
        let p = |uid, mode| Perm {
            uid: Some(uid),
            gid: Some(0),
            mode: Some(mode),
        };
        assert!(denies(p(0, 0o700), 10001, false));
        assert!(!denies(p(0, 0o755), 10001, false));
        assert!(!denies(p(0, 0o700), 0, false));
        assert!(!denies(p(10001, 0o700), 10001, false));
        assert!(!denies(p(0, 0o710), 10001, false));
        // 0750 root:root run by a user outside group 0: only the others' bits count.
        assert!(denies(p(0, 0o750), 10001, true));
        assert!(!denies(p(0, 0o751), 10001, true));
        assert!(!denies(Perm::default(), 10001, true));
    }
}
