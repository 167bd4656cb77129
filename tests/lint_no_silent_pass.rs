//! Issue 20, acceptance 1 and 7: lint in CI never passes a broken store.
//! Without a label or a default mark kdbman can read, every personal
//! certificate is checked as if it were in use (so a missing intermediate
//! is SSL0208E, not a skipped check); JUnit shows checks that did not run
//! as skipped, never passed; a store of signers only is a trust store
//! (no KDB0009W). Certificates are made by openssl, as a CA would.

mod common;
use common::Kdbman;
use common::python_has;

const KDBMAN: Kdbman = Kdbman::new(&[("PW", PW)]).stdin_null();
use common::openssl;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// Strong enough that lint does not call it guessable (KDB0006W).
const PW: &str = "NoSilent-Pass-2026!";

fn fresh(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = fs::remove_dir_all(&d);
    fs::create_dir_all(d.join("keystores")).unwrap();
    d
}

/// root → intermediate → leaf (`leaf.pem`, `leaf.key`), all EC P-256 and
/// SHA-256, made by openssl in `dir`.
fn make_pki(dir: &Path) {
    let ext = "[ca]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n\
               [leaf]\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:www.example.com\nauthorityKeyIdentifier=keyid\n";
    fs::write(dir.join("ext.cnf"), ext).unwrap();
    for k in ["root", "int", "leaf"] {
        openssl(
            dir,
            &[
                "genpkey",
                "-algorithm",
                "EC",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-out",
                &format!("{k}.key"),
            ],
        );
    }
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-new",
            "-key",
            "root.key",
            "-subj",
            "/O=NoSilent/CN=Root CA",
            "-days",
            "3650",
            "-sha256",
            "-extensions",
            "ca",
            "-config",
            "ext.cnf",
            "-out",
            "root.pem",
        ],
    );
    for (k, subj, ca, ca_key, exts) in [
        (
            "int",
            "/O=NoSilent/CN=Intermediate CA",
            "root.pem",
            "root.key",
            "ca",
        ),
        (
            "leaf",
            "/O=NoSilent/CN=www.example.com",
            "int.pem",
            "int.key",
            "leaf",
        ),
    ] {
        openssl(
            dir,
            &[
                "req",
                "-new",
                "-key",
                &format!("{k}.key"),
                "-subj",
                subj,
                "-out",
                &format!("{k}.csr"),
            ],
        );
        openssl(
            dir,
            &[
                "x509",
                "-req",
                "-in",
                &format!("{k}.csr"),
                "-CA",
                ca,
                "-CAkey",
                ca_key,
                "-set_serial",
                if k == "int" { "4660" } else { "22136" },
                "-days",
                "730",
                "-sha256",
                "-extfile",
                "ext.cnf",
                "-extensions",
                exts,
                "-out",
                &format!("{k}.pem"),
            ],
        );
    }
}

fn lint_json(dir: &Path, extra: &[&str]) -> (Value, i32) {
    let mut args = vec![
        "lint",
        "--dir",
        "keystores",
        "--stashed",
        "--format",
        "json",
    ];
    args.extend(extra);
    let out = KDBMAN.output_in(dir, &args);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "lint JSON: {e}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (v, out.status.code().unwrap_or(-1))
}

fn codes(v: &Value) -> Vec<String> {
    let mut out = Vec::new();
    collect_codes(v, &mut out);
    out
}

fn collect_codes(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            if let (Some(Value::String(c)), Some(_)) = (m.get("code"), m.get("message")) {
                out.push(c.clone());
            }
            m.values().for_each(|x| collect_codes(x, out));
        }
        Value::Array(a) => a.iter().for_each(|x| collect_codes(x, out)),
        _ => {}
    }
}

#[test]
fn a_personal_certificate_without_its_intermediate_fails_without_a_label() {
    if !common::require_tool("openssl", "version") {
        return;
    }
    let dir = fresh("no-silent-chain");
    make_pki(&dir);
    let db = "keystores/web.kdb";
    KDBMAN.ok_in(
        &dir,
        &["keydb", "create", "--db", db, "--pw-env", "PW", "--stash"],
    );
    KDBMAN.ok_in(
        &dir,
        &[
            "cert", "add", "--db", db, "--pw-env", "PW", "--label", "root", "--file", "root.pem",
        ],
    );
    // Only the leaf: its intermediate is nowhere in the store.
    KDBMAN.ok_in(
        &dir,
        &[
            "cert", "import", "--db", db, "--pw-env", "PW", "--file", "leaf.pem", "--key",
            "leaf.key", "--label", "web",
        ],
    );

    let (v, status) = lint_json(&dir, &[]);
    let c = codes(&v);
    assert_eq!(status, 1, "{v:#}");
    assert!(c.contains(&"SSL0208E".to_string()), "{c:?}: {v:#}");
    // The report says which certificates were checked as if in use.
    let text = v.to_string();
    let note = c.iter().any(|c| c == "KDB0009W");
    assert!(note, "{c:?}");
    assert!(
        text.contains("checked as if it were in use: `web`"),
        "{text}"
    );
    assert!(
        !text.contains("were skipped"),
        "no check is said skipped: {text}"
    );

    // JUnit: the chain check is a failure, not a pass.
    let out = KDBMAN.output_in(
        &dir,
        &[
            "lint",
            "--dir",
            "keystores",
            "--stashed",
            "--format",
            "junit",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let xml = String::from_utf8(out.stdout).unwrap();
    let case = junit_case(&xml, "ssl0208e");
    assert!(case.contains("<failure type=\"SSL0208E\""), "{case}");
    // Every check ran, so none is skipped and none pretends to be.
    assert!(xml.contains("skipped=\"0\""), "{xml}");
}

/// The `<testcase>` element of a check, up to its end.
fn junit_case<'x>(xml: &'x str, check: &str) -> &'x str {
    let at = xml
        .find(&format!("<testcase name=\"{check} "))
        .unwrap_or_else(|| panic!("no test case {check}: {xml}"));
    let rest = &xml[at..];
    let end = rest
        .find("</testcase>")
        .map_or_else(|| rest.find("/>").unwrap() + 2, |e| e + "</testcase>".len());
    &rest[..end]
}

#[test]
fn checks_that_did_not_run_are_skipped_in_junit_and_noted_in_sarif() {
    if !common::require_tool("openssl", "version") {
        return;
    }
    let dir = fresh("no-silent-skipped");
    make_pki(&dir);
    let db = "keystores/web.kdb";
    KDBMAN.ok_in(
        &dir,
        &["keydb", "create", "--db", db, "--pw-env", "PW", "--stash"],
    );
    KDBMAN.ok_in(
        &dir,
        &[
            "cert", "add", "--db", db, "--pw-env", "PW", "--label", "root", "--file", "root.pem",
        ],
    );
    // A label the store lacks: SSL0206E, and no certificate in use.
    let out = KDBMAN.output_in(
        &dir,
        &[
            "lint",
            "--dir",
            "keystores",
            "--stashed",
            "--label",
            "www",
            "--format",
            "junit",
        ],
    );
    let xml = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{xml}");
    let case = junit_case(&xml, "ssl0208e");
    assert!(case.contains("<skipped message=\""), "{case}");
    assert!(case.contains("SSL0206E"), "{case}");
    assert!(!xml.contains("skipped=\"0\""), "{xml}");
    if python_has("junitparser") {
        let file = dir.join("lint.junit.xml");
        fs::write(&file, &xml).unwrap();
        let script = r#"
import sys
from junitparser import JUnitXml, Skipped
xml = JUnitXml.fromfile(sys.argv[1])
for suite in xml:
    for case in suite:
        if case.name.startswith("ssl0208e"):
            assert any(isinstance(r, Skipped) for r in case.result), case.result
            assert not case.is_passed, "skipped must not be a pass"
            print("ok")
"#;
        let out = Command::new("python3")
            .args(["-c", script, file.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("ok"),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out = KDBMAN.output_in(
        &dir,
        &[
            "lint",
            "--dir",
            "keystores",
            "--stashed",
            "--label",
            "www",
            "--format",
            "sarif",
        ],
    );
    let s: Value = serde_json::from_slice(&out.stdout).unwrap();
    let notes = s["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap_or_else(|| panic!("no notifications: {s:#}"));
    assert!(
        notes.iter().any(|n| n["message"]["text"]
            .as_str()
            .unwrap()
            .starts_with("ssl0208e did not run")),
        "{s:#}"
    );
    validate_sarif(&dir, &out.stdout);
}

fn validate_sarif(dir: &Path, doc: &[u8]) {
    common::validate_sarif_schema(dir, doc);
}

#[test]
fn a_trust_only_store_is_linted_as_a_trust_store() {
    if !common::require_tool("openssl", "version") {
        return;
    }
    let dir = fresh("no-silent-trust");
    make_pki(&dir);
    let db = "keystores/client.kdb";
    KDBMAN.ok_in(
        &dir,
        &["keydb", "create", "--db", db, "--pw-env", "PW", "--stash"],
    );
    KDBMAN.ok_in(
        &dir,
        &[
            "cert", "add", "--db", db, "--pw-env", "PW", "--label", "root", "--file", "root.pem",
        ],
    );
    KDBMAN.ok_in(
        &dir,
        &[
            "cert", "add", "--db", db, "--pw-env", "PW", "--label", "int", "--file", "int.pem",
        ],
    );
    for f in ["keystores/client.kdb", "keystores/client.sth"] {
        let mode = fs::metadata(dir.join(f)).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{f}");
    }
    let (v, status) = lint_json(&dir, &["--fail-on", "warning"]);
    let c = codes(&v);
    assert!(!c.contains(&"KDB0009W".to_string()), "{c:?}: {v:#}");
    assert!(!c.contains(&"SSL0223E".to_string()), "{c:?}: {v:#}");
    assert_eq!(status, 0, "{v:#}");
    // The checks of a certificate in use did not run: skipped, not passed.
    let out = KDBMAN.output_in(
        &dir,
        &[
            "lint",
            "--dir",
            "keystores",
            "--stashed",
            "--format",
            "junit",
            "--fail-on",
            "warning",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    let xml = String::from_utf8(out.stdout).unwrap();
    let case = junit_case(&xml, "ssl0208e");
    assert!(case.contains("<skipped message=\""), "{case}");
    assert!(case.contains("trust store"), "{case}");
    assert!(xml.contains("failures=\"0\""), "{xml}");
    // Checks that fit a trust store still run: in 2040 both signers have
    // expired (KDB0011W), and that is still no KDB0009W.
    let (v, status) = lint_json(
        &dir,
        &["--fail-on", "warning", "--at", "2040-01-01T00:00:00Z"],
    );
    let c = codes(&v);
    assert!(c.contains(&"KDB0011W".to_string()), "{c:?}: {v:#}");
    assert!(!c.contains(&"KDB0009W".to_string()), "{c:?}");
    assert_eq!(status, 1);
}
