// jwt.verify / jwt.sign of @latchkey/node against `jose` and `jsonwebtoken`,
// per algorithm, each with keys imported once (jose: importSPKI/importPKCS8;
// jsonwebtoken: KeyObjects; ours: the same PEM string every call, whose
// parsed handle the package caches). Ratios are taken within one run. The
// issue's target: at least jose's verify ops/s for every algorithm.
//
//   cargo xtask bench node      (builds the release addon, runs both benchmarks)
//   node bench/node/jwt_bench.mjs [seconds per measurement, default 1]
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto'
import { cpus, loadavg } from 'node:os'

import { loadLatchkey, require } from './load.mjs'

const jose = require('jose')
const jsonwebtoken = require('jsonwebtoken')
const {
  latchkey: { jwt },
  addon,
} = loadLatchkey()

const SECONDS = Number(process.argv[2] ?? 1)
const KEYS = {
  EdDSA: ['ed25519', {}],
  ES256: ['ec', { namedCurve: 'P-256' }],
  ES384: ['ec', { namedCurve: 'P-384' }],
  RS256: ['rsa', { modulusLength: 2048 }],
  PS256: ['rsa', { modulusLength: 2048 }],
}

/** Operations per second of `fn` (sync or async), run for SECONDS. */
async function rate(fn) {
  for (let i = 0; i < 50; i++) await fn()
  let done = 0
  const start = process.hrtime.bigint()
  const budget = BigInt(Math.round(SECONDS * 1e9))
  let elapsed = 0n
  while (elapsed < budget) {
    for (let i = 0; i < 50; i++) await fn()
    done += 50
    elapsed = process.hrtime.bigint() - start
  }
  return done / (Number(elapsed) / 1e9)
}

const fmt = (n) => (Number.isFinite(n) ? Math.round(n).toString().padStart(8) : '     n/a')
const ratio = (a, b) => (Number.isFinite(b) ? (a / b).toFixed(2).padStart(6) : '   n/a')

console.log(`node ${process.version}, ${cpus().length} CPUs, load average ${loadavg().map((n) => n.toFixed(2)).join(' ')}`)
console.log(`addon: ${addon}`)
console.log(`ops/s, ${SECONDS}s per measurement`)
const belowJose = []
console.log('alg     op      latchkey     jose  jsonwebtoken  vs-jose  vs-jsonwebtoken')
for (const [alg, [type, options]] of Object.entries(KEYS)) {
  const { publicKey, privateKey } = generateKeyPairSync(type, options)
  const publicPem = publicKey.export({ format: 'pem', type: 'spki' })
  const privatePem = privateKey.export({ format: 'pem', type: 'pkcs8' })
  const joseVerifyKey = await jose.importSPKI(publicPem, alg)
  const joseSignKey = await jose.importPKCS8(privatePem, alg)
  const now = Math.floor(Date.now() / 1000)
  const claims = { iss: 'app_1', sub: 'app_1', aud: 'https://latchkey.example', iat: now, exp: now + 3600, jti: 'j' }
  const token = await new jose.SignJWT(claims).setProtectedHeader({ alg, kid: 'k' }).sign(joseSignKey)
  const verifyOptions = { algorithms: [alg], audience: claims.aud, issuer: claims.iss }

  const ours = await rate(() => jwt.verify(token, publicPem, verifyOptions))
  const theirs = await rate(() => jose.jwtVerify(token, joseVerifyKey, verifyOptions))
  let legacy = NaN
  try {
    jsonwebtoken.verify(token, createPublicKey(publicPem), verifyOptions)
    const key = createPublicKey(publicPem)
    legacy = await rate(() => jsonwebtoken.verify(token, key, verifyOptions))
  } catch {
    // jsonwebtoken 9 has no EdDSA
  }
  if (!(ours >= theirs)) belowJose.push(alg)
  console.log(`${alg.padEnd(7)} verify ${fmt(ours)} ${fmt(theirs)}     ${fmt(legacy)}   ${ratio(ours, theirs)}   ${ratio(ours, legacy)}`)

  const oursSign = await rate(() => jwt.sign(claims, privatePem, { algorithm: alg, keyid: 'k' }))
  const joseSign = await rate(() => new jose.SignJWT(claims).setProtectedHeader({ alg, kid: 'k' }).sign(joseSignKey))
  let legacySign = NaN
  try {
    const key = createPrivateKey(privatePem)
    jsonwebtoken.sign(claims, key, { algorithm: alg, keyid: 'k' })
    legacySign = await rate(() => jsonwebtoken.sign(claims, key, { algorithm: alg, keyid: 'k' }))
  } catch {
    // jsonwebtoken 9 has no EdDSA
  }
  console.log(`${alg.padEnd(7)} sign   ${fmt(oursSign)} ${fmt(joseSign)}     ${fmt(legacySign)}   ${ratio(oursSign, joseSign)}   ${ratio(oursSign, legacySign)}`)
}
console.log(
  belowJose.length === 0
    ? 'verify: at least jose\'s ops/s for every algorithm (the target)'
    : `verify below jose's ops/s for ${belowJose.join(', ')} (the target is at least jose's)`,
)
