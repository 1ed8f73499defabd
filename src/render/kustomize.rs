//! Kustomizations: running kustomize, remote bases, and mapping rendered documents and spans
//! back to resource files (origin annotations).

use super::helm::is_doc_start;
use super::{is_remote, run_bounded, Limits, Rendered, RunError};
use crate::yaml::{self, Node};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Normalise `a/b/../c` lexically (kustomize origin paths are relative, with `..`).
fn lexical(p: &Path) -> PathBuf {
    let mut out: Vec<std::path::Component<'_>> = Vec::new();
    for c in p.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir
                if matches!(out.last(), Some(std::path::Component::Normal(_))) =>
            {
                out.pop();
            }
            c => out.push(c),
        }
    }
    if out.is_empty() {
        return PathBuf::from(".");
    }
    out.iter().collect()
}

/// The rendered document (its root) holding `offset`, and the source file its
/// `config.kubernetes.io/origin` annotation names, as a path reached from the arguments.
pub(super) fn kustomize_origin(
    rendered: &str,
    offset: usize,
    dir: &Path,
    wrapper: &Path,
    target: &Path,
) -> Option<(PathBuf, Node)> {
    let file = yaml::parse(rendered);
    let doc = file
        .docs
        .iter()
        .rev()
        .find(|d| d.start <= offset)?
        .root
        .clone();
    let note = doc
        .path(&["metadata", "annotations"])?
        .get("config.kubernetes.io/origin")?
        .as_str()?
        .to_string();
    let origin = yaml::parse(&note);
    let root = &origin.docs.first()?.root;
    if root.get("repo").is_some() {
        return None;
    }
    let path = root
        .get("path")
        .or_else(|| root.get("configuredIn"))?
        .as_str()?;
    // Absolute, then relative to the kustomization directory, then as reached from the args.
    let abs = lexical(&wrapper.join(path));
    let common = abs
        .components()
        .zip(target.components())
        .take_while(|(a, b)| a == b)
        .count();
    let mut rel = PathBuf::new();
    for _ in common..target.components().count() {
        rel.push("..");
    }
    for c in abs.components().skip(common) {
        rel.push(c);
    }
    let base = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let real = lexical(&base.join(rel));
    let real = if dir.starts_with("./") || dir == Path::new(".") {
        Path::new(".").join(real)
    } else {
        real
    };
    Some((real, doc))
}

/// The path of keys and item identities from `root` down to the innermost node holding
/// `offset` (a key or a value), with whether the offset is on the key.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    Key(String),
    /// A sequence item: its index, and its `name` when it is a mapping with one.
    Item(usize, Option<String>),
}

fn path_to(node: &Node, offset: usize, out: &mut Vec<Step>, depth: usize) -> bool {
    if depth > 64 {
        return false;
    }
    match &node.value {
        yaml::Value::Map(entries) => {
            for (k, v) in entries {
                let key = k.scalar_text().unwrap_or_default();
                if k.span().contains(&offset) {
                    out.push(Step::Key(key));
                    return true;
                }
                if v.span().contains(&offset) || (v.span().start == offset && v.span().is_empty()) {
                    out.push(Step::Key(key));
                    path_to(v, offset, out, depth + 1);
                    return true;
                }
            }
            false
        }
        yaml::Value::Seq(items) => {
            for (i, it) in items.iter().enumerate() {
                if it.span().contains(&offset) {
                    let name = it.get("name").and_then(Node::scalar_text);
                    out.push(Step::Item(i, name));
                    path_to(it, offset, out, depth + 1);
                    return true;
                }
            }
            false
        }
        _ => false,
    }
}

fn follow<'a>(node: &'a Node, steps: &[Step]) -> Option<&'a Node> {
    let mut n = node;
    for s in steps {
        n = match s {
            Step::Key(k) => n.get(k)?,
            Step::Item(_, Some(name)) => n
                .items()
                .iter()
                .find(|it| it.get("name").and_then(Node::scalar_text).as_deref() == Some(name))?,
            Step::Item(i, None) => n.items().get(*i)?,
        };
    }
    Some(n)
}

/// The same node in the source document, when its text there is the rendered text (a value a
/// patch or transformer changed is not in the source file: no line then).
pub(super) fn map_kustomize_span(
    rendered: &str,
    range: std::ops::Range<usize>,
    doc: &Node,
    origin: &str,
) -> Option<std::ops::Range<usize>> {
    let mut steps = Vec::new();
    if !path_to(doc, range.start, &mut steps, 0) {
        return None;
    }
    let r_node = follow(doc, &steps)?;
    let kind = doc.get("kind").and_then(Node::as_str);
    let name = doc.path(&["metadata", "name"]).and_then(Node::as_str);
    let src = yaml::parse(origin);
    // The source document: same kind, and a name the rendered one contains (prefix/suffix).
    let candidates: Vec<&Node> = src
        .docs
        .iter()
        .map(|d| &d.root)
        .filter(|d| d.get("kind").and_then(Node::as_str) == kind)
        .collect();
    let s_doc = match candidates.as_slice() {
        [one] => *one,
        many => *many
            .iter()
            .filter(|d| {
                d.path(&["metadata", "name"])
                    .and_then(Node::as_str)
                    .is_some_and(|n| name.is_some_and(|r| r.contains(n)))
            })
            .max_by_key(|d| {
                d.path(&["metadata", "name"])
                    .and_then(Node::as_str)
                    .map_or(0, str::len)
            })?,
    };
    let s_node = follow(s_doc, &steps)?;
    let r_text = rendered.get(r_node.span())?;
    let s_text = origin.get(s_node.span())?;
    let on_key =
        matches!(steps.last(), Some(Step::Key(_))) && !r_node.span().contains(&range.start);
    if on_key {
        // The finding is on the key: point at the same key in the source.
        let (parent_steps, last) = steps.split_at(steps.len() - 1);
        let parent = follow(s_doc, parent_steps)?;
        let Step::Key(k) = &last[0] else { return None };
        let (key, _) = parent.entry(k)?;
        return Some(key.span());
    }
    if r_node.scalar_text() != s_node.scalar_text() || (r_node.is_map() != s_node.is_map()) {
        return None;
    }
    if r_text == s_text {
        let off = range.start.saturating_sub(r_node.span().start);
        let len = range.end.saturating_sub(range.start);
        return Some(
            s_node.span().start + off
                ..(s_node.span().start + off + len)
                    .min(s_node.span().end.max(s_node.span().start + off)),
        );
    }
    Some(s_node.span())
}

/// Whether a directory holds a kustomization.
pub fn is_kustomization(dir: &Path) -> bool {
    crate::k8s::KUSTOMIZATION_FILES
        .iter()
        .any(|n| dir.join(n).is_file())
}

/// Largest kustomization file read when looking for remote bases (bytes actually read).
const KUSTOMIZATION_CAP: u64 = 1 << 20;

/// Remote entries (URLs, git repositories) in the kustomizations reachable from `dir` through
/// local `resources`/`bases`/`components` directories (bounded walk).
pub fn remote_entries(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut seen: Vec<PathBuf> = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        if seen.len() > 256 {
            break;
        }
        let Ok(canon) = std::fs::canonicalize(&d) else {
            continue;
        };
        if seen.contains(&canon) {
            continue;
        }
        seen.push(canon);
        let Some(text) = crate::k8s::KUSTOMIZATION_FILES
            .iter()
            .find_map(|n| crate::source::read_text_bounded(&d.join(n), KUSTOMIZATION_CAP))
        else {
            continue;
        };
        for doc in yaml::parse(&text).docs {
            for key in ["resources", "bases", "components"] {
                for item in doc.root.get(key).map(Node::items).unwrap_or(&[]) {
                    let Some(v) = item.as_str() else { continue };
                    if is_remote(v) {
                        out.push(v.to_string());
                    } else if d.join(v).is_dir() {
                        stack.push(d.join(v));
                    }
                }
            }
            if doc.root.get("helmCharts").is_some() {
                out.push("helmCharts (downloaded by kustomize --enable-helm)".to_string());
            }
        }
    }
    out
}

/// The kustomization directory rendered through a wrapper kustomization that adds
/// `buildMetadata: [originAnnotations]`, so each object says which file it came from. Returns
/// the output, and the wrapper and target directories (absolute) for [`Origin::Kustomize`].
/// The wrapper lives in the system temporary directory and is removed afterwards.
pub fn kustomize_with_origins(
    dir: &Path,
    limits: Limits,
) -> Result<(String, PathBuf, PathBuf), RunError> {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let target = std::fs::canonicalize(dir)
        .map_err(|e| RunError::Failed(format!("{}: {e}", dir.display())))?;
    let tmp = std::fs::canonicalize(std::env::temp_dir())
        .map_err(|e| RunError::Failed(format!("temporary directory: {e}")))?;
    let wrapper = tmp.join(format!(
        "kexit-render-{}-{}",
        std::process::id(),
        N.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&wrapper)
        .map_err(|e| RunError::Failed(format!("{}: {e}", wrapper.display())))?;
    let mut rel = String::new();
    for _ in wrapper.components().skip(1) {
        rel.push_str("../");
    }
    let target_str = target.to_string_lossy();
    rel.push_str(target_str.trim_start_matches('/'));
    let quoted = serde_json::to_string(&rel).unwrap_or_default();
    let result = std::fs::write(
        wrapper.join("kustomization.yaml"),
        format!("resources:\n- {quoted}\nbuildMetadata: [originAnnotations]\n"),
    )
    .map_err(|e| RunError::Failed(format!("{}: {e}", wrapper.display())))
    .and_then(|_| kustomize_bounded(&wrapper, limits));
    let _ = std::fs::remove_dir_all(&wrapper);
    result.map(|out| (out, wrapper, target))
}

/// `kubectl kustomize DIR`, else `kustomize build DIR`, bounded.
pub fn kustomize_bounded(dir: &Path, limits: Limits) -> Result<String, RunError> {
    let mut cmd = Command::new("kubectl");
    cmd.arg("kustomize").arg(dir);
    match run_bounded(cmd, limits) {
        Err(RunError::NotFound) => {
            let mut cmd = Command::new("kustomize");
            cmd.arg("build").arg(dir);
            run_bounded(cmd, limits)
        }
        r => r,
    }
}

/// Run `kubectl kustomize DIR`, else `kustomize build DIR`.
pub fn kustomize(dir: &Path) -> Result<String, String> {
    let attempts: [(&str, &[&str]); 2] = [("kubectl", &["kustomize"]), ("kustomize", &["build"])];
    let mut missing = Vec::new();
    for (tool, args) in attempts {
        match Command::new(tool).args(args).arg(dir).output() {
            Ok(out) if out.status.success() => {
                return String::from_utf8(out.stdout)
                    .map_err(|_| format!("`{tool}` printed output that is not UTF-8"));
            }
            Ok(out) => {
                return Err(format!(
                    "`{tool} {} {}` failed: {}",
                    args.join(" "),
                    dir.display(),
                    String::from_utf8_lossy(&out.stderr).trim()
                ))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => missing.push(tool),
            Err(e) => return Err(format!("cannot run `{tool}`: {e}")),
        }
    }
    Err(format!(
        "--render needs `kubectl` or `kustomize` on PATH to render {} (neither found: {}); run without --render to lint the files as they are",
        dir.display(),
        missing.join(", ")
    ))
}

fn kind_name(root: &Node) -> Option<(String, String)> {
    Some((
        root.get("kind")?.as_str()?.to_string(),
        root.path(&["metadata", "name"])?.as_str()?.to_string(),
    ))
}

/// Map each rendered document back to the resource file under `dir` that defines an object of
/// the same kind whose name is contained in the rendered name (kustomize adds prefixes and
/// suffixes). Documents that match nothing go to `<dir>/kustomization.yaml`.
pub fn map_kustomize(dir: &Path, rendered: &str, sources: &[(PathBuf, String)]) -> Vec<Rendered> {
    let mut index: Vec<(String, String, String)> = Vec::new();
    for (path, text) in sources {
        for d in yaml::parse(text).docs {
            if let Some((k, n)) = kind_name(&d.root) {
                index.push((k, n, path.to_string_lossy().into_owned()));
            }
        }
    }
    let fallback = dir
        .join("kustomization.yaml")
        .to_string_lossy()
        .into_owned();
    let mut out: Vec<Rendered> = Vec::new();
    let mut chunks: Vec<String> = vec![String::new()];
    for line in rendered.split_inclusive('\n') {
        if is_doc_start(line.trim_end_matches(['\n', '\r'])) {
            chunks.push(String::new());
        }
        if let Some(c) = chunks.last_mut() {
            c.push_str(line);
        }
    }
    for chunk in chunks {
        if chunk.trim().is_empty() || chunk.trim() == "---" {
            continue;
        }
        let name = yaml::parse(&chunk)
            .docs
            .first()
            .and_then(|d| kind_name(&d.root))
            .and_then(|(k, n)| {
                index
                    .iter()
                    .filter(|(ik, iname, _)| *ik == k && n.contains(iname.as_str()))
                    .max_by_key(|(_, iname, _)| iname.len())
                    .map(|(_, _, p)| p.clone())
            })
            .unwrap_or_else(|| fallback.clone());
        let mut text = chunk;
        if !text.starts_with("---") {
            text.insert_str(0, "---\n");
        }
        match out.iter_mut().find(|r| r.name == name) {
            Some(r) => r.text.push_str(&text),
            None => out.push(Rendered { name, text }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kustomize_documents_map_to_resources() {
        let sources = vec![(
            PathBuf::from("k/deploy.yaml"),
            "kind: Deployment\nmetadata:\n  name: web\n".to_string(),
        )];
        let r = map_kustomize(
            Path::new("k"),
            "kind: Deployment\nmetadata:\n  name: prod-web\n---\nkind: Service\nmetadata:\n  name: x\n",
            &sources,
        );
        assert_eq!(r[0].name, "k/deploy.yaml");
        assert_eq!(r[1].name, "k/kustomization.yaml");
    }
}
