// Interoperability both ways with `jose` for every contract algorithm: our
// tokens verify with jose, jose's tokens verify with us, keys exchanged as
// PEM and as JWK. Plus `crypto.KeyObject` input.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto'
import * as jose from 'jose'
import { jwt } from '@latchkey/node'

const ALGORITHMS = ['EdDSA', 'ES256', 'ES384', 'RS256', 'PS256']
const AUDIENCE = 'https://latchkey.example'
const now = () => Math.floor(Date.now() / 1000)
const claimsFor = (alg) => ({ iss: `app_${alg}`, sub: `app_${alg}`, aud: AUDIENCE, iat: now(), exp: now() + 300, jti: 'j1' })

for (const alg of ALGORITHMS) {
  test(`${alg}: our token verifies with jose (PEM and JWK)`, async () => {
    const pair = jwt.generateKeyPair(alg)
    const claims = claimsFor(alg)
    const token = jwt.sign(claims, pair.privatePem, { algorithm: alg, keyid: 'k1' })

    const fromPem = await jose.importSPKI(pair.publicPem, alg)
    const byPem = await jose.jwtVerify(token, fromPem, { algorithms: [alg], audience: AUDIENCE, issuer: claims.iss })
    assert.deepEqual(byPem.payload, claims)
    assert.equal(byPem.protectedHeader.kid, 'k1')
    assert.equal(byPem.protectedHeader.alg, alg)

    const fromJwk = await jose.importJWK(pair.publicJwk, alg)
    const byJwk = await jose.jwtVerify(token, fromJwk, { algorithms: [alg], audience: AUDIENCE })
    assert.deepEqual(byJwk.payload, claims)
    assert.equal(pair.thumbprint, await jose.calculateJwkThumbprint(pair.publicJwk))
  })

  test(`${alg}: jose's token verifies with us (PEM, JWK, JWKS)`, async () => {
    const { publicKey, privateKey } = await jose.generateKeyPair(alg, { extractable: true })
    const claims = claimsFor(alg)
    const token = await new jose.SignJWT(claims).setProtectedHeader({ alg, kid: 'jose-1' }).sign(privateKey)
    const options = { algorithms: [alg], audience: AUDIENCE, issuer: claims.iss, subject: claims.sub }

    const pem = await jose.exportSPKI(publicKey)
    assert.deepEqual(jwt.verify(token, pem, options), claims)
    const jwk = await jose.exportJWK(publicKey)
    assert.deepEqual(jwt.verify(token, jwk, options), claims)
    assert.deepEqual(jwt.verify(token, { keys: [{ ...jwk, kid: 'jose-1' }] }, options), claims)
    const complete = jwt.verify(token, Buffer.from(pem), { ...options, complete: true })
    assert.equal(complete.header.kid, 'jose-1')
    assert.equal(complete.header.alg, alg)
    assert.equal(jwt.thumbprint(pem), await jose.calculateJwkThumbprint(jwk))

    // jose's private key, exported, signs tokens jose verifies.
    const privatePem = await jose.exportPKCS8(privateKey)
    const ours = jwt.sign(claims, privatePem, { algorithm: alg })
    assert.deepEqual((await jose.jwtVerify(ours, publicKey, { algorithms: [alg] })).payload, claims)
    const privateJwk = await jose.exportJWK(privateKey)
    const oursFromJwk = jwt.sign(claims, privateJwk, { algorithm: alg })
    assert.deepEqual((await jose.jwtVerify(oursFromJwk, publicKey, { algorithms: [alg] })).payload, claims)
  })
}

test('crypto.KeyObject keys sign and verify', () => {
  for (const [type, options, alg] of [
    ['ed25519', {}, 'EdDSA'],
    ['ec', { namedCurve: 'P-256' }, 'ES256'],
    ['ec', { namedCurve: 'P-384' }, 'ES384'],
    ['rsa', { modulusLength: 2048 }, 'RS256'],
    ['rsa', { modulusLength: 2048 }, 'PS256'],
  ]) {
    const { publicKey, privateKey } = generateKeyPairSync(type, options)
    const claims = { sub: 'x', exp: now() + 60 }
    const token = jwt.sign(claims, privateKey, { algorithm: alg })
    assert.deepEqual(jwt.verify(token, publicKey, { algorithms: [alg] }), claims, alg)
    // A private KeyObject verifies too (its public half), as in node:crypto.
    assert.deepEqual(jwt.verify(token, privateKey, { algorithms: [alg] }), claims, alg)
    assert.deepEqual(
      jwt.verify(token, createPublicKey(privateKey.export({ format: 'pem', type: 'pkcs8' })), { algorithms: [alg] }),
      claims,
    )
    assert.equal(jwt.thumbprint(publicKey), jwt.thumbprint(privateKey))
  }
  const pair = jwt.generateKeyPair('ES256')
  const keyObject = createPrivateKey(pair.privatePem)
  const token = jwt.sign({ a: 1 }, keyObject, { algorithm: 'ES256' })
  assert.deepEqual(jwt.verify(token, pair.publicJwk, { algorithms: ['ES256'] }), { a: 1 })
})

test('an RSA key of 3072 bits, by modulusLength', async () => {
  const pair = jwt.generateKeyPair('RS256', { modulusLength: 3072 })
  assert.equal(createPublicKey(pair.publicPem).asymmetricKeyDetails.modulusLength, 3072)
  const key = await jose.importSPKI(pair.publicPem, 'RS256')
  const token = jwt.sign({ a: 1 }, pair.privatePem)
  assert.deepEqual((await jose.jwtVerify(token, key, { algorithms: ['RS256'] })).payload, { a: 1 })
})
