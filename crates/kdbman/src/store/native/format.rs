//! Store format v1: header framing, key wrapping and payload sealing.
//!
//! Pure functions over bytes; no I/O. The written specification is
//! `man/kdbman-kdb.5`; keep the two in step.
//!
//! ```text
//! offset   size  field
//! 0        8     magic 89 4B 44 42 4D 41 4E 0A ("\x89KDBMAN\n")
//! 8        2     format version, big-endian (1)
//! 10       4     header body length N, big-endian (32..=65536)
//! 14       N     header body: records of type (u8), length (u16 BE), value
//! 14+N     32    SHA-256 of bytes 0..14+N
//! 46+N     L     payload: AES-256-GCM ciphertext and tag of the DER entries
//! ```
//!
//! The frame (magic, version, length, body, checksum) is the same in every
//! version, so damage is told apart from a newer version before anything
//! version-specific is read.

use ring::aead::{AES_256_GCM, Aad, LessSafeKey, Nonce, UnboundKey};
use zeroize::Zeroizing;

use std::path::Path;

use super::kdf::{KDF_ARGON2ID, KDF_PBKDF2_SHA256, Kdf, SALT_MAX, SALT_MIN};
use crate::error::{Damage, Result};
use crate::store::detect::classify;
use crate::store::fault::{CodecError, CodecResult, Fault, Part};
use crate::store::magic::bit_distance;

pub use crate::store::magic::{NATIVE_MAGIC as MAGIC, NATIVE_VERSION as VERSION};
pub const PREFIX_LEN: usize = 14;
pub const CHECKSUM_LEN: usize = 32;
pub const MIN_BODY: u32 = 32;
pub const MAX_BODY: u32 = 65536;
/// Payloads larger than this are refused as damaged (1 GiB).
pub const MAX_PAYLOAD: u64 = 1 << 30;

/// Header record types. Types 0x80 and above are optional: readers skip
/// them. An unknown type below 0x80 makes the header invalid.
pub const REC_KDF: u8 = 0x01;
pub const REC_STORE_ID: u8 = 0x02;
pub const REC_EPOCH: u8 = 0x03;
pub const REC_PASSWORD_EXPIRES: u8 = 0x04;
pub const REC_WRAPPED_KEY: u8 = 0x05;
pub const REC_PAYLOAD: u8 = 0x06;
pub const REC_PASSWORD_CHECK: u8 = 0x07;

/// AEAD identifier: AES-256-GCM with a 96-bit nonce and 128-bit tag.
pub const AEAD_AES_256_GCM: u8 = 1;
const WRAP_CONTEXT: &[u8] = b"kdbman v1 key wrap";
const CHECK_CONTEXT: &[u8] = b"kdbman v1 password check";

/// A decoded v1 header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub kdf: Kdf,
    pub salt: Vec<u8>,
    /// Random at creation, never changed: binds stashes to their store.
    pub store_id: [u8; 16],
    /// Random at creation and at every password change: tells a stale stash.
    pub epoch: [u8; 16],
    /// Unix seconds after which the password counts as expired.
    pub password_expires: Option<i64>,
    /// Nonce (12) then sealed data key and tag (48).
    pub wrapped_key: [u8; 60],
    /// HMAC-SHA-256 of a fixed string under the key-encryption key: tells
    /// a wrong password (check fails) from password-governed header fields
    /// that were altered (check passes, key unwrap fails).
    pub password_check: [u8; 32],
    pub payload_nonce: [u8; 12],
    pub payload_len: u64,
}

pub(crate) use crate::clock::random;

impl Header {
    /// A fresh header for a new store or a new password.
    pub fn new(kdf: Kdf, password_expires: Option<i64>) -> Self {
        Header {
            kdf,
            salt: random::<32>().to_vec(),
            store_id: random(),
            epoch: random(),
            password_expires,
            wrapped_key: [0; 60],
            password_check: [0; 32],
            payload_nonce: [0; 12],
            payload_len: 0,
        }
    }

    fn kdf_record(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(16 + self.salt.len());
        match self.kdf {
            Kdf::Argon2id {
                memory_kib,
                iterations,
                parallelism,
            } => {
                v.push(KDF_ARGON2ID);
                v.extend_from_slice(&memory_kib.to_be_bytes());
                v.extend_from_slice(&iterations.to_be_bytes());
                v.extend_from_slice(&parallelism.to_be_bytes());
            }
            Kdf::Pbkdf2Sha256 { iterations } => {
                v.push(KDF_PBKDF2_SHA256);
                v.extend_from_slice(&iterations.to_be_bytes());
            }
        }
        v.push(self.salt.len() as u8);
        v.extend_from_slice(&self.salt);
        v
    }

    /// Associated data of the key wrap: everything the password governs.
    fn wrap_aad(&self) -> Vec<u8> {
        let mut ad = WRAP_CONTEXT.to_vec();
        ad.extend_from_slice(&self.store_id);
        ad.extend_from_slice(&self.epoch);
        ad.extend_from_slice(&self.kdf_record());
        if let Some(t) = self.password_expires {
            ad.extend_from_slice(&t.to_be_bytes());
        }
        ad
    }

    /// Encodes prefix, body and checksum.
    pub fn encode(&self) -> Vec<u8> {
        let mut body = Vec::with_capacity(256);
        let mut rec = |t: u8, v: &[u8]| {
            body.push(t);
            body.extend_from_slice(&(v.len() as u16).to_be_bytes());
            body.extend_from_slice(v);
        };
        rec(REC_KDF, &self.kdf_record());
        rec(REC_STORE_ID, &self.store_id);
        rec(REC_EPOCH, &self.epoch);
        if let Some(t) = self.password_expires {
            rec(REC_PASSWORD_EXPIRES, &t.to_be_bytes());
        }
        let mut wk = vec![AEAD_AES_256_GCM];
        wk.extend_from_slice(&self.wrapped_key);
        rec(REC_WRAPPED_KEY, &wk);
        rec(REC_PASSWORD_CHECK, &self.password_check);
        let mut pl = vec![AEAD_AES_256_GCM];
        pl.extend_from_slice(&self.payload_nonce);
        pl.extend_from_slice(&self.payload_len.to_be_bytes());
        rec(REC_PAYLOAD, &pl);

        let mut out = Vec::with_capacity(PREFIX_LEN + body.len() + CHECKSUM_LEN);
        out.extend_from_slice(&MAGIC);
        out.extend_from_slice(&VERSION.to_be_bytes());
        out.extend_from_slice(&(body.len() as u32).to_be_bytes());
        out.extend_from_slice(&body);
        let sum = ring::digest::digest(&ring::digest::SHA256, &out);
        out.extend_from_slice(sum.as_ref());
        out
    }
}

/// A parsed file: its header and where the payload lies.
#[derive(Debug)]
pub struct Parsed<'a> {
    pub header: Header,
    /// Prefix, body and checksum: the payload's associated data.
    pub header_bytes: &'a [u8],
    pub payload: &'a [u8],
}

/// Parses and checks a store file up to (not including) the password.
///
/// The order is the diagnosis: not a store, damaged frame, unsupported
/// version, bad fields, KDF bounds, payload length.
pub fn parse<'a>(path: &Path, bytes: &'a [u8]) -> Result<Parsed<'a>> {
    decode(bytes).map_err(|e| e.at(path))
}

/// [`parse`], without a path.
pub fn decode(bytes: &[u8]) -> CodecResult<Parsed<'_>> {
    let damaged = |damage| CodecError::header(Part::Store, damage);
    let truncated = |expected: usize| {
        damaged(Damage::Truncated {
            expected: expected as u64,
            actual: bytes.len() as u64,
        })
    };

    if bytes.len() < MAGIC.len() {
        if !bytes.is_empty() && MAGIC.starts_with(bytes) {
            return Err(truncated(PREFIX_LEN + MIN_BODY as usize + CHECKSUM_LEN));
        }
        return Err(CodecError::store(Fault::NotAStore(classify(bytes))));
    }
    if bytes[..8] != MAGIC {
        // A few flipped bits in our magic is damage, not a foreign file
        // (no format kdbman recognises starts within 4 bits of it).
        if bit_distance(&bytes[..8], &MAGIC) <= 4 {
            return Err(damaged(Damage::Magic));
        }
        // Named by content alone: a `.kdb` may be CMS, PKCS#12 or KeePass.
        return Err(CodecError::store(Fault::NotAStore(classify(bytes))));
    }
    if bytes.len() < PREFIX_LEN {
        return Err(truncated(PREFIX_LEN + MIN_BODY as usize + CHECKSUM_LEN));
    }
    let version = u16::from_be_bytes([bytes[8], bytes[9]]);
    let body_len = u32::from_be_bytes([bytes[10], bytes[11], bytes[12], bytes[13]]);
    if !(MIN_BODY..=MAX_BODY).contains(&body_len) {
        return Err(damaged(Damage::HeaderField {
            field: "header length",
        }));
    }
    let header_end = PREFIX_LEN + body_len as usize + CHECKSUM_LEN;
    if bytes.len() < header_end {
        return Err(truncated(header_end));
    }
    let sum_at = header_end - CHECKSUM_LEN;
    let sum = ring::digest::digest(&ring::digest::SHA256, &bytes[..sum_at]);
    if sum.as_ref() != &bytes[sum_at..header_end] {
        return Err(damaged(Damage::HeaderChecksum));
    }
    if version != VERSION {
        return Err(CodecError::store(Fault::UnsupportedVersion(version)));
    }
    let header = parse_body(&bytes[PREFIX_LEN..sum_at])
        .map_err(|field| damaged(Damage::HeaderField { field }))?;
    if let Err(limit) = header.kdf.check() {
        return Err(CodecError::store(Fault::KdfCostRefused(limit)));
    }
    let payload = &bytes[header_end..];
    let have = payload.len() as u64;
    if have < header.payload_len {
        return Err(CodecError::payload(
            Part::Store,
            Damage::Truncated {
                expected: header_end as u64 + header.payload_len,
                actual: bytes.len() as u64,
            },
        ));
    }
    if have > header.payload_len {
        return Err(CodecError::payload(
            Part::Store,
            Damage::TrailingBytes {
                extra: have - header.payload_len,
            },
        ));
    }
    Ok(Parsed {
        header,
        header_bytes: &bytes[..header_end],
        payload,
    })
}

/// Decodes the header body records; the error names the bad field.
fn parse_body(mut body: &[u8]) -> std::result::Result<Header, &'static str> {
    let mut kdf = None;
    let mut store_id = None;
    let mut epoch = None;
    let mut expires = None;
    let mut wrapped = None;
    let mut check = None;
    let mut payload = None;
    while !body.is_empty() {
        if body.len() < 3 {
            return Err("record framing");
        }
        let t = body[0];
        let len = u16::from_be_bytes([body[1], body[2]]) as usize;
        let v = body.get(3..3 + len).ok_or("record length")?;
        body = &body[3 + len..];
        match t {
            REC_KDF => {
                if kdf.is_some() {
                    return Err("KDF (repeated)");
                }
                kdf = Some(parse_kdf(v)?);
            }
            REC_STORE_ID => {
                if store_id.is_some() {
                    return Err("store id (repeated)");
                }
                store_id = Some(<[u8; 16]>::try_from(v).map_err(|_| "store id")?);
            }
            REC_EPOCH => {
                if epoch.is_some() {
                    return Err("password epoch (repeated)");
                }
                epoch = Some(<[u8; 16]>::try_from(v).map_err(|_| "password epoch")?);
            }
            REC_PASSWORD_EXPIRES => {
                if expires.is_some() {
                    return Err("password expiry (repeated)");
                }
                let b = <[u8; 8]>::try_from(v).map_err(|_| "password expiry")?;
                expires = Some(i64::from_be_bytes(b));
            }
            REC_WRAPPED_KEY => {
                if wrapped.is_some() {
                    return Err("wrapped key (repeated)");
                }
                if v.len() != 61 || v[0] != AEAD_AES_256_GCM {
                    return Err("wrapped key");
                }
                let mut w = [0u8; 60];
                w.copy_from_slice(&v[1..]);
                wrapped = Some(w);
            }
            REC_PASSWORD_CHECK => {
                if check.is_some() {
                    return Err("password check (repeated)");
                }
                check = Some(<[u8; 32]>::try_from(v).map_err(|_| "password check")?);
            }
            REC_PAYLOAD => {
                if payload.is_some() {
                    return Err("payload (repeated)");
                }
                if v.len() != 21 || v[0] != AEAD_AES_256_GCM {
                    return Err("payload");
                }
                let mut n = [0u8; 12];
                n.copy_from_slice(&v[1..13]);
                let mut l = [0u8; 8];
                l.copy_from_slice(&v[13..21]);
                let len = u64::from_be_bytes(l);
                if !(16..=MAX_PAYLOAD).contains(&len) {
                    return Err("payload length");
                }
                payload = Some((n, len));
            }
            0x80..=0xFF => {}
            _ => return Err("unknown critical record"),
        }
    }
    let (kdf, salt) = kdf.ok_or("KDF (missing)")?;
    let (payload_nonce, payload_len) = payload.ok_or("payload (missing)")?;
    Ok(Header {
        kdf,
        salt,
        store_id: store_id.ok_or("store id (missing)")?,
        epoch: epoch.ok_or("password epoch (missing)")?,
        password_expires: expires,
        wrapped_key: wrapped.ok_or("wrapped key (missing)")?,
        password_check: check.ok_or("password check (missing)")?,
        payload_nonce,
        payload_len,
    })
}

fn parse_kdf(v: &[u8]) -> std::result::Result<(Kdf, Vec<u8>), &'static str> {
    let u32_at = |i: usize| -> std::result::Result<u32, &'static str> {
        let b = v.get(i..i + 4).ok_or("KDF parameters")?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    };
    let (kdf, rest) = match v.first() {
        Some(&KDF_ARGON2ID) => (
            Kdf::Argon2id {
                memory_kib: u32_at(1)?,
                iterations: u32_at(5)?,
                parallelism: u32_at(9)?,
            },
            13,
        ),
        Some(&KDF_PBKDF2_SHA256) => (
            Kdf::Pbkdf2Sha256 {
                iterations: u32_at(1)?,
            },
            5,
        ),
        _ => return Err("KDF identifier"),
    };
    let salt_len = *v.get(rest).ok_or("KDF salt")? as usize;
    let salt = v.get(rest + 1..).ok_or("KDF salt")?;
    if salt.len() != salt_len || !(SALT_MIN..=SALT_MAX).contains(&salt_len) {
        return Err("KDF salt");
    }
    Ok((kdf, salt.to_vec()))
}

fn aead_key(key: &[u8; 32]) -> LessSafeKey {
    // A 32-byte key is always valid for AES-256-GCM.
    LessSafeKey::new(UnboundKey::new(&AES_256_GCM, key).expect("32-byte AES-256 key"))
}

/// Seals the data key under the key-encryption key into the header.
pub fn wrap_key(header: &mut Header, kek: &[u8; 32], data_key: &[u8; 32]) {
    let nonce = random::<12>();
    let mut buf = Zeroizing::new(data_key.to_vec());
    let aad = header.wrap_aad();
    aead_key(kek)
        .seal_in_place_append_tag(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(&aad),
            &mut *buf,
        )
        .expect("sealing a 32-byte key cannot fail");
    header.wrapped_key[..12].copy_from_slice(&nonce);
    header.wrapped_key[12..].copy_from_slice(&buf);
    header.password_check = password_check(kek);
}

fn password_check(kek: &[u8; 32]) -> [u8; 32] {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, kek);
    let tag = ring::hmac::sign(&key, CHECK_CONTEXT);
    let mut out = [0u8; 32];
    out.copy_from_slice(tag.as_ref());
    out
}

/// Whether the key-encryption key is the one the header was sealed with,
/// i.e. whether the password is right (compared in constant time).
pub fn password_matches(header: &Header, kek: &[u8; 32]) -> bool {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, kek);
    ring::hmac::verify(&key, CHECK_CONTEXT, &header.password_check).is_ok()
}

/// Opens the wrapped data key; `None` means the key wrap or the fields it
/// authenticates were altered (call [`password_matches`] first).
pub fn unwrap_key(header: &Header, kek: &[u8; 32]) -> Option<Zeroizing<[u8; 32]>> {
    let mut nonce = [0u8; 12];
    nonce.copy_from_slice(&header.wrapped_key[..12]);
    let mut buf = Zeroizing::new(header.wrapped_key[12..].to_vec());
    let aad = header.wrap_aad();
    let plain = aead_key(kek)
        .open_in_place(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(&aad),
            &mut buf[..],
        )
        .ok()?;
    let mut key = Zeroizing::new([0u8; 32]);
    key.copy_from_slice(plain);
    Some(key)
}

/// Builds a whole store file: the header (with a fresh payload nonce and
/// length) followed by the sealed payload.
pub fn seal(header: &mut Header, data_key: &[u8; 32], plaintext: &[u8]) -> Vec<u8> {
    header.payload_nonce = random();
    header.payload_len = plaintext.len() as u64 + 16;
    let mut out = header.encode();
    let aad_len = out.len();
    out.extend_from_slice(plaintext);
    let (aad, body) = out.split_at_mut(aad_len);
    let tag = aead_key(data_key)
        .seal_in_place_separate_tag(
            Nonce::assume_unique_for_key(header.payload_nonce),
            Aad::from(&*aad),
            body,
        )
        .expect("payload within AES-GCM limits");
    out.extend_from_slice(tag.as_ref());
    out
}

/// Decrypts the payload with the data key.
pub fn open_payload(
    path: &Path,
    parsed: &Parsed<'_>,
    data_key: &[u8; 32],
) -> Result<Zeroizing<Vec<u8>>> {
    decrypt_payload(parsed, data_key).map_err(|e| e.at(path))
}

/// [`open_payload`], without a path.
pub fn decrypt_payload(
    parsed: &Parsed<'_>,
    data_key: &[u8; 32],
) -> CodecResult<Zeroizing<Vec<u8>>> {
    let mut buf = Zeroizing::new(parsed.payload.to_vec());
    let n = aead_key(data_key)
        .open_in_place(
            Nonce::assume_unique_for_key(parsed.header.payload_nonce),
            Aad::from(parsed.header_bytes),
            &mut buf[..],
        )
        .map_err(|_| CodecError::payload(Part::Store, Damage::PayloadAuthentication))?
        .len();
    buf.truncate(n);
    Ok(buf)
}
