//! Generates the lint fixtures: one small store per condition, named by its
//! code, plus a clean store, and `manifest.json` saying how to lint each and
//! what it must report. Run: `cargo run --example make_fixtures -- fixtures/lint`.
//!
//! Stores with duplicate labels or keys are made through the library
//! (`Store::add_unchecked`), never by editing bytes. Validity dates are far
//! from today (good certificates 2000–2099, expired ones 2001–2002) so the
//! fixtures keep their meaning as calendar time passes.

use std::fs;
use std::path::{Path, PathBuf};

use kdbman::pki::{CertSpec, ExtKeyUsage, KeyType, keygen};
use kdbman::stash::gskit;
use kdbman::store::cms;
use kdbman::{Access, CreateOptions, Entry, Kdf, Password, PrivateKey, Store};
use serde_json::{Value, json};

const PW: &str = "fixture-password";
/// CMS stores get a password lint does not call guessable (KDB0006W).
const CMS_PW: &str = "Fixture-Password-2026";
const Y2000: i64 = 946_684_800; // 2000-01-01
const Y2001: i64 = 978_307_200; // 2001-01-01
const Y2002: i64 = 1_009_843_200; // 2002-01-01
const Y2099_END: i64 = 4_102_358_400; // 2099-12-31
const Y2120: i64 = 4_733_510_400; // 2120-01-01

/// A throwaway P-521 key (made with `openssl genpkey`): rcgen and ring
/// can neither generate nor certify one, and the SSL0213E fixture needs it.
const P521_KEY: &str = "-----BEGIN PRIVATE KEY-----
MIHuAgEAMBAGByqGSM49AgEGBSuBBAAjBIHWMIHTAgEBBEIA7lbg+XeW/NF/uDyi
xetuXVHdRjr3lsfRKUI6zcqz/Vr6J2ax91vBZmHM1d6BXNCzIzXVSrh9vN4lfEef
DymRAfmhgYkDgYYABACtD3Ntdvgxdg2mHApsM15J9xwCygfcyIKilLzVLCbPg8wt
yRaoC78d/VR3Bi83FIexaJQtdJQ7+iXzIElaTQWNZwG953cg1+D/l30eSc8iE1rJ
umyhlFNFfsgTLvb+ek4Aiq/pZE1ETXFlOQB0vPy0VPriORXYNfL9reaysMPvR/22
1Q==
-----END PRIVATE KEY-----";
/// A P-256 root and a P-521 leaf it signed, made once with OpenSSL 3.0
/// (`req -x509 -days 36500`, then `x509 -req -days 36000` with SAN
/// www.example.com and serverAuth): valid 2026-11-27 to 2125-06-21.
const P521_ROOT: &str = "-----BEGIN CERTIFICATE-----
MIIB4zCCAYmgAwIBAgIUYCWm9UK0mtZZyn27oZS89R54lSUwCgYIKoZIzj0EAwIw
PjEYMBYGA1UECgwPa2RibWFuIGZpeHR1cmVzMSIwIAYDVQQDDBlrZGJtYW4gZml4
dHVyZSBQLTUyMSByb290MCAXDTI2MTEyNzAzNDE1N1oYDzIxMjYxMTAzMDM0MTU3
WjA+MRgwFgYDVQQKDA9rZGJtYW4gZml4dHVyZXMxIjAgBgNVBAMMGWtkYm1hbiBm
aXh0dXJlIFAtNTIxIHJvb3QwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAARkT4x9
gAc4X1QCcMdDOLuPmgf4rO9whEzMkZIYP9b/6aiXLfh3c1n+qMFWmd4IEjsJhsD+
9W4CwxHwISWQsZfpo2MwYTAdBgNVHQ4EFgQUgNNiycRYYnrQEyPhcyf2Kfs/CqUw
HwYDVR0jBBgwFoAUgNNiycRYYnrQEyPhcyf2Kfs/CqUwDwYDVR0TAQH/BAUwAwEB
/zAOBgNVHQ8BAf8EBAMCAQYwCgYIKoZIzj0EAwIDSAAwRQIhALdDFoRx2ihatXjT
Ek/C0NIXVSPQiYdt/rWrRnu++ngmAiAJcGMlVkv0VcFVih2IHniSwOBKwBa6bTZA
1k6+JDtF9Q==
-----END CERTIFICATE-----";
const P521_LEAF: &str = "-----BEGIN CERTIFICATE-----
MIICVjCCAfygAwIBAgIUeQcxTbtdnAjyD9++rRh6exI0dI0wCgYIKoZIzj0EAwIw
PjEYMBYGA1UECgwPa2RibWFuIGZpeHR1cmVzMSIwIAYDVQQDDBlrZGJtYW4gZml4
dHVyZSBQLTUyMSByb290MCAXDTI2MTEyNzAzNDE1N1oYDzIxMjUwNjIxMDM0MTU3
WjA0MRgwFgYDVQQKDA9rZGJtYW4gZml4dHVyZXMxGDAWBgNVBAMMD3d3dy5leGFt
cGxlLmNvbTCBmzAQBgcqhkjOPQIBBgUrgQQAIwOBhgAEAK0Pc212+DF2DaYcCmwz
Xkn3HALKB9zIgqKUvNUsJs+DzC3JFqgLvx39VHcGLzcUh7FolC10lDv6JfMgSVpN
BY1nAb3ndyDX4P+XfR5JzyITWsm6bKGUU0V+yBMu9v56TgCKr+lkTURNcWU5AHS8
/LRU+uI5Fdg18v2t5rKww+9H/bbVo4GcMIGZMBoGA1UdEQQTMBGCD3d3dy5leGFt
cGxlLmNvbTAdBgNVHSUEFjAUBggrBgEFBQcDAQYIKwYBBQUHAwIwDgYDVR0PAQH/
BAQDAgeAMAwGA1UdEwEB/wQCMAAwHQYDVR0OBBYEFMhG3VB0ai02lFDPS1TQIVY3
amc4MB8GA1UdIwQYMBaAFIDTYsnEWGJ60BMj4XMn9in7PwqlMAoGCCqGSM49BAMC
A0gAMEUCIEK9V36xFjcyhBcljqDnqxxa3j1Xr41WI6tW9/xSBTECAiEArP5e1Xo0
YxhueBn24Ir7vK4yARdccTnobotys0iXIHI=
-----END CERTIFICATE-----";

type R<T> = Result<T, Box<dyn std::error::Error>>;

fn pem_der(pem: &str) -> Vec<u8> {
    pem_rfc7468::decode_vec(pem.as_bytes())
        .expect("embedded PEM")
        .1
}

struct Ca {
    cert: Vec<u8>,
    key: PrivateKey,
}

fn ca(cn: &str, not_before: i64, not_after: i64) -> R<Ca> {
    let key = keygen::generate(KeyType::EcP256)?;
    let mut spec = CertSpec::new(format!("CN={cn},O=kdbman fixtures"), 1);
    spec.is_ca = true;
    spec.not_before = not_before;
    spec.not_after = not_after;
    Ok(Ca {
        cert: spec.self_signed(&key)?,
        key,
    })
}

fn spki_of(key: &PrivateKey) -> R<Vec<u8>> {
    let kp = rcgen::KeyPair::try_from(key.pkcs8_der())?;
    Ok(rcgen::PublicKeyData::subject_public_key_info(&kp))
}

fn leaf_spec(not_before: i64, not_after: i64) -> CertSpec {
    let mut spec = CertSpec::new("CN=www.example.com,O=kdbman fixtures", 1);
    spec.sans.push("dns:www.example.com".parse().expect("SAN"));
    spec.not_before = not_before;
    spec.not_after = not_after;
    spec
}

/// A P-256 leaf signed by `ca`, with its key.
fn leaf(ca: &Ca, spec: &CertSpec) -> R<(Vec<u8>, PrivateKey)> {
    let key = keygen::generate(KeyType::EcP256)?;
    let cert = spec.signed_by(&spki_of(&key)?, &ca.cert, &ca.key)?;
    Ok((cert, key))
}

fn create(dir: &Path, name: &str, expires: Option<i64>) -> R<(PathBuf, Store)> {
    let path = dir.join(format!("{name}.kdb"));
    let opts = CreateOptions {
        format: kdbman::StoreFormat::Kdbman,
        kdf: Kdf::ARGON2_FLOOR,
        password_expires: expires,
    };
    let store = Store::create(&path, &Password::new(PW), &opts)?;
    Ok((path, store))
}

fn write_pw(dir: &Path, name: &str, pw: &str) -> R<()> {
    fs::write(dir.join(format!("{name}.pw")), format!("{pw}\n"))?;
    Ok(())
}

/// A store with the root signer and a default leaf; `f` may change it.
fn standard(
    dir: &Path,
    name: &str,
    root: &Ca,
    leaf_cert: Vec<u8>,
    key: PrivateKey,
    f: impl FnOnce(&mut Store) -> R<()>,
) -> R<PathBuf> {
    let (path, mut store) = create(dir, name, None)?;
    store.add(Entry::signer("root", root.cert.clone()))?;
    store.add(Entry::personal("server", vec![leaf_cert], key))?;
    store.set_default("server")?;
    f(&mut store)?;
    store.save()?;
    write_pw(dir, name, PW)?;
    Ok(path)
}

fn case(name: &str, auth: Value, args: &[&str], codes: &[&str], exit: u8) -> Value {
    json!({"name": name, "db": format!("{name}.kdb"), "auth": auth, "args": args, "codes": codes, "exit": exit})
}

fn pw_auth(name: &str) -> Value {
    json!({"pw_file": format!("{name}.pw")})
}

fn main() -> R<()> {
    let out = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "fixtures/lint".into()),
    );
    if out.exists() {
        fs::remove_dir_all(&out)?;
    }
    fs::create_dir_all(&out)?;
    let d = out.as_path();
    let root = ca("kdbman fixture root", Y2000, Y2120)?;
    let good = leaf_spec(Y2000, Y2099_END);
    let mut cases = Vec::new();

    // clean, and the label conditions on the same contents.
    let (c, k) = leaf(&root, &good)?;
    standard(d, "clean", &root, c, k, |_| Ok(()))?;
    cases.push(case("clean", pw_auth("clean"), &[], &[], 0));
    for (name, label, code) in [
        ("SSL0206E", "missing", "SSL0206E"),
        ("SSL0227E", "root", "SSL0227E"),
    ] {
        let (c, k) = leaf(&root, &good)?;
        standard(d, name, &root, c, k, |_| Ok(()))?;
        cases.push(case(name, pw_auth(name), &["--label", label], &[code], 1));
    }

    // SSL0223E: a personal certificate, but no default.
    let (c, k) = leaf(&root, &good)?;
    {
        let (_, mut store) = create(d, "SSL0223E", None)?;
        store.add(Entry::signer("root", root.cert.clone()))?;
        store.add(Entry::personal("server", vec![c], k))?;
        store.save()?;
        write_pw(d, "SSL0223E", PW)?;
    }
    cases.push(case("SSL0223E", pw_auth("SSL0223E"), &[], &["SSL0223E"], 1));

    // SSL0216E: the same certificate and key under two labels.
    let (c, k) = leaf(&root, &good)?;
    let (c2, k2) = (c.clone(), k.clone());
    standard(d, "SSL0216E", &root, c, k, |s| {
        s.add_unchecked(Entry::personal("server-copy", vec![c2], k2));
        Ok(())
    })?;
    cases.push(case("SSL0216E", pw_auth("SSL0216E"), &[], &["SSL0216E"], 1));

    // SSL0217E: two different certificates under one label (case differs).
    let (c, k) = leaf(&root, &good)?;
    let (c2, k2) = leaf(&root, &good)?;
    standard(d, "SSL0217E", &root, c, k, |s| {
        s.add_unchecked(Entry::personal("SERVER", vec![c2], k2));
        Ok(())
    })?;
    cases.push(case("SSL0217E", pw_auth("SSL0217E"), &[], &["SSL0217E"], 1));

    // SSL0219E: the certificate in use expired (2001–2002).
    let (c, k) = leaf(&root, &leaf_spec(Y2001, Y2002))?;
    standard(d, "SSL0219E", &root, c, k, |_| Ok(()))?;
    cases.push(case("SSL0219E", pw_auth("SSL0219E"), &[], &["SSL0219E"], 1));

    // SSL0219E: the store password expired (on 2000-01-01).
    let (c, k) = leaf(&root, &good)?;
    {
        let (_, mut store) = create(d, "SSL0219E-password", Some(Y2000))?;
        store.add(Entry::signer("root", root.cert.clone()))?;
        store.add(Entry::personal("server", vec![c], k))?;
        store.set_default("server")?;
        store.save()?;
        write_pw(d, "SSL0219E-password", PW)?;
    }
    cases.push(case(
        "SSL0219E-password",
        pw_auth("SSL0219E-password"),
        &[],
        &["SSL0219E"],
        1,
    ));

    // SSL0221E: the issuing CA expired in 2002; the leaf is fine.
    let old_root = ca("kdbman fixture old root", Y2000, Y2002)?;
    let (c, k) = leaf(&old_root, &good)?;
    standard(d, "SSL0221E", &old_root, c, k, |_| Ok(()))?;
    cases.push(case("SSL0221E", pw_auth("SSL0221E"), &[], &["SSL0221E"], 1));

    // SSL0208E: issued by a CA that is not in the store.
    let stranger = ca("kdbman fixture unknown CA", Y2000, Y2120)?;
    let (c, k) = leaf(&stranger, &good)?;
    standard(d, "SSL0208E", &root, c, k, |_| Ok(()))?;
    cases.push(case("SSL0208E", pw_auth("SSL0208E"), &[], &["SSL0208E"], 1));

    // SSL0209E: the certificate of one key with the private key of another.
    let (c, _) = leaf(&root, &good)?;
    let other = keygen::generate(KeyType::EcP256)?;
    standard(d, "SSL0209E", &root, c, other, |_| Ok(()))?;
    cases.push(case("SSL0209E", pw_auth("SSL0209E"), &[], &["SSL0209E"], 1));

    // SSL0210E: the certificate in use has serial number zero (TLS checks
    // it, unlike a root's: that is KDB0014W, below).
    {
        let leaf_key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)?;
        let mut p = rcgen::CertificateParams::new(vec!["www.example.com".to_string()])?;
        p.distinguished_name
            .push(rcgen::DnType::CommonName, "www.example.com");
        p.distinguished_name
            .push(rcgen::DnType::OrganizationName, "kdbman fixtures");
        p.serial_number = Some(rcgen::SerialNumber::from_slice(&[0]));
        p.not_before = time::OffsetDateTime::from_unix_timestamp(Y2000)?;
        p.not_after = time::OffsetDateTime::from_unix_timestamp(Y2099_END)?;
        p.key_usages = vec![rcgen::KeyUsagePurpose::DigitalSignature];
        p.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
        let root_key = rcgen::KeyPair::try_from(root.key.pkcs8_der())?;
        let issuer = rcgen::Issuer::from_ca_cert_der(&root.cert.clone().into(), root_key)?;
        let c = p.signed_by(&leaf_key, &issuer)?.der().to_vec();
        let k = PrivateKey::from_pkcs8_der(leaf_key.serialize_der());
        standard(d, "SSL0210E", &root, c, k, |_| Ok(()))?;
    }
    cases.push(case("SSL0210E", pw_auth("SSL0210E"), &[], &["SSL0210E"], 1));

    // KDB0014W: a self-signed signer (a trust anchor) whose serial number
    // is zero, as old roots in real IBM stores have: a warning only.
    let (c, k) = leaf(&root, &good)?;
    let bad_serial = {
        let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)?;
        let mut p = rcgen::CertificateParams::new(Vec::<String>::new())?;
        p.distinguished_name
            .push(rcgen::DnType::CommonName, "kdbman fixture zero serial");
        p.serial_number = Some(rcgen::SerialNumber::from_slice(&[0]));
        p.not_before = time::OffsetDateTime::from_unix_timestamp(Y2000)?;
        p.not_after = time::OffsetDateTime::from_unix_timestamp(Y2099_END)?;
        p.self_signed(&key)?.der().to_vec()
    };
    standard(d, "KDB0014W", &root, c, k, |s| {
        s.add(Entry::signer("zero-serial", bad_serial))?;
        Ok(())
    })?;
    cases.push(case("KDB0014W", pw_auth("KDB0014W"), &[], &["KDB0014W"], 0));

    // SSL0224E: a signer whose bytes are not a certificate.
    let (c, k) = leaf(&root, &good)?;
    standard(d, "SSL0224E", &root, c, k, |s| {
        s.add(Entry::signer(
            "truncated",
            vec![0x30, 0x82, 0x01, 0x00, 0x30],
        ))?;
        Ok(())
    })?;
    cases.push(case("SSL0224E", pw_auth("SSL0224E"), &[], &["SSL0224E"], 1));

    // SSL0264E: the certificate in use does not decode.
    let k = keygen::generate(KeyType::EcP256)?;
    standard(
        d,
        "SSL0264E",
        &root,
        b"not a certificate".to_vec(),
        k,
        |_| Ok(()),
    )?;
    cases.push(case("SSL0264E", pw_auth("SSL0264E"), &[], &["SSL0264E"], 1));

    // SSL0225E: an RSA key of 1024 bits.
    {
        use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey};
        let rsa_key = rsa::PrivateKey::new(&mut getrandom::SysRng, 1024)?;
        let pkcs8 = PrivateKey::from_pkcs8_der(rsa_key.to_pkcs8_der()?.as_bytes().to_vec());
        let spki = rsa_key.to_public_key().to_public_key_der()?;
        let c = good.signed_by(spki.as_bytes(), &root.cert, &root.key)?;
        standard(d, "SSL0225E", &root, c, pkcs8, |_| Ok(()))?;
    }
    cases.push(case("SSL0225E", pw_auth("SSL0225E"), &[], &["SSL0225E"], 1));

    // SSL0213E: a P-521 key, which the bundled server cannot sign with.
    {
        let k = PrivateKey::from_pkcs8_der(pem_der(P521_KEY));
        let (_, mut store) = create(d, "SSL0213E", None)?;
        store.add(Entry::signer("root", pem_der(P521_ROOT)))?;
        store.add(Entry::personal("server", vec![pem_der(P521_LEAF)], k))?;
        store.set_default("server")?;
        store.save()?;
        write_pw(d, "SSL0213E", PW)?;
    }
    cases.push(case("SSL0213E", pw_auth("SSL0213E"), &[], &["SSL0213E"], 1));

    // SSL0214E: a directory where the store should be.
    fs::create_dir(d.join("SSL0214E.kdb"))?;
    fs::write(
        d.join("SSL0214E.kdb").join("README"),
        "a directory, not a store\n",
    )?;
    write_pw(d, "SSL0214E", PW)?;
    cases.push(case("SSL0214E", pw_auth("SSL0214E"), &[], &["SSL0214E"], 3));

    // SSL0215E: a PEM certificate where the store should be.
    fs::write(
        d.join("SSL0215E.kdb"),
        kdbman::pki::pem_encode("CERTIFICATE", &root.cert),
    )?;
    write_pw(d, "SSL0215E", PW)?;
    cases.push(case("SSL0215E", pw_auth("SSL0215E"), &[], &["SSL0215E"], 4));

    // SSL0218E: a damaged store (one payload byte flipped), and a wrong password.
    let (c, k) = leaf(&root, &good)?;
    let p = standard(d, "SSL0218E-damaged", &root, c, k, |_| Ok(()))?;
    let mut bytes = fs::read(&p)?;
    let n = bytes.len();
    bytes[n - 40] ^= 0x01;
    fs::write(&p, bytes)?;
    cases.push(case(
        "SSL0218E-damaged",
        pw_auth("SSL0218E-damaged"),
        &[],
        &["SSL0218E"],
        5,
    ));
    let (c, k) = leaf(&root, &good)?;
    standard(d, "SSL0218E-password", &root, c, k, |_| Ok(()))?;
    write_pw(d, "SSL0218E-password", "not-the-password")?;
    cases.push(case(
        "SSL0218E-password",
        pw_auth("SSL0218E-password"),
        &[],
        &["SSL0218E"],
        6,
    ));

    // SSL0228E: a stash of another store, a stale stash, a damaged stash.
    let stash_case = |name: &str| json!({"stash": format!("{name}.sth")});
    {
        let (c, k) = leaf(&root, &good)?;
        standard(d, "SSL0228E-foreign", &root, c, k, |_| Ok(()))?;
        let (_, other) = create(d, "other", None)?;
        other
            .stash_at(&d.join("SSL0228E-foreign.sth"), &Password::new(PW))
            .write()?;
        drop(other);
        fs::remove_file(d.join("other.kdb"))?;
        cases.push(case(
            "SSL0228E-foreign",
            stash_case("SSL0228E-foreign"),
            &[],
            &["SSL0228E"],
            7,
        ));

        let (c, k) = leaf(&root, &good)?;
        let p = standard(d, "SSL0228E-stale", &root, c, k, |_| Ok(()))?;
        let mut s = Store::open(&p, &Password::new(PW), Access::Update)?;
        s.stash_at(&d.join("SSL0228E-stale.sth"), &Password::new(PW))
            .write()?;
        s.change_password(&Password::new(PW), None, None)?;
        s.save()?;
        cases.push(case(
            "SSL0228E-stale",
            stash_case("SSL0228E-stale"),
            &[],
            &["SSL0228E"],
            7,
        ));

        let (c, k) = leaf(&root, &good)?;
        let p = standard(d, "SSL0228E-damaged", &root, c, k, |_| Ok(()))?;
        let s = Store::open(&p, &Password::new(PW), Access::Read)?;
        let mut bytes = s
            .stash_at(Path::new("x"), &Password::new(PW))
            .encode()?
            .to_vec();
        bytes[50] ^= 0x01;
        fs::write(d.join("SSL0228E-damaged.sth"), bytes)?;
        cases.push(case(
            "SSL0228E-damaged",
            stash_case("SSL0228E-damaged"),
            &[],
            &["SSL0228E"],
            7,
        ));
    }

    // Warnings beyond the catalogue.
    let (c, k) = leaf(&root, &good)?;
    standard(d, "KDB0001W", &root, c, k, |_| Ok(()))?;
    cases.push(case(
        "KDB0001W",
        pw_auth("KDB0001W"),
        &["--at", "2099-12-15", "--fail-on", "warning"],
        &["KDB0001W"],
        1,
    ));
    let mut no_san = good.clone();
    no_san.sans.clear();
    let (c, k) = leaf(&root, &no_san)?;
    standard(d, "KDB0003W", &root, c, k, |_| Ok(()))?;
    cases.push(case("KDB0003W", pw_auth("KDB0003W"), &[], &["KDB0003W"], 0));
    let mut no_eku = good.clone();
    no_eku.ext_key_usage = Some(Vec::<ExtKeyUsage>::new());
    let (c, k) = leaf(&root, &no_eku)?;
    standard(d, "KDB0004W", &root, c, k, |_| Ok(()))?;
    cases.push(case("KDB0004W", pw_auth("KDB0004W"), &[], &["KDB0004W"], 0));
    let (c, k) = leaf(&root, &good)?;
    standard(d, "KDB0005W", &root, c, k, |_| Ok(()))?;
    let mut perm = case(
        "KDB0005W",
        pw_auth("KDB0005W"),
        &["--fail-on", "warning"],
        &["KDB0005W"],
        1,
    );
    perm["mode"] = json!(0o644);
    cases.push(perm);

    // CMS-only findings (each on a CMS store whose other checks are clean).
    let cms_store = |name: &str,
                     version: cms::Version,
                     pw: &str,
                     leaf_cert: Vec<u8>,
                     key: PrivateKey|
     -> R<PathBuf> {
        let path = d.join(format!("{name}.kdb"));
        let opts = CreateOptions {
            format: kdbman::StoreFormat::Cms(version),
            ..CreateOptions::default()
        };
        let mut store = Store::create(&path, &Password::new(pw), &opts)?;
        store.add(Entry::signer("root", root.cert.clone()))?;
        store.add(Entry::personal("server", vec![leaf_cert], key))?;
        store.save()?;
        write_pw(d, name, pw)?;
        Ok(path)
    };
    let (c, k) = leaf(&root, &good)?;
    cms_store("KDB0006W", cms::Version::V6, "password1", c, k)?;
    cases.push(case(
        "KDB0006W",
        pw_auth("KDB0006W"),
        &["--label", "server"],
        &["KDB0006W"],
        0,
    ));
    let (c, k) = leaf(&root, &good)?;
    cms_store("KDB0007W", cms::Version::V4, CMS_PW, c, k)?;
    cases.push(case(
        "KDB0007W",
        pw_auth("KDB0007W"),
        &["--label", "server"],
        &["KDB0007W"],
        0,
    ));
    let (c, k) = leaf(&root, &good)?;
    let p = cms_store("KDB0008W", cms::Version::V6, CMS_PW, c, k)?;
    Store::open(&p, &Password::new(CMS_PW), Access::Read)?
        .gskit_stash_at(
            &d.join("KDB0008W.sth"),
            &Password::new(CMS_PW),
            gskit::Version::V1,
        )?
        .write()?;
    cases.push(case(
        "KDB0008W",
        stash_case("KDB0008W"),
        &["--label", "server"],
        &["KDB0008W"],
        0,
    ));
    let (c, k) = leaf(&root, &good)?;
    cms_store("KDB0009W", cms::Version::V6, CMS_PW, c, k)?;
    cases.push(case("KDB0009W", pw_auth("KDB0009W"), &[], &["KDB0009W"], 0));
    let (c, k) = leaf(&root, &good)?;
    cms_store("cms-clean", cms::Version::V6, CMS_PW, c, k)?;
    cases.push(case(
        "cms-clean",
        pw_auth("cms-clean"),
        &["--label", "server"],
        &[],
        0,
    ));

    let manifest = json!({
        "about": "lint fixtures: lint each `db` with its `auth` and `args`; it must report exactly `codes` and exit with `exit`. Files are meant to be mode 0600 (copy them and chmod before linting; `mode` overrides). Regenerate with `cargo run --example make_fixtures -- fixtures/lint`.",
        "password": PW,
        "cases": cases,
    });
    fs::write(
        d.join("manifest.json"),
        serde_json::to_string_pretty(&manifest)? + "\n",
    )?;
    println!("wrote {} fixtures to {}", cases.len(), d.display());
    Ok(())
}
