//! SSL0208E: the chain of the certificate in use does not build to a
//! trusted signer in the store (missing intermediate, untrusted root, bad
//! signature, an issuer that may not sign, wrong extended key usage).
//! Validation is `pki::validate`'s, the policy `cert validate` and `serve`
//! share (webpki path building plus the issuer keyUsage check; a
//! self-signed certificate validates only when it is also a trusted
//! signer). Time bounds are left to SSL0219E / SSL0221E and undecodable
//! certificates to SSL0224E / SSL0210E.

use super::Ctx;
use crate::diagnose::Finding;
use crate::error::Error;
use crate::pki::validate::{ChainProblem, Purpose, validate_entry};

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some((i, e)) = ctx.in_use_entry() else {
        return;
    };
    if ctx.broken.contains(&i) || e.certificate().is_none() {
        return;
    }
    let Err(Error::Chain { problem, .. }) =
        validate_entry(ctx.store, e.label(), ctx.target.at, Purpose::ServerAuth)
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
        problem.fix(),
    ));
}
