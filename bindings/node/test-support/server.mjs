// The real `latchkey` server binary (`LATCHKEY_SERVER_BIN`, passed by
// `cargo xtask test node`) on an ephemeral loopback port with a temporary
// data file: one per test file, on the `commercial` plan (25 applications)
// so that a file's tests fit in one account.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, openSync, closeSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { randomUUID } from 'node:crypto'

/** Starts a server (`env`: extra settings); resolves to `{ url, adminKey, stop() }`. */
export async function startServer({ plan = 'commercial', env = {} } = {}) {
  const binary = process.env.LATCHKEY_SERVER_BIN
  if (!binary) throw new Error('LATCHKEY_SERVER_BIN is not set: run the tests with `cargo xtask test node`')
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-node-'))
  const log = openSync(join(dir, 'server.log'), 'w')
  const child = spawn(
    binary,
    ['serve', '--listen', '127.0.0.1:0', '--data', join(dir, 'latchkey.redb'), '--plan', plan],
    { stdio: ['ignore', 'pipe', log], env: { ...process.env, RUST_LOG: 'warn', ...env } },
  )
  const exited = new Promise((resolve) => child.once('exit', resolve))
  let url = ''
  let adminKey = ''
  // The bootstrap banner prints the admin key once, then where it listens.
  const lines = createInterface({ input: child.stdout })
  for await (const line of lines) {
    for (const word of line.split(/\s+/)) if (word.startsWith('ak_')) adminKey = word
    if (line.startsWith('latchkey listening on ')) {
      url = line.slice('latchkey listening on '.length).trim()
      break
    }
  }
  // Keep reading stdout so that the server never blocks on a full pipe.
  child.stdout.resume()
  if (!url || !adminKey) {
    child.kill('SIGKILL')
    await exited
    closeSync(log)
    const text = readFileSync(join(dir, 'server.log'), 'utf8')
    rmSync(dir, { recursive: true, force: true })
    throw new Error(`the server did not print its key and address: ${text}`)
  }
  return {
    url,
    adminKey,
    async stop() {
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(timer)
      closeSync(log)
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** A name no other test uses. */
export function unique(prefix) {
  return `${prefix}-${randomUUID().slice(0, 10)}`
}

/** Every item of an async iterable. */
export async function collect(iterable) {
  const items = []
  for await (const item of iterable) items.push(item)
  return items
}

// Tests configure clients explicitly: a developer's own settings must not
// leak into them.
delete process.env.LATCHKEY_URL
delete process.env.LATCHKEY_ACCESS_KEY
