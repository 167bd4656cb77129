//! What the server reports, as data, and its one-line renderings.
//!
//! The library hands [`Event`]s to a sink the front end supplies; it never
//! writes to a terminal itself.

use std::net::SocketAddr;

use serde_json::json;

use kdbman::diagnose::catalogue;

/// Something worth one log line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A handshake failed, with the IHS code for the condition.
    Handshake {
        peer: SocketAddr,
        code: &'static str,
        detail: String,
    },
    /// The server closed a connection after its handshake: idle, a
    /// request too slow, or a slot needed for a waiting client.
    Closed { peer: SocketAddr, detail: String },
    /// A request was answered.
    Request {
        peer: SocketAddr,
        method: String,
        path: String,
        status: u16,
    },
}

/// Text (one human line) or JSON (one object per line).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

/// RFC 3339 time now, UTC, whole seconds.
pub fn timestamp() -> String {
    let now = time::OffsetDateTime::now_utc();
    now.replace_nanosecond(0)
        .unwrap_or(now)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Control characters shown as escapes, so a client cannot split or
/// forge a text log line (`kdbman::text`).
fn clean(s: &str) -> std::borrow::Cow<'_, str> {
    kdbman::text::escape(s)
}

impl Event {
    /// One line (no newline) in the chosen format, stamped with `time`:
    /// text with control characters escaped, JSON with every control and
    /// bidi character `\u`-escaped (`kdbman::text`).
    pub fn render(&self, format: LogFormat, time: &str) -> String {
        match format {
            LogFormat::Text => self.render_raw(format, time),
            LogFormat::Json => kdbman::text::inert_json(self.render_raw(format, time)),
        }
    }

    fn render_raw(&self, format: LogFormat, time: &str) -> String {
        match (self, format) {
            (Event::Handshake { peer, code, detail }, LogFormat::Text) => {
                let title = catalogue::by_id(code).map_or("", |c| c.title);
                format!("{time} {peer} {code} {title}: {}", clean(detail))
            }
            (Event::Handshake { peer, code, detail }, LogFormat::Json) => {
                let c = catalogue::by_id(code);
                json!({
                    "time": time,
                    "event": "handshake_failed",
                    "peer": peer.to_string(),
                    "code": code,
                    "severity": c.map(|c| c.severity.as_str()),
                    "title": c.map(|c| c.title),
                    "detail": detail,
                })
                .to_string()
            }
            (Event::Closed { peer, detail }, LogFormat::Text) => {
                format!("{time} {peer} closed: {}", clean(detail))
            }
            (Event::Closed { peer, detail }, LogFormat::Json) => json!({
                "time": time,
                "event": "closed",
                "peer": peer.to_string(),
                "detail": detail,
            })
            .to_string(),
            (
                Event::Request {
                    peer,
                    method,
                    path,
                    status,
                },
                LogFormat::Text,
            ) => format!("{time} {peer} {status} {} {}", clean(method), clean(path)),
            (
                Event::Request {
                    peer,
                    method,
                    path,
                    status,
                },
                LogFormat::Json,
            ) => json!({
                "time": time,
                "event": "request",
                "peer": peer.to_string(),
                "method": method,
                "path": path,
                "status": status,
            })
            .to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_carry_time_peer_and_code() {
        let e = Event::Handshake {
            peer: "127.0.0.1:4000".parse().unwrap(),
            code: "SSL0207E",
            detail: "no client certificate".into(),
        };
        let t = e.render(LogFormat::Text, "2030-01-01T00:00:00Z");
        assert!(
            t.starts_with("2030-01-01T00:00:00Z 127.0.0.1:4000 SSL0207E "),
            "{t}"
        );
        let j: serde_json::Value =
            serde_json::from_str(&e.render(LogFormat::Json, "2030-01-01T00:00:00Z")).unwrap();
        assert_eq!(j["code"], "SSL0207E");
        assert_eq!(j["peer"], "127.0.0.1:4000");
        assert!(timestamp().ends_with('Z'));
    }

    #[test]
    fn control_characters_cannot_split_a_text_line() {
        let peer = "[::1]:4000".parse().unwrap();
        for e in [
            Event::Request {
                peer,
                method: "GET".into(),
                path: "/\n2030-01-01T00:00:00Z 10.0.0.1:1 SSL0207E forged".into(),
                status: 404,
            },
            Event::Closed {
                peer,
                detail: "a\r\nb\u{1b}[31m".into(),
            },
        ] {
            let t = e.render(LogFormat::Text, "2030-01-01T00:00:00Z");
            assert!(!t.chars().any(char::is_control), "{t:?}");
            assert!(t.starts_with("2030-01-01T00:00:00Z [::1]:4000 "), "{t}");
        }
    }
}
