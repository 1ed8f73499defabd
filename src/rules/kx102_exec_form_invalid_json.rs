//! KX102 exec-form-invalid-json: `CMD ['node','app.js']` is not JSON, so it runs as shell form.

use crate::docker::InstKind;
use crate::finding::Finding;
use crate::image::Tri;
use crate::model::Model;
use crate::meta;
use crate::rules::Rule;
use crate::source::Span;

pub static RULE: Rule = Rule {
    meta: &meta::KX102,
    check,
};

/// `['node', 'app.js']` → `["node", "app.js"]` when it is a simple single-quoted list.
fn suggest(s: &str) -> Option<String> {
    let inner = s.trim().strip_prefix('[')?.strip_suffix(']')?;
    let items: Vec<String> = inner
        .split(',')
        .map(|x| x.trim().trim_matches('\'').trim_matches('"').to_string())
        .collect();
    if items
        .iter()
        .any(|x| x.is_empty() || x.contains(['"', '\'']))
    {
        return None;
    }
    Some(format!(
        "[{}]",
        items
            .iter()
            .map(|x| format!("\"{x}\""))
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    for (di, d) in model.dockerfiles().iter().enumerate() {
        for s in &d.stages {
            let img = model.images.stage(di, s.index);
            for i in &s.instructions {
                let c = match &i.kind {
                    InstKind::Cmd(c) | InstKind::Entrypoint(c) => c,
                    InstKind::Healthcheck(Some(c)) => c,
                    _ => continue,
                };
                if !c.invalid_json {
                    continue;
                }
                let text = match &c.args {
                    crate::docker::CommandArgs::Shell(s) => s.value.trim().to_string(),
                    _ => continue,
                };
                let no_shell = img.is_some_and(|m| m.has_sh() == Tri::No);
                // The command `/bin/sh -c` then looks for: the first word of the text.
                let first = crate::shell::parse(&text)
                    .commands
                    .first()
                    .map(|c| c.name.text.clone())
                    .unwrap_or_default();
                // Under Kubernetes the start failure is containerd's StartError 128; `docker run`
                // and Compose exit 127.
                let in_pod = img.is_some_and(|m| model.runs_in_pod(m));
                let (what, exit, symptom) = if no_shell && in_pod {
                    (
                        "the image has no /bin/sh, so the container cannot start (StartError, exit 128; `docker run` exits 127)".to_string(),
                        Some(128),
                        "exec: \"/bin/sh\": stat /bin/sh: no such file or directory".to_string(),
                    )
                } else if no_shell {
                    (
                        "the image has no /bin/sh, so the container cannot start (`docker run` exits 127)".to_string(),
                        Some(127),
                        "exec: \"/bin/sh\": stat /bin/sh: no such file or directory".to_string(),
                    )
                } else {
                    (
                        format!(
                            "the shell then looks for a command named `{}`, which does not exist (exit 127)",
                            first
                        ),
                        Some(127),
                        format!(
                            "/bin/sh: 1: {}: not found",
                            first
                        ),
                    )
                };
                let mut f = Finding::new(
                    &RULE,
                    Span::new(d.file, c.span.clone()),
                    format!(
                        "{} `{text}` is not valid JSON (exec form needs double quotes), so Docker runs it as shell form `/bin/sh -c \"{text}\"`: {what}",
                        i.keyword
                    ),
                )
                .exit_code(exit)
                .symptom(symptom);
                if no_shell {
                    // Certain: the container cannot start (KX105 does not report it again).
                    f = f.severity(crate::meta::Severity::Error);
                }
                f = match suggest(&text) {
                    Some(fix) => f.help(format!("Use double quotes: {} {fix}", i.keyword)),
                    None => {
                        f.help("Write the exec form as a JSON array with double-quoted strings")
                    }
                };
                out.push(f);
            }
        }
    }
}
