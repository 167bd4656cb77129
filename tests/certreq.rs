//! Requests, receiving and signing, checked by openssl: CSR → openssl CA
//! → `cert receive` → `cert validate`; CSR → `cert sign` → `openssl verify`.

mod common;
use common::have_openssl;
use common::{Kdbman, new_store};

const KDBMAN: Kdbman = Kdbman::new(&[("KPW", "store-pw")]);
use common::openssl_text;

use std::path::Path;

use kdbman::{Access, EntryKind, Password, Store};
use predicates::str::contains;

fn open(db: &Path) -> Store {
    Store::open(db, &Password::new("store-pw"), Access::Read).unwrap()
}

#[test]
fn request_signed_by_openssl_is_received_and_validates() {
    if !have_openssl() {
        return;
    }
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    let db = new_store(&KDBMAN, dir, "r.kdb", false);
    let req = dir.join("web.csr");
    KDBMAN
        .on_db(
            &db,
            &[
                "certreq",
                "create",
                "--label",
                "web",
                "--dn",
                "CN=web.example,O=Example",
                "--key",
                "ec:p256",
                "--san",
                "dns:web.example",
                "--target",
                req.to_str().unwrap(),
            ],
        )
        .success();
    // openssl reads and verifies our request.
    let text = openssl_text(
        dir,
        &["req", "-in", "web.csr", "-verify", "-noout", "-text"],
    );
    assert!(
        text.contains("verify OK") || text.contains("Certificate request self-signature verify OK"),
        "{text}"
    );
    assert!(text.contains("DNS:web.example"), "{text}");

    // list / details / extract show it.
    KDBMAN
        .on_db(&db, &["certreq", "list", "--json"])
        .success()
        .stdout(contains("\"web\""))
        .stdout(contains("web.example"));
    KDBMAN
        .on_db(&db, &["certreq", "details", "--label", "web"])
        .success()
        .stdout(contains("dns:web.example"))
        .stdout(contains("signature:    valid"));
    let again = dir.join("again.csr");
    KDBMAN
        .on_db(
            &db,
            &[
                "certreq",
                "extract",
                "--label",
                "web",
                "--target",
                again.to_str().unwrap(),
            ],
        )
        .success();
    assert_eq!(std::fs::read(&again).unwrap(), std::fs::read(&req).unwrap());

    // A CA made by openssl signs it.
    openssl_text(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "ca.key",
            "-subj",
            "/CN=OpenSSL Test CA",
            "-days",
            "30",
            "-out",
            "ca.pem",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ],
    );
    std::fs::write(
        dir.join("leaf.ext"),
        "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:web.example\n",
    )
    .unwrap();
    openssl_text(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "web.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "30",
            "-extfile",
            "leaf.ext",
            "-out",
            "web.pem",
        ],
    );

    // A certificate for no request is refused, naming its subject.
    KDBMAN
        .on_db(
            &db,
            &[
                "cert",
                "receive",
                "--file",
                dir.join("ca.pem").to_str().unwrap(),
            ],
        )
        .code(9)
        .stderr(contains("matches no request"))
        .stderr(contains("OpenSSL Test CA"));

    KDBMAN
        .on_db(
            &db,
            &[
                "cert",
                "add",
                "--label",
                "testca",
                "--file",
                dir.join("ca.pem").to_str().unwrap(),
            ],
        )
        .success();
    KDBMAN
        .on_db(
            &db,
            &[
                "cert",
                "receive",
                "--file",
                dir.join("web.pem").to_str().unwrap(),
            ],
        )
        .success()
        .stdout(contains("`web`"));
    let store = open(&db);
    let web = store.get("web").unwrap();
    assert_eq!(web.kind(), EntryKind::Personal);
    assert_eq!(web.certificates()[0], pem_der(&dir.join("web.pem")));
    assert_eq!(
        web.certificates().last().unwrap(),
        &pem_der(&dir.join("ca.pem")),
        "chain completed from the store's signer"
    );
    drop(store);
    KDBMAN
        .on_db(&db, &["cert", "validate", "--label", "web"])
        .success()
        .stdout(contains("OpenSSL Test CA"));
    // The request is gone; deleting it now is an entry error.
    KDBMAN
        .on_db(&db, &["certreq", "delete", "--label", "web"])
        .code(8);
}

fn pem_der(path: &Path) -> Vec<u8> {
    kdbman::pki::pem::read_certificates(path).unwrap().remove(0)
}

#[test]
fn store_ca_signs_requests_that_openssl_verifies() {
    if !have_openssl() {
        return;
    }
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    let db = new_store(&KDBMAN, dir, "r.kdb", false);
    KDBMAN
        .on_db(
            &db,
            &[
                "cert",
                "create",
                "--label",
                "myca",
                "--dn",
                "CN=kdbman Test CA",
                "--key",
                "ec:p384",
                "--ca",
            ],
        )
        .success();
    KDBMAN
        .on_db(
            &db,
            &[
                "cert", "create", "--label", "notca", "--dn", "CN=Plain", "--key", "ec:p256",
            ],
        )
        .success();
    KDBMAN
        .on_db(
            &db,
            &[
                "cert",
                "extract",
                "--label",
                "myca",
                "--target",
                dir.join("ca.pem").to_str().unwrap(),
            ],
        )
        .success();

    // An RSA request from openssl with a requested SAN.
    openssl_text(
        dir,
        &[
            "req",
            "-new",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "svc.key",
            "-subj",
            "/CN=svc.example/O=Example",
            "-addext",
            "subjectAltName=DNS:svc.example",
            "-out",
            "svc.csr",
        ],
    );
    KDBMAN
        .on_db(
            &db,
            &[
                "cert",
                "sign",
                "--label",
                "myca",
                "--file",
                dir.join("svc.csr").to_str().unwrap(),
                "--target",
                dir.join("svc.pem").to_str().unwrap(),
                "--days",
                "90",
            ],
        )
        .success();
    let v = openssl_text(
        dir,
        &[
            "verify",
            "-CAfile",
            "ca.pem",
            "-purpose",
            "sslserver",
            "svc.pem",
        ],
    );
    assert!(v.contains("svc.pem: OK"), "{v}");
    let text = openssl_text(dir, &["x509", "-in", "svc.pem", "-noout", "-text"]);
    assert!(
        text.contains("DNS:svc.example"),
        "requested SAN carried over: {text}"
    );
    assert!(
        text.contains("CN = svc.example, O = Example")
            || text.contains("CN=svc.example, O=Example"),
        "{text}"
    );
    assert!(text.contains("CA:FALSE"), "{text}");
    // The certificate matches openssl's key.
    let m1 = openssl_text(dir, &["x509", "-in", "svc.pem", "-noout", "-pubkey"]);
    let m2 = openssl_text(dir, &["pkey", "-in", "svc.key", "-pubout"]);
    assert_eq!(m1, m2);

    // SANs given replace the requested ones; --ca issues an intermediate
    // that openssl accepts as an issuer.
    openssl_text(
        dir,
        &[
            "req",
            "-new",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "sub.key",
            "-subj",
            "/CN=Sub CA",
            "-out",
            "sub.csr",
        ],
    );
    KDBMAN
        .on_db(
            &db,
            &[
                "cert",
                "sign",
                "--label",
                "myca",
                "--file",
                dir.join("sub.csr").to_str().unwrap(),
                "--target",
                dir.join("sub.pem").to_str().unwrap(),
                "--ca",
            ],
        )
        .success();
    let v = openssl_text(dir, &["verify", "-CAfile", "ca.pem", "sub.pem"]);
    assert!(v.contains("sub.pem: OK"), "{v}");
    std::fs::write(
        dir.join("leaf.ext"),
        "subjectAltName=DNS:leaf.example\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    openssl_text(
        dir,
        &[
            "req",
            "-new",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "leaf.key",
            "-subj",
            "/CN=leaf.example",
            "-out",
            "leaf.csr",
        ],
    );
    openssl_text(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "sub.pem",
            "-CAkey",
            "sub.key",
            "-CAcreateserial",
            "-days",
            "5",
            "-extfile",
            "leaf.ext",
            "-out",
            "leaf.pem",
        ],
    );
    let v = openssl_text(
        dir,
        &[
            "verify",
            "-CAfile",
            "ca.pem",
            "-untrusted",
            "sub.pem",
            "leaf.pem",
        ],
    );
    assert!(v.contains("leaf.pem: OK"), "{v}");

    KDBMAN
        .on_db(
            &db,
            &[
                "cert",
                "sign",
                "--label",
                "myca",
                "--file",
                dir.join("svc.csr").to_str().unwrap(),
                "--target",
                dir.join("svc2.pem").to_str().unwrap(),
                "--san",
                "dns:other.example",
            ],
        )
        .success();
    let text = openssl_text(dir, &["x509", "-in", "svc2.pem", "-noout", "-text"]);
    assert!(
        text.contains("DNS:other.example") && !text.contains("DNS:svc.example"),
        "{text}"
    );

    // A non-CA entry cannot sign; a tampered request is refused.
    KDBMAN
        .on_db(
            &db,
            &[
                "cert",
                "sign",
                "--label",
                "notca",
                "--file",
                dir.join("svc.csr").to_str().unwrap(),
                "--target",
                dir.join("x.pem").to_str().unwrap(),
            ],
        )
        .code(9)
        .stderr(contains("not a CA certificate"));
    let csr_pem = std::fs::read_to_string(dir.join("svc.csr")).unwrap();
    let (_, mut csr) = pem_rfc7468::decode_vec(csr_pem.as_bytes()).unwrap();
    let n = csr.len();
    csr[n / 3] ^= 0x01;
    std::fs::write(dir.join("bad.csr"), &csr).unwrap();
    KDBMAN
        .on_db(
            &db,
            &[
                "cert",
                "sign",
                "--label",
                "myca",
                "--file",
                dir.join("bad.csr").to_str().unwrap(),
                "--target",
                dir.join("y.pem").to_str().unwrap(),
            ],
        )
        .code(9);
}
