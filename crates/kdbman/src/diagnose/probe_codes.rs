//! The codes of `kdbman probe`'s findings (KDBPnnnnX), each with its
//! `kdbman explain` entry. Where a probe finding means what a lint code
//! means, the lint code is used instead (SSL0219E, SSL0221E, SSL0208E,
//! KDB0001W). They live in `diagnose`, beside lint's own rules, so that
//! findings and reports look them up without depending on `probe`;
//! `probe::codes` is this module.

use crate::diagnose::catalogue::Severity;
use crate::diagnose::rule::ExtraRule;

pub const NOT_STORE_CERT: &str = "KDBP0001E";
pub const CHAIN_INCOMPLETE: &str = "KDBP0002E";
pub const CLIENT_REFUSES: &str = "KDBP0003E";
pub const NAME_MISMATCH: &str = "KDBP0004E";
pub const CLIENT_CERT_REFUSED: &str = "KDBP0005E";
pub const CLIENT_AUTH_ASKED: &str = "KDBP0006I";
pub const UNREACHABLE: &str = "KDBP0007E";
pub const NO_TLS13: &str = "KDBP0008I";

/// kdbman probe's own codes.
pub static PROBE_RULES: &[ExtraRule] = &[
    ExtraRule {
        id: NOT_STORE_CERT,
        severity: Severity::Error,
        title: "Server presents another certificate than the store's",
        help: "The leaf certificate the server sent is not the certificate of the store's entry for that label (compared by SHA-256 of the DER). The usual cause: the store was renewed (cert receive, cert import) but the server was not restarted, so it still serves the old certificate; or the server reads another store, or another label (SSLServerCert, the SNI mapping). Restart or reload the server after renewing; check that it is configured with this store and label. The finding names both fingerprints and not-after dates.",
    },
    ExtraRule {
        id: CHAIN_INCOMPLETE,
        severity: Severity::Error,
        title: "Server sends an incomplete chain",
        help: "The chain the server sends does not reach a signer of the store: the issuer of one of its certificates (an intermediate CA) is neither sent nor in the store. Clients that do not already hold that intermediate refuse the server (IHS clients log SSL0208E/SSL0209E-like validation errors, MQ AMQ9633). Add the intermediate to the server's store (`kdbman cert add --db STORE --label INTERMEDIATE --file CA.pem`) or receive the certificate with its full chain, then restart the server: GSKit and kdbman serve send the intermediates the store holds.",
    },
    ExtraRule {
        id: CLIENT_REFUSES,
        severity: Severity::Error,
        title: "A client with these signers would refuse the server",
        help: "Validated against only the signers of the client's store (--trust-db, e.g. an MQ client's key database) or the system's CA bundle (--trust-system), the chain the server sends does not reach a trusted root: a certificate is missing (named in the finding) or does not validate. Add the missing CA certificate to the client's store with `kdbman cert add --db CLIENT.kdb --label CA --file CA.pem`, or have the server send its full chain.",
    },
    ExtraRule {
        id: NAME_MISMATCH,
        severity: Severity::Error,
        title: "Server certificate does not match the host name",
        help: "The host name the client asked for (--servername, else HOST) is not among the DNS names or IP addresses of the server certificate's subject alternative names. Current clients match only the SAN extension, never the common name. Reissue the certificate with --san dns:HOST, or connect with the name it carries.",
    },
    ExtraRule {
        id: CLIENT_CERT_REFUSED,
        severity: Severity::Error,
        title: "Server refused the client certificate",
        help: "The server asked for a client certificate, kdbman presented the one named by --client-label, and the server refused it with a TLS alert (unknown_ca, bad_certificate, certificate_unknown, certificate_required, handshake_failure…) or an HTTP 400. The server does not trust the certificate's issuer (add the client's CA to the server's store as a signer: `kdbman cert add`), or the certificate is expired, lacks the clientAuth usage, or is not what the server requires (MQ SSLCAUTH(REQUIRED), IHS SSLClientAuth required).",
    },
    ExtraRule {
        id: CLIENT_AUTH_ASKED,
        severity: Severity::Info,
        title: "Server asks for a client certificate",
        help: "The server sent a CertificateRequest: it asks clients for a certificate, listing the CA names it accepts (the finding names them). kdbman presented none (no --client-label). With --client-label LABEL it presents that personal certificate and reports whether the server accepts it.",
    },
    ExtraRule {
        id: UNREACHABLE,
        severity: Severity::Error,
        title: "Server unreachable or no TLS handshake",
        help: "No handshake reached the server's certificate: the name did not resolve, the connection was refused or timed out, the port does not speak TLS (a plain-HTTP port answers in text), or the server ended the handshake with a TLS alert (handshake_failure, protocol_version…) before sending a certificate. The finding names the socket error or alert. Check host, port and firewall; for an alert, check the protocol versions and cipher suites both sides allow. probe exits 3.",
    },
    ExtraRule {
        id: NO_TLS13,
        severity: Severity::Info,
        title: "Server does not accept TLS 1.3",
        help: "The server completed a TLS 1.2 handshake but refused TLS 1.3. TLS 1.2 is still acceptable, but TLS 1.3 is faster and drops legacy cryptography; GSKit 8.0.55 and later, IHS 9 and MQ 9.2 support it (IHS: SSLProtocolEnable TLSv13 and TLS13 cipher specs).",
    },
];

/// A probe rule by id.
pub fn rule(id: &str) -> Option<&'static ExtraRule> {
    PROBE_RULES.iter().find(|r| r.id == id)
}
