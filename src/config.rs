//! Configuration (`.kexit.yaml`). The loader lives here; defaults apply without a file.

use crate::finding::Severity;
use std::collections::HashMap;

#[derive(Debug, Clone)]
pub struct Config {
    /// Namespace for objects that set none.
    pub default_namespace: String,
    /// Largest file read, in bytes.
    pub max_file_size: u64,
    pub fail_level: Severity,
    /// Rules switched off.
    pub disabled: Vec<String>,
    /// Per-rule severity overrides.
    pub severity: HashMap<String, Severity>,
    /// Inline suppressions are inert when set.
    pub strict: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            default_namespace: "default".to_string(),
            max_file_size: 10 * 1024 * 1024,
            fail_level: Severity::Error,
            disabled: Vec::new(),
            severity: HashMap::new(),
            strict: false,
        }
    }
}
