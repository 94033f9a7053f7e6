"""Latchkey: application access management.

``latchkey.Client`` / ``latchkey.AsyncClient`` speak to a Latchkey server;
``latchkey.jwt`` is an offline JWT toolkit with PyJWT's names;
``latchkey.access_key.parse`` checks an access key offline.
"""

from __future__ import annotations

from ._errors import *  # noqa: F401,F403 — the exception classes are public API
from ._latchkey import __version__
from . import access_key, jwt

# --- the API client -----------------------------------------------------------
# `X as X`: an explicit re-export, for type checkers in strict mode.
from ._client import UNSET as UNSET
from ._client import AsyncClient as AsyncClient
from ._client import Client as Client
from ._client import Unset as Unset
from ._latchkey import JwtSigner as JwtSigner
from ._models import *  # noqa: F401,F403 — the result types are public API

# --- end of the API client ----------------------------------------------------

# Written out, so that type checkers and stubtest read it statically.
__all__ = [
    "__version__",
    # the offline toolkit (latchkey.jwt, latchkey.access_key)
    "access_key",
    "jwt",
    # the exceptions (_errors.py)
    "LatchkeyError",
    "FieldError",
    "ApiError",
    "ValidationError",
    "UnauthorizedError",
    "ForbiddenError",
    "NotFoundError",
    "MethodNotAllowedError",
    "ConflictError",
    "LimitExceededError",
    "PayloadTooLargeError",
    "TooManyRequestsError",
    "ServerError",
    "ServiceUnavailableError",
    "InvalidAccessKeyError",
    "TransportError",
    "RequestTimeoutError",
    "UnexpectedResponseError",
    "ConfigurationError",
    "InvalidArgumentError",
    "ClientClosedError",
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
    # the API client
    "Client",
    "AsyncClient",
    "JwtSigner",
    "UNSET",
    "Unset",
    # its results (_models.py)
    "ApplicationStatus",
    "UserStatus",
    "AccessKeyStatus",
    "PlanName",
    "ExposedKeyAction",
    "Limits",
    "Account",
    "Application",
    "User",
    "CredentialSummary",
    "Me",
    "Health",
    "ServerInfo",
    "Introspection",
    "AccessKey",
    "CreatedAccessKey",
    "RolledAccessKey",
    "BulkDeleteItem",
    "BulkDeleteResult",
    "JwtKey",
    "PasswordLink",
    "PolicyGroup",
    "KeyPolicy",
    "CreatedAccount",
    "AuditActor",
    "AuditTarget",
    "AuditRecord",
    "Page",
]
