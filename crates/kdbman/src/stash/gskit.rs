//! GSKit stash files (`.sth`): the password of a CMS key database,
//! obfuscated, not encrypted. Specified in `man/kdbman-gskit-stash.5`.
//!
//! The kind is told by size alone:
//!
//! - **v1**, 129 bytes: `password ‖ 0x00 ‖ random non-zero padding`, every
//!   byte XOR 0xF5.
//! - **v2**, 193 bytes: `A[32] ‖ B[32] ‖ C[129]`, where B = SHA-256(0x01 ‖ A)
//!   is an integrity check, and C is a v1 buffer XOR a keystream derived
//!   from A and B by SHA-256 and HMAC-SHA256 (see the man page).
//!
//! Nothing in a GSKit stash names its store: a stash for another store, or
//! one left over from an old password, decodes cleanly. Whether it opens
//! the store is for the store's verifier MAC to say.

use ring::{digest, hmac};
use zeroize::Zeroizing;

use crate::error::Damage;

pub const V1_LEN: usize = 129;
pub const V2_LEN: usize = 193;
/// The longest password a GSKit stash holds (a v1 buffer less its NUL).
pub const MAX_PASSWORD: usize = 128;

const XOR: u8 = 0xF5;
const SEED_MESSAGE: &[u8; 128] = b"13EC6D5C885056915AB35FAD2BDDF39F40D7C57B8B4D28F66B61B75F391446FDA96751174DBD9713D02E0B38732E763501DBBB85EC60E437929ED2AA8981B36B";
const STATE0: [u8; 6] = [1, 1, 2, 3, 5, 8];

/// The two GSKit stash versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Version {
    V1,
    V2,
}

impl Version {
    pub fn number(self) -> u8 {
        match self {
            Version::V1 => 1,
            Version::V2 => 2,
        }
    }
}

/// Why stash bytes do not decode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Neither 129 nor 193 bytes.
    Size(usize),
    Damaged(Damage),
}

/// Which version `bytes` would be, by size.
pub fn version_of(bytes: &[u8]) -> Option<Version> {
    match bytes.len() {
        V1_LEN => Some(Version::V1),
        V2_LEN => Some(Version::V2),
        _ => None,
    }
}

/// Whether `bytes` are a GSKit stash by content, not size alone (for
/// naming a file given where a store was expected): v2's B must be
/// SHA-256(0x01 ‖ A); a v1 buffer must decode to a password of no control
/// bytes, its NUL, then padding with no other NUL. The password is not kept.
pub fn looks_like(bytes: &[u8]) -> Option<Version> {
    match version_of(bytes)? {
        Version::V2 => {
            (digest_of(&[&[1], &bytes[..32]]).as_slice() == &bytes[32..64]).then_some(Version::V2)
        }
        Version::V1 => {
            let mut plain = bytes.iter().map(|b| b ^ XOR);
            let end = plain.position(|b| b < 0x20 || b == 0x7f)?;
            let terminated = bytes[end] ^ XOR == 0 && end > 0;
            (terminated && bytes[end + 1..].iter().all(|b| b ^ XOR != 0)).then_some(Version::V1)
        }
    }
}

/// Decodes stash bytes into the password bytes.
pub fn decode(bytes: &[u8]) -> Result<(Version, Zeroizing<Vec<u8>>), Problem> {
    match version_of(bytes) {
        Some(Version::V1) => decode_v1(bytes).map(|p| (Version::V1, p)),
        Some(Version::V2) => {
            let (a, rest) = bytes.split_at(32);
            let (b, c) = rest.split_at(32);
            if digest_of(&[&[1], a]).as_slice() != b {
                return Err(Problem::Damaged(Damage::Checksum));
            }
            let ks = keystream(a, b);
            let buf: Zeroizing<Vec<u8>> =
                Zeroizing::new(c.iter().zip(ks.iter()).map(|(x, k)| x ^ k).collect());
            decode_v1(&buf).map(|p| (Version::V2, p))
        }
        None => Err(Problem::Size(bytes.len())),
    }
}

fn decode_v1(buf: &[u8]) -> Result<Zeroizing<Vec<u8>>, Problem> {
    let plain: Zeroizing<Vec<u8>> = Zeroizing::new(buf.iter().map(|b| b ^ XOR).collect());
    let Some(end) = plain.iter().position(|&b| b == 0) else {
        return Err(Problem::Damaged(Damage::HeaderField {
            field: "password terminator",
        }));
    };
    if end == 0 {
        return Err(Problem::Damaged(Damage::HeaderField {
            field: "password (empty)",
        }));
    }
    Ok(Zeroizing::new(plain[..end].to_vec()))
}

/// Encodes a password (1..=128 bytes, no NUL) as a stash of `version`.
/// Padding is random, so two encodings of one password differ.
pub fn encode(version: Version, password: &[u8]) -> Zeroizing<Vec<u8>> {
    debug_assert!(!password.is_empty() && password.len() <= MAX_PASSWORD);
    let mut buf = Zeroizing::new(Vec::with_capacity(V1_LEN));
    buf.extend_from_slice(password);
    buf.push(0);
    while buf.len() < V1_LEN {
        let r: [u8; 64] = crate::clock::random();
        buf.extend(r.into_iter().filter(|&b| b != 0));
    }
    buf.truncate(V1_LEN);
    for b in buf.iter_mut() {
        *b ^= XOR;
    }
    match version {
        Version::V1 => buf,
        Version::V2 => {
            let a: [u8; 32] = crate::clock::random();
            let b = digest_of(&[&[1], &a]);
            let ks = keystream(&a, &b);
            let mut out = Zeroizing::new(Vec::with_capacity(V2_LEN));
            out.extend_from_slice(&a);
            out.extend_from_slice(&b);
            out.extend(buf.iter().zip(ks.iter()).map(|(x, k)| x ^ k));
            out
        }
    }
}

fn digest_of(parts: &[&[u8]]) -> [u8; 32] {
    let mut ctx = digest::Context::new(&digest::SHA256);
    for p in parts {
        ctx.update(p);
    }
    let mut out = [0u8; 32];
    out.copy_from_slice(ctx.finish().as_ref());
    out
}

fn keystream(a: &[u8], b: &[u8]) -> Zeroizing<Vec<u8>> {
    let mut s = Zeroizing::new(digest_of(&[a, b]));
    // Condition the key: hash until byte 8 is 3 (about 256 rounds), then
    // 64 more. A bound keeps a crafted stash from spinning: 2^16 rounds
    // without a hit happen with probability about e^-256.
    let mut rounds = 0u32;
    while s[8] != 0x03 && rounds < 1 << 16 {
        *s = digest_of(&[&s[..]]);
        rounds += 1;
    }
    for _ in 0..64 {
        *s = digest_of(&[&s[..]]);
    }
    let seed_key = hmac::Key::new(hmac::HMAC_SHA256, &s[..]);
    let seed = hmac::sign(&seed_key, SEED_MESSAGE);
    let key = hmac::Key::new(hmac::HMAC_SHA256, seed.as_ref());
    let mut state = Zeroizing::new(hmac::sign(&key, &STATE0).as_ref().to_vec());
    let mut ks = Zeroizing::new(Vec::with_capacity(V1_LEN + 32));
    while ks.len() < V1_LEN {
        let block = hmac::sign(&key, &state);
        ks.extend_from_slice(block.as_ref());
        let mut next = Zeroizing::new(ks.to_vec());
        next.extend_from_slice(&state);
        state = next;
    }
    ks
}

/// GSKit's stash as a [`super::codec::StashCodec`].
pub struct GskitStash;

/// The GSKit stash codec, as the registry lists it.
pub static CODEC: GskitStash = GskitStash;

impl super::codec::StashCodec for GskitStash {
    fn name(&self) -> &'static str {
        "gskit"
    }
    /// Told by size alone (129 or 193 bytes).
    fn claims(&self, bytes: &[u8]) -> bool {
        version_of(bytes).is_some()
    }
    fn decode(
        &self,
        bytes: &[u8],
    ) -> Result<(super::StashFormat, Zeroizing<Vec<u8>>), crate::error::StashProblem> {
        use crate::error::StashProblem;
        match decode(bytes) {
            Ok((v, pw)) => Ok((super::StashFormat::Gskit(v), pw)),
            Err(Problem::Damaged(d)) => Err(StashProblem::Damaged(d)),
            Err(Problem::Size(n)) => Err(StashProblem::Damaged(Damage::Truncated {
                expected: V1_LEN as u64,
                actual: n as u64,
            })),
        }
    }
    fn encode(&self, format: &super::StashFormat, password: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        match format {
            super::StashFormat::Gskit(v) => Some(encode(*v, password)),
            _ => None,
        }
    }
    fn describe(&self, format: &super::StashFormat) -> Option<String> {
        match format {
            super::StashFormat::Gskit(v) => Some(format!("gskit v{}", v.number())),
            _ => None,
        }
    }
    fn max_password(&self, format: &super::StashFormat) -> Option<usize> {
        matches!(format, super::StashFormat::Gskit(_)).then_some(MAX_PASSWORD)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_both_versions() {
        for v in [Version::V1, Version::V2] {
            let bytes = encode(v, b"password01");
            let (got_v, pw) = decode(&bytes).unwrap();
            assert_eq!((got_v, pw.as_slice()), (v, b"password01".as_slice()));
            let again = encode(v, b"password01");
            assert_ne!(bytes, again, "padding is random");
        }
    }

    #[test]
    fn damaged_v2_is_caught_by_its_check() {
        let mut bytes = encode(Version::V2, b"pw").to_vec();
        bytes[3] ^= 1;
        assert_eq!(decode(&bytes), Err(Problem::Damaged(Damage::Checksum)));
        assert_eq!(decode(&bytes[..100]), Err(Problem::Size(100)));
    }

    #[test]
    fn stashes_are_told_by_content() {
        for v in [Version::V1, Version::V2] {
            assert_eq!(looks_like(&encode(v, b"p\xc3\xa4ssword")), Some(v));
        }
        let mut v2 = encode(Version::V2, b"pw").to_vec();
        v2[40] ^= 1;
        assert_eq!(looks_like(&v2), None, "B is not SHA-256(1 ‖ A)");
        // 129 bytes that decode to no NUL, or to a control byte first.
        assert_eq!(looks_like(&[XOR ^ b'a'; V1_LEN]), None);
        assert_eq!(looks_like(&[XOR ^ 0x01; V1_LEN]), None);
        let mut twice = encode(Version::V1, b"pw").to_vec();
        twice[100] = XOR;
        assert_eq!(looks_like(&twice), None, "a second NUL in the padding");
        assert_eq!(looks_like(&[0u8; 150]), None);
    }
}
