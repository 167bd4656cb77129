//! SSL0217E: two entries share a label (compared without regard to case).

use super::Ctx;
use crate::diagnose::Finding;
use crate::store::duplicate_labels;

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let entries = ctx.entries();
    for group in duplicate_labels(entries) {
        let kinds: Vec<String> = group
            .iter()
            .map(|&i| format!("`{}` ({})", entries[i].label(), entries[i].kind()))
            .collect();
        out.push(Finding::new(
            "SSL0217E",
            "ssl0217e",
            Some(entries[group[0]].label()),
            format!(
                "{} entries share this label: {}; a server configured with it cannot tell which is meant",
                group.len(),
                kinds.join(", ")
            ),
            "rename all but one with `kdbman cert rename --db STORE --label OLD --new-label NEW` (labels compare without regard to case)",
        ));
    }
}
