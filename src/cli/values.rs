//! Option values shared by several commands.

use kdbman::{Error, Result};

/// Parses --at: RFC 3339, a calendar date (midnight UTC), or @UNIX seconds.
pub fn parse_at(s: &str) -> Result<i64> {
    use time::format_description::well_known::Rfc3339;
    let s = s.trim();
    if let Some(n) = s.strip_prefix('@') {
        if let Ok(v) = n.parse::<i64>() {
            return Ok(v);
        }
    } else if let Ok(t) = time::OffsetDateTime::parse(s, &Rfc3339) {
        return Ok(t.unix_timestamp());
    } else if let Ok(d) =
        time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]"))
    {
        return Ok(d.midnight().assume_utc().unix_timestamp());
    }
    Err(Error::Usage {
        detail: format!(
            "--at `{s}` is not a time: use 2030-01-31, 2030-01-31T12:00:00Z or @UNIXSECONDS"
        ),
    })
}
