//! Loading: read every discovered file once (in parallel), parse it once, keep the front-end
//! findings. The result is immutable input for [`crate::model::Model`].

use crate::config::Config;
use crate::discover::{Found, Kind};
use crate::docker::{self, Dockerfile};
use crate::finding::Finding;
use crate::meta;
use crate::source::{FileId, FileKind, SourceFile, Span};
use crate::yaml::{self, YamlErrorKind, YamlFile};
use rayon::prelude::*;

/// A parsed manifest file.
#[derive(Debug)]
pub struct Manifest {
    pub file: FileId,
    pub yaml: YamlFile,
}

#[derive(Debug, Default)]
pub struct Project {
    pub files: Vec<SourceFile>,
    pub manifests: Vec<Manifest>,
    pub dockerfiles: Vec<Dockerfile>,
    /// Findings produced while reading and parsing.
    pub front_findings: Vec<Finding>,
    pub config: Config,
    /// Image → Dockerfile links and build contexts (src/image/link.rs).
    pub build: crate::build_context::BuildInfo,
    /// Compose projects (src/compose/).
    pub compose: Vec<crate::compose::ComposeProject>,
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
}

enum Loaded {
    Manifest(SourceFile, YamlFile),
    /// Parsed in the parallel phase; its `file` is set when the id is known.
    Dockerfile(SourceFile, Dockerfile),
    /// Not linted (a `.json` that is not a Kubernetes object).
    Skip,
    /// Could not be read or is too large: a finding on an empty file.
    Unreadable(SourceFile, String),
}

fn read_capped(found: &Found, cap: u64, roots: &[std::path::PathBuf]) -> Result<String, String> {
    // A symbolic link is followed only when it resolves inside the linted tree: a file of a
    // pull request must not make kexit read (and print) a file of the machine it runs on.
    if crate::source::is_symlink(&found.path) && !crate::source::resolves_within(&found.path, roots)
    {
        return Err(
            "a symbolic link to a file outside the linted tree (not followed, not read)"
                .to_string(),
        );
    }
    decode(crate::source::read_bounded(&found.path, cap)?)
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

fn load(input: Input, cap: u64, roots: &[std::path::PathBuf]) -> Loaded {
    let (name, kind, text) = match input {
        Input::Text { name, kind, text } => (name, kind, text),
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
            let d = docker::parse(0, &text);
            Loaded::Dockerfile(SourceFile::new(name, FileKind::Dockerfile, text), d)
        }
        Kind::Json => {
            let is_object = serde_json::from_str::<serde_json::Value>(&text)
                .ok()
                .is_some_and(|v| v.get("kind").is_some() && v.get("apiVersion").is_some());
            if !is_object {
                return Loaded::Skip;
            }
            let y = yaml::parse(&text);
            Loaded::Manifest(SourceFile::new(name, FileKind::Manifest, text), y)
        }
        Kind::Manifest => {
            let y = yaml::parse(&text);
            Loaded::Manifest(SourceFile::new(name, FileKind::Manifest, text), y)
        }
    }
}

impl Project {
    /// Read and parse every input. Never fails: problems become findings.
    pub fn load(inputs: Vec<Input>, config: Config) -> Project {
        let cap = config.max_file_size;
        let roots = crate::source::default_roots(&config.roots);
        let loaded: Vec<Loaded> = inputs
            .into_par_iter()
            .map(|i| load(i, cap, &roots))
            .collect();
        let mut p = Project {
            config,
            ..Project::default()
        };
        for l in loaded {
            let id = p.files.len();
            match l {
                Loaded::Skip => {}
                Loaded::Unreadable(src, why) => {
                    p.front_findings.push(
                        Finding::new(
                            &meta::KX004,
                            Span::new(id, 0..0),
                            format!("{} could not be linted: {why}", src.path),
                        )
                        .help("Fix or exclude the file (--exclude GLOB, .kexitignore); raise --max-file-size for large generated files"),
                    );
                    p.files.push(src);
                }
                Loaded::Manifest(src, y) => {
                    for e in &y.errors {
                        p.front_findings.push(yaml_finding(id, &src, e));
                    }
                    if y.more_duplicates > 0 {
                        p.front_findings.push(more_duplicates(id, &y));
                    }
                    p.files.push(src);
                    p.manifests.push(Manifest { file: id, yaml: y });
                }
                Loaded::Dockerfile(src, mut d) => {
                    d.file = id;
                    for e in &d.errors {
                        p.front_findings.push(
                            Finding::new(
                                &meta::KX002,
                                Span::new(id, e.span.clone()),
                                format!("Dockerfile syntax error: {}", e.message),
                            )
                            .help("Fix the instruction; `docker build` fails on it, so no image is produced")
                            .symptom("docker build: failed to solve: dockerfile parse error"),
                        );
                    }
                    p.files.push(src);
                    p.dockerfiles.push(d);
                }
            }
        }
        let manifests: Vec<_> = p.manifests.iter().map(|m| (m.file, &m.yaml)).collect();
        let (compose, added) = crate::compose::load(&p.files, &manifests, p.config.max_file_size);
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
        p
    }
}

/// One KX003 finding for the duplicate keys past the ones listed, at the last one listed.
fn more_duplicates(file: FileId, y: &yaml::YamlFile) -> Finding {
    let last = y
        .errors
        .iter()
        .rev()
        .find(|e| matches!(e.kind, YamlErrorKind::DuplicateKey { .. }))
        .map_or(0..0, |e| e.span.clone());
    Finding::new(
        &meta::KX003,
        Span::new(file, last),
        format!(
            "{} more duplicate keys follow in this file (only the first {} are listed)",
            y.more_duplicates,
            yaml::MAX_DUPLICATE_ERRORS
        ),
    )
    .help("Remove the repeated keys; kubectl's default strict validation rejects every object that has one")
}

fn yaml_finding(file: FileId, src: &SourceFile, e: &yaml::YamlError) -> Finding {
    let span = Span::new(file, e.span.clone());
    match &e.kind {
        YamlErrorKind::DuplicateKey { first } => {
            let (line, _) = src.line_col(e.span.start);
            let (first_line, _) = src.line_col(first.start);
            let key = src.slice(Span::new(file, e.span.clone()));
            Finding::new(
                &meta::KX003,
                span,
                format!(
                    "{} (first at line {first_line}): kubectl's default strict validation rejects the object; with validation off the later value silently replaces the earlier one",
                    e.message
                ),
            )
            .label(Span::new(file, first.clone()), "first defined here")
            .help("Remove one of the two keys, or merge their values under one key")
            .symptom(format!(
                "error: yaml: unmarshal errors:\n  line {line}: mapping key \"{key}\" already defined at line {first_line}"
            ))
        }
        kind => {
            let (line, _) = src.line_col(e.span.start);
            let help = match kind {
                YamlErrorKind::Tag => "Remove the tag or fix the value; kubectl rejects the whole file, so none of its objects is applied",
                YamlErrorKind::TooDeep | YamlErrorKind::AliasBudget => "Flatten the document; kexit stops reading this file here",
                _ => "Fix the YAML; kubectl rejects the whole file, so none of its objects is applied",
            };
            let mut f = Finding::new(&meta::KX001, span, format!("invalid YAML: {}", e.message))
                .help(help)
                .symptom(format!(
                    "error: error parsing {}: error converting YAML to JSON: yaml: line {line}: {}",
                    src.path, e.message
                ));
            if let Some((r, why)) = &e.note {
                f = f.label(Span::new(file, r.clone()), why.clone());
            }
            f
        }
    }
}
