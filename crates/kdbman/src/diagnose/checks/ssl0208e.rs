//! SSL0208E: the chain of the certificate in use does not build to a
//! trusted signer in the store (missing intermediate, untrusted root, bad
//! signature, an issuer that may not sign, wrong extended key usage).
//! Validation is `pki::validate`'s, the policy `cert validate` and `serve`
//! share (webpki path building plus the issuer keyUsage check). A
//! self-signed certificate in use is its own root, as with a self-signed
//! certificate made by iKeyman: the server does not need a signer entry for
//! it (its clients must trust it, which no store check can see), so it is
//! not a finding here. Time bounds are left to SSL0219E / SSL0221E and
//! undecodable certificates to SSL0224E / SSL0210E.

use super::Ctx;
use crate::diagnose::Finding;
use crate::error::Error;
use crate::pki::validate::{ChainProblem, Purpose};

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some((i, e)) = ctx.in_use_entry() else {
        return;
    };
    if e.certificate().is_none() {
        return;
    }
    if ctx.broken.contains(&i) {
        return;
    }
    let self_signed =
        e.certificates().len() == 1 && ctx.decoded(i, 0).is_some_and(|d| d.info.self_issued);
    if self_signed {
        return;
    }
    let Err(Error::Chain { problem, .. }) =
        ctx.store
            .validate_entry(e, ctx.trust_set(), ctx.target.at, Purpose::ServerAuth)
    else {
        return;
    };
    if problem.code() != "SSL0208E" || matches!(problem, ChainProblem::Malformed { .. }) {
        return;
    }
    out.push(Finding::new(
        "SSL0208E",
        "ssl0208e",
        Some(e.label()),
        format!("the chain of the certificate in use does not validate: {problem}"),
        crate::advice::chain_fix(&problem),
    ));
}
