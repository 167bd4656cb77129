//! Entries and their DER encoding inside the sealed payload.
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
//!
//! Certificates are kept as opaque octets so that a malformed certificate
//! written by another tool can still be represented, listed and diagnosed.

use std::fmt;

use der::asn1::{OctetStringRef, Utf8StringRef};
use der::{Decode, Encode, Sequence};
use zeroize::Zeroizing;

use crate::secret::PrivateKey;

/// What an entry is for, as in iKeyman's three lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntryKind {
    /// A certificate chain with its private key: what a server presents.
    Personal,
    /// A trusted (or distrusted) CA certificate.
    Signer,
    /// A pending certificate request with its private key.
    Request,
}

impl EntryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Personal => "personal",
            EntryKind::Signer => "signer",
            EntryKind::Request => "request",
        }
    }

    fn code(self) -> u8 {
        match self {
            EntryKind::Personal => 1,
            EntryKind::Signer => 2,
            EntryKind::Request => 3,
        }
    }

    fn from_code(c: u8) -> Option<Self> {
        match c {
            1 => Some(EntryKind::Personal),
            2 => Some(EntryKind::Signer),
            3 => Some(EntryKind::Request),
            _ => None,
        }
    }
}

impl fmt::Display for EntryKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One labelled entry of a store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    label: String,
    kind: EntryKind,
    is_default: bool,
    trusted: bool,
    created: i64,
    certificates: Vec<Vec<u8>>,
    private_key: Option<PrivateKey>,
    request: Option<Vec<u8>>,
}

impl Entry {
    /// A personal entry: the chain (leaf first) and the leaf's private key.
    pub fn personal(label: impl Into<String>, chain: Vec<Vec<u8>>, key: PrivateKey) -> Self {
        Entry {
            label: label.into(),
            kind: EntryKind::Personal,
            is_default: false,
            trusted: true,
            created: now(),
            certificates: chain,
            private_key: Some(key),
            request: None,
        }
    }

    /// A signer entry: one CA certificate, trusted.
    pub fn signer(label: impl Into<String>, certificate: Vec<u8>) -> Self {
        Entry {
            label: label.into(),
            kind: EntryKind::Signer,
            is_default: false,
            trusted: true,
            created: now(),
            certificates: vec![certificate],
            private_key: None,
            request: None,
        }
    }

    /// A request entry: the PKCS#10 request and its private key.
    pub fn request(label: impl Into<String>, csr: Vec<u8>, key: PrivateKey) -> Self {
        Entry {
            label: label.into(),
            kind: EntryKind::Request,
            is_default: false,
            trusted: false,
            created: now(),
            certificates: Vec::new(),
            private_key: Some(key),
            request: Some(csr),
        }
    }

    pub fn label(&self) -> &str {
        &self.label
    }
    pub fn kind(&self) -> EntryKind {
        self.kind
    }
    pub fn is_default(&self) -> bool {
        self.is_default
    }
    /// Whether a signer is trusted as a root (personal entries: always true).
    pub fn is_trusted(&self) -> bool {
        self.trusted
    }
    pub fn created(&self) -> i64 {
        self.created
    }
    /// DER certificates, leaf (or the signer's own certificate) first.
    pub fn certificates(&self) -> &[Vec<u8>] {
        &self.certificates
    }
    /// The entry's own certificate, if it has one.
    pub fn certificate(&self) -> Option<&[u8]> {
        self.certificates.first().map(Vec::as_slice)
    }
    pub fn private_key(&self) -> Option<&PrivateKey> {
        self.private_key.as_ref()
    }
    /// The PKCS#10 request DER of a request entry.
    pub fn csr(&self) -> Option<&[u8]> {
        self.request.as_deref()
    }

    pub(crate) fn set_label(&mut self, label: String) {
        self.label = label;
    }
    pub(crate) fn set_default_flag(&mut self, on: bool) {
        self.is_default = on;
    }
    /// Marks a signer trusted or not (ignored for other kinds).
    pub fn with_trust(mut self, trusted: bool) -> Self {
        if self.kind == EntryKind::Signer {
            self.trusted = trusted;
        }
        self
    }
    /// Sets the creation time (for importers that know it, and fixtures).
    pub fn with_created(mut self, unix: i64) -> Self {
        self.created = unix;
        self
    }
    /// Marks the entry as the default (fixtures and foreign readers only:
    /// [`crate::Store::set_default`] keeps the one-default rule).
    pub fn with_default_flag(mut self, on: bool) -> Self {
        self.is_default = on;
        self
    }
}

pub(crate) fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

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
/// [`crate::store::format::seal`] seals (public for tools and tests that
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
            private_key: e
                .private_key
                .as_ref()
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

/// Decodes entries; the error text says what was malformed. Public for
/// the fuzz targets only.
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
                .map(|k| PrivateKey::from_pkcs8_der(k.as_bytes().to_vec())),
            request: r.request.map(|c| c.as_bytes().to_vec()),
        });
    }
    Ok(out)
}
