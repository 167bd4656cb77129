//! The skip ledger, printed at the end of `cargo test` (issue 24 part 3).
//!
//! A test that skips (a tool, `../shared` or a python module is missing
//! outside CI) says so on standard error, which libtest hides unless the
//! test fails, and appends `binary::test: reason` to
//! `<target>/tmp/skipped-<cargo pid>.txt` (`tests/common::skipped`; the
//! catalogue unit tests too). Cargo runs the library's unit tests first,
//! then the integration test binaries in name order, each a child of the
//! one cargo process: this binary, last by its name, prints the ledger of
//! its own parent (with direct writes to standard error, which libtest
//! does not capture) and removes it.

mod common;

use std::io::Write;
use std::path::Path;

#[test]
fn print_what_was_skipped() {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let ledger = common::ledger_path(tmp, std::os::unix::process::parent_id());
    let text = std::fs::read_to_string(&ledger).unwrap_or_default();
    let mut err = std::io::stderr().lock();
    let lines: Vec<&str> = text.lines().filter(|l| !l.is_empty()).collect();
    let _ = if lines.is_empty() {
        writeln!(err, "\nskipped tests: none\n")
    } else {
        let mut s = format!("\nskipped tests ({}), and why:\n", lines.len());
        for l in &lines {
            s.push_str(&format!("  {l}\n"));
        }
        writeln!(err, "{s}")
    };
    let _ = std::fs::remove_file(&ledger);
    // Ledgers of runs that stopped before this binary (one test file run
    // alone, an interrupted run) are dropped after a day, so a reused
    // process id never shows another run's lines.
    if let Ok(dir) = std::fs::read_dir(tmp) {
        for f in dir.flatten() {
            let name = f.file_name();
            let old = f
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age.as_secs() > 86_400);
            if old && name.to_string_lossy().starts_with("skipped-") {
                let _ = std::fs::remove_file(f.path());
            }
        }
    }
}
