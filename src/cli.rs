//! Command-line interface. Exit codes: 0 nothing at or above --fail-level, 1 findings at or above
//! it, 2 usage errors or an explicitly named path that cannot be read.

use crate::config::Config;
use crate::discover::{self, Kind};
use crate::finding::Severity;
use crate::lint;
use crate::output::{self, Summary};
use crate::project::{Input, Project};
use crate::rules::{self, RULES};
use clap::{Parser, Subcommand, ValueEnum};
use std::io::{Read, Write};
use std::path::PathBuf;

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
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Lint manifests and Dockerfiles (files or directories; `-` reads stdin).
    Lint(LintArgs),
    /// List every rule: code, name, default severity, exit code, summary.
    Rules,
    /// Print the documentation of a rule (`kexit explain KX101`).
    Explain {
        /// A rule code or name.
        topic: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Concise,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Level {
    Info,
    Warning,
    Error,
    /// Never fail on findings.
    None,
}

#[derive(clap::Args, Debug)]
pub struct LintArgs {
    /// Files or directories to lint (default `.`); `-` reads one file from stdin.
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Exit 1 when a finding at or above this severity is reported.
    #[arg(long, value_enum, default_value_t = Level::Error)]
    pub fail_level: Level,
    /// Skip paths matching this glob (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Name of the file read from stdin (selects manifest or Dockerfile, and is used in output).
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<String>,
    /// Largest file to read, in bytes; larger files are reported, not read.
    #[arg(long, value_name = "BYTES", default_value_t = 10 * 1024 * 1024)]
    pub max_file_size: u64,
    /// Print nothing but findings (no summary line).
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// Write to stdout; a closed pipe is not an error.
fn emit(s: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(s.as_bytes()).and_then(|_| out.flush());
}

pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    match cli.command {
        Command::Lint(args) => run_lint(args),
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
        Command::Explain { topic } => match rules::by_code(&topic) {
            Some(r) => {
                emit(r.doc);
                0
            }
            None => {
                eprintln!("kexit: no rule or topic named `{topic}` (see `kexit rules`)");
                2
            }
        },
    }
}

fn run_lint(args: LintArgs) -> i32 {
    let config = Config {
        max_file_size: args.max_file_size,
        ..Config::default()
    };
    let excludes = match discover::build_excludes(&args.exclude) {
        Ok(g) => g,
        Err(e) => {
            eprintln!("kexit: {e}");
            return 2;
        }
    };
    let mut paths = args.paths.clone();
    if paths.is_empty() {
        paths.push(PathBuf::from("."));
    }
    let mut inputs = Vec::new();
    let mut usage_error = false;
    let (stdin_paths, fs_paths): (Vec<_>, Vec<_>) =
        paths.into_iter().partition(|p| p.as_os_str() == "-");
    if !stdin_paths.is_empty() {
        let mut buf = Vec::new();
        if let Err(e) = std::io::stdin()
            .take(config.max_file_size + 1)
            .read_to_end(&mut buf)
        {
            eprintln!("kexit: cannot read stdin: {e}");
            return 2;
        }
        let name = args
            .stdin_filename
            .clone()
            .unwrap_or_else(|| "<stdin>".to_string());
        let kind = discover::classify(std::path::Path::new(&name)).unwrap_or(Kind::Manifest);
        let text = String::from_utf8_lossy(&buf).into_owned();
        inputs.push(Input::Text { name, kind, text });
    }
    let found = discover::discover(&fs_paths, &excludes);
    for (p, e) in &found.missing {
        eprintln!("kexit: {}: {e}", p.display());
        usage_error = true;
    }
    let files = found.files.len() + inputs.len();
    inputs.extend(found.files.into_iter().map(Input::Path));
    let project = Project::load(inputs, config);
    let outcome = lint::lint(project);
    let summary = Summary::new(files, outcome.documents, &outcome.findings);
    let text = match args.format {
        Format::Json => output::json::render(&outcome.project, &outcome.findings, summary),
        Format::Concise | Format::Human => {
            let mut s = output::concise::render(&outcome.project, &outcome.findings);
            if !args.quiet && args.format == Format::Human {
                s.push_str(&format!(
                    "{} files, {} documents: {} errors, {} warnings, {} infos\n",
                    summary.files,
                    summary.documents,
                    summary.errors,
                    summary.warnings,
                    summary.infos
                ));
            }
            s
        }
    };
    emit(&text);
    if usage_error {
        return 2;
    }
    let threshold = match args.fail_level {
        Level::Info => Some(Severity::Info),
        Level::Warning => Some(Severity::Warning),
        Level::Error => Some(Severity::Error),
        Level::None => None,
    };
    match threshold {
        Some(t) if outcome.findings.iter().any(|f| f.severity >= t) => 1,
        _ => 0,
    }
}
