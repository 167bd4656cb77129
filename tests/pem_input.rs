//! Issue 12, acceptance 2: PEM read the way openssl reads it. Files made
//! at test time by openssl (Bag Attributes from `pkcs12 -nokeys`,
//! `x509 -text`, `-trustout`) and edited as users do (the X509 label,
//! CRLF, RFC 1421 headers, text between blocks) import with `cert add`
//! and `cert import`; openssl reads each of them too. A file with no
//! usable block is refused, naming what it holds.

mod common;
use common::{Kdbman, new_store};

const KDBMAN: Kdbman = Kdbman::new(&[("KPW", "store-pw"), ("P12PW", "p12-pw")]);
use common::openssl;

use std::path::Path;

use kdbman::{Access, Password, Store};
use predicates::str::contains;

fn der_of(dir: &Path, pem: &str) -> Vec<u8> {
    openssl(dir, &["x509", "-in", pem, "-outform", "DER"])
}

/// A root, an intermediate and a leaf (with its key) made by openssl.
fn make_chain(dir: &Path) {
    std::fs::write(
        dir.join("ca.ext"),
        "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n",
    )
    .unwrap();
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
    ];
    openssl(
        dir,
        &[
            &["req", "-x509"][..],
            &ec,
            &[
                "-keyout",
                "root.key",
                "-subj",
                "/CN=PEM Root",
                "-days",
                "30",
                "-out",
                "root.pem",
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign,cRLSign",
            ],
        ]
        .concat(),
    );
    for (name, ca, ext) in [("int", "root", "ca.ext"), ("leaf", "int", "")] {
        openssl(
            dir,
            &[
                &["req"][..],
                &ec,
                &[
                    "-keyout",
                    &format!("{name}.key"),
                    "-subj",
                    &format!("/CN=PEM {name}"),
                    "-out",
                    &format!("{name}.csr"),
                ],
            ]
            .concat(),
        );
        let mut a = vec![
            "x509".to_string(),
            "-req".into(),
            "-in".into(),
            format!("{name}.csr"),
            "-CA".into(),
            format!("{ca}.pem"),
            "-CAkey".into(),
            format!("{ca}.key"),
            "-CAcreateserial".into(),
            "-days".into(),
            "30".into(),
            "-out".into(),
            format!("{name}.pem"),
        ];
        if !ext.is_empty() {
            a.extend(["-extfile".into(), ext.into()]);
        }
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        openssl(dir, &a);
    }
}

fn read(dir: &Path, f: &str) -> String {
    String::from_utf8(std::fs::read(dir.join(f)).unwrap()).unwrap()
}

/// The base64 body of a one-block PEM file, without its marker lines.
fn body(pem: &str) -> String {
    pem.lines()
        .filter(|l| !l.starts_with("-----"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn pem_as_users_have_it_imports() {
    if !common::require_tool("openssl", "version") {
        return;
    }
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    make_chain(dir);
    let (leaf, int, root) = (
        der_of(dir, "leaf.pem"),
        der_of(dir, "int.pem"),
        der_of(dir, "root.pem"),
    );
    let (int_pem, root_pem) = (read(dir, "int.pem"), read(dir, "root.pem"));
    // openssl pkcs12 -nokeys: Bag Attributes, subject= and issuer= lines.
    std::fs::write(
        dir.join("chain.pem"),
        [int_pem.clone(), root_pem.clone()].concat(),
    )
    .unwrap();
    openssl(
        dir,
        &[
            "pkcs12",
            "-export",
            "-in",
            "leaf.pem",
            "-inkey",
            "leaf.key",
            "-certfile",
            "chain.pem",
            "-name",
            "web",
            "-out",
            "leaf.p12",
            "-passout",
            "pass:p12-pw",
        ],
    );
    openssl(
        dir,
        &[
            "pkcs12",
            "-in",
            "leaf.p12",
            "-passin",
            "pass:p12-pw",
            "-nokeys",
            "-out",
            "bags.pem",
        ],
    );
    assert!(read(dir, "bags.pem").contains("Bag Attributes"));
    // openssl x509 -text: the dump before the block.
    openssl(
        dir,
        &["x509", "-in", "root.pem", "-text", "-out", "text.pem"],
    );
    assert!(read(dir, "text.pem").starts_with("Certificate:"));
    // -trustout: TRUSTED CERTIFICATE with OpenSSL's trust settings after it.
    openssl(
        dir,
        &[
            "x509",
            "-in",
            "root.pem",
            "-trustout",
            "-addtrust",
            "serverAuth",
            "-out",
            "trusted.pem",
        ],
    );
    assert!(read(dir, "trusted.pem").contains("BEGIN TRUSTED CERTIFICATE"));
    // The old X509 label.
    std::fs::write(
        dir.join("x509.pem"),
        format!(
            "-----BEGIN X509 CERTIFICATE-----\n{}\n-----END X509 CERTIFICATE-----\n",
            body(&root_pem)
        ),
    )
    .unwrap();
    // CRLF, as a Windows editor saves it.
    std::fs::write(
        dir.join("crlf.pem"),
        [int_pem.clone(), root_pem.clone()]
            .concat()
            .replace('\n', "\r\n"),
    )
    .unwrap();
    // A CA's e-mail: text before, between (garbage) and after the blocks.
    std::fs::write(
        dir.join("mail.pem"),
        format!(
            "Dear customer,\r\nyour certificates:\n\nIntermediate:\n{int_pem}\n-- not base64 ¤ ünïcode --\n#####\nRoot:\n  {root_pem}\nRegards,\nThe CA\n"
        ),
    )
    .unwrap();
    // RFC 1421 headers inside a block (continued over two lines).
    std::fs::write(
        dir.join("headers.pem"),
        format!(
            "-----BEGIN CERTIFICATE-----\nComment: exported by a portal\n  continued here\nX-Source: test\n\n{}\n-----END CERTIFICATE-----\n",
            body(&root_pem)
        ),
    )
    .unwrap();

    let cases: [(&str, Vec<&Vec<u8>>); 7] = [
        ("bags.pem", vec![&leaf, &int, &root]),
        ("text.pem", vec![&root]),
        ("trusted.pem", vec![&root]),
        ("x509.pem", vec![&root]),
        ("crlf.pem", vec![&int, &root]),
        ("mail.pem", vec![&int, &root]),
        ("headers.pem", vec![&root]),
    ];
    for (file, expected) in &cases {
        // openssl reads it too.
        let ours = kdbman::pki::pem::read_certificates(&dir.join(file))
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        assert!(
            ours.iter().collect::<Vec<_>>() == *expected,
            "{file}: {} certificates",
            ours.len()
        );
        // openssl reads the same first certificate (it takes RFC 1421
        // headers only in encrypted blocks: kdbman skips them anywhere).
        if *file != "headers.pem" {
            let first = openssl(dir, &["x509", "-in", file, "-outform", "DER"]);
            assert!(
                &first == expected[0],
                "{file}: openssl reads another first block"
            );
        }
        // And `cert add` imports it.
        let db = new_store(&KDBMAN, dir, &format!("{file}.kdb"), false);
        KDBMAN
            .cmd()
            .args(["cert", "add", "--db"])
            .arg(&db)
            .args(["--pw-env", "KPW", "--label", "ca", "--file"])
            .arg(dir.join(file))
            .assert()
            .success();
        let store = Store::open(&db, &Password::new("store-pw"), Access::Read).unwrap();
        let mut stored: Vec<Vec<u8>> = store
            .entries()
            .iter()
            .filter_map(|e| e.certificate().map(<[u8]>::to_vec))
            .collect();
        stored.sort();
        let mut want: Vec<Vec<u8>> = expected.iter().map(|c| c.to_vec()).collect();
        want.sort();
        assert!(
            stored == want,
            "{file}: {} stored certificates",
            stored.len()
        );
    }

    // cert import: a key and a chain in one file, with text everywhere.
    let key = read(dir, "leaf.key");
    std::fs::write(
        dir.join("bundle.pem"),
        format!(
            "Key for web:\r\n{}\r\nBag Attributes\n    friendlyName: web\nsubject=CN = PEM leaf\n{}\ngarbage\n{}{}",
            key.replace('\n', "\r\n"),
            read(dir, "bags.pem"),
            int_pem,
            "trailing text"
        ),
    )
    .unwrap();
    let db = new_store(&KDBMAN, dir, "bundle.kdb", false);
    KDBMAN
        .cmd()
        .args(["cert", "import", "--db"])
        .arg(&db)
        .args(["--pw-env", "KPW", "--label", "web", "--file"])
        .arg(dir.join("bundle.pem"))
        .assert()
        .success();
    let store = Store::open(&db, &Password::new("store-pw"), Access::Read).unwrap();
    let web = store.get("web").unwrap();
    assert!(web.certificates() == [leaf.clone(), int.clone(), root.clone()]);

    // Acceptance 5: no panic on any of these files truncated or damaged.
    for (file, _) in &cases {
        let data = std::fs::read(dir.join(file)).unwrap();
        for i in (0..data.len()).step_by(7) {
            let mut flipped = data.clone();
            flipped[i] ^= 0x21;
            for bytes in [&data[..i], &flipped[..]] {
                let r = std::panic::catch_unwind(|| {
                    let _ = kdbman::pki::pem::parse_certificates(bytes, "x");
                    let _ = kdbman::pki::pem::split_pem(bytes, "x");
                });
                assert!(r.is_ok(), "{file}: panic at byte {i}");
            }
        }
    }

    // No usable block: refused, naming what was found.
    std::fs::write(dir.join("prose.pem"), "just some text\nno blocks here\n").unwrap();
    std::fs::write(dir.join("keyonly.pem"), &key).unwrap();
    std::fs::write(dir.join("truncated.pem"), &root_pem[..root_pem.len() / 2]).unwrap();
    let mut damaged = root_pem.clone().into_bytes();
    damaged[40] = b'*';
    std::fs::write(dir.join("damaged.pem"), damaged).unwrap();
    for (file, says) in [
        ("prose.pem", "no PEM block"),
        ("keyonly.pem", "PRIVATE KEY block"),
        ("truncated.pem", "no END line"),
        ("damaged.pem", "base64"),
    ] {
        let db = new_store(&KDBMAN, dir, &format!("{file}.kdb"), false);
        KDBMAN
            .cmd()
            .args(["cert", "add", "--db"])
            .arg(&db)
            .args(["--pw-env", "KPW", "--label", "ca", "--file"])
            .arg(dir.join(file))
            .assert()
            .failure()
            .stderr(contains(says))
            .stderr(contains(file));
    }
}
