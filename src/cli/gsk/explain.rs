//! `kdbman explain` for the messages of the gsk8capicmd front end: kdbman's
//! own KDBGnnnnW numbers and the GSKit CTGSKnnnnW numbers it prints (see
//! [`super::messages::CATALOGUE`]). The explanations are kdbman's.

use kdbman::Result;
use serde_json::json;

use super::messages::CATALOGUE;
use crate::cli::{exit, output};

/// One message of the front end, explained.
#[derive(Debug)]
pub struct FrontEndCode {
    pub id: &'static str,
    /// What the condition is.
    pub meaning: &'static str,
    /// Likely causes, most common first.
    pub causes: &'static [&'static str],
    /// What to do about it.
    pub fix: &'static str,
}

/// CTGSK2043W follows CTGSK2146W on a line of its own; it has no entry of
/// its own in the message catalogue.
const FOLLOW_UP: (&str, &str, u8) = (
    "CTGSK2043W",
    "key entry validation failed (printed after CTGSK2146W)",
    exit::FINDINGS,
);

/// Every code of [`CATALOGUE`], and CTGSK2043W.
pub static CODES: &[FrontEndCode] = &[
    FrontEndCode {
        id: "KDBG0001W",
        meaning: "The gsk8capicmd command line could not be read: an object or action kdbman does not know, a required option left out, an option the action does not take, or a value the option does not accept. Nothing was changed.",
        causes: &[
            "a misspelt object, action or option name",
            "an option that belongs to another action (-target where -file is meant, for example)",
            "a value outside what kdbman offers, such as a -size or -sigalg it does not implement",
        ],
        fix: "Find the word the message names, compare the command with `gsk8capicmd_64 -help OBJECT ACTION` (or man kdbman-gsk), correct it and run it again.",
    },
    FrontEndCode {
        id: "KDBG0002W",
        meaning: "The command asks for a GSKit feature that kdbman leaves out on purpose (PKCS#11 tokens, secret keys, JKS, JCEKS and MS CAPI stores, post-quantum keys), or for an algorithm that -fips excludes. kdbman stops before it opens or writes any file.",
        causes: &[
            "a script written for a feature listed under REFUSED OPTIONS AND OBJECTS in kdbman-gsk(1)",
            "-fips together with MD5, SHA-1, 3DES or another algorithm outside FIPS 140",
        ],
        fix: "Leave the option out where the script does not need it, run that one step with IBM's own tool, or drop -fips where a legacy algorithm really is required.",
    },
    FrontEndCode {
        id: "KDBG0003W",
        meaning: "With -strong, a new store password (-keydb -create -pw, -keydb -changepw -new_pw) must meet IBM's published strength rules, and this one does not. The store was not created or changed.",
        causes: &[
            "fewer than 14 characters",
            "no upper-case letter, no lower-case letter, or no digit or special character",
            "a character used more than 3 times, or 3 times in a row",
        ],
        fix: "Pick a longer password that mixes character kinds, or leave -strong out if your policy does not ask for it.",
    },
    FrontEndCode {
        id: "KDBG0004W",
        meaning: "A file the command needs could not be read or written: the store, its stash, an input file or the output file.",
        causes: &[
            "the path is wrong or the file does not exist",
            "the user running the command may not read the file or write to its directory",
            "the output file exists already and the action never writes over one (a new PKCS#12 file)",
            "a full or read-only file system",
        ],
        fix: "Check the path, the owner and the mode of the file the message names (and of its directory); give a new name for an output that exists. IHS reports the same condition at start-up as SSL0214E.",
    },
    FrontEndCode {
        id: "KDBG0005W",
        meaning: "The file given with -db is not a key database kdbman can open: it is another kind of file, or a store of a format or version kdbman does not read.",
        causes: &[
            "the .rdb or .sth beside the store given instead of the .kdb",
            "a PEM, JKS or KeePass file, or an empty or truncated one",
            "a CMS store of a version kdbman does not read",
        ],
        fix: "Point -db at the .kdb or .p12 file itself. `kdbman keydb details --db FILE` says what the file is.",
    },
    FrontEndCode {
        id: "KDBG0006W",
        meaning: "The file is a key database, but its structure or its integrity check is broken, so kdbman reads nothing from it and writes nothing to it.",
        causes: &[
            "a copy or transfer cut short, or a disk that filled up while another tool wrote the file",
            "the file changed by something other than a key database tool",
            "a text-mode (ASCII) transfer of a binary file",
        ],
        fix: "Restore the store from a backup together with its .rdb and .sth. kdbman replaces stores atomically, so a change it makes leaves either the old file or the new one.",
    },
    FrontEndCode {
        id: "KDBG0007W",
        meaning: "The password given does not open the store, and the file itself is intact, so the password is what is wrong.",
        causes: &[
            "a mistyped -pw value",
            "the store password was changed and the script still uses the old one",
            "the password of another store",
        ],
        fix: "Give the current password. If it is lost, the keys in the store cannot be recovered: make a new store, new keys and new certificates.",
    },
    FrontEndCode {
        id: "KDBG0008W",
        meaning: "-stashed was given, and the stash file beside the store cannot open it.",
        causes: &[
            "no STEM.sth beside the store",
            "the stash predates a change of the store password",
            "the stash belongs to another store, or is damaged",
            "the stash can be read by group or others, which kdbman refuses",
        ],
        fix: "Write the stash again with the current password (`gsk8capicmd_64 -keydb -stashpw -db STORE -pw PASSWORD`, or `kdbman keydb stashpw --db STORE`) and keep it at mode 0600. IHS reports a stash that does not open its store as SSL0228E.",
    },
    FrontEndCode {
        id: "KDBG0009W",
        meaning: "The entry is of the wrong kind for the action, or what the action would add is in the store already.",
        causes: &[
            "a signer given where a personal certificate is needed, or the reverse",
            "a label that is taken (labels are compared without regard to case)",
            "a key or certificate that another entry holds already",
        ],
        fix: "List the entries and their kinds with `gsk8capicmd_64 -cert -list -db STORE -stashed`, then choose a free label, or rename or delete the entry in the way.",
    },
    FrontEndCode {
        id: "KDBG0010W",
        meaning: "A file given with -file (a certificate, a request, a key or a PKCS#12 file) cannot be used.",
        causes: &[
            "not PEM or DER, or not the kind of object the action expects",
            "a PKCS#12 file whose password does not open it",
            "a signed certificate whose key matches no request or personal entry in the store",
        ],
        fix: "Look at the file with openssl (`openssl x509 -in FILE -noout -text`, `openssl req -in FILE -noout -text`, `openssl pkcs12 -in FILE -info -nokeys`) and ask whoever sent it for the right one.",
    },
    FrontEndCode {
        id: "KDBG0011W",
        meaning: "The command needs a password, none was given, and there is no terminal to ask at (cron, CI, a pipe).",
        causes: &[
            "neither -pw nor -stashed in a script that runs unattended",
            "-stashed left out where a stash exists",
        ],
        fix: "Give -stashed (with the stash beside the store) or -pw; kdbman's own commands also read --pw-env VAR and --pw-file PATH, which keep the password off the command line.",
    },
    FrontEndCode {
        id: "KDBG0012W",
        meaning: "The password, given or stashed, does not open a CMS key database that holds no private key. Such a store's check cannot tell a wrong or stale password from a damaged header, so kdbman names both.",
        causes: &[
            "a wrong password, or a stash written before the password changed",
            "a damaged header",
        ],
        fix: "Try the password you believe is right with -pw. If it opens the store, write the stash again; if the right password fails too, restore the store from a backup.",
    },
    FrontEndCode {
        id: "KDBG0099E",
        meaning: "kdbman met a condition it should never meet: a bug. The command stopped.",
        causes: &["a bug in kdbman"],
        fix: "Report it with the command line (passwords removed) and the message. kdbman replaces stores atomically, so the store is either as it was or fully changed: check it with -cert -list.",
    },
    FrontEndCode {
        id: "CTGSK3029W",
        meaning: "No entry of the store, neither a certificate nor a request, has the label given with -label.",
        causes: &[
            "a misspelt label, or one with spaces that was not quoted",
            "the entry is in another store",
            "for MQ, a certificate not labelled ibmwebspheremq followed by the queue manager's name in lower case (or CERTLABL)",
        ],
        fix: "List the labels with `gsk8capicmd_64 -cert -list -db STORE -stashed` (requests: -certreq -list) and use one of them, quoted if it holds spaces. IHS reports a missing SSLServerCert label as SSL0227E.",
    },
    FrontEndCode {
        id: "CTGSK2146W",
        meaning: "The certificate's chain does not validate against the store's signers.",
        causes: &[
            "an intermediate or root CA certificate is not in the store",
            "a certificate in the chain has expired or is not valid yet",
            "a signature does not verify, or an issuer may not sign certificates",
        ],
        fix: "Add the missing CA certificates with `gsk8capicmd_64 -cert -add -db STORE -stashed -label NAME -file CA.pem`. `kdbman cert validate --db STORE --stashed --label LABEL` names the certificate at fault; `kdbman lint` reports the condition as SSL0208E, as IHS does.",
    },
    FrontEndCode {
        id: "CTGSK2043W",
        meaning: "Printed after CTGSK2146W: the entry whose chain failed did not pass validation. It has no cause of its own.",
        causes: &["the chain problem reported by the CTGSK2146W line before it"],
        fix: "Fix what CTGSK2146W names; see `kdbman explain CTGSK2146W`.",
    },
];

/// The code's title and exit status, from the message catalogue.
fn title_and_status(id: &str) -> Option<(&'static str, u8)> {
    CATALOGUE
        .iter()
        .chain(std::iter::once(&FOLLOW_UP))
        .find(|(c, _, _)| *c == id)
        .map(|(_, t, s)| (*t, *s))
}

/// Finds a code by its id, with or without its letter, in any case.
pub fn lookup(query: &str) -> Option<&'static FrontEndCode> {
    let q = query.trim();
    CODES
        .iter()
        .find(|c| c.id.eq_ignore_ascii_case(q) || c.id[..c.id.len() - 1].eq_ignore_ascii_case(q))
}

/// Prints the explanation, as text or JSON (the shape of an IHS code's,
/// with scope `command`).
pub fn run(code: &FrontEndCode, as_json: bool) -> Result<u8> {
    let (title, status) = title_and_status(code.id).unwrap_or(("", exit::USAGE));
    let kdbman = format!(
        "A message of kdbman's gsk8capicmd front end (gsk8capicmd_64, runmqakm and the other GSKit tool names; see kdbman-gsk(1)); the command ends with exit status {status}."
    );
    if as_json {
        output::json(&json!({
            "id": code.id,
            "severity": "error",
            "title": title,
            "gsk": null,
            "meaning": code.meaning,
            "causes": code.causes,
            "fix": code.fix,
            "kdbman": kdbman,
            "scope": "command",
        }));
        return Ok(exit::OK);
    }
    output::line(format!("{}: {title}", code.id));
    output::line(format!("\nWhat it means\n  {}", code.meaning));
    output::line("\nLikely causes");
    for cause in code.causes {
        output::line(format!("  - {cause}"));
    }
    output::line(format!("\nHow to fix it\n  {}", code.fix));
    output::line(format!("\nIn kdbman (command)\n  {kdbman}"));
    Ok(exit::OK)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_of_the_catalogue_is_explained() {
        for (id, title, _) in CATALOGUE.iter().chain(std::iter::once(&FOLLOW_UP)) {
            let c = lookup(id).unwrap_or_else(|| panic!("{id} has no explanation"));
            assert_eq!(c.id, *id);
            assert!(!title.is_empty());
            assert!(!c.meaning.is_empty() && !c.fix.is_empty() && !c.causes.is_empty());
        }
        for c in CODES {
            assert!(
                title_and_status(c.id).is_some(),
                "{} is explained but not in the message catalogue",
                c.id
            );
        }
        assert_eq!(lookup("kdbg0008w").map(|c| c.id), Some("KDBG0008W"));
        assert_eq!(lookup("KDBG0008").map(|c| c.id), Some("KDBG0008W"));
        assert_eq!(lookup("ctgsk3029w").map(|c| c.id), Some("CTGSK3029W"));
        assert!(lookup("KDBG0013W").is_none());
        assert!(lookup("KDBG").is_none());
    }
}
