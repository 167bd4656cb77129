//! SSL0210E: a certificate decodes but one of its fields breaks X.509
//! rules: the serial number, the validity period, the version, or a
//! signature algorithm that differs inside and outside the signed part.
//!
//! A trust anchor's serial number is never processed (RFC 5280 §6.1: the
//! anchor is an input to path validation, not a member of the path), and
//! real IBM stores carry old roots with serial 0: on a self-issued
//! certificate that is a trust anchor the serial is KDB0014W's, a warning
//! (see [`super::kdb0014w`]). Everything else stays here, an error.

use x509_parser::prelude::*;

use super::Ctx;
use crate::diagnose::Finding;

/// What is wrong with a certificate's serial number, in words, if anything.
pub fn serial_problem(cert: &X509Certificate<'_>) -> Option<String> {
    let serial = cert.raw_serial();
    if serial.is_empty() {
        Some("the serial number is empty".to_string())
    } else if serial[0] & 0x80 != 0 {
        Some("the serial number is negative (RFC 5280 requires a positive one)".to_string())
    } else if serial.iter().all(|&b| b == 0) {
        Some("the serial number is zero (RFC 5280 requires a positive one)".to_string())
    } else if serial.len() > 20 {
        Some(format!(
            "the serial number is {} octets long; RFC 5280 allows at most 20",
            serial.len()
        ))
    } else {
        None
    }
}

/// The field problems of one decoded certificate other than its serial
/// number ([`serial_problem`]), in words.
pub fn field_problems(cert: &X509Certificate<'_>) -> Vec<String> {
    let mut out = Vec::new();
    let (nb, na) = (
        cert.validity().not_before.timestamp(),
        cert.validity().not_after.timestamp(),
    );
    if na < nb {
        out.push(format!(
            "the validity period ends ({}) before it starts ({})",
            super::when(na),
            super::when(nb)
        ));
    }
    if cert.version() != X509Version::V3 && !cert.extensions().is_empty() {
        out.push(format!(
            "it is a version {} certificate but carries extensions (only version 3 may)",
            cert.version().0 + 1
        ));
    }
    if cert.signature_algorithm.algorithm != cert.tbs_certificate.signature.algorithm {
        out.push(
            "the signature algorithm named inside the signed part differs from the one outside it"
                .to_string(),
        );
    }
    out
}

/// One certificate's problems: (index in the chain, subject, inverted
/// validity, problems).
type Problems = Vec<(usize, String, bool, Vec<String>)>;

pub fn check(ctx: &mut Ctx<'_>, out: &mut Vec<Finding>) {
    let entries = ctx.entries();
    let todo: Vec<(usize, &crate::store::Entry)> = entries
        .iter()
        .enumerate()
        .filter(|(i, _)| !ctx.broken.contains(i))
        .collect();
    let found: Vec<Problems> = todo
        .iter()
        .map(|&(i, _)| {
            ctx.decode_results(i)
                .enumerate()
                .filter_map(|(n, d)| {
                    let d = d.as_ref().ok()?;
                    let mut problems = d.problems.clone();
                    if !super::is_anchor(ctx.entries()[i].kind(), n, &d.info) {
                        problems.splice(0..0, d.serial_problem.clone());
                    }
                    if problems.is_empty() {
                        return None;
                    }
                    let inverted = d.info.not_after < d.info.not_before;
                    Some((n, d.info.subject.clone(), inverted, problems))
                })
                .collect()
        })
        .collect();
    for ((i, e), problems) in todo.into_iter().zip(found) {
        for (n, subject, inverted, problems) in problems {
            if inverted {
                ctx.bad_validity.insert(i);
            }
            let which = if n == 0 {
                "its certificate".to_string()
            } else {
                format!("chain certificate {n} ({subject})")
            };
            out.push(Finding::new(
                "SSL0210E",
                "ssl0210e",
                Some(e.label()),
                format!("{which} breaks X.509 rules: {}", problems.join("; ")),
                "have the certificate reissued by its CA (or recreate it with `kdbman cert create`), then replace the entry",
            ));
        }
    }
}
