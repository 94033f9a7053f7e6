//! Access-key costs: parsing (target: under 1 µs), generation, the secret's
//! SHA-256 digest (made at creation, checked at each cold use), and
//! argon2id at the OWASP minimum (legacy records' one verification, and
//! user passwords).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use latchkey_core::access_key;
use latchkey_core::argon2id::{HashParams, hash_argon2id, verify_argon2id};
use latchkey_core::secret_hash::{SecretHash, verify_secret};

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
    let secret = access_key::parse(KEY).unwrap().secret();
    let digest = SecretHash::digest(secret);
    assert!(verify_secret(secret, &digest));
    let mut group = c.benchmark_group("secret_hash");
    group.bench_function("digest_sha256", |b| {
        b.iter(|| SecretHash::digest(black_box(secret)))
    });
    group.bench_function("verify_sha256", |b| {
        b.iter(|| verify_secret(black_box(secret), black_box(&digest)))
    });
    group.finish();

    let params = HashParams::default();
    let hash = hash_argon2id(secret, &params).unwrap();
    assert!(verify_argon2id(secret, &hash));
    let mut group = c.benchmark_group("argon2id");
    group.sample_size(20);
    group.bench_function("hash_m19456_t2_p1", |b| {
        b.iter(|| hash_argon2id(black_box(secret), &params))
    });
    group.bench_function("verify_m19456_t2_p1", |b| {
        b.iter(|| verify_argon2id(black_box(secret), black_box(&hash)))
    });
    group.finish();
}

criterion_group!(benches, format, hashing);
criterion_main!(benches);
