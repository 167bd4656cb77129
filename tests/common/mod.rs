//! Helpers shared by the integration tests. Each test binary uses a part.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

/// Unix seconds now.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// Whether an external tool answers `name probe`. Under CI (`CI=true`) a
/// missing tool fails the test: interop tests must run there, never skip.
pub fn require_tool(name: &str, probe: &str) -> bool {
    let ok = Command::new(name)
        .arg(probe)
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok && std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
        panic!("{name} is required under CI");
    }
    if !ok {
        eprintln!("skipping: {name} not available");
    }
    ok
}

/// Runs a tool in `dir`, asserting success.
pub fn tool(dir: &Path, prog: &str, args: &[&str]) -> Output {
    let out = Command::new(prog)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("{prog}: {e}"));
    assert!(
        out.status.success(),
        "{prog} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A tool's standard output and error together (`openssl pkcs12 -info`
/// reports on stderr).
pub fn tool_text(dir: &Path, prog: &str, args: &[&str]) -> String {
    let out = tool(dir, prog, args);
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}
