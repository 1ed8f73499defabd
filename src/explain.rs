//! `kexit explain`: what an exit code means (`kexit explain 137`), a rule's doc
//! (`kexit explain KX201`), a post-mortem of a `kubectl get pod -o yaml` dump
//! (`kexit explain --pod pod.yaml`), and a per-pod QoS / oom_score_adj listing
//! (`kexit explain --qos PATHS…`).

use crate::config::Config;
use crate::discover::{self, Kind};
use crate::k8s::quantity::Quantity;
use crate::lint;
use crate::model::resources::{effective, QosClass};
use crate::model::Model;
use crate::project::{Input, Project};
use crate::yaml::Node;
use std::fmt::Write as _;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct ExplainArgs {
    /// An exit code (137, 127, 126, 128, 139, 143, any 128+n) or a rule code/name (KX201).
    pub topic: Option<String>,
    /// How to print an exit code's or a rule's page: laid out for the terminal, or the raw
    /// Markdown [default: terminal when stdout is a terminal, else markdown].
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<DocFormat>,
    /// Language of the page [default: zh when LC_ALL, LC_MESSAGES or LANG (the first one set)
    /// starts with zh, else en].
    #[arg(long, value_enum)]
    pub lang: Option<Lang>,
    /// A `kubectl get pod -o yaml` dump: decode each container's last termination and lint its spec.
    #[arg(long, value_name = "FILE")]
    pub pod: Option<PathBuf>,
    /// List the QoS class and each container's oom_score_adj for every pod template under PATHS.
    #[arg(long, value_name = "PATH", num_args = 1..)]
    pub qos: Vec<PathBuf>,
    /// Node memory capacity for oom_score_adj (a quantity, default 16Gi).
    #[arg(long, value_name = "QUANTITY")]
    pub node_memory: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DocFormat {
    /// Headings, wrapped paragraphs, lists and code blocks under their file names (colour
    /// with --color, NO_COLOR honoured).
    Terminal,
    /// The Markdown source.
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    /// English.
    En,
    /// Chinese (简体中文).
    Zh,
}

impl Lang {
    /// The language of the locale, in POSIX precedence: the first of LC_ALL, LC_MESSAGES and
    /// LANG that is set and non-empty; `zh`, `zh_CN.UTF-8`, `zh_TW`… select Chinese.
    pub fn from_locale(var: impl Fn(&str) -> Option<String>) -> Lang {
        for name in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let Some(v) = var(name).filter(|v| !v.is_empty()) {
                return if v.to_ascii_lowercase().starts_with("zh") {
                    Lang::Zh
                } else {
                    Lang::En
                };
            }
        }
        Lang::En
    }
}

/// How `kexit explain` writes to stdout (decided by the caller).
#[derive(Debug, Clone, Copy)]
pub struct Output {
    /// stdout is a terminal.
    pub tty: bool,
    /// Colour (`--color`, NO_COLOR, CLICOLOR_FORCE, terminal detection).
    pub color: bool,
    /// Width to wrap to (terminal or COLUMNS); None: no wrapping.
    pub width: Option<usize>,
}

macro_rules! pages {
    ($name:ident, $dir:literal, [$($page:literal),* $(,)?]) => {
        /// (page name, Markdown).
        pub static $name: &[(&str, &str)] = &[
            $(($page, include_str!(concat!("../rules/", $dir, $page, ".md")))),*
        ];
    };
}

// The exit codes kexit predicts, one page each (rules/exit-NNN.md).
pages!(
    EXIT_PAGES,
    "",
    ["exit-126", "exit-127", "exit-128", "exit-137", "exit-143", "exit-255"]
);

// Chinese pages (rules/zh/): every rule and every exit code above; tests/rule_docs.rs checks
// that none is missing and that their code blocks are the English ones.
pages!(
    ZH_PAGES,
    "zh/",
    [
        "exit-126", "exit-127", "exit-128", "exit-137", "exit-143", "exit-255", "KX001", "KX002",
        "KX003", "KX004", "KX005", "KX006", "KX008", "KX009", "KX010", "KX011", "KX012", "KX013",
        "KX101", "KX102", "KX103", "KX104", "KX105", "KX106", "KX107", "KX108", "KX109", "KX110",
        "KX111", "KX112", "KX113", "KX115", "KX116", "KX117", "KX118", "KX119", "KX120", "KX121",
        "KX122", "KX124", "KX201", "KX202", "KX203", "KX204", "KX205", "KX206", "KX207", "KX208",
        "KX209", "KX210", "KX211", "KX212", "KX213", "KX214", "KX215", "KX301", "KX302", "KX303",
        "KX304", "KX305", "KX306",
    ]
);

fn page(pages: &[(&str, &'static str)], name: &str) -> Option<&'static str> {
    pages.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// The page of a rule in `lang` (Markdown); English when it has no translation.
pub fn rule_page(rule: &crate::meta::Meta, lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => page(ZH_PAGES, rule.code).unwrap_or(rule.doc),
        Lang::En => rule.doc,
    }
}

fn signal_name(n: i64) -> Option<&'static str> {
    Some(match n {
        1 => "SIGHUP",
        2 => "SIGINT",
        3 => "SIGQUIT",
        4 => "SIGILL",
        5 => "SIGTRAP",
        6 => "SIGABRT",
        7 => "SIGBUS",
        8 => "SIGFPE",
        9 => "SIGKILL",
        10 => "SIGUSR1",
        11 => "SIGSEGV",
        12 => "SIGUSR2",
        13 => "SIGPIPE",
        14 => "SIGALRM",
        15 => "SIGTERM",
        16 => "SIGSTKFLT",
        17 => "SIGCHLD",
        18 => "SIGCONT",
        19 => "SIGSTOP",
        20 => "SIGTSTP",
        21 => "SIGTTIN",
        22 => "SIGTTOU",
        23 => "SIGURG",
        24 => "SIGXCPU",
        25 => "SIGXFSZ",
        26 => "SIGVTALRM",
        27 => "SIGPROF",
        28 => "SIGWINCH",
        29 => "SIGIO",
        30 => "SIGPWR",
        31 => "SIGSYS",
        _ => return None,
    })
}

/// Rules whose findings predict this exit code, as a Markdown section.
fn rules_for(code: u16, lang: Lang) -> String {
    let list: Vec<String> = crate::meta::ALL
        .iter()
        .filter(|r| r.exit_code == Some(code))
        .map(|r| match lang {
            Lang::En => format!("- {} {} — {}", r.code, r.name, r.summary),
            Lang::Zh => format!("- {} {}", r.code, r.name),
        })
        .collect();
    let title = match lang {
        Lang::En => format!("## kexit rules that predict exit {code}"),
        Lang::Zh => format!("## 预测退出码 {code} 的 kexit 规则"),
    };
    let body = if list.is_empty() {
        match lang {
            Lang::En => "(none)".to_string(),
            Lang::Zh => "（无）".to_string(),
        }
    } else {
        list.join("\n")
    };
    format!("\n{title}\n\n{body}\n")
}

/// The explanation of an exit code in English (Markdown), or None when the number is not one.
pub fn exit_code_text(code: i64) -> Option<String> {
    exit_code_page(code, Lang::En)
}

/// The explanation of an exit code (Markdown), or None when the number is not one.
pub fn exit_code_page(code: i64, lang: Lang) -> Option<String> {
    if !(0..=255).contains(&code) {
        return None;
    }
    let name = format!("exit-{code}");
    let pages = match lang {
        Lang::En => EXIT_PAGES,
        Lang::Zh => ZH_PAGES,
    };
    if let Some(p) = page(pages, &name).or_else(|| page(EXIT_PAGES, &name)) {
        let c = u16::try_from(code).unwrap_or(0);
        return Some(format!("{}{}", p.trim_end_matches('\n'), "\n") + &rules_for(c, lang));
    }
    Some(match lang {
        Lang::En => generic_en(code),
        Lang::Zh => generic_zh(code),
    })
}

fn generic_en(code: i64) -> String {
    match code {
        0 => "0: the process exited successfully. A container that exits 0 under a Deployment is restarted anyway (restartPolicy Always) and ends in CrashLoopBackOff: a command that finishes instead of serving.\n".to_string(),
        1 => "1: the application itself failed (an uncaught exception, a config error). Read its output: `kubectl logs POD -c CONTAINER --previous`.\n".to_string(),
        2 => "2: usually a shell syntax error or a misused builtin (busybox ash running a binary for another architecture as a script also gives 2). `kubectl logs --previous`.\n".to_string(),
        139 => "\
139 = 128 + 11 (SIGSEGV): the process crashed on an invalid memory access.
Common causes: a native library built for another libc (glibc binary on alpine/musl with a compat shim), an ABI mismatch between image layers, a buggy native extension, stack overflow (too small ulimit/thread stack).
Confirm: `kubectl logs POD --previous`, `kubectl describe pod POD` (Exit Code: 139), core dumps on the node.
Fix: build native code for the image's libc and architecture; match base images between build and runtime stages.
".to_string(),
        n if n > 128 => match signal_name(n - 128) {
            Some(sig) => format!("{n} = 128 + {} ({sig}): the process was terminated by {sig}. `kubectl describe pod POD`, `kubectl logs POD --previous`.\n", n - 128),
            None => format!("{n} = 128 + {}: killed by a real-time or unknown signal.\n", n - 128),
        },
        n => format!("{n}: an application-specific exit status; read `kubectl logs POD --previous`.\n"),
    }
}

fn generic_zh(code: i64) -> String {
    match code {
        0 => "0：进程成功退出。在 Deployment 中以 0 退出的容器仍会被重启（restartPolicy 为 Always），最终进入 CrashLoopBackOff：命令执行完就结束了，而不是持续提供服务。\n".to_string(),
        1 => "1：应用本身出错（未捕获的异常、配置错误）。查看它的输出：`kubectl logs POD -c CONTAINER --previous`。\n".to_string(),
        2 => "2：通常是 shell 语法错误或内置命令用法不当（busybox ash 把其他架构的二进制文件当作脚本运行时也会返回 2）。查看 `kubectl logs --previous`。\n".to_string(),
        139 => "\
139 = 128 + 11（SIGSEGV）：进程因非法内存访问而崩溃。
常见原因：为另一种 libc 构建的原生库（在 alpine/musl 上借助兼容层运行 glibc 二进制文件）、镜像各层之间 ABI 不匹配、有缺陷的原生扩展、栈溢出（ulimit 或线程栈过小）。
确认：`kubectl logs POD --previous`、`kubectl describe pod POD`（Exit Code: 139）、节点上的 core dump。
修复：按镜像的 libc 和架构构建原生代码；构建阶段与运行阶段使用相匹配的基础镜像。
".to_string(),
        n if n > 128 => match signal_name(n - 128) {
            Some(sig) => format!("{n} = 128 + {}（{sig}）：进程被 {sig} 终止。查看 `kubectl describe pod POD`、`kubectl logs POD --previous`。\n", n - 128),
            None => format!("{n} = 128 + {}：被实时信号或未知信号终止。\n", n - 128),
        },
        n => format!("{n}：应用自定义的退出状态；请查看 `kubectl logs POD --previous`。\n"),
    }
}

fn node_memory(args: &ExplainArgs, cfg: &mut Config) -> Result<(), String> {
    if let Some(q) = &args.node_memory {
        let v = Quantity::parse(q).map_err(|e| format!("--node-memory {q}: {e}"))?;
        if !v.is_positive() {
            return Err(format!("--node-memory {q}: must be positive"));
        }
        cfg.node_memory_bytes = u64::try_from(v.ceil_units()).unwrap_or(u64::MAX);
    }
    Ok(())
}

/// Entry point for `kexit explain`; returns the process exit code. `emit(text, coloured)`
/// writes to stdout (keeping colour sequences when `coloured`).
pub fn run(args: ExplainArgs, emit: &dyn Fn(&str, bool), out: Output) -> i32 {
    let plain = |s: &str| emit(s, false);
    let mut cfg = Config::default();
    if let Err(e) = node_memory(&args, &mut cfg) {
        eprintln!("kexit: {e}");
        return 2;
    }
    if let Some(p) = &args.pod {
        return explain_pod(p, cfg, &plain);
    }
    if !args.qos.is_empty() {
        return list_qos(&args.qos, cfg, &plain);
    }
    let Some(topic) = args.topic else {
        eprintln!("kexit: explain needs an exit code, a rule code, --pod FILE or --qos PATHS");
        return 2;
    };
    let lang = args
        .lang
        .unwrap_or_else(|| Lang::from_locale(|v| std::env::var(v).ok()));
    let md = if let Ok(n) = topic.trim().parse::<i64>() {
        match exit_code_page(n, lang) {
            Some(t) => t,
            None => {
                eprintln!("kexit: exit codes range from 0 to 255");
                return 2;
            }
        }
    } else {
        match crate::meta::by_code(&topic) {
            Some(r) => rule_page(r, lang).to_string(),
            None => {
                eprintln!("kexit: no rule or topic named `{topic}` (see `kexit rules`)");
                return 2;
            }
        }
    };
    let format = args.format.unwrap_or(if out.tty {
        DocFormat::Terminal
    } else {
        DocFormat::Markdown
    });
    match format {
        DocFormat::Markdown => plain(&md),
        DocFormat::Terminal => emit(
            &crate::markdown::render(
                &md,
                crate::markdown::Term {
                    color: out.color,
                    width: out.width,
                },
            ),
            out.color,
        ),
    }
    0
}

fn list_qos(paths: &[PathBuf], cfg: Config, emit: &dyn Fn(&str)) -> i32 {
    let excludes = match discover::build_excludes(&[]) {
        Ok(g) => g,
        Err(e) => {
            eprintln!("kexit: {e}");
            return 2;
        }
    };
    let found = discover::discover(paths, &excludes);
    let project = Project::load(found.files.into_iter().map(Input::Path).collect(), cfg);
    let model = Model::build(&project);
    let mut s = String::new();
    for w in &model.workloads {
        let r = effective(&model, w);
        let f = model.file(w.object.file);
        let (line, _) = f.line_col(w.object.node.span().start);
        let cs: Vec<String> = r
            .containers
            .iter()
            .map(|c| format!("{}={}", c.name, c.oom_score_adj))
            .collect();
        // Objects created with `generateName` have no name: show the prefix.
        let name = if w.object.name.is_empty() {
            w.object
                .node
                .path(&["metadata", "generateName"])
                .and_then(Node::as_str)
                .map_or_else(String::new, |g| format!("{g}*"))
        } else {
            w.object.name.to_string()
        };
        let lr = if r.limit_ranges.is_empty() {
            String::new()
        } else {
            format!(" (LimitRange {})", r.limit_ranges.join(", "))
        };
        let _ = writeln!(
            s,
            "{}:{line}: {}/{}/{name}: {} oom_score_adj[{}]{lr}",
            f.path,
            w.object.kind,
            w.object.namespace,
            r.qos.as_str(),
            cs.join(" ")
        );
    }
    emit(&s);
    0
}

fn explain_pod(path: &std::path::Path, cfg: Config, emit: &dyn Fn(&str)) -> i32 {
    let read = crate::source::read_bounded(path, cfg.max_file_size)
        .and_then(|b| String::from_utf8(b).map_err(|_| "not valid UTF-8".to_string()));
    let text = match read {
        Ok(t) => t,
        Err(e) => {
            eprintln!("kexit: {}: {e}", crate::text::path_name(path));
            return 2;
        }
    };
    let name = path.to_string_lossy().into_owned();
    let project = Project::load(
        vec![Input::Text {
            name,
            kind: Kind::Manifest,
            text,
        }],
        cfg,
    );
    let mut s = String::new();
    {
        let model = Model::build(&project);
        for w in model.workloads.iter().filter(|w| w.object.kind == "Pod") {
            let r = effective(&model, w);
            let status = w.object.node.get("status");
            let reported = status
                .and_then(|st| st.get("qosClass"))
                .and_then(Node::as_str)
                .and_then(QosClass::parse);
            let _ = writeln!(
                s,
                "Pod {}/{}: QoS {} (kexit computes {}{})",
                w.object.namespace,
                w.object.name,
                reported.map_or("unknown", |q| q.as_str()),
                r.qos.as_str(),
                if reported.is_some_and(|q| q != r.qos) {
                    " — differs: check LimitRanges or pod-level resources"
                } else {
                    ""
                }
            );
            for list in ["initContainerStatuses", "containerStatuses"] {
                for cs in status
                    .and_then(|st| st.get(list))
                    .map(Node::items)
                    .unwrap_or(&[])
                {
                    describe_status(&mut s, cs, &r);
                }
            }
        }
    }
    let outcome = lint::lint(project);
    if outcome.findings.is_empty() {
        s.push_str("\nkexit finds nothing in the pod spec that predicts these exits.\n");
    } else {
        s.push_str("\nLikely causes found in the pod spec (kexit lint):\n");
        s.push_str(&crate::output::concise::render(
            &outcome.project,
            &outcome.findings,
        ));
    }
    emit(&s);
    0
}

fn describe_status(s: &mut String, cs: &Node, r: &crate::model::resources::PodResources<'_>) {
    let name = cs.get("name").and_then(Node::as_str).unwrap_or("?");
    let restarts = cs.get("restartCount").and_then(Node::as_i64).unwrap_or(0);
    let adj = r
        .containers
        .iter()
        .find(|c| c.name == name)
        .map_or(String::new(), |c| {
            format!(", oom_score_adj {}", c.oom_score_adj)
        });
    let _ = writeln!(s, "\ncontainer `{name}` (restarts {restarts}{adj})");
    if let Some(w) = cs.path(&["state", "waiting"]) {
        let reason = w.get("reason").and_then(Node::as_str).unwrap_or("");
        let msg = w.get("message").and_then(Node::as_str).unwrap_or("");
        let _ = writeln!(s, "  waiting: {reason} {msg}");
    }
    for (label, path) in [
        ("last termination", ["lastState", "terminated"]),
        ("terminated", ["state", "terminated"]),
    ] {
        let Some(t) = cs.path(&path) else { continue };
        let code = t.get("exitCode").and_then(Node::as_i64);
        let reason = t.get("reason").and_then(Node::as_str).unwrap_or("");
        let signal = t.get("signal").and_then(Node::as_i64);
        let _ = writeln!(
            s,
            "  {label}: exit {} reason {}{}",
            code.map_or("?".to_string(), |c| c.to_string()),
            if reason.is_empty() { "-" } else { reason },
            signal
                .and_then(signal_name)
                .map_or(String::new(), |n| format!(" signal {n}"))
        );
        let hint = match (code, reason) {
            (_, "OOMKilled") => "the container exceeded its memory limit (or the node ran out): see KX201/KX202/KX205/KX206",
            (Some(137), _) => "SIGKILL without OOMKilled: the grace period ran out on stop (KX207/KX208/KX209/KX210) or a liveness kill (KX211/KX212)",
            (Some(143), _) => "stopped by SIGTERM: a normal stop, or a liveness-probe restart (KX211/KX212)",
            (Some(127), _) => "command not found under a shell (KX1xx)",
            (Some(126), _) => "found but not executable (KX110, KX306)",
            (Some(128), _) | (_, "StartError") => "the runtime could not start the process (KX101, KX103, KX110)",
            _ => "",
        };
        if !hint.is_empty() {
            let _ = writeln!(s, "  → {hint}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes() {
        assert!(exit_code_text(137).is_some_and(|t| t.contains("SIGKILL") && t.contains("KX201")));
        assert!(exit_code_text(143).is_some_and(|t| t.contains("SIGTERM")));
        assert!(exit_code_text(127).is_some_and(|t| t.contains("not found")));
        assert!(exit_code_text(134).is_some_and(|t| t.contains("SIGABRT")));
        assert!(exit_code_text(300).is_none());
        for c in [126, 127, 128, 137, 143, 255] {
            let zh = exit_code_page(c, Lang::Zh).unwrap();
            assert!(
                zh.contains(&format!("预测退出码 {c} 的 kexit 规则")),
                "{zh}"
            );
        }
    }

    #[test]
    fn locale_precedence() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(Lang::from_locale(env(&[])), Lang::En);
        assert_eq!(Lang::from_locale(env(&[("LANG", "zh_CN.UTF-8")])), Lang::Zh);
        assert_eq!(Lang::from_locale(env(&[("LANG", "zh_TW")])), Lang::Zh);
        assert_eq!(
            Lang::from_locale(env(&[("LANG", "zh_CN.UTF-8"), ("LC_ALL", "C")])),
            Lang::En
        );
        assert_eq!(
            Lang::from_locale(env(&[("LANG", "en_US.UTF-8"), ("LC_MESSAGES", "zh_CN")])),
            Lang::Zh
        );
        // An empty variable is skipped.
        assert_eq!(
            Lang::from_locale(env(&[("LC_ALL", ""), ("LANG", "zh_SG")])),
            Lang::Zh
        );
    }
}
