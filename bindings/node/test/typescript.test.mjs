// The public types (lib/index.d.ts) are right for real code: the TypeScript
// example compiles with `tsc --noEmit --strict`, and a misuse does not.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const tsc = fileURLToPath(new URL('../node_modules/.bin/tsc', import.meta.url))
const examples = fileURLToPath(new URL('../../../examples/node/', import.meta.url))

function compile(project) {
  try {
    execFileSync(tsc, ['-p', project], { encoding: 'utf8', stdio: 'pipe' })
    return ''
  } catch (error) {
    return `${error.stdout}${error.stderr}` || String(error)
  }
}

test('the TypeScript examples (toolkit and client) type-check under --strict', () => {
  assert.equal(compile(join(examples, 'tsconfig.json')), '')
})

test('a misuse of the API does not type-check', () => {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-ts-'))
  try {
    const config = JSON.parse(readFileSync(join(examples, 'tsconfig.json'), 'utf8'))
    config.compilerOptions.typeRoots = [join(examples, config.compilerOptions.typeRoots[0])]
    config.compilerOptions.paths['@latchkey/node'] = [join(examples, config.compilerOptions.paths['@latchkey/node'][0])]
    config.files = ['jwt.ts', 'client.ts']
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(config))
    writeFileSync(join(dir, 'jwt.ts'), "import { jwt } from '@latchkey/node'\njwt.verify('t', 'pem', { audience: 'a' })\n")
    // A key cannot be set to `expired`, and an expiration is a Date, not a string.
    writeFileSync(
      join(dir, 'client.ts'),
      "import { Client } from '@latchkey/node'\n" +
        "const client = new Client({ baseUrl: 'http://127.0.0.1:1' })\n" +
        "void client.accessKeys.update('app_1', 'key_1', { status: 'expired' })\n" +
        "void client.accessKeys.create('app_1', { name: 'k', expiration: '2030-01-01' })\n",
    )
    const output = compile(join(dir, 'tsconfig.json'))
    assert.match(output, /jwt\.ts.*algorithms/s)
    assert.match(output, /client\.ts\(3,.*expired/)
    assert.match(output, /client\.ts\(4,.*string/)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
