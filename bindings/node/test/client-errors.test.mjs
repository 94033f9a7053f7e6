// Failures are the documented classes and codes, with what the server said;
// bad arguments and configuration fail before any request.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { inspect } from 'node:util'
import {
  Client,
  LatchkeyError,
  ApiError,
  NotFoundError,
  LimitExceededError,
  ConflictError,
  ValidationError,
  UnauthorizedError,
  ForbiddenError,
  TooManyRequestsError,
  TransportError,
  RequestTimeoutError,
  ClientClosedError,
  InvalidAccessKeyError,
  JwtInvalidKeyError,
  jwt,
} from '../lib/index.mjs'
import { startServer, unique, collect } from '../test-support/server.mjs'

const MISSING_APP = 'app_0000000000000000000000'

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

/** The rejection of `promise`, checked to be an instance of `Class`. */
async function rejection(promise, Class) {
  let caught
  await assert.rejects(promise, (error) => {
    caught = error
    return true
  })
  assert.ok(caught instanceof Class, `expected ${Class.name}, got ${inspect(caught)}`)
  return caught
}

test('404 carries the status, type, code and request id', async () => {
  const error = await rejection(client.applications.get(MISSING_APP), NotFoundError)
  assert.ok(error instanceof ApiError && error instanceof LatchkeyError && error instanceof Error)
  assert.equal(error.code, 'ERR_LATCHKEY_NOT_FOUND')
  assert.equal(error.name, 'NotFoundError')
  assert.deepEqual([error.status, error.type], [404, 'not_found'])
  assert.match(error.requestId, /^req_/)
  assert.ok(error.message.includes(error.requestId))
  assert.deepEqual(error.fields, [])
  assert.equal(error.retryAfter, null)
})

test('409 limit exceeded', async () => {
  const app = await client.applications.create({ name: unique('full') })
  for (let n = 0; n < 2; n++) await client.accessKeys.create(app.id, { name: unique(`k${n}`) })
  const error = await rejection(client.accessKeys.create(app.id, { name: unique('one-too-many') }), LimitExceededError)
  assert.deepEqual([error.status, error.type, error.code], [409, 'limit_exceeded', 'ERR_LATCHKEY_LIMIT_EXCEEDED'])
  assert.ok(error.requestId)
  await client.applications.delete(app.id)
})

test('409 conflict on a duplicate name', async () => {
  const app = await client.applications.create({ name: unique('twice') })
  const error = await rejection(client.applications.create({ name: app.name }), ConflictError)
  assert.deepEqual([error.status, error.type, error.code], [409, 'conflict', 'ERR_LATCHKEY_CONFLICT'])
  assert.ok(!(error instanceof LimitExceededError))
  await client.applications.delete(app.id)
})

test('400 names each invalid field', async () => {
  const error = await rejection(client.applications.create({ name: '' }), ValidationError)
  assert.deepEqual([error.status, error.type, error.code], [400, 'validation_error', 'ERR_LATCHKEY_VALIDATION'])
  assert.deepEqual(error.fields.map((field) => field.name), ['name'])
  assert.ok(error.fields[0].message)
  const app = await client.applications.create({ name: unique('scoped') })
  const scoped = await rejection(
    client.accessKeys.create(app.id, { name: unique('k'), scopes: ['keys:view:own', 'nope'] }),
    ValidationError,
  )
  assert.deepEqual(scoped.fields.map((field) => field.name), ['scopes[1]'])
  const limit = await rejection(collect(client.applications.list({ limit: 0 })), ValidationError)
  assert.deepEqual(limit.fields.map((field) => field.name), ['limit'])
  await client.applications.delete(app.id)
})

test('a refused bulk delete names each failing id and deletes nothing', async () => {
  const app = await client.applications.create({ name: unique('bulk') })
  const key = await client.accessKeys.create(app.id, { name: unique('k') })
  const error = await rejection(client.accessKeys.bulkDelete([key.id, 'key_0000000000000000000000']), ConflictError)
  assert.deepEqual(error.fields.map((field) => field.name), ['ids[1]'])
  assert.equal((await client.accessKeys.get(app.id, key.id)).id, key.id)
  await client.applications.delete(app.id)
})

test('401 for a revoked key and for no credential', async () => {
  const app = await client.applications.create({ name: unique('gone') })
  const created = await client.accessKeys.create(app.id, { name: unique('k') })
  await client.accessKeys.revoke(app.id, created.id)
  const revoked = new Client({ baseUrl: server.url, accessKey: created.key })
  const error = await rejection(revoked.me(), UnauthorizedError)
  assert.deepEqual([error.status, error.type, error.code], [401, 'unauthorized', 'ERR_LATCHKEY_UNAUTHORIZED'])
  assert.ok(error.requestId)
  assert.ok(!error.message.includes(created.key))
  // Without a credential only the public endpoints answer.
  const anonymous = new Client({ baseUrl: server.url })
  assert.equal((await anonymous.health()).status, 'ok')
  await rejection(collect(anonymous.applications.list()), UnauthorizedError)
  await client.applications.delete(app.id)
})

test('403 for a credential without the permission', async () => {
  const app = await client.applications.create({ name: unique('narrow') })
  const created = await client.accessKeys.create(app.id, { name: unique('k') })
  const narrow = new Client({ baseUrl: server.url, accessKey: created.key })
  const error = await rejection(narrow.users.create({ email: `${unique('u')}@example.com` }), ForbiddenError)
  assert.deepEqual([error.status, error.code], [403, 'ERR_LATCHKEY_FORBIDDEN'])
  await client.applications.delete(app.id)
})

test('429 after too many failed logins carries retryAfter', async () => {
  // A server that throttles an address after two failures, for a long time.
  const strict = await startServer({
    env: {
      LATCHKEY_AUTH_FAILURE_BURST: '2',
      LATCHKEY_AUTH_FAILURES_PER_SECOND: '0.01',
      LATCHKEY_AUTH_THROTTLE_DELAY_MS: '0',
    },
  })
  try {
    // Tokens of a key the server does not know: each is a failed login.
    const guesser = new Client({
      baseUrl: strict.url,
      maxRetries: 0,
      signer: {
        applicationId: MISSING_APP,
        keyId: 'jwk_0000000000000000000000',
        privateKey: jwt.generateKeyPair('EdDSA').privatePem,
        audience: strict.url,
      },
    })
    await rejection(guesser.me(), UnauthorizedError)
    let throttled
    for (let attempt = 0; attempt < 5 && throttled === undefined; attempt++) {
      try {
        await guesser.me()
      } catch (error) {
        if (error instanceof TooManyRequestsError) throttled = error
        else assert.ok(error instanceof UnauthorizedError, inspect(error))
      }
    }
    assert.ok(throttled, 'the server throttled the guesses')
    assert.deepEqual([throttled.status, throttled.type, throttled.code], [429, 'too_many_requests', 'ERR_LATCHKEY_RATE_LIMITED'])
    assert.equal(typeof throttled.retryAfter, 'number')
    assert.ok(throttled.retryAfter > 0, `retryAfter ${throttled.retryAfter}`)
    guesser.close()
  } finally {
    await strict.stop()
  }
})

/** Rejects like `promise` with a `TypeError`/`RangeError` of `code` whose message matches. */
async function argumentRejection(promise, code, pattern, Class = TypeError) {
  const error = await rejection(promise, Class)
  assert.equal(error.code, code)
  assert.match(error.message, pattern)
}

test('arguments are checked before any request', async () => {
  const VALUE = 'ERR_INVALID_ARG_VALUE'
  const TYPE = 'ERR_INVALID_ARG_TYPE'
  await argumentRejection(client.applications.get('not-an-id'), VALUE, /applicationId/)
  await argumentRejection(client.applications.get('key_0000000000000000000000'), VALUE, /applicationId/)
  await argumentRejection(client.applications.get(42), TYPE, /applicationId/)
  await argumentRejection(client.accessKeys.bulkDelete(['key_0000000000000000000000', 'x']), VALUE, /ids\[1\]/)
  await argumentRejection(client.accessKeys.bulkDelete('key_0000000000000000000000'), TYPE, /ids/)
  await argumentRejection(collect(client.applications.list({ status: 'archived' })), VALUE, /status/)
  await argumentRejection(collect(client.applications.list({ order: 'sideways' })), VALUE, /order/)
  await argumentRejection(collect(client.applications.list({ limit: 1.5 })), 'ERR_OUT_OF_RANGE', /limit/, RangeError)
  await argumentRejection(collect(client.policyGroups.list({ status: 'active' })), VALUE, /status/)
  await argumentRejection(client.applications.create('billing'), TYPE, /input/)
  await argumentRejection(client.applications.create({ name: 7 }), TYPE, /input\.name/)
  await argumentRejection(
    client.accessKeys.create(MISSING_APP, { name: 'k', expiration: '2030-01-01' }),
    TYPE,
    /expiration.*Date/,
  )
  await argumentRejection(
    client.accessKeys.create(MISSING_APP, { name: 'k', expiration: new Date('nonsense') }),
    VALUE,
    /expiration/,
  )
  await argumentRejection(client.jwtKeys.create(MISSING_APP, { name: 'k', publicKey: 42 }), TYPE, /publicKey/)
  await argumentRejection(
    client.jwtKeys.create(MISSING_APP, { name: 'k', publicKey: 'pem', algorithm: 'HS256' }),
    VALUE,
    /algorithm/,
  )
  await argumentRejection(client.accounts.create({ name: 't', plan: 'platinum' }), VALUE, /plan/)
  await argumentRejection(
    client.accounts.create({ name: 't', limits: { applications: 1 } }),
    TYPE,
    /limits\.accessKeysPerApplication/,
  )
  await argumentRejection(client.accessKeys.setStatus(MISSING_APP, 'key_0000000000000000000000', 'expired'), VALUE, /status/)
})

test('configuration errors throw from the constructor', () => {
  const throwsArg = (make, pattern, code = 'ERR_INVALID_ARG_VALUE', Class = TypeError) =>
    assert.throws(make, (error) => error instanceof Class && error.code === code && pattern.test(error.message))
  throwsArg(() => new Client(), /LATCHKEY_URL/)
  throwsArg(() => new Client({ baseUrl: 'ftp://example.com' }), /URL/)
  throwsArg(() => new Client({ baseUrl: 'not a url' }), /URL/)
  throwsArg(() => new Client('http://127.0.0.1'), /options/, 'ERR_INVALID_ARG_TYPE')
  throwsArg(() => new Client({ baseUrl: server.url, timeout: 0 }), /timeout/, 'ERR_OUT_OF_RANGE', RangeError)
  throwsArg(() => new Client({ baseUrl: server.url, maxRetries: -1 }), /maxRetries/, 'ERR_OUT_OF_RANGE', RangeError)
  // A mistyped key is refused offline, and never echoed.
  const typo = server.adminKey.slice(0, -1) + (server.adminKey.endsWith('A') ? 'B' : 'A')
  assert.throws(
    () => new Client({ baseUrl: server.url, accessKey: typo }),
    (error) =>
      error instanceof InvalidAccessKeyError &&
      error.code === 'ERR_LATCHKEY_INVALID_ACCESS_KEY' &&
      error.category === 'bad_checksum' &&
      !error.message.includes(typo) &&
      !inspect(error).includes(typo.slice(12)),
  )
  const pair = jwt.generateKeyPair('EdDSA')
  const signer = { applicationId: MISSING_APP, keyId: 'jwk_0000000000000000000000', privateKey: pair.privatePem }
  throwsArg(() => new Client({ baseUrl: server.url, accessKey: server.adminKey, signer }), /not both/)
  throwsArg(() => new Client({ baseUrl: server.url, signer: { ...signer, lifetime: 7200 } }), /lifetime/)
  throwsArg(() => new Client({ baseUrl: server.url, signer: { ...signer, keyId: MISSING_APP } }), /keyId/)
  throwsArg(() => new Client({ baseUrl: server.url, signer: { ...signer, applicationId: undefined } }), /applicationId/, 'ERR_INVALID_ARG_TYPE')
  assert.throws(() => new Client({ baseUrl: server.url, signer: { ...signer, privateKey: 'not a pem' } }), JwtInvalidKeyError)
  assert.throws(() => new Client({ baseUrl: server.url, signer: { ...signer, privateKey: pair.publicPem } }), JwtInvalidKeyError)
})

test('the environment is the fallback; explicit options win', async () => {
  process.env.LATCHKEY_URL = server.url
  process.env.LATCHKEY_ACCESS_KEY = server.adminKey
  try {
    const fromEnv = new Client()
    assert.equal(fromEnv.baseUrl, server.url)
    assert.equal((await fromEnv.me()).credential.kind, 'access_key')
    process.env.LATCHKEY_URL = 'http://127.0.0.1:9'
    assert.equal(new Client({ baseUrl: server.url }).baseUrl, server.url)
  } finally {
    delete process.env.LATCHKEY_URL
    delete process.env.LATCHKEY_ACCESS_KEY
  }
})

/** A port nothing listens on. */
async function closedPort() {
  const probe = createServer()
  await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const { port } = probe.address()
  await new Promise((resolve) => probe.close(resolve))
  return port
}

test('a closed port is a TransportError, not a timeout', async () => {
  const offline = new Client({ baseUrl: `http://127.0.0.1:${await closedPort()}`, maxRetries: 0 })
  const error = await rejection(offline.health(), TransportError)
  assert.equal(error.code, 'ERR_LATCHKEY_TRANSPORT')
  assert.ok(!(error instanceof RequestTimeoutError))
})

test('a silent server is a RequestTimeoutError after the timeout, the event loop free meanwhile', async () => {
  const held = []
  const silent = createServer((socket) => held.push(socket))
  await new Promise((resolve) => silent.listen(0, '127.0.0.1', resolve))
  try {
    const slow = new Client({ baseUrl: `http://127.0.0.1:${silent.address().port}`, timeout: 500, maxRetries: 0 })
    let ticks = 0
    const ticker = setInterval(() => ticks++, 10)
    const started = performance.now()
    const error = await rejection(slow.health(), RequestTimeoutError)
    const elapsed = performance.now() - started
    clearInterval(ticker)
    assert.ok(error instanceof TransportError)
    assert.equal(error.code, 'ERR_LATCHKEY_TIMEOUT')
    assert.ok(elapsed >= 450 && elapsed < 5000, `${elapsed} ms`)
    // Timers kept firing while the call waited: the loop was not blocked.
    assert.ok(ticks >= 20, `${ticks} ticks`)
  } finally {
    for (const socket of held) socket.destroy()
    await new Promise((resolve) => silent.close(resolve))
  }
})

test('a closed client refuses calls; closing twice is harmless', async () => {
  const closing = new Client({ baseUrl: server.url, accessKey: server.adminKey })
  assert.equal(closing.closed, false)
  const running = closing.me()
  closing.close()
  closing.close()
  assert.equal(closing.closed, true)
  // A call already running finishes.
  assert.equal((await running).credential.kind, 'access_key')
  const error = await rejection(closing.me(), ClientClosedError)
  assert.equal(error.code, 'ERR_LATCHKEY_CLIENT_CLOSED')
  await rejection(collect(closing.applications.list()), ClientClosedError)
  await rejection(closing.applications.create({ name: 'x' }), ClientClosedError)
})

test('50 concurrent requests on one client', async () => {
  const many = new Client({ baseUrl: server.url, accessKey: server.adminKey })
  const results = await Promise.all(Array.from({ length: 50 }, () => many.me()))
  assert.equal(results.length, 50)
  assert.equal(new Set(results.map((me) => me.credential.id)).size, 1)
  many.close()
})
