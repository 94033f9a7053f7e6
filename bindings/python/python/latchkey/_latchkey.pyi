"""Type stubs of the native module ``latchkey._latchkey`` (checked against the
built module by ``cargo xtask check`` with mypy's stubtest)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Dict, List, Optional, Tuple, Union, final

__version__: str

# Every name the module defines; add yours (one block per part).
__all__ = [
    "__version__",
    # the JWT toolkit and access-key parsing
    "KeyPair",
    "ParsedAccessKey",
    "access_key_parse",
    "jwt_decode",
    "jwt_encode",
    "jwt_generate_key_pair",
    "jwt_get_unverified_header",
    "jwt_mint_access_token",
    "jwt_public_jwk",
    "jwt_sign_raw",
    "jwt_thumbprint",
    "jwt_verify_raw",
    # the API client
    "JwtSigner",
    "NativeClient",
    "NativePager",
]

# --- the API client (src/client/) ---------------------------------------------
# NativeClient is driven by latchkey.Client / latchkey.AsyncClient
# (_client.py), which declare the public types; each method answers with the
# result, or with an awaitable of it when the client is asynchronous.

@final
class JwtSigner:
    """Signs Latchkey access tokens with a registered JWT key."""

    def __new__(
        cls,
        application_id: str,
        key_id: str,
        private_key_pem: Union[str, bytes],
        audience: Optional[str] = None,
        *,
        lifetime: float = 900.0,
    ) -> JwtSigner: ...
    @property
    def application_id(self) -> str: ...
    @property
    def key_id(self) -> str: ...
    @property
    def algorithm(self) -> str: ...
    @property
    def audience(self) -> Optional[str]: ...
    @property
    def lifetime(self) -> float: ...

@final
class NativePager:
    def next_page(self) -> Any: ...

@final
class NativeClient:
    def __new__(
        cls,
        url: Optional[str],
        access_key: Optional[str],
        signer: Optional[JwtSigner],
        timeout: float,
        connect_timeout: float,
        max_retries: int,
        asynchronous: bool,
    ) -> NativeClient: ...
    @property
    def base_url(self) -> str: ...
    @property
    def closed(self) -> bool: ...
    def close(self) -> None: ...
    def me(self) -> Any: ...
    def well_known(self) -> Any: ...
    def health(self) -> Any: ...
    def openapi(self) -> Any: ...
    def applications_list(
        self, status: Optional[str], limit: Optional[int], order: Optional[str], after: Optional[str]
    ) -> NativePager: ...
    def applications_list_page(
        self,
        status: Optional[str],
        limit: Optional[int],
        order: Optional[str],
        after: Optional[str],
        include_total_count: bool,
    ) -> Any: ...
    def applications_create(
        self, name: str, description: str, group_ids: List[str], created_by: Optional[str]
    ) -> Any: ...
    def applications_get(self, id: str) -> Any: ...
    def applications_update(
        self, id: str, name: Optional[str], description: Optional[str], status: Optional[str]
    ) -> Any: ...
    def applications_revoke(self, id: str) -> Any: ...
    def applications_delete(self, id: str) -> Any: ...
    def access_keys_list(
        self,
        application_id: str,
        status: Optional[str],
        limit: Optional[int],
        order: Optional[str],
        after: Optional[str],
    ) -> NativePager: ...
    def access_keys_list_page(
        self,
        application_id: str,
        status: Optional[str],
        limit: Optional[int],
        order: Optional[str],
        after: Optional[str],
        include_total_count: bool,
    ) -> Any: ...
    def access_keys_list_account(
        self,
        application_id: Optional[str],
        status: Optional[str],
        limit: Optional[int],
        order: Optional[str],
        after: Optional[str],
    ) -> NativePager: ...
    def access_keys_list_account_page(
        self,
        application_id: Optional[str],
        status: Optional[str],
        limit: Optional[int],
        order: Optional[str],
        after: Optional[str],
        include_total_count: bool,
    ) -> Any: ...
    def access_keys_create(
        self,
        application_id: str,
        name: str,
        description: str,
        scopes: List[str],
        expiration: Optional[Any],
        created_by: Optional[str],
    ) -> Any: ...
    def access_keys_get(self, application_id: str, key_id: str) -> Any: ...
    def access_keys_update(
        self,
        application_id: str,
        key_id: str,
        name: Optional[str],
        description: Optional[str],
        status: Optional[str],
        expiration: Optional[Any],
        remove_expiration: bool,
    ) -> Any: ...
    def access_keys_set_status(self, application_id: str, key_id: str, status: str) -> Any: ...
    def access_keys_revoke(self, application_id: str, key_id: str) -> Any: ...
    def access_keys_delete(self, application_id: str, key_id: str) -> Any: ...
    def access_keys_bulk_delete(self, ids: List[str]) -> Any: ...
    def jwt_keys_list(
        self,
        application_id: str,
        status: Optional[str],
        limit: Optional[int],
        order: Optional[str],
        after: Optional[str],
    ) -> NativePager: ...
    def jwt_keys_list_page(
        self,
        application_id: str,
        status: Optional[str],
        limit: Optional[int],
        order: Optional[str],
        after: Optional[str],
        include_total_count: bool,
    ) -> Any: ...
    def jwt_keys_create(
        self,
        application_id: str,
        name: str,
        public_key: Union[str, Dict[str, Any]],
        description: str,
        algorithm: Optional[str],
        expiration: Optional[Any],
        scopes: List[str],
        created_by: Optional[str],
    ) -> Any: ...
    def jwt_keys_get(self, application_id: str, key_id: str) -> Any: ...
    def jwt_keys_update(
        self,
        application_id: str,
        key_id: str,
        name: Optional[str],
        description: Optional[str],
        status: Optional[str],
        expiration: Optional[Any],
        remove_expiration: bool,
    ) -> Any: ...
    def jwt_keys_set_status(self, application_id: str, key_id: str, status: str) -> Any: ...
    def jwt_keys_revoke(self, application_id: str, key_id: str) -> Any: ...
    def jwt_keys_delete(self, application_id: str, key_id: str) -> Any: ...
    def jwt_keys_jwks(self, application_id: str) -> Any: ...
    def users_list(
        self, status: Optional[str], limit: Optional[int], order: Optional[str], after: Optional[str]
    ) -> NativePager: ...
    def users_list_page(
        self,
        status: Optional[str],
        limit: Optional[int],
        order: Optional[str],
        after: Optional[str],
        include_total_count: bool,
    ) -> Any: ...
    def users_create(self, email: str, name: str, group_ids: List[str]) -> Any: ...
    def users_get(self, id: str) -> Any: ...
    def users_update(
        self,
        id: str,
        email: Optional[str],
        name: Optional[str],
        group_ids: Optional[List[str]],
    ) -> Any: ...
    def users_delete(self, id: str) -> Any: ...
    def policy_groups_list(
        self, limit: Optional[int], order: Optional[str], after: Optional[str]
    ) -> NativePager: ...
    def policy_groups_list_page(
        self,
        limit: Optional[int],
        order: Optional[str],
        after: Optional[str],
        include_total_count: bool,
    ) -> Any: ...
    def policy_groups_create(self, name: str, description: str, permissions: List[str]) -> Any: ...
    def policy_groups_get(self, id: str) -> Any: ...
    def policy_groups_update(
        self,
        id: str,
        name: Optional[str],
        description: Optional[str],
        permissions: Optional[List[str]],
    ) -> Any: ...
    def policy_groups_delete(self, id: str) -> Any: ...
    def policy_groups_list_applications(
        self, id: str, limit: Optional[int], order: Optional[str], after: Optional[str]
    ) -> NativePager: ...
    def policy_groups_list_applications_page(
        self,
        id: str,
        limit: Optional[int],
        order: Optional[str],
        after: Optional[str],
        include_total_count: bool,
    ) -> Any: ...
    def policy_groups_add_applications(self, id: str, ids: List[str]) -> Any: ...
    def policy_groups_remove_applications(self, id: str, ids: List[str]) -> Any: ...
    def policy_groups_list_users(
        self, id: str, limit: Optional[int], order: Optional[str], after: Optional[str]
    ) -> NativePager: ...
    def policy_groups_list_users_page(
        self,
        id: str,
        limit: Optional[int],
        order: Optional[str],
        after: Optional[str],
        include_total_count: bool,
    ) -> Any: ...
    def policy_groups_add_users(self, id: str, ids: List[str]) -> Any: ...
    def policy_groups_remove_users(self, id: str, ids: List[str]) -> Any: ...
    def accounts_current(self) -> Any: ...
    def accounts_rename_current(self, name: str) -> Any: ...
    def accounts_list(
        self, limit: Optional[int], order: Optional[str], after: Optional[str]
    ) -> NativePager: ...
    def accounts_list_page(
        self,
        limit: Optional[int],
        order: Optional[str],
        after: Optional[str],
        include_total_count: bool,
    ) -> Any: ...
    def accounts_create(
        self,
        name: str,
        plan: Optional[str],
        limits: Optional[Tuple[int, int, int]],
        admin_email: Optional[str],
    ) -> Any: ...
    def accounts_get(self, id: str) -> Any: ...
    def accounts_update(
        self,
        id: str,
        name: Optional[str],
        plan: Optional[str],
        limits: Optional[Tuple[int, int, int]],
    ) -> Any: ...

# --- end of the API client ----------------------------------------------------

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

def jwt_mint_access_token(
    key: _PrivateKey,
    *,
    application_id: str,
    key_id: str,
    audience: str,
    lifetime: Optional[_Seconds] = None,
    now: Optional[Union[int, float, datetime.datetime]] = None,
) -> str:
    """The access token a Latchkey server expects from ``application_id`` signing with JWT key ``key_id``."""

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
