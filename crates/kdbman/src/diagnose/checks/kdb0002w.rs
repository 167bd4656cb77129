//! KDB0002W: a certificate in the chain in use is signed with SHA-1, MD5
//! or MD2 (a self-signature is not counted: nobody relies on it; an old
//! root's is KDB0014W).
//!
//! MD5 and MD2 are reported here rather than as SSL0210E: the certificate
//! is well formed, GSKit's own handling of such signatures depends on its
//! level and settings, and whether a client refuses it is the client's
//! policy, as for SHA-1. The message names the hash.

use super::Ctx;
use super::kdb0014w::weak_signature;
use crate::diagnose::Finding;

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some((_, e)) = ctx.in_use_entry() else {
        return;
    };
    for (who, info) in ctx.chain() {
        if info.self_issued {
            continue;
        }
        if let Some(hash) = weak_signature(&info.signature_algorithm) {
            out.push(Finding::new(
                "KDB0002W",
                "kdb0002w",
                Some(e.label()),
                format!("{who} is signed with {hash} ({})", info.signature_algorithm),
                "have it reissued with a SHA-256 (or stronger) signature",
            ));
        }
    }
}
