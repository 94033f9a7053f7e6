// Negative cases: each refusal has its documented class and `code`.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { generateKeyPairSync, createSecretKey } from 'node:crypto'
import { inspect } from 'node:util'
import * as jose from 'jose'
import latchkey, {
  jwt,
  accessKey,
  JwtError,
  LatchkeyError,
  JwtMissingClaimError,
  JwtExpiredError,
} from '@latchkey/node'

const NOW = 1_800_000_000
const pair = jwt.generateKeyPair('EdDSA')
const other = jwt.generateKeyPair('EdDSA')
const options = { algorithms: ['EdDSA'], clockTimestamp: NOW }
const signed = (claims, extra = {}) => jwt.sign(claims, pair.privatePem, { algorithm: 'EdDSA', ...extra })

function refused(fn, code, name) {
  assert.throws(fn, (error) => {
    assert.equal(error.code, code)
    assert.equal(error.name, name)
    assert.ok(error instanceof JwtError)
    assert.ok(error instanceof LatchkeyError)
    assert.ok(error instanceof Error)
    return true
  })
}

test('expiry honours clockTolerance and clockTimestamp at the boundary', () => {
  const token = signed({ exp: NOW - 60 })
  refused(() => jwt.verify(token, pair.publicPem, { ...options, clockTolerance: 60 }), 'ERR_JWT_EXPIRED', 'JwtExpiredError')
  assert.deepEqual(jwt.verify(token, pair.publicPem, { ...options, clockTolerance: 61 }), { exp: NOW - 60 })
  assert.throws(() => jwt.verify(token, pair.publicPem, options), JwtExpiredError)
})

test('each fault has its code', () => {
  refused(() => jwt.verify(signed({ nbf: NOW + 10 }), pair.publicPem, options), 'ERR_JWT_NOT_YET_VALID', 'JwtNotYetValidError')
  refused(
    () => jwt.verify(signed({ iat: NOW, exp: NOW + 7200 }), pair.publicPem, { ...options, maxLifetime: 3600 }),
    'ERR_JWT_LIFETIME_TOO_LONG',
    'JwtLifetimeTooLongError',
  )
  refused(() => jwt.verify(signed({ aud: 'a' }), pair.publicPem, options), 'ERR_JWT_BAD_AUDIENCE', 'JwtBadAudienceError')
  refused(() => jwt.verify(signed({ aud: 'a' }), pair.publicPem, { ...options, audience: ['b', 'c'] }), 'ERR_JWT_BAD_AUDIENCE', 'JwtBadAudienceError')
  assert.deepEqual(jwt.verify(signed({ aud: 'a' }), pair.publicPem, { ...options, audience: ['b', 'a'] }), { aud: 'a' })
  refused(() => jwt.verify(signed({ iss: 'x' }), pair.publicPem, { ...options, issuer: 'y' }), 'ERR_JWT_BAD_ISSUER', 'JwtBadIssuerError')
  refused(() => jwt.verify(signed({ sub: 'x' }), pair.publicPem, { ...options, subject: 'y' }), 'ERR_JWT_BAD_SUBJECT', 'JwtBadSubjectError')
  refused(() => jwt.verify(signed({}), other.publicPem, options), 'ERR_JWT_BAD_SIGNATURE', 'JwtBadSignatureError')
  refused(() => jwt.verify(signed({}), pair.publicPem, { algorithms: ['ES256'] }), 'ERR_JWT_ALG_NOT_ALLOWED', 'JwtAlgorithmNotAllowedError')
  refused(() => jwt.verify('a.b', pair.publicPem, options), 'ERR_JWT_MALFORMED', 'JwtMalformedError')
  refused(() => jwt.verify(`${signed({})}=`, pair.publicPem, options), 'ERR_JWT_MALFORMED', 'JwtMalformedError')
  refused(() => jwt.verify('x'.repeat(9000), pair.publicPem, options), 'ERR_JWT_MALFORMED', 'JwtMalformedError')
  const jwks = { keys: [{ ...pair.publicJwk, kid: 'one' }] }
  refused(() => jwt.verify(signed({}, { keyid: 'two' }), jwks, options), 'ERR_JWT_UNKNOWN_KID', 'JwtUnknownKidError')
  assert.deepEqual(jwt.verify(signed({}, { keyid: 'one' }), jwks, options), {})
})

test('a missing claim names it', () => {
  assert.throws(
    () => jwt.verify(signed({ sub: 'x' }), pair.publicPem, { ...options, requiredClaims: ['sub', 'jti'] }),
    (error) => error instanceof JwtMissingClaimError && error.code === 'ERR_JWT_MISSING_CLAIM' && error.claim === 'jti',
  )
  assert.throws(
    () => jwt.verify(signed({}), pair.publicPem, { ...options, issuer: 'y' }),
    { code: 'ERR_JWT_MISSING_CLAIM', claim: 'iss' },
  )
})

test('alg none and HS256 are not allowed, even when listed', async () => {
  const none = new jose.UnsecuredJWT({ sub: 'x' }).encode()
  refused(() => jwt.verify(none, pair.publicPem, { algorithms: ['none', 'EdDSA'] }), 'ERR_JWT_ALG_NOT_ALLOWED', 'JwtAlgorithmNotAllowedError')
  const hs = await new jose.SignJWT({ sub: 'x' }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(pair.publicPem))
  refused(() => jwt.verify(hs, pair.publicPem, { algorithms: ['HS256', 'EdDSA'] }), 'ERR_JWT_ALG_NOT_ALLOWED', 'JwtAlgorithmNotAllowedError')
  refused(() => jwt.sign({}, pair.privatePem, { algorithm: 'HS256' }), 'ERR_JWT_ALG_NOT_ALLOWED', 'JwtAlgorithmNotAllowedError')
  refused(() => jwt.sign({}, pair.privatePem, { algorithm: 'ES256' }), 'ERR_JWT_ALG_NOT_ALLOWED', 'JwtAlgorithmNotAllowedError')
  refused(() => jwt.generateKeyPair('HS256'), 'ERR_JWT_ALG_NOT_ALLOWED', 'JwtAlgorithmNotAllowedError')
})

test('an unknown algorithm name is refused even beside one that would verify, never dropped', () => {
  const token = signed({ sub: 'x' })
  assert.deepEqual(jwt.verify(token, pair.publicPem, { algorithms: ['EdDSA'] }), { sub: 'x' })
  for (const algorithms of [['HS256', 'EdDSA'], ['EdDSA', 'none'], ['EdDSA', 'eddsa']]) {
    refused(() => jwt.verify(token, pair.publicPem, { algorithms }), 'ERR_JWT_ALG_NOT_ALLOWED', 'JwtAlgorithmNotAllowedError')
  }
})

test('decodeUnverifiedHeader reads any header, and refuses what is not a token', () => {
  const token = signed({ sub: 'x' }, { keyid: 'jwk_1', header: { x5u: 'https://example.test' } })
  assert.deepEqual(jwt.decodeUnverifiedHeader(token), { alg: 'EdDSA', typ: 'JWT', kid: 'jwk_1', x5u: 'https://example.test' })
  const none = new jose.UnsecuredJWT({ sub: 'x' }).encode()
  assert.equal(jwt.decodeUnverifiedHeader(none).alg, 'none')
  refused(() => jwt.decodeUnverifiedHeader('a.b'), 'ERR_JWT_MALFORMED', 'JwtMalformedError')
  assert.throws(() => jwt.decodeUnverifiedHeader(42), { code: 'ERR_INVALID_ARG_TYPE' })
})

test('mintAccessToken makes the token the server expects', () => {
  const token = jwt.mintAccessToken(pair.privatePem, {
    applicationId: 'app_01', keyId: 'jwk_01', audience: 'https://latchkey.test', lifetime: 300, clockTimestamp: NOW,
  })
  assert.deepEqual(jwt.decodeUnverifiedHeader(token), { alg: 'EdDSA', typ: 'JWT', kid: 'jwk_01' })
  const claims = jwt.verify(token, pair.publicPem, {
    algorithms: ['EdDSA'], audience: 'https://latchkey.test', issuer: 'app_01', subject: 'app_01', clockTimestamp: NOW,
  })
  assert.deepEqual(Object.keys(claims).sort(), ['aud', 'exp', 'iat', 'iss', 'jti', 'sub'])
  assert.deepEqual([claims.iat, claims.exp], [NOW, NOW + 300])
  for (const lifetime of [0, 3601]) {
    assert.throws(() => jwt.mintAccessToken(pair.privatePem, { applicationId: 'a', keyId: 'k', audience: 'x', lifetime }), { code: 'ERR_INVALID_ARG_VALUE' })
  }
  assert.throws(() => jwt.mintAccessToken(pair.privatePem, { applicationId: 'a' }), { code: 'ERR_INVALID_ARG_TYPE' })
})

test('Ed25519 (RFC 9864) and EdDSA are one algorithm', () => {
  const token = signed({ a: 1 }, { algorithm: 'Ed25519' })
  assert.deepEqual(jwt.verify(token, pair.publicPem, { algorithms: ['EdDSA'] }), { a: 1 })
  assert.deepEqual(jwt.verify(signed({ a: 1 }), pair.publicPem, { algorithms: ['Ed25519'] }), { a: 1 })
})

test('bad keys and bad arguments are typed', () => {
  refused(() => jwt.verify(signed({}), 'not a pem', options), 'ERR_JWT_INVALID_KEY', 'JwtInvalidKeyError')
  refused(() => jwt.sign({}, pair.publicPem), 'ERR_JWT_INVALID_KEY', 'JwtInvalidKeyError')
  const small = generateKeyPairSync('rsa', { modulusLength: 1024 })
  refused(() => jwt.sign({}, small.privateKey, { algorithm: 'RS256' }), 'ERR_JWT_INVALID_KEY', 'JwtInvalidKeyError')
  assert.throws(() => jwt.sign({}, createSecretKey(Buffer.alloc(32))), { name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' })
  assert.throws(() => jwt.verify(signed({}), pair.publicPem), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' })
  assert.throws(() => jwt.verify(signed({}), pair.publicPem, { algorithms: [] }), { name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' })
  assert.throws(() => jwt.verify(signed({}), 42, options), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' })
  assert.throws(() => jwt.sign('text', pair.privatePem), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' })
  assert.throws(() => jwt.verify(signed({}), pair.publicPem, { ...options, clockTolerance: -1 }), { code: 'ERR_INVALID_ARG_VALUE' })
  assert.throws(() => jwt.generateKeyPair('RS256', { modulusLength: 1024 }), { code: 'ERR_INVALID_ARG_VALUE' })
})

test('signing signs the claims as given, expired ones included, with header members', () => {
  const token = jwt.sign({ exp: 1 }, pair.privatePem, { keyid: 'k', header: { cty: 'x' } })
  const { header, payload } = jwt.verify(token, pair.publicPem, { algorithms: ['EdDSA'], clockTimestamp: 0, complete: true })
  assert.deepEqual(payload, { exp: 1 })
  assert.deepEqual(header, { alg: 'EdDSA', typ: 'JWT', kid: 'k', cty: 'x' })
  const viaHeader = jwt.sign({}, pair.privatePem, { header: { kid: 'h', alg: 'EdDSA' } })
  assert.equal(jwt.verify(viaHeader, pair.publicPem, { algorithms: ['EdDSA'], complete: true }).header.kid, 'h')
})

test('an access key with a wrong checksum, and a non-string, are refused', () => {
  const key = 'ak_' + '0'.repeat(22) + 'a'.repeat(43)
  assert.throws(() => accessKey.parse(key + '000000'), { code: 'ERR_LATCHKEY_INVALID_ACCESS_KEY', category: 'bad_checksum' })
  assert.throws(() => accessKey.parse(42), { name: 'TypeError' })
})

test('the CommonJS and ES module entries export the same objects', async () => {
  const { createRequire } = await import('node:module')
  const cjs = createRequire(import.meta.url)('@latchkey/node')
  assert.equal(cjs.jwt, jwt)
  assert.equal(cjs.JwtError, JwtError)
  assert.equal(latchkey.version, cjs.version)
  assert.match(cjs.version, /^\d+\.\d+\.\d+/)
})

test('errors and parsed keys keep secrets out of messages and inspection', async () => {
  const { readFileSync } = await import('node:fs')
  const { fileURLToPath } = await import('node:url')
  const vectors = JSON.parse(readFileSync(fileURLToPath(new URL('../../../tests/vectors/access_keys.json', import.meta.url)), 'utf8'))
  const valid = vectors.valid[0]
  const parsed = accessKey.parse(valid.key)
  assert.equal(parsed.secret, valid.parsed.secret)
  assert.ok(!inspect(parsed).includes(valid.parsed.secret))
  assert.ok(!JSON.stringify(parsed).includes(valid.parsed.secret))
  assert.ok(!Object.keys(parsed).includes('secret'))
  const typo = valid.key.slice(0, -1) + (valid.key.endsWith('0') ? '1' : '0')
  assert.throws(() => accessKey.parse(typo), (error) => !error.message.includes(valid.parsed.secret) && error.category === 'bad_checksum')
  assert.throws(() => jwt.verify(signed({}), 'garbage-secret-text', options), (error) => !error.message.includes('garbage-secret-text'))
})
