//! rustls's handshake errors as IHS catalogue codes, each with a short
//! explanation in our own words for the log.

use rustls::{AlertDescription, CertificateError};

/// The IHS code and a short explanation for a rustls handshake error.
pub fn code_for(e: &rustls::Error) -> (&'static str, String) {
    use rustls::Error as E;
    match e {
        E::NoCertificatesPresented => (
            "SSL0207E",
            "the client sent no certificate and client authentication is required".into(),
        ),
        E::InvalidCertificate(ce) => match ce {
            CertificateError::Expired
            | CertificateError::NotValidYet
            | CertificateError::ExpiredContext { .. }
            | CertificateError::NotValidYetContext { .. } => (
                "SSL0221E",
                format!("the client certificate is outside its validity period ({ce:?})"),
            ),
            CertificateError::UnknownIssuer => (
                "SSL0208E",
                "the client certificate is not issued by a trusted signer in the store".into(),
            ),
            CertificateError::Other(o) => (
                "SSL0208E",
                format!("the client certificate does not validate: {}", o.0),
            ),
            other => (
                "SSL0208E",
                format!("the client certificate failed validation ({other:?})"),
            ),
        },
        E::AlertReceived(a) => {
            let why = match a {
                AlertDescription::UnknownCA => "it does not trust the server certificate's issuer",
                AlertDescription::BadCertificate => "it rejects the server certificate",
                AlertDescription::CertificateExpired => "it finds the server certificate expired",
                AlertDescription::HandshakeFailure => "no protocol or cipher suite in common",
                AlertDescription::ProtocolVersion => "no protocol version in common",
                _ => "it gave up",
            };
            ("SSL0266E", format!("the client sent alert {a:?}: {why}"))
        }
        E::PeerIncompatible(p) => (
            "SSL0232W",
            format!(
                "the client has no protocol version, cipher suite or signature scheme in common with the server ({p:?})"
            ),
        ),
        E::DecryptError => ("SSL0231W", "a record failed its integrity check".into()),
        E::InvalidMessage(m) => ("SSL0230I", format!("malformed TLS message ({m:?})")),
        E::InappropriateMessage { .. } | E::InappropriateHandshakeMessage { .. } => {
            ("SSL0230I", "a TLS message arrived out of order".into())
        }
        E::PeerMisbehaved(p) => ("SSL0230I", format!("the client broke the protocol ({p:?})")),
        other => ("SSL0266E", other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rustls_errors_map_to_catalogue_codes() {
        use rustls::Error as E;
        assert_eq!(code_for(&E::NoCertificatesPresented).0, "SSL0207E");
        assert_eq!(
            code_for(&E::InvalidCertificate(CertificateError::UnknownIssuer)).0,
            "SSL0208E"
        );
        assert_eq!(
            code_for(&E::InvalidCertificate(CertificateError::Expired)).0,
            "SSL0221E"
        );
        for e in [
            E::NoCertificatesPresented,
            E::DecryptError,
            E::AlertReceived(AlertDescription::UnknownCA),
            E::General("x".into()),
        ] {
            let code = code_for(&e).0;
            assert!(
                kdbman::diagnose::catalogue::by_id(code).is_some(),
                "{code} is not in the catalogue"
            );
        }
    }
}
