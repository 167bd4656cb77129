//! Helpers shared by the integration tests. Each test binary uses a part.
#![allow(dead_code, unused_imports)]

use std::path::Path;
use std::process::{Command, Output};

pub mod cli;
pub mod reports;
pub mod servers;
pub mod stores;
pub mod tools;

pub use cli::{Kdbman, gsk, gsk_link, gsk_ok, kdbman_bin, run_with, status_and_text};
pub use reports::{promtool_check, python_has, sarif_schema};
pub use stores::{floor, native_store, new_store, new_store_with};
pub use tools::{openssl, openssl_status, openssl_text};

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
        skipped(&format!("{name} not available"));
    }
    ok
}

/// Says that a test (or part of one) did not run, and why: on standard
/// error (shown with `--nocapture`) and in the skip ledger that
/// `tests/zz_skipped.rs` prints at the end of `cargo test`.
pub fn skipped(reason: &str) {
    eprintln!("SKIPPED: {reason}");
    ledger_note(std::path::Path::new(env!("CARGO_TARGET_TMPDIR")), reason);
}

/// The skip ledger of the `cargo test` run this test binary belongs to:
/// every test binary of one run is a child of the same cargo process.
pub fn ledger_path(tmp: &Path, cargo_pid: u32) -> std::path::PathBuf {
    tmp.join(format!("skipped-{cargo_pid}.txt"))
}

/// Appends `binary::test: reason` to the ledger of this run (one write
/// per line, so lines of parallel tests do not mix). A ledger that
/// cannot be written loses only the summary line: the skip itself was
/// said on standard error.
pub fn ledger_note(tmp: &Path, reason: &str) {
    use std::io::Write;
    let binary = std::env::current_exe()
        .ok()
        .and_then(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .map(|s| match s.rsplit_once('-') {
            Some((name, hash)) if hash.len() == 16 => name.to_string(),
            _ => s,
        })
        .unwrap_or_else(|| "?".into());
    let test = std::thread::current()
        .name()
        .filter(|n| *n != "main")
        .map(|n| format!("::{n}"))
        .unwrap_or_default();
    let line = format!("{binary}{test}: {}\n", reason.replace(['\n', '\r'], " "));
    let _ = std::fs::create_dir_all(tmp);
    if let Ok(mut f) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(ledger_path(tmp, std::os::unix::process::parent_id()))
    {
        let _ = f.write_all(line.as_bytes());
    }
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

/// A path as a command-line argument (test paths are UTF-8).
pub fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The codes of a lint report's findings (`findings[].code`), in order.
pub fn codes(report: &serde_json::Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

/// Standard output and error of a finished command together (lossy).
pub fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Whether openssl is there ([`require_tool`]: required under CI).
pub fn have_openssl() -> bool {
    require_tool("openssl", "version")
}

/// The SubjectPublicKeyInfo of a key (through a throw-away self-signed
/// certificate).
pub fn spki_of(key: &kdbman::PrivateKey) -> Vec<u8> {
    let cert = kdbman::pki::CertSpec::new("CN=spki", 1)
        .self_signed(key)
        .unwrap();
    kdbman::pki::cert_spki(&cert).unwrap()
}

/// Runs a tool in `dir`, asserting success; its standard output.
pub fn tool_stdout(dir: &Path, prog: &str, args: &[&str]) -> Vec<u8> {
    tool(dir, prog, args).stdout
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
/// python3's jsonschema (the schema itself checked too), when the schema
/// and the module are there (`.ci/run` provides both); skips visibly
/// without them outside CI, fails under `CI=true`.
pub fn validate_sarif_schema(dir: &Path, doc: &[u8]) {
    let Some(schema) = sarif_schema() else { return };
    if !python_has("jsonschema") {
        return;
    }
    let file = dir.join("schema-check.sarif");
    std::fs::write(&file, doc).unwrap();
    let script = "import sys, json, jsonschema\nschema = json.load(open(sys.argv[1]))\ndoc = json.load(open(sys.argv[2]))\ncls = jsonschema.validators.validator_for(schema)\ncls.check_schema(schema)\nerrors = list(cls(schema).iter_errors(doc))\nfor e in errors[:10]:\n    print(list(e.absolute_path), e.message)\nsys.exit(1 if errors else 0)\n";
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

/// Stops a server child as an operator would (SIGTERM, so it removes what
/// it made, such as `serve --demo`'s CA directory), killing it only if it
/// has not ended within five seconds.
pub fn stop_gracefully(child: &mut std::process::Child) {
    if let Ok(Some(_)) = child.try_wait() {
        return;
    }
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while std::time::Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
}
