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

const CLASSES = {
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

/** An argument of the wrong type or value, with Node's own codes. */
function argumentError(message, code = 'ERR_INVALID_ARG_TYPE') {
  const error = new TypeError(message)
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
  argumentError,
  translate,
}
