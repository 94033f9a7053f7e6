"""Every case of the shared JWT vectors: jwt_claims.json (decode with the
vectors' verifier policy at its fixed time), jws.json (the signature
layer) and thumbprint.json (RFC 7638)."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

import latchkey
from latchkey import jwt

from _vectors import load

CLAIMS = load("jwt_claims.json")
VERIFIER = CLAIMS["verifier"]

# One exception class per outcome (exact classes: InvalidSignatureError is
# also a DecodeError, as in PyJWT).
OUTCOMES: dict[type[BaseException], str] = {
    latchkey.DecodeError: "malformed",
    latchkey.InvalidAlgorithmError: "disallowed_algorithm",
    latchkey.UnknownKeyIdError: "unknown_kid",
    latchkey.InvalidSignatureError: "bad_signature",
    latchkey.ExpiredSignatureError: "expired",
    latchkey.ImmatureSignatureError: "not_yet_valid",
    latchkey.LifetimeTooLongError: "lifetime_too_long",
    latchkey.MissingRequiredClaimError: "missing_claim",
    latchkey.InvalidAudienceError: "bad_audience",
    latchkey.InvalidIssuerError: "bad_issuer",
    latchkey.InvalidSubjectError: "bad_subject",
}


def test_the_outcome_table_covers_every_outcome() -> None:
    assert sorted(OUTCOMES.values()) == sorted(set(CLAIMS["outcomes"]) - {"ok"})


def verify_with_the_vector_policy(token: str, keys: Any) -> dict[str, Any]:
    return jwt.decode(
        token,
        keys,
        algorithms=VERIFIER["algorithms"],
        audience=VERIFIER["audience"],
        issuer=VERIFIER["issuer"],
        subject=VERIFIER["subject"],
        leeway=VERIFIER["leeway_seconds"],
        max_lifetime=VERIFIER["max_lifetime_seconds"],
        options={"require": ["iss", "sub", "aud", "iat", "exp"]},
        now=VERIFIER["now"],
    )


def outcome(token: str, keys: Any) -> tuple[str, Any]:
    try:
        return "ok", verify_with_the_vector_policy(token, keys)
    except latchkey.InvalidTokenError as error:
        assert isinstance(error, latchkey.PyJWTError)
        return OUTCOMES[type(error)], error


@pytest.mark.parametrize("form", ["dict", "json"])
@pytest.mark.parametrize("case", CLAIMS["cases"], ids=lambda case: case["name"])
def test_jwt_claims_vector(case: dict[str, Any], form: str) -> None:
    keys = VERIFIER["jwks"] if form == "dict" else json.dumps(VERIFIER["jwks"])
    got, detail = outcome(case["token"], keys)
    assert got == case["expected"], f"{case['description']}: {detail!r}"
    if got == "ok":
        assert detail == case["claims"]


def test_missing_claim_names_the_claim() -> None:
    (case,) = [c for c in CLAIMS["cases"] if c["name"] == "missing-iat"]
    with pytest.raises(latchkey.MissingRequiredClaimError) as caught:
        verify_with_the_vector_policy(case["token"], VERIFIER["jwks"])
    assert caught.value.claim == "iat"


def test_the_wall_clock_is_used_without_now() -> None:
    (case,) = [c for c in CLAIMS["cases"] if c["name"] == "ok"]
    # The vector tokens expired on 2026-01-01: without `now` they are old.
    with pytest.raises(latchkey.ExpiredSignatureError):
        jwt.decode(
            case["token"],
            VERIFIER["jwks"],
            algorithms=VERIFIER["algorithms"],
            audience=VERIFIER["audience"],
        )


@pytest.mark.parametrize("name", ["key_01", "key_02"])
def test_each_vector_key_verifies_as_pem_and_as_jwk(name: str) -> None:
    key = CLAIMS["keys"][name]
    token = jwt.encode({"sub": "app_01"}, key["private_pem"], headers={"kid": name})
    for verifying in (key["public_pem"], key["public_jwk"], key["private_pem"], key["private_jwk"]):
        assert jwt.decode(token, verifying, algorithms=["EdDSA", "ES256"]) == {"sub": "app_01"}


# --- jws.json -----------------------------------------------------------------

JWS = load("jws.json")
SUPPORTED = {"EdDSA", "Ed25519", "ES256", "ES384", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512"}


def b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def jws_cases() -> list[Any]:
    cases = []
    for case in JWS["cases"]:
        marks = []
        if case["alg"] not in SUPPORTED:
            # Only out-of-contract algorithms (ES512: P-521 keys) may be skipped.
            assert not case["in_contract_allow_list"], case["id"]
            marks.append(pytest.mark.skip(reason=f"{case['alg']} is outside the contract"))
        cases.append(pytest.param(case, id=case["id"], marks=marks))
    return cases


@pytest.mark.parametrize("case", jws_cases())
def test_jws_vector(case: dict[str, Any]) -> None:
    signing_input = case["signing_input"]
    signature = b64decode(case["signature_b64"])
    assert signature.hex() == case["signature_hex"]
    assert case["token"] == f"{signing_input}.{case['signature_b64']}"
    if case["expected"]["verify"]:
        jwt.verify_raw(signing_input, signature, case["public_jwk"], case["alg"])
    else:
        with pytest.raises(latchkey.InvalidSignatureError):
            jwt.verify_raw(signing_input, signature, case["public_jwk"], case["alg"])
    private = case["private_jwk"]
    if private is None:
        return
    fresh = jwt.sign_raw(signing_input, private, case["alg"])
    if "sign" in case["operations"]:
        assert fresh == signature, "a deterministic signature must match byte for byte"
    jwt.verify_raw(signing_input, fresh, case["public_jwk"], case["alg"])


def test_verify_raw_refuses_an_algorithm_that_does_not_fit_the_key() -> None:
    (case,) = [c for c in JWS["cases"] if c["id"] == "rfc8037-a4-eddsa"]
    with pytest.raises(latchkey.InvalidAlgorithmError):
        jwt.verify_raw(case["signing_input"], b64decode(case["signature_b64"]), case["public_jwk"], "ES256")


# --- thumbprint.json ----------------------------------------------------------

THUMBPRINTS = load("thumbprint.json")


@pytest.mark.parametrize("case", THUMBPRINTS["cases"], ids=lambda case: case["id"])
def test_thumbprint_vector(case: dict[str, Any]) -> None:
    assert jwt.thumbprint(case["jwk"]) == case["thumbprint"]
    assert jwt.thumbprint(case["public_key_pem"]) == case["thumbprint"]
    exported = jwt.public_jwk(case["public_key_pem"])
    canonical = json.loads(case["canonical_json"])
    assert {name: exported[name] for name in canonical} == canonical
    assert json.dumps(canonical, separators=(",", ":"), sort_keys=True) == case["canonical_json"]
