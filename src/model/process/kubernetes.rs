//! Kubernetes front end of the process model: the processes the kubelet starts in a container
//! (the container itself with the image ENTRYPOINT/CMD combined with `command`/`args`,
//! semantics.md §2; exec probes and exec lifecycle hooks, §5). Each argv element keeps a span
//! (the manifest token, or the Dockerfile element/instruction), and `$(VAR)` is expanded from the
//! container env (never the image ENV).

use super::{
    detect_shell, image_default, image_known, Arg, Argv, Part, ProcKind, ProcessGroup, Site, Spec,
    WorkDir,
};
use crate::budget::Budget;
use crate::image::Image;
use crate::k8s::{Container, Workload};
use crate::model::env::{self, Env};
use crate::model::volumes;
use crate::model::Model;
use crate::yaml::Node;

/// The process group of container `ci` of workload `wi`, with its `mounts`
/// ([`volumes::pod_mounts`]).
pub fn group<'p>(
    model: &Model<'p>,
    wi: usize,
    w: &Workload<'p>,
    ci: usize,
    c: &Container<'p>,
    mounts: volumes::Mounts<'p>,
) -> ProcessGroup<'p> {
    let image_index = model.images.index_for_container(c);
    let image = image_index.and_then(|i| model.images.images.get(i));
    let env = env::container_env(model, w, c);
    let workdir = workdir(w, c, image);
    let main = container_argv(w, c, image, &env);
    let mut procs = vec![Spec {
        kind: ProcKind::Main,
        node: None,
        argv: main,
    }];
    for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
        if let Some(n) = c.get(probe) {
            if let Some(a) = exec_argv(w, n, &env) {
                procs.push(Spec {
                    kind: ProcKind::Probe(probe),
                    node: Some(n),
                    argv: a,
                });
            }
        }
    }
    for hook in ["postStart", "preStop"] {
        if let Some(n) = c.node.path(&["lifecycle", hook]) {
            if let Some(a) = exec_argv(w, n, &env) {
                procs.push(Spec {
                    kind: ProcKind::Hook(hook),
                    node: Some(n),
                    argv: a,
                });
            }
        }
    }
    procs.shrink_to_fit();
    ProcessGroup {
        site: Site::Kubernetes {
            workload: wi,
            container: ci,
        },
        env,
        mounts,
        workdir,
        user: user(w, c, image),
        procs,
        binds: Default::default(),
        default_overridden: false,
        image: image_index,
    }
}

/// `runAsUser` of the container, else of the pod, else the image USER; with `:GID` when
/// `runAsGroup` sets the group, or `:0` when `fsGroup`/`supplementalGroups` add group 0.
fn user(w: &Workload<'_>, c: &Container<'_>, image: Option<&Image>) -> Option<String> {
    let field = |key: &str| {
        let get = |n: Option<&Node>| n.and_then(|n| n.get(key)).and_then(Node::scalar_text);
        get(c.get("securityContext")).or_else(|| get(w.pod_spec.get("securityContext")))
    };
    let user = field("runAsUser").or_else(|| image.and_then(|i| i.user.clone()))?;
    let pod = w.pod_spec.get("securityContext");
    let root_added = field("fsGroup").is_some_and(|g| g.trim() == "0")
        || pod
            .and_then(|n| n.get("supplementalGroups"))
            .is_some_and(|s| {
                s.items()
                    .iter()
                    .any(|g| g.scalar_text().is_some_and(|g| g.trim() == "0"))
            });
    let name = user.split(':').next().unwrap_or(&user).to_string();
    Some(if root_added {
        format!("{name}:0")
    } else if let Some(g) = field("runAsGroup") {
        format!("{name}:{g}")
    } else {
        user
    })
}

/// Manifest list items as argv elements (with `$(VAR)` expansion).
fn manifest_args<'p>(
    w: &Workload<'p>,
    items: &'p [Node],
    part: Part,
    env: &Env<'_>,
    budget: &mut Budget,
) -> Vec<Arg<'p>> {
    items
        .iter()
        .map(|n| {
            let raw = n.scalar_text().unwrap_or_default();
            let e = env::expand_in(&raw, env, budget);
            Arg {
                value: e.text,
                exact: e.exact,
                span: Some(w.span(n)),
                node: Some(n),
                part,
                text_span: None,
                place: Default::default(),
            }
        })
        .collect()
}

/// The container's effective argv (semantics.md §2: the 4-case table, with the Dockerfile
/// ENTRYPOINT/CMD combination table for the image part).
pub fn container_argv<'p>(
    w: &Workload<'p>,
    c: &Container<'p>,
    image: Option<&Image>,
    env: &Env<'_>,
) -> Argv<'p> {
    // Command and args are expanded against what the env values left of the budget.
    let mut budget = env.budget().clone();
    let args = c
        .args()
        .map(|a| manifest_args(w, a, Part::Args, env, &mut budget));
    let mut out = Vec::new();
    let mut unknown = false;
    let mut implicit = false;
    match c.command() {
        Some(cmd) => {
            out.extend(manifest_args(w, cmd, Part::Command, env, &mut budget));
            out.extend(args.unwrap_or_default());
        }
        None => match image {
            Some(img) if image_known(img) => {
                (out, implicit) = image_default(img, args);
                // A Dockerfile image whose base is unknown may inherit an ENTRYPOINT.
                if img.entrypoint_may_be_inherited() {
                    unknown = true;
                }
            }
            _ => {
                unknown = true;
                out.extend(args.unwrap_or_default());
            }
        },
    }
    let shell = if unknown && !out.first().is_some_and(|a| a.part == Part::Entrypoint) {
        None
    } else {
        detect_shell(&out, implicit)
    };
    out.shrink_to_fit();
    Argv {
        args: out,
        image_part_unknown: unknown,
        shell,
    }
}

/// The argv of an exec probe or hook (`exec.command`).
pub fn exec_argv<'p>(w: &Workload<'p>, node: &'p Node, env: &Env<'_>) -> Option<Argv<'p>> {
    let items = node.path(&["exec", "command"]).filter(|n| n.is_seq())?;
    let mut budget = env.budget().clone();
    let args = manifest_args(w, items.items(), Part::Command, env, &mut budget);
    if args.is_empty() {
        return None;
    }
    let shell = detect_shell(&args, false);
    Some(Argv {
        args,
        image_part_unknown: false,
        shell,
    })
}

fn workdir(w: &Workload<'_>, c: &Container<'_>, image: Option<&Image>) -> WorkDir {
    if let Some(n) = c.get("workingDir") {
        if let Some(s) = n.as_str().filter(|s| !s.is_empty()) {
            return WorkDir {
                path: Some(crate::image::build::normalize("/", s)),
                span: Some(w.span(n)),
                from_manifest: true,
            };
        }
    }
    super::docker::image_workdir(image)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image::{CommandForm, ImageCommand, Origin};

    pub(crate) fn exec(v: &[&str]) -> Box<ImageCommand> {
        Box::new(ImageCommand {
            form: CommandForm::Exec(v.iter().map(|s| s.to_string()).collect()),
            shell: vec![],
            span: None,
            args_span: None,
            arg_spans: vec![],
            invalid_json: false,
            origin: Origin::Unknown,
        })
    }

    pub(crate) fn shell_form(s: &str) -> Box<ImageCommand> {
        Box::new(ImageCommand {
            form: CommandForm::Shell(s.to_string()),
            ..*exec(&[])
        })
    }

    /// argv values of the first container of a pod written as YAML `containers[0]` fields.
    fn run(fields: &str, img: Option<&Image>) -> (Vec<String>, bool, bool) {
        let text = format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: x\n{fields}"
        );
        let y = crate::yaml::parse(&text);
        let mut objs = Vec::new();
        crate::k8s::Object::collect(0, &y.docs[0].root, "default", &mut objs);
        let w = Workload::from_object(&objs[0]).unwrap_or_else(|| unreachable!());
        let env = Env::new();
        let a = container_argv(&w, &w.containers[0], img, &env);
        (
            a.args.iter().map(|x| x.value.clone()).collect(),
            a.image_part_unknown,
            a.shell.is_some(),
        )
    }

    #[test]
    fn kubernetes_four_cases_and_dockerfile_table() {
        let mut img = Image::unknown("x");
        img.base_known = true;
        img.entrypoint = Some(exec(&["/ep", "e1"]));
        img.cmd = Some(exec(&["c0", "c1"]));
        let i = Some(&img);
        assert_eq!(run("", i).0, ["/ep", "e1", "c0", "c1"]);
        assert_eq!(run("      command: [a, b]\n", i).0, ["a", "b"]);
        assert_eq!(run("      args: [x]\n", i).0, ["/ep", "e1", "x"]);
        assert_eq!(
            run("      command: [a]\n      args: [x, z]\n", i).0,
            ["a", "x", "z"]
        );
        // Shell-form ENTRYPOINT ignores CMD and args.
        img.entrypoint = Some(shell_form("exec server"));
        let (v, _, sh) = run("      args: [x]\n", Some(&img));
        assert_eq!(v, ["/bin/sh", "-c", "exec server"]);
        assert!(sh);
        // Exec ENTRYPOINT + shell-form CMD.
        img.entrypoint = Some(exec(&["/ep"]));
        img.cmd = Some(shell_form("run it"));
        assert_eq!(run("", Some(&img)).0, ["/ep", "/bin/sh", "-c", "run it"]);
        // No ENTRYPOINT, shell-form CMD: a shell call kexit parses.
        img.entrypoint = None;
        let (v, _, sh) = run("", Some(&img));
        assert_eq!(v, ["/bin/sh", "-c", "run it"]);
        assert!(sh);
        // Unknown image: only `command` is known.
        let (v, unknown, _) = run("      args: [x]\n", None);
        assert!(unknown);
        assert_eq!(v, ["x"]);
        let (v, unknown, sh) = run("      command: [sh, -c, 'exec app']\n", None);
        assert!(!unknown && sh);
        assert_eq!(v, ["sh", "-c", "exec app"]);
    }

    #[test]
    fn dollar_var_expansion_uses_container_env_only() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: python:3.12-slim\n      command: ['$(BIN)', '$$(BIN)', '$(NOPE)', '$(PYTHON_VERSION)']\n      env:\n        - name: BIN\n          value: /bin/app\n";
        let project = crate::project::Project::load(
            vec![crate::project::Input::Text {
                name: "p.yaml".into(),
                kind: crate::discover::Kind::Manifest,
                text: text.into(),
            }],
            Default::default(),
        );
        let model = Model::build(&project);
        let procs: Vec<_> = crate::model::process::all(&model).collect();
        let v = procs[0].argv.values();
        assert_eq!(v, ["/bin/app", "$(BIN)", "$(NOPE)", "$(PYTHON_VERSION)"]);
        assert!(procs[0].argv.args[0].exact);
    }
}
