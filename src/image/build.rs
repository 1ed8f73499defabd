//! File-system queries on an [`Image`] (lookup with symlinks, PATH resolution).

use super::{Entry, Image, Origin, PathInfo, Resolved, Tri};

/// Standard directories where the catalogue's tracked commands would live.
pub(crate) const STD_BIN_DIRS: [&str; 6] = [
    "/usr/local/sbin",
    "/usr/local/bin",
    "/usr/sbin",
    "/usr/bin",
    "/sbin",
    "/bin",
];

/// Directories every Linux distribution image has (the FHS skeleton of base-files, alpine-baselayout,
/// filesystem): where the image model cannot tell, a COPY to one of them copies into it.
const FHS_DIRS: [&str; 19] = [
    "/bin",
    "/etc",
    "/home",
    "/lib",
    "/opt",
    "/root",
    "/sbin",
    "/srv",
    "/tmp",
    "/usr",
    "/usr/bin",
    "/usr/lib",
    "/usr/local",
    "/usr/local/bin",
    "/usr/local/lib",
    "/usr/local/sbin",
    "/usr/local/share",
    "/usr/sbin",
    "/usr/share",
];

/// Whether a file COPY'd to `dest` (normalised) lands inside it (BuildKit: when the destination
/// ends in `/`, names several sources, or is an existing directory) rather than at it. An
/// existing directory is known from the model; where the model does not know (a base it does
/// not catalogue, a path a step it could not follow may have created), a standard directory
/// such as `/usr/local/bin` is taken to exist: `COPY entrypoint.sh /usr/local/bin` copies into it.
pub(crate) fn copies_into(img: &Image, dest: &str, dest_is_dir: bool) -> bool {
    if dest_is_dir {
        return true;
    }
    let info = lookup(img, dest);
    match (info.exists, info.is_dir) {
        (_, Tri::Yes) => true,
        (Tri::No, _) | (_, Tri::No) => false,
        _ => FHS_DIRS.contains(&dest),
    }
}

/// Longest path the Linux system calls accept (`PATH_MAX`, with its NUL) and longest name of
/// one component on its file systems (`NAME_MAX`: ext4, xfs, overlayfs). A longer path or name
/// fails with ENAMETOOLONG: it cannot be created (busybox's `mkdir -p` passes each whole prefix
/// to mkdir(2); GNU's goes into each directory in turn, so its directories may end deeper than
/// `PATH_MAX`, where no absolute path reaches them) nor named by exec or open.
pub(crate) const PATH_MAX: usize = 4096;
pub(crate) const NAME_MAX: usize = 255;

/// The longest ancestor of the normalised `p` (or `p` itself) that Linux can name
/// ([`PATH_MAX`], [`NAME_MAX`]): `p` when it can; `/` when its first component is too long.
pub(crate) fn nameable_prefix(p: &str) -> &str {
    let mut end = 0;
    let mut start = 0;
    for c in p.split('/') {
        let stop = start + c.len();
        if c.len() > NAME_MAX || stop >= PATH_MAX {
            break;
        }
        end = stop;
        start = stop + 1;
    }
    p.get(..end).filter(|s| !s.is_empty()).unwrap_or("/")
}

/// Whether Linux can name the normalised path `p` ([`nameable_prefix`]).
pub(crate) fn nameable(p: &str) -> bool {
    p.len() < PATH_MAX && p.split('/').all(|c| c.len() <= NAME_MAX)
}

/// Normalise a path: join relative paths to `cwd`, drop `.`/empty components, apply `..`.
pub fn normalize(cwd: &str, p: &str) -> String {
    let joined;
    let full = if p.starts_with('/') {
        p
    } else {
        joined = format!("{}/{}", cwd.trim_end_matches('/'), p);
        &joined
    };
    let mut parts: Vec<&str> = Vec::new();
    for c in full.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            c => parts.push(c),
        }
    }
    let mut s = String::with_capacity(full.len() + 1);
    for c in &parts {
        s.push('/');
        s.push_str(c);
    }
    if s.is_empty() {
        s.push('/');
    }
    s
}

fn parent(p: &str) -> Option<&str> {
    if p == "/" {
        return None;
    }
    match p.rfind('/') {
        Some(0) => Some("/"),
        Some(i) => Some(&p[..i]),
        None => None,
    }
}

/// Whether `p` is `prefix` or below it (`"/"` covers every path).
pub(crate) fn under(prefix: &str, p: &str) -> bool {
    prefix == "/"
        || p == prefix
        || (p.starts_with(prefix) && p.as_bytes().get(prefix.len()) == Some(&b'/'))
}

/// Rewrite the path through known symlinks on any of its components (bounded).
pub(crate) fn follow(img: &Image, mut p: String) -> String {
    for _ in 0..16 {
        if p.len() >= PATH_MAX {
            // No system call takes it ([`lookup`] answers unknown).
            break;
        }
        let mut changed = false;
        // Check each prefix, shortest first; those of the clean chain are no links.
        let mut idx = img.fs.clean_prefix_len(&p) + 1;
        while idx <= p.len() {
            let end = p[idx..].find('/').map_or(p.len(), |i| idx + i);
            let prefix = &p[..end];
            if let Some(target) = img.fs.get(prefix).and_then(|e| e.symlink.as_ref()) {
                let base = parent(prefix).unwrap_or("/");
                let rest = &p[end..];
                let t = normalize(base, target);
                p = normalize("/", &format!("{t}{rest}"));
                changed = true;
                break;
            }
            idx = end + 1;
        }
        if !changed {
            break;
        }
    }
    p
}

fn info(e: &Entry) -> PathInfo {
    e.info.clone()
}

pub(crate) fn lookup(img: &Image, p: &str) -> PathInfo {
    // A path Linux cannot name is nowhere kexit models ([`nameable_prefix`]): unknown.
    let p = normalize(&img.workdir, p);
    if !nameable(&p) {
        return PathInfo::unknown();
    }
    let p = follow(img, p);
    if !nameable(&p) {
        return PathInfo::unknown();
    }
    if let Some(e) = img.fs.get(&p) {
        return info(e);
    }
    // Nearest known ancestor. The clean chain's directories neither end the walk nor make the
    // path absent: it stops where it meets them.
    let covered = img.fs.clean_prefix_len(&p);
    let mut anc = parent(&p);
    let mut known_dir: Option<(&Entry, u32)> = None;
    while let Some(a) = anc.filter(|a| a.len() > covered) {
        if let Some(e) = img.fs.get(a) {
            if e.exists == Tri::No || e.is_dir == Tri::No && e.exists == Tri::Yes {
                // A parent that is absent or a regular file: the path cannot exist.
                if e.symlink.is_none() {
                    return PathInfo::absent(e.origin.clone());
                }
            }
            if e.complete_dir {
                known_dir = Some((e, e.seq));
                break;
            }
        }
        anc = parent(a);
    }
    let since = known_dir.map_or(0, |(_, s)| s);
    if img.fuzzy_covers(&p, since) {
        return PathInfo::unknown();
    }
    if let Some((dir, name)) = p.rsplit_once('/') {
        let dir = if dir.is_empty() { "/" } else { dir };
        if img
            .pkg_fuzz
            .iter()
            .any(|f| f.seq >= since && f.covers(dir, name))
        {
            return PathInfo::unknown();
        }
        if img.pkg_fuzz.iter().any(|f| f.completes(dir)) {
            return PathInfo::absent(Origin::Unknown);
        }
    }
    if let Some((e, _)) = known_dir {
        return PathInfo::absent(e.origin.clone());
    }
    if img.base_known && img.complete {
        return PathInfo::absent(base_origin(img));
    }
    if img.base_known {
        if let Some(dir) = parent(&p) {
            let name = &p[dir.len().min(p.len())..].trim_start_matches('/');
            if STD_BIN_DIRS.contains(&dir) && img.absent_cmds.iter().any(|c| c == name) {
                return PathInfo::absent(base_origin(img));
            }
            if img
                .official
                .is_some_and(|o| super::official::absent(img, o, dir, name))
            {
                return PathInfo::absent(base_origin(img));
            }
        }
    }
    if img
        .official
        .is_some_and(|o| super::official::outside_distribution(img, o, &p))
    {
        return PathInfo::absent(base_origin(img));
    }
    PathInfo::unknown()
}

fn base_origin(img: &Image) -> Origin {
    match &img.base {
        Some(_) => Origin::Catalogue,
        None => Origin::Unknown,
    }
}

pub(crate) fn resolve(img: &Image, name: &str, path_override: Option<&str>) -> Resolved {
    if name.is_empty() {
        return Resolved::NotFound;
    }
    if name.contains('/') {
        let p = normalize(&img.workdir, name);
        let i = lookup(img, &p);
        return match (i.exists, i.is_dir) {
            (Tri::Yes, Tri::No) => Resolved::Found(p),
            (Tri::Yes, Tri::Unknown) => Resolved::Found(p),
            (Tri::No, _) | (Tri::Yes, Tri::Yes) => Resolved::NotFound,
            _ => Resolved::Unknown,
        };
    }
    let path = path_override.unwrap_or_else(|| img.path_env());
    let mut unknown = false;
    for dir in path.split(':') {
        if !dir.starts_with('/') {
            // Relative PATH entries resolve against the working directory: not modelled.
            if !dir.is_empty() {
                unknown = true;
            }
            continue;
        }
        let p = normalize("/", &format!("{dir}/{name}"));
        let i = lookup(img, &p);
        match (i.exists, i.is_dir) {
            (Tri::Yes, Tri::Yes) => {}
            (Tri::Yes, _) => {
                if unknown {
                    // An earlier directory might hold it too; either way it is found.
                    return Resolved::Found(p);
                }
                return Resolved::Found(p);
            }
            (Tri::Unknown, _) => unknown = true,
            (Tri::No, _) => {}
        }
    }
    if unknown {
        Resolved::Unknown
    } else {
        Resolved::NotFound
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes() {
        assert_eq!(normalize("/app", "./run.sh"), "/app/run.sh");
        assert_eq!(normalize("/app/", "../bin//x"), "/bin/x");
        assert_eq!(normalize("/", "/"), "/");
        assert_eq!(normalize("/a", "/b/./c/"), "/b/c");
    }

    #[test]
    fn nameable_paths() {
        assert_eq!(nameable_prefix("/"), "/");
        assert_eq!(nameable_prefix("/a/b"), "/a/b");
        let long = "x".repeat(NAME_MAX + 1);
        assert_eq!(nameable_prefix(&format!("/{long}/b")), "/");
        assert_eq!(nameable_prefix(&format!("/a/{long}/b")), "/a");
        assert!(!nameable(&format!("/a/{long}")));
        let deep = "/a".repeat(3000);
        let cut = nameable_prefix(&deep);
        assert_eq!(cut.len(), PATH_MAX - 2);
        assert!(nameable(cut) && deep.starts_with(cut));
        assert!(!nameable(&deep));
        let exact = format!("/{}", "x".repeat(200)).repeat(21);
        assert_eq!(nameable_prefix(&exact[..PATH_MAX - 1]).len(), PATH_MAX - 1);
        assert!(nameable(&exact[..PATH_MAX - 1]) && !nameable(&exact[..PATH_MAX]));
    }

    /// `fuzzy_covers` answers as the scan of every prefix with `under` did, past the few
    /// prefixes it scans.
    #[test]
    fn fuzzy_covers_is_the_scan() {
        let mut img = Image::unknown("x");
        img.fuzzy.clear();
        img.fuzzy_latest.clear();
        let prefixes = [
            "/a", "/a/b", "/c/", "/d", "", "/e/f/g", "/app", "/x/./y", "rel", "/a/b", "/q",
        ];
        for (i, p) in prefixes.iter().cycle().take(40).enumerate() {
            img.push_fuzzy(p, i as u32);
        }
        let paths = [
            "/", "/a", "/a/b/c", "/ab", "/c", "/c/d", "/d", "/e/f", "/e/f/g/h", "/app-x", "/x/y",
            "rel", "rel/z", "/z",
        ];
        for p in paths {
            for since in [0, 5, 30, 38, 39, 40] {
                let scan = img
                    .fuzzy
                    .iter()
                    .any(|(prefix, seq)| *seq >= since && under(prefix, p));
                assert_eq!(img.fuzzy_covers(p, since), scan, "{p} {since}");
            }
        }
    }

    #[test]
    fn copy_destination_directories() {
        // Known: scratch has no /usr/local/bin (a file of that name is created); python has it.
        let scratch = crate::image::catalogue::image("scratch").unwrap();
        assert!(!copies_into(&scratch, "/usr/local/bin", false));
        assert!(copies_into(&scratch, "/usr/local/bin", true));
        let py = crate::image::catalogue::image("python:3.12-slim").unwrap();
        assert!(copies_into(&py, "/usr/local/bin", false));
        // Unknown image: a standard directory exists, another name is the file itself.
        let unknown = Image::unknown("registry.example.com/x:1");
        assert!(copies_into(&unknown, "/usr/local/bin", false));
        assert!(!copies_into(&unknown, "/usr/local/bin/app", false));
    }
}
