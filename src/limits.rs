//! The most work any parser does for bytes from outside: key derivations
//! asking for more are refused before they run, whatever format carries
//! them (kdbman stores, CMS keys, PKCS#12, encrypted PEM keys).

/// PBKDF2 iterations.
pub const PBKDF2_MAX_ITERATIONS: u32 = 5_000_000;
/// Memory of a memory-hard KDF (Argon2id, scrypt), in KiB.
pub const KDF_MAX_MEMORY_KIB: u32 = 256 * 1024;
