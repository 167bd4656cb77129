//! The GSKit command line: `TOOL <object> <action> [-option value | -flag]...`.
//!
//! Object and action come first, in that order; options follow in any
//! order. Option names and keyword values compare case-insensitively
//! (`-type CMS`, `-format ASCII`); paths, labels, DNs and passwords are
//! taken as given. Every option is in [`OPTIONS`], every action in
//! [`ACTIONS`]: the parser, the `-help` text and the man page all read
//! these tables, so they cannot disagree.

use super::messages::GskError;
use kdbman::store::codec::Codec;
use kdbman::store::formats::FORMATS;

/// How an option takes its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arity {
    /// A bare flag (`-stashed`).
    Flag,
    /// Always followed by a value, even one starting with `-` (`-pw -x-`).
    Value,
    /// A flag that may be followed by a value matching the option's
    /// keywords or a number (`-fips`, `-fips false`, `-expiry`, `-expiry 30`).
    OptValue,
}

/// What kdbman does with an option.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Support {
    /// Honoured.
    Yes,
    /// Accepted and ignored, for the reason given (documented).
    NoOp(&'static str),
    /// Refused with this reason and exit status 11.
    Refused(&'static str),
}

/// One option of the GSKit syntax.
#[derive(Debug, Clone, Copy)]
pub struct OptSpec {
    /// Canonical name, without the dash.
    pub name: &'static str,
    /// Other spellings (`sig_alg` for `sigalg`).
    pub aliases: &'static [&'static str],
    pub arity: Arity,
    /// The value, as the man page shows it.
    pub value: &'static str,
    pub help: &'static str,
    pub support: Support,
}

const fn opt(name: &'static str, arity: Arity, value: &'static str, help: &'static str) -> OptSpec {
    OptSpec {
        name,
        aliases: &[],
        arity,
        value,
        help,
        support: Support::Yes,
    }
}

const fn refused(name: &'static str, arity: Arity, why: &'static str) -> OptSpec {
    OptSpec {
        name,
        aliases: &[],
        arity,
        value: "",
        help: why,
        support: Support::Refused(why),
    }
}

use Arity::{Flag, OptValue, Value};

/// Every option kdbman knows in GSKit syntax.
pub const OPTIONS: &[OptSpec] = &[
    opt(
        "db",
        Value,
        "PATH",
        "the key database (store); with -cert -import, the source",
    ),
    opt(
        "pw",
        Value,
        "PASSWORD",
        "the store password (visible to other processes: prefer -stashed)",
    ),
    opt(
        "stashed",
        Flag,
        "",
        "take the password from the stash beside the store (STEM.sth)",
    ),
    opt(
        "stash",
        Flag,
        "",
        "also write the password to STEM.sth (create, changepw, convert)",
    ),
    opt(
        "v1stash",
        Flag,
        "",
        "write the old 129-byte GSKit stash (version 1) instead of version 2",
    ),
    opt(
        "type",
        Value,
        "cms|kdb|pkcs12|p12",
        "store type; by extension when absent (.p12/.pfx PKCS#12, otherwise CMS); existing stores are recognised by content",
    ),
    opt("target", Value, "PATH", "destination file or store"),
    opt(
        "target_pw",
        Value,
        "PASSWORD",
        "password of the destination",
    ),
    opt(
        "target_stashed",
        Flag,
        "",
        "take the destination's password from its stash",
    ),
    opt(
        "target_type",
        Value,
        "cms|kdb|pkcs12|p12",
        "destination type",
    ),
    opt(
        "new_format",
        Value,
        "cms|kdb|pkcs12|p12",
        "-keydb -convert: the new type (same as -target_type)",
    ),
    OptSpec {
        support: Support::NoOp("the source type is recognised from the file's content"),
        ..opt(
            "old_format",
            Value,
            "cms|kdb|pkcs12|p12",
            "-keydb -convert: the source type",
        )
    },
    opt(
        "label",
        Value,
        "LABEL",
        "entry label (quote labels with spaces)",
    ),
    opt("new_label", Value, "LABEL", "new label (rename, import)"),
    opt(
        "dn",
        Value,
        "DN",
        "subject, RFC 4514 (most specific first, as GSKit reads it: the certificate stores C, O, CN), e.g. \"CN=www.example.com,O=Example,C=US\"; escape commas in values with a backslash or quote the value",
    ),
    opt(
        "size",
        Value,
        "BITS",
        "key size: RSA 2048, 3072, 4096 (default 2048); EC 256, 384",
    ),
    OptSpec {
        aliases: &["sig_alg"],
        ..opt(
            "sigalg",
            Value,
            "ALG",
            "signature algorithm, any case: SHA256WithRSA, SHA384WithRSA, SHA512WithRSA, SHA256WithECDSA, SHA384WithECDSA, SHA512WithECDSA, SHA256_WITH_RSA, EC_ecdsa_with_SHA256, sha256 ...; P-256 keys sign with SHA-256 and P-384 keys with SHA-384 (another hash is replaced, with a note); MD5 and SHA-1 sign with SHA-256 instead (refused under -fips)",
        )
    },
    opt(
        "expire",
        Value,
        "DAYS",
        "certificate validity (default 365) or, for -keydb, password lifetime",
    ),
    opt(
        "x509version",
        Value,
        "3",
        "certificate version; kdbman issues version 3 only",
    ),
    opt("ca", Value, "true|false", "make a CA certificate"),
    opt(
        "default_cert",
        Value,
        "yes|no",
        "make the entry the default personal certificate",
    ),
    opt(
        "file",
        Value,
        "PATH",
        "input certificate, request or PKCS#12 file; output request file",
    ),
    opt(
        "format",
        Value,
        "ascii|binary",
        "PEM (ascii, the default) or DER (binary)",
    ),
    opt("trust", Value, "enable|disable", "trust a signer as a root"),
    opt(
        "san_dnsname",
        Value,
        "NAMES",
        "subjectAltName DNS names, comma-separated",
    ),
    opt(
        "san_ipaddr",
        Value,
        "ADDRS",
        "subjectAltName IP addresses, comma-separated",
    ),
    refused(
        "san_emailaddr",
        Value,
        "kdbman does not issue e-mail subjectAltNames; use -san_dnsname or -san_ipaddr",
    ),
    opt(
        "ku",
        Value,
        "LIST",
        "key usages, comma-separated (digitalSignature, keyEncipherment, keyCertSign, cRLSign ...)",
    ),
    opt(
        "eku",
        Value,
        "LIST",
        "extended key usages, comma-separated (serverAuth, clientAuth ...)",
    ),
    opt(
        "new_pw",
        Value,
        "PASSWORD",
        "-keydb -changepw: the new password",
    ),
    refused(
        "populate",
        Flag,
        "kdbman has no built-in list of well-known CAs; add the CAs you trust with -cert -add -file CA.pem -label NAME",
    ),
    opt(
        "strong",
        Flag,
        "",
        "enforce IBM's password rules on new passwords (14+ printable ASCII characters, lower and upper case, a digit or special character, no character more than 3 times, none 3 times in a row)",
    ),
    opt(
        "fips",
        OptValue,
        "[true|false]",
        "FIPS-approved algorithms only: MD5 and SHA-1 signatures, DES, 3DES, RC2 and RSA keys under 2048 bits are refused; kdbman's own cryptography is not a FIPS 140-validated module (said on stderr)",
    ),
    OptSpec {
        support: Support::NoOp(
            "accepted only as -pqc false (kdbman stores use no post-quantum algorithms)",
        ),
        ..opt(
            "pqc",
            Value,
            "false",
            "Db2 post-quantum store option; only false is accepted",
        )
    },
    opt(
        "encryption",
        Value,
        "strong|weak",
        "PKCS#12 export: strong (AES-256, default) or weak (3DES/SHA-1, for old Java and Windows)",
    ),
    opt(
        "expiry",
        OptValue,
        "[DAYS]",
        "-cert -list: only certificates that expire within DAYS days (default 0: already expired)",
    ),
    opt("length", Value, "N", "-random -create: password length"),
    OptSpec {
        support: Support::NoOp("kdbman's messages are in English"),
        ..opt("locale", Value, "LOCALE", "message language")
    },
    OptSpec {
        support: Support::NoOp("kdbman writes no GSKit trace files"),
        ..opt("trace", Value, "FILE", "GSKit trace file")
    },
    OptSpec {
        support: Support::NoOp("OIDs are always shown"),
        ..opt("showoid", Flag, "", "show OIDs in -details")
    },
    refused(
        "crypto",
        Value,
        "PKCS#11 hardware tokens are not supported by kdbman; use a key database file",
    ),
    refused(
        "tokenlabel",
        Value,
        "PKCS#11 hardware tokens are not supported by kdbman; use a key database file",
    ),
    refused(
        "secondarydb",
        Value,
        "PKCS#11 secondary key databases are not supported by kdbman",
    ),
    refused(
        "secondarydbpw",
        Value,
        "PKCS#11 secondary key databases are not supported by kdbman",
    ),
    refused(
        "secretkey",
        Flag,
        "secret (symmetric) keys are not supported by kdbman",
    ),
    refused(
        "genpw",
        Flag,
        "generated store passwords are not supported; use -random -create -length N and pass the result with -pw",
    ),
];

/// Options that every action accepts.
pub const GLOBAL: &[&str] = &["fips", "strong", "pqc", "locale", "trace", "type"];

/// GSKit objects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Object {
    Keydb,
    Cert,
    Certreq,
    Random,
    Version,
    Help,
}

impl Object {
    pub fn name(self) -> &'static str {
        match self {
            Object::Keydb => "-keydb",
            Object::Cert => "-cert",
            Object::Certreq => "-certreq",
            Object::Random => "-random",
            Object::Version => "-version",
            Object::Help => "-help",
        }
    }
}

/// Objects kdbman refuses, with the reason.
pub const REFUSED_OBJECTS: &[(&str, &str)] = &[(
    "-secretkey",
    "secret (symmetric) keys are not supported by kdbman",
)];

/// One object/action pair.
#[derive(Debug, Clone, Copy)]
pub struct ActionSpec {
    pub object: Object,
    pub name: &'static str,
    pub summary: &'static str,
    /// Options that must be present.
    pub required: &'static [&'static str],
    /// Further options it accepts (besides [`GLOBAL`]).
    pub optional: &'static [&'static str],
    /// Whether a bare word may follow (`-cert -list all`).
    pub positional: &'static [&'static str],
}

macro_rules! action {
    ($obj:ident, $name:literal, $summary:literal, [$($req:literal),*], [$($opt:literal),*]) => {
        ActionSpec { object: Object::$obj, name: $name, summary: $summary, required: &[$($req),*], optional: &[$($opt),*], positional: &[] }
    };
}

/// Every action kdbman implements.
pub const ACTIONS: &[ActionSpec] = &[
    action!(
        Keydb,
        "-create",
        "create an empty key database (CMS by default)",
        ["db"],
        ["pw", "stash", "v1stash", "expire", "populate"]
    ),
    action!(
        Keydb,
        "-delete",
        "delete a key database and its stash",
        ["db"],
        ["pw", "stashed"]
    ),
    action!(
        Keydb,
        "-changepw",
        "change the password (re-stash with -stash)",
        ["db", "new_pw"],
        ["pw", "stashed", "stash", "expire"]
    ),
    action!(
        Keydb,
        "-stashpw",
        "write the password to STEM.sth",
        ["db"],
        ["pw", "stashed", "v1stash"]
    ),
    action!(
        Keydb,
        "-convert",
        "convert to another store type",
        ["db"],
        [
            "pw",
            "stashed",
            "new_format",
            "old_format",
            "target",
            "target_type",
            "target_pw",
            "stash",
            "v1stash"
        ]
    ),
    action!(
        Keydb,
        "-list",
        "list the store types kdbman can create",
        [],
        []
    ),
    action!(
        Keydb,
        "-expiry",
        "show when the store password expires",
        ["db"],
        ["pw", "stashed"]
    ),
    action!(
        Cert,
        "-create",
        "create a key and a self-signed certificate",
        ["db", "label", "dn"],
        [
            "pw",
            "stashed",
            "size",
            "sigalg",
            "expire",
            "x509version",
            "ca",
            "default_cert",
            "san_dnsname",
            "san_ipaddr",
            "san_emailaddr",
            "ku",
            "eku"
        ]
    ),
    action!(
        Cert,
        "-add",
        "add a CA certificate as a signer",
        ["db", "file"],
        ["pw", "stashed", "label", "format", "trust"]
    ),
    action!(
        Cert,
        "-receive",
        "store the signed certificate of a pending request",
        ["db", "file"],
        ["pw", "stashed", "label", "format", "default_cert"]
    ),
    action!(
        Cert,
        "-import",
        "import entries from a PKCS#12 file or another store",
        ["target"],
        [
            "db",
            "file",
            "pw",
            "stashed",
            "target_pw",
            "target_stashed",
            "target_type",
            "label",
            "new_label",
            "default_cert"
        ]
    ),
    action!(
        Cert,
        "-export",
        "export a personal certificate and key to PKCS#12 or another store",
        ["db", "label", "target"],
        [
            "pw",
            "stashed",
            "target_pw",
            "target_stashed",
            "target_type",
            "encryption"
        ]
    ),
    action!(
        Cert,
        "-extract",
        "write a certificate (public part) to a file",
        ["db", "label", "target"],
        ["pw", "stashed", "format"]
    ),
    ActionSpec {
        positional: &["all", "personal", "ca", "site"],
        ..action!(
            Cert,
            "-list",
            "list certificates (all, personal or CA)",
            ["db"],
            ["pw", "stashed", "expiry"]
        )
    },
    action!(
        Cert,
        "-details",
        "show a certificate",
        ["db", "label"],
        ["pw", "stashed", "showoid"]
    ),
    action!(
        Cert,
        "-delete",
        "delete an entry",
        ["db", "label"],
        ["pw", "stashed"]
    ),
    action!(
        Cert,
        "-rename",
        "rename an entry",
        ["db", "label", "new_label"],
        ["pw", "stashed"]
    ),
    action!(
        Cert,
        "-setdefault",
        "make a personal certificate the default",
        ["db", "label"],
        ["pw", "stashed"]
    ),
    action!(
        Cert,
        "-getdefault",
        "show the default personal certificate",
        ["db"],
        ["pw", "stashed", "showoid"]
    ),
    action!(
        Cert,
        "-modify",
        "change a signer's trust",
        ["db", "label", "trust"],
        ["pw", "stashed"]
    ),
    action!(
        Cert,
        "-sign",
        "sign a certificate request with a CA in the store",
        ["db", "label", "file", "target"],
        [
            "pw",
            "stashed",
            "format",
            "expire",
            "sigalg",
            "san_dnsname",
            "san_ipaddr",
            "san_emailaddr",
            "ca"
        ]
    ),
    action!(
        Cert,
        "-validate",
        "check the chain of an entry against the store's signers",
        ["db", "label"],
        ["pw", "stashed"]
    ),
    action!(
        Certreq,
        "-create",
        "create a key and a certificate request",
        ["db", "label", "dn", "file"],
        [
            "pw",
            "stashed",
            "size",
            "sigalg",
            "san_dnsname",
            "san_ipaddr",
            "san_emailaddr",
            "ku",
            "eku",
            "secondarydb",
            "secondarydbpw"
        ]
    ),
    action!(
        Certreq,
        "-list",
        "list pending requests",
        ["db"],
        ["pw", "stashed"]
    ),
    action!(
        Certreq,
        "-details",
        "show a pending request",
        ["db", "label"],
        ["pw", "stashed", "showoid"]
    ),
    action!(
        Certreq,
        "-delete",
        "delete a pending request and its key",
        ["db", "label"],
        ["pw", "stashed"]
    ),
    action!(
        Certreq,
        "-extract",
        "write a pending request to a file",
        ["db", "label", "target"],
        ["pw", "stashed", "format"]
    ),
    action!(
        Certreq,
        "-recreate",
        "write a new request for an existing personal certificate's key",
        ["db", "label", "target"],
        ["pw", "stashed", "format"]
    ),
    action!(Random, "-create", "print a random password", ["length"], []),
];

/// Whether an option's value is a password (`-pw`, `-new_pw`,
/// `-target_pw`, `-secondarydbpw`): held zeroized, never shown by `Debug`
/// nor echoed in an error.
pub fn is_secret_option(name: &str) -> bool {
    name.ends_with("pw")
}

/// A parsed command line. `Debug` shows passwords as `<redacted>`.
#[derive(Clone)]
pub struct Invocation {
    pub object: Object,
    pub action: Option<&'static ActionSpec>,
    /// Options in the order given: canonical name and value (None for
    /// flags), every value zeroized when dropped.
    pub opts: Vec<(&'static str, Option<zeroize::Zeroizing<String>>)>,
    /// A bare keyword after the action (`-cert -list all`), lower-cased.
    pub positional: Option<String>,
    /// `-help -cert -create`: the object and action asked about.
    pub topic: Vec<String>,
}

impl std::fmt::Debug for Invocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let opts: Vec<(&str, Option<&str>)> = self
            .opts
            .iter()
            .map(|(n, v)| {
                let shown = v.as_ref().map(|v| {
                    if is_secret_option(n) {
                        "<redacted>"
                    } else {
                        v.as_str()
                    }
                });
                (*n, shown)
            })
            .collect();
        f.debug_struct("Invocation")
            .field("object", &self.object)
            .field("action", &self.action.map(|a| a.name))
            .field("opts", &opts)
            .field("positional", &self.positional)
            .field("topic", &self.topic)
            .finish()
    }
}

impl Invocation {
    /// The value of an option.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.opts
            .iter()
            .rev()
            .find(|(n, _)| *n == name)
            .and_then(|(_, v)| v.as_ref().map(|v| v.as_str()))
    }

    /// Whether an option is present (with or without a value).
    pub fn has(&self, name: &str) -> bool {
        self.opts.iter().any(|(n, _)| *n == name)
    }

    /// `object action`, for messages.
    #[cfg(test)]
    pub fn command(&self) -> String {
        match self.action {
            Some(a) => format!("{} {}", self.object.name(), a.name),
            None => self.object.name().to_string(),
        }
    }
}

/// Looks up an option by a command-line token (`-Label`, `-sig_alg`).
pub fn find_option(token: &str) -> Option<&'static OptSpec> {
    let name = token.strip_prefix('-')?.to_ascii_lowercase();
    OPTIONS
        .iter()
        .find(|o| o.name == name || o.aliases.contains(&name.as_str()))
}

/// The object named by a token, if any.
pub fn find_object(token: &str) -> Option<Object> {
    Some(match token.to_ascii_lowercase().as_str() {
        "-keydb" => Object::Keydb,
        "-cert" => Object::Cert,
        "-certreq" => Object::Certreq,
        "-random" => Object::Random,
        "-version" => Object::Version,
        "-help" | "-?" => Object::Help,
        _ => return None,
    })
}

/// The actions of an object.
pub fn actions_of(object: Object) -> impl Iterator<Item = &'static ActionSpec> {
    ACTIONS.iter().filter(move |a| a.object == object)
}

fn action_list(object: Object) -> String {
    actions_of(object)
        .map(|a| a.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Options allowed before the object (GSKit's global flags).
const BEFORE_OBJECT: &[&str] = &["fips", "strong", "locale", "trace"];

/// Takes one option at `args[*i]` (the option token itself), returning its
/// canonical name and value and moving `*i` past them.
fn take_option(
    args: &[String],
    i: &mut usize,
    command: &str,
) -> Result<(&'static OptSpec, Option<String>), GskError> {
    let token = &args[*i];
    let Some(spec) = find_option(token) else {
        return Err(GskError::usage(
            format!("{token} is not an option of {command}"),
            format!(
                "see `{}` for the options (option names start with one dash, values follow them)",
                help_for(command)
            ),
        ));
    };
    *i += 1;
    let value = match spec.arity {
        Arity::Flag => None,
        Arity::Value => match args.get(*i) {
            Some(v) => {
                *i += 1;
                Some(v.clone())
            }
            None => {
                return Err(GskError::usage(
                    format!("-{} needs a value ({})", spec.name, spec.value),
                    format!(
                        "give it as -{} {} (quote values with spaces)",
                        spec.name, spec.value
                    ),
                ));
            }
        },
        Arity::OptValue => match args.get(*i) {
            Some(v) if !v.starts_with('-') || v.parse::<i64>().is_ok() => {
                let lower = v.to_ascii_lowercase();
                let fits = match spec.name {
                    "expiry" => v.parse::<u32>().is_ok(),
                    _ => matches!(lower.as_str(), "true" | "false" | "yes" | "no"),
                };
                if fits {
                    *i += 1;
                    Some(v.clone())
                } else {
                    None
                }
            }
            _ => None,
        },
    };
    Ok((spec, value))
}

/// The help command for `command` (`-cert -list`), as the tool is run:
/// `-help -cert -list`.
fn help_for(command: &str) -> String {
    format!("-help {command}").replace("  ", " ")
}

/// Parses a GSKit command line (without the program name).
pub fn parse(args: &[String]) -> Result<Invocation, GskError> {
    let mut i = 0;
    let mut opts: Vec<(&'static str, Option<zeroize::Zeroizing<String>>)> = Vec::new();
    // Global flags may come before the object.
    while let Some(t) = args.get(i) {
        match find_option(t) {
            Some(spec) if BEFORE_OBJECT.contains(&spec.name) => {
                let (spec, v) = take_option(args, &mut i, "")?;
                opts.push((spec.name, v.map(zeroize::Zeroizing::new)));
            }
            _ => break,
        }
    }
    let Some(obj_token) = args.get(i) else {
        return Err(GskError::usage(
            "no object given: a command starts with -keydb, -cert, -certreq, -version or -help"
                .to_string(),
            "for example: -keydb -create -db key.kdb -pw PASSWORD -stash; run -help for more"
                .to_string(),
        ));
    };
    if let Some((name, why)) = REFUSED_OBJECTS
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(obj_token))
    {
        return Err(GskError::refused(format!("{name}: {why}")));
    }
    let Some(object) = find_object(obj_token) else {
        return Err(GskError::usage(
            format!(
                "{obj_token} is not an object: the first argument must be -keydb, -cert, -certreq, -version or -help"
            ),
            "put the object and action first, then the options: -cert -list -db key.kdb -stashed"
                .to_string(),
        ));
    };
    i += 1;
    if object == Object::Help {
        let topic: Vec<String> = args[i..].iter().take(2).cloned().collect();
        if args.len() > i + 2 {
            return Err(GskError::usage(
                "-help takes at most an object and an action".to_string(),
                "for example: -help -cert -create".to_string(),
            ));
        }
        return Ok(Invocation {
            object,
            action: None,
            opts,
            positional: None,
            topic,
        });
    }
    if object == Object::Version {
        if let Some(extra) = args.get(i) {
            return Err(GskError::usage(
                format!("-version takes no options, but {extra} follows it"),
                "run -version alone".to_string(),
            ));
        }
        return Ok(Invocation {
            object,
            action: None,
            opts,
            positional: None,
            topic: Vec::new(),
        });
    }
    let Some(act_token) = args.get(i) else {
        return Err(GskError::usage(
            format!("{} needs an action: {}", object.name(), action_list(object)),
            format!(
                "for example: {} {} -help",
                object.name(),
                actions_of(object).next().map_or("", |a| a.name)
            ),
        ));
    };
    let asks_help = |t: &str| t.eq_ignore_ascii_case("-help") || t == "-?";
    // `-cert -help` and `-cert -list ... -help`: the help of what came
    // before, as `-help -cert [-list]` gives it.
    let help_on = |topic: Vec<String>, opts| Invocation {
        object: Object::Help,
        action: None,
        opts,
        positional: None,
        topic,
    };
    if asks_help(act_token) {
        return Ok(help_on(vec![object.name().to_string()], opts));
    }
    let Some(action) = actions_of(object).find(|a| a.name.eq_ignore_ascii_case(act_token)) else {
        return Err(GskError::usage(
            format!(
                "{act_token} is not an action of {}: kdbman supports {}",
                object.name(),
                action_list(object)
            ),
            format!(
                "put the action right after {}; run -help {} for each action's options",
                object.name(),
                object.name()
            ),
        ));
    };
    i += 1;
    let command = format!("{} {}", object.name(), action.name);
    let mut positional = None;
    while i < args.len() {
        let token = &args[i];
        if !token.starts_with('-') || token.len() == 1 {
            let lower = token.to_ascii_lowercase();
            if positional.is_none() && action.positional.contains(&lower.as_str()) {
                positional = Some(lower);
                i += 1;
                continue;
            }
            // Right after a password it is most likely the rest of an
            // unquoted password with a space: not echoed.
            let after_secret =
                i >= 2 && find_option(&args[i - 2]).is_some_and(|o| is_secret_option(o.name));
            if after_secret {
                return Err(GskError::usage(
                    format!(
                        "unexpected value after the value of {} in {command} (not shown: it may be part of the password)",
                        args[i - 2]
                    ),
                    "quote a password that contains spaces, or give it with -stashed or at the prompt".to_string(),
                ));
            }
            return Err(GskError::usage(
                format!("unexpected value {token:?} in {command} (no option before it takes a value)"),
                "options are -name value pairs; quote values with spaces or commas, e.g. -label \"my server\"".to_string(),
            ));
        }
        if asks_help(token) {
            return Ok(help_on(
                vec![object.name().to_string(), action.name.to_string()],
                opts,
            ));
        }
        let (spec, value) = take_option(args, &mut i, &command)?;
        if let Support::Refused(why) = spec.support {
            return Err(GskError::refused(format!("-{}: {why}", spec.name)));
        }
        if !GLOBAL.contains(&spec.name)
            && !action.required.contains(&spec.name)
            && !action.optional.contains(&spec.name)
        {
            return Err(GskError::usage(
                format!("-{} does not apply to {command}", spec.name),
                format!("leave it out; {command} takes {}", allowed_list(action)),
            ));
        }
        if let Some((_, prev)) = opts.iter().find(|(n, _)| *n == spec.name)
            && prev.as_ref().map(|p| p.as_str()) != value.as_deref()
        {
            return Err(GskError::usage(
                format!("-{} is given twice with different values", spec.name),
                format!("give -{} once", spec.name),
            ));
        }
        opts.push((spec.name, value.map(zeroize::Zeroizing::new)));
    }
    for req in action.required {
        let present = opts.iter().any(|(n, _)| n == req);
        // -cert -import reads from -db or -file.
        if !present {
            return Err(GskError::usage(
                format!("{command} needs -{req}"),
                format!(
                    "add -{req} {}; {command} takes {}",
                    OPTIONS
                        .iter()
                        .find(|o| o.name == *req)
                        .map_or("", |o| o.value),
                    allowed_list(action)
                ),
            ));
        }
    }
    Ok(Invocation {
        object,
        action: Some(action),
        opts,
        positional,
        topic: Vec::new(),
    })
}

/// `-db, -label, ... ` for messages.
pub fn allowed_list(action: &ActionSpec) -> String {
    action
        .required
        .iter()
        .chain(action.optional)
        .map(|o| format!("-{o}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A store type as GSKit names them: the registry's formats that have a
/// GSKit name (`Codec::gsk_names`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreType(kdbman::ops::keydb::StoreType);

#[allow(non_upper_case_globals)]
impl StoreType {
    /// GSKit's default type, and what a name it does not know is taken for.
    pub const Cms: StoreType = StoreType(kdbman::ops::keydb::StoreType::Cms);
    /// The type GSKit imports from and exports to files.
    pub const Pkcs12: StoreType = StoreType(kdbman::ops::keydb::StoreType::Pkcs12);

    /// Every format GSKit has a name for, in registry order.
    fn all() -> impl Iterator<Item = &'static dyn Codec> {
        FORMATS
            .iter()
            .copied()
            .filter(|c| !c.gsk_names().is_empty())
    }

    /// `-type` and friends: the registry's GSKit names (cms/kdb,
    /// pkcs12/p12/pfx), any case.
    pub fn parse(option: &str, value: &str) -> Result<StoreType, GskError> {
        let lower = value.to_ascii_lowercase();
        if let Some(codec) = Self::all().find(|c| c.gsk_names().contains(&lower.as_str())) {
            return Ok(StoreType(kdbman::ops::keydb::StoreType::of(codec)));
        }
        match lower.as_str() {
            "jks" | "jceks" => Err(GskError::refused(format!(
                "-{option} {value}: kdbman does not write Java keystores; convert to pkcs12 and use keytool -importkeystore"
            ))),
            "pkcs11" | "mscapi" | "msks" => Err(GskError::refused(format!(
                "-{option} {value}: hardware tokens and the Windows store are not supported by kdbman; use a cms or pkcs12 file"
            ))),
            _ => {
                let names: Vec<String> = Self::all()
                    .map(|c| format!("-{option} {}", c.gsk_names()[0]))
                    .collect();
                Err(GskError::usage(
                    format!("-{option} {value} is not a store type"),
                    format!("use {}", names.join(" or ")),
                ))
            }
        }
    }

    /// The type GSKit guesses from a file name: by the registry's
    /// extensions (.p12/.pfx PKCS#12), else CMS.
    pub fn by_extension(path: &str) -> StoreType {
        let lower = path.to_ascii_lowercase();
        Self::all()
            .find(|c| {
                c.extensions()
                    .iter()
                    .any(|x| lower.ends_with(&format!(".{x}")))
            })
            .map_or(StoreType::Cms, |c| {
                StoreType(kdbman::ops::keydb::StoreType::of(c))
            })
    }

    /// The format of a new store of this type (in its default version).
    pub fn format(self) -> kdbman::StoreFormat {
        self.0.format(0)
    }

    /// The type as the operations take it.
    pub fn ops(self) -> kdbman::ops::keydb::StoreType {
        self.0
    }

    /// The extension a file of this type is given.
    pub fn extension(self) -> &'static str {
        self.0.codec().extensions()[0]
    }
}

/// A yes/no value (`-ca true`, `-default_cert yes`, `-trust enable`).
pub fn boolean(option: &str, value: &str) -> Result<bool, GskError> {
    match value.to_ascii_lowercase().as_str() {
        "true" | "yes" | "enable" | "enabled" | "on" => Ok(true),
        "false" | "no" | "disable" | "disabled" | "off" => Ok(false),
        _ => Err(GskError::usage(
            format!("-{option} {value} is neither yes nor no"),
            format!(
                "use -{option} {}",
                match option {
                    "trust" => "enable or disable",
                    "default_cert" => "yes or no",
                    _ => "true or false",
                }
            ),
        )),
    }
}

/// A signature algorithm: the hash, and the key family when named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SigAlg {
    /// Hash bits: 1 (SHA-1), 5 (MD5), 224, 256, 384, 512.
    pub hash: u16,
    pub family: Option<Family>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Rsa,
    Ec,
}

/// Parses every spelling seen: `sha256`, `SHA256_WITH_RSA`, `SHA256WithRSA`,
/// `SHA256WithECDSA`, `EC_ecdsa_with_SHA256`, `sha256WithRSAEncryption`.
pub fn sigalg(value: &str) -> Result<SigAlg, GskError> {
    let norm: String = value
        .to_ascii_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    let bad = || {
        GskError::usage(
            format!("-sigalg {value} is not a signature algorithm kdbman knows"),
            "use sha256, sha384, SHA256WithRSA, SHA256WithECDSA or SHA384WithECDSA".to_string(),
        )
    };
    let hash = if norm.contains("sha512") {
        512
    } else if norm.contains("sha384") {
        384
    } else if norm.contains("sha256") {
        256
    } else if norm.contains("sha224") {
        224
    } else if norm.contains("sha1") || norm == "sha" {
        1
    } else if norm.contains("md5") {
        5
    } else {
        return Err(bad());
    };
    if norm.contains("pss") {
        return Err(GskError::refused(format!(
            "-sigalg {value}: kdbman does not issue RSASSA-PSS signatures; use SHA256WithRSA"
        )));
    }
    if norm.contains("dsa") && !norm.contains("ecdsa") {
        return Err(GskError::refused(format!(
            "-sigalg {value}: kdbman does not make DSA keys; use SHA256WithRSA or SHA256WithECDSA"
        )));
    }
    let family = if norm.contains("ecdsa") || norm.starts_with("ec") {
        Some(Family::Ec)
    } else if norm.contains("rsa") {
        Some(Family::Rsa)
    } else {
        None
    };
    // Anything left over besides these words is a typo, not an algorithm.
    let rest = [
        "sha512",
        "sha384",
        "sha256",
        "sha224",
        "sha1",
        "sha",
        "md5",
        "with",
        "ecdsa",
        "rsa",
        "encryption",
        "signature",
        "ec",
    ]
    .iter()
    .fold(norm.clone(), |s, w| s.replace(w, ""));
    if !rest.is_empty() {
        return Err(bad());
    }
    Ok(SigAlg { hash, family })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    /// The `gsk_args` fuzz target's seeds and any reproducer it found
    /// (`fixtures/fuzz-regressions/gsk_args/`) parse without a panic, and
    /// every seed (a real command line) parses.
    #[test]
    fn fuzz_inputs_replay() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut seeds = 0;
        for (dir, must_parse) in [
            ("fuzz/seeds/gsk_args", true),
            ("fixtures/fuzz-regressions/gsk_args", false),
        ] {
            let Ok(files) = std::fs::read_dir(root.join(dir)) else {
                continue;
            };
            for f in files.flatten() {
                let data = std::fs::read(f.path()).unwrap();
                let args: Vec<String> = data
                    .split(|&b| b == 0)
                    .map(|a| String::from_utf8_lossy(a).into_owned())
                    .collect();
                let parsed = parse(&args);
                if must_parse {
                    assert!(parsed.is_ok(), "seed {:?}: {args:?}", f.path());
                    seeds += 1;
                }
            }
        }
        assert!(seeds >= 10, "the gsk_args seeds are missing");
    }

    #[test]
    fn object_action_then_options_in_any_order() {
        let inv = parse(&argv(&[
            "-cert", "-create", "-label", "a b", "-db", "k.kdb", "-stashed", "-dn", "CN=x,O=y",
        ]))
        .unwrap();
        assert_eq!(inv.command(), "-cert -create");
        assert_eq!(inv.get("label"), Some("a b"));
        assert_eq!(inv.get("dn"), Some("CN=x,O=y"));
        assert!(inv.has("stashed"));
    }

    #[test]
    fn names_are_case_insensitive_and_sig_alg_is_sigalg() {
        let inv = parse(&argv(&[
            "-CERT",
            "-Create",
            "-DB",
            "k.kdb",
            "-Label",
            "x",
            "-dn",
            "CN=x",
            "-sig_alg",
            "SHA256_WITH_RSA",
        ]))
        .unwrap();
        assert_eq!(inv.get("sigalg"), Some("SHA256_WITH_RSA"));
    }

    #[test]
    fn values_may_start_with_a_dash() {
        let inv = parse(&argv(&[
            "-keydb", "-stashpw", "-db", "k.kdb", "-pw", "-secret-",
        ]))
        .unwrap();
        assert_eq!(inv.get("pw"), Some("-secret-"));
    }

    #[test]
    fn list_keyword_and_optional_values() {
        let inv = parse(&argv(&[
            "-cert", "-list", "CA", "-db", "k.kdb", "-fips", "false",
        ]))
        .unwrap();
        assert_eq!(inv.positional.as_deref(), Some("ca"));
        assert_eq!(inv.get("fips"), Some("false"));
        let inv = parse(&argv(&["-cert", "-list", "-db", "k.kdb", "-expiry"])).unwrap();
        assert!(inv.has("expiry") && inv.get("expiry").is_none());
        let inv = parse(&argv(&[
            "-fips", "-cert", "-list", "-db", "k.kdb", "-expiry", "30",
        ]))
        .unwrap();
        assert_eq!(inv.get("expiry"), Some("30"));
    }

    #[test]
    fn passwords_never_show_in_debug() {
        let inv = parse(&argv(&[
            "-keydb",
            "-changepw",
            "-db",
            "k.kdb",
            "-pw",
            "SECRETVALUE",
            "-new_pw",
            "SECRETNEW",
        ]))
        .unwrap();
        let shown = format!("{inv:?}");
        assert!(!shown.contains("SECRET"), "{shown}");
        assert!(shown.contains("k.kdb"), "{shown}");
        assert_eq!(inv.get("pw"), Some("SECRETVALUE"));
    }

    #[test]
    fn errors_name_the_problem() {
        let e = |a: &[&str]| parse(&argv(a)).unwrap_err().text;
        assert!(e(&[]).contains("no object"));
        assert!(e(&["-cert"]).contains("needs an action"));
        assert!(e(&["-cert", "-frob"]).contains("not an action"));
        assert!(e(&["-cert", "-list", "-bogus"]).contains("-bogus is not an option"));
        assert!(e(&["-cert", "-list", "-db"]).contains("-db needs a value"));
        assert!(e(&["-cert", "-details", "-db", "k"]).contains("needs -label"));
        assert!(e(&["-cert", "-list", "-db", "k", "-dn", "CN=x"]).contains("does not apply"));
        assert!(e(&["-cert", "-list", "-db", "k", "stray"]).contains("unexpected value"));
        assert!(e(&["-cert", "-list", "-db", "a", "-db", "b"]).contains("twice"));
        assert!(e(&["-secretkey", "-create"]).contains("secret"));
        assert!(e(&["-cert", "-list", "-db", "k", "-crypto", "lib.so"]).contains("PKCS#11"));
    }

    #[test]
    fn sigalg_spellings() {
        for (s, hash, fam) in [
            ("sha256", 256, None),
            ("SHA256_WITH_RSA", 256, Some(Family::Rsa)),
            ("SHA256WithRSA", 256, Some(Family::Rsa)),
            ("sha256WithRSAEncryption", 256, Some(Family::Rsa)),
            ("SHA256WithECDSA", 256, Some(Family::Ec)),
            ("SHA384WithECDSA", 384, Some(Family::Ec)),
            ("EC_ecdsa_with_SHA256", 256, Some(Family::Ec)),
            ("SHA1WithRSA", 1, Some(Family::Rsa)),
            ("md5", 5, None),
            ("MD5WithRSA", 5, Some(Family::Rsa)),
            ("SHA384WithRSA", 384, Some(Family::Rsa)),
            ("sha512withrsa", 512, Some(Family::Rsa)),
            ("SHA512_WITH_RSA", 512, Some(Family::Rsa)),
            ("SHA512WithECDSA", 512, Some(Family::Ec)),
            ("EC_ecdsa_with_SHA512", 512, Some(Family::Ec)),
        ] {
            assert_eq!(sigalg(s).unwrap(), SigAlg { hash, family: fam }, "{s}");
        }
        assert!(sigalg("sha256withbanana").is_err());
        assert!(sigalg("").is_err());
    }

    /// Random and truncated argument lists never panic.
    #[test]
    fn sweep_never_panics() {
        let words: Vec<&str> = OPTIONS
            .iter()
            .map(|o| o.name)
            .chain([
                "-keydb", "-cert", "-certreq", "-help", "-version", "-create", "-list", "all", "",
                "-", "--", "x", "ü", "-db",
            ])
            .collect();
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..20_000 {
            let n = (next() % 9) as usize;
            let args: Vec<String> = (0..n)
                .map(|_| {
                    let w = words[(next() % words.len() as u64) as usize];
                    if next() % 3 == 0 {
                        format!("-{w}")
                    } else {
                        w.to_string()
                    }
                })
                .collect();
            let _ = parse(&args);
        }
        let full = argv(&[
            "-cert", "-create", "-db", "k.kdb", "-pw", "p", "-label", "l", "-dn", "CN=x", "-size",
            "2048", "-sigalg", "sha256",
        ]);
        for n in 0..=full.len() {
            let _ = parse(&full[..n]);
            let _ = parse(&full[n..]);
        }
    }
}
