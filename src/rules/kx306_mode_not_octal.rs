//! KX306 mode-not-octal: `defaultMode`/`mode` written as a decimal that was meant as octal
//! (`755` → rejected, `444` → 0o674), or quoted (a string: rejected).

use crate::finding::{Finding, Severity};
use crate::k8s::Workload;
use crate::model::Model;
use crate::meta;
use crate::rules::Rule;
use crate::yaml::{Node, Value};

pub static RULE: Rule = Rule {
    meta: &meta::KX306,
    check,
};

/// Decimal spellings of common modes (0o400 … 0o777): written on purpose, never flagged.
const COMMON_DECIMAL: [i64; 18] = [
    256, 288, 292, 320, 360, 365, 384, 416, 420, 432, 436, 438, 448, 488, 493, 504, 509, 511,
];

fn mode_nodes<'p>(w: &Workload<'p>) -> Vec<(&'p Node, &'static str)> {
    let mut out = Vec::new();
    for v in w.pod_spec.get("volumes").map(Node::items).unwrap_or(&[]) {
        for field in ["configMap", "secret", "downwardAPI", "projected"] {
            let Some(src) = v.get(field) else { continue };
            if let Some(m) = src.get("defaultMode") {
                out.push((m, "defaultMode"));
            }
            items_modes(src, &mut out);
            for s in src.get("sources").map(Node::items).unwrap_or(&[]) {
                for sf in ["configMap", "secret", "downwardAPI"] {
                    if let Some(ss) = s.get(sf) {
                        items_modes(ss, &mut out);
                    }
                }
            }
        }
    }
    out
}

fn items_modes<'p>(src: &'p Node, out: &mut Vec<(&'p Node, &'static str)>) {
    for it in src.get("items").map(Node::items).unwrap_or(&[]) {
        if let Some(m) = it.get("mode") {
            out.push((m, "mode"));
        }
    }
}

fn octal_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| (b'0'..=b'7').contains(&b))
}

fn check(model: &Model, out: &mut Vec<Finding>) {
    for w in &model.workloads {
        let text = &model.file(w.object.file).text;
        for (node, field) in mode_nodes(w) {
            let raw = text.get(node.span()).unwrap_or("").trim();
            let base =
                Finding::new(&RULE, w.span(node), String::new()).object(Some(w.reference()));
            match &node.value {
                Value::Str(s) => {
                    let digits = s.trim().trim_start_matches("0o");
                    if !octal_digits(digits) {
                        continue;
                    }
                    let intended = u32::from_str_radix(digits, 8).unwrap_or(0);
                    let short = digits.trim_start_matches('0');
                    let short = if short.is_empty() { "0" } else { short };
                    let mut f = base
                        .severity(Severity::Error)
                        .help(format!("Write the mode unquoted with a leading zero: `{field}: 0{short}` (YAML 1.1 octal, = {intended} decimal), or as the decimal `{intended}`"))
                        .symptom(format!("json: cannot unmarshal string into Go struct field of type int32 ({field})"));
                    f.message = format!(
                        "`{field}: {raw}` is a quoted string, not a number: the API server rejects the object and nothing is created"
                    );
                    out.push(f);
                }
                Value::Int(v) => {
                    let v = *v;
                    let plain_decimal = node.is_plain()
                        && !raw.starts_with('0')
                        && !raw.starts_with('+')
                        && raw.bytes().all(|b| b.is_ascii_digit());
                    if !(0..=0o777).contains(&v) {
                        let help = if plain_decimal && octal_digits(raw) {
                            format!("Write `{field}: 0{raw}` (a leading zero makes YAML 1.1 read it as octal) or the decimal `{}`", i64::from_str_radix(raw, 8).unwrap_or(0))
                        } else {
                            format!("Use a mode between 0 and 0777 (octal), e.g. `{field}: 0644`")
                        };
                        let mut f = base.severity(Severity::Error).help(help).symptom(format!(
                            "{field}: Invalid value: {v}: must be a number between 0 and 0777 (octal), both inclusive"
                        ));
                        f.message = if plain_decimal && octal_digits(raw) {
                            format!("`{field}: {raw}` is read as decimal {v} (= 0o{v:o}), above 0777: the API server rejects the object and nothing is created")
                        } else {
                            format!("`{field}: {raw}` = {v} is outside 0…0777: the API server rejects the object and nothing is created")
                        };
                        out.push(f);
                        continue;
                    }
                    if !(plain_decimal && raw.len() == 3 && octal_digits(raw))
                        || COMMON_DECIMAL.contains(&v)
                    {
                        continue;
                    }
                    let intended = u32::from_str_radix(raw, 8).unwrap_or(0);
                    let actual = v as u32;
                    let loses_exec = intended & 0o111 != 0 && actual & 0o111 == 0;
                    let mut f = base.exit_code(loses_exec.then_some(126)).help(format!(
                        "Write `{field}: 0{raw}` (leading zero: octal) or the decimal `{intended}`"
                    ));
                    f.message = format!(
                        "`{field}: {raw}` is decimal {v} = mode 0{actual:o} ({}), not 0{raw} ({}): files get the wrong permissions{}",
                        rwx(actual),
                        rwx(intended),
                        if loses_exec {
                            "; executing them fails with `Permission denied` (126)"
                        } else {
                            ""
                        }
                    );
                    out.push(f);
                }
                _ => {}
            }
        }
    }
}

fn rwx(mode: u32) -> String {
    let mut s = String::with_capacity(9);
    for shift in [6, 3, 0] {
        let d = (mode >> shift) & 7;
        s.push(if d & 4 != 0 { 'r' } else { '-' });
        s.push(if d & 2 != 0 { 'w' } else { '-' });
        s.push(if d & 1 != 0 { 'x' } else { '-' });
    }
    s
}
