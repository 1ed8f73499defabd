//! Docker front end of the process model: the image's own default process as `docker run IMAGE`
//! starts it (no arguments): ENTRYPOINT and CMD combined per the table of semantics.md §2, in
//! the image's WORKDIR, as its USER, with its ENV (the image PATH), no mounts; plus its
//! HEALTHCHECK command, which Docker execs in the running container. Which images get such a
//! group: [`groups`].

use super::{
    detect_shell, image_args, image_default, image_known, Argv, Part, ProcKind, ProcessGroup, Site,
    Spec, WorkDir,
};
use crate::image::{CommandForm, Image};
use crate::model::env::Env;
use crate::model::volumes::Mounts;
use crate::model::Model;

/// The process group of `docker run` of `model.images.images[index]` (`image`): the default
/// process, then the HEALTHCHECK (unless `HEALTHCHECK NONE`).
pub fn group<'p>(index: usize, image: &Image) -> ProcessGroup<'p> {
    let mut procs = vec![Spec {
        kind: ProcKind::Main,
        node: None,
        argv: default_argv(image),
    }];
    procs.extend(healthcheck(image));
    ProcessGroup {
        site: Site::Docker { image: index },
        env: Env::new(),
        mounts: Mounts::default(),
        workdir: image_workdir(Some(image)),
        user: image.user.clone(),
        procs,
        binds: Default::default(),
        default_overridden: false,
        image: None,
    }
}

/// The image's HEALTHCHECK as a process (None without one, or with `HEALTHCHECK NONE`).
pub fn healthcheck<'p>(image: &Image) -> Option<Spec<'p>> {
    let h = image.healthcheck.as_ref()?;
    let args = image_args(h, Part::Cmd);
    if matches!(&h.form, CommandForm::Exec(v) if v.is_empty()) {
        return None;
    }
    let shell = detect_shell(&args, h.is_shell());
    Some(Spec {
        kind: ProcKind::Healthcheck,
        node: None,
        argv: Argv {
            args,
            image_part_unknown: false,
            shell,
        },
    })
}

/// The argv `docker run IMAGE` starts: ENTRYPOINT + CMD (semantics.md §2). Empty when the image
/// has neither (`no command specified`); `image_part_unknown` when a base kexit does not know
/// may supply them.
pub fn default_argv<'p>(image: &Image) -> Argv<'p> {
    let (args, implicit, unknown) = if image_known(image) {
        let (args, implicit) = image_default(image, None);
        (args, implicit, image.entrypoint_may_be_inherited())
    } else {
        (Vec::new(), false, true)
    };
    let shell = if unknown && !args.first().is_some_and(|a| a.part == Part::Entrypoint) {
        None
    } else {
        detect_shell(&args, implicit)
    };
    Argv {
        args,
        image_part_unknown: unknown,
        shell,
    }
}

/// The working directory the image sets (known when its base is known or it set WORKDIR).
pub fn image_workdir(image: Option<&Image>) -> WorkDir {
    match image {
        Some(img) if img.base_known || img.workdir_origin.span().is_some() => WorkDir {
            path: Some(img.workdir.clone()),
            span: img.workdir_origin.span(),
            from_manifest: false,
        },
        _ => WorkDir {
            path: None,
            span: None,
            from_manifest: false,
        },
    }
}

/// `docker run` of every Dockerfile's final stage. A Kubernetes container or Compose service
/// that runs the image's default command checks it itself (one defect is reported once per
/// image): no `docker run` then. When every user in the tree replaces the command, the default
/// is still checked, marked [`ProcessGroup::default_overridden`] (its defects only hit a plain
/// `docker run`: warnings).
pub(super) fn groups<'p>(model: &Model<'p>, users: &[ProcessGroup<'p>]) -> Vec<ProcessGroup<'p>> {
    let mut used: std::collections::HashSet<*const Image> = std::collections::HashSet::new();
    let mut runs_default: std::collections::HashSet<*const Image> =
        std::collections::HashSet::new();
    for g in users {
        // A Compose service that builds the Dockerfile with other base images (`build.args`)
        // uses it without running its defaults.
        if let Some(img) = super::compose::rebased_site_stage(model, g.site) {
            used.insert(img as *const Image);
            continue;
        }
        let Some(img) = super::group_image(model, g) else {
            continue;
        };
        used.insert(img as *const Image);
        let default = g.procs.first().is_some_and(|m| {
            // No argv at all: the image's (missing) default is what runs.
            m.argv.image_part_unknown
                || m.argv.args.is_empty()
                || m.argv
                    .args
                    .iter()
                    .any(|a| matches!(a.part, Part::Entrypoint | Part::Cmd | Part::ShellPrefix))
        });
        if default {
            runs_default.insert(img as *const Image);
        }
    }
    let mut out = Vec::new();
    for (di, d) in model.dockerfiles().iter().enumerate() {
        // A base image other builds of the tree start from: what runs is their image (its
        // default command may name files only they add), not `docker run` of this one.
        if model.project.build.bases.contains(&di) {
            continue;
        }
        let Some(last) = d.stages.len().checked_sub(1) else {
            continue;
        };
        let Some(index) = model.images.stage_index(di, last) else {
            continue;
        };
        let Some(img) = model.images.images.get(index) else {
            continue;
        };
        let ptr = img as *const Image;
        if runs_default.contains(&ptr) {
            continue;
        }
        let mut g = group(index, img);
        g.default_overridden = used.contains(&ptr);
        out.push(g);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image::{ImageCommand, Origin};

    fn exec(v: &[&str]) -> Box<ImageCommand> {
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

    fn shell_form(s: &str) -> Box<ImageCommand> {
        Box::new(ImageCommand {
            form: CommandForm::Shell(s.to_string()),
            ..*exec(&[])
        })
    }

    fn argv(img: &Image) -> Vec<String> {
        default_argv(img)
            .args
            .iter()
            .map(|a| a.value.clone())
            .collect()
    }

    /// The ENTRYPOINT/CMD combination table of semantics.md §2, cell by cell.
    #[test]
    fn combination_table() {
        let mut img = Image::unknown("x");
        img.base_known = true;
        // no E, no C: nothing to run.
        assert!(argv(&img).is_empty());
        // no E: exec C / shell C.
        img.cmd = Some(exec(&["exec_c", "p1c"]));
        assert_eq!(argv(&img), ["exec_c", "p1c"]);
        img.cmd = Some(shell_form("exec_c p1c"));
        assert_eq!(argv(&img), ["/bin/sh", "-c", "exec_c p1c"]);
        assert!(default_argv(&img).shell.is_some_and(|s| s.implicit));
        // shell E ignores C.
        img.entrypoint = Some(shell_form("exec_e p1"));
        for c in [None, Some(exec(&["exec_c", "p1c"])), Some(shell_form("x"))] {
            img.cmd = c;
            assert_eq!(argv(&img), ["/bin/sh", "-c", "exec_e p1"]);
        }
        // exec E: + exec C / + shell C.
        img.entrypoint = Some(exec(&["exec_e", "p1"]));
        img.cmd = None;
        assert_eq!(argv(&img), ["exec_e", "p1"]);
        img.cmd = Some(exec(&["exec_c", "p1c"]));
        assert_eq!(argv(&img), ["exec_e", "p1", "exec_c", "p1c"]);
        img.cmd = Some(shell_form("exec_c p1c"));
        assert_eq!(argv(&img), ["exec_e", "p1", "/bin/sh", "-c", "exec_c p1c"]);
    }

    #[test]
    fn healthcheck_is_a_process_and_unknown_images_say_so() {
        let mut img = Image::unknown("x");
        img.base_known = true;
        img.cmd = Some(exec(&["/app"]));
        img.healthcheck = Some(shell_form("curl -f localhost"));
        let g = group(0, &img);
        assert_eq!(g.procs.len(), 2);
        assert_eq!(g.procs[1].kind, ProcKind::Healthcheck);
        assert!(g.procs[1].argv.shell.is_some());
        let unknown = Image::unknown("y");
        let a = default_argv(&unknown);
        assert!(a.image_part_unknown && a.args.is_empty());
    }
}
