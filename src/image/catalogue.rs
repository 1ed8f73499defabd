//! The base-image catalogue (`rules/base-images.yaml`), parsed once at first use.

use super::{
    CommandForm, Entry, Image, ImageCommand, Libc, Origin, Platform, ShellKind, Tri, DEFAULT_PATH,
};
use crate::yaml::{self, Node};
use std::collections::BTreeMap;
use std::sync::OnceLock;

const DATA: &str = include_str!("../../rules/base-images.yaml");

/// One catalogue row.
#[derive(Debug, Clone, Default)]
pub struct CatEntry {
    pub repos: Vec<String>,
    pub tags: Vec<String>,
    pub shell: String,
    pub libc: String,
    pub complete: bool,
    pub path: Option<String>,
    pub bins: Vec<String>,
    pub links: Vec<(String, String)>,
    pub unknown: Vec<String>,
    pub entrypoint: Option<Vec<String>>,
    pub cmd: Option<Vec<String>>,
    pub workdir: Option<String>,
    pub user: Option<String>,
    pub stopsignal: Option<String>,
    pub env: Vec<(String, String)>,
}

#[derive(Debug, Default)]
pub struct Catalogue {
    pub tracked: Vec<String>,
    pub entries: Vec<CatEntry>,
}

fn strs(n: Option<&Node>) -> Vec<String> {
    match n {
        Some(n) if n.is_seq() => n.items().iter().filter_map(Node::scalar_text).collect(),
        Some(n) => n.scalar_text().into_iter().collect(),
        None => Vec::new(),
    }
}

fn text(n: &Node, k: &str) -> Option<String> {
    n.get(k).and_then(Node::scalar_text)
}

fn parse_catalogue(data: &str) -> Catalogue {
    let y = yaml::parse(data);
    let Some(root) = y.docs.first().map(|d| &d.root) else {
        return Catalogue::default();
    };
    let tracked = strs(root.get("tracked"));
    let mut entries = Vec::new();
    for n in root.get("images").map(Node::items).unwrap_or(&[]) {
        let mut tags = strs(n.get("tags"));
        if tags.is_empty() {
            tags.push("*".to_string());
        }
        entries.push(CatEntry {
            repos: strs(n.get("repo")),
            tags,
            shell: text(n, "shell").unwrap_or_else(|| "unknown".to_string()),
            libc: text(n, "libc").unwrap_or_else(|| "unknown".to_string()),
            complete: n.get("complete").and_then(Node::as_bool).unwrap_or(false),
            path: text(n, "path").filter(|p| !p.is_empty()),
            bins: strs(n.get("bins")),
            links: n
                .get("links")
                .map(|l| {
                    l.entries()
                        .filter_map(|(k, v)| Some((k.scalar_text()?, v.scalar_text()?)))
                        .collect()
                })
                .unwrap_or_default(),
            unknown: strs(n.get("unknown")),
            entrypoint: n.get("entrypoint").map(|e| strs(Some(e))),
            cmd: n.get("cmd").map(|e| strs(Some(e))),
            workdir: text(n, "workdir"),
            user: text(n, "user"),
            stopsignal: text(n, "stopsignal"),
            env: n
                .get("env")
                .map(|l| {
                    l.entries()
                        .filter_map(|(k, v)| Some((k.scalar_text()?, v.scalar_text()?)))
                        .collect()
                })
                .unwrap_or_default(),
        });
    }
    Catalogue { tracked, entries }
}

/// The parsed catalogue.
pub fn catalogue() -> &'static Catalogue {
    static CAT: OnceLock<Catalogue> = OnceLock::new();
    CAT.get_or_init(|| parse_catalogue(DATA))
}

/// `*` glob match (no other metacharacters).
pub fn glob(pattern: &str, s: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == s;
    }
    let mut rest = s;
    for (i, p) in parts.iter().enumerate() {
        if i == 0 {
            match rest.strip_prefix(p) {
                Some(r) => rest = r,
                None => return false,
            }
        } else if i == parts.len() - 1 {
            return rest.len() >= p.len() && rest.ends_with(p);
        } else if let Some(idx) = rest.find(p) {
            rest = &rest[idx + p.len()..];
        } else {
            return false;
        }
    }
    true
}

/// Repository without mirror prefixes and an architecture namespace (`arm64v8/alpine`).
fn canonical(repo: &str) -> (String, Option<&'static str>) {
    let mut r = repo;
    for prefix in [
        "public.ecr.aws/docker/library/",
        "mirror.gcr.io/library/",
        "mirror.gcr.io/",
        "registry-1.docker.io/library/",
    ] {
        if let Some(x) = r.strip_prefix(prefix) {
            r = x;
        }
    }
    for (ns, arch) in [
        ("amd64/", "amd64"),
        ("arm64v8/", "arm64"),
        ("arm32v7/", "arm"),
        ("arm32v6/", "arm"),
        ("i386/", "386"),
        ("ppc64le/", "ppc64le"),
        ("s390x/", "s390x"),
        ("riscv64/", "riscv64"),
    ] {
        if let Some(x) = r.strip_prefix(ns) {
            return (x.to_string(), Some(arch));
        }
    }
    // distroless is also published on other registries under the same names.
    (r.to_string(), None)
}

/// The catalogue row for a reference, if any.
pub fn entry(reference: &str) -> Option<&'static CatEntry> {
    let (repo, _) = canonical(super::repository(reference));
    let tag = super::tag(reference);
    catalogue()
        .entries
        .iter()
        .find(|e| e.repos.iter().any(|r| glob(r, &repo)) && e.tags.iter().any(|t| glob(t, tag)))
}

fn exec_cmd(v: &[String], reference: &str) -> ImageCommand {
    ImageCommand {
        form: CommandForm::Exec(v.to_vec()),
        shell: vec!["/bin/sh".to_string(), "-c".to_string()],
        span: None,
        args_span: None,
        arg_spans: Vec::new(),
        invalid_json: false,
        origin: Origin::Catalogue(reference.to_string()),
    }
}

/// Model a catalogue image for a reference (`python:3.12-slim`), or None when the repository is
/// not in the catalogue.
pub fn image(reference: &str) -> Option<Image> {
    let e = entry(reference)?;
    let (_, arch) = canonical(super::repository(reference));
    let origin = Origin::Catalogue(reference.to_string());
    let mut img = Image::unknown(reference);
    img.description = format!("{reference} (catalogue)");
    img.base_known = true;
    img.base = Some(reference.to_string());
    img.complete = e.complete;
    img.fuzzy.clear();
    img.shell_kind = ShellKind::parse(&e.shell);
    img.libc = Libc::parse(&e.libc);
    img.platform = arch.map(|a| Platform {
        os: "linux".to_string(),
        arch: a.to_string(),
        span: None,
    });
    let mut fs = BTreeMap::new();
    for b in &e.bins {
        fs.insert(
            b.clone(),
            Entry {
                exists: Tri::Yes,
                is_dir: Tri::No,
                executable: Tri::Yes,
                symlink: None,
                source: None,
                inline: None,
                origin: origin.clone(),
                complete_dir: false,
                seq: 0,
            },
        );
        // Its directories exist.
        let mut p = b.as_str();
        while let Some(i) = p.rfind('/') {
            p = &p[..i];
            if p.is_empty() {
                break;
            }
            fs.entry(p.to_string()).or_insert_with(|| Entry {
                exists: Tri::Yes,
                is_dir: Tri::Yes,
                executable: Tri::Yes,
                symlink: None,
                source: None,
                inline: None,
                origin: origin.clone(),
                complete_dir: false,
                seq: 0,
            });
        }
    }
    for (from, to) in &e.links {
        fs.insert(
            from.clone(),
            Entry {
                exists: Tri::Yes,
                is_dir: Tri::Unknown,
                executable: Tri::Unknown,
                symlink: Some(to.clone()),
                source: None,
                inline: None,
                origin: origin.clone(),
                complete_dir: false,
                seq: 0,
            },
        );
    }
    img.fs = fs;
    img.absent_cmds = catalogue()
        .tracked
        .iter()
        .filter(|t| {
            if e.unknown.contains(t) {
                return false;
            }
            // A tracked program the image installs under /usr/local only (the language images'
            // own python/node): the distro has no copy in the other standard directories.
            let mut at = e
                .bins
                .iter()
                .filter(|b| b.rsplit('/').next() == Some(t.as_str()))
                .peekable();
            at.peek().is_none() || at.all(|b| b.starts_with("/usr/local/"))
        })
        .cloned()
        .collect();
    img.env.push((
        "PATH".to_string(),
        e.path.clone().unwrap_or_else(|| DEFAULT_PATH.to_string()),
    ));
    img.env.extend(e.env.iter().cloned());
    img.entrypoint = e.entrypoint.as_ref().map(|v| exec_cmd(v, reference));
    img.cmd = e.cmd.as_ref().map(|v| exec_cmd(v, reference));
    if let Some(w) = &e.workdir {
        img.workdir = w.clone();
        img.workdir_origin = origin.clone();
    }
    img.user = e.user.clone();
    if let Some(s) = &e.stopsignal {
        img.stopsignal = Some((s.clone(), origin.clone()));
    }
    if img.user.is_none() && (super::tag(reference).contains("nonroot")) {
        img.user = Some("65532".to_string());
    }
    Some(img)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image::Resolved;

    #[test]
    fn catalogue_parses() {
        let c = catalogue();
        assert!(c.entries.len() > 25, "{}", c.entries.len());
        assert!(c.tracked.iter().any(|t| t == "curl"));
        for e in &c.entries {
            assert!(!e.repos.is_empty());
        }
    }

    #[test]
    fn globbing() {
        assert!(glob("*alpine*", "3.12-alpine3.20"));
        assert!(glob(
            "gcr.io/distroless/static*",
            "gcr.io/distroless/static-debian12"
        ));
        assert!(!glob("*slim*", "3.12"));
        assert!(glob("*", ""));
        assert!(glob("a*b*c", "aXbYc"));
        assert!(!glob("a*b*c", "aXbY"));
    }

    #[test]
    fn lookups() {
        let slim = image("python:3.12-slim").unwrap();
        assert_eq!(slim.shell_kind(), ShellKind::Dash);
        assert_eq!(
            slim.resolve("python", None),
            Resolved::Found("/usr/local/bin/python".into())
        );
        assert_eq!(slim.resolve("curl", None), Resolved::NotFound);
        assert_eq!(slim.resolve("gunicorn", None), Resolved::Unknown);
        assert_eq!(
            slim.resolve("bash", None),
            Resolved::Found("/bin/bash".into())
        );

        let st = image("gcr.io/distroless/static-debian12:nonroot").unwrap();
        assert_eq!(st.has_sh(), Tri::No);
        assert_eq!(st.libc, Libc::None);
        assert_eq!(st.exists("/app/server"), Tri::No);
        assert_eq!(st.user.as_deref(), Some("65532"));

        let dbg = image("gcr.io/distroless/base-debian12:debug").unwrap();
        assert_eq!(dbg.has_sh(), Tri::No);
        assert_eq!(
            dbg.resolve("sh", None),
            Resolved::Found("/busybox/sh".into())
        );

        let alp = image("alpine:3.20").unwrap();
        assert_eq!(alp.shell_kind(), ShellKind::BusyboxAsh);
        assert_eq!(alp.resolve("bash", None), Resolved::NotFound);
        assert_eq!(alp.libc, Libc::Musl);

        let node = image("docker.io/library/node:20-alpine").unwrap();
        assert!(node.entrypoint.is_some());
        let nd = image("gcr.io/distroless/nodejs20-debian12").unwrap();
        assert_eq!(nd.resolve("node", None), Resolved::NotFound);

        let arm = image("arm64v8/alpine:3").unwrap();
        assert_eq!(arm.platform.map(|p| p.arch), Some("arm64".to_string()));

        let cg = image("cgr.dev/chainguard/python:latest").unwrap();
        assert_eq!(cg.has_sh(), Tri::No);
        assert_eq!(cg.resolve("python", None), Resolved::Unknown);

        assert!(image("example.com/unknown:1").is_none());
        let ubi = image("registry.access.redhat.com/ubi9/ubi-minimal:9.4").unwrap();
        assert_eq!(ubi.shell_kind(), ShellKind::Bash);
        assert_eq!(image("scratch").unwrap().has_sh(), Tri::No);
    }
}
