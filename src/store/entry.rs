//! Entries: the unit every store format holds, whatever its encoding.
//!
//! Certificates are kept as opaque octets so that a malformed certificate
//! written by another tool can still be represented, listed and diagnosed.

use std::fmt;

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

/// One labelled entry of a store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub(crate) label: String,
    pub(crate) kind: EntryKind,
    pub(crate) is_default: bool,
    pub(crate) trusted: bool,
    pub(crate) created: i64,
    pub(crate) certificates: Vec<Vec<u8>>,
    pub(crate) private_key: Option<PrivateKey>,
    pub(crate) request: Option<Vec<u8>>,
}

impl Entry {
    /// A personal entry: the chain (leaf first) and the leaf's private key.
    pub fn personal(label: impl Into<String>, chain: Vec<Vec<u8>>, key: PrivateKey) -> Self {
        Entry {
            label: label.into(),
            kind: EntryKind::Personal,
            is_default: false,
            trusted: true,
            created: crate::clock::now(),
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
            created: crate::clock::now(),
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
            created: crate::clock::now(),
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
