//! `latchkey.jwt`'s native functions: key generation, `encode`, `decode`,
//! `get_unverified_header` and `mint_access_token`, with PyJWT's names and
//! argument order.
//!
//! Registered in `latchkey._latchkey` as `jwt_<name>` and re-exported under
//! their PyJWT names by `latchkey/jwt.py`. Each converts its arguments,
//! calls the toolkit (`latchkey_client::jwt`), and converts the result or
//! the typed error (`jwt_errors`).

use std::time::Duration;

use jiff::Timestamp;
use latchkey_client::jwt::{self, Algorithm, Header, KeyError};
use latchkey_client::key_cache::VerifyWith;
use latchkey_client::verify_options::{self, VerifyOptions, VerifyOptionsError};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDateTime, PyDict, PyString};
use serde_json::Value;

use crate::errors::new_error;
use crate::jwt_errors::{key_error, sign_error, verify_error};
use crate::jwt_json;
use crate::jwt_keys::{self, KeyPair};

/// Registers the functions and the `KeyPair` class on `module`.
pub fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<KeyPair>()?;
    module.add_function(wrap_pyfunction!(jwt_generate_key_pair, module)?)?;
    module.add_function(wrap_pyfunction!(jwt_encode, module)?)?;
    module.add_function(wrap_pyfunction!(jwt_decode, module)?)?;
    module.add_function(wrap_pyfunction!(jwt_get_unverified_header, module)?)?;
    module.add_function(wrap_pyfunction!(jwt_mint_access_token, module)?)?;
    module.add_function(wrap_pyfunction!(jwt_public_jwk, module)?)?;
    module.add_function(wrap_pyfunction!(jwt_thumbprint, module)?)?;
    module.add_function(wrap_pyfunction!(jwt_sign_raw, module)?)?;
    module.add_function(wrap_pyfunction!(jwt_verify_raw, module)?)?;
    Ok(())
}

/// The exception for options that cannot make a policy: an unknown or
/// missing algorithm is `InvalidAlgorithmError` (the one rule of every SDK),
/// a bad number of seconds a `ValueError`.
fn options_error(py: Python<'_>, error: &VerifyOptionsError) -> PyErr {
    match error {
        VerifyOptionsError::UnknownAlgorithm { .. } | VerifyOptionsError::NoAlgorithms => {
            new_error(py, "InvalidAlgorithmError", (error.to_string(),))
        }
        _ => PyValueError::new_err(error.to_string()),
    }
}

/// An algorithm name this toolkit implements, or `InvalidAlgorithmError`.
fn algorithm(py: Python<'_>, name: &str) -> PyResult<Algorithm> {
    verify_options::algorithm(name).map_err(|error| options_error(py, &error))
}

/// Generates a key pair for `algorithm` (RSA: `rsa_bits`, 2048 by default).
#[pyfunction]
#[pyo3(signature = (algorithm, *, rsa_bits = 2048))]
fn jwt_generate_key_pair(py: Python<'_>, algorithm: String, rsa_bits: usize) -> PyResult<KeyPair> {
    let algorithm = self::algorithm(py, &algorithm)?;
    // Key generation takes from ~50 µs (Ed25519) to ~100 ms (RSA 2048):
    // other threads run meanwhile.
    py.detach(|| jwt_keys::generate(algorithm, rsa_bits))
        .map(KeyPair::new)
        .map_err(|e| key_error(py, &e))
}

/// The time claims PyJWT accepts as `datetime` and encodes as seconds.
const TIME_CLAIMS: [&str; 3] = ["exp", "iat", "nbf"];

/// The claims to sign: `payload` as a JSON object, with `datetime` values
/// of `exp`, `iat` and `nbf` turned into whole seconds (as PyJWT does).
fn claims(py: Python<'_>, payload: &Bound<'_, PyAny>) -> PyResult<Value> {
    let Ok(dict) = payload.cast::<PyDict>() else {
        if payload.cast::<pyo3::types::PyMapping>().is_ok() {
            return jwt_json::to_value(payload);
        }
        return Err(PyTypeError::new_err(
            "Expecting a dict object, as JWT only supports JSON objects as payloads.",
        ));
    };
    let mut with_dates: Option<Bound<'_, PyDict>> = None;
    for name in TIME_CLAIMS {
        if let Some(value) = dict.get_item(name)?
            && value.is_instance_of::<PyDateTime>()
        {
            let copy = match &with_dates {
                Some(copy) => copy.clone(),
                None => dict.copy()?,
            };
            copy.set_item(name, seconds_of(py, &value)?)?;
            with_dates = Some(copy);
        }
    }
    jwt_json::to_value(with_dates.as_ref().map_or(payload, |d| d.as_any()))
}

/// `calendar.timegm(value.utctimetuple())`: PyJWT's conversion (a naive
/// datetime counts as UTC).
fn seconds_of(py: Python<'_>, value: &Bound<'_, PyAny>) -> PyResult<i64> {
    static TIMEGM: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let timegm = TIMEGM.get_or_try_init(py, || {
        Ok::<_, PyErr>(py.import("calendar")?.getattr("timegm")?.unbind())
    })?;
    timegm
        .call1(py, (value.call_method0("utctimetuple")?,))?
        .extract(py)
}

/// The JOSE header: `headers` (its `alg` preferred to `algorithm`, as in
/// PyJWT), else `algorithm`, else the key's own algorithm.
fn header(
    py: Python<'_>,
    key: &jwt::SigningKey,
    algorithm: Option<&str>,
    headers: Option<&Bound<'_, PyAny>>,
) -> PyResult<Header> {
    let mut extra = match headers {
        Some(headers) if !headers.is_none() => jwt_json::to_map(headers)?,
        _ => serde_json::Map::new(),
    };
    let alg = match extra.remove("alg") {
        Some(Value::String(name)) => self::algorithm(py, &name)?,
        Some(Value::Null) | None => match algorithm {
            Some(name) => self::algorithm(py, name)?,
            None => key.algorithm(),
        },
        Some(_) => return Err(PyTypeError::new_err("the alg header must be a str")),
    };
    let mut header = Header::new(alg);
    match extra.remove("kid") {
        Some(Value::String(kid)) => header.kid = Some(kid),
        Some(Value::Null) | None => {}
        Some(_) => {
            return Err(new_error(
                py,
                "InvalidTokenError",
                ("Key ID header parameter must be a string",),
            ));
        }
    }
    // PyJWT: a `typ` of "" or None leaves the member out.
    match extra.remove("typ") {
        None => {}
        Some(Value::Null) => header.typ = None,
        Some(Value::String(typ)) if typ.is_empty() => header.typ = None,
        Some(Value::String(typ)) => header.typ = Some(typ),
        Some(_) => return Err(PyTypeError::new_err("the typ header must be a str")),
    }
    header.extra = extra;
    Ok(header)
}

/// Signs `payload` (a dict of claims, signed exactly as given: nothing is
/// validated, expired claims included) with `key` and returns the compact
/// token.
#[pyfunction]
#[pyo3(signature = (payload, key, algorithm = None, headers = None))]
fn jwt_encode(
    py: Python<'_>,
    payload: &Bound<'_, PyAny>,
    key: &Bound<'_, PyAny>,
    algorithm: Option<String>,
    headers: Option<&Bound<'_, PyAny>>,
) -> PyResult<String> {
    let claims = claims(py, payload)?;
    let key = jwt_keys::signing_key(py, key)?;
    let header = header(py, &key, algorithm.as_deref(), headers)?;
    if !header.alg.fits(key.key_type()) {
        return Err(key_error(
            py,
            &KeyError::AlgorithmDoesNotFitKey {
                algorithm: header.alg,
            },
        ));
    }
    crypto(py, || jwt::sign(&claims, &key, &header)).map_err(|e| sign_error(py, &e))
}

/// Runs a signature or verification without the GIL, so that threads
/// verifying tokens (a threaded web server) use every core.
///
/// Decided from figures: the smallest operation detached is an Ed25519
/// signature (~20 µs of CPU on this machine; RS256 verification ~35 µs,
/// ES256 verification ~100 µs), and releasing and re-taking an uncontended
/// GIL costs well under a microsecond. A/B release wheels with and without
/// the detach, one thread, operations per CPU-second (best of 4 rounds, two
/// alternating runs each, on a loaded 2-core machine): EdDSA decode 14.9k /
/// 14.7k with vs 13.6k / 13.3k without, EdDSA encode 54.6k / 47.9k vs
/// 39.8k / 35.2k, ES256 decode 8.7k / 10.1k vs 9.5k / 8.7k, RS256 decode
/// 29.2k / 28.7k vs 32.0k / 26.7k: the cost of detaching is inside the
/// noise for every algorithm. Operations without crypto (the header read,
/// thumbprints, JWK export, access-key parsing: a few µs at most) keep the
/// GIL: there, detaching would be a visible share of the call.
fn crypto<T, F>(py: Python<'_>, work: F) -> T
where
    T: pyo3::marker::Ungil,
    F: pyo3::marker::Ungil + FnOnce() -> T,
{
    py.detach(work)
}

/// A duration argument: seconds as a number, or a `timedelta`.
fn seconds(py: Python<'_>, value: &Bound<'_, PyAny>, name: &str) -> PyResult<Duration> {
    let seconds: f64 = match value.extract::<f64>() {
        Ok(seconds) => seconds,
        Err(_) => value
            .call_method0("total_seconds")
            .and_then(|s| s.extract())
            .map_err(|_| {
                PyTypeError::new_err(format!("{name} must be a number of seconds or a timedelta"))
            })?,
    };
    verify_options::seconds(name, seconds).map_err(|error| options_error(py, &error))
}

/// `now`: seconds since the epoch, or an aware `datetime`.
fn timestamp(py: Python<'_>, value: &Bound<'_, PyAny>) -> PyResult<Timestamp> {
    let seconds: f64 = match value.extract::<f64>() {
        Ok(seconds) => seconds,
        Err(_) if value.is_instance_of::<PyDateTime>() => {
            value.call_method0("timestamp")?.extract()?
        }
        Err(_) => {
            return Err(PyTypeError::new_err(
                "now must be seconds since the epoch (int or float) or a datetime",
            ));
        }
    };
    verify_options::epoch_seconds("now", seconds).map_err(|error| options_error(py, &error))
}

/// Strings from a `str` (one) or an iterable of `str`.
fn one_or_many(value: &Bound<'_, PyAny>, name: &str) -> PyResult<Vec<String>> {
    if let Ok(text) = value.cast::<PyString>() {
        return Ok(vec![text.to_cow()?.into_owned()]);
    }
    value
        .try_iter()
        .and_then(|items| items.map(|item| item?.extract::<String>()).collect())
        .map_err(|_| PyTypeError::new_err(format!("{name} must be a str or an iterable of str")))
}

/// PyJWT's `options`: `require` (claims that must be present) and the
/// `verify_*` switches, which may only be on: this toolkit always checks
/// the signature and every claim present. Unknown names are refused, so a
/// misspelt option does not pass silently.
fn apply_options(verify: &mut VerifyOptions, options: &Bound<'_, PyAny>) -> PyResult<()> {
    let options = options
        .cast::<PyDict>()
        .map_err(|_| PyTypeError::new_err("options must be a dict"))?;
    for (name, value) in options.iter() {
        let name: String = name.extract()?;
        match name.as_str() {
            "require" => {
                let claims: Vec<String> = value.extract().map_err(|_| {
                    PyTypeError::new_err("options['require'] must be a list of claim names")
                })?;
                verify.required_claims.extend(claims);
            }
            "verify_signature" | "verify_exp" | "verify_nbf" | "verify_iat" | "verify_aud"
            | "verify_iss" | "verify_sub" | "verify_jti" => {
                if !value.is_truthy()? {
                    return Err(PyValueError::new_err(format!(
                        "options[{name:?}] = False is not supported: latchkey.jwt always verifies the signature and every claim present"
                    )));
                }
            }
            // RSA keys under 2048 bits are always refused.
            "enforce_minimum_key_length" => {}
            _ => {
                return Err(PyValueError::new_err(format!(
                    "unknown option {name:?} (supported: require, verify_*, enforce_minimum_key_length)"
                )));
            }
        }
    }
    Ok(())
}

/// The verification policy from `decode`'s arguments.
#[allow(clippy::too_many_arguments)]
fn policy(
    py: Python<'_>,
    algorithms: Option<&Bound<'_, PyAny>>,
    options: Option<&Bound<'_, PyAny>>,
    audience: Option<&Bound<'_, PyAny>>,
    issuer: Option<String>,
    subject: Option<String>,
    leeway: Option<&Bound<'_, PyAny>>,
    max_lifetime: Option<&Bound<'_, PyAny>>,
) -> PyResult<jwt::VerificationPolicy> {
    let Some(algorithms) = algorithms.filter(|a| !a.is_none()) else {
        return Err(new_error(
            py,
            "DecodeError",
            (
                "It is required that you pass in a value for the \"algorithms\" argument when calling decode().",
            ),
        ));
    };
    if algorithms.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err(
            "algorithms must be a list of names, e.g. [\"EdDSA\"], not a str",
        ));
    }
    let mut verify = VerifyOptions::new(one_or_many(algorithms, "algorithms")?);
    if let Some(audience) = audience.filter(|a| !a.is_none()) {
        verify.audiences = one_or_many(audience, "audience")?;
    }
    verify.issuer = issuer;
    verify.subject = subject;
    if let Some(leeway) = leeway {
        verify.leeway = Some(seconds(py, leeway, "leeway")?);
    }
    if let Some(max_lifetime) = max_lifetime.filter(|m| !m.is_none()) {
        verify.max_lifetime = Some(seconds(py, max_lifetime, "max_lifetime")?);
    }
    if let Some(options) = options.filter(|o| !o.is_none()) {
        apply_options(&mut verify, options)?;
    }
    // One rule for every SDK: an unknown name (`HS256`, `none`, `eddsa`) is
    // refused, never dropped.
    verify.policy().map_err(|error| options_error(py, &error))
}

/// The token as text (PyJWT accepts `str` and `bytes`).
fn token_text(py: Python<'_>, token: &Bound<'_, PyAny>) -> PyResult<String> {
    if let Ok(text) = token.cast::<PyString>() {
        return Ok(text.to_cow()?.into_owned());
    }
    if let Ok(bytes) = token.cast::<pyo3::types::PyBytes>() {
        return String::from_utf8(bytes.as_bytes().to_vec())
            .map_err(|_| new_error(py, "DecodeError", ("Invalid token type: not UTF-8",)));
    }
    Err(new_error(
        py,
        "DecodeError",
        ("Invalid token type. Token must be a <class 'bytes'>",),
    ))
}

/// Verifies `jwt` with `key` and returns its claims.
#[pyfunction]
#[pyo3(signature = (
    jwt, key, algorithms = None, options = None, *,
    audience = None, issuer = None, subject = None, leeway = None, now = None, max_lifetime = None
))]
#[allow(clippy::too_many_arguments)]
fn jwt_decode<'py>(
    py: Python<'py>,
    jwt: &Bound<'py, PyAny>,
    key: &Bound<'py, PyAny>,
    algorithms: Option<&Bound<'py, PyAny>>,
    options: Option<&Bound<'py, PyAny>>,
    audience: Option<&Bound<'py, PyAny>>,
    issuer: Option<String>,
    subject: Option<String>,
    leeway: Option<&Bound<'py, PyAny>>,
    now: Option<&Bound<'py, PyAny>>,
    max_lifetime: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let token = token_text(py, jwt)?;
    let policy = policy(
        py,
        algorithms,
        options,
        audience,
        issuer,
        subject,
        leeway,
        max_lifetime,
    )?;
    let now = match now.filter(|n| !n.is_none()) {
        Some(now) => Some(timestamp(py, now)?),
        None => None,
    };
    let keys = jwt_keys::verifying_keys(py, key)?;
    let verified = crypto(py, || jwt::verify(&token, keys.keys(), &policy, now))
        .map_err(|e| verify_error(py, &e))?;
    jwt_json::map_to_dict(py, &verified.claims)
}

/// The token's header, decoded but not verified (PyJWT's
/// `get_unverified_header`).
#[pyfunction]
fn jwt_get_unverified_header<'py>(
    py: Python<'py>,
    jwt: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyDict>> {
    let token = token_text(py, jwt)?;
    let header = jwt::unverified_header(&token).map_err(|e| verify_error(py, &e))?;
    jwt_json::map_to_dict(py, &header)
}

/// The access token the server expects from application `application_id`
/// signing with its registered JWT key `key_id`: `iss` = `sub` =
/// `application_id`, `aud` = `audience`, `iat` = `now` (the clock when not
/// given), `exp` = `iat` + `lifetime` (1 to 3600 seconds), a fresh `jti`,
/// and `kid` = `key_id` in the header.
#[pyfunction]
#[pyo3(signature = (key, *, application_id, key_id, audience, lifetime = None, now = None))]
fn jwt_mint_access_token(
    py: Python<'_>,
    key: &Bound<'_, PyAny>,
    application_id: String,
    key_id: String,
    audience: String,
    lifetime: Option<&Bound<'_, PyAny>>,
    now: Option<&Bound<'_, PyAny>>,
) -> PyResult<String> {
    let key = jwt_keys::signing_key(py, key)?;
    let lifetime = match lifetime.filter(|l| !l.is_none()) {
        Some(lifetime) => seconds(py, lifetime, "lifetime")?,
        None => latchkey_client::DEFAULT_TOKEN_LIFETIME,
    };
    let at = match now.filter(|n| !n.is_none()) {
        Some(now) => timestamp(py, now)?,
        None => Timestamp::now(),
    };
    crypto(py, || {
        jwt::mint_access_token_at(&application_id, &key_id, &audience, lifetime, &key, at)
    })
    .map_err(|e| sign_error(py, &e))
}

/// The one public key of `key` (any form `decode` accepts but a key set).
fn single_key(py: Python<'_>, key: &Bound<'_, PyAny>) -> PyResult<jwt::VerifyingKey> {
    match jwt_keys::verifying_keys(py, key)? {
        VerifyWith::One(key) => Ok(key),
        VerifyWith::Set(_) => Err(new_error(
            py,
            "InvalidKeyError",
            ("a key set was given where one key is expected",),
        )),
    }
}

/// The public JWK of `key` (PEM, JWK or KeyPair; a private key gives its
/// public half).
#[pyfunction]
fn jwt_public_jwk<'py>(py: Python<'py>, key: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyDict>> {
    jwt_json::map_to_dict(py, &single_key(py, key)?.to_jwk())
}

/// The RFC 7638 SHA-256 thumbprint (unpadded base64url) of `key`'s public
/// key.
#[pyfunction]
fn jwt_thumbprint(py: Python<'_>, key: &Bound<'_, PyAny>) -> PyResult<String> {
    Ok(single_key(py, key)?.thumbprint())
}

/// The bytes of a `str` (UTF-8) or `bytes` argument.
fn message_bytes(value: &Bound<'_, PyAny>, name: &str) -> PyResult<Vec<u8>> {
    if let Ok(text) = value.cast::<PyString>() {
        return Ok(text.to_cow()?.as_bytes().to_vec());
    }
    value
        .extract::<Vec<u8>>()
        .map_err(|_| PyTypeError::new_err(format!("{name} must be str or bytes")))
}

/// The JWS layer alone: the raw signature of `signing_input` (the first
/// two segments and their dot) with `key` under `algorithm`.
#[pyfunction]
fn jwt_sign_raw<'py>(
    py: Python<'py>,
    signing_input: &Bound<'py, PyAny>,
    key: &Bound<'py, PyAny>,
    algorithm: String,
) -> PyResult<Bound<'py, pyo3::types::PyBytes>> {
    let message = message_bytes(signing_input, "signing_input")?;
    let key = jwt_keys::signing_key(py, key)?;
    let algorithm = self::algorithm(py, &algorithm)?;
    let signature =
        crypto(py, || jwt::sign_raw(&message, &key, algorithm)).map_err(|e| sign_error(py, &e))?;
    Ok(pyo3::types::PyBytes::new(py, &signature))
}

/// The JWS layer alone: checks `signature` over `signing_input` with `key`
/// under `algorithm`; `InvalidSignatureError` when it does not verify. No
/// header or claim is looked at.
#[pyfunction]
fn jwt_verify_raw(
    py: Python<'_>,
    signing_input: &Bound<'_, PyAny>,
    signature: &Bound<'_, PyAny>,
    key: &Bound<'_, PyAny>,
    algorithm: String,
) -> PyResult<()> {
    let message = message_bytes(signing_input, "signing_input")?;
    let signature: Vec<u8> = signature
        .extract()
        .map_err(|_| PyTypeError::new_err("signature must be bytes"))?;
    let key = single_key(py, key)?;
    let algorithm = self::algorithm(py, &algorithm)?;
    crypto(py, || {
        jwt::verify_raw(&message, &signature, &key, algorithm)
    })
    .map_err(|e| verify_error(py, &e))
}
