//! SARIF 2.1.0 (what GitHub code scanning reads): one `reportingDescriptor` per rule with a
//! `helpUri`, full regions with `columnKind: unicodeCodePoints`, URIs relative to `%SRCROOT%`
//! (the working directory, declared in `originalUriBaseIds`) and the predicted exit code in
//! `properties`.

use super::locate;
use crate::finding::{Finding, Severity};
use crate::project::Project;
use crate::rules::RULES;
use crate::suppress::Suppressed;
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
        props.insert("object".into(), json!(o));
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
    let cwd = std::env::current_dir().ok();
    let cwd_ref = cwd.as_deref();
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
    let mut results: Vec<Value> = findings
        .iter()
        .map(|f| result(project, f, cwd_ref, None))
        .collect();
    for s in suppressed.unwrap_or(&[]) {
        results.push(result(project, &s.finding, cwd_ref, Some(s)));
    }
    let root_uri = cwd.as_ref().map(|c| {
        let mut u = format!("file://{}", encode(&c.to_string_lossy().replace('\\', "/")));
        if !u.ends_with('/') {
            u.push('/');
        }
        u
    });
    let mut run = json!({
        "tool": {
            "driver": {
                "name": "kexit",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/kexit/kexit",
                "rules": rules,
            }
        },
        "columnKind": "unicodeCodePoints",
        "results": results,
    });
    if let Some(u) = root_uri {
        run["originalUriBaseIds"] = json!({ SRCROOT: { "uri": u } });
    }
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [run],
    });
    let mut s = crate::text::json_inert(
        serde_json::to_string_pretty(&log).unwrap_or_else(|_| "{}".to_string()),
    );
    s.push('\n');
    s
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
