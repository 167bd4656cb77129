//! The EXAMPLES sections of the generated man pages: administrators'
//! workflows (a new IHS server, an MQ queue manager and its clients,
//! renewal, migration to PKCS#12, CI), each a list of real commands.
//!
//! Every page shows the steps that run its command, grouped by workflow;
//! `kdbman(1)` and a workflow's `pages` show whole workflows. The text lives
//! here, not in the clap definitions, so that changes to options and to
//! examples do not touch the same lines.
//!
//! The commands are tested: a unit test parses every one with the real
//! parsers (clap for `kdbman …`, the gsk8capicmd front end for
//! `gsk8capicmd_64 …`), and `tests/examples.rs` runs the workflows in
//! order in an empty directory and requires every step to succeed. A step
//! marked [`Step::pending`] uses a command or option that another change
//! adds; it is checked as soon as the CLI has it.
//!
//! This file uses nothing from the crate (tests/examples.rs includes it
//! with `#[path]`).

/// One command of a workflow.
#[derive(Debug, Clone, Copy)]
pub struct Step {
    /// What the step does and why (a sentence; shown before the command).
    pub what: &'static str,
    /// The command line, as typed into a POSIX shell: words, single and
    /// double quotes, `$VAR` and one `> FILE` redirection.
    pub cmd: &'static str,
    /// Whether tests run it (false: it starts a server, or needs a network
    /// peer); it is parsed either way.
    #[allow(dead_code)] // read by tests/examples.rs
    pub run: bool,
    /// A command path and option that a change under way adds
    /// (`"cert renew"`, `"lint --mq-qmgr"`): until the CLI has it the step
    /// is not parsed, and a run of its workflow stops before it.
    #[allow(dead_code)] // read by the tests
    pub pending: Option<&'static str>,
    /// Further pages that show the step (by page key, see [`page_of`]).
    pub also: &'static [&'static str],
}

const fn step(what: &'static str, cmd: &'static str) -> Step {
    Step {
        what,
        cmd,
        run: true,
        pending: None,
        also: &[],
    }
}

const fn no_run(what: &'static str, cmd: &'static str, also: &'static [&'static str]) -> Step {
    Step {
        what,
        cmd,
        run: false,
        pending: None,
        also,
    }
}

#[allow(dead_code)] // for a step whose command or option is still being built
const fn pending(what: &'static str, cmd: &'static str, feature: &'static str) -> Step {
    Step {
        what,
        cmd,
        run: true,
        pending: Some(feature),
        also: &[],
    }
}

/// A task as an administrator meets it, start to finish.
#[derive(Debug)]
pub struct Workflow {
    pub title: &'static str,
    /// Context: where the files live, what the server reads.
    pub intro: &'static str,
    /// Pages that show the whole workflow (page keys; `kdbman(1)`, key
    /// `""`, shows every workflow).
    pub pages: &'static [&'static str],
    pub steps: &'static [Step],
}

/// The environment variables the examples read passwords from, with the
/// values tests give them.
#[allow(dead_code)] // read by the tests
pub const ENV: &[(&str, &str)] = &[
    ("KDB_PW", "Correct-Horse-Battery-9"),
    ("NEW_KDB_PW", "Correct-Horse-Battery-10"),
    ("P12_PW", "Export-Passw0rd-Example"),
];

/// Printed at the top of every EXAMPLES section.
pub const PREAMBLE: &str = "These examples come from the workflows of kdbman(1), EXAMPLES, which run in order in an empty directory. Passwords come from environment variables (KDB_PW for stores, NEW_KDB_PW for a new one, P12_PW for PKCS#12 files): set them first, for example with read -rs KDB_PW && export KDB_PW, so that no password appears on a command line. After keydb create --stash, every command opens the store with --stashed. The test CA of the first workflow stands in for your organisation's CA.";

/// Every workflow, in the order tests run them.
pub static WORKFLOWS: &[Workflow] = &[
    Workflow {
        title: "A test CA (to try the other workflows)",
        intro: "Certificates for real servers come from your organisation's CA. To try the workflows without one, make a root and an issuing CA in a store of their own; its cert sign commands stand in for the CA below.",
        pages: &["cert sign"],
        steps: &[
            step(
                "Create the CA's store (CMS, password from KDB_PW) and stash the password beside it in ca.sth, mode 0600:",
                "kdbman keydb create --db ca.kdb --stash --pw-env KDB_PW",
            ),
            step(
                "A self-signed root CA, valid for ten years:",
                "kdbman cert create --db ca.kdb --stashed --label root-ca --dn \"CN=Example Root CA,O=Example,C=US\" --ca --days 3650",
            ),
            step(
                "A key and request for the issuing CA:",
                "kdbman certreq create --db ca.kdb --stashed --label issuing-ca --dn \"CN=Example Issuing CA,O=Example,C=US\" --ca --target issuing-ca.csr",
            ),
            step(
                "The root signs it as a CA certificate:",
                "kdbman cert sign --db ca.kdb --stashed --label root-ca --file issuing-ca.csr --target issuing-ca.pem --ca --days 1825",
            ),
            step(
                "The signed certificate turns the request into a personal entry that can sign:",
                "kdbman cert receive --db ca.kdb --stashed --file issuing-ca.pem",
            ),
            step(
                "Write the root certificate out for the servers' and clients' stores:",
                "kdbman cert extract --db ca.kdb --stashed --label root-ca --target root-ca.pem",
            ),
        ],
    },
    Workflow {
        title: "IHS: a new server",
        intro: "IBM HTTP Server reads the CMS key database named by KeyFile in httpd.conf, opens it with the stash named by SSLStashfile (by default the .sth beside it), and presents the certificate labelled by SSLServerCert, or the store's default. Here the store is ihs/key.kdb, for KeyFile /opt/IBM/HTTPServer/ssl/key.kdb and SSLServerCert www.",
        pages: &["certreq"],
        steps: &[
            step("The store's directory:", "mkdir -p ihs"),
            step(
                "Create the CMS key database with its request database ihs/key.rdb and stash ihs/key.sth:",
                "kdbman keydb create --db ihs/key.kdb --stash --pw-env KDB_PW",
            ),
            step(
                "Make the server's key and a request for its certificate, with the host name as a subject alternative name, and send www.csr to the CA:",
                "kdbman certreq create --db ihs/key.kdb --stashed --label www --dn \"CN=www.example.com,O=Example,C=US\" --san dns:www.example.com --target www.csr",
            ),
            step(
                "The pending request, and its subject and names before it goes out:",
                "kdbman certreq list --db ihs/key.kdb --stashed",
            ),
            step(
                "",
                "kdbman certreq details --db ihs/key.kdb --stashed --label www",
            ),
            step(
                "The CA signs it (here the test CA):",
                "kdbman cert sign --db ca.kdb --stashed --label issuing-ca --file www.csr --target www.pem --days 398",
            ),
            step(
                "Add the CA chain as signers, root first: IHS sends the issuing CA with its certificate, and without it clients fail (lint: SSL0208E):",
                "kdbman cert add --db ihs/key.kdb --stashed --label example-root-ca --file root-ca.pem",
            ),
            step(
                "",
                "kdbman cert add --db ihs/key.kdb --stashed --label example-issuing-ca --file issuing-ca.pem",
            ),
            step(
                "Receive the signed certificate: the request becomes the personal entry www, with its key:",
                "kdbman cert receive --db ihs/key.kdb --stashed --file www.pem",
            ),
            step(
                "Make it the default, which IHS presents when SSLServerCert is not set, and check:",
                "kdbman cert setdefault --db ihs/key.kdb --stashed --label www",
            ),
            step("", "kdbman cert getdefault --db ihs/key.kdb --stashed"),
            step(
                "Build and check its chain to a trusted signer:",
                "kdbman cert validate --db ihs/key.kdb --stashed --label www",
            ),
            step(
                "Lint the store with the label IHS is configured with; exit status 0 with --fail-on warning means no finding at all:",
                "kdbman lint --db ihs/key.kdb --stashed --label www --fail-on warning",
            ),
            Step {
                what: "Or let lint read the store, stash and label from IHS's own configuration (KeyFile, SSLStashfile and SSLServerCert, globally and per virtual host, Include files too); a label the store lacks is SSL0227E at the directive's file and line:",
                cmd: "kdbman lint --httpd-conf /opt/IBM/HTTPServer/conf/httpd.conf",
                run: false,
                pending: None,
                also: &[],
            },
            no_run(
                "Serve the certificate over HTTPS before IHS does; failed handshakes are logged with their IHS codes:",
                "kdbman serve --db ihs/key.kdb --stashed --label www --listen 127.0.0.1:8443",
                &[],
            ),
            no_run(
                "and, from another terminal, connect as a client that trusts the root:",
                "curl --cacert root-ca.pem --resolve www.example.com:8443:127.0.0.1 https://www.example.com:8443/",
                &["serve"],
            ),
            no_run(
                "Probe the running server against its store: the certificate it sends must be the store's www (else both fingerprints are named), its chain complete to a signer, valid for 30 more days and matching the name:",
                "kdbman probe 127.0.0.1:8443 --servername www.example.com --db ihs/key.kdb --stashed --label www --warn-days 30",
                &["probe"],
            ),
        ],
    },
    Workflow {
        title: "IHS: the same certificate on a second server (PKCS#12)",
        intro: "A certificate with its key moves between servers, or arrives from another team, as a PKCS#12 file. The second server's store is ihs2/key.kdb.",
        pages: &[],
        steps: &[
            step(
                "Export the entry with its key and chain, encrypted with AES-256 under P12_PW (add --legacy for old Java and Windows):",
                "kdbman cert export --db ihs/key.kdb --stashed --label www --target www.p12 --target-pw-env P12_PW",
            ),
            step("A store for the second server:", "mkdir -p ihs2"),
            step(
                "",
                "kdbman keydb create --db ihs2/key.kdb --stash --pw-env KDB_PW",
            ),
            step(
                "Import the key, the certificate and its chain; the personal entry is labelled www and made the default:",
                "kdbman cert import --db ihs2/key.kdb --stashed --file www.p12 --file-pw-env P12_PW --label www --default",
            ),
            step(
                "What the store holds now, and the certificate in detail:",
                "kdbman cert list --db ihs2/key.kdb --stashed",
            ),
            step(
                "",
                "kdbman cert details --db ihs2/key.kdb --stashed --label www",
            ),
            step(
                "Lint it with its label:",
                "kdbman lint --db ihs2/key.kdb --stashed --label www",
            ),
        ],
    },
    Workflow {
        title: "MQ: a queue manager's key repository",
        intro: "A queue manager opens the key repository named by its SSLKEYR attribute (the stem: qm1/key for qm1/key.kdb and qm1/key.sth; on a real system /var/mqm/qmgrs/QM1/ssl/key) and presents the certificate labelled by CERTLABL or, by default, ibmwebspheremq followed by the queue manager's name in lower case: ibmwebspheremqqm1 for QM1.",
        pages: &[],
        steps: &[
            step("The repository's directory and store:", "mkdir -p qm1"),
            step(
                "",
                "kdbman keydb create --db qm1/key.kdb --stash --pw-env KDB_PW",
            ),
            step(
                "A key and request under the label MQ looks for:",
                "kdbman certreq create --db qm1/key.kdb --stashed --label ibmwebspheremqqm1 --dn \"CN=QM1,OU=MQ,O=Example,C=US\" --san dns:qm1.example.com --target qm1.csr",
            ),
            step(
                "The CA signs it; --chain writes the issuing CA after the certificate:",
                "kdbman cert sign --db ca.kdb --stashed --label issuing-ca --file qm1.csr --target qm1.pem --chain",
            ),
            step(
                "Add the root, then receive the certificate; the issuing CA that comes with it is added as a signer:",
                "kdbman cert add --db qm1/key.kdb --stashed --label example-root-ca --file root-ca.pem",
            ),
            step(
                "",
                "kdbman cert receive --db qm1/key.kdb --stashed --file qm1.pem",
            ),
            step(
                "Lint with the label the queue manager uses:",
                "kdbman lint --db qm1/key.kdb --stashed --label ibmwebspheremqqm1",
            ),
            step(
                "or let lint derive it from the queue manager's name:",
                "kdbman lint --db qm1/key.kdb --stashed --mq-qmgr QM1",
            ),
            step(
                "MQ's own tool name runs kdbman's gsk8capicmd front end (see kdbman-gsk(1)):",
                "runmqakm -cert -list -db qm1/key.kdb -stashed",
            ),
        ],
    },
    Workflow {
        title: "MQ: a client's trust store",
        intro: "An MQ client (MQSSLKEYR, or SSLKeyRepository in mqclient.ini) needs only the signers that vouch for the queue manager's certificate; with no personal certificate the store is a trust store.",
        pages: &[],
        steps: &[
            step("The client's store:", "mkdir -p client"),
            step(
                "",
                "kdbman keydb create --db client/key.kdb --stash --pw-env KDB_PW",
            ),
            step(
                "Add the CA chain as trusted signers:",
                "kdbman cert add --db client/key.kdb --stashed --label example-root-ca --file root-ca.pem",
            ),
            step(
                "",
                "kdbman cert add --db client/key.kdb --stashed --label example-issuing-ca --file issuing-ca.pem",
            ),
            step(
                "List the signers:",
                "kdbman cert list --db client/key.kdb --stashed --kind signer",
            ),
            step(
                "Would this client trust the queue manager? Validate its certificate, with the chain in the file, against the store's signers, without a live server:",
                "kdbman cert validate --db client/key.kdb --stashed --file qm1.pem",
            ),
            step(
                "Lint it: a store of signers only is checked as a trust store (expired or weak signers, duplicates), with no warning about a missing default:",
                "kdbman lint --db client/key.kdb --stashed --fail-on warning",
            ),
        ],
    },
    Workflow {
        title: "Renewal",
        intro: "Before the server's certificate expires (lint warns with KDB0001W within --warn-days), ask for a new one for the same subject, names and key usage, and receive it under the same label.",
        pages: &["cert"],
        steps: &[
            step(
                "Certificates that expire within 30 days (exit status 1 when there are some):",
                "kdbman cert list --db ihs/key.kdb --stashed --expiring 30",
            ),
            step(
                "A request for the same subject, SANs and key usage, with the same key (--new-key makes a new one):",
                "kdbman cert renew --db ihs/key.kdb --stashed --label www --target www-renew.csr",
            ),
            step(
                "The CA signs it:",
                "kdbman cert sign --db ca.kdb --stashed --label issuing-ca --file www-renew.csr --target www-renew.pem --days 398",
            ),
            step(
                "Receive it: the new certificate replaces the old one under the same label, and the chain's signers stay:",
                "kdbman cert receive --db ihs/key.kdb --stashed --file www-renew.pem",
            ),
            step(
                "The new serial number and expiry, and a clean lint:",
                "kdbman cert details --db ihs/key.kdb --stashed --label www",
            ),
            step("", "kdbman lint --db ihs/key.kdb --stashed --label www"),
        ],
    },
    Workflow {
        title: "Migration to PKCS#12",
        intro: "Java servers, load balancers and most other tools read PKCS#12. Convert a whole store, or export one entry; the CMS store stays as it is.",
        pages: &["keydb"],
        steps: &[
            step(
                "What the store holds, its format and its stash:",
                "kdbman keydb details --db ihs/key.kdb --stashed",
            ),
            step("", "mkdir -p migrated"),
            step(
                "Convert the whole store, keeping labels, kinds and trust (PKCS#12 has no default mark: name the certificate by its label):",
                "kdbman keydb convert --db ihs/key.kdb --stashed --target migrated/key.p12 --target-type pkcs12 --target-pw-env P12_PW",
            ),
            step(
                "Or export every entry in the older encryption (3DES, HMAC-SHA1) that old Java and Windows read:",
                "kdbman keydb export --db ihs/key.kdb --stashed --target migrated/legacy.p12 --target-pw-env P12_PW --legacy",
            ),
            step(
                "kdbman reads the result like any store:",
                "kdbman cert list --db migrated/key.p12 --pw-env P12_PW",
            ),
            step(
                "",
                "kdbman lint --db migrated/key.p12 --pw-env P12_PW --label www",
            ),
            step(
                "Upgrade an old CMS store (v3 or v4) to v6 in place, keeping its password, stash and file modes:",
                "kdbman keydb convert --db ihs/key.kdb --stashed --cms-version 6",
            ),
        ],
    },
    Workflow {
        title: "CI: lint every store",
        intro: "A pipeline lints the stores it is about to deploy and publishes a report; lint's exit status is 1 when a finding reaches --fail-on (default error).",
        pages: &["lint"],
        steps: &[
            step(
                "Every store under some directories, each opened with its own stash, as JUnit XML for the CI's test report (checks that did not run are <skipped/>, never a pass):",
                "kdbman lint --dir ihs --dir qm1 --dir client --stashed --format junit > lint-junit.xml",
            ),
            step(
                "The same as SARIF, for code scanning:",
                "kdbman lint --dir ihs --dir qm1 --dir client --stashed --format sarif > lint.sarif",
            ),
            step(
                "Fail on warnings too (an expiring certificate, KDB0001W), for stores whose labels are known:",
                "kdbman lint --db ihs/key.kdb --db ihs2/key.kdb --stashed --label www --fail-on warning",
            ),
            Step {
                what: "Each store with its own label, from a file of STORE LABEL lines (globs allowed, such as */ihs/key.kdb www):",
                cmd: "kdbman lint --dir /srv/keystores --stashed --labels labels.txt --format junit > lint-junit.xml",
                run: false,
                pending: None,
                also: &[],
            },
            step(
                "Annotations for GitHub Actions, and metrics for Prometheus's textfile collector:",
                "kdbman lint --dir ihs --stashed --format github",
            ),
            step(
                "",
                "kdbman lint --dir ihs --dir qm1 --stashed --format prometheus > kdbman.prom",
            ),
            step(
                "A queue manager's store, with the label derived from its name:",
                "kdbman lint --db qm1/key.kdb --stashed --mq-qmgr QM1 --format junit > lint-qm1.xml",
            ),
            step(
                "Which IHS codes lint checks, which it leaves to serve, and why:",
                "kdbman lint --checks",
            ),
        ],
    },
    Workflow {
        title: "Passwords, stashes and clean-up",
        intro: "Routine changes to the stores made above.",
        pages: &["keydb"],
        steps: &[
            step(
                "Change a store's password and stash the new one:",
                "kdbman keydb changepw --db ihs/key.kdb --stashed --new-pw-env NEW_KDB_PW --stash",
            ),
            step(
                "Write the stash again, e.g. after restoring the store from a backup:",
                "kdbman keydb stashpw --db ihs/key.kdb --pw-env NEW_KDB_PW",
            ),
            step(
                "A version 1 stash elsewhere, for an old GSKit level:",
                "kdbman keydb stashpw --db ihs/key.kdb --stashed --stash-version 1 --stash-file ihs-v1.sth",
            ),
            step(
                "Rename an entry, then delete it once nothing uses it:",
                "kdbman cert rename --db client/key.kdb --stashed --label example-issuing-ca --new-label example-issuing-ca-2026",
            ),
            step(
                "",
                "kdbman cert delete --db client/key.kdb --stashed --label example-issuing-ca-2026",
            ),
            step(
                "A request kept in the store, written out again later, and dropped when the CA will not sign it:",
                "kdbman certreq create --db qm1/key.kdb --stashed --label qm1-next --dn \"CN=QM1,OU=MQ,O=Example,C=US\" --san dns:qm1.example.com",
            ),
            step(
                "",
                "kdbman certreq extract --db qm1/key.kdb --stashed --label qm1-next --target qm1-next.csr",
            ),
            step(
                "",
                "kdbman certreq delete --db qm1/key.kdb --stashed --label qm1-next",
            ),
            step(
                "Delete a store with its request database and stash (the password is checked first):",
                "kdbman keydb delete --db ihs2/key.kdb --stashed",
            ),
        ],
    },
    Workflow {
        title: "Messages",
        intro: "Every code kdbman prints, and every IHS SSL02xx message and GSKit return code, has an explanation.",
        pages: &["explain"],
        steps: &[
            step(
                "What an IHS error log line means, and what to do:",
                "kdbman explain SSL0208E",
            ),
            step("A GSKit return code, as MQ logs it:", "kdbman explain 408"),
            step(
                "A message of kdbman's gsk8capicmd front end:",
                "kdbman explain KDBG0008W",
            ),
            step("A warning of kdbman lint:", "kdbman explain KDB0009W"),
            step("Every IHS code, as JSON:", "kdbman explain --list --json"),
        ],
    },
    Workflow {
        title: "gsk8capicmd scripts",
        intro: "Scripts written for IBM's gsk8capicmd_64 or runmqakm run unchanged when kdbman answers to that name (ln -s \"$(command -v kdbman)\" /usr/local/bin/gsk8capicmd_64). GSKit has no password variables: -pw shows the password to other users while the command runs, so only the first command uses it.",
        pages: &["gsk"],
        steps: &[
            step("", "mkdir -p gsk"),
            step(
                "A CMS store with a stash:",
                "gsk8capicmd_64 -keydb -create -db gsk/key.kdb -pw \"$KDB_PW\" -type cms -stash",
            ),
            step(
                "A key and request:",
                "gsk8capicmd_64 -certreq -create -db gsk/key.kdb -stashed -label web -dn \"CN=web.example.com,O=Example,C=US\" -san_dnsname web.example.com -size 2048 -file web.arm",
            ),
            step(
                "The CA signs it:",
                "kdbman cert sign --db ca.kdb --stashed --label issuing-ca --file web.arm --target web.pem --chain",
            ),
            step(
                "Add the root, receive the certificate (its issuing CA is added too), make it the default:",
                "gsk8capicmd_64 -cert -add -db gsk/key.kdb -stashed -label example-root-ca -file root-ca.pem",
            ),
            step(
                "",
                "gsk8capicmd_64 -cert -receive -db gsk/key.kdb -stashed -file web.pem",
            ),
            step(
                "",
                "gsk8capicmd_64 -cert -setdefault -db gsk/key.kdb -stashed -label web",
            ),
            step(
                "GSKit's listing, and a chain check that prints nothing when the chain is valid:",
                "gsk8capicmd_64 -cert -list -db gsk/key.kdb -stashed",
            ),
            step(
                "",
                "gsk8capicmd_64 -cert -validate -db gsk/key.kdb -stashed -label web",
            ),
            step(
                "Renewal: a new request for the same key, signed, and received over the old certificate:",
                "gsk8capicmd_64 -certreq -recreate -db gsk/key.kdb -stashed -label web -target web-renew.arm",
            ),
            step(
                "",
                "kdbman cert sign --db ca.kdb --stashed --label issuing-ca --file web-renew.arm --target web-renew.pem --chain",
            ),
            step(
                "",
                "gsk8capicmd_64 -cert -receive -db gsk/key.kdb -stashed -file web-renew.pem",
            ),
            step(
                "Export to PKCS#12:",
                "gsk8capicmd_64 -cert -export -db gsk/key.kdb -stashed -label web -target web.p12 -target_pw \"$P12_PW\" -target_type pkcs12",
            ),
        ],
    },
];

/// Groups of subcommands: a page key has two words only after one of these.
const GROUPS: &[&str] = &["keydb", "cert", "certreq"];

/// Program names of the gsk8capicmd front end (its page key is `gsk`).
pub const GSK_TOOLS: &[&str] = &["gsk8capicmd", "gsk8capicmd_64", "gskcapicmd", "runmqakm"];

/// The page key of the command a step runs: `"cert receive"`, `"lint"`,
/// `"gsk"` for the gsk8capicmd front end, `None` for other programs.
pub fn page_of(cmd: &str) -> Option<String> {
    let words: Vec<&str> = cmd.split_whitespace().collect();
    let prog = *words.first()?;
    if GSK_TOOLS.contains(&prog) {
        return Some("gsk".to_string());
    }
    if prog != "kdbman" {
        return None;
    }
    let first = *words.get(1)?;
    if first.starts_with('-') {
        return Some("gsk".to_string());
    }
    match words.get(2) {
        Some(second) if GROUPS.contains(&first) && !second.starts_with('-') => {
            Some(format!("{first} {second}"))
        }
        _ => Some(first.to_string()),
    }
}

/// The man page name of a page key: `""` is `kdbman`, `"cert add"` is
/// `kdbman-cert-add`.
#[allow(dead_code)] // used by the tests
pub fn man_name(key: &str) -> String {
    std::iter::once("kdbman")
        .chain(key.split_whitespace())
        .collect::<Vec<_>>()
        .join("-")
}

/// Whether page `key` shows step `s` of workflow `w`.
fn shows(key: &str, w: &Workflow, s: &Step) -> bool {
    key.is_empty()
        || w.pages.contains(&key)
        || page_of(s.cmd).as_deref() == Some(key)
        || s.also.contains(&key)
}

/// The steps a page shows, by workflow (workflows with none left out).
pub fn for_page(key: &str) -> Vec<(&'static Workflow, Vec<&'static Step>)> {
    WORKFLOWS
        .iter()
        .filter_map(|w| {
            let steps: Vec<&Step> = w.steps.iter().filter(|s| shows(key, w, s)).collect();
            (!steps.is_empty()).then_some((w, steps))
        })
        .collect()
}

/// Escapes text for a roff text line.
fn roff(s: &str) -> String {
    let s = s.replace('\\', "\\e").replace('-', "\\-");
    if s.starts_with('.') || s.starts_with('\'') {
        format!("\\&{s}")
    } else {
        s
    }
}

/// Breaks a long command line before options, with shell continuations.
fn wrap(cmd: &str, width: usize) -> Vec<String> {
    // Split at spaces outside quotes that precede an option.
    let mut pieces: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let chars: Vec<char> = cmd.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == ' '
                && matches!(chars.get(i + 1), Some('-') | Some('>'))
                && !cur.is_empty() =>
            {
                pieces.push(std::mem::take(&mut cur));
                continue;
            }
            None => {}
        }
        cur.push(c);
    }
    pieces.push(cur);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for p in pieces {
        let indent = if lines.is_empty() { 0 } else { 4 };
        if !line.is_empty() && indent + line.len() + 1 + p.len() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&p);
    }
    lines.push(line);
    let n = lines.len();
    lines
        .into_iter()
        .enumerate()
        .map(|(i, l)| {
            let l = if i == 0 { l } else { format!("    {l}") };
            if i + 1 < n { format!("{l} \\") } else { l }
        })
        .collect()
}

/// The roff EXAMPLES section of a page, or nothing when it has no steps.
pub fn roff_section(key: &str) -> String {
    let groups = for_page(key);
    if groups.is_empty() {
        return String::new();
    }
    let mut m = String::from(".SH EXAMPLES\n");
    let preamble = match key {
        "" => PREAMBLE.replace(
            "These examples come from the workflows of kdbman(1), EXAMPLES, which run",
            "These workflows run",
        ),
        _ => PREAMBLE.to_string(),
    };
    m.push_str(&roff(&preamble));
    m.push('\n');
    for (w, _) in groups {
        m.push_str(&format!(
            ".SS \"{}\"\n",
            roff(w.title).replace('"', "\\(dq")
        ));
        m.push_str(&roff(w.intro));
        m.push('\n');
        // A step without a sentence of its own continues the one before;
        // shown without that one, it borrows its sentence.
        let mut last_what = "";
        let mut previous_shown = false;
        for s in w.steps {
            let show = shows(key, w, s);
            let what = match s.what {
                "" if !previous_shown => last_what,
                own => own,
            };
            if !s.what.is_empty() {
                last_what = s.what;
            }
            previous_shown = show;
            if !show {
                continue;
            }
            if !what.is_empty() {
                m.push_str(".PP\n");
                m.push_str(&roff(what));
                m.push('\n');
            }
            m.push_str(".RS 4\n.nf\n");
            for l in wrap(s.cmd, 68) {
                m.push_str(&roff(&l));
                m.push('\n');
            }
            m.push_str(".fi\n.RE\n");
        }
    }
    m
}

/// Splits a shell command line into words: blanks separate words; single
/// quotes keep everything; double quotes keep everything but `$VAR`;
/// `$VAR` and `$(…)` are not supported outside that form. A `> FILE` at
/// the end is returned apart. `var` gives the value of `$NAME`.
#[allow(dead_code)]
pub fn shell_words(
    cmd: &str,
    var: &dyn Fn(&str) -> Option<String>,
) -> Result<(Vec<String>, Option<String>), String> {
    let mut words: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    let mut chars = cmd.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some('\''), '\'') | (Some('"'), '"') => quote = None,
            (Some('\''), c) => cur.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (None, ' ' | '\t') => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            (_, '$') => {
                let mut name = String::new();
                while let Some(&n) = chars.peek() {
                    if n.is_ascii_alphanumeric() || n == '_' {
                        name.push(n);
                        chars.next();
                    } else {
                        break;
                    }
                }
                if name.is_empty() {
                    return Err(format!("`$` without a variable name in {cmd:?}"));
                }
                cur.push_str(&var(&name).ok_or_else(|| format!("${name} is not set"))?);
                in_word = true;
            }
            (_, '\\' | '`' | '|' | ';' | '&' | '<' | '*' | '?') => {
                return Err(format!("{c:?} is not supported in an example: {cmd:?}"));
            }
            (_, c) => {
                cur.push(c);
                in_word = true;
            }
        }
    }
    if quote.is_some() {
        return Err(format!("unterminated quote in {cmd:?}"));
    }
    if in_word {
        words.push(cur);
    }
    let mut redirect = None;
    if let Some(at) = words.iter().position(|w| w == ">") {
        if at + 2 != words.len() {
            return Err(format!("`>` must end the command with one file: {cmd:?}"));
        }
        redirect = words.pop();
        words.pop();
    }
    if words.iter().any(|w| w.starts_with('>')) {
        return Err(format!("write `> FILE` with a space: {cmd:?}"));
    }
    Ok((words, redirect))
}
