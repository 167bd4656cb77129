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

/// `promtool check metrics` of an exposition text must pass; `strict`:
/// and print nothing (no lint warning either). Callers check first that
/// promtool is there (`require_tool`).
pub fn promtool_check(text: &str, strict: bool) {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("promtool starts");
    child
        .stdin
        .take()
        .expect("promtool's stdin")
        .write_all(text.as_bytes())
        .expect("promtool reads the text");
    let out = child.wait_with_output().expect("promtool ends");
    let quiet = out.stdout.is_empty() && out.stderr.is_empty();
    assert!(
        out.status.success() && (quiet || !strict),
        "promtool: {}{}\n{text}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
