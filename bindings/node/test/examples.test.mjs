// The README's Node tour, run as a reader runs it: `npm install --prefix
// examples/node` links this package by name, then the example runs against
// the real server.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startServer } from '../test-support/server.mjs'

const run = promisify(execFile)
const repository = fileURLToPath(new URL('../../../', import.meta.url))

let server

before(async () => {
  server = await startServer()
})

after(async () => {
  await server?.stop()
})

test("the README's Node tour runs as written, from the repository's root", async () => {
  // The commands are read from the README itself, so the README cannot drift
  // from what is tested; only the server's address differs (a free port here).
  const readme = readFileSync(join(repository, 'README.md'), 'utf8')
  const install = readmeLine(readme, 'npm install --prefix examples/node')
  const quickstart = readmeLine(readme, 'node examples/node/quickstart.mjs')
  const shell = (line) =>
    run('sh', ['-c', line.replaceAll('http://127.0.0.1:8080', server.url)], {
      cwd: repository,
      env: { ...process.env, ADMIN: server.adminKey },
      timeout: 120_000,
    })
  await shell(install)
  const { stdout } = await shell(quickstart)
  assert.match(stdout, /created application quickstart-/)
  assert.match(stdout, /the old key is refused: true/)
  assert.match(stdout, /its key is refused: true/)
  assert.match(stdout, /revoked keys listed: 1/)
  // The example prints key prefixes, never a whole key.
  assert.doesNotMatch(stdout, /ak_[0-9A-Za-z]{60,}/)
})

/** The one README line that contains `needle`, with its trailing comment cut. */
function readmeLine(readme, needle) {
  const lines = readme.split('\n').filter((line) => line.includes(needle) && !line.includes('`' + needle))
  assert.equal(lines.length, 1, `README should have exactly one command line with ${needle}: ${lines}`)
  return lines[0].replace(/\s+#.*$/, '')
}
