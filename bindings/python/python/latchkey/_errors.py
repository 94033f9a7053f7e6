"""Every exception the ``latchkey`` package raises.

Two trees under one root, :class:`LatchkeyError`:

* :class:`ApiError` and its subclasses, one per error ``type`` of the API,
  each carrying ``status``, ``type``, ``message``, ``request_id`` and
  ``fields``;
* PyJWT's tree for tokens (:class:`PyJWTError` → :class:`InvalidTokenError`
  → …), with PyJWT's names and bases, so that code written against PyJWT
  catches the same classes after changing its import.
"""

from __future__ import annotations

from typing import NamedTuple, Optional, Sequence

from ._latchkey import api_error_text

__all__ = [
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
]


class LatchkeyError(Exception):
    """Root of every exception raised by ``latchkey``."""


class FieldError(NamedTuple):
    """One field of a request an error is about: its API name and what is
    wrong (or, for a refused grant, what the acting credential lacks)."""

    name: str
    message: str


class ApiError(LatchkeyError):
    """The server answered with an error body.

    ``str(error)`` names the type, the status, the message, the invalid
    fields and the request id, which is what to quote to the operator.
    """

    status: int
    type: str
    message: str
    request_id: Optional[str]
    fields: tuple[FieldError, ...]
    retry_after: Optional[float]

    def __init__(
        self,
        message: str,
        status: int,
        type: str,
        request_id: Optional[str] = None,
        fields: Sequence[tuple[str, str]] = (),
        retry_after: Optional[float] = None,
    ) -> None:
        super().__init__(message, status, type, request_id, tuple(fields), retry_after)
        self.message = message
        self.status = status
        self.type = type
        self.request_id = request_id
        self.fields = tuple(FieldError(*field) for field in fields)
        self.retry_after = retry_after

    def __str__(self) -> str:
        # The Rust client's wording, the same in every SDK.
        return api_error_text(
            self.status,
            self.type,
            self.message,
            self.request_id,
            [(field.name, field.message) for field in self.fields],
        )


class ValidationError(ApiError, ValueError):
    """400 ``validation_error``: ``fields`` names each invalid field."""


class UnauthorizedError(ApiError):
    """401 ``unauthorized``: missing, unknown, inactive or wrong credential."""


class ForbiddenError(ApiError):
    """403 ``forbidden``: the credential lacks a permission, or the request
    would grant more than it holds; then ``fields`` has one entry per
    permission lacked, named after the request field that asks for it
    (``scopes``, ``group_ids[0]``, ``created_by``, …)."""


class NotFoundError(ApiError, LookupError):
    """404 ``not_found`` (also for resources of another account)."""


class MethodNotAllowedError(ApiError):
    """405 ``method_not_allowed``."""


class ConflictError(ApiError):
    """409 ``conflict``: a duplicate name or an illegal status change."""


class LimitExceededError(ApiError):
    """409 ``limit_exceeded``: a plan limit is reached."""


class PayloadTooLargeError(ApiError):
    """413 ``payload_too_large``: the body is over 1 MiB."""


class TooManyRequestsError(ApiError):
    """429 ``too_many_requests``; ``retry_after`` says how long to wait (s)."""


class ServerError(ApiError):
    """5xx: the server failed (``internal_server_error`` or unknown)."""


class ServiceUnavailableError(ServerError):
    """503 ``service_unavailable``: overloaded or shutting down; retry."""


class InvalidAccessKeyError(LatchkeyError, ValueError):
    """The access key is malformed or fails its checksum (found offline).

    ``category`` names the rule that failed: ``empty``, ``whitespace``,
    ``bad_prefix``, ``bad_character``, ``bad_length`` or ``bad_checksum``
    (the categories of the shared vectors).
    """

    category: str = ""


class TransportError(LatchkeyError, ConnectionError):
    """No HTTP answer: connection refused or reset, DNS or TLS failure."""


class RequestTimeoutError(TransportError, TimeoutError):
    """The connect or request timeout elapsed."""


class UnexpectedResponseError(LatchkeyError):
    """The server answered with a body that is not what the API promises."""


class ConfigurationError(LatchkeyError, ValueError):
    """The client is configured wrongly (no URL, bad URL, bad signer)."""


class InvalidArgumentError(LatchkeyError, ValueError):
    """An argument is invalid before any request is made (a malformed id, an
    unknown status, a naive datetime); the message names the argument."""


class ClientClosedError(LatchkeyError, RuntimeError):
    """The client was closed; make a new one."""


# --- PyJWT's tree -------------------------------------------------------------


class PyJWTError(LatchkeyError):
    """Base of the token errors (PyJWT's name)."""


class InvalidKeyError(PyJWTError):
    """A key could not be read, or does not fit the algorithm."""


class InvalidTokenError(PyJWTError):
    """Base of every reason to refuse a token."""


class DecodeError(InvalidTokenError):
    """Malformed token: bad segments or padding, bad JSON, over 8 KiB."""


class InvalidSignatureError(DecodeError):
    """The signature does not verify."""


class InvalidAlgorithmError(InvalidTokenError):
    """The algorithm is not allowed, does not fit the key, or is ``none``."""


class UnknownKeyIdError(InvalidTokenError):
    """No key of the JWKS has the token's ``kid``."""


class ExpiredSignatureError(InvalidTokenError):
    """``exp`` is in the past (beyond the leeway)."""


class ImmatureSignatureError(InvalidTokenError):
    """``nbf`` or ``iat`` is in the future (beyond the leeway)."""


class LifetimeTooLongError(InvalidTokenError):
    """``exp - iat`` is over the allowed maximum."""


class MissingRequiredClaimError(InvalidTokenError):
    """A required claim is missing; ``claim`` names it."""

    claim: str

    def __init__(self, claim: str) -> None:
        super().__init__(claim)
        self.claim = claim

    def __str__(self) -> str:
        return f'Token is missing the "{self.claim}" claim'


class InvalidAudienceError(InvalidTokenError):
    """``aud`` does not match, or the token has one and none was expected."""


class InvalidIssuerError(InvalidTokenError):
    """``iss`` does not match."""


class InvalidSubjectError(InvalidTokenError):
    """``sub`` does not match."""


class InvalidIssuedAtError(InvalidTokenError):
    """``iat`` is not a number."""
