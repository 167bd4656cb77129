//! Issue 12, acceptance 3: chains built at test time (rcgen) for each case
//! of item 3 validate as RFC 5280 §6 says, and each rejection names its
//! true reason: UTCTime dates in 1950–1969, §7.1 name matching
//! (case, whitespace, PrintableString against UTF8String), self-issued
//! CA certificates (key rollover) not counted against pathLenConstraint
//! while a real excess is named as such, a CA certificate checked as
//! the end entity under `--purpose any`, and name constraints (issue 21:
//! the forms webpki refuses unprocessed are processed, the others bind as
//! strictly).

mod common;

use kdbman::pki::validate::{ChainProblem, Purpose, validate_chain};
use std::str::FromStr;

use rcgen::{
    BasicConstraints, CertificateParams, CidrSubnet, DistinguishedName, DnType, DnValue,
    GeneralSubtree, IsCa, Issuer, KeyPair, KeyUsagePurpose, NameConstraints, SanType,
};
use time::macros::datetime;

fn dn(value: DnValue) -> DistinguishedName {
    let mut d = DistinguishedName::new();
    d.push(DnType::CommonName, value);
    d
}

fn printable(s: &str) -> DnValue {
    DnValue::PrintableString(s.try_into().unwrap())
}

fn ca_params(name: DnValue, path_len: Option<u8>) -> CertificateParams {
    let mut p = CertificateParams::default();
    p.distinguished_name = dn(name);
    p.is_ca = IsCa::Ca(match path_len {
        Some(n) => BasicConstraints::Constrained(n),
        None => BasicConstraints::Unconstrained,
    });
    p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    p.not_before = datetime!(2020-01-01 0:00 UTC);
    p.not_after = datetime!(2040-01-01 0:00 UTC);
    p
}

fn leaf_params(cn: &str) -> CertificateParams {
    let mut p = CertificateParams::new(vec![format!("{}.example", cn.to_lowercase())]).unwrap();
    p.distinguished_name = dn(DnValue::Utf8String(cn.into()));
    p.not_before = datetime!(2020-01-01 0:00 UTC);
    p.not_after = datetime!(2040-01-01 0:00 UTC);
    p
}

fn key() -> KeyPair {
    KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap()
}

/// 2030-01-01, inside every validity period below.
const AT: i64 = 1_893_456_000;

fn der(c: &rcgen::Certificate) -> Vec<u8> {
    c.der().to_vec()
}

#[test]
fn utctime_dates_from_1950_to_1969_are_dates() {
    let root_key = key();
    let mut rp = ca_params(printable("Old Root"), None);
    rp.not_before = datetime!(1960-06-01 0:00 UTC);
    let root = rp.clone().self_signed(&root_key).unwrap();
    let mut lp = leaf_params("Old Leaf");
    lp.not_before = datetime!(1965-01-01 0:00 UTC);
    let issuer = Issuer::new(rp, &root_key);
    let leaf = lp.signed_by(&key(), &issuer).unwrap();
    let (root, leaf) = (der(&root), der(&leaf));
    // Encoded as UTCTime "60…" and "65…", which RFC 5280 reads as 19xx.
    assert!(root.windows(3).any(|w| w == [0x17, 0x0d, b'6']));
    let chain = validate_chain(
        std::slice::from_ref(&leaf),
        &[&root],
        &[],
        AT,
        Purpose::ServerAuth,
    )
    .expect("valid since 1965");
    assert_eq!(chain.len(), 2);
    // Before 1965 the leaf is not yet valid: that is the reason given.
    let at_1962 = -252_460_800; // 1962-01-01
    match validate_chain(&[leaf], &[&root], &[], at_1962, Purpose::ServerAuth) {
        Err(ChainProblem::NotYetValid { subject, .. }) => assert!(subject.contains("Old Leaf")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn names_match_per_section_7_1() {
    let root_key = key();
    let rp = ca_params(printable("Example  Root CA"), None);
    let root = der(&rp.clone().self_signed(&root_key).unwrap());
    // The leaf names its issuer in UTF8String, other case, other spaces.
    let other = ca_params(DnValue::Utf8String(" example root   ca ".into()), None);
    let leaf = der(&leaf_params("Leaf")
        .signed_by(&key(), &Issuer::new(other, &root_key))
        .unwrap());
    let chain = validate_chain(
        std::slice::from_ref(&leaf),
        &[&root],
        &[],
        AT,
        Purpose::ServerAuth,
    )
    .expect("§7.1: the names match");
    assert_eq!(chain, vec![leaf, root.clone()]);
    // A different name is a missing issuer, not a bad signature.
    let wrong = ca_params(printable("Example Root CB"), None);
    let stray = der(&leaf_params("Stray")
        .signed_by(&key(), &Issuer::new(wrong, &root_key))
        .unwrap());
    match validate_chain(&[stray], &[&root], &[], AT, Purpose::ServerAuth) {
        Err(ChainProblem::MissingIssuer { issuer, .. }) => assert!(issuer.contains("CB")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn self_issued_certificates_do_not_count_against_path_length() {
    // Root → "Int P" (pathLen 0), which rolls its key over: a self-issued
    // CA certificate with the new key, signed by the old one, issues the
    // leaf. Self-issued certificates are not counted (§6.1.4 (l)).
    let (root_key, old_key, new_key) = (key(), key(), key());
    let rp = ca_params(printable("Roll Root"), None);
    let root = der(&rp.clone().self_signed(&root_key).unwrap());
    let pp = ca_params(printable("Int P"), Some(0));
    let int_p = der(&pp
        .clone()
        .signed_by(&old_key, &Issuer::new(rp.clone(), &root_key))
        .unwrap());
    let rollover = der(&pp
        .clone()
        .signed_by(&new_key, &Issuer::new(pp.clone(), &old_key))
        .unwrap());
    let leaf = der(&leaf_params("Rolled")
        .signed_by(&key(), &Issuer::new(pp.clone(), &new_key))
        .unwrap());
    let chain = validate_chain(
        &[leaf.clone(), rollover.clone(), int_p.clone()],
        &[&root],
        &[],
        AT,
        Purpose::ServerAuth,
    )
    .expect("self-issued certificates are not counted");
    assert_eq!(chain, vec![leaf, rollover, int_p.clone(), root.clone()]);

    // A real intermediate under "Int P": the path length is the reason,
    // naming the CA whose constraint is exceeded.
    let q_key = key();
    let qp = ca_params(printable("Int Q"), None);
    let int_q = der(&qp
        .clone()
        .signed_by(&q_key, &Issuer::new(pp, &old_key))
        .unwrap());
    let deep = der(&leaf_params("Deep")
        .signed_by(&key(), &Issuer::new(qp, &q_key))
        .unwrap());
    match validate_chain(
        &[deep, int_q, int_p],
        &[&root],
        &[],
        AT,
        Purpose::ServerAuth,
    ) {
        Err(ChainProblem::PathTooLong {
            subject,
            path_len: 0,
            found: 1,
        }) => assert!(subject.contains("Int P")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_ca_certificate_is_an_end_entity_for_purpose_any() {
    let root_key = key();
    let rp = ca_params(printable("Any Root"), None);
    let root = der(&rp.clone().self_signed(&root_key).unwrap());
    let int = der(&ca_params(printable("Any Int"), None)
        .signed_by(&key(), &Issuer::new(rp, &root_key))
        .unwrap());
    validate_chain(std::slice::from_ref(&int), &[&root], &[], AT, Purpose::Any)
        .expect("a CA certificate checked as end entity under `any`");
    match validate_chain(&[int], &[&root], &[], AT, Purpose::ServerAuth) {
        Err(ChainProblem::LeafIsCa { subject }) => assert!(subject.contains("Any Int")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_bad_signature_is_still_a_bad_signature() {
    let (root_key, impostor) = (key(), key());
    let rp = ca_params(printable("Sig Root"), None);
    let root = der(&rp.clone().self_signed(&root_key).unwrap());
    let leaf = der(&leaf_params("Forged")
        .signed_by(&key(), &Issuer::new(rp, &impostor))
        .unwrap());
    match validate_chain(&[leaf], &[&root], &[], AT, Purpose::ServerAuth) {
        Err(ChainProblem::BadSignature { subject }) => assert!(subject.contains("Forged")),
        other => panic!("{other:?}"),
    }
}

/// A DER TLV of `tag` around `parts`.
fn tlv(tag: u8, parts: &[&[u8]]) -> Vec<u8> {
    let len: usize = parts.iter().map(|p| p.len()).sum();
    let mut out = vec![tag];
    match len {
        0..=0x7f => out.push(len as u8),
        0x80..=0xff => out.extend_from_slice(&[0x81, len as u8]),
        _ => out.extend_from_slice(&[0x82, (len >> 8) as u8, len as u8]),
    }
    for p in parts {
        out.extend_from_slice(p);
    }
    out
}

/// The elements of a DER SEQUENCE (each as its whole TLV).
fn elements(seq: &[u8]) -> Vec<Vec<u8>> {
    use der::{Decode, Encode, Reader};
    let any = der::asn1::AnyRef::from_der(seq).unwrap();
    let mut r = der::SliceReader::new(any.value()).unwrap();
    let mut out = Vec::new();
    while !r.is_finished() {
        let e = der::asn1::AnyRef::decode(&mut r).unwrap();
        out.push(e.to_der().unwrap());
    }
    out
}

#[test]
fn unique_identifiers_are_accepted() {
    // RFC 5280 §4.1.2.8: issuerUniqueID [1] and subjectUniqueID [2] may
    // follow the public key in a v2 or v3 certificate. rcgen cannot write
    // them, so they are added to its TBSCertificate and the result signed
    // again with the CA's key.
    let root_key = key();
    let rp = ca_params(printable("UID Root"), None);
    let root = der(&rp.clone().self_signed(&root_key).unwrap());
    let leaf = der(&leaf_params("UID Leaf")
        .signed_by(&key(), &Issuer::new(rp, &root_key))
        .unwrap());
    let parts = elements(&leaf);
    let mut tbs = elements(&parts[0]);
    // version, serial, signature, issuer, validity, subject, spki, [3] extensions
    assert_eq!(tbs.len(), 8);
    tbs.insert(7, vec![0x82, 0x03, 0x00, 0x12, 0x34]);
    tbs.insert(7, vec![0x81, 0x03, 0x00, 0xab, 0xcd]);
    let refs: Vec<&[u8]> = tbs.iter().map(Vec::as_slice).collect();
    let tbs = tlv(0x30, &refs);
    let rng = ring::rand::SystemRandom::new();
    let signer = ring::signature::EcdsaKeyPair::from_pkcs8(
        &ring::signature::ECDSA_P256_SHA256_ASN1_SIGNING,
        &root_key.serialize_der(),
        &rng,
    )
    .unwrap();
    let sig = signer.sign(&rng, &tbs).unwrap();
    let cert = tlv(0x30, &[&tbs, &parts[1], &tlv(0x03, &[&[0], sig.as_ref()])]);
    let chain = validate_chain(
        std::slice::from_ref(&cert),
        &[&root],
        &[],
        AT,
        Purpose::ServerAuth,
    )
    .expect("unique identifiers are allowed in a v3 certificate");
    assert_eq!(chain, vec![cert.clone(), root.clone()]);
    // openssl agrees the certificate is well formed and carries them.
    if common::require_tool("openssl", "version") {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("uid.der"), &cert).unwrap();
        let text = common::tool_text(
            dir.path(),
            "openssl",
            &[
                "x509", "-inform", "DER", "-in", "uid.der", "-noout", "-text",
            ],
        );
        assert!(
            text.contains("Issuer Unique ID") && text.contains("Subject Unique ID"),
            "{text}"
        );
    }
}

/// A leaf under `issuer` with subject `O=<org>, CN=Site` and these SANs.
fn constrained_leaf(org: &str, sans: &[&str], issuer: &Issuer<'_, &KeyPair>) -> Vec<u8> {
    let mut p = leaf_params("Site");
    let mut d = DistinguishedName::new();
    d.push(DnType::OrganizationName, org);
    d.push(DnType::CommonName, "Site");
    p.distinguished_name = d;
    p.subject_alt_names = sans
        .iter()
        .map(|s| match s.parse::<std::net::IpAddr>() {
            Ok(ip) => SanType::IpAddress(ip),
            Err(_) => SanType::DnsName((*s).try_into().unwrap()),
        })
        .collect();
    der(&p.signed_by(&key(), issuer).unwrap())
}

#[test]
fn name_constraints_are_processed_where_webpki_refuses_them_and_still_bind() {
    // webpki refuses any directoryName constraint; the fallback processes
    // it, and every other form of the same extension as strictly.
    let root_key = key();
    let root_params = ca_params(printable("NC Root"), None);
    let root = der(&root_params.clone().self_signed(&root_key).unwrap());
    let ca_key = key();
    let mut cp = ca_params(printable("NC CA"), None);
    let mut org = DistinguishedName::new();
    org.push(DnType::OrganizationName, "Example Org");
    cp.name_constraints = Some(NameConstraints {
        permitted_subtrees: vec![
            GeneralSubtree::DirectoryName(org),
            GeneralSubtree::DnsName("example.com".into()),
            GeneralSubtree::IpAddress(CidrSubnet::from_str("10.0.0.0/8").unwrap()),
        ],
        excluded_subtrees: vec![GeneralSubtree::DnsName("bad.example.com".into())],
    });
    let ca = der(&cp
        .clone()
        .signed_by(&ca_key, &Issuer::new(root_params, &root_key))
        .unwrap());
    let issuer = Issuer::new(cp, &ca_key);
    let check = |org: &str, sans: &[&str]| {
        let leaf = constrained_leaf(org, sans, &issuer);
        validate_chain(&[leaf, ca.clone()], &[&root], &[], AT, Purpose::ServerAuth)
    };
    let chain = check("Example Org", &["www.example.com", "10.1.2.3"])
        .expect("every name within the permitted subtrees");
    assert_eq!(chain.len(), 3);
    for (org, sans, named) in [
        ("Other Org", &["www.example.com"][..], "O=Other Org"),
        ("Example Org", &["www.example.org"], "DNS:www.example.org"),
        ("Example Org", &["notexample.com"], "DNS:notexample.com"),
        (
            "Example Org",
            &["x.bad.example.com"],
            "DNS:x.bad.example.com",
        ),
        ("Example Org", &["*.example.com"], "DNS:*.example.com"),
        ("Example Org", &["www.example.com", "192.168.1.1"], "IP:"),
    ] {
        match check(org, sans) {
            Err(ChainProblem::Other { detail }) => {
                assert!(detail.contains(named), "{sans:?}: {detail}");
                assert!(
                    detail.contains("name constraints of CA `CN=NC CA`"),
                    "{detail}"
                );
            }
            other => panic!("{org} {sans:?}: {other:?}"),
        }
    }
}
