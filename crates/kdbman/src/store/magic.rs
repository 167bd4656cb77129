//! The native store's magic and version, and the bit distance that tells
//! a damaged magic from a foreign file. Detection ([`super::detect`]) and
//! the native codec ([`super::native::format`]) both use this module; it
//! uses neither, so the codec's use of detection (to name a foreign file in
//! its error) makes no circle.

/// The first eight bytes of a kdbman store.
pub const NATIVE_MAGIC: [u8; 8] = *b"\x89KDBMAN\n";
/// The container version this build writes.
pub const NATIVE_VERSION: u16 = 1;

/// How many bits differ between `a` and `b` (over the shorter length).
pub(crate) fn bit_distance(a: &[u8], b: &[u8]) -> u32 {
    a.iter().zip(b).map(|(x, y)| (x ^ y).count_ones()).sum()
}
