//! KX113 shell-var-in-exec-form: `$VAR` / `${VAR}` in exec-form `command`/`args` is passed
//! literally: only a shell expands it, and Kubernetes runs no shell (only `$(VAR)` is expanded,
//! by the kubelet).

use crate::finding::Finding;
use crate::model::env::value_span;
use crate::model::Model;
use crate::meta;
use crate::rules::Rule;
use crate::yaml::{Node, Value};
use std::ops::Range;

pub static RULE: Rule = Rule {
    meta: &meta::KX113,
    check,
};

const SHELLS: [&str; 8] = ["sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "busybox"];

/// Programs that give `$…` a meaning of their own (awk fields, sed anchors, jq/perl/template
/// variables, Spring placeholders resolved by the JVM application, …): their argv is not checked.
const OWN_DOLLAR: [&str; 22] = [
    "awk",
    "gawk",
    "mawk",
    "nawk",
    "sed",
    "perl",
    "jq",
    "yq",
    "envsubst",
    "ruby",
    "php",
    "java",
    "gomplate",
    "confd",
    "dockerize",
    "tclsh",
    "expect",
    "make",
    "helm",
    "kubectl",
    "psql",
    "mysql",
];

/// Variables every container has at run time without declaring them (the runtime sets them,
/// or a user has them in a login shell): `$HOME` in exec form is a real mistake, never a
/// template placeholder.
const RUNTIME_VARS: [&str; 10] = [
    "HOME", "PATH", "HOSTNAME", "PWD", "USER", "SHELL", "TERM", "LANG", "TMPDIR", "UID",
];

fn basename(s: &str) -> &str {
    s.rsplit('/').next().unwrap_or(s)
}

/// `fish -c …` / `fish --command …` and `pwsh -c` / `-Command` / `-CommandWithArgs` (any
/// abbreviation PowerShell accepts, `powershell` too): shells outside the POSIX family that
/// expand their own variables in the command string they are given.
pub(crate) fn other_shell_command(argv: &[&str]) -> bool {
    argv.iter().enumerate().any(|(i, a)| {
        let b = basename(a).to_ascii_lowercase();
        let rest = argv.get(i + 1..).unwrap_or(&[]);
        match b.trim_end_matches(".exe") {
            "fish" => rest.iter().any(|o| {
                *o == "--command"
                    || o.starts_with("--command=")
                    || (o.starts_with('-') && !o.starts_with("--") && o[1..].contains('c'))
            }),
            "pwsh" | "powershell" => rest.iter().any(|o| {
                let l = o.to_ascii_lowercase();
                let l = l.trim_start_matches('-');
                o.starts_with('-')
                    && (l == "c"
                        || l == "cwa"
                        || (l.len() >= 3 && "command".starts_with(l))
                        || (l.len() > 7 && "commandwithargs".starts_with(l)))
            }),
            _ => false,
        }
    })
}

/// An upper-case name defined nowhere the container can see (its `env`, `envFrom`, the
/// image's ENV, the runtime's own variables): the shape of a placeholder that `envsubst` or a
/// templating step fills in before `kubectl apply`, not of a variable the author expected the
/// container to expand.
fn looks_like_placeholder(
    name: &str,
    env: &crate::model::env::Env<'_>,
    image: Option<&crate::image::Image>,
) -> bool {
    name.bytes().next().is_some_and(|b| b.is_ascii_uppercase())
        && name
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
        && !RUNTIME_VARS.contains(&name)
        && env.get(name) == crate::model::env::Lookup::Undefined
        && image.is_none_or(|i| i.env(name).is_none())
}

/// The object holds `$NAME` / `${NAME}` placeholders outside container commands, args and env
/// (`serviceAccountName: $K8S_SA_NAME`, `bucketName: ${BUCKET}`): the file is a template for
/// `envsubst` or a similar step, and is not applied as written.
fn templated_elsewhere(n: &Node) -> bool {
    match &n.value {
        Value::Str(s) => shell_refs(s)
            .iter()
            .any(|(_, name)| name.bytes().all(|b| !b.is_ascii_lowercase())),
        Value::Seq(items) => items.iter().any(templated_elsewhere),
        Value::Map(_) => n.entries().any(|(k, v)| {
            !matches!(k.as_str(), Some("command" | "args" | "env")) && templated_elsewhere(v)
        }),
        _ => false,
    }
}

/// Index of the script string of a `sh -c SCRIPT` found anywhere in argv (after wrappers such as
/// `tini --`, `dumb-init`, `env`, `timeout 10`). Elements after it are `$0`, `$1` … (not expanded).
pub(crate) fn shell_script_index(argv: &[&str]) -> Option<usize> {
    for (i, a) in argv.iter().enumerate() {
        let b = basename(a);
        if !SHELLS.contains(&b) {
            continue;
        }
        let mut j = i + 1;
        if b == "busybox" {
            if argv.get(j).is_some_and(|s| SHELLS.contains(s)) {
                j += 1;
            } else {
                continue;
            }
        }
        let mut has_c = false;
        while let Some(opt) = argv.get(j) {
            if opt.starts_with('-') && opt.len() > 1 && *opt != "--" {
                if !opt.starts_with("--") && opt[1..].contains('c') {
                    has_c = true;
                }
                if *opt == "-o" || *opt == "+o" {
                    j += 1;
                }
                j += 1;
            } else if *opt == "--" {
                j += 1;
                break;
            } else {
                break;
            }
        }
        if has_c && j < argv.len() {
            return Some(j);
        }
        // A shell running a script file: nothing after it is expanded by kexit's reckoning.
        return None;
    }
    None
}

/// `$NAME` and `${…}` occurrences outside the kubelet's own `$$` / `$(…)` syntax: (byte range,
/// variable name).
pub(crate) fn shell_refs(s: &str) -> Vec<(Range<usize>, String)> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'$' || i + 1 >= b.len() {
            i += 1;
            continue;
        }
        match b[i + 1] {
            b'$' => i += 2,
            b'(' => i += 2,
            b'{' => {
                let start = i;
                let name_start = i + 2;
                let mut k = name_start;
                while k < b.len() && (b[k].is_ascii_alphanumeric() || b[k] == b'_') {
                    k += 1;
                }
                let name = &s[name_start..k];
                let close = s[k..].find('}').map(|p| k + p);
                match close {
                    Some(c) if !name.is_empty() && !name.as_bytes()[0].is_ascii_digit() => {
                        out.push((start..c + 1, name.to_string()));
                        i = c + 1;
                    }
                    _ => i += 2,
                }
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let start = i;
                let mut k = i + 1;
                while k < b.len() && (b[k].is_ascii_alphanumeric() || b[k] == b'_') {
                    k += 1;
                }
                out.push((start..k, s[i + 1..k].to_string()));
                i = k;
            }
            _ => i += 1,
        }
    }
    out
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    for (wi, w) in model.workloads.iter().enumerate() {
        let text = &model.file(w.object.file).text;
        // Walks the whole object: asked once per workload, and only when a reference is found
        // (a Pod of 30,000 containers walked itself once per container: 13.5 s).
        let templated = std::cell::OnceCell::new();
        let template = || *templated.get_or_init(|| templated_elsewhere(w.object.node));
        for (ci, c) in w.containers.iter().enumerate() {
            // Without `command` the image's ENTRYPOINT receives `args`; it may be a shell.
            if c.command().is_none() {
                continue;
            }
            let nodes = c.argv_nodes();
            let argv: Vec<&str> = nodes
                .iter()
                .map(|(n, _, _)| n.as_str().unwrap_or(""))
                .collect();
            if argv
                .iter()
                .take(4)
                .any(|a| OWN_DOLLAR.contains(&basename(a)) || basename(a).starts_with("python"))
                || other_shell_command(&argv)
            {
                continue;
            }
            let env = model.container_env(wi, ci);
            let image = model.image_for(w, c);
            let script = shell_script_index(&argv);
            for (pos, (node, field, idx)) in nodes.iter().enumerate() {
                if Some(pos) == script {
                    continue;
                }
                let Some(value) = node.as_str() else { continue };
                let Some((range, name)) = shell_refs(value).into_iter().next() else {
                    continue;
                };
                let shown = &value[range.clone()];
                let is_argv0 = pos == 0;
                // `${NAME}` is envsubst's usual spelling; a bare `$NAME` counts only in a file
                // templated elsewhere too, and so does argv[0] (else certainly a StartError).
                let placeholder = looks_like_placeholder(&name, &env, image)
                    && (template() || (shown.starts_with("${") && !is_argv0));
                let span = value_span(w.object.file, text, node, range);
                let mut f = Finding::new(
                    &RULE,
                    span,
                    if is_argv0 {
                        format!(
                            "`{field}[{idx}]` of container `{}` is not run through a shell, so `{shown}` is never expanded: the runtime looks for an executable literally named \"{value}\" (StartError, exit 128)",
                            c.name
                        )
                    } else {
                        format!(
                            "`{field}[{idx}]` of container `{}` is passed literally: without a shell `{shown}` is never expanded, the program receives the text \"{value}\"",
                            c.name
                        )
                    },
                )
                .help(format!(
                    "Write `$({name})` (the kubelet expands it from the container's `env`), or run a shell: command: [\"sh\", \"-c\", \"… {shown} …\"]"
                ))
                .object(Some(w.reference()))
                .container(c.name);
                if placeholder {
                    // Probably filled in before the manifest is applied: say so, quietly.
                    f.message.push_str(&format!(
                        "; `{name}` is defined nowhere the container can see, so this looks like a placeholder for envsubst or a templating step, which is fine if the file is rendered before it is applied"
                    ));
                    f = f.severity(crate::finding::Severity::Info);
                } else if is_argv0 {
                    // No file is literally named `${X}/…`: the start fails for sure.
                    let symptom = if value.contains('/') {
                        format!("exec: \"{value}\": stat {value}: no such file or directory")
                    } else {
                        format!("exec: \"{value}\": executable file not found in $PATH")
                    };
                    f = f
                        .severity(crate::finding::Severity::Error)
                        .exit_code(Some(128))
                        .symptom(symptom);
                }
                out.push(f);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_shell_script() {
        assert_eq!(shell_script_index(&["sh", "-c", "echo $A"]), Some(2));
        assert_eq!(shell_script_index(&["/bin/bash", "-ec", "x", "y"]), Some(2));
        assert_eq!(
            shell_script_index(&["tini", "--", "sh", "-c", "x"]),
            Some(4)
        );
        assert_eq!(
            shell_script_index(&["bash", "-o", "pipefail", "-c", "x"]),
            Some(4)
        );
        assert_eq!(shell_script_index(&["sh", "/run.sh", "$A"]), None);
        assert_eq!(
            shell_script_index(&["/bin/busybox", "sh", "-c", "x"]),
            Some(3)
        );
        assert_eq!(shell_script_index(&["app", "--flag"]), None);
    }

    #[test]
    fn other_shells_expand_their_own_variables() {
        assert!(other_shell_command(&["fish", "-c", "echo $HOME"]));
        assert!(other_shell_command(&["/usr/bin/fish", "--command", "x"]));
        assert!(other_shell_command(&["fish", "--command=echo $X"]));
        assert!(other_shell_command(&["pwsh", "-NoProfile", "-Command", "$env:X"]));
        assert!(other_shell_command(&["pwsh", "-c", "x"]));
        assert!(other_shell_command(&["powershell.exe", "-comm", "x"]));
        assert!(other_shell_command(&["pwsh", "-CommandWithArgs", "x", "$a"]));
        assert!(!other_shell_command(&["fish", "script.fish", "$X"]));
        assert!(!other_shell_command(&["pwsh", "-File", "a.ps1", "$X"]));
        assert!(!other_shell_command(&["pwsh", "-ConfigurationName", "x"]));
        assert!(!other_shell_command(&["app", "-c", "$X"]));
    }

    #[test]
    fn finds_refs() {
        let r = shell_refs("a $HOME ${X:-y} $(K) $$Y $1 $");
        let names: Vec<&str> = r.iter().map(|(_, n)| n.as_str()).collect();
        assert_eq!(names, ["HOME", "X"]);
        assert_eq!(r[0].0, 2..7);
    }
}
