//! The parts of a certificate found by walking its DER, without an X.509
//! parse: for work done on every certificate of a large store (CMS chain
//! assembly, GSKit's lookup hashes, duplicate-key detection), where a
//! full parse would cost most of the time. Nothing here validates more
//! than the TLV framing; a certificate that walks may still be malformed.

use der::asn1::AnyRef;
use der::{Decode, Reader, SliceReader, Tag, TagNumber, Tagged};

/// A cursor over consecutive DER elements.
pub struct Elements<'a> {
    reader: SliceReader<'a>,
    bytes: &'a [u8],
}

impl<'a> Elements<'a> {
    pub fn new(bytes: &'a [u8]) -> Result<Self, String> {
        Ok(Elements {
            reader: SliceReader::new(bytes).map_err(|e| e.to_string())?,
            bytes,
        })
    }

    /// The next element: its tag and value, and its whole TLV bytes.
    pub fn next(&mut self, what: &str) -> Result<(AnyRef<'a>, &'a [u8]), String> {
        let start = usize::try_from(self.reader.position()).unwrap_or(0);
        let any = AnyRef::decode(&mut self.reader).map_err(|e| format!("{what}: {e}"))?;
        let end = usize::try_from(self.reader.position()).unwrap_or(0);
        Ok((any, &self.bytes[start..end]))
    }

    /// An error unless every element was read.
    pub fn finish(&self, what: &str) -> Result<(), String> {
        if self.reader.is_finished() {
            Ok(())
        } else {
            Err(format!("unexpected data after {what}"))
        }
    }
}

/// The whole-TLV bytes of a certificate's parts.
pub struct CertParts<'a> {
    pub tbs: &'a [u8],
    pub serial: &'a [u8],
    pub issuer: &'a [u8],
    pub subject: &'a [u8],
    pub spki: &'a [u8],
    /// The signature BIT STRING.
    pub signature: &'a [u8],
}

/// Walks `Certificate ::= SEQUENCE { tbs, algorithm, signature }` and the
/// TBSCertificate up to its SubjectPublicKeyInfo.
pub fn cert_parts(cert: &[u8]) -> Option<CertParts<'_>> {
    // Each element must carry the tag X.509 gives it, so a certificate
    // missing a field never yields another field in its place.
    fn take<'a>(e: &mut Elements<'a>, tag: Tag) -> Option<(AnyRef<'a>, &'a [u8])> {
        let (any, tlv) = e.next("").ok()?;
        (any.tag() == tag).then_some((any, tlv))
    }
    let mut outer = Elements::new(cert).ok()?;
    let (c, _) = take(&mut outer, Tag::Sequence)?;
    let mut p = Elements::new(c.value()).ok()?;
    let (tbs, tbs_tlv) = take(&mut p, Tag::Sequence)?;
    take(&mut p, Tag::Sequence)?; // signatureAlgorithm
    let (_, signature) = take(&mut p, Tag::BitString)?;
    let mut t = Elements::new(tbs.value()).ok()?;
    let (first, mut serial) = t.next("").ok()?;
    let version = Tag::ContextSpecific {
        constructed: true,
        number: TagNumber(0),
    };
    if first.tag() == version {
        (_, serial) = take(&mut t, Tag::Integer)?;
    } else if first.tag() != Tag::Integer {
        return None;
    }
    take(&mut t, Tag::Sequence)?; // signature
    let (_, issuer) = take(&mut t, Tag::Sequence)?;
    take(&mut t, Tag::Sequence)?; // validity
    let (_, subject) = take(&mut t, Tag::Sequence)?;
    let (_, spki) = take(&mut t, Tag::Sequence)?;
    Some(CertParts {
        tbs: tbs_tlv,
        serial,
        issuer,
        subject,
        spki,
        signature,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_agree_with_x509_parser() {
        let key = crate::pki::keygen::generate(crate::pki::KeyType::EcP256).unwrap();
        let der = crate::pki::CertSpec::new("CN=walk, O=kdbman", 30)
            .self_signed(&key)
            .unwrap();
        let (_, x) = x509_parser::parse_x509_certificate(&der).unwrap();
        let p = cert_parts(&der).unwrap();
        assert_eq!(p.spki, x.public_key().raw);
        assert_eq!(p.subject, x.subject().as_raw());
        assert_eq!(p.issuer, x.issuer().as_raw());
        assert_eq!(p.tbs, x.tbs_certificate.as_ref());
        assert!(cert_parts(&der[..der.len() - 1]).is_none());
        assert!(cert_parts(b"").is_none());
    }
}
