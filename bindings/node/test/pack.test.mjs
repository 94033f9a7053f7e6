// `npm pack` gives an installable, typed package: the tarball installs
// offline into an empty project (the package has no runtime dependencies),
// and from there `require` and `import` both reach a working client, and
// TypeScript finds the types under --strict.
//
// The package is packed from a copy of this folder whose addon has its debug
// information stripped (as a release build's is): the dev addon is ~170 MB,
// and compressing it would take most of a minute for nothing the test reads.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { mkdtempSync, writeFileSync, existsSync, readFileSync, rmSync, cpSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startServer } from '../test-support/server.mjs'

const run = promisify(execFile)
const binding = fileURLToPath(new URL('..', import.meta.url))
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'

let server
let dir

before(async () => {
  server = await startServer()
  dir = mkdtempSync(join(tmpdir(), 'latchkey-pack-'))
})

after(async () => {
  if (dir) rmSync(dir, { recursive: true, force: true })
  await server?.stop()
})

const PROBE = `
  const client = new Client({ baseUrl: process.env.URL, accessKey: process.env.KEY })
  const me = await client.me()
  const apps = []
  for await (const app of client.applications.list()) apps.push(app.id)
  client.close()
  console.log(JSON.stringify({ kind: me.credential.kind, application: me.application.id, listed: apps.includes(me.application.id), version }))
`

test('the packed tarball installs offline and works from require, import and TypeScript', { timeout: 240_000 }, async () => {
  const stage = join(dir, 'stage')
  cpSync(binding, stage, {
    recursive: true,
    filter: (source) => !source.includes('node_modules') && !source.endsWith('.node'),
  })
  const addons = readdirSync(binding).filter((name) => name.endsWith('.node'))
  assert.ok(addons.length > 0, 'the addon is built')
  for (const addon of addons) await run('strip', ['--strip-debug', '-o', join(stage, addon), join(binding, addon)])
  const { stdout: packed } = await run(npm, ['pack', '--json', '--pack-destination', dir], {
    cwd: stage,
    maxBuffer: 64 * 1024 * 1024,
  })
  const [{ filename, files }] = JSON.parse(packed)
  const paths = files.map((file) => file.path)
  for (const expected of ['package.json', 'lib/index.cjs', 'lib/index.mjs', 'lib/index.d.ts', 'index.js', 'index.d.ts']) {
    assert.ok(paths.includes(expected), `${expected} is in the tarball`)
  }
  assert.ok(paths.some((path) => path.endsWith('.node')), 'the addon is in the tarball')
  assert.ok(!paths.some((path) => path.startsWith('test') || path.startsWith('src/')), 'no tests or sources')

  const project = join(dir, 'project')
  await run('mkdir', ['-p', project])
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'latchkey-pack-probe', private: true }))
  await run(npm, ['install', '--offline', '--no-audit', '--no-fund', join(dir, filename)], { cwd: project })
  const installed = join(project, 'node_modules', '@latchkey', 'node')
  assert.ok(existsSync(join(installed, 'lib', 'index.d.ts')))
  const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'))
  assert.equal(manifest.name, '@latchkey/node')

  writeFileSync(join(project, 'probe.cjs'), `const { Client, version } = require('@latchkey/node');\n(async () => {${PROBE}})()`)
  writeFileSync(join(project, 'probe.mjs'), `import { Client, version } from '@latchkey/node'\n${PROBE}`)
  const env = { ...process.env, URL: server.url, KEY: server.adminKey }
  for (const probe of ['probe.cjs', 'probe.mjs']) {
    const { stdout } = await run(process.execPath, [probe], { cwd: project, env })
    const seen = JSON.parse(stdout)
    assert.equal(seen.kind, 'access_key', probe)
    assert.equal(seen.listed, true, probe)
    assert.equal(seen.version, manifest.version, probe)
  }

  // The installed package's own types, found by module resolution.
  writeFileSync(
    join(project, 'probe.ts'),
    "import { Client, type Me } from '@latchkey/node'\n" +
      "const client = new Client({ baseUrl: 'http://127.0.0.1:1' })\n" +
      'const me: Promise<Me> = client.me()\n' +
      'void me\n',
  )
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        target: 'es2022',
        module: 'nodenext',
        moduleResolution: 'nodenext',
        types: ['node'],
        typeRoots: [join(binding, 'node_modules', '@types')],
      },
      files: ['probe.ts'],
    }),
  )
  const tsc = join(binding, 'node_modules', '.bin', 'tsc')
  await run(tsc, ['-p', join(project, 'tsconfig.json')], { cwd: project }).catch((error) => {
    assert.fail(`tsc failed on the installed package:\n${error.stdout}${error.stderr}`)
  })
})
