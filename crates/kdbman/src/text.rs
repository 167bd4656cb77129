//! Showing strings that came from a file or a peer as text that cannot
//! forge output.
//!
//! A certificate subject, a label, a friendly name, a file name or an SNI
//! value is chosen by whoever made the file or opened the connection. Shown
//! raw, `ESC[2K`, a carriage return or a newline erases lines, forges rows
//! or sets the terminal title, and a Unicode bidi override reorders what the
//! reader sees. [`escape`] shows every such character as a visible escape,
//! and a backslash as `\\`, so that the escaped text names exactly one
//! string: a literal `\x1b` in a label is shown `\\x1b`, distinct from ESC.
//!
//! Machine formats (JSON, SARIF, JUnit, Prometheus, GitHub annotations)
//! encode per their own rules instead; this is for text meant to be read.

use std::borrow::Cow;
use std::ffi::OsStr;
use std::fmt::Write;
use std::path::Path;

/// Whether `c` must not reach a terminal as itself: C0 and C1 controls,
/// DEL, the Unicode line and paragraph separators, and the bidi marks,
/// embeddings, overrides and isolates (U+061C, U+200E, U+200F,
/// U+202A–U+202E, U+2066–U+2069).
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
        )
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '\\' => out.push_str("\\\\"),
        '\t' => out.push_str("\\t"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        c if (c as u32) < 0x80 && is_unsafe(c) => {
            let _ = write!(out, "\\x{:02x}", c as u32);
        }
        c if is_unsafe(c) => {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
        c => out.push(c),
    }
}

/// `s` with control characters, bidi controls and backslashes shown as
/// escapes (`\x1b`, `\r`, `\n`, `\u{202e}`, `\\`); borrowed when nothing
/// needed escaping.
pub fn escape(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| c == '\\' || is_unsafe(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        push_escaped(&mut out, c);
    }
    Cow::Owned(out)
}

/// A message of several lines (an error, a warning) made inert: when any
/// line holds a character [`escape`] would escape (other than the LFs
/// between lines), every line is escaped and the LFs kept; otherwise the
/// message is unchanged. Messages are composed by kdbman from file data
/// already shown escaped where it matters; this is the last guard before
/// a terminal.
pub fn escape_lines(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| c != '\n' && is_unsafe(c)) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.split('\n').map(escape).collect::<Vec<_>>().join("\n"))
}

/// Bytes that should be UTF-8 text (a file name, an SNI value), escaped as
/// [`escape`] does, with each byte that is not UTF-8 shown as `\xNN`: two
/// names that differ never look alike, as they can when shown lossily.
pub fn escape_bytes(bytes: &[u8]) -> Cow<'_, str> {
    if let Ok(s) = std::str::from_utf8(bytes) {
        return escape(s);
    }
    let mut out = String::with_capacity(bytes.len() + 8);
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            push_escaped(&mut out, c);
        }
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02x}");
        }
    }
    Cow::Owned(out)
}

/// A path for text output, escaped as [`escape_bytes`] does.
pub fn path(p: &Path) -> Cow<'_, str> {
    os(p.as_os_str())
}

/// An OS string for text output, escaped as [`escape_bytes`] does.
pub fn os(s: &OsStr) -> Cow<'_, str> {
    escape_bytes(s.as_encoded_bytes())
}

/// JSON text (as serde_json writes it) with DEL, C1 controls and bidi
/// controls `\uXXXX`-escaped as well: serde_json escapes only C0 controls.
/// Such characters can only stand inside JSON strings, where the escape
/// means the same character, so the value is unchanged; LF, which pretty
/// printing puts between tokens, is left alone.
pub fn inert_json(s: String) -> String {
    // Printable ASCII and LF, the usual case, in one pass over the bytes
    // (a 10,000-entry listing is 3 MB).
    if s.bytes().all(|b| b == b'\n' || (0x20..0x7f).contains(&b))
        || !s.chars().any(|c| c != '\n' && is_unsafe(c))
    {
        return s;
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if c != '\n' && is_unsafe(c) {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{u:04x}");
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// `Display` of a string through [`escape`], for `format!` arguments.
#[derive(Debug, Clone, Copy)]
pub struct Shown<'a>(pub &'a str);

impl std::fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&escape(self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_bidi_and_backslash_are_escaped() {
        assert_eq!(escape("plain name"), "plain name");
        assert!(matches!(escape("plain"), Cow::Borrowed(_)));
        assert_eq!(
            escape("evil\x1b[2K\r\nfake row\x07"),
            "evil\\x1b[2K\\r\\nfake row\\x07"
        );
        assert_eq!(escape("a\u{7f}b\u{85}c"), "a\\x7fb\\u{85}c");
        assert_eq!(escape("x\u{202e}y\u{2066}z"), "x\\u{202e}y\\u{2066}z");
        assert_eq!(escape("O=Example\\, Inc"), "O=Example\\\\, Inc");
        // A literal escape sequence and the character it names differ.
        assert_ne!(escape("\\x1b"), escape("\x1b"));
        assert_eq!(escape("ünïcödé"), "ünïcödé");
    }

    #[test]
    fn messages_keep_their_lines() {
        assert_eq!(escape_lines("a\\b\nc"), "a\\b\nc");
        assert_eq!(escape_lines("a\\b\x1b\nc"), "a\\\\b\\x1b\nc");
    }

    #[test]
    fn nothing_unsafe_survives() {
        let all: String = (0u32..0x3000).filter_map(char::from_u32).collect();
        let out = escape(&all);
        assert!(!out.chars().any(is_unsafe), "{out}");
    }

    #[test]
    fn bytes_that_are_not_utf8_stay_distinct() {
        assert_eq!(escape_bytes(b"a\xffb"), "a\\xffb");
        assert_eq!(escape_bytes(b"a\xc3\xa9\x1b"), "a\u{e9}\\x1b");
        assert_ne!(escape_bytes(b"a\xff"), escape_bytes(b"a\xfe"));
        assert_ne!(escape_bytes(b"a\xff"), escape_bytes("a\u{fffd}".as_bytes()));
    }
}
