'use strict'
// One object per resource of the API (`client.applications`, …): each
// method checks its JavaScript arguments and calls the native client once.
// Method and option names follow the Python SDK's, in camelCase.
// Written by `cargo xtask codegen` from spec/sdk.json; do not edit.

const args = require('./args.cjs')
const { call, page, iterate, hideKey } = require('./call.cjs')

const natives = new WeakMap()

/** The native client of a resource object (kept out of `util.inspect`). */
function native(resource) {
  return natives.get(resource)
}

/** `null` (as an answer spells "none") read as left out. */
function nullable(value, check) {
  return value === null ? undefined : check(value)
}

class Resource {
  constructor(nativeClient) {
    natives.set(this, nativeClient)
  }
}

/** The client's own calls (`client.me()`, …); `Client` (`index.cjs`) extends it. */
class ClientCalls extends Resource {
  /** Who this credential is (`GET /v3/me`). */
  me() {
    return call(() => native(this).me())
  }

  /** Liveness (`GET /health`): the status is `ok` while the server is up; no credential needed. */
  health() {
    return call(() => native(this).health())
  }

  /** Public server facts (`GET /.well-known/latchkey`); no credential needed. */
  wellKnown() {
    return call(() => native(this).wellKnown())
  }

  /** The server's OpenAPI 3.1 document (`GET /openapi.json`); no credential needed. */
  openapi() {
    return call(() => native(this).openapi())
  }

  /**
   * Whether `token` (an access key or a JWT) is active, and whose it is (`POST
   * /v3/introspect`, needs `credentials:introspect`). A revoked, expired,
   * unknown or malformed token is inactive with nothing else, whatever the
   * reason; each one that does not verify spends this client's failure budget
   * on the server.
   */
  introspect(token) {
    return call(() => native(this).introspect(args.string('token', token)))
  }
}

/** Applications: the holders of credentials (`/v3/applications`). */
class Applications extends Resource {
  /** Every application the caller may view, across pages (revoked ones only when the `status` filter is `revoked`). */
  list(options) {
    return iterate(() => native(this).applicationsList(args.listOptions(options)))
  }

  /** One page of applications. */
  listPage(options) {
    return page(() => native(this).applicationsListPage(args.listOptions(options, { totalCount: true })))
  }

  /**
   * Creates an application in the policy groups `groupIds` (within the plan's
   * limit); `createdBy` names another owner (needs `users:manage`).
   */
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

  /** An application. */
  get(applicationId) {
    return call(() => native(this).applicationsGet(args.string('applicationId', applicationId)))
  }

  /** Changes what is given of the name, description and status. */
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

  /** Revokes an application (terminal): its credentials stop working. */
  revoke(applicationId) {
    return call(() => native(this).applicationsRevoke(args.string('applicationId', applicationId)))
  }

  /** Deletes an application and all its keys. */
  delete(applicationId) {
    return call(() => native(this).applicationsDelete(args.string('applicationId', applicationId)))
  }
}

/** Access keys (`ak_…`) of applications. */
class AccessKeys extends Resource {
  /** Every access key of an application, across pages (revoked ones only when the `status` filter is `revoked`). */
  list(applicationId, options) {
    return iterate(() =>
      native(this).accessKeysList(args.string('applicationId', applicationId), args.listOptions(options)),
    )
  }

  /** One page of an application's access keys. */
  listPage(applicationId, options) {
    return page(() =>
      native(this).accessKeysListPage(
        args.string('applicationId', applicationId),
        args.listOptions(options, { totalCount: true }),
      ),
    )
  }

  /**
   * Every access key of the account the caller may view, optionally of one
   * application (`GET /v3/access-keys`), across pages.
   */
  listAccount(options) {
    return iterate(() => {
      const { applicationId, ...rest } = args.options('options', options)
      return native(this).accessKeysListAccount(
        {
          applicationId: args.optionalString('options.applicationId', applicationId),
        },
        args.listOptions(rest),
      )
    })
  }

  /** One page of `GET /v3/access-keys`. */
  listAccountPage(options) {
    return page(() => {
      const { applicationId, ...rest } = args.options('options', options)
      return native(this).accessKeysListAccountPage(
        {
          applicationId: args.optionalString('options.applicationId', applicationId),
        },
        args.listOptions(rest, { totalCount: true }),
      )
    })
  }

  /**
   * Creates an access key. `scopes` narrow it and never change (empty: unscoped
   * when the calling credential holds every permission; otherwise the
   * application's current rights become its scopes); `expiration` is an instant
   * with its time zone. The result's `key` is the full secret, shown this once.
   */
  async create(applicationId, input) {
    const answer = await call(() => {
      const given = args.options('input', input)
      return native(this).accessKeysCreate(args.string('applicationId', applicationId), {
        name: args.string('input.name', given.name),
        description: args.optionalString('input.description', given.description),
        scopes: args.optionalStrings('input.scopes', given.scopes),
        expiration: given.expiration === null ? undefined : args.optionalDate('input.expiration', given.expiration),
        createdBy: args.optionalString('input.createdBy', given.createdBy),
      })
    })
    return hideKey(answer, 'key')
  }

  /** An access key. */
  get(applicationId, keyId) {
    return call(() =>
      native(this).accessKeysGet(args.string('applicationId', applicationId), args.string('keyId', keyId)),
    )
  }

  /**
   * Changes what is given: name, description, status (`active`, `inactive`,
   * `revoked`) and expiration, which may also be removed (the key then never
   * expires).
   */
  update(applicationId, keyId, update) {
    return call(() => {
      const given = args.options('update', update)
      return native(this).accessKeysUpdate(args.string('applicationId', applicationId), args.string('keyId', keyId), {
        name: args.optionalString('update.name', given.name),
        description: args.optionalString('update.description', given.description),
        status: args.optionalString('update.status', given.status),
        expiration: given.expiration === null ? undefined : args.optionalDate('update.expiration', given.expiration),
        removeExpiration: given.expiration === null ? true : undefined,
      })
    })
  }

  /** Sets the stored status: `active`, `inactive` or `revoked` (terminal). */
  setStatus(applicationId, keyId, status) {
    return call(() =>
      native(this).accessKeysSetStatus(
        args.string('applicationId', applicationId),
        args.string('keyId', keyId),
        args.string('status', status),
      ),
    )
  }

  /** Revokes an access key (terminal). */
  revoke(applicationId, keyId) {
    return call(() =>
      native(this).accessKeysRevoke(args.string('applicationId', applicationId), args.string('keyId', keyId)),
    )
  }

  /**
   * Rolls an access key: a new key with the old one's scopes, description and
   * expiration (named `name`, else the old name with a `-rolled-N` suffix),
   * while the old key keeps working for `graceSeconds` (0 to 604800) and then
   * expires. The result's `key` is the new secret, shown this once; its
   * `rolled` is the old key with its new `expiration`. `LimitExceededError`
   * when the application has no room for another key.
   */
  async roll(applicationId, keyId, options) {
    const answer = await call(() => {
      const given = args.options('options', options)
      return native(this).accessKeysRoll(args.string('applicationId', applicationId), args.string('keyId', keyId), {
        graceSeconds: args.optionalInteger('options.graceSeconds', given.graceSeconds, 0, args.MAX_U32) ?? args.missing('options.graceSeconds'),
        name: args.optionalString('options.name', given.name),
      })
    })
    return hideKey(answer, 'key')
  }

  /** Deletes an access key. */
  delete(applicationId, keyId) {
    return call(() =>
      native(this).accessKeysDelete(args.string('applicationId', applicationId), args.string('keyId', keyId)),
    )
  }

  /**
   * Deletes every listed key, or none: when any cannot be deleted, a
   * `ConflictError` whose `fields` name each failing `ids[i]`.
   */
  bulkDelete(ids) {
    return call(() => native(this).accessKeysBulkDelete(args.strings('ids', ids)))
  }
}

/** JWT keys: registered public keys whose private halves sign access tokens. */
class JwtKeys extends Resource {
  /** Every JWT key of an application, across pages. */
  list(applicationId, options) {
    return iterate(() =>
      native(this).jwtKeysList(args.string('applicationId', applicationId), args.listOptions(options)),
    )
  }

  /** One page of an application's JWT keys. */
  listPage(applicationId, options) {
    return page(() =>
      native(this).jwtKeysListPage(
        args.string('applicationId', applicationId),
        args.listOptions(options, { totalCount: true }),
      ),
    )
  }

  /**
   * Registers a public key (PEM SPKI or X.509 certificate text, or a JWK); its
   * `id` is the `kid` of the tokens it signs. `algorithm` defaults to the
   * key's. `scopes` narrow its tokens as an access key's scopes do, and never
   * change (empty: unscoped when the calling credential holds every permission;
   * otherwise the application's current rights become its scopes).
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

  /** A JWT key. */
  get(applicationId, keyId) {
    return call(() => native(this).jwtKeysGet(args.string('applicationId', applicationId), args.string('keyId', keyId)))
  }

  /**
   * Changes what is given: name, description, status and expiration, which may
   * also be removed (the key then never expires).
   */
  update(applicationId, keyId, update) {
    return call(() => {
      const given = args.options('update', update)
      return native(this).jwtKeysUpdate(args.string('applicationId', applicationId), args.string('keyId', keyId), {
        name: args.optionalString('update.name', given.name),
        description: args.optionalString('update.description', given.description),
        status: args.optionalString('update.status', given.status),
        expiration: given.expiration === null ? undefined : args.optionalDate('update.expiration', given.expiration),
        removeExpiration: given.expiration === null ? true : undefined,
      })
    })
  }

  /** Sets the stored status: `active`, `inactive` or `revoked` (terminal). */
  setStatus(applicationId, keyId, status) {
    return call(() =>
      native(this).jwtKeysSetStatus(
        args.string('applicationId', applicationId),
        args.string('keyId', keyId),
        args.string('status', status),
      ),
    )
  }

  /** Revokes a JWT key (terminal). */
  revoke(applicationId, keyId) {
    return call(() =>
      native(this).jwtKeysRevoke(args.string('applicationId', applicationId), args.string('keyId', keyId)),
    )
  }

  /** Deletes a JWT key. */
  delete(applicationId, keyId) {
    return call(() =>
      native(this).jwtKeysDelete(args.string('applicationId', applicationId), args.string('keyId', keyId)),
    )
  }

  /** The application's active public keys as a JWK set, as the JWT toolkit's verify takes it. */
  jwks(applicationId) {
    return call(() => native(this).jwtKeysJwks(args.string('applicationId', applicationId)))
  }
}

/** Users of the caller's account. */
class Users extends Resource {
  /** Every user, across pages (deleted ones only when the `status` filter is `deleted`). */
  list(options) {
    return iterate(() => native(this).usersList(args.listOptions(options)))
  }

  /** One page of users. */
  listPage(options) {
    return page(() => native(this).usersListPage(args.listOptions(options, { totalCount: true })))
  }

  /** Creates a user in the policy groups `groupIds`. */
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

  /** A user. */
  get(userId) {
    return call(() => native(this).usersGet(args.string('userId', userId)))
  }

  /** Changes what is given of the email, name and groups. */
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

  /** Marks a user deleted: everything the user created stops authenticating. */
  delete(userId) {
    return call(() => native(this).usersDelete(args.string('userId', userId)))
  }

  /**
   * A one-time link that sets the user's console password, valid 24 hours; the
   * user's earlier links stop working. Needs `users:manage`, and the user's
   * rights must be the caller's to give (whoever holds the link acts as the
   * user): `ForbiddenError` naming `id` otherwise.
   */
  async passwordLink(userId) {
    const answer = await call(() => native(this).usersPasswordLink(args.string('userId', userId)))
    return hideKey(answer, 'url')
  }
}

/** Policy groups: named permission sets, and their members. */
class PolicyGroups extends Resource {
  /** Every policy group, across pages. */
  list(options) {
    return iterate(() => native(this).policyGroupsList(args.listOptions(options, { status: false })))
  }

  /** One page of policy groups. */
  listPage(options) {
    return page(() => native(this).policyGroupsListPage(args.listOptions(options, { status: false, totalCount: true })))
  }

  /** Creates a policy group granting `permissions`. */
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

  /** A policy group. */
  get(groupId) {
    return call(() => native(this).policyGroupsGet(args.string('groupId', groupId)))
  }

  /** Changes what is given of the name, description and permissions. */
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

  /** Deletes a policy group (`Administrators` cannot be deleted). */
  delete(groupId) {
    return call(() => native(this).policyGroupsDelete(args.string('groupId', groupId)))
  }

  /** The applications in a group, across pages. */
  listApplications(groupId, options) {
    return iterate(() =>
      native(this).policyGroupsListApplications(
        args.string('groupId', groupId),
        args.listOptions(options, { status: false }),
      ),
    )
  }

  /** One page of the applications in a group. */
  listApplicationsPage(groupId, options) {
    return page(() =>
      native(this).policyGroupsListApplicationsPage(
        args.string('groupId', groupId),
        args.listOptions(options, { status: false, totalCount: true }),
      ),
    )
  }

  /** Adds applications to a group, all or nothing. */
  addApplications(groupId, ids) {
    return call(() =>
      native(this).policyGroupsAddApplications(args.string('groupId', groupId), args.strings('ids', ids)),
    )
  }

  /** Removes applications from a group, all or nothing. */
  removeApplications(groupId, ids) {
    return call(() =>
      native(this).policyGroupsRemoveApplications(args.string('groupId', groupId), args.strings('ids', ids)),
    )
  }

  /** The users in a group, across pages. */
  listUsers(groupId, options) {
    return iterate(() =>
      native(this).policyGroupsListUsers(args.string('groupId', groupId), args.listOptions(options, { status: false })),
    )
  }

  /** One page of the users in a group. */
  listUsersPage(groupId, options) {
    return page(() =>
      native(this).policyGroupsListUsersPage(
        args.string('groupId', groupId),
        args.listOptions(options, { status: false, totalCount: true }),
      ),
    )
  }

  /** Adds users to a group, all or nothing. */
  addUsers(groupId, ids) {
    return call(() => native(this).policyGroupsAddUsers(args.string('groupId', groupId), args.strings('ids', ids)))
  }

  /** Removes users from a group, all or nothing. */
  removeUsers(groupId, ids) {
    return call(() => native(this).policyGroupsRemoveUsers(args.string('groupId', groupId), args.strings('ids', ids)))
  }
}

/** The caller's account; tenant accounts for the operator (`accounts:manage`). */
class Accounts extends Resource {
  /** The caller's account. */
  current() {
    return call(() => native(this).accountsCurrent())
  }

  /** The caller's account's key policy (`GET /v3/accounts/me/policy`, needs `account:view`). */
  keyPolicy() {
    return call(() => native(this).accountsKeyPolicy())
  }

  /**
   * Replaces the caller's account's key policy (`PUT /v3/accounts/me/policy`,
   * needs `account:edit`); returns the policy now in force. A policy with
   * nothing set asks nothing. New keys are held to it (a `ValidationError`
   * naming `expiration` otherwise); keys made before it are left as they are.
   */
  updateKeyPolicy(policy) {
    return call(() => {
      const given = args.options('policy', policy)
      return native(this).accountsUpdateKeyPolicy({
        maxKeyLifetimeDays: nullable(given.maxKeyLifetimeDays, (value) => args.optionalInteger('policy.maxKeyLifetimeDays', value, 0, args.MAX_U32)),
        requireExpiration: args.optionalBoolean('policy.requireExpiration', given.requireExpiration),
        deactivateUnusedAfterDays: nullable(given.deactivateUnusedAfterDays, (value) => args.optionalInteger('policy.deactivateUnusedAfterDays', value, 0, args.MAX_U32)),
        exposedKeyAction: args.optionalString('policy.exposedKeyAction', given.exposedKeyAction),
      })
    })
  }

  /** Renames the caller's account (the plan is the operator's to change). */
  renameCurrent(name) {
    return call(() => native(this).accountsRenameCurrent(args.string('name', name)))
  }

  /** Every account, across pages (operator only). */
  list(options) {
    return iterate(() => native(this).accountsList(args.listOptions(options, { status: false })))
  }

  /** One page of accounts (operator only). */
  listPage(options) {
    return page(() => native(this).accountsListPage(args.listOptions(options, { status: false, totalCount: true })))
  }

  /**
   * Creates a tenant account with its `Administrators` group, admin user, admin
   * application and first access key, whose secret is the result's `key`, shown
   * this once (operator only). `limits` go with plan `custom`.
   */
  async create(input) {
    const answer = await call(() => {
      const given = args.options('input', input)
      return native(this).accountsCreate({
        name: args.string('input.name', given.name),
        plan: args.optionalString('input.plan', given.plan),
        limits: args.optionalLimits('input.limits', given.limits),
        adminEmail: args.optionalString('input.adminEmail', given.adminEmail),
      })
    })
    return hideKey(answer, 'key')
  }

  /** An account (operator only). */
  get(accountId) {
    return call(() => native(this).accountsGet(args.string('accountId', accountId)))
  }

  /** Changes an account's name, plan or limits (operator only). */
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
 * The account's audit log (`/v3/audit-log`, needs `audit:view`): every change
 * and sign-in, in the order written. Every filter given must match: `action`
 * (`access_key.update`, …), `targetId` (the object's id), `actorUserId`, and
 * `since`/`until` (instants, both inclusive). An action the server does not
 * know is its `ValidationError` naming `action`.
 */
class AuditLog extends Resource {
  /** Every record passing the filters, across pages. */
  list(options) {
    return iterate(() => {
      const { action, targetId, actorUserId, since, until, ...rest } = args.options('options', options)
      return native(this).auditLogList(
        {
          action: args.optionalString('options.action', action),
          targetId: args.optionalString('options.targetId', targetId),
          actorUserId: args.optionalString('options.actorUserId', actorUserId),
          since: args.optionalDate('options.since', since),
          until: args.optionalDate('options.until', until),
        },
        args.listOptions(rest, { status: false }),
      )
    })
  }

  /** One page of the records passing the filters. */
  listPage(options) {
    return page(() => {
      const { action, targetId, actorUserId, since, until, ...rest } = args.options('options', options)
      return native(this).auditLogListPage(
        {
          action: args.optionalString('options.action', action),
          targetId: args.optionalString('options.targetId', targetId),
          actorUserId: args.optionalString('options.actorUserId', actorUserId),
          since: args.optionalDate('options.since', since),
          until: args.optionalDate('options.until', until),
        },
        args.listOptions(rest, { status: false, totalCount: true }),
      )
    })
  }
}

module.exports = { ClientCalls, Applications, AccessKeys, JwtKeys, Users, PolicyGroups, Accounts, AuditLog }
