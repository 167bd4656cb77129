//! The sealed payload of a native store: its entries in DER.
//!
//! ```asn1
//! StorePayload ::= SEQUENCE {
//!   version  INTEGER (1),
//!   entries  SEQUENCE OF Entry }
//! Entry ::= SEQUENCE {
//!   label        UTF8String,
//!   kind         INTEGER { personal(1), signer(2), request(3) },
//!   isDefault    BOOLEAN,
//!   trusted      BOOLEAN,
//!   created      INTEGER,                  -- Unix seconds
//!   certificates SEQUENCE OF OCTET STRING, -- DER X.509, leaf first
//!   privateKey   [0] IMPLICIT OCTET STRING OPTIONAL, -- PKCS#8 PrivateKeyInfo
//!   request      [1] IMPLICIT OCTET STRING OPTIONAL } -- PKCS#10 CertificationRequest
//! ```

use der::asn1::{OctetStringRef, Utf8StringRef};
use der::{Decode, Encode, Sequence};
use zeroize::Zeroizing;

use crate::secret::PrivateKey;
use crate::store::entry::{Entry, EntryKind, Key};

#[derive(Sequence)]
struct EntryRecord<'a> {
    label: Utf8StringRef<'a>,
    kind: u8,
    is_default: bool,
    trusted: bool,
    created: i64,
    certificates: Vec<&'a OctetStringRef>,
    #[asn1(context_specific = "0", tag_mode = "IMPLICIT", optional = "true")]
    private_key: Option<&'a OctetStringRef>,
    #[asn1(context_specific = "1", tag_mode = "IMPLICIT", optional = "true")]
    request: Option<&'a OctetStringRef>,
}

#[derive(Sequence)]
struct PayloadRecord<'a> {
    version: u8,
    entries: Vec<EntryRecord<'a>>,
}

pub const PAYLOAD_VERSION: u8 = 1;

/// Encodes entries into a zeroizing DER buffer: the plaintext that
/// [`super::format::seal`] seals (public for tools and tests that
/// build store files).
pub fn encode(entries: &[Entry]) -> Result<Zeroizing<Vec<u8>>, der::Error> {
    let mut records = Vec::with_capacity(entries.len());
    for e in entries {
        records.push(EntryRecord {
            label: Utf8StringRef::new(e.label.as_str())?,
            kind: e.kind.code(),
            is_default: e.is_default,
            trusted: e.trusted,
            created: e.created,
            certificates: e
                .certificates
                .iter()
                .map(|c| OctetStringRef::new(c))
                .collect::<Result<_, _>>()?,
            // A sealed (CMS) key is decrypted here: `State::seal` has
            // checked that every key does.
            private_key: e
                .private_key()
                .map(|k| OctetStringRef::new(k.pkcs8_der()))
                .transpose()?,
            request: e.request.as_deref().map(OctetStringRef::new).transpose()?,
        });
    }
    let payload = PayloadRecord {
        version: PAYLOAD_VERSION,
        entries: records,
    };
    let len = u32::from(payload.encoded_len()?) as usize;
    let mut buf = Zeroizing::new(vec![0u8; len]);
    payload.encode_to_slice(&mut buf)?;
    Ok(buf)
}

/// Decodes entries; the error text says what was malformed.
#[doc(hidden)]
pub fn decode(bytes: &[u8]) -> Result<Vec<Entry>, String> {
    let payload = PayloadRecord::from_der(bytes).map_err(|e| e.to_string())?;
    if payload.version != PAYLOAD_VERSION {
        return Err(format!("entry list version {}", payload.version));
    }
    let mut out = Vec::with_capacity(payload.entries.len());
    for r in payload.entries {
        let kind = EntryKind::from_code(r.kind)
            .ok_or_else(|| format!("entry `{}` has unknown kind {}", r.label.as_str(), r.kind))?;
        out.push(Entry {
            label: r.label.as_str().to_string(),
            kind,
            is_default: r.is_default,
            trusted: r.trusted,
            created: r.created,
            certificates: r
                .certificates
                .iter()
                .map(|c| c.as_bytes().to_vec())
                .collect(),
            private_key: r
                .private_key
                .map(|k| Key::Plain(PrivateKey::from_pkcs8_der(k.as_bytes().to_vec()))),
            request: r.request.map(|c| c.as_bytes().to_vec()),
        });
    }
    Ok(out)
}
