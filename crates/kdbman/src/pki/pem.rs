//! Private keys and certificates in and out: PEM or DER; PKCS#8, PKCS#1,
//! SEC1 and encrypted PKCS#8 keys.
//!
//! Keys are kept as PKCS#8 that ring accepts: EC keys carry their public
//! key (keytool leaves it out; it is put back from the certificate) and
//! Ed25519 keys are PKCS#8 v2 as ring writes them. On the way out Ed25519
//! becomes v1 (seed only), the form OpenSSL 3.0 reads.

use std::path::Path;

use pkcs8::der::asn1::{BitStringRef, ObjectIdentifier, OctetString, OctetStringRef};
use pkcs8::der::{Decode, Encode, Sequence};
use zeroize::Zeroizing;

use super::KeyAlgorithm;
use super::cert::key_algorithm_of_pkcs8;
use crate::error::{Error, Result};
use crate::secret::{Password, PrivateKey};

const OID_EC: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const OID_ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");

fn bad(what: &str, detail: impl std::fmt::Display) -> Error {
    Error::BadInput {
        what: what.to_string(),
        detail: detail.to_string(),
        code: Some("SSL0224E"),
    }
}

/// Whether the bytes are PEM text: a `-----BEGIN ` line anywhere, with
/// any text around it (as openssl reads it), and no NUL byte before it
/// (which DER almost always has).
pub fn is_pem(bytes: &[u8]) -> bool {
    let mut offset = 0;
    for line in bytes.split(|b| *b == b'\n') {
        if line.trim_ascii_start().starts_with(b"-----BEGIN ") {
            return !bytes[..offset].contains(&0);
        }
        offset += line.len() + 1;
    }
    false
}

/// One PEM block.
pub struct PemBlock {
    pub label: String,
    /// RFC 1421 headers (`Proc-Type`, `DEK-Info`, …) in order.
    pub headers: Vec<(String, String)>,
    pub der: Zeroizing<Vec<u8>>,
    /// 1-based line number of the BEGIN line.
    pub line: usize,
}

/// Every PEM block in text, read the way openssl reads PEM: any text
/// before, between and after blocks is skipped; lines may end in CRLF;
/// RFC 1421 headers (`Name: value`, continued by indented lines, ended by
/// a blank line) may open a block; base64 lines may carry spaces.
pub fn pem_blocks(bytes: &[u8], what: &str) -> Result<Vec<PemBlock>> {
    use base64ct::{Base64, Encoding};
    struct Open {
        label: String,
        line: usize,
        headers: Vec<(String, String)>,
        in_headers: bool,
        body: Zeroizing<Vec<u8>>,
    }
    let mut out = Vec::new();
    let mut open: Option<Open> = None;
    for (n, raw) in bytes.split(|b| *b == b'\n').enumerate() {
        let line = raw.trim_ascii();
        let marker = |prefix: &[u8]| -> Option<String> {
            let rest = line.strip_prefix(prefix)?.strip_suffix(b"-----")?;
            Some(String::from_utf8_lossy(rest).trim().to_string())
        };
        let Some(mut cur) = open.take() else {
            if let Some(label) = marker(b"-----BEGIN ") {
                open = Some(Open {
                    label,
                    line: n + 1,
                    headers: Vec::new(),
                    in_headers: true,
                    body: Zeroizing::new(Vec::new()),
                });
            }
            continue;
        };
        if let Some(end) = marker(b"-----END ") {
            if end != cur.label {
                return Err(bad(
                    what,
                    format!(
                        "bad PEM: the {} block begun on line {} ends with `END {end}` on line {}",
                        cur.label,
                        cur.line,
                        n + 1
                    ),
                ));
            }
            let der = Base64::decode_vec(&String::from_utf8_lossy(&cur.body)).map_err(|_| {
                bad(
                    what,
                    format!(
                        "bad PEM: the base64 text of the {} block begun on line {} is damaged",
                        cur.label, cur.line
                    ),
                )
            })?;
            out.push(PemBlock {
                label: cur.label,
                headers: cur.headers,
                der: Zeroizing::new(der),
                line: cur.line,
            });
            continue;
        }
        if line.starts_with(b"-----BEGIN ") {
            return Err(bad(
                what,
                format!(
                    "bad PEM: the {} block begun on line {} has no END line before line {}",
                    cur.label,
                    cur.line,
                    n + 1
                ),
            ));
        }
        if cur.in_headers {
            let continued = raw.first().is_some_and(|b| *b == b' ' || *b == b'\t');
            if line.is_empty() {
                // A blank line ends the headers (if any were read).
                cur.in_headers = cur.headers.is_empty();
                open = Some(cur);
                continue;
            }
            if continued && !cur.headers.is_empty() {
                if let Some(last) = cur.headers.last_mut() {
                    last.1.push(' ');
                    last.1.push_str(String::from_utf8_lossy(line).as_ref());
                }
                open = Some(cur);
                continue;
            }
            if let Some(colon) = line.iter().position(|b| *b == b':') {
                let (k, v) = line.split_at(colon);
                cur.headers.push((
                    String::from_utf8_lossy(k).trim().to_string(),
                    String::from_utf8_lossy(&v[1..]).trim().to_string(),
                ));
                open = Some(cur);
                continue;
            }
            cur.in_headers = false;
        }
        cur.body
            .extend(line.iter().filter(|b| !b.is_ascii_whitespace()));
        open = Some(cur);
    }
    if let Some(cur) = open {
        return Err(bad(
            what,
            format!(
                "bad PEM: the {} block begun on line {} has no END line (truncated?)",
                cur.label, cur.line
            ),
        ));
    }
    Ok(out)
}

/// Labels openssl reads as a certificate. `TRUSTED CERTIFICATE` is
/// OpenSSL's certificate followed by its trust settings.
fn is_certificate_label(label: &str) -> bool {
    matches!(
        label,
        "CERTIFICATE" | "X509 CERTIFICATE" | "TRUSTED CERTIFICATE"
    )
}

/// The certificate of a certificate block: for `TRUSTED CERTIFICATE`, the
/// first DER element (the trust settings that follow are dropped).
fn certificate_of(block: &PemBlock, what: &str) -> Result<Vec<u8>> {
    let mut der = block.der.to_vec();
    if block.label == "TRUSTED CERTIFICATE" {
        use pkcs8::der::{Reader, SliceReader};
        let len = SliceReader::new(&der)
            .ok()
            .and_then(|mut r| r.tlv_bytes().ok().map(<[u8]>::len));
        if let Some(len) = len {
            der.truncate(len);
        }
    }
    super::cert::cert_info(&der).map_err(|e| {
        bad(
            what,
            format!(
                "the {} block on line {} is not a valid X.509 certificate: {e}",
                block.label, block.line
            ),
        )
    })?;
    Ok(der)
}

/// What a file without a usable block holds, for the error.
fn found_instead(blocks: &[PemBlock]) -> String {
    if blocks.is_empty() {
        return "no PEM block (no `-----BEGIN …-----` line)".into();
    }
    let mut labels: Vec<&str> = blocks.iter().map(|b| b.label.as_str()).collect();
    labels.dedup();
    format!("only {} block(s)", labels.join(", "))
}

/// One or more certificates from PEM (any text around the blocks) or a
/// single DER certificate, each checked to parse. `what` names the input
/// in errors.
pub fn parse_certificates(bytes: &[u8], what: &str) -> Result<Vec<Vec<u8>>> {
    if is_pem(bytes) {
        let blocks = pem_blocks(bytes, what)?;
        let mut certs: Vec<Vec<u8>> = Vec::new();
        for b in blocks.iter().filter(|b| is_certificate_label(&b.label)) {
            let c = certificate_of(b, what)?;
            // The same certificate pasted twice counts once.
            if !certs.contains(&c) {
                certs.push(c);
            }
        }
        if certs.is_empty() {
            return Err(bad(
                what,
                format!(
                    "no CERTIFICATE block in the PEM file: it holds {}",
                    found_instead(&blocks)
                ),
            ));
        }
        return Ok(certs);
    }
    if bytes.first() != Some(&0x30) {
        return Err(bad(
            what,
            if bytes.is_empty() {
                "it is empty".to_string()
            } else {
                format!(
                    "neither PEM nor a DER certificate: it holds {}",
                    found_instead(&[])
                )
            },
        ));
    }
    super::cert::cert_info(bytes)
        .map_err(|e| bad(what, format!("not a valid X.509 certificate: {e}")))?;
    Ok(vec![bytes.to_vec()])
}

/// [`parse_certificates`] of a file.
pub fn read_certificates(file: &Path) -> Result<Vec<Vec<u8>>> {
    let bytes = crate::file::read_input(file)?;
    parse_certificates(&bytes, &format!("certificate file {}", file.display()))
}

/// The certificates and the private key blocks of a PEM file.
pub struct PemBundle {
    pub certificates: Vec<Vec<u8>>,
    /// (PEM label, DER) of each key block, zeroized on drop.
    pub keys: Vec<(String, Zeroizing<Vec<u8>>)>,
}

/// Splits PEM text into certificates and key blocks; other blocks and
/// text around them are ignored.
pub fn split_pem(bytes: &[u8], what: &str) -> Result<PemBundle> {
    let mut out = PemBundle {
        certificates: Vec::new(),
        keys: Vec::new(),
    };
    for block in pem_blocks(bytes, what)? {
        if is_certificate_label(&block.label) {
            out.certificates.push(certificate_of(&block, what)?);
        } else if block.label.ends_with("PRIVATE KEY") {
            if block
                .headers
                .iter()
                .any(|(k, v)| k.eq_ignore_ascii_case("Proc-Type") && v.contains("ENCRYPTED"))
            {
                return Err(bad(
                    what,
                    format!(
                        "the {} block on line {} is encrypted the old OpenSSL way (Proc-Type: 4,ENCRYPTED); convert it with `openssl pkcs8 -topk8 -in KEY -out KEY8.pem` and give that",
                        block.label, block.line
                    ),
                ));
            }
            out.keys.push((block.label, block.der));
        }
    }
    Ok(out)
}

/// A private key from PEM or DER in any of PKCS#8, encrypted PKCS#8
/// (needs `password`), PKCS#1 (RSA) or SEC1 (EC), as PKCS#8.
pub fn parse_private_key(
    bytes: &[u8],
    password: Option<&Password>,
    what: &str,
) -> Result<PrivateKey> {
    if is_pem(bytes) {
        let bundle = split_pem(bytes, what)?;
        let Some((label, der)) = bundle.keys.into_iter().next() else {
            return Err(bad(what, "no PRIVATE KEY block in the PEM file"));
        };
        return private_key_der(&der, Some(&label), password, what);
    }
    private_key_der(bytes, None, password, what)
}

/// A DER private key; `label` is the PEM label if there was one.
pub fn private_key_der(
    der: &[u8],
    label: Option<&str>,
    password: Option<&Password>,
    what: &str,
) -> Result<PrivateKey> {
    let encrypted = label == Some("ENCRYPTED PRIVATE KEY")
        || (label.is_none()
            && pkcs8::EncryptedPrivateKeyInfoRef::from_der(der).is_ok()
            && pkcs8::PrivateKeyInfoRef::from_der(der).is_err());
    if encrypted {
        let info = pkcs8::EncryptedPrivateKeyInfoRef::from_der(der)
            .map_err(|e| bad(what, format!("malformed encrypted PKCS#8 key: {e}")))?;
        let Some(pw) = password else {
            return Err(Error::Usage {
                detail: format!("{what} is an encrypted private key: give its password"),
            });
        };
        check_pbe_cost(&info.encryption_algorithm, what)?;
        let plain = info.decrypt(pw.as_bytes()).map_err(|e| match e {
            pkcs8::Error::EncryptedPrivateKey(pkcs8::pkcs5::Error::DecryptFailed) => {
                Error::BadInput {
                    what: what.to_string(),
                    detail: "the password does not decrypt the private key".into(),
                    code: None,
                }
            }
            e => bad(what, format!("cannot decrypt the private key: {e}")),
        })?;
        return check_pkcs8(plain.as_bytes(), what);
    }
    match label {
        Some("RSA PRIVATE KEY") => return from_pkcs1(der, what),
        Some("EC PRIVATE KEY") => return from_sec1(der, what),
        _ => {}
    }
    if pkcs8::PrivateKeyInfoRef::from_der(der).is_ok() {
        return check_pkcs8(der, what);
    }
    if label.is_none() {
        if let Ok(k) = from_pkcs1(der, what) {
            return Ok(k);
        }
        if let Ok(k) = from_sec1(der, what) {
            return Ok(k);
        }
    }
    Err(bad(
        what,
        "not a private key in PKCS#8, encrypted PKCS#8, PKCS#1 or SEC1 form",
    ))
}

/// PBKDF2 iterations accepted in an encrypted key: the store's own
/// ceiling (a few seconds); OpenSSL writes 2048, the pkcs8 crate 600,000.
pub const PBE_MAX_ITERATIONS: u32 = crate::limits::PBKDF2_MAX_ITERATIONS;
/// scrypt memory (128·N·r bytes) accepted in an encrypted key: the
/// store's Argon2 ceiling, 256 MiB (OpenSSL's own default limit is 32 MiB).
pub const PBE_MAX_SCRYPT_MEMORY: u64 = crate::limits::KDF_MAX_MEMORY_KIB as u64 * 1024;
/// scrypt parallelism accepted in an encrypted key.
pub const PBE_MAX_SCRYPT_PARALLELISM: u16 = 16;

/// Refuses key-derivation parameters that would hang or exhaust memory
/// (a crafted file), or that the pkcs5 crate cannot take without a panic
/// (an scrypt cost of 0 overflows inside it), before anything runs.
pub(crate) fn check_pbe_cost(scheme: &pkcs8::pkcs5::EncryptionScheme, what: &str) -> Result<()> {
    use pkcs8::pkcs5::{EncryptionScheme, pbes2::Kdf};
    let refuse = |detail: String| {
        Err(bad(
            what,
            format!("{detail}; refused without running it (a damaged or crafted file?)"),
        ))
    };
    let EncryptionScheme::Pbes2(params) = scheme else {
        // PBES1 counts are 16-bit: at most 65,535 iterations.
        return Ok(());
    };
    match &params.kdf {
        Kdf::Pbkdf2(p) if p.iteration_count == 0 || p.iteration_count > PBE_MAX_ITERATIONS => {
            refuse(format!(
                "its key derivation asks for {} PBKDF2 iterations (kdbman accepts 1 to {PBE_MAX_ITERATIONS})",
                p.iteration_count
            ))
        }
        Kdf::Pbkdf2(_) => Ok(()),
        Kdf::Scrypt(s) => {
            let n = s.cost_parameter;
            let memory = 128u64
                .checked_mul(n)
                .and_then(|m| m.checked_mul(u64::from(s.block_size)));
            if n < 2 || !n.is_power_of_two() || s.block_size == 0 || s.parallelization == 0 {
                refuse(format!(
                    "its scrypt parameters are invalid (N={n}, r={}, p={})",
                    s.block_size, s.parallelization
                ))
            } else if memory.is_none_or(|m| m > PBE_MAX_SCRYPT_MEMORY)
                || s.parallelization > PBE_MAX_SCRYPT_PARALLELISM
            {
                refuse(format!(
                    "its scrypt parameters (N={n}, r={}, p={}) ask for more than {} MiB or {PBE_MAX_SCRYPT_PARALLELISM} lanes",
                    s.block_size,
                    s.parallelization,
                    PBE_MAX_SCRYPT_MEMORY >> 20
                ))
            } else {
                Ok(())
            }
        }
        // Any other KDF is one pkcs5 refuses by itself.
        _ => Ok(()),
    }
}

/// Refuses keys kdbman cannot use, naming the algorithm; Ed25519 v1 becomes v2.
fn check_pkcs8(der: &[u8], what: &str) -> Result<PrivateKey> {
    match key_algorithm_of_pkcs8(der) {
        KeyAlgorithm::Rsa { bits } if bits > 0 => Ok(PrivateKey::from_pkcs8_der(der.to_vec())),
        KeyAlgorithm::Rsa { .. } => Err(bad(what, "malformed RSA private key")),
        KeyAlgorithm::EcP256 | KeyAlgorithm::EcP384 => Ok(PrivateKey::from_pkcs8_der(der.to_vec())),
        KeyAlgorithm::Ed25519 => ed25519_v2(der, what),
        other => Err(unsupported(what, &other)),
    }
}

/// The error for a key algorithm kdbman does not handle.
pub fn unsupported(what: &str, alg: &KeyAlgorithm) -> Error {
    let name = match alg {
        KeyAlgorithm::Other(oid) if oid == "1.3.101.113" => "Ed448".to_string(),
        KeyAlgorithm::Other(oid) if oid == "1.3.101.110" => "X25519".to_string(),
        KeyAlgorithm::Other(oid) if oid == "1.3.101.111" => "X448".to_string(),
        other => other.to_string(),
    };
    Error::BadInput {
        what: what.to_string(),
        detail: format!(
            "unsupported key algorithm {name}: kdbman handles RSA, ECDSA P-256/P-384 and Ed25519 keys"
        ),
        code: Some("SSL0225E"),
    }
}

fn from_pkcs1(der: &[u8], what: &str) -> Result<PrivateKey> {
    use rsa::pkcs1::DecodeRsaPrivateKey;
    use rsa::pkcs8::EncodePrivateKey;
    let key = rsa::PrivateKey::from_pkcs1_der(der)
        .map_err(|e| bad(what, format!("malformed PKCS#1 RSA key: {e}")))?;
    let doc = key
        .to_pkcs8_der()
        .map_err(|e| bad(what, format!("cannot re-encode the RSA key: {e}")))?;
    Ok(PrivateKey::from_pkcs8_der(doc.as_bytes().to_vec()))
}

/// RFC 5915 ECPrivateKey, borrowed so the secret is never copied into
/// a buffer that would not be wiped.
#[derive(Sequence)]
struct EcPrivateKey<'a> {
    version: u8,
    private_key: &'a OctetStringRef,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    parameters: Option<ObjectIdentifier>,
    #[asn1(context_specific = "1", tag_mode = "EXPLICIT", optional = "true")]
    public_key: Option<BitStringRef<'a>>,
}

fn pkcs8_of_ec(curve: ObjectIdentifier, ec: &EcPrivateKey, what: &str) -> Result<PrivateKey> {
    let inner = Zeroizing::new(
        ec.to_der()
            .map_err(|e| bad(what, format!("cannot encode the EC key: {e}")))?,
    );
    let params = pkcs8::der::Any::from_der(
        &curve
            .to_der()
            .map_err(|e| bad(what, format!("cannot encode the curve: {e}")))?,
    )
    .map_err(|e| bad(what, e))?;
    let info = pkcs8::PrivateKeyInfoRef::new(
        pkcs8::AlgorithmIdentifierRef {
            oid: OID_EC,
            parameters: Some((&params).into()),
        },
        OctetStringRef::new(&inner).map_err(|e| bad(what, e))?,
    );
    let der = info
        .to_der()
        .map_err(|e| bad(what, format!("cannot encode the PKCS#8 key: {e}")))?;
    check_pkcs8(&Zeroizing::new(der), what)
}

fn from_sec1(der: &[u8], what: &str) -> Result<PrivateKey> {
    let ec = EcPrivateKey::from_der(der)
        .map_err(|e| bad(what, format!("malformed SEC1 EC key: {e}")))?;
    let Some(curve) = ec.parameters else {
        return Err(bad(what, "the SEC1 EC key does not name its curve"));
    };
    let ec = EcPrivateKey {
        version: 1,
        private_key: ec.private_key,
        parameters: None,
        public_key: ec.public_key,
    };
    pkcs8_of_ec(curve, &ec, what)
}

/// Ed25519 as PKCS#8 v2 with the public key, byte for byte as ring writes it.
fn ed25519_v2(der: &[u8], what: &str) -> Result<PrivateKey> {
    let info = pkcs8::PrivateKeyInfoRef::from_der(der).map_err(|e| bad(what, e))?;
    let seed = Zeroizing::new(
        OctetString::from_der(info.private_key.as_bytes())
            .map_err(|e| bad(what, format!("malformed Ed25519 key: {e}")))?
            .into_bytes(),
    );
    let kp = ring::signature::Ed25519KeyPair::from_seed_unchecked(&seed)
        .map_err(|_| bad(what, "malformed Ed25519 key (the seed is not 32 bytes)"))?;
    use ring::signature::KeyPair;
    let public = kp.public_key().as_ref().to_vec();
    if let Some(given) = info.public_key.as_ref().and_then(|p| p.as_bytes())
        && given != public.as_slice()
    {
        return Err(bad(
            what,
            "the Ed25519 key's public key does not match its seed",
        ));
    }
    let mut out = Zeroizing::new(Vec::with_capacity(85));
    out.extend_from_slice(&[
        0x30, 0x51, 0x02, 0x01, 0x01, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04,
        0x20,
    ]);
    out.extend_from_slice(&seed);
    out.extend_from_slice(&[0x81, 0x21, 0x00]);
    out.extend_from_slice(&public);
    Ok(PrivateKey::from_pkcs8_der(out.to_vec()))
}

/// The key's public key as the bit string content of a SubjectPublicKeyInfo
/// (`None` for an EC key stored without it).
pub fn public_key_bits(key: &PrivateKey) -> Option<Vec<u8>> {
    let der = key.pkcs8_der();
    match key_algorithm_of_pkcs8(der) {
        KeyAlgorithm::Rsa { .. } => {
            use rsa::pkcs1::EncodeRsaPublicKey;
            use rsa::pkcs8::DecodePrivateKey;
            let k = rsa::PrivateKey::from_pkcs8_der(der).ok()?;
            Some(k.to_public_key().to_pkcs1_der().ok()?.as_bytes().to_vec())
        }
        KeyAlgorithm::EcP256 | KeyAlgorithm::EcP384 => {
            let info = pkcs8::PrivateKeyInfoRef::from_der(der).ok()?;
            let ec = EcPrivateKey::from_der(info.private_key.as_bytes()).ok()?;
            ec.public_key.as_ref()?.as_bytes().map(<[u8]>::to_vec)
        }
        KeyAlgorithm::Ed25519 => {
            use ring::signature::KeyPair;
            let kp = ring::signature::Ed25519KeyPair::from_pkcs8_maybe_unchecked(der).ok()?;
            Some(kp.public_key().as_ref().to_vec())
        }
        _ => None,
    }
}

/// Whether `key` is the private key of certificate (or request SPKI) `spki_der`.
/// An EC key without its public key is tried with the certificate's.
pub fn key_matches_spki(key: &PrivateKey, spki_der: &[u8]) -> bool {
    use x509_parser::prelude::FromDer;
    let Ok((_, spki)) = x509_parser::x509::SubjectPublicKeyInfo::from_der(spki_der) else {
        return false;
    };
    match public_key_bits(key) {
        Some(bits) => bits == spki.subject_public_key.data.as_ref(),
        None => complete_ec_key(key, spki_der, "key").is_ok(),
    }
}

/// Puts the public key from `spki_der` into an EC key that lacks it, and
/// checks with ring that the two belong together. Other keys pass through.
pub fn complete_ec_key(key: &PrivateKey, spki_der: &[u8], what: &str) -> Result<PrivateKey> {
    use x509_parser::prelude::FromDer;
    let der = key.pkcs8_der();
    let alg = key_algorithm_of_pkcs8(der);
    let ring_alg = match alg {
        KeyAlgorithm::EcP256 => &ring::signature::ECDSA_P256_SHA256_ASN1_SIGNING,
        KeyAlgorithm::EcP384 => &ring::signature::ECDSA_P384_SHA384_ASN1_SIGNING,
        _ => return Ok(key.clone()),
    };
    let info = pkcs8::PrivateKeyInfoRef::from_der(der).map_err(|e| bad(what, e))?;
    let ec = EcPrivateKey::from_der(info.private_key.as_bytes())
        .map_err(|e| bad(what, format!("malformed EC key: {e}")))?;
    let curve = info
        .algorithm
        .parameters
        .and_then(|p| p.decode_as::<ObjectIdentifier>().ok())
        .ok_or_else(|| bad(what, "the EC key does not name its curve"))?;
    let (_, spki) = x509_parser::x509::SubjectPublicKeyInfo::from_der(spki_der)
        .map_err(|e| bad(what, format!("malformed public key: {e}")))?;
    let public =
        BitStringRef::new(0, spki.subject_public_key.data.as_ref()).map_err(|e| bad(what, e))?;
    let fixed = if ec.public_key.is_some() && ec.parameters.is_none() {
        key.clone()
    } else {
        let rebuilt = EcPrivateKey {
            version: 1,
            private_key: ec.private_key,
            parameters: None,
            public_key: Some(ec.public_key.unwrap_or(public)),
        };
        pkcs8_of_ec(curve, &rebuilt, what)?
    };
    ring::signature::EcdsaKeyPair::from_pkcs8(
        ring_alg,
        fixed.pkcs8_der(),
        &ring::rand::SystemRandom::new(),
    )
    .map_err(|e| Error::BadInput {
        what: what.to_string(),
        detail: format!("the EC private key does not belong to the certificate ({e})"),
        code: Some("SSL0209E"),
    })?;
    Ok(fixed)
}

/// PKCS#8 as other tools read it: Ed25519 as v1 (seed only, for OpenSSL 3.0).
pub fn pkcs8_for_export(key: &PrivateKey) -> Zeroizing<Vec<u8>> {
    let der = key.pkcs8_der();
    if let Ok(info) = pkcs8::PrivateKeyInfoRef::from_der(der)
        && info.algorithm.oid == OID_ED25519
        && info.public_key.is_some()
    {
        let v1 = pkcs8::PrivateKeyInfoRef::new(info.algorithm, info.private_key);
        if let Ok(out) = v1.to_der() {
            return Zeroizing::new(out);
        }
    }
    Zeroizing::new(der.to_vec())
}

/// The key as PEM `PRIVATE KEY` (unencrypted PKCS#8), zeroized on drop.
pub fn private_key_pem(key: &PrivateKey) -> Zeroizing<String> {
    let der = pkcs8_for_export(key);
    Zeroizing::new(
        pem_rfc7468::encode_string("PRIVATE KEY", pem_rfc7468::LineEnding::LF, &der)
            .unwrap_or_default(),
    )
}
