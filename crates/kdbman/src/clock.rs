//! Time and randomness: the two things every layer needs from the system.

use ring::rand::{SecureRandom, SystemRandom};

/// Unix seconds now (0 if the clock is before 1970).
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// `N` random bytes from the operating system.
pub fn random<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    fill_random(&mut b);
    b
}

/// Fills `buf` from the operating system's random number generator.
pub fn fill_random(buf: &mut [u8]) {
    // The system RNG failing is not recoverable; ring reports it, and an
    // all-zero value would be unsafe, so abort loudly.
    SystemRandom::new()
        .fill(buf)
        .expect("the operating system's random number generator failed");
}
