//! Why a certificate chain does not validate: data the error type
//! carries, so it depends on nothing but certificate dates.

use std::fmt;

/// Why a chain does not validate; each is the SSL0208E condition
/// (expired and not-yet-valid are also SSL0221E).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ChainProblem {
    /// A certificate's notAfter is before the validation time.
    Expired {
        subject: String,
        not_after: i64,
        at: i64,
    },
    /// A certificate's notBefore is after the validation time.
    NotYetValid {
        subject: String,
        not_before: i64,
        at: i64,
    },
    /// The chain ends at a self-signed certificate that is not a trusted
    /// signer in the store.
    UntrustedRoot { subject: String, self_signed: bool },
    /// The issuer of `subject` is neither in the chain nor in the store.
    MissingIssuer { subject: String, issuer: String },
    /// The signature on `subject` does not verify with its issuer's key.
    BadSignature { subject: String },
    /// `subject` is signed with a hash no verifier accepts any more (MD2,
    /// MD5), so its signature cannot be checked: not a wrong issuer.
    WeakSignature { subject: String, algorithm: String },
    /// The extended key usage of `subject` does not allow the purpose.
    WrongUsage {
        subject: String,
        needed: &'static str,
    },
    /// An issuer is not a CA, or its keyUsage lacks keyCertSign.
    CaCannotSign {
        subject: String,
        reason: &'static str,
    },
    /// The end-entity certificate is a CA certificate.
    LeafIsCa { subject: String },
    /// A CA's pathLenConstraint allows fewer non-self-issued intermediate
    /// certificates below it than the chain has (RFC 5280 §4.2.1.9).
    PathTooLong {
        subject: String,
        path_len: u32,
        found: u32,
    },
    /// A key that signs in the chain is too small or of an unsupported kind.
    UnsupportedKey { subject: String, detail: String },
    /// A certificate cannot be parsed.
    Malformed { subject: String, detail: String },
    /// Path building gave up: the certificates offered so many candidate
    /// issuers (namesakes, cross-certificates, loops) that no path was
    /// found within the budget. Not a verdict on any one certificate.
    BudgetExhausted {
        /// The most signatures verified for one validation.
        signature_checks: u32,
        /// The most candidate issuers tried for one validation.
        candidates: u32,
    },
    /// A peer sent more intermediate certificates than are considered.
    TooManyIntermediates { found: usize, max: usize },
    /// Anything else webpki refuses (path length, name constraints, …).
    Other { detail: String },
}

impl ChainProblem {
    /// The IHS catalogue code: SSL0221E for time bounds, else SSL0208E.
    pub fn code(&self) -> &'static str {
        match self {
            ChainProblem::Expired { .. } | ChainProblem::NotYetValid { .. } => "SSL0221E",
            _ => "SSL0208E",
        }
    }
}

impl fmt::Display for ChainProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use crate::time::rfc3339;
        match self {
            ChainProblem::Expired {
                subject,
                not_after,
                at,
            } => write!(
                f,
                "certificate `{subject}` expired at {} ({} before {})",
                rfc3339(*not_after),
                span(at - not_after),
                rfc3339(*at)
            ),
            ChainProblem::NotYetValid {
                subject,
                not_before,
                at,
            } => write!(
                f,
                "certificate `{subject}` is not valid until {} ({} after {})",
                rfc3339(*not_before),
                span(not_before - at),
                rfc3339(*at)
            ),
            ChainProblem::UntrustedRoot {
                subject,
                self_signed: true,
            } => write!(
                f,
                "the chain ends at self-signed `{subject}`, which is not a trusted signer in the store"
            ),
            ChainProblem::UntrustedRoot { subject, .. } => {
                write!(f, "root `{subject}` is not a trusted signer in the store")
            }
            ChainProblem::MissingIssuer { subject, issuer } => write!(
                f,
                "the issuer `{issuer}` of `{subject}` is missing (an intermediate certificate is not in the chain or the store)"
            ),
            ChainProblem::WeakSignature { subject, algorithm } => write!(
                f,
                "`{subject}` is signed with {algorithm}, which kdbman and current TLS libraries no longer verify"
            ),
            ChainProblem::BadSignature { subject } => write!(
                f,
                "the signature on `{subject}` does not verify with its issuer's public key"
            ),
            ChainProblem::WrongUsage { subject, needed } => write!(
                f,
                "the extended key usage of `{subject}` does not include {needed}"
            ),
            ChainProblem::CaCannotSign { subject, reason } => {
                write!(f, "issuer `{subject}` may not sign certificates: {reason}")
            }
            ChainProblem::LeafIsCa { subject } => write!(
                f,
                "`{subject}` is a CA certificate, not an end-entity certificate"
            ),
            ChainProblem::PathTooLong {
                subject,
                path_len,
                found,
            } => write!(
                f,
                "CA `{subject}` allows {path_len} intermediate CA certificate(s) below it (pathLenConstraint), the chain has {found} (self-issued ones not counted)"
            ),
            ChainProblem::UnsupportedKey { subject, detail } => {
                write!(f, "the key of `{subject}` cannot be used: {detail}")
            }
            ChainProblem::Malformed { subject, detail } => {
                write!(f, "certificate `{subject}` is malformed: {detail}")
            }
            ChainProblem::BudgetExhausted {
                signature_checks,
                candidates,
            } => write!(
                f,
                "could not build a path to a trusted signer within {signature_checks} signature checks ({candidates} candidate issuers): too many certificates share the names of the chain's CAs"
            ),
            ChainProblem::TooManyIntermediates { found, max } => write!(
                f,
                "{found} intermediate certificates were sent; at most {max} are considered"
            ),
            ChainProblem::Other { detail } => f.write_str(detail),
        }
    }
}

fn span(secs: i64) -> String {
    let s = secs.unsigned_abs();
    if s >= 2 * 86_400 {
        format!("{} days", s / 86_400)
    } else if s >= 2 * 3600 {
        format!("{} hours", s / 3600)
    } else if s >= 120 {
        format!("{} minutes", s / 60)
    } else {
        format!("{s} seconds")
    }
}
