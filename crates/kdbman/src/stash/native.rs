//! kdbman's own stash format, bound to its store. Specified in
//! `man/kdbman-stash.5`.
//!
//! ```text
//! offset  size  field
//! 0       8     magic 89 4B 44 42 53 54 48 0A ("\x89KDBSTH\n")
//! 8       2     version, big-endian (1)
//! 10      16    store id of the store it was written for
//! 26      16    password epoch of that store when it was written
//! 42      2     password length P, big-endian (1..=1024)
//! 44      P     password XOR keystream
//! 44+P    32    SHA-256 of bytes 0..44+P
//! ```
//!
//! The keystream is SHA-256("kdbman stash v1" ‖ store id ‖ epoch ‖ counter
//! as u32 BE) for counter 0, 1, 2, … concatenated.

use zeroize::Zeroizing;

use crate::error::{Damage, StashProblem};

pub const MAGIC: [u8; 8] = *b"\x89KDBSTH\n";
pub const VERSION: u16 = 1;
pub const MAX_PASSWORD: usize = 1024;
const FIXED: usize = 44;
const SUM: usize = 32;

/// A decoded native stash.
#[derive(Debug)]
pub struct Decoded {
    pub store_id: [u8; 16],
    pub epoch: [u8; 16],
    pub password: Zeroizing<Vec<u8>>,
}

fn keystream(store_id: &[u8; 16], epoch: &[u8; 16], len: usize) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(Vec::with_capacity(len + 32));
    let mut counter = 0u32;
    while out.len() < len {
        let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
        ctx.update(b"kdbman stash v1");
        ctx.update(store_id);
        ctx.update(epoch);
        ctx.update(&counter.to_be_bytes());
        out.extend_from_slice(ctx.finish().as_ref());
        counter += 1;
    }
    out.truncate(len);
    out
}

/// The file bytes for a password (1..=1024 bytes).
pub fn encode(store_id: &[u8; 16], epoch: &[u8; 16], pw: &[u8]) -> Zeroizing<Vec<u8>> {
    let ks = keystream(store_id, epoch, pw.len());
    let mut out = Zeroizing::new(Vec::with_capacity(FIXED + pw.len() + SUM));
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&VERSION.to_be_bytes());
    out.extend_from_slice(store_id);
    out.extend_from_slice(epoch);
    out.extend_from_slice(&(pw.len() as u16).to_be_bytes());
    out.extend(pw.iter().zip(ks.iter()).map(|(a, b)| a ^ b));
    let sum = ring::digest::digest(&ring::digest::SHA256, &out);
    out.extend_from_slice(sum.as_ref());
    out
}

/// Decodes stash bytes that start with the native magic (or are damaged
/// near it).
pub fn decode(bytes: &[u8]) -> Result<Decoded, StashProblem> {
    let damaged = StashProblem::Damaged;
    if bytes.len() < FIXED + SUM {
        if bytes.len() >= 8 && bytes[..8] != MAGIC {
            return Err(damaged(Damage::Magic));
        }
        return Err(damaged(Damage::Truncated {
            expected: (FIXED + 1 + SUM) as u64,
            actual: bytes.len() as u64,
        }));
    }
    if bytes[..8] != MAGIC {
        return Err(damaged(Damage::Magic));
    }
    let pw_len = u16::from_be_bytes([bytes[42], bytes[43]]) as usize;
    let total = FIXED + pw_len + SUM;
    if bytes.len() < total {
        return Err(damaged(Damage::Truncated {
            expected: total as u64,
            actual: bytes.len() as u64,
        }));
    }
    if bytes.len() > total {
        return Err(damaged(Damage::TrailingBytes {
            extra: (bytes.len() - total) as u64,
        }));
    }
    let sum = ring::digest::digest(&ring::digest::SHA256, &bytes[..total - SUM]);
    if sum.as_ref() != &bytes[total - SUM..] {
        return Err(damaged(Damage::Checksum));
    }
    let version = u16::from_be_bytes([bytes[8], bytes[9]]);
    if version != VERSION {
        return Err(StashProblem::UnsupportedVersion { version });
    }
    if pw_len == 0 || pw_len > MAX_PASSWORD {
        return Err(damaged(Damage::HeaderField {
            field: "password length",
        }));
    }
    let mut store_id = [0u8; 16];
    store_id.copy_from_slice(&bytes[10..26]);
    let mut epoch = [0u8; 16];
    epoch.copy_from_slice(&bytes[26..42]);
    let ks = keystream(&store_id, &epoch, pw_len);
    let password = Zeroizing::new(
        bytes[FIXED..FIXED + pw_len]
            .iter()
            .zip(ks.iter())
            .map(|(a, b)| a ^ b)
            .collect(),
    );
    Ok(Decoded {
        store_id,
        epoch,
        password,
    })
}

/// kdbman's stash as a [`super::codec::StashCodec`].
pub struct NativeStash;

/// The native stash codec, as the registry lists it.
pub static CODEC: NativeStash = NativeStash;

impl super::codec::StashCodec for NativeStash {
    fn name(&self) -> &'static str {
        "kdbman"
    }
    /// Its magic, or too short to be a GSKit stash (named as damage).
    fn claims(&self, bytes: &[u8]) -> bool {
        bytes.starts_with(&MAGIC[..4]) || bytes.len() < super::gskit::V1_LEN
    }
    fn decode(
        &self,
        bytes: &[u8],
    ) -> Result<(super::StashFormat, Zeroizing<Vec<u8>>), StashProblem> {
        let d = decode(bytes)?;
        Ok((
            super::StashFormat::Kdbman {
                store_id: d.store_id,
                epoch: d.epoch,
            },
            d.password,
        ))
    }
    fn encode(&self, format: &super::StashFormat, password: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        match format {
            super::StashFormat::Kdbman { store_id, epoch } => {
                Some(encode(store_id, epoch, password))
            }
            _ => None,
        }
    }
    fn describe(&self, format: &super::StashFormat) -> Option<String> {
        matches!(format, super::StashFormat::Kdbman { .. }).then(|| format!("kdbman v{VERSION}"))
    }
    fn max_password(&self, format: &super::StashFormat) -> Option<usize> {
        matches!(format, super::StashFormat::Kdbman { .. }).then_some(MAX_PASSWORD)
    }
}
