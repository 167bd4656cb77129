//! `kdbman explain` answers for every code of the IHS handshake catalogue
//! and every GSKit return code and name (acceptance 3). The code list is
//! read from the reference catalogue and the GSK correspondence from the
//! shared notes, not from a hand-written list.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn shared(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared")
        .join(rel)
}

/// A file of `../shared`: required under CI; a clone with nothing beside
/// it skips the test that needs it, and says so.
fn shared_text(rel: &str) -> Option<String> {
    let path = shared(rel);
    match std::fs::read_to_string(&path) {
        Ok(t) => Some(t),
        Err(e) if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") => {
            panic!("cannot read {} (required under CI): {e}", path.display())
        }
        Err(e) => {
            common::skipped(&format!(
                "{} is not beside this clone ({e})",
                path.display()
            ));
            None
        }
    }
}

/// Every message id in the reference catalogue, by number.
fn reference_codes() -> Option<BTreeMap<u16, String>> {
    let text = shared_text("reference/ihs-handshake-messages.txt")?;
    let mut out = BTreeMap::new();
    for (i, _) in text.match_indices("Message: SSL") {
        let id: String = text[i + 9..].chars().take(8).collect();
        let b = id.as_bytes();
        if b.len() == 8 && b[3..7].iter().all(u8::is_ascii_digit) && b"EWI".contains(&b[7]) {
            out.insert(id[3..7].parse().unwrap(), id);
        }
    }
    Some(out)
}

fn explain(args: &[&str]) -> (Value, bool) {
    let out = Command::cargo_bin("kdbman")
        .unwrap()
        .arg("explain")
        .args(args)
        .arg("--json")
        .output()
        .unwrap();
    let v = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (v, out.status.success())
}

/// Expands `SSL0201E–SSL0212E` / `SSL0254E, SSL0255E` into numbers.
fn ihs_numbers(cell: &str) -> Vec<u16> {
    let num = |s: &str| -> u16 { s.trim().trim_start_matches("SSL")[..4].parse().unwrap() };
    if let Some((a, b)) = cell.split_once('–') {
        (num(a)..=num(b)).collect()
    } else {
        cell.split(',').map(num).collect()
    }
}

fn gsk_numbers(cell: &str) -> Vec<u16> {
    if let Some((a, b)) = cell.split_once('–') {
        (a.trim().parse().unwrap()..=b.trim().parse().unwrap()).collect()
    } else {
        cell.split(',').map(|s| s.trim().parse().unwrap()).collect()
    }
}

/// (IHS number, GSK code, GSK name) from the table in gsk-codes.md.
fn gsk_pairs() -> Option<Vec<(u16, u16, String)>> {
    let text = shared_text("notes/gsk-codes.md")?;
    let mut out = Vec::new();
    for line in text.lines().filter(|l| l.starts_with("| SSL")) {
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        let ihs = ihs_numbers(cells[0]);
        let gsk = gsk_numbers(cells[1]);
        let names: Vec<String> = cells[2]
            .split(", ")
            .map(|n| n.split_whitespace().next().unwrap().to_string())
            .collect();
        assert_eq!(ihs.len(), gsk.len(), "{line}");
        assert_eq!(gsk.len(), names.len(), "{line}");
        for ((i, g), n) in ihs.into_iter().zip(gsk).zip(names) {
            out.push((i, g, n));
        }
    }
    Some(out)
}

#[test]
fn every_catalogue_code_is_explained() {
    let Some(codes) = reference_codes() else {
        return;
    };
    assert_eq!(codes.len(), 77, "the reference catalogue has 77 codes");
    for (number, id) in &codes {
        let bare = format!("ssl{number:04}");
        for q in [id.as_str(), &id.to_lowercase(), &bare] {
            let (v, ok) = explain(&[q]);
            assert!(ok, "explain {q} failed");
            assert_eq!(v["id"], id.as_str(), "explain {q}");
            for k in ["title", "meaning", "fix", "kdbman"] {
                assert!(v[k].as_str().is_some_and(|s| !s.is_empty()), "{id}: {k}");
            }
        }
    }
    let (list, ok) = explain(&["--list"]);
    assert!(ok);
    let listed: Vec<&str> = list["codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    let want: Vec<&str> = codes.values().map(String::as_str).collect();
    assert_eq!(listed, want, "--list shows exactly the catalogue, in order");
}

#[test]
fn every_gsk_code_and_name_leads_to_its_ihs_entry() {
    let (Some(codes), Some(pairs)) = (reference_codes(), gsk_pairs()) else {
        return;
    };
    assert!(pairs.len() >= 50, "parsed {} GSK pairs", pairs.len());
    let mut checked = 0;
    for (ihs, gsk, name) in pairs {
        let Some(id) = codes.get(&ihs) else {
            // GSK 424 has no IHS message: explain must not invent one.
            assert!(
                !explain(&[&gsk.to_string()]).1,
                "GSK {gsk} has no IHS entry"
            );
            assert!(!explain(&[&name]).1, "{name} has no IHS entry");
            continue;
        };
        for q in [gsk.to_string(), name.clone()] {
            let (v, ok) = explain(&[&q]);
            assert!(ok, "explain {q} failed");
            assert_eq!(v["id"], id.as_str(), "explain {q}");
            assert_eq!(v["gsk"]["code"], gsk, "{id} shows its GSK code");
            assert_eq!(v["gsk"]["name"], name.as_str(), "{id} shows its GSK name");
        }
        checked += 1;
    }
    assert!(checked >= 50);
}

// The text of `explain` (the GSK code line, an unknown code as a usage
// error, exit 2) is a CLI case: tests/cmd/explain-*.toml.

/// kdbman's own lint warnings are explained too, by id.
#[test]
fn explain_knows_kdbman_lint_warnings() {
    for rule in kdbman::diagnose::EXTRA_RULES {
        let out = assert_cmd::Command::cargo_bin("kdbman")
            .unwrap()
            .args(["explain", &rule.id.to_lowercase(), "--json"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", rule.id);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["id"], rule.id);
        assert_eq!(v["title"], rule.title);
    }
}
