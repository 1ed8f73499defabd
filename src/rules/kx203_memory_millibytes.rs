//! KX203 memory-millibytes: `memory: 512m` is 0.512 bytes, not 512 MiB.

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
            let intended = text
                .trim()
                .strip_suffix('m')
                .filter(|n| !n.is_empty())
                .map(|n| format!("`{n}Mi` (or `{n}M`)"))
                .unwrap_or_else(|| "a whole number of bytes, e.g. `512Mi`".to_string());
            let limit = site.section == "limits";
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
                .object(Some(w.object.reference()));
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
