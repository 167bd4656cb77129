//! The registry of store formats (`kdbman::store::formats::FORMATS`)
//! drives detection, `Store::open` and both command lines' type options
//! (issue 22, deliverable 2): every registered codec round-trips an empty
//! store through the codec interface alone (no path, no file), detection
//! names its output as its own format, a wrong password is told apart
//! from a damaged file, and `--type` and gsk8capicmd's `-type` accept
//! exactly the registry's names.

mod common;
use common::{Kdbman, gsk_link};

use kdbman::kinds::Kdf;
use kdbman::store::codec::{Beside, Decoded, Key, NewStore};
use kdbman::store::formats::{self, FORMATS, StoreFormat};
use kdbman::{Access, Password, Store};

const PW: &str = "registry-Pw-7q";
const KDBMAN: Kdbman = Kdbman::new(&[("KPW", PW)]).stdin_null();

#[test]
fn every_codec_round_trips_an_empty_store_and_detects_its_own_bytes() {
    assert!(!FORMATS.is_empty());
    let pw = Password::new(PW);
    for codec in FORMATS {
        for &version in codec.versions() {
            let new = NewStore {
                version,
                kdf: Kdf::ARGON2_FLOOR,
                password_expires: None,
            };
            let mut model = codec.create(&new, &pw).expect("an empty store");
            assert_eq!(model.codec().name(), codec.name());
            assert_eq!(model.version(), version);
            let encoded = model.encode(&[]).expect("an empty store encodes");

            // Detection: the codec's own magic, and the registry's verdict.
            let format = StoreFormat::of(*codec, version);
            assert!(codec.sniff(&encoded.store).is_some(), "{format}: sniff");
            assert_eq!(formats::detect(&encoded.store), Ok(format), "{format}");
            assert_eq!(format.codec().name(), codec.name());
            assert_eq!(format.version(), version);
            assert!(codec.check(&encoded.store, true).is_ok(), "{format}");

            // Decoding: bytes and companions in, a model out, no path.
            let companions = |encoded: &kdbman::store::codec::Encoded| {
                codec
                    .companions()
                    .iter()
                    .map(|ext| {
                        let found = encoded
                            .companions
                            .iter()
                            .find(|(e, _)| e == ext)
                            .map_or(Beside::Absent, |(_, b)| Beside::Bytes(b.clone()));
                        (*ext, found)
                    })
                    .collect()
            };
            match codec
                .decode(&encoded.store, companions(&encoded), Key::Password(&pw))
                .expect("its own bytes decode")
            {
                Decoded::Opened { model, entries } => {
                    assert!(entries.is_empty(), "{format}");
                    assert_eq!(StoreFormat::of(model.codec(), model.version()), format);
                }
                _ => panic!("{format}: its own password was refused"),
            }
            // Another password never opens it, and is no codec error.
            let wrong = Password::new("not-the-password");
            let outcome = codec
                .decode(&encoded.store, companions(&encoded), Key::Password(&wrong))
                .unwrap_or_else(|e| panic!("{format}: wrong password as an error: {e:?}"));
            assert!(
                !matches!(outcome, Decoded::Opened { .. }),
                "{format}: opened with a wrong password"
            );
            // A cut file is the codec's error, carrying no path.
            let cut = &encoded.store[..encoded.store.len() / 2];
            if let Err(e) = codec.decode(cut, companions(&encoded), Key::Password(&pw)) {
                let shown = e.clone().at(std::path::Path::new("/x/cut.db")).to_string();
                assert!(shown.contains("/x/cut.db"), "{format}: {shown}");
            }
        }
    }
}

#[test]
fn file_kinds_are_stores_exactly_when_a_registered_codec_claims_them() {
    let pw = Password::new(PW);
    for codec in FORMATS {
        let version = codec.versions()[0];
        let new = NewStore {
            version,
            kdf: Kdf::ARGON2_FLOOR,
            password_expires: None,
        };
        let bytes = codec.create(&new, &pw).unwrap().encode(&[]).unwrap().store;
        let kind = formats::classify(&bytes);
        let claimed: Vec<&str> = FORMATS
            .iter()
            .filter(|c| c.claims(&kind).is_some())
            .map(|c| c.name())
            .collect();
        assert_eq!(claimed, [codec.name()], "{kind}");
        assert!(formats::is_store(&bytes));
    }
    for foreign in [
        &b"-----BEGIN CERTIFICATE-----\n"[..],
        &[0xFE, 0xED, 0xFE, 0xED, 0, 0, 0, 2],
    ] {
        assert!(formats::detect(foreign).is_err());
        assert!(!formats::is_store(foreign));
    }
}

#[test]
fn the_type_option_lists_and_accepts_the_registry_names() {
    let names = formats::names();
    assert_eq!(names, FORMATS.iter().map(|c| c.name()).collect::<Vec<_>>());

    // `--help` lists each registered format with its codec's help.
    let help = KDBMAN.stdout(&["keydb", "create", "--help"]);
    for codec in FORMATS {
        assert!(
            help.contains(&format!("- {}:", codec.name())) && help.contains(codec.help()),
            "{} missing from --help:\n{help}",
            codec.name()
        );
    }
    // A value that is not a format: clap lists exactly the registry names.
    let dir = tempfile::tempdir().unwrap();
    let out = KDBMAN.output(&[
        "keydb",
        "create",
        "--db",
        dir.path().join("x").to_str().unwrap(),
        "--pw-env",
        "KPW",
        "--type",
        "no-such-format",
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("[possible values: {}]", names.join(", "))),
        "{err}"
    );

    // Every name and alias creates a store of that format.
    for codec in FORMATS {
        for name in std::iter::once(codec.name()).chain(codec.aliases().iter().copied()) {
            let db = dir.path().join(format!("by-{name}.db"));
            KDBMAN.stdout(&[
                "keydb",
                "create",
                "--db",
                db.to_str().unwrap(),
                "--pw-env",
                "KPW",
                "--type",
                name,
            ]);
            assert_eq!(Store::detect(&db).unwrap().name(), codec.name(), "{name}");
            let store = Store::open(&db, &Password::new(PW), Access::Read).unwrap();
            assert_eq!(store.format(), StoreFormat::named(codec.name()).unwrap());
        }
    }
}

#[test]
fn gsk_type_accepts_the_registry_gskit_names() {
    let dir = tempfile::tempdir().unwrap();
    let gsk = gsk_link(dir.path());
    let gsk_formats: Vec<_> = FORMATS
        .iter()
        .filter(|c| !c.gsk_names().is_empty())
        .collect();
    assert!(!gsk_formats.is_empty());
    for codec in gsk_formats {
        for name in codec.gsk_names() {
            let db = dir.path().join(format!("gsk-{name}.db"));
            let out = std::process::Command::new(&gsk)
                .args(["-keydb", "-create", "-db", db.to_str().unwrap()])
                .args(["-pw", PW, "-type", name])
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "-type {name}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert_eq!(Store::detect(&db).unwrap().name(), codec.name(), "{name}");
        }
    }
    let out = std::process::Command::new(&gsk)
        .args(["-keydb", "-create", "-db"])
        .arg(dir.path().join("bad.db"))
        .args(["-pw", PW, "-type", "no-such-format"])
        .output()
        .unwrap();
    assert!(!out.status.success());
}
