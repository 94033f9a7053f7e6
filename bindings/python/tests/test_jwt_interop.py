"""Interoperability with PyJWT (and `cryptography`) both ways, for every
algorithm of the contract, keys exchanged as PEM and as JWK."""

from __future__ import annotations

import json
import time
from typing import Any

import jwt as pyjwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from jwt.algorithms import ECAlgorithm, OKPAlgorithm, RSAAlgorithm

import latchkey
from latchkey import jwt

ALGORITHMS = ["EdDSA", "ES256", "ES384", "RS256", "PS256"]
AUDIENCE = "https://latchkey.test"


def claims() -> dict[str, Any]:
    now = int(time.time())
    return {"iss": "app_01", "sub": "app_01", "aud": AUDIENCE, "iat": now, "exp": now + 300, "scope": ["a", "b"]}


def cryptography_private_key(algorithm: str) -> Any:
    if algorithm == "EdDSA":
        return ed25519.Ed25519PrivateKey.generate()
    if algorithm == "ES256":
        return ec.generate_private_key(ec.SECP256R1())
    if algorithm == "ES384":
        return ec.generate_private_key(ec.SECP384R1())
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def pyjwt_jwk(key: Any, algorithm: str) -> dict[str, Any]:
    """The JWK of a `cryptography` key, as PyJWT writes it."""
    family: Any = {"EdDSA": OKPAlgorithm, "ES256": ECAlgorithm, "ES384": ECAlgorithm}.get(algorithm, RSAAlgorithm)
    jwk: dict[str, Any] = family.to_jwk(key, as_dict=True)
    return jwk


def private_pem(key: Any) -> bytes:
    pem: bytes = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return pem


def public_pem(key: Any) -> bytes:
    pem: bytes = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return pem


@pytest.fixture(scope="module", params=ALGORITHMS)
def algorithm(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def latchkey_pair(algorithm: str) -> jwt.KeyPair:
    return jwt.generate_key_pair(algorithm)


@pytest.fixture(scope="module")
def pyjwt_key(algorithm: str) -> Any:
    return cryptography_private_key(algorithm)


# --- latchkey signs, PyJWT verifies -------------------------------------------


def test_pyjwt_verifies_latchkey_tokens_with_the_public_pem(algorithm: str, latchkey_pair: jwt.KeyPair) -> None:
    payload = claims()
    token = jwt.encode(payload, latchkey_pair.private_pem, algorithm=algorithm, headers={"kid": "k1"})
    got = pyjwt.decode(token, latchkey_pair.public_pem, algorithms=[algorithm], audience=AUDIENCE)
    assert got == payload
    assert pyjwt.get_unverified_header(token) == {"alg": algorithm, "typ": "JWT", "kid": "k1"}


def test_pyjwt_verifies_latchkey_tokens_with_the_public_jwk(algorithm: str, latchkey_pair: jwt.KeyPair) -> None:
    payload = claims()
    token = jwt.encode(payload, latchkey_pair, algorithm=algorithm)
    key = pyjwt.PyJWK(latchkey_pair.public_jwk, algorithm=algorithm)
    assert pyjwt.decode(token, key, algorithms=[algorithm], audience=AUDIENCE) == payload
    # The JWK text a server would serve, through PyJWT's key-set reader.
    jwks = pyjwt.PyJWKSet.from_json(json.dumps({"keys": [dict(latchkey_pair.public_jwk, kid="k1")]}))
    assert pyjwt.decode(token, jwks["k1"], algorithms=[algorithm], audience=AUDIENCE) == payload


def test_latchkey_private_keys_sign_in_pyjwt(algorithm: str, latchkey_pair: jwt.KeyPair) -> None:
    payload = claims()
    from_pem = pyjwt.encode(payload, latchkey_pair.private_pem, algorithm=algorithm)
    from_jwk = pyjwt.encode(payload, pyjwt.PyJWK(latchkey_pair.private_jwk, algorithm=algorithm), algorithm=algorithm)
    for token in (from_pem, from_jwk):
        assert jwt.decode(token, latchkey_pair.public_pem, algorithms=[algorithm], audience=AUDIENCE) == payload


def test_latchkey_thumbprint_matches_pyjwt_and_cryptography(algorithm: str, latchkey_pair: jwt.KeyPair) -> None:
    public = serialization.load_pem_public_key(latchkey_pair.public_pem.encode())
    assert jwt.public_jwk(latchkey_pair.public_pem) == {
        k: v for k, v in latchkey_pair.public_jwk.items() if k != "alg"
    }
    expected = pyjwt_jwk(public, algorithm)
    for member in ("kty", "crv", "x", "y", "n", "e"):
        assert latchkey_pair.public_jwk.get(member) == expected.get(member)
    assert jwt.thumbprint(expected) == latchkey_pair.thumbprint
    assert len(latchkey_pair.thumbprint) == 43


# --- PyJWT signs, latchkey verifies -------------------------------------------


def test_latchkey_verifies_pyjwt_tokens_with_the_public_pem(algorithm: str, pyjwt_key: Any) -> None:
    payload = claims()
    token = pyjwt.encode(payload, pyjwt_key, algorithm=algorithm, headers={"kid": "k1"})
    for pem in (public_pem(pyjwt_key), public_pem(pyjwt_key).decode()):
        assert jwt.decode(token, pem, algorithms=[algorithm], audience=AUDIENCE) == payload
    assert jwt.get_unverified_header(token) == pyjwt.get_unverified_header(token)


def test_latchkey_verifies_pyjwt_tokens_with_the_public_jwk(algorithm: str, pyjwt_key: Any) -> None:
    payload = claims()
    token = pyjwt.encode(payload, pyjwt_key, algorithm=algorithm, headers={"kid": "k1"})
    jwk = pyjwt_jwk(pyjwt_key.public_key(), algorithm)
    assert jwt.decode(token, jwk, algorithms=[algorithm], audience=AUDIENCE) == payload
    jwks = {"keys": [dict(jwk, kid="k1")]}
    assert jwt.decode(token, jwks, algorithms=[algorithm], audience=AUDIENCE) == payload
    assert jwt.decode(token, json.dumps(jwks), algorithms=[algorithm], audience=AUDIENCE) == payload


def test_pyjwt_private_keys_sign_in_latchkey(algorithm: str, pyjwt_key: Any) -> None:
    payload = claims()
    from_pem = jwt.encode(payload, private_pem(pyjwt_key), algorithm=algorithm)
    from_jwk = jwt.encode(payload, pyjwt_jwk(pyjwt_key, algorithm), algorithm=algorithm)
    for token in (from_pem, from_jwk):
        got = pyjwt.decode(token, pyjwt_key.public_key(), algorithms=[algorithm], audience=AUDIENCE)
        assert got == payload


def test_a_pyjwt_token_signed_by_another_key_is_refused(algorithm: str, pyjwt_key: Any) -> None:
    other = cryptography_private_key(algorithm)
    token = pyjwt.encode(claims(), other, algorithm=algorithm)
    with pytest.raises(latchkey.InvalidSignatureError) as caught:
        jwt.decode(token, public_pem(pyjwt_key), algorithms=[algorithm], audience=AUDIENCE)
    assert isinstance(caught.value, latchkey.DecodeError)
    assert isinstance(caught.value, latchkey.InvalidTokenError)


def test_both_refuse_the_same_expired_token(algorithm: str, pyjwt_key: Any) -> None:
    payload = dict(claims(), exp=int(time.time()) - 10)
    token = pyjwt.encode(payload, pyjwt_key, algorithm=algorithm)
    with pytest.raises(pyjwt.ExpiredSignatureError):
        pyjwt.decode(token, pyjwt_key.public_key(), algorithms=[algorithm], audience=AUDIENCE)
    with pytest.raises(latchkey.ExpiredSignatureError):
        jwt.decode(token, public_pem(pyjwt_key), algorithms=[algorithm], audience=AUDIENCE)
