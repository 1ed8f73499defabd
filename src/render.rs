//! Rendered input: `helm template` output on stdin (split by its `# Source:` comments) and
//! kustomize directories rendered with `--render` (the only subprocess kexit ever runs).
//!
//! Findings in rendered text point at the template file the text came from, with the line
//! *inside the rendered output of that template*; their message says so (see [`note`]).

use crate::yaml::{self, Node};
use std::path::{Path, PathBuf};
use std::process::Command;

/// One virtual file made of rendered documents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The template (helm) or resource file (kustomize) the documents came from.
    pub name: String,
    pub text: String,
}

/// Which renderer produced a file, for the note appended to findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Renderer {
    Helm,
    Kustomize,
}

/// The note appended to the message of findings in rendered files.
pub fn note(r: Renderer) -> &'static str {
    match r {
        Renderer::Helm => " (rendered by helm; line refers to the rendered output)",
        Renderer::Kustomize => " (rendered by kustomize; line refers to the rendered output)",
    }
}

fn is_doc_start(line: &str) -> bool {
    line == "---" || line.starts_with("--- ") || line.starts_with("---\t")
}

/// Split `helm template` output into one virtual file per `# Source:` template, keeping the
/// documents of a template together and in order. None when the text has no `# Source:` line.
pub fn split_helm(text: &str, default_name: &str) -> Option<Vec<Rendered>> {
    if !text.lines().any(|l| l.starts_with("# Source: ")) {
        return None;
    }
    let mut out: Vec<Rendered> = Vec::new();
    let mut chunk = String::new();
    let mut name: Option<String> = None;
    let flush = |chunk: &mut String, name: &mut Option<String>, out: &mut Vec<Rendered>| {
        if chunk.trim().is_empty() || chunk.trim() == "---" {
            chunk.clear();
            *name = None;
            return;
        }
        let n = name.take().unwrap_or_else(|| default_name.to_string());
        match out.iter_mut().find(|r| r.name == n) {
            Some(r) => r.text.push_str(chunk),
            None => out.push(Rendered {
                name: n,
                text: chunk.clone(),
            }),
        }
        chunk.clear();
    };
    for line in text.split_inclusive('\n') {
        let bare = line.trim_end_matches(['\n', '\r']);
        if is_doc_start(bare) {
            flush(&mut chunk, &mut name, &mut out);
        } else if name.is_none() {
            if let Some(src) = bare.strip_prefix("# Source: ") {
                name = Some(src.trim().to_string());
            }
        }
        chunk.push_str(line);
    }
    flush(&mut chunk, &mut name, &mut out);
    Some(out)
}

/// Whether a directory holds a kustomization.
pub fn is_kustomization(dir: &Path) -> bool {
    ["kustomization.yaml", "kustomization.yml", "Kustomization"]
        .iter()
        .any(|n| dir.join(n).is_file())
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
    fn helm_output_is_split_by_source() {
        let text = "---\n# Source: c/templates/a.yaml\nkind: A\n---\n# Source: c/templates/b.yaml\nkind: B\n---\n# Source: c/templates/a.yaml\nkind: A2\n";
        let r = split_helm(text, "<stdin>").unwrap();
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].name, "c/templates/a.yaml");
        assert_eq!(
            r[0].text,
            "---\n# Source: c/templates/a.yaml\nkind: A\n---\n# Source: c/templates/a.yaml\nkind: A2\n"
        );
        assert_eq!(r[1].name, "c/templates/b.yaml");
        assert!(split_helm("kind: A\n", "x").is_none());
    }

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
