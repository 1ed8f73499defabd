//! `kexit man`: roff manual pages, one for `kexit` and one per subcommand (`kexit-lint(1)`,
//! `kexit-explain(1)`, …), generated from the clap definition by clap_mangen, with kexit's own
//! EXIT STATUS, ENVIRONMENT and SEE ALSO sections.

use clap_mangen::roff::{bold, italic, roman, Roff};
use clap_mangen::Man;
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct ManArgs {
    /// The subcommand whose page to print (`lint`, `explain`, …); none prints kexit(1).
    pub command: Option<String>,
    /// Write every page (kexit.1, kexit-lint.1, …) into DIR instead of printing one.
    #[arg(long, value_name = "DIR", conflicts_with = "command")]
    pub dir: Option<PathBuf>,
}

/// Exit codes, per page (`None`: the top-level page).
fn exit_status(sub: Option<&str>) -> Vec<(&'static str, &'static str)> {
    match sub {
        Some("lint") | None => vec![
            ("0", "no finding at or above the fail level (--fail-level, the configuration's fail-level, else error)."),
            ("1", "at least one finding at or above the fail level."),
            ("2", "usage error, invalid configuration, an explicitly named path that cannot be read, a failed --render, or (with --strict) a named path holding no manifest or Dockerfile."),
        ],
        Some("explain") => vec![
            ("0", "the explanation was printed."),
            ("2", "usage error: unknown rule or topic, an exit code outside 0 to 255, an unreadable --pod file."),
        ],
        Some("man") => vec![
            ("0", "the page(s) were written."),
            ("2", "unknown subcommand, or DIR cannot be written."),
        ],
        Some(_) => vec![("0", "success."), ("2", "usage error.")],
    }
}

fn environment(sub: Option<&str>) -> Vec<(&'static str, &'static str)> {
    let mut v = vec![
        (
            "NO_COLOR",
            "when set (to anything non-empty) and --color is auto, no colour is used.",
        ),
        (
            "CLICOLOR_FORCE",
            "when set and --color is auto, colour is used even when stdout is not a terminal.",
        ),
    ];
    if matches!(sub, Some("lint") | Some("explain") | None) {
        v.push((
            "COLUMNS",
            "the width human output (and kexit explain) is wrapped to, on word boundaries; when unset, the terminal's width is used, and output written to a pipe or file is not wrapped.",
        ));
    }
    if matches!(sub, Some("explain") | None) {
        v.push((
            "LC_ALL, LC_MESSAGES, LANG",
            "the first one set and non-empty selects the language of kexit explain: a value starting with zh prints Chinese, anything else English (--lang wins).",
        ));
    }
    v
}

fn section(roff: &mut Roff, title: &str, items: &[(&str, &str)]) {
    roff.control("SH", [title]);
    for (k, v) in items {
        roff.control("TP", []);
        roff.text([bold(*k)]);
        roff.text([roman(*v)]);
    }
}

/// The page of `sub` (None: kexit itself), as roff.
pub fn page(sub: Option<&str>) -> Result<String, String> {
    let mut top = super::command();
    top.build();
    let cmd = match sub {
        None => top.clone(),
        Some(name) => top
            .find_subcommand(name)
            .cloned()
            .ok_or_else(|| format!("no subcommand `{name}` (see `kexit --help`)"))?,
    };
    let version = env!("CARGO_PKG_VERSION");
    let man = Man::new(cmd.clone())
        .source(format!("kexit {version}"))
        .manual("kexit manual");
    let mut buf = Vec::new();
    let render = |buf: &mut Vec<u8>| -> std::io::Result<()> {
        man.render_title(buf)?;
        man.render_name_section(buf)?;
        man.render_synopsis_section(buf)?;
        man.render_description_section(buf)?;
        if cmd.get_arguments().any(|a| !a.is_hide_set()) {
            man.render_options_section(buf)?;
        }
        if cmd.has_subcommands() {
            man.render_subcommands_section(buf)?;
        }
        let mut roff = Roff::default();
        section(&mut roff, "EXIT STATUS", &exit_status(sub));
        section(&mut roff, "ENVIRONMENT", &environment(sub));
        roff.control("SH", ["SEE ALSO"]);
        let mut see: Vec<String> = Vec::new();
        if sub.is_some() {
            see.push("kexit(1)".into());
        }
        for s in top.get_subcommands().filter(|s| !s.is_hide_set()) {
            if Some(s.get_name()) != sub && s.get_name() != "help" {
                see.push(format!("kexit-{}(1)", s.get_name()));
            }
        }
        roff.text([
            roman(format!("{}. Rule documentation: ", see.join(", "))),
            italic("kexit rules"),
            roman(", "),
            italic("kexit explain KX101"),
            roman("."),
        ]);
        roff.control("SH", ["VERSION"]);
        roff.text([roman(format!("v{version}"))]);
        roff.to_writer(buf)
    };
    render(&mut buf).map_err(|e| e.to_string())?;
    // Each section is rendered with roff's two-line preamble: keep the first one only.
    let text = String::from_utf8_lossy(&buf);
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.lines().enumerate() {
        if i >= 2 && (line.starts_with(".ie \\n(.g .ds Aq") || line.starts_with(".el .ds Aq")) {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    Ok(out)
}

/// Every page: (file name, roff).
pub fn all_pages() -> Result<Vec<(String, String)>, String> {
    let mut top = super::command();
    top.build();
    let mut pages = vec![("kexit.1".to_string(), page(None)?)];
    for s in top.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = s.get_name();
        if name == "help" {
            continue;
        }
        pages.push((format!("kexit-{name}.1"), page(Some(name))?));
    }
    Ok(pages)
}

/// Entry point for `kexit man`; returns the process exit code.
pub fn run(args: ManArgs, emit: &dyn Fn(&str)) -> i32 {
    if let Some(dir) = &args.dir {
        return match write_all(dir) {
            Ok(paths) => {
                for p in paths {
                    eprintln!("kexit: wrote {}", crate::text::path_name(&p));
                }
                0
            }
            Err(e) => {
                eprintln!("kexit: {e}");
                2
            }
        };
    }
    match page(args.command.as_deref()) {
        Ok(t) => {
            emit(&t);
            0
        }
        Err(e) => {
            eprintln!("kexit: {e}");
            2
        }
    }
}

fn write_all(dir: &Path) -> Result<Vec<PathBuf>, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut out = Vec::new();
    for (name, text) in all_pages()? {
        let p = dir.join(name);
        std::fs::write(&p, text).map_err(|e| format!("{}: {e}", p.display()))?;
        out.push(p);
    }
    Ok(out)
}
