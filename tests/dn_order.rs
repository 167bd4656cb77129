//! One distinguished name, one subject (issue 19, item 9): the same `--dn`
//! string through `kdbman cert create`, `kdbman certreq create` and the
//! gsk8capicmd front end's `-cert -create -dn` gives byte-identical subject
//! DER, equal to what `keytool -genkeypair -dname` and `openssl req -subj`
//! (slash form, root first) make of it. A DN string is read as RFC 4514:
//! most specific RDN first, so `CN=web,O=Example,C=US` is stored C, O, CN.
//! Every listing shows it back in that string order, as
//! `openssl x509 -nameopt RFC2253` does.

mod common;
use common::Kdbman;
use common::gsk_ok;

const KDBMAN: Kdbman = Kdbman::new(&[("DN_PW", PW)]).stdin_null();

use std::path::Path;

use x509_parser::prelude::FromDer;

const PW: &str = "Dn-Passw0rd-2024";

/// (kdbman/GSKit/keytool DN string, the same name in openssl's slash form).
/// The second has an escaped comma and a multi-valued RDN.
const NAMES: &[(&str, &str)] = &[
    ("CN=web,O=Example,C=US", "/C=US/O=Example/CN=web"),
    (
        r"CN=web\, Inc+OU=Web,OU=Ops,L=Springfield,ST=Oregon,O=Example,C=US",
        "/C=US/O=Example/ST=Oregon/L=Springfield/OU=Ops/CN=web, Inc+OU=Web",
    ),
];

fn cert_subject(der: &[u8]) -> Vec<u8> {
    let (_, c) = x509_parser::parse_x509_certificate(der).unwrap();
    c.subject().as_raw().to_vec()
}

fn csr_subject(der: &[u8]) -> Vec<u8> {
    let (_, r) =
        x509_parser::certification_request::X509CertificationRequest::from_der(der).unwrap();
    r.certification_request_info.subject.as_raw().to_vec()
}

fn pem_der(path: &Path) -> Vec<u8> {
    let text = std::fs::read(path).unwrap();
    pem_rfc7468::decode_vec(text.trim_ascii()).unwrap().1
}

/// The attribute OIDs of a DER name, RDN by RDN, in DER order.
fn oids(name_der: &[u8]) -> Vec<Vec<String>> {
    let (_, n) = x509_parser::x509::X509Name::from_der(name_der).unwrap();
    n.iter()
        .map(|rdn| rdn.iter().map(|a| a.attr_type().to_id_string()).collect())
        .collect()
}

/// kdbman's three ways of reading `dn`; returns the subjects (cert create,
/// certreq create, gsk -cert -create, gsk -certreq -create) and kdbman's
/// listing of the first.
fn kdbman_subjects(dir: &Path, i: usize, dn: &str) -> (Vec<Vec<u8>>, String) {
    let db = format!("s{i}.kdb");
    KDBMAN.stdout_in(
        dir,
        &[
            "keydb", "create", "--db", &db, "--pw-env", "DN_PW", "--stash",
        ],
    );
    KDBMAN.stdout_in(
        dir,
        &[
            "cert",
            "create",
            "--db",
            &db,
            "--stashed",
            "--label",
            "own",
            "--dn",
            dn,
            "--key",
            "ec:p256",
        ],
    );
    KDBMAN.stdout_in(
        dir,
        &[
            "cert",
            "extract",
            "--db",
            &db,
            "--stashed",
            "--label",
            "own",
            "--target",
            "own.der",
            "--format",
            "der",
            "--force",
        ],
    );
    KDBMAN.stdout_in(
        dir,
        &[
            "certreq",
            "create",
            "--db",
            &db,
            "--stashed",
            "--label",
            "req",
            "--dn",
            dn,
            "--key",
            "ec:p256",
            "--target",
            "req.pem",
            "--force",
        ],
    );
    gsk_ok(
        dir,
        &[
            "-cert",
            "-create",
            "-db",
            &db,
            "-stashed",
            "-label",
            "gsk",
            "-dn",
            dn,
            "-sigalg",
            "SHA256WithECDSA",
        ],
    );
    gsk_ok(
        dir,
        &[
            "-cert", "-extract", "-db", &db, "-stashed", "-label", "gsk", "-target", "gsk.der",
            "-format", "binary",
        ],
    );
    gsk_ok(
        dir,
        &[
            "-certreq",
            "-create",
            "-db",
            &db,
            "-stashed",
            "-label",
            "gskreq",
            "-dn",
            dn,
            "-file",
            "gskreq.arm",
            "-sigalg",
            "SHA256WithECDSA",
        ],
    );
    let subjects = vec![
        cert_subject(&std::fs::read(dir.join("own.der")).unwrap()),
        csr_subject(&pem_der(&dir.join("req.pem"))),
        cert_subject(&std::fs::read(dir.join("gsk.der")).unwrap()),
        csr_subject(&pem_der(&dir.join("gskreq.arm"))),
    ];
    let list = KDBMAN.stdout_in(
        dir,
        &[
            "cert",
            "details",
            "--db",
            &db,
            "--stashed",
            "--label",
            "own",
            "--json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&list).unwrap();
    let shown = v["certificate"]["subject"]
        .as_str()
        .or(v["subject"].as_str())
        .unwrap_or_else(|| panic!("no subject in {list}"))
        .to_string();
    (subjects, shown)
}

#[test]
fn one_dn_string_one_subject_everywhere() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    for (i, (dn, _)) in NAMES.iter().enumerate() {
        let (subjects, shown) = kdbman_subjects(dir, i, dn);
        for (n, s) in subjects.iter().enumerate() {
            assert_eq!(s, &subjects[0], "{dn}: reader {n} differs");
        }
        // Most specific first in the string: C first in the DER.
        let o = oids(&subjects[0]);
        assert_eq!(o[0], ["2.5.4.6"], "{dn}: the DER starts with C");
        assert!(
            o.last().unwrap().contains(&"2.5.4.3".to_string()),
            "{dn}: the DER ends with the CN's RDN"
        );
        // Shown back in the string's order.
        assert_eq!(shown, *dn);
        // A renewal request keeps the certificate's subject byte for byte.
        let db = format!("s{i}.kdb");
        gsk_ok(
            dir,
            &[
                "-certreq",
                "-recreate",
                "-db",
                &db,
                "-stashed",
                "-label",
                "gsk",
                "-target",
                "renew.arm",
            ],
        );
        assert_eq!(csr_subject(&pem_der(&dir.join("renew.arm"))), subjects[2]);
    }
    // The multi-valued RDN is one RDN of two AVAs.
    let (subjects, _) = kdbman_subjects(dir, 9, NAMES[1].0);
    let o = oids(&subjects[0]);
    assert_eq!(o.len(), 6);
    assert_eq!(o[5].len(), 2);
}

#[test]
fn keytool_dname_gives_the_same_bytes() {
    if !common::require_tool("keytool", "-help") {
        return;
    }
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    for (i, (dn, _)) in NAMES.iter().enumerate() {
        let (ours, _) = kdbman_subjects(dir, i, dn);
        let ks = format!("k{i}.p12");
        common::tool(
            dir,
            "keytool",
            &[
                "-genkeypair",
                "-keystore",
                &ks,
                "-storetype",
                "PKCS12",
                "-storepass",
                PW,
                "-alias",
                "a",
                "-keyalg",
                "EC",
                "-dname",
                dn,
            ],
        );
        let der = common::tool(
            dir,
            "keytool",
            &[
                "-exportcert",
                "-keystore",
                &ks,
                "-storepass",
                PW,
                "-alias",
                "a",
            ],
        )
        .stdout;
        assert_eq!(cert_subject(&der), ours[0], "keytool -dname {dn}");
    }
}

#[test]
fn openssl_subj_gives_the_same_bytes_and_text() {
    if !common::require_tool("openssl", "version") {
        return;
    }
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    // openssl's shipped config asks for UTF8String everywhere
    // (string_mask = utf8only); `default` lets it pick PrintableString
    // where the value fits, as keytool, GSKit's Java tools and kdbman do.
    std::fs::write(
        dir.join("req.cnf"),
        "[req]\ndistinguished_name = dn\nstring_mask = default\n[dn]\n",
    )
    .unwrap();
    common::tool(
        dir,
        "openssl",
        &[
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-out",
            "o.key",
        ],
    );
    for (i, (dn, slash)) in NAMES.iter().enumerate() {
        let (ours, shown) = kdbman_subjects(dir, i, dn);
        let out = format!("o{i}.der");
        common::tool(
            dir,
            "openssl",
            &[
                "req",
                "-new",
                "-x509",
                "-key",
                "o.key",
                "-subj",
                slash,
                "-multivalue-rdn",
                "-config",
                "req.cnf",
                "-outform",
                "DER",
                "-out",
                &out,
            ],
        );
        let theirs = std::fs::read(dir.join(&out)).unwrap();
        assert_eq!(cert_subject(&theirs), ours[0], "openssl req -subj {slash}");
        // openssl prints kdbman's certificate as kdbman does.
        let text = common::tool_text(
            dir,
            "openssl",
            &[
                "x509", "-inform", "DER", "-in", "own.der", "-noout", "-subject", "-nameopt",
                "RFC2253",
            ],
        );
        assert_eq!(text.trim(), format!("subject={shown}"));
    }
}

/// `cert sign` keeps the request's subject and the CA's subject (as the
/// issuer) byte for byte, multi-valued RDNs included (rcgen alone cannot
/// hold one), and the result verifies.
#[test]
fn signing_keeps_both_names_byte_for_byte() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    KDBMAN.stdout_in(
        dir,
        &[
            "keydb", "create", "--db", "ca.kdb", "--pw-env", "DN_PW", "--stash",
        ],
    );
    KDBMAN.stdout_in(
        dir,
        &[
            "cert",
            "create",
            "--db",
            "ca.kdb",
            "--stashed",
            "--label",
            "ca",
            "--dn",
            r"CN=Lab CA+OU=PKI,O=Example\, Inc,C=US",
            "--ca",
            "--key",
            "ec:p384",
        ],
    );
    let (subjects, _) = kdbman_subjects(dir, 0, NAMES[1].0);
    KDBMAN.stdout_in(
        dir,
        &[
            "cert",
            "sign",
            "--db",
            "ca.kdb",
            "--stashed",
            "--label",
            "ca",
            "--file",
            "req.pem",
            "--target",
            "signed.der",
            "--format",
            "der",
            "--force",
        ],
    );
    KDBMAN.stdout_in(
        dir,
        &[
            "cert",
            "extract",
            "--db",
            "ca.kdb",
            "--stashed",
            "--label",
            "ca",
            "--target",
            "ca.der",
            "--format",
            "der",
            "--force",
        ],
    );
    let signed = std::fs::read(dir.join("signed.der")).unwrap();
    let ca = std::fs::read(dir.join("ca.der")).unwrap();
    let (_, s) = x509_parser::parse_x509_certificate(&signed).unwrap();
    let (_, c) = x509_parser::parse_x509_certificate(&ca).unwrap();
    assert_eq!(s.subject().as_raw(), subjects[1].as_slice());
    assert_eq!(s.issuer().as_raw(), c.subject().as_raw());
    s.verify_signature(Some(c.public_key())).unwrap();
    assert_eq!(
        s.signature_algorithm.algorithm.to_id_string(),
        "1.2.840.10045.4.3.3"
    );
}
