//! The dotted text of the OIDs certificates and keys name, read from a
//! table for the common ones instead of formatted each time: lint decodes
//! 10,000 certificates of a large store, each naming five or more OIDs,
//! and formatting them was a twentieth of its time.

use std::borrow::Cow;
use std::sync::OnceLock;

/// The OIDs looked up rather than formatted: key and signature
/// algorithms, curves, and the attributes of distinguished names.
const COMMON: &[&str] = &[
    // Key algorithms and curves.
    "1.2.840.113549.1.1.1",
    "1.2.840.10045.2.1",
    "1.3.101.112",
    "1.3.101.113",
    "1.2.840.10040.4.1",
    "1.2.840.10045.3.1.7",
    "1.3.132.0.34",
    "1.3.132.0.35",
    // Signature algorithms.
    "1.2.840.113549.1.1.5",
    "1.2.840.113549.1.1.10",
    "1.2.840.113549.1.1.11",
    "1.2.840.113549.1.1.12",
    "1.2.840.113549.1.1.13",
    "1.2.840.10045.4.3.2",
    "1.2.840.10045.4.3.3",
    "1.2.840.10045.4.3.4",
    // Attributes of names.
    "2.5.4.3",
    "2.5.4.4",
    "2.5.4.5",
    "2.5.4.6",
    "2.5.4.7",
    "2.5.4.8",
    "2.5.4.9",
    "2.5.4.10",
    "2.5.4.11",
    "2.5.4.12",
    "2.5.4.17",
    "2.5.4.42",
    "2.5.4.43",
    "0.9.2342.19200300.100.1.1",
    "0.9.2342.19200300.100.1.25",
    "1.2.840.113549.1.9.1",
];

/// Each common OID's encoded arcs (the contents of its DER), with its text.
fn table() -> &'static [(Vec<u8>, &'static str)] {
    static TABLE: OnceLock<Vec<(Vec<u8>, &'static str)>> = OnceLock::new();
    TABLE.get_or_init(|| {
        COMMON
            .iter()
            .filter_map(|s| {
                Some((
                    der::asn1::ObjectIdentifier::new(s)
                        .ok()?
                        .as_bytes()
                        .to_vec(),
                    *s,
                ))
            })
            .collect()
    })
}

/// The dotted text of the OID whose encoded arcs are `arcs`, when it is a
/// common one.
pub fn common(arcs: &[u8]) -> Option<&'static str> {
    table().iter().find(|(b, _)| b == arcs).map(|(_, s)| *s)
}

/// The dotted text of an OID as x509-parser holds it.
pub fn text(oid: &x509_parser::oid_registry::Oid<'_>) -> Cow<'static, str> {
    match common(oid.as_bytes()) {
        Some(s) => Cow::Borrowed(s),
        None => Cow::Owned(oid.to_id_string()),
    }
}

/// The dotted text of an OID as the `der` crate holds it.
pub fn text_of(oid: &der::asn1::ObjectIdentifier) -> Cow<'static, str> {
    match common(oid.as_bytes()) {
        Some(s) => Cow::Borrowed(s),
        None => Cow::Owned(oid.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every table entry reads back as what formatting gives, and an OID
    /// outside it is formatted.
    #[test]
    fn the_table_says_what_formatting_says() {
        assert_eq!(table().len(), COMMON.len());
        for s in COMMON {
            let oid = der::asn1::ObjectIdentifier::new(s).unwrap();
            assert_eq!(text_of(&oid), oid.to_string());
            assert!(matches!(text_of(&oid), Cow::Borrowed(_)), "{s}");
            let x = x509_parser::oid_registry::Oid::new(Cow::Borrowed(oid.as_bytes()));
            assert_eq!(text(&x), x.to_id_string());
        }
        let rare = der::asn1::ObjectIdentifier::new("1.3.6.1.4.1.2.6.99").unwrap();
        assert!(matches!(text_of(&rare), Cow::Owned(ref s) if s == "1.3.6.1.4.1.2.6.99"));
    }
}
