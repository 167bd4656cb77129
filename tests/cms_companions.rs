//! CMS companions and each file in its own version (issue 19, deliverables
//! 3, 4 and 10; acceptance 3): a `.rdb` or `.crl` of another version than
//! its `.kdb`, or missing, empty or damaged; keys written into v4 stores;
//! header damage named as such; 5000-byte slots on rewrite; one fix text
//! per bad-password refusal.

mod common;
use common::Kdbman;
use common::s;
use common::servers::Serving;

const KDBMAN: Kdbman = Kdbman::new(&[("KPW", PW), ("NEW", NEW_PW)]).stdin_null();

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use assert_cmd::cargo::cargo_bin;
use kdbman::store::cms::{self, container, record};
use kdbman::{Access, Damage, Error, ErrorClass, Password, Store};
use serde_json::Value;
use tempfile::TempDir;

const PW: &str = "mq-lab";
const NEW_PW: &str = "a new password 2026";

/// DER of the OID pbeWithSHAAnd3-KeyTripleDES-CBC (1.2.840.113549.1.12.1.3).
const PBE_SHA_3DES: [u8; 12] = [
    0x06, 0x0a, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x01, 0x03,
];
/// DER of the OID PBES2 (1.2.840.113549.1.5.13).
const PBES2: [u8; 11] = [
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0d,
];

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn has(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// A new CMS store of `version` with password [`PW`] and one self-signed
/// personal entry `web` (its .rdb, as kdbman writes it, removed).
fn store(dir: &Path, name: &str, version: &str) -> PathBuf {
    let db = dir.join(format!("{name}.kdb"));
    KDBMAN.ok(&[
        "keydb",
        "create",
        "--db",
        s(&db),
        "--pw-env",
        "KPW",
        "--cms-version",
        version,
    ]);
    KDBMAN.ok(&[
        "cert",
        "create",
        "--db",
        s(&db),
        "--pw-env",
        "KPW",
        "--label",
        "web",
        "--dn",
        "CN=web.example.com",
        "--san",
        "dns:web.example.com",
        "--key",
        "ec:p256",
    ]);
    let _ = std::fs::remove_file(cms::rdb_path(&db));
    db
}

/// An empty request (`.rdb`) or CRL (`.crl`) container of `version` under `pw`.
fn empty_companion(version: u8, kind: container::Kind, pw: &str) -> Vec<u8> {
    container::encode(
        container::Version::from_number(version).unwrap(),
        kind,
        &container::new_salt(),
        container::DEFAULT_SLOT_SIZE,
        &[],
        &Password::new(pw),
    )
}

fn details(db: &Path, pw_args: &[&str]) -> Value {
    let mut args = vec!["keydb", "details", "--db", s(db), "--json"];
    args.extend_from_slice(pw_args);
    KDBMAN.json(&args)
}

/// The companion of `kind` ("requests", "crls") in `keydb details --json`.
fn companion(d: &Value, kind: &str) -> Value {
    d["cms"]["companions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == kind)
        .cloned()
        .unwrap()
}

fn list_labels(db: &Path, pw_args: &[&str]) -> Vec<String> {
    let mut args = vec!["cert", "list", "--db", s(db), "--json"];
    args.extend_from_slice(pw_args);
    let v = KDBMAN.json(&args);
    let mut labels: Vec<String> = v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["label"].as_str().unwrap().to_string())
        .collect();
    labels.sort();
    labels
}

fn certreq(db: &Path, label: &str) -> Output {
    KDBMAN.output(&[
        "certreq",
        "create",
        "--db",
        s(db),
        "--pw-env",
        "KPW",
        "--label",
        label,
        "--dn",
        &format!("CN={label}"),
        "--key",
        "ec:p256",
    ])
}

fn changepw(db: &Path) -> Output {
    KDBMAN.output(&[
        "keydb",
        "changepw",
        "--db",
        s(db),
        "--pw-env",
        "KPW",
        "--new-pw-env",
        "NEW",
        "--stash",
    ])
}

/// The container version byte and whether `pw` verifies the file.
fn version_and_verified(path: &Path, pw: &str) -> (u8, bool) {
    let bytes = std::fs::read(path).unwrap();
    let l = container::parse(path, &bytes).unwrap();
    let pw = Password::new(pw);
    (
        bytes[2],
        l.password_matches(&pw) && l.integrity_matches(&pw),
    )
}

/// Every file of the store's family, for "nothing was changed" checks.
fn snapshot(db: &Path) -> Vec<Option<Vec<u8>>> {
    [
        db.to_path_buf(),
        cms::rdb_path(db),
        cms::crl_path(db),
        db.with_extension("sth"),
    ]
    .iter()
    .map(|p| std::fs::read(p).ok())
    .collect()
}

#[test]
fn a_v4_rdb_beside_a_v6_kdb_is_read_and_rewritten_as_v4() {
    let dir = TempDir::new().unwrap();
    let db = store(dir.path(), "key", "6");
    let rdb = cms::rdb_path(&db);
    std::fs::write(&rdb, empty_companion(4, container::Kind::Requests, PW)).unwrap();
    let d = details(&db, &["--pw-env", "KPW"]);
    let c = companion(&d, "requests");
    assert_eq!(
        (&c["state"], &c["version"], &c["records"]),
        (&Value::from("intact"), &Value::from(4), &Value::from(0)),
        "{d:#}"
    );
    assert_eq!(d["cms"]["request_db"], true);
    assert_eq!(companion(&d, "crls")["state"], "absent");

    assert!(certreq(&db, "pending").status.success());
    let bytes = std::fs::read(&rdb).unwrap();
    assert_eq!(bytes[2], 4, "the .rdb stays v4");
    // A request key in a v4 file is sealed with v4's own scheme.
    assert!(has(&bytes, &PBE_SHA_3DES) && !has(&bytes, &PBES2));
    assert_eq!(std::fs::read(&db).unwrap()[2], 6, "the .kdb stays v6");

    let out = changepw(&db);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(version_and_verified(&rdb, NEW_PW), (4, true));
    assert_eq!(version_and_verified(&db, NEW_PW), (6, true));
    assert_eq!(list_labels(&db, &["--stashed"]), ["pending", "web"]);
}

#[test]
fn a_damaged_rdb_never_stops_reading_and_refuses_only_the_writes_that_need_it() {
    let dir = TempDir::new().unwrap();
    let db = store(dir.path(), "key", "6");
    let rdb = cms::rdb_path(&db);
    KDBMAN.ok(&["keydb", "stashpw", "--db", s(&db), "--pw-env", "KPW"]);
    let mut bytes = empty_companion(6, container::Kind::Requests, PW);
    bytes[0x40] ^= 0x01; // inside the verifier
    for (what, bad) in [
        ("verifier", bytes.clone()),
        ("truncated", bytes[..100].to_vec()),
        ("unknown version", {
            let mut b = bytes.clone();
            b[2] = 9;
            b
        }),
        (
            "another store's",
            empty_companion(6, container::Kind::Requests, "other"),
        ),
        (
            "a CRL database as .rdb",
            empty_companion(6, container::Kind::Crls, PW),
        ),
        ("not CMS at all", b"hello".to_vec()),
    ] {
        std::fs::write(&rdb, &bad).unwrap();
        // Read-only commands work, and say what they found.
        let out = KDBMAN.ok(&["cert", "list", "--db", s(&db), "--pw-env", "KPW"]);
        let err = stderr(&out);
        assert!(
            err.contains("warning") && err.contains(s(&rdb)) && err.contains("not usable"),
            "{what}: {err}"
        );
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("web"),
            "{what}"
        );
        let d = details(&db, &["--stashed"]);
        let c = companion(&d, "requests");
        assert_eq!(c["state"], "unusable", "{what}: {d:#}");
        assert!(
            c["problem"].as_str().is_some_and(|p| !p.is_empty()),
            "{what}"
        );
        assert_eq!(d["cms"]["request_db"], false);
        let lint = KDBMAN.output(&[
            "lint",
            "--db",
            s(&db),
            "--pw-env",
            "KPW",
            "--label",
            "web",
            "--format",
            "json",
        ]);
        // Lint runs on the store and names the companion (a warning).
        assert_eq!(lint.status.code(), Some(0), "{what}: {}", stderr(&lint));
        let v: Value = serde_json::from_slice(&lint.stdout).unwrap();
        let f = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["code"] == "KDB0013W")
            .unwrap_or_else(|| panic!("{what}: no KDB0013W: {v:#}"));
        assert!(
            f["severity"] == "warning" && f["message"].as_str().unwrap().contains(s(&rdb)),
            "{f:#}"
        );

        // Writes that must rewrite it are refused, naming it, and change nothing.
        let before = snapshot(&db);
        for (cmd, out) in [
            ("certreq create", certreq(&db, "pending")),
            ("changepw", changepw(&db)),
        ] {
            assert!(!out.status.success(), "{what}: {cmd} went through");
            let err = stderr(&out);
            assert!(
                err.contains(s(&rdb)) && err.contains("nothing was changed"),
                "{what}: {cmd}: {err}"
            );
            assert_eq!(snapshot(&db), before, "{what}: {cmd} changed a file");
        }
        // A change to the .kdb alone goes through and leaves it as it was.
        let label = format!("signer-{}", what.len());
        KDBMAN.ok(&[
            "cert",
            "create",
            "--db",
            s(&db),
            "--pw-env",
            "KPW",
            "--label",
            &label,
            "--dn",
            "CN=x",
            "--key",
            "ec:p256",
        ]);
        assert_eq!(std::fs::read(&rdb).unwrap(), bad, "{what}");
        KDBMAN.ok(&[
            "cert",
            "delete",
            "--db",
            s(&db),
            "--pw-env",
            "KPW",
            "--label",
            &label,
        ]);
    }

    // Empty: read as holding nothing (and said); a request replaces it.
    std::fs::write(&rdb, b"").unwrap();
    let out = KDBMAN.ok(&["cert", "list", "--db", s(&db), "--pw-env", "KPW"]);
    assert!(stderr(&out).contains("empty"), "{}", stderr(&out));
    assert_eq!(
        companion(&details(&db, &["--stashed"]), "requests")["state"],
        "empty"
    );
    assert!(certreq(&db, "pending").status.success());
    assert_eq!(version_and_verified(&rdb, PW), (6, true));

    // Missing: nothing to say.
    std::fs::remove_file(&rdb).unwrap();
    std::fs::remove_file(cms::rdb_path(&db)).ok();
    let out = KDBMAN.ok(&["cert", "list", "--db", s(&db), "--pw-env", "KPW"]);
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
}

#[test]
fn a_crl_database_is_verified_and_rewritten_in_its_own_version() {
    let dir = TempDir::new().unwrap();
    let db = store(dir.path(), "key", "6");
    let crl = cms::crl_path(&db);
    std::fs::write(&crl, empty_companion(4, container::Kind::Crls, PW)).unwrap();
    let before = std::fs::read(&crl).unwrap();
    let c = companion(&details(&db, &["--pw-env", "KPW"]), "crls");
    assert_eq!(
        (&c["state"], &c["version"]),
        (&Value::from("intact"), &Value::from(4))
    );
    // A change that does not concern it leaves it byte for byte.
    assert!(certreq(&db, "pending").status.success());
    assert_eq!(std::fs::read(&crl).unwrap(), before);
    let out = changepw(&db);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(version_and_verified(&crl, NEW_PW), (4, true));
    assert_eq!(version_and_verified(&cms::rdb_path(&db), NEW_PW), (6, true));

    // Damaged: still lists; a new password is refused (it would leave the
    // .crl under the old one).
    let mut bad = std::fs::read(&crl).unwrap();
    bad[0x50] ^= 0x10; // the integrity MAC of a v4 container
    std::fs::write(&crl, &bad).unwrap();
    let out = KDBMAN.ok(&["cert", "list", "--db", s(&db), "--stashed"]);
    assert!(stderr(&out).contains(s(&crl)), "{}", stderr(&out));
    let before = snapshot(&db);
    let out = KDBMAN.output(&[
        "keydb",
        "changepw",
        "--db",
        s(&db),
        "--stashed",
        "--new-pw-env",
        "KPW",
    ]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains(s(&crl)), "{}", stderr(&out));
    assert_eq!(snapshot(&db), before);

    // A CRL database holding records kdbman does not read refuses a new
    // password (they may be sealed with the old one); nothing changes.
    let one = container::encode(
        container::Version::V6,
        container::Kind::Crls,
        &container::new_salt(),
        container::DEFAULT_SLOT_SIZE,
        &[vec![0x55; 300]],
        &Password::new(NEW_PW),
    );
    std::fs::write(&crl, &one).unwrap();
    let c = companion(&details(&db, &["--stashed"]), "crls");
    assert_eq!(
        (&c["state"], &c["records"]),
        (&Value::from("intact"), &Value::from(1))
    );
    let before = snapshot(&db);
    let out = KDBMAN.output(&[
        "keydb",
        "changepw",
        "--db",
        s(&db),
        "--stashed",
        "--new-pw-env",
        "KPW",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains(s(&crl)), "{}", stderr(&out));
    assert_eq!(snapshot(&db), before);

    // keydb delete takes the companions with it.
    KDBMAN.ok(&["keydb", "delete", "--db", s(&db), "--stashed"]);
    assert!(!crl.exists() && !cms::rdb_path(&db).exists());
}

fn open_err(db: &Path, pw: &str) -> Error {
    Store::open(db, &Password::new(pw), Access::Read).unwrap_err()
}

#[test]
fn an_altered_record_count_or_slot_size_is_header_damage_not_truncation() {
    let dir = TempDir::new().unwrap();
    for version in ["6", "4"] {
        let db = store(dir.path(), &format!("v{version}"), version);
        let good = std::fs::read(&db).unwrap();
        for (at, field, found_expected) in [
            (0x17, "record count", (1u64 ^ 0x02, 1u64)),
            (0x14, "record count", ((1u64 << 24) ^ 1, 1)),
            (0x13, "slot size", (5000 ^ 0x01, 5000)),
            (0x10, "slot size", (5000 | 0x8000_0000, 5000)),
        ] {
            let mut bad = good.clone();
            bad[at] ^= match at {
                0x17 => 0x02,
                0x14 => 0x01,
                0x13 => 0x01,
                _ => 0x80,
            };
            std::fs::write(&db, &bad).unwrap();
            match open_err(&db, PW) {
                Error::DamagedHeader {
                    damage:
                        Damage::HeaderFieldAltered {
                            field: f,
                            found,
                            expected,
                        },
                    ..
                } => {
                    assert_eq!(
                        (f, (found, expected)),
                        (field, found_expected),
                        "v{version} {at:#x}"
                    )
                }
                other => panic!("v{version} byte {at:#x}: {other:?}"),
            }
            let out = KDBMAN.output(&["cert", "list", "--db", s(&db), "--pw-env", "KPW"]);
            assert_eq!(out.status.code(), Some(5), "v{version}");
            let err = stderr(&out);
            assert!(
                err.contains(field)
                    && err.contains("altered")
                    && !err.contains("truncated")
                    && !err.contains("unexpected bytes"),
                "{err}"
            );
            // A wrong password on the same bytes: still damage (the length
            // disagrees whatever the password), never "opened".
            assert_eq!(open_err(&db, "nope").class(), ErrorClass::Damaged);
        }
        // Real truncation, with the verifier intact, stays truncation.
        std::fs::write(&db, &good[..good.len() - 10]).unwrap();
        let e = open_err(&db, PW);
        assert!(
            matches!(
                &e,
                Error::DamagedHeader {
                    damage: Damage::Truncated { .. },
                    ..
                }
            ),
            "{e:?}"
        );
        std::fs::write(&db, &good).unwrap();
    }
    // A store with no key at all: the count is still named.
    let db = dir.path().join("empty.kdb");
    KDBMAN.ok(&["keydb", "create", "--db", s(&db), "--pw-env", "KPW"]);
    let mut bad = std::fs::read(&db).unwrap();
    bad[0x17] ^= 0x04;
    std::fs::write(&db, &bad).unwrap();
    let e = open_err(&db, PW);
    assert!(
        matches!(
            &e,
            Error::DamagedHeader {
                damage: Damage::HeaderFieldAltered {
                    field: "record count",
                    ..
                },
                ..
            }
        ),
        "{e:?}"
    );
}

#[test]
fn a_store_with_5001_byte_slots_is_rewritten_with_5000() {
    let dir = TempDir::new().unwrap();
    let db = store(dir.path(), "java", "6");
    let bytes = std::fs::read(&db).unwrap();
    let pw = Password::new(PW);
    let l = container::parse(&db, &bytes).unwrap();
    let slots: Vec<Vec<u8>> = l.slots().map(<[u8]>::to_vec).collect();
    let wide = container::encode(l.version, container::Kind::Keys, &l.salt, 5001, &slots, &pw);
    std::fs::write(&db, &wide).unwrap();
    assert_eq!(list_labels(&db, &["--pw-env", "KPW"]), ["web"]);
    let d = details(&db, &["--pw-env", "KPW"]);
    assert_eq!(d["cms"]["slot_size"], 5001);
    KDBMAN.ok(&[
        "cert",
        "create",
        "--db",
        s(&db),
        "--pw-env",
        "KPW",
        "--label",
        "two",
        "--dn",
        "CN=two",
        "--key",
        "ec:p256",
    ]);
    let after = std::fs::read(&db).unwrap();
    assert_eq!(after.len(), 144 + 2 * 5000);
    assert_eq!(
        u32::from_be_bytes(after[0x10..0x14].try_into().unwrap()),
        5000
    );
    assert_eq!(list_labels(&db, &["--pw-env", "KPW"]), ["two", "web"]);
}

#[test]
fn keys_written_into_a_v4_store_are_pkcs12_3des_and_openssl_decrypts_them() {
    let dir = TempDir::new().unwrap();
    let db = store(dir.path(), "old", "4");
    let bytes = std::fs::read(&db).unwrap();
    assert_eq!(bytes[2], 4);
    let l = container::parse(&db, &bytes).unwrap();
    let rec = record::decode_slot(l.slots().next().unwrap()).unwrap();
    let record::Body::Personal { key, .. } = rec.body else {
        panic!("not a personal record")
    };
    // EncryptedPrivateKeyInfo ::= SEQUENCE { AlgorithmIdentifier, OCTET STRING }:
    // the AlgorithmIdentifier starts with the OID.
    let alg_at = if key[1] & 0x80 != 0 {
        2 + (key[1] & 0x7f) as usize
    } else {
        2
    };
    let oid_at = alg_at + 2;
    assert_eq!(&key[oid_at..oid_at + PBE_SHA_3DES.len()], PBE_SHA_3DES);
    assert!(!has(&key, &PBES2));
    // A new password re-encrypts it the same way.
    assert!(changepw(&db).status.success());
    let again = std::fs::read(&db).unwrap();
    assert!(has(&again, &PBE_SHA_3DES) && !has(&again, &PBES2));

    if !common::require_tool("openssl", "version") {
        return;
    }
    let der = dir.path().join("key.der");
    std::fs::write(&der, &key).unwrap();
    let out = common::tool(
        dir.path(),
        "openssl",
        &[
            "pkcs8",
            "-in",
            "key.der",
            "-inform",
            "DER",
            "-passin",
            &format!("pass:{PW}"),
        ],
    );
    let pem = String::from_utf8_lossy(&out.stdout);
    assert!(pem.contains("BEGIN PRIVATE KEY"), "{pem}");
    // The key openssl decrypted is the one the certificate holds.
    std::fs::write(dir.path().join("key.pem"), pem.as_bytes()).unwrap();
    KDBMAN.ok(&[
        "cert",
        "extract",
        "--db",
        s(&db),
        "--pw-env",
        "NEW",
        "--label",
        "web",
        "--target",
        s(&dir.path().join("cert.pem")),
    ]);
    let from_key = common::tool(
        dir.path(),
        "openssl",
        &["pkey", "-in", "key.pem", "-pubout"],
    );
    let from_cert = common::tool(
        dir.path(),
        "openssl",
        &["x509", "-in", "cert.pem", "-noout", "-pubkey"],
    );
    assert_eq!(from_key.stdout, from_cert.stdout);
}

/// The `fix:` line kdbman prints for a failed command.
fn fix_of(out: &Output) -> String {
    let err = stderr(out);
    err.lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("fix:")
                .map(str::trim)
                .map(str::to_string)
        })
        .unwrap_or_else(|| panic!("no fix line: {err}"))
}

#[test]
fn each_bad_password_refusal_has_its_own_fix() {
    let dir = TempDir::new().unwrap();
    let db = store(dir.path(), "key", "6");
    KDBMAN.ok(&["keydb", "stashpw", "--db", s(&db), "--pw-env", "KPW"]);
    let keyless = dir.path().join("keyless.kdb");
    KDBMAN.ok(&["keydb", "create", "--db", s(&keyless), "--pw-env", "KPW"]);
    KDBMAN.ok(&["keydb", "stashpw", "--db", s(&keyless), "--pw-env", "KPW"]);

    let wrong = KDBMAN.output(&["cert", "list", "--db", s(&db), "--pw", "wrong"]);
    assert_eq!(wrong.status.code(), Some(6));
    let undecided = KDBMAN.output(&["cert", "list", "--db", s(&keyless), "--pw", "wrong"]);
    assert_eq!(undecided.status.code(), Some(10));
    // The stash beside each holds the old password after a change.
    for db in [&db, &keyless] {
        KDBMAN.ok(&[
            "keydb",
            "changepw",
            "--db",
            s(db),
            "--pw-env",
            "KPW",
            "--new-pw-env",
            "NEW",
        ]);
    }
    let stale = KDBMAN.output(&["cert", "list", "--db", s(&db), "--stashed"]);
    assert_eq!(stale.status.code(), Some(7));
    let stale_keyless = KDBMAN.output(&["cert", "list", "--db", s(&keyless), "--stashed"]);
    assert_ne!(stale_keyless.status.code(), Some(0));
    let fixes = [
        fix_of(&wrong),
        fix_of(&undecided),
        fix_of(&stale),
        fix_of(&stale_keyless),
    ];
    for (i, a) in fixes.iter().enumerate() {
        for b in &fixes[i + 1..] {
            assert_ne!(a, b, "two refusals share a fix text");
        }
    }
    assert!(fixes[2].contains("stashpw") && fixes[3].contains("stashpw"));
}

/// The appendix: the empty v3 request database (80 bytes, kind
/// 01, `X509KYP`, all-zero salt) that IBM's Java tooling wrote beside a v6
/// `.kdb`, under the password `mq-lab`.
const IBM_V3_RDB: &str = "3748030100000000583530394b595000\
                          00001388000000000000000000000000\
                          00000000000000000000000000000000\
                          3540aaee1a2529cc415c7ee76ee3c990\
                          f782fa61598beb965a2f756b30ab7a0b";

/// DER of the OID pbeWithMD5AndDES-CBC (1.2.840.113549.1.5.3).
const PBE_MD5_DES: [u8; 11] = [
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x03,
];

fn ibm_v3_rdb() -> Vec<u8> {
    let hex: String = IBM_V3_RDB.split_whitespace().collect();
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect()
}

/// Starts `kdbman serve` on the store (password `pw`) and returns it
/// (stopped on drop) with its port.
fn serve(db: &Path, pw: &str) -> (Serving, u16) {
    let mut cmd = Command::new(cargo_bin("kdbman"));
    cmd.args(["serve", "--db", s(db), "--pw-env", "KPW", "--label", "web"])
        .args(["--listen", "127.0.0.1:0"])
        .env("KPW", pw);
    Serving::on_loopback(cmd)
}

/// Issue 19, acceptance 3: a v6 and a v4 store, each with IBM's 80-byte v3
/// `.rdb` beside it.
#[test]
fn v6_and_v4_stores_with_ibms_80_byte_v3_rdb_work_and_keep_it_v3() {
    let dir = TempDir::new().unwrap();
    let with_curl = common::require_tool("curl", "--version");
    for version in ["6", "4"] {
        let db = store(dir.path(), &format!("mq{version}"), version);
        let rdb = cms::rdb_path(&db);
        std::fs::write(&rdb, ibm_v3_rdb()).unwrap();
        assert_eq!(version_and_verified(&rdb, PW), (3, true), "the vector");

        // list, details, lint, serve.
        let out = KDBMAN.ok(&["cert", "list", "--db", s(&db), "--pw-env", "KPW"]);
        assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
        assert_eq!(list_labels(&db, &["--pw-env", "KPW"]), ["web"]);
        let d = details(&db, &["--pw-env", "KPW"]);
        let c = companion(&d, "requests");
        assert_eq!(
            (&c["state"], &c["version"], &c["records"]),
            (&Value::from("intact"), &Value::from(3), &Value::from(0)),
            "v{version}: {d:#}"
        );
        assert_eq!(d["version"], version.parse::<u8>().unwrap());
        let lint = KDBMAN.output(&[
            "lint",
            "--db",
            s(&db),
            "--pw-env",
            "KPW",
            "--label",
            "web",
            "--format",
            "json",
        ]);
        assert_eq!(lint.status.code(), Some(0), "v{version}: {}", stderr(&lint));
        let v: Value = serde_json::from_slice(&lint.stdout).unwrap();
        assert!(
            v["findings"]
                .as_array()
                .unwrap()
                .iter()
                .all(|f| f["severity"] != "error"),
            "v{version}: {v:#}"
        );
        let (server, port) = serve(&db, PW);
        if with_curl {
            let out = Command::new("curl")
                .args(["-sk", "-o", "/dev/null", "-w", "%{http_code}"])
                .arg(format!("https://127.0.0.1:{port}/"))
                .output()
                .unwrap();
            let code = String::from_utf8_lossy(&out.stdout).into_owned();
            assert!(code.starts_with('2'), "v{version}: curl got {code:?}");
        }
        drop(server);
        // Reading leaves the .rdb byte for byte.
        assert_eq!(std::fs::read(&rdb).unwrap(), ibm_v3_rdb());

        // certreq create: the request goes into the .rdb, which stays v3
        // with its key in v3's scheme; the .kdb keeps its version.
        assert!(certreq(&db, "pending").status.success());
        let bytes = std::fs::read(&rdb).unwrap();
        assert_eq!(bytes.len(), 0x50 + 5000);
        assert_eq!(version_and_verified(&rdb, PW), (3, true));
        assert!(
            has(&bytes, &PBE_MD5_DES) && !has(&bytes, &PBES2),
            "v{version}"
        );
        assert_eq!(std::fs::read(&db).unwrap()[2].to_string(), version);
        assert_eq!(list_labels(&db, &["--pw-env", "KPW"]), ["pending", "web"]);

        // changepw --stash: every file under the new password, each in its
        // own version; the store reopens with it (and with the stash).
        let out = changepw(&db);
        assert!(out.status.success(), "v{version}: {}", stderr(&out));
        assert_eq!(version_and_verified(&rdb, NEW_PW), (3, true));
        assert_eq!(
            version_and_verified(&db, NEW_PW),
            (version.parse().unwrap(), true)
        );
        let reopened = Store::open(&db, &Password::new(NEW_PW), Access::Read).unwrap();
        assert_eq!(reopened.entries().len(), 2);
        assert_eq!(list_labels(&db, &["--stashed"]), ["pending", "web"]);
        assert_eq!(
            Store::open(&db, &Password::new(PW), Access::Read)
                .unwrap_err()
                .class(),
            ErrorClass::WrongPassword
        );

        // The request deleted: the .rdb stays, empty, in v3.
        KDBMAN.ok(&[
            "certreq",
            "delete",
            "--db",
            s(&db),
            "--stashed",
            "--label",
            "pending",
        ]);
        let bytes = std::fs::read(&rdb).unwrap();
        assert_eq!((bytes[2], bytes.len()), (3, 0x50));

        // A damaged .rdb does not stop list.
        let mut bad = bytes.clone();
        bad[0x45] ^= 0x20; // the v3 integrity value
        std::fs::write(&rdb, &bad).unwrap();
        let out = KDBMAN.ok(&["cert", "list", "--db", s(&db), "--stashed"]);
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("web") && stderr(&out).contains(s(&rdb)),
            "{}",
            stderr(&out)
        );
        let c = companion(&details(&db, &["--stashed"]), "requests");
        assert_eq!(c["state"], "unusable");
        assert!(
            c["problem"].as_str().unwrap().contains("integrity"),
            "{c:#}"
        );
        // Nor serve.
        let (server, _) = serve(&db, NEW_PW);
        drop(server);
    }
}
