use super::*;

/// The command names of a parsed script, in order.
fn command_names(s: &Script) -> Vec<&str> {
    s.commands.iter().map(|c| c.name.text.as_str()).collect()
}

fn names(s: &str) -> Vec<String> {
    parse(s)
        .commands
        .iter()
        .map(|c| c.name.text.clone())
        .collect()
}

#[test]
fn simple_lists() {
    assert_eq!(names("python app.py"), ["python"]);
    assert_eq!(
        names("FOO=1 BAR=2 exec gunicorn -b :8000 app:app"),
        ["gunicorn"]
    );
    assert_eq!(
        names("cd /app && ./run.sh || echo fail"),
        ["cd", "./run.sh", "echo"]
    );
    assert_eq!(names("a; b & c | d"), ["a", "b", "c", "d"]);
    assert_eq!(names("2>/dev/null curl -f localhost"), ["curl"]);
    assert_eq!(names(">/tmp/x echo hi"), ["echo"]);
    assert_eq!(names("env -i FOO=1 node server.js"), ["env", "node"]);
    assert_eq!(names("nohup java -jar a.jar"), ["nohup", "java"]);
}

#[test]
fn quotes_and_expansions() {
    let s = parse("\"my app\" --x; 'py'thon -c 'print(1)'");
    assert_eq!(s.commands[0].name.text, "my app");
    assert_eq!(s.commands[1].name.text, "python");
    assert!(s.commands[1].name.literal);
    let s = parse("$CMD --flag");
    assert!(!s.commands[0].name.literal);
    assert!(s.unknown);
    let s = parse("exec \"$@\"");
    assert!(s.runs_args);
    assert!(!s.unknown);
    let s = parse("echo $(which python) `date`; x=$(curl -s http://a) ; java");
    assert_eq!(command_names(&s), ["echo", "java"]);
}

#[test]
fn compound_commands() {
    let s = parse(
        "if command -v curl >/dev/null; then curl -f x; else wget -q y; fi\nwhile true; do sleep 1; done\nexec app",
    );
    let n: Vec<_> = s
        .commands
        .iter()
        .map(|c| (c.name.text.as_str(), c.flow))
        .collect();
    assert_eq!(
        n,
        [
            ("curl", Flow::Conditional),
            ("wget", Flow::Conditional),
            ("true", Flow::Conditional),
            ("sleep", Flow::Conditional),
            ("app", Flow::Plain)
        ]
    );
    assert!(s.is_probed("curl"));
    assert!(s.commands[4].exec && s.commands[4].last);
    let s = parse("mkdir -p /x && cd /x && run; other; curl a && exec app");
    let f: Vec<_> = s
        .commands
        .iter()
        .map(|c| (c.name.text.as_str(), c.fatal))
        .collect();
    assert_eq!(
        f,
        [
            ("mkdir", false),
            ("cd", false),
            ("run", false),
            ("other", false),
            ("curl", true),
            ("app", true)
        ]
    );
    let s = parse("case \"$1\" in\n  start) exec server ;;\n  *) echo usage ;;\nesac\nfinal");
    let n: Vec<_> = s
        .commands
        .iter()
        .map(|c| (c.name.text.as_str(), c.flow))
        .collect();
    assert_eq!(
        n,
        [
            ("server", Flow::Conditional),
            ("echo", Flow::Conditional),
            ("final", Flow::Plain)
        ]
    );
    let s = parse("f() {\n  helper x\n}\nfor i in 1 2; do work $i; done\nmain");
    let n: Vec<_> = s
        .commands
        .iter()
        .map(|c| (c.name.text.as_str(), c.flow))
        .collect();
    assert_eq!(
        n,
        [
            ("helper", Flow::Conditional),
            ("work", Flow::Conditional),
            ("main", Flow::Plain)
        ]
    );
}

#[test]
fn heredocs_and_comments() {
    let s = parse("cat <<EOF > /x\nnotacommand here\nEOF\n# comment\nrun # trailing\n");
    assert_eq!(command_names(&s), ["cat", "run"]);
    let s = parse("cat <<-'END'\n\tfoo\n\tEND\nbar");
    assert_eq!(command_names(&s), ["cat", "bar"]);
}

#[test]
fn bashisms() {
    let kinds = |s: &str| parse(s).bashisms.iter().map(|b| b.kind).collect::<Vec<_>>();
    assert_eq!(kinds("source /etc/profile"), [BashismKind::Source]);
    assert_eq!(
        kinds("if [[ -f x ]]; then :; fi"),
        [BashismKind::DoubleBracket]
    );
    assert_eq!(
        kinds("function f {\n echo\n}"),
        [BashismKind::FunctionKeyword]
    );
    assert_eq!(kinds("arr=(a b c)\necho"), [BashismKind::Array]);
    assert_eq!(kinds("read x <<< \"$y\""), [BashismKind::HereString]);
    assert_eq!(
        kinds("echo ${x//a/b} ${y:0:3}"),
        [BashismKind::Substitution, BashismKind::Substitution]
    );
    assert_eq!(
        kinds("diff <(a) <(b)"),
        [
            BashismKind::ProcessSubstitution,
            BashismKind::ProcessSubstitution
        ]
    );
    assert!(
        kinds(". /etc/profile; [ -f x ] && echo \"[[ source ]]\"; echo ${x:-d} ${y%%.*}")
            .is_empty()
    );
    assert!(kinds("cat <<EOF\nsource x\n[[ y ]]\nEOF").is_empty());
}

#[test]
fn functions_path_and_args() {
    let s = parse("log() { echo \"$@\"; }\nfunction die { exit 1; }\nexport PATH=/opt/bin:$PATH\nset -- app \"$@\"\nexec \"$@\"");
    assert!(s.functions.contains("log") && s.functions.contains("die"));
    assert!(s.changes_path && s.rewrites_args && s.runs_args);
    let s = parse(". /venv/bin/activate; exec gunicorn");
    assert!(s.changes_path && !s.rewrites_args);
    let s = parse("exec \"$@\"");
    assert!(!s.changes_path && !s.rewrites_args);
    let c = &s.commands[0];
    assert!(c.exec && !c.name.literal && c.flow == Flow::Plain);
}

#[test]
fn ranges_point_into_input() {
    let src = "set -e; exec  /app/server --port 8080";
    let s = parse(src);
    assert!(s.errexit);
    let c = &s.commands[1];
    assert_eq!(&src[c.name.range.clone()], "/app/server");
}

#[test]
fn never_panics_on_garbage() {
    for s in [
        "'",
        "\"",
        "$(",
        "${",
        "`",
        "\\",
        "a=(",
        "<<",
        "<<<",
        "((",
        "))",
        ")",
        "case",
        "esac",
        "fi",
        "}",
        "for",
        "function",
        "[[",
        "$'",
        "ä$(ö",
        "2>",
        "&>x",
        "\"$(\"\")",
    ] {
        let _ = parse(s);
        let _ = shebang(s);
    }
    let deep = "$(".repeat(500);
    let s = parse(&deep);
    assert!(s.unknown);
}

#[test]
fn pseudo_random_inputs_never_panic() {
    let alphabet: Vec<char> = "ab $(){}[]'\"`\\|&;<>#=\n\t*?~!äö€😀-0123456789eE"
        .chars()
        .collect();
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..3000 {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        let len = (seed >> 58) as usize + 1;
        let mut text = String::new();
        let mut x = seed;
        for _ in 0..len * 3 {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            text.push(alphabet[(x >> 33) as usize % alphabet.len()]);
        }
        let script = parse(&text);
        for c in &script.commands {
            assert!(text.get(c.name.range.clone()).is_some(), "{text:?}");
        }
        for b in &script.bashisms {
            assert!(text.get(b.range.clone()).is_some(), "{text:?}");
        }
        let _ = shebang(&text);
    }
}

#[test]
fn shebangs() {
    let s = shebang("#!/bin/sh\r\necho").unwrap_or_else(|| unreachable!());
    assert_eq!(s.interpreter, "/bin/sh\r");
    assert!(s.crlf);
    let s = shebang("#! /usr/bin/env python3\n").unwrap_or_else(|| unreachable!());
    assert_eq!(s.program(), "python3");
    assert!(s.via_env());
    assert_eq!(s.range, 3..15);
    assert!(shebang("\u{feff}#!/bin/sh").is_none());
    assert!(shebang("echo").is_none());
}

#[test]
fn ast_items_redirects_heredocs_traps() {
    let src = "trap 'kill $P' TERM INT\nX=1 app --a >/log 2>&1 &\nwhile true; do sleep 1; done | tee out\ncat <<'EOF' >/f\nbody $x\nEOF\nf() { :; }\n";
    let s = parse(src);
    let kinds: Vec<_> = s.items.iter().map(|i| (i.kind, i.before)).collect();
    assert_eq!(
        kinds,
        [
            (ItemKind::Simple, None),
            (ItemKind::Simple, Some("\n")),
            (ItemKind::Loop, Some("&")),
            (ItemKind::Simple, Some("|")),
            (ItemKind::Simple, Some("\n")),
            (ItemKind::Function, Some("\n")),
        ]
    );
    assert_eq!(s.traps.len(), 1);
    assert_eq!(s.traps[0].signals, ["TERM", "INT"]);
    let app = &s.commands[s.items[1]
        .command
        .unwrap_or(usize::MAX)
        .min(s.commands.len() - 1)];
    assert_eq!(app.name.text, "app");
    assert_eq!(&src[app.range.clone()], "X=1 app --a >/log 2>&1");
    assert_eq!(app.assignments.len(), 1);
    let ops: Vec<_> = app.redirects.iter().map(|r| r.op.as_str()).collect();
    assert_eq!(ops, [">", "2>&"]);
    let lp = &s.items[2];
    assert_eq!(&src[lp.end_keyword.clone().unwrap_or(0..0)], "done");
    let cat = s.commands.iter().find(|c| c.name.text == "cat");
    let h = cat.and_then(|c| c.redirects.iter().find_map(|r| r.heredoc.clone()));
    let h = h.unwrap_or_else(|| unreachable!());
    assert_eq!((h.delimiter.as_str(), h.quoted), ("EOF", true));
    assert_eq!(&src[h.body], "body $x\n");
    assert!(!s.incomplete);
}

#[test]
fn line_continuation_after_operator() {
    let src = "pip install x && \\\n   tool run --y \\\n  --z\n";
    let s = parse(src);
    assert_eq!(command_names(&s), ["pip", "tool"]);
    let last = s.items.last().map(|i| &src[i.range.clone()]);
    assert_eq!(last, Some("tool run --y \\\n  --z"));
}

#[test]
fn incomplete_and_foreign_shells() {
    assert!(parse("echo 'unterminated").incomplete);
    assert!(parse("if true; then echo").incomplete);
    assert!(!parse("if true; then echo; fi").incomplete);
    let ps = ["powershell".to_string(), "-Command".to_string()];
    assert!(parse_for(&ps, "Invoke-WebRequest -Uri x").is_none());
    let sh = ["/bin/sh".to_string(), "-c".to_string()];
    assert!(parse_for(&sh, "echo").is_some());
    assert!(parse_for(&[], "echo").is_some());
}

#[test]
fn installs_before_use() {
    let first = |src: &str| parse(src).first_install();
    assert_eq!(
        first("apk add --no-cache curl && exec curl -s http://x"),
        Some(0)
    );
    assert_eq!(
        first("apt-get update && apt-get install -y jq && jq ."),
        Some(1)
    );
    assert_eq!(first("pip install -q httpie && http :8080"), Some(0));
    assert_eq!(first("python3 -m pip install x && x"), Some(0));
    assert_eq!(first("npm i -g serve && serve"), Some(0));
    assert_eq!(first("npm ci && npm start"), None);
    assert_eq!(first("curl -fsSLo /usr/local/bin/kubectl https://x && chmod +x /usr/local/bin/kubectl && kubectl get po"), Some(0));
    assert_eq!(
        first("curl -sL https://x -o /tmp/t.tgz && tar xzf /tmp/t.tgz -C /usr/local/bin"),
        Some(0)
    );
    assert_eq!(first("wget -q https://x/tool && ./tool"), Some(0));
    // Output to stdout or /dev/null installs nothing.
    assert_eq!(first("curl -fsS http://localhost/health"), None);
    assert_eq!(
        first("curl -s -o /dev/null -w '%{http_code}' http://x"),
        None
    );
    assert_eq!(first("wget -qO- http://localhost/ || exit 1"), None);
    assert_eq!(first("wget -q --spider http://localhost/"), None);
    assert_eq!(first("cp /config/app.yaml /etc/app.yaml && app"), None);
    assert_eq!(first("cp /src/tool /usr/local/bin/ && tool"), Some(0));
}

#[test]
fn compound_branches() {
    let bodies = |src: &str, k: usize| -> (Vec<String>, bool, Option<String>) {
        let s = parse(src);
        let i = &s.items[k];
        (
            i.branches
                .iter()
                .map(|r| src[r.clone()].trim().to_string())
                .collect(),
            i.exhaustive,
            i.name.clone(),
        )
    };
    let src = "if [ -f x ]; then\n  if a; then b; fi\n  exec c\nelif d; then exec e\nelse\n  exec f\nfi\nexit 1\n";
    assert_eq!(
        bodies(src, 0),
        (
            vec![
                "if a; then b; fi\n  exec c".to_string(),
                "exec e".to_string(),
                "exec f".to_string()
            ],
            true,
            None
        )
    );
    assert!(!bodies("if a; then exec b; fi", 0).1);
    let src = "case \"$1\" in\n  -- | odoo)\n    shift\n    exec odoo \"$@\"\n    ;;\n  x) case y in z) :;; esac ;;\n  *)\n    exec \"$@\"\nesac\nexit 1\n";
    let (b, all, _) = bodies(src, 0);
    assert_eq!(b.len(), 3);
    assert_eq!(b[0], "shift\n    exec odoo \"$@\"");
    assert_eq!(b[1], "case y in z) :;; esac");
    assert_eq!(b[2], "exec \"$@\"");
    assert!(all);
    assert!(!bodies("case $1 in a) exec a;; b) exec b;; esac", 0).1);
    assert!(bodies("case $1 in a|*) exec a;; esac", 0).1);
    assert!(!bodies("case $1 in '*') exec a;; esac", 0).1);
    let src =
        "watch() {\n  while true; do\n    sleep 10\n  done\n}\nfunction g { x; }\n{ a; b; }\n(c)\n";
    let (b, all, name) = bodies(src, 0);
    assert_eq!(b, ["while true; do\n    sleep 10\n  done"]);
    assert!(all);
    assert_eq!(name.as_deref(), Some("watch"));
    assert_eq!(bodies(src, 1).0, ["x;"]);
    assert_eq!(bodies(src, 1).2.as_deref(), Some("g"));
    assert_eq!(bodies(src, 2).0, ["a; b;"]);
    assert_eq!(bodies(src, 3).0, ["c"]);
    assert_eq!(bodies("while a; do b; done", 0).0, ["b;"]);
    assert!(!bodies("while a; do b; done", 0).1);
}
