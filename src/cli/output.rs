//! Writing to standard output, where a closed pipe is not an error.

use std::io::Write;

/// Writes text to stdout; a reader that went away (`| head`) ends the
/// program quietly with success, as ripgrep does.
pub fn emit(text: &str) {
    let mut out = std::io::stdout().lock();
    let r = out.write_all(text.as_bytes()).and_then(|()| out.flush());
    if let Err(e) = r {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        let _ = writeln!(
            std::io::stderr(),
            "kdbman: error: cannot write to standard output: {e}"
        );
        std::process::exit(i32::from(super::exit::IO));
    }
}

/// Writes a line.
pub fn line(text: impl AsRef<str>) {
    let mut s = text.as_ref().to_string();
    s.push('\n');
    emit(&s);
}

/// Writes pretty JSON and a newline.
pub fn json(value: &serde_json::Value) {
    json_ordered(value);
}

/// Writes pretty JSON of a serializable type, its fields in declaration order.
pub fn json_ordered<T: serde::Serialize>(value: &T) {
    let mut s = kdbman::text::inert_json(serde_json::to_string_pretty(value).unwrap_or_default());
    s.push('\n');
    emit(&s);
}

/// Unix seconds as RFC 3339.
pub fn time(unix: i64) -> String {
    kdbman::pki::cert::rfc3339(unix)
}
