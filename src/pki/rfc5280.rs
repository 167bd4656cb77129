//! RFC 5280 §6 path validation for what rustls-webpki refuses but the RFC
//! (and OpenSSL) accept: names matched per §7.1 (case-insensitive, folded
//! whitespace, PrintableString against UTF8String), self-issued CA
//! certificates not counted against pathLenConstraint (§6.1.4 (l)), dates
//! over the whole UTCTime/GeneralizedTime range (1950–1969 included),
//! issuer/subject unique identifiers, and a CA certificate checked as the
//! end entity when the purpose is `any`.
//!
//! [`super::validate`] runs this only when webpki refuses a chain; then
//! its verdict, and its reason, stand. Certificates with name or policy
//! constraints are left to webpki's verdict (`NotApplicable`): this path
//! does not process them. Signatures are x509-parser's (`verify`, ring).

use x509_parser::der_parser::asn1_rs::Tag;
use x509_parser::extensions::ParsedExtension;
use x509_parser::prelude::{FromDer, X509Certificate, X509Name};

use super::validate::{ChainProblem, Purpose};

/// The verdict.
pub(crate) enum Outcome {
    /// A valid path: leaf, intermediates, anchor.
    Valid(Vec<Vec<u8>>),
    /// No valid path; the reason for the most complete one.
    Invalid(ChainProblem),
    /// Something this module does not process: keep webpki's verdict.
    NotApplicable,
}

const MAX_DEPTH: usize = 9;

struct Cert<'a> {
    der: &'a [u8],
    x: X509Certificate<'a>,
    anchor: bool,
}

impl Cert<'_> {
    fn subject(&self) -> String {
        super::dn::display(self.x.subject())
    }
    fn self_issued(&self) -> bool {
        names_equal(self.x.subject(), self.x.issuer())
    }
}

/// Validates `leaf` up to one of `anchors` through `pool`.
pub(crate) fn validate(
    leaf: &[u8],
    pool: &[&[u8]],
    anchors: &[&[u8]],
    at: i64,
    purpose: Purpose,
) -> Outcome {
    let mut certs: Vec<Cert<'_>> = Vec::new();
    for der in std::iter::once(leaf).chain(pool.iter().copied()) {
        if certs.iter().any(|c| c.der == der) {
            continue;
        }
        let Ok((_, x)) = X509Certificate::from_der(der) else {
            if der == leaf {
                return Outcome::NotApplicable;
            }
            continue;
        };
        certs.push(Cert {
            der,
            x,
            anchor: anchors.contains(&der),
        });
    }
    let mut path = vec![0usize];
    match search(&certs, &mut path, at, purpose) {
        Ok(p) => {
            if p.iter().any(|&i| constrained(&certs[i].x)) {
                return Outcome::NotApplicable;
            }
            Outcome::Valid(p.iter().map(|&i| certs[i].der.to_vec()).collect())
        }
        Err(Some(problem)) => Outcome::Invalid(problem),
        Err(None) => Outcome::NotApplicable,
    }
}

/// Depth-first path building; the first valid path wins, else the error
/// of the first complete path (or the missing link).
fn search(
    certs: &[Cert<'_>],
    path: &mut Vec<usize>,
    at: i64,
    purpose: Purpose,
) -> Result<Vec<usize>, Option<ChainProblem>> {
    let cur = *path.last().unwrap_or(&0);
    let c = &certs[cur];
    if c.anchor && (path.len() > 1 || c.self_issued()) {
        return check(certs, path, at, purpose).map(|()| path.clone());
    }
    if path.len() >= MAX_DEPTH {
        return Err(Some(ChainProblem::Other {
            detail: format!(
                "no chain of at most {MAX_DEPTH} certificates reaches a trusted signer"
            ),
        }));
    }
    let mut first_err: Option<ChainProblem> = None;
    let mut any = false;
    // Anchors first, then the rest, as names allow.
    let mut order: Vec<usize> = (0..certs.len())
        .filter(|i| !path.contains(i) && names_equal(certs[*i].x.subject(), c.x.issuer()))
        .collect();
    order.sort_by_key(|i| !certs[*i].anchor);
    for i in order {
        any = true;
        path.push(i);
        let r = search(certs, path, at, purpose);
        path.pop();
        match r {
            Ok(p) => return Ok(p),
            Err(Some(e)) if first_err.is_none() => first_err = Some(e),
            Err(_) => {}
        }
    }
    if any {
        return Err(first_err);
    }
    Err(Some(if c.self_issued() {
        ChainProblem::UntrustedRoot {
            subject: c.subject(),
            self_signed: true,
        }
    } else {
        ChainProblem::MissingIssuer {
            subject: c.subject(),
            issuer: super::dn::display(c.x.issuer()),
        }
    }))
}

fn constrained(x: &X509Certificate<'_>) -> bool {
    x.name_constraints().ok().flatten().is_some()
        || x.policy_constraints().ok().flatten().is_some()
        || x.inhibit_anypolicy().ok().flatten().is_some()
}

/// §6.1.3–6.1.5 for one built path (leaf first, anchor last).
fn check(
    certs: &[Cert<'_>],
    path: &[usize],
    at: i64,
    purpose: Purpose,
) -> Result<(), Option<ChainProblem>> {
    for (k, &i) in path.iter().enumerate() {
        let c = &certs[i];
        let v = c.x.validity();
        let (nb, na) = (v.not_before.timestamp(), v.not_after.timestamp());
        if at < nb {
            return Err(Some(ChainProblem::NotYetValid {
                subject: c.subject(),
                not_before: nb,
                at,
            }));
        }
        if at > na {
            return Err(Some(ChainProblem::Expired {
                subject: c.subject(),
                not_after: na,
                at,
            }));
        }
        if let Some(&next) = path.get(k + 1) {
            let issuer = &certs[next];
            if c.x.verify_signature(Some(issuer.x.public_key())).is_err() {
                if let super::KeyAlgorithm::Rsa { bits } =
                    super::cert::key_algorithm_of_spki(issuer.x.public_key())
                    && bits < 2048
                {
                    return Err(Some(ChainProblem::UnsupportedKey {
                        subject: issuer.subject(),
                        detail: format!(
                            "RSA {bits}-bit keys are too small (2048 bits or more are needed)"
                        ),
                    }));
                }
                return Err(Some(super::validate::signature_problem(&c.x, &c.subject())));
            }
        }
        for ext in c.x.extensions() {
            if ext.critical
                && matches!(
                    ext.parsed_extension(),
                    ParsedExtension::UnsupportedExtension { .. }
                )
            {
                return Err(Some(ChainProblem::Other {
                    detail: format!(
                        "certificate `{}` has a critical extension kdbman does not understand ({})",
                        c.subject(),
                        ext.oid
                    ),
                }));
            }
        }
        let bc =
            c.x.basic_constraints()
                .ok()
                .flatten()
                .map(|b| (b.value.ca, b.value.path_len_constraint));
        if k == 0 {
            if purpose != Purpose::Any && bc.is_some_and(|b| b.0) && path.len() > 1 {
                return Err(Some(ChainProblem::LeafIsCa {
                    subject: c.subject(),
                }));
            }
            if let Ok(Some(eku)) = c.x.extended_key_usage() {
                let e = eku.value;
                let ok = match purpose {
                    Purpose::Any => true,
                    Purpose::ServerAuth => e.any || e.server_auth,
                    Purpose::ClientAuth => e.any || e.client_auth,
                };
                if !ok {
                    return Err(Some(ChainProblem::WrongUsage {
                        subject: c.subject(),
                        needed: match purpose {
                            Purpose::ServerAuth => "serverAuth",
                            Purpose::ClientAuth => "clientAuth",
                            Purpose::Any => "any",
                        },
                    }));
                }
            }
            continue;
        }
        // An issuer: a CA whose keyUsage (if any) allows keyCertSign.
        if !bc.is_some_and(|b| b.0) {
            return Err(Some(ChainProblem::CaCannotSign {
                subject: c.subject(),
                reason: "it is not a CA certificate (basicConstraints CA:TRUE is missing)",
            }));
        }
        if let Ok(Some(ku)) = c.x.key_usage()
            && !ku.value.key_cert_sign()
        {
            return Err(Some(ChainProblem::CaCannotSign {
                subject: c.subject(),
                reason: "its keyUsage does not include keyCertSign",
            }));
        }
        // §6.1.4 (l), (m): self-issued intermediates do not count. The
        // trust anchor's own constraint is not processed (§6.1.1 (d)), as
        // webpki does not either.
        let is_anchor = k + 1 == path.len() && c.anchor;
        if let Some(max) = bc.and_then(|b| b.1).filter(|_| !is_anchor) {
            let below = path[1..k]
                .iter()
                .filter(|&&j| !certs[j].self_issued())
                .count();
            if below as u64 > u64::from(max) {
                return Err(Some(ChainProblem::PathTooLong {
                    subject: c.subject(),
                    path_len: max,
                    found: below as u32,
                }));
            }
        }
    }
    Ok(())
}

/// RFC 5280 §7.1 name comparison: RDN by RDN, attribute by attribute;
/// string values compared case-insensitively with surrounding spaces
/// removed and inner runs of spaces folded, across string types.
pub(crate) fn names_equal(a: &X509Name<'_>, b: &X509Name<'_>) -> bool {
    if a.as_raw() == b.as_raw() {
        return true;
    }
    let (ra, rb): (Vec<_>, Vec<_>) = (a.iter().collect(), b.iter().collect());
    if ra.len() != rb.len() {
        return false;
    }
    ra.iter().zip(rb.iter()).all(|(x, y)| {
        let (xa, ya): (Vec<_>, Vec<_>) = (x.iter().collect(), y.iter().collect());
        xa.len() == ya.len()
            && xa.iter().all(|p| {
                ya.iter().any(|q| {
                    p.attr_type() == q.attr_type()
                        && match (string_of(p.attr_value()), string_of(q.attr_value())) {
                            (Some(s), Some(t)) => fold(&s) == fold(&t),
                            _ => p.attr_value().data == q.attr_value().data,
                        }
                })
            })
    })
}

fn string_of(v: &x509_parser::der_parser::asn1_rs::Any<'_>) -> Option<String> {
    let d: &[u8] = v.data;
    match v.tag() {
        Tag::PrintableString | Tag::Utf8String | Tag::Ia5String | Tag::NumericString => {
            std::str::from_utf8(d).ok().map(str::to_string)
        }
        // T.61: Latin-1 is what writers put there in practice.
        Tag::TeletexString => Some(d.iter().map(|&b| char::from(b)).collect()),
        Tag::BmpString if d.len().is_multiple_of(2) => String::from_utf16(
            &d.chunks(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect::<Vec<_>>(),
        )
        .ok(),
        Tag::UniversalString if d.len().is_multiple_of(4) => d
            .chunks(4)
            .map(|c| char::from_u32(u32::from_be_bytes([c[0], c[1], c[2], c[3]])))
            .collect(),
        _ => None,
    }
}

fn fold(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}
