//! Secrets that wipe themselves: passwords and private keys.

use std::fmt;

use zeroize::Zeroizing;

/// A password, zeroized on drop and never shown by `Debug`.
#[derive(Clone)]
pub struct Password(Zeroizing<String>);

impl Password {
    /// Wraps a password; the caller's copy should be a `Zeroizing` too.
    pub fn new(s: impl Into<String>) -> Self {
        Password(Zeroizing::new(s.into()))
    }

    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(..)")
    }
}

/// A private key as PKCS#8 DER, zeroized on drop and never shown by `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct PrivateKey(Zeroizing<Vec<u8>>);

impl PrivateKey {
    pub fn from_pkcs8_der(der: impl Into<Vec<u8>>) -> Self {
        PrivateKey(Zeroizing::new(der.into()))
    }

    pub fn pkcs8_der(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PrivateKey({} bytes)", self.0.len())
    }
}
