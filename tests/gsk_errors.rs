//! Errors and refusals of the gsk8capicmd-compatible front end: one
//! GSKit-style line (`CODE text`), one `kdbman fix:` line, a documented
//! non-zero exit status, nothing on standard output; and no panic on any
//! argument list (random and truncated).

mod common;
use common::gsk;
use common::kdbman_bin;

use std::path::Path;
use std::process::Command;

const PW: &str = "Errors-Passw0rd-1";

/// Asserts the failure shape and returns the first line.
fn fails(dir: &Path, args: &[&str], status: i32, code: &str) -> String {
    let out = gsk(dir, args);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(status), "{args:?}: {err}");
    assert!(out.stdout.is_empty(), "{args:?} printed to stdout");
    let lines: Vec<&str> = err.lines().collect();
    assert!(
        lines.len() == 2 || (code == "CTGSK2146W" && lines.len() == 3),
        "{args:?}: {err}"
    );
    assert!(lines[0].starts_with(&format!("{code} ")), "{args:?}: {err}");
    assert!(
        lines.last().unwrap().starts_with("kdbman fix: ") && lines.last().unwrap().len() > 20,
        "{args:?}: {err}"
    );
    lines[0].to_string()
}

fn setup() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    let out = gsk(
        t.path(),
        &["-keydb", "-create", "-db", "k.kdb", "-pw", PW, "-stash"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = gsk(
        t.path(),
        &[
            "-cert", "-create", "-db", "k.kdb", "-stashed", "-label", "web", "-dn", "CN=web",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    t
}

#[test]
fn store_errors() {
    let t = setup();
    let d = t.path();
    let line = fails(
        d,
        &[
            "-cert", "-details", "-db", "k.kdb", "-stashed", "-label", "nope",
        ],
        8,
        "CTGSK3029W",
    );
    assert_eq!(
        line,
        "CTGSK3029W The database doesn't contain an entry with label 'nope'."
    );
    fails(
        d,
        &[
            "-cert", "-delete", "-db", "k.kdb", "-stashed", "-label", "nope",
        ],
        8,
        "CTGSK3029W",
    );
    // Wrong password: a CMS store with a private key tells it from damage.
    let l = fails(
        d,
        &["-cert", "-list", "-db", "k.kdb", "-pw", "wrong"],
        6,
        "KDBG0007W",
    );
    assert!(l.contains("k.kdb"), "{l}");
    // Damaged store.
    let bytes = std::fs::read(d.join("k.kdb")).unwrap();
    std::fs::write(d.join("cut.kdb"), &bytes[..100]).unwrap();
    let l = fails(
        d,
        &["-cert", "-list", "-db", "cut.kdb", "-pw", PW],
        5,
        "KDBG0006W",
    );
    assert!(l.contains("damaged"), "{l}");
    fails(
        d,
        &["-cert", "-list", "-db", "missing.kdb", "-pw", PW],
        3,
        "KDBG0004W",
    );
    std::fs::write(
        d.join("notes.kdb"),
        b"hello, this is not a key database at all",
    )
    .unwrap();
    let out = gsk(d, &["-cert", "-list", "-db", "notes.kdb", "-pw", PW]);
    assert!(matches!(out.status.code(), Some(4 | 5)), "{out:?}");
    // Stale stash: the password changed without -stash.
    let out = gsk(
        d,
        &[
            "-keydb",
            "-changepw",
            "-db",
            "k.kdb",
            "-pw",
            PW,
            "-new_pw",
            "Another-Passw0rd",
        ],
    );
    assert!(out.status.success());
    let l = fails(
        d,
        &["-cert", "-list", "-db", "k.kdb", "-stashed"],
        7,
        "KDBG0008W",
    );
    assert!(l.contains("k.sth") && l.contains("stale"), "{l}");
    // A CMS store without a private key cannot tell a wrong password from
    // a damaged header: kdbman's exit status 10 (undecided).
    let out = gsk(d, &["-keydb", "-create", "-db", "empty.kdb", "-pw", PW]);
    assert!(out.status.success());
    let l = fails(
        d,
        &["-cert", "-list", "-db", "empty.kdb", "-pw", "wrong"],
        10,
        "KDBG0012W",
    );
    assert!(l.contains("empty.kdb"), "{l}");
    // No password and no terminal.
    fails(d, &["-cert", "-list", "-db", "k.kdb"], 2, "KDBG0011W");
    // -strong.
    fails(
        d,
        &[
            "-keydb", "-create", "-db", "weak.kdb", "-pw", "short1A", "-strong",
        ],
        2,
        "KDBG0003W",
    );
    assert!(!d.join("weak.kdb").exists());
    let out = gsk(
        d,
        &[
            "-keydb",
            "-create",
            "-db",
            "strong.kdb",
            "-pw",
            "Str0ng-Enough-Pw",
            "-strong",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn stale_stash_of_a_kdbman_store() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let k = |args: &[&str]| {
        let out = Command::new(kdbman_bin())
            .args(args)
            .env("P", PW)
            .env("Q", "Second-Passw0rd")
            .current_dir(d)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    k(&[
        "keydb",
        "create",
        "--db",
        "n.kdbx",
        "--type",
        "kdbman",
        "--kdf-floor",
        "--pw-env",
        "P",
        "--stash",
    ]);
    k(&[
        "keydb",
        "changepw",
        "--db",
        "n.kdbx",
        "--pw-env",
        "P",
        "--new-pw-env",
        "Q",
    ]);
    let l = fails(
        d,
        &["-cert", "-list", "-db", "n.kdbx", "-stashed"],
        7,
        "KDBG0008W",
    );
    assert!(l.contains("stale") || l.contains("changed"), "{l}");
}

#[test]
fn refused_options_and_objects() {
    let t = setup();
    let d = t.path();
    let base = [
        "-cert", "-create", "-db", "k.kdb", "-stashed", "-label", "x", "-dn", "CN=x",
    ];
    let with = |extra: &[&str]| -> Vec<String> {
        base.iter().chain(extra).map(|s| s.to_string()).collect()
    };
    for extra in [
        &["-crypto", "/usr/lib/libpkcs11.so"][..],
        &["-tokenlabel", "tok"],
        &["-secondaryDB", "x.kdb"],
        &["-secondaryDBpw", "x"],
        &["-san_emailaddr", "a@example.com"],
        &["-pqc", "true"],
        &["-type", "jks"],
        &["-x509version", "1"],
        &["-size", "1024"],
        &["-sigalg", "SHA256WithRSAPSS"],
        &["-sigalg", "SHA256WithDSA"],
    ] {
        let args = with(extra);
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        fails(d, &refs, 11, "KDBG0002W");
    }
    fails(
        d,
        &["-keydb", "-create", "-db", "p.kdb", "-pw", PW, "-populate"],
        11,
        "KDBG0002W",
    );
    fails(
        d,
        &["-keydb", "-create", "-db", "p.kdb", "-pw", PW, "-genpw"],
        11,
        "KDBG0002W",
    );
    fails(
        d,
        &[
            "-secretkey",
            "-create",
            "-db",
            "k.kdb",
            "-label",
            "s",
            "-size",
            "32",
        ],
        11,
        "KDBG0002W",
    );
    fails(
        d,
        &["-cert", "-list", "-db", "k.kdb", "-stashed", "-secretkey"],
        11,
        "KDBG0002W",
    );
    fails(
        d,
        &["-keydb", "-expiry", "-db", "k.kdb", "-stashed"],
        11,
        "KDBG0002W",
    );
    // -setdefault on a CMS store marks the record (flag bit 1, see
    // kdbman-cms(5)) silently; -getdefault reads it back.
    let out = gsk(
        d,
        &[
            "-cert",
            "-setdefault",
            "-db",
            "k.kdb",
            "-stashed",
            "-label",
            "web",
        ],
    );
    assert!(
        out.status.success() && out.stdout.is_empty() && out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = gsk(d, &["-cert", "-getdefault", "-db", "k.kdb", "-stashed"]);
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with("Label : web\n"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Documented no-ops are accepted.
    let out = gsk(
        d,
        &[
            "-cert", "-list", "-db", "k.kdb", "-stashed", "-fips", "false", "-pqc", "false",
            "-locale", "en_US", "-type", "CMS",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !d.join("p.kdb").exists() && !d.join("p.rdb").exists(),
        "a refused create left files"
    );
}

// Usage errors (no object, unknown action or option, bad values) are CLI
// cases: tests/cmd/gsk-usage-*.toml and gsk-unknown-option.toml.

#[test]
fn invalid_chain_is_ctgsk2146w() {
    let t = setup();
    let d = t.path();
    // A self-signed personal certificate that is not a trusted signer.
    let out = gsk(
        d,
        &[
            "-cert",
            "-validate",
            "-db",
            "k.kdb",
            "-stashed",
            "-label",
            "web",
        ],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.starts_with("CTGSK2146W ")
            && err.contains("\nCTGSK2043W Key entry validation failed.\n"),
        "{err}"
    );
}

/// The words the sweep draws from: every option, object, action and
/// some values.
fn vocabulary() -> Vec<String> {
    let mut v: Vec<String> = [
        "-keydb",
        "-cert",
        "-certreq",
        "-version",
        "-help",
        "-random",
        "-secretkey",
        "-create",
        "-delete",
        "-changepw",
        "-stashpw",
        "-convert",
        "-list",
        "-expiry",
        "-add",
        "-receive",
        "-import",
        "-export",
        "-extract",
        "-details",
        "-rename",
        "-setdefault",
        "-getdefault",
        "-modify",
        "-sign",
        "-validate",
        "-recreate",
        "-db",
        "-pw",
        "-stashed",
        "-stash",
        "-type",
        "-target",
        "-target_pw",
        "-target_stashed",
        "-target_type",
        "-new_format",
        "-old_format",
        "-label",
        "-new_label",
        "-dn",
        "-size",
        "-sigalg",
        "-sig_alg",
        "-expire",
        "-x509version",
        "-ca",
        "-default_cert",
        "-file",
        "-format",
        "-trust",
        "-san_dnsname",
        "-san_ipaddr",
        "-san_emailaddr",
        "-ku",
        "-eku",
        "-new_pw",
        "-populate",
        "-strong",
        "-fips",
        "-pqc",
        "-encryption",
        "-length",
        "-v1stash",
        "-crypto",
        "k.kdb",
        "x.p12",
        PW,
        "web",
        "CN=x",
        "cms",
        "pkcs12",
        "ascii",
        "binary",
        "true",
        "false",
        "yes",
        "all",
        "CA",
        "2048",
        "384",
        "sha256",
        "SHA384WithECDSA",
        "0",
        "-1",
        "99999999999",
        "",
        "-",
        "--",
        "\u{e9}",
        "a b,c",
        "/dev/null",
        ".",
        "..",
        "k.sth",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    v.push("x".repeat(5000));
    v
}

fn assert_no_panic(dir: &Path, args: &[String]) {
    let out = gsk(dir, &args.iter().map(String::as_str).collect::<Vec<_>>());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !err.contains("panicked") && !err.contains("KDBG0099E"),
        "{args:?}: {err}"
    );
    let code = out.status.code();
    assert!(
        code.is_some() && !matches!(code, Some(70 | 101)),
        "{args:?}: {code:?} {err}"
    );
    if code != Some(0) {
        let first = err.lines().next().unwrap_or("");
        assert!(
            first.starts_with("KDBG")
                || first.starts_with("CTGSK")
                || first.starts_with("kdbman: warning"),
            "{args:?}: {err}"
        );
        assert!(err.contains("kdbman fix: "), "{args:?}: {err}");
    }
}

#[test]
fn sweep_random_and_truncated_argument_lists() {
    let t = setup();
    let d = t.path();
    let out = gsk(
        d,
        &[
            "-certreq", "-create", "-db", "k.kdb", "-stashed", "-label", "req", "-dn", "CN=req",
            "-file", "req.csr",
        ],
    );
    assert!(out.status.success());
    let words = vocabulary();
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..250 {
        let n = (next() % 10) as usize;
        let args: Vec<String> = (0..n)
            .map(|_| words[(next() % words.len() as u64) as usize].clone())
            .collect();
        assert_no_panic(d, &args);
    }
    // Every prefix of real command lines (each a valid command in full).
    let lines: [&[&str]; 8] = [
        &[
            "-cert",
            "-create",
            "-db",
            "k.kdb",
            "-stashed",
            "-label",
            "t1",
            "-dn",
            "CN=t1,O=x",
            "-size",
            "2048",
            "-sigalg",
            "SHA256WithRSA",
            "-expire",
            "30",
        ],
        &[
            "-cert", "-details", "-db", "k.kdb", "-pw", PW, "-label", "web",
        ],
        &[
            "-cert", "-list", "all", "-db", "k.kdb", "-stashed", "-expiry", "10",
        ],
        &[
            "-certreq", "-details", "-db", "k.kdb", "-stashed", "-label", "req",
        ],
        &[
            "-cert",
            "-export",
            "-db",
            "k.kdb",
            "-stashed",
            "-label",
            "web",
            "-target",
            "w.p12",
            "-target_pw",
            "P12pw",
            "-target_type",
            "pkcs12",
        ],
        &[
            "-cert",
            "-import",
            "-file",
            "w.p12",
            "-pw",
            "P12pw",
            "-type",
            "pkcs12",
            "-target",
            "k.kdb",
            "-target_stashed",
            "-new_label",
            "w2",
        ],
        &[
            "-cert", "-extract", "-db", "k.kdb", "-stashed", "-label", "web", "-target", "web.der",
            "-format", "binary",
        ],
        &[
            "-keydb",
            "-convert",
            "-db",
            "k.kdb",
            "-stashed",
            "-new_format",
            "pkcs12",
            "-target",
            "conv.p12",
        ],
    ];
    for line in lines {
        for n in 0..=line.len() {
            let args: Vec<String> = line[..n].iter().map(|s| s.to_string()).collect();
            assert_no_panic(d, &args);
            let tail: Vec<String> = line[n..].iter().map(|s| s.to_string()).collect();
            assert_no_panic(d, &tail);
        }
    }
    // Arguments that are not UTF-8.
    use std::os::unix::ffi::OsStrExt;
    let out = Command::new(d.join("gsk8capicmd_64"))
        .args(["-cert", "-list", "-db"])
        .arg(std::ffi::OsStr::from_bytes(b"\xff\xfe.kdb"))
        .current_dir(d)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("KDBG0001W "));
}
