//! Loading for `lint` and `inspect`: the configuration, the paths and stdin named on the command
//! line, discovery, `--render`, and the repository context, into one [`Project`].

use super::{render_error, LintArgs};
use crate::config::{self, Config};
use crate::discover::{self, Found, Kind};
use crate::project::{Input, Project};
use crate::render::{self, Renderer};
use crate::rules::{self, RULES};
use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};

/// Load the configuration: `--config`, else `.kexit.yaml` in the working directory or above.
pub(super) fn load_config(args: &LintArgs) -> Result<Config, String> {
    let mut cfg = if args.no_config {
        Config::default()
    } else if let Some(p) = &args.config {
        Config::load(p).map_err(|e| e.to_string())?
    } else {
        match config::find_config(Path::new(".")) {
            Some(p) => {
                // Show the path relative to the working directory when it is below it.
                let shown = std::env::current_dir()
                    .ok()
                    .and_then(|c| std::fs::canonicalize(c).ok())
                    .and_then(|c| p.strip_prefix(&c).ok().map(Path::to_path_buf))
                    .unwrap_or_else(|| p.clone());
                Config::load(&shown).map_err(|e| e.to_string())?
            }
            None => Config::default(),
        }
    };
    if let Some(m) = args.max_file_size {
        cfg.max_file_size = m;
    }
    cfg.roots = linted_roots(args);
    if args.strict {
        cfg.strict = true;
    }
    let code_of = |c: &str| {
        rules::by_code(c)
            .map(|r| r.code)
            .ok_or_else(|| format!("kexit: unknown rule `{c}` (see `kexit rules`)"))
    };
    let mut selected = Vec::new();
    for c in &args.select {
        selected.push(code_of(c)?);
    }
    if !selected.is_empty() {
        for r in RULES {
            if !selected.contains(&r.code) && !cfg.disabled.iter().any(|d| d == r.code) {
                cfg.disabled.push(r.code.to_string());
            }
        }
        cfg.disabled.retain(|d| !selected.contains(&d.as_str()));
    }
    for c in &args.disable {
        let code = code_of(c)?;
        if !cfg.disabled.iter().any(|d| d == code) {
            cfg.disabled.push(code.to_string());
        }
    }
    Ok(cfg)
}

/// The linted tree: each directory named (each named file's directory), the repository
/// holding it (`.git` or a kexit configuration file), and `--context`. Only files inside it are
/// read through symbolic links.
fn linted_roots(args: &LintArgs) -> Vec<PathBuf> {
    let mut roots = Vec::new();
    let mut named: Vec<&Path> = args
        .paths
        .iter()
        .map(PathBuf::as_path)
        .filter(|p| p.as_os_str() != "-")
        .chain(args.context.as_deref())
        .collect();
    if named.is_empty() {
        named.push(Path::new("."));
    }
    // In chunks on the thread pool, each with its own memo of resolved directories and
    // their ancestors (a run naming 2,000 files in sibling directories resolves each
    // directory and its markers once).
    use rayon::prelude::*;
    let found: Vec<Vec<PathBuf>> = named
        .par_chunks(64)
        .map(|chunk| {
            let mut seen = HashMap::new();
            let mut canonical = crate::source::Canonical::default();
            let mut done: HashSet<&Path> = HashSet::new();
            let mut out = Vec::new();
            for p in chunk {
                let dir = if p.is_dir() {
                    p
                } else {
                    match p.parent() {
                        Some(d) if !d.as_os_str().is_empty() => d,
                        _ => Path::new("."),
                    }
                };
                if !done.insert(dir) {
                    continue;
                }
                if let Some(abs) = canonical.get(dir) {
                    out.extend(nearest_root(&abs, &mut seen));
                    out.push(abs);
                }
            }
            out
        })
        .collect();
    roots.extend(found.into_iter().flatten());
    roots.sort();
    roots.dedup();
    roots
}

/// The nearest ancestor of `start` holding `.git` or a kexit configuration file.
pub fn find_root(start: &Path) -> Option<PathBuf> {
    let abs = std::fs::canonicalize(start).ok()?;
    nearest_root(&abs, &mut HashMap::new())
}

/// [`find_root`] of a canonical directory, with the directories already looked at (a run naming
/// 2,000 files in sibling directories looks at their common ancestors once).
fn nearest_root(abs: &Path, seen: &mut HashMap<PathBuf, bool>) -> Option<PathBuf> {
    abs.ancestors()
        .find(|d| {
            if let Some(marked) = seen.get(*d) {
                return *marked;
            }
            let marked = d.join(".git").exists()
                || config::CONFIG_FILE_NAMES
                    .iter()
                    .any(|n| d.join(n).is_file());
            seen.insert(d.to_path_buf(), marked);
            marked
        })
        .map(Path::to_path_buf)
}

/// Discover and read the files `args` name (plus their repository context), as `lint` does.
/// Err carries the exit code after the error was printed.
pub(crate) fn load(args: &LintArgs) -> Result<Loaded, i32> {
    let config = match load_config(args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return Err(2);
        }
    };
    for w in &config.warnings {
        eprintln!("kexit: warning: {w}");
    }
    let excludes = match discover::build_excludes(&args.exclude) {
        Ok(g) => g,
        Err(e) => {
            eprintln!("kexit: {e}");
            return Err(2);
        }
    };
    let mut paths = args.paths.clone();
    if paths.is_empty() {
        // `--stdin-filename NAME` alone reads stdin (as ruff and eslint do): stdin is then the
        // only input, the working directory is not walked.
        paths.push(PathBuf::from(if args.stdin_filename.is_some() {
            "-"
        } else {
            "."
        }));
    }
    let mut g = Gathered::default();
    let mut usage_error = false;
    let (stdin_paths, fs_paths): (Vec<_>, Vec<_>) =
        paths.into_iter().partition(|p| p.as_os_str() == "-");
    if !stdin_paths.is_empty() {
        read_stdin(args, config.max_file_size, &mut g)?;
    }
    let t = crate::timing::phase("discover");
    let found = discover::discover(&fs_paths, &excludes);
    drop(t);
    for (p, e) in &found.missing {
        eprintln!("kexit: {}: {e}", crate::text::path_name(p));
        usage_error = true;
    }
    // Inside a walked tree: a located KX004 finding each (never a silent skip).
    for (p, why) in &found.errors {
        g.inputs.push(Input::Unreadable {
            name: p.to_string_lossy().into_owned(),
            kind: Kind::Manifest,
            why: why.clone(),
        });
    }
    // Ignore files the walk could not use in full: a located warning each.
    for problem in &found.ignore_problems {
        g.inputs.push(Input::IgnoreFile(problem.clone()));
    }
    // A directory holding nothing kexit lints is probably the wrong path (a CI step that
    // passes because it linted nothing): warn, and fail under --strict.
    for dir in fs_paths.iter().filter(|p| p.is_dir()) {
        if !found.files.iter().any(|f| f.path.starts_with(dir)) {
            eprintln!(
                "kexit: warning: no manifests or Dockerfiles found under {}",
                crate::text::path_name(dir)
            );
            if config.strict {
                usage_error = true;
            }
        }
    }
    let mut files_found = found.files;
    // Helm chart templates are Go templates: never linted as YAML (src/render.rs).
    let mut charts = render::Charts::new();
    render::take_chart_templates(&mut files_found, &mut charts);
    let limits = render::Limits {
        timeout: std::time::Duration::from_secs(args.render_timeout.max(1)),
        max_output: config.max_file_size,
    };
    let unrendered = render_charts(args, &charts, limits, &mut g);
    // --render: kustomization directories are replaced by their rendered output.
    if args.render {
        let bounds = (limits, config.max_file_size);
        render_kustomizations(args, &fs_paths, &mut files_found, bounds, &mut g)?;
    }
    // Context: when only files are given (pre-commit passes the changed ones), load the rest of
    // the repository too, reporting only on the files given.
    let cwd = std::env::current_dir()
        .ok()
        .and_then(|c| std::fs::canonicalize(c).ok());
    let only_files = !fs_paths.is_empty() && fs_paths.iter().all(|p| p.is_file());
    let context_root = context_root(args, &fs_paths, only_files)?;
    let mut context_paths: HashSet<String> = HashSet::new();
    if let Some(root) = context_root {
        // Lazy context (src/repo_context.rs): only the files that can matter are read.
        let texts: Vec<crate::repo_context::GivenText<'_>> = g
            .inputs
            .iter()
            .filter_map(|i| match i {
                Input::Text { name, kind, text } => Some(crate::repo_context::GivenText {
                    name: name.as_str(),
                    kind: *kind,
                    text: text.as_str(),
                }),
                Input::Path(_) | Input::Unreadable { .. } | Input::IgnoreFile(_) => None,
            })
            .collect();
        let ctx = crate::repo_context::select(
            &root,
            &files_found,
            &texts,
            &excludes,
            &config,
            cwd.as_deref(),
            crate::repo_context::Source {
                staged: args.staged_context,
                cache: !args.no_cache && !crate::context_cache::disabled_by_env(),
            },
        );
        let mut ctx = ctx;
        render::take_chart_templates(&mut ctx, &mut render::Charts::new());
        for f in ctx {
            context_paths.insert(f.path.to_string_lossy().into_owned());
            files_found.push(f);
        }
    }
    let files = (files_found.len() + g.inputs.len()).saturating_sub(context_paths.len());
    g.inputs.extend(files_found.into_iter().map(Input::Path));
    let t = crate::timing::phase("load");
    let mut project = Project::load(g.inputs, config);
    drop(t);
    render::note_unrendered(&mut project, &unrendered);
    if args.explain_links {
        let lines = crate::image::explain_links(&project);
        if lines.is_empty() {
            eprintln!("kexit: no container image was linked to a Dockerfile");
        }
        for l in lines {
            eprintln!("kexit: link: {l}");
        }
    }
    Ok(Loaded {
        project,
        files,
        usage_error,
        rendered: g.rendered,
        origins: g.origins,
    })
}

/// What loading gathers before the project is read: the inputs, and which of them `--render`
/// produced (with where their text came from, for findings mapped back to source files).
#[derive(Default)]
struct Gathered {
    inputs: Vec<Input>,
    rendered: HashMap<String, Renderer>,
    origins: HashMap<String, render::Origin>,
}

/// Stdin (`-`, or `--stdin-filename`): one input, or one per template when it is `helm template`
/// output; over the size cap, an unreadable input (a KX004 finding).
fn read_stdin(args: &LintArgs, cap: u64, g: &mut Gathered) -> Result<(), i32> {
    let mut buf = Vec::new();
    // One byte past the cap proves stdin is over it (parse_cap keeps cap + 1 in range).
    if let Err(e) = std::io::stdin()
        .take(cap.saturating_add(1))
        .read_to_end(&mut buf)
    {
        eprintln!("kexit: cannot read stdin: {e}");
        return Err(2);
    }
    let name = args
        .stdin_filename
        .clone()
        .unwrap_or_else(|| "<stdin>".to_string());
    let text = String::from_utf8_lossy(&buf).into_owned();
    // A name that says what the file is wins; otherwise the content decides (a Dockerfile
    // piped in without --stdin-filename is not YAML).
    let kind = discover::classify(Path::new(&name)).unwrap_or_else(|| discover::sniff(&text));
    let helm = if kind == Kind::Dockerfile {
        None
    } else {
        render::split_helm(&text, &name)
    };
    if buf.len() as u64 > cap {
        // Over the cap: a KX004 finding like a file, never a silent truncation.
        g.inputs.push(Input::Unreadable {
            name,
            kind,
            why: format!("stdin is over the size cap of {cap} bytes (--max-file-size)"),
        });
    } else {
        match helm {
            Some(parts) => {
                for r in parts {
                    g.rendered.insert(r.name.clone(), Renderer::Helm);
                    g.inputs.push(Input::Text {
                        name: r.name,
                        kind: Kind::Manifest,
                        text: r.text,
                    });
                }
            }
            None => g.inputs.push(Input::Text { name, kind, text }),
        }
    }
    Ok(())
}

/// `--render`: each chart rendered with `helm template`; the charts not rendered, with why.
fn render_charts(
    args: &LintArgs,
    charts: &render::Charts,
    limits: render::Limits,
    g: &mut Gathered,
) -> Vec<(PathBuf, usize, String)> {
    let mut unrendered: Vec<(PathBuf, usize, String)> = Vec::new();
    for (chart, n) in charts {
        if !args.render {
            unrendered.push((chart.clone(), *n, "run without --render".to_string()));
            continue;
        }
        match render::helm_template(chart, &args.helm_values, args.render_allow_remote, limits) {
            Ok(out) => {
                for r in render::split_chart(chart, &out) {
                    g.rendered.insert(r.name.clone(), Renderer::Helm);
                    g.origins.insert(
                        r.name.clone(),
                        render::Origin::HelmTemplate(r.name.clone().into()),
                    );
                    g.inputs.push(Input::Text {
                        name: r.name,
                        kind: Kind::Manifest,
                        text: r.text,
                    });
                }
            }
            Err(render::RunError::NotFound) => {
                unrendered.push((chart.clone(), *n, "`helm` is not on PATH".to_string()))
            }
            Err(render::RunError::Failed(why)) => unrendered.push((chart.clone(), *n, why)),
        }
    }
    unrendered
}

/// `--render`: kustomization directories named on the command line replaced by their rendered
/// output (their files taken out of `files_found`). Err: the exit code, the error printed.
fn render_kustomizations(
    args: &LintArgs,
    fs_paths: &[PathBuf],
    files_found: &mut Vec<Found>,
    (limits, max_file_size): (render::Limits, u64),
    g: &mut Gathered,
) -> Result<(), i32> {
    for dir in fs_paths
        .iter()
        .filter(|p| p.is_dir() && render::is_kustomization(p))
    {
        if !args.render_allow_remote {
            let remote = render::remote_entries(dir);
            if !remote.is_empty() {
                eprintln!(
                    "kexit: --render: {} uses remote inputs ({}); kexit fetches nothing unless --render-allow-remote is given",
                    crate::text::path_name(dir),
                    remote.join(", ")
                );
                return Err(2);
            }
        }
        let (out, origin) = match render::kustomize_with_origins(dir, limits) {
            Ok((out, wrapper, target)) => (
                out,
                Some(render::Origin::Kustomize {
                    dir: dir.clone(),
                    wrapper,
                    target,
                }),
            ),
            // A kustomization that cannot be wrapped (a Component): rendered as it is.
            Err(render::RunError::Failed(_)) => match render::kustomize_bounded(dir, limits) {
                Ok(out) => (out, None),
                Err(e) => {
                    eprintln!("kexit: {}", render_error(dir, e));
                    return Err(2);
                }
            },
            Err(e) => {
                eprintln!("kexit: {}", render_error(dir, e));
                return Err(2);
            }
        };
        let (under, rest): (Vec<Found>, Vec<Found>) = std::mem::take(files_found)
            .into_iter()
            .partition(|f| f.kind != Kind::Dockerfile && f.path.starts_with(dir));
        *files_found = rest;
        let sources: Vec<(PathBuf, String)> = under
            .iter()
            .filter_map(|f| {
                let text = crate::source::read_text_bounded(&f.path, max_file_size)?;
                Some((f.path.clone(), text))
            })
            .collect();
        for r in render::map_kustomize(dir, &out, &sources) {
            g.rendered.insert(r.name.clone(), Renderer::Kustomize);
            if let Some(o) = &origin {
                g.origins.insert(r.name.clone(), o.clone());
            }
            g.inputs.push(Input::Text {
                name: r.name,
                kind: Kind::Manifest,
                text: r.text,
            });
        }
    }
    Ok(())
}

/// The repository whose files give context: `--context`, else (only files given) the root above
/// the first file, else none (`--no-context`, or directories given).
fn context_root(
    args: &LintArgs,
    fs_paths: &[PathBuf],
    only_files: bool,
) -> Result<Option<PathBuf>, i32> {
    Ok(if args.no_context {
        None
    } else if let Some(c) = &args.context {
        if !c.is_dir() {
            eprintln!(
                "kexit: --context {}: not a directory",
                crate::text::path_name(c)
            );
            return Err(2);
        }
        Some(c.clone())
    } else if only_files {
        fs_paths
            .first()
            .and_then(|p| p.parent())
            .map(|p| {
                if p.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    p
                }
            })
            .and_then(find_root)
    } else {
        None
    })
}

/// A loaded project, ready to model and lint.
pub(crate) struct Loaded {
    pub project: Project,
    /// Files reported on (context files not counted).
    pub files: usize,
    /// An explicitly named path could not be read.
    pub usage_error: bool,
    /// Files produced by `--render` (helm, kustomize), for the message note.
    pub rendered: HashMap<String, Renderer>,
    /// Rendered files whose findings are moved back to their source files.
    pub origins: HashMap<String, render::Origin>,
}
