//! `kdbman explain` knows every code kdbman prints (issue 20, deliverable
//! 7): the source tree is scanned for code literals — IHS messages
//! (SSL0nnnX), lint warnings (KDBnnnnX), gsk8capicmd front-end messages
//! (KDBGnnnnX) and the GSKit messages it prints (CTGSKnnnnX) — and each
//! must be explained, so a new code without an entry fails here. Unit
//! test modules (from `#[cfg(test)]` on) are not scanned: they hold
//! deliberately invalid codes.

use std::collections::BTreeSet;
use std::path::Path;

use assert_cmd::Command;

/// Code-like words of a text: PREFIX, digits, one capital letter, with no
/// letter or digit on either side.
fn codes_in(text: &str, out: &mut BTreeSet<String>) {
    const FORMS: &[(&str, usize)] = &[("CTGSK", 4), ("KDBG", 4), ("KDB", 4), ("SSL", 4)];
    let b = text.as_bytes();
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    for i in 0..b.len() {
        if i > 0 && word(b[i - 1]) {
            continue;
        }
        for (prefix, digits) in FORMS {
            let p = prefix.as_bytes();
            let end = i + p.len() + digits + 1;
            if end > b.len() || &b[i..i + p.len()] != p {
                continue;
            }
            let ds = &b[i + p.len()..end - 1];
            let letter = b[end - 1];
            if ds.iter().all(u8::is_ascii_digit)
                && letter.is_ascii_uppercase()
                && b.get(end).is_none_or(|&c| !word(c))
            {
                out.insert(text[i..end].to_string());
            }
        }
    }
}

fn scan(dir: &Path, out: &mut BTreeSet<String>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            scan(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            let text = std::fs::read_to_string(&p).unwrap();
            let body = text.split("#[cfg(test)]").next().unwrap_or("");
            codes_in(body, out);
        }
    }
}

#[test]
fn code_scanner_finds_each_form() {
    let mut found = BTreeSet::new();
    codes_in(
        "\"KDBG0008W\" KDB0009W, `CTGSK3029W` (SSL0208E) XKDB0001W KDBG0001WX SSL02xx KDBGnnnnW",
        &mut found,
    );
    let want: BTreeSet<String> = ["KDBG0008W", "KDB0009W", "CTGSK3029W", "SSL0208E"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(found, want);
}

#[test]
fn explain_knows_every_code_in_the_source() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut codes = BTreeSet::new();
    for dir in ["src", "crates/kdbman/src", "crates/kdbman-serve/src"] {
        scan(&root.join(dir), &mut codes);
    }
    for prefix in ["KDB0", "KDBG", "CTGSK", "SSL0"] {
        assert!(
            codes.iter().any(|c| c.starts_with(prefix)),
            "no {prefix} code found in the sources: the scan is broken"
        );
    }
    let mut unknown = Vec::new();
    for code in &codes {
        let out = Command::cargo_bin("kdbman")
            .unwrap()
            .args(["explain", code, "--json"])
            .output()
            .unwrap();
        let ok = out.status.success()
            && serde_json::from_slice::<serde_json::Value>(&out.stdout).is_ok_and(|v| {
                v["id"] == code.as_str() && v["fix"].as_str().is_some_and(|f| !f.is_empty())
            });
        if !ok {
            unknown.push(code.clone());
        }
    }
    assert!(
        unknown.is_empty(),
        "`kdbman explain` does not know {unknown:?}: add an entry (IHS codes: crates/kdbman/src/diagnose/catalogue.rs; lint warnings: EXTRA_RULES in crates/kdbman/src/diagnose/finding.rs; gsk8capicmd front end: src/cli/gsk/explain.rs)"
    );
    assert!(codes.len() > 100, "only {} codes found", codes.len());
}

#[test]
fn front_end_codes_explain_as_text() {
    let out = Command::cargo_bin("kdbman")
        .unwrap()
        .args(["explain", "kdbg0008w"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("KDBG0008W: the stash file cannot open the key database"));
    assert!(text.contains("How to fix it") && text.contains("exit status 7"));
    Command::cargo_bin("kdbman")
        .unwrap()
        .args(["explain", "KDBG0098W"])
        .assert()
        .code(2);
}
