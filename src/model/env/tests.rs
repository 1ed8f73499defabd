//! Tests of the environment model (expansion, references, service links, base64, spans).

use super::*;
use crate::yaml::Style;

fn go(input: &str, vars: &[(&str, &str)]) -> String {
    expand_with(input, |n| {
        vars.iter()
            .find(|(k, _)| *k == n)
            .map(|(_, v)| v.to_string())
    })
    .unwrap_or_default()
}

/// Cases from kubernetes `third_party/forked/golang/expansion/expand_test.go`.
#[test]
fn expand_matches_kubelet() {
    let vars = [
        ("VAR_A", "A"),
        ("VAR_B", "B"),
        ("VAR_C", "C"),
        ("VAR_REF", "$(VAR_A)"),
        ("VAR_EMPTY", ""),
    ];
    let cases = [
        ("$(VAR_A)", "A"),
        ("___$(VAR_B)___", "___B___"),
        ("$(VAR_A)-$(VAR_A)", "A-A"),
        ("f000-$$VAR_A", "f000-$VAR_A"),
        ("foo\\$(VAR_C)bar", "foo\\Cbar"),
        ("foo\\\\$(VAR_C)bar", "foo\\\\Cbar"),
        ("foo\\\\\\\\$(VAR_A)bar", "foo\\\\\\\\Abar"),
        ("$(VAR_A)$(VAR_B)", "AB"),
        ("$(VAR_A)$(VAR_B)$(VAR_C)", "ABC"),
        ("$(VAR_A)_$(VAR_B)_$(VAR_C)", "A_B_C"),
        ("$$$(VAR_A)", "$A"),
        ("$$$(VAR_A)$$$(VAR_B)", "$A$B"),
        ("f00__(VAR_A)__", "f00__(VAR_A)__"),
        ("$$(VAR_B)_______$(A", "$(VAR_B)_______$(A"),
        ("$(VAR_REF)", "$(VAR_A)"),
        ("foo$(VAR_EMPTY)bar", "foobar"),
        ("$(VAR_A", "$(VAR_A"),
        ("$(VAR_A$(VAR_B)", "$(VAR_A$(VAR_B)"),
        ("$(VAR_A$(VAR_B", "$(VAR_A$(VAR_B"),
        ("$(", "$("),
        ("$", "$"),
        ("$$", "$"),
        ("$$$", "$$"),
        ("$$$$", "$$"),
        ("$()", "$()"),
        ("$(UNKNOWN)", "$(UNKNOWN)"),
        ("$VAR_A", "$VAR_A"),
        ("${VAR_A}", "${VAR_A}"),
        ("foo$", "foo$"),
        ("héllo $(VAR_A) ü$", "héllo A ü$"),
        ("$é", "$é"),
        ("$$(VAR_A)", "$(VAR_A)"),
        ("$$$$(VAR_A)", "$$(VAR_A)"),
        ("$(VAR_A)$", "A$"),
        ("", ""),
    ];
    for (input, want) in cases {
        assert_eq!(go(input, &vars), want, "input {input:?}");
    }
}

#[test]
fn refs_have_byte_ranges() {
    let env = Env::new();
    let e = expand("x $(FOO) $$(BAR) $(KUBERNETES_SERVICE_HOST)", &env);
    assert_eq!(e.refs.len(), 2);
    assert_eq!(e.refs[0].name, "FOO");
    assert_eq!(e.refs[0].range, 2..8);
    assert_eq!(e.refs[0].status, RefStatus::Undefined);
    assert_eq!(e.refs[1].status, RefStatus::DefinedUnknown);
    assert!(!e.exact);
    assert_eq!(e.undefined_refs().count(), 1);
}

#[test]
fn service_link_names() {
    for n in [
        "REDIS_SERVICE_HOST",
        "REDIS_SERVICE_PORT",
        "REDIS_SERVICE_PORT_HTTP",
        "REDIS_PORT",
        "REDIS_PORT_6379_TCP",
        "REDIS_PORT_6379_TCP_ADDR",
        "REDIS_PORT_6379_TCP_PORT",
    ] {
        assert!(is_service_link_name(n), "{n}");
    }
    for n in ["PORT", "HOME", "APP_PORTAL", "redis_service_host", "_PORT"] {
        assert!(!is_service_link_name(n), "{n}");
    }
}

#[test]
fn base64() {
    assert_eq!(base64_decode("aGVsbG8=").as_deref(), Some("hello"));
    assert_eq!(base64_decode("aGVsbG8").as_deref(), Some("hello"));
    assert_eq!(base64_decode("!!").as_deref(), None);
}

#[test]
fn value_span_maps_offsets() {
    let text = "a: \"x $(FOO)\"\nb: x $(FOO)\n";
    let quoted = Node::new(
        3..13,
        Style::DoubleQuoted,
        crate::yaml::Value::Str("x $(FOO)".into()),
    );
    let s = value_span(0, text, &quoted, 2..8);
    assert_eq!(&text[s.range()], "$(FOO)");
    let plain = Node::new(
        17..25,
        Style::Plain,
        crate::yaml::Value::Str("x $(FOO)".into()),
    );
    let s = value_span(0, text, &plain, 2..8);
    assert_eq!(&text[s.range()], "$(FOO)");
}

/// Ranges of a value placed in the file: verbatim scalars by offset; a block scalar, a quoted
/// one with `\"` escapes and a single-quoted one with `''` through the alignment; past an escape
/// that changed a byte, a short value by occurrence, a long one as the whole node.
#[test]
fn placement_of_ranges_in_values() {
    let check =
        |text: &str, style: Style, value: &str, needle: &str, nth: usize| {
            let start = text.find(['"', '\'', '|']).map_or(3, |i| {
                if style == Style::Literal {
                    i + 2
                } else {
                    i
                }
            });
            let end = text.trim_end().len();
            let node = Node::new(start..end, style, crate::yaml::Value::Str(value.into()));
            let at = value
                .match_indices(needle)
                .nth(nth)
                .map(|(i, _)| i)
                .unwrap();
            let p = Placement::of_node(0, text, &node);
            let s = p.span(text, &node, at..at + needle.len());
            (s, text.get(s.range()).unwrap_or("").to_string())
        };
    // Literal block: indentation dropped; the second `run` is on the second line.
    let text = "a: |\n  echo run\n  run x\n";
    let (s, got) = check(text, Style::Literal, "echo run\nrun x\n", "run", 1);
    assert_eq!(got, "run");
    assert_eq!(s.start, text.rfind("run").unwrap());
    // Double-quoted with escaped quotes before the command.
    let text = "a: \"echo \\\"hi\\\"; nope x\"\n";
    let (_, got) = check(text, Style::DoubleQuoted, "echo \"hi\"; nope x", "nope", 0);
    assert_eq!(got, "nope");
    // Single-quoted with a doubled quote.
    let text = "a: 'it''s; nope'\n";
    let (_, got) = check(text, Style::SingleQuoted, "it's; nope", "nope", 0);
    assert_eq!(got, "nope");
    // A `\t` escape stops the alignment; a short value is placed by occurrence.
    let text = "a: \"printf \\t; nope\"\n";
    let (_, got) = check(text, Style::DoubleQuoted, "printf \t; nope", "nope", 0);
    assert_eq!(got, "nope");
    // The same past the occurrence limit: the whole node.
    let long = format!("printf \t;{} nope", " :;".repeat(2000));
    let raw = long.replace('\t', "\\t");
    let text = format!("a: \"{raw}\"\n");
    let (s, _) = check(&text, Style::DoubleQuoted, &long, "nope", 0);
    assert_eq!(s.range(), 3..text.trim_end().len());
}

/// A Compose service's environment: its env_files in order (a later file's line wins, and a
/// file's last line of a name), then its `environment` entries over all of them, as compose-go's
/// `WithServicesEnvironmentResolved` builds it. The files are shared layers, not copies.
#[test]
fn compose_env_files_under_environment() {
    use crate::compose::interp::EnvLine;
    use crate::compose::{EnvFile, EnvVar as ComposeVar, Merged};
    use std::sync::Arc;
    let text_a = "X=from-a\nY=from-a\nZ=from-a\n";
    let text_b = "X=from-b\nY=from-b\nY=last-b\n";
    let lines = |text: &str| -> Vec<EnvLine> {
        let mut at = 0;
        text.lines()
            .map(|l| {
                let (k, v) = l.split_once('=').unwrap();
                let range = at..at + l.len();
                at += l.len() + 1;
                EnvLine {
                    name: k.to_string(),
                    value: Some(v.to_string()),
                    range,
                    over_budget: false,
                }
            })
            .collect()
    };
    let files = [
        Arc::new(EnvFile::new(1, lines(text_a))),
        Arc::new(EnvFile::new(2, lines(text_b))),
    ];
    let var = |name: &str, value: &str| ComposeVar {
        name: name.into(),
        value: Some(value.into()),
        span: Span::new(0, 0..1),
    };
    // A base's part, then the extending service's: its entry of a name wins.
    let mut environment = Merged::one(vec![var("X", "base-env"), var("V", "base")]);
    environment.merge(Merged::one(vec![var("V", "own")]));
    let env = Env::compose(&files, &environment);
    assert_eq!(env.get("X"), Lookup::Defined("base-env"));
    assert_eq!(env.get("V"), Lookup::Defined("own"));
    assert_eq!(env.get("Y"), Lookup::Defined("last-b"));
    assert_eq!(env.get("Z"), Lookup::Defined("from-a"));
    assert_eq!(env.get("W"), Lookup::Undefined);
    let y = env.var("Y").unwrap();
    let Origin::Compose(at) = y.origin else {
        panic!("{y:?}")
    };
    assert_eq!((at.file, &text_b[at.start..at.end]), (2, "Y=last-b"));
}

/// [`kubelet::copy_keys`] (last source first, later open prefixes in a set) against the
/// kubelet's order written out: each source in turn, a known key defined over what came
/// before, a source of unknown keys making every variable under its prefix unknown.
#[test]
fn copied_envfrom_keys_agree_with_the_forward_definition() {
    use std::collections::BTreeMap;
    use std::sync::Arc;
    let mut rnd = crate::test_rand::below(0x9e37_79b9_7f4a_7c15);
    let items: Vec<Node> = (0..12)
        .map(|i| Node::new(i..i + 1, Style::Plain, crate::yaml::Value::Str("x".into())))
        .collect();
    let words = ["", "A", "B", "AB", "BA", "A_"];
    for round in 0..400 {
        // Sources in order: Some(keys) known, None unknown; each with a prefix.
        let n = rnd(items.len());
        let mut copied = Vec::new();
        let mut open_at = Vec::new();
        let mut forward: BTreeMap<String, (Option<String>, usize)> = BTreeMap::new();
        for (i, item) in items.iter().enumerate().take(n) {
            let prefix = words[rnd(words.len())].to_string();
            if rnd(3) == 0 {
                for (_, v) in forward.iter_mut().filter(|(k, _)| k.starts_with(&prefix)) {
                    v.0 = None;
                }
                open_at.push((i, prefix));
                continue;
            }
            let mut keys = BTreeMap::new();
            for k in 0..rnd(4) {
                let key = words[1 + rnd(words.len() - 1)].to_string();
                keys.insert(
                    key,
                    DataKey {
                        value: (rnd(4) > 0).then(|| format!("v{round}.{i}.{k}")),
                        span: Some(crate::source::Span::new(i, k..k + 1)),
                        in_data: rnd(5) > 0,
                    },
                );
            }
            for (k, v) in keys.iter().filter(|(_, v)| v.in_data) {
                forward.insert(format!("{prefix}{k}"), (v.value.clone(), i));
            }
            let data = ConfigData {
                kind: DataKind::ConfigMap,
                namespace: "default".into(),
                name: format!("o{i}"),
                objects: Vec::new(),
                keys,
                keys_known: true,
            };
            copied.push((i, item, prefix, Arc::new(data)));
        }
        let mut env = Env::new();
        kubelet::copy_keys(&mut env, copied, open_at);
        let got: BTreeMap<String, (Option<String>, usize)> = env
            .vars
            .iter()
            .map(|(name, v)| {
                let Origin::EnvFrom { key_span, .. } = &v.origin else {
                    panic!("{v:?}")
                };
                let at = key_span.map_or(usize::MAX, |s| s.file);
                (name.clone(), (v.value.clone(), at))
            })
            .collect();
        assert_eq!(got, forward, "round {round}");
    }
}
