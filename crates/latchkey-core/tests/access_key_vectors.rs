//! The shared access-key vectors (`tests/vectors/access_keys.json`): every
//! valid key parses into exactly its listed parts, every invalid string fails
//! with its listed category.

use std::path::PathBuf;

use latchkey_core::access_key::{self, AccessKeyFormatError};
use serde::Deserialize;

#[derive(Deserialize)]
struct Vectors {
    valid: Vec<ValidCase>,
    invalid: Vec<InvalidCase>,
}

#[derive(Deserialize)]
struct ValidCase {
    name: String,
    key: String,
    parsed: Parts,
}

#[derive(Deserialize, Debug, PartialEq)]
struct Parts {
    key_id: String,
    secret: String,
    checksum: String,
    key_prefix: String,
}

#[derive(Deserialize)]
struct InvalidCase {
    name: String,
    key: String,
    category: String,
}

fn load() -> Vectors {
    let path: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "..",
        "..",
        "tests",
        "vectors",
        "access_keys.json",
    ]
    .iter()
    .collect();
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("cannot parse {}: {e}", path.display()))
}

#[test]
fn access_key_vectors() {
    let vectors = load();
    // Guard against an empty or truncated file passing vacuously.
    assert!(!vectors.valid.is_empty(), "no valid cases");
    for category in AccessKeyFormatError::ALL.map(|e| e.category()) {
        let cases = vectors
            .invalid
            .iter()
            .filter(|c| c.category == category)
            .count();
        assert!(cases > 0, "no invalid case for {category}");
    }

    let mut failures = Vec::new();
    for case in &vectors.valid {
        match access_key::parse(&case.key) {
            Ok(parsed) => {
                let got = Parts {
                    key_id: parsed.key_id().to_owned(),
                    secret: parsed.secret().to_owned(),
                    checksum: parsed.checksum().to_owned(),
                    key_prefix: parsed.key_prefix().to_owned(),
                };
                if got != case.parsed {
                    failures.push(format!(
                        "valid/{}: parsed {got:?}, expected {:?}",
                        case.name, case.parsed
                    ));
                }
            }
            Err(e) => failures.push(format!("valid/{}: refused as {}", case.name, e.category())),
        }
    }
    for case in &vectors.invalid {
        let known = AccessKeyFormatError::ALL
            .iter()
            .any(|e| e.category() == case.category);
        if !known {
            failures.push(format!(
                "invalid/{}: unknown category {}",
                case.name, case.category
            ));
        }
        match access_key::parse(&case.key) {
            Ok(_) => failures.push(format!(
                "invalid/{}: accepted, expected {}",
                case.name, case.category
            )),
            Err(e) if e.category() != case.category => failures.push(format!(
                "invalid/{}: {}, expected {}",
                case.name,
                e.category(),
                case.category
            )),
            Err(_) => {}
        }
    }
    assert!(
        failures.is_empty(),
        "{} failing case(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}
