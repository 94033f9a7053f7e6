"""The API client: :class:`Client` (blocking) and :class:`AsyncClient`
(asyncio), with one attribute per resource of the API.

Every call goes through the Rust client (``latchkey-client``) in the native
module: this file only gives it Pythonic keyword arguments. The resource
classes are not written by hand: ``cargo xtask codegen`` writes the blocking
ones (``Applications``, …) from the one description of the SDK surface
(``spec/sdk.json``, with the request schemas of ``spec/openapi.json``), and
their asyncio twins for :class:`AsyncClient` (``AsyncApplications``, …) from
those, at the end of this file. A blocking call
releases the GIL while it waits; an async call is awaited on asyncio while
the request runs on the binding's tokio runtime. Lists iterate over every
page, fetching each when the previous one is used up.
"""

# The native methods are typed ``Any`` (the same method answers with a value
# or an awaitable); the public types are declared here.
# mypy: no-warn-return-any

from __future__ import annotations

import enum
from datetime import datetime
from types import TracebackType
from typing import (
    Any,
    AsyncIterator,
    Dict,
    Iterator,
    List,
    Literal,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    Type,
    Union,
)

from ._latchkey import JwtSigner, NativeClient, NativePager
from ._models import (
    AccessKey,
    AccessKeyStatus,
    Account,
    Application,
    ApplicationStatus,
    AuditRecord,
    BulkDeleteResult,
    CreatedAccessKey,
    CreatedAccount,
    Health,
    Introspection,
    JwtKey,
    KeyPolicy,
    Limits,
    Me,
    Page,
    PasswordLink,
    PlanName,
    PolicyGroup,
    RolledAccessKey,
    ServerInfo,
    User,
    UserStatus,
)

__all__ = [
    "Client",
    "AsyncClient",
    "UNSET",
    "Unset",
    "Order",
    "KeyStatus",
    "Applications",
    "AccessKeys",
    "JwtKeys",
    "Users",
    "PolicyGroups",
    "Accounts",
    "AuditLog",
    "AsyncApplications",
    "AsyncAccessKeys",
    "AsyncJwtKeys",
    "AsyncUsers",
    "AsyncPolicyGroups",
    "AsyncAccounts",
    "AsyncAuditLog",
]

Order = Literal["ASC", "DESC"]
"""List order: ``ASC`` (creation order, the server's default) or ``DESC``."""
KeyStatus = Literal["active", "inactive", "revoked"]
"""The status a key can be set to (``expired`` follows from the expiration)."""


class Unset(enum.Enum):
    """The type of :data:`UNSET`."""

    UNSET = "UNSET"


UNSET = Unset.UNSET
"""The default of arguments where ``None`` means something (``expiration=None``
removes an expiration): leaves the value unchanged."""


def _expiration(expiration: Union[datetime, None, Unset]) -> Tuple[Optional[datetime], bool]:
    """The native pair: a new expiration, or whether to remove it."""
    if isinstance(expiration, Unset):
        return None, False
    if expiration is None:
        return None, True
    return expiration, False


def _public_key(public_key: Union[str, Mapping[str, Any]]) -> Union[str, Dict[str, Any]]:
    # Any mapping is a JWK; anything else goes as is (the native side names
    # the argument when it is neither text nor a mapping).
    return dict(public_key) if isinstance(public_key, Mapping) else public_key


def _limits(limits: Optional[Limits]) -> Optional[Tuple[int, int, int]]:
    if limits is None:
        return None
    return (
        limits.applications,
        limits.access_keys_per_application,
        limits.jwt_keys_per_application,
    )


def _iterate(pager: NativePager) -> Iterator[Any]:
    while True:
        items: Optional[List[Any]] = pager.next_page()
        if items is None:
            return
        yield from items


async def _aiterate(pager: NativePager) -> AsyncIterator[Any]:
    while True:
        items: Optional[List[Any]] = await pager.next_page()
        if items is None:
            return
        for item in items:
            yield item


_DEFAULT_TIMEOUT = 30.0
_DEFAULT_CONNECT_TIMEOUT = 10.0
_DEFAULT_MAX_RETRIES = 3


class Client:
    """A blocking Latchkey client.

    ``url`` defaults to ``$LATCHKEY_URL``; the credential is ``access_key``
    (checked offline: a mistyped key raises :class:`InvalidAccessKeyError`
    here), or ``signer`` (a :class:`JwtSigner`), or ``$LATCHKEY_ACCESS_KEY``.
    Without any, only :meth:`health` and :meth:`well_known` succeed.
    ``timeout`` is per attempt and ``connect_timeout`` per connection, in
    seconds; idempotent requests are retried up to ``max_retries`` times
    after a 429, a 503 or a failed connection.

    Use it as a context manager, or call :meth:`close`::

        with latchkey.Client("http://127.0.0.1:8080", access_key="ak_...") as client:
            for app in client.applications.list():
                print(app.name)
    """

    applications: Applications
    access_keys: AccessKeys
    jwt_keys: JwtKeys
    users: Users
    policy_groups: PolicyGroups
    accounts: Accounts
    audit_log: AuditLog

    def __init__(
        self,
        url: Optional[str] = None,
        *,
        access_key: Optional[str] = None,
        signer: Optional[JwtSigner] = None,
        timeout: float = _DEFAULT_TIMEOUT,
        connect_timeout: float = _DEFAULT_CONNECT_TIMEOUT,
        max_retries: int = _DEFAULT_MAX_RETRIES,
    ) -> None:
        native = NativeClient(
            url, access_key, signer, timeout, connect_timeout, max_retries, False
        )
        self._native = native
        self.applications = Applications(native)
        self.access_keys = AccessKeys(native)
        self.jwt_keys = JwtKeys(native)
        self.users = Users(native)
        self.policy_groups = PolicyGroups(native)
        self.accounts = Accounts(native)
        self.audit_log = AuditLog(native)

    @property
    def base_url(self) -> str:
        """The server's base URL, without a trailing slash."""
        return self._native.base_url

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._native.closed

    # --- generated by `cargo xtask codegen` from spec/sdk.json: the client's calls; do not edit ---

    def me(self) -> Me:
        """Who this credential is (``GET /v3/me``)."""
        return self._native.me()

    def health(self) -> Health:
        """Liveness (``GET /health``): the status is ``ok`` while the server is
        up; no credential needed.
        """
        return self._native.health()

    def well_known(self) -> ServerInfo:
        """Public server facts (``GET /.well-known/latchkey``); no credential needed."""
        return self._native.well_known()

    def openapi(self) -> Dict[str, Any]:
        """The server's OpenAPI 3.1 document (``GET /openapi.json``); no credential needed."""
        return self._native.openapi()

    def introspect(self, token: str) -> Introspection:
        """Whether ``token`` (an access key or a JWT) is active, and whose it
        is (``POST /v3/introspect``, needs ``credentials:introspect``). A
        revoked, expired, unknown or malformed token is inactive with nothing
        else, whatever the reason; each one that does not verify spends this
        client's failure budget on the server.
        """
        return self._native.introspect(token)

    # --- end of the client's calls ---

    def close(self) -> None:
        """Drops the client's connections; later calls raise
        :class:`ClientClosedError`. Closing twice is harmless."""
        self._native.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        traceback: Optional[TracebackType],
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<latchkey.Client base_url={self.base_url!r}>"


class AsyncClient:
    """An asyncio Latchkey client: the same calls as :class:`Client`, each
    awaitable, and lists as async iterators::

        async with latchkey.AsyncClient(url, access_key=key) as client:
            me = await client.me()
            async for app in client.applications.list():
                print(app.name)

    Requests run on the binding's tokio runtime, so many can be in flight
    at once (``asyncio.gather``).
    """

    applications: AsyncApplications
    access_keys: AsyncAccessKeys
    jwt_keys: AsyncJwtKeys
    users: AsyncUsers
    policy_groups: AsyncPolicyGroups
    accounts: AsyncAccounts
    audit_log: AsyncAuditLog

    def __init__(
        self,
        url: Optional[str] = None,
        *,
        access_key: Optional[str] = None,
        signer: Optional[JwtSigner] = None,
        timeout: float = _DEFAULT_TIMEOUT,
        connect_timeout: float = _DEFAULT_CONNECT_TIMEOUT,
        max_retries: int = _DEFAULT_MAX_RETRIES,
    ) -> None:
        native = NativeClient(
            url, access_key, signer, timeout, connect_timeout, max_retries, True
        )
        self._native = native
        self.applications = AsyncApplications(native)
        self.access_keys = AsyncAccessKeys(native)
        self.jwt_keys = AsyncJwtKeys(native)
        self.users = AsyncUsers(native)
        self.policy_groups = AsyncPolicyGroups(native)
        self.accounts = AsyncAccounts(native)
        self.audit_log = AsyncAuditLog(native)

    @property
    def base_url(self) -> str:
        """The server's base URL, without a trailing slash."""
        return self._native.base_url

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._native.closed

    # --- generated by `cargo xtask codegen` from spec/sdk.json: the client's calls; do not edit ---

    async def me(self) -> Me:
        """Who this credential is (``GET /v3/me``)."""
        return await self._native.me()

    async def health(self) -> Health:
        """Liveness (``GET /health``): the status is ``ok`` while the server is
        up; no credential needed.
        """
        return await self._native.health()

    async def well_known(self) -> ServerInfo:
        """Public server facts (``GET /.well-known/latchkey``); no credential needed."""
        return await self._native.well_known()

    async def openapi(self) -> Dict[str, Any]:
        """The server's OpenAPI 3.1 document (``GET /openapi.json``); no credential needed."""
        return await self._native.openapi()

    async def introspect(self, token: str) -> Introspection:
        """Whether ``token`` (an access key or a JWT) is active, and whose it
        is (``POST /v3/introspect``, needs ``credentials:introspect``). A
        revoked, expired, unknown or malformed token is inactive with nothing
        else, whatever the reason; each one that does not verify spends this
        client's failure budget on the server.
        """
        return await self._native.introspect(token)

    # --- end of the client's calls ---

    def close(self) -> None:
        """Drops the client's connections; later calls raise
        :class:`ClientClosedError`. Closing twice is harmless."""
        self._native.close()

    async def aclose(self) -> None:
        """:meth:`close`, as httpx spells it for async clients."""
        self.close()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        traceback: Optional[TracebackType],
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<latchkey.AsyncClient base_url={self.base_url!r}>"


# --- generated by `cargo xtask codegen` from spec/sdk.json: the resource classes; do not edit ---


class Applications:
    """Applications: the holders of credentials (``/v3/applications``)."""

    __slots__ = ("_native",)

    def __init__(self, native: NativeClient) -> None:
        self._native = native

    def list(
        self,
        *,
        status: Optional[ApplicationStatus] = None,
        limit: int = 50,
        order: Optional[Order] = None,
        after: Optional[str] = None,
    ) -> Iterator[Application]:
        """Every application the caller may view, across pages (revoked ones
        only when the ``status`` filter is ``revoked``).
        """
        return _iterate(self._native.applications_list(status, limit, order, after))

    def list_page(
        self,
        *,
        status: Optional[ApplicationStatus] = None,
        limit: int = 50,
        order: Optional[Order] = None,
        after: Optional[str] = None,
        include_total_count: bool = False,
    ) -> Page[Application]:
        """One page of applications."""
        return self._native.applications_list_page(
            status,
            limit,
            order,
            after,
            include_total_count,
        )

    def create(
        self,
        *,
        name: str,
        description: str = "",
        group_ids: Sequence[str] = (),
        created_by: Optional[str] = None,
    ) -> Application:
        """Creates an application in the policy groups ``group_ids`` (within
        the plan's limit); ``created_by`` names another owner (needs
        ``users:manage``).
        """
        return self._native.applications_create(
            name,
            description,
            list(group_ids),
            created_by,
        )

    def get(self, application_id: str) -> Application:
        """An application."""
        return self._native.applications_get(application_id)

    def update(
        self,
        application_id: str,
        *,
        name: Optional[str] = None,
        description: Optional[str] = None,
        status: Optional[ApplicationStatus] = None,
    ) -> Application:
        """Changes what is given of the name, description and status."""
        return self._native.applications_update(application_id, name, description, status)

    def revoke(self, application_id: str) -> Application:
        """Revokes an application (terminal): its credentials stop working."""
        return self._native.applications_revoke(application_id)

    def delete(self, application_id: str) -> None:
        """Deletes an application and all its keys."""
        self._native.applications_delete(application_id)


class AccessKeys:
    """Access keys (``ak_…``) of applications."""

    __slots__ = ("_native",)

    def __init__(self, native: NativeClient) -> None:
        self._native = native

    def list(
        self,
        application_id: str,
        *,
        status: Optional[AccessKeyStatus] = None,
        limit: int = 50,
        order: Optional[Order] = None,
        after: Optional[str] = None,
    ) -> Iterator[AccessKey]:
        """Every access key of an application, across pages (revoked ones only
        when the ``status`` filter is ``revoked``).
        """
        pager = self._native.access_keys_list(application_id, status, limit, order, after)
        return _iterate(pager)

    def list_page(
        self,
        application_id: str,
        *,
        status: Optional[AccessKeyStatus] = None,
        limit: int = 50,
        order: Optional[Order] = None,
        after: Optional[str] = None,
        include_total_count: bool = False,
    ) -> Page[AccessKey]:
        """One page of an application's access keys."""
        return self._native.access_keys_list_page(
            application_id,
            status,
            limit,
            order,
            after,
            include_total_count,
        )

    def list_account(
        self,
        *,
        application_id: Optional[str] = None,
        status: Optional[AccessKeyStatus] = None,
        limit: int = 50,
        order: Optional[Order] = None,
        after: Optional[str] = None,
    ) -> Iterator[AccessKey]:
        """Every access key of the account the caller may view, optionally of
        one application (``GET /v3/access-keys``), across pages.
        """
        pager = self._native.access_keys_list_account(
            application_id,
            status,
            limit,
            order,
            after,
        )
        return _iterate(pager)

    def list_account_page(
        self,
        *,
        application_id: Optional[str] = None,
        status: Optional[AccessKeyStatus] = None,
        limit: int = 50,
        order: Optional[Order] = None,
        after: Optional[str] = None,
        include_total_count: bool = False,
    ) -> Page[AccessKey]:
        """One page of ``GET /v3/access-keys``."""
        return self._native.access_keys_list_account_page(
            application_id,
            status,
            limit,
            order,
            after,
            include_total_count,
        )

    def create(
        self,
        application_id: str,
        *,
        name: str,
        description: str = "",
        scopes: Sequence[str] = (),
        expiration: Optional[datetime] = None,
        created_by: Optional[str] = None,
    ) -> CreatedAccessKey:
        """Creates an access key. ``scopes`` narrow it and never change (empty:
        unscoped when the calling credential holds every permission; otherwise
        the application's current rights become its scopes); ``expiration`` is
        an instant with its time zone. The result's ``key`` is the full secret,
        shown this once.
        """
        return self._native.access_keys_create(
            application_id,
            name,
            description,
            list(scopes),
            expiration,
            created_by,
        )

    def get(self, application_id: str, key_id: str) -> AccessKey:
        """An access key."""
        return self._native.access_keys_get(application_id, key_id)

    def update(
        self,
        application_id: str,
        key_id: str,
        *,
        name: Optional[str] = None,
        description: Optional[str] = None,
        status: Optional[KeyStatus] = None,
        expiration: Union[datetime, None, Unset] = UNSET,
    ) -> AccessKey:
        """Changes what is given: name, description, status (``active``,
        ``inactive``, ``revoked``) and expiration, which may also be removed
        (the key then never expires).
        """
        return self._native.access_keys_update(
            application_id,
            key_id,
            name,
            description,
            status,
            *_expiration(expiration),
        )

    def set_status(self, application_id: str, key_id: str, status: KeyStatus) -> AccessKey:
        """Sets the stored status: ``active``, ``inactive`` or ``revoked`` (terminal)."""
        return self._native.access_keys_set_status(application_id, key_id, status)

    def revoke(self, application_id: str, key_id: str) -> AccessKey:
        """Revokes an access key (terminal)."""
        return self._native.access_keys_revoke(application_id, key_id)

    def roll(
        self,
        application_id: str,
        key_id: str,
        *,
        grace_seconds: int,
        name: Optional[str] = None,
    ) -> RolledAccessKey:
        """Rolls an access key: a new key with the old one's scopes,
        description and expiration (named ``name``, else the old name with a
        ``-rolled-N`` suffix), while the old key keeps working for
        ``grace_seconds`` (0 to 604800) and then expires. The result's ``key``
        is the new secret, shown this once; its ``rolled`` is the old key with
        its new ``expiration``. ``LimitExceededError`` when the application has
        no room for another key.
        """
        return self._native.access_keys_roll(application_id, key_id, grace_seconds, name)

    def delete(self, application_id: str, key_id: str) -> None:
        """Deletes an access key."""
        self._native.access_keys_delete(application_id, key_id)

    def bulk_delete(self, ids: Sequence[str]) -> BulkDeleteResult:
        """Deletes every listed key, or none: when any cannot be deleted, a
        ``ConflictError`` whose ``fields`` name each failing ``ids[i]``.
        """
        return self._native.access_keys_bulk_delete(list(ids))


class JwtKeys:
    """JWT keys: registered public keys whose private halves sign access tokens."""

    __slots__ = ("_native",)

    def __init__(self, native: NativeClient) -> None:
        self._native = native

    def list(
        self,
        application_id: str,
        *,
        status: Optional[AccessKeyStatus] = None,
        limit: int = 50,
        order: Optional[Order] = None,
        after: Optional[str] = None,
    ) -> Iterator[JwtKey]:
        """Every JWT key of an application, across pages."""
        pager = self._native.jwt_keys_list(application_id, status, limit, order, after)
        return _iterate(pager)

    def list_page(
        self,
        application_id: str,
        *,
        status: Optional[AccessKeyStatus] = None,
        limit: int = 50,
        order: Optional[Order] = None,
        after: Optional[str] = None,
        include_total_count: bool = False,
    ) -> Page[JwtKey]:
        """One page of an application's JWT keys."""
        return self._native.jwt_keys_list_page(
            application_id,
            status,
            limit,
            order,
            after,
            include_total_count,
        )

    def create(
        self,
        application_id: str,
        *,
        name: str,
        public_key: Union[str, Mapping[str, Any]],
        description: str = "",
        algorithm: Optional[str] = None,
        expiration: Optional[datetime] = None,
        scopes: Sequence[str] = (),
        created_by: Optional[str] = None,
    ) -> JwtKey:
        """Registers a public key (PEM SPKI or X.509 certificate text, or a
        JWK); its ``id`` is the ``kid`` of the tokens it signs. ``algorithm``
        defaults to the key's. ``scopes`` narrow its tokens as an access key's
        scopes do, and never change (empty: unscoped when the calling
        credential holds every permission; otherwise the application's current
        rights become its scopes).
        """
        return self._native.jwt_keys_create(
            application_id,
            name,
            _public_key(public_key),
            description,
            algorithm,
            expiration,
            list(scopes),
            created_by,
        )

    def get(self, application_id: str, key_id: str) -> JwtKey:
        """A JWT key."""
        return self._native.jwt_keys_get(application_id, key_id)

    def update(
        self,
        application_id: str,
        key_id: str,
        *,
        name: Optional[str] = None,
        description: Optional[str] = None,
        status: Optional[KeyStatus] = None,
        expiration: Union[datetime, None, Unset] = UNSET,
    ) -> JwtKey:
        """Changes what is given: name, description, status and expiration,
        which may also be removed (the key then never expires).
        """
        return self._native.jwt_keys_update(
            application_id,
            key_id,
            name,
            description,
            status,
            *_expiration(expiration),
        )

    def set_status(self, application_id: str, key_id: str, status: KeyStatus) -> JwtKey:
        """Sets the stored status: ``active``, ``inactive`` or ``revoked`` (terminal)."""
        return self._native.jwt_keys_set_status(application_id, key_id, status)

    def revoke(self, application_id: str, key_id: str) -> JwtKey:
        """Revokes a JWT key (terminal)."""
        return self._native.jwt_keys_revoke(application_id, key_id)

    def delete(self, application_id: str, key_id: str) -> None:
        """Deletes a JWT key."""
        self._native.jwt_keys_delete(application_id, key_id)

    def jwks(self, application_id: str) -> Dict[str, Any]:
        """The application's active public keys as a JWK set, as the JWT
        toolkit's verify takes it.
        """
        return self._native.jwt_keys_jwks(application_id)


class Users:
    """Users of the caller's account."""

    __slots__ = ("_native",)

    def __init__(self, native: NativeClient) -> None:
        self._native = native

    def list(
        self,
        *,
        status: Optional[UserStatus] = None,
        limit: int = 50,
        order: Optional[Order] = None,
        after: Optional[str] = None,
    ) -> Iterator[User]:
        """Every user, across pages (deleted ones only when the ``status``
        filter is ``deleted``).
        """
        return _iterate(self._native.users_list(status, limit, order, after))

    def list_page(
        self,
        *,
        status: Optional[UserStatus] = None,
        limit: int = 50,
        order: Optional[Order] = None,
        after: Optional[str] = None,
        include_total_count: bool = False,
    ) -> Page[User]:
        """One page of users."""
        return self._native.users_list_page(status, limit, order, after, include_total_count)

    def create(self, *, email: str, name: str = "", group_ids: Sequence[str] = ()) -> User:
        """Creates a user in the policy groups ``group_ids``."""
        return self._native.users_create(email, name, list(group_ids))

    def get(self, user_id: str) -> User:
        """A user."""
        return self._native.users_get(user_id)

    def update(
        self,
        user_id: str,
        *,
        email: Optional[str] = None,
        name: Optional[str] = None,
        group_ids: Optional[Sequence[str]] = None,
    ) -> User:
        """Changes what is given of the email, name and groups."""
        return self._native.users_update(
            user_id,
            email,
            name,
            None if group_ids is None else list(group_ids),
        )

    def delete(self, user_id: str) -> None:
        """Marks a user deleted: everything the user created stops authenticating."""
        self._native.users_delete(user_id)

    def password_link(self, user_id: str) -> PasswordLink:
        """A one-time link that sets the user's console password, valid 24
        hours; the user's earlier links stop working. Needs ``users:manage``,
        and the user's rights must be the caller's to give (whoever holds the
        link acts as the user): ``ForbiddenError`` naming ``id`` otherwise.
        """
        return self._native.users_password_link(user_id)


class PolicyGroups:
    """Policy groups: named permission sets, and their members."""

    __slots__ = ("_native",)

    def __init__(self, native: NativeClient) -> None:
        self._native = native

    def list(
        self,
        *,
        limit: int = 50,
        order: Optional[Order] = None,
        after: Optional[str] = None,
    ) -> Iterator[PolicyGroup]:
        """Every policy group, across pages."""
        return _iterate(self._native.policy_groups_list(limit, order, after))

    def list_page(
        self,
        *,
        limit: int = 50,
        order: Optional[Order] = None,
        after: Optional[str] = None,
        include_total_count: bool = False,
    ) -> Page[PolicyGroup]:
        """One page of policy groups."""
        return self._native.policy_groups_list_page(limit, order, after, include_total_count)

    def create(
        self,
        *,
        name: str,
        description: str = "",
        permissions: Sequence[str] = (),
    ) -> PolicyGroup:
        """Creates a policy group granting ``permissions``."""
        return self._native.policy_groups_create(name, description, list(permissions))

    def get(self, group_id: str) -> PolicyGroup:
        """A policy group."""
        return self._native.policy_groups_get(group_id)

    def update(
        self,
        group_id: str,
        *,
        name: Optional[str] = None,
        description: Optional[str] = None,
        permissions: Optional[Sequence[str]] = None,
    ) -> PolicyGroup:
        """Changes what is given of the name, description and permissions."""
        return self._native.policy_groups_update(
            group_id,
            name,
            description,
            None if permissions is None else list(permissions),
        )

    def delete(self, group_id: str) -> None:
        """Deletes a policy group (``Administrators`` cannot be deleted)."""
        self._native.policy_groups_delete(group_id)

    def list_applications(
        self,
        group_id: str,
        *,
        limit: int = 50,
        order: Optional[Order] = None,
        after: Optional[str] = None,
    ) -> Iterator[Application]:
        """The applications in a group, across pages."""
        pager = self._native.policy_groups_list_applications(group_id, limit, order, after)
        return _iterate(pager)

    def list_applications_page(
        self,
        group_id: str,
        *,
        limit: int = 50,
        order: Optional[Order] = None,
        after: Optional[str] = None,
        include_total_count: bool = False,
    ) -> Page[Application]:
        """One page of the applications in a group."""
        return self._native.policy_groups_list_applications_page(
            group_id,
            limit,
            order,
            after,
            include_total_count,
        )

    def add_applications(self, group_id: str, ids: Sequence[str]) -> None:
        """Adds applications to a group, all or nothing."""
        self._native.policy_groups_add_applications(group_id, list(ids))

    def remove_applications(self, group_id: str, ids: Sequence[str]) -> None:
        """Removes applications from a group, all or nothing."""
        self._native.policy_groups_remove_applications(group_id, list(ids))

    def list_users(
        self,
        group_id: str,
        *,
        limit: int = 50,
        order: Optional[Order] = None,
        after: Optional[str] = None,
    ) -> Iterator[User]:
        """The users in a group, across pages."""
        return _iterate(self._native.policy_groups_list_users(group_id, limit, order, after))

    def list_users_page(
        self,
        group_id: str,
        *,
        limit: int = 50,
        order: Optional[Order] = None,
        after: Optional[str] = None,
        include_total_count: bool = False,
    ) -> Page[User]:
        """One page of the users in a group."""
        return self._native.policy_groups_list_users_page(
            group_id,
            limit,
            order,
            after,
            include_total_count,
        )

    def add_users(self, group_id: str, ids: Sequence[str]) -> None:
        """Adds users to a group, all or nothing."""
        self._native.policy_groups_add_users(group_id, list(ids))

    def remove_users(self, group_id: str, ids: Sequence[str]) -> None:
        """Removes users from a group, all or nothing."""
        self._native.policy_groups_remove_users(group_id, list(ids))


class Accounts:
    """The caller's account; tenant accounts for the operator (``accounts:manage``)."""

    __slots__ = ("_native",)

    def __init__(self, native: NativeClient) -> None:
        self._native = native

    def current(self) -> Account:
        """The caller's account."""
        return self._native.accounts_current()

    def key_policy(self) -> KeyPolicy:
        """The caller's account's key policy (``GET /v3/accounts/me/policy``,
        needs ``account:view``).
        """
        return self._native.accounts_key_policy()

    def update_key_policy(self, policy: KeyPolicy) -> KeyPolicy:
        """Replaces the caller's account's key policy (``PUT
        /v3/accounts/me/policy``, needs ``account:edit``); returns the policy
        now in force. A policy with nothing set asks nothing. New keys are held
        to it (a ``ValidationError`` naming ``expiration`` otherwise); keys
        made before it are left as they are.
        """
        return self._native.accounts_update_key_policy(
            policy.max_key_lifetime_days,
            policy.require_expiration,
            policy.deactivate_unused_after_days,
            policy.exposed_key_action,
        )

    def rename_current(self, name: str) -> Account:
        """Renames the caller's account (the plan is the operator's to change)."""
        return self._native.accounts_rename_current(name)

    def list(
        self,
        *,
        limit: int = 50,
        order: Optional[Order] = None,
        after: Optional[str] = None,
    ) -> Iterator[Account]:
        """Every account, across pages (operator only)."""
        return _iterate(self._native.accounts_list(limit, order, after))

    def list_page(
        self,
        *,
        limit: int = 50,
        order: Optional[Order] = None,
        after: Optional[str] = None,
        include_total_count: bool = False,
    ) -> Page[Account]:
        """One page of accounts (operator only)."""
        return self._native.accounts_list_page(limit, order, after, include_total_count)

    def create(
        self,
        *,
        name: str,
        plan: Optional[PlanName] = None,
        limits: Optional[Limits] = None,
        admin_email: Optional[str] = None,
    ) -> CreatedAccount:
        """Creates a tenant account with its ``Administrators`` group, admin
        user, admin application and first access key, whose secret is the
        result's ``key``, shown this once (operator only). ``limits`` go with
        plan ``custom``.
        """
        return self._native.accounts_create(name, plan, _limits(limits), admin_email)

    def get(self, account_id: str) -> Account:
        """An account (operator only)."""
        return self._native.accounts_get(account_id)

    def update(
        self,
        account_id: str,
        *,
        name: Optional[str] = None,
        plan: Optional[PlanName] = None,
        limits: Optional[Limits] = None,
    ) -> Account:
        """Changes an account's name, plan or limits (operator only)."""
        return self._native.accounts_update(account_id, name, plan, _limits(limits))


class AuditLog:
    """The account's audit log (``/v3/audit-log``, needs ``audit:view``): every
    change and sign-in, in the order written. Every filter given must match:
    ``action`` (``access_key.update``, …), ``target_id`` (the object's id),
    ``actor_user_id``, and ``since``/``until`` (instants, both inclusive). An
    action the server does not know is its ``ValidationError`` naming
    ``action``.
    """

    __slots__ = ("_native",)

    def __init__(self, native: NativeClient) -> None:
        self._native = native

    def list(
        self,
        *,
        action: Optional[str] = None,
        target_id: Optional[str] = None,
        actor_user_id: Optional[str] = None,
        since: Optional[datetime] = None,
        until: Optional[datetime] = None,
        limit: int = 50,
        order: Optional[Order] = None,
        after: Optional[str] = None,
    ) -> Iterator[AuditRecord]:
        """Every record passing the filters, across pages."""
        pager = self._native.audit_log_list(
            action,
            target_id,
            actor_user_id,
            since,
            until,
            limit,
            order,
            after,
        )
        return _iterate(pager)

    def list_page(
        self,
        *,
        action: Optional[str] = None,
        target_id: Optional[str] = None,
        actor_user_id: Optional[str] = None,
        since: Optional[datetime] = None,
        until: Optional[datetime] = None,
        limit: int = 50,
        order: Optional[Order] = None,
        after: Optional[str] = None,
        include_total_count: bool = False,
    ) -> Page[AuditRecord]:
        """One page of the records passing the filters."""
        return self._native.audit_log_list_page(
            action,
            target_id,
            actor_user_id,
            since,
            until,
            limit,
            order,
            after,
            include_total_count,
        )


# --- generated by `cargo xtask codegen` from the classes above: the asyncio twins; do not edit ---


class AsyncApplications:
    """Applications: the holders of credentials (``/v3/applications``)."""

    __slots__ = ("_native",)

    def __init__(self, native: NativeClient) -> None:
        self._native = native

    def list(
        self,
        *,
        status: Optional[ApplicationStatus] = None,
        limit: int = 50,
        order: Optional[Order] = None,
        after: Optional[str] = None,
    ) -> AsyncIterator[Application]:
        """Every application the caller may view, across pages (revoked ones
        only when the ``status`` filter is ``revoked``).
        """
        return _aiterate(self._native.applications_list(status, limit, order, after))

    async def list_page(
        self,
        *,
        status: Optional[ApplicationStatus] = None,
        limit: int = 50,
        order: Optional[Order] = None,
        after: Optional[str] = None,
        include_total_count: bool = False,
    ) -> Page[Application]:
        """One page of applications."""
        return await self._native.applications_list_page(
            status,
            limit,
            order,
            after,
            include_total_count,
        )

    async def create(
        self,
        *,
        name: str,
        description: str = "",
        group_ids: Sequence[str] = (),
        created_by: Optional[str] = None,
    ) -> Application:
        """Creates an application in the policy groups ``group_ids`` (within
        the plan's limit); ``created_by`` names another owner (needs
        ``users:manage``).
        """
        return await self._native.applications_create(
            name,
            description,
            list(group_ids),
            created_by,
        )

    async def get(self, application_id: str) -> Application:
        """An application."""
        return await self._native.applications_get(application_id)

    async def update(
        self,
        application_id: str,
        *,
        name: Optional[str] = None,
        description: Optional[str] = None,
        status: Optional[ApplicationStatus] = None,
    ) -> Application:
        """Changes what is given of the name, description and status."""
        return await self._native.applications_update(application_id, name, description, status)

    async def revoke(self, application_id: str) -> Application:
        """Revokes an application (terminal): its credentials stop working."""
        return await self._native.applications_revoke(application_id)

    async def delete(self, application_id: str) -> None:
        """Deletes an application and all its keys."""
        await self._native.applications_delete(application_id)


class AsyncAccessKeys:
    """Access keys (``ak_…``) of applications."""

    __slots__ = ("_native",)

    def __init__(self, native: NativeClient) -> None:
        self._native = native

    def list(
        self,
        application_id: str,
        *,
        status: Optional[AccessKeyStatus] = None,
        limit: int = 50,
        order: Optional[Order] = None,
        after: Optional[str] = None,
    ) -> AsyncIterator[AccessKey]:
        """Every access key of an application, across pages (revoked ones only
        when the ``status`` filter is ``revoked``).
        """
        pager = self._native.access_keys_list(application_id, status, limit, order, after)
        return _aiterate(pager)

    async def list_page(
        self,
        application_id: str,
        *,
        status: Optional[AccessKeyStatus] = None,
        limit: int = 50,
        order: Optional[Order] = None,
        after: Optional[str] = None,
        include_total_count: bool = False,
    ) -> Page[AccessKey]:
        """One page of an application's access keys."""
        return await self._native.access_keys_list_page(
            application_id,
            status,
            limit,
            order,
            after,
            include_total_count,
        )

    def list_account(
        self,
        *,
        application_id: Optional[str] = None,
        status: Optional[AccessKeyStatus] = None,
        limit: int = 50,
        order: Optional[Order] = None,
        after: Optional[str] = None,
    ) -> AsyncIterator[AccessKey]:
        """Every access key of the account the caller may view, optionally of
        one application (``GET /v3/access-keys``), across pages.
        """
        pager = self._native.access_keys_list_account(
            application_id,
            status,
            limit,
            order,
            after,
        )
        return _aiterate(pager)

    async def list_account_page(
        self,
        *,
        application_id: Optional[str] = None,
        status: Optional[AccessKeyStatus] = None,
        limit: int = 50,
        order: Optional[Order] = None,
        after: Optional[str] = None,
        include_total_count: bool = False,
    ) -> Page[AccessKey]:
        """One page of ``GET /v3/access-keys``."""
        return await self._native.access_keys_list_account_page(
            application_id,
            status,
            limit,
            order,
            after,
            include_total_count,
        )

    async def create(
        self,
        application_id: str,
        *,
        name: str,
        description: str = "",
        scopes: Sequence[str] = (),
        expiration: Optional[datetime] = None,
        created_by: Optional[str] = None,
    ) -> CreatedAccessKey:
        """Creates an access key. ``scopes`` narrow it and never change (empty:
        unscoped when the calling credential holds every permission; otherwise
        the application's current rights become its scopes); ``expiration`` is
        an instant with its time zone. The result's ``key`` is the full secret,
        shown this once.
        """
        return await self._native.access_keys_create(
            application_id,
            name,
            description,
            list(scopes),
            expiration,
            created_by,
        )

    async def get(self, application_id: str, key_id: str) -> AccessKey:
        """An access key."""
        return await self._native.access_keys_get(application_id, key_id)

    async def update(
        self,
        application_id: str,
        key_id: str,
        *,
        name: Optional[str] = None,
        description: Optional[str] = None,
        status: Optional[KeyStatus] = None,
        expiration: Union[datetime, None, Unset] = UNSET,
    ) -> AccessKey:
        """Changes what is given: name, description, status (``active``,
        ``inactive``, ``revoked``) and expiration, which may also be removed
        (the key then never expires).
        """
        return await self._native.access_keys_update(
            application_id,
            key_id,
            name,
            description,
            status,
            *_expiration(expiration),
        )

    async def set_status(self, application_id: str, key_id: str, status: KeyStatus) -> AccessKey:
        """Sets the stored status: ``active``, ``inactive`` or ``revoked`` (terminal)."""
        return await self._native.access_keys_set_status(application_id, key_id, status)

    async def revoke(self, application_id: str, key_id: str) -> AccessKey:
        """Revokes an access key (terminal)."""
        return await self._native.access_keys_revoke(application_id, key_id)

    async def roll(
        self,
        application_id: str,
        key_id: str,
        *,
        grace_seconds: int,
        name: Optional[str] = None,
    ) -> RolledAccessKey:
        """Rolls an access key: a new key with the old one's scopes,
        description and expiration (named ``name``, else the old name with a
        ``-rolled-N`` suffix), while the old key keeps working for
        ``grace_seconds`` (0 to 604800) and then expires. The result's ``key``
        is the new secret, shown this once; its ``rolled`` is the old key with
        its new ``expiration``. ``LimitExceededError`` when the application has
        no room for another key.
        """
        return await self._native.access_keys_roll(application_id, key_id, grace_seconds, name)

    async def delete(self, application_id: str, key_id: str) -> None:
        """Deletes an access key."""
        await self._native.access_keys_delete(application_id, key_id)

    async def bulk_delete(self, ids: Sequence[str]) -> BulkDeleteResult:
        """Deletes every listed key, or none: when any cannot be deleted, a
        ``ConflictError`` whose ``fields`` name each failing ``ids[i]``.
        """
        return await self._native.access_keys_bulk_delete(list(ids))


class AsyncJwtKeys:
    """JWT keys: registered public keys whose private halves sign access tokens."""

    __slots__ = ("_native",)

    def __init__(self, native: NativeClient) -> None:
        self._native = native

    def list(
        self,
        application_id: str,
        *,
        status: Optional[AccessKeyStatus] = None,
        limit: int = 50,
        order: Optional[Order] = None,
        after: Optional[str] = None,
    ) -> AsyncIterator[JwtKey]:
        """Every JWT key of an application, across pages."""
        pager = self._native.jwt_keys_list(application_id, status, limit, order, after)
        return _aiterate(pager)

    async def list_page(
        self,
        application_id: str,
        *,
        status: Optional[AccessKeyStatus] = None,
        limit: int = 50,
        order: Optional[Order] = None,
        after: Optional[str] = None,
        include_total_count: bool = False,
    ) -> Page[JwtKey]:
        """One page of an application's JWT keys."""
        return await self._native.jwt_keys_list_page(
            application_id,
            status,
            limit,
            order,
            after,
            include_total_count,
        )

    async def create(
        self,
        application_id: str,
        *,
        name: str,
        public_key: Union[str, Mapping[str, Any]],
        description: str = "",
        algorithm: Optional[str] = None,
        expiration: Optional[datetime] = None,
        scopes: Sequence[str] = (),
        created_by: Optional[str] = None,
    ) -> JwtKey:
        """Registers a public key (PEM SPKI or X.509 certificate text, or a
        JWK); its ``id`` is the ``kid`` of the tokens it signs. ``algorithm``
        defaults to the key's. ``scopes`` narrow its tokens as an access key's
        scopes do, and never change (empty: unscoped when the calling
        credential holds every permission; otherwise the application's current
        rights become its scopes).
        """
        return await self._native.jwt_keys_create(
            application_id,
            name,
            _public_key(public_key),
            description,
            algorithm,
            expiration,
            list(scopes),
            created_by,
        )

    async def get(self, application_id: str, key_id: str) -> JwtKey:
        """A JWT key."""
        return await self._native.jwt_keys_get(application_id, key_id)

    async def update(
        self,
        application_id: str,
        key_id: str,
        *,
        name: Optional[str] = None,
        description: Optional[str] = None,
        status: Optional[KeyStatus] = None,
        expiration: Union[datetime, None, Unset] = UNSET,
    ) -> JwtKey:
        """Changes what is given: name, description, status and expiration,
        which may also be removed (the key then never expires).
        """
        return await self._native.jwt_keys_update(
            application_id,
            key_id,
            name,
            description,
            status,
            *_expiration(expiration),
        )

    async def set_status(self, application_id: str, key_id: str, status: KeyStatus) -> JwtKey:
        """Sets the stored status: ``active``, ``inactive`` or ``revoked`` (terminal)."""
        return await self._native.jwt_keys_set_status(application_id, key_id, status)

    async def revoke(self, application_id: str, key_id: str) -> JwtKey:
        """Revokes a JWT key (terminal)."""
        return await self._native.jwt_keys_revoke(application_id, key_id)

    async def delete(self, application_id: str, key_id: str) -> None:
        """Deletes a JWT key."""
        await self._native.jwt_keys_delete(application_id, key_id)

    async def jwks(self, application_id: str) -> Dict[str, Any]:
        """The application's active public keys as a JWK set, as the JWT
        toolkit's verify takes it.
        """
        return await self._native.jwt_keys_jwks(application_id)


class AsyncUsers:
    """Users of the caller's account."""

    __slots__ = ("_native",)

    def __init__(self, native: NativeClient) -> None:
        self._native = native

    def list(
        self,
        *,
        status: Optional[UserStatus] = None,
        limit: int = 50,
        order: Optional[Order] = None,
        after: Optional[str] = None,
    ) -> AsyncIterator[User]:
        """Every user, across pages (deleted ones only when the ``status``
        filter is ``deleted``).
        """
        return _aiterate(self._native.users_list(status, limit, order, after))

    async def list_page(
        self,
        *,
        status: Optional[UserStatus] = None,
        limit: int = 50,
        order: Optional[Order] = None,
        after: Optional[str] = None,
        include_total_count: bool = False,
    ) -> Page[User]:
        """One page of users."""
        return await self._native.users_list_page(status, limit, order, after, include_total_count)

    async def create(self, *, email: str, name: str = "", group_ids: Sequence[str] = ()) -> User:
        """Creates a user in the policy groups ``group_ids``."""
        return await self._native.users_create(email, name, list(group_ids))

    async def get(self, user_id: str) -> User:
        """A user."""
        return await self._native.users_get(user_id)

    async def update(
        self,
        user_id: str,
        *,
        email: Optional[str] = None,
        name: Optional[str] = None,
        group_ids: Optional[Sequence[str]] = None,
    ) -> User:
        """Changes what is given of the email, name and groups."""
        return await self._native.users_update(
            user_id,
            email,
            name,
            None if group_ids is None else list(group_ids),
        )

    async def delete(self, user_id: str) -> None:
        """Marks a user deleted: everything the user created stops authenticating."""
        await self._native.users_delete(user_id)

    async def password_link(self, user_id: str) -> PasswordLink:
        """A one-time link that sets the user's console password, valid 24
        hours; the user's earlier links stop working. Needs ``users:manage``,
        and the user's rights must be the caller's to give (whoever holds the
        link acts as the user): ``ForbiddenError`` naming ``id`` otherwise.
        """
        return await self._native.users_password_link(user_id)


class AsyncPolicyGroups:
    """Policy groups: named permission sets, and their members."""

    __slots__ = ("_native",)

    def __init__(self, native: NativeClient) -> None:
        self._native = native

    def list(
        self,
        *,
        limit: int = 50,
        order: Optional[Order] = None,
        after: Optional[str] = None,
    ) -> AsyncIterator[PolicyGroup]:
        """Every policy group, across pages."""
        return _aiterate(self._native.policy_groups_list(limit, order, after))

    async def list_page(
        self,
        *,
        limit: int = 50,
        order: Optional[Order] = None,
        after: Optional[str] = None,
        include_total_count: bool = False,
    ) -> Page[PolicyGroup]:
        """One page of policy groups."""
        return await self._native.policy_groups_list_page(limit, order, after, include_total_count)

    async def create(
        self,
        *,
        name: str,
        description: str = "",
        permissions: Sequence[str] = (),
    ) -> PolicyGroup:
        """Creates a policy group granting ``permissions``."""
        return await self._native.policy_groups_create(name, description, list(permissions))

    async def get(self, group_id: str) -> PolicyGroup:
        """A policy group."""
        return await self._native.policy_groups_get(group_id)

    async def update(
        self,
        group_id: str,
        *,
        name: Optional[str] = None,
        description: Optional[str] = None,
        permissions: Optional[Sequence[str]] = None,
    ) -> PolicyGroup:
        """Changes what is given of the name, description and permissions."""
        return await self._native.policy_groups_update(
            group_id,
            name,
            description,
            None if permissions is None else list(permissions),
        )

    async def delete(self, group_id: str) -> None:
        """Deletes a policy group (``Administrators`` cannot be deleted)."""
        await self._native.policy_groups_delete(group_id)

    def list_applications(
        self,
        group_id: str,
        *,
        limit: int = 50,
        order: Optional[Order] = None,
        after: Optional[str] = None,
    ) -> AsyncIterator[Application]:
        """The applications in a group, across pages."""
        pager = self._native.policy_groups_list_applications(group_id, limit, order, after)
        return _aiterate(pager)

    async def list_applications_page(
        self,
        group_id: str,
        *,
        limit: int = 50,
        order: Optional[Order] = None,
        after: Optional[str] = None,
        include_total_count: bool = False,
    ) -> Page[Application]:
        """One page of the applications in a group."""
        return await self._native.policy_groups_list_applications_page(
            group_id,
            limit,
            order,
            after,
            include_total_count,
        )

    async def add_applications(self, group_id: str, ids: Sequence[str]) -> None:
        """Adds applications to a group, all or nothing."""
        await self._native.policy_groups_add_applications(group_id, list(ids))

    async def remove_applications(self, group_id: str, ids: Sequence[str]) -> None:
        """Removes applications from a group, all or nothing."""
        await self._native.policy_groups_remove_applications(group_id, list(ids))

    def list_users(
        self,
        group_id: str,
        *,
        limit: int = 50,
        order: Optional[Order] = None,
        after: Optional[str] = None,
    ) -> AsyncIterator[User]:
        """The users in a group, across pages."""
        return _aiterate(self._native.policy_groups_list_users(group_id, limit, order, after))

    async def list_users_page(
        self,
        group_id: str,
        *,
        limit: int = 50,
        order: Optional[Order] = None,
        after: Optional[str] = None,
        include_total_count: bool = False,
    ) -> Page[User]:
        """One page of the users in a group."""
        return await self._native.policy_groups_list_users_page(
            group_id,
            limit,
            order,
            after,
            include_total_count,
        )

    async def add_users(self, group_id: str, ids: Sequence[str]) -> None:
        """Adds users to a group, all or nothing."""
        await self._native.policy_groups_add_users(group_id, list(ids))

    async def remove_users(self, group_id: str, ids: Sequence[str]) -> None:
        """Removes users from a group, all or nothing."""
        await self._native.policy_groups_remove_users(group_id, list(ids))


class AsyncAccounts:
    """The caller's account; tenant accounts for the operator (``accounts:manage``)."""

    __slots__ = ("_native",)

    def __init__(self, native: NativeClient) -> None:
        self._native = native

    async def current(self) -> Account:
        """The caller's account."""
        return await self._native.accounts_current()

    async def key_policy(self) -> KeyPolicy:
        """The caller's account's key policy (``GET /v3/accounts/me/policy``,
        needs ``account:view``).
        """
        return await self._native.accounts_key_policy()

    async def update_key_policy(self, policy: KeyPolicy) -> KeyPolicy:
        """Replaces the caller's account's key policy (``PUT
        /v3/accounts/me/policy``, needs ``account:edit``); returns the policy
        now in force. A policy with nothing set asks nothing. New keys are held
        to it (a ``ValidationError`` naming ``expiration`` otherwise); keys
        made before it are left as they are.
        """
        return await self._native.accounts_update_key_policy(
            policy.max_key_lifetime_days,
            policy.require_expiration,
            policy.deactivate_unused_after_days,
            policy.exposed_key_action,
        )

    async def rename_current(self, name: str) -> Account:
        """Renames the caller's account (the plan is the operator's to change)."""
        return await self._native.accounts_rename_current(name)

    def list(
        self,
        *,
        limit: int = 50,
        order: Optional[Order] = None,
        after: Optional[str] = None,
    ) -> AsyncIterator[Account]:
        """Every account, across pages (operator only)."""
        return _aiterate(self._native.accounts_list(limit, order, after))

    async def list_page(
        self,
        *,
        limit: int = 50,
        order: Optional[Order] = None,
        after: Optional[str] = None,
        include_total_count: bool = False,
    ) -> Page[Account]:
        """One page of accounts (operator only)."""
        return await self._native.accounts_list_page(limit, order, after, include_total_count)

    async def create(
        self,
        *,
        name: str,
        plan: Optional[PlanName] = None,
        limits: Optional[Limits] = None,
        admin_email: Optional[str] = None,
    ) -> CreatedAccount:
        """Creates a tenant account with its ``Administrators`` group, admin
        user, admin application and first access key, whose secret is the
        result's ``key``, shown this once (operator only). ``limits`` go with
        plan ``custom``.
        """
        return await self._native.accounts_create(name, plan, _limits(limits), admin_email)

    async def get(self, account_id: str) -> Account:
        """An account (operator only)."""
        return await self._native.accounts_get(account_id)

    async def update(
        self,
        account_id: str,
        *,
        name: Optional[str] = None,
        plan: Optional[PlanName] = None,
        limits: Optional[Limits] = None,
    ) -> Account:
        """Changes an account's name, plan or limits (operator only)."""
        return await self._native.accounts_update(account_id, name, plan, _limits(limits))


class AsyncAuditLog:
    """The account's audit log (``/v3/audit-log``, needs ``audit:view``): every
    change and sign-in, in the order written. Every filter given must match:
    ``action`` (``access_key.update``, …), ``target_id`` (the object's id),
    ``actor_user_id``, and ``since``/``until`` (instants, both inclusive). An
    action the server does not know is its ``ValidationError`` naming
    ``action``.
    """

    __slots__ = ("_native",)

    def __init__(self, native: NativeClient) -> None:
        self._native = native

    def list(
        self,
        *,
        action: Optional[str] = None,
        target_id: Optional[str] = None,
        actor_user_id: Optional[str] = None,
        since: Optional[datetime] = None,
        until: Optional[datetime] = None,
        limit: int = 50,
        order: Optional[Order] = None,
        after: Optional[str] = None,
    ) -> AsyncIterator[AuditRecord]:
        """Every record passing the filters, across pages."""
        pager = self._native.audit_log_list(
            action,
            target_id,
            actor_user_id,
            since,
            until,
            limit,
            order,
            after,
        )
        return _aiterate(pager)

    async def list_page(
        self,
        *,
        action: Optional[str] = None,
        target_id: Optional[str] = None,
        actor_user_id: Optional[str] = None,
        since: Optional[datetime] = None,
        until: Optional[datetime] = None,
        limit: int = 50,
        order: Optional[Order] = None,
        after: Optional[str] = None,
        include_total_count: bool = False,
    ) -> Page[AuditRecord]:
        """One page of the records passing the filters."""
        return await self._native.audit_log_list_page(
            action,
            target_id,
            actor_user_id,
            since,
            until,
            limit,
            order,
            after,
            include_total_count,
        )
