//! KDB0009W: no --label, and kdbman cannot tell which certificate the
//! store holds as its default: a CMS store where no personal record (or
//! more than one) carries the mark kdbman reads, or PKCS#12, which has
//! none. Said instead of SSL0223E, which would claim there is no default.
//! Nothing passes unchecked for it: every personal certificate is then
//! checked as if it were in use, and the message names them (the first
//! eight, and how many more: a 10,000-entry store's names would bury the
//! finding). A store with
//! no personal certificate is a trust store (an MQ client's, say): no
//! certificate is in use, so there is nothing to warn about.

use super::Ctx;
use crate::diagnose::Finding;
use crate::store::{DefaultState, cms, several_marked};

/// How many labels the message names.
const SHOWN: usize = 8;

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    if ctx.target.label.is_some() {
        return;
    }
    let personal: Vec<String> = super::personal(ctx.store)
        .into_iter()
        .map(|i| format!("`{}`", ctx.entries()[i].label()))
        .collect();
    if personal.is_empty() {
        return; // a trust store
    }
    let why = match ctx.store.default_state() {
        DefaultState::Entry(_) | DefaultState::NoneSet => return,
        DefaultState::Unmarked => cms::DEFAULT_UNMARKED.to_string(),
        DefaultState::SeveralMarked(labels) => several_marked(&labels),
        DefaultState::NotRecorded => "a PKCS#12 file has no default certificate".to_string(),
    };
    let named = match personal.len() {
        n if n <= SHOWN => personal.join(", "),
        n => format!("{} and {} more", personal[..SHOWN].join(", "), n - SHOWN),
    };
    out.push(Finding::new(
        "KDB0009W",
        "kdb0009w",
        None,
        format!(
            "which certificate {} ({}) holds as its default cannot be determined: {why}; each personal certificate was checked as if it were in use: {}",
            ctx.target.path.display(),
            ctx.store.format(),
            named,
        ),
        "configure the server with the label (`SSLServerCert LABEL` for IHS) and lint with --label LABEL",
    ));
}
