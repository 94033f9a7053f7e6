"""Type stubs of the native module ``latchkey._latchkey`` (pyo3)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Optional, Union, final

__version__: str

# --- JWT toolkit and access-key parsing (latchkey.jwt, latchkey.access_key) ---

_Seconds = Union[int, float, datetime.timedelta]
_PrivateKey = Union[str, bytes, Mapping[str, Any], "KeyPair"]
_PublicKey = Union[str, bytes, Mapping[str, Any], "KeyPair"]

@final
class KeyPair:
    """A generated key pair; ``repr`` shows only the algorithm and thumbprint."""

    @property
    def algorithm(self) -> str: ...
    @property
    def private_pem(self) -> str: ...
    @property
    def public_pem(self) -> str: ...
    @property
    def public_jwk(self) -> dict[str, Any]: ...
    @property
    def private_jwk(self) -> dict[str, Any]: ...
    @property
    def thumbprint(self) -> str: ...

def jwt_generate_key_pair(algorithm: str, *, rsa_bits: int = 2048) -> KeyPair:
    """Generates a key pair for ``algorithm`` (``EdDSA``, ``ES256``, ``RS256``…)."""

def jwt_encode(
    payload: Mapping[str, Any],
    key: _PrivateKey,
    algorithm: Optional[str] = None,
    headers: Optional[Mapping[str, Any]] = None,
) -> str:
    """Signs ``payload`` as given; ``algorithm`` defaults to the key's own."""

def jwt_decode(
    jwt: Union[str, bytes],
    key: _PublicKey,
    algorithms: Optional[Sequence[str]] = None,
    options: Optional[Mapping[str, Any]] = None,
    *,
    audience: Optional[Union[str, Iterable[str]]] = None,
    issuer: Optional[str] = None,
    subject: Optional[str] = None,
    leeway: Optional[_Seconds] = None,
    now: Optional[Union[int, float, datetime.datetime]] = None,
    max_lifetime: Optional[_Seconds] = None,
) -> dict[str, Any]:
    """Verifies ``jwt`` with ``key`` (PEM, JWK, JWKS or KeyPair) and returns its claims."""

def jwt_get_unverified_header(jwt: Union[str, bytes]) -> dict[str, Any]:
    """The token's header, decoded but not verified."""

def jwt_public_jwk(key: _PublicKey) -> dict[str, Any]:
    """The public JWK of any single key (a private key gives its public half)."""

def jwt_thumbprint(key: _PublicKey) -> str:
    """The RFC 7638 SHA-256 thumbprint of the key's public half (unpadded base64url)."""

def jwt_sign_raw(signing_input: Union[str, bytes], key: _PrivateKey, algorithm: str) -> bytes:
    """The raw JWS signature of ``signing_input`` (the first two segments and their dot)."""

def jwt_verify_raw(
    signing_input: Union[str, bytes], signature: bytes, key: _PublicKey, algorithm: str
) -> None:
    """Raises ``InvalidSignatureError`` unless ``signature`` verifies over ``signing_input``."""

@final
class ParsedAccessKey:
    """A well-formed access key; ``repr`` never shows the secret."""

    @property
    def key_id(self) -> str: ...
    @property
    def secret(self) -> str: ...
    @property
    def checksum(self) -> str: ...
    @property
    def key_prefix(self) -> str: ...

def access_key_parse(key: str) -> ParsedAccessKey:
    """Checks an access key's format and checksum offline."""

# --- end of JWT toolkit and access-key parsing ---
