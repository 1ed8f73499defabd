//! `kexit explain`: raw Markdown when piped or with `--format markdown`, laid out for the
//! terminal with `--format terminal` (or on a terminal), in Chinese with `--lang zh` or a zh*
//! locale (LC_ALL, LC_MESSAGES, LANG in POSIX precedence).

mod common;

use common::kexit_env;

fn explain(args: &[&str], env: &[(&str, &str)]) -> String {
    let tmp = tempfile::tempdir().unwrap();
    let mut all = vec!["explain"];
    all.extend_from_slice(args);
    let run = kexit_env(tmp.path(), &all, env);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.stdout
}

#[test]
fn piped_output_is_the_markdown() {
    let md = explain(&["KX101"], &[]);
    assert!(md.starts_with("# KX101 command-with-spaces\n"), "{md}");
    assert!(md.contains("```yaml file=pod.yaml"));
    assert_eq!(md, explain(&["--format", "markdown", "KX101"], &[]));
    let md = explain(&["137"], &[]);
    assert!(md.starts_with("# Exit code 137"), "{md}");
    assert!(md.contains("## kexit rules that predict exit 137\n\n- KX201 heap-exceeds-limit"));
}

#[test]
fn terminal_layout_at_80_columns() {
    let env = [("COLUMNS", "80")];
    let out = explain(&["--format", "terminal", "KX101"], &env);
    assert!(!out.contains("```") && !out.contains("**"), "{out}");
    assert!(out.contains("── pod.yaml ──\n  apiVersion: v1\n"), "{out}");
    assert!(out.lines().all(|l| l.chars().count() <= 80), "{out}");
    assert!(!out.contains('\u{1b}'), "NO_COLOR");
    insta::assert_snapshot!("explain_kx101_terminal_80", out);
    let out = explain(&["--format", "terminal", "137"], &env);
    insta::assert_snapshot!("explain_137_terminal_80", out);
    // --color always colours even into a pipe (NO_COLOR only rules `auto`).
    let out = explain(
        &["--format", "terminal", "--color", "always", "KX101"],
        &env,
    );
    assert!(out.contains("\u{1b}["));
}

#[test]
fn chinese_with_lang_or_locale() {
    let width = |s: &str| {
        s.lines()
            .map(|l| {
                l.chars()
                    .map(|c| if c >= '\u{2e80}' { 2 } else { 1 })
                    .sum::<usize>()
            })
            .max()
            .unwrap_or(0)
    };
    let zh = explain(&["--lang", "zh", "KX101"], &[]);
    assert!(zh.starts_with("# KX101 command-with-spaces\n"));
    assert!(zh.contains("## 为什么会在运行时失败"), "{zh}");
    for (k, v) in [
        ("LANG", "zh_CN.UTF-8"),
        ("LC_MESSAGES", "zh_TW.UTF-8"),
        ("LC_ALL", "zh_CN"),
    ] {
        assert_eq!(explain(&["KX101"], &[(k, v)]), zh, "{k}={v}");
    }
    // LC_ALL wins over LANG; --lang wins over both.
    let en = explain(&["KX101"], &[]);
    assert_eq!(
        explain(
            &["KX101"],
            &[("LC_ALL", "C.UTF-8"), ("LANG", "zh_CN.UTF-8")]
        ),
        en
    );
    assert_eq!(
        explain(&["--lang", "en", "KX101"], &[("LANG", "zh_CN.UTF-8")]),
        en
    );
    for code in ["126", "127", "128", "137", "143", "255"] {
        let page = explain(&["--lang", "zh", code], &[]);
        assert!(page.starts_with(&format!("# 退出码 {code}")), "{page}");
        assert!(page.contains(&format!("## 预测退出码 {code} 的 kexit 规则")));
    }
    let out = explain(
        &["--lang", "zh", "--format", "terminal", "137"],
        &[("COLUMNS", "80")],
    );
    assert!(width(&out) <= 80, "{out}");
    insta::assert_snapshot!("explain_137_zh_terminal_80", out);
    let out = explain(
        &["--lang", "zh", "--format", "terminal", "KX201"],
        &[("COLUMNS", "80")],
    );
    assert!(width(&out) <= 80, "{out}");
    insta::assert_snapshot!("explain_kx201_zh_terminal_80", out);
}

/// Every exit-code page in rules/ (exit-126, exit-127, exit-128, exit-137, exit-143, exit-255) is
/// what `kexit explain N` prints, in English and (rules/zh/) in Chinese, and names its code.
#[test]
fn every_exit_code_page_is_served() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut pages: Vec<String> = std::fs::read_dir(&root)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.starts_with("exit-") && n.ends_with(".md"))
        .collect();
    pages.sort();
    assert_eq!(
        pages,
        [
            "exit-126.md",
            "exit-127.md",
            "exit-128.md",
            "exit-137.md",
            "exit-143.md",
            "exit-255.md"
        ]
    );
    for page in &pages {
        let code = &page["exit-".len()..page.len() - ".md".len()];
        let md = explain(&["--format", "markdown", code], &[]);
        assert!(md.contains(code), "{page}: {md}");
        let en = std::fs::read_to_string(root.join(page)).unwrap();
        assert!(md.starts_with(en.lines().next().unwrap()), "{page}: {md}");
        let zh = explain(&["--format", "markdown", "--lang", "zh", code], &[]);
        let zh_page = std::fs::read_to_string(root.join("zh").join(page)).unwrap();
        assert!(
            zh.starts_with(zh_page.lines().next().unwrap()),
            "{page}: {zh}"
        );
    }
}
