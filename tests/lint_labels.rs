//! Issue 20, deliverable 2 (acceptance 2 and 3): labels from where they
//! live. `lint --httpd-conf` reads IHS's configuration (includes, virtual
//! hosts) and lints each KeyFile with the SSLServerCert label IHS uses; a
//! label the store lacks is SSL0227E at the directive's file and line.
//! `lint --labels FILE` gives each store (wildcards allowed) its own label;
//! `--mq-qmgr` derives MQ's default label. Also acceptance 1 again: a store
//! whose certificate lacks its intermediate fails without any label.
//!
//! Stores are made by kdbman; the CA chain by openssl. Each store holds a
//! healthy personal certificate (issued by a CA the store trusts) and a
//! broken one (self-signed, not trusted: SSL0208E whenever it is in use),
//! so only linting with the right label is clean.

mod common;
use common::Kdbman;
use common::codes;

const KDBMAN: Kdbman = Kdbman::new(&[("PW", PW)])
    .without(&["CLICOLOR_FORCE"])
    .stdin_null();
use common::openssl;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// Strong enough that lint does not call it guessable (KDB0006W).
const PW: &str = "Labels-Where-They-Live-2026!";

fn fresh(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = fs::remove_dir_all(&d);
    fs::create_dir_all(&d).unwrap();
    d
}

/// A root CA (`root.pem`) and, for each name, a leaf it issued
/// (`NAME.pem`, `NAME.key`) for `NAME.example.com`, all EC P-256, made
/// by openssl in `dir`.
fn make_pki(dir: &Path, leaves: &[&str]) {
    let ext = "[ca]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n\
               [leaf]\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:$ENV::HOSTNAME_SAN\nauthorityKeyIdentifier=keyid\n";
    fs::write(dir.join("ext.cnf"), ext).unwrap();
    let genkey = |name: &str| {
        openssl(
            dir,
            &[
                "genpkey",
                "-algorithm",
                "EC",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-out",
                &format!("{name}.key"),
            ],
        )
    };
    genkey("root");
    genkey("orphan");
    // SAN from the environment in the [leaf] section: set a value for
    // the root too (openssl expands the whole file).
    let with_san = |san: &str, args: &[&str]| {
        let out = Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .env("HOSTNAME_SAN", san)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    with_san(
        "root.example.com",
        &[
            "req",
            "-x509",
            "-new",
            "-key",
            "root.key",
            "-subj",
            "/O=Labels/CN=Labels Root CA",
            "-days",
            "3650",
            "-sha256",
            "-extensions",
            "ca",
            "-config",
            "ext.cnf",
            "-out",
            "root.pem",
        ],
    );
    // A CA no store trusts, and the leaf it issued (`stray`): SSL0208E
    // wherever that leaf is in use.
    with_san(
        "orphan.example.com",
        &[
            "req",
            "-x509",
            "-new",
            "-key",
            "orphan.key",
            "-subj",
            "/O=Elsewhere/CN=Untrusted CA",
            "-days",
            "3650",
            "-sha256",
            "-extensions",
            "ca",
            "-config",
            "ext.cnf",
            "-out",
            "orphan.pem",
        ],
    );
    let mut all: Vec<(&str, &str)> = leaves.iter().map(|l| (*l, "root")).collect();
    all.push(("stray", "orphan"));
    for (n, (name, ca)) in all.into_iter().enumerate() {
        genkey(name);
        let host = format!("{name}.example.com");
        with_san(
            &host,
            &[
                "req",
                "-new",
                "-key",
                &format!("{name}.key"),
                "-subj",
                &format!("/O=Labels/CN={host}"),
                "-out",
                &format!("{name}.csr"),
            ],
        );
        with_san(
            &host,
            &[
                "x509",
                "-req",
                "-in",
                &format!("{name}.csr"),
                "-CA",
                &format!("{ca}.pem"),
                "-CAkey",
                &format!("{ca}.key"),
                "-set_serial",
                &format!("{}", 1000 + n),
                "-days",
                "700",
                "-sha256",
                "-extfile",
                "ext.cnf",
                "-extensions",
                "leaf",
                "-out",
                &format!("{name}.pem"),
            ],
        );
    }
}

/// A CMS store at `db` (relative to `dir`) with its stash: the root as a
/// signer, `healthy` holding the leaf `leaf` (issued by the root), and
/// `broken` the stray leaf, whose CA the store does not hold.
fn make_store(dir: &Path, db: &str, leaf: &str, healthy: &str, broken: &str) {
    if let Some(parent) = Path::new(db).parent() {
        fs::create_dir_all(dir.join(parent)).unwrap();
    }
    KDBMAN.ok_in(
        dir,
        &["keydb", "create", "--db", db, "--pw-env", "PW", "--stash"],
    );
    KDBMAN.ok_in(
        dir,
        &[
            "cert", "add", "--db", db, "--pw-env", "PW", "--label", "root", "--file", "root.pem",
        ],
    );
    KDBMAN.ok_in(
        dir,
        &[
            "cert",
            "import",
            "--db",
            db,
            "--pw-env",
            "PW",
            "--file",
            &format!("{leaf}.pem"),
            "--key",
            &format!("{leaf}.key"),
            "--label",
            healthy,
        ],
    );
    KDBMAN.ok_in(
        dir,
        &[
            "cert",
            "import",
            "--db",
            db,
            "--pw-env",
            "PW",
            "--file",
            "stray.pem",
            "--key",
            "stray.key",
            "--label",
            broken,
        ],
    );
}

fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "lint JSON: {e}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// The fleet report's store objects whose path ends with `suffix`.
fn stores<'v>(v: &'v Value, suffix: &str) -> Vec<&'v Value> {
    v["stores"]
        .as_array()
        .unwrap_or_else(|| panic!("no stores: {v:#}"))
        .iter()
        .filter(|s| s["store"].as_str().unwrap().ends_with(suffix))
        .collect()
}

fn store<'v>(v: &'v Value, suffix: &str) -> &'v Value {
    let s = stores(v, suffix);
    assert_eq!(s.len(), 1, "one store ending {suffix}: {v:#}");
    s[0]
}

fn finding<'v>(store: &'v Value, code: &str) -> &'v Value {
    store["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == code)
        .unwrap_or_else(|| panic!("no {code}: {store:#}"))
}

/// IHS's layout: `ihs/conf/httpd.conf` includes `conf/extra/api.conf`
/// (relative to ServerRoot); the www virtual host's label is misspelt
/// (`wwww`, line 11) while its store holds `www`.
fn ihs_layout(dir: &Path, www_label: &str) -> PathBuf {
    let ihs = dir.join("ihs");
    fs::create_dir_all(ihs.join("conf/extra")).unwrap();
    let conf = ihs.join("conf/httpd.conf");
    fs::write(
        &conf,
        format!(
            "# IBM HTTP Server\n\
             ServerRoot \"{}\"\n\
             Listen 443\n\
             Listen 8443\n\
             LoadModule ibm_ssl_module modules/mod_ibm_ssl.so\n\
             \n\
             <VirtualHost *:443>\n\
             \x20   ServerName www.example.com\n\
             \x20   SSLEnable\n\
             \x20   KeyFile keys/www.kdb\n\
             \x20   SSLServerCert {www_label}\n\
             </VirtualHost>\n\
             \n\
             Include conf/extra/*.conf\n",
            ihs.display()
        ),
    )
    .unwrap();
    fs::write(
        ihs.join("conf/extra/api.conf"),
        "<IfModule mod_ibm_ssl.c>\n\
         <VirtualHost *:8443>\n\
         \x20   ServerName api.example.com\n\
         \x20   SSLEnable\n\
         \x20   KeyFile \"keys/api.kdb\"\n\
         \x20   SSLServerCert api\n\
         </VirtualHost>\n\
         </IfModule>\n",
    )
    .unwrap();
    conf
}

#[test]
fn httpd_conf_misspelt_label_is_ssl0227e_at_its_line_and_the_included_host_uses_its_label() {
    if !common::require_tool("openssl", "version") {
        return;
    }
    let dir = fresh("labels-httpd");
    make_pki(&dir, &["www", "api"]);
    make_store(&dir, "ihs/keys/www.kdb", "www", "www", "old");
    make_store(&dir, "ihs/keys/api.kdb", "api", "api", "spare");
    let conf = ihs_layout(&dir, "wwww");
    let conf_s = conf.to_str().unwrap();
    let extra = dir.join("ihs/conf/extra/api.conf");

    // JSON: SSL0227E located at httpd.conf line 11; api.kdb linted with
    // `api` only (its broken `spare` would be SSL0208E if checked as in use).
    let out = KDBMAN.output_in(&dir, &["lint", "--httpd-conf", conf_s, "--format", "json"]);
    let v = json_of(&out);
    assert_eq!(out.status.code(), Some(1), "{v:#}");
    let www = store(&v, "www.kdb");
    assert_eq!(www["label"], "wwww", "{www:#}");
    let f = finding(www, "SSL0227E");
    assert_eq!(f["location"]["file"], conf_s, "{f:#}");
    assert_eq!(f["location"]["line"], 11, "{f:#}");
    assert_eq!(f["location"]["directive"], "SSLServerCert", "{f:#}");
    let msg = f["message"].as_str().unwrap();
    assert!(msg.contains(&format!("{conf_s}:11")), "{msg}");
    assert!(msg.contains("`www`"), "names what the store holds: {msg}");
    assert!(!codes(www).contains(&"SSL0206E".to_string()), "{www:#}");
    assert_eq!(
        www["configured"]["store_at"]["line"], 10,
        "the KeyFile line: {www:#}"
    );
    let api = store(&v, "api.kdb");
    assert_eq!(api["label"], "api", "{api:#}");
    assert_eq!(api["summary"]["error"], 0, "{api:#}");
    assert!(!codes(api).contains(&"KDB0009W".to_string()), "{api:#}");
    assert_eq!(
        api["configured"]["label_at"]["file"],
        extra.to_str().unwrap(),
        "{api:#}"
    );
    assert_eq!(api["configured"]["label_at"]["line"], 6, "{api:#}");
    assert_eq!(api["configured"]["sites"][0], "<VirtualHost *:8443>");

    // Text names the file and line too.
    let out = KDBMAN.output_in(&dir, &["lint", "--httpd-conf", conf_s]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("SSL0227E"), "{text}");
    assert!(
        text.contains(&format!("at: {conf_s}:11 (SSLServerCert)")),
        "{text}"
    );
    assert!(
        text.contains(&format!("label `api` from {}:6", extra.display())),
        "{text}"
    );

    // SARIF: the result is located first at the directive.
    let out = KDBMAN.output_in(&dir, &["lint", "--httpd-conf", conf_s, "--format", "sarif"]);
    let s = json_of(&out);
    common::validate_sarif_schema(&dir, &out.stdout);
    let r = s["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "SSL0227E")
        .unwrap_or_else(|| panic!("{s:#}"));
    let loc = &r["locations"][0]["physicalLocation"];
    assert!(
        loc["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .ends_with("conf/httpd.conf"),
        "{r:#}"
    );
    assert_eq!(loc["region"]["startLine"], 11, "{r:#}");
    assert!(
        r["locations"][1]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .ends_with("keys/www.kdb"),
        "{r:#}"
    );

    // GitHub annotations point at the configuration line; JUnit names it.
    let out = KDBMAN.output_in(
        &dir,
        &["lint", "--httpd-conf", conf_s, "--format", "github"],
    );
    let gh = String::from_utf8_lossy(&out.stdout);
    let line = gh
        .lines()
        .find(|l| l.contains("SSL0227E"))
        .unwrap_or_else(|| panic!("{gh}"));
    assert!(line.starts_with("::error file="), "{line}");
    assert!(line.contains("httpd.conf,line=11,"), "{line}");
    let out = KDBMAN.output_in(&dir, &["lint", "--httpd-conf", conf_s, "--format", "junit"]);
    assert_eq!(out.status.code(), Some(1));
    let xml = String::from_utf8_lossy(&out.stdout);
    assert!(xml.contains("<failure type=\"SSL0227E\""), "{xml}");
    assert!(xml.contains(&format!("{conf_s}:11")), "{xml}");

    // The label corrected: both stores clean, exit 0.
    ihs_layout(&dir, "www");
    let out = KDBMAN.output_in(&dir, &["lint", "--httpd-conf", conf_s, "--format", "json"]);
    let v = json_of(&out);
    assert_eq!(out.status.code(), Some(0), "{v:#}");
    assert_eq!(store(&v, "www.kdb")["summary"]["error"], 0, "{v:#}");

    // Pointed at the broken entry: SSL0208E, as only that label gives.
    ihs_layout(&dir, "old");
    let out = KDBMAN.output_in(&dir, &["lint", "--httpd-conf", conf_s, "--format", "json"]);
    let v = json_of(&out);
    assert_eq!(out.status.code(), Some(1), "{v:#}");
    let www = store(&v, "www.kdb");
    assert!(codes(www).contains(&"SSL0208E".to_string()), "{www:#}");
    assert_eq!(finding(www, "SSL0208E")["label"], "old");
}

#[test]
fn httpd_conf_missing_key_file_global_inheritance_and_crypto_tokens() {
    if !common::require_tool("openssl", "version") {
        return;
    }
    let dir = fresh("labels-httpd-edges");
    make_pki(&dir, &["www"]);
    make_store(&dir, "keys/main.kdb", "www", "www", "old");
    let conf = dir.join("httpd.conf");
    // No ServerRoot: relative paths are taken from the file's directory.
    fs::write(
        &conf,
        "KeyFile keys/main.kdb\n\
         SSLServerCert www\n\
         <VirtualHost *:443>\n\
         SSLEnable\n\
         </VirtualHost>\n\
         <VirtualHost *:8443>\n\
         SSLEnable\n\
         SSLServerCert crypto:server\n\
         SSLStashfile /opt/token.sth\n\
         </VirtualHost>\n\
         <VirtualHost *:9443>\n\
         SSLEnable\n\
         KeyFile keys/gone.kdb\n\
         </VirtualHost>\n\
         <VirtualHost *:80>\n\
         ServerName plain\n\
         </VirtualHost>\n",
    )
    .unwrap();
    let out = KDBMAN.output_in(
        &dir,
        &["lint", "--httpd-conf", "httpd.conf", "--format", "json"],
    );
    let v = json_of(&out);
    let err = String::from_utf8_lossy(&out.stderr);
    // The missing KeyFile: the store cannot be read (exit 3), located at
    // its directive.
    assert_eq!(out.status.code(), Some(3), "{v:#}{err}");
    let gone = store(&v, "gone.kdb");
    assert_eq!(gone["opened"], false);
    let f = finding(gone, "SSL0214E");
    assert_eq!(f["location"]["line"], 13, "{f:#}");
    assert_eq!(f["location"]["directive"], "KeyFile", "{f:#}");
    assert!(
        f["message"].as_str().unwrap().contains("httpd.conf:13"),
        "{f:#}"
    );
    // The *:443 host inherits the global KeyFile and label: one store.
    let main = store(&v, "main.kdb");
    assert_eq!(main["label"], "www");
    assert_eq!(main["summary"]["error"], 0, "{main:#}");
    assert_eq!(main["configured"]["sites"][0], "<VirtualHost *:443>");
    // The crypto token: a note at its line, on stderr and in JSON.
    assert!(
        err.contains("httpd.conf:8") && err.contains("PKCS#11"),
        "{err}"
    );
    let notes = v["notes"].as_array().unwrap();
    assert_eq!(notes.len(), 1, "{v:#}");
    assert_eq!(notes[0]["location"]["line"], 8);
    assert!(
        notes[0]["message"]
            .as_str()
            .unwrap()
            .contains("crypto token `crypto`")
    );
    assert_eq!(v["stores"].as_array().unwrap().len(), 2, "{v:#}");

    // SARIF: the note is a notification at its line.
    let out = KDBMAN.output_in(
        &dir,
        &["lint", "--httpd-conf", "httpd.conf", "--format", "sarif"],
    );
    let s = json_of(&out);
    common::validate_sarif_schema(&dir, &out.stdout);
    let notes = s["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap_or_else(|| panic!("{s:#}"));
    assert!(
        notes.iter().any(
            |n| n["message"]["text"].as_str().unwrap().contains("PKCS#11")
                && n["locations"][0]["physicalLocation"]["region"]["startLine"] == 8
        ),
        "{s:#}"
    );
}

#[test]
fn httpd_conf_include_loops_and_bad_lines_are_errors_naming_file_and_line() {
    let dir = fresh("labels-httpd-loop");
    fs::write(
        dir.join("httpd.conf"),
        "ServerRoot .\nKeyFile k.kdb\nInclude loop.conf\n",
    )
    .unwrap();
    fs::write(
        dir.join("loop.conf"),
        "# back again\n\nInclude httpd.conf\n",
    )
    .unwrap();
    let out = KDBMAN.output_in(&dir, &["lint", "--httpd-conf", "httpd.conf"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(9), "{err}");
    assert!(err.contains("loop.conf:3"), "{err}");
    assert!(err.contains("include loop"), "{err}");

    fs::write(dir.join("httpd.conf"), "Include missing.conf\n").unwrap();
    let out = KDBMAN.output_in(&dir, &["lint", "--httpd-conf", "httpd.conf"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(9), "{err}");
    assert!(
        err.contains("httpd.conf:1") && err.contains("missing.conf"),
        "{err}"
    );

    fs::write(
        dir.join("httpd.conf"),
        "<VirtualHost *:443>\nSSLEnable\n</VirtualHost>\n",
    )
    .unwrap();
    let out = KDBMAN.output_in(&dir, &["lint", "--httpd-conf", "httpd.conf"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(9), "{err}");
    assert!(
        err.contains("httpd.conf:2") && err.contains("no KeyFile"),
        "{err}"
    );

    let out = KDBMAN.output_in(&dir, &["lint", "--httpd-conf", "absent.conf"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("absent.conf"));
}

#[test]
fn labels_file_with_globs_lints_each_store_with_its_own_label() {
    if !common::require_tool("openssl", "version") {
        return;
    }
    let dir = fresh("labels-file");
    make_pki(&dir, &["alpha", "beta"]);
    // Web stores: `alpha` healthy, `beta` broken; MQ stores the reverse.
    make_store(&dir, "keystores/web/w1.kdb", "alpha", "alpha", "beta");
    make_store(&dir, "keystores/web/w2.kdb", "alpha", "alpha", "beta");
    make_store(&dir, "keystores/mq/qm1.kdb", "beta", "beta", "alpha");
    let labels = dir.join("keystores/labels.txt");
    fs::write(
        &labels,
        "# store           label\n\nweb/w*.kdb        alpha\nmq/*.kdb          beta   # queue managers\n",
    )
    .unwrap();
    let lint = |extra: &[&str]| {
        let mut args = vec![
            "lint",
            "--dir",
            "keystores",
            "--stashed",
            "--labels",
            "keystores/labels.txt",
            "--format",
            "json",
        ];
        args.extend(extra);
        let out = KDBMAN.output_in(&dir, &args);
        (json_of(&out), out.status.code())
    };
    let (v, status) = lint(&[]);
    assert_eq!(status, Some(0), "{v:#}");
    assert_eq!(v["stores"].as_array().unwrap().len(), 3, "{v:#}");
    for (suffix, label) in [
        ("w1.kdb", "alpha"),
        ("w2.kdb", "alpha"),
        ("qm1.kdb", "beta"),
    ] {
        let s = store(&v, suffix);
        assert_eq!(s["label"], label, "{s:#}");
        assert_eq!(s["summary"]["error"], 0, "{s:#}");
        assert_eq!(s["configured"]["label_at"]["file"], "keystores/labels.txt");
    }
    assert_eq!(
        store(&v, "qm1.kdb")["configured"]["label_at"]["line"],
        4,
        "{v:#}"
    );
    // Without the file, the broken entries are checked as if in use.
    let out = KDBMAN.output_in(
        &dir,
        &[
            "lint",
            "--dir",
            "keystores",
            "--stashed",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    // Labels swapped: each store fails on the entry the line names.
    fs::write(&labels, "web/*.kdb beta\nmq/qm[0-9].kdb alpha\n").unwrap();
    let (v, status) = lint(&[]);
    assert_eq!(status, Some(1), "{v:#}");
    for (suffix, label) in [("w1.kdb", "beta"), ("w2.kdb", "beta"), ("qm1.kdb", "alpha")] {
        let s = store(&v, suffix);
        assert_eq!(s["label"], label, "{s:#}");
        assert_eq!(finding(s, "SSL0208E")["label"], label, "{s:#}");
    }
    // A label a store lacks is SSL0227E at the line; a literal store
    // path is linted even when --dir did not find it (SSL0214E there).
    fs::write(
        &labels,
        "web/w1.kdb alpha\nweb/w2.kdb alpah\nmq/*.kdb beta\nmq/qm9.kdb beta\n",
    )
    .unwrap();
    let (v, status) = lint(&[]);
    assert_eq!(
        status,
        Some(3),
        "an unreadable store outranks findings: {v:#}"
    );
    let f = finding(store(&v, "w2.kdb"), "SSL0227E");
    assert_eq!(f["location"]["line"], 2, "{f:#}");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("keystores/labels.txt:2"),
        "{f:#}"
    );
    let missing = store(&v, "qm9.kdb");
    assert_eq!(finding(missing, "SSL0214E")["location"]["line"], 4);
    // A wildcard matching no store, and a malformed line: errors naming
    // the file and line.
    fs::write(&labels, "web/*.kdb alpha\nnone/*.kdb beta\n").unwrap();
    let out = KDBMAN.output_in(
        &dir,
        &[
            "lint",
            "--dir",
            "keystores",
            "--stashed",
            "--labels",
            "keystores/labels.txt",
        ],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(9), "{err}");
    assert!(
        err.contains("keystores/labels.txt:2") && err.contains("matches no store"),
        "{err}"
    );
    fs::write(&labels, "web/w1.kdb alpha\nweb/w2.kdb\n").unwrap();
    let out = KDBMAN.output_in(
        &dir,
        &[
            "lint",
            "--dir",
            "keystores",
            "--stashed",
            "--labels",
            "keystores/labels.txt",
        ],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(9), "{err}");
    assert!(err.contains("keystores/labels.txt:2"), "{err}");
}

#[test]
fn mq_qmgr_derives_the_default_label_unless_label_is_given() {
    if !common::require_tool("openssl", "version") {
        return;
    }
    let dir = fresh("labels-mq");
    make_pki(&dir, &["qm"]);
    make_store(&dir, "qm1.kdb", "qm", "ibmwebspheremqqm1", "spare");
    let lint = |extra: &[&str]| {
        let mut args = vec!["lint", "--db", "qm1.kdb", "--stashed", "--format", "json"];
        args.extend(extra);
        let out = KDBMAN.output_in(&dir, &args);
        (json_of(&out), out.status.code())
    };
    let (v, status) = lint(&["--mq-qmgr", "QM1"]);
    assert_eq!(status, Some(0), "{v:#}");
    assert_eq!(v["label"], "ibmwebspheremqqm1");
    assert!(!v.to_string().contains("SSL0208E"), "{v:#}");
    let (v, status) = lint(&["--mq-qmgr", "QM2"]);
    assert_eq!(status, Some(1), "{v:#}");
    assert_eq!(v["label"], "ibmwebspheremqqm2");
    assert!(v.to_string().contains("SSL0206E"), "{v:#}");
    // --label wins, as CERTLABL overrides MQ's default.
    let (v, status) = lint(&["--mq-qmgr", "QM1", "--label", "spare"]);
    assert_eq!(status, Some(1), "{v:#}");
    assert_eq!(v["label"], "spare");
    assert!(v.to_string().contains("SSL0208E"), "{v:#}");
    let out = KDBMAN.output_in(
        &dir,
        &["lint", "--db", "qm1.kdb", "--stashed", "--mq-qmgr", "QM 1"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("queue manager name"));
}

/// Acceptance 1, in one JUnit report: a store whose certificate lacks its
/// intermediate fails (SSL0208E, exit 1) without any label, and a trust
/// store beside it shows the checks that did not run as skipped.
#[test]
fn acceptance_1_missing_intermediate_fails_and_skipped_checks_are_skipped() {
    if !common::require_tool("openssl", "version") {
        return;
    }
    let dir = fresh("labels-acceptance-1");
    make_pki(&dir, &["int"]);
    // An intermediate CA (issued by `int`'s key as a CA) and a leaf under
    // it: made by openssl, the intermediate left out of the store.
    let ext = "[ca]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n[leaf]\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:leaf.example.com\n";
    fs::write(dir.join("a1.cnf"), ext).unwrap();
    for k in ["ica", "leaf"] {
        openssl(
            &dir,
            &[
                "genpkey",
                "-algorithm",
                "EC",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-out",
                &format!("{k}.key"),
            ],
        );
    }
    openssl(
        &dir,
        &[
            "req",
            "-new",
            "-key",
            "ica.key",
            "-subj",
            "/CN=Labels Intermediate",
            "-out",
            "ica.csr",
        ],
    );
    openssl(
        &dir,
        &[
            "x509",
            "-req",
            "-in",
            "ica.csr",
            "-CA",
            "root.pem",
            "-CAkey",
            "root.key",
            "-set_serial",
            "77",
            "-days",
            "900",
            "-sha256",
            "-extfile",
            "a1.cnf",
            "-extensions",
            "ca",
            "-out",
            "ica.pem",
        ],
    );
    openssl(
        &dir,
        &[
            "req",
            "-new",
            "-key",
            "leaf.key",
            "-subj",
            "/CN=leaf.example.com",
            "-out",
            "leaf.csr",
        ],
    );
    openssl(
        &dir,
        &[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "ica.pem",
            "-CAkey",
            "ica.key",
            "-set_serial",
            "78",
            "-days",
            "700",
            "-sha256",
            "-extfile",
            "a1.cnf",
            "-extensions",
            "leaf",
            "-out",
            "leaf.pem",
        ],
    );
    fs::create_dir_all(dir.join("ks")).unwrap();
    for db in ["ks/web.kdb", "ks/trust.kdb"] {
        KDBMAN.ok_in(
            &dir,
            &["keydb", "create", "--db", db, "--pw-env", "PW", "--stash"],
        );
        KDBMAN.ok_in(
            &dir,
            &[
                "cert", "add", "--db", db, "--pw-env", "PW", "--label", "root", "--file",
                "root.pem",
            ],
        );
    }
    KDBMAN.ok_in(
        &dir,
        &[
            "cert",
            "import",
            "--db",
            "ks/web.kdb",
            "--pw-env",
            "PW",
            "--file",
            "leaf.pem",
            "--key",
            "leaf.key",
            "--label",
            "web",
        ],
    );
    let out = KDBMAN.output_in(
        &dir,
        &["lint", "--dir", "ks", "--stashed", "--format", "junit"],
    );
    let xml = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{xml}");
    let suite = |name: &str| {
        let at = xml
            .find(&format!("<testsuite name=\"ks/{name}\""))
            .unwrap_or_else(|| panic!("no suite {name}: {xml}"));
        let rest = &xml[at..];
        rest[..rest.find("</testsuite>").unwrap()].to_string()
    };
    let web = suite("web.kdb");
    assert!(web.contains("<failure type=\"SSL0208E\""), "{web}");
    let trust = suite("trust.kdb");
    let case = &trust[trust.find("<testcase name=\"ssl0208e ").unwrap()..];
    let case = &case[..case.find("</testcase>").unwrap()];
    assert!(case.contains("<skipped message=\""), "{case}");
    assert!(case.contains("trust store"), "{case}");
    assert!(!trust.contains("skipped=\"0\""), "{trust}");
}

/// Two virtual hosts sharing one KeyFile with different labels: the store
/// is linted once per label; JUnit tells the suites apart by label and
/// Prometheus has each series once.
#[test]
fn httpd_conf_one_store_two_labels() {
    if !common::require_tool("openssl", "version") {
        return;
    }
    let dir = fresh("labels-httpd-shared");
    make_pki(&dir, &["www"]);
    make_store(&dir, "keys/shared.kdb", "www", "www", "old");
    fs::write(
        dir.join("httpd.conf"),
        "KeyFile keys/shared.kdb\n\
         <VirtualHost *:443>\nSSLEnable\nSSLServerCert www\n</VirtualHost>\n\
         <VirtualHost *:8443>\nSSLEnable\nSSLServerCert old\n</VirtualHost>\n\
         <VirtualHost *:9443>\nSSLEnable\nSSLServerCert www\n</VirtualHost>\n",
    )
    .unwrap();
    let out = KDBMAN.output_in(
        &dir,
        &["lint", "--httpd-conf", "httpd.conf", "--format", "json"],
    );
    let v = json_of(&out);
    assert_eq!(out.status.code(), Some(1), "{v:#}");
    let both = stores(&v, "shared.kdb");
    assert_eq!(both.len(), 2, "{v:#}");
    assert_eq!(both[0]["label"], "www");
    assert_eq!(both[0]["summary"]["error"], 0, "{v:#}");
    assert_eq!(
        both[0]["configured"]["sites"],
        serde_json::json!(["<VirtualHost *:443>", "<VirtualHost *:9443>"])
    );
    assert_eq!(both[1]["label"], "old");
    assert_eq!(finding(both[1], "SSL0208E")["label"], "old");

    let out = KDBMAN.output_in(
        &dir,
        &["lint", "--httpd-conf", "httpd.conf", "--format", "junit"],
    );
    let xml = String::from_utf8_lossy(&out.stdout);
    assert!(xml.contains("shared.kdb [www]\""), "{xml}");
    assert!(xml.contains("shared.kdb [old]\""), "{xml}");

    let out = KDBMAN.output_in(
        &dir,
        &[
            "lint",
            "--httpd-conf",
            "httpd.conf",
            "--format",
            "prometheus",
        ],
    );
    let prom = String::from_utf8_lossy(&out.stdout);
    let series: Vec<&str> = prom
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.rsplit_once(' ').unwrap().0)
        .collect();
    let unique: std::collections::HashSet<&&str> = series.iter().collect();
    assert_eq!(unique.len(), series.len(), "duplicate series: {prom}");
    assert!(
        prom.contains("code=\"SSL0208E\",severity=\"error\"} 1"),
        "{prom}"
    );
}
