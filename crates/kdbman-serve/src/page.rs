//! The HTTP/1.1 side: a bounded request parser and the page that shows
//! what the handshake negotiated. Pure functions over bytes.

use serde_json::{Value, json};

use super::config::Served;
use kdbman::pki::cert::rfc3339;

/// The largest request head (request line + headers) accepted.
pub const MAX_HEAD: usize = 16 * 1024;
/// The largest request body read (and discarded).
pub const MAX_BODY: usize = 64 * 1024;

/// A parsed request head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    pub target: String,
    /// `true` for HTTP/1.1, `false` for HTTP/1.0.
    pub http11: bool,
    pub headers: Vec<(String, String)>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Whether the client wants the connection kept after this answer.
    pub fn keep_alive(&self) -> bool {
        let conn = self.header("connection").unwrap_or("").to_ascii_lowercase();
        if self.http11 {
            !conn.split(',').any(|t| t.trim() == "close")
        } else {
            conn.split(',').any(|t| t.trim() == "keep-alive")
        }
    }

    /// The declared body length (0 when absent). Digits beyond `u64`
    /// read as `u64::MAX`: too large either way, refused with 413.
    pub fn content_length(&self) -> Result<u64, &'static str> {
        if self.header("transfer-encoding").is_some() {
            return Err("chunked request bodies are not accepted");
        }
        let mut values = self
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("content-length"));
        let Some((_, v)) = values.next() else {
            return Ok(0);
        };
        if values.next().is_some() {
            return Err("more than one Content-Length");
        }
        let v = v.trim();
        if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
            return Err("bad Content-Length");
        }
        Ok(v.parse().unwrap_or(u64::MAX))
    }
}

/// The outcome of parsing the bytes received so far.
#[derive(Debug, PartialEq, Eq)]
pub enum Parsed {
    /// A full head, and how many bytes it took.
    Complete(Request, usize),
    /// More bytes are needed.
    Partial,
    /// Not a request this server accepts: answer 400 and close.
    Bad(&'static str),
    /// The head passed [`MAX_HEAD`] or the header count: answer 431 and close.
    TooLarge(&'static str),
}

/// Maximum number of header lines in a request.
pub const MAX_HEADERS: usize = 100;

/// Parses a request head from `buf`, never reading past [`MAX_HEAD`].
/// Control characters are refused anywhere in the head, so nothing a
/// client sends can split a log line or a header.
pub fn parse(buf: &[u8]) -> Parsed {
    let Some(end) = find_head_end(buf) else {
        return if buf.len() >= MAX_HEAD {
            Parsed::TooLarge("request head too large")
        } else {
            Parsed::Partial
        };
    };
    if end > MAX_HEAD {
        return Parsed::TooLarge("request head too large");
    }
    let head_bytes = &buf[..end];
    if head_bytes
        .iter()
        .enumerate()
        .any(|(i, &b)| is_forbidden(b) && !is_crlf_at(head_bytes, i))
    {
        return Parsed::Bad("control character in the request head");
    }
    let Ok(head) = std::str::from_utf8(head_bytes) else {
        return Parsed::Bad("request head is not UTF-8");
    };
    let mut lines = head.split("\r\n").filter(|l| !l.is_empty());
    let Some(first) = lines.next() else {
        return Parsed::Bad("empty request");
    };
    let mut parts = first.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Parsed::Bad("malformed request line");
    };
    let http11 = match version {
        "HTTP/1.1" => true,
        "HTTP/1.0" => false,
        _ => return Parsed::Bad("unsupported HTTP version"),
    };
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_uppercase()) || target.is_empty() {
        return Parsed::Bad("malformed request line");
    }
    let mut headers = Vec::new();
    for l in lines {
        let Some((n, v)) = l.split_once(':') else {
            return Parsed::Bad("malformed header");
        };
        if n.is_empty() || !n.bytes().all(is_token_byte) {
            return Parsed::Bad("malformed header name");
        }
        if headers.len() >= MAX_HEADERS {
            return Parsed::TooLarge("too many headers");
        }
        headers.push((n.trim().to_string(), v.trim().to_string()));
    }
    Parsed::Complete(
        Request {
            method: method.to_string(),
            target: target.to_string(),
            http11,
            headers,
        },
        end + 4,
    )
}

/// Bytes no request head may hold (tab is allowed in header values).
fn is_forbidden(b: u8) -> bool {
    (b < 0x20 && b != b'\t') || b == 0x7f
}

fn is_crlf_at(head: &[u8], i: usize) -> bool {
    match head[i] {
        b'\r' => head.get(i + 1) == Some(&b'\n'),
        b'\n' => i > 0 && head[i - 1] == b'\r',
        _ => false,
    }
}

/// RFC 9110 token characters (header names).
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

fn find_head_end(buf: &[u8]) -> Option<usize> {
    buf.windows(4).position(|w| w == b"\r\n\r\n")
}

/// Whether bytes start like a plain HTTP request (SSL0273I).
pub fn looks_like_http(first: &[u8]) -> bool {
    const METHODS: [&[u8]; 9] = [
        b"GET ", b"POST", b"HEAD", b"PUT ", b"DELE", b"OPTI", b"PATC", b"CONN", b"TRAC",
    ];
    first.len() >= 4 && METHODS.iter().any(|m| first.starts_with(m))
}

/// What the handshake negotiated, for the page.
#[derive(Debug, Clone)]
pub struct Negotiated<'a> {
    pub protocol: String,
    pub cipher_suite: String,
    pub sni: Option<String>,
    pub alpn: Option<String>,
    pub served: &'a Served,
    pub client_subject: Option<String>,
}

impl Negotiated<'_> {
    pub fn to_json(&self) -> Value {
        let i = &self.served.info;
        json!({
            "protocol": self.protocol,
            "cipher_suite": self.cipher_suite,
            "sni": self.sni,
            "alpn": self.alpn,
            "label": self.served.label,
            "subject": i.subject,
            "issuer": i.issuer,
            "sans": i.subject_alt_names,
            "key": i.key.to_string(),
            "not_after": rfc3339(i.not_after),
            "client_subject": self.client_subject,
        })
    }

    pub fn to_html(&self) -> String {
        let i = &self.served.info;
        let rows = [
            ("Protocol", self.protocol.clone()),
            ("Cipher suite", self.cipher_suite.clone()),
            ("SNI", self.sni.clone().unwrap_or_else(|| "(none)".into())),
            ("ALPN", self.alpn.clone().unwrap_or_else(|| "(none)".into())),
            ("Label", self.served.label.clone()),
            ("Subject", i.subject.clone()),
            ("SANs", i.subject_alt_names.join(", ")),
            ("Key", i.key.to_string()),
            ("Expires", rfc3339(i.not_after)),
            (
                "Client certificate",
                self.client_subject
                    .clone()
                    .unwrap_or_else(|| "(none sent)".into()),
            ),
        ];
        let mut s = String::from(
            "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>kdbman serve</title></head><body>\n<h1>kdbman serve: handshake complete</h1>\n<table>\n",
        );
        for (k, v) in rows {
            s.push_str(&format!("<tr><th>{k}</th><td>{}</td></tr>\n", escape(&v)));
        }
        s.push_str("</table>\n</body></html>\n");
        s
    }
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// An answer: status, content type and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

impl Response {
    fn text(status: u16, body: &str) -> Response {
        Response {
            status,
            content_type: "text/plain; charset=utf-8",
            body: body.as_bytes().to_vec(),
        }
    }

    /// Status line, headers and body; `keep` says whether the connection stays.
    pub fn to_bytes(&self, keep: bool, head_only: bool) -> Vec<u8> {
        let reason = match self.status {
            200 => "OK",
            400 => "Bad Request",
            404 => "Not Found",
            405 => "Method Not Allowed",
            408 => "Request Timeout",
            413 => "Content Too Large",
            431 => "Request Header Fields Too Large",
            _ => "Error",
        };
        let mut out = format!(
            "HTTP/1.1 {} {reason}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: {}\r\n\r\n",
            self.status,
            self.content_type,
            self.body.len(),
            if keep { "keep-alive" } else { "close" }
        )
        .into_bytes();
        if !head_only {
            out.extend_from_slice(&self.body);
        }
        out
    }
}

/// The answer to a request over TLS.
pub fn respond(req: &Request, n: &Negotiated<'_>) -> Response {
    if req.method != "GET" && req.method != "HEAD" {
        return Response::text(405, "only GET and HEAD are served\n");
    }
    let (path, query) = req.target.split_once('?').unwrap_or((&req.target, ""));
    match path {
        "/healthz" => Response::text(200, "ok\n"),
        "/" => {
            let wants_json = query.split('&').any(|kv| kv == "format=json")
                || req
                    .header("accept")
                    .is_some_and(|a| a.to_ascii_lowercase().contains("application/json"));
            if wants_json {
                let mut body = n.to_json().to_string().into_bytes();
                body.push(b'\n');
                Response {
                    status: 200,
                    content_type: "application/json",
                    body,
                }
            } else {
                Response {
                    status: 200,
                    content_type: "text/html; charset=utf-8",
                    body: n.to_html().into_bytes(),
                }
            }
        }
        _ => Response::text(404, "not found: try / or /healthz\n"),
    }
}

/// The answer to a malformed request.
pub fn bad_request(why: &str) -> Response {
    Response::text(400, &format!("bad request: {why}\n"))
}

/// The answer to a head over [`MAX_HEAD`] or [`MAX_HEADERS`].
pub fn head_too_large(why: &str) -> Response {
    Response::text(
        431,
        &format!("{why}: at most {MAX_HEAD} bytes and {MAX_HEADERS} headers\n"),
    )
}

/// The answer to a declared body over [`MAX_BODY`]; the body is not read.
pub fn body_too_large(declared: u64) -> Response {
    Response::text(
        413,
        &format!("request body of {declared} bytes refused: at most {MAX_BODY}\n"),
    )
}

/// The answer to a request head that did not arrive in time.
pub fn request_timeout() -> Response {
    Response::text(408, "the request did not arrive in time\n")
}

/// The plain-text answer to plain HTTP on the TLS port (SSL0273I).
pub fn use_https(host: Option<&str>) -> Vec<u8> {
    let url = match host {
        Some(h) if !h.is_empty() && h.len() <= 255 && h.bytes().all(|b| b.is_ascii_graphic()) => {
            format!("https://{h}/")
        }
        _ => "https:// instead of http://".into(),
    };
    Response::text(
        400,
        &format!("This port speaks HTTPS (TLS), not plain HTTP: use {url}\n"),
    )
    .to_bytes(false, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_keep_alive_request_and_its_length() {
        let raw = b"GET /?format=json HTTP/1.1\r\nHost: a\r\nAccept: */*\r\n\r\nrest";
        let Parsed::Complete(r, used) = parse(raw) else {
            panic!("not complete")
        };
        assert_eq!(used, raw.len() - 4);
        assert_eq!(r.target, "/?format=json");
        assert!(r.keep_alive());
        assert_eq!(parse(b"GET / HTTP/1.1\r\nHost"), Parsed::Partial);
        assert!(matches!(parse(b"GET / SPDY/9\r\n\r\n"), Parsed::Bad(_)));
        assert!(matches!(parse(&vec![b'a'; MAX_HEAD]), Parsed::TooLarge(_)));
    }

    #[test]
    fn control_characters_and_bad_lengths_are_refused() {
        for raw in [
            &b"GET /\0 HTTP/1.1\r\n\r\n"[..],
            b"GET /\nX HTTP/1.1\r\n\r\n",
            b"GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n",
            b"GET / HTTP/1.1\r\nHo st: a\r\n\r\n",
            b"GET / HTTP/1.1\r\nA: \x7f\r\n\r\n",
        ] {
            assert!(matches!(parse(raw), Parsed::Bad(_)), "{raw:?}");
        }
        let tab = b"GET / HTTP/1.1\r\nA: x\ty\r\n\r\n";
        assert!(matches!(parse(tab), Parsed::Complete(..)));
        let len = |v: &str| {
            let raw = format!("GET / HTTP/1.1\r\nContent-Length: {v}\r\n\r\n");
            match parse(raw.as_bytes()) {
                Parsed::Complete(r, _) => r.content_length(),
                other => panic!("{other:?}"),
            }
        };
        assert_eq!(len("12"), Ok(12));
        assert_eq!(len("99999999999999999999999"), Ok(u64::MAX));
        assert!(len("-1").is_err() && len("+5").is_err() && len("").is_err());
        let many: String = (0..=MAX_HEADERS).map(|i| format!("X{i}: v\r\n")).collect();
        let raw = format!("GET / HTTP/1.1\r\n{many}\r\n");
        assert!(matches!(parse(raw.as_bytes()), Parsed::TooLarge(_)));
    }

    #[test]
    fn plain_http_is_recognised_and_told_to_use_https() {
        assert!(looks_like_http(b"GET / HTTP/1.1"));
        assert!(!looks_like_http(&[0x16, 3, 1, 0, 5]));
        let r = String::from_utf8(use_https(Some("localhost:8443"))).unwrap();
        assert!(r.starts_with("HTTP/1.1 400 "), "{r}");
        assert!(r.contains("use https://localhost:8443/"), "{r}");
    }

    #[test]
    fn parse_survives_arbitrary_bytes() {
        let mut x: u32 = 12345;
        for len in 0..600 {
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                    (x >> 16) as u8
                })
                .collect();
            let _ = parse(&bytes);
            let mut with_end = bytes.clone();
            with_end.extend_from_slice(b"\r\n\r\n");
            assert!(!matches!(parse(&with_end), Parsed::Partial));
        }
    }
}
