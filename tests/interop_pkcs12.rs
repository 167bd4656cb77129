//! PKCS#12 and PEM interop with the real openssl and keytool: files they
//! write are imported; files we write are read by them. Under CI
//! (`CI=true`) a missing tool fails the test instead of skipping it.

mod common;
use common::have_openssl;
use common::{Kdbman, new_store};

const KDBMAN: Kdbman = Kdbman::new(&[("KPW", "store-pw"), ("P12PW", "p12-pw")]);
use common::openssl;

use std::path::Path;
use std::process::Command as Proc;

use kdbman::{Access, EntryKind, Password, Store};
use predicates::str::contains;

fn have_keytool() -> bool {
    common::require_tool("keytool", "-help")
}

/// Standard output and error together (`pkcs12 -info` reports on stderr).
fn openssl_all(dir: &Path, args: &[&str]) -> String {
    common::tool_text(dir, "openssl", args)
}

fn open(db: &Path) -> Store {
    Store::open(db, &Password::new("store-pw"), Access::Read).unwrap()
}

/// DER of every certificate in PEM text.
fn pem_certs(pem: &[u8]) -> Vec<Vec<u8>> {
    kdbman::pki::pem::split_pem(pem, "test")
        .unwrap()
        .certificates
}

/// openssl's canonical DER of a private key (PEM or DER input). EC keys
/// lose the optional public key (keytool leaves it out, we put it back),
/// so what is compared is the private scalar and curve.
fn canonical_key(dir: &Path, key_file: &str) -> Vec<u8> {
    let ec = Proc::new("openssl")
        .args(["ec", "-in", key_file, "-no_public", "-outform", "DER"])
        .current_dir(dir)
        .output()
        .unwrap();
    if ec.status.success() && !ec.stdout.is_empty() {
        return ec.stdout;
    }
    openssl(dir, &["pkey", "-in", key_file, "-outform", "DER"])
}

/// What openssl reports for a PKCS#12 file: the canonical key (if any)
/// and the certificates.
fn openssl_view(dir: &Path, p12: &str, pass: &str) -> (Option<Vec<u8>>, Vec<Vec<u8>>) {
    let passin = format!("pass:{pass}");
    // RC2 (openssl -legacy files) needs the legacy provider; harmless otherwise.
    let legacy = openssl_all(
        dir,
        &[
            "pkcs12", "-in", p12, "-passin", &passin, "-info", "-noout", "-legacy",
        ],
    )
    .contains("RC2");
    let mut args = vec!["pkcs12", "-in", p12, "-passin", &passin];
    if legacy {
        args.push("-legacy");
    }
    let with = |extra: &[&'static str]| {
        let mut a = args.clone();
        a.extend_from_slice(extra);
        openssl(dir, &a)
    };
    let keys = with(&["-nocerts", "-nodes"]);
    let key = if keys.windows(11).any(|w| w == b"PRIVATE KEY") {
        std::fs::write(dir.join("ossl-key.pem"), &keys).unwrap();
        Some(canonical_key(dir, "ossl-key.pem"))
    } else {
        None
    };
    let certs = pem_certs(&with(&["-nokeys"]));
    (key, certs)
}

/// Our stored key, canonicalised by openssl.
fn our_key(dir: &Path, key: &kdbman::PrivateKey) -> Vec<u8> {
    let pem = kdbman::pki::pem::private_key_pem(key);
    std::fs::write(dir.join("our-key.pem"), pem.as_bytes()).unwrap();
    canonical_key(dir, "our-key.pem")
}

fn import(db: &Path, file: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    KDBMAN
        .cmd()
        .args(["cert", "import", "--db"])
        .arg(db)
        .args(["--pw-env", "KPW", "--file"])
        .arg(file)
        .args(extra)
        .assert()
}

/// Root CA → intermediate → leaf with openssl; key type by `genpkey` args.
fn openssl_chain(dir: &Path, leaf_alg: &[&str]) {
    let ext = "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n";
    std::fs::write(dir.join("ca.ext"), ext).unwrap();
    std::fs::write(
        dir.join("leaf.ext"),
        "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:leaf.example\n",
    )
    .unwrap();
    openssl(
        dir,
        &[
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-out",
            "root.key",
        ],
    );
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-new",
            "-key",
            "root.key",
            "-subj",
            "/CN=Interop Root",
            "-days",
            "30",
            "-out",
            "root.pem",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ],
    );
    openssl(
        dir,
        &[
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-out",
            "int.key",
        ],
    );
    openssl(
        dir,
        &[
            "req",
            "-new",
            "-key",
            "int.key",
            "-subj",
            "/CN=Interop Intermediate",
            "-out",
            "int.csr",
        ],
    );
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "int.csr",
            "-CA",
            "root.pem",
            "-CAkey",
            "root.key",
            "-CAcreateserial",
            "-days",
            "30",
            "-extfile",
            "ca.ext",
            "-out",
            "int.pem",
        ],
    );
    let mut genkey = vec!["genpkey"];
    genkey.extend_from_slice(leaf_alg);
    genkey.extend_from_slice(&["-out", "leaf.key"]);
    openssl(dir, &genkey);
    openssl(
        dir,
        &[
            "req",
            "-new",
            "-key",
            "leaf.key",
            "-subj",
            "/CN=leaf.example",
            "-out",
            "leaf.csr",
        ],
    );
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "int.pem",
            "-CAkey",
            "int.key",
            "-CAcreateserial",
            "-days",
            "30",
            "-extfile",
            "leaf.ext",
            "-out",
            "leaf.pem",
        ],
    );
    let chain = [
        std::fs::read(dir.join("int.pem")).unwrap(),
        std::fs::read(dir.join("root.pem")).unwrap(),
    ]
    .concat();
    std::fs::write(dir.join("chain.pem"), chain).unwrap();
}

/// Imports `p12` and checks the store against openssl's view of the file.
fn check_import(dir: &Path, p12: &str, pass: &str, label: &str, extra: &[&str]) {
    let db = new_store(&KDBMAN, dir, &format!("{p12}.kdb"), false);
    let mut args = extra.to_vec();
    if !pass.is_empty() {
        args.extend_from_slice(&["--file-pw-env", "P12PW"]);
    }
    let mut cmd = KDBMAN.cmd();
    cmd.env("P12PW", pass)
        .args(["cert", "import", "--db"])
        .arg(&db)
        .args(["--pw-env", "KPW", "--file"])
        .arg(dir.join(p12))
        .args(&args)
        .assert()
        .success();
    let (key, certs) = openssl_view(dir, p12, pass);
    let store = open(&db);
    let mut ours: Vec<Vec<u8>> = Vec::new();
    match key {
        Some(k) => {
            let e = store
                .get(label)
                .unwrap_or_else(|_| panic!("{p12}: no entry `{label}`"));
            assert_eq!(e.kind(), EntryKind::Personal);
            assert_eq!(
                our_key(dir, e.private_key().unwrap()),
                k,
                "{p12}: key differs"
            );
            // The key works with the leaf: ring accepts it for signing.
            assert!(kdbman::pki::pem::key_matches_spki(
                e.private_key().unwrap(),
                &kdbman::pki::cert_spki(e.certificate().unwrap()).unwrap()
            ));
            ours.extend(e.certificates().iter().cloned());
        }
        None => assert!(
            store
                .entries()
                .iter()
                .all(|e| e.kind() == EntryKind::Signer),
            "{p12}: a key appeared from nowhere"
        ),
    }
    for e in store
        .entries()
        .iter()
        .filter(|e| e.kind() == EntryKind::Signer)
    {
        assert!(e.is_trusted());
        ours.push(e.certificate().unwrap().to_vec());
    }
    ours.sort();
    ours.dedup();
    let mut theirs = certs;
    theirs.sort();
    theirs.dedup();
    assert_eq!(
        ours, theirs,
        "{p12}: certificates differ from openssl's view"
    );
}

#[test]
fn imports_what_openssl_writes() {
    if !have_openssl() {
        return;
    }
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    openssl_chain(
        dir,
        &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
    );
    let base = [
        "pkcs12",
        "-export",
        "-inkey",
        "leaf.key",
        "-in",
        "leaf.pem",
        "-certfile",
        "chain.pem",
        "-name",
        "web",
    ];
    let variants: [(&str, &[&str], &str); 4] = [
        ("default.p12", &["-passout", "pass:p12-pw"], "p12-pw"),
        (
            "legacy.p12",
            &["-legacy", "-passout", "pass:p12-pw"],
            "p12-pw",
        ),
        (
            "plain.p12",
            &[
                "-keypbe",
                "NONE",
                "-certpbe",
                "NONE",
                "-passout",
                "pass:p12-pw",
            ],
            "p12-pw",
        ),
        ("nopass.p12", &["-passout", "pass:"], ""),
    ];
    for (file, flags, pass) in variants {
        let mut args = base.to_vec();
        args.extend_from_slice(flags);
        args.extend_from_slice(&["-out", file]);
        openssl(dir, &args);
        check_import(dir, file, pass, "web", &[]);
    }
    // The chain of three validates once the root is a trusted signer (it is).
    let db = dir.join("default.p12.kdb");
    let store = open(&db);
    let web = store.get("web").unwrap();
    assert_eq!(web.certificates().len(), 3, "leaf, intermediate, root");
    store
        .validate(
            "web",
            kdbman_now(),
            kdbman::pki::validate::Purpose::ServerAuth,
        )
        .unwrap();
}

fn kdbman_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

#[test]
fn imports_openssl_ec_and_ed25519_keys() {
    if !have_openssl() {
        return;
    }
    for (name, alg) in [
        (
            "p256",
            &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"][..],
        ),
        (
            "p384",
            &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"][..],
        ),
        ("ed25519", &["-algorithm", "ED25519"][..]),
    ] {
        let t = tempfile::tempdir().unwrap();
        let dir = t.path();
        openssl_chain(dir, alg);
        let file = format!("{name}.p12");
        openssl(
            dir,
            &[
                "pkcs12",
                "-export",
                "-inkey",
                "leaf.key",
                "-in",
                "leaf.pem",
                "-certfile",
                "chain.pem",
                "-name",
                name,
                "-passout",
                "pass:p12-pw",
                "-out",
                &file,
            ],
        );
        check_import(dir, &file, "p12-pw", name, &[]);
    }
}

#[test]
fn imports_what_keytool_writes() {
    if !have_keytool() || !have_openssl() {
        return;
    }
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    for (file, alg) in [
        ("kt-rsa.p12", &["-keyalg", "RSA", "-keysize", "2048"][..]),
        (
            "kt-ec.p12",
            &["-keyalg", "EC", "-groupname", "secp256r1"][..],
        ),
    ] {
        let mut args = vec![
            "-genkeypair",
            "-alias",
            "javakey",
            "-dname",
            "CN=keytool.example",
            "-validity",
            "30",
            "-storetype",
            "pkcs12",
            "-keystore",
            file,
            "-storepass",
            "p12-pw",
            "-keypass",
            "p12-pw",
        ];
        args.extend_from_slice(alg);
        common::tool_stdout(dir, "keytool", &args);
        check_import(dir, file, "p12-pw", "javakey", &[]);
    }
    // A trust store: certificates only, with Java's trust attribute.
    openssl(
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
            "/CN=Java Trusted CA",
            "-days",
            "30",
            "-out",
            "ca.pem",
        ],
    );
    common::tool_stdout(
        dir,
        "keytool",
        &[
            "-importcert",
            "-noprompt",
            "-alias",
            "trustedca",
            "-file",
            "ca.pem",
            "-storetype",
            "pkcs12",
            "-keystore",
            "trust.p12",
            "-storepass",
            "p12-pw",
        ],
    );
    check_import(dir, "trust.p12", "p12-pw", "trustedca", &[]);
    let store = open(&dir.join("trust.p12.kdb"));
    assert_eq!(store.get("trustedca").unwrap().kind(), EntryKind::Signer);
}

#[test]
fn labels_duplicates_and_pem_keys() {
    if !have_openssl() {
        return;
    }
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    openssl_chain(
        dir,
        &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
    );
    openssl(
        dir,
        &[
            "pkcs12",
            "-export",
            "-inkey",
            "leaf.key",
            "-in",
            "leaf.pem",
            "-certfile",
            "chain.pem",
            "-passout",
            "pass:p12-pw",
            "-out",
            "noname.p12",
        ],
    );
    let db = new_store(&KDBMAN, dir, "l.kdb", false);
    // No friendly name: the leaf's CN is the label.
    import(&db, &dir.join("noname.p12"), &["--file-pw-env", "P12PW"]).success();
    assert!(open(&db).get("leaf.example").is_ok());
    // Same key again under another label: SSL0216E naming the existing entry.
    import(
        &db,
        &dir.join("noname.p12"),
        &["--file-pw-env", "P12PW", "--label", "again"],
    )
    .code(8)
    .stderr(contains("SSL0216E"))
    .stderr(contains("leaf.example"));
    // A taken label: SSL0217E.
    let db2 = new_store(&KDBMAN, dir, "l2.kdb", false);
    KDBMAN
        .cmd()
        .args(["cert", "create", "--db"])
        .arg(&db2)
        .args([
            "--pw-env", "KPW", "--label", "taken", "--dn", "CN=x", "--key", "ec:p256",
        ])
        .assert()
        .success();
    import(
        &db2,
        &dir.join("noname.p12"),
        &["--file-pw-env", "P12PW", "--new-label", "TAKEN"],
    )
    .code(8)
    .stderr(contains("SSL0217E"))
    .stderr(contains("`taken`"));
    // Nothing was half-imported: the CA certificates are not there either.
    assert_eq!(open(&db2).entries().len(), 1);

    // PEM keys in every form, paired with the certificate chain.
    openssl(
        dir,
        &[
            "pkey",
            "-in",
            "leaf.key",
            "-out",
            "sec1.key",
            "-traditional",
        ],
    );
    openssl(
        dir,
        &[
            "pkcs8",
            "-topk8",
            "-in",
            "leaf.key",
            "-out",
            "enc.key",
            "-passout",
            "pass:p12-pw",
        ],
    );
    openssl(
        dir,
        &[
            "pkey", "-in", "leaf.key", "-outform", "DER", "-out", "key.der",
        ],
    );
    let want = canonical_key(dir, "leaf.key");
    for (i, (key, extra)) in [
        ("leaf.key", &[][..]),
        ("sec1.key", &[][..]),
        ("enc.key", &["--file-pw-env", "P12PW"][..]),
        ("key.der", &[][..]),
    ]
    .into_iter()
    .enumerate()
    {
        let db = new_store(&KDBMAN, dir, &format!("pem{i}.kdb"), false);
        let full = [
            std::fs::read(dir.join("leaf.pem")).unwrap(),
            std::fs::read(dir.join("chain.pem")).unwrap(),
        ]
        .concat();
        std::fs::write(dir.join("full.pem"), full).unwrap();
        let key_path = dir.join(key).to_string_lossy().into_owned();
        let mut args = vec!["--key", key_path.as_str(), "--label", "pem"];
        args.extend_from_slice(extra);
        import(&db, &dir.join("full.pem"), &args).success();
        let store = open(&db);
        let e = store.get("pem").unwrap();
        assert_eq!(e.certificates().len(), 3);
        assert_eq!(our_key(dir, e.private_key().unwrap()), want, "{key}");
        assert_eq!(store.entries().len(), 3, "personal + 2 signers");
    }
    // PKCS#1 RSA too, with the key and certificate in one PEM file.
    openssl(
        dir,
        &[
            "genpkey",
            "-algorithm",
            "RSA",
            "-pkeyopt",
            "rsa_keygen_bits:2048",
            "-out",
            "rsa8.key",
        ],
    );
    openssl(
        dir,
        &[
            "pkey",
            "-in",
            "rsa8.key",
            "-traditional",
            "-out",
            "rsa1.key",
        ],
    );
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-new",
            "-key",
            "rsa8.key",
            "-subj",
            "/CN=pkcs1.example",
            "-days",
            "5",
            "-out",
            "rsa.pem",
        ],
    );
    let both = [
        std::fs::read(dir.join("rsa1.key")).unwrap(),
        std::fs::read(dir.join("rsa.pem")).unwrap(),
    ]
    .concat();
    assert!(String::from_utf8_lossy(&both).contains("BEGIN RSA PRIVATE KEY"));
    std::fs::write(dir.join("both.pem"), both).unwrap();
    let db = new_store(&KDBMAN, dir, "pkcs1.kdb", false);
    import(&db, &dir.join("both.pem"), &[]).success();
    let store = open(&db);
    let e = store.get("pkcs1.example").unwrap();
    assert_eq!(
        our_key(dir, e.private_key().unwrap()),
        canonical_key(dir, "rsa8.key")
    );
}

fn create_entry(db: &Path, label: &str, key: &str) {
    KDBMAN
        .cmd()
        .args(["cert", "create", "--db"])
        .arg(db)
        .args([
            "--pw-env",
            "KPW",
            "--label",
            label,
            "--dn",
            &format!("CN={label}.example"),
            "--key",
            key,
            "--san",
            &format!("dns:{label}.example"),
        ])
        .assert()
        .success();
}

#[test]
fn exports_are_read_by_openssl_and_keytool_and_round_trip() {
    if !have_openssl() {
        return;
    }
    let keytool = have_keytool();
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    let db = new_store(&KDBMAN, dir, "src.kdb", false);
    for (label, key) in [("rsa", "rsa:2048"), ("ec", "ec:p384"), ("ed", "ed25519")] {
        create_entry(&db, label, key);
    }
    let src = open(&db);
    for label in ["rsa", "ec", "ed"] {
        for legacy in [false, true] {
            let out = format!("{label}-{legacy}.p12");
            let mut cmd = KDBMAN.cmd();
            cmd.args(["cert", "export", "--db"])
                .arg(&db)
                .args(["--pw-env", "KPW", "--label", label, "--target"])
                .arg(dir.join(&out))
                .args(["--target-pw-env", "P12PW"]);
            if legacy {
                cmd.arg("--legacy");
            }
            cmd.assert().success();
            let mode = std::os::unix::fs::PermissionsExt::mode(
                &std::fs::metadata(dir.join(&out)).unwrap().permissions(),
            );
            assert_eq!(mode & 0o777, 0o600, "{out}");
            // openssl reads it, including the key, which equals ours.
            let text = openssl_all(
                dir,
                &[
                    "pkcs12",
                    "-in",
                    &out,
                    "-info",
                    "-nodes",
                    "-passin",
                    "pass:p12-pw",
                ],
            );
            assert!(
                text.contains(&format!("friendlyName: {label}")),
                "{out}: {text}"
            );
            if legacy {
                assert!(
                    text.contains("3DES") || text.contains("pbeWithSHA1And3-KeyTripleDES-CBC"),
                    "{text}"
                );
            } else {
                assert!(text.contains("AES-256-CBC"), "{text}");
            }
            let (key, certs) = openssl_view(dir, &out, "p12-pw");
            let e = src.get(label).unwrap();
            assert_eq!(
                key.unwrap(),
                our_key(dir, e.private_key().unwrap()),
                "{out}"
            );
            assert_eq!(certs, e.certificates().to_vec());
            if keytool {
                let list = common::tool_stdout(
                    dir,
                    "keytool",
                    &[
                        "-list",
                        "-storetype",
                        "pkcs12",
                        "-keystore",
                        &out,
                        "-storepass",
                        "p12-pw",
                    ],
                );
                let list = String::from_utf8_lossy(&list);
                assert!(
                    list.contains(&format!("{label}, ")) && list.contains("PrivateKeyEntry"),
                    "{list}"
                );
            }
            // Importing the export gives back the same entry, bit for bit.
            let back = new_store(&KDBMAN, dir, &format!("{out}.kdb"), false);
            import(&back, &dir.join(&out), &["--file-pw-env", "P12PW"]).success();
            let b = open(&back);
            let got = b.get(label).unwrap();
            assert_eq!(got.certificates(), e.certificates());
            assert_eq!(
                got.private_key(),
                e.private_key(),
                "{out}: key bytes differ"
            );
        }
    }
}

#[test]
fn keydb_export_and_extract_with_key() {
    if !have_openssl() {
        return;
    }
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    let db = new_store(&KDBMAN, dir, "all.kdb", false);
    create_entry(&db, "one", "ec:p256");
    create_entry(&db, "two", "ec:p256");
    openssl(
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
            "/CN=Some CA",
            "-days",
            "30",
            "-out",
            "ca.pem",
        ],
    );
    KDBMAN
        .cmd()
        .args(["cert", "add", "--db"])
        .arg(&db)
        .args(["--pw-env", "KPW", "--label", "someca", "--file"])
        .arg(dir.join("ca.pem"))
        .assert()
        .success();
    KDBMAN
        .cmd()
        .args(["keydb", "export", "--db"])
        .arg(&db)
        .args(["--pw-env", "KPW", "--target"])
        .arg(dir.join("all.p12"))
        .args(["--target-pw-env", "P12PW"])
        .assert()
        .success()
        .stdout(contains("2 personal and 1 signer"));
    let back = new_store(&KDBMAN, dir, "back.kdb", false);
    import(&back, &dir.join("all.p12"), &["--file-pw-env", "P12PW"]).success();
    let (a, b) = (open(&db), open(&back));
    for l in ["one", "two", "someca"] {
        assert_eq!(
            a.get(l).unwrap().certificates(),
            b.get(l).unwrap().certificates(),
            "{l}"
        );
        assert_eq!(
            a.get(l).unwrap().private_key(),
            b.get(l).unwrap().private_key(),
            "{l}"
        );
        assert_eq!(a.get(l).unwrap().kind(), b.get(l).unwrap().kind(), "{l}");
    }
    if have_keytool() {
        let list = common::tool_stdout(
            dir,
            "keytool",
            &[
                "-list",
                "-storetype",
                "pkcs12",
                "-keystore",
                "all.p12",
                "-storepass",
                "p12-pw",
            ],
        );
        let list = String::from_utf8_lossy(&list);
        assert!(
            list.contains("someca, ") && list.contains("trustedCertEntry"),
            "{list}"
        );
    }

    // extract --with-key: PEM key + certificate, mode 0600, read by openssl.
    let target = dir.join("one.pem");
    KDBMAN
        .cmd()
        .args(["cert", "extract", "--db"])
        .arg(&db)
        .args([
            "--pw-env",
            "KPW",
            "--label",
            "one",
            "--with-key",
            "--target",
        ])
        .arg(&target)
        .assert()
        .success();
    let mode =
        std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&target).unwrap().permissions());
    assert_eq!(mode & 0o777, 0o600);
    assert_eq!(
        canonical_key(dir, "one.pem"),
        our_key(dir, a.get("one").unwrap().private_key().unwrap())
    );
    let x = openssl(dir, &["x509", "-in", "one.pem", "-noout", "-subject"]);
    assert!(String::from_utf8_lossy(&x).contains("one.example"));
}

#[test]
fn bad_inputs_get_their_own_errors() {
    if !have_openssl() {
        return;
    }
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    openssl(
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
            "k.pem",
            "-subj",
            "/CN=bad.example",
            "-days",
            "5",
            "-out",
            "c.pem",
        ],
    );
    openssl(
        dir,
        &[
            "pkcs12",
            "-export",
            "-inkey",
            "k.pem",
            "-in",
            "c.pem",
            "-passout",
            "pass:right",
            "-out",
            "good.p12",
        ],
    );
    let db = new_store(&KDBMAN, dir, "bad.kdb", false);
    // Wrong password.
    KDBMAN
        .cmd()
        .env("P12PW", "wrong")
        .args(["cert", "import", "--db"])
        .arg(&db)
        .args(["--pw-env", "KPW", "--file-pw-env", "P12PW", "--file"])
        .arg(dir.join("good.p12"))
        .assert()
        .code(6)
        .stderr(contains("password is incorrect"))
        .stderr(contains("good.p12"));
    // Truncated.
    let good = std::fs::read(dir.join("good.p12")).unwrap();
    std::fs::write(dir.join("trunc.p12"), &good[..good.len() / 2]).unwrap();
    import(&db, &dir.join("trunc.p12"), &["--file-pw-env", "P12PW"])
        .code(9)
        .stderr(contains("truncated"));
    // Random bytes.
    let mut noise = vec![0u8; 700];
    getrandom::fill(&mut noise).unwrap();
    noise[0] = 0x17;
    std::fs::write(dir.join("noise.p12"), &noise).unwrap();
    import(&db, &dir.join("noise.p12"), &["--file-pw-env", "P12PW"])
        .code(9)
        .stderr(contains("not a PKCS#12 file"));
    // Unsupported key algorithm: named.
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-521",
            "-nodes",
            "-keyout",
            "k521.pem",
            "-subj",
            "/CN=p521.example",
            "-days",
            "5",
            "-out",
            "c521.pem",
        ],
    );
    openssl(
        dir,
        &[
            "pkcs12",
            "-export",
            "-inkey",
            "k521.pem",
            "-in",
            "c521.pem",
            "-passout",
            "pass:p12-pw",
            "-out",
            "p521.p12",
        ],
    );
    import(&db, &dir.join("p521.p12"), &["--file-pw-env", "P12PW"])
        .code(9)
        .stderr(contains("unsupported key algorithm ECDSA P-521"));
    // Nothing was added by any of them.
    assert!(open(&db).entries().is_empty());

    // Every truncation and many bit flips: errors, never a panic.
    let p = Password::new("right");
    for cut in (0..good.len()).step_by(7) {
        let r = kdbman::pki::pkcs12::parse(&good[..cut], &p, Path::new("cut.p12"));
        assert!(r.is_err(), "cut at {cut} parsed");
    }
    for i in (0..good.len()).step_by(3) {
        let mut b = good.clone();
        b[i] ^= 0x40;
        let _ = kdbman::pki::pkcs12::parse(&b, &p, Path::new("flip.p12"));
    }
}
