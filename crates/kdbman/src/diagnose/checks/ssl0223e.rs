//! SSL0223E: no label is configured and the store has no default personal
//! certificate. The server starts, then fails every handshake. Where the
//! store has one (a native store's, or a CMS store's one marked record),
//! it becomes the certificate in use. A store with no personal
//! certificate is a trust store: no server presents anything from it.

use super::Ctx;
use crate::diagnose::Finding;

pub fn check(ctx: &mut Ctx<'_>, out: &mut Vec<Finding>) {
    if ctx.target.label.is_some() || !ctx.store.default_known() {
        return; // KDB0009W says why a default cannot be judged
    }
    // A CMS store reaches here only with exactly one marked record.
    let store = ctx.store;
    let default = store
        .default_entry()
        .and_then(|d| store.entries().iter().position(|e| std::ptr::eq(e, d)));
    match default {
        Some(i) => ctx.in_use = Some(i),
        None if super::personal(store).is_empty() => {}
        None => out.push(Finding::new(
            "SSL0223E",
            "ssl0223e",
            None,
            format!(
                "{} has no default personal certificate and no --label was given: a server would start and then fail every handshake",
                ctx.target.path.display()
            ),
            "set one with `kdbman cert setdefault --db STORE --label L`, or configure the server (and lint) with --label",
        )),
    }
}
