//! Files named `key.kdb` that are something else (issue 19, acceptance 4):
//! each is named for what its content is by `cert list`, `lint` and the
//! gsk8capicmd front end, with the exit status the README's table gives,
//! and "kdbman store of format version" is said of kdbman's own files
//! only. A PKCS#12 file named `.kdb` with a GSKit v2 stash beside it (what
//! `runmqakm -keydb -create -type pkcs12 -db key.kdb -stash` makes) works
//! wherever a store is accepted: `cert list --stashed`, `lint --db` and
//! `lint --dir`, `serve`, and `gsk8capicmd -cert -list -stashed`.
//!
//! Every fixture is made here: KeePass headers from their published
//! signatures, JKS and JCEKS by keytool, PEM and PKCS#12 by openssl, the
//! stash by kdbman (`keydb stashpw`), the CMS files from the v3
//! vector.

mod common;
use common::Kdbman;
use common::gsk;
use common::text;

const KDBMAN: Kdbman = Kdbman::new(&[("PW", PW)]).stdin_null();

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::cargo::cargo_bin;

const PW: &str = "Kinds-Password-2026!";
/// The exit status for a file that is no store kdbman reads (README).
const NOT_A_STORE: i32 = 4;
const NATIVE_VERSION_TEXT: &str = "kdbman store of format version";

/// The empty v3 key database (password `123`).
const CMS_V3_KDB: &str = concat!(
    "3748030200000000583530394b455900",
    "00001388000000000000000000000000",
    "00000000000000000000000000000000",
    "4efcfb320183f93baf180d8e10011749",
    "fb2368e55a2973e2e9c064cb479ab50f",
);

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// A directory holding one `key.kdb` with these bytes.
fn kdb_with(bytes: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("key.kdb");
    std::fs::write(&path, bytes).unwrap();
    (dir, path)
}

/// A KeePass 1.x header: signatures, flags (SHA-2, AES), version 3.4,
/// master seed, IV, group and entry counts, content hash, transform seed
/// and rounds; then some "encrypted" bytes.
fn keepass1() -> Vec<u8> {
    let mut b = vec![0x03, 0xD9, 0xA2, 0x9A, 0x65, 0xFB, 0x4B, 0xB5];
    b.extend_from_slice(&3u32.to_le_bytes());
    b.extend_from_slice(&0x0003_0004u32.to_le_bytes());
    b.extend((0..16 + 16).map(|i| (i * 37 + 11) as u8));
    b.extend_from_slice(&2u32.to_le_bytes());
    b.extend_from_slice(&5u32.to_le_bytes());
    b.extend((0..32 + 32).map(|i| (i * 91 + 7) as u8));
    b.extend_from_slice(&60000u32.to_le_bytes());
    b.extend((0..256).map(|i| (i * 13 + 5) as u8));
    b
}

/// A KeePass 2.x (KDBX 4) header: signatures, version 4.0, then header
/// fields (cipher id, compression, master seed) as type, length, value.
fn keepass2() -> Vec<u8> {
    let mut b = vec![0x03, 0xD9, 0xA2, 0x9A, 0x67, 0xFB, 0x4B, 0xB5];
    b.extend_from_slice(&[0x00, 0x00, 0x04, 0x00]);
    b.push(2);
    b.extend_from_slice(&16u32.to_le_bytes());
    b.extend_from_slice(&hex("31c1f2e6bf714350be5805216afc5aff"));
    b.push(3);
    b.extend_from_slice(&4u32.to_le_bytes());
    b.extend_from_slice(&1u32.to_le_bytes());
    b.push(4);
    b.extend_from_slice(&32u32.to_le_bytes());
    b.extend((0..32).map(|i| (i * 53 + 3) as u8));
    b.extend((0..300).map(|i| (i * 29 + 1) as u8));
    b
}

/// 600 bytes from a fixed xorshift sequence: no format's magic.
fn random_bytes() -> Vec<u8> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..600)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

/// A self-signed certificate and key (PEM) made by openssl in `dir`.
fn openssl_cert(dir: &Path) -> bool {
    if !common::require_tool("openssl", "version") {
        return false;
    }
    common::tool(
        dir,
        "openssl",
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "k.pem",
            "-out",
            "c.pem",
            "-subj",
            "/CN=web.example",
            "-days",
            "365",
        ],
    );
    true
}

/// `cert list` on `key.kdb`: its exit status and its `error[…]` line (the
/// line that names the file), after checking the native wording is absent.
fn list_error(dir: &Path) -> (Option<i32>, String) {
    let out = KDBMAN.output_in(dir, &["cert", "list", "--db", "key.kdb", "--pw-env", "PW"]);
    let all = text(&out);
    assert!(!all.contains(NATIVE_VERSION_TEXT), "{all}");
    let line = all
        .lines()
        .find(|l| l.contains("error["))
        .unwrap_or_default()
        .to_string();
    (out.status.code(), line)
}

/// Checks `cert list`, `lint` and the gsk8capicmd front end on a foreign
/// `key.kdb`: each names `kind`, none claims CMS or a kdbman store, and
/// each exits 4.
fn assert_named(dir: &Path, kind: &str) {
    let (code, line) = list_error(dir);
    assert_eq!(code, Some(NOT_A_STORE), "{kind}: {line}");
    assert!(line.contains("error[SSL0215E]: key.kdb"), "{line}");
    assert!(line.contains(kind), "want {kind:?}: {line}");
    for claim in ["CMS", "kdbman store", "GSKit .kdb"] {
        assert!(!line.contains(claim), "{kind}: claims {claim}: {line}");
    }

    let out = KDBMAN.output_in(dir, &["lint", "--db", "key.kdb", "--pw-env", "PW"]);
    let lint = text(&out);
    assert_eq!(out.status.code(), Some(NOT_A_STORE), "{lint}");
    let finding = lint
        .lines()
        .find(|l| l.contains("SSL0215E"))
        .unwrap_or_else(|| panic!("no SSL0215E: {lint}"));
    assert!(finding.contains(kind), "lint: {finding}");
    assert!(!lint.contains(NATIVE_VERSION_TEXT), "{lint}");
    for claim in ["CMS", "kdbman store", "store key.kdb"] {
        assert!(
            !lint
                .lines()
                .any(|l| l.contains(claim) && !l.contains("fix:")),
            "lint claims {claim}: {lint}"
        );
    }

    let out = gsk(dir, &["-cert", "-list", "-db", "key.kdb", "-pw", PW]);
    let g = text(&out);
    assert_eq!(out.status.code(), Some(NOT_A_STORE), "{g}");
    assert!(g.starts_with("KDBG0005W key.kdb"), "{g}");
    assert!(g.contains(kind), "gsk: {g}");
}

#[test]
fn keepass_files_named_kdb_are_named_keepass() {
    let (dir, _) = kdb_with(&keepass1());
    assert_named(
        dir.path(),
        "not a key database: it looks like a KeePass 1.x file",
    );
    let (dir, path) = kdb_with(&keepass2());
    assert_named(
        dir.path(),
        "not a key database: it looks like a KeePass 2.x file",
    );
    // Not a store, so not deleted as one, even with --force.
    let out = KDBMAN.output_in(
        dir.path(),
        &["keydb", "delete", "--db", "key.kdb", "--force"],
    );
    assert_eq!(out.status.code(), Some(NOT_A_STORE), "{}", text(&out));
    assert_eq!(std::fs::read(&path).unwrap(), keepass2());
    // Given as an input file, it is named too.
    let out = KDBMAN.output_in(
        dir.path(),
        &["keydb", "create", "--db", "new.kdb", "--pw-env", "PW"],
    );
    assert!(out.status.success(), "{}", text(&out));
    let out = KDBMAN.output_in(
        dir.path(),
        &[
            "cert",
            "import",
            "--db",
            "new.kdb",
            "--pw-env",
            "PW",
            "--file",
            "key.kdb",
            "--file-pw-env",
            "PW",
        ],
    );
    assert_eq!(out.status.code(), Some(9), "{}", text(&out));
    assert!(
        text(&out).contains("not a PKCS#12 file: it looks like a KeePass 2.x file"),
        "{}",
        text(&out)
    );
}

#[test]
fn java_keystores_are_named_with_the_keytool_conversion() {
    if !common::require_tool("keytool", "-help") {
        return;
    }
    for (storetype, kind) in [
        (
            "jks",
            "key.kdb is a Java KeyStore (JKS), which kdbman does not read",
        ),
        (
            "jceks",
            "key.kdb is a Java JCEKS keystore, which kdbman does not read",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        common::tool(
            dir.path(),
            "keytool",
            &[
                "-genkeypair",
                "-alias",
                "web",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=web.example",
                "-keystore",
                "key.kdb",
                "-storetype",
                storetype,
                "-storepass",
                PW,
                "-keypass",
                PW,
            ],
        );
        assert_named(dir.path(), kind);
        let out = KDBMAN.output_in(
            dir.path(),
            &["cert", "list", "--db", "key.kdb", "--pw-env", "PW"],
        );
        let fix = text(&out);
        assert!(
            fix.contains(&format!(
                "keytool -importkeystore -srckeystore key.kdb -srcstoretype {storetype} -destkeystore key.p12 -deststoretype pkcs12"
            )),
            "{fix}"
        );
        // The conversion the fix gives works, and kdbman opens its result.
        common::tool(
            dir.path(),
            "keytool",
            &[
                "-importkeystore",
                "-srckeystore",
                "key.kdb",
                "-srcstoretype",
                storetype,
                "-destkeystore",
                "key.p12",
                "-deststoretype",
                "pkcs12",
                "-srcstorepass",
                PW,
                "-deststorepass",
                PW,
                "-noprompt",
            ],
        );
        let out = KDBMAN.output_in(
            dir.path(),
            &["cert", "list", "--db", "key.p12", "--pw-env", "PW"],
        );
        assert!(out.status.success(), "{}", text(&out));
        assert!(text(&out).contains("CN=web.example"), "{}", text(&out));
    }
}

#[test]
fn pem_empty_and_unknown_bytes_are_named() {
    let dir = tempfile::tempdir().unwrap();
    if openssl_cert(dir.path()) {
        let mut pem = std::fs::read(dir.path().join("c.pem")).unwrap();
        pem.extend(std::fs::read(dir.path().join("k.pem")).unwrap());
        std::fs::write(dir.path().join("key.kdb"), &pem).unwrap();
        assert_named(
            dir.path(),
            "not a key database: it looks like a PEM file holding a certificate and a private key",
        );
        std::fs::copy(dir.path().join("c.pem"), dir.path().join("key.kdb")).unwrap();
        assert_named(
            dir.path(),
            "not a key database: it looks like a PEM file holding a certificate",
        );
    }

    let (dir, _) = kdb_with(b"");
    assert_named(
        dir.path(),
        "key.kdb is not a key database: it is empty (0 bytes)",
    );

    let bytes = random_bytes();
    let (dir, _) = kdb_with(&bytes);
    let head: Vec<String> = bytes[..8].iter().map(|b| format!("{b:02x}")).collect();
    assert_named(
        dir.path(),
        &format!(
            "not a key database: it is binary data in no format kdbman recognises (it begins {})",
            head.join(" ")
        ),
    );
}

#[test]
fn cms_files_are_named_cms_with_their_version_never_kdbman() {
    // v3: this kdbman may read it (then it opens) or not (then it says
    // so), but it is never "a kdbman store of format version 3".
    let (dir, _) = kdb_with(&hex(CMS_V3_KDB));
    let out = Command::new(cargo_bin("kdbman"))
        .current_dir(dir.path())
        .env("PW", "123")
        .args(["cert", "list", "--db", "key.kdb", "--pw-env", "PW"])
        .output()
        .unwrap();
    let all = text(&out);
    assert!(!all.contains(NATIVE_VERSION_TEXT), "{all}");
    assert!(
        out.status.success() || all.contains("key.kdb is an IBM CMS v3 key database"),
        "{all}"
    );

    // A version byte no IBM tool writes, on a header that fits no layout:
    // a CMS file of an unknown version (exit 4), not a kdbman store.
    let mut v9 = hex(CMS_V3_KDB);
    v9[2] = 9;
    v9.extend_from_slice(&[0; 21]);
    let (dir, _) = kdb_with(&v9);
    let (code, line) = list_error(dir.path());
    assert_eq!(code, Some(NOT_A_STORE), "{line}");
    assert!(
        line.contains("key.kdb is an IBM CMS v9 key database, a version this kdbman cannot read"),
        "{line}"
    );
    // It is a store all the same: --force deletes it.
    let out = KDBMAN.output_in(
        dir.path(),
        &["keydb", "delete", "--db", "key.kdb", "--force"],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(!dir.path().join("key.kdb").exists());
}

#[test]
fn a_companion_of_an_unknown_version_is_never_called_a_kdbman_store() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = KDBMAN.output_in(
        d,
        &[
            "keydb", "create", "--db", "key.kdb", "--pw-env", "PW", "--type", "cms",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    // An .rdb whose version byte no IBM tool writes.
    let mut rdb = hex(CMS_V3_KDB);
    rdb[2] = 9;
    rdb[3] = 1;
    rdb[8..16].copy_from_slice(b"X509KYP\0");
    rdb.extend_from_slice(&[0; 21]);
    std::fs::write(d.join("key.rdb"), &rdb).unwrap();
    let out = KDBMAN.output_in(d, &["cert", "list", "--db", "key.kdb", "--pw-env", "PW"]);
    let all = text(&out);
    assert!(!all.contains(NATIVE_VERSION_TEXT), "{all}");
    // Whether a bad companion stops a read is another item of the issue;
    // if it does, the companion is named as CMS.
    assert!(
        out.status.success() || all.contains("key.rdb is an IBM CMS v9 request database"),
        "{all}"
    );
}

#[test]
fn only_a_native_file_is_a_kdbman_store_of_a_format_version() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = KDBMAN.output_in(
        d,
        &[
            "keydb",
            "create",
            "--db",
            "key.kdb",
            "--pw-env",
            "PW",
            "--type",
            "kdbman",
            "--kdf-floor",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    // The next format version, with a valid header checksum.
    let mut b = std::fs::read(d.join("key.kdb")).unwrap();
    b[8..10].copy_from_slice(&2u16.to_be_bytes());
    let body = u32::from_be_bytes(b[10..14].try_into().unwrap()) as usize;
    let sum = ring::digest::digest(&ring::digest::SHA256, &b[..14 + body]);
    b[14 + body..14 + body + 32].copy_from_slice(sum.as_ref());
    std::fs::write(d.join("key.kdb"), &b).unwrap();
    let out = KDBMAN.output_in(d, &["cert", "list", "--db", "key.kdb", "--pw-env", "PW"]);
    assert_eq!(out.status.code(), Some(NOT_A_STORE), "{}", text(&out));
    assert!(
        text(&out).contains(
            "key.kdb is a kdbman store of format version 2, which this kdbman (format 1) cannot read"
        ),
        "{}",
        text(&out)
    );
}

/// A server's readiness line: the port it listens on.
fn serve_port(child: &mut std::process::Child) -> Option<u16> {
    let out = child.stdout.take()?;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let line = rx
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .ok()?;
        if let Some(rest) = line.strip_prefix("listening on https://127.0.0.1:") {
            let port: String = rest.chars().take_while(char::is_ascii_digit).collect();
            return port.parse().ok();
        }
    }
}

#[test]
fn a_pkcs12_named_kdb_with_its_gskit_stash_works_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    if !openssl_cert(d) {
        return;
    }
    let fleet = d.join("mq");
    std::fs::create_dir(&fleet).unwrap();
    common::tool(
        d,
        "openssl",
        &[
            "pkcs12",
            "-export",
            "-in",
            "c.pem",
            "-inkey",
            "k.pem",
            "-name",
            "web",
            "-out",
            "mq/clientkey.kdb",
            "-passout",
            &format!("pass:{PW}"),
        ],
    );
    let out = KDBMAN.output_in(
        &fleet,
        &[
            "keydb",
            "stashpw",
            "--db",
            "clientkey.kdb",
            "--pw-env",
            "PW",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let stash = std::fs::read(fleet.join("clientkey.sth")).unwrap();
    assert_eq!(
        stash.len(),
        193,
        "a GSKit v2 stash, as runmqakm -stash writes"
    );

    // cert list --stashed
    let out = KDBMAN.output_in(
        &fleet,
        &["cert", "list", "--db", "clientkey.kdb", "--stashed"],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("web"), "{}", text(&out));

    // lint, one store and a directory (found by content, not by name)
    for args in [
        &[
            "lint",
            "--db",
            "clientkey.kdb",
            "--stashed",
            "--label",
            "web",
        ][..],
        &["lint", "--dir", ".", "--stashed", "--label", "web"][..],
    ] {
        let out = KDBMAN.output_in(&fleet, args);
        let lint = text(&out);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {lint}");
        assert!(lint.contains("clientkey.kdb"), "{lint}");
        assert!(!lint.contains("SSL02"), "{args:?}: {lint}");
        assert!(!lint.contains("CMS"), "{args:?}: {lint}");
    }
    let out = KDBMAN.output_in(
        &fleet,
        &[
            "lint",
            "--dir",
            ".",
            "--stashed",
            "--label",
            "web",
            "--format",
            "json",
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["summary"]["stores"], 1, "{v}");
    assert_eq!(v["stores"][0]["format"], "pkcs12", "{v}");

    // gsk8capicmd -cert -list -stashed
    let out = gsk(
        &fleet,
        &["-cert", "-list", "-db", "clientkey.kdb", "-stashed"],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("\tweb"), "{}", text(&out));

    // serve --stashed: the certificate is presented in a handshake
    let mut child = Command::new(cargo_bin("kdbman"))
        .current_dir(&fleet)
        .args([
            "serve",
            "--db",
            "clientkey.kdb",
            "--stashed",
            "--label",
            "web",
            "--listen",
            "127.0.0.1:0",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let port = serve_port(&mut child);
    let handshake = port.map(|port| {
        Command::new("openssl")
            .args([
                "s_client",
                "-connect",
                &format!("127.0.0.1:{port}"),
                "-CAfile",
                d.join("c.pem").to_str().unwrap(),
                "-verify_return_error",
            ])
            .stdin(Stdio::null())
            .output()
            .unwrap()
    });
    let _ = child.kill();
    let _ = child.wait();
    let handshake = handshake.expect("serve printed its readiness line");
    let s = text(&handshake);
    assert!(
        s.contains("CN=web.example") || s.contains("CN = web.example"),
        "{s}"
    );
    assert!(s.contains("Verify return code: 0 (ok)"), "{s}");
}
