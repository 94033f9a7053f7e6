"""`latchkey.jwt` behaviour: key forms, PyJWT's defaults and argument
handling, and one documented exception class per fault."""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
import threading
import time
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

import latchkey
from latchkey import jwt

AUD = "https://latchkey.test"
NOW = 1_767_225_600


@pytest.fixture(scope="module")
def ed() -> jwt.KeyPair:
    return jwt.generate_key_pair("EdDSA")


@pytest.fixture(scope="module")
def p256() -> jwt.KeyPair:
    return jwt.generate_key_pair("ES256")


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def forge(header: dict[str, Any], claims: dict[str, Any], signature: bytes = b"") -> str:
    head = b64(json.dumps(header).encode())
    body = b64(json.dumps(claims).encode())
    return f"{head}.{body}.{b64(signature)}"


# --- key pairs ---------------------------------------------------------------


@pytest.mark.parametrize("algorithm", ["EdDSA", "Ed25519", "ES256", "ES384", "RS256", "PS256"])
def test_generated_pairs_export_pem_jwk_and_thumbprint(algorithm: str) -> None:
    pair = jwt.generate_key_pair(algorithm)
    assert pair.algorithm == algorithm
    assert pair.private_pem.startswith("-----BEGIN PRIVATE KEY-----\n")
    assert pair.public_pem.startswith("-----BEGIN PUBLIC KEY-----\n")
    assert isinstance(pair.public_jwk, dict) and pair.public_jwk["alg"] == algorithm
    assert "d" not in pair.public_jwk and "d" in pair.private_jwk
    assert jwt.thumbprint(pair.public_jwk) == pair.thumbprint == jwt.thumbprint(pair.private_pem)
    shown = repr(pair)
    assert pair.thumbprint in shown
    assert pair.private_jwk["d"] not in shown and "PRIVATE" not in shown


def test_public_jwk_is_a_fresh_dict(ed: jwt.KeyPair) -> None:
    ed.public_jwk["x"] = "changed"
    assert ed.public_jwk["x"] != "changed"


def test_rsa_sizes_and_unknown_algorithms() -> None:
    assert jwt.public_jwk(jwt.generate_key_pair("RS256", rsa_bits=3072))["n"].__len__() == 512
    with pytest.raises(latchkey.InvalidKeyError):
        jwt.generate_key_pair("RS256", rsa_bits=1024)
    for name in ("HS256", "none", "ES512", "eddsa"):
        with pytest.raises(latchkey.InvalidAlgorithmError):
            jwt.generate_key_pair(name)


# --- encode --------------------------------------------------------------------


def test_encode_signs_claims_as_given_expired_included(ed: jwt.KeyPair) -> None:
    claims = {"sub": "a", "exp": 1, "nested": {"list": [1, 2.5, None, True, "é"]}}
    token = jwt.encode(claims, ed.private_pem)
    assert jwt.get_unverified_header(token) == {"alg": "EdDSA", "typ": "JWT"}
    assert jwt.decode(token, ed.public_pem, algorithms=["EdDSA"], now=0) == claims
    with pytest.raises(latchkey.ExpiredSignatureError):
        jwt.decode(token, ed.public_pem, algorithms=["EdDSA"])


def test_encode_takes_the_algorithm_from_headers_then_argument_then_key(p256: jwt.KeyPair) -> None:
    rsa_pair = jwt.generate_key_pair("RS256")
    assert jwt.get_unverified_header(jwt.encode({}, rsa_pair.private_pem))["alg"] == "RS256"
    assert jwt.get_unverified_header(jwt.encode({}, rsa_pair.private_pem, "PS256"))["alg"] == "PS256"
    token = jwt.encode({}, rsa_pair.private_pem, "PS256", headers={"alg": "RS512", "kid": "k", "x": [1]})
    assert jwt.get_unverified_header(token) == {"alg": "RS512", "typ": "JWT", "kid": "k", "x": [1]}
    assert jwt.get_unverified_header(jwt.encode({}, p256, headers={"typ": None})) == {"alg": "ES256"}


def test_encode_converts_datetime_time_claims_like_pyjwt(ed: jwt.KeyPair) -> None:
    exp = datetime.datetime(2030, 1, 1, tzinfo=datetime.timezone.utc)
    naive_iat = datetime.datetime(2029, 12, 31, 23, 0)
    payload = {"exp": exp, "iat": naive_iat, "sub": "a"}
    token = jwt.encode(payload, ed.private_pem)
    claims = jwt.decode(token, ed.public_pem, algorithms=["EdDSA"], now=int(exp.timestamp()) - 60)
    assert claims == {"exp": 1893456000, "iat": 1893452400, "sub": "a"}
    assert isinstance(payload["exp"], datetime.datetime), "the caller's dict is not modified"


def test_encode_refuses_bad_payloads_keys_and_algorithms(ed: jwt.KeyPair, p256: jwt.KeyPair) -> None:
    with pytest.raises(TypeError):
        jwt.encode(["not", "a", "dict"], ed.private_pem)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        jwt.encode({"when": datetime.date(2030, 1, 1)}, ed.private_pem)
    with pytest.raises(ValueError):
        jwt.encode({"x": float("nan")}, ed.private_pem)
    with pytest.raises(ValueError):
        jwt.encode({"x": 2**64}, ed.private_pem)
    with pytest.raises(TypeError):
        jwt.encode({1: "x"}, ed.private_pem)  # type: ignore[dict-item]
    circular: dict[str, Any] = {}
    circular["self"] = circular
    with pytest.raises(ValueError):
        jwt.encode(circular, ed.private_pem)
    with pytest.raises(latchkey.InvalidKeyError):
        jwt.encode({}, ed.public_pem)
    with pytest.raises(latchkey.InvalidKeyError):
        jwt.encode({}, "not a key")
    with pytest.raises(TypeError):
        jwt.encode({}, 42)  # type: ignore[arg-type]
    with pytest.raises(latchkey.InvalidAlgorithmError):
        jwt.encode({}, ed.private_pem, algorithm="ES256")
    with pytest.raises(latchkey.InvalidAlgorithmError):
        jwt.encode({}, p256.private_pem, algorithm="HS256")
    with pytest.raises(latchkey.InvalidTokenError):
        jwt.encode({}, ed.private_pem, headers={"kid": 7})


def test_encode_accepts_other_mappings_and_sequences(ed: jwt.KeyPair) -> None:
    from collections import OrderedDict

    token = jwt.encode(OrderedDict(sub="a", scopes=("x", "y")), ed.private_pem)
    assert jwt.decode(token, ed.public_pem, algorithms=["EdDSA"]) == {"sub": "a", "scopes": ["x", "y"]}


# --- key forms ------------------------------------------------------------------


def test_every_key_form_verifies(p256: jwt.KeyPair) -> None:
    token = jwt.encode({"sub": "a"}, p256.private_pem, headers={"kid": "k1"})
    private = serialization.load_pem_private_key(p256.private_pem.encode(), None)
    assert isinstance(private, ec.EllipticCurvePrivateKey)
    sec1 = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
    )
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "latchkey test")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(private, hashes.SHA256())
    )
    forms: list[Any] = [
        p256.public_pem,
        p256.public_pem.encode(),
        p256.private_pem,
        sec1,
        cert.public_bytes(serialization.Encoding.PEM).decode(),
        p256.public_jwk,
        p256.private_jwk,
        json.dumps(p256.public_jwk),
        {"keys": [dict(p256.public_jwk, kid="k1")]},
        json.dumps({"keys": [dict(p256.public_jwk, kid="k1")]}).encode(),
        p256,
    ]
    for key in forms:
        assert jwt.decode(token, key, algorithms=["ES256"]) == {"sub": "a"}, key
    assert jwt.decode(token.encode(), p256.public_pem, algorithms=["ES256"]) == {"sub": "a"}


def test_pkcs1_rsa_private_keys_sign() -> None:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pkcs1 = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
    )
    assert pkcs1.startswith(b"-----BEGIN RSA PRIVATE KEY-----")
    token = jwt.encode({"sub": "a"}, pkcs1, algorithm="PS256")
    public = private.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.PKCS1)
    assert jwt.decode(token, public, algorithms=["PS256"]) == {"sub": "a"}


def test_bad_keys_are_invalid_key_errors(ed: jwt.KeyPair) -> None:
    token = jwt.encode({}, ed)
    small = rsa.generate_private_key(public_exponent=65537, key_size=1024).public_key()
    small_pem = small.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    p521 = ec.generate_private_key(ec.SECP521R1()).public_key()
    p521_pem = p521.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    for key in ("", "-----BEGIN PUBLIC KEY-----\n!!\n-----END PUBLIC KEY-----\n", small_pem, p521_pem,
                {"kty": "OKP", "crv": "Ed25519"}, "{not json", {"keys": "nope"}):
        with pytest.raises(latchkey.InvalidKeyError):
            jwt.decode(token, key, algorithms=["EdDSA"])
    with pytest.raises(TypeError):
        jwt.decode(token, 3.5, algorithms=["EdDSA"])  # type: ignore[arg-type]


def test_a_dict_key_changed_after_use_is_a_new_key(ed: jwt.KeyPair) -> None:
    other = jwt.generate_key_pair("EdDSA")
    token = jwt.encode({}, ed)
    jwk = ed.public_jwk
    assert jwt.decode(token, jwk, algorithms=["EdDSA"]) == {}
    jwk["x"] = other.public_jwk["x"]
    with pytest.raises(latchkey.InvalidSignatureError):
        jwt.decode(token, jwk, algorithms=["EdDSA"])


def test_a_jwks_picks_the_key_by_kid(ed: jwt.KeyPair, p256: jwt.KeyPair) -> None:
    jwks = {"keys": [dict(ed.public_jwk, kid="a"), dict(p256.public_jwk, kid="b")]}
    mixed = ["EdDSA", "ES256", "RS256"]
    assert jwt.decode(jwt.encode({"n": 1}, ed, headers={"kid": "a"}), jwks, algorithms=mixed) == {"n": 1}
    assert jwt.decode(jwt.encode({"n": 2}, p256, headers={"kid": "b"}), jwks, algorithms=mixed) == {"n": 2}
    with pytest.raises(latchkey.UnknownKeyIdError) as caught:
        jwt.decode(jwt.encode({}, ed, headers={"kid": "c"}), jwks, algorithms=mixed)
    assert isinstance(caught.value, latchkey.InvalidTokenError)
    with pytest.raises(latchkey.DecodeError):
        jwt.decode(jwt.encode({}, ed), jwks, algorithms=mixed)  # no kid
    # `a` is an Ed25519 key: a token claiming ES256 under its kid is refused.
    with pytest.raises(latchkey.InvalidAlgorithmError):
        jwt.decode(jwt.encode({}, p256, headers={"kid": "a"}), jwks, algorithms=mixed)
    with pytest.raises(latchkey.InvalidKeyError):
        jwt.public_jwk(jwks)


# --- decode: PyJWT's defaults and the exception of each fault ------------------


def test_leeway_is_zero_unless_given(ed: jwt.KeyPair) -> None:
    token = jwt.encode({"exp": NOW - 1}, ed)
    with pytest.raises(latchkey.ExpiredSignatureError):
        jwt.decode(token, ed, algorithms=["EdDSA"], now=NOW)
    assert jwt.decode(token, ed, algorithms=["EdDSA"], now=NOW, leeway=2) == {"exp": NOW - 1}
    assert jwt.decode(token, ed, algorithms=["EdDSA"], now=NOW, leeway=datetime.timedelta(seconds=2))
    assert jwt.decode(token, ed, algorithms=["EdDSA"], now=datetime.datetime.fromtimestamp(NOW - 2, datetime.timezone.utc))
    with pytest.raises(ValueError):
        jwt.decode(token, ed, algorithms=["EdDSA"], leeway=-1)
    with pytest.raises(TypeError):
        jwt.decode(token, ed, algorithms=["EdDSA"], leeway="60")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        jwt.decode(token, ed, algorithms=["EdDSA"], now="today")  # type: ignore[arg-type]


def test_time_claims(ed: jwt.KeyPair) -> None:
    for claims, error in (
        ({"exp": NOW}, latchkey.ExpiredSignatureError),
        ({"nbf": NOW + 1}, latchkey.ImmatureSignatureError),
        ({"iat": NOW + 1}, latchkey.ImmatureSignatureError),
        ({"exp": "soon"}, latchkey.DecodeError),
    ):
        with pytest.raises(error) as caught:
            jwt.decode(jwt.encode(claims, ed), ed, algorithms=["EdDSA"], now=NOW)
        assert isinstance(caught.value, latchkey.InvalidTokenError)
    lifetime = {"iat": NOW, "exp": NOW + 3601}
    assert jwt.decode(jwt.encode(lifetime, ed), ed, algorithms=["EdDSA"], now=NOW) == lifetime
    with pytest.raises(latchkey.LifetimeTooLongError):
        jwt.decode(jwt.encode(lifetime, ed), ed, algorithms=["EdDSA"], now=NOW, max_lifetime=3600)


def test_audience_follows_pyjwt(ed: jwt.KeyPair) -> None:
    with_aud = jwt.encode({"aud": AUD}, ed)
    with pytest.raises(latchkey.InvalidAudienceError):
        jwt.decode(with_aud, ed, algorithms=["EdDSA"])  # a token with aud and no audience given
    with pytest.raises(latchkey.InvalidAudienceError):
        jwt.decode(with_aud, ed, algorithms=["EdDSA"], audience="https://other.test")
    assert jwt.decode(with_aud, ed, algorithms=["EdDSA"], audience=["https://other.test", AUD]) == {"aud": AUD}
    with pytest.raises(latchkey.MissingRequiredClaimError) as caught:
        jwt.decode(jwt.encode({}, ed), ed, algorithms=["EdDSA"], audience=AUD)
    assert caught.value.claim == "aud"


def test_issuer_and_subject(ed: jwt.KeyPair) -> None:
    token = jwt.encode({"iss": "app_01", "sub": "app_01"}, ed)
    assert jwt.decode(token, ed, algorithms=["EdDSA"], issuer="app_01", subject="app_01")
    with pytest.raises(latchkey.InvalidIssuerError):
        jwt.decode(token, ed, algorithms=["EdDSA"], issuer="app_02")
    with pytest.raises(latchkey.InvalidSubjectError):
        jwt.decode(token, ed, algorithms=["EdDSA"], subject="app_02")
    with pytest.raises(latchkey.MissingRequiredClaimError):
        jwt.decode(jwt.encode({}, ed), ed, algorithms=["EdDSA"], issuer="app_01")


def test_options(ed: jwt.KeyPair) -> None:
    token = jwt.encode({"sub": "a"}, ed)
    assert jwt.decode(token, ed, algorithms=["EdDSA"], options={"require": ["sub"], "verify_exp": True})
    with pytest.raises(latchkey.MissingRequiredClaimError) as caught:
        jwt.decode(token, ed, algorithms=["EdDSA"], options={"require": ["jti"]})
    assert caught.value.claim == "jti" and "jti" in str(caught.value)
    for switched_off in ("verify_signature", "verify_exp", "verify_aud"):
        with pytest.raises(ValueError):
            jwt.decode(token, ed, algorithms=["EdDSA"], options={switched_off: False})
    with pytest.raises(ValueError):
        jwt.decode(token, ed, algorithms=["EdDSA"], options={"requires": ["sub"]})


def test_algorithms(ed: jwt.KeyPair, p256: jwt.KeyPair) -> None:
    token = jwt.encode({}, ed)
    with pytest.raises(latchkey.DecodeError):
        jwt.decode(token, ed)  # like PyJWT: algorithms is required
    with pytest.raises(TypeError):
        jwt.decode(token, ed, algorithms="EdDSA")  # a str is a Sequence[str] to mypy, not to us
    for allowed in ([], ["ES256"], ["HS256"], ["eddsa"]):
        with pytest.raises(latchkey.InvalidAlgorithmError):
            jwt.decode(token, ed, algorithms=allowed)
    # An unknown name is refused even beside one that would verify: never
    # dropped (one rule in every SDK).
    for allowed in (["HS256", "EdDSA"], ["EdDSA", "none"], ["EdDSA", "eddsa"]):
        with pytest.raises(latchkey.InvalidAlgorithmError, match="is not supported"):
            jwt.decode(token, ed, algorithms=allowed)
    assert jwt.decode(token, ed, algorithms=["Ed25519"]) == {}, "EdDSA and Ed25519 are one algorithm"
    # The allow-list may mix families; an algorithm not fitting the key is refused.
    assert jwt.decode(token, ed, algorithms=["ES256", "EdDSA"]) == {}
    with pytest.raises(latchkey.InvalidAlgorithmError):
        jwt.decode(jwt.encode({}, p256), ed, algorithms=["ES256", "EdDSA"])


def test_alg_none_and_hmac_key_confusion_are_refused(ed: jwt.KeyPair) -> None:
    none = forge({"alg": "none", "typ": "JWT"}, {"sub": "a"})
    with pytest.raises(latchkey.InvalidAlgorithmError):
        jwt.decode(none, ed.public_pem, algorithms=["EdDSA", "none"])
    head_body = forge({"alg": "HS256", "typ": "JWT"}, {"sub": "a"}).rsplit(".", 1)[0]
    mac = hmac.new(ed.public_pem.encode(), head_body.encode(), hashlib.sha256).digest()
    with pytest.raises(latchkey.InvalidAlgorithmError):
        jwt.decode(f"{head_body}.{b64(mac)}", ed.public_pem, algorithms=["EdDSA", "HS256"])


def test_malformed_tokens_are_decode_errors(ed: jwt.KeyPair) -> None:
    token = jwt.encode({"sub": "a"}, ed)
    for bad in ("", "a.b", f"{token}.x", token + "=", token.replace("-", "+") + "+/", " " + token,
                jwt.encode({"pad": "x" * 9000}, ed), b"\xff.\xfe.\xfd"):
        with pytest.raises(latchkey.DecodeError):
            jwt.decode(bad, ed, algorithms=["EdDSA"])
    with pytest.raises(latchkey.DecodeError):
        jwt.decode(None, ed, algorithms=["EdDSA"])  # type: ignore[arg-type]
    with pytest.raises(latchkey.DecodeError):
        jwt.get_unverified_header("a.b")


def test_bad_signatures_are_invalid_signature_errors(ed: jwt.KeyPair) -> None:
    head, body, signature = jwt.encode({"sub": "a"}, ed).split(".")
    flipped = b64(bytes([base64.urlsafe_b64decode(signature + "==")[0] ^ 1]) + base64.urlsafe_b64decode(signature + "==")[1:])
    with pytest.raises(latchkey.InvalidSignatureError) as caught:
        jwt.decode(f"{head}.{body}.{flipped}", ed, algorithms=["EdDSA"])
    assert isinstance(caught.value, latchkey.DecodeError)
    assert isinstance(caught.value, jwt.InvalidTokenError)


def test_errors_never_show_the_token_or_claims(ed: jwt.KeyPair) -> None:
    token = jwt.encode({"iss": "very-secret-issuer", "exp": NOW - 100}, ed)
    cases: list[dict[str, Any]] = [{"issuer": "other"}, {}]
    for kwargs in cases:
        with pytest.raises(latchkey.InvalidTokenError) as caught:
            jwt.decode(token, ed, algorithms=["EdDSA"], now=NOW, **kwargs)
        assert "very-secret-issuer" not in str(caught.value) and token not in repr(caught.value)


def test_get_unverified_header_shows_any_alg() -> None:
    token = forge({"alg": "none", "kid": "k", "x5u": "https://example.test"}, {})
    assert jwt.get_unverified_header(token) == {"alg": "none", "kid": "k", "x5u": "https://example.test"}


def test_exceptions_are_reachable_like_pyjwts() -> None:
    for name in jwt.__all__:
        if name.endswith("Error"):
            assert getattr(jwt, name) is getattr(latchkey, name)
    assert issubclass(jwt.ExpiredSignatureError, jwt.InvalidTokenError)
    assert issubclass(jwt.InvalidSignatureError, jwt.DecodeError)


def test_decode_runs_in_many_threads(ed: jwt.KeyPair) -> None:
    token = jwt.encode({"sub": "a", "exp": int(time.time()) + 60}, ed)
    failures: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(200):
                assert jwt.decode(token, ed.public_pem, algorithms=["EdDSA"]) == {"sub": "a", "exp": json.loads(
                    base64.urlsafe_b64decode(token.split(".")[1] + "==")
                )["exp"]}
        except BaseException as error:  # noqa: BLE001 — reported below
            failures.append(error)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


def test_mint_access_token_makes_the_servers_token(ed: jwt.KeyPair) -> None:
    token = jwt.mint_access_token(
        ed.private_pem, application_id="app_01", key_id="jwk_01", audience=AUD, lifetime=300, now=NOW
    )
    assert jwt.get_unverified_header(token) == {"alg": "EdDSA", "typ": "JWT", "kid": "jwk_01"}
    claims = jwt.decode(
        token, ed, algorithms=["EdDSA"], audience=AUD, issuer="app_01", subject="app_01", now=NOW
    )
    assert set(claims) == {"iss", "sub", "aud", "iat", "exp", "jti"}
    assert (claims["iat"], claims["exp"], claims["aud"]) == (NOW, NOW + 300, AUD)
    other = jwt.mint_access_token(ed, application_id="app_01", key_id="jwk_01", audience=AUD)
    assert jwt.decode(other, ed, algorithms=["EdDSA"], audience=AUD)["jti"] != claims["jti"]
    for lifetime in (0, 3601):
        with pytest.raises(ValueError):
            jwt.mint_access_token(ed, application_id="a", key_id="k", audience=AUD, lifetime=lifetime)
