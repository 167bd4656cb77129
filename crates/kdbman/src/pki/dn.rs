//! Distinguished names: one reading and one display for every front end.
//!
//! **Reading.** A DN string is read as RFC 4514 reads it, most specific RDN
//! first: `CN=web,O=Example,C=US` is the name whose DER (an RDNSequence,
//! stored root first) holds C, then O, then CN. keytool `-dname`, GSKit's
//! `-dn` and OpenSSL's `-subj /C=US/O=Example/CN=web` (slash form, root
//! first) all give these bytes, and so do `kdbman cert create --dn`,
//! `certreq create --dn` and the gsk8capicmd front end, through [`parse`].
//! Besides RFC 4514 (`\,` `\+` `\\` and `\HH` escapes, `+` for a
//! multi-valued RDN, `#HEX` for a DER value) it accepts what GSKit and Java
//! accept: `;` between RDNs, spaces around separators, double-quoted values
//! (`O="Example, Inc"`), `S=` for `ST=`, `E=`/`EMAIL=` for emailAddress and
//! `OID.2.5.4.3=` or `2.5.4.3=` for any attribute.
//!
//! **Encoding.** A value goes in as PrintableString when every character
//! fits that type, else as UTF8String (keytool's rule, and OpenSSL's with
//! `string_mask = default`; RFC 5280 §4.1.2.6 allows both); countryName and
//! serialNumber are always PrintableString, emailAddress and
//! domainComponent IA5String. The AVAs of a multi-valued RDN are sorted as
//! DER requires for a SET.
//!
//! **Display.** [`display`] writes a name as RFC 4514 (and OpenSSL's
//! `-nameopt RFC2253`) do: most specific first, `,` between RDNs, `+`
//! inside one, specials escaped; attributes without a short name appear as
//! their OID.

use std::fmt;

use der::asn1::{Any, ObjectIdentifier};
use der::{Decode, Encode, Tag, Tagged};
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::name::{RdnSequence, RelativeDistinguishedName};
use x509_parser::x509::X509Name;

use crate::error::{Error, Result};

/// Attribute short names: (keyword, OID). The first keyword of an OID is
/// the one [`display`] writes.
const ATTRIBUTES: &[(&str, &str)] = &[
    ("CN", "2.5.4.3"),
    ("C", "2.5.4.6"),
    ("L", "2.5.4.7"),
    ("ST", "2.5.4.8"),
    ("S", "2.5.4.8"),
    ("O", "2.5.4.10"),
    ("OU", "2.5.4.11"),
    ("STREET", "2.5.4.9"),
    ("DC", "0.9.2342.19200300.100.1.25"),
    ("UID", "0.9.2342.19200300.100.1.1"),
    ("emailAddress", "1.2.840.113549.1.9.1"),
    ("E", "1.2.840.113549.1.9.1"),
    ("EMAIL", "1.2.840.113549.1.9.1"),
    ("serialNumber", "2.5.4.5"),
    ("SERIALNUMBER", "2.5.4.5"),
    ("title", "2.5.4.12"),
    ("T", "2.5.4.12"),
    ("SN", "2.5.4.4"),
    ("SURNAME", "2.5.4.4"),
    ("GN", "2.5.4.42"),
    ("GIVENNAME", "2.5.4.42"),
    ("initials", "2.5.4.43"),
    ("postalCode", "2.5.4.17"),
    ("PC", "2.5.4.17"),
];

const OID_C: &str = "2.5.4.6";
const OID_SERIAL: &str = "2.5.4.5";
const OID_EMAIL: &str = "1.2.840.113549.1.9.1";
const OID_DC: &str = "0.9.2342.19200300.100.1.25";

/// A parsed distinguished name, ready to encode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dn {
    /// RDNs in DER order (root first), each with its AVAs sorted.
    rdns: RdnSequence,
}

impl Dn {
    /// The DER `Name` (an RDNSequence, root first).
    pub fn to_der(&self) -> Vec<u8> {
        // Encoding what was built from valid parts cannot fail; an empty
        // Vec would be refused by every reader, never accepted silently.
        self.rdns.to_der().unwrap_or_default()
    }

    /// The name as [`display`] shows it.
    pub fn to_display(&self) -> String {
        display_der(&self.to_der()).unwrap_or_default()
    }
}

impl fmt::Display for Dn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_display())
    }
}

/// Reads a DN string (RFC 4514, most specific RDN first); see the module
/// documentation for what is accepted.
pub fn parse(dn: &str) -> Result<Dn> {
    let bad = |detail: String| Error::Usage {
        detail: format!("distinguished name `{dn}`: {detail}"),
    };
    let mut rdns: Vec<RelativeDistinguishedName> = Vec::new();
    for rdn_text in split(dn, &[',', ';']).map_err(&bad)? {
        if rdn_text.trim().is_empty() {
            // `CN=x,` or `CN=x,,O=y`: GSKit and Java skip empty parts.
            continue;
        }
        let mut avas = Vec::new();
        for ava_text in split(&rdn_text, &['+']).map_err(&bad)? {
            avas.push(parse_ava(&ava_text).map_err(&bad)?);
        }
        let repeated = || {
            bad(format!(
                "`{}` repeats an attribute with the same value in one RDN",
                rdn_text.trim()
            ))
        };
        if avas.iter().enumerate().any(|(i, a)| avas[..i].contains(a)) {
            return Err(repeated());
        }
        rdns.push(RelativeDistinguishedName::try_from(avas).map_err(|_| repeated())?);
    }
    if rdns.is_empty() {
        return Err(bad("it is empty".into()));
    }
    rdns.reverse();
    let mut seq = RdnSequence::default();
    for r in rdns {
        seq.push(r);
    }
    Ok(Dn { rdns: seq })
}

/// Splits at unescaped separators outside double quotes, keeping escapes
/// and quotes in the parts (they are read per value).
fn split(s: &str, seps: &[char]) -> std::result::Result<Vec<String>, String> {
    let mut parts = Vec::new();
    let mut cur = String::new();
    let (mut quoted, mut escaped) = (false, false);
    for c in s.chars() {
        if escaped {
            cur.push(c);
            escaped = false;
            continue;
        }
        match c {
            '\\' => {
                escaped = true;
                cur.push(c);
            }
            '"' => {
                quoted = !quoted;
                cur.push(c);
            }
            c if !quoted && seps.contains(&c) => parts.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    if escaped {
        return Err("it ends with a lone backslash".into());
    }
    if quoted {
        return Err("a double quote is not closed".into());
    }
    parts.push(cur);
    Ok(parts)
}

fn parse_ava(text: &str) -> std::result::Result<AttributeTypeAndValue, String> {
    let (key, raw) = text
        .split_once('=')
        .ok_or_else(|| format!("`{}` is not ATTRIBUTE=value", text.trim()))?;
    let key = key.trim();
    let oid = attribute_oid(key)?;
    let raw = raw.trim_start();
    if raw.starts_with('#') && !raw.starts_with("#\\") {
        return der_value(oid, key, raw.trim_end());
    }
    let value = unescape(raw).map_err(|e| format!("`{key}`: {e}"))?;
    if value.is_empty() {
        return Err(format!("`{key}` has an empty value"));
    }
    let oid_s = oid.to_string();
    let tag = match oid_s.as_str() {
        OID_C => {
            if value.len() != 2 || !value.chars().all(|c| c.is_ascii_alphabetic()) {
                return Err(format!("country `{value}` must be a two-letter code"));
            }
            Tag::PrintableString
        }
        OID_SERIAL if is_printable(&value) => Tag::PrintableString,
        OID_SERIAL => {
            return Err(format!(
                "serialNumber `{value}` may hold only letters, digits, spaces and '()+,-./:=?"
            ));
        }
        OID_EMAIL | OID_DC if value.is_ascii() => Tag::Ia5String,
        OID_EMAIL | OID_DC => return Err(format!("`{key}` value `{value}` must be ASCII")),
        _ if is_printable(&value) => Tag::PrintableString,
        _ => Tag::Utf8String,
    };
    let any = Any::new(tag, value.into_bytes()).map_err(|e| format!("`{key}`: {e}"))?;
    Ok(AttributeTypeAndValue { oid, value: any })
}

/// `#0403414243`: the DER of the value itself (RFC 4514 §2.4).
fn der_value(
    oid: ObjectIdentifier,
    key: &str,
    raw: &str,
) -> std::result::Result<AttributeTypeAndValue, String> {
    let hex = &raw[1..];
    let bytes = decode_hex(hex).ok_or_else(|| {
        format!(
            "`{key}=#{hex}`: after # comes the value's DER in hex (an even number of hex digits)"
        )
    })?;
    let any =
        Any::from_der(&bytes).map_err(|e| format!("`{key}=#{hex}` is not one DER value: {e}"))?;
    Ok(AttributeTypeAndValue { oid, value: any })
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if s.is_empty() || !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

fn attribute_oid(key: &str) -> std::result::Result<ObjectIdentifier, String> {
    if key.is_empty() {
        return Err("an attribute name is missing before `=`".into());
    }
    if let Some((_, oid)) = ATTRIBUTES.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)) {
        return ObjectIdentifier::new(oid).map_err(|e| e.to_string());
    }
    let dotted = key
        .strip_prefix("OID.")
        .or_else(|| key.strip_prefix("oid."))
        .unwrap_or(key);
    if dotted.starts_with(|c: char| c.is_ascii_digit()) {
        return ObjectIdentifier::new(dotted)
            .map_err(|_| format!("`{key}` is not an attribute OID"));
    }
    Err(format!(
        "unknown attribute `{key}` (use CN, O, OU, L, ST, C, STREET, DC, UID, E, SERIALNUMBER, T, SN, GN or a dotted OID)"
    ))
}

/// A value without its quotes and escapes; unescaped spaces at either end
/// are dropped (escaped ones, `\ `, are kept).
fn unescape(raw: &str) -> std::result::Result<String, String> {
    let raw_trimmed = trim_unescaped_end(raw);
    if let Some(inner) = raw_trimmed
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
    {
        return unescape_chars(inner);
    }
    if raw_trimmed.contains('"') && !raw_trimmed.contains("\\\"") {
        return Err("a double quote may only enclose the whole value".into());
    }
    unescape_chars(raw_trimmed)
}

fn trim_unescaped_end(s: &str) -> &str {
    let mut end = s.len();
    while end > 0 && s.as_bytes()[end - 1] == b' ' {
        // A space preceded by an odd number of backslashes is escaped.
        let slashes = s.as_bytes()[..end - 1]
            .iter()
            .rev()
            .take_while(|&&b| b == b'\\')
            .count();
        if slashes % 2 == 1 {
            break;
        }
        end -= 1;
    }
    &s[..end]
}

fn unescape_chars(s: &str) -> std::result::Result<String, String> {
    let mut bytes = Vec::with_capacity(s.len());
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'\\' {
            bytes.push(b[i]);
            i += 1;
            continue;
        }
        let next = b
            .get(i + 1)
            .copied()
            .ok_or("it ends with a lone backslash")?;
        let pair = b.get(i + 1..i + 3).and_then(|p| {
            let p = std::str::from_utf8(p).ok()?;
            u8::from_str_radix(p, 16).ok()
        });
        match pair {
            Some(byte) if next.is_ascii_hexdigit() => {
                bytes.push(byte);
                i += 3;
            }
            _ => {
                bytes.push(next);
                i += 2;
            }
        }
    }
    String::from_utf8(bytes).map_err(|_| "its \\HH escapes are not UTF-8".to_string())
}

/// PrintableString's characters (X.680 §41.4).
fn is_printable(s: &str) -> bool {
    s.chars()
        .all(|c| c.is_ascii_alphanumeric() || " '()+,-./:=?".contains(c))
}

/// A name from x509-parser, as RFC 4514 writes it (most specific first).
pub fn display(name: &X509Name<'_>) -> String {
    display_der(name.as_raw()).unwrap_or_else(|| name.to_string())
}

/// A DER `Name` as RFC 4514 writes it; `None` if it does not decode.
pub fn display_der(der: &[u8]) -> Option<String> {
    let seq = RdnSequence::from_der(der).ok()?;
    // OpenSSL's RFC2253 output reverses the flat list of AVAs, so a
    // multi-valued RDN shows its AVAs in reverse set order too; kdbman
    // does the same so the two can be compared as text.
    let mut out = String::new();
    let rdns: Vec<&RelativeDistinguishedName> = seq.iter().collect();
    for (i, rdn) in rdns.iter().rev().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let avas: Vec<&AttributeTypeAndValue> = rdn.iter().collect();
        for (j, ava) in avas.iter().rev().enumerate() {
            if j > 0 {
                out.push('+');
            }
            out.push_str(&ava_text(ava));
        }
    }
    Some(out)
}

fn ava_text(ava: &AttributeTypeAndValue) -> String {
    let oid = super::oid::text_of(&ava.oid);
    let key = ATTRIBUTES
        .iter()
        .find(|(_, o)| *o == oid)
        .map_or_else(|| oid.to_string(), |(k, _)| (*k).to_string());
    let text = match ava.value.tag() {
        Tag::PrintableString | Tag::Utf8String | Tag::Ia5String | Tag::TeletexString => {
            std::str::from_utf8(ava.value.value()).ok().map(escape)
        }
        Tag::BmpString => {
            let units: Vec<u16> = ava
                .value
                .value()
                .chunks(2)
                .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
                .collect();
            String::from_utf16(&units).ok().map(|s| escape(&s))
        }
        _ => None,
    };
    let text = text.unwrap_or_else(|| {
        format!(
            "#{}",
            super::hex(&ava.value.to_der().unwrap_or_default()).to_ascii_uppercase()
        )
    });
    format!("{key}={text}")
}

/// RFC 4514 §2.4 escaping.
pub fn escape(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    let n = v.chars().count();
    for (i, c) in v.chars().enumerate() {
        match c {
            ',' | '+' | '"' | '\\' | '<' | '>' | ';' => {
                out.push('\\');
                out.push(c);
            }
            '#' | ' ' if i == 0 => {
                out.push('\\');
                out.push(c);
            }
            ' ' if i + 1 == n => out.push_str("\\ "),
            '\0' => out.push_str("\\00"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use x509_parser::prelude::FromDer;

    fn der_of(s: &str) -> Vec<u8> {
        parse(s).unwrap().to_der()
    }

    #[test]
    fn string_order_is_most_specific_first() {
        let d = parse("CN=web,O=Example,C=US").unwrap();
        let der = d.to_der();
        let (_, name) = X509Name::from_der(&der).unwrap();
        let oids: Vec<String> = name
            .iter()
            .flat_map(|r| r.iter().map(|a| a.attr_type().to_id_string()))
            .collect();
        assert_eq!(oids, ["2.5.4.6", "2.5.4.10", "2.5.4.3"]);
        assert_eq!(d.to_display(), "CN=web,O=Example,C=US");
    }

    #[test]
    fn spellings_of_one_name_agree() {
        let want = der_of("CN=web,O=Example,C=US");
        for s in [
            "CN=web, O=Example, C=US",
            "cn=web;o=Example;c=US",
            " CN = web , O=\"Example\" ,C=US",
            "2.5.4.3=web,OID.2.5.4.10=Example,C=US",
            "CN=web,O=Example,C=US,",
        ] {
            assert_eq!(der_of(s), want, "{s}: {}", parse(s).unwrap());
        }
    }

    #[test]
    fn escapes_quotes_and_multi_valued_rdns() {
        let d = parse(r#"CN=Smith\, John+UID=js,OU=a\+b,O="Acme, Inc",C=US"#).unwrap();
        assert_eq!(
            d.to_display(),
            r"CN=Smith\, John+UID=js,OU=a\+b,O=Acme\, Inc,C=US"
        );
        let d = parse(r"CN=caf\C3\A9").unwrap();
        assert_eq!(d.to_display(), "CN=café");
        let d = parse(r"CN=\ lead,O=trail\ ").unwrap();
        assert_eq!(d.to_display(), r"CN=\ lead,O=trail\ ");
        let d = parse("CN=#0c03616263").unwrap();
        assert_eq!(d.to_display(), "CN=abc");
    }

    #[test]
    fn string_types() {
        let der = der_of("CN=café,O=Example,E=a@b.example,C=US");
        let (_, name) = X509Name::from_der(&der).unwrap();
        let tags: Vec<u32> = name
            .iter()
            .flat_map(|r| r.iter().map(|a| a.attr_value().header.tag().0))
            .collect();
        // C PrintableString, E IA5String, O PrintableString, CN UTF8String.
        assert_eq!(tags, [19, 22, 19, 12]);
    }

    #[test]
    fn errors_say_what_is_wrong() {
        let e = |s: &str| parse(s).unwrap_err().to_string();
        assert!(e("").contains("empty"));
        assert!(e("CN").contains("ATTRIBUTE=value"));
        assert!(e("CN=").contains("empty value"));
        assert!(e("XX=y").contains("unknown attribute"));
        assert!(e("C=USA").contains("two-letter"));
        assert!(e(r"CN=a\").contains("backslash"));
        assert!(e("CN=\"a").contains("quote"));
        assert!(e("CN=#zz").contains("hex"));
        assert!(e("CN=a+CN=a").contains("repeats"));
    }

    #[test]
    fn display_round_trips() {
        for s in [
            "CN=web,O=Example,C=US",
            r"CN=Smith\, John,O=Example\+Co,C=US",
            "CN=x+OU=y,O=z",
            r"CN=\#hash,L=a\\b",
        ] {
            let d = parse(s).unwrap();
            assert_eq!(parse(&d.to_display()).unwrap(), d, "{s}");
        }
    }

    #[test]
    fn never_panics() {
        for s in [
            "\\", "\"", "=", ",", "+", "#", "CN=#", "CN=#0", "CN=\\4", "CN=\\ZZ", "CN=\u{0}",
            "CN=a+", "+CN=a", "CN==", "1.2=x", "OID.=x", "CN=\"\"",
        ] {
            let _ = parse(s);
        }
    }
}
