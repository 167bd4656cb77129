//! KDB0008W: a GSKit v1 stash: the password XOR one constant byte, which
//! any tool (or a person with a hex editor) reverses.

use crate::diagnose::{Finding, LintTarget};
use crate::stash::{Permissions, Stash, StashFormat, gskit};

pub fn check(target: &LintTarget<'_>, out: &mut Vec<Finding>) {
    let Some(path) = target.stash else { return };
    let Ok(stash) = Stash::read(path, target.path, Permissions::AllowInsecure) else {
        return;
    };
    if stash.format() == &StashFormat::Gskit(gskit::Version::V1) {
        out.push(Finding::new(
            "KDB0008W",
            "kdb0008w",
            None,
            format!(
                "stash file {} is a GSKit v1 stash: the password XOR a fixed byte, readable by anyone who can read the file",
                path.display()
            ),
            format!(
                "re-stash it as v2 with `kdbman keydb stashpw --db {}` (GSKit 8 reads v2; v1 only for GSKit 7 and older), and keep it at mode 0600",
                target.path.display()
            ),
        ));
    }
}
