// Quickstart from CommonJS (`require`): the twin of quickstart.mjs, step for
// step. Create an application, give it an access key, use the key, rotate it
// (create a new one, revoke the old one), and revoke everything.
//
//   export LATCHKEY_URL=http://127.0.0.1:8080
//   export LATCHKEY_ACCESS_KEY=ak_...   # an admin key
//   node examples/node/quickstart.cjs
//
// Run by `cargo xtask test dist` from the packed, installed packages.
'use strict'
const { Client, UnauthorizedError } = require('@latchkey/node')

/** Whether the server refuses the client's credential. */
async function keyIsRefused(client) {
  try {
    await client.me()
  } catch (error) {
    if (error instanceof UnauthorizedError) return true
    throw error
  }
  return false
}

async function main() {
  // LATCHKEY_URL and LATCHKEY_ACCESS_KEY configure the client.
  const admin = new Client()
  try {
    // 1. An application: the holder of credentials.
    const app = await admin.applications.create({
      name: `quickstart-${Date.now()}`,
      description: 'made by examples/node/quickstart.cjs',
    })
    console.log(`created application ${app.name} (${app.id})`)

    // 2. Its first access key. The full key is in the answer this once only
    //    (`created.key`; logging `created` does not print it).
    const first = await admin.accessKeys.create(app.id, { name: `${app.name}-primary` })
    console.log(`created access key ${first.id} (${first.keyPrefix})`)

    // 3. Use it: the key is parsed offline, then authenticates as the app.
    const asApp = new Client({ baseUrl: admin.baseUrl, accessKey: first.key })
    const me = await asApp.me()
    if (me.application.id !== app.id) throw new Error('the key authenticated as another application')
    console.log(`the key authenticates as ${me.application.name}`)
    asApp.close()

    // 4. Rotate: a second key, switch to it, then revoke the first one.
    const second = await admin.accessKeys.create(app.id, { name: `${app.name}-rotated` })
    const rotated = new Client({ baseUrl: admin.baseUrl, accessKey: second.key })
    await rotated.me()
    await admin.accessKeys.revoke(app.id, first.id)
    const old = new Client({ baseUrl: admin.baseUrl, accessKey: first.key })
    const oldRefused = await keyIsRefused(old)
    old.close()
    console.log(`rotated to ${second.id}; the old key is refused: ${oldRefused}`)

    // 5. Revoke: the application's revocation stops every key it holds.
    await admin.applications.revoke(app.id)
    const newRefused = await keyIsRefused(rotated)
    rotated.close()
    console.log(`revoked the application; its key is refused: ${newRefused}`)

    // Every list is an async iterator that fetches pages as it goes.
    let keys = 0
    for await (const key of admin.accessKeys.list(app.id, { status: 'revoked' })) {
      keys += key.status === 'revoked' ? 1 : 0
    }
    console.log(`revoked keys listed: ${keys}`)

    if (!(oldRefused && newRefused)) {
      console.error('a revoked key still authenticates')
      process.exitCode = 1
    }
  } finally {
    admin.close()
  }
}

main().catch((error) => {
  console.error(error)
  process.exitCode = 1
})
