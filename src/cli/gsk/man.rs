//! `-help` text and the `kdbman-gsk(1)` man page, both generated from the
//! option and action tables of [`super::parse`] and the message catalogue,
//! so they list exactly what the parser accepts and refuses.

use super::TOOL_NAMES;
use super::messages::CATALOGUE;
use super::parse::{
    ACTIONS, GLOBAL, OPTIONS, Object, REFUSED_OBJECTS, Support, actions_of, find_object,
};

fn usage_line(a: &super::parse::ActionSpec) -> String {
    let mut s = format!("{} {}", a.object.name(), a.name);
    if !a.positional.is_empty() {
        s.push_str(&format!(" [{}]", a.positional.join("|")));
    }
    for r in a.required {
        let v = OPTIONS
            .iter()
            .find(|o| o.name == *r)
            .map_or("", |o| o.value);
        s.push_str(&format!(" -{r}{}{v}", if v.is_empty() { "" } else { " " }));
    }
    for o in a.optional {
        let Some(spec) = OPTIONS.iter().find(|x| x.name == *o) else {
            continue;
        };
        if matches!(spec.support, Support::Refused(_)) {
            continue;
        }
        let v = spec.value;
        s.push_str(&format!(
            " [-{o}{}{v}]",
            if v.is_empty() { "" } else { " " }
        ));
    }
    s
}

/// `-help`, `-help -cert`, `-help -cert -create`.
pub fn help_text(topic: &[String]) -> String {
    let mut out = String::new();
    let object = topic.first().and_then(|t| find_object(t));
    let action = topic.get(1).map(|t| t.to_ascii_lowercase());
    match (object, action) {
        (Some(obj), Some(act)) if obj != Object::Help && obj != Object::Version => {
            match actions_of(obj).find(|a| a.name == act) {
                Some(a) => {
                    out.push_str(&format!(
                        "{}: {}\n\nUsage: {}\n\n",
                        usage_line(a)
                            .split(" -")
                            .take(2)
                            .collect::<Vec<_>>()
                            .join(" -"),
                        a.summary,
                        usage_line(a)
                    ));
                    for o in a.required.iter().chain(a.optional) {
                        if let Some(spec) = OPTIONS.iter().find(|x| x.name == *o) {
                            out.push_str(&format!("  -{:<15} {}\n", spec.name, spec.help));
                        }
                    }
                    out.push_str("\nEvery action also takes -type, -strong, -fips, -pqc false, -locale, -trace.\n");
                }
                None => out.push_str(&format!("{act} is not an action of {}.\n", obj.name())),
            }
        }
        (Some(obj), _) if obj != Object::Help && obj != Object::Version => {
            out.push_str(&format!("Actions of {}:\n", obj.name()));
            for a in actions_of(obj) {
                out.push_str(&format!("  {:<12} {}\n", a.name, a.summary));
            }
            out.push_str(&format!(
                "\nRun -help {} ACTION for its options.\n",
                obj.name()
            ));
        }
        _ => {
            out.push_str("kdbman: gsk8capicmd-compatible command line (also as gsk8capicmd_64, gskcapicmd, runmqakm)\n\n");
            out.push_str("Usage: OBJECT ACTION [-option value]...\n\n");
            for obj in [Object::Keydb, Object::Cert, Object::Certreq, Object::Random] {
                let names: Vec<&str> = actions_of(obj).map(|a| a.name).collect();
                out.push_str(&format!("  {:<9} {}\n", obj.name(), names.join(" ")));
            }
            out.push_str("  -version\n  -help [OBJECT [ACTION]]\n\nSee man kdbman-gsk for every option, refused option, message and exit status.\n");
        }
    }
    out
}

/// Escapes text for roff.
fn roff(s: &str) -> String {
    let s = s.replace('\\', "\\e").replace('-', "\\-");
    if s.starts_with('.') || s.starts_with('\'') {
        format!("\\&{s}")
    } else {
        s
    }
}

/// The whole `kdbman-gsk.1` page.
pub fn man_page() -> String {
    let mut m = String::new();
    m.push_str(".TH KDBMAN-GSK 1 \"\" \"kdbman ");
    m.push_str(env!("CARGO_PKG_VERSION"));
    m.push_str("\" \"kdbman manual\"\n");
    m.push_str(
        ".SH NAME\nkdbman\\-gsk \\- gsk8capicmd, gskcapicmd and runmqakm command lines on kdbman\n",
    );
    m.push_str(".SH SYNOPSIS\n");
    for t in TOOL_NAMES {
        m.push_str(&format!(
            ".B {}\n.I OBJECT ACTION\n[\\fB\\-option\\fR \\fIvalue\\fR]...\n.br\n",
            roff(t)
        ));
    }
    m.push_str(".B kdbman\n.I OBJECT ACTION\n[\\fB\\-option\\fR \\fIvalue\\fR]...\n");
    m.push_str(".SH DESCRIPTION\n");
    m.push_str(&roff("kdbman runs IBM GSKit's command-line syntax when it is invoked under the name gsk8capicmd, gsk8capicmd_64, gskcapicmd or runmqakm (a symbolic link or copy in any directory, with or without .exe), or when its first argument is a GSKit object (-keydb, -cert, -certreq, -version, -help). Replace IBM's tool with `ln -s $(command -v kdbman) /usr/local/bin/gsk8capicmd_64` and existing scripts, Ansible roles and runbooks run unchanged. kdbman's own subcommands (kdbman keydb|cert|certreq ...) are unaffected."));
    m.push_str("\n.PP\n");
    m.push_str(&roff("The object and the action come first, in that order; options follow in any order as -name value pairs or bare flags. Option names and keyword values are matched case-insensitively (-type CMS, -format ASCII); labels, DNs, paths and passwords are taken as given, so quote those with spaces or commas. Write actions print nothing on success. Read actions print GSKit's layout (see OUTPUT). Stores are recognised by their content; -type (or the .p12/.pfx extension) chooses the type of a new store, CMS otherwise."));
    m.push_str("\n.SH ACTIONS\n");
    for a in ACTIONS {
        m.push_str(&format!(
            ".TP\n.B {}\n{}\n",
            roff(&usage_line(a)),
            roff(a.summary)
        ));
    }
    m.push_str(".TP\n.B \\-version\nprint kdbman's version\n.TP\n.B \\-help [OBJECT [ACTION]]\nprint usage\n");
    m.push_str(".SH OPTIONS\n");
    m.push_str(&roff(&format!(
        "Every action also accepts {}.",
        GLOBAL
            .iter()
            .map(|g| format!("-{g}"))
            .collect::<Vec<_>>()
            .join(", ")
    )));
    m.push('\n');
    for o in OPTIONS
        .iter()
        .filter(|o| !matches!(o.support, Support::Refused(_)))
    {
        let names: Vec<String> = std::iter::once(o.name)
            .chain(o.aliases.iter().copied())
            .map(|n| format!("-{n}"))
            .collect();
        let head = format!(
            "{}{}{}",
            names.join(", "),
            if o.value.is_empty() { "" } else { " " },
            o.value
        );
        let mut body = o.help.to_string();
        if let Support::NoOp(why) = o.support {
            body.push_str(&format!(". Accepted, no effect: {why}."));
        }
        m.push_str(&format!(".TP\n.B {}\n{}\n", roff(&head), roff(&body)));
    }
    m.push_str(".SH REFUSED OPTIONS AND OBJECTS\n");
    m.push_str(&roff("These end the command with a one-line KDBG0002W message and exit status 11, before anything is changed:"));
    m.push('\n');
    for o in OPTIONS {
        if let Support::Refused(why) = o.support {
            m.push_str(&format!(".TP\n.B \\-{}\n{}\n", roff(o.name), roff(why)));
        }
    }
    for (name, why) in REFUSED_OBJECTS {
        m.push_str(&format!(".TP\n.B {}\n{}\n", roff(name), roff(why)));
    }
    for (v, why) in [
        (
            "-pqc true",
            "kdbman stores use no post-quantum algorithms; -pqc false is accepted",
        ),
        (
            "-type jks|jceks|pkcs11|mscapi",
            "only cms (kdb) and pkcs12 (p12) files",
        ),
        ("-x509version 1|2", "kdbman issues version 3 certificates"),
        (
            "-size under 2048 (RSA)",
            "RSA 2048, 3072, 4096; EC P-256 and P-384 (-size 521 makes a P-384 key, with a note on stderr)",
        ),
        (
            "-sigalg *PSS|*DSA",
            "kdbman signs with RSA PKCS#1 v1.5 (SHA-256, SHA-384, SHA-512) and ECDSA (SHA-256 with P-256 keys, SHA-384 with P-384 keys; another hash asked for is replaced, with a note); MD5, SHA-1 and SHA-224 sign with SHA-256 instead, with a note (MD5 and SHA-1 are refused under -fips)",
        ),
        (
            "-expire on a CMS store, -keydb -expiry on a CMS store",
            "where GSKit keeps a CMS store's password expiry is not documented",
        ),
        (
            "-trust disable on a personal certificate",
            "personal certificates stay trusted; only signers' trust changes",
        ),
    ] {
        m.push_str(&format!(".TP\n.B {}\n{}\n", roff(v), roff(why)));
    }
    m.push_str(".SH OUTPUT\n");
    m.push_str(&roff("-cert -list prints `Certificates found`, then `* default, - personal, ! trusted, # secret key`, then one line per entry: the markers (*- default personal, - personal, ! trusted signer, nothing for a signer whose trust is disabled), a TAB and the label, in double quotes when it contains a space or a comma. An empty list prints `No certificates were found.` -certreq -list prints `Certificates requests found` (IBM's wording) and a TAB and label per request, or `No certificate requests were found.` -cert -details and -cert -getdefault print Label, Key Size, Version, Serial, Issuer, Subject, Not Before and Not After (each followed by a blank line), Public Key (hex), Public Key Type, the SHA1, MD5 and SHA256 fingerprints, HPKP, Extensions, Signature Algorithm, Value and Trust Status, in that order. Dates are printed in GSKit's en_US form in UTC: `December 29, 2018 12:00:00 AM GMT+00:00`. -certreq -details prints Label, Key Size, Subject, Public Key, Public Key Type, fingerprints, Attributes, Extension Reqs, Signature Algorithm and Value. -keydb -list prints the store types this build can create; -keydb -expiry prints `Password expiry : DATE` or `Password expiry : never`."));
    m.push_str("\n.SH PASSWORDS\n");
    m.push_str(&roff("-pw PASSWORD is accepted as GSKit accepts it, without a warning, so scripts that capture output keep working. It is visible to every user of the machine (ps, /proc) while the command runs and stays in shell history. Prefer -stashed (the stash beside the store, STEM.sth, mode 0600), or kdbman's own commands with --pw-env VAR or --pw-file PATH. kdbman passes -pw values to its library operations inside the process, never through a second command line nor the environment, and masks them in every error message. As with every kdbman password source, one trailing LF or CRLF is not part of a -pw value, and nothing else is removed. A password with a NUL byte, or longer than 128 bytes, is refused for a CMS key database before anything is written: GSKit and its stashes could never read it back. Without -pw or -stashed, kdbman asks at the terminal, or fails with KDBG0011W when there is none. -strong applies IBM's documented rules to new passwords (-keydb -create -pw, -keydb -changepw -new_pw): at least 14 printable ASCII characters, a lower-case and an upper-case letter, a digit or special character, no character more than 3 times, none 3 times in a row."));
    m.push_str("\n.SH MESSAGES AND EXIT STATUS\n");
    m.push_str(&roff("An error prints one line, CODE text, where CODE is GSKit's message number when GSKit has one for the condition (CTGSK3029W, CTGSK2146W followed by CTGSK2043W) and a kdbman number (KDBGnnnnW) otherwise, then a line `kdbman fix: ...` that says what to do. Messages go to standard error; standard output carries only the listing of read actions. Exit status 0 means success."));
    m.push('\n');
    for (code, what, status) in CATALOGUE {
        m.push_str(&format!(
            ".TP\n.B {code}\n{} (exit status {status})\n",
            roff(what)
        ));
    }
    m.push_str(".SH DIFFERENCES FROM GSKIT\n");
    m.push_str(&roff("Pending requests and their keys are kept in the key database itself, so a request label cannot also be a certificate label. -cert -receive finds the request by the certificate's public key; -label is accepted and not needed. -cert -import -label with a PKCS#12 source gives the imported entry that label when the file holds one key. -certreq -recreate writes a new request for an existing personal certificate's key, with its subject, DNS and IP names, key usage and extended key usage (kdbman cert renew without --new-key); the store does not keep it, and -cert -receive of the signed certificate renews that personal entry (same label, key and default; the new certificate replaces the old). -cert -extract, -cert -sign, -certreq -create and -certreq -extract replace an existing output file; -cert -export into an existing file adds the entry to that store; a new PKCS#12 file is never written over. -keydb -convert without -target writes STEM.p12 or STEM.kdb beside the source. -cert -validate checks the chain only (any key usage) and prints nothing when it is valid. The default certificate of a CMS store (-cert -setdefault, -default_cert yes, -cert -getdefault, the * of -cert -list) is flag bit 1 of its record: read and written on evidence from IBM-made files, not on IBM documentation (see kdbman-cms(5)); -cert -getdefault fails when no record, or several, carry it."));
    m.push('\n');
    m.push_str(&crate::cli::examples::roff_section("gsk"));
    m.push_str(".SH SEE ALSO\n.BR kdbman (1),\n.BR kdbman-keydb (1),\n.BR kdbman-cert (1),\n.BR kdbman-certreq (1),\n.BR kdbman-kdb (5),\n.BR kdbman-stash (5)\n");
    m
}

#[cfg(test)]
mod tests {
    #[test]
    fn page_lists_every_option_and_refusal() {
        let page = super::man_page();
        for o in super::OPTIONS {
            assert!(
                page.contains(&format!("\\-{}", o.name.replace('-', "\\-"))),
                "{}",
                o.name
            );
        }
        assert!(page.contains("KDBG0002W") && page.contains("CTGSK3029W"));
    }
}
