//! SSL0208E: the chain of the certificate in use does not build to a
//! trusted signer in the store (missing intermediate, untrusted root, bad
//! signature, a CA or wrong extended key usage in the leaf). Path building
//! and signature checks are rustls-webpki's, as the bundled server's
//! clients would do them; time errors are left to SSL0219E and SSL0221E.

use std::time::Duration;

use rustls::pki_types::{CertificateDer, UnixTime};

use super::Ctx;
use crate::diagnose::Finding;
use crate::pki::cert::cert_info;
use crate::store::EntryKind;

/// Why webpki refused the chain, in words; `None` for time errors (other
/// checks report those) and success.
fn describe(e: &webpki::Error, issuer: &str) -> Option<String> {
    use webpki::Error as W;
    Some(match e {
        W::CertExpired { .. } | W::CertNotValidYet { .. } | W::InvalidCertValidity => {
            return None;
        }
        W::UnknownIssuer => format!(
            "no trusted signer in the store issued it: the issuer `{issuer}` (or an intermediate above it) is missing, or its root is not a trusted signer"
        ),
        W::InvalidSignatureForPublicKey => {
            "a signature in the chain does not verify with its issuer's key".into()
        }
        W::RequiredEkuNotFoundContext(_) => {
            "its extended key usage does not allow TLS server authentication (serverAuth)".into()
        }
        W::EmptyEkuExtension => "its extended key usage extension is empty".into(),
        W::CaUsedAsEndEntity => "it is a CA certificate, not a server certificate".into(),
        W::EndEntityUsedAsCa => "an issuer in the chain is not a CA certificate".into(),
        W::UnsupportedSignatureAlgorithmContext(_)
        | W::UnsupportedSignatureAlgorithmForPublicKeyContext(_) => {
            "a certificate in the chain is signed with an algorithm TLS clients refuse (such as SHA-1)".into()
        }
        W::UnsupportedCriticalExtension => {
            "a certificate carries a critical extension clients do not understand".into()
        }
        W::PathLenConstraintViolated => "the chain is longer than an issuer's path length limit allows".into(),
        W::NameConstraintViolation => "the certificate breaks an issuer's name constraints".into(),
        other => format!("the chain does not validate ({other})"),
    })
}

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some((i, e)) = ctx.in_use_entry() else {
        return;
    };
    if ctx.broken.contains(&i) {
        return;
    }
    let Some(leaf_der) = e.certificate() else {
        return;
    };
    let Ok(info) = cert_info(leaf_der) else {
        return;
    };
    let leaf = CertificateDer::from(leaf_der);
    let Ok(ee) = webpki::EndEntityCert::try_from(&leaf) else {
        return;
    };
    let signers: Vec<(CertificateDer<'_>, bool)> = ctx
        .entries()
        .iter()
        .filter(|s| s.kind() == EntryKind::Signer)
        .filter_map(|s| {
            let der = s.certificate()?;
            cert_info(der).ok()?;
            Some((CertificateDer::from(der), s.is_trusted()))
        })
        .collect();
    let mut anchors: Vec<_> = signers
        .iter()
        .filter(|(_, trusted)| *trusted)
        .filter_map(|(c, _)| webpki::anchor_from_trusted_cert(c).ok())
        .collect();
    if info.self_issued
        && let Ok(a) = webpki::anchor_from_trusted_cert(&leaf)
    {
        anchors.push(a);
    }
    let mut intermediates: Vec<CertificateDer<'_>> = e.certificates()[1..]
        .iter()
        .map(|c| CertificateDer::from(c.as_slice()))
        .collect();
    intermediates.extend(signers.iter().map(|(c, _)| c.clone()));
    let time = UnixTime::since_unix_epoch(Duration::from_secs(ctx.target.at.max(0) as u64));
    let result = ee.verify_for_usage(
        webpki::ALL_VERIFICATION_ALGS,
        &anchors,
        &intermediates,
        time,
        webpki::KeyUsage::server_auth(),
        None,
        None,
    );
    if let Err(err) = result
        && let Some(why) = describe(&err, &info.issuer)
    {
        out.push(Finding::new(
            "SSL0208E",
            "ssl0208e",
            Some(e.label()),
            format!("the certificate in use ({}) does not validate: {why}", info.subject),
            "add the missing intermediate and root CA certificates as signers (`kdbman cert add --db STORE --label CA --file CA.pem`), or have the certificate reissued for server authentication",
        ));
    }
}
