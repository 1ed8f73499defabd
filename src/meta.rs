//! Rule metadata: the one registry of rule codes (code, name, default severity, predicted exit
//! code, one-line summary, user doc). It sits at the base of the crate: findings, the
//! configuration and the loaders name rules through it without depending on the rules
//! themselves; `crate::rules` pairs each entry with the file holding its logic (a test keeps the
//! two lists equal). The README rule table is generated from [`ALL`] (tests/rule_docs.rs).
//!
//! Adding a rule: `src/rules/kxNNN_name.rs` (its logic and messages), `rules/KXNNN.md` (its doc),
//! `fixtures/KXNNN/`, one line below and its module in `src/rules/mod.rs`.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
    pub fn parse(s: &str) -> Option<Severity> {
        match s.to_ascii_lowercase().as_str() {
            "info" | "style" | "note" => Some(Severity::Info),
            "warning" | "warn" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

/// What a rule is, without what it checks.
pub struct Meta {
    /// Stable code: KX0xx input, KX1xx command/exec, KX2xx memory/termination, KX3xx volumes/references.
    pub code: &'static str,
    /// kebab-case name.
    pub name: &'static str,
    pub severity: Severity,
    /// Predicted exit code of the failure, or None when it has none (pending, CreateContainerConfigError).
    pub exit_code: Option<u16>,
    /// One line for `kexit rules` and the README.
    pub summary: &'static str,
    /// The user-facing doc (`rules/<CODE>.md`).
    pub doc: &'static str,
}

impl std::fmt::Debug for Meta {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rule").field("code", &self.code).finish()
    }
}

macro_rules! registry {
    ($($code:ident: $name:literal, $severity:ident, $exit:expr, $summary:literal;)*) => {
        $(
            pub static $code: Meta = Meta {
                code: stringify!($code),
                name: $name,
                severity: Severity::$severity,
                exit_code: $exit,
                summary: $summary,
                doc: include_str!(concat!("../rules/", stringify!($code), ".md")),
            };
        )*
        /// Every rule, sorted by code.
        pub static ALL: &[&Meta] = &[$(&$code),*];
    };
}

// code: name, severity, exit code, summary;
#[rustfmt::skip]
registry! {
    KX001: "invalid-yaml", Error, None, "File is not valid YAML; kubectl rejects the whole file";
    KX002: "invalid-dockerfile", Error, None, "Dockerfile syntax error; docker build fails";
    KX003: "duplicate-key", Warning, None, "Key repeated in one YAML mapping; kubectl's strict validation rejects the object";
    KX004: "unreadable-file", Error, None, "File could not be read (binary, not UTF-8, too large, unreadable)";
    KX005: "schema-type-error", Error, None, "Field has the wrong type for its Kubernetes schema; the API rejects the object";
    KX006: "yaml11-scalar", Error, None, "Unquoted scalar that YAML 1.1 reads as a bool or number where a string is required";
    KX008: "unused-suppression", Info, None, "A kexit suppression that silences nothing";
    KX009: "invalid-quantity", Error, None, "Resource quantity the API server rejects (bad suffix, garbage, negative)";
    KX010: "not-rendered", Info, None, "Helm chart not rendered; its templates were not linted";
    KX011: "expansion-budget", Warning, None, "Variable expansion (`$(VAR)` env chain, Dockerfile ARG/ENV, Compose `${VAR}`) grows past kexit's budget; values from there on are not checked";
    KX012: "compose-cycle", Error, None, "Compose `extends` or `include` refers back to itself; docker compose refuses to load the project";
    KX013: "object-too-large", Error, None, "Object too large to apply: over 3 MiB of JSON (413), a ConfigMap/Secret over 1 MiB of data, over 256 KiB for client-side `kubectl apply`";
    KX101: "command-with-spaces", Error, Some(128), "Exec-form argv[0] contains whitespace; it is never split into words";
    KX102: "exec-form-invalid-json", Warning, Some(127), "CMD/ENTRYPOINT looks like JSON but is not, so Docker runs it through /bin/sh -c";
    KX103: "command-not-found", Error, Some(127), "Command or interpreter absent from the image";
    KX104: "command-unverified", Info, Some(127), "Command could not be verified against the image";
    KX105: "shell-missing", Error, Some(127), "A shell is needed but the image has none";
    KX106: "bash-missing", Error, Some(127), "bash is needed but the image has only busybox/ash";
    KX107: "script-shebang", Error, Some(127), "Script has no shebang or its interpreter is absent from the image";
    KX108: "script-crlf", Error, Some(127), "Script has CRLF line endings; the kernel looks for `/bin/sh^M`";
    KX109: "script-bom", Error, Some(255), "Script starts with a UTF-8 BOM before `#!`";
    KX110: "not-executable", Error, Some(126), "Executed file lacks the exec bit";
    KX111: "relative-command-path", Error, Some(127), "Relative command path does not resolve from the working directory";
    KX112: "undefined-var-reference", Warning, None, "$(VAR) in command/args is not defined in the container env and stays literal";
    KX113: "shell-var-in-exec-form", Warning, None, "$VAR or ${VAR} in exec form is never expanded without a shell";
    KX115: "libc-mismatch", Warning, Some(255), "glibc-linked binary copied into a musl or libc-less image";
    KX116: "bashism-in-sh-script", Error, Some(127), "bash syntax in a script run by dash or busybox sh";
    KX117: "path-env-missing-dir", Error, Some(128), "Container env PATH omits the directory holding the command";
    KX118: "arch-mismatch", Error, Some(255), "Image platform differs from the node architecture the pod is pinned to";
    KX119: "multiple-cmd-entrypoint", Warning, None, "More than one CMD/ENTRYPOINT/HEALTHCHECK in a stage; only the last counts";
    KX120: "relative-workdir", Warning, None, "Relative WORKDIR depends on the previous one";
    KX121: "copy-from-missing-path", Error, None, "COPY --from names a path the source stage does not produce";
    KX122: "entrypoint-not-created", Error, Some(128), "ENTRYPOINT/CMD names a path no instruction created";
    KX124: "no-command", Error, None, "Neither the image nor the manifest sets a command";
    KX201: "heap-exceeds-limit", Error, Some(137), "Runtime heap flag reaches or nears the container memory limit";
    KX202: "no-memory-limit", Info, Some(137), "Containers without a memory limit (unbounded growth, first OOM/eviction victim); one note per workload";
    KX203: "memory-millibytes", Error, None, "Memory quantity with a fractional byte value (`512m` is millibytes, not MiB)";
    KX204: "request-exceeds-limit", Error, None, "Resource request greater than its limit (rejected by the API server)";
    KX205: "memory-limit-too-small", Error, Some(137), "Memory limit too small for any process to start (usually a missing unit)";
    KX206: "memory-emptydir-no-size-limit", Warning, Some(137), "`emptyDir.medium: Memory` without `sizeLimit` (tmpfs counts against the memory limit)";
    KX207: "prestop-exceeds-grace", Warning, Some(137), "preStop hook lasts as long as (or longer than) terminationGracePeriodSeconds";
    KX208: "zero-grace-period", Warning, Some(137), "terminationGracePeriodSeconds: 0 turns every stop into a SIGKILL";
    KX209: "stopsignal-sigkill", Error, Some(137), "STOPSIGNAL SIGKILL (or lifecycle.stopSignal) makes every stop a kill";
    KX210: "pid1-ignores-sigterm", Error, Some(137), "PID 1 (a shell, sleep, or a script without exec) ignores SIGTERM: SIGKILL after the grace period";
    KX211: "liveness-kills-slow-start", Warning, Some(137), "Liveness probe without startupProbe kills slow starters (JVM) in a restart loop";
    KX212: "liveness-equals-readiness", Warning, Some(137), "Liveness probe identical to the readiness probe (overload turns into restarts)";
    KX213: "probe-undeclared-port", Error, None, "Probe refers to a named port the container does not declare";
    KX214: "qos-intent-not-met", Error, Some(137), "Declared QoS intent (kexit.io/qos) not met by the resources";
    KX215: "empty-pod-resources", Warning, Some(137), "Empty pod-level `resources: {}` can make the pod BestEffort whatever its containers set";
    KX301: "subpath-missing-key", Error, None, "subPath names a path absent from the projected volume; an empty directory is mounted";
    KX302: "mount-without-volume", Error, None, "volumeMount names no volume; the API rejects the pod";
    KX303: "items-key-missing", Error, None, "Key named by volume items or env valueFrom is absent from the ConfigMap/Secret";
    KX304: "mount-hides-command", Error, Some(127), "A volume mounted over the directory holding the command hides it";
    KX305: "missing-reference", Warning, None, "Referenced ConfigMap/Secret not found in the tree";
    KX306: "mode-not-octal", Warning, None, "defaultMode/mode written as decimal-looking octal or out of range";
}

/// The rule with this code (any case) or name.
pub fn by_code(code: &str) -> Option<&'static Meta> {
    ALL.iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(code) || r.name == code)
}
