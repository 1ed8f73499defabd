//! KX112 undefined-var-reference: `$(VAR)` in command/args (or in an `env` value) that the
//! container's environment does not define stays the literal text `$(VAR)`.

use crate::finding::{Finding, Severity};
use crate::model::env::{
    expand_in, kustomize_vars_near, Env, Origin, Placement,
    RefStatus,
};
use crate::model::Model;
use crate::meta;
use crate::rules::kx113_shell_var_in_exec_form::shell_script_index;
use crate::rules::Rule;
use crate::yaml::Node;

/// Longest value quoted whole in a message (longer ones are cropped around `…`).
const QUOTED: usize = 160;

pub static RULE: Rule = Rule {
    meta: &meta::KX112,
    check,
};

/// Where `name` is defined further down the `env` list than the value node at `value_start`.
fn defined_later<'p>(env: &Env<'p>, name: &str, value_start: usize) -> Option<&'p Node> {
    match env.var(name).as_deref().map(|v| &v.origin) {
        Some(Origin::Env(item)) if item.span().start > value_start => Some(*item),
        _ => None,
    }
}

/// A name that reads as an environment variable: `[A-Za-z_][A-Za-z0-9_.-]*`, and inside a shell
/// script only `[A-Z_][A-Z0-9_]*` (anything else is a command substitution written on purpose).
fn plausible_var(name: &str, in_script: bool) -> bool {
    let Some(first) = name.bytes().next() else {
        return false;
    };
    if in_script {
        return (first.is_ascii_uppercase() || first == b'_')
            && name
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
    }
    (first.is_ascii_alphabetic() || first == b'_')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    for (wi, w) in model.workloads.iter().enumerate() {
        let file = w.object.file;
        if model.is_patch(w) || kustomize_vars_near(model, file) {
            continue;
        }
        let text = &model.file(file).text;
        for (ci, c) in w.containers.iter().enumerate() {
            let env = model.container_env(wi, ci);
            let image_env = |name: &str| {
                model
                    .image_for(w, c)
                    .and_then(|i| i.env(name).map(str::to_string))
            };
            let why = |name: &str| {
                match image_env(name) {
                Some(_) => format!(
                    "the image's ENV sets `{name}`, but the kubelet never sees image ENV; it expands `$({name})` only from `env`/`envFrom`"
                ),
                None => format!("no `env`/`envFrom` entry of the container defines `{name}`"),
            }
            };
            // command/args, expanded against what the env values left of the budget.
            let mut budget = env.budget().clone();
            let nodes = c.argv_nodes();
            let argv: Vec<&str> = nodes
                .iter()
                .map(|(n, _, _)| n.as_str().unwrap_or(""))
                .collect();
            let script = if c.command().is_some() {
                shell_script_index(&argv)
            } else {
                None
            };
            for (pos, (node, field, idx)) in nodes.iter().enumerate() {
                let Some(value) = node.as_str() else { continue };
                let e = expand_in(value, &env, &mut budget);
                // Where the value lies in the file, once for all its references.
                let place = std::cell::OnceCell::new();
                for r in e.undefined_refs() {
                    let in_script = Some(pos) == script;
                    // In a shell script `$(date)` is a command substitution on purpose; only an
                    // UPPER_CASE name reads as a variable meant for the kubelet.
                    if !plausible_var(&r.name, in_script) {
                        continue;
                    }
                    let is_argv0 = pos == 0 && *field == "command";
                    let lit = format!("$({})", r.name);
                    let consequence = if is_argv0 {
                        format!(
                            "the runtime looks for an executable literally named \"{}\" (StartError, exit 128)",
                            crate::text::crop(&e.text, QUOTED)
                        )
                    } else if in_script {
                        format!(
                            "the shell then runs `{lit}` as a command substitution: `{}: not found` and an empty string in its place",
                            r.name
                        )
                    } else {
                        format!("the program receives the literal text `{lit}`")
                    };
                    let mut f = Finding::new(
                        &RULE,
                        place
                            .get_or_init(|| Placement::of_node(file, text, node))
                            .span(text, node, r.range.clone()),
                        format!(
                            "`{lit}` in `{field}[{idx}]` of container `{}` stays literal ({}): {consequence}",
                            c.name,
                            why(&r.name)
                        ),
                    )
                    .help(format!(
                        "Define `{}` in the container's `env` (value or valueFrom), or write `$${}` for a literal `{lit}`",
                        r.name,
                        &lit[1..]
                    ))
                    .object(Some(w.reference()))
                    .container(c.name);
                    if is_argv0 {
                        // Certainly undefined (no envFrom source of unknown content): no file is
                        // named `$(NAME)`, so the start fails for sure.
                        f = f
                            .severity(Severity::Error)
                            .exit_code(Some(128))
                            .symptom(format!(
                                "exec: \"{}\": executable file not found in $PATH",
                                crate::text::crop(&e.text, QUOTED)
                            ));
                    } else if in_script {
                        f = f.symptom(format!("sh: 1: {}: not found", r.name));
                    }
                    out.push(f);
                }
            }
            // env values: references to undefined or later entries.
            for (node, e) in env.value_expansions() {
                let Some(value) = node.as_str() else { continue };
                let place = std::cell::OnceCell::new();
                for r in e.refs.iter().filter(|r| r.status == RefStatus::Undefined) {
                    if !plausible_var(&r.name, false) {
                        continue;
                    }
                    let lit = format!("$({})", r.name);
                    let later = defined_later(&env, &r.name, node.span().start);
                    let reason = match later {
                        Some(_) => format!(
                            "`{}` is defined further down the `env` list, and a reference only sees the entries above it",
                            r.name
                        ),
                        None => why(&r.name),
                    };
                    let help = match later {
                        Some(_) => format!("Move the `{}` entry above this one", r.name),
                        None => format!(
                            "Define `{}` earlier in `env`, or write `$${}` for a literal `{lit}`",
                            r.name,
                            &lit[1..]
                        ),
                    };
                    let mut f = Finding::new(
                        &RULE,
                        place
                            .get_or_init(|| Placement::of_node(file, text, node))
                            .span(text, node, r.range.clone()),
                        format!(
                            "`{lit}` in env value \"{}\" of container `{}` stays literal ({reason}): the variable's value contains the text `{lit}`",
                            crate::text::crop(value, QUOTED),
                            c.name
                        ),
                    )
                    .help(help)
                    .object(Some(w.reference()))
                    .container(c.name);
                    if let Some(item) = later {
                        f = f.label(w.span(item), format!("`{}` is defined here", r.name));
                    }
                    out.push(f);
                }
            }
        }
    }
}
