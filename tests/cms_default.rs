//! The default mark of a CMS key database (issue 19, deliverable 6 and
//! acceptance 5): flag bit 1 of a record, read as the default on evidence
//! from IBM-made files (`kdbman-cms(5)`). Every change is checked on the
//! bytes: the test walks the slots itself (header, slots of the header's
//! slot size, the flags as the last BIT STRING of each record's DER), so
//! it does not trust kdbman's own reader to judge kdbman's writer.

mod common;
use common::Kdbman;

const KDBMAN: Kdbman = Kdbman::new(&[("KPW", PW)]).stdin_null();
use common::kdbman_bin;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use kdbman::store::cms::Version;
use kdbman::store::{DefaultState, several_marked};
use kdbman::{Access, CreateOptions, Entry, Password, Store, StoreFormat};
use serde_json::Value;
use tempfile::TempDir;

const PW: &str = "Default-Mark-2026";
/// GSKit's flags for every record: bit 0 only.
const PLAIN: [u8; 2] = [0x07, 0x80];
/// The flags of the default record: bits 0 and 1 (MQ's Java tooling).
const MARKED: [u8; 2] = [0x06, 0xC0];

// ---- the slots, read without kdbman ----

fn be32(b: &[u8]) -> usize {
    u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize
}

/// One DER element: (tag, contents, the bytes after it).
fn tlv(b: &[u8]) -> (u8, &[u8], &[u8]) {
    let tag = b[0];
    let (len, at) = match b[1] {
        n if n < 0x80 => (usize::from(n), 2),
        n => {
            let k = usize::from(n & 0x7f);
            let len = b[2..2 + k]
                .iter()
                .fold(0usize, |a, &x| (a << 8) | usize::from(x));
            (len, 2 + k)
        }
    };
    (tag, &b[at..at + len], &b[at + len..])
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Slot {
    label: String,
    /// The BIT STRING contents: unused-bits count, then the bits.
    flags: Vec<u8>,
    bytes: Vec<u8>,
}

/// The records of a CMS file: header by version (0x90 for v6, 0x58 for
/// v4), then N slots of the header's slot size.
fn slots(path: &Path) -> Vec<Slot> {
    let b = std::fs::read(path).unwrap();
    assert_eq!(&b[..2], &[0x37, 0x48], "{} is not CMS", path.display());
    let header = match b[2] {
        6 => 0x30 + 2 * 48,
        4 => 0x30 + 2 * 20,
        v => panic!("CMS version {v}"),
    };
    let (size, n) = (be32(&b[0x10..]), be32(&b[0x14..]));
    assert_eq!(b.len(), header + n * size, "{}", path.display());
    (0..n)
        .map(|i| {
            let s = &b[header + i * size..header + (i + 1) * size];
            let der = &s[12..12 + be32(&s[8..])];
            let (tag, mut rest, _) = tlv(der);
            assert_eq!(tag, 0x30);
            let (mut label, mut flags) = (None, None);
            while !rest.is_empty() {
                let (tag, value, next) = tlv(rest);
                match tag {
                    0x1A => label = Some(String::from_utf8(value.to_vec()).unwrap()),
                    0x03 => flags = Some(value.to_vec()),
                    _ => {}
                }
                rest = next;
            }
            Slot {
                label: label.unwrap(),
                flags: flags.unwrap(),
                bytes: s.to_vec(),
            }
        })
        .collect()
}

fn slot<'a>(slots: &'a [Slot], label: &str) -> &'a Slot {
    slots
        .iter()
        .find(|s| s.label == label)
        .unwrap_or_else(|| panic!("no record `{label}` in {slots:?}"))
}

/// The file says `label` is the one default, and every view agrees:
/// the bytes, `cert list --json`, `cert getdefault`, and the gsk8capicmd
/// front end's `-cert -getdefault` and `*` marker.
fn assert_default(dir: &Path, db: &str, label: &str) {
    let records = slots(&dir.join(db));
    for s in &records {
        let want = if s.label == label { MARKED } else { PLAIN };
        assert_eq!(
            s.flags, want,
            "flags of `{}` with `{label}` the default",
            s.label
        );
    }
    let list = KDBMAN.json_in(
        dir,
        &["cert", "list", "--db", db, "--pw-env", "KPW", "--json"],
    );
    assert!(
        list["default_note"]
            .as_str()
            .is_some_and(|n| n.contains("flag bit 1") && n.contains("IBM-made files")),
        "{list}"
    );
    let entries = list["entries"].as_array().unwrap();
    assert_eq!(entries.len(), records.len());
    for e in entries {
        assert_eq!(e["default"], e["label"] == label, "{e}");
    }
    let got = KDBMAN.stdout_in(dir, &["cert", "getdefault", "--db", db, "--pw-env", "KPW"]);
    assert_eq!(got.trim_end(), label);
    let d = KDBMAN.json_in(
        dir,
        &[
            "cert", "details", "--db", db, "--pw-env", "KPW", "--label", label, "--json",
        ],
    );
    assert_eq!(d["default"], true);
    let gsk = KDBMAN.stdout_in(dir, &["-cert", "-getdefault", "-db", db, "-pw", PW]);
    assert!(gsk.starts_with(&format!("Label : {label}\n")), "{gsk}");
    let list = KDBMAN.stdout_in(dir, &["-cert", "-list", "-db", db, "-pw", PW]);
    assert_eq!(list.matches('*').count(), 2, "{list}"); // the legend's and one
    assert!(list.contains(&format!("\n*-\t{label}\n")), "{list}");
}

/// Records other than `changed` are byte for byte as they were.
fn assert_others_unchanged(before: &[Slot], after: &[Slot], changed: &[&str]) {
    assert_eq!(before.len(), after.len());
    for b in before {
        if changed.contains(&b.label.as_str()) {
            continue;
        }
        assert_eq!(
            slot(after, &b.label).bytes,
            b.bytes,
            "record `{}` changed",
            b.label
        );
    }
}

/// A CA in `ca.kdb` and a store `a.kdb` with two personal certificates
/// and the CA as a signer; no record is marked.
fn setup(d: &Path) {
    KDBMAN.stdout_in(d, &["keydb", "create", "--db", "ca.kdb", "--pw-env", "KPW"]);
    KDBMAN.stdout_in(
        d,
        &[
            "cert",
            "create",
            "--db",
            "ca.kdb",
            "--pw-env",
            "KPW",
            "--label",
            "ca",
            "--dn",
            "CN=Mark CA",
            "--key",
            "ec:p256",
            "--ca",
        ],
    );
    KDBMAN.stdout_in(
        d,
        &[
            "cert", "extract", "--db", "ca.kdb", "--pw-env", "KPW", "--label", "ca", "--target",
            "ca.pem",
        ],
    );
    KDBMAN.stdout_in(d, &["keydb", "create", "--db", "a.kdb", "--pw-env", "KPW"]);
    for (label, san) in [("one", "dns:one.example"), ("two", "dns:two.example")] {
        KDBMAN.stdout_in(
            d,
            &[
                "cert",
                "create",
                "--db",
                "a.kdb",
                "--pw-env",
                "KPW",
                "--label",
                label,
                "--dn",
                &format!("CN={label}"),
                "--key",
                "ec:p256",
                "--san",
                san,
            ],
        );
    }
    KDBMAN.stdout_in(
        d,
        &[
            "cert", "add", "--db", "a.kdb", "--pw-env", "KPW", "--label", "signer", "--file",
            "ca.pem",
        ],
    );
}

#[test]
fn setdefault_marks_one_record_and_clears_the_others() {
    let t = TempDir::new().unwrap();
    let d = t.path();
    setup(d);
    // Nothing marked: every record has GSKit's flags; no view claims a default.
    let start = slots(&d.join("a.kdb"));
    assert!(start.iter().all(|s| s.flags == PLAIN), "{start:?}");
    let list = KDBMAN.json_in(
        d,
        &["cert", "list", "--db", "a.kdb", "--pw-env", "KPW", "--json"],
    );
    assert!(
        list["entries"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["default"] == false)
    );
    let out = KDBMAN.output_in(
        d,
        &["cert", "getdefault", "--db", "a.kdb", "--pw-env", "KPW"],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("flag bit 1"), "{err}");
    assert!(
        err.contains("setdefault"),
        "the fix names setdefault: {err}"
    );
    let out = KDBMAN.output_in(d, &["-cert", "-getdefault", "-db", "a.kdb", "-pw", PW]);
    assert!(!out.status.success());

    // kdbman's own command; it says what the mark rests on.
    let said = KDBMAN.stdout_in(
        d,
        &[
            "cert",
            "setdefault",
            "--db",
            "a.kdb",
            "--pw-env",
            "KPW",
            "--label",
            "one",
        ],
    );
    assert!(
        said.contains("`one` is now the default") && said.contains("IBM-made files"),
        "{said}"
    );
    assert_default(d, "a.kdb", "one");
    assert_others_unchanged(&start, &slots(&d.join("a.kdb")), &["one"]);

    // gsk8capicmd's: the mark moves, and only the two records change.
    let before = slots(&d.join("a.kdb"));
    let out = KDBMAN.stdout_in(
        d,
        &[
            "-cert",
            "-setdefault",
            "-db",
            "a.kdb",
            "-pw",
            PW,
            "-label",
            "two",
        ],
    );
    assert!(out.is_empty(), "gsk writes are silent: {out}");
    assert_default(d, "a.kdb", "two");
    assert_others_unchanged(&before, &slots(&d.join("a.kdb")), &["one", "two"]);
    // The old default's record is back to exactly what it was.
    assert_eq!(
        slot(&slots(&d.join("a.kdb")), "one").bytes,
        slot(&start, "one").bytes
    );

    // A signer is not a default.
    let out = KDBMAN.output_in(
        d,
        &[
            "cert",
            "setdefault",
            "--db",
            "a.kdb",
            "--pw-env",
            "KPW",
            "--label",
            "signer",
        ],
    );
    assert!(!out.status.success());
    assert_default(d, "a.kdb", "two");
}

#[test]
fn default_on_create_import_and_receive() {
    let t = TempDir::new().unwrap();
    let d = t.path();
    setup(d);
    KDBMAN.stdout_in(
        d,
        &[
            "cert",
            "create",
            "--db",
            "a.kdb",
            "--pw-env",
            "KPW",
            "--label",
            "three",
            "--dn",
            "CN=three",
            "--key",
            "ec:p256",
            "--default",
        ],
    );
    assert_default(d, "a.kdb", "three");

    // The lines admins' scripts use (today they made the command fail).
    KDBMAN.stdout_in(
        d,
        &[
            "-cert",
            "-create",
            "-db",
            "a.kdb",
            "-pw",
            PW,
            "-label",
            "four",
            "-dn",
            "CN=four",
            "-default_cert",
            "yes",
        ],
    );
    assert_default(d, "a.kdb", "four");
    // -default_cert no leaves the mark where it is.
    KDBMAN.stdout_in(
        d,
        &[
            "-cert",
            "-create",
            "-db",
            "a.kdb",
            "-pw",
            PW,
            "-label",
            "five",
            "-dn",
            "CN=five",
            "-default_cert",
            "no",
        ],
    );
    assert_default(d, "a.kdb", "four");

    KDBMAN.stdout_in(
        d,
        &[
            "-certreq", "-create", "-db", "a.kdb", "-pw", PW, "-label", "req", "-dn", "CN=req",
            "-file", "req.arm",
        ],
    );
    KDBMAN.stdout_in(
        d,
        &[
            "-cert", "-sign", "-db", "ca.kdb", "-pw", PW, "-label", "ca", "-file", "req.arm",
            "-target", "req.crt",
        ],
    );
    KDBMAN.stdout_in(
        d,
        &[
            "-cert",
            "-receive",
            "-db",
            "a.kdb",
            "-pw",
            PW,
            "-file",
            "req.crt",
            "-default_cert",
            "yes",
        ],
    );
    assert_default(d, "a.kdb", "req");

    KDBMAN.stdout_in(
        d,
        &[
            "cert", "create", "--db", "ca.kdb", "--pw-env", "KPW", "--label", "imp", "--dn",
            "CN=imp", "--key", "ec:p256",
        ],
    );
    KDBMAN.stdout_in(
        d,
        &[
            "-cert",
            "-export",
            "-db",
            "ca.kdb",
            "-pw",
            PW,
            "-label",
            "imp",
            "-target",
            "imp.p12",
            "-target_pw",
            PW,
            "-target_type",
            "pkcs12",
        ],
    );
    KDBMAN.stdout_in(
        d,
        &[
            "-cert",
            "-import",
            "-file",
            "imp.p12",
            "-pw",
            PW,
            "-target",
            "a.kdb",
            "-target_pw",
            PW,
            "-default_cert",
            "yes",
        ],
    );
    assert_default(d, "a.kdb", "imp");
}

#[test]
fn lint_uses_the_marked_certificate_and_keeps_its_caution_without_one() {
    let t = TempDir::new().unwrap();
    let d = t.path();
    setup(d);
    // `bare` has no SAN: KDB0003W shows which certificate lint judges.
    KDBMAN.stdout_in(
        d,
        &[
            "cert", "create", "--db", "a.kdb", "--pw-env", "KPW", "--label", "bare", "--dn",
            "CN=bare", "--key", "ec:p256",
        ],
    );
    let lint = || {
        KDBMAN.json_in(
            d,
            &[
                "lint", "--db", "a.kdb", "--pw-env", "KPW", "--format", "json",
            ],
        )
    };
    let codes = |v: &Value| -> Vec<(String, Value)> {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| (f["code"].as_str().unwrap().to_string(), f["label"].clone()))
            .collect()
    };
    let v = lint();
    let c = codes(&v);
    assert!(c.iter().all(|(code, _)| code != "SSL0223E"), "{v}");
    let msg = message_of(&v, "KDB0009W");
    assert!(
        msg.contains("has no default")
            && msg.contains("GSKit keeps it where kdbman cannot read it"),
        "both possibilities are named: {msg}"
    );
    // Issue 20: no certificate passes unchecked, so each personal one is
    // checked as if it were in use (`bare` has no SANs).
    assert!(
        c.iter().any(|(code, l)| code == "KDB0003W" && l == "bare"),
        "{v}"
    );
    assert!(msg.contains("checked as if it were in use"), "{msg}");

    KDBMAN.stdout_in(
        d,
        &[
            "cert",
            "setdefault",
            "--db",
            "a.kdb",
            "--pw-env",
            "KPW",
            "--label",
            "bare",
        ],
    );
    let v = lint();
    let c = codes(&v);
    assert!(
        c.iter()
            .all(|(code, _)| code != "KDB0009W" && code != "SSL0223E"),
        "{v}"
    );
    assert!(
        c.iter().any(|(code, l)| code == "KDB0003W" && l == "bare"),
        "the marked certificate is the one in use: {v}"
    );
    // --label still wins over the mark.
    let v = KDBMAN.json_in(
        d,
        &[
            "lint", "--db", "a.kdb", "--pw-env", "KPW", "--format", "json", "--label", "one",
        ],
    );
    assert!(codes(&v).iter().all(|(code, _)| code != "KDB0003W"), "{v}");
}

#[test]
fn several_marked_records_are_no_default_until_one_is_chosen() {
    let t = TempDir::new().unwrap();
    let d = t.path();
    let db = d.join("m.kdb");
    let pw = Password::new(PW);
    let opts = CreateOptions {
        format: StoreFormat::Cms(Version::V6),
        ..CreateOptions::default()
    };
    let mut store = Store::create(&db, &pw, &opts).unwrap();
    for label in ["a", "b"] {
        let key = kdbman::pki::keygen::generate(kdbman::pki::KeyType::EcP256).unwrap();
        let cert = kdbman::pki::CertSpec::new(format!("CN={label}"), 30)
            .self_signed(&key)
            .unwrap();
        // As KdbTool writes them: every personal record marked.
        store.add_unchecked(Entry::personal(label, vec![cert], key).with_default_flag(true));
    }
    store.save().unwrap();
    drop(store);
    assert!(slots(&db).iter().all(|s| s.flags == MARKED));

    let store = Store::open(&db, &pw, Access::Read).unwrap();
    assert_eq!(
        store.default_state(),
        DefaultState::SeveralMarked(vec!["a", "b"])
    );
    assert!(store.default_entry().is_none() && !store.default_known());
    drop(store);
    let list = KDBMAN.json_in(
        d,
        &["cert", "list", "--db", "m.kdb", "--pw-env", "KPW", "--json"],
    );
    assert!(
        list["entries"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["default"] == true)
    );
    let out = KDBMAN.output_in(
        d,
        &["cert", "getdefault", "--db", "m.kdb", "--pw-env", "KPW"],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{err}");
    assert!(err.contains(&several_marked(&["a", "b"])), "{err}");
    let v = KDBMAN.json_in(
        d,
        &[
            "lint", "--db", "m.kdb", "--pw-env", "KPW", "--format", "json",
        ],
    );
    assert!(
        v.to_string().contains("KDB0009W") && !v.to_string().contains("SSL0223E"),
        "{v}"
    );

    KDBMAN.stdout_in(
        d,
        &[
            "cert",
            "setdefault",
            "--db",
            "m.kdb",
            "--pw-env",
            "KPW",
            "--label",
            "b",
        ],
    );
    assert_default(d, "m.kdb", "b");
}

#[test]
fn pkcs12_says_null_never_false() {
    let t = TempDir::new().unwrap();
    let d = t.path();
    KDBMAN.stdout_in(
        d,
        &[
            "keydb", "create", "--db", "s.p12", "--pw-env", "KPW", "--type", "pkcs12",
        ],
    );
    KDBMAN.stdout_in(
        d,
        &[
            "cert", "create", "--db", "s.p12", "--pw-env", "KPW", "--label", "web", "--dn",
            "CN=web", "--key", "ec:p256",
        ],
    );
    let list = KDBMAN.json_in(
        d,
        &["cert", "list", "--db", "s.p12", "--pw-env", "KPW", "--json"],
    );
    assert_eq!(list["entries"][0]["default"], Value::Null, "{list}");
    assert!(list.get("default_note").is_none(), "{list}");
    let det = KDBMAN.json_in(
        d,
        &[
            "cert", "details", "--db", "s.p12", "--pw-env", "KPW", "--label", "web", "--json",
        ],
    );
    assert_eq!(det["default"], Value::Null, "{det}");
    let out = KDBMAN.output_in(
        d,
        &[
            "cert",
            "setdefault",
            "--db",
            "s.p12",
            "--pw-env",
            "KPW",
            "--label",
            "web",
        ],
    );
    assert!(!out.status.success());
    // A native store has a documented default: true or false, no note.
    KDBMAN.stdout_in(
        d,
        &[
            "keydb", "create", "--db", "n.kdbx", "--pw-env", "KPW", "--type", "kdbman",
        ],
    );
    KDBMAN.stdout_in(
        d,
        &[
            "cert", "create", "--db", "n.kdbx", "--pw-env", "KPW", "--label", "web", "--dn",
            "CN=web", "--key", "ec:p256",
        ],
    );
    let list = KDBMAN.json_in(
        d,
        &[
            "cert", "list", "--db", "n.kdbx", "--pw-env", "KPW", "--json",
        ],
    );
    assert_eq!(list["entries"][0]["default"], false, "{list}");
    assert!(list.get("default_note").is_none(), "{list}");
}

/// `../shared/gskit`, or None (and a note) outside CI when it is missing.
fn gskit() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/gskit");
    if dir.join("mixed.kdb").exists() {
        return Some(dir);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
        panic!("../shared/gskit is required under CI");
    }
    common::skipped("../shared/gskit (GSKit-made fixtures) is not beside this clone");
    None
}

#[test]
fn a_gskit_store_rewritten_by_kdbman_keeps_every_record_s_flags() {
    use std::os::unix::fs::PermissionsExt;
    let Some(g) = gskit() else { return };
    let t = TempDir::new().unwrap();
    let d = t.path();
    for f in ["mixed.kdb", "mixed.sth"] {
        std::fs::copy(g.join(f), d.join(f)).unwrap();
        std::fs::set_permissions(d.join(f), std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let run_g = |args: &[&str]| {
        let out = Command::new(kdbman_bin())
            .args(args)
            .current_dir(d)
            .env("GPW", "password")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let original = slots(&d.join("mixed.kdb"));
    let labels: Vec<&str> = original.iter().map(|s| s.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "rsa-keypair",
            "ec-keypair",
            "trusted-root-ca",
            "trusted-intermediate-ca"
        ]
    );
    // What GSKit wrote (shared/gskit/README.md): `07 80` everywhere.
    assert!(original.iter().all(|s| s.flags == PLAIN), "{original:?}");

    // A rename rewrites the file: every record keeps its flags, and the
    // records not renamed keep every byte.
    run_g(&[
        "cert",
        "rename",
        "--db",
        "mixed.kdb",
        "--pw-env",
        "GPW",
        "--label",
        "rsa-keypair",
        "--new-label",
        "rsa-renamed",
    ]);
    let renamed = slots(&d.join("mixed.kdb"));
    assert_eq!(renamed[0].label, "rsa-renamed");
    for (a, b) in original.iter().zip(&renamed) {
        assert_eq!(a.flags, b.flags, "flags of `{}`", a.label);
    }
    assert_others_unchanged(&original, &renamed, &["rsa-keypair"]);

    // setdefault changes one record's flags and nothing else.
    run_g(&[
        "cert",
        "setdefault",
        "--db",
        "mixed.kdb",
        "--stashed",
        "--label",
        "ec-keypair",
    ]);
    let marked = slots(&d.join("mixed.kdb"));
    assert_eq!(slot(&marked, "ec-keypair").flags, MARKED);
    let mut ec_before = slot(&renamed, "ec-keypair").bytes.clone();
    let ec_after = &slot(&marked, "ec-keypair").bytes;
    let at = ec_before
        .windows(4)
        .rposition(|w| w == [0x03, 0x02, 0x07, 0x80])
        .unwrap();
    ec_before[at + 2..at + 4].copy_from_slice(&MARKED);
    assert_eq!(
        &ec_before, ec_after,
        "only the flag bytes of `ec-keypair` changed"
    );
    assert_others_unchanged(&renamed, &marked, &["ec-keypair"]);
    let got = run_g(&["cert", "getdefault", "--db", "mixed.kdb", "--stashed"]);
    assert_eq!(got.trim_end(), "ec-keypair");
    let list: Value = serde_json::from_str(&run_g(&[
        "cert",
        "list",
        "--db",
        "mixed.kdb",
        "--stashed",
        "--json",
    ]))
    .unwrap();
    for e in list["entries"].as_array().unwrap() {
        assert_eq!(e["default"], e["label"] == "ec-keypair", "{e}");
    }
    let gsk = run_g(&["-cert", "-list", "-db", "mixed.kdb", "-stashed"]);
    assert!(gsk.contains("\n*-\tec-keypair\n"), "{gsk}");
}

#[test]
fn serve_without_a_label_presents_the_marked_certificate() {
    use std::io::{BufRead, BufReader};
    let t = TempDir::new().unwrap();
    let d = t.path();
    setup(d);
    let args = [
        "serve",
        "--db",
        "a.kdb",
        "--pw-env",
        "KPW",
        "--listen",
        "127.0.0.1:0",
    ];
    // No mark: refused, with both possibilities and the ways out (a
    // server that starts anyway is killed and fails the test).
    let mut child = Command::new(kdbman_bin())
        .args(args)
        .current_dir(d)
        .env("KPW", PW)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("serve started without a default");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("cannot tell which certificate is its default")
            && err.contains("--label")
            && err.contains("setdefault"),
        "{err}"
    );

    KDBMAN.stdout_in(
        d,
        &[
            "cert",
            "setdefault",
            "--db",
            "a.kdb",
            "--pw-env",
            "KPW",
            "--label",
            "two",
        ],
    );
    let mut child = Command::new(kdbman_bin())
        .args(args)
        .current_dir(d)
        .env("KPW", PW)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let line = BufReader::new(child.stdout.take().unwrap())
        .lines()
        .map_while(Result::ok)
        .find(|l| l.starts_with("listening on "));
    let _ = child.kill();
    let _ = child.wait();
    let line = line.expect("serve printed no listening line");
    assert!(line.ends_with("(serving `two`)"), "{line}");
}

/// KDB0009W names the personal certificates it checked as if in use, but
/// not all 10,000 of a large store: the first eight, and how many more.
#[test]
fn an_undetermined_default_names_eight_labels_and_counts_the_rest() {
    use kdbman::pki::{CertSpec, KeyType, keygen};
    let t = TempDir::new().unwrap();
    let path = t.path().join("many.kdb");
    let pw = Password::new(PW);
    let mut store = Store::create(&path, &pw, &CreateOptions::default()).unwrap();
    for i in 0..11 {
        let key = keygen::generate(KeyType::EcP256).unwrap();
        let cert = CertSpec::new(format!("CN=host{i}"), 30)
            .self_signed(&key)
            .unwrap();
        store
            .add(Entry::personal(format!("host{i}"), vec![cert], key))
            .unwrap();
    }
    store.save().unwrap();
    drop(store);
    let v = KDBMAN.json_in(
        t.path(),
        &[
            "lint", "--db", "many.kdb", "--pw-env", "KPW", "--format", "json",
        ],
    );
    let msg = message_of(&v, "KDB0009W");
    assert!(msg.ends_with("`host6`, `host7` and 3 more"), "{msg}");
    assert!(!msg.contains("`host8`"), "{msg}");
    // Every one of them was still checked as if in use (none has a SAN).
    let no_san = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "KDB0003W")
        .count();
    assert_eq!(no_san, 11, "{v}");
}

/// The message of lint's finding `code` in its JSON report.
fn message_of<'a>(v: &'a Value, code: &str) -> &'a str {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == code)
        .and_then(|f| f["message"].as_str())
        .unwrap_or_else(|| panic!("no {code}: {v}"))
}
