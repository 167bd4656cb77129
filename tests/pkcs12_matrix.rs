//! Issue 12, acceptance 1: a table of PKCS#12 files generated at test time
//! by openssl and keytool, one per combination of cipher, MAC and
//! password encoding, for RSA, P-256 and Ed25519 keys with a chain of 3.
//! Each is read by kdbman and compared with openssl's view of the same
//! file: the key matches (same private key, and it is the leaf's key) and
//! every certificate is present. No-password files (both encodings of the
//! empty password, and no MAC at all) import with no password option and
//! with an empty one. Under CI a missing tool fails the test.

mod common;
use common::{Kdbman, new_store};

const KDBMAN: Kdbman = Kdbman::new(&[("KPW", "store-pw")]).without(&["P12PW"]);
use common::openssl;

use std::path::Path;
use std::process::Command as Proc;

use kdbman::{Access, EntryKind, Password, Store};

fn try_openssl(dir: &Path, args: &[&str]) -> Option<Vec<u8>> {
    let out = Proc::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .ok()?;
    out.status.success().then_some(out.stdout)
}

const KEYS: [(&str, &[&str]); 3] = [
    (
        "rsa",
        &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
    ),
    (
        "p256",
        &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
    ),
    ("ed25519", &["-algorithm", "ED25519"]),
];

/// Root and intermediate CAs (P-256) once; a leaf per key type.
fn make_pki(dir: &Path) {
    std::fs::write(
        dir.join("ca.ext"),
        "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("leaf.ext"),
        "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    let ec = ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"];
    openssl(
        dir,
        &[&["genpkey"][..], &ec, &["-out", "root.key"]].concat(),
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
            "/CN=Matrix Root",
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
    openssl(dir, &[&["genpkey"][..], &ec, &["-out", "int.key"]].concat());
    sign(dir, "int", "/CN=Matrix Intermediate", "root", "ca.ext");
    for (name, alg) in KEYS {
        let key = format!("{name}.key");
        openssl(dir, &[&["genpkey"][..], alg, &["-out", &key]].concat());
        sign(dir, name, &format!("/CN={name}.example"), "int", "leaf.ext");
    }
    let chain = [
        std::fs::read(dir.join("int.pem")).unwrap(),
        std::fs::read(dir.join("root.pem")).unwrap(),
    ]
    .concat();
    std::fs::write(dir.join("chain.pem"), &chain).unwrap();
    let all = [std::fs::read(dir.join("p256.pem")).unwrap(), chain].concat();
    std::fs::write(dir.join("all3.pem"), all).unwrap();
}

fn sign(dir: &Path, name: &str, subj: &str, ca: &str, ext: &str) {
    let (key, csr, pem) = (
        format!("{name}.key"),
        format!("{name}.csr"),
        format!("{name}.pem"),
    );
    openssl(
        dir,
        &["req", "-new", "-key", &key, "-subj", subj, "-out", &csr],
    );
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            &csr,
            "-CA",
            &format!("{ca}.pem"),
            "-CAkey",
            &format!("{ca}.key"),
            "-CAcreateserial",
            "-days",
            "30",
            "-extfile",
            ext,
            "-out",
            &pem,
        ],
    );
}

/// openssl's canonical DER of a private key (EC without the optional
/// public key, which keytool leaves out and kdbman puts back).
fn canonical_key(dir: &Path, pem: &[u8]) -> Vec<u8> {
    let f = dir.join("canon-in.pem");
    std::fs::write(&f, pem).unwrap();
    if let Some(out) = try_openssl(
        dir,
        &["ec", "-in", "canon-in.pem", "-no_public", "-outform", "DER"],
    ) && !out.is_empty()
    {
        return out;
    }
    openssl(dir, &["pkey", "-in", "canon-in.pem", "-outform", "DER"])
}

/// What openssl reads from a file: its key (canonical) and certificates.
fn openssl_view(dir: &Path, p12: &str, pass: &str) -> (Option<Vec<u8>>, Vec<Vec<u8>>) {
    let passin = format!("pass:{pass}");
    let base = ["pkcs12", "-in", p12, "-passin", &passin];
    let read = |extra: &[&str]| -> Vec<u8> {
        let a = [&base[..], extra].concat();
        try_openssl(dir, &a).unwrap_or_else(|| openssl(dir, &[&a[..], &["-legacy"]].concat()))
    };
    let keys = read(&["-nocerts", "-nodes"]);
    let key = keys
        .windows(11)
        .any(|w| w == b"PRIVATE KEY")
        .then(|| canonical_key(dir, &keys));
    let certs = kdbman::pki::pem::split_pem(&read(&["-nokeys"]), "openssl output")
        .unwrap()
        .certificates;
    (key, certs)
}

/// Reads `p12` with kdbman and compares with openssl; `None` when they agree.
fn compare(dir: &Path, p12: &str, pass: &str) -> Option<String> {
    let path = dir.join(p12);
    let data = std::fs::read(&path).unwrap();
    let ours = match kdbman::pki::pkcs12::parse(&data, &Password::new(pass), &path) {
        Ok(c) => c,
        Err(e) => return Some(format!("{p12}: kdbman refuses it: {e}")),
    };
    let (key, certs) = openssl_view(dir, p12, pass);
    let mut our_certs: Vec<Vec<u8>> = ours.certificates.iter().map(|(_, c)| c.clone()).collect();
    match (key, ours.keys.as_slice()) {
        (None, []) => {}
        (Some(k), [one]) => {
            let pem = kdbman::pki::pem::private_key_pem(&one.key);
            if canonical_key(dir, pem.as_bytes()) != k {
                return Some(format!("{p12}: the key differs from openssl's"));
            }
            let leaf = &one.chain[0];
            if !kdbman::pki::pem::key_matches_spki(&one.key, &kdbman::pki::cert_spki(leaf).unwrap())
            {
                return Some(format!("{p12}: the key does not match its certificate"));
            }
            if one.chain.len() != 3 && certs.len() == 3 {
                return Some(format!("{p12}: chain of {} instead of 3", one.chain.len()));
            }
            our_certs.extend(one.chain.iter().cloned());
        }
        (k, keys) => {
            return Some(format!(
                "{p12}: openssl sees {} key(s), kdbman {}",
                usize::from(k.is_some()),
                keys.len()
            ));
        }
    }
    our_certs.sort();
    our_certs.dedup();
    let mut theirs = certs;
    theirs.sort();
    theirs.dedup();
    (our_certs != theirs).then(|| {
        format!(
            "{p12}: kdbman has {} certificates, openssl {}",
            our_certs.len(),
            theirs.len()
        )
    })
}

/// The openssl rows: (name, extra arguments, password).
fn openssl_rows() -> Vec<(String, Vec<String>, String)> {
    let pw = "p12-pw".to_string();
    let mut rows: Vec<(String, Vec<&str>, String)> = vec![
        ("default".into(), vec![], pw.clone()),
        ("legacy".into(), vec!["-legacy"], pw.clone()),
        (
            "none".into(),
            vec!["-keypbe", "NONE", "-certpbe", "NONE"],
            pw.clone(),
        ),
        (
            "aes-key-plain-certs".into(),
            vec!["-keypbe", "AES-256-CBC", "-certpbe", "NONE"],
            pw.clone(),
        ),
        (
            "3des-key-rc2-certs".into(),
            vec![
                "-keypbe",
                "PBE-SHA1-3DES",
                "-certpbe",
                "PBE-SHA1-RC2-40",
                "-legacy",
            ],
            pw.clone(),
        ),
        ("nomac".into(), vec!["-nomac"], pw.clone()),
        ("nomac-legacy".into(), vec!["-nomac", "-legacy"], pw.clone()),
        ("nomaciter".into(), vec!["-nomaciter"], pw.clone()),
        ("noiter".into(), vec!["-noiter"], pw.clone()),
        (
            "noiter-nomaciter-legacy".into(),
            vec!["-noiter", "-nomaciter", "-legacy"],
            pw.clone(),
        ),
        ("empty".into(), vec![], String::new()),
        ("empty-legacy".into(), vec!["-legacy"], String::new()),
        (
            "empty-none".into(),
            vec!["-keypbe", "NONE", "-certpbe", "NONE"],
            String::new(),
        ),
        (
            "empty-nomac-none".into(),
            vec!["-keypbe", "NONE", "-certpbe", "NONE", "-nomac"],
            String::new(),
        ),
        ("unicode-pw".into(), vec![], "pässwörd-✓".to_string()),
    ];
    for cipher in [
        "PBE-SHA1-3DES",
        "PBE-SHA1-RC2-40",
        "PBE-SHA1-RC2-128",
        "AES-128-CBC",
        "AES-192-CBC",
        "AES-256-CBC",
    ] {
        let mut a = vec!["-keypbe", cipher, "-certpbe", cipher];
        if cipher.contains("RC2") {
            a.push("-legacy");
        }
        rows.push((format!("pbe-{cipher}"), a, pw.clone()));
    }
    for md in ["sha1", "sha224", "sha256", "sha384", "sha512"] {
        rows.push((format!("mac-{md}"), vec!["-macalg", md], pw.clone()));
    }
    rows.into_iter()
        .map(|(n, a, p)| (n, a.into_iter().map(String::from).collect(), p))
        .collect()
}

fn keytool(dir: &Path, args: &[&str]) {
    common::tool(dir, "keytool", args);
}

/// Rewrites a file's MAC under the NULL password (no bytes at all), as
/// Python's `NoEncryption()` and Windows write it. openssl must still read it.
fn remac_with_null_password(src: &Path, dst: &Path) {
    use der::{Decode, Encode};
    use hmac::{KeyInit, Mac};
    let data = std::fs::read(src).unwrap();
    let mut pfx = pkcs12::Pfx::from_der(&data).unwrap();
    let content = pfx.auth_safe.content.to_der().unwrap();
    let auth = der::asn1::OctetString::from_der(&content).unwrap();
    let mac = pfx.mac_data.as_mut().unwrap();
    let key = pkcs12::kdf::derive_key::<sha2::Sha256>(
        &[],
        mac.mac_salt.as_bytes(),
        pkcs12::kdf::Pkcs12KeyType::Mac,
        mac.iterations,
        32,
    );
    let mut h = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(&key).unwrap();
    h.update(auth.as_bytes());
    mac.mac.digest = der::asn1::OctetString::new(h.finalize().into_bytes().to_vec()).unwrap();
    std::fs::write(dst, pfx.to_der().unwrap()).unwrap();
}

#[test]
fn every_pkcs12_openssl_and_keytool_write_imports() {
    if !common::require_tool("openssl", "version") || !common::require_tool("keytool", "-help") {
        return;
    }
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    make_pki(dir);
    let mut table: Vec<(String, String)> = Vec::new();
    for (key, _) in KEYS {
        for (row, extra, pass) in openssl_rows() {
            let file = format!("ossl-{key}-{row}.p12");
            let passout = format!("pass:{pass}");
            let mut args = vec![
                "pkcs12",
                "-export",
                "-in",
                &format!("{key}.pem"),
                "-inkey",
                &format!("{key}.key"),
                "-certfile",
                "chain.pem",
                "-name",
                key,
                "-out",
                &file,
                "-passout",
                &passout,
            ]
            .into_iter()
            .map(String::from)
            .collect::<Vec<_>>();
            args.extend(extra);
            let a: Vec<&str> = args.iter().map(String::as_str).collect();
            openssl(dir, &a);
            table.push((file, pass));
        }
    }
    // Certificates only.
    openssl(
        dir,
        &[
            "pkcs12",
            "-export",
            "-nokeys",
            "-in",
            "all3.pem",
            "-out",
            "ossl-certs.p12",
            "-passout",
            "pass:p12-pw",
        ],
    );
    table.push(("ossl-certs.p12".into(), "p12-pw".into()));
    openssl(
        dir,
        &[
            "pkcs12",
            "-export",
            "-nokeys",
            "-in",
            "all3.pem",
            "-out",
            "ossl-certs-empty.p12",
            "-passout",
            "pass:",
        ],
    );
    table.push(("ossl-certs-empty.p12".into(), String::new()));
    // The other encoding of the empty password.
    for key in ["rsa", "p256", "ed25519"] {
        let src = dir.join(format!("ossl-{key}-empty-none.p12"));
        let name = format!("null-pw-{key}.p12");
        remac_with_null_password(&src, &dir.join(&name));
        table.push((name, String::new()));
    }

    // keytool: its default, the legacy form and each PBES2 PRF, from the
    // openssl files (so with the same chain of 3).
    let pw = "-srcstorepass";
    let mut kt = |src: &str, dst: &str, props: &[String]| {
        let mut a: Vec<String> = props.iter().map(|p| format!("-J-D{p}")).collect();
        a.extend(
            [
                "-importkeystore",
                "-noprompt",
                "-srckeystore",
                src,
                "-srcstoretype",
                "pkcs12",
                pw,
                "p12-pw",
                "-destkeystore",
                dst,
                "-deststoretype",
                "pkcs12",
                "-deststorepass",
                "p12-pw",
            ]
            .map(String::from),
        );
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        keytool(dir, &a);
        table.push((dst.to_string(), "p12-pw".into()));
    };
    for key in ["rsa", "p256", "ed25519"] {
        let src = format!("ossl-{key}-default.p12");
        kt(&src, &format!("kt-{key}-default.p12"), &[]);
        kt(
            &src,
            &format!("kt-{key}-legacy.p12"),
            &["keystore.pkcs12.legacy".into()],
        );
    }
    for prf in ["SHA1", "SHA224", "SHA256", "SHA384", "SHA512"] {
        for bits in [128, 256] {
            let alg = format!("PBEWithHmac{prf}AndAES_{bits}");
            kt(
                "ossl-p256-default.p12",
                &format!("kt-p256-{prf}-aes{bits}.p12"),
                &[
                    format!("keystore.pkcs12.keyProtectionAlgorithm={alg}"),
                    format!("keystore.pkcs12.certProtectionAlgorithm={alg}"),
                ],
            );
        }
    }
    kt(
        "ossl-rsa-default.p12",
        "kt-rsa-mac384.p12",
        &["keystore.pkcs12.macAlgorithm=HmacPBESHA384".into()],
    );
    // keytool's own key pairs and a trust store (certificates only).
    for (name, alg) in [
        ("rsa", &["-keyalg", "RSA", "-keysize", "2048"][..]),
        ("ec", &["-keyalg", "EC", "-groupname", "secp256r1"][..]),
        ("ed25519", &["-keyalg", "Ed25519"][..]),
    ] {
        let file = format!("kt-gen-{name}.p12");
        let mut a = vec![
            "-genkeypair",
            "-alias",
            name,
            "-dname",
            "CN=keytool.example",
            "-validity",
            "30",
            "-storetype",
            "pkcs12",
            "-keystore",
            &file,
            "-storepass",
            "p12-pw",
        ];
        a.extend_from_slice(alg);
        keytool(dir, &a);
        table.push((file, "p12-pw".into()));
    }
    keytool(
        dir,
        &[
            "-importcert",
            "-noprompt",
            "-alias",
            "root",
            "-file",
            "root.pem",
            "-storetype",
            "pkcs12",
            "-keystore",
            "kt-trust.p12",
            "-storepass",
            "p12-pw",
        ],
    );
    table.push(("kt-trust.p12".into(), "p12-pw".into()));

    let failures: Vec<String> = table
        .iter()
        .filter_map(|(f, p)| compare(dir, f, p))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} files differ:\n{}",
        failures.len(),
        table.len(),
        failures.join("\n")
    );
    // Every row was checked: at least the size of the table above.
    assert!(table.len() >= 3 * 26 + 20, "{} rows", table.len());

    // A wrong password is told apart, MAC or no MAC.
    for f in [
        "ossl-p256-default.p12",
        "ossl-p256-nomac.p12",
        "ossl-p256-nomac-legacy.p12",
    ] {
        let path = dir.join(f);
        let data = std::fs::read(&path).unwrap();
        let err = kdbman::pki::pkcs12::parse(&data, &Password::new("wrong"), &path).unwrap_err();
        assert!(
            matches!(err, kdbman::Error::InputPassword { .. }),
            "{f}: {err}"
        );
    }

    no_password_files_import_through_the_cli(dir);

    // Acceptance 5: no panic on any of these files truncated or with a
    // flipped byte (the reader's own catch_unwind is bypassed here).
    for f in [
        "ossl-p256-default.p12",
        "ossl-rsa-pbe-PBE-SHA1-RC2-40.p12",
        "ossl-ed25519-nomac.p12",
        "null-pw-p256.p12",
        "kt-p256-SHA1-aes128.p12",
    ] {
        let data = std::fs::read(dir.join(f)).unwrap();
        let step = (data.len() / 150).max(1);
        for i in (0..data.len()).step_by(step) {
            let mut flipped = data.clone();
            flipped[i] ^= 0x5a;
            for bytes in [&data[..i], &flipped[..]] {
                let r = std::panic::catch_unwind(|| kdbman::pki::pfx::read(bytes, "p12-pw"));
                assert!(r.is_ok(), "{f}: panic at byte {i}");
            }
        }
    }
}

/// No password option, and an empty one, for each no-password encoding.
fn no_password_files_import_through_the_cli(dir: &Path) {
    for file in [
        "ossl-p256-empty.p12",
        "null-pw-p256.p12",
        "ossl-p256-empty-nomac-none.p12",
        "ossl-certs-empty.p12",
    ] {
        for empty_option in [false, true] {
            let db = new_store(&KDBMAN, dir, &format!("{file}-{empty_option}.kdb"), false);
            let mut c = KDBMAN.cmd();
            c.args(["cert", "import", "--db"])
                .arg(&db)
                .args(["--pw-env", "KPW", "--file"])
                .arg(dir.join(file));
            if empty_option {
                c.env("P12PW", "").args(["--file-pw-env", "P12PW"]);
            }
            let out = c.output().unwrap();
            assert!(
                out.status.success(),
                "{file} (empty option: {empty_option}): {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let store = Store::open(&db, &Password::new("store-pw"), Access::Read).unwrap();
            let personal = store
                .entries()
                .iter()
                .filter(|e| e.kind() == EntryKind::Personal)
                .count();
            let expected = usize::from(!file.contains("certs"));
            assert_eq!(personal, expected, "{file}");
            assert!(store.entries().len() >= 3, "{file}: every certificate");
        }
    }
}
