//! Issue 21, acceptance 3 and 4: output nobody can forge, and passwords
//! that round-trip.
//!
//! A CA whose subject, SAN and organisation hold terminal escapes, CR, LF,
//! BEL and a bidi override (made here with rcgen), added to a CMS store
//! and a kdbman store whose own file names hold such bytes too: every
//! text output shows them escaped, every machine format parses (and the
//! real consumers of SARIF, JUnit and Prometheus accept it, as in
//! tests/lint_fleet.rs), and the JSON gives the subject back exactly.

mod common;
use common::{Kdbman, kdbman_bin};
use common::{python_has, sarif_schema};

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair, SanType};
use serde_json::Value;

const PW: &str = "Hostile-Output-2026!";
const KDBMAN: Kdbman = Kdbman::new(&[("PW", PW)]).without(&["NO_COLOR"]);
/// Erases the line, returns the cursor, starts a new line with a forged
/// row, rings the bell.
const EVIL_CN: &str = "evil\x1b[2K\r\nfake row\x07";
/// Sets the terminal title; a right-to-left override; DEL.
const EVIL_O: &str = "\x1b]0;owned\x07 \u{202e}gro.elpmaxe\u{7f}";
const EVIL_O_TAIL: &str = "owned\x07 \u{202e}gro.elpmaxe\u{7f}";
const EVIL_DNS: &str = "x\x1b[31m.example.com";

fn ok_inert(dir: &Path, args: &[&str]) -> String {
    let out = KDBMAN.ok_in(dir, args);
    inert(&format!("stderr of {args:?}"), &out.stderr);
    String::from_utf8(out.stdout).unwrap()
}

/// No raw control character (ESC, BEL, DEL, CR, C1) and no bidi control:
/// LF only as line structure (and TAB, GSKit's list separator).
fn inert(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    for (i, c) in text.char_indices() {
        let bad = match c {
            '\n' | '\t' => false,
            c if c.is_control() => true,
            '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{2028}' | '\u{2029}' => true,
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => true,
            _ => false,
        };
        assert!(!bad, "{what}: raw {c:?} at {i}:\n{}", text.escape_debug());
    }
}

/// The hostile CA as PEM, valid for 5 more days (so lint reports it, by
/// subject, as expiring).
fn evil_ca_pem() -> String {
    let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
    p.distinguished_name.push(DnType::CommonName, EVIL_CN);
    p.distinguished_name.push(DnType::OrganizationName, EVIL_O);
    p.subject_alt_names = vec![SanType::DnsName(EVIL_DNS.try_into().unwrap())];
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let now = time::OffsetDateTime::now_utc();
    p.not_before = now - time::Duration::days(1);
    p.not_after = now + time::Duration::days(5);
    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    p.self_signed(&key).unwrap().pem()
}

/// A CMS store and a kdbman store, each holding the hostile CA as `evil`,
/// with names that hold an ESC, a BEL, a space, `#` and `%`.
const STORES: [&str; 2] = ["c\x1b]0;t\x07 #%.kdb", "n\x1b[2J.kdbx"];

fn stores() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    fs::write(d.join("evil.pem"), evil_ca_pem()).unwrap();
    for (db, native) in [(STORES[0], false), (STORES[1], true)] {
        let mut args = vec!["keydb", "create", "--db", db, "--pw-env", "PW"];
        if native {
            args.extend(["--type", "kdbman", "--kdf-floor"]);
        }
        ok_inert(d, &args);
        ok_inert(
            d,
            &[
                "cert", "add", "--db", db, "--pw-env", "PW", "--label", "evil", "--file",
                "evil.pem",
            ],
        );
    }
    t
}

#[test]
fn cert_list_and_details_show_hostile_subjects_escaped() {
    let t = stores();
    let d = t.path();
    for db in STORES {
        let list = ok_inert(d, &["cert", "list", "--db", db, "--pw-env", "PW"]);
        inert("cert list", list.as_bytes());
        assert!(
            list.contains("evil\\x1b[2K\\r\\nfake row\\x07"),
            "{}",
            list.escape_debug()
        );
        // Header and one row: no forged row.
        assert_eq!(list.lines().count(), 2, "{}", list.escape_debug());

        let details = ok_inert(
            d,
            &[
                "cert", "details", "--db", db, "--pw-env", "PW", "--label", "evil",
            ],
        );
        inert("cert details", details.as_bytes());
        assert!(details.contains("\\u{202e}"), "{}", details.escape_debug());
        assert!(details.contains("x\\x1b[31m.example.com"), "{details}");

        // JSON gives the strings back exactly.
        let v: Value = serde_json::from_str(&ok_inert(
            d,
            &["cert", "list", "--db", db, "--pw-env", "PW", "--json"],
        ))
        .unwrap();
        let subject = v["entries"][0]["subject"].as_str().unwrap();
        // (RFC 4514 escapes the `;` of the title sequence.)
        assert!(
            subject.contains(EVIL_CN) && subject.contains(EVIL_O_TAIL),
            "{subject:?}"
        );
        let json = ok_inert(
            d,
            &[
                "cert", "details", "--db", db, "--pw-env", "PW", "--label", "evil", "--json",
            ],
        );
        inert("cert details --json", json.as_bytes());
        let v: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(
            v["certificate"]["subject_alt_names"][0],
            format!("dns:{EVIL_DNS}")
        );
        assert!(
            v["certificate"]["issuer"]
                .as_str()
                .unwrap()
                .contains(EVIL_O_TAIL)
        );

        let kd = ok_inert(d, &["keydb", "details", "--db", db, "--pw-env", "PW"]);
        inert("keydb details", kd.as_bytes());
        assert!(kd.contains("\\x1b"), "{kd}");
    }
    // Several stores at once: each named escaped.
    let many = ok_inert(
        d,
        &[
            "cert", "list", "--db", STORES[0], "--db", STORES[1], "--pw-env", "PW",
        ],
    );
    inert("cert list (many)", many.as_bytes());
}

#[test]
fn gsk8capicmd_list_and_details_show_hostile_subjects_escaped() {
    let t = stores();
    let d = t.path();
    let link = d.join("gsk8capicmd_64");
    std::os::unix::fs::symlink(kdbman_bin(), &link).unwrap();
    let db = STORES[0];
    let out = KDBMAN.piped(d, &link, &["-cert", "-list", "-db", db, "-pw", PW], b"");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    inert("-cert -list", &out.stdout);
    let out = KDBMAN.piped(
        d,
        &link,
        &["-cert", "-details", "-db", db, "-pw", PW, "-label", "evil"],
        b"",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    inert("-cert -details", &out.stdout);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("evil\\x1b[2K\\r\\nfake row\\x07"), "{text}");
    assert!(text.contains("DNSName: x\\x1b[31m.example.com"), "{text}");
    // The subject is one line.
    assert_eq!(
        text.lines().filter(|l| l.starts_with("Subject : ")).count(),
        1,
        "{text}"
    );
}

fn lint(d: &Path, format: &str) -> String {
    let out = KDBMAN.piped(
        d,
        &kdbman_bin(),
        &[
            "lint", "--db", STORES[0], "--db", STORES[1], "--pw-env", "PW", "--format", format,
        ],
        b"",
    );
    assert!(
        out.status.code().is_some_and(|c| c < 5),
        "lint --format {format}: {:?} {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    inert(&format!("lint --format {format} (stderr)"), &out.stderr);
    inert(&format!("lint --format {format}"), &out.stdout);
    String::from_utf8(out.stdout).unwrap()
}

fn python(script: &str, args: &[&Path]) -> Output {
    Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn lint_in_every_format_is_inert_and_parses() {
    let t = stores();
    let d = t.path();

    let text = lint(d, "text");
    assert!(text.contains("c\\x1b]0;t\\x07 #%.kdb"), "{text}");
    assert!(text.contains("\\x1b[2K\\r\\n"), "{text}");

    let json: Value = serde_json::from_str(&lint(d, "json")).unwrap();
    let stores = json["stores"].as_array().unwrap();
    assert_eq!(stores.len(), 2);
    // The expiring hostile CA is reported; the JSON carries the subject as
    // it is.
    let certs = &stores[0]["certificates"];
    assert!(
        certs[0]["subject"].as_str().unwrap().contains(EVIL_CN),
        "{json:#}"
    );
    let findings: usize = stores
        .iter()
        .map(|s| s["findings"].as_array().unwrap().len())
        .sum();
    assert!(findings >= 2, "{json:#}");

    // SARIF: URIs percent-encoded; the document valid by the schema.
    let sarif = lint(d, "sarif");
    let s: Value = serde_json::from_str(&sarif).unwrap();
    let uris: Vec<&str> = s["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert!(uris.contains(&"c%1B%5D0%3Bt%07%20%23%25.kdb"), "{uris:?}");
    assert!(uris.contains(&"n%1B%5B2J.kdbx"), "{uris:?}");
    if let Some(schema) = sarif_schema()
        && python_has("jsonschema")
    {
        let file = d.join("out.sarif");
        fs::write(&file, &sarif).unwrap();
        let out = python(
            r#"
import sys, json, jsonschema
schema = json.load(open(sys.argv[1]))
doc = json.load(open(sys.argv[2]))
cls = jsonschema.validators.validator_for(schema)
errors = list(cls(schema, format_checker=cls.FORMAT_CHECKER).iter_errors(doc))
for e in errors[:10]:
    print(list(e.absolute_path), e.message)
sys.exit(1 if errors else 0)
"#,
            &[&schema, &file],
        );
        assert!(
            out.status.success(),
            "SARIF does not validate: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    // JUnit: junitparser reads both suites, and the finding's text names
    // the subject escaped.
    let junit = lint(d, "junit");
    if python_has("junitparser") {
        let file = d.join("out.xml");
        fs::write(&file, &junit).unwrap();
        let out = python(
            r#"
import sys, json
from junitparser import JUnitXml
xml = JUnitXml.fromfile(sys.argv[1])
texts = []
for suite in xml:
    for case in suite:
        for r in case.result:
            texts.append((r.message or "") + (r.text or ""))
    texts.append(suite.name)
print(json.dumps({"suites": len(list(xml)), "texts": texts}))
"#,
            &[&file],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["suites"], 2, "{v}");
        let all = v["texts"].to_string();
        assert!(all.contains("\\\\x1b"), "{all}");
    }

    // Prometheus: the subject escaped, the file accepted by promtool.
    let prom = lint(d, "prometheus");
    assert!(
        prom.contains(",CN=evil\\\\x1b[2K\\\\r\\\\nfake row\\\\x07"),
        "{prom}"
    );
    assert!(
        prom.contains("store=\"c\\\\x1b]0;t\\\\x07 #%.kdb\""),
        "{prom}"
    );
    if common::require_tool("promtool", "--version") {
        common::promtool_check(&prom, true);
    }

    // GitHub: one annotation per finding, each one line; file properties
    // with `:`/`,` and controls escaped.
    let gh = lint(d, "github");
    assert_eq!(gh.lines().count(), findings, "{gh}");
    for line in gh.lines() {
        assert!(line.starts_with("::"), "{line}");
        let (props, _msg) = line[2..].split_once("::").unwrap();
        assert!(
            props.contains("file=c%1B]0;t%07 #%25.kdb") || props.contains("file=n%1B[2J.kdbx"),
            "{line}"
        );
    }
    assert!(gh.contains("evil%1B[2K%0D%0Afake row%07"), "{gh}");
}

/// Two stores whose names differ only in bytes that are not UTF-8 look
/// alike when shown lossily (`a\u{fffd}.kdb`): they stay two series.
#[test]
fn prometheus_series_stay_unique_for_names_that_display_alike() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let names = [
        OsStr::from_bytes(b"a\xff.kdb"),
        OsStr::from_bytes(b"a\xfe.kdb"),
    ];
    for n in names {
        let out = Command::new(kdbman_bin())
            .args(["keydb", "create", "--pw-env", "PW", "--db"])
            .arg(n)
            .env("PW", PW)
            .current_dir(d)
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
    }
    let out = Command::new(kdbman_bin())
        .args(["lint", "--pw-env", "PW", "--format", "prometheus", "--db"])
        .arg(names[0])
        .arg("--db")
        .arg(names[1])
        .env("PW", PW)
        .current_dir(d)
        .output()
        .unwrap();
    let prom = String::from_utf8(out.stdout).unwrap();
    assert!(
        prom.contains("kdbman_store_opened{store=\"a\\\\xff.kdb\"} 1"),
        "{prom}"
    );
    assert!(
        prom.contains("kdbman_store_opened{store=\"a\\\\xfe.kdb\"} 1"),
        "{prom}"
    );
    if common::require_tool("promtool", "--version") {
        common::promtool_check(&prom, false);
    }
}

#[test]
fn errors_naming_hostile_files_are_inert() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let out = KDBMAN.piped(
        d,
        &kdbman_bin(),
        &[
            "cert",
            "list",
            "--db",
            "gone\x1b[2J\r.kdb",
            "--pw-env",
            "PW",
        ],
        b"",
    );
    assert!(!out.status.success());
    inert("kdbman error", &out.stderr);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("gone\\x1b[2J\\r.kdb"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let link = d.join("gsk8capicmd_64");
    std::os::unix::fs::symlink(kdbman_bin(), &link).unwrap();
    let out = KDBMAN.piped(
        d,
        &link,
        &["-cert", "-list", "-db", "gone\x1b]0;x\x07.kdb", "-pw", PW],
        b"",
    );
    assert!(!out.status.success());
    inert("gsk8capicmd error", &out.stderr);
    inert("gsk8capicmd error (stdout)", &out.stdout);
}

// Acceptance 4.

#[test]
fn a_password_a_gskit_stash_cannot_hold_is_refused_before_anything_is_written() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    fs::write(d.join("pw"), b"Before\0After-2026\n").unwrap();
    let out = KDBMAN.piped(
        d,
        &kdbman_bin(),
        &[
            "keydb",
            "create",
            "--db",
            "k.kdb",
            "--pw-file",
            "pw",
            "--stash",
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("NUL"), "{err}");
    let left: Vec<_> = fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n != "pw")
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");

    // Over 128 bytes: a GSKit stash (v1 or v2) cannot hold it either.
    fs::write(d.join("long"), format!("{}\n", "L".repeat(129))).unwrap();
    for v in ["1", "2"] {
        let out = KDBMAN.piped(
            d,
            &kdbman_bin(),
            &[
                "keydb",
                "create",
                "--db",
                "l.kdb",
                "--pw-file",
                "long",
                "--stash",
                "--stash-version",
                v,
            ],
            b"",
        );
        assert_eq!(out.status.code(), Some(2), "{out:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("128"));
        assert!(!d.join("l.kdb").exists() && !d.join("l.sth").exists());
    }

    // A kdbman stash holds any bytes: the same password stashes and opens.
    ok_inert(
        d,
        &[
            "keydb",
            "create",
            "--db",
            "k.kdbx",
            "--type",
            "kdbman",
            "--kdf-floor",
            "--pw-file",
            "pw",
            "--stash",
        ],
    );
    ok_inert(d, &["cert", "list", "--db", "k.kdbx", "--stashed"]);
    ok_inert(d, &["cert", "list", "--db", "k.kdbx", "--pw-file", "pw"]);
}

#[test]
fn every_password_source_strips_one_lf_or_crlf_and_nothing_else() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    // CRLF from a Windows editor: the same store from a file and stdin.
    fs::write(d.join("crlf"), b"Crlf-Password-2026\r\n").unwrap();
    ok_inert(
        d,
        &["keydb", "create", "--db", "a.kdb", "--pw-file", "crlf"],
    );
    let opens = |db: &str, stdin: &[u8]| {
        KDBMAN
            .piped(
                d,
                &kdbman_bin(),
                &["cert", "list", "--db", db, "--pw-stdin"],
                stdin,
            )
            .status
            .success()
    };
    assert!(opens("a.kdb", b"Crlf-Password-2026\r\n"));
    assert!(opens("a.kdb", b"Crlf-Password-2026\n"));
    assert!(!opens("a.kdb", b"Crlf-Password-2026\r\r\n"));

    // A CR before the line ending is the password's own, from every source.
    fs::write(d.join("cr"), b"Cr-Password-2026\r\r\n").unwrap();
    ok_inert(d, &["keydb", "create", "--db", "b.kdb", "--pw-file", "cr"]);
    assert!(opens("b.kdb", b"Cr-Password-2026\r\r\n"));
    assert!(!opens("b.kdb", b"Cr-Password-2026\r\n\n"));
    assert!(!opens("b.kdb", b"Cr-Password-2026\n"));
    let env = Command::new(kdbman_bin())
        .args(["cert", "list", "--db", "b.kdb", "--pw-env", "X"])
        .env("X", "Cr-Password-2026\r")
        .current_dir(d)
        .output()
        .unwrap();
    assert!(env.status.success(), "{env:?}");
    let env = Command::new(kdbman_bin())
        .args(["cert", "list", "--db", "b.kdb", "--pw-env", "X"])
        .env("X", "Cr-Password-2026\r\r\n")
        .current_dir(d)
        .output()
        .unwrap();
    assert!(env.status.success(), "{env:?}");
    // A file without a final newline: the CR stays.
    fs::write(d.join("bare"), b"Cr-Password-2026\r").unwrap();
    ok_inert(d, &["cert", "list", "--db", "b.kdb", "--pw-file", "bare"]);
}
