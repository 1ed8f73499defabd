//! Unit tests of the suppression index (directive forms, code positions, `resolve` against
//! the definition, path globs). Whole-run behaviour is in tests/suppress.rs.

use super::*;

#[test]
fn parses_directive_forms() {
    let p = parse_directive(" kexit:ignore KX201,KX104 -- heap is sized").unwrap();
    assert_eq!(p.origin, Origin::Comment);
    assert_eq!(
        p.codes.iter().map(|c| c.0.as_str()).collect::<Vec<_>>(),
        ["KX201", "KX104"]
    );
    assert_eq!(p.codes[0].1, " kexit:ignore ".len());
    assert_eq!(p.reason.as_deref(), Some("heap is sized"));
    let p = parse_directive(" kexit ignore=KX101").unwrap();
    assert_eq!(p.codes[0].0, "KX101");
    assert!(p.reason.is_none());
    let p = parse_directive(" hadolint ignore=DL3025,DL3008").unwrap();
    assert_eq!(p.origin, Origin::Hadolint);
    assert_eq!(rule_for(p.origin, &p.codes[0].0), Some("KX102"));
    assert_eq!(rule_for(p.origin, &p.codes[1].0), None);
    assert!(parse_directive(" kexit:ignored").is_none());
    assert!(parse_directive(" just a comment").is_none());
    assert!(parse_directive(" kexit:ignore-file KX202").unwrap().global);
}

#[test]
fn annotation_codes_are_located_in_order() {
    let mut codes = vec![
        ("KX101".to_string(), 13),
        ("KX10".to_string(), 19),
        ("KX101".to_string(), 24),
    ];
    locate_codes("\"KX101, KX10 KX101 -- r\"", &mut codes, 13);
    let at: Vec<usize> = codes.iter().map(|c| c.1).collect();
    assert_eq!(at, [1, 8, 13]);
    // Not written as such (an escape): its offset in the value, and so for those after it.
    let mut codes = vec![("KX101".to_string(), 13), ("KX104".to_string(), 19)];
    locate_codes("\"KX\\x3101 KX104\"", &mut codes, 13);
    let at: Vec<usize> = codes.iter().map(|c| c.1).collect();
    assert_eq!(at, [0, 6]);
}

/// [`Index::resolve`] finds, for random directives and findings, what checking every
/// directive against every finding ([`Index::matches`]) finds.
#[test]
fn resolve_agrees_with_the_definition() {
    let mut rnd = crate::test_rand::below(0x9e37_79b9_7f4a_7c15);
    let rules = ["KX101", "KX104", "KX202"].map(|c| crate::meta::by_code(c).unwrap());
    let objects: Vec<ObjectRef> = (0..3)
        .map(|i| ObjectRef {
            kind: "Pod".into(),
            namespace: "default".into(),
            name: format!("p{i}"),
        })
        .collect();
    let names = ["a", "b"];
    for _ in 0..300 {
        let range = |rnd: &mut dyn FnMut(usize) -> usize| {
            let s = rnd(40);
            s..s + rnd(15)
        };
        let mut directives = Vec::new();
        for _ in 0..rnd(8) {
            let file = rnd(2);
            let scope = match rnd(3) {
                0 => Scope::Range(file, range(&mut rnd)),
                k => Scope::Object {
                    object: objects[rnd(3)].clone(),
                    file,
                    range: range(&mut rnd),
                    container: (k == 2).then(|| (names[rnd(2)].to_string(), range(&mut rnd))),
                },
            };
            let codes = (0..rnd(4))
                .map(|_| Code {
                    text: String::new(),
                    rule: (rnd(5) > 0).then(|| rules[rnd(3)].code),
                    span: Span::new(file, 0..0),
                    used: false,
                })
                .collect();
            directives.push(Directive {
                origin: Origin::Comment,
                at: Span::new(file, 0..0),
                scope,
                codes,
                reason: None,
                dead: None,
            });
        }
        let findings: Vec<Finding> = (0..rnd(12))
            .map(|_| {
                let s = rnd(60);
                let mut f = Finding::new(rules[rnd(3)], Span::new(rnd(2), s..s + 1), "");
                if rnd(3) > 0 {
                    f.object = Some(std::sync::Arc::new(objects[rnd(3)].clone()));
                }
                if rnd(2) > 0 {
                    f.container = Some(names[rnd(2)].to_string());
                }
                f
            })
            .collect();
        let refs: Vec<&Finding> = findings.iter().collect();
        let mut fast = Index {
            directives: directives.clone(),
        };
        let got = fast.resolve(&refs);
        let mut slow = Index { directives };
        let mut want = Vec::new();
        for f in &findings {
            let mut first = None;
            for (i, d) in slow.directives.iter_mut().enumerate() {
                if !Index::matches(&d.scope, f) {
                    continue;
                }
                let Some(c) = d.codes.iter_mut().find(|c| c.rule == Some(f.rule.code)) else {
                    continue;
                };
                c.used = true;
                first = first.or(Some(i));
            }
            want.push(first);
        }
        assert_eq!(got, want);
        let used = |ix: &Index| -> Vec<Vec<bool>> {
            ix.directives
                .iter()
                .map(|d| d.codes.iter().map(|c| c.used).collect())
                .collect()
        };
        assert_eq!(used(&fast), used(&slow));
    }
}

/// 200,000 findings, each under its own directive: every directive checked for every
/// finding was 4e10 checks (over 40 s in a release build); the indexes take a fraction of a
/// second (a few seconds in a debug build).
#[test]
fn resolve_is_not_findings_times_directives() {
    let n = 200_000;
    let rule = crate::meta::by_code("KX104").unwrap();
    let mut idx = Index {
        directives: (0..n)
            .map(|i| Directive {
                origin: Origin::Comment,
                at: Span::new(0, i * 10..i * 10 + 1),
                scope: Scope::Range(0, i * 10..i * 10 + 5),
                codes: vec![Code {
                    text: "KX104".into(),
                    rule: Some(rule.code),
                    span: Span::new(0, i * 10..i * 10 + 1),
                    used: false,
                }],
                reason: None,
                dead: None,
            })
            .collect(),
    };
    let findings: Vec<Finding> = (0..n)
        .map(|i| Finding::new(rule, Span::new(0, i * 10 + 2..i * 10 + 3), ""))
        .collect();
    let project = Project::load(Vec::new(), Default::default());
    let start = std::time::Instant::now();
    let (kept, suppressed) = idx.apply(&project, findings);
    let took = start.elapsed();
    assert!(took < std::time::Duration::from_secs(20), "{took:?}");
    assert!(kept.is_empty());
    assert_eq!(suppressed.len(), n);
    assert!(idx.directives.iter().all(|d| d.codes[0].used));
}

#[test]
fn path_globs_cover_directories() {
    assert!(path_matches(&["vendor".to_string()], "vendor/a/b.yaml"));
    assert!(path_matches(&["**/*.gen.yaml".to_string()], "a/x.gen.yaml"));
    assert!(!path_matches(&["vendor".to_string()], "src/vendor.yaml"));
}
