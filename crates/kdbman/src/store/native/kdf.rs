//! Password-based key derivation with bounds checked before any work is done.
//!
//! The bounds are part of format v1: a header asking for less than the floor
//! (too weak) or more than the ceiling (a denial of service) is refused
//! without running the KDF.

use std::fmt;

use zeroize::Zeroizing;

pub use crate::kinds::{Kdf, KdfLimit};
use crate::secret::Password;

/// Format identifiers of the KDFs.
pub const KDF_ARGON2ID: u8 = 1;
pub const KDF_PBKDF2_SHA256: u8 = 2;

/// Argon2id bounds. The floor is OWASP's minimum (19 MiB, 2 passes);
/// the ceiling keeps a hostile header under about two seconds and 256 MiB.
pub const ARGON2_MIN_MEMORY_KIB: u32 = 19 * 1024;
pub const ARGON2_MAX_MEMORY_KIB: u32 = crate::limits::KDF_MAX_MEMORY_KIB;
pub const ARGON2_MIN_ITERATIONS: u32 = 2;
pub const ARGON2_MAX_ITERATIONS: u32 = 10;
pub const ARGON2_MAX_PARALLELISM: u32 = 4;
/// Memory × passes, in KiB: 1 GiB-pass.
pub const ARGON2_MAX_WORK_KIB: u64 = 1024 * 1024;
/// PBKDF2 bounds: OWASP's 600,000 floor; a ceiling of about three seconds.
pub const PBKDF2_MIN_ITERATIONS: u32 = 600_000;
pub const PBKDF2_MAX_ITERATIONS: u32 = crate::limits::PBKDF2_MAX_ITERATIONS;
pub const SALT_MIN: usize = 16;
pub const SALT_MAX: usize = 64;

impl Kdf {
    /// The default for new stores: Argon2id, 64 MiB, 3 passes, 1 lane.
    pub const DEFAULT: Kdf = Kdf::Argon2id {
        memory_kib: 64 * 1024,
        iterations: 3,
        parallelism: 1,
    };
    /// The cheapest Argon2id the format accepts (for tests and throwaway stores).
    pub const ARGON2_FLOOR: Kdf = Kdf::Argon2id {
        memory_kib: ARGON2_MIN_MEMORY_KIB,
        iterations: ARGON2_MIN_ITERATIONS,
        parallelism: 1,
    };
    /// PBKDF2 at OWASP's recommended 600,000 iterations.
    pub const PBKDF2_DEFAULT: Kdf = Kdf::Pbkdf2Sha256 {
        iterations: PBKDF2_MIN_ITERATIONS,
    };

    /// Checks the parameters against format v1's bounds.
    pub fn check(&self) -> Result<(), KdfLimit> {
        match *self {
            Kdf::Argon2id {
                memory_kib,
                iterations,
                parallelism,
            } => {
                let asked = *self;
                if !(ARGON2_MIN_MEMORY_KIB..=ARGON2_MAX_MEMORY_KIB).contains(&memory_kib) {
                    return Err(KdfLimit::OutOfRange {
                        asked,
                        parameter: "memory (KiB)",
                        value: memory_kib as u64,
                        min: ARGON2_MIN_MEMORY_KIB as u64,
                        max: ARGON2_MAX_MEMORY_KIB as u64,
                    });
                }
                if !(ARGON2_MIN_ITERATIONS..=ARGON2_MAX_ITERATIONS).contains(&iterations) {
                    return Err(KdfLimit::OutOfRange {
                        asked,
                        parameter: "passes",
                        value: iterations as u64,
                        min: ARGON2_MIN_ITERATIONS as u64,
                        max: ARGON2_MAX_ITERATIONS as u64,
                    });
                }
                if !(1..=ARGON2_MAX_PARALLELISM).contains(&parallelism) {
                    return Err(KdfLimit::OutOfRange {
                        asked,
                        parameter: "lanes",
                        value: parallelism as u64,
                        min: 1,
                        max: ARGON2_MAX_PARALLELISM as u64,
                    });
                }
                let work = memory_kib as u64 * iterations as u64;
                if work > ARGON2_MAX_WORK_KIB {
                    return Err(KdfLimit::OutOfRange {
                        asked,
                        parameter: "memory × passes (KiB)",
                        value: work,
                        min: 0,
                        max: ARGON2_MAX_WORK_KIB,
                    });
                }
                Ok(())
            }
            Kdf::Pbkdf2Sha256 { iterations } => {
                if !(PBKDF2_MIN_ITERATIONS..=PBKDF2_MAX_ITERATIONS).contains(&iterations) {
                    return Err(KdfLimit::OutOfRange {
                        asked: *self,
                        parameter: "iterations",
                        value: iterations as u64,
                        min: PBKDF2_MIN_ITERATIONS as u64,
                        max: PBKDF2_MAX_ITERATIONS as u64,
                    });
                }
                Ok(())
            }
        }
    }

    /// Derives the 32-byte key-encryption key. Call [`Kdf::check`] first.
    /// Public so tools and tests can seal payloads with
    /// [`crate::store::format`] exactly as a store does.
    pub fn derive(&self, password: &Password, salt: &[u8]) -> Zeroizing<[u8; 32]> {
        let mut out = Zeroizing::new([0u8; 32]);
        match *self {
            Kdf::Argon2id {
                memory_kib,
                iterations,
                parallelism,
            } => {
                // Bounds were checked, so these cannot fail; fall back to a
                // key that opens nothing rather than panic if they ever do.
                if let Ok(params) =
                    argon2::Params::new(memory_kib, iterations, parallelism, Some(32))
                {
                    let a = argon2::Argon2::new(
                        argon2::Algorithm::Argon2id,
                        argon2::Version::V0x13,
                        params,
                    );
                    if a.hash_password_into(password.as_bytes(), salt, &mut out[..])
                        .is_err()
                    {
                        out.fill(0);
                    }
                }
            }
            Kdf::Pbkdf2Sha256 { iterations } => {
                let n = std::num::NonZeroU32::new(iterations.max(1))
                    .unwrap_or(std::num::NonZeroU32::MIN);
                ring::pbkdf2::derive(
                    ring::pbkdf2::PBKDF2_HMAC_SHA256,
                    n,
                    salt,
                    password.as_bytes(),
                    &mut out[..],
                );
            }
        }
        out
    }

    /// Short name for display and JSON.
    pub fn name(&self) -> &'static str {
        match self {
            Kdf::Argon2id { .. } => "argon2id",
            Kdf::Pbkdf2Sha256 { .. } => "pbkdf2-hmac-sha256",
        }
    }
}

impl fmt::Display for Kdf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Kdf::Argon2id {
                memory_kib,
                iterations,
                parallelism,
            } => write!(
                f,
                "Argon2id, {} KiB memory, {iterations} passes, {parallelism} lanes",
                memory_kib
            ),
            Kdf::Pbkdf2Sha256 { iterations } => {
                write!(f, "PBKDF2-HMAC-SHA256, {iterations} iterations")
            }
        }
    }
}
