//! The native store's magic and version, the bit distance that tells a
//! damaged magic from a foreign file, and the magic checks of the native
//! and PKCS#12 codecs (CMS has its own in `cms::container`). Detection ([`super::detect`]) and
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

/// kdbman's magic, one a few bit flips away (damage: no format kdbman
/// recognises starts within 4 bits of it), or a file cut inside it.
pub(crate) fn looks_native(b: &[u8]) -> bool {
    let magic = &NATIVE_MAGIC;
    if b.len() < magic.len() {
        return !b.is_empty() && magic.starts_with(b);
    }
    bit_distance(&b[..magic.len()], magic) <= 4
}

/// A PFX is a DER SEQUENCE whose first element is INTEGER 3.
pub(crate) fn looks_pkcs12(b: &[u8]) -> bool {
    if b.first() != Some(&0x30) || b.len() < 6 {
        return false;
    }
    let len_octets = match b[1] {
        n if n < 0x80 => 0,
        n @ 0x81..=0x84 => (n & 0x7f) as usize,
        _ => return false,
    };
    b.get(2 + len_octets..2 + len_octets + 3) == Some(&[0x02, 0x01, 0x03])
}
