//! KDB0002W: a certificate in the chain in use is signed with SHA-1 (a
//! self-signature is not counted: nobody relies on it).

use super::Ctx;
use crate::diagnose::Finding;

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let Some((_, e)) = ctx.in_use_entry() else {
        return;
    };
    for (who, info) in ctx.chain() {
        let sig = info.signature_algorithm.to_ascii_lowercase();
        if !info.self_issued && (sig.contains("sha1") || sig == "1.2.840.113549.1.1.5") {
            out.push(Finding::new(
                "KDB0002W",
                "kdb0002w",
                Some(e.label()),
                format!("{who} is signed with SHA-1 ({})", info.signature_algorithm),
                "have it reissued with a SHA-256 (or stronger) signature",
            ));
        }
    }
}
