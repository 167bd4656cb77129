//! What report-validation tests need: python3 modules and the SARIF schema.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs `python3 -c "import MODULE"`; under CI (`CI=true`) the module must
/// be there, elsewhere a missing one is a visible skip.
pub fn python_has(module: &str) -> bool {
    let ok = Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok && std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
        panic!("python3 module {module} is required under CI (.ci/run installs it)");
    }
    if !ok {
        super::skipped(&format!("python3 module {module} not available"));
    }
    ok
}

/// The SARIF 2.1.0 schema: `$KDBMAN_SARIF_SCHEMA`, else where `.ci/run`
/// puts it (from npm `@microsoft/jest-sarif`). Required under CI; a
/// visible skip elsewhere.
pub fn sarif_schema() -> Option<PathBuf> {
    let p = std::env::var_os("KDBMAN_SARIF_SCHEMA")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("target/ci-tools/sarif-2.1.0-rtm.5.json")
        });
    if p.is_file() {
        return Some(p);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
        panic!(
            "the SARIF schema {} is required under CI (.ci/run fetches it)",
            p.display()
        );
    }
    super::skipped(&format!("no SARIF schema at {}", p.display()));
    None
}
