//! Fuzz entry points for the server (the store's are in
//! `kdbman::fuzzing`): the first bytes and HTTP request heads, and one
//! connection's state machine. Not part of the public API.

use std::net::SocketAddr;

use crate::first_bytes::{FirstBytes, classify_first};
use crate::log::{Event, LogFormat};
use crate::page;

/// Every server target by name, as the regression test replays them.
pub const TARGETS: &[(&str, kdbman::fuzzing::Target)] =
    &[("http_head", http_head), ("serve_session", serve_session)];

/// `serve`: the first-bytes classification, the request-head parser, what
/// is read from a parsed head, and the log lines that show client bytes.
pub fn http_head(data: &[u8]) {
    let peer = SocketAddr::from(([127, 0, 0, 1], 1));
    let first = &data[..data.len().min(4096)];
    if let FirstBytes::NotTls(detail) = classify_first(first) {
        let e = Event::Handshake {
            peer,
            code: "SSL0253E",
            detail,
        };
        assert!(!e.render(LogFormat::Text, "t").contains('\n'));
    }
    // Pipelined requests, as the request loop consumes them.
    let mut rest = data;
    while let page::Parsed::Complete(req, used) = page::parse(rest) {
        assert!(used > 0 && used <= rest.len(), "parse consumed {used}");
        let _ = req.keep_alive();
        let _ = req.content_length();
        let host = req.header("host");
        let _ = page::use_https(host);
        let e = Event::Request {
            peer,
            method: req.method.clone(),
            path: req.target.chars().take(200).collect(),
            status: 200,
        };
        for f in [LogFormat::Text, LogFormat::Json] {
            assert!(!e.render(f, "t").contains('\n'), "a log line was split");
        }
        rest = &rest[used..];
    }
}

/// `serve`: one connection's state machine (first bytes, plain 400, TLS
/// handshake, HTTP, closing) over an in-memory socket, the fuzzer's bytes
/// being the client's stream in chunks, with the clock, the client's
/// close, eviction and a graceful stop taken from the input too (see
/// `serve::fuzz` for the input's layout). Every session ends within its
/// deadlines.
pub fn serve_session(data: &[u8]) {
    crate::fuzz::session(data);
}
