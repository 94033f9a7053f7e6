"""Offline JWT toolkit with PyJWT's names, argument order and exceptions.

Code written against PyJWT switches by changing its import::

    from latchkey import jwt

    pair = jwt.generate_key_pair("EdDSA")
    token = jwt.encode({"sub": "app_01"}, pair.private_pem, algorithm="EdDSA")
    claims = jwt.decode(token, pair.public_pem, algorithms=["EdDSA"])

Keys are PEM text or bytes (PKCS#8, PKCS#1, SEC1 private; SPKI public;
X.509 certificate), JWK dicts (or their JSON text), a JWKS (``{"keys":
[...]}``, dict or JSON text; the token's ``kid`` picks the key) or a
:class:`KeyPair`. Parsed keys are cached by their bytes, so passing the same
PEM on every call costs no re-parse.

Differences from PyJWT, all on the side of refusing: ``HS*`` and ``none``
are never accepted (an algorithm name this toolkit does not implement in
``algorithms`` raises :class:`InvalidAlgorithmError`, even beside known ones); ``options`` may require claims but cannot switch a
check off; the leeway counts whole seconds. Additions: ``now=`` (the
verification time, seconds since the epoch), ``max_lifetime=`` (the longest
``exp - iat`` accepted) and :class:`UnknownKeyIdError`, raised when no key
of a JWKS has the token's ``kid``.

``mint_access_token(key, application_id=…, key_id=…, audience=…)`` makes
the exact token a Latchkey server expects from an application signing with
its registered JWT key (``iss``/``sub``/``aud``/``iat``/``exp``/``jti``/``kid``).

``public_jwk(key)`` and ``thumbprint(key)`` export any key's public half;
``sign_raw`` and ``verify_raw`` are the JWS signature layer alone (no
header, no claims), for test vectors and detached payloads.

Every failure raises a class of PyJWT's tree (all under
:class:`InvalidTokenError` for a refused token), also importable from
``latchkey`` itself.
"""

from __future__ import annotations

from ._errors import (
    DecodeError,
    ExpiredSignatureError,
    ImmatureSignatureError,
    InvalidAlgorithmError,
    InvalidAudienceError,
    InvalidIssuedAtError,
    InvalidIssuerError,
    InvalidKeyError,
    InvalidSignatureError,
    InvalidSubjectError,
    InvalidTokenError,
    LifetimeTooLongError,
    MissingRequiredClaimError,
    PyJWTError,
    UnknownKeyIdError,
)
from ._latchkey import KeyPair
from ._latchkey import jwt_decode as decode
from ._latchkey import jwt_encode as encode
from ._latchkey import jwt_generate_key_pair as generate_key_pair
from ._latchkey import jwt_get_unverified_header as get_unverified_header
from ._latchkey import jwt_mint_access_token as mint_access_token
from ._latchkey import jwt_public_jwk as public_jwk
from ._latchkey import jwt_sign_raw as sign_raw
from ._latchkey import jwt_thumbprint as thumbprint
from ._latchkey import jwt_verify_raw as verify_raw

__all__ = [
    "KeyPair",
    "decode",
    "encode",
    "generate_key_pair",
    "get_unverified_header",
    "mint_access_token",
    "public_jwk",
    "thumbprint",
    "sign_raw",
    "verify_raw",
    "PyJWTError",
    "InvalidKeyError",
    "InvalidTokenError",
    "DecodeError",
    "InvalidSignatureError",
    "InvalidAlgorithmError",
    "UnknownKeyIdError",
    "ExpiredSignatureError",
    "ImmatureSignatureError",
    "LifetimeTooLongError",
    "MissingRequiredClaimError",
    "InvalidAudienceError",
    "InvalidIssuerError",
    "InvalidSubjectError",
    "InvalidIssuedAtError",
]
