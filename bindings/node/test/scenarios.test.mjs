// The cross-language scenario (`tests/scenarios/` at the repository root):
// the same script in every SDK against a real server, its transcript
// compared step by step with the one every SDK must produce.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { Client, ApiError, JwtAlgorithmNotAllowedError, jwt } from '../lib/index.mjs'
import { startServer, unique, collect } from '../test-support/server.mjs'

const expected = JSON.parse(readFileSync(new URL('../../../tests/scenarios/lifecycle.json', import.meta.url))).transcript
const MISSING_KEY = 'key_0000000000000000000000'

let server
before(async () => {
  server = await startServer()
})
after(async () => {
  await server?.stop()
})

/** The step's values, or the error it raised as status, type and fields. */
async function outcome(call) {
  try {
    return await call()
  } catch (error) {
    if (error instanceof ApiError) {
      return { error: { status: error.status, type: error.type, fields: error.fields.map((field) => field.name) } }
    }
    if (error instanceof JwtAlgorithmNotAllowedError) return { error: { type: 'disallowed_algorithm' } }
    throw error
  }
}

async function httpMe(token) {
  const answer = await fetch(`${server.url}/v3/me`, { headers: { authorization: `Bearer ${token}` } })
  if (!answer.ok) return { http_status: answer.status }
  return { http_status: answer.status, credential: (await answer.json()).credential.object }
}

async function httpMePermissions(token) {
  const answer = await fetch(`${server.url}/v3/me`, { headers: { authorization: `Bearer ${token}` } })
  return [...(await answer.json()).permissions].sort()
}

async function lifecycle() {
  const transcript = []
  const step = async (name, call) => transcript.push({ step: name, ...(await outcome(call)) })

  const admin = new Client({ baseUrl: server.url, accessKey: server.adminKey })
  const administrators = (await collect(admin.policyGroups.list())).find((group) => group.builtIn).id
  const app = await admin.applications.create({ name: unique('scenario'), groupIds: [administrators] })
  await step('create_application', () => ({ status: app.status }))

  const scopes = ['applications:view:own']
  const first = await admin.accessKeys.create(app.id, { name: unique('first'), scopes })
  await step('create_access_key', () => ({
    status: first.status,
    scopes: first.scopes,
    key_prefix_matches: first.key.startsWith(first.keyPrefix),
  }))
  const asFirst = new Client({ baseUrl: server.url, accessKey: first.key })
  const useFirst = async () => {
    const me = await asFirst.me()
    return { credential: me.credential.kind, permissions: [...me.permissions].sort() }
  }
  await step('use_access_key', useFirst)

  const second = await admin.accessKeys.create(app.id, { name: unique('second'), scopes })
  await step('rotate', async () => {
    const old = await admin.accessKeys.setStatus(app.id, first.id, 'inactive')
    return { new_key_status: second.status, old_key_status: old.status }
  })
  await step('use_deactivated_key', useFirst)
  const asSecond = new Client({ baseUrl: server.url, accessKey: second.key })
  await step('use_new_key', async () => ({ credential: (await asSecond.me()).credential.kind }))
  await step('revoke', async () => ({ status: (await admin.accessKeys.revoke(app.id, first.id)).status }))
  await step('reactivate_revoked', async () => ({
    status: (await admin.accessKeys.setStatus(app.id, first.id, 'active')).status,
  }))
  await step('bulk_delete_refused', async () => ({
    deleted: (await admin.accessKeys.bulkDelete([second.id, MISSING_KEY])).deleted,
  }))
  await step('bulk_delete', async () => {
    const result = await admin.accessKeys.bulkDelete([first.id, second.id])
    return { deleted: result.deleted, results: result.results.map((item) => item.status) }
  })
  await step('list_after_bulk_delete', async () => ({ count: (await collect(admin.accessKeys.list(app.id))).length }))

  const pair = jwt.generateKeyPair('EdDSA')
  const registered = await admin.jwtKeys.create(app.id, { name: unique('signer'), publicKey: pair.publicPem })
  await step('register_jwt_key', () => ({
    algorithm: registered.algorithm,
    status: registered.status,
    thumbprint_matches: registered.thumbprint === pair.thumbprint,
  }))
  const audience = (await admin.wellKnown()).jwtAudience
  const token = jwt.mintAccessToken(pair.privatePem, { applicationId: app.id, keyId: registered.id, audience })
  await step('mint_and_use', () => httpMe(token))
  const jwks = await admin.jwtKeys.jwks(app.id)
  const verify = (algorithms) => () => {
    const claims = jwt.verify(token, jwks, { algorithms, audience, issuer: app.id })
    return { subject_is_application: claims.sub === app.id }
  }
  await step('verify_with_jwks', verify(['EdDSA']))
  await step('verify_unknown_algorithm', verify(['HS256', 'EdDSA']))

  const viewers = await admin.policyGroups.create({ name: unique('viewers'), permissions: ['applications:view:any'] })
  const person = await admin.users.create({ email: `${unique('person')}@example.com`, groupIds: [viewers.id] })
  await step('password_link', async () => {
    const link = await admin.users.passwordLink(person.id)
    return { has_password: person.hasPassword, link_for_user: link.userId === person.id }
  })
  const people = await admin.accessKeys.create(app.id, { name: unique('people'), scopes: ['users:manage'] })
  const asPeople = new Client({ baseUrl: server.url, accessKey: people.key })
  await step('password_link_beyond_caller', async () => ({
    user_id: (await asPeople.users.passwordLink(person.id)).userId,
  }))
  await step('audit_log', async () => {
    const records = await collect(admin.auditLog.list({ targetId: first.id, limit: 1 }))
    return {
      actions: records.map((record) => record.action),
      via: [...new Set(records.map((record) => record.actor.via))].sort(),
    }
  })
  await step('audit_log_without_permission', async () => ({
    count: (await asPeople.auditLog.listPage()).data.length,
  }))
  await step('introspect_without_permission', async () => ({ active: (await asPeople.introspect(people.key)).active }))
  // Room for the roll: the plan allows two active keys an application.
  await admin.accessKeys.revoke(app.id, people.id)
  const rollable = await admin.accessKeys.create(app.id, { name: unique('rollable'), scopes })
  const rolled = await admin.accessKeys.roll(app.id, rollable.id, { graceSeconds: 3600 })
  await step('roll', () => ({
    new_key_status: rolled.status,
    new_key_scopes: rolled.scopes,
    new_key_differs: rolled.key !== rollable.key && rolled.id !== rollable.id,
    rolled_status: rolled.rolled.status,
    rolled_expires: rolled.rolled.expiration != null,
  }))
  const asRollable = new Client({ baseUrl: server.url, accessKey: rollable.key })
  const asRolled = new Client({ baseUrl: server.url, accessKey: rolled.key })
  await step('use_rolled_keys', async () => ({
    credentials: [(await asRollable.me()).credential.kind, (await asRolled.me()).credential.kind],
  }))
  const introspect = async (token, credentialId) => {
    const seen = await admin.introspect(token)
    return {
      active: seen.active,
      token_type: seen.tokenType ?? null,
      credential_matches: seen.credentialId === credentialId,
      application_matches: seen.applicationId === app.id,
      scope: seen.scope ? seen.scope.split(' ') : null,
    }
  }
  await step('introspect_access_key', () => introspect(rolled.key, rolled.id))
  await step('introspect_minted_token', async () => {
    // The application's rights (every permission): not pinned here.
    const { scope, ...seen } = await introspect(token, registered.id)
    return seen
  })
  await step('introspect_revoked', async () => {
    await admin.accessKeys.revoke(app.id, rollable.id)
    const seen = await admin.introspect(rollable.key)
    return { active: seen.active, token_type: seen.tokenType ?? null }
  })
  await step('key_policy_requires_expiration', async () => {
    await admin.accounts.updateKeyPolicy({ requireExpiration: true })
    try {
      const undated = await admin.accessKeys.create(app.id, { name: unique('undated'), scopes })
      return { status: undated.status }
    } finally {
      await admin.accounts.updateKeyPolicy({})
    }
  })
  await step('key_policy_reset', async () => {
    const policy = await admin.accounts.keyPolicy()
    return {
      require_expiration: policy.requireExpiration,
      max_key_lifetime_days: policy.maxKeyLifetimeDays ?? null,
      exposed_key_action: policy.exposedKeyAction,
    }
  })
  const scopedPair = jwt.generateKeyPair('ES256')
  const scoped = await admin.jwtKeys.create(app.id, { name: unique('scoped'), publicKey: scopedPair.publicPem, scopes })
  const scopedToken = jwt.mintAccessToken(scopedPair.privatePem, { applicationId: app.id, keyId: scoped.id, audience })
  await step('jwt_key_scopes', async () => ({
    algorithm: scoped.algorithm,
    scopes: scoped.scopes,
    permissions: await httpMePermissions(scopedToken),
  }))
  await admin.users.delete(person.id)
  await admin.policyGroups.delete(viewers.id)
  await admin.applications.delete(app.id)
  await step('use_deleted_application', () => httpMe(token))
  await step('get_deleted_application', async () => ({ status: (await admin.applications.get(app.id)).status }))
  for (const client of [admin, asFirst, asSecond, asPeople, asRollable, asRolled]) client.close()
  return transcript
}

test('the lifecycle scenario gives the transcript every SDK gives', async () => {
  const actual = await lifecycle()
  // Step by step, so that a difference names its step.
  assert.deepEqual(actual.map((step) => step.step), expected.map((step) => step.step))
  for (const [index, want] of expected.entries()) assert.deepEqual(actual[index], want, `step ${want.step}`)
})
