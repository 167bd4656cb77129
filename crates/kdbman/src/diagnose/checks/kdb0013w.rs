//! KDB0013W: a companion of a CMS key database (the `.rdb` request
//! database, the `.crl` CRL database) is there but not usable: damaged,
//! another store's, of a version kdbman does not read, or unreadable. The
//! store opens without it (IHS and MQ read only the `.kdb` at run time),
//! but a change that must rewrite it (a certificate request, a new
//! password) is refused, and GSKit's own tools may refuse the store.

use super::Ctx;
use crate::diagnose::Finding;
use crate::store::cms::{Found, Kind};

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    for c in ctx.store.cms_companions() {
        let Found::Unusable(problem) = &c.found else {
            continue;
        };
        let what = match c.kind {
            Kind::Crls => "CRL database",
            _ => "request database",
        };
        out.push(Finding::new(
            "KDB0013W",
            "kdb0013w",
            None,
            format!(
                "{what} {} beside the store is not usable ({problem}); the store opens without it, but a change that must rewrite it (a certificate request, a new password) is refused",
                c.path.display()
            ),
            format!(
                "restore {} from a backup; if what it holds is not needed, move it aside (kdbman and GSKit write a new one when they need it)",
                c.path.display()
            ),
        ));
    }
}
