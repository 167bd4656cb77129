//! Issue 20, acceptance 5: `cert validate --file` answers "would a client
//! holding this store trust that server certificate?" for a chain in a
//! file, naming the missing certificate when the store's signers do not
//! anchor it. Also: a certificate stored as a signer that is no CA (a
//! queue manager's self-signed certificate) is not reported as an issuer
//! that may not sign; and `--file` reads pipes (a FIFO, process
//! substitution).

mod common;
use common::{Kdbman, openssl};

use std::path::Path;
use std::process::Stdio;

use predicates::prelude::PredicateBooleanExt;
use predicates::str::contains;

const PW: &str = "Validate-File-Password-7";
const KDBMAN: Kdbman = Kdbman::new(&[("KPW", PW)]);

/// Root, intermediate and a server certificate by openssl; chain.pem is
/// the server certificate and the intermediate, as a server sends them.
fn openssl_chain(dir: &Path) {
    std::fs::write(
        dir.join("ca.ext"),
        "basicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign,cRLSign\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("leaf.ext"),
        "basicConstraints=CA:false\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:srv.example.com\n",
    )
    .unwrap();
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
    ];
    let mut a = vec!["req", "-x509"];
    a.extend(ec);
    a.extend([
        "-keyout",
        "root.key",
        "-out",
        "root.pem",
        "-days",
        "3650",
        "-subj",
        "/O=VF Test/CN=VF Root",
        "-addext",
        "basicConstraints=critical,CA:true",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
    ]);
    openssl(dir, &a);
    for (name, subj, ca, ca_key, ext) in [
        (
            "int",
            "/O=VF Test/CN=VF Intermediate",
            "root.pem",
            "root.key",
            "ca.ext",
        ),
        (
            "leaf",
            "/CN=srv.example.com",
            "int.pem",
            "int.key",
            "leaf.ext",
        ),
    ] {
        let key = format!("{name}.key");
        let csr = format!("{name}.csr");
        let pem = format!("{name}.pem");
        let mut r = vec!["req"];
        r.extend(ec);
        r.extend(["-keyout", &key, "-out", &csr, "-subj", subj]);
        openssl(dir, &r);
        openssl(
            dir,
            &[
                "x509",
                "-req",
                "-in",
                &csr,
                "-CA",
                ca,
                "-CAkey",
                ca_key,
                "-CAcreateserial",
                "-days",
                "365",
                "-extfile",
                ext,
                "-out",
                &pem,
            ],
        );
    }
    let chain = [
        std::fs::read_to_string(dir.join("leaf.pem")).unwrap(),
        std::fs::read_to_string(dir.join("int.pem")).unwrap(),
    ]
    .concat();
    std::fs::write(dir.join("chain.pem"), chain).unwrap();
}

fn store(dir: &Path, name: &str) {
    KDBMAN
        .with_kpw_in(
            dir,
            &[
                "keydb",
                "create",
                "--db",
                name,
                "--type",
                "kdbman",
                "--kdf-floor",
            ],
        )
        .success();
}

#[test]
fn a_chain_the_signers_anchor_passes_and_a_missing_link_is_named() {
    if !common::require_tool("openssl", "version") {
        return;
    }
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    openssl_chain(dir);
    store(dir, "client.kdbx");
    KDBMAN
        .with_kpw_in(
            dir,
            &[
                "cert",
                "add",
                "--db",
                "client.kdbx",
                "--label",
                "root",
                "--file",
                "root.pem",
            ],
        )
        .success();

    // The server's chain: trusted, built up to the store's root.
    KDBMAN
        .with_kpw_in(
            dir,
            &[
                "cert",
                "validate",
                "--db",
                "client.kdbx",
                "--file",
                "chain.pem",
            ],
        )
        .success()
        .stdout(contains("is trusted by the signers of client.kdbx"))
        .stdout(contains("0: CN=srv.example.com"))
        .stdout(contains("1: CN=VF Intermediate,O=VF Test"))
        .stdout(contains("2: CN=VF Root,O=VF Test"));
    let out = KDBMAN
        .with_kpw_in(
            dir,
            &[
                "cert",
                "validate",
                "--db",
                "client.kdbx",
                "--file",
                "chain.pem",
                "--json",
            ],
        )
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["valid"], true);
    assert_eq!(v["file"], "chain.pem");
    assert_eq!(v["chain"].as_array().unwrap().len(), 3);

    // The server sends its certificate alone: the intermediate is missing,
    // and named (exit status 1, a finding).
    KDBMAN
        .with_kpw_in(
            dir,
            &[
                "cert",
                "validate",
                "--db",
                "client.kdbx",
                "--file",
                "leaf.pem",
            ],
        )
        .code(1)
        .stderr(contains("SSL0208E"))
        .stderr(contains(
            "the issuer `CN=VF Intermediate,O=VF Test` of `CN=srv.example.com` is missing",
        ));

    // A store without the root: the root is the missing certificate.
    store(dir, "empty.kdbx");
    KDBMAN
        .with_kpw_in(
            dir,
            &[
                "cert",
                "validate",
                "--db",
                "empty.kdbx",
                "--file",
                "chain.pem",
            ],
        )
        .code(1)
        .stderr(contains(
            "the issuer `CN=VF Root,O=VF Test` of `CN=VF Intermediate,O=VF Test` is missing",
        ));
    let out = KDBMAN
        .with_kpw_in(
            dir,
            &[
                "cert",
                "validate",
                "--db",
                "empty.kdbx",
                "--file",
                "chain.pem",
                "--json",
            ],
        )
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["valid"], false);
    assert_eq!(v["code"], "SSL0208E");
    assert!(v["reason"].as_str().unwrap().contains("CN=VF Root"), "{v}");

    // --purpose as for entries: a server certificate is no client's.
    KDBMAN
        .with_kpw_in(
            dir,
            &[
                "cert",
                "validate",
                "--db",
                "client.kdbx",
                "--file",
                "chain.pem",
                "--purpose",
                "client",
            ],
        )
        .code(1)
        .stderr(contains("does not include clientAuth"));
    KDBMAN
        .with_kpw_in(
            dir,
            &[
                "cert",
                "validate",
                "--db",
                "client.kdbx",
                "--file",
                "chain.pem",
                "--purpose",
                "any",
            ],
        )
        .success();

    // --label and --file are one or the other.
    KDBMAN
        .with_kpw_in(dir, &["cert", "validate", "--db", "client.kdbx"])
        .code(2);
    KDBMAN
        .with_kpw_in(
            dir,
            &[
                "cert",
                "validate",
                "--db",
                "client.kdbx",
                "--label",
                "root",
                "--file",
                "chain.pem",
            ],
        )
        .code(2);
}

/// An MQ client store holds the queue manager's self-signed certificate
/// as a signer. It is no CA: `cert validate` checks it as the certificate
/// the queue manager presents, and never calls it an issuer.
#[test]
fn a_self_signed_peer_certificate_stored_as_a_signer_is_not_an_issuer() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    store(dir, "qm.kdbx");
    KDBMAN
        .with_kpw_in(
            dir,
            &[
                "cert",
                "create",
                "--db",
                "qm.kdbx",
                "--label",
                "ibmwebspheremqqm1",
                "--dn",
                "CN=QM1,O=Example",
                "--key",
                "ec:p256",
            ],
        )
        .success();
    KDBMAN
        .with_kpw_in(
            dir,
            &[
                "cert",
                "extract",
                "--db",
                "qm.kdbx",
                "--label",
                "ibmwebspheremqqm1",
                "--target",
                "qm1.pem",
            ],
        )
        .success();
    store(dir, "client.kdbx");
    KDBMAN
        .with_kpw_in(
            dir,
            &[
                "cert",
                "add",
                "--db",
                "client.kdbx",
                "--label",
                "qm1",
                "--file",
                "qm1.pem",
            ],
        )
        .success();
    KDBMAN
        .with_kpw_in(
            dir,
            &["cert", "validate", "--db", "client.kdbx", "--label", "qm1"],
        )
        .success()
        .stdout(contains("`qm1` is valid"))
        .stderr(contains("may not sign").not());
    // The queue manager's certificate as a file: trusted by the client.
    KDBMAN
        .with_kpw_in(
            dir,
            &[
                "cert",
                "validate",
                "--db",
                "client.kdbx",
                "--file",
                "qm1.pem",
            ],
        )
        .success();

    // Distrusted, it is refused as itself, not as an issuer.
    store(dir, "distrust.kdbx");
    KDBMAN
        .with_kpw_in(
            dir,
            &[
                "cert",
                "add",
                "--db",
                "distrust.kdbx",
                "--label",
                "qm1",
                "--file",
                "qm1.pem",
                "--trust",
                "disable",
            ],
        )
        .success();
    KDBMAN
        .with_kpw_in(
            dir,
            &[
                "cert",
                "validate",
                "--db",
                "distrust.kdbx",
                "--label",
                "qm1",
            ],
        )
        .code(1)
        .stderr(contains("self-signed `CN=QM1,O=Example`"))
        .stderr(contains("issuer `CN=QM1").not());
}

/// `--file` takes a FIFO and process substitution (`/dev/fd/63`), read
/// once and within the input limit.
#[test]
fn file_options_read_pipes() {
    if !common::require_tool("mkfifo", "--version") || !common::require_tool("bash", "--version") {
        return;
    }
    let t = tempfile::tempdir().unwrap();
    let dir = t.path();
    store(dir, "s.kdbx");
    KDBMAN
        .with_kpw_in(
            dir,
            &[
                "cert",
                "create",
                "--db",
                "s.kdbx",
                "--label",
                "ca",
                "--dn",
                "CN=Pipe CA",
                "--ca",
                "--key",
                "ec:p256",
            ],
        )
        .success();
    KDBMAN
        .with_kpw_in(
            dir,
            &[
                "cert", "extract", "--db", "s.kdbx", "--label", "ca", "--target", "ca.pem",
            ],
        )
        .success();
    store(dir, "t.kdbx");
    let bin = assert_cmd::cargo::cargo_bin("kdbman");

    // Process substitution, as a shell user writes it.
    let script = format!(
        "'{}' cert add --db t.kdbx --pw-env KPW --label pipe --file <(cat ca.pem)",
        bin.display()
    );
    let out = std::process::Command::new("bash")
        .args(["-c", &script])
        .current_dir(dir)
        .env("KPW", PW)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("added 1 signer certificate"));

    // A named FIFO whose writer comes after the reader has opened it.
    let fifo = dir.join("chain.fifo");
    common::tool(dir, "mkfifo", &[fifo.to_str().unwrap()]);
    let reader = std::process::Command::new(&bin)
        .args([
            "cert",
            "validate",
            "--db",
            "t.kdbx",
            "--pw-env",
            "KPW",
            "--purpose",
            "any",
        ])
        .arg("--file")
        .arg(&fifo)
        .current_dir(dir)
        .env("KPW", PW)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    std::fs::write(&fifo, std::fs::read(dir.join("ca.pem")).unwrap()).unwrap();
    let out = reader.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("CN=Pipe CA"));

    // The limit holds for a pipe too: more than KDBMAN_MAX_INPUT_MIB is
    // refused, naming the variable, and the store is unchanged.
    let script = format!(
        "'{}' cert add --db t.kdbx --pw-env KPW --label big --file <(head -c 2000000 /dev/zero)",
        bin.display()
    );
    let out = std::process::Command::new("bash")
        .args(["-c", &script])
        .current_dir(dir)
        .env("KPW", PW)
        .env("KDBMAN_MAX_INPUT_MIB", "1")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("KDBMAN_MAX_INPUT_MIB"));

    // A device is still refused without being read.
    KDBMAN
        .with_kpw_in(
            dir,
            &[
                "cert",
                "add",
                "--db",
                "t.kdbx",
                "--label",
                "z",
                "--file",
                "/dev/zero",
            ],
        )
        .code(3)
        .stderr(contains("character device"));
}
