//! SARIF 2.1.0 (what GitHub code scanning reads): one `reportingDescriptor` per rule with a
//! `helpUri`, full regions with `columnKind: unicodeCodePoints`, URIs relative to `%SRCROOT%`
//! (the working directory, declared in `originalUriBaseIds`) and the predicted exit code in
//! `properties`.

use super::locate;
use crate::finding::{Finding, Severity};
use crate::project::Project;
use crate::rules::RULES;
use crate::suppress::Suppressed;
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::{json, Map, Value};
use std::path::Path;

const SRCROOT: &str = "%SRCROOT%";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// Percent-encode a path for a URI reference (unreserved characters and `/` kept).
fn encode(path: &str) -> String {
    let mut s = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                s.push(b as char)
            }
            _ => s.push_str(&format!("%{b:02X}")),
        }
    }
    s
}

/// The artifact location of a file: relative to `%SRCROOT%` when below the working directory.
fn artifact(path: &str, cwd: Option<&Path>) -> Value {
    let p = path.replace('\\', "/");
    let rel = p.strip_prefix("./").unwrap_or(&p);
    if !Path::new(rel).is_absolute() {
        return json!({ "uri": encode(rel), "uriBaseId": SRCROOT });
    }
    if let Some(cwd) = cwd {
        if let Ok(r) = Path::new(rel).strip_prefix(cwd) {
            return json!({ "uri": encode(&r.to_string_lossy()), "uriBaseId": SRCROOT });
        }
    }
    json!({ "uri": format!("file://{}", encode(rel)) })
}

/// A physical location: the artifact, and the region when the finding has a line.
fn physical(project: &Project, f: &Finding, artifact: Value) -> Value {
    let loc = locate(project, f);
    if !loc.known() {
        return json!({ "artifactLocation": artifact });
    }
    json!({
        "artifactLocation": artifact,
        "region": {
            "startLine": loc.line,
            "startColumn": loc.column,
            "endLine": loc.end_line,
            "endColumn": loc.end_column,
        },
    })
}

fn result(
    project: &Project,
    f: &Finding,
    cwd: Option<&Path>,
    suppression: Option<&Suppressed>,
) -> Value {
    let path = project
        .files
        .get(f.span.file)
        .map_or("", |s| s.path.as_str());
    let rule_index = RULES
        .iter()
        .position(|r| r.code == f.rule.code)
        .unwrap_or(0);
    let mut text = f.message.clone();
    if let Some(h) = &f.help {
        text.push_str(&format!("\nFix: {h}"));
    }
    let mut props = Map::new();
    props.insert("exitCode".into(), json!(f.exit_code));
    props.insert("ruleName".into(), json!(f.rule.name));
    if let Some(s) = &f.symptom {
        props.insert("symptom".into(), json!(s));
    }
    if let Some(h) = &f.help {
        props.insert("help".into(), json!(h));
    }
    if let Some(o) = &f.object {
        props.insert("object".into(), json!(&**o));
    }
    if let Some(sv) = &f.service {
        props.insert("service".into(), json!(sv));
    }
    if let Some(c) = &f.container {
        props.insert("container".into(), json!(c));
    }
    let mut r = json!({
        "ruleId": f.rule.code,
        "ruleIndex": rule_index,
        "level": level(f.severity),
        "message": { "text": text },
        "locations": [{
            "physicalLocation": physical(project, f, artifact(path, cwd)),
        }],
        "properties": props,
    });
    if !f.labels.is_empty() {
        let related: Vec<Value> = f
            .labels
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let lf = Finding::new(f.rule, l.span, "");
                let lpath = project
                    .files
                    .get(l.span.file)
                    .map_or("", |s| s.path.as_str());
                json!({
                    "id": i + 1,
                    "message": { "text": l.message },
                    "physicalLocation": physical(project, &lf, artifact(lpath, cwd)),
                })
            })
            .collect();
        r["relatedLocations"] = json!(related);
    }
    if let Some(s) = suppression {
        let kind = if s.by.contains(".kexit.y") {
            "external"
        } else {
            "inSource"
        };
        r["suppressions"] = json!([{ "kind": kind, "justification": s.reason }]);
    }
    r
}

/// Render a SARIF log. `doc_url` is the base of rule documentation links.
pub fn render(
    project: &Project,
    findings: &[Finding],
    suppressed: Option<&[Suppressed]>,
    doc_url: &str,
) -> String {
    super::written_text(write(Vec::new(), project, findings, suppressed, doc_url))
}

/// [`render`] written to `w` as it is serialised, one result at a time (a log of 100,000
/// results is never held whole: as one JSON value it took 3.4 GB), through
/// [`crate::text::JsonInert`]; gives `w` back.
pub fn write<W: std::io::Write>(
    w: W,
    project: &Project,
    findings: &[Finding],
    suppressed: Option<&[Suppressed]>,
    doc_url: &str,
) -> std::io::Result<W> {
    let cwd = std::env::current_dir().ok();
    let root_uri = cwd.as_ref().map(|c| {
        let mut u = format!("file://{}", encode(&c.to_string_lossy().replace('\\', "/")));
        if !u.ends_with('/') {
            u.push('/');
        }
        u
    });
    let log = Log(Run {
        original: root_uri.map(|u| json!({ SRCROOT: { "uri": u } })),
        results: Results {
            project,
            findings,
            suppressed: suppressed.unwrap_or(&[]),
            cwd: cwd.as_deref(),
        },
        tool: tool(doc_url),
    });
    let mut inert = crate::text::JsonInert::new(w);
    serde_json::to_writer_pretty(&mut inert, &log)?;
    std::io::Write::write_all(&mut inert, b"\n")?;
    inert.finish()
}

/// `tool.driver`: one `reportingDescriptor` per rule.
fn tool(doc_url: &str) -> Value {
    let rules: Vec<Value> = RULES
        .iter()
        .map(|r| {
            let full = r
                .doc
                .split("\n\n")
                .find(|p| {
                    let t = p.trim_start();
                    !t.is_empty() && !t.starts_with('#') && !t.starts_with("**Severity")
                })
                .map_or(r.summary, str::trim);
            let mut rule = json!({
                "id": r.code,
                "name": r.name,
                "shortDescription": { "text": r.summary },
                "fullDescription": { "text": full },
                "help": { "text": r.summary, "markdown": r.doc },
                "defaultConfiguration": { "level": level(r.severity) },
                "properties": {
                    "exitCode": r.exit_code,
                    "tags": ["kubernetes", "reliability"],
                    "problem.severity": level(r.severity),
                }
            });
            // A configured base becomes a link only when it is an http(s) URL.
            let help_uri = format!("{doc_url}{}.md", r.code);
            if crate::text::is_web_url(&help_uri) {
                rule["helpUri"] = json!(help_uri);
            }
            rule
        })
        .collect();
    json!({
        "driver": {
            "name": "kexit",
            "version": env!("CARGO_PKG_VERSION"),
            "semanticVersion": env!("CARGO_PKG_VERSION"),
            "informationUri": "https://github.com/kexit/kexit",
            "rules": rules,
        }
    })
}

// The log's envelope, serialised with its keys in the order a `serde_json::Value` gives them
// (sorted), so that the streamed log is the one a single value printed.

struct Log<'a>(Run<'a>);

struct Run<'a> {
    original: Option<Value>,
    results: Results<'a>,
    tool: Value,
}

struct Results<'a> {
    project: &'a Project,
    findings: &'a [Finding],
    suppressed: &'a [Suppressed],
    cwd: Option<&'a Path>,
}

impl Serialize for Log<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("$schema", "https://json.schemastore.org/sarif-2.1.0.json")?;
        m.serialize_entry("runs", std::slice::from_ref(&self.0))?;
        m.serialize_entry("version", "2.1.0")?;
        m.end()
    }
}

impl Serialize for Run<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("columnKind", "unicodeCodePoints")?;
        if let Some(o) = &self.original {
            m.serialize_entry("originalUriBaseIds", o)?;
        }
        m.serialize_entry("results", &self.results)?;
        m.serialize_entry("tool", &self.tool)?;
        m.end()
    }
}

impl Serialize for Results<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.findings.len() + self.suppressed.len()))?;
        for f in self.findings {
            seq.serialize_element(&result(self.project, f, self.cwd, None))?;
        }
        for x in self.suppressed {
            seq.serialize_element(&result(self.project, &x.finding, self.cwd, Some(x)))?;
        }
        seq.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_and_encoded() {
        assert_eq!(
            artifact("./k8s/my pod.yaml", None),
            json!({"uri": "k8s/my%20pod.yaml", "uriBaseId": SRCROOT})
        );
        assert_eq!(
            artifact("/abs/x.yaml", Some(Path::new("/abs"))),
            json!({"uri": "x.yaml", "uriBaseId": SRCROOT})
        );
        assert_eq!(
            artifact("/other/x.yaml", Some(Path::new("/abs"))),
            json!({"uri": "file:///other/x.yaml"})
        );
    }
}
