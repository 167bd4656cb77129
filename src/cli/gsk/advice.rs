//! What to do about an error, in gsk8capicmd's words: its commands and
//! options (`-keydb -stashpw`, `-cert -list`, `-stashed`), never kdbman's.
//!
//! The library's errors carry the facts; kdbman's own command line words
//! them with `kdbman::advice`. Errors whose fix names no command (a
//! damaged file, a permission, a full disk) read the same in both, so
//! those fall through to kdbman's wording, which names none.

use std::io;

use kdbman::error::{Error, Remedy, StashProblem};

/// The fix a gsk8capicmd user sees for `e`.
pub fn fix(e: &Error) -> String {
    match e {
        Error::Io { path, source, .. }
            if source.kind() == io::ErrorKind::NotFound
                && path.extension().is_some_and(|x| x.eq_ignore_ascii_case("kdb")) =>
        {
            format!(
                "check the path {}; create a key database with `-keydb -create -db PATH -pw PASSWORD -stash`",
                path.display()
            )
        }
        Error::WrongPasswordOrDamaged { path, stash: Some(_) } => format!(
            "stash the right password again with `-keydb -stashpw -db {} -pw PASSWORD`; if the stash is current, the key database is damaged: restore it from a backup",
            path.display()
        ),
        Error::Stash { store, problem, .. } => {
            let db = store.display();
            match problem {
                StashProblem::Permissions { .. } => format!(
                    "make the stash readable by its owner only (`chmod 600`), then stash the password again with `-keydb -stashpw -db {db} -pw PASSWORD`"
                ),
                StashProblem::Missing => format!(
                    "write one with `-keydb -stashpw -db {db} -pw PASSWORD`, or give the password with -pw instead of -stashed"
                ),
                StashProblem::Rejected => format!(
                    "the stash is this key database's, yet its password fails: check the password, then stash it again with `-keydb -stashpw -db {db} -pw PASSWORD`"
                ),
                _ => format!(
                    "stash the key database's current password with `-keydb -stashpw -db {db} -pw PASSWORD` (`-keydb -changepw ... -stash` keeps them together)"
                ),
            }
        }
        Error::LabelNotFound { store, .. } => format!(
            "list the labels with `-cert -list -db {} -stashed`",
            store.display()
        ),
        Error::WrongKind { store, needed, .. } => format!(
            "choose a label of {needed}; `-cert -list -db {} -stashed` shows the labels",
            store.display()
        ),
        Error::NoDefault { store } => format!(
            "name a label with -label, or set a default with `-cert -setdefault -db {} -label LABEL`",
            store.display()
        ),
        Error::PasswordExpired { path, .. } => format!(
            "set a new password with `-keydb -changepw -db {} -pw OLD -new_pw NEW -stash`",
            path.display()
        ),
        Error::InputPassword { .. } => {
            "give the password the file was exported with (-pw for -cert -import's source file, -target_pw for its target)".into()
        }
        Error::Usage { .. } => "see `-help` (or man kdbman-gsk) for the options".into(),
        Error::RenewalPending { store, request, .. } => format!(
            "have that request signed and `-cert -receive` the certificate, or delete it with `-certreq -delete -db {} -label '{request}'` to start over",
            store.display()
        ),
        Error::NotAStore { path, .. } => format!(
            "check that {} is the key database you meant (-db), and its -type",
            path.display()
        ),
        Error::NoPassword { .. } | Error::PromptClosed { .. } => {
            "give the password with -pw, or -stashed to read it from the stash beside the key database".into()
        }
        Error::Unsupported { remedy, .. } | Error::NotApproved { remedy, .. } => remedy_fix(remedy),
        _ => kdbman::advice::fix(e),
    }
}

/// What would let a refused action go ahead, in gsk8capicmd's words.
fn remedy_fix(r: &Remedy) -> String {
    match r {
        Remedy::SettleRequests => "receive or delete the requests first (`-certreq -list` shows them), or convert to cms".into(),
        Remedy::KeepRequestsElsewhere => {
            "keep requests in a CMS key database (`-keydb -convert -new_format cms`)".into()
        }
        Remedy::LeaveOutExpiry { .. } => {
            "leave -expire out (rotate the password on your own schedule)".into()
        }
        Remedy::ConvertToCopy => "name -target (and -new_format) to write a converted copy".into(),
        Remedy::NameTheLabel { store } => {
            let mut t = "name the certificate with -label (the label in SSLServerCert for IHS, the queue manager's certificate label for MQ)".to_string();
            if let Some(db) = store {
                t.push_str(&format!(
                    ", or mark one with `-cert -setdefault -db {} -label LABEL`",
                    db.display()
                ));
            }
            t
        }
        Remedy::StrongerSigningKey => {
            "sign with an RSA key of 2048 bits or more (-size 2048), or an EC key".into()
        }
        Remedy::Sha2Signature => {
            "ask for a SHA-2 signature (-sigalg SHA256WithRSA, SHA256WithECDSA or SHA384WithECDSA)".into()
        }
        Remedy::ReexportWithAes => "re-export the file with AES (openssl pkcs12 -export without -legacy), or import it without -fips".into(),
        Remedy::ExportWithAes => {
            "export with the default AES-256 encryption (leave out -encryption weak)".into()
        }
        Remedy::Worded(text) => text.clone(),
        _ => kdbman::advice::remedy_fix(r),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    /// gsk8capicmd users are never sent to kdbman's commands or options.
    #[test]
    fn no_kdbman_vocabulary() {
        let store = PathBuf::from("key.kdb");
        let errors = vec![
            Error::Io {
                path: store.clone(),
                action: "read",
                source: io::Error::from(io::ErrorKind::NotFound),
            },
            Error::WrongPasswordOrDamaged {
                path: store.clone(),
                stash: Some(PathBuf::from("key.sth")),
            },
            Error::NoDefault {
                store: store.clone(),
            },
            Error::Unsupported {
                path: store.clone(),
                what: "mark a default certificate",
                why: "a PKCS#12 file has no default certificate".into(),
                remedy: Remedy::NameTheLabel {
                    store: Some(store.clone()),
                },
            },
            Error::NotApproved {
                what: "a signature with SHA-1".into(),
                policy: "FIPS 140",
                remedy: Remedy::Sha2Signature,
            },
            Error::Unsupported {
                path: store.clone(),
                what: "expire its password",
                why: "undocumented".into(),
                remedy: Remedy::LeaveOutExpiry { or_cms: false },
            },
        ];
        for e in &errors {
            let f = fix(e);
            assert!(!f.contains("kdbman") && !f.contains(" --"), "{e}: {f}");
            assert_ne!(f, kdbman::advice::fix(e), "{e}: same as kdbman's");
        }
    }
}
