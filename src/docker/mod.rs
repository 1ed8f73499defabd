//! Dockerfile front end (placeholder: parse errors only; the model grows here).

use crate::source::FileId;
use std::ops::Range;

#[derive(Debug, Clone)]
pub struct DockerError {
    pub span: Range<usize>,
    pub message: String,
}

/// The parsed, owned model of one Dockerfile.
#[derive(Debug, Clone, Default)]
pub struct Dockerfile {
    pub file: FileId,
    pub errors: Vec<DockerError>,
}

pub fn parse(file: FileId, text: &str) -> Dockerfile {
    let mut d = Dockerfile {
        file,
        errors: Vec::new(),
    };
    if let Err(e) = parse_dockerfile::parse(text) {
        let s = e.to_string();
        d.errors.push(DockerError {
            span: 0..0,
            message: s,
        });
    }
    d
}
