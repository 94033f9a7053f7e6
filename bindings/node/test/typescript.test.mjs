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

test('the TypeScript example type-checks under --strict', () => {
  assert.equal(compile(join(examples, 'tsconfig.json')), '')
})

test('a misuse of the API does not type-check', () => {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-ts-'))
  try {
    const config = JSON.parse(readFileSync(join(examples, 'tsconfig.json'), 'utf8'))
    config.compilerOptions.typeRoots = [join(examples, config.compilerOptions.typeRoots[0])]
    config.compilerOptions.paths['@latchkey/node'] = [join(examples, config.compilerOptions.paths['@latchkey/node'][0])]
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(config))
    writeFileSync(join(dir, 'jwt.ts'), "import { jwt } from '@latchkey/node'\njwt.verify('t', 'pem', { audience: 'a' })\n")
    const output = compile(join(dir, 'tsconfig.json'))
    assert.match(output, /algorithms/)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
