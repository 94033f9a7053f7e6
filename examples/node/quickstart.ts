// The quickstart from TypeScript: the client's types, option objects and
// error classes. Type-checked with `tsc --noEmit --strict` by the node tests
// (test/typescript.test.mjs), and compiled and run against a real server by
// `cargo xtask test dist` from the packed, installed packages.
//
//   export LATCHKEY_URL=http://127.0.0.1:8080
//   export LATCHKEY_ACCESS_KEY=ak_...   # an admin key
import {
  Client,
  UnauthorizedError,
  ValidationError,
  NotFoundError,
  jwt,
  type Application,
  type CreatedAccessKey,
  type Page,
  type AccessKey,
} from '@latchkey/node'

async function main(): Promise<void> {
  const admin = new Client({
    baseUrl: process.env.LATCHKEY_URL ?? 'http://127.0.0.1:8080',
    accessKey: process.env.LATCHKEY_ACCESS_KEY,
    timeout: 10_000,
  })
  const app: Application = await admin.applications.create({ name: `billing-${Date.now()}`, description: 'Invoices' })
  const created: CreatedAccessKey = await admin.accessKeys.create(app.id, {
    name: `${app.name}-ci`,
    scopes: ['applications:view:own'],
    expiration: new Date(Date.now() + 30 * 86_400_000),
  })
  const secret: string = created.key
  const expires: Date | null = created.expiration
  console.log(secret.length, expires?.toISOString())

  // Leave out `expiration` to keep it, `null` to remove it.
  const kept: AccessKey = await admin.accessKeys.update(app.id, created.id, { status: 'inactive' })
  const cleared: AccessKey = await admin.accessKeys.update(app.id, created.id, { expiration: null })
  console.log(kept.status, cleared.expiration === null)

  for await (const key of admin.accessKeys.list(app.id, { status: 'active', limit: 100 })) {
    console.log(key.name, key.status, key.createdAt.getTime())
  }
  const page: Page<Application> = await admin.applications.listPage({ limit: 10, includeTotalCount: true })
  console.log(page.data.length, page.after, page.totalCount)

  const pair = jwt.generateKeyPair('EdDSA')
  const jwtKey = await admin.jwtKeys.create(app.id, { name: `${app.name}-signer`, publicKey: pair.publicPem })
  const asApp = new Client({
    baseUrl: admin.baseUrl,
    signer: { applicationId: app.id, keyId: jwtKey.id, privateKey: pair.privatePem, lifetime: 300 },
  })
  const me = await asApp.me()
  console.log(me.credential.kind, me.permissions.join(','))

  try {
    await admin.applications.create({ name: '' })
  } catch (error) {
    if (error instanceof ValidationError) console.log(error.fields.map((field) => field.name), error.requestId)
    else if (error instanceof UnauthorizedError || error instanceof NotFoundError) console.log(error.status)
    else throw error
  }
  asApp.close()
  admin.close()
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
