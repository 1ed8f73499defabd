//! `chmod` in a RUN step: `chmod [-R] MODE FILE…`, `find DIR [TESTS] -exec chmod MODE {} \;|+`
//! and `find DIR [TESTS] | xargs [-0] chmod MODE`. Read by [`super::packages::read_run`] into
//! [`ModeChange`]s, applied in order after the step's other effects ([`apply`]): each reached
//! entry gets the mode and exec bit the mode gives it (octal, or symbolic on what is known of
//! the old mode). A mode kexit cannot read, a `find` test it cannot evaluate, a command that
//! may not have run or a path it cannot place make what could change unknown, never a new
//! certainty (precision first).
//!
//! Sources: chmod(1) (GNU coreutils: `-R` ignores symbolic links met in the traversal, a
//! symbolic mode without `ugoa` is masked by the umask, 022 in a build step; `X` sets
//! execute for directories and files some class may already execute), find(1) (`-name`
//! matches the base name as fnmatch(3) without FNM_PERIOD; depth 0 is the start point).

use super::build::normalize;
use super::packages::unquote;
use super::{Entry, Image, Tri};

/// Which entries a mode change reaches under its paths.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Select {
    /// Every path named (with `recursive`, everything under them too).
    All,
    /// `find` tests kexit evaluates on each path under the start points.
    Find(FindTests),
    /// Tests kexit cannot evaluate: any path under the start points may be reached.
    Unknown,
}

/// `find` tests kexit evaluates: all must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FindTests {
    /// `-type f` ('f') or `-type d` ('d').
    pub kind: Option<char>,
    /// `-name`/`-iname` globs (with case-insensitivity): each inner list is a disjunction
    /// (`\( -name a -o -name b \)`), all of them must hold.
    pub names: Vec<Vec<(String, bool)>>,
    pub min_depth: usize,
    pub max_depth: Option<usize>,
}

/// One `chmod` (direct or run by `find`/`xargs`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModeChange {
    /// The mode as written (`+x`, `755`, `u+x,g+x`); `None`: kexit cannot read it.
    pub mode: Option<String>,
    /// Operands or `find` start points, as written (absolute, or relative to the working
    /// directory).
    pub paths: Vec<String>,
    /// `chmod -R`, or a `find`: the paths under them are reached too.
    pub recursive: bool,
    pub select: Select,
    /// The command certainly ran (a top-level, unconditional command).
    pub certain: bool,
    /// A `cd` ran before it in the step: relative paths are not relative to WORKDIR.
    pub cd_before: bool,
}

impl ModeChange {
    /// The change a `find` makes (through `-exec chmod` or `| xargs chmod`): every path the
    /// tests select under the start points.
    fn by_find(mode: Option<String>, (paths, select): (Vec<String>, Select)) -> ModeChange {
        ModeChange {
            mode,
            paths,
            recursive: true,
            select,
            certain: true,
            cd_before: false,
        }
    }

    /// Whether the mode gives a file of unknown mode an exec bit (`+x`, `755`, `a+x`).
    pub fn sets_x(&self) -> bool {
        self.mode
            .as_deref()
            .and_then(|m| eval(m, None, Tri::Unknown, Tri::No))
            .is_some_and(|(_, x)| x == Tri::Yes)
    }
}

/// `chmod [OPTION]… MODE FILE…` (options anywhere, `-R`/`--recursive`, clusters such as `-Rf`):
/// the mode (`None` with `--reference`), the files, whether recursive. `None` when kexit cannot
/// tell the mode from the files.
pub fn read_chmod(args: &[&str]) -> Option<(Option<String>, Vec<String>, bool)> {
    let mut rec = false;
    let mut reference = false;
    let mut mode: Option<String> = None;
    let mut files = Vec::new();
    let mut only_operands = false;
    let mut k = 0;
    while k < args.len() {
        let a = args[k];
        k += 1;
        if only_operands {
            files.push(unquote(a));
            continue;
        }
        if a == "--" {
            only_operands = true;
        } else if a == "--recursive" {
            rec = true;
        } else if let Some(r) = a.strip_prefix("--reference") {
            reference = true;
            if r.is_empty() {
                k += 1;
            }
        } else if a.starts_with("--") {
            // --verbose, --changes, --silent, --quiet, --(no-)preserve-root
        } else if a.len() > 1 && a.starts_with('-') && a[1..].chars().all(|c| "cfvRHLP".contains(c))
        {
            rec |= a.contains('R');
        } else if mode.is_none() && !reference {
            // A mode, also one that starts with `-` (`-x`, `-w`).
            mode = Some(unquote(a));
        } else if a.starts_with('-') && a.len() > 1 {
            return None;
        } else {
            files.push(unquote(a));
        }
    }
    if files.is_empty() || (mode.is_none() && !reference) {
        return None;
    }
    Some((if reference { None } else { mode }, files, rec))
}

/// `find [-H|-L|-P] PATH… EXPRESSION` running `chmod MODE {}` (`-exec`/`-execdir` … `;`/`+`):
/// the change, or `None` when its `-exec`s run no chmod.
pub fn read_find_exec(args: &[&str]) -> Option<ModeChange> {
    let mut tests: Vec<&str> = Vec::new();
    let mut chmod: Option<Option<String>> = None;
    let mut other_exec_before = false;
    let mut k = 0;
    while k < args.len() {
        let a = args[k];
        if matches!(a, "-exec" | "-execdir" | "-ok" | "-okdir") {
            let end = args[k + 1..]
                .iter()
                .position(|w| matches!(*w, ";" | "\\;" | "+"))
                .map_or(args.len(), |i| k + 1 + i);
            let cmd = &args[k + 1..end];
            let is_chmod = cmd
                .first()
                .is_some_and(|c| c.rsplit('/').next() == Some("chmod"));
            if is_chmod {
                let mode = read_chmod(&cmd[1..])
                    .filter(|(_, files, _)| files.iter().all(|f| f == "{}"))
                    .map(|(m, _, rec)| m.filter(|_| !rec));
                // A second chmod, or one after a command whose status is a test: unknown.
                chmod = Some(match chmod {
                    None if !other_exec_before => mode.flatten(),
                    _ => None,
                });
            } else if chmod.is_none() {
                other_exec_before = true;
            }
            k = end + 1;
            continue;
        }
        tests.push(a);
        k += 1;
    }
    Some(ModeChange::by_find(chmod?, read_find_tests(&tests)))
}

/// `… | xargs [OPTIONS] chmod MODE` after `find ARGS`: the change; `None` when xargs runs
/// something else. Without a `find` before the pipe (`find` = None) any path may be reached.
pub fn read_xargs(args: &[&str], find: Option<&[&str]>) -> Option<ModeChange> {
    let mut k = 0;
    let mut replace: Option<String> = None;
    while k < args.len() {
        let a = args[k];
        if matches!(a, "-n" | "-P" | "-L" | "-s" | "-d" | "-a" | "-E" | "-e") {
            k += 2;
        } else if a == "-I" {
            replace = args.get(k + 1).map(|r| unquote(r));
            k += 2;
        } else if let Some(r) = a.strip_prefix("--replace=") {
            replace = Some(unquote(r));
            k += 1;
        } else if a.starts_with('-') {
            k += 1;
        } else {
            break;
        }
    }
    let cmd = &args[k.min(args.len())..];
    if cmd.first().and_then(|c| c.rsplit('/').next()) != Some("chmod") {
        return None;
    }
    let rest: Vec<&str> = cmd[1..]
        .iter()
        .copied()
        .filter(|a| replace.as_deref() != Some(*a))
        .collect();
    // The names come from standard input: a chmod with a mode and no operand of its own.
    let mode = match read_chmod(&[&rest[..], &["{}"]].concat()) {
        Some((m, files, false)) if files.len() == 1 => m,
        _ => None,
    };
    let reached = match find {
        Some(f) => {
            let tests: Vec<&str> = f
                .iter()
                .copied()
                .filter(|a| !matches!(*a, "-print0" | "-print"))
                .collect();
            read_find_tests(&tests)
        }
        None => (vec!["/".to_string()], Select::Unknown),
    };
    Some(ModeChange::by_find(mode, reached))
}

/// The start points and tests of a `find` command line (its actions taken out).
fn read_find_tests(args: &[&str]) -> (Vec<String>, Select) {
    let mut k = 0;
    let mut unknown = false;
    while k < args.len() && matches!(args[k], "-H" | "-P" | "-L") {
        unknown |= args[k] == "-L";
        k += 1;
    }
    let mut paths = Vec::new();
    while k < args.len() && !args[k].starts_with('-') && !matches!(args[k], "(" | "!" | "\\(") {
        paths.push(unquote(args[k]));
        k += 1;
    }
    if paths.is_empty() {
        paths.push(".".to_string());
    }
    let mut t = FindTests::default();
    while k < args.len() && !unknown {
        let a = args[k];
        let v = args.get(k + 1).map(|v| unquote(v));
        k += 2;
        match (a, v) {
            ("-type", Some(v)) if v == "f" || v == "d" => t.kind = v.chars().next(),
            ("-name" | "-iname", Some(v)) => t.names.push(vec![(v, a == "-iname")]),
            ("-maxdepth", Some(v)) => match v.parse() {
                Ok(n) => t.max_depth = Some(n),
                Err(_) => unknown = true,
            },
            ("-mindepth", Some(v)) => match v.parse() {
                Ok(n) => t.min_depth = n,
                Err(_) => unknown = true,
            },
            ("(" | "\\(", _) => {
                // `( -name a -o -name b … )`
                k -= 1;
                let mut alts = Vec::new();
                loop {
                    match (args.get(k).copied(), args.get(k + 1)) {
                        (Some(n @ ("-name" | "-iname")), Some(g)) => {
                            alts.push((unquote(g), n == "-iname"));
                            k += 2;
                            match args.get(k).copied() {
                                Some("-o" | "-or") => k += 1,
                                Some(")" | "\\)") => {
                                    k += 1;
                                    break;
                                }
                                _ => {
                                    unknown = true;
                                    break;
                                }
                            }
                        }
                        _ => {
                            unknown = true;
                            break;
                        }
                    }
                }
                t.names.push(alts);
            }
            (
                "-xdev" | "-mount" | "-depth" | "-noleaf" | "-print" | "-print0" | "-a" | "-and",
                _,
            ) => k -= 1,
            _ => unknown = true,
        }
    }
    let select = if unknown {
        Select::Unknown
    } else {
        Select::Find(t)
    };
    (paths, select)
}

/// The mode and whether some class may execute (any exec bit) after `chmod MODE` on a path of
/// mode `cur` (when known), exec bit `exec` and kind `is_dir`. The mode is `None` when it is not
/// fully known; `None` altogether when kexit cannot read the mode.
pub(crate) fn eval(
    mode: &str,
    cur: Option<u32>,
    exec: Tri,
    is_dir: Tri,
) -> Option<(Option<u32>, Tri)> {
    if !mode.is_empty() && mode.len() <= 5 && mode.chars().all(|c| c.is_digit(8)) {
        let m = u32::from_str_radix(mode, 8).ok().filter(|m| *m <= 0o7777)?;
        return Some((Some(m), Tri::from_bool(m & 0o111 != 0)));
    }
    // Known bits and their values.
    let (mut known, mut val) = match cur {
        Some(c) => (0o7777, c & 0o7777),
        None if exec == Tri::No => (0o111, 0),
        None => (0, 0),
    };
    let mut touched_x = false;
    for clause in mode.split(',') {
        let who_end = clause.find(|c| !"ugoa".contains(c)).unwrap_or(clause.len());
        let (who, mut ops) = clause.split_at(who_end);
        let mut mask = 0;
        for c in who.chars() {
            mask |= match c {
                'u' => 0o4700,
                'g' => 0o2070,
                'o' => 0o1007,
                _ => 0o7777,
            };
        }
        let umasked = who.is_empty();
        if umasked {
            mask = 0o7777 & !0o022;
        }
        if ops.is_empty() {
            return None;
        }
        while let Some(op) = ops.chars().next().filter(|c| "+-=".contains(*c)) {
            let end = ops[1..].find(['+', '-', '=']).map_or(ops.len(), |i| i + 1);
            let perms = &ops[1..end];
            ops = &ops[end..];
            if op == '=' && umasked {
                return None;
            }
            let mut bits = 0;
            let mut unsure = 0;
            if let Some(shift) = match perms {
                "u" => Some(6),
                "g" => Some(3),
                "o" => Some(0),
                _ => None,
            } {
                // The permissions of another class (`g=u`, `o+g`), where known.
                for bit in [4, 2, 1] {
                    let b = bit << shift;
                    if known & b == 0 {
                        unsure |= bit * 0o111;
                    } else if val & b != 0 {
                        bits |= bit * 0o111;
                    }
                }
            }
            for c in perms.chars().filter(|_| !matches!(perms, "u" | "g" | "o")) {
                match c {
                    'r' => bits |= 0o444,
                    'w' => bits |= 0o222,
                    'x' => bits |= 0o111,
                    's' => bits |= 0o6000,
                    't' => bits |= 0o1000,
                    'X' => {
                        let any_x = if known & val & 0o111 != 0 {
                            Tri::Yes
                        } else if known & 0o111 == 0o111 {
                            Tri::No
                        } else {
                            exec
                        };
                        match Tri::from_bool(is_dir == Tri::Yes).or(any_x) {
                            Tri::Yes => bits |= 0o111,
                            Tri::No => {}
                            Tri::Unknown => unsure |= 0o111,
                        }
                    }
                    _ => return None,
                }
            }
            let (bits, unsure) = (bits & mask, unsure & mask);
            let affected = if op == '=' { mask } else { bits | unsure };
            touched_x |= affected & 0o111 != 0;
            match op {
                '+' => val |= bits,
                '-' => val &= !bits,
                _ => val = (val & !mask) | bits,
            }
            known |= affected;
            known &= !unsure;
        }
        if !ops.is_empty() {
            return None;
        }
    }
    let mode = (known == 0o7777).then_some(val);
    let x = if known & val & 0o111 != 0 {
        Tri::Yes
    } else if known & 0o111 == 0o111 {
        Tri::No
    } else if !touched_x {
        exec
    } else {
        Tri::Unknown
    };
    Some((mode, x))
}

/// fnmatch(3) without flags on one name: `*`, `?`, `[…]` (`!`/`^` negation, ranges). `None`
/// for a pattern kexit does not read (a backslash, an unclosed bracket). Linear in the name for
/// each pattern position (a mismatch backtracks only to the last `*`), so that a pattern of many
/// `*` against a long name cannot take exponential time.
fn fnmatch(pat: &[char], s: &[char]) -> Option<bool> {
    // Patterns kexit does not read, whatever the name.
    let mut k = 0;
    while k < pat.len() {
        match pat[k] {
            '\\' => return None,
            '[' => k += bracket_len(&pat[k..])?,
            _ => k += 1,
        }
    }
    let (mut p, mut i) = (0usize, 0usize);
    // The pattern position after the last `*`, and the name position it is tried at.
    let mut star: Option<(usize, usize)> = None;
    while i < s.len() {
        match pat.get(p) {
            Some('*') => {
                star = Some((p + 1, i));
                p += 1;
                continue;
            }
            Some(&c) => {
                let (hit, len) = match c {
                    '?' => (true, 1),
                    '[' => {
                        let len = bracket_len(&pat[p..])?;
                        (bracket_hit(&pat[p + 1..p + len - 1], s[i]), len)
                    }
                    _ => (c == s[i], 1),
                };
                if hit {
                    p += len;
                    i += 1;
                    continue;
                }
            }
            None => {}
        }
        // A mismatch: the last `*` takes one more character, or there is none to retry.
        match star {
            Some((sp, si)) => {
                p = sp;
                i = si + 1;
                star = Some((sp, si + 1));
            }
            None => return Some(false),
        }
    }
    while pat.get(p) == Some(&'*') {
        p += 1;
    }
    Some(p == pat.len())
}

/// Length of the bracket expression at the start of `pat` (`[` to its `]`; a `]` right after
/// `[` or `[!` is a member), or None when it is not closed.
fn bracket_len(pat: &[char]) -> Option<usize> {
    let rest = pat.get(1..)?;
    Some(rest.iter().skip(1).position(|c| *c == ']')? + 3)
}

/// Whether `c` is in a bracket expression's members (`!`/`^` negation, `a-z` ranges).
fn bracket_hit(set: &[char], c: char) -> bool {
    let (negate, set) = match set.split_first() {
        Some(('!' | '^', rest)) => (true, rest),
        _ => (false, set),
    };
    let mut hit = false;
    let mut i = 0;
    while i < set.len() {
        if i + 2 < set.len() && set[i + 1] == '-' {
            hit |= set[i] <= c && c <= set[i + 2];
            i += 3;
        } else {
            hit |= set[i] == c;
            i += 1;
        }
    }
    hit != negate
}

/// Whether a name matches a `-name` glob (`ci`: `-iname`): Unknown when kexit cannot read it.
fn name_matches(glob: &str, ci: bool, name: &str) -> Tri {
    // Bounded: long patterns or names are not matched.
    if glob.len() > 256 || name.len() > 1024 || glob.matches('*').count() > 8 {
        return Tri::Unknown;
    }
    let (g, n) = if ci {
        (glob.to_lowercase(), name.to_lowercase())
    } else {
        (glob.to_string(), name.to_string())
    };
    let (g, n): (Vec<char>, Vec<char>) = (g.chars().collect(), n.chars().collect());
    match fnmatch(&g, &n) {
        Some(b) => Tri::from_bool(b),
        None => Tri::Unknown,
    }
}

/// Whether `find` tests hold for a path at `depth` below a start point.
fn tests_hold(t: &FindTests, key: &str, e: &Entry, depth: Option<usize>) -> Tri {
    if let Some(d) = depth {
        if d < t.min_depth || t.max_depth.is_some_and(|m| d > m) {
            return Tri::No;
        }
    } else if t.min_depth > 1 || t.max_depth.is_some() {
        // Depth from a start point kexit cannot place.
        return Tri::Unknown;
    }
    let mut r = match (t.kind, e.symlink.is_some(), e.is_dir) {
        (None, _, _) => Tri::Yes,
        // `-type f`/`-type d` do not match a symbolic link (no -L).
        (Some(_), true, _) => Tri::No,
        (Some(_), false, Tri::Unknown) => Tri::Unknown,
        (Some(k), false, d) => Tri::from_bool((k == 'd') == (d == Tri::Yes)),
    };
    let name = key.rsplit('/').next().unwrap_or(key);
    for alts in &t.names {
        let any = alts
            .iter()
            .fold(Tri::No, |acc, (g, ci)| acc.or(name_matches(g, *ci, name)));
        r = r.and(any);
    }
    r
}

/// Apply one RUN step's mode changes, in order.
pub(crate) fn apply(img: &mut Image, changes: &[ModeChange], origin: &super::Origin, seq: u32) {
    for c in changes {
        for p in &c.paths {
            apply_path(img, c, p, origin, seq);
        }
    }
}

fn apply_path(img: &mut Image, c: &ModeChange, p: &str, origin: &super::Origin, seq: u32) {
    let wd = img.workdir.clone();
    if p.contains(['*', '?', '$', '`', '[']) {
        // A path kexit cannot place (kept as before: made unknown where it may be).
        if c.sets_x() {
            super::dockerfile::fuzz(img, "/");
        } else {
            let base = p.split(['*', '?', '$', '`', '[']).next().unwrap_or("/");
            let base = base.rsplit_once('/').map_or("/", |(a, _)| a);
            let n = normalize(&wd, if base.is_empty() { "/" } else { base });
            super::dockerfile::fuzz(img, &n);
        }
        return;
    }
    let relative = !p.starts_with('/');
    if relative && c.cd_before {
        // Relative to a directory kexit does not follow: any path that ends so may be reached.
        let rel = normalize("/", p);
        let rel = rel.trim_start_matches('/').to_string();
        let anywhere = rel.is_empty();
        let (suffix, inner) = (format!("/{rel}"), format!("/{rel}/"));
        let reach = move |k: &str, e: &Entry| -> Tri {
            let named = anywhere || k.ends_with(&suffix);
            let under = anywhere || (c.recursive && k.contains(&inner));
            if !named && !under {
                return Tri::No;
            }
            match &c.select {
                Select::All => Tri::Unknown,
                Select::Find(t) => tests_hold(t, k, e, None).and(Tri::Unknown),
                Select::Unknown => Tri::Unknown,
            }
        };
        change(img, "/", c, &reach);
        return;
    }
    let named = normalize(&wd, p);
    // chmod follows a symbolic link it is given.
    let root = super::build::follow(img, named.clone());
    // Through a link: certain for a plain chmod of the file, not for -R or a find start point.
    let certain_root = root == named || (!c.recursive && c.select == Select::All);
    let root_depth = root.trim_end_matches('/').matches('/').count();
    let reach = |k: &str, e: &Entry| -> Tri {
        let depth = if root == "/" {
            k.matches('/').count()
        } else {
            k.matches('/').count().saturating_sub(root_depth)
        };
        // chmod -R does not follow the links it meets; `find` hands them to chmod, which does
        // (their targets are not followed here: left as they are).
        if depth > 0 && (!c.recursive || e.symlink.is_some()) {
            return Tri::No;
        }
        let r = match &c.select {
            Select::All => Tri::Yes,
            Select::Find(t) => tests_hold(t, k, e, Some(depth)),
            Select::Unknown => Tri::Unknown,
        };
        if certain_root {
            r
        } else {
            r.and(Tri::Unknown)
        }
    };
    let before_root = img.fs.get(&root).map(|e| e.exists);
    change(img, &root, c, &reach);
    // The operand itself: chmod succeeded, so it exists; one the model does not hold is
    // created when the mode makes it executable (as before), else left unknown.
    if matches!(c.select, Select::All) && certain_root {
        match before_root {
            Some(_) => {
                if let Some(e) = img.fs.get_mut(&root) {
                    if e.exists != Tri::No {
                        e.info.exists = Tri::Yes;
                    }
                }
            }
            None if c.sets_x() => {
                let mut e = super::dockerfile::entry(origin.clone(), seq);
                e.info.executable = Tri::Yes;
                e.info.is_dir = Tri::Unknown;
                super::dockerfile::put(img, &root, e);
            }
            None => super::dockerfile::fuzz(img, &root),
        }
    }
}

/// The new exec bit and mode of one entry the change may reach (`reach`: Yes, or Unknown when
/// it may not), or None when it stays as it is.
fn changed(c: &ModeChange, reach: Tri, e: &Entry) -> Option<(Tri, Option<u32>)> {
    if reach == Tri::No || e.exists == Tri::No {
        return None;
    }
    let old = (e.executable, e.perm.mode);
    let (mode, exec) = match c
        .mode
        .as_deref()
        .and_then(|m| eval(m, e.perm.mode, e.executable, e.is_dir))
    {
        Some((m, x)) => (m, x),
        None => (None, Tri::Unknown),
    };
    // A directory's exec bit is only searchability: kept.
    let exec = if e.is_dir == Tri::Yes {
        e.executable
    } else {
        exec
    };
    let new = if reach == Tri::Yes && (c.certain || exec == Tri::Yes) {
        (exec, mode)
    } else {
        (
            if exec == e.executable {
                exec
            } else {
                Tri::Unknown
            },
            if mode == e.perm.mode { mode } else { None },
        )
    };
    (new != old).then_some(new)
}

fn change(img: &mut Image, root: &str, c: &ModeChange, reach: &dyn Fn(&str, &Entry) -> Tri) {
    img.fs.update_subtree(
        root,
        |k, e| changed(c, reach(k, e), e).is_some(),
        |k, e| {
            if let Some((x, m)) = changed(c, reach(k, e), e) {
                e.info.executable = x;
                e.info.perm.mode = m;
            }
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnmatch_is_fnmatch_and_linear() {
        let m = |p: &str, n: &str| {
            fnmatch(
                &p.chars().collect::<Vec<_>>(),
                &n.chars().collect::<Vec<_>>(),
            )
        };
        assert_eq!(m("*.sh", "run.sh"), Some(true));
        assert_eq!(m("*.sh", "run.py"), Some(false));
        assert_eq!(m("*", ""), Some(true));
        assert_eq!(m("a*", "a"), Some(true));
        assert_eq!(m("a?c", "abc"), Some(true));
        assert_eq!(m("a*b*c", "aXbYc"), Some(true));
        assert_eq!(m("a*b*c", "aXbY"), Some(false));
        assert_eq!(m("[!a]*", "b1"), Some(true));
        assert_eq!(m("[a-c]x", "bx"), Some(true));
        assert_eq!(m("[]]", "]"), Some(true));
        assert_eq!(m("[ab", "a"), None);
        assert_eq!(m("a\\*", "a*"), None);
        // Many `*` against a long name: a backtracking matcher takes exponential time here.
        let name = "a".repeat(1000);
        assert_eq!(m(&format!("{}*b", "*a".repeat(8)), &name), Some(false));
    }

    #[test]
    fn modes() {
        let x = |m: &str, cur: Option<u32>, exec: Tri| eval(m, cur, exec, Tri::No);
        assert_eq!(x("755", None, Tri::No), Some((Some(0o755), Tri::Yes)));
        assert_eq!(
            x("0644", Some(0o755), Tri::Yes),
            Some((Some(0o644), Tri::No))
        );
        assert_eq!(x("+x", Some(0o644), Tri::No), Some((Some(0o755), Tri::Yes)));
        assert_eq!(x("+x", None, Tri::Unknown), Some((None, Tri::Yes)));
        assert_eq!(
            x("u+x,g+x", Some(0o644), Tri::No),
            Some((Some(0o754), Tri::Yes))
        );
        assert_eq!(
            x("ug+x,o-w", Some(0o666), Tri::No),
            Some((Some(0o774), Tri::Yes))
        );
        assert_eq!(x("a-x", None, Tri::Yes), Some((None, Tri::No)));
        assert_eq!(x("u-x", None, Tri::Yes), Some((None, Tri::Unknown)));
        assert_eq!(x("go-w", None, Tri::Yes), Some((None, Tri::Yes)));
        assert_eq!(x("+x,a-x", None, Tri::Unknown), Some((None, Tri::No)));
        assert_eq!(x("a+X", Some(0o644), Tri::No), Some((Some(0o644), Tri::No)));
        assert_eq!(x("a+X", None, Tri::Unknown), Some((None, Tri::Unknown)));
        assert_eq!(
            x("u=rwx,go=rx", None, Tri::No),
            Some((Some(0o755), Tri::Yes))
        );
        assert_eq!(x("-x", Some(0o755), Tri::Yes), Some((Some(0o644), Tri::No)));
        assert_eq!(x("u+q", None, Tri::No), None);
        assert_eq!(x("=x", None, Tri::No), None);
        assert_eq!(
            x("g=u", Some(0o744), Tri::Yes),
            Some((Some(0o774), Tri::Yes))
        );
        assert_eq!(x("g=u", None, Tri::No), Some((None, Tri::No)));
        assert_eq!(x("go=u", None, Tri::Yes), Some((None, Tri::Unknown)));
        assert_eq!(
            x("g+rwX", Some(0o644), Tri::No),
            Some((Some(0o664), Tri::No))
        );
        assert_eq!(
            eval("a+X", None, Tri::Unknown, Tri::Yes),
            Some((None, Tri::Yes))
        );
    }

    #[test]
    fn chmod_options() {
        let r = |a: &[&str]| read_chmod(a);
        let one = |m: &str, f: &str, rec| Some((Some(m.to_string()), vec![f.to_string()], rec));
        assert_eq!(r(&["-R", "+x", "d"]), one("+x", "d", true));
        assert_eq!(r(&["755", "-R", "d/"]), one("755", "d/", true));
        assert_eq!(r(&["--recursive", "+x", "d"]), one("+x", "d", true));
        assert_eq!(r(&["-vR", "a+x", "d"]), one("a+x", "d", true));
        assert_eq!(r(&["-Rf", "u+x,g+x", "d"]), one("u+x,g+x", "d", true));
        assert_eq!(r(&["-x", "f"]), one("-x", "f", false));
        assert_eq!(r(&["-R", "-x", "f"]), one("-x", "f", true));
        assert_eq!(r(&["+x", "--", "-f"]), one("+x", "-f", false));
        assert_eq!(
            r(&["--reference=/a", "f"]),
            Some((None, vec!["f".into()], false))
        );
        assert_eq!(r(&["+x"]), None);
    }

    #[test]
    fn find_forms() {
        let f = |a: &[&str]| read_find_exec(a);
        let c = f(&["/opt/s", "-type", "f", "-exec", "chmod", "+x", "{}", ";"]).unwrap();
        assert_eq!(c.paths, ["/opt/s"]);
        assert_eq!(c.mode.as_deref(), Some("+x"));
        assert_eq!(
            c.select,
            Select::Find(FindTests {
                kind: Some('f'),
                ..FindTests::default()
            })
        );
        let c = f(&["d", "-name", "*.sh", "-exec", "chmod", "755", "{}", "+"]).unwrap();
        assert!(
            matches!(c.select, Select::Find(ref t) if t.names == [vec![("*.sh".to_string(), false)]])
        );
        let c = f(&["d", "-path", "*/bin/*", "-exec", "chmod", "+x", "{}", ";"]).unwrap();
        assert_eq!(c.select, Select::Unknown);
        let c = f(&[
            "d", "(", "-name", "*.sh", "-o", "-iname", "*.PY", ")", "-exec", "chmod", "+x", "{}",
            ";",
        ])
        .unwrap();
        assert!(matches!(c.select, Select::Find(ref t) if t.names[0].len() == 2));
        assert!(f(&["d", "-exec", "dos2unix", "{}", ";"]).is_none());
        // A test command before the chmod: its status selects.
        let c = f(&[
            "d", "-exec", "grep", "-q", "x", "{}", ";", "-exec", "chmod", "+x", "{}", ";",
        ])
        .unwrap();
        assert_eq!(c.mode, None);
        let x = read_xargs(
            &["-0", "chmod", "+x"],
            Some(&["d", "-name", "*.sh", "-print0"]),
        )
        .unwrap();
        assert_eq!(x.mode.as_deref(), Some("+x"));
        assert_eq!(x.paths, ["d"]);
        assert!(read_xargs(&["rm", "-f"], None).is_none());
    }

    #[test]
    fn globs() {
        assert_eq!(name_matches("*.sh", false, "run.sh"), Tri::Yes);
        assert_eq!(name_matches("*.sh", false, ".x.sh"), Tri::Yes);
        assert_eq!(name_matches("*.sh", false, "run.py"), Tri::No);
        assert_eq!(name_matches("*.SH", true, "run.sh"), Tri::Yes);
        assert_eq!(name_matches("run-[0-9]?", false, "run-1a"), Tri::Yes);
        assert_eq!(name_matches("[!r]*", false, "run"), Tri::No);
        assert_eq!(name_matches("a\\*", false, "a*"), Tri::Unknown);
    }
}
