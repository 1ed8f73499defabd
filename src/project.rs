//! Loading: read every discovered file once (in parallel), parse it once, keep the front-end
//! findings. The result is immutable input for [`crate::model::Model`].

use crate::config::Config;
use crate::discover::{Found, Kind};
use crate::docker::{self, Dockerfile};
use crate::source::{FileId, FileKind, SourceFile, Span};
use crate::yaml::{self, YamlFile};
use rayon::prelude::*;

/// A parsed manifest file.
#[derive(Debug)]
pub struct Manifest {
    pub file: FileId,
    pub yaml: YamlFile,
    /// A template (its first syntax error is next to template markup): the markup's line span
    /// and what it is. Its documents and errors are dropped: the file is not linted (KX001
    /// says so, once).
    pub template: Option<Template>,
}

/// Template markup found next to a file's first syntax error ([`crate::template::near`]).
pub type Template = (std::ops::Range<usize>, &'static str);

/// A YAML file whose first syntax error is next to template markup: the markup, and the file
/// emptied (nothing of it is linted).
fn yaml_template(text: &str, y: &mut YamlFile) -> Option<Template> {
    use crate::yaml::YamlErrorKind as K;
    let first = y
        .errors
        .iter()
        .filter(|e| !matches!(e.kind, K::DuplicateKey { .. } | K::NodeBudget))
        .map(|e| e.span.start)
        .min()?;
    let t = crate::template::near(text, first)?;
    *y = YamlFile::default();
    Some(t)
}

/// A Dockerfile whose first syntax error is next to template markup: the markup, and the
/// Dockerfile emptied (no stage, no error: nothing of it is linted).
fn dockerfile_template(text: &str, d: &mut Dockerfile) -> Option<Template> {
    let first = d.errors.iter().map(|e| e.span.start).min()?;
    let t = crate::template::near(text, first)?;
    d.set_template(t.clone());
    Some(t)
}

#[derive(Debug, Default)]
pub struct Project {
    pub files: Vec<SourceFile>,
    pub manifests: Vec<Manifest>,
    pub dockerfiles: Vec<Dockerfile>,
    /// Files that could not be read (with why), for KX004. YAML and Dockerfile syntax errors
    /// stay with their parsed files (`Manifest::yaml`, `Dockerfile::errors`); the rules that own
    /// them (KX001-KX004, KX010) build the findings.
    pub unreadable: Vec<(FileId, String)>,
    /// Ignore files the walk could not use (KX004, a warning) or used only in part, past the
    /// pattern budget (KX011): (file, byte offset of the line, why, past the budget).
    pub ignore_notes: Vec<IgnoreNote>,
    /// Helm charts that were not rendered (KX010).
    pub unrendered: Vec<Unrendered>,
    pub config: Config,
    /// Image → Dockerfile links and build contexts (src/image/link.rs).
    pub build: crate::build_context::BuildInfo,
    /// Compose projects (src/compose/).
    pub compose: Vec<crate::compose::ComposeProject>,
}

/// An ignore file the walk could not use in full ([`crate::ignore_files::Problem`]).
#[derive(Debug, Clone)]
pub struct IgnoreNote {
    pub file: FileId,
    /// Byte offset of the line it is about.
    pub at: usize,
    pub why: String,
    /// Past the pattern budget (KX011), rather than unusable (KX004).
    pub budget: bool,
}

/// A Helm chart whose templates were not rendered, so not linted.
#[derive(Debug, Clone)]
pub struct Unrendered {
    /// Its `Chart.yaml`, and the span of the chart's `name:` there (empty when absent).
    pub span: Span,
    /// The chart directory as the user would name it.
    pub chart: String,
    pub templates: usize,
    /// Why it was not rendered (`helm` not found, --render not given, …).
    pub why: String,
}

/// One input: a discovered path, or text given on stdin.
pub enum Input {
    Path(Found),
    Text {
        name: String,
        kind: Kind,
        text: String,
    },
    /// Input that could not be read (stdin over the size cap): a KX004 finding.
    Unreadable {
        name: String,
        kind: Kind,
        why: String,
    },
    /// An ignore file the walk could not use in full: a warning.
    IgnoreFile(crate::ignore_files::Problem),
}

enum Loaded {
    Manifest(SourceFile, YamlFile, Option<Template>),
    /// Parsed in the parallel phase; its `file` is set when the id is known.
    Dockerfile(SourceFile, Dockerfile),
    /// Not linted (a `.json` that is not a Kubernetes object).
    Skip,
    /// Could not be read or is too large: a finding on an empty file.
    Unreadable(SourceFile, String),
    /// An ignore file the walk could not use in full (its text when it was read).
    IgnoreFile(SourceFile, usize, String, bool),
}

fn read_capped(found: &Found, cap: u64, roots: &[std::path::PathBuf]) -> Result<String, String> {
    // A symbolic link is followed only when it resolves inside the linted tree.
    decode(crate::source::read_bounded_within(
        &found.path,
        cap,
        Some(roots),
    )?)
}

/// Bytes to text: UTF-8 (BOM dropped), UTF-16 with BOM converted; anything else is an error.
fn decode(buf: Vec<u8>) -> Result<String, String> {
    if buf.starts_with(&[0xFF, 0xFE]) || buf.starts_with(&[0xFE, 0xFF]) {
        let le = buf[0] == 0xFF;
        let units: Vec<u16> = buf[2..]
            .chunks_exact(2)
            .map(|c| {
                if le {
                    u16::from_le_bytes([c[0], c[1]])
                } else {
                    u16::from_be_bytes([c[0], c[1]])
                }
            })
            .collect();
        return String::from_utf16(&units).map_err(|_| "invalid UTF-16".to_string());
    }
    if buf.contains(&0) {
        return Err("binary file (contains NUL bytes)".to_string());
    }
    match String::from_utf8(buf) {
        Ok(s) => Ok(s.strip_prefix('\u{feff}').map(str::to_string).unwrap_or(s)),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let line = 1 + e.as_bytes()[..at].iter().filter(|b| **b == b'\n').count();
            Err(format!(
                "not valid UTF-8 (line {line}, byte {at}); kubectl reads manifests as UTF-8"
            ))
        }
    }
}

/// Read and parse one input; a file found only as repository context is not reported.
fn load(input: Input, cap: u64, roots: &[std::path::PathBuf], reparse: &yaml::Reparse) -> Loaded {
    let context = matches!(&input, Input::Path(f) if f.context);
    let mut loaded = load_input(input, cap, roots, reparse);
    if context {
        match &mut loaded {
            Loaded::Manifest(src, ..) | Loaded::Dockerfile(src, _) | Loaded::Unreadable(src, _) => {
                src.report = false
            }
            Loaded::Skip | Loaded::IgnoreFile(..) => {}
        }
    }
    loaded
}

fn load_input(
    input: Input,
    cap: u64,
    roots: &[std::path::PathBuf],
    reparse: &yaml::Reparse,
) -> Loaded {
    let (name, kind, text) = match input {
        Input::Text { name, kind, text } => (name, kind, text),
        Input::IgnoreFile(problem) => {
            let name = problem.path.to_string_lossy().into_owned();
            let budget = problem.budget.is_some();
            let src = SourceFile::new(name, FileKind::Other, problem.budget.unwrap_or_default());
            let at = src.offset_of(problem.line, 0);
            return Loaded::IgnoreFile(src, at, problem.why, budget);
        }
        Input::Unreadable { name, kind, why } => {
            let fk = if kind == Kind::Dockerfile {
                FileKind::Dockerfile
            } else {
                FileKind::Manifest
            };
            return Loaded::Unreadable(SourceFile::new(name, fk, String::new()), why);
        }
        Input::Path(found) => {
            let name = found.path.to_string_lossy().into_owned();
            match read_capped(&found, cap, roots) {
                Ok(t) => (name, found.kind, t),
                Err(e) => {
                    let fk = if found.kind == Kind::Dockerfile {
                        FileKind::Dockerfile
                    } else {
                        FileKind::Manifest
                    };
                    return Loaded::Unreadable(SourceFile::new(name, fk, String::new()), e);
                }
            }
        }
    };
    match kind {
        Kind::Dockerfile => {
            let mut d = docker::parse(0, &text);
            let template = dockerfile_template(&text, &mut d);
            // `Dockerfile.md`, `Dockerfile.sh`: named after a Dockerfile, not one (BuildKit
            // never reads it); a bare `Dockerfile` is always one.
            if template.is_none()
                && !crate::discover::is_plain_dockerfile_name(std::path::Path::new(&name))
                && !crate::discover::starts_like_dockerfile(&text)
            {
                return Loaded::Skip;
            }
            Loaded::Dockerfile(SourceFile::new(name, FileKind::Dockerfile, text), d)
        }
        Kind::Json => {
            let is_object = serde_json::from_str::<serde_json::Value>(&text)
                .ok()
                .is_some_and(|v| v.get("kind").is_some() && v.get("apiVersion").is_some());
            if !is_object {
                return Loaded::Skip;
            }
            let y = yaml::parse_in(&text, reparse);
            Loaded::Manifest(SourceFile::new(name, FileKind::Manifest, text), y, None)
        }
        Kind::Manifest => {
            let mut y = yaml::parse_in(&text, reparse);
            let template = yaml_template(&text, &mut y);
            Loaded::Manifest(SourceFile::new(name, FileKind::Manifest, text), y, template)
        }
    }
}

impl Project {
    /// Read and parse every input. Never fails: problems become findings.
    pub fn load(inputs: Vec<Input>, config: Config) -> Project {
        let cap = config.max_file_size;
        let roots = crate::source::default_roots(&config.roots);
        let t = crate::timing::phase("read and parse");
        let reparse = yaml::Reparse::new(yaml::MAX_REPARSED_RUN);
        let loaded: Vec<Loaded> = inputs
            .into_par_iter()
            .map(|i| load(i, cap, &roots, &reparse))
            .collect();
        drop(t);
        let mut p = Project {
            config,
            ..Project::default()
        };
        for l in loaded {
            let id = p.files.len();
            match l {
                Loaded::Skip => {}
                Loaded::Unreadable(src, why) => {
                    p.unreadable.push((id, why));
                    p.files.push(src);
                }
                Loaded::IgnoreFile(src, at, why, budget) => {
                    p.ignore_notes.push(IgnoreNote {
                        file: id,
                        at,
                        why,
                        budget,
                    });
                    p.files.push(src);
                }
                Loaded::Manifest(src, y, template) => {
                    p.files.push(src);
                    p.manifests.push(Manifest {
                        file: id,
                        yaml: y,
                        template,
                    });
                }
                Loaded::Dockerfile(src, mut d) => {
                    d.file = id;
                    p.files.push(src);
                    p.dockerfiles.push(d);
                }
            }
        }
        let manifests: Vec<_> = p.manifests.iter().map(|m| (m.file, &m.yaml)).collect();
        let t = crate::timing::phase("compose and build contexts");
        let (compose, added) =
            crate::compose::load(&p.files, &manifests, p.config.max_file_size, &roots);
        p.files.extend(added);
        p.compose = compose;
        let manifests: Vec<_> = p
            .manifests
            .iter()
            .map(|m| crate::build_context::ManifestRef {
                file: m.file,
                yaml: &m.yaml,
            })
            .collect();
        p.build = crate::build_context::load(&mut p.files, &manifests, &p.dockerfiles, &p.config);
        drop(t);
        p
    }
}
