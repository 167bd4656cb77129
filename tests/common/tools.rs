//! Running openssl (and other real tools) from tests.
#![allow(dead_code)]

use std::path::Path;

/// Runs openssl in `dir`, asserting success; its standard output.
pub fn openssl(dir: &Path, args: &[&str]) -> Vec<u8> {
    super::tool_stdout(dir, "openssl", args)
}

/// Runs openssl in `dir`, asserting success; standard output and error
/// together (`openssl pkcs12 -info` reports on stderr).
pub fn openssl_text(dir: &Path, args: &[&str]) -> String {
    super::tool_text(dir, "openssl", args)
}

/// Runs openssl in the current directory without asserting:
/// (success, standard output + standard error).
pub fn openssl_status(args: &[&str]) -> (bool, String) {
    let out = std::process::Command::new("openssl")
        .args(args)
        .output()
        .expect("openssl must be installed (see .ci/run)");
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}
