//! Suppressions over whole runs: dead per-container annotations (reported once, listing a few
//! containers), runs of own-line comments sharing their target.

fn lint_manifest(text: &str) -> kexit::lint::Outcome {
    kexit::lint::lint_inputs(vec![kexit::project::Input::Text {
        name: "pod.yaml".into(),
        kind: kexit::discover::Kind::Manifest,
        text: text.into(),
    }])
}

/// The KX008 findings of a run as (line, message).
fn unused_of(out: &kexit::lint::Outcome) -> Vec<(usize, String)> {
    out.findings
        .iter()
        .filter(|f| f.rule.code == "KX008")
        .map(|f| {
            let line = out.project.files[f.span.file].line_col(f.span.start).0;
            (line, f.message.clone())
        })
        .collect()
}

/// A Pod's metadata is also its template metadata: it is scanned once, so each dead
/// per-container annotation is reported once (twice, once a pod had two of them).
#[test]
fn dead_container_annotations_of_a_pod_are_reported_once() {
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    \
               kexit.io/ignore.zz: KX104\n    kexit.io/ignore.yy: KX104\n    \
               kexit.io/ignore.xx: KX104\nspec:\n  containers:\n  - {name: c, image: a}\n";
    let unused = unused_of(&lint_manifest(pod));
    let lines: Vec<usize> = unused.iter().map(|u| u.0).collect();
    assert_eq!(lines, [6, 7, 8], "{unused:#?}");
    assert_eq!(
        unused[0].1,
        "this suppression silences nothing: `kexit.io/ignore.zz` names no container of this \
         pod (containers: c)"
    );
    // A Deployment: object and template metadata are two places, each reported.
    let deploy = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n  \
                  annotations:\n    kexit.io/ignore.zz: KX104\n    kexit.io/ignore.yy: KX104\n\
                  spec:\n  template:\n    metadata:\n      annotations:\n        \
                  kexit.io/ignore.zz: KX104\n        kexit.io/ignore.ww: KX104\n    spec:\n      \
                  containers:\n      - {name: c, image: a}\n";
    let lines: Vec<usize> = unused_of(&lint_manifest(deploy))
        .iter()
        .map(|u| u.0)
        .collect();
    assert_eq!(lines, [6, 7, 12, 13]);
}

#[test]
fn dead_container_annotations_list_a_few_containers() {
    let containers = |n: usize| -> String {
        (0..n)
            .map(|i| format!("  - {{name: c{i}, image: a}}\n"))
            .collect()
    };
    let pod = |n: usize| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    \
             kexit.io/ignore.zz: KX104\nspec:\n  containers:\n{}",
            containers(n)
        )
    };
    let unused = unused_of(&lint_manifest(&pod(10)));
    assert!(
        unused[0]
            .1
            .ends_with("(containers: c0, c1, c2, c3, c4, c5, c6, c7, c8, c9)"),
        "{unused:?}"
    );
    let unused = unused_of(&lint_manifest(&pod(13)));
    assert!(
        unused[0]
            .1
            .ends_with("(containers: c0, c1, c2, c3, c4, c5, c6, c7, c8, c9 and 3 more)"),
        "{unused:?}"
    );
}

#[test]
fn own_line_comments_in_a_run_share_their_target() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  \
                # kexit:ignore KX202\n\n  # kexit:ignore KX202 -- why\n  # other\n  \
                - {name: c, image: a}\n";
    let out = lint_manifest(text);
    assert!(out.findings.iter().all(|f| f.rule.code != "KX202"));
    assert!(unused_of(&out).is_empty(), "{:?}", unused_of(&out));
    let by: Vec<(&str, &str)> = out
        .suppressed
        .iter()
        .filter(|s| s.finding.rule.code == "KX202")
        .map(|s| (s.by.as_str(), s.reason.as_str()))
        .collect();
    assert_eq!(by, [("pod.yaml:6", "(no reason given)")]);
}
