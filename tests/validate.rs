//! `cert validate` and `kdbman::pki::validate`: each failure has its reason.

mod common;
use common::Kdbman;
use common::floor;
use common::spki_of;

const KDBMAN: Kdbman = Kdbman::new(&[]);

use kdbman::pki::validate::{ChainProblem, Purpose, validate_chain};
use kdbman::pki::{CertSpec, ExtKeyUsage, KeyType, KeyUsage, keygen};
use kdbman::{Entry, Error, Password, PrivateKey, Store};

const DAY: i64 = 86_400;

use common::now;

struct Ca {
    cert: Vec<u8>,
    key: PrivateKey,
}

fn root(dn: &str) -> Ca {
    let key = keygen::generate(KeyType::EcP256).unwrap();
    let mut spec = CertSpec::new(dn, 3650);
    spec.is_ca = true;
    Ca {
        cert: spec.self_signed(&key).unwrap(),
        key,
    }
}

fn issue(spec: &CertSpec, by: &Ca) -> Ca {
    let key = keygen::generate(KeyType::EcP256).unwrap();
    let cert = spec.signed_by(&spki_of(&key), &by.cert, &by.key).unwrap();
    Ca { cert, key }
}

fn ca_spec(dn: &str) -> CertSpec {
    let mut s = CertSpec::new(dn, 1825);
    s.is_ca = true;
    s
}

fn leaf_spec() -> CertSpec {
    let mut s = CertSpec::new("CN=www.example.com", 365);
    s.sans.push("dns:www.example.com".parse().unwrap());
    s
}

/// Root → intermediate → leaf, all valid now.
fn pki() -> (Ca, Ca, Ca) {
    let r = root("CN=Test Root");
    let i = issue(&ca_spec("CN=Test Intermediate"), &r);
    let l = issue(&leaf_spec(), &i);
    (r, i, l)
}

fn check(
    leaf: &Ca,
    chain: &[&Ca],
    anchors: &[&Ca],
    at: i64,
    purpose: Purpose,
) -> Result<Vec<Vec<u8>>, ChainProblem> {
    let mut certs = vec![leaf.cert.clone()];
    certs.extend(chain.iter().map(|c| c.cert.clone()));
    let anchors: Vec<&[u8]> = anchors.iter().map(|c| c.cert.as_slice()).collect();
    validate_chain(&certs, &anchors, &[], at, purpose)
}

#[test]
fn a_good_chain_validates_and_is_returned_leaf_to_root() {
    let (r, i, l) = pki();
    let built = check(&l, &[&i], &[&r], now(), Purpose::ServerAuth).unwrap();
    assert_eq!(built, vec![l.cert.clone(), i.cert.clone(), r.cert.clone()]);
    // The intermediate may come from the store instead of the chain.
    let anchors: Vec<&[u8]> = vec![&r.cert];
    let built = validate_chain(
        std::slice::from_ref(&l.cert),
        &anchors,
        &[&i.cert],
        now(),
        Purpose::ClientAuth,
    )
    .unwrap();
    assert_eq!(built.len(), 3);
}

#[test]
fn expired_leaf_names_the_leaf_and_how_long_ago() {
    let (r, i, l) = pki();
    let at = now() + 400 * DAY;
    match check(&l, &[&i], &[&r], at, Purpose::ServerAuth) {
        Err(p @ ChainProblem::Expired { .. }) => {
            let ChainProblem::Expired {
                subject, not_after, ..
            } = &p
            else {
                unreachable!()
            };
            assert!(subject.contains("www.example.com"), "{subject}");
            assert!(*not_after < at);
            assert_eq!(p.code(), "SSL0221E");
            let text = p.to_string();
            assert!(text.contains("days before"), "{text}");
        }
        other => panic!("expected Expired, got {other:?}"),
    }
}

#[test]
fn not_yet_valid_leaf() {
    let r = root("CN=Test Root");
    let i = issue(&ca_spec("CN=Test Intermediate"), &r);
    let mut spec = leaf_spec();
    spec.not_before = now() + 10 * DAY;
    spec.not_after = now() + 100 * DAY;
    let l = issue(&spec, &i);
    match check(&l, &[&i], &[&r], now(), Purpose::ServerAuth) {
        Err(ChainProblem::NotYetValid {
            subject,
            not_before,
            at,
        }) => {
            assert!(subject.contains("www.example.com"));
            assert!(not_before - at > 9 * DAY);
        }
        other => panic!("expected NotYetValid, got {other:?}"),
    }
}

#[test]
fn expired_root_is_refused_although_webpki_ignores_anchor_dates() {
    let key = keygen::generate(KeyType::EcP256).unwrap();
    let mut spec = CertSpec::new("CN=Old Root", 10);
    spec.is_ca = true;
    spec.not_before = now() - 20 * DAY;
    spec.not_after = now() - 10 * DAY;
    let r = Ca {
        cert: spec.self_signed(&key).unwrap(),
        key,
    };
    let mut lspec = leaf_spec();
    lspec.not_before = now() - 15 * DAY;
    let l = issue(&lspec, &r);
    match check(&l, &[], &[&r], now(), Purpose::ServerAuth) {
        Err(ChainProblem::Expired { subject, .. }) => assert!(subject.contains("Old Root")),
        other => panic!("expected Expired root, got {other:?}"),
    }
}

#[test]
fn untrusted_root() {
    let (r, i, l) = pki();
    let other = root("CN=Another Root");
    // The root is in the chain but not among the anchors.
    match check(&l, &[&i, &r], &[&other], now(), Purpose::ServerAuth) {
        Err(ChainProblem::UntrustedRoot {
            subject,
            self_signed,
        }) => {
            assert!(subject.contains("Test Root"), "{subject}");
            assert!(self_signed);
        }
        other => panic!("expected UntrustedRoot, got {other:?}"),
    }
}

#[test]
fn missing_intermediate() {
    let (r, _i, l) = pki();
    match check(&l, &[], &[&r], now(), Purpose::ServerAuth) {
        Err(ChainProblem::MissingIssuer { subject, issuer }) => {
            assert!(subject.contains("www.example.com"));
            assert!(issuer.contains("Test Intermediate"), "{issuer}");
        }
        other => panic!("expected MissingIssuer, got {other:?}"),
    }
}

#[test]
fn wrong_eku() {
    let r = root("CN=Test Root");
    let mut spec = leaf_spec();
    spec.ext_key_usage = Some(vec![ExtKeyUsage::ClientAuth]);
    let l = issue(&spec, &r);
    // Fine as a client, refused as a server.
    check(&l, &[], &[&r], now(), Purpose::ClientAuth).unwrap();
    check(&l, &[], &[&r], now(), Purpose::Any).unwrap();
    match check(&l, &[], &[&r], now(), Purpose::ServerAuth) {
        Err(ChainProblem::WrongUsage { subject, needed }) => {
            assert!(subject.contains("www.example.com"));
            assert_eq!(needed, "serverAuth");
        }
        other => panic!("expected WrongUsage, got {other:?}"),
    }
}

#[test]
fn ca_without_key_cert_sign() {
    let r = root("CN=Test Root");
    let mut spec = ca_spec("CN=Lame Intermediate");
    spec.key_usage = Some(vec![KeyUsage::DigitalSignature, KeyUsage::CrlSign]);
    let i = issue(&spec, &r);
    let l = issue(&leaf_spec(), &i);
    match check(&l, &[&i], &[&r], now(), Purpose::ServerAuth) {
        Err(ChainProblem::CaCannotSign { subject, reason }) => {
            assert!(subject.contains("Lame Intermediate"), "{subject}");
            assert!(reason.contains("keyCertSign"));
        }
        other => panic!("expected CaCannotSign, got {other:?}"),
    }
}

#[test]
fn issuer_that_is_not_a_ca() {
    let r = root("CN=Test Root");
    let not_ca = issue(&CertSpec::new("CN=Not A CA", 365), &r);
    let l = issue(&leaf_spec(), &not_ca);
    match check(&l, &[&not_ca], &[&r], now(), Purpose::ServerAuth) {
        Err(ChainProblem::CaCannotSign { subject, .. }) => assert!(subject.contains("Not A CA")),
        other => panic!("expected CaCannotSign, got {other:?}"),
    }
}

#[test]
fn bad_signature_when_a_namesake_root_signed_nothing() {
    let (_r, i, l) = pki();
    // Same name as the real root, different key.
    let impostor = root("CN=Test Root");
    match check(&l, &[&i], &[&impostor], now(), Purpose::ServerAuth) {
        Err(ChainProblem::BadSignature { subject }) => {
            assert!(subject.contains("Test Intermediate"), "{subject}")
        }
        other => panic!("expected BadSignature, got {other:?}"),
    }
}

#[test]
fn garbage_is_malformed_not_a_panic() {
    let anchors: Vec<&[u8]> = vec![];
    for bytes in [vec![], vec![0x30, 0x03, 0x01], vec![0xff; 64]] {
        match validate_chain(&[bytes], &anchors, &[], now(), Purpose::Any) {
            Err(ChainProblem::Malformed { .. }) => {}
            other => panic!("expected Malformed, got {other:?}"),
        }
    }
}

fn store(dir: &tempfile::TempDir) -> Store {
    let opts = floor();
    Store::create(&dir.path().join("t.kdb"), &Password::new("pw"), &opts).unwrap()
}

#[test]
fn entries_validate_against_trusted_signers_only() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store(&dir);
    let (r, i, l) = pki();
    s.add(Entry::personal(
        "www",
        vec![l.cert.clone(), i.cert.clone()],
        l.key,
    ))
    .unwrap();
    s.add(Entry::signer("root", r.cert.clone()).with_trust(false))
        .unwrap();
    match s.validate("www", now(), Purpose::ServerAuth) {
        Err(Error::Chain { label, problem }) => {
            assert_eq!(label, "www");
            assert!(
                matches!(problem, ChainProblem::UntrustedRoot { .. }),
                "{problem:?}"
            );
        }
        other => panic!("expected a chain error, got {other:?}"),
    }
    s.remove("root").unwrap();
    s.add(Entry::signer("root", r.cert.clone())).unwrap();
    let chain = s.validate("www", now(), Purpose::ServerAuth).unwrap();
    assert_eq!(chain.len(), 3);
    // A signer: the root as anchor, the intermediate through the root.
    s.validate("root", now(), Purpose::Any).unwrap();
    s.add(Entry::signer("inter", i.cert.clone()).with_trust(false))
        .unwrap();
    assert_eq!(s.validate("inter", now(), Purpose::Any).unwrap().len(), 2);
    match s.validate("inter", now() + 2000 * DAY, Purpose::Any) {
        Err(Error::Chain {
            problem: ChainProblem::Expired { .. },
            ..
        }) => {}
        other => panic!("expected Expired, got {other:?}"),
    }
}

#[test]
fn self_signed_personal_needs_itself_as_a_trusted_signer() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = store(&dir);
    let key = keygen::generate(KeyType::EcP256).unwrap();
    let cert = leaf_spec().self_signed(&key).unwrap();
    s.add(Entry::personal("ss", vec![cert.clone()], key))
        .unwrap();
    match s.validate("ss", now(), Purpose::ServerAuth) {
        Err(Error::Chain {
            problem:
                ChainProblem::UntrustedRoot {
                    self_signed: true, ..
                },
            ..
        }) => {}
        other => panic!("expected UntrustedRoot, got {other:?}"),
    }
    // The store refuses the same certificate twice, so fixtures add it unchecked.
    s.add_unchecked(Entry::signer("ss-trust", cert));
    assert_eq!(
        s.validate("ss", now(), Purpose::ServerAuth).unwrap().len(),
        1
    );
}

#[test]
fn cli_validate_exit_statuses_and_reasons() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.kdb");
    {
        let mut s = Store::create(&db, &Password::new("pw"), &floor()).unwrap();
        let (r, i, l) = pki();
        s.add(Entry::personal(
            "www",
            vec![l.cert.clone(), i.cert.clone()],
            l.key,
        ))
        .unwrap();
        s.add(Entry::signer("root", r.cert.clone())).unwrap();
        let l2 = issue(&leaf_spec(), &i);
        s.add(Entry::personal("nochain", vec![l2.cert.clone()], l2.key))
            .unwrap();
        s.save().unwrap();
    }
    let run = |args: &[&str]| {
        KDBMAN
            .cmd()
            .args(["cert", "validate", "--db"])
            .arg(&db)
            .args(["--pw-env", "KPW"])
            .args(args)
            .env("KPW", "pw")
            .assert()
    };
    run(&["--label", "www"])
        .success()
        .stdout(predicates::str::contains("valid"));
    run(&["--label", "www", "--at", "2099-01-01T00:00:00Z"])
        .code(1)
        .stderr(predicates::str::contains("SSL0221E"))
        .stderr(predicates::str::contains("expired"));
    run(&["--label", "www", "--at", "2000-01-01T00:00:00Z"])
        .code(1)
        .stderr(predicates::str::contains("not valid until"));
    run(&["--label", "nochain"])
        .code(1)
        .stderr(predicates::str::contains("SSL0208E"))
        .stderr(predicates::str::contains("Test Intermediate"))
        .stderr(predicates::str::contains("missing"));
    run(&["--label", "nope"]).code(8);
    run(&["--label", "www", "--at", "yesterday"]).code(2);
}
