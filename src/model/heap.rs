//! Runtime heap settings of a container (semantics.md §4 "Runtime heap flags"): JVM `-Xmx`,
//! `-XX:MaxHeapSize`, `-XX:MaxRAMPercentage`, `-XX:MaxRAMFraction`; Node `--max-old-space-size`;
//! Go `GOMEMLIMIT`. Read from the effective argv (manifest `command`/`args` or the image's
//! ENTRYPOINT/CMD), the container `env`, and the image ENV.

use crate::docker::InstKind;
use crate::model::process::Process;
use crate::source::Span;
use crate::yaml::Node;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum HeapKind {
    /// `-Xmx` / `-XX:MaxHeapSize`: bytes.
    JvmMaxHeap(i128),
    /// `-XX:MaxRAMPercentage`: percent of the container limit.
    JvmPercent(f64),
    /// `--max-old-space-size`: bytes (given in MiB).
    NodeOldSpace(i128),
    /// `GOMEMLIMIT`: bytes.
    GoMemLimit(i128),
}

/// One heap setting and where it was written.
#[derive(Debug, Clone)]
pub struct HeapSetting {
    pub kind: HeapKind,
    /// The flag as written (`-Xmx2g`).
    pub text: String,
    /// Where (None when it comes from an image ENV kexit cannot point at).
    pub span: Option<Span>,
    /// `args`, `env JAVA_TOOL_OPTIONS`, `image ENV JAVA_OPTS` …
    pub source: String,
}

/// JVM size: digits with an optional `k m g t` suffix (either case), bytes without one.
pub fn parse_jvm_size(s: &str) -> Option<i128> {
    let s = s.trim();
    let (num, mult): (&str, i128) = match s.chars().last()? {
        'k' | 'K' => (&s[..s.len() - 1], 1 << 10),
        'm' | 'M' => (&s[..s.len() - 1], 1 << 20),
        'g' | 'G' => (&s[..s.len() - 1], 1 << 30),
        't' | 'T' => (&s[..s.len() - 1], 1 << 40),
        _ => (s, 1),
    };
    if num.is_empty() || num.len() > 15 || !num.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    num.parse::<i128>().ok().map(|v| v * mult)
}

/// Go's `GOMEMLIMIT` syntax: an integer with an optional `B KiB MiB GiB TiB` suffix.
pub fn parse_go_size(s: &str) -> Option<i128> {
    let s = s.trim();
    for (suffix, mult) in [
        ("TiB", 1i128 << 40),
        ("GiB", 1 << 30),
        ("MiB", 1 << 20),
        ("KiB", 1 << 10),
        ("B", 1),
    ] {
        if let Some(n) = s.strip_suffix(suffix) {
            return (!n.is_empty() && n.len() <= 15 && n.bytes().all(|b| b.is_ascii_digit()))
                .then(|| n.parse::<i128>().ok().map(|v| v * mult))
                .flatten();
        }
    }
    (!s.is_empty() && s.len() <= 19 && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse::<i128>().ok())
        .flatten()
}

/// Heap flags in one whitespace-separated text (an argv element, a `sh -c` string or an
/// `*_OPTIONS` value). `--max-old-space-size 512` (value in the next word) is understood.
pub fn flags_in(text: &str) -> Vec<(HeapKind, String)> {
    let mut out = Vec::new();
    let words: Vec<&str> = text
        .split_whitespace()
        .map(|w| w.trim_matches(|c| c == '"' || c == '\''))
        .collect();
    for (i, w) in words.iter().enumerate() {
        if let Some(v) = w.strip_prefix("-Xmx") {
            if let Some(b) = parse_jvm_size(v) {
                out.push((HeapKind::JvmMaxHeap(b), w.to_string()));
            }
        } else if let Some(v) = w.strip_prefix("-XX:MaxHeapSize=") {
            if let Some(b) = parse_jvm_size(v) {
                out.push((HeapKind::JvmMaxHeap(b), w.to_string()));
            }
        } else if let Some(v) = w.strip_prefix("-XX:MaxRAMPercentage=") {
            if let Some(p) = v.parse::<f64>().ok().filter(|p| p.is_finite()) {
                out.push((HeapKind::JvmPercent(p), w.to_string()));
            }
        } else if let Some(v) = w.strip_prefix("-XX:MaxRAMFraction=") {
            if let Some(n) = v.parse::<f64>().ok().filter(|n| *n >= 1.0) {
                out.push((HeapKind::JvmPercent(100.0 / n), w.to_string()));
            }
        } else if let Some(rest) = w
            .strip_prefix("--max-old-space-size")
            .or_else(|| w.strip_prefix("--max_old_space_size"))
        {
            let (val, shown) = match rest.strip_prefix('=') {
                Some(v) => (Some(v), w.to_string()),
                None if rest.is_empty() => (
                    words.get(i + 1).copied(),
                    format!("{w} {}", words.get(i + 1).unwrap_or(&"")),
                ),
                None => (None, String::new()),
            };
            if let Some(mib) = val
                .filter(|v| !v.is_empty() && v.len() <= 9 && v.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|v| v.parse::<i128>().ok())
            {
                out.push((HeapKind::NodeOldSpace(mib << 20), shown));
            }
        }
    }
    out
}

/// JVM option variables, in the order the JVM reads them (later wins).
const JVM_VARS_BEFORE: [&str; 3] = ["JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "JAVA_OPTS"];
const JVM_VARS_AFTER: [&str; 1] = ["_JAVA_OPTIONS"];

fn env_value<'p>(p: &Process<'_, 'p>, name: &str) -> Option<(String, Option<Span>, String)> {
    // The container's own env wins over the image ENV.
    let pod = p.pod();
    let node: Option<&'p Node> = pod.and_then(|(_, c)| {
        c.env()
            .iter()
            .rev()
            .find(|e| e.get("name").and_then(Node::as_str) == Some(name))
    });
    if let Some(e) = node {
        let v = e.get("value")?;
        return Some((
            v.scalar_text()?,
            pod.map(|(w, _)| w.span(v)),
            format!("env {name}"),
        ));
    }
    if let Some(var) = p.env.var(name) {
        if let crate::model::env::Origin::Compose(span) = var.origin {
            return Some((
                var.value.clone()?,
                Some(span),
                format!("environment {name}"),
            ));
        }
    }
    let img = p.image?;
    let v = img.env(name)?;
    Some((
        v.to_string(),
        image_env_span(p, name),
        format!("image ENV {name}"),
    ))
}

/// The Dockerfile `ENV` instruction that last sets `name` in the container's image stage (or
/// in an earlier stage it is built `FROM`); None when the value comes from a base image.
fn image_env_span(p: &Process<'_, '_>, name: &str) -> Option<Span> {
    let img = p.image?;
    let df = p.model.dockerfiles().get(img.dockerfile?)?;
    let mut stage = df.stages.get(img.stage?)?;
    // Bounded: each step goes to a strictly earlier stage.
    for _ in 0..=df.stages.len() {
        for inst in stage.instructions.iter().rev() {
            if let InstKind::Env(pairs) = &inst.kind {
                if pairs.iter().any(|(k, _)| k == name) {
                    return Some(Span::new(df.file, inst.span.clone()));
                }
            }
        }
        let parent = df.stage_by_ref(&stage.from.image.value, stage.index)?;
        if parent.index >= stage.index {
            return None;
        }
        stage = parent;
    }
    None
}

/// Narrow a span over a Dockerfile instruction to the flag text inside it, when found once.
fn narrow(p: &Process<'_, '_>, span: Span, flag: &str) -> Span {
    let text = p.model.file(span.file).slice(span);
    match (text.find(flag), text.rfind(flag)) {
        (Some(a), Some(b)) if a == b => {
            Span::new(span.file, span.start + a..span.start + a + flag.len())
        }
        _ => span,
    }
}

/// Whether `JAVA_OPTS` can reach the JVM: it is only a convention of launcher scripts, so a
/// container whose PID 1 is `java` itself (exec form, no shell) never reads it.
fn reads_java_opts(p: &Process<'_, '_>) -> bool {
    p.argv.shell.is_some()
        || p.argv
            .args
            .first()
            .is_none_or(|a| a.value.rsplit('/').next() != Some("java"))
}

/// Every heap setting of the container's main process, in precedence order (the last one of a
/// kind is the one that applies).
pub fn settings(p: &Process<'_, '_>) -> Vec<HeapSetting> {
    let mut out = Vec::new();
    let push_text = |text: &str, span: Option<Span>, source: &str, out: &mut Vec<HeapSetting>| {
        for (kind, t) in flags_in(text) {
            // Image ENV values point at their Dockerfile instruction: narrow to the flag.
            let span = match span {
                Some(s) if source.starts_with("image ENV") => Some(narrow(p, s, &t)),
                other => other,
            };
            out.push(HeapSetting {
                kind,
                text: t,
                span,
                source: source.to_string(),
            });
        }
    };
    for var in JVM_VARS_BEFORE.iter().chain(["NODE_OPTIONS"].iter()) {
        if *var == "JAVA_OPTS" && !reads_java_opts(p) {
            continue;
        }
        if let Some((v, span, src)) = env_value(p, var) {
            push_text(&v, span, &src, &mut out);
        }
    }
    for a in &p.argv.args {
        let source = match a.part {
            crate::model::process::Part::Command => "command",
            crate::model::process::Part::Args => "args",
            crate::model::process::Part::Entrypoint => "image ENTRYPOINT",
            crate::model::process::Part::Cmd => "image CMD",
            crate::model::process::Part::ShellPrefix => continue,
        };
        push_text(&a.value, a.span, source, &mut out);
    }
    for var in JVM_VARS_AFTER {
        if let Some((v, span, src)) = env_value(p, var) {
            push_text(&v, span, &src, &mut out);
        }
    }
    if let Some((v, span, src)) = env_value(p, "GOMEMLIMIT") {
        if let Some(b) = parse_go_size(&v) {
            out.push(HeapSetting {
                kind: HeapKind::GoMemLimit(b),
                text: format!("GOMEMLIMIT={v}"),
                span,
                source: src,
            });
        }
    }
    out
}

/// The settings that apply: the JVM max heap (explicit size wins over a percentage), the Node
/// old-space size and GOMEMLIMIT, each the last one written.
pub fn effective(settings: &[HeapSetting]) -> Vec<&HeapSetting> {
    let last = |f: &dyn Fn(&HeapKind) -> bool| settings.iter().rev().find(|s| f(&s.kind));
    let mut out = Vec::new();
    if let Some(s) = last(&|k| matches!(k, HeapKind::JvmMaxHeap(_)))
        .or_else(|| last(&|k| matches!(k, HeapKind::JvmPercent(_))))
    {
        out.push(s);
    }
    if let Some(s) = last(&|k| matches!(k, HeapKind::NodeOldSpace(_))) {
        out.push(s);
    }
    if let Some(s) = last(&|k| matches!(k, HeapKind::GoMemLimit(_))) {
        out.push(s);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_jvm_size("2g"), Some(2 << 30));
        assert_eq!(parse_jvm_size("512M"), Some(512 << 20));
        assert_eq!(parse_jvm_size("1048576"), Some(1 << 20));
        assert_eq!(parse_jvm_size("1.5g"), None);
        assert_eq!(parse_go_size("900MiB"), Some(900 << 20));
        assert_eq!(parse_go_size("1GiB"), Some(1 << 30));
        assert_eq!(parse_go_size("123"), Some(123));
        assert_eq!(parse_go_size("off"), None);
    }

    #[test]
    fn flags() {
        let f = flags_in("java -Xms1g -Xmx2g -jar app.jar");
        assert_eq!(
            f,
            vec![(HeapKind::JvmMaxHeap(2 << 30), "-Xmx2g".to_string())]
        );
        let f = flags_in("-XX:MaxRAMPercentage=75.0 -XX:MaxHeapSize=1g");
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].0, HeapKind::JvmPercent(75.0));
        let f = flags_in("node --max-old-space-size=3072 server.js");
        assert_eq!(f[0].0, HeapKind::NodeOldSpace(3072 << 20));
        let f = flags_in("node --max-old-space-size 1024 server.js");
        assert_eq!(f[0].0, HeapKind::NodeOldSpace(1024 << 20));
        assert!(flags_in("-Xms512m").is_empty());
    }
}
