// Every method of the client against the real server binary.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { generateKeyPairSync } from 'node:crypto'
import { Client, ForbiddenError, NotFoundError, UnauthorizedError, ValidationError, jwt } from '../lib/index.mjs'
import { startServer, unique, collect } from '../test-support/server.mjs'

let server
let client

before(async () => {
  server = await startServer()
  client = new Client({ baseUrl: server.url, accessKey: server.adminKey })
})

after(async () => {
  client?.close()
  await server?.stop()
})

const ids = (items) => items.map((item) => item.id)
/** A time in whole seconds (the server keeps what it is given; Dates keep ms). */
const inDays = (days) => new Date(Math.floor(Date.now() / 1000) * 1000 + days * 86_400_000)

test('server facts: me, wellKnown, health, openapi', async () => {
  const me = await client.me()
  assert.equal(me.credential.kind, 'access_key')
  assert.equal(me.jwtAudience, server.url)
  assert.ok(me.permissions.includes('accounts:manage'))
  assert.ok(me.account.createdAt instanceof Date)
  assert.ok(me.application.id.startsWith('app_'))
  assert.ok(me.user.id.startsWith('usr_'))
  const info = await client.wellKnown()
  assert.equal(info.jwtAudience, server.url)
  assert.ok(info.jwtAlgorithms.includes('EdDSA'))
  assert.deepEqual(await client.health(), { status: 'ok' })
  const spec = await client.openapi()
  assert.ok(spec.openapi.startsWith('3.1'))
  assert.ok('/v3/me' in spec.paths)
  assert.equal(client.baseUrl, server.url)
})

test('applications: create, get, update, listPage, list, revoke, delete', async () => {
  const name = unique('app')
  const app = await client.applications.create({ name, description: 'first' })
  assert.deepEqual([app.name, app.description, app.status], [name, 'first', 'active'])
  assert.ok(app.id.startsWith('app_'))
  assert.ok(app.createdAt instanceof Date && app.updatedAt instanceof Date)
  assert.deepEqual(app.groupIds, [])
  assert.deepEqual(await client.applications.get(app.id), app)

  const renamed = await client.applications.update(app.id, { name: `${name}-2`, description: 'second' })
  assert.deepEqual([renamed.name, renamed.description], [`${name}-2`, 'second'])
  assert.ok(renamed.updatedAt >= app.updatedAt)

  const page = await client.applications.listPage({ limit: 1, includeTotalCount: true })
  assert.equal(page.data.length, 1)
  assert.equal(page.hasMore, true)
  assert.equal(page.after, page.data[0].id)
  assert.equal(typeof page.totalCount, 'number')
  assert.equal(page.order, 'ASC')
  assert.equal(page.limit, 1)
  assert.ok(ids(await collect(client.applications.list())).includes(app.id))

  const revoked = await client.applications.revoke(app.id)
  assert.equal(revoked.status, 'revoked')
  assert.ok(!ids(await collect(client.applications.list())).includes(app.id))
  assert.ok(ids(await collect(client.applications.list({ status: 'revoked' }))).includes(app.id))
  assert.equal(await client.applications.delete(app.id), undefined)
  await assert.rejects(client.applications.get(app.id), NotFoundError)
})

test('lists follow every page lazily, in both orders, from a cursor', async () => {
  const made = []
  for (let i = 0; i < 3; i++) made.push(await client.applications.create({ name: unique('paged') }))
  const everything = await collect(client.applications.list({ limit: 1 }))
  assert.deepEqual(ids(everything).filter((id) => ids(made).includes(id)), ids(made))
  assert.equal(new Set(ids(everything)).size, everything.length)
  const newestFirst = await collect(client.applications.list({ limit: 2, order: 'DESC' }))
  assert.deepEqual(ids(newestFirst), ids(everything).reverse())
  const afterFirst = await collect(client.applications.list({ limit: 1, after: made[0].id }))
  assert.deepEqual(ids(afterFirst).slice(0, 2), ids(made.slice(1)))

  // The one-page form hands out the cursor of the next page, and none at the end.
  let cursor
  const paged = []
  do {
    const page = await client.applications.listPage({ limit: 2, after: cursor })
    paged.push(...page.data)
    cursor = page.hasMore ? page.after : undefined
    assert.equal(page.totalCount, null)
  } while (cursor !== undefined)
  assert.deepEqual(ids(paged), ids(everything))

  // Breaking out of `for await` stops fetching: the rest is never asked for.
  let seen = 0
  for await (const app of client.applications.list({ limit: 1 })) {
    assert.ok(app.id.startsWith('app_'))
    if (++seen === 2) break
  }
  assert.equal(seen, 2)
  for (const app of made) await client.applications.delete(app.id)
})

test('access keys: every method, expiration kept, moved and removed', async () => {
  const app = await client.applications.create({ name: unique('keys') })
  const expiration = inDays(30)
  const created = await client.accessKeys.create(app.id, {
    name: unique('ci'),
    description: 'for CI',
    scopes: ['keys:view:own'],
    expiration,
  })
  assert.ok(created.key.startsWith('ak_') && created.key.startsWith(created.keyPrefix))
  assert.deepEqual(created.scopes, ['keys:view:own'])
  assert.deepEqual(created.expiration, expiration)
  assert.equal(created.apiHost, server.url)
  assert.equal(created.lastUsedAt, null)

  // The new key authenticates as the application, with its scopes.
  const asKey = new Client({ baseUrl: server.url, accessKey: created.key })
  const me = await asKey.me()
  asKey.close()
  assert.deepEqual([me.application.id, me.credential.id], [app.id, created.id])
  assert.deepEqual(me.credential.scopes, ['keys:view:own'])
  assert.deepEqual(me.permissions, [])

  const fetched = await client.accessKeys.get(app.id, created.id)
  assert.equal(fetched.id, created.id)
  assert.deepEqual(fetched.expiration, expiration)
  assert.equal(fetched.key, undefined)

  const inactive = await client.accessKeys.update(app.id, created.id, { status: 'inactive' })
  assert.equal(inactive.status, 'inactive')
  assert.deepEqual(inactive.expiration, expiration)
  const later = inDays(31)
  const moved = await client.accessKeys.update(app.id, created.id, { expiration: later, name: 'renamed' })
  assert.deepEqual([moved.expiration, moved.name, moved.status], [later, 'renamed', 'inactive'])
  const kept = await client.accessKeys.update(app.id, created.id, { description: 'kept' })
  assert.deepEqual(kept.expiration, later)
  const cleared = await client.accessKeys.update(app.id, created.id, { expiration: null })
  assert.equal(cleared.expiration, null)
  assert.equal(cleared.name, 'renamed')
  const reactivated = await client.accessKeys.setStatus(app.id, created.id, 'active')
  assert.deepEqual([reactivated.status, reactivated.name], ['active', 'renamed'])
  assert.equal((await client.accessKeys.setStatus(app.id, created.id, 'inactive')).status, 'inactive')

  const second = await client.accessKeys.create(app.id, { name: unique('second') })
  assert.deepEqual(second.scopes, [])
  assert.equal(second.expiration, null)
  assert.deepEqual(ids(await collect(client.accessKeys.list(app.id, { limit: 1 }))), [created.id, second.id])
  const page = await client.accessKeys.listPage(app.id, { limit: 1, includeTotalCount: true })
  assert.deepEqual([ids(page.data), page.hasMore, page.totalCount], [[created.id], true, 2])
  assert.deepEqual(ids(await collect(client.accessKeys.list(app.id, { status: 'inactive' }))), [created.id])
  const accountWide = await collect(client.accessKeys.listAccount({ applicationId: app.id }))
  assert.deepEqual(ids(accountWide), [created.id, second.id])
  assert.ok(ids(await collect(client.accessKeys.listAccount({ limit: 1 }))).includes(created.id))
  const accountPage = await client.accessKeys.listAccountPage({ applicationId: app.id, limit: 5 })
  assert.deepEqual([ids(accountPage.data), accountPage.hasMore, accountPage.after], [[created.id, second.id], false, second.id])

  assert.equal((await client.accessKeys.revoke(app.id, second.id)).status, 'revoked')
  assert.equal(await client.accessKeys.delete(app.id, second.id), undefined)
  await assert.rejects(client.accessKeys.get(app.id, second.id), NotFoundError)

  const third = await client.accessKeys.create(app.id, { name: unique('third') })
  const result = await client.accessKeys.bulkDelete([created.id, third.id])
  assert.deepEqual(result, {
    deleted: true,
    results: [
      { id: created.id, status: 'deleted' },
      { id: third.id, status: 'deleted' },
    ],
  })
  assert.deepEqual(await collect(client.accessKeys.list(app.id)), [])
  await client.applications.delete(app.id)
})

test('JWT keys: every method, and a signer logs in with the registered key', async () => {
  const app = await client.applications.create({ name: unique('jwt') })
  const pair = jwt.generateKeyPair('EdDSA')
  const key = await client.jwtKeys.create(app.id, { name: unique('signer'), publicKey: pair.publicPem })
  assert.ok(key.id.startsWith('jwk_'))
  assert.equal(key.algorithm, 'EdDSA')
  assert.equal(key.publicKey.kty, 'OKP')
  assert.equal(key.publicKey.kid, key.id)
  assert.equal(key.thumbprint, pair.thumbprint)
  assert.deepEqual(await client.jwtKeys.get(app.id, key.id), key)

  // Tokens minted from the private key authenticate as the application.
  const asApp = new Client({
    baseUrl: server.url,
    signer: { applicationId: app.id, keyId: key.id, privateKey: pair.privatePem },
  })
  const me = await asApp.me()
  assert.deepEqual([me.credential.kind, me.credential.id, me.application.id], ['jwt_key', key.id, app.id])
  // A token minted by hand is the one the server expects.
  const minted = jwt.mintAccessToken(pair.privatePem, { applicationId: app.id, keyId: key.id, audience: me.jwtAudience })
  const answer = await fetch(`${server.url}/v3/me`, { headers: { authorization: `Bearer ${minted}` } })
  assert.equal(answer.status, 200)
  assert.equal((await answer.json()).credential.id, key.id)
  // An explicit audience, a KeyObject and a short lifetime work the same.
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const ecKey = await client.jwtKeys.create(app.id, { name: unique('ec'), publicKey: ec.publicKey, algorithm: 'ES256' })
  assert.equal(ecKey.algorithm, 'ES256')
  const other = new Client({
    baseUrl: server.url,
    signer: { applicationId: app.id, keyId: ecKey.id, privateKey: ec.privateKey, audience: server.url, lifetime: 60 },
  })
  assert.equal((await other.me()).credential.id, ecKey.id)
  other.close()
  await client.jwtKeys.delete(app.id, ecKey.id)

  // A JWK registration: the same public key as an object.
  const second = await client.jwtKeys.create(app.id, {
    name: unique('as-jwk'),
    publicKey: pair.publicJwk,
    description: 'JWK form',
    algorithm: 'EdDSA',
  })
  assert.equal(second.thumbprint, key.thumbprint)
  assert.equal(second.description, 'JWK form')

  assert.deepEqual(ids(await collect(client.jwtKeys.list(app.id, { limit: 1 }))), [key.id, second.id])
  const page = await client.jwtKeys.listPage(app.id, { limit: 1, includeTotalCount: true })
  assert.deepEqual([ids(page.data), page.totalCount], [[key.id], 2])
  const jwks = await client.jwtKeys.jwks(app.id)
  assert.deepEqual(jwks.keys.map((k) => k.kid), [key.id, second.id])

  const updated = await client.jwtKeys.update(app.id, second.id, { name: 'renamed', status: 'inactive' })
  assert.deepEqual([updated.name, updated.status], ['renamed', 'inactive'])
  assert.deepEqual(ids(await collect(client.jwtKeys.list(app.id, { status: 'inactive' }))), [second.id])
  const soon = inDays(1)
  assert.deepEqual((await client.jwtKeys.update(app.id, second.id, { expiration: soon })).expiration, soon)
  assert.equal((await client.jwtKeys.update(app.id, second.id, { expiration: null })).expiration, null)
  assert.equal((await client.jwtKeys.setStatus(app.id, second.id, 'active')).status, 'active')

  assert.equal((await client.jwtKeys.revoke(app.id, key.id)).status, 'revoked')
  await assert.rejects(asApp.me(), UnauthorizedError)
  asApp.close()
  await client.jwtKeys.delete(app.id, key.id)
  await assert.rejects(client.jwtKeys.get(app.id, key.id), NotFoundError)
  await client.applications.delete(app.id)
})

test('scoped JWT keys: tokens narrowed to the scopes, and no grant beyond the acting credential', async () => {
  const group = await client.policyGroups.create({
    name: unique('workers'),
    permissions: ['keys:create:own', 'keys:view:own', 'applications:view:own', 'users:manage'],
  })
  const app = await client.applications.create({ name: unique('scoped-jwt'), groupIds: [group.id] })
  const pair = jwt.generateKeyPair('EdDSA')
  const scopes = ['applications:view:own', 'keys:view:own']
  const key = await client.jwtKeys.create(app.id, { name: unique('narrow'), publicKey: pair.publicPem, scopes })
  assert.deepEqual(key.scopes, scopes)
  assert.deepEqual((await client.jwtKeys.get(app.id, key.id)).scopes, scopes)
  // Its tokens hold the application's rights narrowed to the scopes.
  const asJwt = new Client({
    baseUrl: server.url,
    signer: { applicationId: app.id, keyId: key.id, privateKey: pair.privatePem },
  })
  const me = await asJwt.me()
  asJwt.close()
  assert.deepEqual([me.credential.id, me.credential.scopes, me.permissions], [key.id, scopes, scopes])

  // A credential may not register a key that could do more than it can.
  const limited = await client.accessKeys.create(app.id, {
    name: unique('limited'),
    scopes: ['keys:create:own', 'keys:view:own'],
  })
  const asLimited = new Client({ baseUrl: server.url, accessKey: limited.key })
  await assert.rejects(
    asLimited.jwtKeys.create(app.id, {
      name: unique('wider'),
      publicKey: pair.publicPem,
      scopes: ['keys:view:own', 'users:manage'],
    }),
    (error) => {
      assert.ok(error instanceof ForbiddenError)
      assert.deepEqual(
        [error.code, error.status, error.type],
        ['ERR_LATCHKEY_FORBIDDEN', 403, 'forbidden'],
      )
      assert.deepEqual(error.fields, [{ name: 'scopes', message: 'the acting credential lacks `users:manage`' }])
      return true
    },
  )
  asLimited.close()
  assert.deepEqual(ids(await collect(client.jwtKeys.list(app.id))), [key.id])

  await client.applications.delete(app.id)
  await client.policyGroups.delete(group.id)
})

test('access keys: roll, both keys working during the grace, the new one with the old one\'s scopes', async () => {
  const group = await client.policyGroups.create({ name: unique('rollers'), permissions: ['keys:view:own'] })
  const app = await client.applications.create({ name: unique('roll'), groupIds: [group.id] })
  const expiration = inDays(30)
  const old = await client.accessKeys.create(app.id, {
    name: unique('old'),
    description: 'to roll',
    scopes: ['keys:view:own'],
    expiration,
  })
  const before = Date.now()
  const rolled = await client.accessKeys.roll(app.id, old.id, { graceSeconds: 3600 })
  assert.notEqual(rolled.id, old.id)
  assert.ok(rolled.key.startsWith('ak_') && rolled.key.startsWith(rolled.keyPrefix))
  assert.notEqual(rolled.key, old.key)
  // The new secret is never shown by logging or serialising.
  assert.ok(!Object.keys(rolled).includes('key'))
  assert.ok(!JSON.stringify(rolled).includes(rolled.key))
  assert.deepEqual(rolled.scopes, ['keys:view:own'])
  assert.equal(rolled.description, 'to roll')
  assert.deepEqual(rolled.expiration, expiration)
  assert.ok(rolled.name.startsWith(`${old.name}-rolled-`), rolled.name)
  // The old key now ends with the grace.
  assert.equal(rolled.rolled.id, old.id)
  assert.equal(rolled.rolled.status, 'active')
  const graceEnd = rolled.rolled.expiration.getTime()
  assert.ok(graceEnd >= before + 3_590_000 && graceEnd <= Date.now() + 3_600_000, String(rolled.rolled.expiration))

  // During the grace both keys authenticate, each with the same scopes.
  for (const [key, keyId] of [[old.key, old.id], [rolled.key, rolled.id]]) {
    const asKey = new Client({ baseUrl: server.url, accessKey: key })
    const me = await asKey.me()
    asKey.close()
    assert.deepEqual([me.application.id, me.credential.id], [app.id, keyId])
    assert.deepEqual(me.credential.scopes, ['keys:view:own'])
    assert.deepEqual(me.permissions, ['keys:view:own'])
  }

  // The plan allows two keys per application: the old one makes room.
  await client.accessKeys.revoke(app.id, old.id)
  const named = await client.accessKeys.roll(app.id, rolled.id, { graceSeconds: 0, name: 'renamed' })
  assert.equal(named.name, 'renamed')
  assert.deepEqual(named.scopes, ['keys:view:own'])
  await assert.rejects(client.accessKeys.roll(app.id, named.id, { graceSeconds: 604_801 }), (error) => {
    assert.ok(error instanceof ValidationError)
    assert.deepEqual(error.fields.map((field) => field.name), ['grace_seconds'])
    return true
  })
  await assert.rejects(client.accessKeys.roll(app.id, named.id, {}), { code: 'ERR_INVALID_ARG_TYPE' })
  await assert.rejects(client.accessKeys.roll(app.id, named.id, { graceSeconds: -1 }), { code: 'ERR_OUT_OF_RANGE' })
  await client.applications.delete(app.id)
  await client.policyGroups.delete(group.id)
})

test('introspect: an active key with whose it is, a revoked or garbage one only inactive', async () => {
  const me = await client.me()
  const own = await client.introspect(server.adminKey)
  assert.equal(own.active, true)
  assert.equal(own.tokenType, 'access_key')
  assert.deepEqual(
    [own.accountId, own.applicationId, own.userId, own.credentialId],
    [me.account.id, me.application.id, me.user.id, me.credential.id],
  )
  assert.ok(own.scope.split(' ').includes('credentials:introspect'), own.scope)
  assert.ok(!('exp' in own), 'the admin key never expires')

  const app = await client.applications.create({ name: unique('introspected') })
  const expiration = inDays(3)
  const key = await client.accessKeys.create(app.id, { name: unique('seen'), expiration })
  const seen = await client.introspect(key.key)
  assert.equal(seen.active, true)
  assert.deepEqual([seen.accountId, seen.applicationId, seen.credentialId], [me.account.id, app.id, key.id])
  assert.equal(seen.exp, expiration.getTime() / 1000)

  // Revoked or garbage: `{ active: false }` alone (never why). Few guesses:
  // a wrong one is paid from the asking client's failure budget.
  await client.accessKeys.revoke(app.id, key.id)
  assert.deepEqual(await client.introspect(key.key), { active: false })
  assert.deepEqual(await client.introspect('ak_not-a-key'), { active: false })
  await assert.rejects(client.introspect(42), { code: 'ERR_INVALID_ARG_TYPE' })
  await client.applications.delete(app.id)
})

test('key policy: get, update, and a key without expiration refused naming expiration', async () => {
  const none = { maxKeyLifetimeDays: null, requireExpiration: false, deactivateUnusedAfterDays: null, exposedKeyAction: 'revoke' }
  assert.deepEqual(await client.accounts.keyPolicy(), none)
  const app = await client.applications.create({ name: unique('policy') })
  try {
    const wanted = { maxKeyLifetimeDays: 90, requireExpiration: true, deactivateUnusedAfterDays: null, exposedKeyAction: 'deactivate' }
    assert.deepEqual(await client.accounts.updateKeyPolicy({ maxKeyLifetimeDays: 90, requireExpiration: true, exposedKeyAction: 'deactivate' }), wanted)
    assert.deepEqual(await client.accounts.keyPolicy(), wanted)
    await assert.rejects(client.accessKeys.create(app.id, { name: unique('forever') }), (error) => {
      assert.ok(error instanceof ValidationError)
      assert.deepEqual(error.fields.map((field) => field.name), ['expiration'])
      return true
    })
    const expiration = inDays(30)
    const dated = await client.accessKeys.create(app.id, { name: unique('dated'), expiration })
    assert.deepEqual(dated.expiration, expiration)
    await assert.rejects(client.accounts.updateKeyPolicy({ exposedKeyAction: 'explode' }), { code: 'ERR_INVALID_ARG_VALUE' })
    await assert.rejects(client.accounts.updateKeyPolicy({ requireExpiration: 'yes' }), { code: 'ERR_INVALID_ARG_TYPE' })
  } finally {
    // The account is shared by every test: leave it asking nothing.
    assert.deepEqual(await client.accounts.updateKeyPolicy({}), none)
  }
  assert.equal((await client.accessKeys.create(app.id, { name: unique('free') })).expiration, null)
  await client.applications.delete(app.id)
})

test('users: every method, and created on behalf of another user', async () => {
  const group = await client.policyGroups.create({ name: unique('readers') })
  const email = `${unique('user')}@example.com`
  const user = await client.users.create({ email, name: 'Ada', groupIds: [group.id] })
  assert.deepEqual([user.email, user.name, user.status, user.groupIds], [email, 'Ada', 'active', [group.id]])
  assert.deepEqual(await client.users.get(user.id), user)
  const updated = await client.users.update(user.id, { name: 'Ada L.', groupIds: [] })
  assert.deepEqual([updated.name, updated.groupIds, updated.email], ['Ada L.', [], email])
  assert.ok(ids(await collect(client.users.list({ limit: 1 }))).includes(user.id))
  // An admin may create on another user's behalf (`createdBy`).
  const owned = await client.applications.create({ name: unique('owned'), createdBy: user.id })
  assert.equal(owned.createdBy, user.id)
  const ownedKey = await client.accessKeys.create(owned.id, { name: unique('k'), createdBy: user.id })
  assert.equal(ownedKey.createdBy, user.id)
  const ownedJwt = await client.jwtKeys.create(owned.id, {
    name: unique('j'),
    publicKey: jwt.generateKeyPair('EdDSA').publicPem,
    createdBy: user.id,
  })
  assert.equal(ownedJwt.createdBy, user.id)
  await client.applications.delete(owned.id)
  const page = await client.users.listPage({ limit: 1, includeTotalCount: true })
  assert.ok(page.totalCount >= 2)
  await client.users.delete(user.id)
  assert.ok(!ids(await collect(client.users.list())).includes(user.id))
  const deleted = await collect(client.users.list({ status: 'deleted' }))
  assert.deepEqual(deleted.filter((u) => u.id === user.id).map((u) => u.status), ['deleted'])
  await client.policyGroups.delete(group.id)
})

test('users: password links, a grant bounded by the caller\'s rights', async () => {
  const user = await client.users.create({ email: `${unique('person')}@example.com`, name: 'Grace' })
  assert.equal(user.hasPassword, false)
  const link = await client.users.passwordLink(user.id)
  assert.equal(link.userId, user.id)
  assert.ok(link.url.startsWith(`${server.url}/console/password?token=`), link.url)
  assert.ok(link.expiresAt instanceof Date && link.expiresAt > new Date())
  // The url acts as the user: never shown by logging or serialising.
  assert.deepEqual(Object.keys(link).sort(), ['expiresAt', 'userId'])
  assert.ok(!JSON.stringify(link).includes('token'))
  assert.notEqual((await client.users.passwordLink(user.id)).url, link.url)

  // A manager of users cannot hand out a user whose rights it lacks.
  const group = await client.policyGroups.create({ name: unique('managers'), permissions: ['users:manage'] })
  const app = await client.applications.create({ name: unique('people'), groupIds: [group.id] })
  const managerKey = await client.accessKeys.create(app.id, { name: unique('manager') })
  const admin = (await client.me()).user
  const manager = new Client({ baseUrl: server.url, accessKey: managerKey.key })
  await assert.rejects(manager.users.passwordLink(admin.id), (error) => {
    assert.ok(error instanceof ForbiddenError)
    assert.deepEqual([error.code, error.status, error.type], ['ERR_LATCHKEY_FORBIDDEN', 403, 'forbidden'])
    assert.ok(error.fields.length > 0 && error.fields.every((field) => field.name === 'id'), error.message)
    assert.ok(error.requestId)
    return true
  })
  // A user without rights is within any manager's.
  assert.equal((await manager.users.passwordLink(user.id)).userId, user.id)
  manager.close()
  await assert.rejects(client.users.passwordLink(app.id), { code: 'ERR_INVALID_ARG_VALUE' })
  await client.applications.delete(app.id)
  await client.policyGroups.delete(group.id)
  await client.users.delete(user.id)
})

test('audit log: records of the changes made, filters, refusals', async () => {
  const me = await client.me()
  const earlier = await client.applications.create({ name: unique('unaudited') })
  // Dates keep milliseconds: leave a gap so that `earlier` is before `start`.
  await new Promise((resolve) => setTimeout(resolve, 5))
  const start = new Date()
  const name = unique('audited')
  const app = await client.applications.create({ name })
  await client.applications.update(app.id, { name: `${name}-renamed` })

  const records = await collect(client.auditLog.list({ targetId: app.id, limit: 1 }))
  assert.deepEqual(records.map((r) => r.action), ['application.create', 'application.update'])
  const renamed = records[1]
  assert.deepEqual(renamed.target, { type: 'application', id: app.id })
  assert.equal(renamed.actor.via, 'access_key')
  assert.equal(renamed.actor.userId, me.user.id)
  assert.equal(renamed.actor.credentialId, me.credential.id)
  assert.equal(renamed.accountId, me.account.id)
  assert.deepEqual(renamed.changes.name, [name, `${name}-renamed`])
  assert.ok(renamed.requestId)
  assert.equal(renamed.ip, '127.0.0.1')
  assert.ok(renamed.at instanceof Date && renamed.at >= start)

  // Every filter given must match.
  const mine = await collect(client.auditLog.list({ targetId: app.id, actorUserId: me.user.id }))
  assert.deepEqual(ids(mine), ids(records))
  const page = await client.auditLog.listPage({ action: 'application.create', since: start, order: 'DESC' })
  assert.deepEqual(page.data.map((r) => r.target.id), [app.id])
  const since = await collect(client.auditLog.list({ since: start }))
  assert.ok(!since.some((r) => r.target.id === earlier.id))
  assert.deepEqual(await collect(client.auditLog.list({ targetId: app.id, until: start })), [])

  // A filter the server does not know is its validation error naming it.
  await assert.rejects(client.auditLog.listPage({ action: 'application.steal' }), (error) => {
    assert.ok(error instanceof ValidationError)
    assert.deepEqual([error.code, error.status], ['ERR_LATCHKEY_VALIDATION', 400])
    assert.deepEqual(error.fields.map((field) => field.name), ['action'])
    return true
  })
  // Arguments are checked before any request.
  await assert.rejects(client.auditLog.listPage({ actorUserId: app.id }), { code: 'ERR_INVALID_ARG_VALUE' })
  await assert.rejects(client.auditLog.listPage({ since: '2026-01-01' }), { code: 'ERR_INVALID_ARG_TYPE' })
  await assert.rejects(client.auditLog.listPage({ status: 'active' }), { code: 'ERR_INVALID_ARG_VALUE' })

  // The log is for holders of audit:view only.
  const group = await client.policyGroups.create({ name: unique('viewers'), permissions: ['applications:view:any'] })
  const viewerApp = await client.applications.create({ name: unique('viewer'), groupIds: [group.id] })
  const viewerKey = await client.accessKeys.create(viewerApp.id, { name: unique('viewer') })
  const viewer = new Client({ baseUrl: server.url, accessKey: viewerKey.key })
  await assert.rejects(viewer.auditLog.listPage(), (error) => {
    assert.ok(error instanceof ForbiddenError)
    assert.deepEqual([error.code, error.status, error.type], ['ERR_LATCHKEY_FORBIDDEN', 403, 'forbidden'])
    return true
  })
  await assert.rejects(collect(viewer.auditLog.list()), ForbiddenError)
  viewer.close()
  for (const id of [app.id, earlier.id, viewerApp.id]) await client.applications.delete(id)
  await client.policyGroups.delete(group.id)
})

test('a page larger than one conversion slice: every item, in order, as plain objects', async () => {
  // The items of a page become objects 50 per turn of the event loop;
  // 110 users span three slices of a page and of the iterator.
  const made = []
  const pending = Array.from({ length: 110 }, (_, i) => `${unique(`slice${i}`)}@example.com`)
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (pending.length > 0) made.push((await client.users.create({ email: pending.pop(), name: 'S' })).id)
    }),
  )
  const page = await client.users.listPage({ limit: 1000, includeTotalCount: true })
  assert.deepEqual(Object.keys(page).sort(), ['after', 'data', 'hasMore', 'limit', 'order', 'totalCount'])
  assert.ok(Array.isArray(page.data))
  assert.equal(page.data.length, page.totalCount)
  const listed = ids(page.data)
  for (const id of made) assert.ok(listed.includes(id), id)
  assert.equal(new Set(listed).size, listed.length)
  for (const user of page.data) {
    assert.equal(Object.getPrototypeOf(user), Object.prototype)
    assert.ok(user.createdAt instanceof Date)
  }
  // The same order as pages of one item each, and as the iterator over pages of 105 (three slices each).
  const small = await client.users.listPage({ limit: 1, order: 'ASC' })
  const asc = await client.users.listPage({ limit: 1000, order: 'ASC' })
  assert.equal(asc.data[0].id, small.data[0].id)
  assert.deepEqual(ids(await collect(client.users.list({ limit: 105, order: 'ASC' }))), ids(asc.data))
  await Promise.all(made.map((id) => client.users.delete(id)))
})

test('policy groups and their members', async () => {
  const group = await client.policyGroups.create({
    name: unique('viewers'),
    description: 'can look',
    permissions: ['applications:view:own'],
  })
  assert.deepEqual([group.permissions, group.builtIn], [['applications:view:own'], false])
  assert.deepEqual(await client.policyGroups.get(group.id), group)
  const updated = await client.policyGroups.update(group.id, {
    description: 'can look at all',
    permissions: ['applications:view:any'],
  })
  assert.equal(updated.description, 'can look at all')
  assert.ok(updated.permissions.includes('applications:view:any'))
  const listed = await collect(client.policyGroups.list({ limit: 1 }))
  assert.ok(ids(listed).includes(group.id))
  assert.ok(listed.some((g) => g.builtIn && g.name === 'Administrators'))
  assert.ok((await client.policyGroups.listPage({ limit: 1, includeTotalCount: true })).totalCount >= 2)

  const apps = [
    await client.applications.create({ name: unique('member') }),
    await client.applications.create({ name: unique('member') }),
  ]
  assert.equal(await client.policyGroups.addApplications(group.id, ids(apps)), undefined)
  assert.deepEqual(ids(await collect(client.policyGroups.listApplications(group.id, { limit: 1 }))), ids(apps))
  assert.deepEqual((await client.applications.get(apps[0].id)).groupIds, [group.id])
  const appPage = await client.policyGroups.listApplicationsPage(group.id, { limit: 1, includeTotalCount: true })
  assert.deepEqual([ids(appPage.data), appPage.hasMore, appPage.totalCount], [[apps[0].id], true, 2])
  await client.policyGroups.removeApplications(group.id, [apps[0].id])
  assert.deepEqual(ids(await collect(client.policyGroups.listApplications(group.id))), [apps[1].id])

  const user = await client.users.create({ email: `${unique('member')}@example.com` })
  await client.policyGroups.addUsers(group.id, [user.id])
  assert.deepEqual(ids(await collect(client.policyGroups.listUsers(group.id))), [user.id])
  const userPage = await client.policyGroups.listUsersPage(group.id, { includeTotalCount: true })
  assert.deepEqual([ids(userPage.data), userPage.hasMore, userPage.totalCount], [[user.id], false, 1])
  await client.policyGroups.removeUsers(group.id, [user.id])
  assert.deepEqual(await collect(client.policyGroups.listUsers(group.id)), [])

  await client.policyGroups.delete(group.id)
  await assert.rejects(client.policyGroups.get(group.id), NotFoundError)
  for (const app of apps) await client.applications.delete(app.id)
  await client.users.delete(user.id)
})

test('accounts: current, rename, and the operator\'s tenant accounts', async () => {
  const current = await client.accounts.current()
  assert.equal(current.operator, true)
  assert.equal(current.plan, 'commercial')
  assert.equal(current.limits.applications, 25)
  const renamed = await client.accounts.renameCurrent(unique('Operator'))
  assert.equal(renamed.id, current.id)
  assert.notEqual(renamed.name, current.name)

  const created = await client.accounts.create({
    name: unique('tenant'),
    plan: 'custom',
    limits: { applications: 3, accessKeysPerApplication: 1, jwtKeysPerApplication: 1 },
    adminEmail: 'owner@example.com',
  })
  assert.equal(created.plan, 'custom')
  assert.deepEqual(created.limits, { applications: 3, accessKeysPerApplication: 1, jwtKeysPerApplication: 1 })
  assert.equal(created.adminUser.email, 'owner@example.com')
  assert.equal(created.accessKey.applicationId, created.adminApplication.id)
  const tenant = new Client({ baseUrl: server.url, accessKey: created.key })
  const tenantMe = await tenant.me()
  tenant.close()
  assert.equal(tenantMe.account.id, created.id)
  assert.equal(tenantMe.account.operator, false)

  const fetched = await client.accounts.get(created.id)
  assert.equal(fetched.name, created.name)
  assert.ok(ids(await collect(client.accounts.list({ limit: 1 }))).includes(created.id))
  const page = await client.accounts.listPage({ limit: 1, includeTotalCount: true })
  assert.ok(page.totalCount >= 2)
  assert.ok(page.hasMore)
  const moved = await client.accounts.update(created.id, { plan: 'free' })
  assert.deepEqual([moved.plan, moved.limits.applications], ['free', 4])
  const raised = await client.accounts.update(created.id, {
    name: 'Tenant',
    plan: 'custom',
    limits: { applications: 9, accessKeysPerApplication: 2, jwtKeysPerApplication: 2 },
  })
  assert.deepEqual([raised.name, raised.plan, raised.limits.applications], ['Tenant', 'custom', 9])
})
