//! Owners and modes of the files a Dockerfile creates, and the users it defines: whether the
//! user a container runs as may execute a file (`COPY --chmod=0700` run as `USER 10001`).
//!
//! Known only where the Dockerfile says it: `COPY` makes files owned by root (uid 0) unless
//! `--chown`, with the `--chmod` mode or the build-context file's mode; `RUN chmod` (octal, or
//! the symbolic `+x`/`a+x`/`u+x` on a known mode) and `RUN chown` (simple forms) change them;
//! `useradd`/`adduser` with an explicit uid name users. Anything else leaves the owner or mode
//! unknown, and an unknown never denies.

use super::{Image, Origin, Tri};

/// Owner and mode of a file, where known.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Perm {
    pub uid: Option<u32>,
    pub mode: Option<u32>,
}

/// `RUN` effects on owners, modes and users (read by [`super::packages::read_run`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PermEffects {
    /// `chmod [-R] MODE FILE…` (the mode as written; recursive).
    pub chmods: Vec<(String, Vec<String>, bool)>,
    /// `chown [-R] OWNER[:GROUP] FILE…` (recursive).
    pub chowns: Vec<(String, Vec<String>, bool)>,
    /// Users created, with the uid when given (`useradd -u 10001 app`).
    pub users: Vec<(String, Option<u32>)>,
}

/// Options of `useradd`/`adduser` (Debian and busybox) that take a value.
const USER_OPTS_WITH_VALUE: [&str; 24] = [
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
    let name = name.filter(|n| !n.is_empty() && !n.contains(['$', '`']))?;
    Some((name, uid))
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
    for e in img.fs.values_mut() {
        if e.seq != seq || !matches!(e.origin, Origin::Instruction(_)) || e.is_dir == Tri::Yes {
            continue;
        }
        // Git records only 0755 or 0644; a stricter local mode (a checkout under umask 077)
        // is not what CI builds from, so it is read as git would write it.
        let src_mode =
            e.source
                .as_ref()
                .and_then(|s| s.mode)
                .map(|m| if m & 0o100 != 0 { 0o755 } else { 0o644 });
        e.perm = Perm {
            uid,
            mode: if chmod.is_some() {
                mode
            } else if from_stage {
                e.perm.mode
            } else {
                src_mode
            },
        };
    }
}

/// After a `RUN`: its chmods, chowns and new users.
pub(crate) fn after_run(img: &mut Image, fx: &PermEffects) {
    img.users.extend(fx.users.iter().cloned());
    let wd = img.workdir.clone();
    let covered = |k: &str, p: &str, rec: bool| {
        k == p || (rec && (p == "/" || k.starts_with(&format!("{p}/"))))
    };
    for (mode, files, rec) in &fx.chmods {
        for f in files {
            let p = super::build::normalize(&wd, f);
            for (_, e) in img.fs.iter_mut().filter(|(k, _)| covered(k, &p, *rec)) {
                e.perm.mode = apply_mode(e.perm.mode, mode);
            }
        }
    }
    for (owner, files, rec) in &fx.chowns {
        let uid = uid_of(Some(img), owner);
        for f in files {
            let p = super::build::normalize(&wd, f);
            for (_, e) in img.fs.iter_mut().filter(|(k, _)| covered(k, &p, *rec)) {
                e.perm.uid = uid;
            }
        }
    }
}

/// A chmod mode applied to a (maybe unknown) mode.
fn apply_mode(cur: Option<u32>, mode: &str) -> Option<u32> {
    if !mode.is_empty() && mode.chars().all(|c| c.is_ascii_digit()) {
        return u32::from_str_radix(mode, 8).ok().map(|m| m & 0o7777);
    }
    let cur = cur?;
    match mode {
        "+x" | "a+x" | "ugo+x" => Some(cur | 0o111),
        "u+x" => Some(cur | 0o100),
        "go-rwx" | "og-rwx" | "go=" | "og=" => Some(cur & !0o077),
        _ => None,
    }
}

/// Whether `uid` may not execute a file with this owner and mode (an executable regular
/// file): certain only when all three are known. Root needs one exec bit; another user needs
/// its class's (the group class is taken to allow whenever it has the bit: the process's groups
/// are not modelled).
pub fn denies(perm: Perm, uid: u32) -> bool {
    let (Some(owner), Some(mode)) = (perm.uid, perm.mode) else {
        return false;
    };
    if uid == 0 {
        return mode & 0o111 == 0;
    }
    if uid == owner {
        return mode & 0o100 == 0;
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
    }

    #[test]
    fn modes() {
        let p = |uid, mode| Perm {
            uid: Some(uid),
            mode: Some(mode),
        };
        assert!(denies(p(0, 0o700), 10001));
        assert!(!denies(p(0, 0o755), 10001));
        assert!(!denies(p(0, 0o700), 0));
        assert!(!denies(p(10001, 0o700), 10001));
        assert!(!denies(p(0, 0o710), 10001));
        assert!(!denies(Perm::default(), 10001));
        assert_eq!(apply_mode(Some(0o600), "+x"), Some(0o711));
        assert_eq!(apply_mode(None, "+x"), None);
        assert_eq!(apply_mode(None, "0700"), Some(0o700));
    }
}
