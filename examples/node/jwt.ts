// The offline JWT toolkit from TypeScript: generate a key pair, mint a token,
// verify it, and tell one refusal from another by class. Type-checked with
// `tsc --noEmit --strict` by the node tests (test/typescript.test.mjs).
import { jwt, accessKey, JwtExpiredError, JwtMissingClaimError, InvalidAccessKeyError } from '@latchkey/node'

const pair = jwt.generateKeyPair('ES256')
const now = Math.floor(Date.now() / 1000)
const token: string = jwt.sign(
  { iss: 'app_1', sub: 'app_1', aud: 'https://latchkey.example', iat: now, exp: now + 300 },
  pair.privatePem,
  { algorithm: 'ES256', keyid: 'jwk_1' },
)
const claims = jwt.verify(token, { keys: [{ ...pair.publicJwk, kid: 'jwk_1' }] }, {
  algorithms: ['ES256'],
  audience: 'https://latchkey.example',
  issuer: 'app_1',
  clockTolerance: 60,
})
console.log(`verified a token for ${String(claims.sub)}; key thumbprint ${pair.thumbprint}`)

try {
  jwt.verify(token, pair.publicPem, { algorithms: ['ES256'], audience: 'https://latchkey.example', clockTimestamp: now + 3600 })
} catch (error) {
  if (error instanceof JwtExpiredError) console.log(`refused: ${error.code}`)
  else if (error instanceof JwtMissingClaimError) console.log(`missing ${error.claim}`)
  else throw error
}

try {
  accessKey.parse('ak_not-a-key')
} catch (error) {
  if (error instanceof InvalidAccessKeyError) console.log(`not an access key: ${error.category}`)
  else throw error
}
