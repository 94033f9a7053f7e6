'use strict'
// The JavaScript side of argument checking: each public argument's type is
// checked here, before anything crosses into Rust, so that a mistake is a
// `TypeError` (`ERR_INVALID_ARG_TYPE`) or `RangeError` (`ERR_OUT_OF_RANGE`)
// naming the argument. Values (id formats, statuses, plans) are checked by
// the native side, with `ERR_INVALID_ARG_VALUE`.

const { KeyObject } = require('node:crypto')
const { argumentError } = require('../errors.cjs')

function describe(value) {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return `type ${typeof value}`
}

/** `value` is a plain options object, or undefined (an empty one). */
function options(name, value) {
  if (value === undefined) return {}
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw argumentError(`${name} must be an object, not ${describe(value)}`)
  }
  return value
}

/** A string. */
function string(name, value) {
  if (typeof value !== 'string') throw argumentError(`${name} must be a string, not ${describe(value)}`)
  return value
}

/** A string, or undefined when left out. */
function optionalString(name, value) {
  return value === undefined ? undefined : string(name, value)
}

/** An array of strings (ids, permissions), copied. */
function strings(name, value) {
  if (!Array.isArray(value)) throw argumentError(`${name} must be an array of strings, not ${describe(value)}`)
  return value.map((item, index) => string(`${name}[${index}]`, item))
}

/** An array of strings, or undefined when left out. */
function optionalStrings(name, value) {
  return value === undefined ? undefined : strings(name, value)
}

/** A boolean, or undefined. */
function optionalBoolean(name, value) {
  if (value === undefined) return undefined
  if (typeof value !== 'boolean') throw argumentError(`${name} must be a boolean, not ${describe(value)}`)
  return value
}

/** A whole number in [min, max], or undefined. */
function optionalInteger(name, value, min, max) {
  if (value === undefined) return undefined
  if (typeof value !== 'number') throw argumentError(`${name} must be a number, not ${describe(value)}`)
  if (!Number.isInteger(value) || value < min || value > max) {
    throw argumentError(`${name} must be an integer from ${min} to ${max}, not ${value}`, 'ERR_OUT_OF_RANGE')
  }
  return value
}

/** A positive finite number, or undefined. */
function optionalPositive(name, value) {
  if (value === undefined) return undefined
  if (typeof value !== 'number') throw argumentError(`${name} must be a number, not ${describe(value)}`)
  if (!Number.isFinite(value) || value <= 0) {
    throw argumentError(`${name} must be a positive finite number, not ${value}`, 'ERR_OUT_OF_RANGE')
  }
  return value
}

/** A valid `Date` as milliseconds since the epoch. */
function date(name, value) {
  if (!(value instanceof Date)) throw argumentError(`${name} must be a Date, not ${describe(value)}`)
  const millis = value.getTime()
  if (Number.isNaN(millis)) throw argumentError(`${name} is an invalid Date`, 'ERR_INVALID_ARG_VALUE')
  return millis
}

/** A `Date`, or undefined when left out. */
function optionalDate(name, value) {
  return value === undefined ? undefined : date(name, value)
}

const MAX_U32 = 2 ** 32 - 1

/** The native list options; `status` only where the list has one. */
function listOptions(value, { status = true, totalCount = false } = {}) {
  const given = options('options', value)
  const result = {
    limit: optionalInteger('options.limit', given.limit, 0, MAX_U32),
    order: optionalString('options.order', given.order),
    after: optionalString('options.after', given.after),
  }
  if (status) result.status = optionalString('options.status', given.status)
  else if (given.status !== undefined) {
    throw argumentError('options.status: this list has no status filter', 'ERR_INVALID_ARG_VALUE')
  }
  if (totalCount) result.includeTotalCount = optionalBoolean('options.includeTotalCount', given.includeTotalCount)
  return result
}

/** A public key to register: PEM text or bytes, a JWK object, or a `KeyObject`. */
function publicKey(value) {
  if (typeof value === 'string') return { publicKeyPem: value }
  if (value instanceof Uint8Array) return { publicKeyPem: Buffer.from(value).toString('utf8') }
  if (value instanceof KeyObject) {
    if (value.type !== 'public') {
      throw argumentError('input.publicKey must be a public key; this KeyObject is ' + value.type, 'ERR_INVALID_ARG_VALUE')
    }
    return { publicKeyPem: value.export({ type: 'spki', format: 'pem' }).toString() }
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    return { publicKeyJwk: JSON.stringify(value) }
  }
  throw argumentError(`input.publicKey must be a PEM string, a JWK object or a KeyObject, not ${describe(value)}`)
}

/** Plan limits, or undefined. */
function optionalLimits(name, value) {
  if (value === undefined) return undefined
  const given = options(name, value)
  return {
    applications: optionalInteger(`${name}.applications`, given.applications, 0, MAX_U32) ?? missing(`${name}.applications`),
    accessKeysPerApplication:
      optionalInteger(`${name}.accessKeysPerApplication`, given.accessKeysPerApplication, 0, MAX_U32) ??
      missing(`${name}.accessKeysPerApplication`),
    jwtKeysPerApplication:
      optionalInteger(`${name}.jwtKeysPerApplication`, given.jwtKeysPerApplication, 0, MAX_U32) ??
      missing(`${name}.jwtKeysPerApplication`),
  }
}

function missing(name) {
  throw argumentError(`${name} is required`)
}

module.exports = {
  options,
  string,
  optionalString,
  strings,
  optionalStrings,
  optionalInteger,
  optionalBoolean,
  optionalPositive,
  optionalDate,
  listOptions,
  publicKey,
  optionalLimits,
  missing,
  MAX_U32,
}
