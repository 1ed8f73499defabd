//! KX009 invalid-quantity: a resource quantity the API server cannot parse (or a negative one).

use crate::finding::Finding;
use crate::k8s::quantity::Quantity;
use crate::model::resources::quantity_sites;
use crate::model::Model;
use crate::meta;
use crate::rules::Rule;
use crate::source::Span;
use crate::yaml::Node;

pub static RULE: Rule = Rule {
    meta: &meta::KX009,
    check,
};

const REGEX: &str = "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

/// A likely intended spelling for common mistakes (`1GB` → `1Gi`, `1K` → `1Ki`).
fn suggestion(text: &str) -> Option<String> {
    let t = text.trim();
    let digits_end = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(digits_end);
    if num.is_empty() {
        return None;
    }
    let unit = unit.trim();
    let fixed = match unit.to_ascii_lowercase().as_str() {
        "k" | "kb" | "ki" | "kib" => "Ki",
        "m" | "mb" | "mi" | "mib" => "Mi",
        "g" | "gb" | "gi" | "gib" => "Gi",
        "t" | "tb" | "ti" | "tib" => "Ti",
        _ => return None,
    };
    Some(format!("{num}{fixed}"))
}

fn report(
    out: &mut Vec<Finding>,
    span: Span,
    what: &str,
    node: &Node,
    object: Option<std::sync::Arc<crate::finding::ObjectRef>>,
    container: Option<&str>,
    milli: bool,
) {
    let Some(res) = Quantity::from_node(node) else {
        return;
    };
    let text = node.scalar_text().unwrap_or_default();
    // Template placeholders (`${X}`, `{{ .X }}`) are filled in before anything is applied.
    if text.contains("${") || text.contains("{{") || text.contains("$(") {
        return;
    }
    let mut f = match res {
        Err(e) => {
            let mut help = "Write a Kubernetes quantity: a number with an optional suffix `Ki Mi Gi Ti` (powers of 1024), `k M G T` (powers of 1000) or `m` (milli), e.g. `512Mi`, `1Gi`, `500m`"
                .to_string();
            if let Some(s) = suggestion(&text) {
                help = format!("Did you mean `{s}`? {help}");
            }
            Finding::new(
                &RULE,
                span,
                format!(
                    "{what} \"{text}\" is not a valid quantity ({e}): the API server rejects the whole object, so nothing is created"
                ),
            )
            .help(help)
            .symptom(format!(
                "Error from server (BadRequest): quantities must match the regular expression {REGEX}"
            ))
        }
        Ok(q) if q.is_negative() => Finding::new(
            &RULE,
            span,
            format!("{what} \"{text}\" is negative: the API server rejects the object (must be greater than or equal to 0)"),
        )
        .help("Use a non-negative quantity, or remove the entry")
        .symptom(format!("Invalid value: \"{text}\": must be greater than or equal to 0")),
        // Valid syntax, but past the 64-bit integer the kubelet and the scheduler convert it to.
        Ok(q) if !q.fits_int64(milli) => Finding::new(
            &RULE,
            span,
            format!(
                "{what} \"{text}\" is too large: it does not fit the 64-bit integer ({}) Kubernetes converts it to when it schedules and applies it, and the conversion overflows (the limit applied is not the one written)",
                if milli { "in milli-units" } else { "in whole units" }
            ),
        )
        .severity(crate::finding::Severity::Warning)
        .help("Write the value you mean with a suffix (`512Mi`, `64Gi`), or remove the entry for no limit"),
        Ok(_) => return,
    };
    f = f.object(object);
    if let Some(c) = container {
        f = f.container(c);
    }
    out.push(f);
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    for w in &model.workloads {
        for site in quantity_sites(w) {
            let cname = site
                .container
                .and_then(|i| w.containers.get(i))
                .map(|c| c.name);
            let what = match cname {
                Some(c) => format!(
                    "`resources.{}.{}` of container `{c}`",
                    site.section, site.resource
                ),
                None => format!("pod-level `resources.{}.{}`", site.section, site.resource),
            };
            report(
                out,
                w.span(site.node),
                &what,
                site.node,
                Some(w.reference()),
                cname,
                site.resource == "cpu",
            );
        }
        for v in w.pod_spec.get("volumes").map(Node::items).unwrap_or(&[]) {
            if let Some(n) = v.path(&["emptyDir", "sizeLimit"]) {
                let name = v.get("name").and_then(Node::as_str).unwrap_or("");
                report(
                    out,
                    w.span(n),
                    &format!("`sizeLimit` of emptyDir volume `{name}`"),
                    n,
                    Some(w.reference()),
                    None,
                    false,
                );
            }
        }
    }
    for o in model.objects.iter().filter(|o| o.kind == "LimitRange") {
        for item in o
            .node
            .path(&["spec", "limits"])
            .map(Node::items)
            .unwrap_or(&[])
        {
            for section in [
                "default",
                "defaultRequest",
                "max",
                "min",
                "maxLimitRequestRatio",
            ] {
                for (k, v) in item.get(section).map(|n| n.entries()).into_iter().flatten() {
                    let what = format!("LimitRange `{section}.{}`", k.as_str().unwrap_or(""));
                    let milli = k.as_str() == Some("cpu");
                    report(out, o.span(v), &what, v, Some(std::sync::Arc::new(o.reference())), None, milli);
                }
            }
        }
    }
}
