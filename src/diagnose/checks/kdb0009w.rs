//! KDB0009W: no --label, and kdbman cannot tell which certificate the
//! store holds as its default: a CMS store where no personal record (or
//! more than one) carries the mark kdbman reads, or PKCS#12, which has
//! none. Said instead of SSL0223E, which would claim there is no default.

use super::Ctx;
use crate::diagnose::Finding;
use crate::store::{DefaultState, cms, several_marked};

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    if ctx.target.label.is_some() {
        return;
    }
    let why = match ctx.store.default_state() {
        DefaultState::Entry(_) | DefaultState::NoneSet => return,
        DefaultState::Unmarked => cms::DEFAULT_UNMARKED.to_string(),
        DefaultState::SeveralMarked(labels) => several_marked(&labels),
        DefaultState::NotRecorded => "a PKCS#12 file has no default certificate".to_string(),
    };
    out.push(Finding::new(
        "KDB0009W",
        "kdb0009w",
        None,
        format!(
            "which certificate {} ({}) holds as its default cannot be determined: {why}; the checks of the certificate in use were skipped",
            ctx.target.path.display(),
            ctx.store.format(),
        ),
        "configure the server with the label (`SSLServerCert LABEL` for IHS) and lint with --label LABEL",
    ));
}
