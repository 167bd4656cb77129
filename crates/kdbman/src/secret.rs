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

/// The one line-ending rule of every password source (a file, standard
/// input, an environment variable, the prompt, a value on the command
/// line): one trailing LF or CRLF is not part of the password; nothing
/// else is removed, so a bare CR, a second newline or a space at the end
/// is the password's own.
pub fn strip_line_ending(s: &str) -> &str {
    s.strip_suffix("\r\n")
        .or_else(|| s.strip_suffix('\n'))
        .unwrap_or(s)
}

/// The first line of `text` as a password: up to and including the first
/// LF, less that line ending ([`strip_line_ending`]).
pub fn first_line(text: &str) -> &str {
    match text.find('\n') {
        Some(i) => strip_line_ending(&text[..=i]),
        None => text,
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
