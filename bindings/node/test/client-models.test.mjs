// What results look like: plain objects with camelCase members and Dates,
// secrets kept out of logs, lists as lazy async iterators, clients that
// print no credential.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { inspect } from 'node:util'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { Client, jwt } from '../lib/index.mjs'
import { startServer, unique } from '../test-support/server.mjs'

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

test('results are plain objects with camelCase members and Dates', async () => {
  const app = await client.applications.create({ name: unique('plain') })
  assert.equal(Object.getPrototypeOf(app), Object.prototype)
  assert.deepEqual(Object.keys(app).sort(), [
    'createdAt', 'createdBy', 'description', 'groupIds', 'id', 'name', 'status', 'updatedAt',
  ])
  assert.ok(app.createdAt instanceof Date && !Number.isNaN(app.createdAt.getTime()))
  // Round-trips through JSON as the API's own timestamps.
  const json = JSON.parse(JSON.stringify(app))
  assert.equal(json.createdAt, app.createdAt.toISOString())
  await client.applications.delete(app.id)
})

test('a created access key keeps its key out of JSON, inspect, spreading and keys', async () => {
  const app = await client.applications.create({ name: unique('secret') })
  const created = await client.accessKeys.create(app.id, { name: unique('k') })
  assert.ok(created.key.startsWith('ak_'))
  const body = created.key.slice(11)
  assert.ok(!JSON.stringify(created).includes(body))
  assert.ok(!inspect(created).includes(body))
  assert.ok(!inspect(created, { showHidden: true, depth: 5 }).includes(body))
  assert.ok(!Object.keys(created).includes('key'))
  assert.equal({ ...created }.key, undefined)
  assert.ok(inspect(created).includes(created.keyPrefix))
  await client.applications.delete(app.id)
})

test('a created account keeps its key out of JSON and inspect', async () => {
  const created = await client.accounts.create({ name: unique('tenant') })
  assert.ok(created.key.startsWith('ak_'))
  const body = created.key.slice(11)
  assert.ok(!JSON.stringify(created).includes(body))
  assert.ok(!inspect(created, { depth: 5 }).includes(body))
  assert.equal(created.accessKey.keyPrefix, created.key.slice(0, 11))
})

test('lists are lazy async iterators: nothing is fetched until read', async () => {
  const closing = new Client({ baseUrl: server.url, accessKey: server.adminKey })
  const apps = closing.applications.list({ limit: 1 })
  assert.equal(typeof apps[Symbol.asyncIterator], 'function')
  assert.equal(typeof apps.next, 'function')
  // Nothing ran yet: the first read happens after close and fails there.
  closing.close()
  await assert.rejects(apps.next(), { code: 'ERR_LATCHKEY_CLIENT_CLOSED' })
  // Pages arrive one at a time as items are used up.
  const first = await client.applications.list({ limit: 1 }).next()
  assert.equal(first.done, false)
  assert.ok(first.value.id.startsWith('app_'))
})

test('clients and signers print no credential', () => {
  const withKey = new Client({ baseUrl: server.url, accessKey: server.adminKey })
  const secret = server.adminKey.slice(11)
  assert.equal(inspect(withKey), `Client { baseUrl: '${server.url}' }`)
  assert.ok(!inspect(withKey, { showHidden: true, depth: 10 }).includes(secret))
  assert.ok(!JSON.stringify(withKey).includes(secret))
  withKey.close()
  assert.equal(inspect(withKey), `Client { baseUrl: '${server.url}', closed }`)
  const pair = jwt.generateKeyPair('EdDSA')
  const signer = { applicationId: 'app_0000000000000000000000', keyId: 'jwk_0000000000000000000000', privateKey: pair.privatePem }
  const withSigner = new Client({ baseUrl: server.url, signer })
  assert.ok(!inspect(withSigner, { showHidden: true, depth: 10 }).includes('PRIVATE'))
  withSigner.close()
})

test('the declared unions are the client\'s one list of values', () => {
  // The allowed values live once, in the Rust client (`ApiEnum`): the native
  // addon exports them, and each union of lib/index.d.ts must say the same.
  const native = createRequire(import.meta.url)('../lib/native.cjs')
  const enums = native.apiEnums()
  const dts = readFileSync(new URL('../lib/index.d.ts', import.meta.url), 'utf8')
  const union = (name) => {
    const line = dts.split('\n').find((text) => text.startsWith(`export type ${name} = `))
    assert.ok(line, `no union ${name}`)
    return line.slice(`export type ${name} = `.length).split(' | ').flatMap((part) =>
      part.startsWith("'") ? [part.slice(1, -1)] : union(part))
  }
  const declared = {
    KeyStatus: union('KeyStatus'),
    EffectiveKeyStatus: union('AccessKeyStatus'),
    ApplicationStatus: union('ApplicationStatus'),
    UserStatus: union('UserStatus'),
    Plan: union('PlanName'),
    ExposedKeyAction: union('ExposedKeyAction'),
    Order: union('Order'),
  }
  assert.deepEqual(Object.keys(declared).sort(), Object.keys(enums).sort())
  for (const [name, values] of Object.entries(declared)) assert.deepEqual(values, enums[name], name)
})
