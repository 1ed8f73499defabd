//! Tests of the YAML front end (spans, documents, errors, bounds, resolution).

use super::builder::measure;
use super::*;
use crate::source::{FileKind, SourceFile};
use std::time::{Duration, Instant};

fn tok<'a>(text: &'a str, n: &Node) -> &'a str {
    &text[n.span()]
}

fn line_col(text: &str, byte: usize) -> (usize, usize) {
    SourceFile::new("t", FileKind::Manifest, text.to_string()).line_col(byte)
}

fn height(n: &Node) -> usize {
    measure(n).height
}

#[test]
fn spans_and_multi_docs() {
    let text = "a: 1\nb: [x, 'y']\n---\nkind: List\n";
    let f = parse(text);
    assert!(f.errors.is_empty(), "{:?}", f.errors);
    assert_eq!(f.docs.len(), 2);
    let b = f.docs[0].root.get("b").unwrap();
    let y = &b.items()[1];
    assert_eq!(&text[y.span()], "'y'");
    assert_eq!(y.as_str(), Some("y"));
    assert_eq!(tok(text, b), "[x, 'y']");
    assert_eq!(
        f.docs[1].root.get("kind").and_then(Node::as_str),
        Some("List")
    );
    assert_eq!(f.docs[1].start, 17);
}

#[test]
fn scalar_spans_by_style() {
    let text = "a: plain text\nb: \"dq \\\" x\"\nc: 'sq'\nd: |\n  lit\n  x\n\ne: >-\n  fold\n  ed\nf: !!str 0755\ng: &anc multi\n  line\nh: *anc\ni: !custom v\n";
    let f = parse(text);
    assert!(f.errors.is_empty(), "{:?}", f.errors);
    let r = &f.docs[0].root;
    let at = |k: &str| tok(text, r.get(k).unwrap());
    assert_eq!(at("a"), "plain text");
    assert_eq!(at("b"), "\"dq \\\" x\"");
    assert_eq!(r.get("b").and_then(Node::as_str), Some("dq \" x"));
    assert_eq!(at("c"), "'sq'");
    assert_eq!(at("d"), "lit\n  x");
    assert_eq!(r.get("d").and_then(Node::as_str), Some("lit\nx\n"));
    assert_eq!(at("e"), "fold\n  ed");
    assert_eq!(at("f"), "0755");
    assert_eq!(r.get("f").and_then(Node::as_str), Some("0755"));
    assert_eq!(at("g"), "multi\n  line");
    assert_eq!(at("h"), "*anc");
    assert_eq!(r.get("h").and_then(Node::as_str), Some("multi line"));
    assert_eq!(at("i"), "v");
    // Keys point at the key token.
    let (k, _) = r.entry("e").unwrap();
    assert_eq!(line_col(text, k.span().start), (8, 1));
}

#[test]
fn quoted_spans_stop_at_the_closing_quote() {
    let text = "a: \"0755\" # c\nb: 'it''s'   # c\nc: \"x\\\"y\" # c\nd: \"multi\n  line\" # c\n";
    let f = parse(text);
    let r = &f.docs[0].root;
    assert_eq!(tok(text, r.get("a").unwrap()), "\"0755\"");
    assert_eq!(tok(text, r.get("b").unwrap()), "'it''s'");
    assert_eq!(tok(text, r.get("c").unwrap()), "\"x\\\"y\"");
    assert_eq!(tok(text, r.get("d").unwrap()), "\"multi\n  line\"");
}

#[test]
fn collection_spans() {
    let text = "spec:\n  containers:\n    - name: a\n      image: x\n    # trailing comment\n\nother: {k: v}\nempty: []\nt: !!map\n  k: v\n";
    let f = parse(text);
    let r = &f.docs[0].root;
    let cs = r.path(&["spec", "containers"]).unwrap();
    assert_eq!(tok(text, cs), "- name: a\n      image: x");
    assert_eq!(tok(text, &cs.items()[0]), "name: a\n      image: x");
    assert_eq!(
        tok(text, r.get("spec").unwrap()),
        "containers:\n    - name: a\n      image: x"
    );
    assert_eq!(tok(text, r.get("other").unwrap()), "{k: v}");
    assert_eq!(tok(text, r.get("empty").unwrap()), "[]");
    assert_eq!(tok(text, r.get("t").unwrap()), "k: v");
    assert_eq!(r.span().start, 0);
}

#[test]
fn empty_value_points_after_its_key() {
    let text = "a:\nb: 1\n";
    let f = parse(text);
    let (k, v) = f.docs[0].root.entry("a").unwrap();
    assert!(v.is_null());
    assert_eq!(v.span(), k.span().end..k.span().end);
}

#[test]
fn crlf_and_non_ascii_spans_are_bytes() {
    let text = "é: ü\r\nname: \"héllo wörld\"\r\nlist:\r\n  - ñ\r\n  - |\r\n    l1\r\n    l2\r\n\r\nlast: x\r\n";
    let f = parse(text);
    assert!(f.errors.is_empty(), "{:?}", f.errors);
    let r = &f.docs[0].root;
    assert_eq!(tok(text, r.get("é").unwrap()), "ü");
    let name = r.get("name").unwrap();
    assert_eq!(tok(text, name), "\"héllo wörld\"");
    assert_eq!(line_col(text, name.span().start), (2, 7));
    let items = r.get("list").unwrap().items();
    assert_eq!(tok(text, &items[0]), "ñ");
    assert_eq!(tok(text, &items[1]), "l1\r\n    l2");
    assert_eq!(items[1].as_str(), Some("l1\nl2\n"));
    let last = r.get("last").unwrap();
    assert_eq!(tok(text, last), "x");
    assert_eq!(line_col(text, last.span().start), (9, 7));
}

#[test]
fn document_boundaries() {
    let text = "---\n---\n# only a comment\n---\na: 1\n...\n--- ~\n---\nb: 2\n---\n";
    let f = parse(text);
    assert!(f.errors.is_empty(), "{:?}", f.errors);
    assert_eq!(f.docs.len(), 2);
    assert_eq!(f.docs[0].root.get("a").and_then(Node::as_i64), Some(1));
    assert_eq!(f.docs[1].root.get("b").and_then(Node::as_i64), Some(2));
    assert_eq!(line_col(text, f.docs[0].start), (4, 1));
    assert_eq!(line_col(text, f.docs[1].start), (8, 1));
    assert!(parse("").docs.is_empty());
    assert!(parse("# nothing\n").docs.is_empty());
    assert!(parse("\u{feff}a: 1\n").errors.is_empty());
}

#[test]
fn syntax_errors_are_located_and_earlier_docs_kept() {
    let cases: &[(&str, (usize, usize))] = &[
        ("ok: 1\n---\nx: \t- bad\n", (3, 5)),
        ("a: 1\n  b: 2\n", (2, 4)),
        ("a: 1\nb: [1, 2\nc: 3\n", (3, 2)),
        ("a: \"x\nb: 2\n", (1, 4)),
        ("é: ü\nb: *nope\n", (2, 4)),
        ("- a\nb: c\n", (2, 1)),
    ];
    for (text, want) in cases {
        let f = parse(text);
        let e = f
            .errors
            .iter()
            .find(|e| e.kind == YamlErrorKind::Syntax)
            .unwrap_or_else(|| panic!("no error for {text:?}"));
        assert_eq!(line_col(text, e.span.start), *want, "{text:?}: {e:?}");
    }
    let f = parse("ok: 1\n---\nx: \t- bad\n---\nz: 3\n");
    assert_eq!(f.docs.len(), 1);
    assert_eq!(f.docs[0].root.get("ok").and_then(Node::as_i64), Some(1));
    let f = parse("a: 1\nb: [1, 2\nc: 3\n");
    let note = f.errors[0].note.as_ref().unwrap();
    assert_eq!(note.0, 8..9);
}

#[test]
fn tags_resolve_like_go_yaml_v2() {
    let text = "a: !!str 0755\nb: !!int \"12\"\nc: !custom yes\nd: !!float 1\ne: ! 12\nf: !!bool \"on\"\ng: !!null ~\nh: !!binary aGk=\n";
    let f = parse(text);
    assert!(f.errors.is_empty(), "{:?}", f.errors);
    let r = &f.docs[0].root;
    assert_eq!(r.get("a").unwrap().value, Value::Str("0755".into()));
    assert_eq!(r.get("b").unwrap().value, Value::Int(12));
    assert_eq!(r.get("c").unwrap().value, Value::Str("yes".into()));
    assert_eq!(r.get("d").unwrap().value, Value::Float(1.0));
    assert_eq!(r.get("e").unwrap().value, Value::Str("12".into()));
    assert_eq!(r.get("f").unwrap().value, Value::Bool(true));
    assert_eq!(r.get("g").unwrap().value, Value::Null);
    assert_eq!(r.get("h").unwrap().value, Value::Str("aGk=".into()));
    let text = "replicas: !!int three\n";
    let f = parse(text);
    assert_eq!(f.errors.len(), 1);
    assert_eq!(f.errors[0].kind, YamlErrorKind::Tag);
    assert_eq!(&text[f.errors[0].span.clone()], "three");
    assert_eq!(
        f.errors[0].message,
        "cannot decode !!str `three` as a !!int"
    );
}

#[test]
fn merge_keys() {
    let text = "base: &b {image: x, name: base}\nc:\n  <<: *b\n  name: mine\nd:\n  <<: [{a: 1, z: 1}, {a: 2, w: 2}]\n  w: 3\n";
    let f = parse(text);
    assert!(f.errors.is_empty(), "{:?}", f.errors);
    let r = &f.docs[0].root;
    let c = r.get("c").unwrap();
    assert_eq!(c.get("image").and_then(Node::as_str), Some("x"));
    assert_eq!(c.get("name").and_then(Node::as_str), Some("mine"));
    assert!(c.get("<<").is_none());
    let d = r.get("d").unwrap();
    assert_eq!(d.get("a").and_then(Node::as_i64), Some(1));
    assert_eq!(d.get("z").and_then(Node::as_i64), Some(1));
    assert_eq!(d.get("w").and_then(Node::as_i64), Some(3));
    assert_eq!(
        c.to_json(),
        serde_json::json!({"image": "x", "name": "mine"})
    );
    // A quoted `"<<"` is an ordinary key.
    let f = parse("\"<<\": {a: 1}\n");
    assert!(f.docs[0].root.get("<<").is_some());
}

#[test]
fn repeated_merge_keys_all_apply() {
    // go-yaml v2 (kubectl, Helm) applies each `<<` in order, also in strict mode: no duplicate.
    let text = "a: &a {p: 1, q: 1}\nb: &b {q: 2, r: 2}\nc:\n  <<: *a\n  <<: *b\n  w: 0\n";
    let f = parse(text);
    assert!(f.errors.is_empty(), "{:?}", f.errors);
    let c = f.docs[0].root.get("c").unwrap();
    assert_eq!(
        c.to_json(),
        serde_json::json!({"p": 1, "q": 2, "r": 2, "w": 0})
    );
}

#[test]
fn billion_laughs_fails_fast() {
    let mut s = String::from("a0: &a0 [x,x,x,x,x,x,x,x,x]\n");
    for i in 1..12 {
        let p = i - 1;
        s.push_str(&format!(
            "a{i}: &a{i} [*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p}]\n"
        ));
    }
    let t = Instant::now();
    let f = parse(&s);
    assert!(t.elapsed() < Duration::from_secs(2));
    assert!(f
        .errors
        .iter()
        .any(|e| e.kind == YamlErrorKind::AliasBudget));
}

#[test]
fn aliases_of_long_text_stop_at_the_byte_budget() {
    // 3,000 aliases of a 100 kB string: 300 MB of copies from a 100 kB file, within the node
    // budget. kexit stops at the byte budget with a located NodeBudget error (KX011).
    let mut s = format!("k0: &a \"{}\"\n", "x".repeat(100_000));
    for i in 1..3000 {
        s.push_str(&format!("k{i}: *a\n"));
    }
    let f = parse(&s);
    let e = f
        .errors
        .iter()
        .find(|e| e.kind == YamlErrorKind::NodeBudget)
        .expect("byte budget error");
    assert!(e.message.contains("bytes of text"), "{}", e.message);
    let line = s[..e.span.start].matches('\n').count() + 1;
    // 1 MiB + 2 × 123 kB of copies: the 13th alias (line 14) is the first one refused.
    assert_eq!(line, 14, "{}", e.message);
    assert_eq!(&s[e.span.clone()], "*a");
    // A few aliases of the same text are read as usual.
    let small = format!("k0: &a \"{}\"\nk1: *a\nk2: *a\n", "x".repeat(100_000));
    assert!(parse(&small).errors.is_empty());
}

#[test]
fn aliases_cannot_build_trees_deeper_than_the_cap() {
    // Each anchor nests the previous one 100 levels deeper.
    let mut s = String::new();
    let wrap = 100;
    s.push_str("a0: &a0 x\n");
    for i in 1..40 {
        let p = i - 1;
        s.push_str(&format!(
            "a{i}: &a{i} {}*a{p}{}\n",
            "[".repeat(wrap),
            "]".repeat(wrap)
        ));
    }
    let f = parse(&s);
    assert!(f.errors.iter().any(|e| e.kind == YamlErrorKind::TooDeep));
    for d in &f.docs {
        assert!(height(&d.root) <= MAX_DEPTH + 1, "{}", height(&d.root));
    }
}

#[test]
fn deep_nesting_is_capped_block_and_flow() {
    for s in [
        "- ".repeat(100_000) + "x\n",
        "[".repeat(100_000) + &"]".repeat(100_000),
        "{a: ".repeat(100_000) + &"}".repeat(100_000),
        "? ".repeat(100_000) + "x\n",
        (0..2_000)
            .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
            .collect(),
    ] {
        let t = Instant::now();
        let f = parse(&s);
        assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
        assert!(
            f.errors
                .iter()
                .any(|e| matches!(e.kind, YamlErrorKind::TooDeep | YamlErrorKind::Syntax)),
            "{:?}",
            &s[..20]
        );
        for d in &f.docs {
            assert!(height(&d.root) <= MAX_DEPTH + 1);
            let _ = d.root.to_json();
            let _ = d.root.clone();
        }
    }
    // Just under the cap is fine.
    let s = "- ".repeat(MAX_DEPTH) + "x\n";
    let f = parse(&s);
    assert!(f.errors.is_empty(), "{:?}", f.errors);
    assert_eq!(height(&f.docs[0].root), MAX_DEPTH + 1);
}

#[test]
fn duplicate_keys_reported() {
    let f = parse("a: 1\na: 2\n");
    assert!(matches!(
        f.errors[0].kind,
        YamlErrorKind::DuplicateKey { .. }
    ));
    assert_eq!(f.docs[0].root.get("a").and_then(Node::as_i64), Some(2));
    // Large mappings go through the hash path.
    let mut s: String = (0..40).map(|i| format!("k{i}: {i}\n")).collect();
    s.push_str("k3: again\nk39: again\nk40: new\n");
    let f = parse(&s);
    let dups: Vec<_> = f
        .errors
        .iter()
        .filter_map(|e| match &e.kind {
            YamlErrorKind::DuplicateKey { first } => Some((&s[first.clone()], &s[e.span.clone()])),
            _ => None,
        })
        .collect();
    assert_eq!(dups, vec![("k3", "k3"), ("k39", "k39")]);
    // `1` and `"1"` are the same JSON key.
    let f = parse("1: a\n\"1\": b\n");
    assert_eq!(f.errors.len(), 1);
}

#[test]
fn integral_floats_become_json_integers() {
    let f = parse("a: 1.0\nb: 1e3\nc: 0.5\n");
    assert_eq!(
        f.docs[0].root.to_json(),
        serde_json::json!({"a": 1, "b": 1000, "c": 0.5})
    );
}

#[test]
fn flow_and_quoted_indentation_is_lenient_like_libyaml() {
    // argo-workflows style: a multi-line quoted scalar in a flow sequence, closed at the
    // key's column.
    let text = "spec:\n  c:\n    - name: x\n      args: [\"\n        apk update &&\n        echo hi\n      \"]\n      image: alpine\n";
    let f = parse(text);
    assert!(f.errors.is_empty(), "{:?}", f.errors);
    let c = &f.docs[0].root.path(&["spec", "c"]).unwrap().items()[0];
    let arg = &c.get("args").unwrap().items()[0];
    assert_eq!(arg.as_str(), Some(" apk update && echo hi "));
    assert_eq!(
        tok(text, arg),
        "\"\n        apk update &&\n        echo hi\n      \""
    );
    let image = c.get("image").unwrap();
    assert_eq!(tok(text, image), "alpine");
    assert_eq!(line_col(text, image.span().start), (8, 14));
    // Flow sequence closed at the key's column, twice in one file, and a quoted scalar.
    let text = "a:\n  args: [\n    \"-x\",\n  ]\n  more: [x,\n  y]\n  q: \"one\n two\"\nb: 1\n";
    let f = parse(text);
    assert!(f.errors.is_empty(), "{:?}", f.errors);
    let a = f.docs[0].root.get("a").unwrap();
    assert_eq!(a.get("more").unwrap().items().len(), 2);
    assert_eq!(tok(text, &a.get("more").unwrap().items()[1]), "y");
    assert_eq!(a.get("q").and_then(Node::as_str), Some("one two"));
    assert_eq!(tok(text, f.docs[0].root.get("b").unwrap()), "1");
    // Real errors stay errors, located in the original text.
    let text = "a:\n  args: [x,\n  y\nb: 1\n";
    let f = parse(text);
    assert!(!f.errors.is_empty());
    assert!(f.errors[0].span.end <= text.len());
    let text = "a: 1\n  b: 2\n";
    assert!(!parse(text).errors.is_empty());
}

#[test]
fn node_is_compact() {
    // The trees are most of a large run's memory: u32 offsets with the style packed in keep a node at 32 bytes.
    assert!(std::mem::size_of::<Node>() <= 32);
}

#[test]
fn node_offsets_saturate_and_keep_the_style() {
    let max = node::MAX_OFFSET;
    let mut n = Node::new(10..(max + 5), Style::Folded, Value::Null);
    assert_eq!(n.span(), 10..max);
    assert_eq!(n.style(), Style::Folded);
    n.set_span(usize::MAX..usize::MAX);
    assert_eq!(n.span(), max..max);
    assert_eq!(n.style(), Style::Folded);
    let q = Node::new(3..7, Style::DoubleQuoted, Value::Null);
    assert_eq!((q.span(), q.style()), (3..7, Style::DoubleQuoted));
}

#[test]
fn large_nested_mappings_keep_their_order_and_find_duplicates() {
    // 5,000 keys in a nested mapping: the builder's scratch stacks hold the outer mapping's
    // entries below it, and the key index grows several times; then duplicates of the first,
    // the last and an integer key, and siblings after it.
    let mut s = String::from("outer: 1\nbig:\n");
    for i in 0..5000 {
        s.push_str(&format!("  k{i}: {i}\n"));
    }
    s.push_str("  7: seven\n  k0: again\n  k4999: again\n  \"7\": dup\n");
    s.push_str("list:\n  - {a: 1, b: 2}\n  - [x, w]\nlast: z\n");
    let f = parse(&s);
    let root = &f.docs[0].root;
    let big = root.get("big").unwrap();
    assert_eq!(big.entries().count(), 5001);
    assert_eq!(
        big.entries().next().and_then(|(k, _)| k.as_str()),
        Some("k0")
    );
    assert_eq!(big.get("k0").and_then(Node::as_str), Some("again"));
    assert_eq!(big.get("k4999").and_then(Node::as_str), Some("again"));
    assert_eq!(big.get("k2500").and_then(Node::as_i64), Some(2500));
    let dups: Vec<&str> = f
        .errors
        .iter()
        .filter(|e| matches!(e.kind, YamlErrorKind::DuplicateKey { .. }))
        .map(|e| &s[e.span.clone()])
        .collect();
    assert_eq!(dups, vec!["k0", "k4999", "\"7\""]);
    let list = root.get("list").unwrap().items();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].get("b").and_then(Node::as_i64), Some(2));
    assert_eq!(list[1].items()[1].as_str(), Some("w"));
    assert_eq!(root.get("last").and_then(Node::as_str), Some("z"));
    assert_eq!(root.entries().count(), 4);
}

/// Every node's span and value, depth first.
fn flatten(n: &Node, out: &mut Vec<(std::ops::Range<usize>, Option<String>)>) {
    out.push((n.span(), n.scalar_text()));
    match &n.value {
        Value::Seq(items) => items.iter().for_each(|c| flatten(c, out)),
        Value::Map(entries) => entries.iter().for_each(|(k, v)| {
            flatten(k, out);
            flatten(v, out);
        }),
        _ => {}
    }
}

#[test]
fn large_root_flow_collections_parse_as_written_in_bounded_memory() {
    // A JSON document (and `[`/`{` at column 0 after `---`): read with `--- ` before it, so
    // saphyr does not queue every token as a possible implicit key. The tree, spans and
    // errors are those of a plain parse.
    let item = |i: usize| format!("{{\"name\": \"c{i}\", \"image\": \"nginx:1.{i}\", \"n\": {i}}}");
    let items: Vec<String> = (0..3000).map(item).collect();
    let json = format!(
        "{{\"kind\": \"List\",\n \"items\": [{}]}}\n",
        items.join(",\n  ")
    );
    assert!(json.len() > lenient::LARGE_FLOW_ROOT);
    let texts = [
        json.clone(),
        format!("# c\n---\n{json}---\n{json}"),
        format!("--- # c\n\n[{}]\n...\n{json}", items.join(", ")),
    ];
    for text in &texts {
        assert!(!lenient::large_flows(text).shift.is_empty());
        let plain = builder::parse_strict(text);
        let f = parse(text);
        assert!(f.errors.is_empty(), "{:?}", f.errors);
        assert!(plain.errors.is_empty(), "{:?}", plain.errors);
        let trees = |y: &YamlFile| {
            let mut out = Vec::new();
            y.docs.iter().for_each(|d| flatten(&d.root, &mut out));
            out
        };
        assert_eq!(trees(&f), trees(&plain));
        assert_eq!(f.docs.len(), plain.docs.len());
    }
    // An error inside one is located as in a plain parse.
    let broken = format!("{}\n}}\n", &json[..json.len() - 3]);
    assert_eq!(
        parse(&broken).errors[0].span,
        builder::parse_strict(&broken).errors[0].span
    );
    // Not a root: `--- {` on its line, a block scalar at the root, a value, a small one.
    for text in [
        format!("--- {json}"),
        format!("--- |\n{json}"),
        format!("a:\n{json}"),
        "{\"a\": 1}\n".to_string(),
    ] {
        assert!(
            lenient::large_flows(&text).shift.is_empty(),
            "{}",
            &text[..20]
        );
    }
}

#[test]
fn huge_flow_collections_that_could_be_keys_end_the_read_text() {
    // `- [a, a, …]` of more than a mebibyte: not a root, so no `--- ` fixes it; its document
    // is not read (KX011), the documents before it are.
    let big = format!("[{}a]", "a, ".repeat(lenient::MAX_KEY_FLOW / 3 + 10));
    let text = format!("a: 1\n---\nkind: List\nitems:\n- {big}\n- b\n---\nc: 2\n");
    let f = parse(&text);
    assert_eq!(f.docs.len(), 1, "{:?}", f.errors);
    assert_eq!(f.docs[0].root.get("a").and_then(Node::as_i64), Some(1));
    let e = f
        .errors
        .iter()
        .find(|e| e.kind == YamlErrorKind::NodeBudget)
        .unwrap();
    assert_eq!(e.span.start, text.find('[').unwrap());
    assert!(e.message.contains("flow collection of"), "{}", e.message);
    // The same text in a block scalar (a dashboard's JSON in a ConfigMap) is read: text.
    for text in [
        format!("data:\n  d.json: |\n    {big}\n  e: 1\n"),
        format!("- |-\n  {big}\n- x\n"),
        format!("--- |\n{big}\n"),
        format!("|\n{big}\n"),
    ] {
        assert!(lenient::large_flows(&text).cut.is_none());
        let f = parse(&text);
        assert!(f.errors.is_empty(), "{:?}", f.errors);
    }
    // Under the limit, a line-start collection parses as before.
    let small = "k:\n  [a, b]\n- [c]\n";
    assert!(lenient::large_flows(small).cut.is_none());
}

#[test]
fn many_lenient_regions_in_a_small_file_all_parse() {
    // Forty flow sequences whose continuation lines sit at the key's column (libyaml accepts
    // them): a small file gets a re-parse per region, not a fixed sixteen.
    let one = |i: usize| format!("- name: c{i}\n  args: [\"\n  echo {i}\n  \"]\n");
    let text: String = (0..40).map(one).collect();
    let f = parse(&text);
    assert!(f.errors.is_empty(), "{:?}", f.errors);
    let items = f.docs[0].root.items();
    assert_eq!(items.len(), 40);
    let arg = &items[39].get("args").unwrap().items()[0];
    assert_eq!(arg.as_str(), Some(" echo 39 "));
}
