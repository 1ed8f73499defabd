//! KX201 heap-exceeds-limit: a runtime heap flag reaches or nears the container memory limit.

use crate::model::process::{all, processes, ProcKind, Process, Site};
use crate::source::Span;
use crate::finding::{Finding, Severity};
use crate::model::heap::{effective as effective_heap, settings, HeapKind};
use crate::k8s::quantity::format_bytes;
use crate::model::resources::MEMORY;
use crate::model::Model;
use crate::meta;
use crate::rules::Rule;

pub static RULE: Rule = Rule {
    meta: &meta::KX201,
    check,
};

/// Below this share of the limit left for everything that is not heap, warn.
const HEADROOM: f64 = 0.25;

fn check(model: &Model, out: &mut Vec<Finding>) {
    for p in processes(model).filter(|p| p.kind == ProcKind::Main) {
        let Site::Kubernetes {
            workload,
            container,
        } = p.group.site
        else {
            continue;
        };
        let Some(cr) = model
            .resources(workload)
            .and_then(|r| r.for_container(container))
        else {
            continue;
        };
        let Some(lim) = cr.limits.get(MEMORY) else {
            continue;
        };
        if !lim.quantity.is_positive() {
            continue;
        }
        let limit = lim.quantity.ceil_units();
        let who = format!("container `{}`", p.container.name);
        emit(&p, limit, lim.span(), &who, "Last State: Terminated, Reason: OOMKilled, Exit Code: 137", out, |f| {
            f.object(Some(p.workload.reference()))
                .container(p.container.name)
        });
    }
    // Compose services: `mem_limit` / `deploy.resources.limits.memory`.
    for p in all(model).filter(|p| p.kind == ProcKind::Main) {
        let Some(sv) = p.service() else { continue };
        let (Some(limit), Some(m)) = (p.memory_limit(), sv.mem_limit.as_ref()) else {
            continue;
        };
        let who = format!("Compose service `{}`", sv.name);
        emit(&p, limit, m.span, &who, "docker inspect: State.OOMKilled true, ExitCode 137", out, |f| {
            f.service(Some(sv.name.as_str()))
        });
    }
}

/// The findings of one process against its memory limit `limit` (set at `lim_span`).
fn emit(
    p: &Process<'_, '_>,
    limit: i128,
    lim_span: Span,
    who: &str,
    symptom: &str,
    out: &mut Vec<Finding>,
    tag: impl Fn(Finding) -> Finding,
) {
    let all = settings(p);
    for s in effective_heap(&all) {
        let (heap, what) = match s.kind {
            HeapKind::JvmMaxHeap(b) => (b as f64, "JVM max heap"),
            HeapKind::JvmPercent(pct) => (limit as f64 * pct / 100.0, "JVM max heap"),
            HeapKind::NodeOldSpace(b) => (b as f64, "Node.js old-space limit"),
            HeapKind::GoMemLimit(b) => (b as f64, "GOMEMLIMIT"),
        };
        let ratio = heap / limit as f64;
        let go = matches!(s.kind, HeapKind::GoMemLimit(_));
        let headroom = 1.0 - ratio;
        let (severity, verdict) = if go {
            if ratio < 1.0 {
                continue;
            }
            (
                Severity::Warning,
                "so the Go GC never works harder before the limit is hit".to_string(),
            )
        } else if ratio >= 1.0 {
            (
                Severity::Error,
                "the heap alone reaches the limit, and the runtime needs memory beyond the heap (metaspace, threads, code cache, buffers)".to_string(),
            )
        } else if headroom < HEADROOM {
            (
                Severity::Warning,
                format!(
                    "it leaves only {} ({:.0} %) for everything that is not heap (metaspace, threads, code cache, native buffers); keep at least ~25 %",
                    format_bytes((limit as f64 * headroom) as i128),
                    headroom * 100.0
                ),
            )
        } else {
            continue;
        };
        let shown = match s.kind {
            HeapKind::JvmPercent(pct) => format!(
                "`{}` ({pct} % of the {} limit = {})",
                s.text,
                format_bytes(limit),
                format_bytes(heap as i128)
            ),
            _ => format!("`{}` ({})", s.text, format_bytes(heap as i128)),
        };
        let span = s.span.unwrap_or(lim_span);
        let mut f = Finding::new(
            &RULE,
            span,
            format!(
                "{what} {shown} from {} of {who} vs its memory limit {}: {verdict}; the container is OOM-killed (137)",
                s.source,
                format_bytes(limit)
            ),
        )
        .severity(severity)
        .help(match s.kind {
            HeapKind::GoMemLimit(_) => "Set GOMEMLIMIT to about 90 % of the memory limit".to_string(),
            HeapKind::NodeOldSpace(_) => format!(
                "Set --max-old-space-size to at most ~75 % of the limit ({} MiB), or raise the limit",
                limit * 3 / 4 / (1 << 20)
            ),
            _ => "Drop -Xmx and use -XX:MaxRAMPercentage=75 (the heap then follows the limit), or raise the memory limit well above the heap".to_string(),
        })
        .symptom(symptom.to_string());
        f = tag(f);
        if s.span.is_some() {
            f = f.label(lim_span, "memory limit");
        }
        out.push(f);
    }
}
