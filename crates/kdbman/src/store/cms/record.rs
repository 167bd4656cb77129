//! One CMS record: its slot framing and its DER body.
//!
//! ```text
//! slot:   u32 record type ‖ u32 record number ‖ u32 DER length L ‖ DER
//!         ‖ u32 label length ‖ label (GSKit: no NUL; KdbTool: NUL-ended)
//!         ‖ u32 0 (v3: the record number again) ‖ hash entries
//!         (u32 20 ‖ SHA-1)… ‖ zero padding
//!
//! Record ::= SEQUENCE {
//!   id     INTEGER,                 -- GSKit: the record number
//!   body   CHOICE {
//!     [0] SEQUENCE { CertificationRequest, EncryptedPrivateKeyInfo },  -- request (.rdb)
//!     [1] Certificate,                                              -- signer
//!     [2] SEQUENCE { Certificate, EncryptedPrivateKeyInfo },        -- personal
//!     [3] EncryptedPrivateKeyInfo },                                -- secret key
//!   label  VisibleString,
//!   flags  BIT STRING }             -- bit 0: trusted; bit 1: default (inferred)
//! ```
//!
//! Neither flag bit is documented by IBM. Bit 0 (`07 80`) is on every
//! record of every IBM-made file seen; bit 1 (`06 C0`) was seen only on
//! the one personal certificate of a store IBM's Java tooling made for
//! MQ, so kdbman reads it as the default mark on that evidence, and keeps
//! every other bit a file has.
//!
//! Certificates, requests and encrypted keys are kept as the exact bytes
//! read, so a rewrite leaves them byte-identical.

use der::asn1::AnyRef;
use der::{Encode, Header, Length, Tag, TagNumber, Tagged};

use crate::pki::der_walk::{Elements, cert_parts};

/// The record type GSKit writes for every record it makes.
pub const RECORD_TYPE: u32 = 1;
/// GSKit's flags for every record seen: one bit set, "trusted".
pub const FLAGS_TRUSTED: [u8; 2] = [0x07, 0x80];
/// The flags of a signer whose trust is switched off (bit 0 clear).
pub const FLAGS_UNTRUSTED: [u8; 2] = [0x07, 0x00];
/// The flag bit read as "trusted".
pub const BIT_TRUSTED: usize = 0;
/// The flag bit read as the default mark (evidence, not documentation:
/// `kdbman-cms(5)`).
pub const BIT_DEFAULT: usize = 1;

/// Whether bit `n` of BIT STRING contents (unused-bits count, then the
/// bits, most significant first) is set. A bit the unused-bits count
/// leaves out is not set, whatever the byte holds.
pub fn flag_bit(flags: &[u8], n: usize) -> bool {
    let Some((&unused, bits)) = flags.split_first() else {
        return false;
    };
    let len = (bits.len() * 8).saturating_sub(usize::from(unused.min(7)));
    n < len && bits[n / 8] & (0x80 >> (n % 8)) != 0
}

/// Sets or clears bit `n`, touching nothing else it need not: the other
/// bits stay as they are, and the unused-bits count changes only so the
/// string still holds bit `n` (setting) or no longer ends in it (clearing
/// the last bit, so `06 C0` becomes GSKit's `07 80` again).
pub fn set_flag_bit(flags: &mut Vec<u8>, n: usize, on: bool) {
    if flags.is_empty() {
        flags.push(0);
    }
    let unused = usize::from(flags[0].min(7));
    let len = ((flags.len() - 1) * 8).saturating_sub(unused);
    let mask = 0x80u8 >> (n % 8);
    if on {
        while flags.len() - 1 < n / 8 + 1 {
            flags.push(0);
        }
        if n >= len {
            // Bits between the old end and `n` are zero (DER's rule for
            // unused bits), so widening shows nothing new.
            flags[0] = (((flags.len() - 1) * 8 - (n + 1)) as u8).min(7);
        }
        flags[1 + n / 8] |= mask;
    } else if n < len {
        flags[1 + n / 8] &= !mask;
        if n + 1 == len && unused < 7 {
            flags[0] += 1;
        }
    }
}

/// What a record holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    Request { csr: Vec<u8>, key: Vec<u8> },
    Signer { cert: Vec<u8> },
    Personal { cert: Vec<u8>, key: Vec<u8> },
    SecretKey { key: Vec<u8> },
}

/// A decoded record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub record_type: u32,
    pub number: u32,
    pub id: u64,
    pub body: Body,
    /// The label bytes of the DER VisibleString (both tools agree there).
    pub label: Vec<u8>,
    /// The BIT STRING contents: unused-bits count, then the bits.
    pub flags: Vec<u8>,
}

impl Record {
    /// Bit 0 of the flags, read as "trusted" (see `kdbman-cms(5)`).
    pub fn trusted(&self) -> bool {
        flag_bit(&self.flags, BIT_TRUSTED)
    }

    /// Bit 1 of the flags, read as the default mark (see `kdbman-cms(5)`:
    /// evidence from IBM-made files, not documentation).
    pub fn default_mark(&self) -> bool {
        flag_bit(&self.flags, BIT_DEFAULT)
    }
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at + 4)?;
    Some(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

/// Reads one slot. The error says what is malformed.
pub fn decode_slot(slot: &[u8]) -> Result<Record, String> {
    let record_type = be32(slot, 0).ok_or("the slot is shorter than its header")?;
    let number = be32(slot, 4).ok_or("the slot is shorter than its header")?;
    let len = be32(slot, 8).ok_or("the slot is shorter than its header")? as usize;
    let der = slot
        .get(12..12usize.saturating_add(len))
        .ok_or_else(|| format!("its DER length {len} runs past the slot"))?;
    let mut rec = decode_der(der)?;
    rec.record_type = record_type;
    rec.number = number;
    // The label copy, the u32 and the hashes after the DER are indexes a
    // reader does not need; their lengths are still checked.
    let at = 12 + len;
    let label_len = be32(slot, at).ok_or("the label length runs past the slot")? as usize;
    if at + 4 + label_len > slot.len() {
        return Err(format!("its label length {label_len} runs past the slot"));
    }
    Ok(rec)
}

fn expect(any: &AnyRef<'_>, tag: Tag, what: &str) -> Result<(), String> {
    if any.tag() == tag {
        Ok(())
    } else {
        Err(format!(
            "{what} has tag {} where {tag} is expected",
            any.tag()
        ))
    }
}

/// Decodes the DER body of a record (type and number left zero).
pub fn decode_der(der: &[u8]) -> Result<Record, String> {
    let mut outer = Elements::new(der)?;
    let (seq, _) = outer.next("the record")?;
    expect(&seq, Tag::Sequence, "the record")?;
    outer.finish("the record")?;
    let mut p = Elements::new(seq.value())?;
    let (id, _) = p.next("the record id")?;
    expect(&id, Tag::Integer, "the record id")?;
    let id = id
        .decode_as::<u64>()
        .map_err(|e| format!("the record id: {e}"))?;
    let (choice, _) = p.next("the record body")?;
    let Tag::ContextSpecific {
        constructed: true,
        number,
    } = choice.tag()
    else {
        return Err(format!(
            "the record body has tag {} where [0]..[3] is expected",
            choice.tag()
        ));
    };
    let body = decode_body(number.0, choice.value())?;
    let (label, _) = p.next("the label")?;
    expect(&label, Tag::VisibleString, "the label")?;
    let (flags, _) = p.next("the flags")?;
    expect(&flags, Tag::BitString, "the flags")?;
    p.finish("the flags")?;
    Ok(Record {
        record_type: 0,
        number: 0,
        id,
        body,
        label: label.value().to_vec(),
        flags: flags.value().to_vec(),
    })
}

fn decode_body(number: u32, inner: &[u8]) -> Result<Body, String> {
    let mut p = Elements::new(inner)?;
    let body = match number {
        1 => {
            let (cert, tlv) = p.next("the certificate")?;
            expect(&cert, Tag::Sequence, "the certificate")?;
            Body::Signer { cert: tlv.to_vec() }
        }
        3 => {
            let (key, tlv) = p.next("the secret key")?;
            expect(&key, Tag::Sequence, "the secret key")?;
            Body::SecretKey { key: tlv.to_vec() }
        }
        0 | 2 => {
            let (pair, _) = p.next("the key pair")?;
            expect(&pair, Tag::Sequence, "the key pair")?;
            let mut q = Elements::new(pair.value())?;
            let (first, first_tlv) = q.next("the certificate")?;
            expect(&first, Tag::Sequence, "the certificate")?;
            let (key, key_tlv) = q.next("the encrypted private key")?;
            expect(&key, Tag::Sequence, "the encrypted private key")?;
            q.finish("the encrypted private key")?;
            if number == 0 {
                Body::Request {
                    csr: first_tlv.to_vec(),
                    key: key_tlv.to_vec(),
                }
            } else {
                Body::Personal {
                    cert: first_tlv.to_vec(),
                    key: key_tlv.to_vec(),
                }
            }
        }
        n => return Err(format!("unknown record body [{n}]")),
    };
    p.finish("the record body")?;
    Ok(body)
}

fn tlv(tag: Tag, parts: &[&[u8]]) -> Vec<u8> {
    let len: usize = parts.iter().map(|p| p.len()).sum();
    let header = Header::new(tag, Length::try_from(len).unwrap_or(Length::ZERO));
    let mut out = header.to_der().unwrap_or_default();
    for p in parts {
        out.extend_from_slice(p);
    }
    out
}

fn context(n: u32) -> Tag {
    Tag::ContextSpecific {
        constructed: true,
        number: TagNumber(n),
    }
}

/// Encodes the DER body of a record.
pub fn encode_der(rec: &Record) -> Vec<u8> {
    let body = match &rec.body {
        Body::Request { csr, key } => tlv(context(0), &[&tlv(Tag::Sequence, &[csr, key])]),
        Body::Signer { cert } => tlv(context(1), &[cert]),
        Body::Personal { cert, key } => tlv(context(2), &[&tlv(Tag::Sequence, &[cert, key])]),
        Body::SecretKey { key } => tlv(context(3), &[key]),
    };
    let id = rec.id.to_der().unwrap_or_default();
    tlv(
        Tag::Sequence,
        &[
            &id,
            &body,
            &tlv(Tag::VisibleString, &[&rec.label]),
            &tlv(Tag::BitString, &[&rec.flags]),
        ],
    )
}

/// Encodes a slot as GSKit lays it out: the label without a NUL, a zero
/// u32, then the five SHA-1 indexes of the certificate (none for requests
/// and secret keys). Padding is the container's job.
pub fn encode_slot(rec: &Record) -> Vec<u8> {
    encode_slot_with(rec, 0)
}

/// [`encode_slot`] with `after_label` in the u32 after the label: 0 in
/// every v4/v6 record seen, the record number in v3 (real IBM files).
pub fn encode_slot_with(rec: &Record, after_label: u32) -> Vec<u8> {
    let der = encode_der(rec);
    let mut out = Vec::with_capacity(der.len() + rec.label.len() + 140);
    out.extend_from_slice(&rec.record_type.to_be_bytes());
    out.extend_from_slice(&rec.number.to_be_bytes());
    out.extend_from_slice(&(der.len() as u32).to_be_bytes());
    out.extend_from_slice(&der);
    out.extend_from_slice(&(rec.label.len() as u32).to_be_bytes());
    out.extend_from_slice(&rec.label);
    out.extend_from_slice(&after_label.to_be_bytes());
    let cert = match &rec.body {
        Body::Signer { cert } | Body::Personal { cert, .. } => Some(cert),
        _ => None,
    };
    for h in cert.and_then(|c| gskit_hashes(c)).unwrap_or_default() {
        out.extend_from_slice(&20u32.to_be_bytes());
        out.extend_from_slice(&h);
    }
    out
}

fn sha1(parts: &[&[u8]]) -> [u8; 20] {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY);
    for p in parts {
        ctx.update(p);
    }
    let mut out = [0u8; 20];
    out.copy_from_slice(ctx.finish().as_ref());
    out
}

/// The subject and issuer Name TLVs of a certificate, by a walk of its
/// DER (no full X.509 parse: chains are assembled for every record).
pub fn cert_names(cert: &[u8]) -> Option<(&[u8], &[u8])> {
    let p = cert_parts(cert)?;
    Some((p.subject, p.issuer))
}

/// GSKit's five SHA-1 lookup hashes of a certificate: its signature BIT
/// STRING, TBSCertificate, subject, SubjectPublicKeyInfo, and
/// `SEQUENCE { issuer, serialNumber }` (each over the full TLV).
pub fn gskit_hashes(cert: &[u8]) -> Option<Vec<[u8; 20]>> {
    let p = cert_parts(cert)?;
    let ias = tlv(Tag::Sequence, &[p.issuer, p.serial]);
    Some(vec![
        sha1(&[p.signature]),
        sha1(&[p.tbs]),
        sha1(&[p.subject]),
        sha1(&[p.spki]),
        sha1(&[&ias]),
    ])
}

/// The label as text: UTF-8 where it is (KdbTool, kdbman), else each
/// byte as Latin-1, since what GSKit writes for non-ASCII is unknown.
pub fn label_text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(flags: &[u8], n: usize, on: bool) -> Vec<u8> {
        let mut f = flags.to_vec();
        set_flag_bit(&mut f, n, on);
        f
    }

    #[test]
    fn default_bit_round_trips_between_the_two_forms_seen() {
        // GSKit's `07 80` and the MQ Java tooling's `06 C0` (§11.4).
        assert!(!flag_bit(&[0x07, 0x80], BIT_DEFAULT));
        assert!(flag_bit(&[0x06, 0xC0], BIT_DEFAULT));
        assert_eq!(set(&[0x07, 0x80], BIT_DEFAULT, true), [0x06, 0xC0]);
        assert_eq!(set(&[0x06, 0xC0], BIT_DEFAULT, false), [0x07, 0x80]);
        // Untrusted signer flags gain the mark without gaining trust.
        assert_eq!(set(&[0x07, 0x00], BIT_DEFAULT, true), [0x06, 0x40]);
        assert_eq!(set(&[0x06, 0x40], BIT_DEFAULT, false), [0x07, 0x00]);
    }

    #[test]
    fn other_bits_and_lengths_are_kept() {
        // A bit kdbman does not know (bit 4) survives both changes.
        assert_eq!(set(&[0x03, 0x88], BIT_DEFAULT, true), [0x03, 0xC8]);
        assert_eq!(set(&[0x03, 0xC8], BIT_DEFAULT, false), [0x03, 0x88]);
        // Two bytes of bits: the unused count belongs to the last byte.
        assert_eq!(
            set(&[0x00, 0x80, 0x01], BIT_DEFAULT, true),
            [0x00, 0xC0, 0x01]
        );
        assert_eq!(
            set(&[0x00, 0xC0, 0x01], BIT_DEFAULT, false),
            [0x00, 0x80, 0x01]
        );
        // Setting what is set, or clearing what is clear, changes nothing.
        assert_eq!(set(&[0x06, 0xC0], BIT_DEFAULT, true), [0x06, 0xC0]);
        assert_eq!(set(&[0x07, 0x80], BIT_DEFAULT, false), [0x07, 0x80]);
        // A bit beyond the unused-bits count is not read as set.
        assert!(!flag_bit(&[0x07, 0xC0], BIT_DEFAULT));
        assert!(!flag_bit(&[], BIT_TRUSTED));
        assert_eq!(set(&[], BIT_DEFAULT, true), [0x06, 0x40]);
    }
}
