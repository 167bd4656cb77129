//! What a client speaks, told from its first bytes before rustls sees
//! them: a TLS handshake, plain HTTP on the TLS port (SSL0273I), or
//! anything else (SSL0253E).

use super::page;

/// What the first bytes a client sends say it is speaking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FirstBytes {
    /// A TLS handshake record: hand it to rustls.
    TlsHandshake,
    /// Plain HTTP on the TLS port (SSL0273I).
    PlainHttp,
    /// Anything else (SSL0253E), with the detail for the log.
    NotTls(String),
}

/// Classifies the first read of a connection before rustls sees it.
pub fn classify_first(data: &[u8]) -> FirstBytes {
    if page::looks_like_http(data) {
        return FirstBytes::PlainHttp;
    }
    if data.first() == Some(&0x16) {
        return FirstBytes::TlsHandshake;
    }
    let shown: Vec<String> = data.iter().take(8).map(|b| format!("{b:02x}")).collect();
    FirstBytes::NotTls(format!(
        "the first bytes ({}) are not a TLS handshake record",
        shown.join(" ")
    ))
}
