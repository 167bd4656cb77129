//! The operations layer (`kdbman::ops`) used as a library, the way both
//! command lines use it: typed requests in, results or typed errors out,
//! nothing printed, what is noticed while a store opens handed to the
//! caller.

use std::cell::RefCell;
use std::path::{Path, PathBuf};

use kdbman::ops::{self, Notice, StoreAt, StoreKey};
use kdbman::pki::{CertSpec, KeyType};
use kdbman::store::cms::Version;
use kdbman::{CreateOptions, EntryKind, Error, Kdf, Password, Store, StoreFormat};

fn create_cms(db: &Path, pw: &str, stash: bool) {
    ops::keydb::create(ops::keydb::CreateRequest {
        db,
        password: &Password::new(pw),
        options: CreateOptions {
            format: StoreFormat::Cms(Version::V6),
            kdf: Kdf::DEFAULT,
            password_expires: None,
        },
        stash: stash.then_some(ops::keydb::StashRequest {
            path: None,
            version: ops::keydb::StashVersion::V2,
        }),
    })
    .unwrap();
}

fn key_type(s: &str) -> KeyType {
    s.parse().unwrap()
}

#[test]
fn a_request_signed_received_validated_converted_and_deleted_through_ops() {
    let dir = tempfile::tempdir().unwrap();
    let ca_db = dir.path().join("ca.kdb");
    let web_db = dir.path().join("web.kdb");
    create_cms(&ca_db, "Passw0rd-ca", true);
    create_cms(&web_db, "Passw0rd-web", false);
    assert!(dir.path().join("ca.sth").exists(), "the stash was written");

    // Every open is told to the caller, in order.
    let heard: RefCell<Vec<String>> = RefCell::new(Vec::new());
    let notice = |n: Notice<'_>| {
        heard.borrow_mut().push(match n {
            Notice::StashRead(s) => format!("stash {}", s.path().display()),
            Notice::Opened(s) => format!("opened {}", s.path().display()),
            Notice::Note(n) => format!("note {n}"),
        })
    };
    let ca_key = StoreKey::stash_beside(&ca_db);
    let ca = StoreAt {
        db: &ca_db,
        key: &ca_key,
        notice: &notice,
    };
    let mut spec = CertSpec::new("CN=Ops Test CA,O=Example", 30);
    spec.is_ca = true;
    ops::cert::create(
        ca,
        ops::cert::CreateRequest {
            label: "ca".into(),
            spec,
            key: key_type("ec:p256"),
            default: false,
        },
    )
    .unwrap();
    assert_eq!(
        heard.borrow()[..2],
        [
            format!("stash {}", dir.path().join("ca.sth").display()),
            format!("opened {}", ca_db.display())
        ]
    );

    let web_key = StoreKey::Password(Password::new("Passw0rd-web"));
    let web = StoreAt {
        db: &web_db,
        key: &web_key,
        notice: &ops::quiet,
    };
    let csr_file = dir.path().join("web.csr");
    let mut spec = CertSpec::new("CN=web.example.com", 365);
    spec.sans = vec!["dns:web.example.com".parse().unwrap()];
    ops::certreq::create(
        web,
        ops::certreq::CreateRequest {
            label: "web".into(),
            spec,
            key: key_type("rsa:2048"),
            target: Some((&csr_file, false)),
        },
    )
    .unwrap();
    assert!(
        std::fs::read_to_string(&csr_file)
            .unwrap()
            .starts_with("-----BEGIN CERTIFICATE REQUEST-----")
    );

    let cert_file = dir.path().join("web.pem");
    let signed = ops::cert::sign(
        ca,
        ops::cert::SignRequest {
            label: "ca",
            file: &csr_file,
            target: &cert_file,
            days: 30,
            sans: Vec::new(),
            ca: false,
            encoding: ops::Encoding::Pem,
            chain: true,
            force: false,
            hash: None,
            policy: kdbman::pki::policy::Policy::Default,
        },
    )
    .unwrap();
    assert_eq!(signed.ca, "ca");
    assert!(
        signed.subject.contains("web.example.com"),
        "{}",
        signed.subject
    );

    let certs = kdbman::pki::pem::read_certificates(&cert_file).unwrap();
    assert_eq!(certs.len(), 2, "the certificate and the CA's");
    let received = ops::cert::receive(web, &certs, &cert_file, true).unwrap();
    assert_eq!(received.label, "web");
    assert_eq!(received.added_signers.len(), 1, "the CA came with it");

    let valid = ops::cert::validate(
        web,
        "WEB",
        kdbman::clock::now(),
        kdbman::pki::validate::Purpose::ServerAuth,
    )
    .unwrap();
    assert_eq!(valid.label, "web", "the label as stored");
    assert_eq!(valid.chain.len(), 2);

    // A personal certificate cannot be distrusted: said, nothing changed.
    match ops::cert::set_trust(web, "web", false).unwrap() {
        ops::cert::TrustChange::Personal { label } => assert_eq!(label, "web"),
        ops::cert::TrustChange::Done => panic!("a personal certificate was distrusted"),
    }

    // Convert to PKCS#12: the default cannot be kept, and that is a note.
    let p12 = dir.path().join("web.p12");
    let pw = || Ok(Password::new("Exp0rt-pw"));
    let done = ops::keydb::convert(
        web,
        ops::keydb::ConvertRequest {
            target: &p12,
            target_type: ops::keydb::StoreType::Pkcs12,
            target_password: &pw,
            kdf_floor: false,
            cms_version: None,
        },
    )
    .unwrap();
    assert_eq!(done.target_format, StoreFormat::Pkcs12);
    assert_eq!(done.entries, 2);
    assert!(
        done.notes
            .iter()
            .any(|n| n.contains("`web` was the default")),
        "{:?}",
        done.notes
    );
    let reopened = Store::open(&p12, &Password::new("Exp0rt-pw"), kdbman::Access::Read).unwrap();
    assert_eq!(
        reopened
            .entries()
            .iter()
            .filter(|e| e.kind() == EntryKind::Personal)
            .count(),
        1
    );

    // A missing label is a typed error naming the store.
    match ops::cert::delete(web, "nope") {
        Err(Error::LabelNotFound { store, label }) => {
            assert_eq!(store, web_db);
            assert_eq!(label, "nope");
        }
        Err(e) => panic!("wrong error: {e}"),
        Ok(_) => panic!("deleted a label that is not there"),
    }

    // Deleting the CA store takes its stash (and the .rdb) with it.
    let mut gone: Vec<PathBuf> = Vec::new();
    ops::keydb::delete(ops::keydb::DeleteCheck::Open(ca), &mut |p| {
        gone.push(p.to_path_buf())
    })
    .unwrap();
    assert_eq!(gone.first(), Some(&ca_db));
    assert!(gone.contains(&dir.path().join("ca.sth")), "{gone:?}");
    assert!(!ca_db.exists() && !dir.path().join("ca.sth").exists());
}

#[test]
fn a_wrong_password_fails_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.kdb");
    create_cms(&db, "Passw0rd-right", false);
    let before = std::fs::read(&db).unwrap();
    let key = StoreKey::Password(Password::new("wrong"));
    let at = StoreAt {
        db: &db,
        key: &key,
        notice: &ops::quiet,
    };
    let asked = std::cell::Cell::new(false);
    let r = ops::keydb::change_password(
        at,
        || {
            asked.set(true);
            Ok(Password::new("Passw0rd-new"))
        },
        None,
        None,
        None,
    );
    assert!(r.is_err(), "a wrong password changed the store");
    assert!(
        !asked.get(),
        "the new password was asked before the old one opened the store"
    );
    assert_eq!(std::fs::read(&db).unwrap(), before, "the store changed");
}

/// The read operations give data, not text: `cert list`'s rows with their
/// kind filter and expiry horizon, and `keydb details`' summary, with no
/// private key decrypted on the way.
#[test]
fn list_and_summary_are_data() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.kdb");
    create_cms(&db, "Passw0rd-read", true);
    let key = StoreKey::stash_beside(&db);
    let at = StoreAt {
        db: &db,
        key: &key,
        notice: &ops::quiet,
    };
    for (label, days, default) in [("soon", 10, true), ("later", 400, false)] {
        ops::cert::create(
            at,
            ops::cert::CreateRequest {
                label: label.into(),
                spec: CertSpec::new(format!("CN={label}.example"), days),
                key: key_type("ec:p256"),
                default,
            },
        )
        .unwrap();
    }
    let now = kdbman::clock::now();
    let before = kdbman::store::cms::keycrypt::key_decryptions();
    let all = ops::read::list_at(
        at,
        &ops::read::ListRequest {
            now,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        kdbman::store::cms::keycrypt::key_decryptions(),
        before,
        "listing decrypted a key"
    );
    assert_eq!(all.format, StoreFormat::Cms(Version::V6));
    assert!(
        all.default_note.is_some(),
        "a CMS default rests on evidence"
    );
    let labels: Vec<_> = all.entries.iter().map(|l| l.label.as_str()).collect();
    assert_eq!(labels, ["soon", "later"]);
    let soon = &all.entries[0];
    assert_eq!(soon.kind, EntryKind::Personal);
    assert_eq!(soon.default, Some(true));
    assert_eq!(all.entries[1].default, Some(false));
    assert_eq!(soon.subject.as_deref(), Some("CN=soon.example"));
    assert!(soon.not_after.unwrap() > now && soon.not_after.unwrap() <= now + 11 * 86_400);
    assert_eq!(soon.sha256.as_ref().map(String::len), Some(64));

    let expiring = ops::read::list_at(
        at,
        &ops::read::ListRequest {
            expiring_within_days: Some(30),
            now,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(expiring.entries.len(), 1);
    assert_eq!(expiring.entries[0].label, "soon");
    let signers = ops::read::list_at(
        at,
        &ops::read::ListRequest {
            kind: Some(EntryKind::Signer),
            now,
            ..Default::default()
        },
    )
    .unwrap();
    assert!(signers.entries.is_empty());

    let opened = at.open(kdbman::Access::Read).unwrap();
    let sum = ops::read::summary(&db, &opened.store, &dir.path().join("r.sth"), now);
    assert_eq!(sum.counts.total, 2);
    assert_eq!(sum.counts.personal, 2);
    assert_eq!(sum.default.as_deref(), Some("soon"));
    assert!(sum.size > 0);
    assert!(sum.stash_format.is_some(), "the stash beside it reads");
    assert!(!sum.password_expired);
}

/// Work handed to an open (`Meanwhile`) sees exactly the entries the store
/// opens with, once, whatever the format; `cert list` through it lists
/// what a listing of the opened store does; and on a CMS store whose
/// integrity MAC fails, the open fails as before, whatever was done
/// meanwhile.
#[test]
fn work_done_meanwhile_sees_the_entries_the_store_opens_with() {
    use kdbman::store::codec::Meanwhile;
    use kdbman::{Access, Entry};
    use std::sync::Mutex;

    struct Seen(Mutex<Vec<Vec<String>>>);
    impl Meanwhile for Seen {
        fn decoded(&self, entries: &[Entry]) {
            let labels = entries.iter().map(|e| e.label().to_string()).collect();
            self.0.lock().unwrap().push(labels);
        }
    }

    let dir = tempfile::tempdir().unwrap();
    for (name, format) in [
        ("m.kdb", StoreFormat::Cms(Version::V6)),
        ("m.kdbx", StoreFormat::Kdbman),
    ] {
        let db = dir.path().join(name);
        let pw = Password::new("Passw0rd-meanwhile");
        let opts = CreateOptions {
            format,
            ..CreateOptions::default()
        };
        Store::create(&db, &pw, &opts).unwrap().save().unwrap();
        let key = StoreKey::Password(pw.clone());
        let at = StoreAt {
            db: &db,
            key: &key,
            notice: &ops::quiet,
        };
        for label in ["one", "two", "three"] {
            ops::cert::create(
                at,
                ops::cert::CreateRequest {
                    label: label.into(),
                    spec: CertSpec::new(format!("CN={label}.example"), 30),
                    key: key_type("ec:p256"),
                    default: false,
                },
            )
            .unwrap();
        }
        let seen = Seen(Mutex::new(Vec::new()));
        let opened = at.open_meanwhile(Access::Read, &seen).unwrap();
        let labels: Vec<String> = opened
            .store
            .entries()
            .iter()
            .map(|e| e.label().to_string())
            .collect();
        assert_eq!(*seen.0.lock().unwrap(), [labels], "{name}");

        let req = ops::read::ListRequest {
            now: kdbman::clock::now(),
            ..Default::default()
        };
        let through_open = ops::read::list_at(at, &req).unwrap();
        let after_open = ops::read::list(&opened.store, &req);
        assert_eq!(through_open.entries, after_open.entries, "{name}");
        assert_eq!(through_open.entries.len(), 3, "{name}");
        assert!(
            through_open.entries.iter().all(|l| l.subject.is_some()),
            "{name}: {:?}",
            through_open.entries
        );
    }

    // A byte of the last CMS record changed: the MAC fails, and so does
    // the open, listing included.
    let db = dir.path().join("m.kdb");
    let mut bytes = std::fs::read(&db).unwrap();
    let at_byte = bytes.len() - 10;
    bytes[at_byte] ^= 0x55;
    std::fs::write(&db, &bytes).unwrap();
    let key = StoreKey::Password(Password::new("Passw0rd-meanwhile"));
    let at = StoreAt {
        db: &db,
        key: &key,
        notice: &ops::quiet,
    };
    let seen = Seen(Mutex::new(Vec::new()));
    let Err(err) = at.open_meanwhile(Access::Read, &seen) else {
        panic!("a store whose integrity MAC fails opened");
    };
    assert!(
        matches!(
            err,
            Error::DamagedPayload {
                damage: kdbman::error::Damage::IntegrityMac,
                ..
            }
        ),
        "{err:?}"
    );
    let err = ops::read::list_at(at, &ops::read::ListRequest::default()).unwrap_err();
    assert!(matches!(err, Error::DamagedPayload { .. }), "{err:?}");
}
