//! `kdbman lint`: every fixture reports exactly its code with its exit
//! status (acceptance 1 and 4), SARIF carries what code scanning needs
//! (acceptance 2), and hostile stores never panic.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

mod common;
use common::floor;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/lint")
}

/// Copies the fixtures into a temporary directory with mode 0600 (git
/// checks files out 0644, which lint would rightly warn about).
fn copy_fixtures() -> TempDir {
    let tmp = TempDir::new().unwrap();
    copy_dir(&fixtures(), tmp.path());
    tmp
}

fn copy_dir(from: &Path, to: &Path) {
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            fs::create_dir(&dest).unwrap();
            copy_dir(&e.path(), &dest);
        } else {
            fs::copy(e.path(), &dest).unwrap();
            fs::set_permissions(&dest, fs::Permissions::from_mode(0o600)).unwrap();
        }
    }
}

fn manifest() -> Value {
    serde_json::from_str(&fs::read_to_string(fixtures().join("manifest.json")).unwrap()).unwrap()
}

/// Runs lint on one manifest case in `dir`; returns stdout and exit status.
fn lint_case(dir: &Path, case: &Value, format: &str) -> (String, i32) {
    let mut cmd = Command::cargo_bin("kdbman").unwrap();
    cmd.current_dir(dir).args([
        "lint",
        "--db",
        case["db"].as_str().unwrap(),
        "--format",
        format,
    ]);
    if let Some(pw) = case["auth"]["pw_file"].as_str() {
        cmd.args(["--pw-file", pw]);
    }
    if let Some(st) = case["auth"]["stash"].as_str() {
        cmd.args(["--stash", st]);
    }
    for a in case["args"].as_array().unwrap() {
        cmd.arg(a.as_str().unwrap());
    }
    let out = cmd.output().unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        out.status.code().unwrap_or(-1),
    )
}

fn codes_of(json: &Value) -> Vec<String> {
    let mut v: Vec<String> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect();
    v.sort();
    v
}

#[test]
fn every_fixture_reports_exactly_its_code_and_status() {
    let tmp = copy_fixtures();
    let m = manifest();
    let cases = m["cases"].as_array().unwrap();
    let mut covered: Vec<String> = Vec::new();
    for case in cases {
        if let Some(mode) = case["mode"].as_u64() {
            let p = tmp.path().join(case["db"].as_str().unwrap());
            fs::set_permissions(&p, fs::Permissions::from_mode(mode as u32)).unwrap();
        }
        let name = case["name"].as_str().unwrap();
        let (stdout, status) = lint_case(tmp.path(), case, "json");
        let json: Value = serde_json::from_str(&stdout)
            .unwrap_or_else(|e| panic!("{name}: not JSON ({e}): {stdout}"));
        let mut want: Vec<String> = case["codes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_string())
            .collect();
        want.sort();
        assert_eq!(codes_of(&json), want, "{name}: {json:#}");
        assert_eq!(status as u64, case["exit"].as_u64().unwrap(), "{name}");
        assert_eq!(json["schema"], "kdbman-lint/1");
        for f in json["findings"].as_array().unwrap() {
            for k in ["severity", "message", "fix", "check", "title"] {
                assert!(
                    f[k].as_str().is_some_and(|s| !s.is_empty()),
                    "{name}: finding without {k}: {f}"
                );
            }
        }
        covered.extend(want);
    }
    // The table is not allowed to shrink below the conditions of the issue.
    for code in [
        "SSL0206E", "SSL0208E", "SSL0209E", "SSL0210E", "SSL0213E", "SSL0214E", "SSL0215E",
        "SSL0216E", "SSL0217E", "SSL0218E", "SSL0219E", "SSL0221E", "SSL0223E", "SSL0224E",
        "SSL0225E", "SSL0227E", "SSL0228E", "KDB0001W", "KDB0003W", "KDB0004W", "KDB0005W",
        "KDB0006W", "KDB0007W", "KDB0008W", "KDB0009W", "KDB0014W",
    ] {
        assert!(covered.iter().any(|c| c == code), "no fixture for {code}");
    }
    assert!(
        cases
            .iter()
            .any(|c| c["name"] == "clean" && c["codes"].as_array().unwrap().is_empty())
    );
}

fn case(name: &str) -> Value {
    manifest()["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap()
        .clone()
}

#[test]
fn serial_zero_is_an_error_on_the_certificate_in_use_and_a_warning_on_a_root() {
    let tmp = copy_fixtures();
    let finding = |name: &str| {
        let (out, _) = lint_case(tmp.path(), &case(name), "json");
        let v: Value = serde_json::from_str(&out).unwrap();
        let f = v["findings"].as_array().unwrap();
        assert_eq!(f.len(), 1, "{name}: {v:#}");
        f[0].clone()
    };
    // TLS checks the server's own certificate: its serial 0 is SSL0210E.
    let e = finding("SSL0210E");
    assert_eq!(e["severity"], "error", "{e}");
    assert_eq!(e["label"], "server", "{e}");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("serial number is zero"),
        "{e}"
    );
    // A self-signed signer is a trust anchor: its serial 0 is only KDB0014W,
    // naming the certificate and how to remove it.
    let w = finding("KDB0014W");
    assert_eq!(w["severity"], "warning", "{w}");
    assert_eq!(w["label"], "zero-serial", "{w}");
    let msg = w["message"].as_str().unwrap();
    assert!(
        msg.contains("CN=kdbman fixture zero serial") && msg.contains("serial number is zero"),
        "{msg}"
    );
    let fix = w["fix"].as_str().unwrap();
    assert!(
        fix.contains("harmless as a trust anchor")
            && fix.contains("cert delete")
            && fix.contains("--label zero-serial"),
        "{fix}"
    );
}

#[test]
fn md5_signed_server_certificate_is_named_as_md5_not_a_wrong_issuer() {
    // A certificate TLS checks, signed with MD5 (openssl still signs so):
    // the chain cannot validate (SSL0208E), for the real reason, and
    // KDB0002W names the hash. Its SHA-256 root is fine.
    if !common::require_tool("openssl", "version") {
        return;
    }
    let tmp = TempDir::new().unwrap();
    let d = tmp.path();
    let t = |args: &[&str]| common::tool(d, "openssl", args);
    t(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-subj",
        "/CN=MD5 Test CA",
        "-days",
        "3650",
        "-sha256",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
    ]);
    t(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "leaf.key",
        "-out",
        "leaf.csr",
        "-subj",
        "/CN=md5.example",
    ]);
    fs::write(
        d.join("ext"),
        "subjectAltName=DNS:md5.example\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    t(&[
        "x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-out", "leaf.pem",
        "-days", "3650", "-md5", "-extfile", "ext",
    ]);
    let run = |args: &[&str]| {
        Command::cargo_bin("kdbman")
            .unwrap()
            .current_dir(d)
            .env("KPW", "Some-long-Password-2026")
            .args(args)
            .args(["--db", "s.kdb", "--pw-env", "KPW"])
            .output()
            .unwrap()
    };
    assert!(run(&["keydb", "create"]).status.success());
    assert!(
        run(&["cert", "add", "--label", "ca", "--file", "ca.pem"])
            .status
            .success()
    );
    let imp = run(&[
        "cert", "import", "--label", "web", "--file", "leaf.pem", "--key", "leaf.key",
    ]);
    assert!(imp.status.success(), "{imp:?}");
    let out = run(&["lint", "--label", "web", "--format", "json"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = v["findings"].as_array().unwrap();
    let chain = f
        .iter()
        .find(|f| f["code"] == "SSL0208E")
        .unwrap_or_else(|| panic!("{v:#}"));
    let msg = chain["message"].as_str().unwrap();
    assert!(msg.contains("md5WithRSAEncryption"), "{msg}");
    assert!(!msg.contains("does not verify with its issuer"), "{msg}");
    assert!(
        f.iter()
            .any(|f| f["code"] == "KDB0002W" && f["message"].as_str().unwrap().contains("MD5")),
        "{v:#}"
    );
    assert!(!f.iter().any(|f| f["code"] == "KDB0014W"), "{v:#}");
}

#[test]
fn serial_zero_intermediate_is_an_error_and_serial_zero_root_a_warning() {
    // An imported chain: leaf, intermediate with serial 0, root with serial
    // 0. TLS processes the intermediate (SSL0210E, where it is a signer and
    // in the personal entry's chain); the root is the anchor (KDB0014W,
    // once, on its signer entry, with a fix that pastes into a shell).
    if !common::require_tool("openssl", "version") {
        return;
    }
    let tmp = TempDir::new().unwrap();
    let d = tmp.path();
    let t = |args: &[&str]| common::tool(d, "openssl", args);
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
    ];
    let mut root = vec!["req", "-x509"];
    root.extend(ec);
    root.extend([
        "-keyout",
        "r.key",
        "-out",
        "r.pem",
        "-subj",
        "/CN=Zero Root",
        "-days",
        "3650",
        "-set_serial",
        "0",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
    ]);
    t(&root);
    for (name, cn) in [("i", "/CN=Zero Intermediate"), ("l", "/CN=z.example")] {
        let (key, csr) = (format!("{name}.key"), format!("{name}.csr"));
        let mut req = vec!["req"];
        req.extend(ec);
        req.extend(["-keyout", &key, "-out", &csr, "-subj", cn]);
        t(&req);
    }
    fs::write(
        d.join("ie"),
        "basicConstraints=critical,CA:TRUE\nkeyUsage=keyCertSign\n",
    )
    .unwrap();
    fs::write(
        d.join("le"),
        "subjectAltName=DNS:z.example\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    t(&[
        "x509",
        "-req",
        "-in",
        "i.csr",
        "-CA",
        "r.pem",
        "-CAkey",
        "r.key",
        "-set_serial",
        "0",
        "-out",
        "i.pem",
        "-days",
        "3000",
        "-extfile",
        "ie",
    ]);
    t(&[
        "x509",
        "-req",
        "-in",
        "l.csr",
        "-CA",
        "i.pem",
        "-CAkey",
        "i.key",
        "-set_serial",
        "7",
        "-out",
        "l.pem",
        "-days",
        "2000",
        "-extfile",
        "le",
    ]);
    let chain: Vec<u8> = ["l.pem", "i.pem", "r.pem"]
        .iter()
        .flat_map(|f| fs::read(d.join(f)).unwrap())
        .collect();
    fs::write(d.join("chain.pem"), chain).unwrap();
    let run = |args: &[&str]| {
        Command::cargo_bin("kdbman")
            .unwrap()
            .current_dir(d)
            .env("KPW", "Some-long-Password-2026")
            .args(args)
            .args(["--db", "s.kdb", "--pw-env", "KPW"])
            .output()
            .unwrap()
    };
    assert!(run(&["keydb", "create"]).status.success());
    let imp = run(&[
        "cert",
        "import",
        "--label",
        "web",
        "--file",
        "chain.pem",
        "--key",
        "l.key",
    ]);
    assert!(imp.status.success(), "{imp:?}");
    let out = run(&["lint", "--label", "web", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = v["findings"].as_array().unwrap();
    let errors: Vec<&Value> = f.iter().filter(|f| f["severity"] == "error").collect();
    assert!(!errors.is_empty(), "{v:#}");
    for e in &errors {
        assert_eq!(e["code"], "SSL0210E", "{v:#}");
        let msg = e["message"].as_str().unwrap();
        assert!(
            e["label"] == "Zero Intermediate" || msg.contains("CN=Zero Intermediate"),
            "{e}"
        );
    }
    assert!(errors.iter().any(|e| e["label"] == "web"), "{v:#}");
    let w: Vec<&Value> = f.iter().filter(|f| f["code"] == "KDB0014W").collect();
    assert_eq!(w.len(), 1, "{v:#}");
    assert_eq!(w[0]["label"], "Zero Root");
    let fix = w[0]["fix"].as_str().unwrap();
    assert!(fix.contains("--label 'Zero Root'"), "{fix}");
}

#[test]
fn sha1_self_signature_alone_is_not_an_old_root() {
    // Roots in wide use sign themselves with SHA-1: no KDB0014W for that
    // alone; with serial 0 it is one, and SHA-1 is named with it.
    if !common::require_tool("openssl", "version") {
        return;
    }
    let tmp = TempDir::new().unwrap();
    let d = tmp.path();
    for (name, serial) in [("current", "5"), ("old", "0")] {
        let (key, pem, subj) = (
            format!("{name}.key"),
            format!("{name}.pem"),
            format!("/CN=SHA-1 {name} root"),
        );
        common::tool(
            d,
            "openssl",
            &[
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-sha1",
                "-keyout",
                &key,
                "-out",
                &pem,
                "-subj",
                &subj,
                "-days",
                "3650",
                "-set_serial",
                serial,
            ],
        );
    }
    let run = |args: &[&str]| {
        Command::cargo_bin("kdbman")
            .unwrap()
            .current_dir(d)
            .env("KPW", "Some-long-Password-2026")
            .args(args)
            .args(["--db", "s.kdb", "--pw-env", "KPW"])
            .output()
            .unwrap()
    };
    assert!(run(&["keydb", "create"]).status.success());
    for name in ["current", "old"] {
        let pem = format!("{name}.pem");
        let out = run(&["cert", "add", "--label", name, "--file", &pem]);
        assert!(out.status.success(), "{out:?}");
    }
    let out = run(&["lint", "--format", "json"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let w: Vec<&Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "KDB0014W")
        .collect();
    assert_eq!(w.len(), 1, "{v:#}");
    assert_eq!(w[0]["label"], "old");
    let msg = w[0]["message"].as_str().unwrap();
    assert!(
        msg.contains("serial number is zero") && msg.contains("SHA-1"),
        "{msg}"
    );
}

#[test]
fn unopenable_stores_have_distinct_statuses() {
    // Acceptance 4: a damaged store, a wrong password, a foreign stash and
    // a directory each give their own code and exit status.
    let tmp = copy_fixtures();
    let mut seen = Vec::new();
    for (name, code, status) in [
        ("SSL0218E-damaged", "SSL0218E", 5),
        ("SSL0218E-password", "SSL0218E", 6),
        ("SSL0228E-foreign", "SSL0228E", 7),
        ("SSL0214E", "SSL0214E", 3),
    ] {
        for format in ["json", "text", "sarif"] {
            let (out, got) = lint_case(tmp.path(), &case(name), format);
            assert_eq!(got, status, "{name} {format}");
            assert!(out.contains(code), "{name} {format}: {out}");
        }
        seen.push(status);
    }
    seen.dedup();
    assert_eq!(seen.len(), 4);
    // Wrong password and damage share a code but not a message.
    let message = |name: &str| {
        let (out, _) = lint_case(tmp.path(), &case(name), "json");
        let v: Value = serde_json::from_str(&out).unwrap();
        v["findings"][0]["message"].as_str().unwrap().to_string()
    };
    let (damaged, wrong) = (message("SSL0218E-damaged"), message("SSL0218E-password"));
    assert!(
        damaged.contains("damaged") && !damaged.contains("password"),
        "{damaged}"
    );
    assert!(wrong.contains("password is incorrect"), "{wrong}");
}

#[test]
fn sarif_has_what_code_scanning_needs() {
    let tmp = copy_fixtures();
    let (out, status) = lint_case(tmp.path(), &case("SSL0216E"), "sarif");
    assert_eq!(status, 1);
    let s: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(s["version"], "2.1.0");
    assert!(s["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let runs = s["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let driver = &runs[0]["tool"]["driver"];
    assert_eq!(driver["name"], "kdbman");
    let rules = driver["rules"].as_array().unwrap();
    let rule_ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    for id in ["SSL0216E", "SSL0218E", "SSL0228E", "KDB0005W"] {
        assert!(rule_ids.contains(&id), "no rule {id}");
    }
    let mut sorted = rule_ids.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), rule_ids.len(), "one rule per code");
    for r in rules {
        assert!(
            r["shortDescription"]["text"]
                .as_str()
                .is_some_and(|t| !t.is_empty())
        );
    }
    let results = runs[0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1);
    let r = &results[0];
    assert_eq!(r["ruleId"], "SSL0216E");
    assert_eq!(r["level"], "error");
    let idx = r["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(rules[idx]["id"], "SSL0216E");
    assert!(
        r["message"]["text"]
            .as_str()
            .unwrap()
            .contains("server-copy")
    );
    let loc = &r["locations"][0];
    assert_eq!(
        loc["physicalLocation"]["artifactLocation"]["uri"],
        "SSL0216E.kdb"
    );
    assert_eq!(loc["logicalLocations"][0]["name"], "server");
    // A warning maps to SARIF's warning level.
    let (out, _) = lint_case(tmp.path(), &case("KDB0003W"), "sarif");
    let s: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(s["runs"][0]["results"][0]["level"], "warning");
}

#[test]
fn at_moves_every_time_check() {
    let tmp = copy_fixtures();
    let clean = case("clean");
    let run = |at: &str| {
        let mut c = clean.clone();
        c["args"] = serde_json::json!(["--at", at]);
        let (out, status) = lint_case(tmp.path(), &c, "json");
        (codes_of(&serde_json::from_str(&out).unwrap()), status, out)
    };
    let (codes, status, out) = run("2100-06-01");
    assert_eq!(codes, ["SSL0219E"], "{out}");
    assert_eq!(status, 1);
    assert!(out.contains("expired on 2099-12-31"), "{out}");
    let (codes, _, out) = run("1999-12-01T00:00:00Z");
    assert!(
        codes.iter().all(|c| c == "SSL0221E") && !codes.is_empty(),
        "{out}"
    );
    assert!(
        out.contains("not valid yet") && out.contains("31 days"),
        "{out}"
    );
    let (codes, status, _) = run("@1700000000");
    assert!(codes.is_empty());
    assert_eq!(status, 0);
    // A bad --at is a usage error, not a finding.
    let mut c = clean.clone();
    c["args"] = serde_json::json!(["--at", "next tuesday"]);
    assert_eq!(lint_case(tmp.path(), &c, "json").1, 2);
}

#[test]
fn fail_on_sets_the_threshold() {
    let tmp = copy_fixtures();
    let mut c = case("KDB0003W");
    assert_eq!(lint_case(tmp.path(), &c, "json").1, 0);
    c["args"] = serde_json::json!(["--fail-on", "warning"]);
    assert_eq!(lint_case(tmp.path(), &c, "json").1, 1);
    c["args"] = serde_json::json!(["--fail-on", "info"]);
    assert_eq!(lint_case(tmp.path(), &c, "json").1, 1);
}

#[test]
fn text_is_grouped_and_plain_off_a_terminal() {
    let tmp = copy_fixtures();
    let (out, status) = lint_case(tmp.path(), &case("SSL0217E"), "text");
    assert_eq!(status, 1);
    assert!(!out.contains('\x1b'), "colour off a terminal: {out:?}");
    assert!(out.contains("entry `server`"), "{out}");
    assert!(out.contains("SSL0217E") && out.contains("fix: "), "{out}");
    let (out, _) = lint_case(tmp.path(), &case("clean"), "text");
    assert!(out.contains("no findings"), "{out}");
}

#[test]
fn checks_lists_every_catalogue_code_with_its_handling() {
    let out = Command::cargo_bin("kdbman")
        .unwrap()
        .args(["lint", "--checks", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let codes = v["codes"].as_array().unwrap();
    let find = |id: &str| codes.iter().find(|c| c["code"] == id).unwrap().clone();
    assert_eq!(codes.len(), kdbman::diagnose::catalogue::CODES.len());
    assert_eq!(find("SSL0208E")["coverage"], "lint");
    assert_eq!(find("SSL0207E")["coverage"], "serve");
    assert_eq!(find("SSL0222W")["coverage"], "serve");
    assert_eq!(find("SSL0226I")["coverage"], "serve");
    for na in ["SSL0211E", "SSL0220E"] {
        let c = find(na);
        assert_eq!(c["coverage"], "not-applicable");
        assert!(c["reason"].as_str().unwrap().starts_with("Not applicable"));
    }
}

#[test]
fn hostile_store_bytes_never_panic() {
    let tmp = copy_fixtures();
    let clean = fs::read(tmp.path().join("clean.kdb")).unwrap();
    let target = tmp.path().join("hostile.kdb");
    fs::copy(tmp.path().join("clean.pw"), tmp.path().join("hostile.pw")).unwrap();
    let mut variants: Vec<Vec<u8>> = Vec::new();
    for cut in [0, 1, 7, 8, 16, 40, 100, clean.len() / 2, clean.len() - 1] {
        variants.push(clean[..cut].to_vec());
    }
    for pos in (0..clean.len()).step_by(clean.len() / 24 + 1) {
        let mut v = clean.clone();
        v[pos] ^= 0x5a;
        variants.push(v);
    }
    let c = serde_json::json!({"db": "hostile.kdb", "auth": {"pw_file": "hostile.pw"}, "args": []});
    for v in variants {
        fs::write(&target, &v).unwrap();
        fs::set_permissions(&target, fs::Permissions::from_mode(0o600)).unwrap();
        let (out, status) = lint_case(tmp.path(), &c, "json");
        assert!(
            (3..=7).contains(&status),
            "status {status} for {} bytes: {out}",
            v.len()
        );
        let json: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(json["findings"].as_array().unwrap().len(), 1, "{json}");
    }
}

/// A store made only with `cert create` (a self-signed server certificate
/// with a SAN, set as the default) is what IHS would serve: no errors.
#[test]
fn self_signed_store_from_cert_create_is_clean() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("self.kdb");
    let run = |args: &[&str]| {
        Command::cargo_bin("kdbman")
            .unwrap()
            .env("PW", "pw-self-signed")
            .args(args)
            .assert()
            .success();
    };
    let db_s = db.to_str().unwrap();
    run(&[
        "keydb",
        "create",
        "--db",
        db_s,
        "--pw-env",
        "PW",
        "--kdf-floor",
        "--type",
        "kdbman",
    ]);
    run(&[
        "cert",
        "create",
        "--db",
        db_s,
        "--pw-env",
        "PW",
        "--label",
        "web",
        "--dn",
        "CN=localhost",
        "--san",
        "dns:localhost",
        "--key",
        "ec:p256",
        "--default",
    ]);
    let out = Command::cargo_bin("kdbman")
        .unwrap()
        .env("PW", "pw-self-signed")
        .args(["lint", "--db", db_s, "--pw-env", "PW", "--format", "json"])
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(codes_of(&json), Vec::<String>::new(), "{json}");
    assert_eq!(out.status.code(), Some(0));
}

/// A private key whose stored public half is another key's (only another
/// tool could write one): the server cannot load it, so lint reports it as
/// SSL0209E whether or not it is the entry in use, and never suggests
/// another key type (SSL0213E) for a P-256 key.
#[test]
fn a_key_whose_parts_disagree_is_ssl0209e_in_use_or_not() {
    use kdbman::diagnose::{self, LintTarget};
    use kdbman::pki::{CertSpec, KeyType, keygen};
    use kdbman::{Entry, Password, PrivateKey, Store};

    let tmp = TempDir::new().unwrap();
    let path = tmp.path().join("mixed.kdbx");
    let pw = Password::new("lint-mixed-pw");
    let opts = floor();
    let mut store = Store::create(&path, &pw, &opts).unwrap();
    let good_key = keygen::generate(KeyType::EcP256).unwrap();
    let good = CertSpec::new("CN=good.example", 30)
        .self_signed(&good_key)
        .unwrap();
    store
        .add(Entry::personal("good", vec![good], good_key))
        .unwrap();

    let key = keygen::generate(KeyType::EcP256).unwrap();
    let other = keygen::generate(KeyType::EcP256).unwrap();
    let cert = CertSpec::new("CN=mixed.example", 30)
        .self_signed(&key)
        .unwrap();
    // `other`'s private part, `key`'s public point (the last 65 bytes of a
    // ring-made P-256 PKCS#8 are the stored point).
    let mut mixed = other.pkcs8_der().to_vec();
    let point = &key.pkcs8_der()[key.pkcs8_der().len() - 65..];
    let n = mixed.len();
    mixed[n - 65..].copy_from_slice(point);
    assert_eq!(mixed[n - 65], 0x04, "an uncompressed point");
    store.add_unchecked(Entry::personal(
        "mixed",
        vec![cert],
        PrivateKey::from_pkcs8_der(mixed),
    ));
    store.save().unwrap();

    for in_use in ["good", "mixed"] {
        let findings = diagnose::lint(&LintTarget {
            path: &path,
            store: Ok(&store),
            stash: None,
            label: Some(in_use),
            at: diagnose::now(),
            warn_days: diagnose::DEFAULT_WARN_DAYS,
        });
        let codes: Vec<(&str, Option<&str>)> = findings
            .iter()
            .map(|f| (f.code, f.label.as_deref()))
            .collect();
        assert!(
            codes.contains(&("SSL0209E", Some("mixed"))),
            "in use {in_use}: {codes:?}"
        );
        assert!(
            !codes.iter().any(|(c, _)| *c == "SSL0213E"),
            "in use {in_use}: {codes:?}"
        );
        assert!(
            !codes.contains(&("SSL0209E", Some("good"))),
            "in use {in_use}: {codes:?}"
        );
    }
}
