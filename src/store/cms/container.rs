//! The CMS container shared by `.kdb` (keys) and `.rdb` (requests): a
//! header with two password-keyed MACs, then fixed-size record slots.
//!
//! Pure functions over bytes; the written specification is
//! `man/kdbman-cms.5`.
//!
//! ```text
//! offset   size   field
//! 0x00     2      magic 37 48
//! 0x02     1      version: 06 (HMAC-SHA384, M = 48) or 04 (HMAC-SHA1, M = 20)
//! 0x03     1      kind: 02 key database, 01 request or CRL database
//! 0x04     4      reserved, zero
//! 0x08     8      tag "X509KEY\0", "X509KYP\0" or "X509CRL\0"
//! 0x10     4      slot size S, big-endian
//! 0x14     4      record count N, big-endian
//! 0x18     24     salt
//! 0x30     M      password verifier: HMAC(password, bytes 0x00..0x30)
//! 0x30+M   M      integrity MAC: HMAC(password, bytes 0x00..0x30+M ‖ slots)
//! 0x30+2M  N·S    record slots, each zero-padded to S bytes
//! ```
//!
//! The HMAC key is the password's bytes themselves: no KDF, no salt in the
//! key. One HMAC tells whether a password is right, which is why lint
//! warns about guessable CMS passwords.

use std::path::Path;

use ring::hmac;

use crate::error::{Damage, Error, ForeignFormat, Result};
use crate::secret::Password;

pub const MAGIC: [u8; 2] = [0x37, 0x48];
pub const PREFIX_LEN: usize = 0x30;
/// The slot size GSKit writes; larger records get larger slots.
pub const DEFAULT_SLOT_SIZE: u32 = 5000;
/// Slots smaller than a slot header, or larger than this, are damage.
pub const MAX_SLOT_SIZE: u32 = 16 << 20;
pub const MIN_SLOT_SIZE: u32 = 16;
/// Files larger than this are refused as damaged (1 GiB).
pub const MAX_FILE: u64 = 1 << 30;

/// The container version, which fixes the MAC algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Version {
    /// HMAC-SHA1 (20-byte MACs): old GSKit.
    V4,
    /// HMAC-SHA384 (48-byte MACs): GSKit 8 and later.
    V6,
}

impl Version {
    pub fn number(self) -> u8 {
        match self {
            Version::V4 => 4,
            Version::V6 => 6,
        }
    }
    pub fn from_number(n: u8) -> Option<Version> {
        match n {
            4 => Some(Version::V4),
            6 => Some(Version::V6),
            _ => None,
        }
    }
    pub fn mac_len(self) -> usize {
        match self {
            Version::V4 => 20,
            Version::V6 => 48,
        }
    }
    pub fn header_len(self) -> usize {
        PREFIX_LEN + 2 * self.mac_len()
    }
    fn algorithm(self) -> hmac::Algorithm {
        match self {
            Version::V4 => hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY,
            Version::V6 => hmac::HMAC_SHA384,
        }
    }
}

/// What a container holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// `.kdb`: personal certificates with keys, and signers.
    Keys,
    /// `.rdb`: pending certificate requests with their keys.
    Requests,
    /// `.crl`: certificate revocation lists (recognised, not read).
    Crls,
}

impl Kind {
    fn kind_byte(self) -> u8 {
        match self {
            Kind::Keys => 2,
            Kind::Requests | Kind::Crls => 1,
        }
    }
    fn tag(self) -> &'static [u8; 8] {
        match self {
            Kind::Keys => b"X509KEY\0",
            Kind::Requests => b"X509KYP\0",
            Kind::Crls => b"X509CRL\0",
        }
    }
    fn from_tag(tag: &[u8]) -> Option<Kind> {
        [Kind::Keys, Kind::Requests, Kind::Crls]
            .into_iter()
            .find(|k| k.tag() == tag)
    }
}

/// A container whose structure checks out; MACs not yet verified.
#[derive(Debug, Clone)]
pub struct Layout<'a> {
    pub version: Version,
    pub kind: Kind,
    pub slot_size: u32,
    pub salt: [u8; 24],
    bytes: &'a [u8],
}

/// Whether `bytes` start like a CMS container (magic only).
pub fn looks_like(bytes: &[u8]) -> bool {
    bytes.len() >= 2 && bytes[..2] == MAGIC
}

/// Checks the structure without a password: magic, version, kind and tag,
/// slot size, and that the length is exactly header + count × slot.
pub fn parse<'a>(path: &Path, bytes: &'a [u8]) -> Result<Layout<'a>> {
    let damaged = |damage| Error::DamagedHeader {
        path: path.to_path_buf(),
        damage,
    };
    let known_tag = bytes.len() >= 16 && Kind::from_tag(&bytes[8..16]).is_some();
    if !looks_like(bytes) && known_tag && bytes.len() >= Version::V4.header_len() {
        // The rest says CMS: the magic itself was damaged.
        return Err(damaged(Damage::Magic));
    }
    if !looks_like(bytes) {
        return Err(Error::NotAStore {
            path: path.to_path_buf(),
            found: if bytes.is_empty() {
                ForeignFormat::Empty
            } else {
                ForeignFormat::Unknown
            },
        });
    }
    if bytes.len() < 4 {
        return Err(damaged(Damage::Truncated {
            expected: Version::V4.header_len() as u64,
            actual: bytes.len() as u64,
        }));
    }
    let Some(version) = Version::from_number(bytes[2]) else {
        // A version byte that changed while everything else still fits a
        // v4 or v6 layout is damage, not a newer format.
        let fits = |v: Version| {
            bytes.len() >= v.header_len()
                && u64::from(be32(&bytes[0x10..])).max(1) * u64::from(be32(&bytes[0x14..]))
                    + v.header_len() as u64
                    == bytes.len() as u64
        };
        if bytes.len() >= 0x18 && (fits(Version::V6) || fits(Version::V4)) {
            return Err(damaged(Damage::HeaderField { field: "version" }));
        }
        // Named as a CMS file of that version, never as a kdbman store.
        return Err(Error::NotAStore {
            path: path.to_path_buf(),
            found: crate::store::detect::classify(bytes),
        });
    };
    if bytes.len() < version.header_len() {
        return Err(damaged(Damage::Truncated {
            expected: version.header_len() as u64,
            actual: bytes.len() as u64,
        }));
    }
    let kind =
        Kind::from_tag(&bytes[8..16]).ok_or(damaged(Damage::HeaderField { field: "type tag" }))?;
    if bytes[3] != kind.kind_byte() {
        return Err(damaged(Damage::HeaderField {
            field: "container kind",
        }));
    }
    if bytes[4..8] != [0; 4] {
        return Err(damaged(Damage::HeaderField { field: "reserved" }));
    }
    let slot_size = be32(&bytes[0x10..]);
    if !(MIN_SLOT_SIZE..=MAX_SLOT_SIZE).contains(&slot_size) {
        return Err(damaged(Damage::HeaderField { field: "slot size" }));
    }
    let count = u64::from(be32(&bytes[0x14..]));
    let expected = version.header_len() as u64 + count * u64::from(slot_size);
    if expected > MAX_FILE {
        return Err(damaged(Damage::HeaderField {
            field: "record count",
        }));
    }
    let actual = bytes.len() as u64;
    if actual < expected {
        return Err(damaged(Damage::Truncated { expected, actual }));
    }
    if actual > expected {
        return Err(damaged(Damage::TrailingBytes {
            extra: actual - expected,
        }));
    }
    let mut salt = [0u8; 24];
    salt.copy_from_slice(&bytes[0x18..0x30]);
    Ok(Layout {
        version,
        kind,
        slot_size,
        salt,
        bytes,
    })
}

fn be32(b: &[u8]) -> u32 {
    u32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

/// Compares MACs in time independent of where they differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn mac(version: Version, password: &Password, parts: &[&[u8]]) -> hmac::Tag {
    let key = hmac::Key::new(version.algorithm(), password.as_bytes());
    let mut ctx = hmac::Context::with_key(&key);
    for p in parts {
        ctx.update(p);
    }
    ctx.sign()
}

impl<'a> Layout<'a> {
    pub fn count(&self) -> usize {
        be32(&self.bytes[0x14..]) as usize
    }

    /// The record slots, padding included.
    pub fn slots(&self) -> impl Iterator<Item = &'a [u8]> + use<'a> {
        let start = self.version.header_len();
        self.bytes[start..].chunks_exact(self.slot_size as usize)
    }

    /// Whether the password's verifier MAC matches (covers bytes 0..0x30).
    pub fn password_matches(&self, password: &Password) -> bool {
        let m = self.version.mac_len();
        let tag = mac(self.version, password, &[&self.bytes[..PREFIX_LEN]]);
        same(tag.as_ref(), &self.bytes[PREFIX_LEN..PREFIX_LEN + m])
    }

    /// Whether the integrity MAC over everything else matches.
    pub fn integrity_matches(&self, password: &Password) -> bool {
        let m = self.version.mac_len();
        let h = self.version.header_len();
        let tag = mac(
            self.version,
            password,
            &[&self.bytes[..PREFIX_LEN + m], &self.bytes[h..]],
        );
        same(tag.as_ref(), &self.bytes[PREFIX_LEN + m..h])
    }
}

/// The same bytes with both MACs recomputed under `password`, if they
/// parse as a container: lets a fuzzer reach the records behind the MACs.
#[doc(hidden)]
pub fn remac(path: &Path, bytes: &[u8], password: &Password) -> Option<Vec<u8>> {
    let l = parse(path, bytes).ok()?;
    let (m, h) = (l.version.mac_len(), l.version.header_len());
    let mut out = bytes.to_vec();
    let verifier = mac(l.version, password, &[&out[..PREFIX_LEN]]);
    out[PREFIX_LEN..PREFIX_LEN + m].copy_from_slice(verifier.as_ref());
    let integrity = mac(l.version, password, &[&out[..PREFIX_LEN + m], &out[h..]]);
    out[PREFIX_LEN + m..h].copy_from_slice(integrity.as_ref());
    Some(out)
}

/// A fresh salt as GSKit makes it: 23 random non-zero bytes, then 0x00.
pub fn new_salt() -> [u8; 24] {
    let mut salt = [0u8; 24];
    let mut filled = 0;
    while filled < 23 {
        let r: [u8; 32] = crate::clock::random();
        for b in r.into_iter().filter(|&b| b != 0) {
            if filled < 23 {
                salt[filled] = b;
                filled += 1;
            }
        }
    }
    salt
}

/// The smallest slot size (at least GSKit's 5000) that fits every record.
pub fn slot_size_for(records: &[Vec<u8>]) -> u32 {
    let largest = records.iter().map(Vec::len).max().unwrap_or(0);
    (largest as u32).max(DEFAULT_SLOT_SIZE)
}

/// Writes a container: header, verifier, slots padded to `slot_size`,
/// then the integrity MAC over all of it.
pub fn encode(
    version: Version,
    kind: Kind,
    salt: &[u8; 24],
    slot_size: u32,
    records: &[Vec<u8>],
    password: &Password,
) -> Vec<u8> {
    let m = version.mac_len();
    let h = version.header_len();
    let slot = slot_size as usize;
    let mut out = Vec::with_capacity(h + records.len() * slot);
    out.extend_from_slice(&MAGIC);
    out.push(version.number());
    out.push(kind.kind_byte());
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(kind.tag());
    out.extend_from_slice(&slot_size.to_be_bytes());
    out.extend_from_slice(&(records.len() as u32).to_be_bytes());
    out.extend_from_slice(salt);
    let verifier = mac(version, password, &[&out[..PREFIX_LEN]]);
    out.extend_from_slice(verifier.as_ref());
    out.resize(h, 0);
    for r in records {
        debug_assert!(r.len() <= slot);
        let start = out.len();
        out.extend_from_slice(r);
        out.resize(start + slot, 0);
    }
    let integrity = mac(version, password, &[&out[..PREFIX_LEN + m], &out[h..]]);
    out[PREFIX_LEN + m..h].copy_from_slice(integrity.as_ref());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encode_then_parse_verifies_both_macs() {
        let pw = Password::new("secret");
        let salt = new_salt();
        for version in [Version::V4, Version::V6] {
            let bytes = encode(
                version,
                Kind::Keys,
                &salt,
                64,
                &[vec![1, 2, 3], vec![4; 64]],
                &pw,
            );
            assert_eq!(bytes.len(), version.header_len() + 2 * 64);
            let l = parse(Path::new("x"), &bytes).unwrap();
            assert_eq!((l.version, l.kind, l.count()), (version, Kind::Keys, 2));
            assert!(l.password_matches(&pw) && l.integrity_matches(&pw));
            assert!(!l.password_matches(&Password::new("Secret")));
            let slots: Vec<_> = l.slots().collect();
            assert_eq!(&slots[0][..4], &[1, 2, 3, 0]);
        }
        assert_eq!(salt[23], 0);
        assert!(salt[..23].iter().all(|&b| b != 0));
    }
}
