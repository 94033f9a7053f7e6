'use strict'
// The offline JWT toolkit with `jsonwebtoken`'s names: `generateKeyPair`,
// `sign`, `verify` (one key or a JWKS), `decodeUnverifiedHeader`,
// `mintAccessToken` (the token a Latchkey server expects), and key export. Every check runs in
// the Rust core; this file only shapes arguments and results.

const native = require('./native.cjs')
const { argumentError, translate } = require('./errors.cjs')
const { publicKeys, privateKey } = require('./keys.cjs')

function isPlainObject(value) {
  if (value === null || typeof value !== 'object') return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/**
 * A new key pair for `algorithm` (`EdDSA`, `ES256`, `ES384`, `RS256`, `PS256`,
 * ...): `{ privatePem, publicPem, publicJwk, thumbprint }`. RSA keys have
 * `modulusLength` bits (2048 unless given).
 */
function generateKeyPair(algorithm, options = {}) {
  if (typeof algorithm !== 'string') throw argumentError('algorithm must be a string')
  let pair
  try {
    pair = native.generateKeyPair(algorithm, options.modulusLength)
  } catch (error) {
    throw translate(error)
  }
  return {
    privatePem: pair.privatePem,
    publicPem: pair.publicPem,
    publicJwk: JSON.parse(pair.publicJwk),
    thumbprint: pair.thumbprint,
  }
}

/**
 * Signs `payload` (an object; signed as given, nothing added or checked)
 * with `key`. Options: `algorithm` (default: the key's own, `EdDSA` for
 * Ed25519), `keyid`, `header` (extra header members).
 */
function sign(payload, key, options = {}) {
  if (!isPlainObject(payload)) throw argumentError('payload must be a plain object')
  let { algorithm, keyid } = options
  let header
  if (options.header !== undefined) {
    if (!isPlainObject(options.header)) throw argumentError('header must be a plain object')
    const { alg, kid, typ, ...rest } = options.header
    if (typ !== undefined && typ !== 'JWT') {
      throw argumentError('header.typ other than "JWT" is not supported', 'ERR_INVALID_ARG_VALUE')
    }
    if (alg !== undefined && algorithm !== undefined && alg !== algorithm) {
      throw argumentError('header.alg and algorithm differ', 'ERR_INVALID_ARG_VALUE')
    }
    if (kid !== undefined && keyid !== undefined && kid !== keyid) {
      throw argumentError('header.kid and keyid differ', 'ERR_INVALID_ARG_VALUE')
    }
    algorithm = algorithm ?? alg
    keyid = keyid ?? kid
    if (Object.keys(rest).length > 0) header = JSON.stringify(rest)
  }
  if (algorithm !== undefined && typeof algorithm !== 'string') throw argumentError('algorithm must be a string')
  if (keyid !== undefined && typeof keyid !== 'string') throw argumentError('keyid must be a string')
  const handle = privateKey(key)
  try {
    return native.signToken(JSON.stringify(payload), handle, algorithm, keyid, header)
  } catch (error) {
    throw translate(error)
  }
}

function optionalString(options, name) {
  const value = options[name]
  if (value !== undefined && typeof value !== 'string') throw argumentError(`${name} must be a string`)
  return value
}

function optionalSeconds(options, name) {
  const value = options[name]
  if (value !== undefined && typeof value !== 'number') throw argumentError(`${name} must be a number of seconds`)
  return value
}

/**
 * Verifies `token` against a key or a JWKS and returns its claims (or
 * `{ header, payload }` with `complete: true`). `algorithms` is required;
 * `clockTolerance` is 0 unless given; `clockTimestamp` replays the token at
 * a fixed time (seconds). Each refusal is its own error class and `code`.
 */
function verify(token, keyOrJwks, options) {
  if (typeof token !== 'string') throw argumentError('token must be a string')
  if (options === null || typeof options !== 'object') {
    throw argumentError('options with an `algorithms` allow-list are required')
  }
  const { algorithms, audience, requiredClaims } = options
  if (!Array.isArray(algorithms) || algorithms.some((a) => typeof a !== 'string')) {
    throw argumentError('options.algorithms must be an array of algorithm names')
  }
  if (audience !== undefined && typeof audience !== 'string' &&
      !(Array.isArray(audience) && audience.every((a) => typeof a === 'string'))) {
    throw argumentError('audience must be a string or an array of strings')
  }
  if (requiredClaims !== undefined &&
      !(Array.isArray(requiredClaims) && requiredClaims.every((c) => typeof c === 'string'))) {
    throw argumentError('requiredClaims must be an array of strings')
  }
  const nativeOptions = {
    algorithms,
    audience,
    issuer: optionalString(options, 'issuer'),
    subject: optionalString(options, 'subject'),
    clockTolerance: optionalSeconds(options, 'clockTolerance'),
    clockTimestamp: optionalSeconds(options, 'clockTimestamp'),
    maxLifetime: optionalSeconds(options, 'maxLifetime'),
    requiredClaims,
  }
  const keys = publicKeys(keyOrJwks)
  let verified
  try {
    verified = native.verifyToken(token, keys, nativeOptions)
  } catch (error) {
    throw translate(error)
  }
  const payload = JSON.parse(verified.claims)
  return options.complete === true ? { header: JSON.parse(verified.header), payload } : payload
}

/**
 * The header of `token`, decoded but not verified: untrusted until `verify`
 * succeeds (to pick a key by `kid`, say). A malformed token is
 * `JwtMalformedError`.
 */
function decodeUnverifiedHeader(token) {
  if (typeof token !== 'string') throw argumentError('token must be a string')
  try {
    return JSON.parse(native.decodeUnverifiedHeader(token))
  } catch (error) {
    throw translate(error)
  }
}

/**
 * The access token a Latchkey server expects from `applicationId` signing
 * with its registered JWT key `keyId`: `iss` = `sub` = the application,
 * `aud` = `audience`, `iat` = now (or `clockTimestamp`, seconds), `exp` =
 * `iat` + `lifetime` seconds (1 to 3600, 900 by default), a fresh `jti`, and
 * `kid` = `keyId` in the header.
 */
function mintAccessToken(key, options) {
  if (options === null || typeof options !== 'object') {
    throw argumentError('options with applicationId, keyId and audience are required')
  }
  for (const name of ['applicationId', 'keyId', 'audience']) {
    if (typeof options[name] !== 'string') throw argumentError(`options.${name} must be a string`)
  }
  const lifetime = optionalSeconds(options, 'lifetime')
  const clockTimestamp = optionalSeconds(options, 'clockTimestamp')
  const handle = privateKey(key)
  try {
    return native.mintAccessToken(handle, options.applicationId, options.keyId, options.audience, lifetime, clockTimestamp)
  } catch (error) {
    throw translate(error)
  }
}

/** The public key of `key` (any accepted form, private ones too) as a JWK object. */
function exportJwk(key) {
  const handle = publicKeys(key)
  try {
    return JSON.parse(handle.publicJwk())
  } catch (error) {
    throw translate(error)
  }
}

/** The public key of `key` as SPKI PEM. */
function exportPem(key) {
  const handle = publicKeys(key)
  try {
    return handle.publicPem()
  } catch (error) {
    throw translate(error)
  }
}

/** The RFC 7638 thumbprint (SHA-256, unpadded base64url) of `key`'s public key. */
function thumbprint(key) {
  const handle = publicKeys(key)
  try {
    return handle.thumbprint()
  } catch (error) {
    throw translate(error)
  }
}

module.exports = {
  generateKeyPair,
  sign,
  verify,
  decodeUnverifiedHeader,
  mintAccessToken,
  exportJwk,
  exportPem,
  thumbprint,
}
