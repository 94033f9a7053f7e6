'use strict'
// Raw JWS signatures over a signing input (the first two segments and their
// dot), with no header or claim processing: for test vectors and tools that
// build the segments themselves.

const native = require('./native.cjs')
const { argumentError, translate, JwtMalformedError } = require('./errors.cjs')
const { publicKeys, privateKey } = require('./keys.cjs')

const BASE64URL = /^[A-Za-z0-9_-]*$/

function bytes(value, name) {
  if (typeof value === 'string') return Buffer.from(value, 'utf8')
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength)
  throw argumentError(`${name} must be a string or bytes`)
}

/** The signature of `signingInput` by `key` under `algorithm`, unpadded base64url. */
function createSignature(signingInput, key, algorithm) {
  if (typeof algorithm !== 'string') throw argumentError('algorithm must be a string')
  const input = bytes(signingInput, 'signingInput')
  const handle = privateKey(key)
  try {
    return native.createSignature(input, handle, algorithm).toString('base64url')
  } catch (error) {
    throw translate(error)
  }
}

/**
 * Whether `signature` (unpadded base64url text, or bytes) is a valid
 * signature of `signingInput` by `key` under `algorithm`.
 */
function verifySignature(signingInput, signature, key, algorithm) {
  if (typeof algorithm !== 'string') throw argumentError('algorithm must be a string')
  const input = bytes(signingInput, 'signingInput')
  let raw
  if (typeof signature === 'string') {
    if (!BASE64URL.test(signature) || signature.length % 4 === 1) {
      throw new JwtMalformedError('the signature must be unpadded base64url', 'ERR_JWT_MALFORMED')
    }
    raw = Buffer.from(signature, 'base64url')
  } else {
    raw = bytes(signature, 'signature')
  }
  const handle = publicKeys(key)
  try {
    return native.verifySignature(input, raw, handle, algorithm)
  } catch (error) {
    throw translate(error)
  }
}

module.exports = { createSignature, verifySignature }
