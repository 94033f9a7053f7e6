'use strict'
// `Client`: the Latchkey API client. Every network method returns a promise
// whose request runs on the Rust client (`latchkey-client`) on napi's tokio
// runtime; the event loop only converts the answer.

const { inspect } = require('node:util')
const native = require('../native.cjs')
const { translate, argumentError } = require('../errors.cjs')
const { privateKey } = require('../keys.cjs')
const args = require('./args.cjs')
const {
  ClientCalls,
  Applications,
  AccessKeys,
  JwtKeys,
  Users,
  PolicyGroups,
  Accounts,
  AuditLog,
} = require('./resources.cjs')

/** The native options of `signer`, and its key handle. */
function signerOptions(value) {
  const given = args.options('options.signer', value)
  if (given.privateKey === undefined) throw argumentError('options.signer.privateKey is required')
  return {
    options: {
      signerApplicationId: args.string('options.signer.applicationId', given.applicationId),
      signerKeyId: args.string('options.signer.keyId', given.keyId),
      signerAudience: args.optionalString('options.signer.audience', given.audience),
      signerLifetime: args.optionalPositive('options.signer.lifetime', given.lifetime),
    },
    key: privateKey(given.privateKey),
  }
}

const nativeClients = new WeakMap()

/**
 * A Latchkey API client.
 *
 * `new Client({ baseUrl, accessKey })` or `new Client({ baseUrl, signer })`;
 * `baseUrl` defaults to `$LATCHKEY_URL` and, without a signer, `accessKey`
 * to `$LATCHKEY_ACCESS_KEY` (checked offline: a mistyped key throws
 * `InvalidAccessKeyError` here). Without a credential only `health()` and
 * `wellKnown()` succeed. `timeout` (per attempt) and `connectTimeout` are in
 * milliseconds; idempotent requests are retried up to `maxRetries` times
 * after a 429, a 503 or a failed connection. The calls of the server
 * (`me()`, `health()`, …) are those of `ClientCalls`, generated in
 * `resources.cjs`.
 */
class Client extends ClientCalls {
  constructor(options) {
    const given = args.options('options', options)
    const nativeOptions = {
      baseUrl: args.optionalString('options.baseUrl', given.baseUrl),
      accessKey: args.optionalString('options.accessKey', given.accessKey),
      timeout: args.optionalPositive('options.timeout', given.timeout),
      connectTimeout: args.optionalPositive('options.connectTimeout', given.connectTimeout),
      maxRetries: args.optionalInteger('options.maxRetries', given.maxRetries, 0, args.MAX_U32),
    }
    let key
    if (given.signer !== undefined) {
      if (given.accessKey !== undefined) {
        throw argumentError('options: pass accessKey or signer, not both', 'ERR_INVALID_ARG_VALUE')
      }
      const signer = signerOptions(given.signer)
      Object.assign(nativeOptions, signer.options)
      key = signer.key
    }
    let client
    try {
      client = new native.NativeClient(nativeOptions, key)
    } catch (error) {
      throw translate(error)
    }
    super(client)
    nativeClients.set(this, client)
    /** Applications (`/v3/applications`). */
    this.applications = new Applications(client)
    /** Access keys (`/v3/applications/{id}/access-keys`, `/v3/access-keys`). */
    this.accessKeys = new AccessKeys(client)
    /** JWT keys (`/v3/applications/{id}/jwt-keys`, `/jwks`). */
    this.jwtKeys = new JwtKeys(client)
    /** Users (`/v3/users`). */
    this.users = new Users(client)
    /** Policy groups and their members (`/v3/policy-groups`). */
    this.policyGroups = new PolicyGroups(client)
    /** The caller's account; tenant accounts for the operator (`/v3/accounts`). */
    this.accounts = new Accounts(client)
    /** The account's audit log (`/v3/audit-log`, needs `audit:view`). */
    this.auditLog = new AuditLog(client)
  }

  /** The server's base URL, without a trailing slash. */
  get baseUrl() {
    return nativeClients.get(this).baseUrl
  }

  /** Whether `close()` was called. */
  get closed() {
    return nativeClients.get(this).closed
  }

  /**
   * Drops the client's connections; later calls reject with
   * `ClientClosedError`. Calls already running finish. Closing twice is
   * harmless.
   */
  close() {
    nativeClients.get(this).close()
  }

  [inspect.custom]() {
    return `Client { baseUrl: ${inspect(this.baseUrl)}${this.closed ? ', closed' : ''} }`
  }

  toJSON() {
    return { baseUrl: this.baseUrl }
  }
}

module.exports = { Client }
