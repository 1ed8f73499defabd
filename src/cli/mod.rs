//! Command-line interface. Exit codes: 0 nothing at or above the fail level, 1 findings at or
//! above it, 2 usage errors, configuration errors, or an explicitly named path that cannot be
//! read.

use crate::finding::Severity;
use crate::lint;
use crate::output::{self, human, Summary};
use crate::render;
use crate::rules::RULES;
use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

mod load;
pub mod man;

pub use load::find_root;
use load::{load, Loaded};

#[derive(Parser, Debug)]
#[command(
    name = "kexit",
    version,
    about = "Predicts which Kubernetes containers will die with exit 127 or 137, before deploy",
    long_about = None
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// When to colour the output (NO_COLOR and CLICOLOR_FORCE are honoured with `auto`).
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto, global = true)]
    pub color: ColorWhen,
}

#[derive(Subcommand, Debug)]
#[allow(clippy::large_enum_variant)] // parsed once
pub enum Command {
    /// Lint manifests and Dockerfiles (files or directories; `-` reads stdin).
    Lint(LintArgs),
    /// Show, for every process kexit models (containers, exec probes, exec hooks), its image and
    /// how it was resolved, its argv, PATH and user, and whether argv[0] and each interpreter
    /// are present, absent or unknown, and why.
    Inspect(InspectArgs),
    /// List every rule: code, name, default severity, exit code, summary.
    Rules,
    /// Explain an exit code (`kexit explain 137`), a rule (`kexit explain KX201`), a pod dump
    /// (`kexit explain --pod pod.yaml`), or list QoS classes (`kexit explain --qos DIR`).
    Explain(crate::explain::ExplainArgs),
    /// Print a shell completion script (`kexit completions bash > /etc/bash_completion.d/kexit`).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print a man page (roff): `kexit man > kexit.1`, `kexit man lint > kexit-lint.1`, or
    /// `kexit man --dir DIR` to write them all.
    Man(man::ManArgs),
}

/// The clap command (for man pages and completions).
pub fn command() -> clap::Command {
    Cli::command()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Source snippets with the exit code, runtime message and fix (default).
    Human,
    /// One line per finding: `path:line:col: CODE severity: message`.
    Concise,
    /// Machine-readable JSON (version 1).
    Json,
    /// SARIF 2.1.0 (GitHub code scanning and other SARIF viewers).
    Sarif,
    /// GitHub Actions workflow commands (annotations on the pull request).
    Github,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Level {
    Info,
    #[value(alias = "warn")]
    Warning,
    Error,
    /// Never fail on findings.
    None,
}

#[derive(clap::Args, Debug)]
pub struct LintArgs {
    /// Files or directories to lint (default `.`); `-` reads one file from stdin.
    pub paths: Vec<PathBuf>,
    /// Output format; repeat it with --output to write several reports in one run
    /// (the n-th --format goes to the n-th --output; a format without one goes to stdout).
    #[arg(long, short = 'f', value_enum)]
    pub format: Vec<Format>,
    /// Write the report to FILE instead of stdout (pairs with --format, in order).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Vec<PathBuf>,
    /// Exit 1 when a finding at or above this severity is reported [default: the config's
    /// `fail-level`, else error].
    #[arg(long, value_enum)]
    pub fail_level: Option<Level>,
    /// Skip paths matching this glob (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Name of the file read from stdin (selects manifest or Dockerfile, and is used in output).
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<String>,
    /// Largest file to read, in bytes (`10Mi`, `512k` accepted); larger files are reported, not
    /// read [default: 10 MiB].
    #[arg(long, value_name = "BYTES", value_parser = crate::config::parse_cap)]
    pub max_file_size: Option<u64>,
    /// Print nothing but findings (no summary line).
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Run only these rules (codes or names; repeatable or comma-separated).
    #[arg(long, value_name = "CODE", value_delimiter = ',')]
    pub select: Vec<String>,
    /// Switch these rules off (codes or names; repeatable or comma-separated).
    #[arg(long, value_name = "CODE", value_delimiter = ',')]
    pub disable: Vec<String>,
    /// Use this configuration file instead of searching for `.kexit.yaml`.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Ignore any `.kexit.yaml`: built-in defaults only.
    #[arg(long)]
    pub no_config: bool,
    /// Make inline suppressions (comments, annotations) inert, as `strict: true` does.
    #[arg(long)]
    pub strict: bool,
    /// Also list the findings that suppressions silenced, with their reasons.
    #[arg(long)]
    pub show_suppressed: bool,
    /// Print the number of findings per rule.
    #[arg(long)]
    pub statistics: bool,
    /// Load the manifests and Dockerfiles under DIR as context (cross-file references) while
    /// reporting only on the paths given. Default when only files are given: the nearest
    /// ancestor holding `.git` or `.kexit.yaml`.
    #[arg(long, value_name = "DIR", conflicts_with = "no_context")]
    pub context: Option<PathBuf>,
    /// Lint only the paths given, without loading the rest of the repository as context.
    #[arg(long)]
    pub no_context: bool,
    /// Take the repository context from git's index (the files the next commit holds) instead
    /// of walking the working tree: untracked files are not context, and a filter of each staged
    /// file's contents is cached in `$XDG_CACHE_HOME/kexit`, so files that cannot matter are not
    /// opened. Files that are read are read from the working tree (pre-commit stashes unstaged
    /// changes first). The pre-commit hooks pass it. Without a readable index (not a git work
    /// tree, a merge in progress), the tree is walked.
    #[arg(long, conflicts_with = "no_context")]
    pub staged_context: bool,
    /// Neither read nor write the context cache (also `KEXIT_NO_CACHE=1`).
    #[arg(long)]
    pub no_cache: bool,
    /// Render Helm charts (`helm template`) and the kustomization directories given
    /// (`kubectl kustomize` / `kustomize build`) and lint the result, mapped back to the source
    /// files (the only subprocesses kexit runs).
    #[arg(long)]
    pub render: bool,
    /// With --render: a values file passed to every `helm template` (repeatable).
    #[arg(long = "values", value_name = "FILE")]
    pub helm_values: Vec<PathBuf>,
    /// With --render: let the renderers fetch remote bases, resources and values files
    /// (refused by default).
    #[arg(long)]
    pub render_allow_remote: bool,
    /// With --render: seconds a renderer may run before it is stopped.
    #[arg(long, value_name = "SECS", default_value_t = 60)]
    pub render_timeout: u64,
    /// Print to stderr which Dockerfile each container image was linked to, and why
    /// (config, skaffold.yaml, compose file, directory name), and which images stayed unlinked.
    #[arg(long, visible_alias = "verbose")]
    pub explain_links: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InspectFormat {
    /// One block per process (default).
    Human,
    /// Machine-readable JSON (version 1, see README).
    Json,
}

#[derive(clap::Args, Debug)]
pub struct InspectArgs {
    /// Files or directories to inspect (default `.`).
    pub paths: Vec<PathBuf>,
    #[arg(long, short = 'f', value_enum, default_value_t = InspectFormat::Human)]
    pub format: InspectFormat,
    /// Skip paths matching this glob (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Use this configuration file instead of searching for `.kexit.yaml`.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Ignore any `.kexit.yaml`: built-in defaults only.
    #[arg(long)]
    pub no_config: bool,
    /// Load the files under DIR as context (as `lint --context`).
    #[arg(long, value_name = "DIR", conflicts_with = "no_context")]
    pub context: Option<PathBuf>,
    /// Inspect only the paths given, without loading the rest of the repository.
    #[arg(long)]
    pub no_context: bool,
}

fn run_inspect(args: InspectArgs) -> i32 {
    // Load exactly as `lint` would (same discovery, config and context).
    #[derive(Parser)]
    struct Defaults {
        #[command(flatten)]
        lint: LintArgs,
    }
    let mut lint_args = match Defaults::try_parse_from(["kexit"]) {
        Ok(d) => d.lint,
        Err(_) => return 2,
    };
    lint_args.paths = args.paths;
    lint_args.exclude = args.exclude;
    lint_args.config = args.config;
    lint_args.no_config = args.no_config;
    lint_args.context = args.context;
    lint_args.no_context = args.no_context;
    let loaded = match load(&lint_args) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let model = crate::model::Model::build(&loaded.project);
    let mut reports = crate::inspect::inspect(&model);
    // Only the files given (context files are read, not reported).
    reports.retain(|r| {
        loaded
            .project
            .files
            .iter()
            .find(|f| f.path == r.file)
            .is_none_or(|f| f.report)
    });
    match args.format {
        InspectFormat::Human => emit_text(&crate::inspect::render_human(&reports)),
        InspectFormat::Json => emit(&crate::inspect::render_json(&reports)),
    }
    if loaded.usage_error {
        2
    } else {
        0
    }
}

fn render_error(dir: &Path, e: render::RunError) -> String {
    match e {
        render::RunError::NotFound => format!(
            "--render needs `kubectl` or `kustomize` on PATH to render {} (neither found); run without --render to lint the files as they are",
            dir.display()
        ),
        render::RunError::Failed(why) => why,
    }
}

/// Write to stdout; a closed pipe is not an error (the reader stopped reading), any other
/// write error (a full disk: `> /dev/full`) is reported and remembered for the exit code.
fn emit(s: &str) {
    let mut out = std::io::stdout().lock();
    stdout_written(out.write_all(s.as_bytes()).and_then(|_| out.flush()));
}

/// What [`emit`] does with the outcome of a write to stdout.
fn stdout_written(r: std::io::Result<()>) {
    if let Err(e) = r {
        if e.kind() != std::io::ErrorKind::BrokenPipe
            && !WRITE_FAILED.swap(true, std::sync::atomic::Ordering::Relaxed)
        {
            eprintln!("kexit: cannot write to stdout: {e}");
        }
    }
}

/// Set when a write to stdout failed: the run exits 2.
static WRITE_FAILED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Like [`emit`], for human-readable text that may hold file contents (src/text.rs).
fn emit_text(s: &str) {
    emit(&crate::text::escape(s));
}

fn stdout_color(when: ColorWhen) -> bool {
    match when {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => !matches!(
            anstream::AutoStream::choice(&std::io::stdout()),
            anstream::ColorChoice::Never
        ),
    }
}

pub fn main() -> i32 {
    let code = run_cli();
    if WRITE_FAILED.load(std::sync::atomic::Ordering::Relaxed) {
        return 2;
    }
    code
}

fn run_cli() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    let color = cli.color;
    match cli.command {
        Command::Lint(args) => run_lint(args, color),
        Command::Inspect(args) => run_inspect(args),
        Command::Rules => {
            let mut s = String::new();
            for r in RULES {
                let code = r.exit_code.map_or("-".to_string(), |c| c.to_string());
                s.push_str(&format!(
                    "{:<6} {:<34} {:<8} {:<4} {}\n",
                    r.code,
                    r.name,
                    r.severity.as_str(),
                    code,
                    r.summary
                ));
            }
            emit(&s);
            0
        }
        Command::Explain(args) => {
            let out = crate::explain::Output {
                tty: std::io::stdout().is_terminal(),
                color: stdout_color(color),
                width: crate::text::wrap_width(),
            };
            let write = |s: &str, coloured: bool| {
                if coloured {
                    emit(&crate::text::escape_keep_colors(s));
                } else {
                    emit_text(s);
                }
            };
            crate::explain::run(args, &write, out)
        }
        Command::Completions { shell } => {
            let mut buf = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "kexit", &mut buf);
            emit(&String::from_utf8_lossy(&buf));
            0
        }
        Command::Man(args) => man::run(args, &emit),
    }
}

fn run_lint(args: LintArgs, color: ColorWhen) -> i32 {
    if args.output.len() > args.format.len().max(1) {
        eprintln!(
            "kexit: each --output needs a --format before it (got {} outputs for {} formats)",
            args.output.len(),
            args.format.len()
        );
        return 2;
    }
    // Two reports to one file: the second would silently replace the first.
    let mut seen = std::collections::HashSet::new();
    if let Some(dup) = args.output.iter().find(|p| {
        let lexical: PathBuf = p
            .components()
            .filter(|c| *c != std::path::Component::CurDir)
            .collect();
        !seen.insert(lexical)
    }) {
        eprintln!(
            "kexit: --output {} is given twice: each report needs a file of its own",
            crate::text::path_name(dup)
        );
        return 2;
    }
    // The image catalogue (a few ms of inflating and parsing, needed by nearly every run: any
    // container image or FROM line) is prepared on a thread of its own while the inputs are
    // read and parsed, instead of serially when the model first asks for it.
    std::thread::spawn(|| {
        crate::image::catalogue::catalogue();
    });
    let t = crate::timing::phase("gather");
    let Loaded {
        project,
        files,
        usage_error,
        rendered,
        origins,
    } = match load(&args) {
        Ok(l) => l,
        Err(code) => return code,
    };
    drop(t);
    // The process exits after the reports: the model is left to the exit (lint_before_exit).
    let t = crate::timing::phase("lint");
    let mut outcome = lint::lint_before_exit(project);
    drop(t);
    if !rendered.is_empty() {
        map_rendered(&mut outcome, &rendered, &origins);
    }
    // Documents of the reported files (context files are not counted).
    let documents = outcome
        .project
        .manifests
        .iter()
        .filter(|m| outcome.project.files.get(m.file).is_some_and(|f| f.report))
        .map(|m| m.yaml.docs.len())
        .sum();
    let mut summary = Summary::new(files, documents, &outcome.findings);
    summary.suppressed = outcome.suppressed.len();
    let show_suppressed = args
        .show_suppressed
        .then_some(outcome.suppressed.as_slice());

    // Reports: the n-th format to the n-th output, the rest to stdout.
    let formats = if args.format.is_empty() {
        vec![Format::Human]
    } else {
        args.format.clone()
    };
    let mut stdout_format = None;
    let t = crate::timing::phase("output");
    for (i, format) in formats.iter().enumerate() {
        let dest = args.output.get(i);
        let colored = dest.is_none() && stdout_color(color);
        let shown = (summary, show_suppressed);
        // Every report is written as it is made: one of 100,000 findings can be larger than
        // the run's model.
        let style = (colored, dest.is_none());
        let Some(path) = dest else {
            stdout_format.get_or_insert(*format);
            let out = std::io::BufWriter::new(std::io::stdout().lock());
            let written = write_report(*format, out, &outcome, shown, style, &args);
            stdout_written(written.and_then(|mut w| w.flush()));
            continue;
        };
        let written = std::fs::File::create(path)
            .map(std::io::BufWriter::new)
            .and_then(|out| write_report(*format, out, &outcome, shown, style, &args))
            .and_then(|mut w| w.flush());
        if let Err(e) = written {
            eprintln!("kexit: cannot write {}: {e}", crate::text::path_name(path));
            return 2;
        }
    }
    drop(t);
    if args.statistics {
        let stats = output::statistics(&outcome.findings);
        match stdout_format {
            None | Some(Format::Human) | Some(Format::Concise) => emit(&stats),
            _ => eprint!("{stats}"),
        }
    }
    if usage_error {
        return 2;
    }
    let cfg = &outcome.project.config;
    let threshold = match args.fail_level {
        Some(Level::Info) => Some(Severity::Info),
        Some(Level::Warning) => Some(Severity::Warning),
        Some(Level::Error) => Some(Severity::Error),
        Some(Level::None) => None,
        None => cfg.fail_on_findings.then_some(cfg.fail_level),
    };
    let code = match threshold {
        Some(t) if outcome.findings.iter().any(|f| f.severity >= t) => 1,
        _ => 0,
    };
    // The process exits right after this: freeing every parsed tree one by one would only cost
    // time (about 6 % of a large run, on one thread).
    std::mem::forget(outcome);
    code
}

/// Findings in rendered files: the renderer's note appended to their messages, then moved back
/// to the files their text came from ([`render::relocate`]), suppressed ones too.
fn map_rendered(
    outcome: &mut lint::Outcome,
    rendered: &HashMap<String, render::Renderer>,
    origins: &HashMap<String, render::Origin>,
) {
    let files = &outcome.project.files;
    let all = outcome
        .findings
        .iter_mut()
        .chain(outcome.suppressed.iter_mut().map(|s| &mut s.finding));
    for f in all {
        if let Some(s) = files.get(f.span.file) {
            if let Some(r) = rendered.get(&s.path) {
                f.message
                    .push_str(render::note(*r, origins.contains_key(&s.path)));
            }
        }
    }
    render::relocate(&mut outcome.project, &mut outcome.findings, origins);
    let mut moved: Vec<crate::finding::Finding> = outcome
        .suppressed
        .iter()
        .map(|s| s.finding.clone())
        .collect();
    render::relocate(&mut outcome.project, &mut moved, origins);
    for (s, f) in outcome.suppressed.iter_mut().zip(moved) {
        s.finding = f;
    }
}

/// One report in `format` written to `w` as it is made (`to_stdout`: it goes to stdout, where
/// the human format wraps), with output hygiene applied at the write edge (src/text.rs): JSON and
/// SARIF escape as JSON does, plus [`crate::text::JsonInert`] for what serde_json leaves raw
/// (bidi overrides, C1 controls, invisibles); the text formats go through
/// [`crate::text::escape_owned`] piece by piece (pieces end between findings, so no escape
/// sequence is cut). Gives `w` back.
fn write_report<W: Write>(
    format: Format,
    mut w: W,
    outcome: &lint::Outcome,
    (summary, show_suppressed): (Summary, Option<&[crate::suppress::Suppressed]>),
    (colored, to_stdout): (bool, bool),
    args: &LintArgs,
) -> std::io::Result<W> {
    let project = &outcome.project;
    let findings = outcome.findings.as_slice();
    match format {
        Format::Sarif => {
            return output::sarif::write(
                w,
                project,
                findings,
                show_suppressed,
                &project.config.doc_url,
            )
        }
        Format::Json => {
            return output::json::write_with(w, project, findings, summary, show_suppressed)
        }
        _ => {}
    }
    let keep_colors = matches!(format, Format::Human) && colored;
    let mut write =
        |text: String| w.write_all(crate::text::escape_owned(text, keep_colors).as_bytes());
    let mut sink = output::Sink::to(&mut write);
    match format {
        Format::Github => output::github::render_to(&mut sink, project, findings),
        Format::Concise => {
            output::concise::render_to(&mut sink, project, findings);
            for x in show_suppressed.unwrap_or(&[]) {
                sink.boundary();
                let one = output::concise::render(project, std::slice::from_ref(&x.finding));
                sink.buf.push_str(&format!(
                    "{} [suppressed by {}: {}]\n",
                    one.trim_end(),
                    x.by,
                    x.reason
                ));
            }
        }
        _ => {
            let opts = human::Options {
                color: colored,
                width: if to_stdout {
                    crate::text::wrap_width()
                } else {
                    None
                },
                quiet: args.quiet,
                // --statistics prints its own table.
                rule_table: !args.statistics,
            };
            human::render_to(
                &mut sink,
                project,
                findings,
                show_suppressed,
                summary,
                &opts,
            );
        }
    }
    sink.finish()?;
    Ok(w)
}
