//! gsk8capicmd / runmqakm lines from admins' scripts and IBM's
//! documentation that kdbman once refused (issue 19, item 7): `-fips`,
//! every `-sigalg`/`-sig_alg` spelling on `-cert -create`, `-certreq
//! -create` and `-cert -sign`, and `-keydb -create -type pkcs12 -expire`.
//! Each runs with exit status 0 and its effect is checked: the store
//! opens, the signature algorithm OID is the one asked for (or the one
//! the note on stderr names), and the note is there.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use x509_parser::prelude::FromDer;

const PW: &str = "Mq-Passw0rd-2024";

const SHA256_RSA: &str = "1.2.840.113549.1.1.11";
const SHA384_RSA: &str = "1.2.840.113549.1.1.12";
const SHA512_RSA: &str = "1.2.840.113549.1.1.13";
const ECDSA_SHA256: &str = "1.2.840.10045.4.3.2";
const ECDSA_SHA384: &str = "1.2.840.10045.4.3.3";

const FIPS_NOTE: &str = "not a FIPS 140-validated module";

struct Lab {
    dir: tempfile::TempDir,
}

impl Lab {
    fn new() -> Lab {
        let dir = tempfile::tempdir().unwrap();
        for name in ["gsk8capicmd_64", "runmqakm"] {
            std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_kdbman"), dir.path().join(name))
                .unwrap();
        }
        Lab { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn run(&self, tool: &str, args: &[&str]) -> Output {
        Command::new(self.path(tool))
            .args(args)
            .current_dir(self.dir.path())
            .stdin(Stdio::null())
            .output()
            .unwrap()
    }

    /// Runs a line that must succeed; returns its stderr.
    fn ok(&self, tool: &str, args: &[&str]) -> String {
        let out = self.run(tool, args);
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(0), "{tool} {args:?}: {err}");
        err
    }

    /// kdbman's own JSON listing of a store (proves it opens).
    fn labels(&self, db: &str) -> Vec<String> {
        let out = Command::new(env!("CARGO_BIN_EXE_kdbman"))
            .args(["cert", "list", "--db", db, "--stashed", "--json"])
            .current_dir(self.dir.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{db} does not open: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["label"].as_str().unwrap().to_string())
            .collect()
    }

    /// The DER certificate of an entry, through `-cert -extract`.
    fn cert(&self, db: &str, label: &str) -> Vec<u8> {
        let target = format!("{label}.der");
        self.ok(
            "gsk8capicmd_64",
            &[
                "-cert", "-extract", "-db", db, "-stashed", "-label", label, "-target", &target,
                "-format", "binary",
            ],
        );
        std::fs::read(self.path(&target)).unwrap()
    }
}

fn cert_sig_oid(der: &[u8]) -> String {
    let (_, c) = x509_parser::parse_x509_certificate(der).unwrap();
    c.verify_signature(if c.subject().as_raw() == c.issuer().as_raw() {
        None
    } else {
        Some(c.public_key())
    })
    .ok();
    c.signature_algorithm.algorithm.to_id_string()
}

fn csr_sig_oid(der: &[u8]) -> String {
    let (_, r) =
        x509_parser::certification_request::X509CertificationRequest::from_der(der).unwrap();
    r.verify_signature().unwrap();
    r.signature_algorithm.algorithm.to_id_string()
}

/// openssl's name for the signature algorithm, where openssl is installed.
fn openssl_sig_name(dir: &Path, der_file: &str) -> Option<String> {
    if !common::require_tool("openssl", "version") {
        return None;
    }
    let text = common::tool_text(
        dir,
        "openssl",
        &["x509", "-inform", "DER", "-in", der_file, "-noout", "-text"],
    );
    text.lines()
        .find(|l| l.trim_start().starts_with("Signature Algorithm:"))
        .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
}

fn count(hay: &str, needle: &str) -> usize {
    hay.matches(needle).count()
}

fn store(lab: &Lab, db: &str) {
    lab.ok(
        "runmqakm",
        &["-keydb", "-create", "-db", db, "-pw", PW, "-stash"],
    );
}

/// `-sigalg` spellings: (value, expected OID, note expected on stderr).
const SPELLINGS: &[(&str, &str, Option<&str>)] = &[
    ("SHA256WithRSA", SHA256_RSA, None),
    ("SHA384WithRSA", SHA384_RSA, None),
    ("SHA512WithRSA", SHA512_RSA, None),
    ("sha512withrsa", SHA512_RSA, None),
    ("SHA256_WITH_RSA", SHA256_RSA, None),
    ("SHA384_WITH_RSA", SHA384_RSA, None),
    ("SHA512_WITH_RSA", SHA512_RSA, None),
    ("SHA256WithECDSA", ECDSA_SHA256, None),
    ("SHA384WithECDSA", ECDSA_SHA384, None),
    ("EC_ecdsa_with_SHA384", ECDSA_SHA384, None),
    // ring has no ECDSA with SHA-512 on P-256 or P-384 (and no P-521):
    // a P-384 key signing with SHA-384, said on stderr.
    ("SHA512WithECDSA", ECDSA_SHA384, Some("SHA-384 instead")),
    ("SHA1WithRSA", SHA256_RSA, Some("SHA-256 instead")),
    ("MD5WithRSA", SHA256_RSA, Some("SHA-256 instead")),
];

#[test]
fn sigalg_on_cert_create_every_spelling() {
    let lab = Lab::new();
    store(&lab, "key.kdb");
    for (i, (alg, oid, note)) in SPELLINGS.iter().enumerate() {
        let label = format!("c{i}");
        // Both spellings of the option: -sigalg (gskcapicmd) and -sig_alg (MQ).
        let opt = if i % 2 == 0 { "-sigalg" } else { "-sig_alg" };
        let err = lab.ok(
            "runmqakm",
            &[
                "-cert",
                "-create",
                "-db",
                "key.kdb",
                "-stashed",
                "-label",
                &label,
                "-dn",
                "CN=qm1,O=IBM,C=GB",
                opt,
                alg,
            ],
        );
        match note {
            Some(n) => assert!(err.contains(n), "{alg}: no note on stderr: {err:?}"),
            None => assert!(err.is_empty(), "{alg}: {err:?}"),
        }
        let der = lab.cert("key.kdb", &label);
        assert_eq!(cert_sig_oid(&der), *oid, "{alg}");
    }
    // openssl reads the SHA-512 RSA signature as such.
    if let Some(name) = openssl_sig_name(lab.dir.path(), "c2.der") {
        assert_eq!(name, "sha512WithRSAEncryption");
    }
    assert_eq!(lab.labels("key.kdb").len(), SPELLINGS.len());
}

#[test]
fn sigalg_on_certreq_create_and_cert_sign() {
    let lab = Lab::new();
    store(&lab, "ca.kdb");
    store(&lab, "srv.kdb");
    lab.ok(
        "gsk8capicmd_64",
        &[
            "-cert",
            "-create",
            "-db",
            "ca.kdb",
            "-stashed",
            "-label",
            "rsa-ca",
            "-dn",
            "CN=Lab RSA CA,O=Lab,C=US",
            "-ca",
            "true",
            "-sigalg",
            "SHA384WithRSA",
        ],
    );
    lab.ok(
        "gsk8capicmd_64",
        &[
            "-cert",
            "-create",
            "-db",
            "ca.kdb",
            "-stashed",
            "-label",
            "ec-ca",
            "-dn",
            "CN=Lab EC CA,O=Lab,C=US",
            "-ca",
            "true",
            "-sigalg",
            "SHA384WithECDSA",
        ],
    );
    for (i, (alg, oid, note)) in SPELLINGS.iter().enumerate() {
        let label = format!("r{i}");
        let req = format!("{label}.arm");
        let err = lab.ok(
            "gsk8capicmd_64",
            &[
                "-certreq",
                "-create",
                "-db",
                "srv.kdb",
                "-stashed",
                "-label",
                &label,
                "-dn",
                "CN=srv.example,O=Lab,C=US",
                "-file",
                &req,
                "-sig_alg",
                alg,
            ],
        );
        match note {
            Some(n) => assert!(err.contains(n), "{alg}: no note: {err:?}"),
            None => assert!(err.is_empty(), "{alg}: {err:?}"),
        }
        let pem = std::fs::read(lab.path(&req)).unwrap();
        let (_, der) = pem_rfc7468::decode_vec(pem.trim_ascii()).unwrap();
        assert_eq!(csr_sig_oid(&der), *oid, "request, {alg}");
        // The CA's key decides RSA or ECDSA; -sigalg gives the hash.
        let ec = alg.to_ascii_lowercase().contains("ecdsa");
        let ca = if ec { "ec-ca" } else { "rsa-ca" };
        let target = format!("{label}.der");
        let err = lab.ok(
            "gsk8capicmd_64",
            &[
                "-cert", "-sign", "-db", "ca.kdb", "-stashed", "-label", ca, "-file", &req,
                "-target", &target, "-format", "binary", "-sigalg", alg,
            ],
        );
        let signed = std::fs::read(lab.path(&target)).unwrap();
        // The P-384 CA signs with SHA-384 whatever ECDSA hash was asked.
        let want = if ec { ECDSA_SHA384 } else { oid };
        assert_eq!(cert_sig_oid(&signed), want, "signed, {alg}");
        if ec && *oid == ECDSA_SHA256 {
            assert!(err.contains("SHA-384 instead"), "{alg}: {err:?}");
        }
        if note.is_some() {
            assert!(!err.is_empty(), "{alg}: the signing note is missing");
        }
        let (_, cert) = x509_parser::parse_x509_certificate(&signed).unwrap();
        let ca_der = lab.cert("ca.kdb", ca);
        let (_, ca_cert) = x509_parser::parse_x509_certificate(&ca_der).unwrap();
        cert.verify_signature(Some(ca_cert.public_key())).unwrap();
        assert_eq!(cert.issuer().as_raw(), ca_cert.subject().as_raw());
    }
}

#[test]
fn fips_lines_run_and_say_it_once() {
    let lab = Lab::new();
    // IBM MQ 9.4's "Creating a key repository": -fips on -keydb -create.
    let err = lab.ok(
        "runmqakm",
        &[
            "-keydb", "-create", "-db", "key.kdb", "-pw", PW, "-type", "cms", "-stash", "-fips",
        ],
    );
    assert_eq!(count(&err, FIPS_NOTE), 1, "{err:?}");
    assert!(lab.labels("key.kdb").is_empty());
    // A self-signed certificate under -fips (flag before the object too).
    let err = lab.ok(
        "runmqakm",
        &[
            "-fips",
            "-cert",
            "-create",
            "-db",
            "key.kdb",
            "-stashed",
            "-label",
            "ibmwebspheremqqm1",
            "-dn",
            "CN=qm1,O=IBM,C=GB",
            "-size",
            "2048",
            "-sig_alg",
            "SHA256WithRSA",
        ],
    );
    assert_eq!(count(&err, FIPS_NOTE), 1, "{err:?}");
    assert_eq!(
        cert_sig_oid(&lab.cert("key.kdb", "ibmwebspheremqqm1")),
        SHA256_RSA
    );
    let err = lab.ok(
        "runmqakm",
        &[
            "-certreq",
            "-create",
            "-db",
            "key.kdb",
            "-stashed",
            "-label",
            "req",
            "-dn",
            "CN=qm2,O=IBM,C=GB",
            "-file",
            "req.arm",
            "-sigalg",
            "SHA512WithRSA",
            "-fips",
        ],
    );
    assert_eq!(count(&err, FIPS_NOTE), 1, "{err:?}");
    let pem = std::fs::read(lab.path("req.arm")).unwrap();
    let (_, der) = pem_rfc7468::decode_vec(pem.trim_ascii()).unwrap();
    assert_eq!(csr_sig_oid(&der), SHA512_RSA);
    // -fips false is no FIPS mode: no note.
    let err = lab.ok(
        "runmqakm",
        &[
            "-cert", "-list", "-db", "key.kdb", "-stashed", "-fips", "false",
        ],
    );
    assert!(err.is_empty(), "{err:?}");
    // A PKCS#12 export under -fips uses AES-256 and runs.
    let err = lab.ok(
        "runmqakm",
        &[
            "-cert",
            "-export",
            "-db",
            "key.kdb",
            "-stashed",
            "-label",
            "ibmwebspheremqqm1",
            "-target",
            "out.p12",
            "-target_pw",
            PW,
            "-target_type",
            "pkcs12",
            "-fips",
        ],
    );
    assert_eq!(count(&err, FIPS_NOTE), 1, "{err:?}");
    assert!(lab.path("out.p12").exists());
}

#[test]
fn fips_refuses_what_is_not_approved_cleanly() {
    let lab = Lab::new();
    store(&lab, "key.kdb");
    lab.ok(
        "runmqakm",
        &[
            "-cert", "-create", "-db", "key.kdb", "-stashed", "-label", "web", "-dn", "CN=web",
        ],
    );
    for extra in [
        &["-sigalg", "MD5WithRSA"][..],
        &["-sigalg", "SHA1WithRSA"],
        &["-size", "1024"],
    ] {
        let mut args = vec![
            "-fips", "-cert", "-create", "-db", "key.kdb", "-stashed", "-label", "x", "-dn", "CN=x",
        ];
        args.extend(extra);
        let out = lab.run("runmqakm", &args);
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(11), "{extra:?}: {err}");
        assert!(out.stdout.is_empty());
        let lines: Vec<&str> = err.lines().collect();
        // The FIPS note, the one-line refusal, its fix; nothing else.
        assert_eq!(lines.len(), 3, "{err}");
        assert!(lines[0].contains(FIPS_NOTE), "{err}");
        assert!(lines[1].starts_with("KDBG0002W "), "{err}");
        assert!(lines[1].contains("not approved under FIPS 140"), "{err}");
        assert!(lines[2].starts_with("kdbman fix: "), "{err}");
    }
    // Nothing was created by the refused lines.
    assert_eq!(lab.labels("key.kdb"), ["web"]);
    // 3DES PKCS#12 (-encryption weak) is refused under -fips.
    let out = lab.run(
        "runmqakm",
        &[
            "-fips",
            "-cert",
            "-export",
            "-db",
            "key.kdb",
            "-stashed",
            "-label",
            "web",
            "-target",
            "weak.p12",
            "-target_pw",
            PW,
            "-encryption",
            "weak",
        ],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(11), "{err}");
    assert!(err.contains("3DES"), "{err}");
    assert!(!lab.path("weak.p12").exists());
    // Importing a 3DES-encrypted PKCS#12 would use 3DES: refused under
    // -fips, imported without it.
    lab.ok(
        "runmqakm",
        &[
            "-cert",
            "-export",
            "-db",
            "key.kdb",
            "-stashed",
            "-label",
            "web",
            "-target",
            "weak.p12",
            "-target_pw",
            PW,
            "-encryption",
            "weak",
        ],
    );
    store(&lab, "other.kdb");
    let import = |fips: bool| {
        let mut args = vec![
            "-cert",
            "-import",
            "-file",
            "weak.p12",
            "-pw",
            PW,
            "-target",
            "other.kdb",
            "-target_stashed",
        ];
        if fips {
            args.push("-fips");
        }
        lab.run("runmqakm", &args)
    };
    let out = import(true);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(11), "{err}");
    assert!(
        err.contains("encrypted with 3DES, is not approved under FIPS 140"),
        "{err}"
    );
    assert!(lab.labels("other.kdb").is_empty());
    assert_eq!(import(false).status.code(), Some(0));
    assert_eq!(lab.labels("other.kdb"), ["web"]);
}

#[test]
fn pkcs12_store_with_expire_is_created_with_a_note() {
    let lab = Lab::new();
    // IBM MQ's samples: runmqakm -keydb -create -type pkcs12 ... -expire N -stash
    let err = lab.ok(
        "runmqakm",
        &[
            "-keydb", "-create", "-db", "key.p12", "-pw", PW, "-type", "pkcs12", "-expire", "365",
            "-stash",
        ],
    );
    assert!(err.contains("no password expiry"), "{err:?}");
    assert_eq!(err.lines().count(), 1, "{err:?}");
    assert!(lab.path("key.p12").exists());
    assert!(lab.path("key.sth").exists());
    // It opens with its stash and takes a certificate.
    assert!(lab.labels("key.p12").is_empty());
    lab.ok(
        "runmqakm",
        &[
            "-cert",
            "-create",
            "-db",
            "key.p12",
            "-stashed",
            "-label",
            "ibmwebspheremqqm1",
            "-dn",
            "CN=qm1",
            "-sigalg",
            "SHA384WithRSA",
        ],
    );
    assert_eq!(lab.labels("key.p12"), ["ibmwebspheremqqm1"]);
    assert_eq!(
        cert_sig_oid(&lab.cert("key.p12", "ibmwebspheremqqm1")),
        SHA384_RSA
    );
    // The same on a password change.
    let err = lab.ok(
        "runmqakm",
        &[
            "-keydb",
            "-changepw",
            "-db",
            "key.p12",
            "-stashed",
            "-new_pw",
            "Mq-N3w-Passw0rd",
            "-expire",
            "90",
            "-stash",
        ],
    );
    assert!(err.contains("no password expiry"), "{err:?}");
    assert_eq!(lab.labels("key.p12"), ["ibmwebspheremqqm1"]);
    // -expire 0 is no expiry: nothing to say.
    let err = lab.ok(
        "runmqakm",
        &[
            "-keydb", "-create", "-db", "zero.p12", "-pw", PW, "-type", "p12", "-expire", "0",
        ],
    );
    assert!(err.is_empty(), "{err:?}");
    assert!(lab.path("zero.p12").exists());
}
