//! Package name → binaries table for `apk add`, `apt-get install`, `dnf/microdnf/yum install`,
//! `pip install`.

/// Absolute paths of the binaries a package installs, or None for a package kexit does not know.
pub fn binaries(manager: &str, package: &str) -> Option<&'static [&'static str]> {
    let _ = (manager, package);
    None
}
