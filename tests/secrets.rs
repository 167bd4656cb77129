//! Passwords on the command line are never echoed (issue 18, deliverable
//! 6): whatever is wrong with a command line that holds `-pw VALUE` (the
//! gsk8capicmd syntax) or `--pw VALUE` (kdbman's), neither standard output
//! nor standard error shows the value.

mod common;
use common::Kdbman;

const SECRET: &str = "SECRETVALUE";

/// Runs kdbman in an empty directory, asserting that it fails; its
/// standard output and error together.
fn refused(args: &[&str]) -> String {
    let dir = tempfile::TempDir::new().unwrap();
    let out = Kdbman::new(&[]).stdin_null().output_in(dir.path(), args);
    assert!(!out.status.success(), "{args:?} succeeded");
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn bad_gsk_command_lines_never_print_the_password() {
    let lines: &[&[&str]] = &[
        &["-cert", "-list", "-db", "k.kdb", "-pw", SECRET, "-bogus"],
        &["-cert", "-list", "-db", "k.kdb", "-pw", SECRET, "stray"],
        &["-cert", "-list", "-db", "k.kdb", "-pw", "my", SECRET],
        &["-cert", "-list", "-db", "k.kdb", "-Pw", SECRET, "-label"],
        &[
            "-keydb",
            "-changepw",
            "-db",
            "k.kdb",
            "-pw",
            "old",
            "-new_pw",
            SECRET,
            "-frob",
        ],
        &[
            "-keydb", "-create", "-db", "k.kdb", "-pw", SECRET, "-strong",
        ],
        &[
            "-keydb", "-create", "-db", "k.kdb", "-pw", SECRET, "-stashed",
        ],
        &[
            "-cert",
            "-export",
            "-db",
            "k.kdb",
            "-pw",
            "p",
            "-label",
            "l",
            "-target",
            "t.p12",
            "-target_pw",
            SECRET,
            "-target_type",
            "frob",
        ],
        &["-cert", "-list", "-db", "missing.kdb", "-pw", SECRET],
        &[
            "-cert", "-list", "-db", "k.kdb", "-pw", SECRET, "-pw", "other",
        ],
    ];
    for args in lines {
        let out = refused(args);
        assert!(
            !out.contains(SECRET),
            "{args:?} printed the password:\n{out}"
        );
        assert!(!out.trim().is_empty(), "{args:?} said nothing");
    }
}

#[test]
fn bad_kdbman_command_lines_never_print_the_password() {
    let lines: &[&[&str]] = &[
        &["cert", "list", "--db", "k.kdb", "--pw", SECRET, "--bogus"],
        &["cert", "list", "--db", "k.kdb", "--pw", "my", SECRET],
        &[
            "cert",
            "list",
            "--db",
            "k.kdb",
            &format!("--pw={SECRET}"),
            "--bogus",
        ],
        &[
            "cert",
            "list",
            "--db",
            "k.kdb",
            "--pw",
            &format!("-{SECRET}"),
            "--bogus",
        ],
        &[
            "cert", "list", "--db", "k.kdb", "--pw", SECRET, "--pw", "again",
        ],
        &[
            "keydb", "changepw", "--db", "k.kdb", "--pw-env", "X", "--new-pw", SECRET, "--frob",
        ],
        &["cert", "list", "--db", "missing.kdb", "--pw", SECRET],
    ];
    for args in lines {
        let out = refused(args);
        assert!(
            !out.contains(SECRET),
            "{args:?} printed the password:\n{out}"
        );
        assert!(!out.trim().is_empty(), "{args:?} said nothing");
    }
}
