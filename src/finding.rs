//! The one type every rule produces.

use crate::meta::Meta;
pub use crate::meta::Severity;
use crate::source::Span;
use serde::Serialize;

/// A secondary location, e.g. the Dockerfile line a manifest finding depends on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// The Kubernetes object a finding belongs to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ObjectRef {
    pub kind: String,
    pub namespace: String,
    pub name: String,
}

#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: &'static Meta,
    pub severity: Severity,
    /// Predicted exit code (127, 126, 128, 255, 137, 143) or None (the failure has no exit code).
    pub exit_code: Option<u16>,
    pub span: Span,
    pub message: String,
    /// The fix.
    pub help: Option<String>,
    /// What the user would see at runtime (`exec: "python app.py": executable file not found in $PATH`).
    pub symptom: Option<String>,
    pub labels: Vec<Label>,
    pub object: Option<ObjectRef>,
    pub container: Option<String>,
    /// The Compose service (in place of `object`/`container`).
    pub service: Option<String>,
}

impl Finding {
    /// A finding with the rule's default severity and exit code.
    pub fn new(rule: &'static Meta, span: Span, message: impl Into<String>) -> Finding {
        Finding {
            rule,
            severity: rule.severity,
            exit_code: rule.exit_code,
            span,
            message: message.into(),
            help: None,
            symptom: None,
            labels: Vec::new(),
            object: None,
            container: None,
            service: None,
        }
    }
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
    pub fn symptom(mut self, symptom: impl Into<String>) -> Self {
        self.symptom = Some(symptom.into());
        self
    }
    pub fn label(mut self, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }
    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }
    pub fn exit_code(mut self, code: Option<u16>) -> Self {
        self.exit_code = code;
        self
    }
    pub fn object(mut self, object: Option<ObjectRef>) -> Self {
        self.object = object;
        self
    }
    pub fn service(mut self, name: Option<&str>) -> Self {
        self.service = name.map(str::to_string);
        self
    }
    pub fn container(mut self, name: impl Into<String>) -> Self {
        self.container = Some(name.into());
        self
    }
}
