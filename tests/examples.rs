//! The EXAMPLES of the man pages work (issue 20, deliverable 7): the
//! workflows of `src/cli/examples.rs` run in order in one empty directory,
//! as a reader would type them, and every step must succeed. `kdbman`,
//! `gsk8capicmd_64` and `runmqakm` are this build (symbolic links on PATH);
//! steps that start a server are only parsed (by the unit tests in
//! `src/cli/examples_tests.rs`).

mod common;
use common::kdbman_bin;

use std::path::{Path, PathBuf};
use std::process::Command;

#[allow(dead_code)]
#[path = "../src/cli/examples.rs"]
mod examples;

use examples::{ENV, GSK_TOOLS, WORKFLOWS, shell_words};

/// Whether this build has a pending feature: `"cert renew"` (a command)
/// or `"lint --mq-qmgr"` (an option of one).
fn has_feature(feature: &str) -> bool {
    let (path, option): (Vec<&str>, Vec<&str>) = feature
        .split_whitespace()
        .partition(|w| !w.starts_with("--"));
    let out = Command::new(kdbman_bin())
        .args(&path)
        .arg("--help")
        .output()
        .expect("kdbman runs");
    let help = String::from_utf8_lossy(&out.stdout);
    out.status.success()
        && option.iter().all(|o| {
            help.split_whitespace()
                .any(|w| w.trim_end_matches(',') == *o)
        })
}

/// A directory holding `kdbman` and the GSKit tool names, all this build.
fn bin_dir(root: &Path) -> PathBuf {
    let bin = root.join("bin");
    std::fs::create_dir(&bin).unwrap();
    for name in std::iter::once(&"kdbman").chain(GSK_TOOLS) {
        std::os::unix::fs::symlink(kdbman_bin(), bin.join(name)).unwrap();
    }
    bin
}

#[test]
fn every_workflow_of_the_man_pages_runs() {
    let root = tempfile::tempdir().unwrap();
    let bin = bin_dir(root.path());
    let work = root.path().join("work");
    std::fs::create_dir(&work).unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let var = |name: &str| {
        ENV.iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.to_string())
    };

    let mut ran = 0;
    for w in WORKFLOWS {
        for s in w.steps {
            if let Some(f) = s.pending
                && !has_feature(f)
            {
                // A new option changes one step; the steps after a new
                // command use what it makes.
                if f.contains(" --") {
                    eprintln!("SKIPPED `{}`: this build has no `{f}` yet", s.cmd);
                    continue;
                }
                eprintln!(
                    "SKIPPED the rest of \"{}\" from `{}`: this build has no `{f}` yet",
                    w.title, s.cmd
                );
                break;
            }
            if !s.run {
                continue;
            }
            let (words, redirect) = shell_words(s.cmd, &var).unwrap();
            let mut cmd = Command::new(&words[0]);
            cmd.args(&words[1..])
                .current_dir(&work)
                .env("PATH", &path)
                .env_remove("KDBMAN_MAX_STORE_MIB");
            for (k, v) in ENV {
                cmd.env(k, v);
            }
            let out = cmd.output().unwrap_or_else(|e| panic!("{}: {e}", s.cmd));
            assert!(
                out.status.success(),
                "\"{}\": `{}` exited {:?}\nstdout:\n{}\nstderr:\n{}",
                w.title,
                s.cmd,
                out.status.code(),
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            if let Some(file) = redirect {
                std::fs::write(work.join(file), &out.stdout).unwrap();
            }
            ran += 1;
        }
    }
    assert!(ran > 60, "only {ran} steps ran");

    // What the workflows promise, checked on what they left behind.
    for f in [
        "ihs/key.kdb",
        "ihs/key.sth",
        "qm1/key.kdb",
        "client/key.kdb",
        "migrated/key.p12",
        "migrated/legacy.p12",
        "gsk/key.kdb",
        "www.p12",
    ] {
        assert!(work.join(f).is_file(), "{f} was not made");
    }
    assert!(
        !work.join("ihs2/key.kdb").exists() && !work.join("ihs2/key.sth").exists(),
        "keydb delete left the store or its stash"
    );
    let junit = std::fs::read_to_string(work.join("lint-junit.xml")).unwrap();
    assert!(junit.contains("<testsuites") && junit.contains("ihs/key.kdb"));
    let sarif: serde_json::Value =
        serde_json::from_slice(&std::fs::read(work.join("lint.sarif")).unwrap()).unwrap();
    assert!(sarif["runs"].is_array());
    let prom = std::fs::read_to_string(work.join("kdbman.prom")).unwrap();
    assert!(prom.contains("kdbman_certificate_not_after_seconds"));
    // The MQ queue manager's certificate is under the label MQ looks for.
    let out = Command::new(kdbman_bin())
        .args(["cert", "list", "--db", "qm1/key.kdb", "--stashed", "--json"])
        .current_dir(&work)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"ibmwebspheremqqm1\""));
}
