//! The cryptography lint cannot skip, timed with the primitives lint uses
//! (ring, as rustls and webpki call it), for `benches/list_floor.sh`:
//! proving a P-256 key against its certificate (ring derives the public
//! key from the private one, SSL0209E) and validating a chain (one ECDSA
//! P-256 SHA-256 verification per certificate, SSL0208E). Prints the
//! best-of-RUNS cost of each on one core, in microseconds: "KEY VERIFY".
//!
//! `cargo run --release --example lint_crypto -- [RUNS]`

use std::time::Instant;

use ring::rand::SystemRandom;
use ring::signature::{self, EcdsaKeyPair, KeyPair};

fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .map_or(5, |s| s.parse().expect("RUNS"));
    const KEYS: usize = 500;
    let rng = SystemRandom::new();
    let alg = &signature::ECDSA_P256_SHA256_ASN1_SIGNING;
    let pkcs8: Vec<_> = (0..KEYS)
        .map(|_| EcdsaKeyPair::generate_pkcs8(alg, &rng).expect("key"))
        .collect();
    let message = b"a TBSCertificate stands here";
    let signed: Vec<(Vec<u8>, Vec<u8>)> = pkcs8
        .iter()
        .map(|d| {
            let kp = EcdsaKeyPair::from_pkcs8(alg, d.as_ref(), &rng).expect("key");
            let sig = kp.sign(&rng, message).expect("sign");
            (kp.public_key().as_ref().to_vec(), sig.as_ref().to_vec())
        })
        .collect();
    let (mut key, mut verify) = (f64::MAX, f64::MAX);
    for _ in 0..runs {
        let t = Instant::now();
        for d in &pkcs8 {
            let kp = EcdsaKeyPair::from_pkcs8(alg, d.as_ref(), &rng).expect("key");
            std::hint::black_box(kp.public_key().as_ref());
        }
        key = key.min(t.elapsed().as_secs_f64() / KEYS as f64);
        let t = Instant::now();
        for (public, sig) in &signed {
            signature::UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_ASN1, public)
                .verify(message, sig)
                .expect("verify");
        }
        verify = verify.min(t.elapsed().as_secs_f64() / KEYS as f64);
    }
    println!("{:.1} {:.1}", key * 1e6, verify * 1e6);
}
