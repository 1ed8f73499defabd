//! KX110 not-executable: Executed file lacks the exec bit.

use crate::finding::{Finding, Severity};
use crate::image::Tri;
use crate::model::Model;
use crate::meta;
use crate::rules::Rule;
use crate::model::exec::ExecFact;
use crate::rules::exec::{self, fact_label, finding, start_severity, start_symptom};

pub static RULE: Rule = Rule {
    meta: &meta::KX110,
    check,
};

fn check(model: &Model, out: &mut Vec<Finding>) {
    exec::report(model, out, |p, fact| {
        let ExecFact::NotExecutable {
            name,
            span,
            fact,
            direct,
        } = fact
        else {
            return None;
        };
        let dir = fact.is_dir == Tri::Yes;
        let src = match &fact.mounted {
            _ if dir => "it is a directory, which cannot be executed".to_string(),
            _ if fact.denied.is_some() => fact.denied.clone().unwrap_or_default(),
            Some(m) => format!("{m} is mounted without the exec bit (defaultMode/mode defaults to 0644)"),
            None => "the file has no exec bit in the image (COPY keeps the build-context mode; no `--chmod` or `RUN chmod +x`)".to_string(),
        };
        // The owner to give the file to is the user the process runs as (its name or uid as
        // written, without a group).
        let owner = p.group.user.as_deref().and_then(|u| u.split(':').next()).unwrap_or("<user>");
        let chown_help = format!(
            "Give the file to the user that runs it (`COPY --chown={owner} --chmod=0700`), or let others execute it (`--chmod=0755`)"
        );
        let (msg, sev, exit, symptom, help): (_, _, _, _, &str) = if *direct {
            (
                format!(
                    "{} executes `{name}` ({}) directly, but {src}: {}",
                    p.who(),
                    fact.path,
                    p.start_failure()
                        .replace("`docker run` gives 127", "`docker run` gives 126")
                        .replace("(exit 127; 126 when the file is not executable)", "(exit 126)")
                ),
                start_severity(p.kind),
                p.start_exit(true),
                start_symptom(p.kind, name, false),
                if dir {
                    "Name the executable inside the directory (e.g. `/app/server`), not the directory"
                } else if fact.denied.is_some() {
                    &chown_help
                } else if fact.mounted.is_some() {
                    "Set `defaultMode: 0755` (or `items[].mode: 0755`) on the volume, or run it as `sh /path/script.sh`"
                } else {
                    "Use `COPY --chmod=755`, or `RUN chmod +x` the file, or run it through its interpreter (`sh script.sh`)"
                },
            )
        } else {
            (
                format!(
                    "{} runs `{name}` ({}) from a shell, but {src}: {}",
                    p.who(),
                    fact.path,
                    p.run_failure(126)
                ),
                Severity::Error,
                p.kind.run_exit(126),
                format!("sh: 1: {name}: Permission denied"),
                if dir {
                    "Name the executable inside the directory (e.g. `/app/server`), not the directory"
                } else if fact.denied.is_some() {
                    &chown_help
                } else if fact.mounted.is_some() {
                    "Set `defaultMode: 0755` on the volume, or run it as `sh /path/script.sh`"
                } else {
                    "Use `COPY --chmod=755`, or `RUN chmod +x` the file"
                },
            )
        };
        let f = finding(p, &RULE, *span, msg)
            .severity(sev)
            .exit_code(exit)
            .symptom(symptom)
            .help(help.to_string());
        Some(fact_label(f, fact))
    });
}
