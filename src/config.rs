//! Configuration (`.kexit.yaml`). The loader lives here; defaults apply without a file.

use crate::finding::Severity;
use crate::meta;
use crate::source::{FileKind, SourceFile};
use crate::yaml::{self, Node, Value};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Default base of rule documentation links.
pub const DEFAULT_DOC_URL: &str = "https://github.com/kexit/kexit/blob/main/rules/";

#[derive(Debug, Clone)]
pub struct Config {
    /// Namespace for objects that set none.
    pub default_namespace: String,
    /// Largest file read, in bytes.
    pub max_file_size: u64,
    pub fail_level: Severity,
    /// False when `fail-level: none`: findings never fail the run.
    pub fail_on_findings: bool,
    /// Rules switched off.
    pub disabled: Vec<String>,
    /// Per-rule severity overrides.
    pub severity: HashMap<String, Severity>,
    /// Inline suppressions are inert when set.
    pub strict: bool,
    /// Explicit image repository → Dockerfile links (checked before skaffold/compose/convention).
    pub image_links: Vec<ImageLink>,
    /// Declared QoS intent per namespace and/or kind (annotations `kexit.io/qos` win).
    pub qos_intent: Vec<QosIntent>,
    /// Liveness kill budget below which a container without startupProbe is flagged (seconds).
    pub liveness_threshold_seconds: u32,
    /// The same threshold for JVM images, which start slowly.
    pub liveness_threshold_jvm_seconds: u32,
    /// Node memory capacity used for oom_score_adj (bytes).
    pub node_memory_bytes: u64,
    /// Objects that exist in the cluster but not in the linted tree.
    pub external_objects: Vec<ExternalObject>,
    /// Globs (relative to [`Config::base_dir`]) of files loaded as context but never reported.
    pub ignore_paths: Vec<String>,
    /// Suppressions written in the configuration file (active even under `strict`).
    pub ignores: Vec<ConfigIgnore>,
    /// Base of rule documentation links (SARIF `helpUri`); the rule code and `.md` are appended.
    pub doc_url: String,
    /// Directory of the configuration file: relative paths in the config are relative to it
    /// (`.` when no file was loaded).
    pub base_dir: PathBuf,
    /// The configuration file that was loaded, if any.
    pub config_file: Option<PathBuf>,
    /// The linted tree (set by the CLI, never read from a file): canonical directories whose
    /// files may be read; a symbolic link is followed only when it resolves inside one of them.
    /// Empty means the working directory.
    pub roots: Vec<PathBuf>,
    /// Located warnings of the configuration file (printed to stderr): path globs past
    /// [`crate::budget::MAX_IGNORE_PATTERN_BYTES`], which are not applied.
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct ImageLink {
    /// Image repository without tag or digest (`registry.example.com/shop/checkout`).
    pub image: String,
    /// Path of the Dockerfile, relative to the config file's directory.
    pub dockerfile: String,
    /// Build context directory (default: the Dockerfile's directory).
    pub context: Option<String>,
    /// Target stage (default: the last stage).
    pub target: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct QosIntent {
    pub namespace: Option<String>,
    pub kind: Option<String>,
    /// `Guaranteed` or `Burstable`.
    pub class: String,
}

#[derive(Debug, Clone, Default)]
pub struct ExternalObject {
    /// `ConfigMap` or `Secret` (or any indexed kind).
    pub kind: String,
    pub namespace: Option<String>,
    pub name: String,
    /// Keys it is known to hold; empty means "unknown keys" (key checks are skipped).
    pub keys: Vec<String>,
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
            image_links: Vec::new(),
            qos_intent: Vec::new(),
            liveness_threshold_seconds: 10,
            liveness_threshold_jvm_seconds: 60,
            node_memory_bytes: 16 * 1024 * 1024 * 1024,
            external_objects: Vec::new(),
            fail_on_findings: true,
            ignore_paths: Vec::new(),
            ignores: Vec::new(),
            doc_url: DEFAULT_DOC_URL.to_string(),
            base_dir: PathBuf::from("."),
            config_file: None,
            roots: Vec::new(),
            warnings: Vec::new(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The loader.

/// File names searched for, in order, in the working directory and its ancestors.
pub const CONFIG_FILE_NAMES: [&str; 2] = [".kexit.yaml", ".kexit.yml"];

/// A located configuration error, printed as `path:line:col: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.path, self.line, self.column, self.message
        )
    }
}

impl std::error::Error for ConfigError {}

/// A rule-selection or path-based suppression written in the configuration file (`ignore:`).
/// Unlike inline suppressions these stay active under `strict`.
#[derive(Debug, Clone, Default)]
pub struct ConfigIgnore {
    /// Rule codes or names (empty: every rule).
    pub rules: Vec<String>,
    /// Globs over file paths relative to the config file's directory (empty: every file).
    pub paths: Vec<String>,
    /// Objects as `Kind/name` or `Kind/namespace/name` (`*` matches anything; empty: every object).
    pub objects: Vec<String>,
    /// Container names (empty: every container).
    pub containers: Vec<String>,
    pub reason: String,
}

/// Find the configuration file for `start` (a directory): the first `.kexit.yaml` in it or an
/// ancestor.
pub fn find_config(start: &Path) -> Option<PathBuf> {
    let abs = std::fs::canonicalize(start).unwrap_or_else(|_| start.to_path_buf());
    for dir in abs.ancestors() {
        for name in CONFIG_FILE_NAMES {
            let p = dir.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

impl Config {
    /// Read and validate a configuration file. Unknown keys and bad values are errors.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let shown = path.to_string_lossy().into_owned();
        let err = |message: String| ConfigError {
            path: shown.clone(),
            line: 1,
            column: 1,
            message,
        };
        // Never open a FIFO or device (it could block or never end); cap the size.
        let meta = std::fs::metadata(path)
            .map_err(|e| err(format!("cannot read configuration file: {e}")))?;
        if !meta.is_file() {
            return Err(err("configuration file is not a regular file".to_string()));
        }
        if meta.len() > 1024 * 1024 {
            return Err(err("configuration file is larger than 1 MiB".to_string()));
        }
        // The cap applies to the bytes read too (a size of 0 in `stat` proves nothing).
        let bytes = crate::source::read_bounded(path, 1024 * 1024)
            .map_err(|e| err(format!("cannot read configuration file: {e}")))?;
        let text = String::from_utf8(bytes)
            .map_err(|_| err("configuration file is not valid UTF-8".to_string()))?;
        let mut cfg = Config::from_yaml(&shown, &text)?;
        cfg.base_dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        cfg.config_file = Some(path.to_path_buf());
        Ok(cfg)
    }

    /// Parse configuration text (`name` is used in error locations).
    pub fn from_yaml(name: &str, text: &str) -> Result<Config, ConfigError> {
        let src = SourceFile::new(name, FileKind::Other, text.to_string());
        let err = |span: &std::ops::Range<usize>, message: String| {
            let (line, column) = src.line_col(span.start);
            ConfigError {
                path: name.to_string(),
                line,
                column,
                message,
            }
        };
        let y = yaml::parse(text);
        if let Some(e) = y.errors.first() {
            return Err(err(&e.span, format!("invalid YAML: {}", e.message)));
        }
        let mut cfg = Config::default();
        let Some(doc) = y.docs.first() else {
            return Ok(cfg);
        };
        if y.docs.len() > 1 {
            return Err(err(
                &y.docs[1].root.span(),
                "the configuration must be a single YAML document".to_string(),
            ));
        }
        let root = &doc.root;
        if root.is_null() {
            return Ok(cfg);
        }
        if !root.is_map() {
            return Err(err(
                &root.span(),
                "the configuration must be a mapping of settings".to_string(),
            ));
        }
        let r = Reader { err: &err };
        // Path globs compile to regular expressions (hundreds of bytes of memory per byte of
        // glob): past the budget, entries are dropped, and the first one dropped is reported.
        let mut globs = GlobBudget::default();
        for (k, v) in root.entries() {
            let key = k.scalar_text().unwrap_or_default();
            match key.as_str() {
                "fail-level" => {
                    match r.string(v)?.to_ascii_lowercase().as_str() {
                        "none" | "never" => cfg.fail_on_findings = false,
                        s => {
                            cfg.fail_level = Severity::parse(s).ok_or_else(|| {
                            (r.err)(
                                &v.span(),
                                format!("`fail-level` must be info, warning, error or none, not `{s}`"),
                            )
                        })?;
                            cfg.fail_on_findings = true;
                        }
                    }
                }
                "strict" => cfg.strict = r.bool(v)?,
                "default-namespace" => cfg.default_namespace = r.string(v)?,
                "max-file-size" => cfg.max_file_size = r.cap(v)?,
                "rules" => r.rules(v, &mut cfg)?,
                "disable" => {
                    for item in r.seq(v)? {
                        let code = r.rule_code(item)?;
                        if !cfg.disabled.contains(&code) {
                            cfg.disabled.push(code);
                        }
                    }
                }
                "ignore-paths" => {
                    for item in r.seq(v)? {
                        let g = r.string(item)?;
                        r.glob(item, &g)?;
                        if globs.take(g.len(), || err(&item.span(), String::new())) {
                            cfg.ignore_paths.push(g);
                        }
                    }
                }
                "ignore" => {
                    for item in r.seq(v)? {
                        let ig = r.ignore(item)?;
                        // A whole entry: one without its paths would apply everywhere.
                        let n = ig.paths.iter().map(String::len).sum();
                        if globs.take(n, || err(&item.span(), String::new())) {
                            cfg.ignores.push(ig);
                        }
                    }
                }
                "images" => {
                    for item in r.seq(v)? {
                        cfg.image_links.push(r.image_link(item)?);
                    }
                }
                "qos" => {
                    for item in r.seq(v)? {
                        cfg.qos_intent.push(r.qos(item)?);
                    }
                }
                "liveness" => {
                    r.check_keys(v, &["threshold", "jvm-threshold"])?;
                    if let Some(t) = v.get("threshold") {
                        cfg.liveness_threshold_seconds = r.seconds(t)?;
                    }
                    if let Some(t) = v.get("jvm-threshold") {
                        cfg.liveness_threshold_jvm_seconds = r.seconds(t)?;
                    }
                }
                "node-memory" => {
                    cfg.node_memory_bytes = r.quantity(v)?;
                    if cfg.node_memory_bytes == 0 {
                        return Err((r.err)(
                            &v.span(),
                            "`node-memory` must be above 0".to_string(),
                        ));
                    }
                }
                "external-objects" => {
                    for item in r.seq(v)? {
                        cfg.external_objects.push(r.external(item)?);
                    }
                }
                "doc-url" => cfg.doc_url = r.string(v)?,
                _ => {
                    return Err((r.err)(
                        &k.span(),
                        format!(
                            "unknown setting `{key}` (expected one of: {})",
                            TOP_KEYS.join(", ")
                        ),
                    ))
                }
            }
        }
        cfg.warnings.extend(globs.over.map(|e| e.to_string()));
        Ok(cfg)
    }

    /// Whether a rule (by code) is switched off.
    pub fn is_disabled(&self, code: &str, name: &str) -> bool {
        self.disabled.iter().any(|d| d == code || d == name)
    }
}

const TOP_KEYS: [&str; 14] = [
    "fail-level",
    "strict",
    "default-namespace",
    "max-file-size",
    "rules",
    "disable",
    "ignore-paths",
    "ignore",
    "images",
    "qos",
    "liveness",
    "node-memory",
    "external-objects",
    "doc-url",
];

/// Bytes of path globs left ([`crate::budget::MAX_IGNORE_PATTERN_BYTES`]), and where they ran
/// out.
struct GlobBudget {
    left: usize,
    over: Option<ConfigError>,
}

impl Default for GlobBudget {
    fn default() -> GlobBudget {
        GlobBudget {
            left: crate::budget::MAX_IGNORE_PATTERN_BYTES,
            over: None,
        }
    }
}

impl GlobBudget {
    /// Take `n` bytes; false past the budget (`at` locates the first entry refused).
    fn take(&mut self, n: usize, at: impl FnOnce() -> ConfigError) -> bool {
        if self.over.is_none() {
            if let Some(left) = self.left.checked_sub(n) {
                self.left = left;
                return true;
            }
            let mut e = at();
            e.message = format!(
                "path globs past kexit's budget of {} are not applied (this entry and the ones after it)",
                crate::budget::human(crate::budget::MAX_IGNORE_PATTERN_BYTES)
            );
            self.over = Some(e);
        }
        false
    }
}

struct Reader<'a> {
    err: &'a dyn Fn(&std::ops::Range<usize>, String) -> ConfigError,
}

impl Reader<'_> {
    fn string(&self, v: &Node) -> Result<String, ConfigError> {
        match &v.value {
            Value::Str(s) => Ok(s.to_string()),
            Value::Int(_) | Value::Float(_) | Value::Bool(_) => {
                Ok(v.scalar_text().unwrap_or_default())
            }
            _ => Err((self.err)(&v.span(), "expected a string".to_string())),
        }
    }
    fn bool(&self, v: &Node) -> Result<bool, ConfigError> {
        v.as_bool()
            .ok_or_else(|| (self.err)(&v.span(), "expected true or false".to_string()))
    }
    fn seq<'n>(&self, v: &'n Node) -> Result<&'n [Node], ConfigError> {
        if v.is_null() {
            return Ok(&[]);
        }
        if !v.is_seq() {
            return Err((self.err)(&v.span(), "expected a list".to_string()));
        }
        Ok(v.items())
    }
    fn strings(&self, v: &Node) -> Result<Vec<String>, ConfigError> {
        if let Value::Str(s) = &v.value {
            return Ok(s
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect());
        }
        self.seq(v)?.iter().map(|i| self.string(i)).collect()
    }
    fn check_keys(&self, v: &Node, allowed: &[&str]) -> Result<(), ConfigError> {
        if !v.is_map() {
            return Err((self.err)(&v.span(), "expected a mapping".to_string()));
        }
        for (k, _) in v.entries() {
            let key = k.scalar_text().unwrap_or_default();
            if !allowed.contains(&key.as_str()) {
                return Err((self.err)(
                    &k.span(),
                    format!(
                        "unknown key `{key}` (expected one of: {})",
                        allowed.join(", ")
                    ),
                ));
            }
        }
        Ok(())
    }
    fn required(&self, v: &Node, key: &str) -> Result<String, ConfigError> {
        match v.get(key) {
            Some(n) => self.string(n),
            None => Err((self.err)(
                &v.span(),
                format!("missing required key `{key}`"),
            )),
        }
    }
    fn optional(&self, v: &Node, key: &str) -> Result<Option<String>, ConfigError> {
        v.get(key).map(|n| self.string(n)).transpose()
    }
    fn rule_code(&self, v: &Node) -> Result<String, ConfigError> {
        let s = self.string(v)?;
        match meta::by_code(&s) {
            Some(r) => Ok(r.code.to_string()),
            None => Err((self.err)(
                &v.span(),
                format!("unknown rule `{s}` (see `kexit rules`)"),
            )),
        }
    }
    fn glob(&self, v: &Node, g: &str) -> Result<(), ConfigError> {
        globset::Glob::new(g)
            .map(|_| ())
            .map_err(|e| (self.err)(&v.span(), format!("invalid glob `{g}`: {e}")))
    }
    fn rules(&self, v: &Node, cfg: &mut Config) -> Result<(), ConfigError> {
        if !v.is_map() {
            return Err((self.err)(
                &v.span(),
                "`rules` must map rule codes to off, on, info, warning or error".to_string(),
            ));
        }
        for (k, val) in v.entries() {
            let code = self.rule_code(k)?;
            let setting = match &val.value {
                Value::Bool(false) => "off".to_string(),
                Value::Bool(true) => "on".to_string(),
                _ => self.string(val)?.to_ascii_lowercase(),
            };
            match setting.as_str() {
                "off" | "disable" | "disabled" => {
                    if !cfg.disabled.contains(&code) {
                        cfg.disabled.push(code);
                    }
                }
                "on" | "enable" | "enabled" | "default" => {
                    cfg.disabled.retain(|d| d != &code);
                }
                s => match Severity::parse(s) {
                    Some(sev) => {
                        cfg.disabled.retain(|d| d != &code);
                        cfg.severity.insert(code, sev);
                    }
                    None => {
                        return Err((self.err)(
                            &val.span(),
                            format!(
                                "rule setting must be off, on, info, warning or error, not `{s}`"
                            ),
                        ))
                    }
                },
            }
        }
        Ok(())
    }
    fn ignore(&self, v: &Node) -> Result<ConfigIgnore, ConfigError> {
        self.check_keys(v, &["rules", "paths", "objects", "containers", "reason"])?;
        let mut ig = ConfigIgnore::default();
        if let Some(r) = v.get("rules") {
            if let Value::Str(_) = r.value {
                for code in self.strings(r)? {
                    ig.rules.push(
                        meta::by_code(&code)
                            .map(|r| r.code.to_string())
                            .ok_or_else(|| {
                                (self.err)(&r.span(), format!("unknown rule `{code}`"))
                            })?,
                    );
                }
            } else {
                for item in self.seq(r)? {
                    ig.rules.push(self.rule_code(item)?);
                }
            }
        }
        if let Some(p) = v.get("paths") {
            for item in self.seq(p)? {
                let g = self.string(item)?;
                self.glob(item, &g)?;
                ig.paths.push(g);
            }
        }
        if let Some(o) = v.get("objects") {
            for item in self.seq(o)? {
                let s = self.string(item)?;
                let parts = s.split('/').count();
                if !(2..=3).contains(&parts) {
                    return Err((self.err)(
                        &item.span(),
                        format!("object `{s}` must be `Kind/name` or `Kind/namespace/name`"),
                    ));
                }
                ig.objects.push(s);
            }
        }
        if let Some(c) = v.get("containers") {
            ig.containers = self.strings(c)?;
        }
        ig.reason = self.required(v, "reason")?;
        if ig.reason.trim().is_empty() {
            return Err((self.err)(
                &v.span(),
                "`reason` must not be empty".to_string(),
            ));
        }
        if ig.rules.is_empty() && ig.paths.is_empty() && ig.objects.is_empty() {
            return Err((self.err)(
                &v.span(),
                "an `ignore` entry needs at least one of `rules`, `paths` or `objects`".to_string(),
            ));
        }
        Ok(ig)
    }
    fn image_link(&self, v: &Node) -> Result<ImageLink, ConfigError> {
        self.check_keys(v, &["image", "dockerfile", "context", "target"])?;
        let image = self.required(v, "image")?;
        if image.contains('@') || image.rsplit('/').next().is_some_and(|l| l.contains(':')) {
            return Err((self.err)(
                &v.get("image").map_or(v.span(), |n| n.span()),
                format!("`image` is a repository without tag or digest, not `{image}`"),
            ));
        }
        Ok(ImageLink {
            image,
            dockerfile: self.required(v, "dockerfile")?,
            context: self.optional(v, "context")?,
            target: self.optional(v, "target")?,
        })
    }
    fn qos(&self, v: &Node) -> Result<QosIntent, ConfigError> {
        self.check_keys(v, &["namespace", "kind", "class"])?;
        let class = self.required(v, "class")?;
        let class = match class.to_ascii_lowercase().as_str() {
            "guaranteed" => "Guaranteed".to_string(),
            "burstable" => "Burstable".to_string(),
            _ => {
                return Err((self.err)(
                    &v.get("class").map_or(v.span(), |n| n.span()),
                    format!("`class` must be Guaranteed or Burstable, not `{class}`"),
                ))
            }
        };
        Ok(QosIntent {
            namespace: self.optional(v, "namespace")?,
            kind: self.optional(v, "kind")?,
            class,
        })
    }
    fn external(&self, v: &Node) -> Result<ExternalObject, ConfigError> {
        self.check_keys(v, &["kind", "namespace", "name", "keys"])?;
        Ok(ExternalObject {
            kind: self.required(v, "kind")?,
            namespace: self.optional(v, "namespace")?,
            name: self.required(v, "name")?,
            keys: match v.get("keys") {
                Some(k) => self.strings(k)?,
                None => Vec::new(),
            },
        })
    }
    fn seconds(&self, v: &Node) -> Result<u32, ConfigError> {
        let bad = || {
            (self.err)(
                &v.span(),
                "expected a duration in seconds (`30`, `30s`, `2m`)".to_string(),
            )
        };
        if let Some(i) = v.as_i64() {
            return u32::try_from(i).map_err(|_| bad());
        }
        let s = v.as_str().ok_or_else(bad)?.trim();
        let (num, mult) = if let Some(n) = s.strip_suffix('s') {
            (n, 1)
        } else if let Some(n) = s.strip_suffix('m') {
            (n, 60)
        } else if let Some(n) = s.strip_suffix('h') {
            (n, 3600)
        } else {
            (s, 1)
        };
        num.trim()
            .parse::<u32>()
            .ok()
            .and_then(|n| n.checked_mul(mult))
            .ok_or_else(bad)
    }
    fn cap(&self, v: &Node) -> Result<u64, ConfigError> {
        let text = v.scalar_text().unwrap_or_default();
        // A plain integer past i64 is read as a float: its digits are already rounded.
        if matches!(v.value, Value::Float(f) if f.abs() >= 9.0e15) {
            return Err((self.err)(
                &v.span(),
                "too large for a size cap (write a quantity such as `10Mi` or `1Ti`)".to_string(),
            ));
        }
        parse_cap(&text).map_err(|e| (self.err)(&v.span(), e))
    }
    fn quantity(&self, v: &Node) -> Result<u64, ConfigError> {
        let text = v.scalar_text().unwrap_or_default();
        parse_bytes(&text).ok_or_else(|| {
            (self.err)(
                &v.span(),
                format!("expected a byte quantity (`16Gi`, `512Mi`, `1000000`), not `{text}`"),
            )
        })
    }
}

/// A Kubernetes-style byte quantity (`16Gi`, `1G`, `1024`) as bytes; None when malformed or
/// past u64.
pub fn parse_bytes(s: &str) -> Option<u64> {
    let s = s.trim();
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (num, suffix) = s.split_at(split);
    let mult: u64 = match suffix {
        "" => 1,
        "k" => 1_000,
        "M" => 1_000_000,
        "G" => 1_000_000_000,
        "T" => 1_000_000_000_000,
        "P" => 1_000_000_000_000_000,
        "Ki" => 1 << 10,
        "Mi" => 1 << 20,
        "Gi" => 1 << 30,
        "Ti" => 1 << 40,
        "Pi" => 1 << 50,
        _ => return None,
    };
    // Integer arithmetic, checked: a value past u64 is an error, never a wrap or a rounding.
    let (int, frac) = num.split_once('.').unwrap_or((num, ""));
    if int.is_empty() && frac.is_empty() || frac.contains('.') || frac.len() > 18 {
        return None;
    }
    let digits = |d: &str| -> Option<u128> {
        d.bytes().try_fold(0u128, |acc, b| {
            acc.checked_mul(10)?.checked_add(u128::from(b - b'0'))
        })
    };
    let whole = digits(int)?.checked_mul(u128::from(mult))?;
    let scale = 10u128.checked_pow(u32::try_from(frac.len()).ok()?)?;
    let part = digits(frac)?.checked_mul(u128::from(mult))? / scale;
    u64::try_from(whole.checked_add(part)?).ok()
}

/// A file size cap (`--max-file-size`, `max-file-size:`): a byte quantity whose cap + 1 (the
/// byte that proves a file is over it) still fits in 64 bits.
pub fn parse_cap(s: &str) -> Result<u64, String> {
    let n = parse_bytes(s).ok_or_else(|| {
        format!("expected a byte quantity (`10Mi`, `512k`, `1000000`), not `{s}`")
    })?;
    n.checked_add(1).map(|_| n).ok_or_else(|| {
        format!(
            "`{s}` is too large for a size cap (at most {} bytes)",
            u64::MAX - 1
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_quantities_and_locates_errors() {
        assert_eq!(parse_bytes("16Gi"), Some(16 << 30));
        assert_eq!(parse_bytes("1.5G"), Some(1_500_000_000));
        assert_eq!(parse_bytes("1024"), Some(1024));
        assert_eq!(parse_bytes("12x"), None);
        assert_eq!(parse_bytes("Gi"), None);
        assert_eq!(parse_bytes("0.5Ki"), Some(512));
        assert_eq!(parse_bytes(".5k"), Some(500));
        assert_eq!(parse_bytes("."), None);
        assert_eq!(parse_bytes("1.2.3"), None);
        assert_eq!(parse_bytes("18446744073709551615"), Some(u64::MAX));
        assert_eq!(parse_bytes("18446744073709551616"), None);
        assert_eq!(parse_bytes("16384Pi"), None);
        assert_eq!(
            parse_bytes("99999999999999999999999999999999999999999999"),
            None
        );
        assert_eq!(parse_cap("18446744073709551614"), Ok(u64::MAX - 1));
        assert!(parse_cap("18446744073709551615").is_err());
        assert!(parse_cap("20000P").is_err());
        assert!(parse_cap("-1").is_err());
        let e = Config::from_yaml("c.yaml", "strict: true\nbogus: 1\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, 1));
        assert!(e
            .to_string()
            .starts_with("c.yaml:2:1: unknown setting `bogus`"));
        let c = Config::from_yaml("c.yaml", "rules:\n  KX202: off\n  KX101: info\n").unwrap();
        assert!(c.is_disabled("KX202", ""));
        assert_eq!(c.severity.get("KX101"), Some(&Severity::Info));
        assert!(Config::from_yaml("c.yaml", "").is_ok());
        assert!(Config::from_yaml("c.yaml", "- a\n").is_err());
    }
}
