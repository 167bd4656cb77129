//! kdbman run as root on a host where other users can write to keystore
//! directories (issue 18): planted commit markers move nothing, an
//! interrupted write is completed only by a writer and read whole by a
//! reader, rewrites keep owners and modes, and no write goes through
//! another user's link or onto the store itself.
//!
//! These tests change file owners, so they need root: they skip visibly
//! elsewhere, and fail under CI (`CI=true`), which runs them as root.

mod common;
use common::Kdbman;
use common::gsk;
use common::s;
use common::text;

const KDBMAN: Kdbman = Kdbman::new(&[("PW", PW), ("NEW_PW", NEW_PW)]);

use std::collections::BTreeMap;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};

/// Another user (no entry in /etc/passwd is needed to own a file).
const OTHER_UID: u32 = 12345;
const OTHER_GID: u32 = 12345;
const PW: &str = "shared-host-password";
const NEW_PW: &str = "shared-host-new-password";

fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// Whether we run as root; under CI anything else fails.
fn root() -> bool {
    // SAFETY: geteuid cannot fail and touches no memory.
    let euid = unsafe { libc::geteuid() };
    if euid == 0 {
        return true;
    }
    assert!(!ci(), "tests/shared_host.rs must run as root under CI");
    common::skipped(&format!(
        "shared_host tests change file owners and need root (uid {euid})"
    ));
    false
}

/// A CMS store `key.kdb` with its `.rdb` and GSKit stash in `dir`, holding
/// one personal certificate `first`.
fn cms_store(dir: &Path) -> PathBuf {
    let db = dir.join("key.kdb");
    KDBMAN.ok(&[
        "keydb",
        "create",
        "--db",
        s(&db),
        "--pw-env",
        "PW",
        "--stash",
    ]);
    KDBMAN.ok(&[
        "cert",
        "create",
        "--db",
        s(&db),
        "--stashed",
        "--label",
        "first",
        "--dn",
        "CN=first",
        "--key",
        "ec:p256",
    ]);
    db
}

/// Every file in `dir` (links as links) with its bytes or link target.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        let name = e.file_name().to_string_lossy().into_owned();
        let meta = std::fs::symlink_metadata(e.path()).unwrap();
        let content = if meta.file_type().is_symlink() {
            let mut v = b"-> ".to_vec();
            v.extend_from_slice(
                std::fs::read_link(e.path())
                    .unwrap()
                    .as_os_str()
                    .as_encoded_bytes(),
            );
            v
        } else {
            std::fs::read(e.path()).unwrap()
        };
        out.insert(name, content);
    }
    out
}

fn labels(db: &Path) -> String {
    text(&KDBMAN.ok(&["cert", "list", "--db", s(db), "--stashed"]))
}

fn lchown(p: &Path, uid: u32, gid: u32) {
    std::os::unix::fs::lchown(p, Some(uid), Some(gid)).unwrap();
}

// ---------------------------------------------------------------------------
// Acceptance 1: a planted marker moves nothing.

/// A marker planted in the store's directory, and what it names.
struct Plant {
    name: &'static str,
    /// Marker lines as (staged, destination).
    lines: Vec<(String, String)>,
    /// Also hand the marker to another user.
    marker_owner: Option<u32>,
}

fn write_marker(dir: &Path, lines: &[(String, String)]) -> PathBuf {
    let marker = dir.join(".key.kdb.commit");
    let mut bytes = Vec::new();
    for (a, b) in lines {
        bytes.extend_from_slice(a.as_bytes());
        bytes.push(0);
        bytes.extend_from_slice(b.as_bytes());
        bytes.push(b'\n');
    }
    std::fs::write(&marker, bytes).unwrap();
    marker
}

#[test]
fn planted_markers_move_nothing() {
    if !root() {
        return;
    }
    let top = tempfile::tempdir().unwrap();
    let outside = top.path().join("etc");
    std::fs::create_dir(&outside).unwrap();
    // A root file elsewhere that an attacker wants replaced.
    let victim = outside.join("cron-job");
    std::fs::write(&victim, b"root's own file\n").unwrap();

    let staged = ".key.kdb.4242.0123456789ab.tmp";
    let plants = [
        // The old format: absolute paths, moving the attacker's file over
        // a root file elsewhere.
        Plant {
            name: "outside file",
            lines: vec![("{dir}/evil".into(), victim.to_str().unwrap().to_string())],
            marker_owner: None,
        },
        // A staged name that is a link to the victim.
        Plant {
            name: "symlink",
            lines: vec![(staged.into(), "key.kdb".into())],
            marker_owner: None,
        },
        // A staged file of another owner.
        Plant {
            name: "other owner",
            lines: vec![(staged.into(), "key.kdb".into())],
            marker_owner: None,
        },
        // A staged file in another directory.
        Plant {
            name: "other directory",
            lines: vec![(format!("../etc/{staged}"), "key.kdb".into())],
            marker_owner: None,
        },
        // A destination that is not the store's.
        Plant {
            name: "foreign destination",
            lines: vec![(".cron-job.1.0123456789ab.tmp".into(), "cron-job".into())],
            marker_owner: None,
        },
        // A well-formed marker planted by another user.
        Plant {
            name: "marker of another owner",
            lines: vec![(staged.into(), "key.kdb".into())],
            marker_owner: Some(OTHER_UID),
        },
    ];
    for plant in plants {
        let t = tempfile::tempdir_in(top.path()).unwrap();
        let dir = t.path();
        let db = cms_store(dir);
        let evil = dir.join("evil");
        std::fs::write(&evil, b"attacker's content").unwrap();
        lchown(&evil, OTHER_UID, OTHER_GID);
        match plant.name {
            "symlink" => symlink(&victim, dir.join(staged)).unwrap(),
            "other owner" | "marker of another owner" => {
                std::fs::copy(&db, dir.join(staged)).unwrap();
                if plant.name == "other owner" {
                    lchown(&dir.join(staged), OTHER_UID, OTHER_GID);
                }
            }
            "other directory" => {
                std::fs::write(outside.join(staged), b"elsewhere").unwrap();
            }
            _ => {}
        }
        let lines: Vec<(String, String)> = plant
            .lines
            .iter()
            .map(|(a, b)| (a.replace("{dir}", s(dir)), b.clone()))
            .collect();
        let marker = write_marker(dir, &lines);
        if let Some(uid) = plant.marker_owner {
            lchown(&marker, uid, uid);
        }
        let before = snapshot(dir);
        let outside_before = snapshot(&outside);

        let list = KDBMAN.output(&["cert", "list", "--db", s(&db), "--stashed"]);
        let create = KDBMAN.output(&[
            "cert",
            "create",
            "--db",
            s(&db),
            "--stashed",
            "--label",
            "second",
            "--dn",
            "CN=second",
            "--key",
            "ec:p256",
        ]);
        let lint = KDBMAN.output(&["lint", "--db", s(&db), "--stashed", "--format", "json"]);
        for (what, out) in [("cert list", &list), ("cert create", &create)] {
            assert!(
                !out.status.success(),
                "{}: {what} went ahead despite the marker",
                plant.name
            );
            let t = text(out);
            assert!(
                t.contains(".key.kdb.commit") && t.contains("nothing was moved"),
                "{}: {what} names the marker: {t}",
                plant.name
            );
        }
        let lint_text = text(&lint);
        assert!(
            lint_text.contains(".key.kdb.commit") && lint_text.contains("SSL0214E"),
            "{}: lint reports the marker as a finding: {lint_text}",
            plant.name
        );
        assert_eq!(
            snapshot(dir),
            before,
            "{}: the store's directory changed",
            plant.name
        );
        assert_eq!(
            snapshot(&outside),
            outside_before,
            "{}: a file elsewhere changed",
            plant.name
        );
        assert_eq!(std::fs::read(&victim).unwrap(), b"root's own file\n");
    }
}

// ---------------------------------------------------------------------------
// Acceptance 2: an interrupted replacement is read whole and completed by
// the next writer.

/// Names a killed writer (pid 4242) gave its staged files.
fn staged_name(dest: &str, tag: &str) -> String {
    format!(".{dest}.4242.{tag}.tmp")
}

#[test]
fn interrupted_replacement_is_read_whole_and_completed_by_the_next_writer() {
    if !root() {
        return;
    }
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("store");
    std::fs::create_dir(&dir).unwrap();
    let db = cms_store(&dir);
    // The new set, as a writer of `changepw --stash` plus a new entry
    // staged it: made in a copy, then laid out as that writer leaves it.
    let next = t.path().join("next");
    std::fs::create_dir(&next).unwrap();
    for f in ["key.kdb", "key.rdb", "key.sth"] {
        std::fs::copy(dir.join(f), next.join(f)).unwrap();
    }
    let next_db = next.join("key.kdb");
    KDBMAN.ok(&[
        "cert",
        "create",
        "--db",
        s(&next_db),
        "--stashed",
        "--label",
        "second",
        "--dn",
        "CN=second",
        "--key",
        "ec:p256",
    ]);
    KDBMAN.ok(&[
        "keydb",
        "changepw",
        "--db",
        s(&next_db),
        "--pw-env",
        "PW",
        "--new-pw-env",
        "NEW_PW",
        "--stash",
    ]);
    let mut lines = Vec::new();
    for (f, tag) in [
        ("key.kdb", "aaaaaaaaaaaa"),
        ("key.rdb", "bbbbbbbbbbbb"),
        ("key.sth", "cccccccccccc"),
    ] {
        let name = staged_name(f, tag);
        std::fs::copy(next.join(f), dir.join(&name)).unwrap();
        std::fs::set_permissions(dir.join(&name), std::fs::Permissions::from_mode(0o600)).unwrap();
        lines.push((name, f.to_string()));
    }
    let marker = write_marker(&dir, &lines);
    let old_rdb = std::fs::read(dir.join("key.rdb")).unwrap();

    // Killed after the marker and the first rename (the .kdb): the .kdb is
    // new, the .rdb and stash are still old, their new ones staged.
    std::fs::rename(dir.join(&lines[0].0), &db).unwrap();
    let before = snapshot(&dir);

    // A reader sees the new set whole (the old stash would not open the
    // new .kdb; the old .rdb beside it would be a mix), says a write is
    // pending, and changes nothing.
    let list = KDBMAN.ok(&["cert", "list", "--db", s(&db), "--stashed"]);
    let list_text = text(&list);
    assert!(
        list_text.contains("second") && list_text.contains("first"),
        "{list_text}"
    );
    assert!(
        list_text.contains("interrupted") && list_text.contains(".key.kdb.commit"),
        "{list_text}"
    );
    let pw = KDBMAN.ok(&["cert", "list", "--db", s(&db), "--pw-env", "NEW_PW"]);
    assert!(text(&pw).contains("second"));
    let lint = KDBMAN.output(&["lint", "--db", s(&db), "--stashed", "--format", "json"]);
    assert!(
        !text(&lint).contains("SSL0214E"),
        "lint reads the committed set: {}",
        text(&lint)
    );
    assert!(text(&lint).contains("interrupted"), "{}", text(&lint));
    let fleet = KDBMAN.output(&["lint", "--dir", s(&dir), "--stashed", "--format", "json"]);
    assert!(
        !text(&fleet).contains("SSL0214E") && text(&fleet).contains("interrupted"),
        "lint over a directory: {}",
        text(&fleet)
    );
    {
        let stash = kdbman::Stash::read(
            &dir.join("key.sth"),
            &db,
            kdbman::stash::Permissions::Strict,
        )
        .unwrap();
        let store = kdbman::Store::open_stashed(&db, &stash, kdbman::Access::Read).unwrap();
        assert_eq!(store.pending_write(), Some(marker.as_path()));
        assert!(store.get("second").is_ok());
    }
    assert_eq!(snapshot(&dir), before, "a reader changed the directory");
    assert_eq!(std::fs::read(dir.join("key.rdb")).unwrap(), old_rdb);

    // The next writer completes the renames, then makes its own change.
    KDBMAN.ok(&[
        "cert",
        "rename",
        "--db",
        s(&db),
        "--stashed",
        "--label",
        "second",
        "--new-label",
        "third",
    ]);
    assert!(!marker.exists(), "the marker is gone");
    let left: Vec<String> = snapshot(&dir)
        .into_keys()
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "staged files left: {left:?}");
    assert_ne!(std::fs::read(dir.join("key.rdb")).unwrap(), old_rdb);
    let after = labels(&db);
    assert!(
        after.contains("third") && after.contains("first"),
        "{after}"
    );
    assert!(
        !text(&KDBMAN.ok(&["cert", "list", "--db", s(&db), "--stashed"])).contains("interrupted")
    );
}

// ---------------------------------------------------------------------------
// Acceptance 3: rewrites keep owner, group, mode and ACL.

/// A POSIX access ACL (the `system.posix_acl_access` value): the owner
/// rw, user 12345 r, the group r (mask r), others nothing: mode 0640.
fn acl_0640() -> Vec<u8> {
    let mut v = 2u32.to_le_bytes().to_vec();
    for (tag, perm, id) in [
        (0x01u16, 6u16, u32::MAX),
        (0x02, 4, OTHER_UID),
        (0x04, 4, u32::MAX),
        (0x10, 4, u32::MAX),
        (0x20, 0, u32::MAX),
    ] {
        v.extend_from_slice(&tag.to_le_bytes());
        v.extend_from_slice(&perm.to_le_bytes());
        v.extend_from_slice(&id.to_le_bytes());
    }
    v
}

fn xattr(p: &Path, name: &std::ffi::CStr) -> Option<Vec<u8>> {
    let c = std::ffi::CString::new(p.as_os_str().as_encoded_bytes()).unwrap();
    let mut buf = vec![0u8; 4096];
    // SAFETY: both strings are NUL-terminated; buf is valid for its length.
    let n = unsafe {
        libc::getxattr(
            c.as_ptr(),
            name.as_ptr(),
            buf.as_mut_ptr().cast(),
            buf.len(),
        )
    };
    (n >= 0).then(|| {
        buf.truncate(n as usize);
        buf
    })
}

fn set_xattr(p: &Path, name: &std::ffi::CStr, value: &[u8]) -> bool {
    let c = std::ffi::CString::new(p.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: both strings are NUL-terminated; value is valid for its length.
    unsafe {
        libc::setxattr(
            c.as_ptr(),
            name.as_ptr(),
            value.as_ptr().cast(),
            value.len(),
            0,
        ) == 0
    }
}

/// Owner, group, mode and ACL of a file.
fn attrs(p: &Path) -> (u32, u32, u32, Option<Vec<u8>>) {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::symlink_metadata(p).unwrap();
    assert!(
        m.file_type().is_file(),
        "{} is not a regular file",
        p.display()
    );
    (
        m.uid(),
        m.gid(),
        m.mode() & 0o7777,
        xattr(p, c"system.posix_acl_access"),
    )
}

#[test]
fn rewrites_keep_owner_group_mode_and_acl() {
    if !root() {
        return;
    }
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    let db = cms_store(dir);
    let set = ["key.kdb", "key.rdb", "key.sth"].map(|f| dir.join(f));
    let acl = acl_0640();
    let mut acl_supported = true;
    for f in &set {
        std::os::unix::fs::chown(f, Some(OTHER_UID), Some(OTHER_GID)).unwrap();
        std::fs::set_permissions(f, std::fs::Permissions::from_mode(0o640)).unwrap();
        acl_supported &= set_xattr(f, c"system.posix_acl_access", &acl);
    }
    if !acl_supported {
        common::skipped(
            "(part) this filesystem keeps no POSIX ACLs; owner, group and mode are still checked",
        );
    }
    let expected: Vec<_> = set.iter().map(|f| attrs(f)).collect();
    assert_eq!(expected[0].2, 0o640);
    let check = |what: &str| {
        for (f, want) in set.iter().zip(&expected) {
            assert_eq!(&attrs(f), want, "after {what}: {}", f.display());
        }
        let stray: Vec<String> = snapshot(dir)
            .into_keys()
            .filter(|n| n.ends_with(".tmp") || n.ends_with(".commit"))
            .collect();
        assert!(stray.is_empty(), "after {what}: {stray:?}");
    };
    let pw = ["--pw-env", "PW", "--allow-insecure-stash"];
    let db_s = s(&db);
    KDBMAN.ok(&[
        &[
            "cert",
            "create",
            "--db",
            db_s,
            "--label",
            "second",
            "--dn",
            "CN=second",
            "--key",
            "ec:p256",
        ][..],
        &pw,
    ]
    .concat());
    check("cert create");
    KDBMAN.ok(&[
        &[
            "cert",
            "rename",
            "--db",
            db_s,
            "--label",
            "second",
            "--new-label",
            "renamed",
        ][..],
        &pw,
    ]
    .concat());
    check("cert rename");
    KDBMAN.ok(&[
        "keydb",
        "changepw",
        "--db",
        db_s,
        "--pw-env",
        "PW",
        "--new-pw-env",
        "NEW_PW",
        "--stash",
    ]);
    check("keydb changepw --stash");
    let new_pw = ["--pw-env", "NEW_PW"];
    KDBMAN.ok(&[
        &[
            "certreq", "create", "--db", db_s, "--label", "req", "--dn", "CN=req", "--key",
            "ec:p256",
        ][..],
        &new_pw,
    ]
    .concat());
    check("certreq create");
    // A stashpw over the existing stash keeps it as it was too.
    KDBMAN.ok(&[&["keydb", "stashpw", "--db", db_s][..], &new_pw].concat());
    check("keydb stashpw");
    // Converting onto the store itself is refused before anything is
    // written; the set is as it was.
    let before = snapshot(dir);
    let out = KDBMAN.output(
        &[
            &[
                "keydb",
                "convert",
                "--db",
                db_s,
                "--target",
                db_s,
                "--target-type",
                "cms",
                "--target-pw-env",
                "NEW_PW",
            ][..],
            &new_pw,
        ]
        .concat(),
    );
    assert!(!out.status.success(), "convert onto the store went ahead");
    assert!(
        text(&out).contains("a file of the store itself"),
        "{}",
        text(&out)
    );
    assert_eq!(snapshot(dir), before);
    check("keydb convert onto the store");
    // Converting in place (no --target: the CMS version upgrade) rewrites
    // the set keeping owner, group, mode and ACL.
    KDBMAN.ok(&[
        &["keydb", "convert", "--db", db_s, "--cms-version", "6"][..],
        &new_pw,
    ]
    .concat());
    check("keydb convert in place");
    let listed = text(&KDBMAN.ok(&[&["cert", "list", "--db", db_s][..], &new_pw].concat()));
    assert!(
        listed.contains("renamed") && listed.contains("req"),
        "{listed}"
    );
    // A new stash takes the store's owner and group, mode 0600.
    std::fs::remove_file(&set[2]).unwrap();
    KDBMAN.ok(&[&["keydb", "stashpw", "--db", db_s][..], &new_pw].concat());
    let (uid, gid, mode, _) = attrs(&set[2]);
    assert_eq!((uid, gid, mode), (OTHER_UID, OTHER_GID, 0o600));
}

#[test]
fn a_rewrite_that_cannot_keep_the_group_fails_before_replacing() {
    if !root() {
        return;
    }
    // As another user than root, a file of a group the user is not in
    // cannot be rewritten keeping that group: the write must fail and
    // leave everything as it was. Run the writer as uid 12345 through
    // setuid in a child.
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("s");
    std::fs::create_dir(&dir).unwrap();
    let db = cms_store(&dir);
    std::os::unix::fs::chown(&dir, Some(OTHER_UID), Some(OTHER_GID)).unwrap();
    std::fs::set_permissions(t.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    for f in ["key.kdb", "key.rdb", "key.sth"] {
        // Owned by the user, group root (gid 0), which the user is not in.
        std::os::unix::fs::chown(dir.join(f), Some(OTHER_UID), Some(0)).unwrap();
        std::fs::set_permissions(dir.join(f), std::fs::Permissions::from_mode(0o640)).unwrap();
    }
    let before = snapshot(&dir);
    let mut cmd = KDBMAN.std();
    cmd.args([
        "cert",
        "create",
        "--db",
        s(&db),
        "--pw-env",
        "PW",
        "--allow-insecure-stash",
    ])
    .args(["--label", "second", "--dn", "CN=second", "--key", "ec:p256"]);
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        std::os::unix::process::CommandExt::pre_exec(&mut cmd, || {
            if libc::setgroups(0, std::ptr::null()) != 0
                || libc::setgid(OTHER_GID) != 0
                || libc::setuid(OTHER_UID) != 0
            {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let out = cmd.output().unwrap();
    assert!(
        !out.status.success(),
        "the rewrite went ahead: {}",
        text(&out)
    );
    let t = text(&out);
    assert!(
        t.contains("keeping its owner and group"),
        "the message says why: {t}"
    );
    assert_eq!(snapshot(&dir), before, "something was replaced");
}

// ---------------------------------------------------------------------------
// Acceptance 6: no write through another user's link, or onto the store.

#[test]
fn another_users_links_in_a_sticky_directory_are_refused() {
    if !root() {
        return;
    }
    let t = tempfile::tempdir().unwrap();
    let shared = t.path().join("shared");
    std::fs::create_dir(&shared).unwrap();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o1777)).unwrap();
    // Root's files elsewhere, and the other user's links to them.
    let private = t.path().join("root-only");
    std::fs::create_dir(&private).unwrap();
    let targets = ["rdb-target", "sth-target"].map(|n| private.join(n));
    for p in &targets {
        std::fs::write(p, b"root's file").unwrap();
    }
    let db = shared.join("key.kdb");
    for (name, target) in ["key.rdb", "key.sth"].iter().zip(&targets) {
        let link = shared.join(name);
        symlink(target, &link).unwrap();
        lchown(&link, OTHER_UID, OTHER_GID);
    }
    let before = snapshot(&shared);
    for extra in [&[][..], &["--type", "kdbman", "--kdf-floor"][..]] {
        let out = KDBMAN.output(
            &[
                &[
                    "keydb",
                    "create",
                    "--db",
                    s(&db),
                    "--pw-env",
                    "PW",
                    "--stash",
                ][..],
                extra,
            ]
            .concat(),
        );
        assert!(!out.status.success(), "create went ahead: {}", text(&out));
        assert!(text(&out).contains("exists already"), "{}", text(&out));
        assert!(!db.exists(), "a store was left behind");
        assert_eq!(snapshot(&shared), before, "the directory changed");
    }
    // A stash alone (stashpw) through another user's link: refused too.
    let t2 = tempfile::tempdir().unwrap();
    let db2 = cms_store(t2.path());
    std::fs::remove_file(t2.path().join("key.sth")).unwrap();
    let link = t2.path().join("key.sth");
    symlink(&targets[1], &link).unwrap();
    lchown(&link, OTHER_UID, OTHER_GID);
    let out = KDBMAN.output(&["keydb", "stashpw", "--db", s(&db2), "--pw-env", "PW"]);
    assert!(!out.status.success(), "stashpw wrote through the link");
    assert!(
        text(&out).contains("symbolic link owned by uid 12345"),
        "{}",
        text(&out)
    );
    for p in &targets {
        assert_eq!(
            std::fs::read(p).unwrap(),
            b"root's file",
            "{} changed",
            p.display()
        );
    }
    // A regular file another user planted where root's stash will go:
    // not written (its owner would read the password), nothing changed.
    let t3 = tempfile::tempdir().unwrap();
    let sticky = t3.path().join("shared");
    std::fs::create_dir(&sticky).unwrap();
    std::fs::set_permissions(&sticky, std::fs::Permissions::from_mode(0o1777)).unwrap();
    let db3 = sticky.join("key.kdb");
    KDBMAN.ok(&["keydb", "create", "--db", s(&db3), "--pw-env", "PW"]);
    let planted = sticky.join("key.sth");
    std::fs::write(&planted, b"mine").unwrap();
    lchown(&planted, OTHER_UID, OTHER_GID);
    let before = snapshot(&sticky);
    for args in [
        &["keydb", "stashpw", "--db", s(&db3), "--pw-env", "PW"][..],
        &[
            "keydb",
            "changepw",
            "--db",
            s(&db3),
            "--pw-env",
            "PW",
            "--new-pw-env",
            "NEW_PW",
            "--stash",
        ][..],
    ] {
        let out = KDBMAN.output(args);
        assert!(
            !out.status.success(),
            "{args:?} wrote into the planted file"
        );
        assert!(
            text(&out).contains("belongs to uid 12345"),
            "{}",
            text(&out)
        );
        assert_eq!(snapshot(&sticky), before, "{args:?} changed something");
    }
    // A store reached through another user's link to its directory: a
    // change is refused (reading through it is the kernel's call).
    let real = private.join("stores");
    std::fs::create_dir(&real).unwrap();
    cms_store(&real);
    let dir_link = shared.join("stores");
    symlink(&real, &dir_link).unwrap();
    lchown(&dir_link, OTHER_UID, OTHER_GID);
    let before = snapshot(&real);
    let via = dir_link.join("key.kdb");
    let out = KDBMAN.output(&[
        "cert",
        "create",
        "--db",
        s(&via),
        "--stashed",
        "--label",
        "second",
        "--dn",
        "CN=second",
        "--key",
        "ec:p256",
    ]);
    assert!(!out.status.success(), "a change went through the link");
    assert!(
        text(&out).contains("symbolic link owned by uid 12345"),
        "{}",
        text(&out)
    );
    assert_eq!(snapshot(&real), before);
}

#[test]
fn outputs_onto_the_store_itself_are_refused() {
    if !root() {
        return;
    }
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    let db = cms_store(dir);
    // Another name for the .rdb: caught by device and inode.
    std::fs::hard_link(dir.join("key.rdb"), dir.join("alias.pem")).unwrap();
    let before = snapshot(dir);
    let cases: [&[&str]; 5] = [
        &[
            "-cert", "-extract", "-db", "key.kdb", "-stashed", "-label", "first", "-target",
            "key.kdb",
        ],
        &[
            "-certreq", "-create", "-db", "key.kdb", "-stashed", "-label", "req", "-dn", "CN=req",
            "-file", "key.rdb",
        ],
        &[
            "-cert", "-extract", "-db", "key.kdb", "-stashed", "-label", "first", "-target",
            "key.sth",
        ],
        &[
            "-cert",
            "-extract",
            "-db",
            "key.kdb",
            "-stashed",
            "-label",
            "first",
            "-target",
            "alias.pem",
        ],
        &[
            "-certreq",
            "-create",
            "-db",
            "key.kdb",
            "-stashed",
            "-label",
            "req",
            "-dn",
            "CN=req",
            "-file",
            "alias.pem",
        ],
    ];
    for line in cases {
        let out = gsk(dir, line);
        let mut now = snapshot(dir);
        now.remove("gsk8capicmd_64");
        assert!(!out.status.success(), "{line:?} went ahead");
        assert!(
            text(&out).contains("a file of the store itself"),
            "{line:?}: {}",
            text(&out)
        );
        assert_eq!(now, before, "{line:?} changed the store");
    }
    // kdbman's own options, the same.
    for args in [
        &[
            "cert",
            "extract",
            "--db",
            s(&db),
            "--stashed",
            "--label",
            "first",
            "--target",
            s(&db),
            "--force",
        ][..],
        &[
            "certreq",
            "create",
            "--db",
            s(&db),
            "--stashed",
            "--label",
            "r",
            "--dn",
            "CN=r",
            "--target",
            s(&dir.join("key.rdb")),
            "--force",
        ][..],
        &[
            "keydb",
            "export",
            "--db",
            s(&db),
            "--stashed",
            "--target",
            s(&dir.join("key.sth")),
            "--target-pw-env",
            "PW",
            "--force",
        ][..],
    ] {
        let out = KDBMAN.output(args);
        assert!(!out.status.success(), "{args:?} went ahead");
        assert!(
            text(&out).contains("a file of the store itself"),
            "{args:?}: {}",
            text(&out)
        );
    }
    let mut now = snapshot(dir);
    now.remove("gsk8capicmd_64");
    assert_eq!(now, before);
    assert!(labels(&db).contains("first"));

    // A file another user planted at an output name does not leave them
    // owning the private key written there.
    let planted = dir.join("export.pem");
    std::fs::write(&planted, b"planted").unwrap();
    std::fs::set_permissions(&planted, std::fs::Permissions::from_mode(0o666)).unwrap();
    lchown(&planted, OTHER_UID, OTHER_GID);
    KDBMAN.ok(&[
        "cert",
        "extract",
        "--db",
        s(&db),
        "--stashed",
        "--label",
        "first",
        "--with-key",
        "--target",
        s(&planted),
        "--force",
    ]);
    let (uid, _, mode, _) = attrs(&planted);
    assert_eq!((uid, mode), (0, 0o600), "the key export is root's, 0600");
}
