//! Access-key costs: parsing (target: under 1 µs), generation, and argon2id
//! hashing and verification of the secret at the OWASP minimum.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use latchkey_core::access_key;
use latchkey_core::secret_hash::{self, HashParams};

const KEY: &str = "ak_xSZ9I4IcmbDpxoGtsBDgn8afiRdZtfTmwYn9hMyagA7yMJFbDVy4oaSUJEgFwsLUg3UsVZV";
const KEY_ID: &str = "xSZ9I4IcmbDpxoGtsBDgn8";

fn format(c: &mut Criterion) {
    c.bench_function("access_key/parse", |b| {
        b.iter(|| access_key::parse(black_box(KEY)).map(|k| k.key_id().len()))
    });
    c.bench_function("access_key/generate", |b| {
        b.iter(|| access_key::generate(black_box(KEY_ID)).map(|k| k.key().len()))
    });
}

fn hashing(c: &mut Criterion) {
    let params = HashParams::default();
    let secret = access_key::parse(KEY).unwrap().secret();
    let hash = secret_hash::hash_secret(secret, &params).unwrap();
    assert!(secret_hash::verify_secret(secret, &hash));

    let mut group = c.benchmark_group("secret_hash");
    group.sample_size(20);
    group.bench_function("hash_argon2id_m19456_t2_p1", |b| {
        b.iter(|| secret_hash::hash_secret(black_box(secret), &params))
    });
    group.bench_function("verify_argon2id_m19456_t2_p1", |b| {
        b.iter(|| secret_hash::verify_secret(black_box(secret), black_box(&hash)))
    });
    group.finish();
}

criterion_group!(benches, format, hashing);
criterion_main!(benches);
