//! `kdbman lint` over a fleet of stores (issue 14): a directory of 20
//! stores in one run, the expiry of every certificate, and the JUnit,
//! Prometheus and SARIF outputs checked by real consumers: junitparser
//! (PyPI), `promtool check metrics` (Debian's prometheus) and a JSON
//! schema validator (PyPI jsonschema) with the SARIF 2.1.0 schema that npm
//! `@microsoft/jest-sarif` ships. `.ci/run` installs all three.

mod common;
use common::{Kdbman, python_has};

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use assert_cmd::cargo::cargo_bin;
use serde_json::Value;

/// Strong enough that lint does not call it guessable (KDB0006W).
const PW: &str = "Fleet-Password-2026!";
const OTHER_PW: &str = "Another-Password-2026!";
/// kdbman with the fleet's password in `PW` (colour left to kdbman).
const KDBMAN: Kdbman = Kdbman::new(&[("PW", PW)])
    .without(&["NO_COLOR"])
    .stdin_null();
/// The same with the other store's password.
const OTHER: Kdbman = Kdbman::new(&[("PW", OTHER_PW)])
    .without(&["NO_COLOR"])
    .stdin_null();

/// A store with a `web` certificate valid for `days` (the one in use with
/// `--label web`), made with the CLI as an admin would.
fn make_store(dir: &Path, name: &str, native: bool, stash: bool, k: &Kdbman, days: u32) {
    let mut args = vec!["keydb", "create", "--db", name, "--pw-env", "PW"];
    if native {
        args.extend(["--type", "kdbman", "--kdf-floor"]);
    }
    if stash {
        args.push("--stash");
    }
    k.ok_in(dir, &args);
    let days = days.to_string();
    let mut args = vec![
        "cert",
        "create",
        "--db",
        name,
        "--pw-env",
        "PW",
        "--label",
        "web",
        "--dn",
        "CN=www.example.com,O=kdbman fleet",
        "--san",
        "dns:www.example.com",
        "--key",
        "ec:p256",
        "--days",
        &days,
    ];
    // Where a CMS store marks its default is unknown: servers name the
    // label, and so does lint (--label web).
    if native {
        args.push("--default");
    }
    k.ok_in(dir, &args);
}

fn add_cert(dir: &Path, db: &str, label: &str, days: u32, k: &Kdbman) {
    let days = days.to_string();
    k.ok_in(
        dir,
        &[
            "cert",
            "create",
            "--db",
            db,
            "--pw-env",
            "PW",
            "--label",
            label,
            "--dn",
            &format!("CN={label}.example.com,O=kdbman fleet"),
            "--san",
            &format!("dns:{label}.example.com"),
            "--key",
            "ec:p256",
            "--days",
            &days,
        ],
    );
}

/// What each store of the fleet must report.
struct Expect {
    path: &'static str,
    codes: &'static [&'static str],
    opened: bool,
}

/// The 20 stores under `fleet/`, and what lint must say of each.
const EXPECT: &[Expect] = &[
    Expect {
        path: "fleet/cms-00.kdb",
        codes: &[],
        opened: true,
    },
    Expect {
        path: "fleet/cms-01.kdb",
        codes: &[],
        opened: true,
    },
    Expect {
        path: "fleet/cms-02.kdb",
        codes: &[],
        opened: true,
    },
    Expect {
        path: "fleet/cms-03.kdb",
        codes: &[],
        opened: true,
    },
    Expect {
        path: "fleet/cms-04.kdb",
        codes: &[],
        opened: true,
    },
    Expect {
        path: "fleet/cms-05.kdb",
        codes: &[],
        opened: true,
    },
    Expect {
        path: "fleet/cms-damaged.kdb",
        codes: &["SSL0218E"],
        opened: false,
    },
    Expect {
        path: "fleet/cms-second-expiring.kdb",
        codes: &["KDB0010W"],
        opened: true,
    },
    Expect {
        path: "fleet/cms-wrong-stash.kdb",
        codes: &["SSL0228E"],
        opened: false,
    },
    Expect {
        path: "fleet/team-a/cms-10.kdb",
        codes: &[],
        opened: true,
    },
    Expect {
        path: "fleet/team-a/cms-11.kdb",
        codes: &[],
        opened: true,
    },
    Expect {
        path: "fleet/team-a/cms-12-expiring.kdb",
        codes: &["KDB0001W"],
        opened: true,
    },
    Expect {
        path: "fleet/team-a/native-00.kdbx",
        codes: &[],
        opened: true,
    },
    Expect {
        path: "fleet/team-a/native-01.kdbx",
        codes: &[],
        opened: true,
    },
    Expect {
        path: "fleet/team-a/native-02.kdbx",
        codes: &[],
        opened: true,
    },
    Expect {
        path: "fleet/team-b/deeper/native-03.kdbx",
        codes: &[],
        opened: true,
    },
    Expect {
        path: "fleet/team-b/deeper/native-04.kdbx",
        codes: &[],
        opened: true,
    },
    Expect {
        path: "fleet/team-b/deeper/native-05.kdbx",
        codes: &[],
        opened: true,
    },
    Expect {
        path: "fleet/team-b/native-exposed.kdbx",
        codes: &["KDB0005W"],
        opened: true,
    },
    Expect {
        path: "fleet/team-b/native-second-5-days.kdbx",
        codes: &["KDB0010W"],
        opened: true,
    },
];

/// Builds the fleet once per test binary, under cargo's target tmp dir:
/// CMS stores with GSKit stashes, native stores with and without kdbman
/// stashes, a damaged one, one with a wrong stash, stores with a second
/// certificate near its end, and files lint must skip.
fn fleet() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("lint_fleet");
        let _ = fs::remove_dir_all(&root);
        for d in ["fleet/team-a", "fleet/team-b/deeper", "fleet/.git"] {
            fs::create_dir_all(root.join(d)).unwrap();
        }
        for i in 0..6 {
            make_store(
                &root,
                &format!("fleet/cms-0{i}.kdb"),
                false,
                true,
                &KDBMAN,
                365,
            );
        }
        for i in 10..12 {
            make_store(
                &root,
                &format!("fleet/team-a/cms-{i}.kdb"),
                false,
                true,
                &KDBMAN,
                365,
            );
        }
        make_store(
            &root,
            "fleet/team-a/cms-12-expiring.kdb",
            false,
            true,
            &KDBMAN,
            10,
        );
        for i in 0..3 {
            // With a stash.
            make_store(
                &root,
                &format!("fleet/team-a/native-0{i}.kdbx"),
                true,
                true,
                &KDBMAN,
                365,
            );
        }
        for i in 3..6 {
            // Without: the shared password opens them.
            let p = format!("fleet/team-b/deeper/native-0{i}.kdbx");
            make_store(&root, &p, true, false, &KDBMAN, 365);
        }
        make_store(
            &root,
            "fleet/team-b/native-exposed.kdbx",
            true,
            false,
            &KDBMAN,
            365,
        );
        fs::set_permissions(
            root.join("fleet/team-b/native-exposed.kdbx"),
            fs::Permissions::from_mode(0o644),
        )
        .unwrap();
        // The issue's case: the default valid for a year, a second personal
        // certificate expiring in 10 days.
        make_store(
            &root,
            "fleet/cms-second-expiring.kdb",
            false,
            true,
            &KDBMAN,
            365,
        );
        add_cert(
            &root,
            "fleet/cms-second-expiring.kdb",
            "old-vhost",
            10,
            &KDBMAN,
        );
        make_store(
            &root,
            "fleet/team-b/native-second-5-days.kdbx",
            true,
            true,
            &KDBMAN,
            365,
        );
        add_cert(
            &root,
            "fleet/team-b/native-second-5-days.kdbx",
            "legacy",
            5,
            &KDBMAN,
        );
        // Damaged: bytes flipped in the middle (the header still says CMS).
        make_store(&root, "fleet/cms-damaged.kdb", false, true, &KDBMAN, 365);
        let p = root.join("fleet/cms-damaged.kdb");
        let mut b = fs::read(&p).unwrap();
        let mid = b.len() / 2;
        for x in &mut b[mid..mid + 64] {
            *x ^= 0xa5;
        }
        fs::write(&p, b).unwrap();
        // A wrong stash: another store's, for another password.
        make_store(
            &root,
            "fleet/cms-wrong-stash.kdb",
            false,
            true,
            &KDBMAN,
            365,
        );
        make_store(&root, "other.kdb", false, true, &OTHER, 365);
        fs::copy(
            root.join("other.sth"),
            root.join("fleet/cms-wrong-stash.sth"),
        )
        .unwrap();
        // Files the walk must skip: text, PEM, password files, a store in a
        // hidden directory.
        fs::write(root.join("fleet/README.md"), "# keystores\n").unwrap();
        fs::write(root.join("fleet/team-a/pw.txt"), format!("{PW}\n")).unwrap();
        fs::write(
            root.join("fleet/team-a/ca.pem"),
            "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
        )
        .unwrap();
        fs::copy(root.join("other.kdb"), root.join("fleet/.git/copy.kdb")).unwrap();
        for e in walk(&root.join("fleet")) {
            if !e.ends_with("native-exposed.kdbx") {
                fs::set_permissions(&e, fs::Permissions::from_mode(0o600)).unwrap();
            }
        }
        root
    })
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// `kdbman lint --dir fleet` with each store's stash, the password for
/// those without one, and the label every server uses.
fn lint_fleet(extra: &[&str]) -> (String, i32) {
    let mut args = vec![
        "lint",
        "--dir",
        "fleet",
        "--stashed",
        "--pw-env",
        "PW",
        "--label",
        "web",
    ];
    args.extend(extra);
    let out = KDBMAN.output_in(fleet(), &args);
    (
        String::from_utf8(out.stdout).unwrap(),
        out.status.code().unwrap_or(-1),
    )
}

fn sorted_codes(store: &Value) -> Vec<String> {
    let mut v: Vec<String> = store["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect();
    v.sort();
    v
}

#[test]
fn twenty_stores_in_one_run_each_with_its_own_findings() {
    let (out, status) = lint_fleet(&["--format", "json"]);
    let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    assert_eq!(v["schema"], "kdbman-lint-fleet/1");
    let stores = v["stores"].as_array().unwrap();
    let paths: Vec<&str> = stores
        .iter()
        .map(|s| s["store"].as_str().unwrap())
        .collect();
    let want: Vec<&str> = EXPECT.iter().map(|e| e.path).collect();
    // Every store, once, in walk order; nothing else (.rdb, .sth, README,
    // PEM, password file, .git/ skipped).
    assert_eq!(paths, want, "{v:#}");
    for e in EXPECT {
        let s = stores.iter().find(|s| s["store"] == e.path).unwrap();
        assert_eq!(s["schema"], "kdbman-lint/1");
        assert_eq!(sorted_codes(s), e.codes, "{}: {s:#}", e.path);
        assert_eq!(s["opened"], e.opened, "{}", e.path);
        let format = if e.path.ends_with(".kdbx") {
            "kdbman"
        } else {
            "cms"
        };
        if e.opened {
            assert_eq!(s["format"], format, "{}", e.path);
            assert!(!s["certificates"].as_array().unwrap().is_empty());
        } else {
            assert!(s["format"].is_null());
        }
    }
    let damaged = stores
        .iter()
        .find(|s| s["store"] == "fleet/cms-damaged.kdb")
        .unwrap();
    assert!(
        damaged["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("damaged"),
        "{damaged:#}"
    );
    // The issue's case: the second certificate is named, with its date.
    let second = stores
        .iter()
        .find(|s| s["store"] == "fleet/cms-second-expiring.kdb")
        .unwrap();
    assert_eq!(second["findings"][0]["label"], "old-vhost");
    assert!(
        second["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("old-vhost")
    );
    assert_eq!(v["summary"]["stores"], 20);
    assert_eq!(v["summary"]["failed"], 2);
    assert_eq!(v["summary"]["opened"], 18);
    // Worst of all: the wrong stash (7) outranks the damaged store (5)
    // and the warnings.
    assert_eq!(status, 7);

    // Text: every store, and the run's summary.
    let (text, status) = lint_fleet(&[]);
    assert_eq!(status, 7);
    for e in EXPECT {
        assert!(text.contains(e.path), "{} missing: {text}", e.path);
    }
    assert!(text.contains("20 store(s), 2 did not open"), "{text}");
    assert!(!text.contains('\x1b'));
}

#[test]
fn exit_status_is_the_worst_of_all() {
    let dir = fleet();
    let run = |dbs: &[&str], extra: &[&str]| {
        let mut args = vec!["lint", "--stashed", "--pw-env", "PW", "--label", "web"];
        for d in dbs {
            args.extend(["--db", d]);
        }
        args.extend(extra);
        let out = KDBMAN.output_in(dir, &args);
        (
            out.status.code().unwrap(),
            String::from_utf8(out.stdout).unwrap(),
        )
    };
    let clean = "fleet/cms-00.kdb";
    let warn = "fleet/team-a/cms-12-expiring.kdb";
    assert_eq!(run(&[clean, "fleet/team-a/native-00.kdbx"], &[]).0, 0);
    assert_eq!(run(&[clean, warn], &[]).0, 0);
    assert_eq!(run(&[clean, warn], &["--fail-on", "warning"]).0, 1);
    assert_eq!(
        run(&[warn, "fleet/cms-damaged.kdb"], &["--fail-on", "warning"]).0,
        5
    );
    let (status, out) = run(
        &[clean, "fleet/cms-wrong-stash.kdb", "fleet/cms-damaged.kdb"],
        &["--format", "json"],
    );
    assert_eq!(status, 7);
    // Several --db make the many-store shape, in the order given.
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["schema"], "kdbman-lint-fleet/1");
    assert_eq!(v["stores"][1]["store"], "fleet/cms-wrong-stash.kdb");
    // A missing path is a finding of that path, and the run goes on.
    let (status, out) = run(&[clean, "fleet/nowhere.kdb"], &["--format", "json"]);
    assert_eq!(status, 3);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["stores"][1]["findings"][0]["code"], "SSL0214E");
    assert_eq!(v["stores"][0]["opened"], true);
    // Without a password source there is no prompt for many stores: each
    // is opened with its own stash, as one store alone is (issue 20), and
    // the status is the worst of all (the wrong stash: 7).
    let out = KDBMAN.output_in(dir, &["lint", "--dir", "fleet"]);
    assert_eq!(out.status.code(), Some(7));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("each store is opened with the stash beside it")
    );
}

#[test]
fn every_certificate_is_checked_not_only_the_one_in_use() {
    let dir = fleet();
    // One store on its own keeps kdbman-lint/1, and now names the second
    // certificate (it said "no findings" before).
    let out = KDBMAN.output_in(
        dir,
        &[
            "lint",
            "--db",
            "fleet/cms-second-expiring.kdb",
            "--stashed",
            "--label",
            "web",
            "--format",
            "json",
        ],
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["schema"], "kdbman-lint/1");
    assert_eq!(sorted_codes(&v), ["KDB0010W"], "{v:#}");
    assert_eq!(v["findings"][0]["severity"], "warning");
    assert_eq!(out.status.code(), Some(0));
    // A month on, it has expired: KDB0011W, while the one in use (a year)
    // is still fine.
    let out = KDBMAN.output_in(
        dir,
        &[
            "lint",
            "--db",
            "fleet/cms-second-expiring.kdb",
            "--stashed",
            "--label",
            "web",
            "--format",
            "json",
            "--at",
            &format!("@{}", common::now() + 30 * 86_400),
        ],
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(sorted_codes(&v), ["KDB0011W"], "{v:#}");
    // --warn-days moves the window for every certificate.
    let out = KDBMAN.output_in(
        dir,
        &[
            "lint",
            "--db",
            "fleet/cms-second-expiring.kdb",
            "--stashed",
            "--label",
            "web",
            "--format",
            "json",
            "--warn-days",
            "5",
        ],
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(sorted_codes(&v), Vec::<String>::new(), "{v:#}");
    // explain knows the new codes.
    for code in ["KDB0010W", "KDB0011W"] {
        let out = KDBMAN.output_in(dir, &["explain", code]);
        assert!(out.status.success(), "{code}");
        assert!(String::from_utf8_lossy(&out.stdout).contains("not in use"));
    }
}

#[test]
fn cert_list_expiring_over_many_stores() {
    let dir = fleet();
    let out = KDBMAN.output_in(
        dir,
        &[
            "cert",
            "list",
            "--expiring",
            "30",
            "--stashed",
            "--json",
            "--db",
            "fleet/cms-00.kdb",
            "--db",
            "fleet/cms-second-expiring.kdb",
            "--db",
            "fleet/team-b/native-second-5-days.kdbx",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let stores = v["stores"].as_array().unwrap();
    assert_eq!(stores.len(), 3);
    assert_eq!(stores[0]["entries"].as_array().unwrap().len(), 0);
    assert_eq!(stores[1]["entries"][0]["label"], "old-vhost");
    assert_eq!(stores[2]["entries"][0]["label"], "legacy");
    assert_eq!(stores[2]["format"], "kdbman");
    // Text names each store; a store that does not open is reported and
    // the others still listed, the status the worst.
    let out = KDBMAN.output_in(
        dir,
        &[
            "cert",
            "list",
            "--expiring",
            "30",
            "--stashed",
            "--db",
            "fleet/cms-second-expiring.kdb",
            "--db",
            "fleet/cms-damaged.kdb",
        ],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("fleet/cms-second-expiring.kdb") && text.contains("old-vhost"),
        "{text}"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("SSL0218E"));
    assert_eq!(out.status.code(), Some(5));
}

fn write_tmp(name: &str, body: &str) -> PathBuf {
    let p = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    fs::write(&p, body).unwrap();
    p
}

#[test]
fn junit_is_read_by_junitparser() {
    let (xml, status) = lint_fleet(&["--format", "junit", "--fail-on", "warning"]);
    assert_eq!(status, 7);
    if !python_has("junitparser") {
        return;
    }
    let file = write_tmp("fleet.junit.xml", &xml);
    // junitparser: the consumer. It must see 20 suites, one per store, a
    // case per check, the failures with their codes, and the errors.
    let script = r#"
import sys, json
from junitparser import JUnitXml, Failure, Error, Skipped
xml = JUnitXml.fromfile(sys.argv[1])
out = {}
for suite in xml:
    cases = {}
    for case in suite:
        res = [{"kind": type(r).__name__, "type": r.type, "message": r.message, "text": r.text} for r in case.result]
        cases[case.name] = res
    out[suite.name] = {"tests": suite.tests, "failures": suite.failures, "errors": suite.errors, "skipped": suite.skipped, "cases": cases}
print(json.dumps(out))
"#;
    let out = Command::new("python3")
        .args(["-c", script, file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v.as_object().unwrap().len(), 20, "{v:#}");
    let checks = kdbman::diagnose::checks::NAMES.len() as u64;
    let suite = |p: &str| v[p].clone();
    let clean = suite("fleet/cms-00.kdb");
    assert_eq!(clean["tests"], checks);
    assert_eq!(clean["failures"], 0);
    assert_eq!(clean["errors"], 0);
    let second = suite("fleet/cms-second-expiring.kdb");
    assert_eq!(second["failures"], 1);
    let case = second["cases"]
        .as_object()
        .unwrap()
        .iter()
        .find(|(n, _)| n.starts_with("kdb0010w"))
        .unwrap()
        .1
        .clone();
    assert_eq!(case[0]["kind"], "Failure");
    assert_eq!(case[0]["type"], "KDB0010W");
    assert!(case[0]["message"].as_str().unwrap().contains("old-vhost"));
    assert!(case[0]["text"].as_str().unwrap().contains("fix: renew it"));
    let damaged = suite("fleet/cms-damaged.kdb");
    assert_eq!(damaged["errors"], 1);
    assert!(damaged["skipped"].as_u64().unwrap() > 0);
    let open = damaged["cases"]
        .as_object()
        .unwrap()
        .iter()
        .find(|(n, _)| n.starts_with("open"))
        .unwrap()
        .1
        .clone();
    assert_eq!(open[0]["kind"], "Error");
    assert_eq!(open[0]["type"], "SSL0218E");
    // Below --fail-on, a finding is output, not a failure.
    let (xml, _) = lint_fleet(&["--format", "junit"]);
    let file = write_tmp("fleet-error.junit.xml", &xml);
    let out = Command::new("python3")
        .args(["-c", script, file.to_str().unwrap()])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["fleet/cms-second-expiring.kdb"]["failures"], 0);
}

#[test]
fn prometheus_passes_promtool() {
    let (text, status) = lint_fleet(&["--format", "prometheus"]);
    assert_eq!(status, 7);
    // Per certificate its not-after, with the labels the issue names.
    let line = text
        .lines()
        .find(|l| {
            l.starts_with("kdbman_certificate_not_after_seconds{")
                && l.contains("store=\"fleet/cms-second-expiring.kdb\"")
                && l.contains("label=\"old-vhost\"")
        })
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        line.contains("kind=\"personal\"")
            && line.contains("subject=\"")
            && line.contains("serial=\"")
    );
    let t: i64 = line.rsplit(' ').next().unwrap().parse().unwrap();
    assert!((t - common::now() - 10 * 86_400).abs() < 86_400, "{line}");
    assert!(text.contains("kdbman_store_opened{store=\"fleet/cms-damaged.kdb\"} 0"));
    assert!(text.contains("kdbman_store_opened{store=\"fleet/cms-00.kdb\"} 1"));
    assert!(text.contains(
        "kdbman_lint_findings{store=\"fleet/cms-wrong-stash.kdb\",code=\"SSL0228E\",severity=\"error\"} 1"
    ));
    if !common::require_tool("promtool", "--version") {
        return;
    }
    // strict: promtool's linter has nothing to say either.
    common::promtool_check(&text, true);
}

#[test]
fn sarif_validates_and_keeps_each_result_on_its_store() {
    let (out, status) = lint_fleet(&["--format", "sarif"]);
    assert_eq!(status, 7);
    let s: Value = serde_json::from_str(&out).unwrap();
    let results = s["runs"][0]["results"].as_array().unwrap();
    let uri = |r: &Value| {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let find = |code: &str| results.iter().find(|r| r["ruleId"] == code).unwrap();
    assert_eq!(uri(find("SSL0218E")), "fleet/cms-damaged.kdb");
    assert_eq!(uri(find("SSL0228E")), "fleet/cms-wrong-stash.kdb");
    assert_eq!(uri(find("KDB0005W")), "fleet/team-b/native-exposed.kdbx");
    let kdb0010: Vec<String> = results
        .iter()
        .filter(|r| r["ruleId"] == "KDB0010W")
        .map(uri)
        .collect();
    assert_eq!(
        kdb0010,
        [
            "fleet/cms-second-expiring.kdb",
            "fleet/team-b/native-second-5-days.kdbx"
        ]
    );
    let total: usize = EXPECT.iter().map(|e| e.codes.len()).sum();
    assert_eq!(results.len(), total);
    common::validate_sarif_schema(Path::new(env!("CARGO_TARGET_TMPDIR")), out.as_bytes());
}

#[test]
fn github_annotations_point_at_each_store() {
    let (out, status) = lint_fleet(&["--format", "github"]);
    assert_eq!(status, 7);
    assert!(
        out.lines()
            .any(|l| l.starts_with("::error file=fleet/cms-damaged.kdb,line=1,title=SSL0218E ")),
        "{out}"
    );
    assert!(
        out.lines().any(|l| l
            .starts_with("::warning file=fleet/cms-second-expiring.kdb,line=1,title=KDB0010W ")),
        "{out}"
    );
    // One line per finding: newlines in a message are escaped.
    let total: usize = EXPECT.iter().map(|e| e.codes.len()).sum();
    assert_eq!(out.lines().count(), total, "{out}");
    assert!(out.contains("%0Afix: "));
}

#[test]
fn one_store_in_the_new_formats() {
    let dir = fleet();
    let out = KDBMAN.output_in(
        dir,
        &[
            "lint",
            "--db",
            "fleet/cms-00.kdb",
            "--stashed",
            "--label",
            "web",
            "--format",
            "junit",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    let xml = String::from_utf8(out.stdout).unwrap();
    assert_eq!(xml.matches("<testsuite ").count(), 1);
    assert!(xml.contains("name=\"fleet/cms-00.kdb\""));
    let out = KDBMAN.output_in(
        dir,
        &[
            "lint",
            "--db",
            "fleet/cms-00.kdb",
            "--stashed",
            "--label",
            "web",
            "--format",
            "prometheus",
        ],
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("kdbman_store_opened{store=\"fleet/cms-00.kdb\"} 1"),
        "{text}"
    );
    // The certificate inventory is kept for one store too.
    assert!(
        text.contains(
            "kdbman_certificate_not_after_seconds{store=\"fleet/cms-00.kdb\",label=\"web\",kind=\"personal\""
        ),
        "{text}"
    );
}

/// The README's cron line, run as written (paths moved into a temporary
/// tree), writes a textfile promtool accepts; its alert rules pass
/// `promtool check rules`.
#[test]
fn readme_prometheus_recipe_works_as_written() {
    let readme =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let cron = readme
        .lines()
        .find(|l| l.starts_with("*/15 * * * * root /usr/local/bin/kdbman lint"))
        .expect("the cron line in the README");
    let command = cron.splitn(7, ' ').nth(6).unwrap();
    let out_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("node-exporter");
    let _ = fs::remove_dir_all(&out_dir);
    fs::create_dir_all(&out_dir).unwrap();
    let command = command
        .replace(
            "/usr/local/bin/kdbman",
            cargo_bin("kdbman").to_str().unwrap(),
        )
        .replace("/opt/keystores", fleet().join("fleet").to_str().unwrap())
        .replace(
            "/var/lib/prometheus/node-exporter",
            out_dir.to_str().unwrap(),
        );
    let out = Command::new("sh").args(["-c", &command]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let prom = fs::read_to_string(out_dir.join("kdbman.prom")).unwrap();
    assert!(!out_dir.join("kdbman.prom.tmp").exists());
    assert_eq!(prom.matches("kdbman_store_opened{").count(), 20, "{prom}");
    if !common::require_tool("promtool", "--version") {
        return;
    }
    let check = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(fs::File::open(out_dir.join("kdbman.prom")).unwrap())
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    let start = readme
        .find("groups:\n  - name: kdbman")
        .expect("alert rules");
    let rules = &readme[start..start + readme[start..].find("```").unwrap()];
    let file = write_tmp("kdbman-rules.yml", rules);
    let check = Command::new("promtool")
        .args(["check", "rules", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
}

/// JUnit has a test case per check: every check that can report is in
/// `checks::NAMES` (each lint fixture's findings name theirs).
#[test]
fn every_check_that_reports_is_a_junit_test_case() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/lint");
    let m: Value =
        serde_json::from_str(&fs::read_to_string(fixtures.join("manifest.json")).unwrap()).unwrap();
    let names = kdbman::diagnose::checks::NAMES;
    let mut seen = std::collections::BTreeSet::new();
    for case in m["cases"].as_array().unwrap() {
        let mut args = vec![
            "lint".to_string(),
            "--format".into(),
            "json".into(),
            "--db".into(),
        ];
        args.push(
            fixtures
                .join(case["db"].as_str().unwrap())
                .display()
                .to_string(),
        );
        if let Some(pw) = case["auth"]["pw_file"].as_str() {
            args.extend(["--pw-file".into(), fixtures.join(pw).display().to_string()]);
        }
        if let Some(st) = case["auth"]["stash"].as_str() {
            args.extend(["--stash".into(), fixtures.join(st).display().to_string()]);
        }
        args.extend(
            case["args"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a.as_str().unwrap().to_string()),
        );
        let out = Command::new(cargo_bin("kdbman"))
            .args(&args)
            .output()
            .unwrap();
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        for f in v["findings"].as_array().unwrap() {
            let check = f["check"].as_str().unwrap().to_string();
            assert!(
                names.contains(&check.as_str()),
                "{check} is not in checks::NAMES"
            );
            seen.insert(check);
        }
    }
    let (json, _) = lint_fleet(&["--format", "json"]);
    let v: Value = serde_json::from_str(&json).unwrap();
    for s in v["stores"].as_array().unwrap() {
        for f in s["findings"].as_array().unwrap() {
            let check = f["check"].as_str().unwrap();
            assert!(names.contains(&check), "{check} is not in checks::NAMES");
            seen.insert(check.to_string());
        }
    }
    assert!(seen.len() >= 20, "{seen:?}");
}
