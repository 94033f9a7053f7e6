'use strict'
// Turning every accepted key form into a native key handle: PEM (string or
// Buffer), JWK object, JWKS object, `crypto.KeyObject`. A KeyObject is
// exported to JWK here, before it crosses into Rust. The parsed keys are
// cached natively by their text (the client's key cache, the same for every
// SDK: the `jsonwebtoken` habit of passing the same PEM to every call costs
// no re-parse); only KeyObjects' handles are kept here, by identity, since
// that is a JavaScript notion.

const { KeyObject, createPublicKey } = require('node:crypto')
const native = require('./native.cjs')
const { argumentError, translate } = require('./errors.cjs')

const publicByKeyObject = new WeakMap()
const privateByKeyObject = new WeakMap()

function isBytes(value) {
  return value instanceof Uint8Array
}

function bytesToText(value) {
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8')
}

function keyObjectJwk(keyObject) {
  if (keyObject.type === 'secret') {
    throw argumentError('symmetric (secret) keys are not supported: use an asymmetric key pair', 'ERR_INVALID_ARG_VALUE')
  }
  return JSON.stringify(keyObject.export({ format: 'jwk' }))
}

/** The native public-key handle for `key` (or a key set). */
function publicKeys(key) {
  try {
    if (typeof key === 'string') return native.PublicKeys.fromPem(key)
    if (isBytes(key)) return publicKeys(bytesToText(key))
    if (key instanceof KeyObject) {
      let handle = publicByKeyObject.get(key)
      if (handle === undefined) {
        const publicKey = key.type === 'private' ? createPublicKey(key) : key
        handle = native.PublicKeys.fromJwk(keyObjectJwk(publicKey))
        publicByKeyObject.set(key, handle)
      }
      return handle
    }
    if (key !== null && typeof key === 'object') {
      if (Array.isArray(key.keys)) return native.PublicKeys.fromJwks(JSON.stringify(key))
      if (typeof key.kty === 'string') return native.PublicKeys.fromJwk(JSON.stringify(key))
    }
  } catch (error) {
    throw translate(error)
  }
  throw argumentError('the key must be a PEM string or Buffer, a JWK, a JWKS or a crypto.KeyObject')
}

/** The native private-key handle for `key`. */
function privateKey(key) {
  try {
    if (typeof key === 'string') return native.PrivateKey.fromPem(key)
    if (isBytes(key)) return privateKey(bytesToText(key))
    if (key instanceof KeyObject) {
      if (key.type !== 'private' && key.type !== 'secret') {
        throw argumentError('signing needs a private key; this KeyObject is public', 'ERR_INVALID_ARG_VALUE')
      }
      let handle = privateByKeyObject.get(key)
      if (handle === undefined) {
        handle = native.PrivateKey.fromJwk(keyObjectJwk(key))
        privateByKeyObject.set(key, handle)
      }
      return handle
    }
    if (key !== null && typeof key === 'object' && typeof key.kty === 'string') {
      return native.PrivateKey.fromJwk(JSON.stringify(key))
    }
  } catch (error) {
    throw translate(error)
  }
  throw argumentError('the private key must be a PEM string or Buffer, a private JWK or a crypto.KeyObject')
}

module.exports = { publicKeys, privateKey }
