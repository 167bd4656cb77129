//! Entries: the unit every store format holds, whatever its encoding.
//!
//! Certificates are kept as opaque octets so that a malformed certificate
//! written by another tool can still be represented, listed and diagnosed.

use std::fmt;
use std::sync::Arc;

use crate::error::Error;
pub use crate::kinds::EntryKind;
use crate::secret::PrivateKey;

/// A private key its store keeps encrypted until first use (a CMS
/// record's, `store::cms::SealedKey`): decrypted once, then kept. A trait
/// here, so that entries need not know the format that sealed them.
pub(crate) trait Sealed: Send + Sync + fmt::Debug {
    /// The key, decrypted now if this is its first use; why not, if it
    /// does not decrypt.
    fn plain(&self) -> std::result::Result<&PrivateKey, String>;
    /// The damage a key that does not decrypt is, in its file and record.
    fn damage(&self, detail: String) -> Error;
    /// The format's own type, for writing the sealed bytes again as read.
    fn as_any(&self) -> &dyn std::any::Any;
}

/// A private key as an entry holds it.
#[derive(Clone)]
pub(crate) enum Key {
    /// In the clear: made or imported here, or read from a format that
    /// seals the whole file at once (native, PKCS#12).
    Plain(PrivateKey),
    /// As a CMS record holds it, decrypted on first use only (listing a
    /// store decrypts nothing); clones share the one decryption.
    Sealed(Arc<dyn Sealed>),
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Key::Plain(k) => k.fmt(f),
            Key::Sealed(s) => s.fmt(f),
        }
    }
}

/// One labelled entry of a store.
#[derive(Debug, Clone)]
pub struct Entry {
    pub(crate) label: String,
    pub(crate) kind: EntryKind,
    pub(crate) is_default: bool,
    pub(crate) trusted: bool,
    pub(crate) created: i64,
    pub(crate) certificates: Vec<Vec<u8>>,
    pub(crate) private_key: Option<Key>,
    pub(crate) request: Option<Vec<u8>>,
}

/// Entries are equal when everything they hold is: a key still sealed is
/// decrypted to be compared (unless both share the one sealed key).
impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        let keys = match (&self.private_key, &other.private_key) {
            (None, None) => true,
            (Some(Key::Sealed(a)), Some(Key::Sealed(b))) if Arc::ptr_eq(a, b) => true,
            (Some(_), Some(_)) => self.private_key() == other.private_key(),
            _ => false,
        };
        keys && self.label == other.label
            && self.kind == other.kind
            && self.is_default == other.is_default
            && self.trusted == other.trusted
            && self.created == other.created
            && self.certificates == other.certificates
            && self.request == other.request
    }
}

impl Eq for Entry {}

impl Entry {
    /// An entry of `kind` holding nothing yet, created at time 0 (for
    /// readers that fill the fields in).
    pub(crate) fn empty(label: String, kind: EntryKind) -> Self {
        Entry {
            label,
            kind,
            is_default: false,
            trusted: kind != EntryKind::Request,
            created: 0,
            certificates: Vec::new(),
            private_key: None,
            request: None,
        }
    }

    /// A personal entry: the chain (leaf first) and the leaf's private key.
    pub fn personal(label: impl Into<String>, chain: Vec<Vec<u8>>, key: PrivateKey) -> Self {
        Entry {
            label: label.into(),
            kind: EntryKind::Personal,
            is_default: false,
            trusted: true,
            created: crate::clock::now(),
            certificates: chain,
            private_key: Some(Key::Plain(key)),
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
            private_key: Some(Key::Plain(key)),
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
    /// The private key, decrypted now if the store holds it sealed (CMS)
    /// and this is its first use. `None` when the entry has none, or when
    /// its key does not decrypt: [`Entry::key`] says why.
    pub fn private_key(&self) -> Option<&PrivateKey> {
        match self.private_key.as_ref()? {
            Key::Plain(k) => Some(k),
            Key::Sealed(s) => s.plain().ok(),
        }
    }
    /// Whether the entry holds a private key, without decrypting it.
    pub fn has_private_key(&self) -> bool {
        self.private_key.is_some()
    }
    /// The private key (decrypted now if still sealed), or the damage that
    /// stops it decrypting: the store's file, the record and why (the
    /// store's MAC proved the password, so a key that does not decrypt is
    /// damage).
    pub fn key(&self) -> crate::error::Result<Option<&PrivateKey>> {
        match &self.private_key {
            None => Ok(None),
            Some(Key::Plain(k)) => Ok(Some(k)),
            Some(Key::Sealed(s)) => s.plain().map(Some).map_err(|detail| s.damage(detail)),
        }
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
