//! One thing lint found: a code, a severity, the entry, what and what to do.

use std::fmt;
use std::path::PathBuf;

use super::catalogue::{self, Severity};

/// A lint finding. `code` is an IHS catalogue id (`SSL0219E`) or, for
/// conditions the catalogue has no message for, one of kdbman's own
/// [`EXTRA_RULES`] (`KDB0001W`); every code is a stable identifier that
/// SARIF uses as its rule id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub code: &'static str,
    pub severity: Severity,
    /// The entry concerned; `None` for the store (or stash) as a whole.
    pub label: Option<String>,
    /// What is wrong, naming the facts (which bound, by how much).
    pub message: String,
    /// What to do about it.
    pub fix: String,
    /// The name of the check that found it (its module under `checks`).
    pub check: &'static str,
    /// The configuration line behind it, when a server configuration
    /// named the store or label (`lint --httpd-conf`, `--labels`).
    pub location: Option<Location>,
}

/// A line of a configuration file: where a store or label was named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file, as named on the command line or by an `Include`.
    pub file: PathBuf,
    /// 1-based; the first line of a directive continued with `\`.
    pub line: usize,
    /// The directive (`KeyFile`, `SSLServerCert`), if any.
    pub directive: Option<String>,
}

impl fmt::Display for Location {
    /// `FILE:LINE`, the file shown through [`crate::text::path`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", crate::text::path(&self.file), self.line)
    }
}

impl Finding {
    /// A finding with the severity its code carries.
    pub fn new(
        code: &'static str,
        check: &'static str,
        label: Option<&str>,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) -> Finding {
        Finding {
            code,
            severity: severity_of(code),
            label: label.map(str::to_string),
            message: message.into(),
            fix: fix.into(),
            check,
            location: None,
        }
    }

    /// The catalogue entry behind the code, if it is an IHS code.
    pub fn catalogue(&self) -> Option<&'static catalogue::Code> {
        catalogue::by_id(self.code)
    }

    /// The short title of the code (catalogue title or kdbman rule title).
    pub fn title(&self) -> &'static str {
        rule_title(self.code)
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.severity, self.code)?;
        if let Some(l) = &self.label {
            write!(f, " [{l}]")?;
        }
        write!(f, ": {}", self.message)
    }
}

pub use super::rule::ExtraRule;

/// kdbman's own rules: the letter ends the id as in IHS codes.
pub static EXTRA_RULES: &[ExtraRule] = &[
    ExtraRule {
        id: "KDB0001W",
        severity: Severity::Warning,
        title: "Certificate expires soon",
        help: "A certificate in use expires within the warning window (--warn-days); renew it before clients start failing with SSL0219E or SSL0221E.",
    },
    ExtraRule {
        id: "KDB0002W",
        severity: Severity::Warning,
        title: "SHA-1, MD5 or MD2 signature",
        help: "A certificate in the chain in use is signed with SHA-1, MD5 or MD2, which browsers and current TLS libraries refuse; reissue it with SHA-256 or better. A root's self-signature is not counted: nobody checks it (an old root's MD5 or MD2 self-signature is KDB0014W).",
    },
    ExtraRule {
        id: "KDB0003W",
        severity: Severity::Warning,
        title: "Server certificate without subject alternative names",
        help: "Clients match the host name against the SAN extension only, not the common name; reissue the certificate with --san dns:HOST.",
    },
    ExtraRule {
        id: "KDB0004W",
        severity: Severity::Warning,
        title: "Server certificate without the serverAuth extended key usage",
        help: "Many clients and policies expect serverAuth in a server certificate's extended key usage; reissue it with --eku serverAuth.",
    },
    ExtraRule {
        id: "KDB0005W",
        severity: Severity::Warning,
        title: "Store or stash file readable by group or others",
        help: "The stash holds the store password in recoverable form and the store holds private keys: make both readable by their owner only (chmod 600).",
    },
    ExtraRule {
        id: "KDB0006W",
        severity: Severity::Warning,
        title: "CMS password open to offline guessing",
        help: "A CMS key database checks its password with a single HMAC keyed by the password itself, with no slow key derivation: a copy of the file lets an attacker try passwords as fast as hardware allows. Use 14 or more characters of mixed kinds, and protect the .kdb and .sth with mode 0600.",
    },
    ExtraRule {
        id: "KDB0007W",
        severity: Severity::Warning,
        title: "CMS v4 key database",
        help: "Version 4 CMS stores protect their integrity with HMAC-SHA1, and old GSKit levels encrypted their keys with 3DES. GSKit 8 and later write version 6 (HMAC-SHA384, AES-256): convert the store to v6.",
    },
    ExtraRule {
        id: "KDB0012W",
        severity: Severity::Warning,
        title: "CMS v3 key database",
        help: "Version 3 CMS stores (old iKeyman and GSKit 7, z/OS gskkyman) check a password with one MD5 over the header and the password, so offline guessing costs less than for v4 or v6, and they encrypt private keys with single DES (pbeWithMD5AndDES-CBC). Upgrade with `kdbman keydb convert --cms-version 6` (HMAC-SHA384, AES-256 keys); keep v3 only where an old GSKit or z/OS level must read the file.",
    },
    ExtraRule {
        id: "KDB0013W",
        severity: Severity::Warning,
        title: "CMS companion file not usable",
        help: "The request database (.rdb) or CRL database (.crl) beside a CMS key database is damaged, another store's, of a version kdbman does not read, or unreadable. The key database opens without it and servers read only the .kdb, but a change that must rewrite the companion (a certificate request, a new password) is refused: restore it from a backup, or move it aside if what it holds is not needed.",
    },
    ExtraRule {
        id: "KDB0014W",
        severity: Severity::Warning,
        title: "Old-style trust anchor",
        help: "A self-issued root the store trusts has a serial number that is zero, negative or longer than 20 octets, signs itself with MD2 or MD5, or is X.509 version 1 or 2 (a SHA-1 self-signature is named with these, never reported alone: roots in wide use sign themselves with SHA-1). Real IBM stores (z/OS gskkyman, old iKeyman, GSKit's default CA list) carry such 1990s roots and GSKit loads them. Path validation takes only a trust anchor's name and key and never checks its serial number or its self-signature (RFC 5280 §6.1), so this is harmless; if no certificate you use chains to it, delete it with `kdbman cert delete --label LABEL`. The same faults on a certificate TLS checks (a personal certificate, an intermediate, a signer that is not self-issued) are SSL0210E or KDB0002W.",
    },
    ExtraRule {
        id: "KDB0008W",
        severity: Severity::Warning,
        title: "GSKit v1 stash file",
        help: "A v1 stash is the password XORed with one fixed byte: anyone who can read the file has the password at a glance. GSKit 8 reads v2 stashes; re-stash with v2 unless a GSKit 7 server still needs v1.",
    },
    ExtraRule {
        id: "KDB0009W",
        severity: Severity::Warning,
        title: "Default certificate cannot be determined",
        help: "Where GSKit marks the default certificate of a CMS key database is not documented. kdbman reads flag bit 1 of a record as the mark, on evidence from IBM-made files; a store where no personal record carries it may have no default, or one GSKit keeps elsewhere, and a store where several carry it leaves the choice unknown. PKCS#12 has no default. kdbman does not guess: it checks every personal certificate as if it were in use (chain, key, validity, key usage) and names them; configure the server with a certificate label (SSLServerCert for IHS) and lint with --label. A store of signers only is a trust store (an MQ client's): no certificate is in use and there is no KDB0009W.",
    },
    ExtraRule {
        id: "KDB0010W",
        severity: Severity::Warning,
        title: "Certificate not in use expires soon",
        help: "A certificate the server does not present today — another personal certificate (another virtual host, a later configuration), a member of another entry's chain, or a trusted signer — expires within the warning window (--warn-days). Renew it, or delete it if nothing uses it. The certificate in use and its chain have KDB0001W.",
    },
    ExtraRule {
        id: "KDB0011W",
        severity: Severity::Warning,
        title: "Certificate not in use has expired",
        help: "A certificate the server does not present today — another personal certificate, a member of another entry's chain, or a trusted signer — has expired. Nothing fails until something picks it, so it is a warning (use --fail-on warning to fail on it); renew it or delete it. An expired certificate in use is SSL0219E, one in its chain SSL0221E.",
    },
];

/// The severity a code carries: from the catalogue, or kdbman's own rules.
pub fn severity_of(code: &str) -> Severity {
    if let Some(c) = catalogue::by_id(code) {
        return c.severity;
    }
    extra_rule(code).map_or(Severity::Error, |r| r.severity)
}

/// The title of a code, from the catalogue or kdbman's own rules.
pub fn rule_title(code: &str) -> &'static str {
    if let Some(c) = catalogue::by_id(code) {
        return c.title;
    }
    extra_rule(code).map_or("", |r| r.title)
}

/// A kdbman rule by id: lint's [`EXTRA_RULES`] or `kdbman probe`'s codes.
pub fn extra_rule(code: &str) -> Option<&'static ExtraRule> {
    EXTRA_RULES
        .iter()
        .find(|r| r.id == code)
        .or_else(|| super::probe_codes::rule(code))
}
