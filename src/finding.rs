//! The one type every rule produces.

use crate::meta::Meta;
pub use crate::meta::Severity;
use crate::source::Span;
use serde::Serialize;
use std::borrow::Cow;
use std::sync::Arc;

/// A finding's text: most helps, symptoms and labels are the rule's constant text, shared rather
/// than copied into each finding (a run may produce 100,000 findings).
pub type Text = Cow<'static, str>;

/// A secondary location, e.g. the Dockerfile line a manifest finding depends on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: Text,
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
    pub help: Option<Text>,
    /// What the user would see at runtime (`exec: "python app.py": executable file not found in $PATH`).
    pub symptom: Option<Text>,
    pub labels: Vec<Label>,
    /// Shared by every finding on the object (see [`crate::k8s::Workload::reference`]).
    pub object: Option<Arc<ObjectRef>>,
    pub container: Option<String>,
    /// The Compose service (in place of `object`/`container`).
    pub service: Option<String>,
}

impl Finding {
    /// A finding with the rule's default severity and exit code.
    pub fn new(rule: &'static Meta, span: Span, message: impl Into<String>) -> Finding {
        let mut message = capped(message.into());
        // `format!` leaves up to twice the length allocated; a finding is kept to the end.
        message.shrink_to_fit();
        Finding {
            rule,
            severity: rule.severity,
            exit_code: rule.exit_code,
            span,
            message,
            help: None,
            symptom: None,
            labels: Vec::new(),
            object: None,
            container: None,
            service: None,
        }
    }
    pub fn help(mut self, help: impl Into<Text>) -> Self {
        self.help = Some(shrunk(help.into()));
        self
    }
    pub fn symptom(mut self, symptom: impl Into<Text>) -> Self {
        self.symptom = Some(shrunk(symptom.into()));
        self
    }
    pub fn label(mut self, span: Span, message: impl Into<Text>) -> Self {
        self.labels.push(Label {
            span,
            message: shrunk(message.into()),
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
    pub fn object(mut self, object: Option<Arc<ObjectRef>>) -> Self {
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

/// Longest message, help, symptom or label a finding keeps, in characters. Rules quote input
/// values cropped ([`crate::text::crop`]); this bounds what one that does not can cost: a
/// megabyte value quoted once per finding multiplied it into memory and output.
pub const MAX_TEXT: usize = 2048;

/// `s`, cropped around `…` when it is longer than [`MAX_TEXT`] characters.
fn capped(s: String) -> String {
    if s.len() <= MAX_TEXT {
        return s;
    }
    match crate::text::crop(&s, MAX_TEXT) {
        Cow::Owned(c) => c,
        Cow::Borrowed(_) => s,
    }
}

/// An owned text without the spare capacity `format!` leaves, capped at [`MAX_TEXT`].
fn shrunk(t: Text) -> Text {
    match t {
        Cow::Owned(s) => {
            let mut s = capped(s);
            s.shrink_to_fit();
            Cow::Owned(s)
        }
        b => b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_capped() {
        let rule = crate::meta::by_code("KX101").expect("KX101");
        let long = "x".repeat(10 * MAX_TEXT);
        let f = Finding::new(rule, Span::new(0, 0..1), long.clone())
            .help(long.clone())
            .symptom("short");
        assert_eq!(f.message.chars().count(), MAX_TEXT + 1);
        assert!(f.message.contains('…'));
        assert_eq!(
            f.help.as_deref().map(|h| h.chars().count()),
            Some(MAX_TEXT + 1)
        );
        assert_eq!(f.symptom.as_deref(), Some("short"));
    }
}
