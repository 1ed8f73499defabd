//! KX203 memory-millibytes: `memory: 512m` is 0.512 bytes, not 512 MiB (other fractional byte
//! values, `1.2Gi`, are rounded up by the kubelet: a note).

use crate::finding::{Finding, Severity};
use crate::k8s::quantity::Quantity;
use crate::model::resources::{quantity_sites, MEMORY};
use crate::model::Model;
use crate::meta;
use crate::rules::Rule;

pub static RULE: Rule = Rule {
    meta: &meta::KX203,
    check,
};

fn check(model: &Model, out: &mut Vec<Finding>) {
    for w in &model.workloads {
        for site in quantity_sites(w) {
            if site.resource != MEMORY {
                continue;
            }
            let Some(Ok(q)) = Quantity::from_node(site.node) else {
                continue;
            };
            // Too large for an int64 is KX009's (never a millibyte value).
            if q.is_integer() || q.is_negative() || !q.fits_int64(false) {
                continue;
            }
            let text = site.node.scalar_text().unwrap_or_default();
            let c = site.container.and_then(|i| w.containers.get(i));
            let who = match c {
                Some(c) => format!("container `{}`", c.name),
                None => "the pod".to_string(),
            };
            let limit = site.section == "limits";
            // Only a lowercase `m` suffix (milli) makes a value of (nearly) nothing; any other
            // fractional value (`1.2Gi`) is rounded up to a whole byte by the kubelet, and the API
            // only warns: a note, not a failure.
            let Some(number) = text.trim().strip_suffix('m') else {
                let bytes = q.ceil_units();
                // A tiny limit (`0.5`) is too small whatever the rounding: KX205's.
                if limit && bytes < 4 << 20 {
                    continue;
                }
                let whole = crate::k8s::quantity::format_bytes(bytes);
                let mi = (bytes + (1 << 20) - 1) >> 20;
                let mut f = Finding::new(
                    &RULE,
                    w.span(site.node),
                    format!(
                        "memory {} \"{text}\" of {who} is not a whole number of bytes ({}): the API server accepts it with a warning and the kubelet rounds it up to {bytes} bytes ({whole}), so it works as intended",
                        if limit { "limit" } else { "request" },
                        q.as_f64()
                    ),
                )
                .severity(Severity::Info)
                .help(format!("Write a whole number of bytes to silence the API warning, e.g. `{mi}Mi`"))
                .symptom(format!(
                    "Warning: spec.containers[].resources.{}[memory]: fractional byte value \"{text}\" is invalid, must be an integer",
                    site.section
                ))
                .object(Some(w.reference()));
                if let Some(c) = c {
                    f = f.container(c.name);
                }
                out.push(f);
                continue;
            };
            let intended = Some(number)
                .filter(|n| !n.is_empty())
                .map(|n| format!("`{n}Mi` (or `{n}M`)"))
                .unwrap_or_else(|| "a whole number of bytes, e.g. `512Mi`".to_string());
            let message = if limit {
                format!(
                    "memory limit \"{text}\" of {who} is {} bytes: lowercase `m` means milli, so this is a fractional byte value; the API accepts it with only a warning and the pod then fails to start (sandbox or volume setup runs out of memory), with no exit code",
                    q.as_f64()
                )
            } else {
                format!(
                    "memory request \"{text}\" of {who} is {} bytes: lowercase `m` means milli (a fractional byte value); the pod is scheduled as if it needed almost no memory and the API only warns",
                    q.as_f64()
                )
            };
            let mut f = Finding::new(&RULE, w.span(site.node), message)
                .help(format!("Use {intended}: `Mi` is mebibytes, `M` megabytes, `m` milli"))
                .symptom(format!(
                    "Warning: spec.containers[].resources.{}[memory]: fractional byte value \"{text}\" is invalid, must be an integer",
                    site.section
                ))
                .object(Some(w.reference()));
            if !limit {
                f = f.severity(Severity::Warning);
            }
            if let Some(c) = c {
                f = f.container(c.name);
            }
            out.push(f);
        }
    }
}
