"""What the server answers, as immutable typed objects.

Each class is a frozen dataclass: attributes are read-only, ``==`` compares
every field, ``repr`` is readable and never shows a secret (the one-time
``key`` of :class:`CreatedAccessKey` and :class:`CreatedAccount` is
reachable as ``.key`` and left out of ``repr``). Timestamps are UTC-aware
:class:`datetime.datetime` objects; ids and statuses are strings as the API
spells them; lists are tuples.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Dict, Generic, Literal, Optional, Tuple, TypeVar

__all__ = [
    "AccessKeyStatus",
    "ApplicationStatus",
    "UserStatus",
    "PlanName",
    "Limits",
    "Account",
    "CreatedAccount",
    "User",
    "PasswordLink",
    "PolicyGroup",
    "Application",
    "AccessKey",
    "CreatedAccessKey",
    "RolledAccessKey",
    "Introspection",
    "ExposedKeyAction",
    "KeyPolicy",
    "JwtKey",
    "CredentialSummary",
    "Me",
    "ServerInfo",
    "Health",
    "BulkDeleteItem",
    "BulkDeleteResult",
    "AuditActor",
    "AuditTarget",
    "AuditRecord",
    "Page",
]

AccessKeyStatus = Literal["active", "inactive", "revoked", "expired"]
"""The status of an access key or JWT key (``expired`` is derived)."""
ApplicationStatus = Literal["active", "revoked"]
"""The status of an application."""
UserStatus = Literal["active", "deleted"]
"""The status of a user."""
PlanName = Literal["free", "commercial", "custom"]
"""An account's plan."""

T = TypeVar("T")


@dataclass(frozen=True)
class Limits:
    """How many active items an account may hold."""

    applications: int
    access_keys_per_application: int
    jwt_keys_per_application: int


@dataclass(frozen=True)
class Account:
    """An account (a team, a tenant)."""

    id: str
    name: str
    plan: PlanName
    limits: Limits
    operator: bool
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class User:
    """A user of an account."""

    id: str
    email: str
    name: str
    status: UserStatus
    group_ids: Tuple[str, ...]
    has_password: bool
    """Whether the user has set a console password (through a password
    link)."""
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class PasswordLink:
    """A one-time link that sets a user's console password, valid until
    ``expires_at``. Whoever opens ``url`` can set the password and act as
    the user: hand it to that user only. It is not part of ``repr``."""

    user_id: str
    expires_at: datetime
    url: str = field(repr=False)


@dataclass(frozen=True)
class PolicyGroup:
    """A named set of permissions; ``built_in`` marks ``Administrators``."""

    id: str
    name: str
    description: str
    permissions: Tuple[str, ...]
    built_in: bool
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class Application:
    """An application: the holder of credentials."""

    id: str
    name: str
    description: str
    group_ids: Tuple[str, ...]
    status: ApplicationStatus
    created_by: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class AccessKey:
    """An access key, without its secret. Empty ``scopes``: unscoped (the
    application's rights, as they change)."""

    id: str
    application_id: str
    name: str
    description: str
    status: AccessKeyStatus
    expiration: Optional[datetime]
    scopes: Tuple[str, ...]
    key_prefix: str
    api_host: str
    created_by: str
    created_at: datetime
    updated_at: datetime
    last_used_at: Optional[datetime]


@dataclass(frozen=True)
class CreatedAccessKey(AccessKey):
    """A new access key. ``key`` is the full secret (``ak_…``), shown this
    once: store it now. It is not part of ``repr``."""

    key: str = field(repr=False)


@dataclass(frozen=True)
class RolledAccessKey(CreatedAccessKey):
    """A roll's outcome: the new key (its fields, and ``key``, its full
    secret shown this once and not part of ``repr``) with the old one's
    scopes, description and expiration; ``rolled`` is the old key as it
    now is, its ``expiration`` the end of the grace, when it stops
    working."""

    rolled: AccessKey


@dataclass(frozen=True)
class Introspection:
    """Whether a credential is active and, when it is, whose it is
    (RFC 7662's shape). An inactive credential carries nothing else,
    whatever the reason: every other field is then ``None``. ``scope`` is
    its effective permissions, space-separated; ``exp`` when it stops
    working, in seconds since the epoch (``None``: never)."""

    active: bool
    token_type: Optional[Literal["access_key", "jwt"]] = None
    account_id: Optional[str] = None
    application_id: Optional[str] = None
    user_id: Optional[str] = None
    credential_id: Optional[str] = None
    scope: Optional[str] = None
    exp: Optional[int] = None


ExposedKeyAction = Literal["revoke", "deactivate", "notify"]
"""What happens to a key a secret-scanning partner reports leaked."""


@dataclass(frozen=True)
class KeyPolicy:
    """An account's key policy; the default (``KeyPolicy()``) asks nothing.
    ``max_key_lifetime_days``: longest a key may live, from its creation to
    its expiration; ``require_expiration``: every new key must have one;
    ``deactivate_unused_after_days``: keys unused that long are deactivated
    by a background sweep; ``exposed_key_action``: what happens to a key
    reported leaked (``revoke`` by default)."""

    max_key_lifetime_days: Optional[int] = None
    require_expiration: bool = False
    deactivate_unused_after_days: Optional[int] = None
    exposed_key_action: ExposedKeyAction = "revoke"


@dataclass(frozen=True)
class CreatedAccount(Account):
    """A new tenant account with its admin user, admin application and that
    application's first access key; ``key`` is the key's secret, shown this
    once and not part of ``repr``."""

    admin_user: User
    admin_application: Application
    access_key: AccessKey
    key: str = field(repr=False)


@dataclass(frozen=True)
class JwtKey:
    """A registered JWT public key; ``id`` is the ``kid`` of its tokens.
    ``scopes`` narrow its tokens as an access key's do (empty: unscoped)."""

    id: str
    application_id: str
    name: str
    description: str
    algorithm: str
    public_key: Dict[str, Any]
    thumbprint: str
    status: AccessKeyStatus
    expiration: Optional[datetime]
    scopes: Tuple[str, ...]
    created_by: str
    created_at: datetime
    updated_at: Optional[datetime]
    last_used_at: Optional[datetime]


@dataclass(frozen=True)
class CredentialSummary:
    """The credential a request authenticated with."""

    kind: Literal["access_key", "jwt_key", "unknown"]
    id: str
    scopes: Tuple[str, ...]
    expiration: Optional[datetime]


@dataclass(frozen=True)
class Me:
    """Who the calling credential is (``GET /v3/me``)."""

    account: Account
    application: Application
    user: User
    credential: CredentialSummary
    permissions: Tuple[str, ...]
    jwt_audience: str


@dataclass(frozen=True)
class ServerInfo:
    """Public facts about the server (``GET /.well-known/latchkey``)."""

    jwt_audience: str
    jwt_algorithms: Tuple[str, ...]
    version: str


@dataclass(frozen=True)
class Health:
    """Liveness (``GET /health``): ``status`` is ``"ok"``."""

    status: str


@dataclass(frozen=True)
class BulkDeleteItem:
    """One id of a bulk delete and what happened to it."""

    id: str
    status: str


@dataclass(frozen=True)
class BulkDeleteResult:
    """A bulk delete that deleted every key."""

    deleted: bool
    results: Tuple[BulkDeleteItem, ...]


@dataclass(frozen=True)
class AuditActor:
    """Who acted, as an audit record shows it. ``via`` is how: ``access_key``,
    ``jwt``, ``console``, ``cli`` or ``system`` (a string, so that a newer
    server's ways still read)."""

    user_id: Optional[str]
    application_id: Optional[str]
    credential_id: Optional[str]
    via: str


@dataclass(frozen=True)
class AuditTarget:
    """What an audit record is about: its ``type`` (``application``,
    ``access_key``, …) and ``id``."""

    type: str
    id: str


@dataclass(frozen=True)
class AuditRecord:
    """One entry of the account's audit log (``GET /v3/audit-log``).
    ``changes`` maps each field the change touched to ``(before, after)``;
    it never holds a secret."""

    id: str
    account_id: str
    at: datetime
    actor: AuditActor
    action: str
    target: AuditTarget
    changes: Dict[str, Tuple[Any, Any]]
    request_id: Optional[str]
    ip: Optional[str]


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list; ``after`` is the cursor of the next page."""

    data: Tuple[T, ...]
    has_more: bool
    after: Optional[str]
    limit: int
    order: Literal["ASC", "DESC"]
    total_count: Optional[int]
