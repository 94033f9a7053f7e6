// The runnable examples run against the real server, importing the package
// by its name (a temporary project whose node_modules links to this one).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { mkdtempSync, mkdirSync, symlinkSync, copyFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startServer } from '../test-support/server.mjs'

const run = promisify(execFile)
const binding = fileURLToPath(new URL('..', import.meta.url))
const examples = fileURLToPath(new URL('../../../examples/node/', import.meta.url))

let server
let project

before(async () => {
  server = await startServer()
  project = mkdtempSync(join(tmpdir(), 'latchkey-example-'))
  mkdirSync(join(project, 'node_modules', '@latchkey'), { recursive: true })
  symlinkSync(binding, join(project, 'node_modules', '@latchkey', 'node'), 'dir')
})

after(async () => {
  if (project) rmSync(project, { recursive: true, force: true })
  await server?.stop()
})

test('examples/node/quickstart.mjs runs against the server', async () => {
  copyFileSync(join(examples, 'quickstart.mjs'), join(project, 'quickstart.mjs'))
  const { stdout } = await run(process.execPath, [join(project, 'quickstart.mjs')], {
    cwd: project,
    env: { ...process.env, LATCHKEY_URL: server.url, LATCHKEY_ACCESS_KEY: server.adminKey },
    timeout: 60_000,
  })
  assert.match(stdout, /created application quickstart-/)
  assert.match(stdout, /the old key is refused: true/)
  assert.match(stdout, /its key is refused: true/)
  assert.match(stdout, /revoked keys listed: 1/)
  // The example prints key prefixes, never a whole key.
  assert.doesNotMatch(stdout, /ak_[0-9A-Za-z]{60,}/)
})
