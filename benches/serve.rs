//! Benchmark of `kdbman serve` (filled in below).
fn main() {}
