//! Small data types that the error type ([`crate::error`]) carries and
//! the modules above it share: what an entry is, what a file is (told by
//! content), a KDF and why it is refused. Data only: this module uses
//! nothing of the crate, so `error.rs` can name them without pointing up.
//! Each is re-exported from its old home (`store::EntryKind`,
//! `store::detect::FileKind`, `store::native::kdf::KdfLimit`, …), where
//! the code that works on it (detection, derivation) stays.

use std::fmt;

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

    pub(crate) fn code(self) -> u8 {
        match self {
            EntryKind::Personal => 1,
            EntryKind::Signer => 2,
            EntryKind::Request => 3,
        }
    }

    pub(crate) fn from_code(c: u8) -> Option<Self> {
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

/// Key derivation functions of format v1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Kdf {
    /// Argon2id (RFC 9106) version 0x13, memory in KiB.
    Argon2id {
        memory_kib: u32,
        iterations: u32,
        parallelism: u32,
    },
    /// PBKDF2 with HMAC-SHA-256.
    Pbkdf2Sha256 { iterations: u32 },
}

/// A KDF request outside format v1's bounds.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum KdfLimit {
    /// A parameter is below the floor or above the ceiling.
    OutOfRange {
        asked: Kdf,
        parameter: &'static str,
        value: u64,
        min: u64,
        max: u64,
    },
}

impl fmt::Display for KdfLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KdfLimit::OutOfRange {
                asked,
                parameter,
                value,
                min,
                max,
            } => write!(
                f,
                "{} {parameter} {value} is outside {min}..={max} (asked for: {asked})",
                asked.name()
            ),
        }
    }
}
/// What a CMS container holds, by its type tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CmsContent {
    /// `X509KEY`: a key database (`.kdb`).
    Keys,
    /// `X509KYP`: a request database (`.rdb`).
    Requests,
    /// `X509CRL`: a CRL database (`.crl`).
    Crls,
    /// The tag is damaged or missing (the file is short).
    Unknown,
}

/// Which kinds of PEM block a PEM file holds (told by their labels only;
/// nothing is decoded, and a label is never echoed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct PemBlocks(pub(crate) u8);

impl PemBlocks {
    const CERTIFICATE: u8 = 1;
    const PRIVATE_KEY: u8 = 2;
    const REQUEST: u8 = 4;
    const CRL: u8 = 8;
    const PUBLIC_KEY: u8 = 16;
    const OTHER: u8 = 32;
    pub(crate) const NAMES: [(u8, &'static str); 6] = [
        (Self::CERTIFICATE, "a certificate"),
        (Self::PRIVATE_KEY, "a private key"),
        (Self::REQUEST, "a certificate request"),
        (Self::CRL, "a CRL"),
        (Self::PUBLIC_KEY, "a public key"),
        (Self::OTHER, "another PEM block"),
    ];

    pub(crate) fn from_label(label: &[u8]) -> u8 {
        match label {
            b"CERTIFICATE" | b"X509 CERTIFICATE" | b"TRUSTED CERTIFICATE" => Self::CERTIFICATE,
            b"PRIVATE KEY" | b"ENCRYPTED PRIVATE KEY" | b"RSA PRIVATE KEY" | b"EC PRIVATE KEY" => {
                Self::PRIVATE_KEY
            }
            b"CERTIFICATE REQUEST" | b"NEW CERTIFICATE REQUEST" => Self::REQUEST,
            b"X509 CRL" => Self::CRL,
            b"PUBLIC KEY" | b"RSA PUBLIC KEY" => Self::PUBLIC_KEY,
            _ => Self::OTHER,
        }
    }
    pub fn certificate(self) -> bool {
        self.0 & Self::CERTIFICATE != 0
    }
    pub fn private_key(self) -> bool {
        self.0 & Self::PRIVATE_KEY != 0
    }
    pub fn request(self) -> bool {
        self.0 & Self::REQUEST != 0
    }
}

/// The first bytes of a file of no known format, for the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Head {
    pub(crate) bytes: [u8; 8],
    pub(crate) len: u8,
    /// Printable text (UTF-8, no control bytes but whitespace).
    pub(crate) text: bool,
}

/// What a file is, told by content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FileKind {
    /// kdbman's native store: its magic, or one a few bit flips away
    /// (damaged). `version` is the header's format version, when the file
    /// is long enough to hold one.
    Kdbman { version: Option<u16> },
    /// An IBM CMS container (`37 48`, or a header a few bit flips away:
    /// damaged). `version` is its version byte (3, 4 or 6 in IBM-made
    /// files), when the file is long enough to hold one.
    Cms {
        version: Option<u8>,
        content: CmsContent,
    },
    /// PKCS#12 (a DER SEQUENCE whose first element is INTEGER 3).
    Pkcs12,
    /// A store of a format registered with its own codec (beyond the
    /// three above), named by the codec (`format`), with its version when
    /// the codec reads one.
    Store {
        format: &'static str,
        version: Option<u16>,
    },
    /// Java KeyStore (`FE ED FE ED`).
    Jks,
    /// Java JCEKS keystore (`CE CE CE CE`).
    Jceks,
    /// PEM text.
    Pem(PemBlocks),
    /// One DER-encoded X.509 certificate.
    DerCertificate,
    /// KeePass 1.x password database (`03 D9 A2 9A 65 FB 4B B5`), which
    /// is named `.kdb` too.
    KeePass1,
    /// KeePass 2.x password database (`03 D9 A2 9A 67 FB 4B B5`, or `66`
    /// in pre-release versions).
    KeePass2,
    /// kdbman's native stash (`man/kdbman-stash.5`).
    KdbmanStash,
    /// A GSKit stash (`.sth`), v1 or v2, checked by content.
    GskitStash,
    /// Zero bytes.
    Empty,
    /// No format kdbman knows (what [`classify`] returns, with the first
    /// bytes for the message).
    UnknownBytes(Head),
    /// No format kdbman knows; the bytes were not kept.
    Unknown,
}

/// The CMS container versions this kdbman reads (as
/// `store::cms::Version::from_number` accepts them).
pub const CMS_VERSIONS_READ: [u8; 3] = [3, 4, 6];

/// The CMS versions this kdbman reads, for messages: "3, 4 and 6".
pub fn cms_versions_read() -> String {
    let v: Vec<String> = CMS_VERSIONS_READ.iter().map(|n| n.to_string()).collect();
    match v.as_slice() {
        [rest @ .., last] if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => v.concat(),
    }
}
