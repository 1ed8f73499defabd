//! The rules. One rule, one file: each file declares a `pub static RULE: Rule` pairing its
//! metadata in the one registry ([`crate::meta`]: code, name, default severity, predicted exit
//! code, summary, user doc `rules/<CODE>.md`) with its check, which owns the rule's logic and
//! messages. [`RULES`] lists them all, sorted by code (the same order as [`crate::meta::ALL`]).

use crate::finding::Finding;
use crate::meta::Meta;
use crate::model::Model;

/// A rule: its metadata (in the one registry, [`crate::meta`]) and its check.
pub struct Rule {
    pub meta: &'static Meta,
    /// Runs over the whole model and pushes findings. Front-end rules (parse errors) have a no-op
    /// check: their findings are built by their file from the front end's errors.
    pub check: fn(&Model, &mut Vec<Finding>),
}

impl std::ops::Deref for Rule {
    type Target = Meta;
    fn deref(&self) -> &Meta {
        self.meta
    }
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rule").field("code", &self.code).finish()
    }
}

/// A check for rules whose findings come from the front ends.
pub fn no_check(_: &Model, _: &mut Vec<Finding>) {}

/// The one info a file that looks like a template gets instead of its syntax errors (KX001 for
/// YAML, KX002 for Dockerfiles): `what` markup on `line`, next to a syntax error of `language`.
pub(crate) fn template_not_linted(
    rule: &'static Meta,
    span: crate::source::Span,
    (what, line): (&str, usize),
    language: &str,
    help: &str,
) -> Finding {
    Finding::new(
        rule,
        span,
        format!(
            "looks like a template ({what} on line {line}, next to a {language} syntax error); not linted"
        ),
    )
    .severity(crate::finding::Severity::Info)
    .help(help.to_string())
}

macro_rules! rules {
    ($($module:ident),* $(,)?) => {
        $(pub mod $module;)*
        /// Every rule, sorted by code.
        pub static RULES: &[&Rule] = &[$(&$module::RULE),*];
    };
}

rules! {
    kx001_invalid_yaml,
    kx002_invalid_dockerfile,
    kx003_duplicate_key,
    kx004_unreadable_file,
    kx005_schema_type_error,
    kx006_yaml11_scalar,
    kx008_unused_suppression,
    kx009_invalid_quantity,
    kx010_not_rendered,
    kx011_expansion_budget,
    kx012_compose_cycle,
    kx013_object_too_large,
    kx101_command_with_spaces,
    kx102_exec_form_invalid_json,
    kx103_command_not_found,
    kx104_command_unverified,
    kx105_shell_missing,
    kx106_bash_missing,
    kx107_script_shebang,
    kx108_script_crlf,
    kx109_script_bom,
    kx110_not_executable,
    kx111_relative_command_path,
    kx112_undefined_var_reference,
    kx113_shell_var_in_exec_form,
    kx115_libc_mismatch,
    kx116_bashism_in_sh_script,
    kx117_path_env_missing_dir,
    kx118_arch_mismatch,
    kx119_multiple_cmd_entrypoint,
    kx120_relative_workdir,
    kx121_copy_from_missing_path,
    kx122_entrypoint_not_created,
    kx124_no_command,
    kx201_heap_exceeds_limit,
    kx202_no_memory_limit,
    kx203_memory_millibytes,
    kx204_request_exceeds_limit,
    kx205_memory_limit_too_small,
    kx206_memory_emptydir_no_size_limit,
    kx207_prestop_exceeds_grace,
    kx208_zero_grace_period,
    kx209_stopsignal_sigkill,
    kx210_pid1_ignores_sigterm,
    kx211_liveness_kills_slow_start,
    kx212_liveness_equals_readiness,
    kx213_probe_undeclared_port,
    kx214_qos_intent_not_met,
    kx215_empty_pod_resources,
    kx301_subpath_missing_key,
    kx302_mount_without_volume,
    kx303_items_key_missing,
    kx304_mount_hides_command,
    kx305_missing_reference,
    kx306_mode_not_octal,
}

/// Helpers of the exec rule family (KX103–KX111, KX116).
pub mod exec;

pub fn by_code(code: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(code) || r.name == code)
}
