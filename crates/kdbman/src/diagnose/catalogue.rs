//! The IBM HTTP Server handshake message catalogue, as kdbman sees it.
//!
//! IBM HTTP Server (IHS) reports TLS problems with message codes `SSL0192W`
//! to `SSL0276E`; MQ, Db2 and other users of IBM's GSKit library report the
//! same conditions as GSKit return codes (`408`) or names
//! (`GSK_ERROR_BAD_KEYFILE_PASSWORD`). Each [`Code`] keeps the message id and
//! short title verbatim, because those are what administrators search logs
//! for; the meaning, causes and fix are kdbman's own explanation, written for
//! someone who runs IHS, MQ or Db2 and manages their keys with kdbman.
//!
//! [`Code::scope`] says where kdbman deals with a condition: `kdbman lint`
//! finds [`Scope::Store`] conditions before deployment, `kdbman serve`
//! reproduces and logs [`Scope::Runtime`] ones, and
//! [`Scope::NotApplicable`] ones concern parts kdbman does not have.
//!
//! [`lookup`] accepts whatever a user is likely to type (`SSL0218E`,
//! `ssl0218`, `218`, `408`, `GSK 408`, a GSKit name); [`by_id`] is the exact
//! form used by lint findings.

use std::fmt;

/// How serious a code is, from the letter at the end of its id (E, W, I).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// `E`: the operation failed.
    Error,
    /// `W`: the connection failed or a risky setting is in use; the server carries on.
    Warning,
    /// `I`: informational; usually the client's doing or a normal event.
    Info,
}

impl Severity {
    /// The letter that ends a message id: `E`, `W` or `I`.
    pub fn letter(self) -> char {
        match self {
            Severity::Error => 'E',
            Severity::Warning => 'W',
            Severity::Info => 'I',
        }
    }

    /// A lower-case word for reports: `error`, `warning` or `info`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }

    /// The severity a message-id letter stands for (either case), if any.
    pub fn from_letter(c: char) -> Option<Severity> {
        match c.to_ascii_uppercase() {
            'E' => Some(Severity::Error),
            'W' => Some(Severity::Warning),
            'I' => Some(Severity::Info),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where kdbman deals with a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// A condition of the key database that `kdbman lint` detects before deployment.
    Store,
    /// A condition that only shows during a TLS handshake; `kdbman serve` reproduces and logs it.
    Runtime,
    /// Concerns a part kdbman does not have (LDAP CRL servers, GSKit library loading, PKCS#11, SSLv2, z/OS, internal GSKit API misuse...).
    NotApplicable,
}

impl Scope {
    /// A short word for reports: `store`, `runtime` or `not-applicable`.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Store => "store",
            Scope::Runtime => "runtime",
            Scope::NotApplicable => "not-applicable",
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One IHS message code with kdbman's explanation of it.
#[derive(Debug)]
pub struct Code {
    /// The message id, e.g. `SSL0218E`.
    pub id: &'static str,
    /// The number inside the id, e.g. 218.
    pub number: u16,
    /// From the id's last letter.
    pub severity: Severity,
    /// The short title of the IHS message (an identifier; placeholders dropped).
    pub title: &'static str,
    /// The GSKit return code and name behind the message, where there is one.
    pub gsk: Option<Gsk>,
    /// What the condition is, in one to three sentences.
    pub meaning: &'static str,
    /// Its likely causes, most common first.
    pub causes: &'static [&'static str],
    /// What to do about it.
    pub fix: &'static str,
    /// Which kdbman check or command detects or reproduces it, or why none does.
    pub kdbman: &'static str,
    /// Where kdbman deals with it.
    pub scope: Scope,
}

/// A GSKit return code and its name in GSKit's C headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gsk {
    /// The return code, e.g. 408.
    pub code: u16,
    /// Its name, e.g. `GSK_ERROR_BAD_KEYFILE_PASSWORD`.
    pub name: &'static str,
}

const fn gsk(code: u16, name: &'static str) -> Option<Gsk> {
    Some(Gsk { code, name })
}

/// Every message of the IHS handshake catalogue, sorted by number.
pub static CODES: &[Code] = &[
    Code {
        id: "SSL0192W",
        number: 192,
        severity: Severity::Warning,
        title: "IBM HTTP Server is configured to permit client renegotiation which is vulnerable to man-in-the-middle attacks",
        gsk: None,
        meaning: "IHS writes this at start-up when a virtual host accepts renegotiation requests from clients, including the legacy kind that lacks RFC 5746 protection. Legacy renegotiation lets an attacker in the middle prefix a victim's session with data of its own choosing (CVE-2009-3555).",
        causes: &[
            "`SSLInsecureRenegotiation on` is set globally or in the virtual host",
            "a configuration carried over from an old system, where a legacy client once needed renegotiation",
        ],
        fix: "Delete the SSLInsecureRenegotiation line (off is the default) and restart IHS. A client that still relies on renegotiating should open a fresh connection instead; no current browser needs the setting.",
        kdbman: "Not produced by kdbman: `kdbman serve` is built on rustls, which does not implement renegotiation at all, so there is no setting that could turn it on. The warning concerns IHS configuration, not the key database.",
        scope: Scope::NotApplicable,
    },
    Code {
        id: "SSL0193W",
        number: 193,
        severity: Severity::Warning,
        title: "Error setting GSK_NO_RENEGOTIATION",
        gsk: None,
        meaning: "Switching off client renegotiation failed: GSKit answered the request from IHS with an error. IHS makes that call whenever SSLInsecureRenegotiation is not on, so this can appear with default settings; renegotiation may then not be blocked.",
        causes: &[
            "a GSKit level too old to know the setting",
            "IHS loading a different GSKit than the one shipped with it",
        ],
        fix: "Check which GSKit level IHS loads (the error log records it at start-up) and bring it to the level that belongs to your IHS fix pack. If the error stays, open a case with IBM and quote the error number from the message.",
        kdbman: "Not applicable: this concerns how IHS sets up its GSKit library. `kdbman serve` uses rustls, which refuses renegotiation without being told to.",
        scope: Scope::NotApplicable,
    },
    Code {
        id: "SSL0196I",
        number: 196,
        severity: Severity::Info,
        title: "Security library does not support GSK_SESSION_RESET_CALLBACK, rejecting insecure SSL client renegotiation by monitoring SIDs",
        gsk: None,
        meaning: "A notice, not a failure: the security library (typically an older z/OS System SSL) cannot tell IHS when a session is reset, so IHS watches session IDs instead to catch and refuse renegotiation. Renegotiation stays blocked.",
        causes: &["a z/OS System SSL level without the session-reset callback"],
        fix: "Nothing is required. To use the direct mechanism, apply the z/OS System SSL maintenance that adds the session-reset callback or built-in refusal of renegotiation.",
        kdbman: "Not applicable: describes the z/OS security library under IHS. kdbman has no such library, and rustls refuses renegotiation on its own.",
        scope: Scope::NotApplicable,
    },
    Code {
        id: "SSL0197I",
        number: 197,
        severity: Severity::Info,
        title: "Configured security library to reject insecure SSL client renegotiation",
        gsk: None,
        meaning: "Start-up news, not a problem: from now on the security library will refuse renegotiation requests from clients.",
        causes: &["a normal start with renegotiation left disabled"],
        fix: "No action needed.",
        kdbman: "Not applicable: a start-up notice from IHS's security library set-up; rustls under `kdbman serve` refuses renegotiation without any configuration.",
        scope: Scope::NotApplicable,
    },
    Code {
        id: "SSL0198I",
        number: 198,
        severity: Severity::Info,
        title: "System is running without a security library capable of directly rejecting insecure SSL client renegotiation. Aborting HTTPS requests that span SSL sessions",
        gsk: None,
        meaning: "The security library cannot refuse renegotiation by itself, so IHS guards against it another way: an HTTPS request whose bytes arrive over two different TLS sessions is dropped. Renegotiation stays blocked, at the price of ending such connections.",
        causes: &[
            "an older z/OS System SSL level",
            "on other platforms, a GSKit older than 7.0.4.27",
        ],
        fix: "Nothing must be done. For direct refusal by the library, upgrade GSKit (Linux, Unix, Windows) or apply current System SSL maintenance (z/OS).",
        kdbman: "Not applicable: concerns the security library under IHS; rustls under `kdbman serve` refuses renegotiation itself.",
        scope: Scope::NotApplicable,
    },
    Code {
        id: "SSL0200E",
        number: 200,
        severity: Severity::Error,
        title: "Handshake Failed",
        gsk: None,
        meaning: "GSKit returned a result code for which this IHS level has no specific message; the number is shown in the message instead of a description.",
        causes: &[
            "a GSKit newer than the IHS level, returning a code IHS does not know",
            "an unusual failure inside GSKit",
        ],
        fix: "Note the number in the message and look it up in the GSKit or z/OS System SSL return-code list (`kdbman explain NUMBER` knows the classic GSKit codes). Bringing IHS and GSKit to matching fix levels usually turns it into a specific message; otherwise IBM needs the number and a GSKit trace.",
        kdbman: "Not applicable: `kdbman serve` gives every failure a specific code (SSL0266E when nothing narrower fits), so it never logs an unknown one.",
        scope: Scope::NotApplicable,
    },
    Code {
        id: "SSL0201E",
        number: 201,
        severity: Severity::Error,
        title: "Handshake Failed, Internal error - Bad handle",
        gsk: gsk(1, "GSK_INVALID_HANDLE"),
        meaning: "IHS handed GSKit an environment or connection handle that GSKit did not recognise. This is a defect in the calling program, not a certificate or configuration problem.",
        causes: &[
            "a bug in IHS or in a module that calls GSKit",
            "IHS and GSKit at mismatched fix levels",
        ],
        fix: "Restart IHS. If it comes back, bring IHS and GSKit to the same current fix level and send IBM a GSKit trace.",
        kdbman: "Not applicable: internal misuse of the GSKit API; kdbman uses rustls and has no GSKit handles.",
        scope: Scope::NotApplicable,
    },
    Code {
        id: "SSL0202E",
        number: 202,
        severity: Severity::Error,
        title: "Handshake Failed, The GSK library unloaded",
        gsk: gsk(2, "GSK_API_NOT_AVAILABLE"),
        meaning: "The GSKit DLL had disappeared from the server process by the time IHS called into it; IBM documents this for Windows only.",
        causes: &[
            "GSKit DLLs removed or replaced while IHS was running",
            "an interrupted or partial GSKit upgrade",
        ],
        fix: "Restart IHS so that it loads GSKit afresh. If it persists, reinstall the GSKit that comes with your IHS level.",
        kdbman: "Not applicable: kdbman's TLS code is compiled into the binary; it loads no GSKit library.",
        scope: Scope::NotApplicable,
    },
    Code {
        id: "SSL0203E",
        number: 203,
        severity: Severity::Error,
        title: "Handshake Failed, GSK internal error",
        gsk: gsk(3, "GSK_INTERNAL_ERROR"),
        meaning: "GSKit met an unexpected condition inside itself while handling the connection. It says nothing definite about certificates or configuration.",
        causes: &[
            "a GSKit defect triggered by an unusual client",
            "a damaged GSKit installation",
        ],
        fix: "A single occurrence can be ignored. If it repeats, note which clients trigger it, update GSKit to the current fix level and give IBM a GSKit trace.",
        kdbman: "Not applicable: a failure inside GSKit, which kdbman does not use.",
        scope: Scope::NotApplicable,
    },
    Code {
        id: "SSL0204E",
        number: 204,
        severity: Severity::Error,
        title: "Handshake Failed, Internal memory allocation failure",
        gsk: gsk(4, "GSK_INSUFFICIENT_STORAGE"),
        meaning: "Memory ran out: an allocation inside the server process failed in the middle of setting up the connection.",
        causes: &[
            "more threads or child processes than the memory or process limits allow",
            "a module leaking memory until allocations fail",
            "a 32-bit process reaching the end of its address space",
        ],
        fix: "Check the process size and free memory; lower ThreadsPerChild or MaxClients, or raise the limits (ulimit -d and -v, the z/OS region size), then restart IHS.",
        kdbman: "Not applicable: a resource shortage in the server process, not a property of the key database.",
        scope: Scope::NotApplicable,
    },
    Code {
        id: "SSL0205E",
        number: 205,
        severity: Severity::Error,
        title: "Handshake Failed, GSK handle is in an invalid state for operation",
        gsk: gsk(5, "GSK_INVALID_STATE"),
        meaning: "IHS asked GSKit for a step that does not fit the connection's current stage, such as exchanging data before the handshake is done.",
        causes: &[
            "a sequencing defect in IHS or a module",
            "a connection closed on one thread while another was still using it",
        ],
        fix: "Usually transient: the client can simply reconnect. If it keeps happening, update IHS and GSKit and report it to IBM.",
        kdbman: "Not applicable: internal misuse of the GSKit API.",
        scope: Scope::NotApplicable,
    },
    Code {
        id: "SSL0206E",
        number: 206,
        severity: Severity::Error,
        title: "Handshake Failed, Key-file label not found",
        gsk: gsk(6, "GSK_KEY_LABEL_NOT_FOUND"),
        meaning: "The certificate label the server was told to use (SSLServerCert in IHS, CERTLABL in MQ, SSL_SVR_LABEL in Db2) names no entry in the key database.",
        causes: &[
            "a typing mistake or different spelling in the configured label",
            "the certificate was stored or renamed under another label",
            "the configuration points at another key database than the one holding the certificate",
        ],
        fix: "List the labels with `kdbman cert list --db STORE`, then either correct the configured label or give the entry the expected name with `kdbman cert rename`. Make sure the label belongs to a personal certificate (with a key), not a signer.",
        kdbman: "`kdbman lint --db STORE --label L` checks that L exists and names a personal certificate; kdbman's own commands report a missing label as SSL0227E, the same condition.",
        scope: Scope::Store,
    },
    Code {
        id: "SSL0207E",
        number: 207,
        severity: Severity::Error,
        title: "Handshake Failed, Certificate is not available",
        gsk: gsk(7, "GSK_CERTIFICATE_NOT_AVAILABLE"),
        meaning: "The server demanded a client certificate and the client went through its part of the handshake without presenting one.",
        causes: &[
            "the client has no certificate configured, or none from a CA the server lists as acceptable (browsers only offer those)",
            "the client program reads a key store other than the one holding its certificate",
            "client authentication was made mandatory while some clients are not meant to have certificates",
        ],
        fix: "Decide whether client certificates really are mandatory; if not, make them optional (IHS: `SSLClientAuth optional`). Otherwise give the client a certificate issued by a CA that is a signer in the server's store; `kdbman cert list --db STORE` shows the signers the server will name.",
        kdbman: "`kdbman serve --db STORE --client-auth required` turns away a client that presents no certificate and logs SSL0207E (with the SSL0265W warning).",
        scope: Scope::Runtime,
    },
    Code {
        id: "SSL0208E",
        number: 208,
        severity: Severity::Error,
        title: "Handshake Failed, Certificate validation error",
        gsk: gsk(8, "GSK_ERROR_CERT_VALIDATION"),
        meaning: "A certificate chain could not be verified: it does not lead to a trusted signer, or one of its links fails a check on signature or permitted use. In IHS this may concern its own chain or one received from a peer.",
        causes: &[
            "an intermediate CA certificate is missing from the store",
            "the root CA is absent, or present but not trusted as a signer",
            "a signature in the chain does not verify, typically an old intermediate kept after the CA re-issued it",
            "a certificate used for something it does not allow: a server certificate whose extended key usage lacks serverAuth, or an issuer without keyCertSign",
        ],
        fix: "Run `kdbman cert validate --db STORE --label L` to see which link fails. Add a missing intermediate or root with `kdbman cert add`; replace a certificate issued for the wrong purpose by requesting a new one (`kdbman certreq create`, then `kdbman cert receive`). Run `kdbman lint` again afterwards.",
        kdbman: "`kdbman lint` builds the chain of each personal certificate (or the one given with --label) from the store's signers and reports SSL0208E with the link that fails. Client certificates rejected by `kdbman serve` are logged as SSL0233W, SSL0234W or SSL0237W.",
        scope: Scope::Store,
    },
    Code {
        id: "SSL0209E",
        number: 209,
        severity: Severity::Error,
        title: "Handshake Failed, ERROR processing cryptography",
        gsk: gsk(9, "GSK_ERROR_CRYPTO"),
        meaning: "A cryptographic operation failed during the handshake; most often the server's private key could not produce a signature that its certificate vouches for.",
        causes: &[
            "the private key stored with the certificate is not the key the certificate was issued for",
            "the key is damaged or has parameters the crypto library rejects",
            "a hardware crypto device failed the operation (GSKit with ICSF or PKCS#11)",
        ],
        fix: "Run `kdbman lint --db STORE --label L`. If key and certificate do not belong together, import the PKCS#12 file holding the matching pair with `kdbman cert import`, or, if the request was made in this store, receive the issued certificate against it with `kdbman cert receive`.",
        kdbman: "`kdbman lint` loads each personal entry's private key the way the bundled server does, derives its public key and compares it with the certificate's (no signature needed), reporting SSL0209E when they differ, are of different types, or the key cannot be loaded (its stored parts disagree or it is malformed).",
        scope: Scope::Store,
    },
    Code {
        id: "SSL0210E",
        number: 210,
        severity: Severity::Error,
        title: "Handshake Failed, ERROR validating ASN fields in certificate",
        gsk: gsk(10, "GSK_ERROR_ASN"),
        meaning: "A certificate's encoding could be read, but one of its fields breaks the X.509 rules, so the certificate was turned down.",
        causes: &[
            "non-conforming issuing software: a wrongly encoded date, a negative or over-long serial number, an extension whose content does not match its type",
            "an extension marked critical that the validator does not understand",
        ],
        fix: "Look at the certificate with `kdbman cert details --db STORE --label L` to find the offending field, then have it issued again by conforming software; a certificate cannot be mended in place, since that would break its signature.",
        kdbman: "`kdbman lint` parses every certificate in the store strictly and reports SSL0210E for a field that breaks X.509 rules (SSL0224E if the DER itself cannot be decoded). A self-signed root's serial number is never processed by path validation: on a trust anchor a serial of 0 is KDB0014W, a warning.",
        scope: Scope::Store,
    },
    Code {
        id: "SSL0211E",
        number: 211,
        severity: Severity::Error,
        title: "Handshake Failed, ERROR connecting to LDAP server",
        gsk: gsk(11, "GSK_ERROR_LDAP"),
        meaning: "Revocation checking is configured against an LDAP directory, and the connection to that directory failed.",
        causes: &[
            "a wrong SSLCRLHostname or SSLCRLPort",
            "the directory server is down or a firewall blocks the path",
            "the directory needs a bind and the credentials are missing from the stash",
        ],
        fix: "Check host, port and network path from the IHS machine (e.g. `ldapsearch -x -H ldap://HOST:PORT -b '' -s base`). When the directory demands authentication, IHS binds as the SSLCRLUserID user with the password kept in its stash; make sure both are in place.",
        kdbman: "Not applicable: kdbman does not consult LDAP revocation servers.",
        scope: Scope::NotApplicable,
    },
    Code {
        id: "SSL0212E",
        number: 212,
        severity: Severity::Error,
        title: "Handshake Failed, Internal unknown error",
        gsk: gsk(12, "GSK_ERROR_UNKNOWN_ERROR"),
        meaning: "GSKit reported a failure without saying what kind.",
        causes: &["a GSKit defect", "IHS and GSKit at mismatched fix levels"],
        fix: "Bring IHS and GSKit to matching current fix levels; if it recurs, collect a GSKit trace for IBM.",
        kdbman: "Not applicable: an unclassified failure inside GSKit.",
        scope: Scope::NotApplicable,
    },
    Code {
        id: "SSL0213E",
        number: 213,
        severity: Severity::Error,
        title: "Handshake Failed, Open failed due to cipher error",
        gsk: gsk(101, "GSK_OPEN_CIPHER_ERROR"),
        meaning: "The TLS environment could not be set up with a working cipher configuration. For kdbman this means the server's key and certificate cannot be used by any cipher suite the server offers.",
        causes: &[
            "the certificate's key usage allows key encipherment only, which suits the old RSA key-exchange suites but not the ECDHE and TLS 1.3 suites, which need a signature",
            "the configured cipher list has no suite for the key's type (for example only ECDSA suites with an RSA key)",
        ],
        fix: "Check the key usage shown by `kdbman cert details --db STORE --label L`; if digitalSignature is missing, request a new certificate that includes it (`kdbman certreq create`, then `kdbman cert receive`). In IHS, make sure SSLCipherSpec keeps suites for your key type.",
        kdbman: "`kdbman lint` reports SSL0213E when no cipher suite of `kdbman serve` could use the selected certificate's key (rustls offers ECDHE suites for TLS 1.2 and the TLS 1.3 suites, all of which sign with the server key).",
        scope: Scope::Store,
    },
    Code {
        id: "SSL0214E",
        number: 214,
        severity: Severity::Error,
        title: "Handshake Failed, I/O error reading key file",
        gsk: gsk(102, "GSK_KEYFILE_IO_ERROR"),
        meaning: "Reading the key database file failed at the operating-system level, so the server never got as far as its contents.",
        causes: &[
            "the server's user lacks read permission on the file or search permission on a directory above it",
            "a wrong path in KeyFile (IHS), SSLKEYR (MQ, which gives the name without its .kdb ending) or SSL_SVR_KEYDB (Db2)",
            "the file lives on a filesystem that is not mounted",
        ],
        fix: "Check the path and try reading the file as the server's user (e.g. `sudo -u USER head -c1 FILE`); do the same for the stash beside it. Give that user read access to the store and its stash, and nobody else.",
        kdbman: "Every kdbman command reports SSL0214E with the path and the system error when it cannot read the store; running `kdbman lint --db STORE` as the server's user confirms access.",
        scope: Scope::Store,
    },
    Code {
        id: "SSL0215E",
        number: 215,
        severity: Severity::Error,
        title: "Handshake Failed, Key file has an invalid internal format",
        gsk: gsk(103, "GSK_KEYFILE_INVALID_FORMAT"),
        meaning: "The file named as the key database is not a key database in a format the reader understands.",
        causes: &[
            "the path points at a PEM, JKS, KeePass or other file rather than the key database (KeePass 1.x databases are named .kdb too)",
            "the store was written by a newer version of the tool than the one reading it",
            "the file was transferred in text mode (FTP ASCII), which alters its bytes",
        ],
        fix: "Run `kdbman keydb details --db FILE`: kdbman says what the file actually is. Point the configuration at the real store, or create one with `kdbman keydb create` and bring the keys in with `kdbman cert import`. Always copy key databases in binary mode.",
        kdbman: "Opening a file that is no store kdbman reads, or a CMS or kdbman store of a version it cannot read, fails with SSL0215E and names what the content is, never guessing from the name: KeePass 1.x/2.x (also named .kdb), JKS, JCEKS, PEM (and which blocks), a stash file, an empty file, or unknown bytes (shown).",
        scope: Scope::Store,
    },
    Code {
        id: "SSL0216E",
        number: 216,
        severity: Severity::Error,
        title: "Handshake Failed, Key file has two entries with the same key",
        gsk: gsk(104, "GSK_KEYFILE_DUPLICATE_KEY"),
        meaning: "Two entries in the key database hold the same key or certificate, so the library cannot tell which one is meant.",
        causes: &[
            "the same certificate imported twice under different labels",
            "a renewed certificate added while the old entry with the same key was kept",
        ],
        fix: "Find the pair with `kdbman cert list --db STORE` and `kdbman cert details`, keep the one the configuration uses and remove the other with `kdbman cert delete`.",
        kdbman: "kdbman refuses to add an entry whose key or certificate is already in the store (SSL0216E), and `kdbman lint` reports duplicates in stores brought in from elsewhere.",
        scope: Scope::Store,
    },
    Code {
        id: "SSL0217E",
        number: 217,
        severity: Severity::Error,
        title: "Handshake Failed, Key file has two entries with the same label",
        gsk: gsk(105, "GSK_KEYFILE_DUPLICATE_LABEL"),
        meaning: "Two entries share one label, so a lookup by that label is ambiguous.",
        causes: &[
            "a tool that did not check labels on import",
            "labels that differ only in letter case, which label lookups treat as equal",
        ],
        fix: "Give every entry its own label: rename one with `kdbman cert rename`, or delete the unwanted one with `kdbman cert delete`, then adjust the configured label if needed.",
        kdbman: "kdbman compares labels without regard to case and refuses a duplicate on add, import or rename (SSL0217E); `kdbman lint` reports any it finds in an existing store.",
        scope: Scope::Store,
    },
    Code {
        id: "SSL0218E",
        number: 218,
        severity: Severity::Error,
        title: "Handshake failed, Either the key file has become corrupted or the password is incorrect",
        gsk: gsk(106, "GSK_BAD_FORMAT_OR_INVALID_PASSWORD"),
        meaning: "The key database could not be opened: either the password given is not its password, or the file's contents are damaged. GSKit cannot tell these apart.",
        causes: &[
            "the password, or the stash holding it, belongs to another copy of the store or predates a password change",
            "the file was damaged in transfer or on disk",
            "a backup of the store was restored without its matching stash",
        ],
        fix: "Run `kdbman keydb details --db STORE` and type the password: kdbman says whether the password is wrong or the file is damaged. For a wrong stashed password, write the stash again with `kdbman keydb stashpw`; for a damaged file, restore it from a backup or rebuild it from PKCS#12 exports.",
        kdbman: "kdbman tells the two cases apart: it reports either a wrong password or the kind of damage (truncation, header checksum, payload integrity), both under SSL0218E.",
        scope: Scope::Store,
    },
    Code {
        id: "SSL0219E",
        number: 219,
        severity: Severity::Error,
        title: "SSL Handshake Failed, Either the default key in the keyfile has an expired certificate or the keyfile password expired",
        gsk: gsk(107, "GSK_KEYFILE_CERT_EXPIRED"),
        meaning: "The personal certificate the server would present is past its end date, or the key database password has outlived the expiry period set when it was created or last changed.",
        causes: &[
            "the server certificate was not renewed in time",
            "the store was created with a password lifetime (iKeyman, or gskcapicmd -expire) that has run out",
            "a renewed certificate was added but the default, or the configured label, still points at the old one",
        ],
        fix: "`kdbman cert details --db STORE --label L` shows the certificate's end date and `kdbman keydb details` the password expiry. Renew the certificate in one step (`kdbman cert renew --db STORE --label L --target L.csr`, have the CA sign the request, then `kdbman cert receive --db STORE --file CERT.pem`, which replaces it under the same label and keeps the default mark); or set a new password with `kdbman keydb changepw` and refresh the stash with `kdbman keydb stashpw`.",
        kdbman: "`kdbman lint` reports SSL0219E when the certificate it would serve has passed its end date or the store password has expired.",
        scope: Scope::Store,
    },
    Code {
        id: "SSL0220E",
        number: 220,
        severity: Severity::Error,
        title: "Handshake Failed, There was an error loading one of the GSKdynamic link libraries",
        gsk: gsk(108, "GSK_ERROR_LOAD_GSKLIB"),
        meaning: "One of GSKit's shared libraries failed to load when IHS prepared its TLS environment.",
        causes: &[
            "GSKit missing, partly installed, or built for a different bitness than IHS",
            "a library search path (LIBPATH, LD_LIBRARY_PATH, PATH) that does not reach the GSKit directory",
            "two GSKit installations getting in each other's way",
        ],
        fix: "Reinstall the GSKit that matches your IHS level and make sure the library path set by the IHS start script finds it first.",
        kdbman: "Not applicable: kdbman loads no GSKit libraries; its TLS code is part of the binary.",
        scope: Scope::NotApplicable,
    },
    Code {
        id: "SSL0221E",
        number: 221,
        severity: Severity::Error,
        title: "Handshake Failed, Either the certificate has expired or the system clock is incorrect",
        gsk: gsk(401, "GSK_ERROR_BAD_DATE"),
        meaning: "A certificate used in the handshake lies outside its validity period according to this machine's clock: already expired, or not valid yet.",
        causes: &[
            "the server certificate, an intermediate or the root has expired",
            "a freshly issued certificate whose start time is still ahead of this machine's clock",
            "the system clock or time zone is wrong",
        ],
        fix: "Compare `date -u` with the dates from `kdbman cert details --db STORE --label L`. If the clock is off, fix it (NTP). Otherwise replace what has expired: renew the personal certificate, or add the CA's current intermediate with `kdbman cert add` and delete the old one.",
        kdbman: "`kdbman lint` checks every certificate in the chain of the selected personal certificate against the current time and reports SSL0221E with the certificate at fault and how far out of range it is.",
        scope: Scope::Store,
    },
    Code {
        id: "SSL0222W",
        number: 222,
        severity: Severity::Warning,
        title: "Handshake failed, no ciphers specified",
        gsk: gsk(402, "GSK_ERROR_NO_CIPHERS"),
        meaning: "No usable combination of protocol version and cipher suite was left for the handshake: the server has none enabled, or none of its own is acceptable to the client.",
        causes: &[
            "server directives that switch off every protocol or cipher (SSLProtocolDisable, SSLCipherSpec)",
            "an old client that offers only suites the server no longer allows (RC4, 3DES, static RSA key exchange)",
            "a client limited by policy to suites the server lacks",
        ],
        fix: "Compare what the client offers with what the server allows, e.g. `openssl s_client -connect HOST:PORT -tls1_2` or `nmap --script ssl-enum-ciphers -p PORT HOST`. Enable at least one modern ECDHE with AES-GCM suite on both sides; in IHS review SSLCipherSpec and SSLProtocolDisable.",
        kdbman: "`kdbman serve` logs SSL0222W when a client offers no cipher suite, key-exchange group or signature scheme that rustls will use.",
        scope: Scope::Runtime,
    },
    Code {
        id: "SSL0223E",
        number: 223,
        severity: Severity::Error,
        title: "Handshake Failed, No certificate",
        gsk: gsk(403, "GSK_ERROR_NO_CERTIFICATE"),
        meaning: "There was no certificate to use. On the server side, no label was configured and the key database has no default personal certificate; with client authentication, the client may simply have sent none.",
        causes: &[
            "no SSLServerCert (MQ CERTLABL, Db2 SSL_SVR_LABEL) is set and no entry is marked as the default",
            "the default certificate was deleted and no other was made the default",
            "a client without a certificate when client authentication is required",
        ],
        fix: "Either configure the label explicitly, or make the intended certificate the default with `kdbman cert setdefault --db STORE --label L` (check with `kdbman cert getdefault`). For the client side, see SSL0207E.",
        kdbman: "`kdbman lint --db STORE` without --label reports SSL0223E when the store has no default personal certificate; `kdbman serve` without --label needs that default as well.",
        scope: Scope::Store,
    },
    Code {
        id: "SSL0224E",
        number: 224,
        severity: Severity::Error,
        title: "Handshake failed, Invalid or improperly formatted certificate",
        gsk: gsk(404, "GSK_ERROR_BAD_CERTIFICATE"),
        meaning: "A certificate could not be decoded at all: its bytes are not a well-formed DER X.509 structure.",
        causes: &[
            "PEM text stored where DER is expected or the reverse, or a PEM block with broken base64",
            "a certificate cut short or altered in transfer",
            "a peer sending garbage in its Certificate message",
        ],
        fix: "Obtain the certificate again from the issuer or the original file and check it with `openssl x509 -in FILE -noout -text` (add `-inform DER` for binary files); then replace the entry with `kdbman cert delete` and `kdbman cert add` (or `kdbman cert receive`).",
        kdbman: "`kdbman cert add`, `cert import` and `cert receive` refuse undecodable certificates with SSL0224E, and `kdbman lint` reports any stored certificate that does not parse; `kdbman serve` logs it for such a client certificate.",
        scope: Scope::Store,
    },
    Code {
        id: "SSL0225E",
        number: 225,
        severity: Severity::Error,
        title: "Handshake Failed, Unsupported certificate type",
        gsk: gsk(405, "GSK_ERROR_UNSUPPORTED_CERTIFICATE_TYPE"),
        meaning: "The certificate's public key type or parameters are not ones the TLS implementation can work with.",
        causes: &[
            "a DSA key, which TLS 1.3 dropped and current TLS stacks no longer offer",
            "an elliptic-curve key on a curve other than P-256 or P-384 (the TLS library under `kdbman serve` cannot sign with P-521 or Brainpool curves)",
            "an RSA key shorter than 2048 bits",
        ],
        fix: "Make a new key and request of a supported kind (RSA of 2048 bits or more, ECDSA P-256 or P-384, or Ed25519 where every client handles it) with `kdbman certreq create`, have it signed, and load the result with `kdbman cert receive`. A client certificate of an unsupported kind must likewise be replaced on the client.",
        kdbman: "`kdbman lint` reports SSL0225E for a personal certificate whose key is DSA, on an unsupported curve, or RSA under 2048 bits; `kdbman serve` logs it for client certificates of such kinds.",
        scope: Scope::Store,
    },
    Code {
        id: "SSL0226I",
        number: 226,
        severity: Severity::Info,
        title: "Handshake Failed, I/O error during handshake",
        gsk: gsk(406, "GSK_ERROR_IO"),
        meaning: "The network connection broke with an error, typically a reset from the other side, partway through the handshake.",
        causes: &[
            "the client gave up because it does not trust the server's certificate (many clients just reset)",
            "a load balancer or monitor that starts a TLS handshake and then drops the connection",
            "network trouble: resets from firewalls, MTU problems",
        ],
        fix: "Occasional entries are normal. If one client always triggers it, read that client's own log, which usually says why it aborted; an untrusted server chain is the usual reason, so check it with `kdbman cert validate --db STORE --label L`.",
        kdbman: "`kdbman serve` logs SSL0226I when the socket fails with an error (such as a reset) after the handshake has begun.",
        scope: Scope::Runtime,
    },
    Code {
        id: "SSL0227E",
        number: 227,
        severity: Severity::Error,
        title: "Handshake Failed, Specified label could not be found in the key file",
        gsk: gsk(407, "GSK_ERROR_BAD_KEYFILE_LABEL"),
        meaning: "The label configured for the server certificate does not match any usable entry in the key database.",
        causes: &[
            "a misspelt label in SSLServerCert, MQ's CERTLABL or Db2's SSL_SVR_LABEL",
            "for MQ without CERTLABL, the certificate is not labelled ibmwebspheremq followed by the queue manager name in lower case",
            "the label belongs to a signer certificate or a pending request rather than a personal certificate",
            "the configuration refers to a different key database",
        ],
        fix: "Compare the configured label with `kdbman cert list --db STORE`. Rename the entry with `kdbman cert rename` or correct the configuration; if the label belongs to a pending request, load the issued certificate first with `kdbman cert receive`.",
        kdbman: "`kdbman lint --db STORE --label L` reports SSL0227E when L names a signer or a pending request rather than a personal certificate (a missing L given with --label is SSL0206E); every other kdbman command taking a label reports a missing label as SSL0227E; labels are compared without regard to case. `kdbman lint --httpd-conf httpd.conf` checks each KeyFile against the SSLServerCert label IHS uses for it (per virtual host, through Include files) and reports a label the store lacks as SSL0227E with the configuration file and line of the directive; `--labels FILE` does the same for `STORE LABEL` lines, and `--mq-qmgr QM` checks MQ's default label (ibmwebspheremq + qm in lower case).",
        scope: Scope::Store,
    },
    Code {
        id: "SSL0228E",
        number: 228,
        severity: Severity::Error,
        title: "Handshake Failed, Invalid password for key file",
        gsk: gsk(408, "GSK_ERROR_BAD_KEYFILE_PASSWORD"),
        meaning: "The key database rejected the password read from its stash file. MQ and Db2 report the same thing as GSKit return code 408.",
        causes: &[
            "the store password was changed but the stash was not written again",
            "the stash belongs to another store (copied or restored separately)",
            "the stash file is damaged",
            "the store itself is damaged, which looks the same to GSKit",
        ],
        fix: "Write the stash again from the right password with `kdbman keydb stashpw --db STORE`, and always copy or restore a store together with its stash. If the password itself is not accepted, see SSL0218E.",
        kdbman: "Any kdbman command that opens a store through its stash reports SSL0228E and names the reason: stash missing, damaged, written for another store, stale after a password change, or readable by other users.",
        scope: Scope::Store,
    },
    Code {
        id: "SSL0229E",
        number: 229,
        severity: Severity::Error,
        title: "Handshake Failed, Invalid key length for export",
        gsk: gsk(409, "GSK_ERROR_BAD_KEY_LEN_FOR_EXPORT"),
        meaning: "The installation runs with the historical US export limits on key size, and the certificate's key exceeds them.",
        causes: &[
            "an obsolete export-restricted GSKit or IHS installation",
            "export-grade cipher specifications selected in the configuration",
        ],
        fix: "Use a current, unrestricted IHS and GSKit and remove export-grade cipher specifications; those suites are insecure and disabled in current releases.",
        kdbman: "Not applicable: kdbman has no export-restricted mode and its TLS server offers no export-grade suites.",
        scope: Scope::NotApplicable,
    },
    Code {
        id: "SSL0230I",
        number: 230,
        severity: Severity::Info,
        title: "Handshake Failed, An incorrectly formatted SSL message was received",
        gsk: gsk(410, "GSK_ERROR_BAD_MESSAGE"),
        meaning: "A TLS record or handshake message from the peer did not follow the protocol's structure.",
        causes: &[
            "a client that does not speak TLS correctly (scanners, fuzzers, broken embedded stacks)",
            "a network device rewriting or truncating the traffic",
            "a protocol extension that client and server encode differently",
        ],
        fix: "Find the client by its address in the log. Scanners can be ignored; for a genuine client, capture a failing handshake (tcpdump, Wireshark), compare it with a working client and update that client's TLS library.",
        kdbman: "`kdbman serve` logs SSL0230I when rustls rejects a malformed message from a client that did start a TLS handshake.",
        scope: Scope::Runtime,
    },
    Code {
        id: "SSL0231W",
        number: 231,
        severity: Severity::Warning,
        title: "Handshake Failed, Could not verify MAC",
        gsk: gsk(411, "GSK_ERROR_BAD_MAC"),
        meaning: "An encrypted record failed its integrity check: what arrived is not what the peer protected, or the two sides derived different keys.",
        causes: &[
            "data altered in transit by faulty network equipment, a network card offload bug or an interfering proxy",
            "a peer whose TLS implementation has a key-derivation or padding bug",
            "someone tampering with the stream",
        ],
        fix: "If rare, let clients reconnect. If it repeats for one client or network path, take a packet capture, check intermediate devices (load balancers, TLS-inspecting firewalls) and update the client's TLS library.",
        kdbman: "`kdbman serve` logs SSL0231W when rustls cannot decrypt or authenticate a record from the client.",
        scope: Scope::Runtime,
    },
    Code {
        id: "SSL0232W",
        number: 232,
        severity: Severity::Warning,
        title: "Handshake Failed, Unsupported SSL protocol or unsupported certificate type",
        gsk: gsk(412, "GSK_ERROR_UNSUPPORTED"),
        meaning: "Client and server could not agree: the client wants a protocol version or feature this server lacks, or its certificate is of a kind the server cannot process.",
        causes: &[
            "the client offers only SSL 3.0, TLS 1.0 or TLS 1.1 while the server requires TLS 1.2 or newer",
            "the client insists on a feature that is disabled on the server",
            "a client certificate with a key type or signature algorithm the server does not support",
        ],
        fix: "Find out which versions the client offers; `openssl s_client -connect HOST:PORT -tls1_2` (and `-tls1_3`) shows what the server accepts. Upgrade or reconfigure the client for TLS 1.2 or 1.3 rather than re-enabling old protocols on the server.",
        kdbman: "`kdbman serve` speaks TLS 1.2 and 1.3 only and logs SSL0232W when a client offers neither, or sends a certificate whose algorithm it cannot check.",
        scope: Scope::Runtime,
    },
    Code {
        id: "SSL0233W",
        number: 233,
        severity: Severity::Warning,
        title: "Handshake Failed, Invalid certificate signature",
        gsk: gsk(413, "GSK_ERROR_BAD_CERT_SIG"),
        meaning: "A certificate received from the peer carries a signature that does not check out against its issuer's public key.",
        causes: &[
            "the peer sends an intermediate that is not the one that signed its certificate (for example after the CA changed keys)",
            "the local store holds an issuer certificate with the right name but a different key",
            "the certificate was altered after it was signed",
        ],
        fix: "Get the correct intermediate and root for the peer's certificate from its CA, add them with `kdbman cert add` and delete the stale ones; have the peer send the chain that matches its certificate.",
        kdbman: "`kdbman serve --client-auth required` logs SSL0233W when a client certificate's signature does not verify; `kdbman lint` reports the same fault in the store's own chains as SSL0208E.",
        scope: Scope::Runtime,
    },
    Code {
        id: "SSL0234W",
        number: 234,
        severity: Severity::Warning,
        title: "Handshake Failed, The certificate sent by the peer expired or is invalid",
        gsk: gsk(414, "GSK_ERROR_BAD_CERT"),
        meaning: "The certificate chain the peer presented was not accepted: expired, not yet valid, or not leading to a signer trusted in the local key database. When IHS acts as a reverse proxy the peer is the back-end server. MQ and Db2 report this as GSKit return code 414, most often because the local key database lacks the peer's CA certificates.",
        causes: &[
            "the local store lacks the root or intermediate CA that issued the peer's certificate",
            "the peer does not send its intermediate certificates",
            "the peer's certificate has expired",
            "the issuing CA is in the store but not trusted as a signer",
        ],
        fix: "Fetch the peer's chain (`openssl s_client -connect HOST:PORT -showcerts`), add its root and any intermediates to the local store as signers with `kdbman cert add`, and confirm with `kdbman cert list`. An expired peer certificate has to be renewed at the peer.",
        kdbman: "`kdbman serve --client-auth required` logs SSL0234W when a client certificate is expired, not yet valid, or issued by a CA that is not among the store's signers. It also logs it when a client rejects the server's own certificate with an alert (unknown CA, bad or expired certificate); then run `kdbman lint` on the server's store.",
        scope: Scope::Runtime,
    },
    Code {
        id: "SSL0235W",
        number: 235,
        severity: Severity::Warning,
        title: "Handshake Failed, Invalid peer",
        gsk: gsk(415, "GSK_ERROR_BAD_PEER"),
        meaning: "The peer broke the TLS protocol's rules badly enough for the server to give up on it, for example by sending messages out of order or with illegal values.",
        causes: &[
            "a buggy or very old TLS client",
            "a security scanner probing the server",
            "a device in the middle mangling the handshake",
        ],
        fix: "Identify the client from the log. Scanners can be ignored; for a genuine client, update its TLS library and capture a failing handshake if the reason is not obvious.",
        kdbman: "`kdbman serve` logs SSL0235W when rustls ends the handshake because the client misbehaved (an unexpected message or an illegal parameter).",
        scope: Scope::Runtime,
    },
    Code {
        id: "SSL0236W",
        number: 236,
        severity: Severity::Warning,
        title: "Handshake Failed, Permission denied",
        gsk: gsk(416, "GSK_ERROR_PERMISSION_DENIED"),
        meaning: "GSKit was refused access to something it needs for the handshake, typically a key or certificate guarded by the platform's security manager rather than by file permissions.",
        causes: &[
            "on z/OS, the server's user ID lacks RACF (SAF) authority over the key ring or the private key in it",
            "a security profile changed but not yet refreshed in storage",
        ],
        fix: "On z/OS, check that the server's user ID may read the key ring and its private key (FACILITY profiles IRR.DIGTCERT.*, or a ring-specific RDATALIB profile), then refresh the in-storage profiles and restart.",
        kdbman: "Not applicable: kdbman keeps keys in a file, so its nearest condition is a store the server's user cannot read, reported as SSL0214E.",
        scope: Scope::NotApplicable,
    },
    Code {
        id: "SSL0237W",
        number: 237,
        severity: Severity::Warning,
        title: "Handshake Failed, The self-signed certificate is not valid",
        gsk: gsk(417, "GSK_ERROR_SELF_SIGNED"),
        meaning: "The peer presented a self-signed certificate, or a chain ending in a self-signed root, that cannot be accepted: it is not among the trusted signers, or its own signature or dates are wrong.",
        causes: &[
            "a client using a self-signed certificate that was never added to the server's store",
            "a private root CA on the peer's side that the local store does not trust",
            "the self-signed certificate has expired or was replaced",
        ],
        fix: "If the certificate is meant to be trusted, export it from the peer and add it as a signer with `kdbman cert add`; otherwise give the peer a certificate from a CA the store already trusts.",
        kdbman: "`kdbman serve --client-auth required` logs SSL0237W when a client presents a self-signed certificate that is not one of the store's signers.",
        scope: Scope::Runtime,
    },
    Code {
        id: "SSL0238E",
        number: 238,
        severity: Severity::Error,
        title: "Handshake Failed, Internal error - read failed",
        gsk: gsk(418, "GSK_ERROR_NO_READ_FUNCTION"),
        meaning: "GSKit had no working routine for receiving data on the connection; the problem lies in how the program connected GSKit to its sockets.",
        causes: &["a defect in IHS or a module that replaces GSKit's input routines"],
        fix: "Update IHS, GSKit and third-party modules; if it persists, report it to IBM with the list of loaded modules.",
        kdbman: "Not applicable: internal GSKit I/O set-up.",
        scope: Scope::NotApplicable,
    },
    Code {
        id: "SSL0239E",
        number: 239,
        severity: Severity::Error,
        title: "Handshake Failed, Internal error - write failed",
        gsk: gsk(419, "GSK_ERROR_NO_WRITE_FUNCTION"),
        meaning: "GSKit had no working routine for sending data on the connection; the problem lies in how the program connected GSKit to its sockets.",
        causes: &["a defect in IHS or a module that replaces GSKit's output routines"],
        fix: "Update IHS, GSKit and third-party modules; if it persists, report it to IBM with the list of loaded modules.",
        kdbman: "Not applicable: internal GSKit I/O set-up.",
        scope: Scope::NotApplicable,
    },
    Code {
        id: "SSL0240I",
        number: 240,
        severity: Severity::Info,
        title: "Handshake Failed, Socket has been closed",
        gsk: gsk(420, "GSK_ERROR_SOCKET_CLOSED"),
        meaning: "The other side ended the connection cleanly (an end of stream, not an error) while the handshake was still in progress.",
        causes: &[
            "the client decided not to trust the server's certificate or name and hung up",
            "a user cancelled, or a browser dropped a connection it had opened in advance",
            "a monitor that opens a TLS handshake to check the port and then leaves",
        ],
        fix: "Usually harmless. If a particular client reports failures at the same moment, look at its side: most often it rejects the server's chain. `kdbman cert validate --db STORE --label L` and a test with `openssl s_client -connect HOST:PORT` show what the client sees.",
        kdbman: "`kdbman serve` logs SSL0240I when the client closes the connection after sending some handshake data but before the handshake completes.",
        scope: Scope::Runtime,
    },
    Code {
        id: "SSL0241E",
        number: 241,
        severity: Severity::Error,
        title: "Handshake Failed, Invalid SSLV2 Cipher Spec",
        gsk: gsk(421, "GSK_ERROR_BAD_V2_CIPHER"),
        meaning: "GSKit rejected one of the SSL 2.0 cipher codes it was configured with.",
        causes: &[
            "an old SSLCipherSpec entry for SSL 2.0 left in httpd.conf",
            "a cipher code unknown to the installed GSKit",
        ],
        fix: "Remove all SSL 2.0 cipher specifications; the protocol is broken and disabled in current IHS. Keep only TLS 1.2 and TLS 1.3 specifications.",
        kdbman: "Not applicable: `kdbman serve` has no SSL 2.0 support and no cipher-specification setting.",
        scope: Scope::NotApplicable,
    },
    Code {
        id: "SSL0242E",
        number: 242,
        severity: Severity::Error,
        title: "Handshake Failed, Invalid SSLV3 Cipher Spec",
        gsk: gsk(422, "GSK_ERROR_BAD_V3_CIPHER"),
        meaning: "GSKit rejected one of the SSL 3.0 or TLS cipher codes it was configured with.",
        causes: &[
            "a mistyped or obsolete value in SSLCipherSpec",
            "a cipher name that the installed GSKit level does not know",
        ],
        fix: "Check every SSLCipherSpec value against the cipher list documented for your IHS level, and remove unknown or obsolete ones.",
        kdbman: "Not applicable: `kdbman serve` uses rustls's fixed set of modern suites and has no cipher-specification setting.",
        scope: Scope::NotApplicable,
    },
    Code {
        id: "SSL0243E",
        number: 243,
        severity: Severity::Error,
        title: "Handshake Failed, Invalid security type",
        gsk: gsk(423, "GSK_ERROR_BAD_SEC_TYPE"),
        meaning: "GSKit was given a protocol selection (what GSKit calls the security type) that is not valid.",
        causes: &[
            "an internal defect",
            "protocol directives that together leave an impossible selection",
        ],
        fix: "Review SSLProtocolEnable and SSLProtocolDisable for contradictions. If they are sound, retry, and report it to IBM if it persists.",
        kdbman: "Not applicable: internal GSKit API usage.",
        scope: Scope::NotApplicable,
    },
    Code {
        id: "SSL0245E",
        number: 245,
        severity: Severity::Error,
        title: "Handshake Failed, Internal error - SSL Handle creation failure",
        gsk: gsk(425, "GSK_ERROR_HANDLE_CREATION_FAILED"),
        meaning: "GSKit could not create the object that represents one TLS connection.",
        causes: &[
            "memory exhausted",
            "the TLS environment failed earlier, leaving nothing to create connections from",
        ],
        fix: "Look in the error log for an earlier start-up failure and for signs of memory pressure; restart IHS, and report it to IBM if it recurs.",
        kdbman: "Not applicable: internal GSKit object creation.",
        scope: Scope::NotApplicable,
    },
    Code {
        id: "SSL0246E",
        number: 246,
        severity: Severity::Error,
        title: "Handshake Failed, Internal error - GSK initialization has failed",
        gsk: gsk(426, "GSK_ERROR_INITIALIZATION_FAILED"),
        meaning: "Setting up GSKit's TLS environment failed, which leaves the server unable to make any secure connection.",
        causes: &[
            "a key database, stash or label problem reported just before",
            "a damaged GSKit installation",
        ],
        fix: "Find the earlier SSL02xx messages from start-up and fix those first; if the keys are managed with kdbman, `kdbman lint --db STORE --label L` finds most store causes. If there are none, reinstall GSKit.",
        kdbman: "Not applicable: GSKit's own initialisation. The kdbman counterpart is `kdbman serve` refusing to start, with the code of the store condition that stopped it.",
        scope: Scope::NotApplicable,
    },
    Code {
        id: "SSL0247E",
        number: 247,
        severity: Severity::Error,
        title: "Handshake Failed, LDAP server not available",
        gsk: gsk(427, "GSK_ERROR_LDAP_NOT_AVAILABLE"),
        meaning: "Certificate checking needed the revocation lists kept in an LDAP directory, and the directory did not answer.",
        causes: &[
            "the directory server is down or unreachable",
            "wrong SSLCRLHostname or SSLCRLPort",
        ],
        fix: "Check the directory's availability and the CRL directives. Decide whether validation should fail when the directory is away, and make the directory highly available if it must.",
        kdbman: "Not applicable: kdbman does not consult LDAP revocation servers.",
        scope: Scope::NotApplicable,
    },
    Code {
        id: "SSL0248E",
        number: 248,
        severity: Severity::Error,
        title: "Handshake Failed, The specified key did not contain a private key",
        gsk: gsk(428, "GSK_ERROR_NO_PRIVATE_KEY"),
        meaning: "The certificate selected for the server has no private key with it, so the server cannot prove that the certificate is its own.",
        causes: &[
            "the certificate was added as a signer (public part only) instead of being imported with its key",
            "the issued certificate was received into a different store from the one holding its request and key",
            "a PKCS#12 file exported without the private key",
        ],
        fix: "Import a PKCS#12 file containing both key and certificate with `kdbman cert import`, or receive the CA's reply into the store that holds the pending request (`kdbman certreq list` shows them) with `kdbman cert receive`. Then point the label at the new personal entry.",
        kdbman: "`kdbman lint --db STORE --label L` reports SSL0248E when L names a certificate that has no private key.",
        scope: Scope::Store,
    },
    Code {
        id: "SSL0249E",
        number: 249,
        severity: Severity::Error,
        title: "Handshake Failed, A failed attempt was made to load the specified PKCS#11 shared library",
        gsk: None,
        meaning: "IHS could not load the PKCS#11 driver library for its hardware security module or crypto card.",
        causes: &[
            "a wrong path in SSLPKCSDriver",
            "a 32/64-bit mismatch between IHS and the driver",
            "libraries the driver depends on are missing",
        ],
        fix: "Check the path and that the library loads (`ldd` on Linux and Unix shows unresolved dependencies); use the driver build that matches IHS's bitness.",
        kdbman: "Not applicable: kdbman keeps keys in its own store and does not use PKCS#11 devices.",
        scope: Scope::NotApplicable,
    },
    Code {
        id: "SSL0250E",
        number: 250,
        severity: Severity::Error,
        title: "Handshake Failed, The PKCS#11 driver failed to find the token label specified by the caller",
        gsk: None,
        meaning: "The PKCS#11 device has no token with the label IHS asked for.",
        causes: &[
            "the token part of SSLServerCert (token:label) is misspelt",
            "the token was initialised again under another name",
            "the wrong device or slot",
        ],
        fix: "List the tokens with the vendor's tool or `pkcs11-tool --module LIB --list-slots`, and correct the token name in SSLServerCert.",
        kdbman: "Not applicable: kdbman does not use PKCS#11 tokens.",
        scope: Scope::NotApplicable,
    },
    Code {
        id: "SSL0251E",
        number: 251,
        severity: Severity::Error,
        title: "Handshake Failed, A PKCS#11 token is not present for the slot",
        gsk: None,
        meaning: "The slot IHS uses on the PKCS#11 device holds no initialised token.",
        causes: &[
            "the token was never initialised",
            "the smart card is not inserted or the HSM partition is not assigned",
            "a wrong slot number",
        ],
        fix: "With the vendor's tools, find which slot actually holds an initialised token (initialising one if none exists), and configure IHS for that slot.",
        kdbman: "Not applicable: kdbman does not use PKCS#11 tokens.",
        scope: Scope::NotApplicable,
    },
    Code {
        id: "SSL0252E",
        number: 252,
        severity: Severity::Error,
        title: "Handshake Failed, The password/pin to access the PKCS#11 token is either not present, or invalid",
        gsk: None,
        meaning: "IHS had no PIN for the PKCS#11 token, or the token turned down the one it had.",
        causes: &[
            "the token PIN was never stashed",
            "the PIN was changed on the token but not in the stash",
            "SSLStashfile names a different stash",
        ],
        fix: "Re-create the stash entry for the token with the current PIN (IHS's sslstash utility), and confirm that the SSLStashfile directive names the file you just wrote. Take care: repeated wrong PINs can lock the token.",
        kdbman: "Not applicable: kdbman stashes only its own store passwords, not PKCS#11 PINs.",
        scope: Scope::NotApplicable,
    },
    Code {
        id: "SSL0253E",
        number: 253,
        severity: Severity::Error,
        title: "Handshake Failed, The SSL header received was not a properly SSLV2 formatted header",
        gsk: None,
        meaning: "The first bytes from the client do not look like the start of any TLS or SSL handshake, so the server cannot make sense of them.",
        causes: &[
            "a client speaking another protocol to the TLS port (SMTP, a database protocol, raw TCP probes)",
            "a client that waits for the server to speak first",
            "a client sending proxy or tunnelling framing straight to the server",
        ],
        fix: "Identify the client by address and point it at the right port, or make it use TLS; scanners can be ignored. Plain HTTP on the port is reported separately as SSL0273I.",
        kdbman: "`kdbman serve` logs SSL0253E when the first bytes received are neither a TLS record nor an HTTP request.",
        scope: Scope::Runtime,
    },
    Code {
        id: "SSL0254E",
        number: 254,
        severity: Severity::Error,
        title: "Internal error - I/O failed, buffer size invalid",
        gsk: gsk(501, "GSK_INVALID_BUFFER_SIZE"),
        meaning: "The caller handed GSKit an empty or negative-sized buffer for sending or receiving, which is a programming error.",
        causes: &["a defect in IHS or a module calling GSKit"],
        fix: "Update IHS and its modules; report it to IBM if it continues.",
        kdbman: "Not applicable: internal misuse of the GSKit API.",
        scope: Scope::NotApplicable,
    },
    Code {
        id: "SSL0255E",
        number: 255,
        severity: Severity::Error,
        title: "Handshake Failed, Operation would block",
        gsk: gsk(502, "GSK_WOULD_BLOCK"),
        meaning: "A GSKit read or write on a non-blocking socket would have had to wait, and the caller was not written to retry.",
        causes: &[
            "a module using non-blocking sockets with a GSKit call that expects blocking ones",
        ],
        fix: "Update IHS and third-party modules; report it to IBM with the module list if it continues.",
        kdbman: "Not applicable: internal GSKit I/O handling.",
        scope: Scope::NotApplicable,
    },
    Code {
        id: "SSL0256E",
        number: 256,
        severity: Severity::Error,
        title: "Internal error - SSLV3 is required for reset_cipher, and the connection uses SSLV2",
        gsk: gsk(601, "GSK_ERROR_NOT_SSLV3"),
        meaning: "IHS asked GSKit to refresh the session keys on a connection using SSL 2.0, which cannot do that.",
        causes: &["a client still on SSL 2.0 while SSL 2.0 is enabled on the server"],
        fix: "Disable SSL 2.0 on the server; no client should need it any more.",
        kdbman: "Not applicable: kdbman does not speak SSL 2.0.",
        scope: Scope::NotApplicable,
    },
    Code {
        id: "SSL0257E",
        number: 257,
        severity: Severity::Error,
        title: "Internal error - An invalid ID was specified for the gsk_secure_soc_misc function call",
        gsk: gsk(602, "GSK_MISC_INVALID_ID"),
        meaning: "A call to a miscellaneous operation of GSKit's legacy socket API used an operation number GSKit does not know.",
        causes: &["IHS or a module built for a different GSKit level than the one installed"],
        fix: "Update IHS and GSKit together; report it to IBM if it persists.",
        kdbman: "Not applicable: internal GSKit API usage.",
        scope: Scope::NotApplicable,
    },
    Code {
        id: "SSL0258E",
        number: 258,
        severity: Severity::Error,
        title: "Handshake Failed, The function call has an invalid ID",
        gsk: gsk(701, "GSK_ATTRIBUTE_INVALID_ID"),
        meaning: "GSKit did not recognise the attribute identifier given to the attribute function named in the message.",
        causes: &[
            "IHS or a module built for a newer GSKit than the one installed",
            "a programming defect",
        ],
        fix: "Make sure IHS loads the GSKit level shipped with it rather than an older copy elsewhere on the system; report it to IBM if the levels match.",
        kdbman: "Not applicable: internal GSKit API usage.",
        scope: Scope::NotApplicable,
    },
    Code {
        id: "SSL0259E",
        number: 259,
        severity: Severity::Error,
        title: "Handshake Failed, Internal error - The attribute has a negative length",
        gsk: gsk(702, "GSK_ATTRIBUTE_INVALID_LENGTH"),
        meaning: "A GSKit attribute was set with a length below zero in the function named in the message.",
        causes: &["a programming defect in IHS or a module"],
        fix: "Update IHS and its modules; report it to IBM with the function name from the message.",
        kdbman: "Not applicable: internal GSKit API usage.",
        scope: Scope::NotApplicable,
    },
    Code {
        id: "SSL0260E",
        number: 260,
        severity: Severity::Error,
        title: "Handshake Failed, The enumeration value is invalid for the specified enumeration type",
        gsk: gsk(703, "GSK_ATTRIBUTE_INVALID_ENUMERATION"),
        meaning: "An attribute that takes one of a fixed set of values was given a value outside that set, in the function named in the message.",
        causes: &[
            "a GSKit older than IHS expects, lacking a newer value",
            "a programming defect",
        ],
        fix: "Make sure IHS loads the GSKit level shipped with it; report it to IBM with the function name if the levels match.",
        kdbman: "Not applicable: internal GSKit API usage.",
        scope: Scope::NotApplicable,
    },
    Code {
        id: "SSL0261E",
        number: 261,
        severity: Severity::Error,
        title: "Handshake Failed, The SID cache is invalid",
        gsk: gsk(704, "GSK_ATTRIBUTE_INVALID_SID_CACHE"),
        meaning: "The set of callback routines meant to stand in for GSKit's own session-ID cache was rejected as incomplete or inconsistent.",
        causes: &[
            "a defect in the session cache set-up",
            "IHS and GSKit at mismatched levels",
        ],
        fix: "Update IHS and GSKit to matching levels; as a stopgap, session caching can be switched off. Report it to IBM if it persists.",
        kdbman: "Not applicable: internal GSKit API usage.",
        scope: Scope::NotApplicable,
    },
    Code {
        id: "SSL0262E",
        number: 262,
        severity: Severity::Error,
        title: "Handshake Failed, The attribute has an invalid numeric value",
        gsk: gsk(705, "GSK_ATTRIBUTE_INVALID_NUMERIC_VALUE"),
        meaning: "An attribute that takes a number was given one outside its permitted range, in the function named in the message.",
        causes: &[
            "a directive value out of range, such as a session timeout (SSLV3Timeout) beyond its limits",
            "IHS and GSKit at mismatched levels",
        ],
        fix: "Check numeric SSL directives against their documented ranges; if they are sound, update IHS and GSKit and report it to IBM.",
        kdbman: "Not applicable: internal GSKit API usage.",
        scope: Scope::NotApplicable,
    },
    Code {
        id: "SSL0263W",
        number: 263,
        severity: Severity::Warning,
        title: "SSL Connection attempted when SSL did not initialize",
        gsk: None,
        meaning: "TLS for this virtual host never came up when IHS started, yet clients still reach its port; each such connection is turned away.",
        causes: &[
            "a key database, stash or label problem logged when IHS started",
            "GSKit failed to load or initialise",
        ],
        fix: "Search the error log from the last start for the first SSL02xx error and fix it. If the keys are managed with kdbman, `kdbman lint --db STORE --label L` catches store problems before the next restart.",
        kdbman: "Not applicable as a state of `kdbman serve`: it refuses to start when its store or label is unusable, instead of accepting connections it cannot secure.",
        scope: Scope::NotApplicable,
    },
    Code {
        id: "SSL0264E",
        number: 264,
        severity: Severity::Error,
        title: "Failure obtaining Cert data for label",
        gsk: None,
        meaning: "The entry behind the configured label could not be turned into usable certificate details; the underlying error normally appears in the message logged just before.",
        causes: &[
            "the entry's certificate data is damaged or cannot be decoded",
            "the entry is a pending request without a certificate",
            "an earlier key database error (password, format) during the same start-up",
        ],
        fix: "Read the error that precedes this one. Inspect the entry with `kdbman cert details --db STORE --label L`; if it cannot be shown, delete it and import it again from a PKCS#12 backup.",
        kdbman: "`kdbman lint --db STORE --label L` reports SSL0264E when the entry exists but its certificate cannot be read or decoded.",
        scope: Scope::Store,
    },
    Code {
        id: "SSL0265W",
        number: 265,
        severity: Severity::Warning,
        title: "Client did not supply a certificate",
        gsk: None,
        meaning: "Client authentication is mandatory on this server, and the client answered the certificate request with an empty list. IHS records it as a warning.",
        causes: &[
            "the client has no suitable certificate configured",
            "browsers only offer certificates from CAs the server names, so one from another CA is never sent",
            "the user dismissed the certificate selection prompt",
        ],
        fix: "The server is behaving as configured. Give the client a certificate from a CA that is a signer in the server's store, or make client certificates optional if some clients legitimately have none.",
        kdbman: "`kdbman serve --client-auth required` logs SSL0265W for a client that sends no certificate, along with SSL0207E for the failed handshake.",
        scope: Scope::Runtime,
    },
    Code {
        id: "SSL0266E",
        number: 266,
        severity: Severity::Error,
        title: "Handshake failed",
        gsk: None,
        meaning: "In IHS this comes from the proxy side: the TLS handshake that IHS starts towards a back-end server failed. kdbman also uses the code for a handshake failure that no more specific code describes.",
        causes: &[
            "the back end's certificate chain is not trusted by the key database IHS uses for proxy connections",
            "no protocol version or cipher suite in common with the back end",
            "the back end requires a client certificate that IHS does not present",
            "the back end is down or does not speak TLS on that port",
        ],
        fix: "Test from the IHS host with `openssl s_client -connect BACKEND:PORT -showcerts`. Add the back end's issuing CA to the proxy's key database (`kdbman cert add` if it is managed with kdbman), and align protocols and ciphers with the back end.",
        kdbman: "kdbman has no proxy side. `kdbman serve` logs SSL0266E, with rustls's own reason, for a handshake that failed in a way none of the more specific codes covers.",
        scope: Scope::Runtime,
    },
    Code {
        id: "SSL0267E",
        number: 267,
        severity: Severity::Error,
        title: "SSL Handshake failed",
        gsk: None,
        meaning: "A network read or write during the handshake waited longer than the server's time limit, so the connection was dropped.",
        causes: &[
            "a slow or congested network path",
            "a client that stalled mid-handshake (waiting for a user to pick a certificate, or hung)",
            "a time limit configured very low",
        ],
        fix: "Check the timeout setting (IHS: Timeout) and the network between client and server; if only some clients are affected, find out what they were doing when they stalled.",
        kdbman: "`kdbman serve` logs SSL0267E when a handshake that has begun does not finish within its handshake timeout.",
        scope: Scope::Runtime,
    },
    Code {
        id: "SSL0270I",
        number: 270,
        severity: Severity::Info,
        title: "SSL Handshake Failed, Timeout occurred before any data received",
        gsk: None,
        meaning: "The TCP connection was accepted, but the time limit passed without a single byte arriving from the client.",
        causes: &[
            "browsers opening spare connections in advance and never using them",
            "port scanners and TCP health checks",
            "many idle connections at once, which can be a slow denial-of-service attempt",
        ],
        fix: "Watch the rate and the source addresses rather than single entries: a steady trickle from browsers and monitors is expected. A sudden flood from a few addresses calls for rate limiting or a firewall rule; a rise right after a configuration change suggests the Timeout value is now too short.",
        kdbman: "`kdbman serve` logs SSL0270I when a connection sends no bytes before its timeout.",
        scope: Scope::Runtime,
    },
    Code {
        id: "SSL0271I",
        number: 271,
        severity: Severity::Info,
        title: "SSL Handshake Failed, client closed connection without sending any data",
        gsk: None,
        meaning: "The client connected and closed again without sending a single byte.",
        causes: &[
            "TCP health checks from load balancers or monitoring",
            "browsers closing connections they opened in advance",
            "port scans",
        ],
        fix: "Usually harmless. Recognise your health checkers' addresses; look further only at sudden bursts from unfamiliar ones.",
        kdbman: "`kdbman serve` logs SSL0271I when a client closes the connection before sending any data.",
        scope: Scope::Runtime,
    },
    Code {
        id: "SSL0272I",
        number: 272,
        severity: Severity::Info,
        title: "SSL Handshake Failed, I/O error before any data received",
        gsk: None,
        meaning: "Before the first byte arrived, the socket reported an error, most often a reset from the client or from a device in between.",
        causes: &[
            "a load-balancer probe that ends with a reset",
            "a client crash or network interruption",
            "scanners",
        ],
        fix: "Expect a few of these on any public server. Match the source addresses against your load balancers and monitors; a surge from elsewhere deserves a look at the firewall logs.",
        kdbman: "`kdbman serve` logs SSL0272I when the socket fails before the first byte arrives.",
        scope: Scope::Runtime,
    },
    Code {
        id: "SSL0273I",
        number: 273,
        severity: Severity::Info,
        title: "Non-SSL request received on connection configured for SSL",
        gsk: None,
        meaning: "Plain, unencrypted HTTP arrived on a port that expects TLS.",
        causes: &[
            "a link or bookmark that uses http:// with the TLS port (http://host:443/)",
            "a proxy or load balancer forwarding plain HTTP to the TLS port",
            "a health check set up as HTTP instead of HTTPS",
        ],
        fix: "Make the client, link or forwarder use https:// for this port; or, if the port is meant for plain HTTP, take TLS off that virtual host.",
        kdbman: "`kdbman serve` logs SSL0273I when the first bytes on a connection look like an HTTP request (a method such as GET or POST) rather than a TLS record.",
        scope: Scope::Runtime,
    },
    Code {
        id: "SSL0276E",
        number: 276,
        severity: Severity::Error,
        title: "SSL: Unexpected SSL client renegotiation detected, aborting SSL connection",
        gsk: None,
        meaning: "Partway through an established connection, the client sent a fresh handshake request (renegotiation). Renegotiation is disallowed, so the server cut the connection.",
        causes: &[
            "an old client or library that renegotiates to refresh keys or to offer a certificate late",
            "an attacker probing for the CVE-2009-3555 weakness",
            "a TLS testing tool",
        ],
        fix: "Update or reconfigure the client so that it opens a new connection instead of renegotiating. Turning renegotiation on in the server (IHS: SSLInsecureRenegotiation) reopens the weakness and should at most be a short stopgap for a client you cannot change.",
        kdbman: "rustls under `kdbman serve` never renegotiates: TLS 1.3 has no renegotiation, and on TLS 1.2 it answers a first attempt with a no_renegotiation warning and ends the connection on a second. `kdbman serve` logs SSL0276E when that happens.",
        scope: Scope::Runtime,
    },
];

/// GSKit return codes of the classic API. They never overlap the IHS message
/// numbers (192–276), which lets a bare number mean one or the other.
fn is_gsk_number(n: u16) -> bool {
    matches!(n, 1..=12 | 101..=108 | 401..=428 | 501..=502 | 601..=602 | 701..=705)
}

/// Finds a code by its exact id, e.g. `SSL0218E` (used by lint findings).
pub fn by_id(id: &str) -> Option<&'static Code> {
    CODES.iter().find(|c| c.id == id)
}

/// Finds a code by the number inside its id, e.g. 218.
pub fn by_number(number: u16) -> Option<&'static Code> {
    CODES
        .binary_search_by_key(&number, |c| c.number)
        .ok()
        .map(|i| &CODES[i])
}

/// Finds the IHS code behind a GSKit return code, e.g. 408.
pub fn by_gsk_code(code: u16) -> Option<&'static Code> {
    CODES.iter().find(|c| c.gsk.is_some_and(|g| g.code == code))
}

/// Finds the IHS code behind a GSKit return-code name, case-insensitively,
/// with or without its `GSK_` prefix.
pub fn by_gsk_name(name: &str) -> Option<&'static Code> {
    let name = name.trim();
    if name.is_empty() {
        return None;
    }
    CODES.iter().find(|c| {
        c.gsk.is_some_and(|g| {
            g.name.eq_ignore_ascii_case(name)
                || g.name
                    .get(4..)
                    .is_some_and(|s| s.eq_ignore_ascii_case(name))
        })
    })
}

/// Splits off the leading ASCII digits.
fn split_digits(s: &str) -> (&str, &str) {
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    s.split_at(end)
}

/// Parses what follows `SSL` in an IHS id: digits, an optional severity
/// letter that must agree with the code, then the end or a separator.
fn parse_ihs(rest: &str) -> Option<&'static Code> {
    let (digits, tail) = split_digits(rest);
    if digits.is_empty() || digits.len() > 4 {
        return None;
    }
    let code = by_number(digits.parse().ok()?)?;
    let mut chars = tail.chars();
    match chars.next() {
        None => Some(code),
        Some(c) if c.is_ascii_alphabetic() => {
            if Severity::from_letter(c) != Some(code.severity) {
                return None;
            }
            match chars.next() {
                Some(next) if next.is_ascii_alphanumeric() => None,
                _ => Some(code),
            }
        }
        Some(c) if !c.is_ascii_alphanumeric() => Some(code),
        Some(_) => None,
    }
}

/// Finds a code from what a user types: "SSL0218E", "ssl0218e", "SSL0218", "0218", "218", a GSK return code "408",
/// "GSK 408"/"gsk408", or a GSK name "GSK_ERROR_BAD_KEYFILE_PASSWORD" (case-insensitive, `GSK_` optional).
/// Bare numbers: GSK return codes (1–12, 101–108, 401–428, 501–502, 601–602, 701–705) never overlap IHS numbers
/// (192–276), so a bare number in the GSK set means the GSK code, otherwise the IHS number. A four-digit number
/// with a leading zero ("0218") is always read as an IHS number. Text after a full id ("SSL0218E: Handshake...")
/// is ignored.
pub fn lookup(query: &str) -> Option<&'static Code> {
    let q = query.trim();
    if q.is_empty() {
        return None;
    }
    if let Some(code) = by_gsk_name(q) {
        return Some(code);
    }
    let lower = q.to_ascii_lowercase();
    if let Some(rest) = lower.strip_prefix("ssl") {
        return parse_ihs(rest.trim_start());
    }
    for prefix in ["gskit", "gsk"] {
        if let Some(rest) = lower.strip_prefix(prefix) {
            let rest = rest.trim_start_matches([' ', '_', '-', ':', '#']);
            let (digits, tail) = split_digits(rest);
            if digits.is_empty() || digits.len() > 4 || !tail.trim().is_empty() {
                return None;
            }
            return by_gsk_code(digits.parse().ok()?);
        }
    }
    let (digits, tail) = split_digits(&lower);
    if digits.is_empty() || digits.len() > 4 {
        return None;
    }
    if !tail.is_empty() {
        return parse_ihs(&lower);
    }
    let n: u16 = digits.parse().ok()?;
    let ihs_form = digits.len() == 4 && digits.starts_with('0');
    if !ihs_form && is_gsk_number(n) {
        by_gsk_code(n)
    } else {
        by_number(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet, HashSet};

    const CATALOGUE: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/reference/ihs-handshake-messages.txt"
    );
    const GSK_NOTES: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/notes/gsk-codes.md"
    );

    /// One message of the reference catalogue.
    struct Reference {
        id: String,
        title: String,
        /// The Reason and Solution text, continuation lines included.
        explanation: String,
    }

    fn is_id(s: &str) -> bool {
        let b = s.as_bytes();
        b.len() == 8
            && s.starts_with("SSL")
            && b[3..7].iter().all(u8::is_ascii_digit)
            && matches!(b[7], b'E' | b'W' | b'I')
    }

    /// A file of `../shared`: under CI it must be there; a clone with
    /// nothing beside it skips the test that needs it, and says so.
    fn shared_text(path: &str) -> Option<String> {
        match std::fs::read_to_string(path) {
            Ok(t) => Some(t),
            Err(e) if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") => {
                panic!("cannot read {path} (required under CI): {e}")
            }
            Err(e) => {
                let reason = format!("{path} is not beside this clone ({e})");
                eprintln!("SKIPPED: {reason}");
                ledger_note(&reason);
                None
            }
        }
    }

    /// Appends to the skip ledger `tests/zz_skipped.rs` prints at the end
    /// of `cargo test` (`tests/common::ledger_note`): unit tests have no
    /// `CARGO_TARGET_TMPDIR`, so `<target>/tmp` is found from this binary,
    /// `<target>/<profile>/deps/kdbman-<hash>`.
    fn ledger_note(reason: &str) {
        use std::io::Write;
        let Some(tmp) = std::env::current_exe()
            .ok()
            .and_then(|p| p.ancestors().nth(3).map(|t| t.join("tmp")))
        else {
            return;
        };
        let test = std::thread::current().name().unwrap_or("?").to_string();
        let _ = std::fs::create_dir_all(&tmp);
        let ledger = tmp.join(format!(
            "skipped-{}.txt",
            std::os::unix::process::parent_id()
        ));
        if let Ok(mut f) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(ledger)
        {
            let _ = f.write_all(format!("kdbman (lib)::{test}: {reason}\n").as_bytes());
        }
    }

    fn read_catalogue() -> Option<Vec<Reference>> {
        let text = shared_text(CATALOGUE)?;
        let mut out: Vec<Reference> = Vec::new();
        for line in text.lines() {
            if line.trim_start().starts_with("Reference topic") {
                break;
            }
            if let Some(pos) = line.find("Message: ") {
                let rest = &line[pos + "Message: ".len()..];
                let id = rest.get(..8).expect("message line too short");
                assert!(is_id(id), "not an id: {id:?}");
                let title = rest[8..].trim_start_matches(':').trim().to_string();
                out.push(Reference {
                    id: id.to_string(),
                    title,
                    explanation: String::new(),
                });
            } else if let Some(last) = out.last_mut() {
                let cleaned = line.replace("• Reason:", "").replace("• Solution:", "");
                last.explanation.push_str(cleaned.trim());
                last.explanation.push(' ');
            }
        }
        Some(out)
    }

    /// The catalogue title with placeholders (`<function>`, `(dd seconds)`)
    /// and the trademark sign removed, as kdbman keeps it.
    fn normalise_title(title: &str) -> String {
        let mut s = title.replace('®', "").replace("(dd seconds)", "");
        while let Some(start) = s.find('<') {
            let Some(len) = s[start..].find('>') else {
                break;
            };
            s.replace_range(start..start + len + 1, "");
        }
        let mut s = s.split_whitespace().collect::<Vec<_>>().join(" ");
        s = s.replace(", ,", "").replace(" ,", ",");
        s.trim_end_matches(['.', ':', ',', ' ']).to_string()
    }

    fn words(text: &str) -> Vec<String> {
        text.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    }

    fn ngrams(text: &str, n: usize) -> HashSet<Vec<String>> {
        words(text).windows(n).map(<[String]>::to_vec).collect()
    }

    #[test]
    fn catalogue_ids_titles_and_lookups() {
        let Some(reference) = read_catalogue() else {
            return;
        };
        let distinct: BTreeSet<&str> = reference.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(distinct.len(), 77, "the catalogue has 77 distinct codes");
        assert_eq!(CODES.len(), distinct.len());
        let ours: BTreeSet<&str> = CODES.iter().map(|c| c.id).collect();
        assert_eq!(
            ours, distinct,
            "CODES must hold exactly the catalogue's ids"
        );

        for pair in CODES.windows(2) {
            assert!(
                pair[0].number < pair[1].number,
                "CODES not sorted or not unique at {} / {}",
                pair[0].id,
                pair[1].id
            );
        }

        for code in CODES {
            assert!(is_id(code.id), "{}", code.id);
            assert_eq!(
                code.number,
                code.id[3..7].parse::<u16>().unwrap(),
                "{}",
                code.id
            );
            let letter = code.id.chars().last().unwrap();
            assert_eq!(code.severity.letter(), letter, "{}", code.id);
            assert_eq!(Severity::from_letter(letter), Some(code.severity));
        }

        for r in &reference {
            let id = r.id.as_str();
            let code = by_id(id).unwrap_or_else(|| panic!("by_id({id}) is None"));
            assert_eq!(code.id, id);
            let number = code.number.to_string();
            for query in [
                id.to_string(),
                id.to_lowercase(),
                id[..7].to_string(),
                id[..7].to_lowercase(),
                id[3..7].to_string(),
                number,
                format!("{id}: {}", r.title),
            ] {
                assert_eq!(lookup(&query).map(|c| c.id), Some(id), "lookup({query:?})");
            }

            let expected = normalise_title(&r.title);
            let ours = code.title.trim_end_matches('.');
            assert!(
                !ours.is_empty() && (expected == ours || expected.starts_with(ours)),
                "{id}: title {ours:?} is not the catalogue's {expected:?}"
            );
        }
    }

    /// Expands "SSL0201E–SSL0212E", "SSL0254E, SSL0255E", "1–12" or "501, 502".
    fn expand(cell: &str, number: impl Fn(&str) -> u16) -> Vec<u16> {
        let cell = cell.trim();
        if let Some((a, b)) = cell.split_once('–') {
            (number(a.trim())..=number(b.trim())).collect()
        } else {
            cell.split(',').map(|s| number(s.trim())).collect()
        }
    }

    fn ihs_number(id: &str) -> u16 {
        assert!(is_id(id), "not an id: {id:?}");
        id[3..7].parse().unwrap()
    }

    #[test]
    fn gsk_codes_match_the_notes() {
        let Some(text) = shared_text(GSK_NOTES) else {
            return;
        };
        // (gsk code, name, ihs number or None)
        let mut pairs: Vec<(u16, String, Option<u16>)> = Vec::new();
        let mut after_table = String::new();
        let mut table_seen = false;
        for line in text.lines() {
            if line.starts_with("| SSL") {
                table_seen = true;
                let cells: Vec<&str> = line.split('|').map(str::trim).collect();
                let ihs = expand(cells[1], ihs_number);
                let gsk = expand(cells[2], |s| s.parse().unwrap());
                let names: Vec<&str> = cells[3].split(',').map(str::trim).collect();
                assert_eq!(gsk.len(), names.len(), "row {line}");
                assert_eq!(gsk.len(), ihs.len(), "row {line}");
                for ((&g, name), &n) in gsk.iter().zip(&names).zip(&ihs) {
                    match name.split_once('(') {
                        Some((name, note)) => {
                            assert!(note.contains("no IHS message"), "{note}");
                            let noted: u16 =
                                note.split(':').next().unwrap().trim().parse().unwrap();
                            assert_eq!(noted, g);
                            pairs.push((g, name.trim().to_string(), None));
                            assert!(by_number(n).is_none(), "SSL0{n} should not exist");
                        }
                        None => pairs.push((g, name.to_string(), Some(n))),
                    }
                }
            } else if table_seen && !line.starts_with('|') {
                after_table.push_str(line);
                after_table.push('\n');
            }
        }
        assert_eq!(pairs.len(), 12 + 8 + 28 + 2 + 2 + 5);

        for (g, name, ihs) in &pairs {
            let by_code = lookup(&g.to_string());
            match ihs {
                None => {
                    assert!(by_code.is_none(), "GSK {g} has no IHS code");
                    assert!(lookup(name).is_none(), "{name} has no IHS code");
                    assert!(by_gsk_code(*g).is_none());
                }
                Some(n) => {
                    let code = by_number(*n).unwrap_or_else(|| panic!("SSL0{n} missing"));
                    assert_eq!(code.gsk.map(|g| g.code), Some(*g), "{}: GSK code", code.id);
                    assert_eq!(
                        code.gsk.map(|g| g.name),
                        Some(name.as_str()),
                        "{}: GSK name",
                        code.id
                    );
                    for query in [
                        g.to_string(),
                        format!("GSK {g}"),
                        format!("gsk{g}"),
                        name.clone(),
                        name.to_lowercase(),
                        name["GSK_".len()..].to_string(),
                    ] {
                        assert_eq!(
                            lookup(&query).map(|c| c.id),
                            Some(code.id),
                            "lookup({query:?})"
                        );
                    }
                }
            }
        }
        let with_gsk = CODES.iter().filter(|c| c.gsk.is_some()).count();
        assert_eq!(with_gsk, pairs.iter().filter(|p| p.2.is_some()).count());

        // The notes under the table name the codes without a GSK return code.
        let ids: Vec<(usize, &str)> = after_table
            .match_indices("SSL")
            .filter_map(|(i, _)| {
                after_table
                    .get(i..i + 8)
                    .filter(|s| is_id(s))
                    .map(|s| (i, s))
            })
            .collect();
        assert!(!ids.is_empty());
        let mut without = BTreeSet::new();
        let mut i = 0;
        while i < ids.len() {
            let (pos, id) = ids[i];
            let ranged = ids
                .get(i + 1)
                .filter(|(next, _)| after_table[pos + 8..*next].trim() == "–");
            if let Some((_, end)) = ranged {
                without.extend(ihs_number(id)..=ihs_number(end));
                i += 2;
            } else {
                without.insert(ihs_number(id));
                i += 1;
            }
        }
        let mut checked = 0;
        for n in without {
            if let Some(code) = by_number(n) {
                assert!(code.gsk.is_none(), "{} should have no GSK code", code.id);
                checked += 1;
            }
        }
        assert_eq!(checked + with_gsk, CODES.len());
    }

    #[test]
    fn explanations_are_present_and_our_own() {
        let Some(reference) = read_catalogue() else {
            return;
        };
        let mut theirs: HashSet<Vec<String>> = HashSet::new();
        let mut by_code: BTreeMap<&str, String> = BTreeMap::new();
        for r in &reference {
            theirs.extend(ngrams(&r.explanation, 8));
            by_code
                .entry(r.id.as_str())
                .or_default()
                .push_str(&r.explanation);
        }
        for code in CODES {
            assert!(!code.title.trim().is_empty(), "{}: title", code.id);
            assert!(!code.meaning.trim().is_empty(), "{}: meaning", code.id);
            assert!(!code.fix.trim().is_empty(), "{}: fix", code.id);
            assert!(!code.kdbman.trim().is_empty(), "{}: kdbman", code.id);
            assert!(
                (1..=4).contains(&code.causes.len()),
                "{}: 1 to 4 causes",
                code.id
            );
            for cause in code.causes {
                assert!(!cause.trim().is_empty(), "{}: empty cause", code.id);
            }

            let own = by_code.get(code.id).map(String::as_str).unwrap_or("");
            let ours = [code.meaning, code.fix, code.kdbman]
                .into_iter()
                .chain(code.causes.iter().copied());
            for text in ours {
                let t = text.trim();
                assert!(
                    own.is_empty() || !own.contains(t),
                    "{}: text copied from the catalogue: {t:?}",
                    code.id
                );
                for gram in ngrams(text, 8) {
                    assert!(
                        !theirs.contains(&gram),
                        "{}: shares an 8-word run with the catalogue: {:?}",
                        code.id,
                        gram.join(" ")
                    );
                }
            }
        }
    }

    #[test]
    fn lookup_forms() {
        let id = |q: &str| lookup(q).map(|c| c.id);
        assert_eq!(id("SSL0218E"), Some("SSL0218E"));
        assert_eq!(id("  ssl0218e  "), Some("SSL0218E"));
        assert_eq!(id("SSL218"), Some("SSL0218E"));
        assert_eq!(id("0218e"), Some("SSL0218E"));
        assert_eq!(id("218"), Some("SSL0218E"));
        assert_eq!(id("SSL0218E: Handshake failed"), Some("SSL0218E"));
        assert_eq!(id("408"), Some("SSL0228E"));
        assert_eq!(id("GSK 408"), Some("SSL0228E"));
        assert_eq!(id("gsk408"), Some("SSL0228E"));
        assert_eq!(id("GSKit 408"), Some("SSL0228E"));
        assert_eq!(id("gsk_error_bad_keyfile_password"), Some("SSL0228E"));
        assert_eq!(id("ERROR_BAD_KEYFILE_PASSWORD"), Some("SSL0228E"));
        assert_eq!(id("1"), Some("SSL0201E"));
        assert_eq!(
            id("0001"),
            None,
            "a zero-padded four-digit number is an IHS number"
        );
        assert_eq!(id("0201"), Some("SSL0201E"));
        assert_eq!(id("414"), Some("SSL0234W"));
        assert_eq!(id("SSL0234W"), Some("SSL0234W"));

        for bad in [
            "",
            "   ",
            "SSL",
            "SSL0218W",
            "SSL0218EX",
            "SSL0244E",
            "244",
            "424",
            "GSK 424",
            "GSK_ERROR_BAD_SEC_TYPE_COMBINATION",
            "99999",
            "SSL02189E",
            "gsk",
            "gsk 218",
            "hello",
            "218x",
            "-218",
            "GSK_",
            "ＳＳＬ0218E",
        ] {
            assert_eq!(id(bad), None, "lookup({bad:?})");
        }

        assert_eq!(by_id("SSL0218E").map(|c| c.number), Some(218));
        assert!(by_id("ssl0218e").is_none(), "by_id is exact");
        assert!(by_id("").is_none());
        assert!(by_id("SSL0218").is_none());
    }

    #[test]
    fn severity_and_scope_words() {
        for (s, letter, word) in [
            (Severity::Error, 'E', "error"),
            (Severity::Warning, 'W', "warning"),
            (Severity::Info, 'I', "info"),
        ] {
            assert_eq!(s.letter(), letter);
            assert_eq!(s.as_str(), word);
            assert_eq!(s.to_string(), word);
            assert_eq!(Severity::from_letter(letter), Some(s));
            assert_eq!(Severity::from_letter(letter.to_ascii_lowercase()), Some(s));
        }
        assert_eq!(Severity::from_letter('X'), None);
        assert!(Severity::Error < Severity::Warning && Severity::Warning < Severity::Info);
        assert_eq!(Scope::NotApplicable.to_string(), "not-applicable");
    }

    #[test]
    fn scopes_follow_kdbman_design() {
        let scope = |id: &str| by_id(id).unwrap().scope;
        for id in [
            "SSL0206E", "SSL0208E", "SSL0209E", "SSL0210E", "SSL0213E", "SSL0214E", "SSL0215E",
            "SSL0216E", "SSL0217E", "SSL0218E", "SSL0219E", "SSL0221E", "SSL0223E", "SSL0224E",
            "SSL0225E", "SSL0227E", "SSL0228E", "SSL0248E", "SSL0264E",
        ] {
            assert_eq!(scope(id), Scope::Store, "{id}");
        }
        for id in [
            "SSL0207E", "SSL0222W", "SSL0226I", "SSL0230I", "SSL0231W", "SSL0232W", "SSL0233W",
            "SSL0234W", "SSL0235W", "SSL0240I", "SSL0253E", "SSL0265W", "SSL0266E", "SSL0267E",
            "SSL0270I", "SSL0271I", "SSL0272I", "SSL0273I", "SSL0276E",
        ] {
            assert_eq!(scope(id), Scope::Runtime, "{id}");
        }
        for id in [
            "SSL0193W", "SSL0196I", "SSL0197I", "SSL0198I", "SSL0200E", "SSL0201E", "SSL0202E",
            "SSL0211E", "SSL0220E", "SSL0229E", "SSL0241E", "SSL0242E", "SSL0247E", "SSL0249E",
            "SSL0250E", "SSL0251E", "SSL0252E", "SSL0256E", "SSL0263W",
        ] {
            assert_eq!(scope(id), Scope::NotApplicable, "{id}");
        }
        // Every code that kdbman does not handle says why.
        for code in CODES.iter().filter(|c| c.scope == Scope::NotApplicable) {
            assert!(
                code.kdbman.starts_with("Not applicable")
                    || code.kdbman.starts_with("Not produced"),
                "{}: {}",
                code.id,
                code.kdbman
            );
        }
    }
}
