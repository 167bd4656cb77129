//! Errors in GSKit's shape: `CODE text` on the first line, then kdbman's
//! fix. GSKit's own message numbers (CTGSKnnnnW) are used where one is
//! known for the condition; the rest are kdbman's (KDBGnnnnW), so a
//! script never sees a GSKit number that GSKit would not print.

use std::io::Write;

use kdbman::{Error, ErrorClass};

use crate::cli::exit;

/// Exit status for an option or action kdbman does not implement.
pub const REFUSED: u8 = 11;

/// Every code the front end prints, its meaning and exit status
/// (the man page and README are generated from / checked against this).
pub const CATALOGUE: &[(&str, &str, u8)] = &[
    (
        "KDBG0001W",
        "the command line is not valid (object, action, option or value)",
        exit::USAGE,
    ),
    (
        "KDBG0002W",
        "an option or action kdbman does not implement (PKCS#11, secret keys, JKS ...), or an algorithm -fips does not allow",
        REFUSED,
    ),
    (
        "KDBG0003W",
        "a new password breaks the -strong rules",
        exit::USAGE,
    ),
    (
        "KDBG0004W",
        "a file cannot be read or written, or already exists",
        exit::IO,
    ),
    (
        "KDBG0005W",
        "the file is not a key database kdbman can open",
        exit::NOT_A_STORE,
    ),
    ("KDBG0006W", "the key database is damaged", exit::DAMAGED),
    (
        "KDBG0007W",
        "the password is not correct (the file is intact)",
        exit::WRONG_PASSWORD,
    ),
    (
        "KDBG0008W",
        "the stash file cannot open the key database (missing, damaged, stale, foreign, readable by others)",
        exit::STASH,
    ),
    (
        "KDBG0012W",
        "the password (given or stashed) does not open the store, and the store cannot tell a wrong or stale password from a damaged header (CMS key databases without a private key)",
        exit::UNDECIDED,
    ),
    (
        "CTGSK3029W",
        "the database does not contain an entry with that label",
        exit::ENTRY,
    ),
    (
        "KDBG0009W",
        "the entry is of the wrong kind, or the label or key is already in the database",
        exit::ENTRY,
    ),
    (
        "KDBG0010W",
        "an input file (certificate, request, key, PKCS#12) is unusable",
        exit::INPUT,
    ),
    (
        "CTGSK2146W",
        "an invalid certificate chain was found (followed by CTGSK2043W Key entry validation failed.)",
        exit::FINDINGS,
    ),
    (
        "KDBG0011W",
        "no password was given and there is no terminal to ask at",
        exit::USAGE,
    ),
    (
        "KDBG0099E",
        "internal error (a bug in kdbman: please report it)",
        70,
    ),
];

/// A failure, worded for a GSKit user.
#[derive(Debug, Clone)]
pub struct GskError {
    pub code: &'static str,
    /// What is wrong (one line).
    pub text: String,
    /// Further GSKit-style lines printed after the first (CTGSK2043W).
    pub extra: Vec<String>,
    /// What to do.
    pub fix: String,
    pub status: u8,
}

impl GskError {
    /// Replaces every password of the command line (`secrets`: the values
    /// of `-pw`, `-new_pw`, `-target_pw`, `-secondarydbpw`) in the message
    /// with `********`, whatever part of kdbman worded it. Short values
    /// (under 4 characters) only where they stand as a word of their own,
    /// so that a password `a` does not garble the message.
    pub fn redact(&mut self, secrets: &[&str]) {
        for line in std::iter::once(&mut self.text)
            .chain(self.extra.iter_mut())
            .chain(std::iter::once(&mut self.fix))
        {
            for s in secrets.iter().filter(|s| !s.is_empty()) {
                *line = redact_one(line, s);
            }
        }
    }

    pub fn usage(text: String, fix: String) -> GskError {
        GskError {
            code: "KDBG0001W",
            text,
            extra: Vec::new(),
            fix,
            status: exit::USAGE,
        }
    }

    /// Something GSKit does that kdbman does not.
    pub fn refused(text: String) -> GskError {
        GskError {
            code: "KDBG0002W",
            text,
            extra: Vec::new(),
            fix: "kdbman does not implement this; leave the option out or use IBM's tool for it (see man kdbman-gsk)".to_string(),
            status: REFUSED,
        }
    }

    pub fn weak_password(text: String) -> GskError {
        GskError {
            code: "KDBG0003W",
            text,
            extra: Vec::new(),
            fix: "choose a password of 14 or more printable ASCII characters with lower and upper case letters and a digit or special character, no character more than 3 times and none 3 times in a row".to_string(),
            status: exit::USAGE,
        }
    }

    pub fn no_password(what: &str, options: &str) -> GskError {
        GskError {
            code: "KDBG0011W",
            text: format!("no {what} was given and standard input is not a terminal"),
            extra: Vec::new(),
            fix: format!("give {options}"),
            status: exit::USAGE,
        }
    }

    /// Words a library or kdbman-CLI error.
    pub fn from_kdbman(e: &Error) -> GskError {
        let status = crate::cli::status_of(e);
        let mut fix = super::advice::fix(e);
        if let Some(c) = e.code() {
            fix.push_str(&format!(" (IHS code {c}; see `kdbman explain {c}`)"));
        }
        let (code, text, extra) = match e {
            Error::LabelNotFound { label, .. } => (
                "CTGSK3029W",
                format!("The database doesn't contain an entry with label '{label}'."),
                Vec::new(),
            ),
            Error::Chain { .. } => (
                "CTGSK2146W",
                format!("An invalid certificate chain was found: {e}"),
                vec!["CTGSK2043W Key entry validation failed.".to_string()],
            ),
            Error::Unsupported { .. } | Error::NotApproved { .. } => {
                return GskError {
                    code: "KDBG0002W",
                    text: e.to_string(),
                    extra: Vec::new(),
                    fix,
                    status: REFUSED,
                };
            }
            // A CMS store cannot tell a wrong password from a damaged
            // header; GSKit reports both as one error too.
            Error::WrongPasswordOrDamaged { .. } => ("KDBG0012W", e.to_string(), Vec::new()),
            Error::NoPassword { .. } | Error::PromptClosed { .. } => {
                ("KDBG0011W", e.to_string(), Vec::new())
            }
            _ => {
                let code = match e.class() {
                    ErrorClass::Io => "KDBG0004W",
                    ErrorClass::NotAStore => "KDBG0005W",
                    ErrorClass::Damaged => "KDBG0006W",
                    ErrorClass::WrongPassword => "KDBG0007W",
                    ErrorClass::Stash => "KDBG0008W",
                    ErrorClass::Entry => "KDBG0009W",
                    ErrorClass::Input => "KDBG0010W",
                    ErrorClass::Validation => "CTGSK2146W",
                    _ => "KDBG0001W",
                };
                (code, e.to_string(), Vec::new())
            }
        };
        GskError {
            code,
            text,
            extra,
            fix,
            status,
        }
    }

    /// Prints the message to standard error (a closed stderr is ignored).
    pub fn print(&self) {
        let mut s = format!("{} {}\n", self.code, one_line(&self.text));
        for x in &self.extra {
            s.push_str(x);
            s.push('\n');
        }
        s.push_str(&format!("kdbman fix: {}\n", one_line(&self.fix)));
        let s = kdbman::text::escape_lines(&s);
        let _ = std::io::stderr().lock().write_all(s.as_bytes());
    }
}

/// Folds a message onto one line.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub(crate) fn redact_one(line: &str, secret: &str) -> String {
    const MASK: &str = "********";
    if secret.chars().count() >= 4 {
        return line.replace(secret, MASK);
    }
    let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = rest.find(secret) {
        let before = rest[..at].chars().next_back();
        let after = rest[at + secret.len()..].chars().next();
        out.push_str(&rest[..at]);
        if boundary(before) && boundary(after) {
            out.push_str(MASK);
        } else {
            out.push_str(secret);
        }
        rest = &rest[at + secret.len()..];
    }
    out.push_str(rest);
    out
}
