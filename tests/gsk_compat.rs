//! The gsk8capicmd-compatible front end, run as IBM's documented
//! workflows: IHS (store and stash, self-signed, request, receive, CA,
//! default, list, details, PKCS#12 export, password change with re-stash),
//! MQ with runmqakm (`ibmwebspheremq<qmgr>` labels, PKCS#12 stores, import
//! from a .p12 into a .kdb) and Db2 (a private CA signing a server
//! request). The same script runs through a symlink named
//! `gsk8capicmd_64`, one named `runmqakm`, and kdbman's own name with the
//! object first; after each step kdbman's own `--json` output shows the
//! effect.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const PW: &str = "Ihs-Passw0rd-2024";
const NEW_PW: &str = "Ihs-N3w-Passw0rd!";
const CA_PW: &str = "Ca-Passw0rd-2024";
const MQ_PW: &str = "Mq-Passw0rd-2024";
const P12_PW: &str = "P12-Passw0rd";
const DB2_PW: &str = "Db2-Passw0rd-2024";

fn kdbman_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_kdbman"))
}

/// How the front end is invoked.
#[derive(Clone, Copy, Debug)]
enum Via {
    /// A symlink with this name in the work directory.
    Link(&'static str),
    /// kdbman itself, the GSKit object as first argument.
    Kdbman,
}

struct Script {
    dir: tempfile::TempDir,
    via: Via,
    steps: usize,
}

/// Splits a command line as a shell would for double-quoted words.
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut any = false;
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                any = true;
            }
            c if c.is_whitespace() && !quoted => {
                if any {
                    out.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            c => {
                cur.push(c);
                any = true;
            }
        }
    }
    if any {
        out.push(cur);
    }
    out
}

impl Script {
    fn new(via: Via) -> Script {
        let dir = tempfile::tempdir().unwrap();
        if let Via::Link(name) = via {
            std::os::unix::fs::symlink(kdbman_bin(), dir.path().join(name)).unwrap();
        }
        Script { dir, via, steps: 0 }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Runs one GSKit command line in the work directory.
    fn gsk(&mut self, line: &str) -> Output {
        self.steps += 1;
        let mut cmd = match self.via {
            Via::Link(name) => Command::new(self.dir.path().join(name)),
            Via::Kdbman => Command::new(kdbman_bin()),
        };
        cmd.args(words(line))
            .current_dir(self.dir.path())
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap()
    }

    /// Runs a line that must succeed silently (a write action).
    fn ok(&mut self, line: &str) {
        let out = self.gsk(line);
        assert!(
            out.status.success(),
            "{:?}: `{line}` failed ({:?}):\n{}",
            self.via,
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.stdout.is_empty(),
            "`{line}` printed {:?}",
            String::from_utf8_lossy(&out.stdout)
        );
        assert!(
            out.stderr.is_empty(),
            "`{line}` said {:?}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Runs a read action; returns its standard output.
    fn read(&mut self, line: &str) -> String {
        let out = self.gsk(line);
        assert!(
            out.status.success(),
            "`{line}` failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// kdbman's own `--json` view, with the password in `KDB_PW`.
    fn json(&self, args: &[&str], pw: &str) -> Value {
        let out = Command::new(kdbman_bin())
            .args(args)
            .args(["--json", "--pw-env", "KDB_PW"])
            .env("KDB_PW", pw)
            .current_dir(self.dir.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "kdbman {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// kdbman's own `--json` view through the stash beside the store.
    fn json_stashed(&self, args: &[&str]) -> Value {
        let out = Command::new(kdbman_bin())
            .args(args)
            .args(["--json", "--stashed"])
            .current_dir(self.dir.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "kdbman {args:?} --stashed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// `cert details --json` of one entry, through the stash.
    fn details(&self, db: &str, label: &str) -> Value {
        self.json_stashed(&["cert", "details", "--db", db, "--label", label])
    }

    fn entry(&self, db: &str, label: &str) -> Option<Value> {
        let list = self.json_stashed(&["cert", "list", "--db", db]);
        list["entries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["label"] == label)
            .cloned()
    }

    fn labels(&self, db: &str) -> Vec<(String, String)> {
        let list = self.json_stashed(&["cert", "list", "--db", db]);
        list["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["label"].as_str().unwrap().to_string(),
                    e["kind"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    }
}

fn pem_file(p: &Path, label: &str) -> bool {
    std::fs::read_to_string(p).is_ok_and(|s| s.starts_with(&format!("-----BEGIN {label}-----")))
}

/// The whole script. Every line is a command IBM documents (or public
/// scripts use) for IHS, MQ or Db2.
fn workflow(via: Via) {
    let mut s = Script::new(via);

    // ---- IBM HTTP Server ----
    s.ok(&format!(
        "-keydb -create -db key.kdb -pw {PW} -type cms -stash"
    ));
    let d = s.json_stashed(&["keydb", "details", "--db", "key.kdb"]);
    assert_eq!(d["format"], "cms");
    assert_eq!(d["entries"]["total"], 0);
    assert_eq!(d["stash"]["state"], "good");
    assert!(s.path("key.sth").exists());

    s.ok("-cert -create -db key.kdb -stashed -label selfsigned -dn \"CN=www.example.com,O=Example,C=US\" -size 2048 -expire 365 -sigalg SHA256WithRSA -san_dnsname www.example.com,example.com");
    let e = s.entry("key.kdb", "selfsigned").expect("self-signed entry");
    assert_eq!(e["kind"], "personal");
    let det = s.details("key.kdb", "selfsigned");
    assert_eq!(det["certificate"]["key"], "RSA 2048");
    assert_eq!(
        det["certificate"]["subject_alt_names"],
        serde_json::json!(["dns:www.example.com", "dns:example.com"])
    );
    assert!(
        det["certificate"]["signature_algorithm"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("sha256")
    );

    s.ok("-certreq -create -db key.kdb -stashed -label \"web server\" -dn \"CN=web.example.com,OU=Web Team,O=Example,C=US\" -file certreq.arm -size 2048 -sig_alg SHA256_WITH_RSA -san_dnsname web.example.com");
    assert!(pem_file(&s.path("certreq.arm"), "CERTIFICATE REQUEST"));
    let reqs = s.json_stashed(&["certreq", "list", "--db", "key.kdb"]);
    assert_eq!(reqs["requests"][0]["label"], "web server");

    assert_eq!(
        s.read("-certreq -list -db key.kdb -stashed"),
        "Certificates requests found\n\t\"web server\"\n"
    );

    // ---- Db2-style private CA that signs the request ----
    s.ok(&format!("-keydb -create -db ca.kdb -pw {CA_PW} -stash"));
    assert_eq!(
        s.json_stashed(&["keydb", "details", "--db", "ca.kdb"])["format"],
        "cms"
    );
    s.ok("-cert -create -db ca.kdb -stashed -label \"Example Root CA\" -dn \"CN=Example Root CA,O=Example,C=US\" -ca true -expire 3650 -sigalg SHA384WithECDSA -size 384");
    let ca = s.details("ca.kdb", "Example Root CA");
    assert_eq!(ca["certificate"]["is_ca"], true);
    assert_eq!(ca["certificate"]["key"], "ECDSA P-384");

    s.ok("-cert -sign -db ca.kdb -stashed -label \"Example Root CA\" -file certreq.arm -target cert.arm -expire 365 -format ascii");
    assert!(pem_file(&s.path("cert.arm"), "CERTIFICATE"));

    s.ok("-cert -extract -db ca.kdb -stashed -label \"Example Root CA\" -target ca.arm -format ascii");
    assert!(pem_file(&s.path("ca.arm"), "CERTIFICATE"));

    // ---- back on the web server: add the CA, receive, default ----
    s.ok("-cert -add -db key.kdb -stashed -label \"Example Root CA\" -file ca.arm -format ascii -trust enable");
    assert_eq!(
        s.entry("key.kdb", "Example Root CA").unwrap()["kind"],
        "signer"
    );

    s.ok("-cert -receive -db key.kdb -stashed -file cert.arm -format ascii");
    assert_eq!(
        s.entry("key.kdb", "web server").unwrap()["kind"],
        "personal"
    );
    assert!(
        s.json_stashed(&["certreq", "list", "--db", "key.kdb"])["requests"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    // The default of a CMS file: flag bit 1 of the record, read and
    // written on evidence from IBM-made files (kdbman-cms(5)).
    s.ok("-cert -setdefault -db key.kdb -stashed -label \"web server\"");
    assert_eq!(s.entry("key.kdb", "web server").unwrap()["default"], true);
    assert_eq!(s.entry("key.kdb", "selfsigned").unwrap()["default"], false);

    assert_eq!(
        s.read("-cert -list -db key.kdb -stashed"),
        "Certificates found\n* default, - personal, ! trusted, # secret key\n-\tselfsigned\n!\t\"Example Root CA\"\n*-\t\"web server\"\n"
    );
    assert_eq!(
        s.read("-cert -list personal -db key.kdb -stashed"),
        "Certificates found\n* default, - personal, ! trusted, # secret key\n-\tselfsigned\n*-\t\"web server\"\n"
    );
    assert!(
        s.read("-cert -getdefault -db key.kdb -stashed")
            .starts_with("Label : web server\n")
    );
    let details = s.read("-cert -details -db key.kdb -stashed -label \"web server\"");
    assert!(
        details.starts_with("Label : web server\nKey Size : 2048\nVersion : X509 V3\n"),
        "{details}"
    );
    assert!(
        details.contains("\nIssuer : CN=Example Root CA,O=Example,C=US\n"),
        "{details}"
    );
    assert!(
        details.contains("\nSubject : CN=web.example.com,OU=Web Team,O=Example,C=US\n"),
        "{details}"
    );

    s.ok("-cert -validate -db key.kdb -stashed -label \"web server\"");

    s.ok(&format!("-cert -export -db key.kdb -stashed -label \"web server\" -target web.p12 -target_pw {P12_PW} -target_type pkcs12"));
    let p12 = s.json(&["cert", "list", "--db", "web.p12"], P12_PW);
    assert!(
        p12["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["label"] == "web server" && e["kind"] == "personal"),
        "{p12}"
    );

    s.ok(&format!(
        "-keydb -changepw -db key.kdb -pw {PW} -new_pw {NEW_PW} -stash"
    ));
    assert_eq!(
        s.json(&["keydb", "details", "--db", "key.kdb"], NEW_PW)["stash"]["state"],
        "good"
    );
    let old = Command::new(kdbman_bin())
        .args(["cert", "list", "--db", "key.kdb", "--pw-env", "KDB_PW"])
        .env("KDB_PW", PW)
        .current_dir(s.dir.path())
        .output()
        .unwrap();
    assert!(
        !old.status.success(),
        "the old password still opens the store"
    );

    s.read(&format!("-cert -list -db key.kdb -pw {NEW_PW}"));

    s.ok("-cert -rename -db key.kdb -stashed -label selfsigned -new_label \"old self-signed\"");
    assert!(
        s.entry("key.kdb", "old self-signed").is_some()
            && s.entry("key.kdb", "selfsigned").is_none()
    );

    s.ok("-cert -delete -db key.kdb -stashed -label \"old self-signed\"");
    assert!(s.entry("key.kdb", "old self-signed").is_none());

    // ---- MQ with runmqakm ----
    s.ok(&format!(
        "-keydb -create -db qm1.p12 -pw {MQ_PW} -type pkcs12 -stash"
    ));
    assert_eq!(
        s.json_stashed(&["keydb", "details", "--db", "qm1.p12"])["format"],
        "pkcs12"
    );

    s.ok("-cert -create -db qm1.p12 -stashed -label ibmwebspheremqqm1 -dn \"CN=QM1,OU=MQ,O=Example,C=US\" -size 2048 -sig_alg sha256 -expire 730");
    assert_eq!(
        s.entry("qm1.p12", "ibmwebspheremqqm1").unwrap()["kind"],
        "personal"
    );

    s.ok(&format!(
        "-keydb -create -db qm2.kdb -pw {MQ_PW} -type CMS -stash"
    ));
    assert_eq!(
        s.json_stashed(&["keydb", "details", "--db", "qm2.kdb"])["format"],
        "cms"
    );

    s.ok("-cert -add -db qm2.kdb -stashed -label \"Example Root CA\" -file ca.arm -format ascii");
    assert_eq!(
        s.entry("qm2.kdb", "Example Root CA").unwrap()["kind"],
        "signer"
    );

    s.ok(&format!("-cert -import -file web.p12 -pw {P12_PW} -type pkcs12 -target qm2.kdb -target_pw {MQ_PW} -target_type cms -label \"web server\" -new_label ibmwebspheremqqm2"));
    assert_eq!(
        s.entry("qm2.kdb", "ibmwebspheremqqm2").unwrap()["kind"],
        "personal"
    );
    // The chain's CA was there already: no second copy under another label.
    assert_eq!(s.labels("qm2.kdb").len(), 2);

    s.ok("-cert -modify -db qm2.kdb -stashed -label \"Example Root CA\" -trust disable");
    let root = s.details("qm2.kdb", "Example Root CA");
    assert_eq!(root["trusted"], false);

    assert_eq!(
        s.read("-cert -list CA -db qm2.kdb -stashed"),
        "Certificates found\n* default, - personal, ! trusted, # secret key\n\t\"Example Root CA\"\n"
    );

    s.ok("-cert -modify -db qm2.kdb -stashed -label \"Example Root CA\" -trust enable");
    assert_eq!(s.details("qm2.kdb", "Example Root CA")["trusted"], true);

    s.ok(&format!("-cert -import -db key.kdb -pw {NEW_PW} -label \"Example Root CA\" -target qm1.p12 -target_stashed -new_label mqroot"));
    assert_eq!(s.entry("qm1.p12", "mqroot").unwrap()["kind"], "signer");

    let det = s.read("-cert -details -db qm2.kdb -stashed -label ibmwebspheremqqm2");
    assert!(det.starts_with("Label : ibmwebspheremqqm2\n"), "{det}");

    // ---- Db2: server request signed by the private CA ----
    s.ok(&format!(
        "-keydb -create -db db2server.kdb -pw {DB2_PW} -stash"
    ));
    s.ok("-certreq -create -db db2server.kdb -stashed -label db2server -dn \"CN=db2.example.com,O=Example,C=US\" -file db2server.csr -san_dnsname db2.example.com -san_ipaddr 192.0.2.10 -size 2048");
    assert_eq!(
        s.json_stashed(&["certreq", "list", "--db", "db2server.kdb"])["requests"][0]["label"],
        "db2server"
    );

    s.ok("-cert -sign -db ca.kdb -stashed -label \"Example Root CA\" -file db2server.csr -target db2server.arm -expire 825");
    assert!(pem_file(&s.path("db2server.arm"), "CERTIFICATE"));

    s.ok("-cert -add -db db2server.kdb -stashed -label \"Example Root CA\" -file ca.arm");
    s.ok("-cert -receive -db db2server.kdb -stashed -file db2server.arm");
    let det = s.details("db2server.kdb", "db2server");
    assert_eq!(det["kind"], "personal");
    assert_eq!(
        det["certificate"]["subject_alt_names"],
        serde_json::json!(["dns:db2.example.com", "ip:192.0.2.10"])
    );
    assert_eq!(
        det["chain"][0]["subject"]
            .as_str()
            .map(|s| s.contains("Example Root CA")),
        Some(true)
    );

    assert_eq!(
        s.read("-certreq -list -db db2server.kdb -stashed"),
        "No certificate requests were found.\n"
    );

    // Renewal: a new request for the same key, signed, received in place.
    let before = s.details("db2server.kdb", "db2server");
    s.ok("-certreq -recreate -db db2server.kdb -stashed -label db2server -target renew.arm");
    s.ok("-cert -sign -db ca.kdb -stashed -label \"Example Root CA\" -file renew.arm -target renewed.arm -expire 400");
    s.ok("-cert -receive -db db2server.kdb -stashed -file renewed.arm");
    let after = s.details("db2server.kdb", "db2server");
    assert_eq!(after["kind"], "personal");
    assert_ne!(
        after["certificate"]["serial"],
        before["certificate"]["serial"]
    );
    assert_ne!(
        after["certificate"]["not_after"],
        before["certificate"]["not_after"]
    );
    assert_eq!(after["private_key"], before["private_key"]);
    assert_eq!(
        s.labels("db2server.kdb")
            .iter()
            .filter(|(l, _)| l == "db2server")
            .count(),
        1
    );
    let lint = Command::new(kdbman_bin())
        .args([
            "lint",
            "--db",
            "db2server.kdb",
            "--stashed",
            "--label",
            "db2server",
            "--format",
            "json",
        ])
        .current_dir(s.dir.path())
        .output()
        .unwrap();
    let lint: Value = serde_json::from_slice(&lint.stdout).unwrap();
    assert!(
        !lint["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "SSL0209E"),
        "the renewed certificate is the key's: {lint}"
    );

    std::fs::remove_file(s.path("db2server.sth")).unwrap();
    s.ok(&format!("-keydb -stashpw -db db2server.kdb -pw {DB2_PW}"));
    assert_eq!(
        s.json_stashed(&["keydb", "details", "--db", "db2server.kdb"])["stash"]["state"],
        "good"
    );

    s.ok("-keydb -convert -db db2server.kdb -stashed -new_format pkcs12 -target db2server.p12");
    let conv = s.json(&["cert", "list", "--db", "db2server.p12"], DB2_PW);
    assert!(
        conv["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["label"] == "db2server" && e["kind"] == "personal"),
        "{conv}"
    );

    s.ok("-keydb -delete -db qm1.p12 -stashed");
    assert!(!s.path("qm1.p12").exists() && !s.path("qm1.sth").exists());

    assert!(s.steps >= 30, "only {} command lines", s.steps);
    let mut labels = s.labels("key.kdb");
    labels.sort();
    assert_eq!(
        labels,
        vec![
            ("Example Root CA".to_string(), "signer".to_string()),
            ("web server".to_string(), "personal".to_string())
        ]
    );
}

#[test]
fn ibm_workflows_as_gsk8capicmd_64() {
    workflow(Via::Link("gsk8capicmd_64"));
}

#[test]
fn ibm_workflows_as_runmqakm() {
    workflow(Via::Link("runmqakm"));
}

#[test]
fn ibm_workflows_as_kdbman_with_the_object_first() {
    workflow(Via::Kdbman);
}

#[test]
fn every_tool_name_selects_the_gsk_syntax() {
    for name in [
        "gsk8capicmd",
        "gsk8capicmd_64",
        "gskcapicmd",
        "runmqakm",
        "gsk8capicmd_64.exe",
    ] {
        let mut s = Script::new(Via::Link(if name.ends_with(".exe") {
            "gsk8capicmd_64.exe"
        } else {
            name
        }));
        let out = s.gsk("-version");
        assert!(out.status.success(), "{name}");
        assert!(
            String::from_utf8_lossy(&out.stdout).starts_with("kdbman "),
            "{name}"
        );
        let out = s.gsk("-keydb -list");
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "CMS\nPKCS12\n",
            "{name}"
        );
    }
    // kdbman's own subcommands are unchanged.
    let out = Command::new(kdbman_bin())
        .args(["explain", "SSL0218E"])
        .output()
        .unwrap();
    assert!(out.status.success());
    // And a leading object selects the GSKit syntax under kdbman's name.
    let out = Command::new(kdbman_bin())
        .args(["-help", "-cert"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("-receive"));
}

#[test]
fn stashed_finds_the_stem_sth_and_type_follows_the_extension() {
    let mut s = Script::new(Via::Link("gsk8capicmd_64"));
    s.ok(&format!(
        "-keydb -create -db server.store.p12 -pw {P12_PW} -stash"
    ));
    assert!(s.path("server.store.sth").exists());
    assert_eq!(
        s.json_stashed(&["keydb", "details", "--db", "server.store.p12"])["format"],
        "pkcs12"
    );
    s.ok(&format!("-keydb -create -db plain.kdb -pw {PW}"));
    assert_eq!(
        s.json(&["keydb", "details", "--db", "plain.kdb"], PW)["format"],
        "cms"
    );
    assert!(!s.path("plain.sth").exists());
    assert_eq!(
        s.read("-cert -list -db server.store.p12 -stashed"),
        "No certificates were found.\n"
    );
}
