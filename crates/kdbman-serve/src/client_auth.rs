//! Client certificates checked by kdbman's one chain policy
//! ([`kdbman::pki::validate::validate_chain`], RFC 5280 where webpki is
//! stricter), the same that `cert validate` and lint's SSL0208E apply.
//! At most [`MAX_PEER_INTERMEDIATES`] intermediates are considered.
//! rustls' own verifier still offers the CA names and checks the
//! handshake signatures.

use std::sync::Arc;

use rustls::client::danger::HandshakeSignatureValid;
use rustls::pki_types::{CertificateDer, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{
    CertificateError, DigitallySignedStruct, DistinguishedName, OtherError, SignatureScheme,
};

use kdbman::pki::chain_problem::ChainProblem;
use kdbman::pki::validate::{Purpose, validate_chain};

/// Intermediates a client may send: a real chain has a few; a long list
/// of namesake CAs is an attack on path building.
pub const MAX_PEER_INTERMEDIATES: usize = 10;

/// Why the policy refused a client certificate, carried through rustls to
/// the handshake log.
#[derive(Debug)]
pub struct Refused(pub ChainProblem);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for Refused {}

/// The store's policy in front of rustls' client verifier.
#[derive(Debug)]
pub struct PolicyVerifier {
    pub(crate) inner: Arc<dyn ClientCertVerifier>,
    /// Trusted signers (DER).
    pub(crate) anchors: Vec<Vec<u8>>,
    /// Every signer, trusted or not, as possible intermediates (DER).
    pub(crate) signers: Vec<Vec<u8>>,
}

fn error_for(problem: ChainProblem) -> rustls::Error {
    let e = match problem {
        ChainProblem::Expired { .. } => CertificateError::Expired,
        ChainProblem::NotYetValid { .. } => CertificateError::NotValidYet,
        ChainProblem::UntrustedRoot { .. } | ChainProblem::MissingIssuer { .. } => {
            CertificateError::UnknownIssuer
        }
        ChainProblem::BadSignature { .. } => CertificateError::BadSignature,
        other => CertificateError::Other(OtherError(Arc::new(Refused(other)))),
    };
    rustls::Error::InvalidCertificate(e)
}

impl ClientCertVerifier for PolicyVerifier {
    fn offer_client_auth(&self) -> bool {
        self.inner.offer_client_auth()
    }

    fn client_auth_mandatory(&self) -> bool {
        self.inner.client_auth_mandatory()
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        self.inner.root_hint_subjects()
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        if intermediates.len() > MAX_PEER_INTERMEDIATES {
            return Err(error_for(ChainProblem::TooManyIntermediates {
                found: intermediates.len(),
                max: MAX_PEER_INTERMEDIATES,
            }));
        }
        // Path building is bounded (see `pki::validate`): at most a few
        // hundred signature checks, a check with a costly key counting as
        // several, so one client delays only itself. It runs on the event
        // loop: the worst budgeted refusal measured about 6 ms of CPU in a
        // release build (10 ms in a debug build), too little to need a
        // deadline or a worker thread.
        let mut chain = vec![end_entity.to_vec()];
        chain.extend(intermediates.iter().map(|c| c.to_vec()));
        let anchors: Vec<&[u8]> = self.anchors.iter().map(Vec::as_slice).collect();
        let signers: Vec<&[u8]> = self.signers.iter().map(Vec::as_slice).collect();
        let at = i64::try_from(now.as_secs()).unwrap_or(i64::MAX);
        validate_chain(&chain, &anchors, &signers, at, Purpose::ClientAuth)
            .map(|_| ClientCertVerified::assertion())
            .map_err(error_for)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}
