//! GSKit-shaped output of the compatible front end, line by line, on a
//! store with a default personal entry, a plain personal entry, a signer
//! and labels with spaces and commas. (Default marking needs a kdbman
//! store: where GSKit keeps the default in a CMS file is undocumented.)

mod common;
use common::Kdbman;
use common::gsk_ok;

const KDBMAN: Kdbman = Kdbman::new(&[("KDB_PW", PW)]);

use std::path::Path;

use serde_json::Value;

const PW: &str = "Output-Passw0rd-1";

/// [`gsk_ok`] with nothing on standard error; standard output.
fn gsk_stdout(dir: &Path, args: &[&str]) -> String {
    let out = gsk_ok(dir, args);
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// s.kdbx: `web` (default personal), `plain server` (personal),
/// `Corp Root, Issuing` (trusted signer), `pending req` (request).
fn store() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    for db in ["s.kdbx", "ca.kdbx"] {
        KDBMAN.stdout_in(
            d,
            &[
                "keydb",
                "create",
                "--db",
                db,
                "--type",
                "kdbman",
                "--kdf-floor",
                "--pw-env",
                "KDB_PW",
                "--stash",
            ],
        );
    }
    KDBMAN.stdout_in(
        d,
        &[
            "cert",
            "create",
            "--db",
            "ca.kdbx",
            "--stashed",
            "--label",
            "ca",
            "--dn",
            "CN=Corp Root,O=Corp,C=US",
            "--ca",
            "--key",
            "ec:p256",
        ],
    );
    KDBMAN.stdout_in(
        d,
        &[
            "cert",
            "extract",
            "--db",
            "ca.kdbx",
            "--stashed",
            "--label",
            "ca",
            "--target",
            "ca.pem",
        ],
    );
    KDBMAN.stdout_in(
        d,
        &[
            "cert",
            "create",
            "--db",
            "s.kdbx",
            "--stashed",
            "--label",
            "web",
            "--dn",
            "CN=www.example.com,O=Example,C=US",
            "--san",
            "dns:www.example.com",
            "--default",
        ],
    );
    KDBMAN.stdout_in(
        d,
        &[
            "cert",
            "create",
            "--db",
            "s.kdbx",
            "--stashed",
            "--label",
            "plain server",
            "--dn",
            "CN=plain",
            "--key",
            "ec:p384",
        ],
    );
    KDBMAN.stdout_in(
        d,
        &[
            "cert",
            "add",
            "--db",
            "s.kdbx",
            "--stashed",
            "--label",
            "Corp Root, Issuing",
            "--file",
            "ca.pem",
        ],
    );
    KDBMAN.stdout_in(
        d,
        &[
            "certreq",
            "create",
            "--db",
            "s.kdbx",
            "--stashed",
            "--label",
            "pending req",
            "--dn",
            "CN=pending.example.com",
        ],
    );
    t
}

const HEADER: &str = "Certificates found\n* default, - personal, ! trusted, # secret key\n";

#[test]
fn cert_list_lines() {
    let t = store();
    let d = t.path();
    assert_eq!(
        gsk_stdout(d, &["-cert", "-list", "-db", "s.kdbx", "-stashed"]),
        format!("{HEADER}*-\tweb\n-\t\"plain server\"\n!\t\"Corp Root, Issuing\"\n")
    );
    assert_eq!(
        gsk_stdout(d, &["-cert", "-list", "all", "-db", "s.kdbx", "-stashed"]),
        format!("{HEADER}*-\tweb\n-\t\"plain server\"\n!\t\"Corp Root, Issuing\"\n")
    );
    assert_eq!(
        gsk_stdout(
            d,
            &["-cert", "-list", "personal", "-db", "s.kdbx", "-stashed"]
        ),
        format!("{HEADER}*-\tweb\n-\t\"plain server\"\n")
    );
    assert_eq!(
        gsk_stdout(d, &["-cert", "-list", "CA", "-db", "s.kdbx", "-stashed"]),
        format!("{HEADER}!\t\"Corp Root, Issuing\"\n")
    );
    // -expiry DAYS: only what expires by then (nothing within 30 days).
    assert_eq!(
        gsk_stdout(
            d,
            &[
                "-cert", "-list", "-db", "s.kdbx", "-stashed", "-expiry", "30"
            ]
        ),
        "No certificates were found.\n"
    );
    // A signer whose trust is disabled keeps its line, without a marker.
    gsk_stdout(
        d,
        &[
            "-cert",
            "-modify",
            "-db",
            "s.kdbx",
            "-stashed",
            "-label",
            "Corp Root, Issuing",
            "-trust",
            "disable",
        ],
    );
    assert_eq!(
        gsk_stdout(d, &["-cert", "-list", "CA", "-db", "s.kdbx", "-stashed"]),
        format!("{HEADER}\t\"Corp Root, Issuing\"\n")
    );
    assert_eq!(
        gsk_stdout(d, &["-certreq", "-list", "-db", "s.kdbx", "-stashed"]),
        "Certificates requests found\n\t\"pending req\"\n"
    );
}

/// Field names of a details text in order; hex and base64 lines become
/// `<data>`, consecutive ones folded.
fn shape(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in text.lines() {
        let item = if line.starts_with("    ") && !line.starts_with("        ") {
            let body = line.trim();
            if body.chars().all(|c| c.is_ascii_hexdigit() || c == ' ')
                || body
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+/=".contains(c))
            {
                "<data>".to_string()
            } else {
                format!("  {body}")
            }
        } else if line.starts_with("        ") {
            continue;
        } else {
            line.split(" : ").next().unwrap().to_string()
        };
        if item == "<data>" && out.last().is_some_and(|l| l == "<data>") {
            continue;
        }
        out.push(item);
    }
    out
}

fn field<'a>(text: &'a str, name: &str) -> &'a str {
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{name} : ")))
        .unwrap_or_else(|| panic!("no {name} in\n{text}"))
}

#[test]
fn cert_details_in_gskit_field_order() {
    let t = store();
    let d = t.path();
    let text = gsk_stdout(
        d,
        &[
            "-cert", "-details", "-db", "s.kdbx", "-stashed", "-label", "web",
        ],
    );
    let s = shape(&text);
    let want = [
        "Label",
        "Key Size",
        "Version",
        "Serial",
        "Issuer",
        "Subject",
        "Not Before",
        "",
        "Not After",
        "",
        "Public Key",
        "<data>",
        "Public Key Type",
        "Fingerprint",
        "<data>",
        "Fingerprint",
        "<data>",
        "Fingerprint",
        "<data>",
        "HPKP :",
        "<data>",
        "Extensions",
    ];
    assert_eq!(&s[..want.len()], &want, "{text}");
    let tail = ["Signature Algorithm", "Value", "<data>", "Trust Status"];
    assert_eq!(&s[s.len() - tail.len()..], &tail, "{text}");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "Label : web");
    assert_eq!(lines[1], "Key Size : 2048");
    assert_eq!(lines[2], "Version : X509 V3");
    assert!(
        text.contains("\nFingerprint : SHA1 :\n")
            && text.contains("\nFingerprint : MD5 :\n")
            && text.contains("\nFingerprint : SHA256 :\n")
    );
    assert!(text.contains("\nPublic Key Type : RSA (1.2.840.113549.1.1.1)\n"));
    assert!(
        text.contains("\nSignature Algorithm : SHA256WithRSASignature (1.2.840.113549.1.1.11)\n")
    );
    assert!(text.ends_with("\nTrust Status : Enabled\n"));
    assert!(
        text.contains("        DNSName: www.example.com\n"),
        "{text}"
    );

    // The facts agree with kdbman's own JSON.
    let j: Value = serde_json::from_str(&KDBMAN.stdout_in(
        d,
        &[
            "cert",
            "details",
            "--db",
            "s.kdbx",
            "--stashed",
            "--label",
            "web",
            "--json",
        ],
    ))
    .unwrap();
    let c = &j["certificate"];
    assert_eq!(
        field(&text, "Serial"),
        c["serial"]
            .as_str()
            .unwrap()
            .replace(':', "")
            .to_lowercase()
    );
    assert_eq!(field(&text, "Subject"), "CN=www.example.com,O=Example,C=US");
    assert_eq!(field(&text, "Issuer"), "CN=www.example.com,O=Example,C=US");
    let sha256_line = lines[lines
        .iter()
        .position(|l| *l == "Fingerprint : SHA256 :")
        .unwrap()
        + 1];
    assert_eq!(
        sha256_line.trim().replace(' ', "").to_lowercase(),
        c["sha256"].as_str().unwrap()
    );
    let not_after = field(&text, "Not After");
    assert!(
        not_after.ends_with(" GMT+00:00")
            && (not_after.contains(" AM ") || not_after.contains(" PM ")),
        "{not_after}"
    );
    let year = &c["not_after"].as_str().unwrap()[..4];
    assert!(not_after.contains(&format!(", {year} ")), "{not_after}");

    // An EC entry and a signer with spaces and a comma in the label.
    let ec = gsk_stdout(
        d,
        &[
            "-cert",
            "-details",
            "-db",
            "s.kdbx",
            "-stashed",
            "-label",
            "plain server",
        ],
    );
    assert!(
        ec.starts_with("Label : plain server\nKey Size : 384\n"),
        "{ec}"
    );
    assert!(ec.contains("\nPublic Key Type : EC_ecPublicKey (1.2.840.10045.2.1)\n"));
    assert!(
        ec.contains("\nSignature Algorithm : SHA384WithECDSASignature (1.2.840.10045.4.3.3)\n")
    );
    let signer = gsk_stdout(
        d,
        &[
            "-cert",
            "-details",
            "-db",
            "s.kdbx",
            "-stashed",
            "-label",
            "corp root, issuing",
        ],
    );
    assert!(
        signer.starts_with("Label : Corp Root, Issuing\n"),
        "{signer}"
    );
    assert_eq!(field(&signer, "Subject"), "CN=Corp Root,O=Corp,C=US");
    assert!(signer.ends_with("Trust Status : Enabled\n"));
}

#[test]
fn getdefault_and_request_details() {
    let t = store();
    let d = t.path();
    assert_eq!(
        gsk_stdout(d, &["-cert", "-getdefault", "-db", "s.kdbx", "-stashed"]),
        gsk_stdout(
            d,
            &[
                "-cert", "-details", "-db", "s.kdbx", "-stashed", "-label", "web"
            ]
        )
    );
    let text = gsk_stdout(
        d,
        &[
            "-certreq",
            "-details",
            "-db",
            "s.kdbx",
            "-stashed",
            "-label",
            "pending req",
        ],
    );
    let s = shape(&text);
    let want = [
        "Label",
        "Key Size",
        "Subject",
        "Public Key",
        "<data>",
        "Public Key Type",
        "Fingerprint",
        "<data>",
        "Fingerprint",
        "<data>",
        "Fingerprint",
        "<data>",
        "HPKP :",
        "<data>",
        "Attributes",
        "Extension Reqs",
    ];
    assert_eq!(&s[..want.len()], &want, "{text}");
    assert_eq!(
        &s[s.len() - 3..],
        &["Signature Algorithm", "Value", "<data>"],
        "{text}"
    );
    assert!(
        text.starts_with(
            "Label : pending req\nKey Size : 2048\nSubject : CN=pending.example.com\n"
        )
    );
    // Silent success for a write, then the effect shows in the list.
    assert_eq!(
        gsk_stdout(
            d,
            &[
                "-cert",
                "-setdefault",
                "-db",
                "s.kdbx",
                "-stashed",
                "-label",
                "plain server"
            ]
        ),
        ""
    );
    assert_eq!(
        gsk_stdout(
            d,
            &["-cert", "-list", "personal", "-db", "s.kdbx", "-stashed"]
        ),
        format!("{HEADER}-\tweb\n*-\t\"plain server\"\n")
    );
}
