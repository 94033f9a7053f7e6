'use strict'
// One object per resource of the API (`client.applications`, …): each
// method checks its JavaScript arguments and calls the native client once.
// Method and option names follow the Python SDK's, in camelCase.

const args = require('./args.cjs')
const { call, page, iterate, hideKey } = require('./call.cjs')

const natives = new WeakMap()

/** The native client of a resource object (kept out of `util.inspect`). */
function native(resource) {
  return natives.get(resource)
}

class Resource {
  constructor(nativeClient) {
    natives.set(this, nativeClient)
  }
}

/** Applications: the holders of credentials. */
class Applications extends Resource {
  list(options) {
    return iterate(() => native(this).applicationsList(args.listOptions(options)))
  }

  listPage(options) {
    return page(() => native(this).applicationsListPage(args.listOptions(options, { totalCount: true })))
  }

  create(input) {
    return call(() => {
      const given = args.options('input', input)
      return native(this).applicationsCreate({
        name: args.string('input.name', given.name),
        description: args.optionalString('input.description', given.description),
        groupIds: args.optionalStrings('input.groupIds', given.groupIds),
        createdBy: args.optionalString('input.createdBy', given.createdBy),
      })
    })
  }

  get(applicationId) {
    return call(() => native(this).applicationsGet(args.string('applicationId', applicationId)))
  }

  update(applicationId, update) {
    return call(() => {
      const given = args.options('update', update)
      return native(this).applicationsUpdate(args.string('applicationId', applicationId), {
        name: args.optionalString('update.name', given.name),
        description: args.optionalString('update.description', given.description),
        status: args.optionalString('update.status', given.status),
      })
    })
  }

  revoke(applicationId) {
    return call(() => native(this).applicationsRevoke(args.string('applicationId', applicationId)))
  }

  delete(applicationId) {
    return call(() => native(this).applicationsDelete(args.string('applicationId', applicationId)))
  }
}

/** Access keys (`ak_…`) of applications. */
class AccessKeys extends Resource {
  list(applicationId, options) {
    return iterate(() =>
      native(this).accessKeysList(args.string('applicationId', applicationId), args.listOptions(options)),
    )
  }

  listPage(applicationId, options) {
    return page(() =>
      native(this).accessKeysListPage(
        args.string('applicationId', applicationId),
        args.listOptions(options, { totalCount: true }),
      ),
    )
  }

  /** Every key of the account (`GET /v3/access-keys`); `options.applicationId` filters. */
  listAccount(options) {
    return iterate(() => {
      const given = args.options('options', options)
      const { applicationId, ...rest } = given
      return native(this).accessKeysListAccount(
        args.optionalString('options.applicationId', applicationId),
        args.listOptions(rest),
      )
    })
  }

  listAccountPage(options) {
    return page(() => {
      const given = args.options('options', options)
      const { applicationId, ...rest } = given
      return native(this).accessKeysListAccountPage(
        args.optionalString('options.applicationId', applicationId),
        args.listOptions(rest, { totalCount: true }),
      )
    })
  }

  /** The answer's `key` is the full secret, shown this once (hidden from logs). */
  async create(applicationId, input) {
    const created = await call(() => {
      const given = args.options('input', input)
      return native(this).accessKeysCreate(args.string('applicationId', applicationId), {
        name: args.string('input.name', given.name),
        description: args.optionalString('input.description', given.description),
        scopes: args.optionalStrings('input.scopes', given.scopes),
        expiration: given.expiration === null ? undefined : args.optionalDate('input.expiration', given.expiration),
        createdBy: args.optionalString('input.createdBy', given.createdBy),
      })
    })
    return hideKey(created)
  }

  get(applicationId, keyId) {
    return call(() =>
      native(this).accessKeysGet(args.string('applicationId', applicationId), args.string('keyId', keyId)),
    )
  }

  /** `update.expiration`: left out keeps it, `null` removes it, a `Date` sets it. */
  update(applicationId, keyId, update) {
    return call(() =>
      native(this).accessKeysUpdate(
        args.string('applicationId', applicationId),
        args.string('keyId', keyId),
        args.keyUpdate(update),
      ),
    )
  }

  setStatus(applicationId, keyId, status) {
    return call(() =>
      native(this).accessKeysSetStatus(
        args.string('applicationId', applicationId),
        args.string('keyId', keyId),
        args.string('status', status),
      ),
    )
  }

  revoke(applicationId, keyId) {
    return call(() =>
      native(this).accessKeysRevoke(args.string('applicationId', applicationId), args.string('keyId', keyId)),
    )
  }

  /**
   * A new key with the old one's scopes, description and expiration; the old
   * key keeps working for `options.graceSeconds` (0 to 604800), then expires.
   * The answer's `key` is the new secret, shown this once (hidden from logs);
   * its `rolled` is the old key with its new `expiration`.
   */
  async roll(applicationId, keyId, options) {
    const rolled = await call(() => {
      const given = args.options('options', options)
      return native(this).accessKeysRoll(
        args.string('applicationId', applicationId),
        args.string('keyId', keyId),
        args.optionalInteger('options.graceSeconds', given.graceSeconds, 0, args.MAX_U32) ??
          args.missing('options.graceSeconds'),
        args.optionalString('options.name', given.name),
      )
    })
    return hideKey(rolled)
  }

  delete(applicationId, keyId) {
    return call(() =>
      native(this).accessKeysDelete(args.string('applicationId', applicationId), args.string('keyId', keyId)),
    )
  }

  /** Deletes every listed key or none; a refusal is a `ConflictError` naming each failing id. */
  bulkDelete(ids) {
    return call(() => native(this).accessKeysBulkDelete(args.strings('ids', ids)))
  }
}

/** JWT keys: registered public keys whose private halves sign access tokens. */
class JwtKeys extends Resource {
  list(applicationId, options) {
    return iterate(() =>
      native(this).jwtKeysList(args.string('applicationId', applicationId), args.listOptions(options)),
    )
  }

  listPage(applicationId, options) {
    return page(() =>
      native(this).jwtKeysListPage(
        args.string('applicationId', applicationId),
        args.listOptions(options, { totalCount: true }),
      ),
    )
  }

  /**
   * `input.publicKey`: PEM (SPKI or X.509 certificate), a JWK object, or a public `KeyObject`.
   * `input.scopes` narrow its tokens as an access key's scopes do, and never change.
   */
  create(applicationId, input) {
    return call(() => {
      const given = args.options('input', input)
      return native(this).jwtKeysCreate(args.string('applicationId', applicationId), {
        name: args.string('input.name', given.name),
        ...args.publicKey(given.publicKey),
        description: args.optionalString('input.description', given.description),
        algorithm: args.optionalString('input.algorithm', given.algorithm),
        expiration: given.expiration === null ? undefined : args.optionalDate('input.expiration', given.expiration),
        scopes: args.optionalStrings('input.scopes', given.scopes),
        createdBy: args.optionalString('input.createdBy', given.createdBy),
      })
    })
  }

  get(applicationId, keyId) {
    return call(() =>
      native(this).jwtKeysGet(args.string('applicationId', applicationId), args.string('keyId', keyId)),
    )
  }

  /** `update.expiration`: left out keeps it, `null` removes it, a `Date` sets it. */
  update(applicationId, keyId, update) {
    return call(() =>
      native(this).jwtKeysUpdate(
        args.string('applicationId', applicationId),
        args.string('keyId', keyId),
        args.keyUpdate(update),
      ),
    )
  }

  setStatus(applicationId, keyId, status) {
    return call(() =>
      native(this).jwtKeysSetStatus(
        args.string('applicationId', applicationId),
        args.string('keyId', keyId),
        args.string('status', status),
      ),
    )
  }

  revoke(applicationId, keyId) {
    return call(() =>
      native(this).jwtKeysRevoke(args.string('applicationId', applicationId), args.string('keyId', keyId)),
    )
  }

  delete(applicationId, keyId) {
    return call(() =>
      native(this).jwtKeysDelete(args.string('applicationId', applicationId), args.string('keyId', keyId)),
    )
  }

  /** The application's active public keys as a JWKS object (ready for `jwt.verify`). */
  jwks(applicationId) {
    return call(() => native(this).jwtKeysJwks(args.string('applicationId', applicationId)))
  }
}

/** Users of the caller's account. */
class Users extends Resource {
  list(options) {
    return iterate(() => native(this).usersList(args.listOptions(options)))
  }

  listPage(options) {
    return page(() => native(this).usersListPage(args.listOptions(options, { totalCount: true })))
  }

  create(input) {
    return call(() => {
      const given = args.options('input', input)
      return native(this).usersCreate({
        email: args.string('input.email', given.email),
        name: args.optionalString('input.name', given.name),
        groupIds: args.optionalStrings('input.groupIds', given.groupIds),
      })
    })
  }

  get(userId) {
    return call(() => native(this).usersGet(args.string('userId', userId)))
  }

  update(userId, update) {
    return call(() => {
      const given = args.options('update', update)
      return native(this).usersUpdate(args.string('userId', userId), {
        email: args.optionalString('update.email', given.email),
        name: args.optionalString('update.name', given.name),
        groupIds: args.optionalStrings('update.groupIds', given.groupIds),
      })
    })
  }

  /** Marks the user deleted: everything the user created stops authenticating. */
  delete(userId) {
    return call(() => native(this).usersDelete(args.string('userId', userId)))
  }

  /**
   * A one-time link that sets the user's console password (valid 24 hours).
   * Its `url` acts as the user, so it is hidden from logs like a new key.
   */
  async passwordLink(userId) {
    const link = await call(() => native(this).usersPasswordLink(args.string('userId', userId)))
    return hideKey(link, 'url')
  }
}

/** Policy groups: named permission sets, and their members. */
class PolicyGroups extends Resource {
  list(options) {
    return iterate(() => native(this).policyGroupsList(args.listOptions(options, { status: false })))
  }

  listPage(options) {
    return page(() =>
      native(this).policyGroupsListPage(args.listOptions(options, { status: false, totalCount: true })),
    )
  }

  create(input) {
    return call(() => {
      const given = args.options('input', input)
      return native(this).policyGroupsCreate({
        name: args.string('input.name', given.name),
        description: args.optionalString('input.description', given.description),
        permissions: args.optionalStrings('input.permissions', given.permissions),
      })
    })
  }

  get(groupId) {
    return call(() => native(this).policyGroupsGet(args.string('groupId', groupId)))
  }

  update(groupId, update) {
    return call(() => {
      const given = args.options('update', update)
      return native(this).policyGroupsUpdate(args.string('groupId', groupId), {
        name: args.optionalString('update.name', given.name),
        description: args.optionalString('update.description', given.description),
        permissions: args.optionalStrings('update.permissions', given.permissions),
      })
    })
  }

  delete(groupId) {
    return call(() => native(this).policyGroupsDelete(args.string('groupId', groupId)))
  }

  listApplications(groupId, options) {
    return iterate(() =>
      native(this).policyGroupsListApplications(
        args.string('groupId', groupId),
        args.listOptions(options, { status: false }),
      ),
    )
  }

  listApplicationsPage(groupId, options) {
    return page(() =>
      native(this).policyGroupsListApplicationsPage(
        args.string('groupId', groupId),
        args.listOptions(options, { status: false, totalCount: true }),
      ),
    )
  }

  addApplications(groupId, ids) {
    return call(() =>
      native(this).policyGroupsAddApplications(args.string('groupId', groupId), args.strings('ids', ids)),
    )
  }

  removeApplications(groupId, ids) {
    return call(() =>
      native(this).policyGroupsRemoveApplications(args.string('groupId', groupId), args.strings('ids', ids)),
    )
  }

  listUsers(groupId, options) {
    return iterate(() =>
      native(this).policyGroupsListUsers(args.string('groupId', groupId), args.listOptions(options, { status: false })),
    )
  }

  listUsersPage(groupId, options) {
    return page(() =>
      native(this).policyGroupsListUsersPage(
        args.string('groupId', groupId),
        args.listOptions(options, { status: false, totalCount: true }),
      ),
    )
  }

  addUsers(groupId, ids) {
    return call(() => native(this).policyGroupsAddUsers(args.string('groupId', groupId), args.strings('ids', ids)))
  }

  removeUsers(groupId, ids) {
    return call(() =>
      native(this).policyGroupsRemoveUsers(args.string('groupId', groupId), args.strings('ids', ids)),
    )
  }
}

/** The caller's account; tenant accounts for the operator (`accounts:manage`). */
/** `null` (as the answer spells "none") read as left out. */
function nullable(value, check) {
  return value === null ? undefined : check(value)
}

class Accounts extends Resource {
  current() {
    return call(() => native(this).accountsCurrent())
  }

  /** The caller's account's key policy (`GET /v3/accounts/me/policy`). */
  keyPolicy() {
    return call(() => native(this).accountsKeyPolicy())
  }

  /**
   * Replaces the caller's account's key policy (what is left out asks
   * nothing); answers the policy now in force.
   */
  updateKeyPolicy(policy) {
    return call(() => {
      const given = args.options('policy', policy)
      return native(this).accountsUpdateKeyPolicy({
        maxKeyLifetimeDays: nullable(given.maxKeyLifetimeDays, (value) =>
          args.optionalInteger('policy.maxKeyLifetimeDays', value, 0, args.MAX_U32),
        ),
        requireExpiration: args.optionalBoolean('policy.requireExpiration', given.requireExpiration),
        deactivateUnusedAfterDays: nullable(given.deactivateUnusedAfterDays, (value) =>
          args.optionalInteger('policy.deactivateUnusedAfterDays', value, 0, args.MAX_U32),
        ),
        exposedKeyAction: args.optionalString('policy.exposedKeyAction', given.exposedKeyAction),
      })
    })
  }

  renameCurrent(name) {
    return call(() => native(this).accountsRenameCurrent(args.string('name', name)))
  }

  list(options) {
    return iterate(() => native(this).accountsList(args.listOptions(options, { status: false })))
  }

  listPage(options) {
    return page(() => native(this).accountsListPage(args.listOptions(options, { status: false, totalCount: true })))
  }

  /** The answer's `key` is the admin application's access key, shown this once (hidden from logs). */
  async create(input) {
    const created = await call(() => {
      const given = args.options('input', input)
      return native(this).accountsCreate({
        name: args.string('input.name', given.name),
        plan: args.optionalString('input.plan', given.plan),
        limits: args.optionalLimits('input.limits', given.limits),
        adminEmail: args.optionalString('input.adminEmail', given.adminEmail),
      })
    })
    return hideKey(created)
  }

  get(accountId) {
    return call(() => native(this).accountsGet(args.string('accountId', accountId)))
  }

  update(accountId, update) {
    return call(() => {
      const given = args.options('update', update)
      return native(this).accountsUpdate(args.string('accountId', accountId), {
        name: args.optionalString('update.name', given.name),
        plan: args.optionalString('update.plan', given.plan),
        limits: args.optionalLimits('update.limits', given.limits),
      })
    })
  }
}

/**
 * The account's audit log (`/v3/audit-log`, needs `audit:view`). Filters
 * `action`, `targetId`, `actorUserId`, `since` and `until` (Dates) sit beside
 * the list options; an action the server does not know is its
 * `ValidationError` naming `action`.
 */
class AuditLog extends Resource {
  list(options) {
    return iterate(() => {
      const [filter, rest] = auditFilter(options)
      return native(this).auditLogList(filter, args.listOptions(rest, { status: false }))
    })
  }

  listPage(options) {
    return page(() => {
      const [filter, rest] = auditFilter(options)
      return native(this).auditLogListPage(filter, args.listOptions(rest, { status: false, totalCount: true }))
    })
  }
}

/** The native filter of the audit log, and the list options left over. */
function auditFilter(options) {
  const { action, targetId, actorUserId, since, until, ...rest } = args.options('options', options)
  const filter = {
    action: args.optionalString('options.action', action),
    targetId: args.optionalString('options.targetId', targetId),
    actorUserId: args.optionalString('options.actorUserId', actorUserId),
    since: args.optionalDate('options.since', since),
    until: args.optionalDate('options.until', until),
  }
  return [filter, rest]
}

module.exports = { Applications, AccessKeys, JwtKeys, Users, PolicyGroups, Accounts, AuditLog }
