//! `parse-dockerfile`'s instructions converted into the owned model (words unquoted as
//! BuildKit reads them, flags, commands, ENV/ARG arguments, COPY/ADD sources).

use super::{
    expand, ArgDef, Command, CommandArgs, CopySource, DockerError, Dockerfile, Flag, From,
    InstKind, Instruction, Str,
};

fn us(u: &parse_dockerfile::UnescapedString<'_>) -> Str {
    Str {
        value: u.value.to_string(),
        span: u.span.clone(),
    }
}

/// A Dockerfile word (a path, a stage name, a user) as BuildKit reads it: quotes removed and
/// escapes resolved ([`expand::unquote`]); variables are left for [`expand::expand`].
fn word(u: &parse_dockerfile::UnescapedString<'_>, escape: char) -> Str {
    Str {
        value: expand::unquote(&u.value, escape),
        span: u.span.clone(),
    }
}

/// Instruction flags; values lose their quotes as in BuildKit's `extractBuilderFlags`
/// (`--from="builder"` names the stage `builder`).
fn flags(fs: &[parse_dockerfile::Flag<'_>], escape: char) -> Vec<Flag> {
    fs.iter()
        .map(|f| Flag {
            name: f.name.value.to_ascii_lowercase(),
            value: f.value.as_ref().map(|v| expand::unquote(&v.value, escape)),
            span: f.span(),
        })
        .collect()
}

fn command(c: &parse_dockerfile::Command<'_>) -> Command {
    match c {
        parse_dockerfile::Command::Exec(a) => Command {
            args: CommandArgs::Exec(a.value.iter().map(us).collect()),
            span: a.span.clone(),
            invalid_json: false,
            non_string_json: false,
        },
        parse_dockerfile::Command::Shell(s) => {
            let text = s.value;
            let trimmed = text.trim();
            let mut invalid_json = false;
            let mut non_string_json = false;
            if trimmed.starts_with('[') {
                match serde_json::from_str::<serde_json::Value>(trimmed) {
                    Ok(serde_json::Value::Array(items)) => {
                        if items.iter().any(|i| !i.is_string()) {
                            non_string_json = true;
                        }
                    }
                    _ => invalid_json = trimmed.ends_with(']') || trimmed.contains(','),
                }
            }
            Command {
                args: CommandArgs::Shell(Str {
                    value: text.to_string(),
                    span: s.span.clone(),
                }),
                span: s.span.clone(),
                invalid_json,
                non_string_json,
            }
        }
        _ => Command {
            args: CommandArgs::Shell(Str::default()),
            span: 0..0,
            invalid_json: false,
            non_string_json: false,
        },
    }
}

/// `ENV` arguments: `K=V K2="v 2"` or the legacy `K V…` form.
pub fn parse_env(args: &str) -> Vec<(String, String)> {
    let a = args.trim();
    let first_ws = a.find(char::is_whitespace);
    let first_eq = a.find('=');
    let legacy = match (first_eq, first_ws) {
        (None, _) => true,
        (Some(e), Some(w)) => w < e,
        _ => false,
    };
    if legacy {
        return match a.split_once(char::is_whitespace) {
            Some((k, v)) => vec![(k.to_string(), v.trim().to_string())],
            None => vec![(a.to_string(), String::new())],
        };
    }
    words(a)
        .into_iter()
        .filter_map(|w| {
            let (k, v) = w.split_once('=')?;
            Some((k.to_string(), v.to_string()))
        })
        .collect()
}

/// Split on unquoted whitespace, removing quotes and backslash escapes (Dockerfile word rules).
pub fn words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut has = false;
    let mut q: Option<char> = None;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match (q, c) {
            (None, c) if c.is_whitespace() => {
                if has {
                    out.push(std::mem::take(&mut cur));
                    has = false;
                }
            }
            (None, '"' | '\'') => {
                q = Some(c);
                has = true;
            }
            (Some(qc), c) if c == qc => q = None,
            (Some('\''), c) => cur.push(c),
            (_, '\\') => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
                has = true;
            }
            (_, c) => {
                cur.push(c);
                has = true;
            }
        }
    }
    if has {
        out.push(cur);
    }
    out
}

fn parse_args(a: &parse_dockerfile::UnescapedString<'_>) -> Vec<ArgDef> {
    words(&a.value)
        .into_iter()
        .map(|w| match w.split_once('=') {
            Some((k, v)) => ArgDef {
                name: k.to_string(),
                default: Some(v.to_string()),
                span: a.span.clone(),
            },
            None => ArgDef {
                name: w,
                default: None,
                span: a.span.clone(),
            },
        })
        .collect()
}

/// Extend an end offset to the end of its line (before the line break).
fn to_line_end(t: &str, end: usize) -> usize {
    let b = t.as_bytes();
    let mut e = end.min(b.len());
    while e < b.len() && b[e] != b'\n' && b[e] != b'\r' {
        e += 1;
    }
    e
}

pub(super) fn convert(d: &mut Dockerfile, text: &str, p: &parse_dockerfile::Dockerfile<'_>) {
    use parse_dockerfile::Instruction as I;
    if let Some(esc) = &p.parser_directives.escape {
        d.escape = esc.value.value;
    }
    for ins in &p.instructions {
        let (keyword, start, end, kind): (&'static str, usize, usize, InstKind) = match ins {
            I::From(f) => {
                if d.stages.len() >= crate::budget::MAX_STAGES {
                    if d.stages_over.is_none() {
                        let start = f.from.span.start;
                        d.stages_over = Some(start..to_line_end(text, start));
                    }
                } else {
                    push_stage(d, text, f);
                }
                continue;
            }
            I::Arg(a) => (
                "ARG",
                a.arg.span.start,
                a.arguments.span.end,
                InstKind::Arg(parse_args(&a.arguments)),
            ),
            I::Run(r) => run(r, d.escape),
            I::Cmd(c) => {
                let cmd = command(&c.arguments);
                ("CMD", c.cmd.span.start, cmd.span.end, InstKind::Cmd(cmd))
            }
            I::Entrypoint(c) => {
                let cmd = command(&c.arguments);
                (
                    "ENTRYPOINT",
                    c.entrypoint.span.start,
                    cmd.span.end,
                    InstKind::Entrypoint(cmd),
                )
            }
            I::Healthcheck(h) => healthcheck(h),
            I::Copy(c) => copy(
                false,
                c.copy.span.start,
                &c.options,
                &c.src,
                &c.dest,
                d.escape,
            ),
            I::Add(c) => copy(
                true,
                c.add.span.start,
                &c.options,
                &c.src,
                &c.dest,
                d.escape,
            ),
            I::Env(e) => (
                "ENV",
                e.env.span.start,
                e.arguments.span.end,
                InstKind::Env(parse_env(&e.arguments.value)),
            ),
            I::Workdir(w) => (
                "WORKDIR",
                w.workdir.span.start,
                w.arguments.span.end,
                InstKind::Workdir(word(&w.arguments, d.escape)),
            ),
            I::User(u) => (
                "USER",
                u.user.span.start,
                u.arguments.span.end,
                InstKind::User(word(&u.arguments, d.escape)),
            ),
            I::Shell(s) => {
                let end = s.arguments.last().map_or(s.shell.span.end, |a| a.span.end);
                (
                    "SHELL",
                    s.shell.span.start,
                    end,
                    InstKind::Shell(s.arguments.iter().map(us).collect()),
                )
            }
            I::Stopsignal(s) => (
                "STOPSIGNAL",
                s.stopsignal.span.start,
                s.arguments.span.end,
                InstKind::Stopsignal(word(&s.arguments, d.escape)),
            ),
            I::Expose(e) => (
                "EXPOSE",
                e.expose.span.start,
                e.expose.span.end,
                InstKind::Other,
            ),
            I::Label(l) => (
                "LABEL",
                l.label.span.start,
                l.label.span.end,
                InstKind::Other,
            ),
            I::Volume(v) => (
                "VOLUME",
                v.volume.span.start,
                v.volume.span.end,
                InstKind::Other,
            ),
            I::Maintainer(m) => (
                "MAINTAINER",
                m.maintainer.span.start,
                m.maintainer.span.end,
                InstKind::Other,
            ),
            I::Onbuild(o) => (
                {
                    check_onbuild(d, text, o);
                    "ONBUILD"
                },
                o.onbuild.span.start,
                o.onbuild.span.end,
                InstKind::Other,
            ),
            _ => continue,
        };
        let inst = Instruction {
            keyword,
            span: start..to_line_end(text, end.max(start)),
            kind,
        };
        if d.stages_over.is_some() {
            // Past the stage cap: the stage this belongs to is not modelled.
            continue;
        }
        match d.stages.last_mut() {
            Some(s) => s.instructions.push(inst),
            None => {
                if let InstKind::Arg(a) = inst.kind {
                    d.global_args.extend(a);
                }
            }
        }
    }
    // The model keeps every Dockerfile for the whole run: no spare capacity from the pushes.
    for s in &mut d.stages {
        s.instructions.shrink_to_fit();
    }
    d.stages.shrink_to_fit();
}

/// A FROM: a new stage (its name lowercased).
fn push_stage(d: &mut Dockerfile, text: &str, f: &parse_dockerfile::FromInstruction<'_>) {
    let platform = f
        .options
        .iter()
        .find(|o| o.name.value.eq_ignore_ascii_case("platform"))
        .and_then(|o| o.value.as_ref().map(|v| word(v, d.escape)));
    let name = f.as_.as_ref().map(|(_, n)| Str {
        value: n.value.to_ascii_lowercase(),
        span: n.span.clone(),
    });
    let end = name
        .as_ref()
        .map_or(f.image.span.end, |n| n.span.end.max(f.image.span.end));
    let image = word(&f.image, d.escape);
    d.push_stage(From {
        image,
        platform,
        name,
        span: f.from.span.start..to_line_end(text, end),
    });
}

/// A RUN: its command, heredoc bodies and flags; it ends where its last heredoc does.
fn run(
    r: &parse_dockerfile::RunInstruction<'_>,
    escape: char,
) -> (&'static str, usize, usize, InstKind) {
    let c = command(&r.arguments);
    let heredocs: Vec<Str> = r
        .here_docs
        .iter()
        .map(|h| Str {
            value: h.value.to_string(),
            span: h.span.clone(),
        })
        .collect();
    let end = heredocs
        .iter()
        .map(|h| h.span.end)
        .fold(c.span.end, usize::max);
    (
        "RUN",
        r.run.span.start,
        end,
        InstKind::Run {
            flags: flags(&r.options, escape),
            command: c,
            heredocs,
        },
    )
}

/// A HEALTHCHECK: its command, or `NONE`.
fn healthcheck(
    h: &parse_dockerfile::HealthcheckInstruction<'_>,
) -> (&'static str, usize, usize, InstKind) {
    match &h.arguments {
        parse_dockerfile::HealthcheckArguments::Cmd { arguments, .. } => {
            let cmd = command(arguments);
            (
                "HEALTHCHECK",
                h.healthcheck.span.start,
                cmd.span.end,
                InstKind::Healthcheck(Some(cmd)),
            )
        }
        parse_dockerfile::HealthcheckArguments::None { none, .. } => (
            "HEALTHCHECK",
            h.healthcheck.span.start,
            none.span.end,
            InstKind::Healthcheck(None),
        ),
        _ => (
            "HEALTHCHECK",
            h.healthcheck.span.start,
            h.healthcheck.span.end,
            InstKind::Other,
        ),
    }
}

/// The ONBUILD triggers BuildKit rejects in the image that declares them are errors.
fn check_onbuild(d: &mut Dockerfile, text: &str, o: &parse_dockerfile::OnbuildInstruction<'_>) {
    use parse_dockerfile::Instruction as I;
    // BuildKit (instructions/parse.go, parseOnBuild) rejects these triggers in
    // the image that declares them; any other trigger is parsed only when a
    // child image builds.
    let bad = match &*o.instruction {
        I::From(_) => Some("FROM"),
        I::Maintainer(_) => Some("MAINTAINER"),
        I::Onbuild(_) => Some("ONBUILD"),
        _ => None,
    };
    if let Some(k) = bad {
        let start = o.onbuild.span.start;
        d.errors.push(DockerError {
            span: start..to_line_end(text, start),
            message: if k == "ONBUILD" {
                "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed".to_string()
            } else {
                format!("{k} isn't allowed as an ONBUILD trigger")
            },
        });
    }
}

fn copy(
    add: bool,
    start: usize,
    options: &[parse_dockerfile::Flag<'_>],
    src: &[parse_dockerfile::Source<'_>],
    dest: &parse_dockerfile::UnescapedString<'_>,
    escape: char,
) -> (&'static str, usize, usize, InstKind) {
    let sources: Vec<CopySource> = src
        .iter()
        .filter_map(|s| match s {
            parse_dockerfile::Source::Path(p) => Some(CopySource::Path(word(p, escape))),
            parse_dockerfile::Source::HereDoc(h) => Some(CopySource::Heredoc {
                body: h.value.to_string(),
                span: h.span.clone(),
            }),
            _ => None,
        })
        .collect();
    let end = sources
        .iter()
        .map(|s| match s {
            CopySource::Path(p) => p.span.end,
            CopySource::Heredoc { span, .. } => span.end,
        })
        .fold(dest.span.end, usize::max);
    (
        if add { "ADD" } else { "COPY" },
        start,
        end,
        InstKind::Copy {
            add,
            flags: flags(options, escape),
            sources,
            dest: word(dest, escape),
        },
    )
}
