//! JWT toolkit benchmarks: sign and verify per algorithm with reusable keys,
//! next to aws-lc's raw signature verification of the same signature (with a
//! parsed key, and with a key parsed on every call as `jsonwebtoken` does).
//!
//! Run with `cargo bench -p latchkey-core --bench jwt`.
//!
//! Measured on the 2-core build machine (one core per benchmark, Nov 2026),
//! full verification = decode + header/claims checks + signature:
//!
//! | algorithm  | verify (toolkit) | raw aws-lc verify (parsed key) | mint (sign) |
//! |------------|------------------|--------------------------------|-------------|
//! | EdDSA      | 20,700/s         | 21,400/s                       | 68,000/s    |
//! | ES256      | 15,300/s         | 16,300/s                       | 41,800/s    |
//! | ES384      |  4,100/s         |  4,000/s                       |  8,300/s    |
//! | RS256-2048 | 43,200/s         | 48,300/s                       |  1,380/s    |
//! | PS256-2048 | 31,900/s         | 36,500/s                       |  1,180/s    |
//! | RS256-4096 | 10,800/s         | 13,400/s                       |    215/s    |

use std::hint::black_box;
use std::time::Duration;

use aws_lc_rs::signature::{
    self as sig, ParsedPublicKey, UnparsedPublicKey, VerificationAlgorithm,
};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use jiff::Timestamp;
use latchkey_core::jwt::{
    self, Algorithm, RsaKeySize, SigningKey, VerificationPolicy, VerifyingKey,
};

const AUDIENCE: &str = "https://latchkey.bench";
const APPLICATION: &str = "app_0123456789";

struct Case {
    label: &'static str,
    key: SigningKey,
    public: VerifyingKey,
    raw_algorithm: &'static dyn VerificationAlgorithm,
    token: String,
    signing_input: Vec<u8>,
    signature: Vec<u8>,
}

fn raw_algorithm(alg: Algorithm) -> &'static dyn VerificationAlgorithm {
    match alg {
        Algorithm::EdDSA | Algorithm::Ed25519 => &sig::ED25519,
        Algorithm::ES256 => &sig::ECDSA_P256_SHA256_FIXED,
        Algorithm::ES384 => &sig::ECDSA_P384_SHA384_FIXED,
        Algorithm::RS256 => &sig::RSA_PKCS1_2048_8192_SHA256,
        Algorithm::RS384 => &sig::RSA_PKCS1_2048_8192_SHA384,
        Algorithm::RS512 => &sig::RSA_PKCS1_2048_8192_SHA512,
        Algorithm::PS256 => &sig::RSA_PSS_2048_8192_SHA256,
        Algorithm::PS384 => &sig::RSA_PSS_2048_8192_SHA384,
        Algorithm::PS512 => &sig::RSA_PSS_2048_8192_SHA512,
    }
}

fn cases(now: Timestamp) -> Vec<Case> {
    let specs = [
        ("EdDSA", Algorithm::EdDSA, RsaKeySize::Bits2048),
        ("ES256", Algorithm::ES256, RsaKeySize::Bits2048),
        ("ES384", Algorithm::ES384, RsaKeySize::Bits2048),
        ("RS256-2048", Algorithm::RS256, RsaKeySize::Bits2048),
        ("PS256-2048", Algorithm::PS256, RsaKeySize::Bits2048),
        ("RS256-4096", Algorithm::RS256, RsaKeySize::Bits4096),
    ];
    specs
        .into_iter()
        .map(|(label, alg, size)| {
            let key = SigningKey::generate_with_rsa_size(alg, size).expect("generate");
            let public = key.verifying_key().clone().with_kid("key_bench");
            let token = jwt::mint_access_token_at(
                APPLICATION,
                "key_bench",
                AUDIENCE,
                Duration::from_secs(900),
                &key,
                now,
            )
            .expect("mint");
            let (signing_input, signature) = token.rsplit_once('.').expect("three segments");
            use base64::Engine as _;
            let signature = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(signature)
                .expect("signature");
            Case {
                label,
                raw_algorithm: raw_algorithm(alg),
                signing_input: signing_input.as_bytes().to_vec(),
                signature,
                token,
                key,
                public,
            }
        })
        .collect()
}

fn benches(c: &mut Criterion) {
    let now = Timestamp::now();
    let cases = cases(now);

    let mut verify = c.benchmark_group("verify");
    verify.throughput(Throughput::Elements(1));
    for case in &cases {
        let policy =
            VerificationPolicy::for_access_tokens(Algorithm::CONTRACT, AUDIENCE, APPLICATION)
                .expect("policy");
        verify.bench_function(BenchmarkId::new("toolkit", case.label), |b| {
            b.iter(|| {
                jwt::verify(black_box(&case.token), &case.public, &policy, Some(now))
                    .expect("valid")
            })
        });
        let spki = case.public.to_spki_der();
        let parsed = ParsedPublicKey::new(case.raw_algorithm, &spki).expect("parse");
        verify.bench_function(BenchmarkId::new("raw_parsed", case.label), |b| {
            b.iter(|| {
                parsed
                    .verify_sig(black_box(&case.signing_input), black_box(&case.signature))
                    .expect("valid")
            })
        });
        let unparsed = UnparsedPublicKey::new(case.raw_algorithm, &spki);
        verify.bench_function(
            BenchmarkId::new("raw_reparsed_each_call", case.label),
            |b| {
                b.iter(|| {
                    unparsed
                        .verify(black_box(&case.signing_input), black_box(&case.signature))
                        .expect("valid")
                })
            },
        );
    }
    verify.finish();

    let mut sign = c.benchmark_group("sign");
    sign.throughput(Throughput::Elements(1));
    for case in &cases {
        sign.bench_function(BenchmarkId::new("toolkit_mint", case.label), |b| {
            b.iter(|| {
                jwt::mint_access_token_at(
                    APPLICATION,
                    "key_bench",
                    AUDIENCE,
                    Duration::from_secs(900),
                    black_box(&case.key),
                    now,
                )
                .expect("mint")
            })
        });
        sign.bench_function(BenchmarkId::new("signature_only", case.label), |b| {
            b.iter(|| {
                jwt::sign_raw(
                    black_box(&case.signing_input),
                    &case.key,
                    case.key.algorithm(),
                )
                .expect("sign")
            })
        });
    }
    sign.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = jwt_benches;
    config = config();
    targets = benches
}
criterion_main!(jwt_benches);
