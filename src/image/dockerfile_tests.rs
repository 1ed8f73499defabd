//! Tests of the Dockerfile image builder (src/image/dockerfile.rs).
use crate::discover::Kind;
use crate::image::{CommandForm, Resolved, ShellKind, Tri};
use crate::project::{Input, Project};

fn project(text: &str) -> Project {
    Project::load(
        vec![Input::Text {
            name: "<stdin>".to_string(),
            kind: Kind::Dockerfile,
            text: text.to_string(),
        }],
        Default::default(),
    )
}

#[test]
fn models_instructions() {
    let p = project(
        "ARG V=3.20\nFROM alpine:${V} AS base\nRUN apk add --no-cache bash tini\nENV PATH=/opt/app/bin:$PATH\nCOPY --chmod=755 <<EOF /opt/app/bin/start\n#!/bin/bash\nexec \"$@\"\nEOF\nCMD [\"start\"]\nFROM base\nENTRYPOINT [\"/sbin/tini\", \"--\"]\nRUN ln -s /opt/app/bin/start /usr/local/bin/go-start\n",
    );
    let m = crate::image::TestModel::build(&p);
    let base = m.images.stage(0, 0).unwrap();
    assert!(base.base_known);
    assert_eq!(base.shell_kind(), ShellKind::BusyboxAsh);
    assert_eq!(
        base.resolve("bash", None),
        Resolved::Found("/bin/bash".into())
    );
    assert_eq!(
        base.resolve("curl", Some(crate::image::DEFAULT_PATH)),
        Resolved::NotFound
    );
    // /opt/app/bin is not a catalogue directory: what else it holds is unknown.
    assert_eq!(base.resolve("curl", None), Resolved::Unknown);
    assert_eq!(
        base.resolve("start", None),
        Resolved::Found("/opt/app/bin/start".into())
    );
    assert_eq!(base.is_executable("/opt/app/bin/start"), Tri::Yes);
    let s = base.script(&p, "/opt/app/bin/start").unwrap();
    assert!(s.text.starts_with("#!/bin/bash"));
    assert!(matches!(&base.cmd.as_ref().unwrap().form, CommandForm::Exec(v) if v == &["start"]));
    let fin = m.images.stage(0, 1).unwrap();
    // ENTRYPOINT resets the inherited CMD.
    assert!(fin.cmd.is_none());
    assert_eq!(fin.default_argv().unwrap(), vec!["/sbin/tini", "--"]);
    assert_eq!(fin.exists("/usr/local/bin/go-start"), Tri::Yes);
    assert_eq!(fin.is_executable("/usr/local/bin/go-start"), Tri::Yes);
}

#[test]
fn unknown_base_and_unfollowable_run() {
    let p = project("FROM example.com/base:1\nCOPY x /x\n");
    let m = crate::image::TestModel::build(&p);
    let i = m.images.stage(0, 0).unwrap();
    assert!(!i.base_known);
    assert_eq!(i.has_sh(), Tri::Unknown);
    assert_eq!(i.resolve("python", None), Resolved::Unknown);

    let p = project("FROM debian:12-slim\nRUN curl -fsSL https://x/install.sh | sh\n");
    let m = crate::image::TestModel::build(&p);
    let i = m.images.stage(0, 0).unwrap();
    assert_eq!(i.resolve("python3", None), Resolved::Unknown);
    assert_eq!(i.has_sh(), Tri::Yes);

    let p = project("FROM scratch\nCOPY --chmod=0755 <<EOF /run.sh\necho\nEOF\n");
    let m = crate::image::TestModel::build(&p);
    let i = m.images.stage(0, 0).unwrap();
    assert!(i.fully_known());
    assert_eq!(i.is_executable("/run.sh"), Tri::Yes);
    assert_eq!(i.exists("/bin/sh"), Tri::No);
}
