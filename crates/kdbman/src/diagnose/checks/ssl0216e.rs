//! SSL0216E: two entries hold the same key (same public key or the same
//! certificate). Linear time: entries are grouped by key identity.

use super::Ctx;
use crate::diagnose::Finding;
use crate::store::duplicate_keys;

pub fn check(ctx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let entries = ctx.entries();
    for group in duplicate_keys(entries) {
        let labels: Vec<String> = group
            .iter()
            .map(|&i| format!("`{}`", entries[i].label()))
            .collect();
        out.push(Finding::new(
            "SSL0216E",
            "ssl0216e",
            Some(entries[group[0]].label()),
            format!(
                "{} entries hold the same key or certificate: {}",
                group.len(),
                labels.join(", ")
            ),
            "keep one entry for the key and delete the others with `kdbman cert delete --db STORE --label L`",
        ));
    }
}
