//! KX011 expansion-budget: a `$(VAR)` env chain, Dockerfile `ARG`/`ENV` values, or Compose
//! interpolation (`${VAR:-…}`, `.env`, `env_file`) that expand past kexit's budget
//! ([`crate::budget`]), or a YAML file larger than kexit reads ([`crate::yaml::MAX_NODES`]):
//! kexit stopped there, and what comes after is unknown (not checked).

use crate::budget::{
    human, MAX_FS_WORK, MAX_SCRIPT_FACTS, MAX_STAGES, MAX_STAGE_ENTRIES, MAX_STAGE_PATH_BYTES,
    MAX_TOTAL, MAX_VALUE,
};
use crate::finding::Finding;
use crate::meta;
use crate::model::env::{expand_in, MAX_ENVFROM_LAYERS};
use crate::model::Model;
use crate::rules::Rule;

pub static RULE: Rule = Rule {
    meta: &meta::KX011,
    check,
};

fn limits() -> String {
    format!(
        "{} per value, {} in all",
        human(MAX_VALUE),
        human(MAX_TOTAL)
    )
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    ignore_patterns(model, out);
    long_paths(model, out);
    script_facts(model, out);
    yaml_nodes(model, out);
    kubernetes(model, out);
    dockerfiles(model, out);
    compose(model, out);
}

/// Ignore files whose patterns ran past [`crate::budget::MAX_IGNORE_PATTERN_BYTES`]: at the line
/// where kexit stopped compiling them (once per run).
fn ignore_patterns(model: &Model, out: &mut Vec<Finding>) {
    for n in model.project.ignore_notes.iter().filter(|n| n.budget) {
        out.push(
            Finding::new(&RULE, crate::source::Span::new(n.file, n.at..n.at), n.why.clone())
                .severity(crate::finding::Severity::Warning)
                .help("Shorten the ignore files (real ones hold a few KB of patterns), or exclude with --exclude"),
        );
    }
}

/// A YAML file with more nodes than kexit reads ([`crate::yaml::MAX_NODES`]): at the node
/// where it stopped.
fn yaml_nodes(model: &Model, out: &mut Vec<Finding>) {
    let project = model.project;
    for m in &project.manifests {
        for e in &m.yaml.errors {
            if e.kind != crate::yaml::YamlErrorKind::NodeBudget {
                continue;
            }
            out.push(
                Finding::new(
                    &RULE,
                    crate::source::Span::new(m.file, e.span.clone()),
                    format!(
                        "{}: kexit stopped reading the file here, so the objects from here on are not checked (kubectl may still apply them)",
                        e.message
                    ),
                )
                .help("Split the file, or check that it is a manifest at all (a data file under a manifests directory?)"),
            );
        }
    }
}

/// One finding per Compose project, at the first value (in a compose file, its `.env` or an
/// `env_file`) whose interpolation ran out.
fn compose(model: &Model, out: &mut Vec<Finding>) {
    for pr in &model.project.compose {
        let Some(span) = pr.budget_overrun else {
            continue;
        };
        out.push(
            Finding::new(
                &RULE,
                span,
                format!(
                    "interpolating Compose variables (`${{VAR}}`, `${{VAR:-default}}`, `.env`, `env_file`) grows past kexit's expansion budget ({}, or defaults nested deeper than 8): kexit stopped here, and the values from here on are not checked",
                    limits()
                ),
            )
            .help("Each `${VAR}` copies the variable's whole value: variables that reference each other several times grow exponentially, and every service that names an `env_file` gets its own copy. Reference each variable once, or write the value out"),
        );
    }
}

/// One finding per container: at the first `env` value, else the first command/args element,
/// whose expansion ran out.
fn kubernetes(model: &Model, out: &mut Vec<Finding>) {
    for (wi, w) in model.workloads.iter().enumerate() {
        for (ci, c) in w.containers.iter().enumerate() {
            let env = model.container_env(wi, ci);
            let at_env = env
                .value_expansions()
                .iter()
                .find(|(_, e)| e.over_budget)
                .map(|(node, _)| (*node, "an `env` value".to_string()));
            let at = at_env.or_else(|| {
                let mut budget = env.budget().clone();
                c.argv_nodes().into_iter().find_map(|(node, field, idx)| {
                    let value = node.as_str()?;
                    expand_in(value, &env, &mut budget)
                        .over_budget
                        .then(|| (node, format!("`{field}[{idx}]`")))
                })
            });
            if let Some(item) = env.layers_capped() {
                out.push(
                    Finding::new(
                        &RULE,
                        w.span(item),
                        format!(
                            "container `{}` reads more than {MAX_ENVFROM_LAYERS} ConfigMaps or Secrets of known keys under one `envFrom` prefix: kexit looks up the first {MAX_ENVFROM_LAYERS} only, and from this one on takes any variable under the prefix as possibly defined (not checked)",
                            c.name
                        ),
                    )
                    .help("Merge the ConfigMaps/Secrets into fewer sources (real containers read a handful)")
                    .object(Some(w.reference()))
                    .container(c.name),
                );
            }
            let Some((node, what)) = at else { continue };
            out.push(
                Finding::new(
                    &RULE,
                    w.span(node),
                    format!(
                        "expanding `$(VAR)` references in {what} of container `{}` grows past kexit's expansion budget ({}): kexit stopped here, and the values from here on are not checked",
                        c.name,
                        limits()
                    ),
                )
                .help("Each `$(VAR)` copies the variable's whole value: a chain of variables that reference each other several times grows exponentially (a huge environment or argument list makes the container fail to start). Reference each variable once, or write the value out")
                .object(Some(w.reference()))
                .container(c.name),
            );
        }
    }
}

/// One finding per Dockerfile stage, at the instruction whose expansion ran out.
fn dockerfiles(model: &Model, out: &mut Vec<Finding>) {
    for (di, d) in model.dockerfiles().iter().enumerate() {
        if let Some(span) = model.images.global_arg_overruns.get(&di) {
            out.push(
                Finding::new(
                    &RULE,
                    *span,
                    format!(
                        "expanding the global `ARG` defaults (before the first `FROM`) grows past kexit's expansion budget ({}): kexit stopped here, and the global ARGs from here on are unknown (a `FROM` that uses them is not checked)",
                        limits()
                    ),
                )
                .help("Each `$VAR`/`${VAR}` copies the variable's whole value: variables that reference each other several times grow exponentially. Reference each variable once, or write the value out"),
            );
        }
        if let Some(span) = model.images.stage_overruns.get(&di) {
            out.push(
                Finding::new(
                    &RULE,
                    *span,
                    format!(
                        "this Dockerfile is larger than kexit models ({} stages, {} file-system paths or {} of paths over all stages, or {} path updates by its steps, such as `chmod -R`): kexit stopped at this `FROM`: this stage, and past the stage or path limit the ones after it, are not checked",
                        MAX_STAGES, MAX_STAGE_ENTRIES, human(MAX_STAGE_PATH_BYTES), MAX_FS_WORK
                    ),
                )
                .help("Each stage starts from a copy of the stage it builds on, and each recursive step updates every path under it. Split the build into several Dockerfiles, or build fewer, larger stages"),
            );
        }
        for s in &d.stages {
            let Some(span) = model
                .images
                .stage(di, s.index)
                .and_then(|i| i.budget_overrun)
            else {
                continue;
            };
            let stage = match s.name() {
                Some(n) => format!("stage `{n}`"),
                None => format!("stage #{}", s.index),
            };
            out.push(
                Finding::new(
                    &RULE,
                    span,
                    format!(
                        "expanding `ARG`/`ENV` variables in {stage} grows past kexit's expansion budget ({}): kexit stopped here, and the variables from here on are unknown (not checked)",
                        limits()
                    ),
                )
                .help("Each `$VAR`/`${VAR}` copies the variable's whole value: variables that reference each other several times grow exponentially. Reference each variable once, or write the value out"),
            );
        }
    }
}

/// A PATH with more distinct directories than kexit searches
/// ([`crate::model::process::MAX_PATH_DIRS`]): once per container, service or image, at its
/// command.
/// A shell string or script with more defects than [`MAX_SCRIPT_FACTS`]: where kexit stopped
/// checking it.
fn script_facts(model: &Model, out: &mut Vec<Finding>) {
    crate::rules::exec::report(model, out, |p, fact| match fact {
        crate::model::exec::ExecFact::FactBudget { span, describe } => Some(
            crate::rules::exec::finding(
                p,
                &RULE,
                *span,
                format!(
                    "{describe} has more than {MAX_SCRIPT_FACTS} defects: kexit stopped checking it here, and the commands from here on are not checked"
                ),
            )
            .help("Fix the defects reported before this point (a real script has a handful), then lint again"),
        ),
        _ => None,
    });
}

fn long_paths(model: &Model, out: &mut Vec<Finding>) {
    use crate::model::process::MAX_PATH_DIRS;
    let mut seen = std::collections::HashSet::new();
    for g in model.process_groups() {
        let Some(p) = g.processes(model).into_iter().next() else {
            continue;
        };
        let Some(path) = p.path_var() else { continue };
        if path.len() < 2 * MAX_PATH_DIRS {
            continue;
        }
        let n = model.path_search(p.image, &path).distinct;
        let span = p.primary_span(0);
        if n <= MAX_PATH_DIRS || !seen.insert(span) {
            continue;
        }
        out.push(
            Finding::new(
                &RULE,
                span,
                format!(
                    "this process's PATH has {n} distinct directories: kexit looks for commands in the first {MAX_PATH_DIRS} only, so a command found in none of them is not checked"
                ),
            )
            .help("Keep PATH to the directories the image uses"),
        );
    }
}
