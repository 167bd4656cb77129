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

/// Validates a SARIF document against the SARIF 2.1.0 schema with
/// python3's jsonschema, when `target/ci-tools/sarif-2.1.0-rtm.5.json`
/// and the module are there (`.ci/run` provides both); skips visibly
/// without them outside CI, fails under `CI=true`.
pub fn validate_sarif_schema(dir: &Path, doc: &[u8]) {
    let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    let schema =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("target/ci-tools/sarif-2.1.0-rtm.5.json");
    if !schema.is_file() {
        assert!(
            !ci,
            "the SARIF schema {} is required under CI",
            schema.display()
        );
        eprintln!("SKIPPED: no SARIF schema at {}", schema.display());
        return;
    }
    let has = Command::new("python3")
        .args(["-c", "import jsonschema"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has {
        assert!(!ci, "python3 module jsonschema is required under CI");
        eprintln!("SKIPPED: python3 module jsonschema not available");
        return;
    }
    let file = dir.join("schema-check.sarif");
    std::fs::write(&file, doc).unwrap();
    let script = "import sys, json, jsonschema\nschema = json.load(open(sys.argv[1]))\ndoc = json.load(open(sys.argv[2]))\nerrors = list(jsonschema.validators.validator_for(schema)(schema).iter_errors(doc))\nfor e in errors[:10]:\n    print(list(e.absolute_path), e.message)\nsys.exit(1 if errors else 0)\n";
    let out = Command::new("python3")
        .args([
            "-c",
            script,
            schema.to_str().unwrap(),
            file.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "SARIF does not validate: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
