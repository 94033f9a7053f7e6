'use strict'
// `accessKey.parse`: the offline format and checksum check of an access key.
// The parsed secret is kept out of `JSON.stringify`, `util.inspect` and
// enumeration, so that logging a parsed key never prints it.

const { inspect } = require('node:util')
const native = require('./native.cjs')
const { argumentError, translate } = require('./errors.cjs')

const secrets = new WeakMap()

/** The parts of a well-formed access key. */
class ParsedAccessKey {
  constructor(parts) {
    this.keyId = parts.keyId
    this.checksum = parts.checksum
    this.keyPrefix = parts.keyPrefix
    secrets.set(this, parts.secret)
  }

  /** The 43-character secret (not enumerable, never printed). */
  get secret() {
    return secrets.get(this)
  }

  toJSON() {
    return { keyId: this.keyId, checksum: this.checksum, keyPrefix: this.keyPrefix }
  }

  [inspect.custom]() {
    return `ParsedAccessKey { keyId: '${this.keyId}', keyPrefix: '${this.keyPrefix}', secret: <redacted> }`
  }
}

/** Parses `key` offline; a malformed key is an `InvalidAccessKeyError` with its `category`. */
function parse(key) {
  if (typeof key !== 'string') throw argumentError('the access key must be a string')
  try {
    return new ParsedAccessKey(native.parseAccessKey(key))
  } catch (error) {
    throw translate(error)
  }
}

module.exports = { parse, ParsedAccessKey }
