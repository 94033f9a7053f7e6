'use strict'
// Every error class of @latchkey/node, defined once. The native addon throws
// plain `Error`s carrying a stable `code` (and details such as `claim`);
// `translate` turns each into its class here, in one place.

/** Root of every error raised by @latchkey/node. */
class LatchkeyError extends Error {
  constructor(message, code, options) {
    super(message, options)
    this.name = new.target.name
    this.code = code
  }
}

/** A token was refused, or could not be signed or read. */
class JwtError extends LatchkeyError {}

/** Not a well-formed compact JWS (segments, padding, JSON, size over 8 KiB). */
class JwtMalformedError extends JwtError {}
/** The algorithm is not in the allow-list, unknown (`none`, `HS256`), or does not fit the key. */
class JwtAlgorithmNotAllowedError extends JwtError {}
/** No key of the key set has the token's `kid`. */
class JwtUnknownKidError extends JwtError {}
/** The signature does not verify. */
class JwtBadSignatureError extends JwtError {}
/** `now >= exp + clockTolerance`. */
class JwtExpiredError extends JwtError {}
/** `nbf` or `iat` is later than `now + clockTolerance`. */
class JwtNotYetValidError extends JwtError {}
/** `exp - iat` is over the maximum lifetime. */
class JwtLifetimeTooLongError extends JwtError {}
/** A required claim is absent; `claim` names it. */
class JwtMissingClaimError extends JwtError {
  constructor(message, code, claim) {
    super(message, code)
    this.claim = claim
  }
}
/** `aud` does not name an accepted audience (or no audience was configured). */
class JwtBadAudienceError extends JwtError {}
/** `iss` is not the configured issuer. */
class JwtBadIssuerError extends JwtError {}
/** `sub` is not the configured subject. */
class JwtBadSubjectError extends JwtError {}
/** A key could not be imported, generated or exported. */
class JwtInvalidKeyError extends JwtError {}

/** A string is not a well-formed access key; `category` says why. */
class InvalidAccessKeyError extends LatchkeyError {
  constructor(message, code, category) {
    super(message, code)
    this.category = category
  }
}

/**
 * The server answered with an error body: `status`, `type`, `requestId`
 * (quote it to the operator), `fields` (`[{ name, message }]`, each invalid
 * field, or each permission a refused grant lacks) and `retryAfter` (seconds the server asked to wait, or `null`).
 */
class ApiError extends LatchkeyError {
  constructor(message, code, details = {}) {
    super(message, code)
    this.status = details.status
    this.type = details.type
    this.requestId = details.requestId ?? null
    this.fields = Object.freeze((details.fields ?? []).map((field) => Object.freeze({ ...field })))
    this.retryAfter = details.retryAfter ?? null
  }
}
/** 400 `validation_error`: `fields` names each invalid field. */
class ValidationError extends ApiError {}
/** 401 `unauthorized`: missing, unknown, inactive or wrong credential. */
class UnauthorizedError extends ApiError {}
/**
 * 403 `forbidden`: the credential lacks a permission, or the request would
 * grant more than it holds; then `fields` has one entry per permission
 * lacked, named after the request field that asks for it (`scopes`, …).
 */
class ForbiddenError extends ApiError {}
/** 404 `not_found` (also for resources of another account). */
class NotFoundError extends ApiError {}
/** 405 `method_not_allowed`. */
class MethodNotAllowedError extends ApiError {}
/** 409 `conflict`: a duplicate name or an illegal status change. */
class ConflictError extends ApiError {}
/** 409 `limit_exceeded`: a plan limit is reached. */
class LimitExceededError extends ApiError {}
/** 413 `payload_too_large`. */
class PayloadTooLargeError extends ApiError {}
/** 429 `too_many_requests`; `retryAfter` says how long to wait (seconds). */
class TooManyRequestsError extends ApiError {}
/** 5xx: the server failed (`internal_server_error` or unknown). */
class ServerError extends ApiError {}
/** 503 `service_unavailable`: overloaded or shutting down; retry. */
class ServiceUnavailableError extends ServerError {}

/** No HTTP answer: connection refused or reset, DNS or TLS failure. */
class TransportError extends LatchkeyError {}
/** The connect or request timeout elapsed. */
class RequestTimeoutError extends TransportError {}
/** The server answered with a body that is not what the API promises. */
class UnexpectedResponseError extends LatchkeyError {}
/** The client was closed; make a new one. */
class ClientClosedError extends LatchkeyError {}

const API_CLASSES = {
  ERR_LATCHKEY_API_ERROR: ApiError,
  ERR_LATCHKEY_VALIDATION: ValidationError,
  ERR_LATCHKEY_UNAUTHORIZED: UnauthorizedError,
  ERR_LATCHKEY_FORBIDDEN: ForbiddenError,
  ERR_LATCHKEY_NOT_FOUND: NotFoundError,
  ERR_LATCHKEY_METHOD_NOT_ALLOWED: MethodNotAllowedError,
  ERR_LATCHKEY_CONFLICT: ConflictError,
  ERR_LATCHKEY_LIMIT_EXCEEDED: LimitExceededError,
  ERR_LATCHKEY_PAYLOAD_TOO_LARGE: PayloadTooLargeError,
  ERR_LATCHKEY_RATE_LIMITED: TooManyRequestsError,
  ERR_LATCHKEY_SERVER_ERROR: ServerError,
  ERR_LATCHKEY_SERVICE_UNAVAILABLE: ServiceUnavailableError,
}

const CLASSES = {
  ERR_LATCHKEY_TRANSPORT: TransportError,
  ERR_LATCHKEY_TIMEOUT: RequestTimeoutError,
  ERR_LATCHKEY_UNEXPECTED_RESPONSE: UnexpectedResponseError,
  ERR_LATCHKEY_CLIENT_CLOSED: ClientClosedError,
  ERR_JWT_MALFORMED: JwtMalformedError,
  ERR_JWT_ALG_NOT_ALLOWED: JwtAlgorithmNotAllowedError,
  ERR_JWT_UNKNOWN_KID: JwtUnknownKidError,
  ERR_JWT_BAD_SIGNATURE: JwtBadSignatureError,
  ERR_JWT_EXPIRED: JwtExpiredError,
  ERR_JWT_NOT_YET_VALID: JwtNotYetValidError,
  ERR_JWT_LIFETIME_TOO_LONG: JwtLifetimeTooLongError,
  ERR_JWT_BAD_AUDIENCE: JwtBadAudienceError,
  ERR_JWT_BAD_ISSUER: JwtBadIssuerError,
  ERR_JWT_BAD_SUBJECT: JwtBadSubjectError,
  ERR_JWT_INVALID_KEY: JwtInvalidKeyError,
}

/**
 * An argument of the wrong type or value, with Node's own codes: a
 * `TypeError`, or a `RangeError` for `ERR_OUT_OF_RANGE`.
 */
function argumentError(message, code = 'ERR_INVALID_ARG_TYPE') {
  const error = code === 'ERR_OUT_OF_RANGE' ? new RangeError(message) : new TypeError(message)
  error.code = code
  return error
}

/**
 * The public error for an error thrown by the native addon: its class by
 * `code`. Errors without a known code (a bug, not a refusal) pass through.
 */
function translate(error) {
  if (error === null || typeof error !== 'object' || typeof error.code !== 'string') return error
  const { code, message } = error
  if (code === 'ERR_JWT_MISSING_CLAIM') return new JwtMissingClaimError(message, code, error.claim)
  if (code === 'ERR_LATCHKEY_INVALID_ACCESS_KEY') {
    return new InvalidAccessKeyError(message, code, error.category)
  }
  if (code === 'ERR_INVALID_ARG_TYPE' || code === 'ERR_INVALID_ARG_VALUE') {
    return argumentError(message, code)
  }
  // napi's own refusal of an argument it cannot convert (a wrong type that
  // got past the wrapper's checks).
  if (code === 'InvalidArg' || code === 'NumberExpected' || code === 'StringExpected' ||
      code === 'ObjectExpected' || code === 'ArrayExpected' || code === 'BooleanExpected') {
    return argumentError(message, 'ERR_INVALID_ARG_TYPE')
  }
  const ApiClass = API_CLASSES[code]
  if (ApiClass !== undefined) {
    return new ApiClass(message, code, {
      status: error.status,
      type: error.type,
      requestId: error.requestId,
      fields: error.fields,
      retryAfter: error.retryAfter,
    })
  }
  const Class = CLASSES[code]
  return Class === undefined ? error : new Class(message, code)
}

module.exports = {
  LatchkeyError,
  JwtError,
  JwtMalformedError,
  JwtAlgorithmNotAllowedError,
  JwtUnknownKidError,
  JwtBadSignatureError,
  JwtExpiredError,
  JwtNotYetValidError,
  JwtLifetimeTooLongError,
  JwtMissingClaimError,
  JwtBadAudienceError,
  JwtBadIssuerError,
  JwtBadSubjectError,
  JwtInvalidKeyError,
  InvalidAccessKeyError,
  ApiError,
  ValidationError,
  UnauthorizedError,
  ForbiddenError,
  NotFoundError,
  MethodNotAllowedError,
  ConflictError,
  LimitExceededError,
  PayloadTooLargeError,
  TooManyRequestsError,
  ServerError,
  ServiceUnavailableError,
  TransportError,
  RequestTimeoutError,
  UnexpectedResponseError,
  ClientClosedError,
  argumentError,
  translate,
}
