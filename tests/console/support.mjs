// What the console's browser tests share: a real server (the `latchkey`
// binary on a loopback port, a fresh data file), Debian's Chromium driven by
// Playwright, axe-core run in each page, and screenshots at two widths.

import { spawn } from 'node:child_process'
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createInterface } from 'node:readline'
import { chromium } from 'playwright-core'

const here = dirname(fileURLToPath(import.meta.url))
const root = resolve(here, '../..')
const require = createRequire(import.meta.url)

/** The server binary: `LATCHKEY_SERVER_BIN`, else the dev build. */
export const serverBin = process.env.LATCHKEY_SERVER_BIN ?? join(root, 'target/debug/latchkey')
/** Debian's Chromium (never a downloaded browser). */
export const chromiumBin = process.env.LATCHKEY_CHROMIUM ?? '/usr/bin/chromium'
/** Where every page's screenshots go. */
export const shotsDir = process.env.LATCHKEY_CONSOLE_SCREENSHOTS ?? join(root, 'target/console-screenshots')

/** Starts `latchkey serve` on a fresh data file; resolves once it listens. */
export async function startServer (args = []) {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-console-'))
  const child = spawn(serverBin, ['serve', '--data', join(dir, 'latchkey.redb'), '--listen', '127.0.0.1:0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { RUST_LOG: 'warn', ...process.env }
  })
  let stderr = ''
  child.stderr.on('data', (chunk) => { stderr += chunk })
  const lines = createInterface({ input: child.stdout })
  let output = ''
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start: ${stderr}`)), 30_000)
    child.on('exit', (code) => reject(new Error(`the server exited (${code}): ${stderr}`)))
    lines.on('line', (line) => {
      output += line + '\n'
      const found = line.match(/^latchkey listening on (\S+)/)
      if (found) { clearTimeout(timer); resolve(found[1]) }
    })
  })
  const link = output.match(/(http\S+\/console\/password\?token=\S+)/)?.[1]
  const adminKey = output.match(/\b(ak_\w+)/)?.[1]
  return {
    url,
    link,
    adminKey,
    stderr: () => stderr,
    async stop () {
      if (process.env.LATCHKEY_TEST_SERVER_LOG) (await import('node:fs')).writeFileSync(process.env.LATCHKEY_TEST_SERVER_LOG, stderr)
      child.kill('SIGTERM')
      await new Promise((resolve) => child.once('exit', resolve))
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

/** Calls the server's API with the admin key (to check what was stored). */
export async function api (server, method, path, body, key = server.adminKey) {
  const response = await fetch(server.url + path, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined
  })
  const text = await response.text()
  return { status: response.status, body: text ? JSON.parse(text) : null }
}

/** Chromium, headless, with the flags this closed network needs. */
export async function launch () {
  const root = process.getuid?.() === 0
  return chromium.launch({
    executablePath: chromiumBin,
    headless: true,
    // Playwright gives each browser a fresh, temporary profile (its own
    // --user-data-dir); --no-sandbox only as root.
    chromiumSandbox: !root,
    args: [
      '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'
    ]
  })
}

const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')

/**
 * Runs axe-core in the page (evaluated through the driver: the console's
 * Content-Security-Policy stays on) and returns the serious and critical
 * violations, each as `rule: target`.
 */
export async function axe (page) {
  const loaded = await page.evaluate(() => typeof window.axe !== 'undefined')
  if (!loaded) await page.evaluate(axeSource)
  const result = await page.evaluate(async () => {
    const found = await window.axe.run(document, { resultTypes: ['violations'] })
    return found.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => n.target.join(' ')) }))
  })
  return result
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.targets.join(', ')}`)
}

/** Every violation found, by page, for the closing report. */
export const findings = new Map()

/**
 * Saves the page at 360 px and 1440 px (and dark at 1440 px) under
 * `target/console-screenshots/NAME-*.png`, running axe at each, and
 * records the serious violations.
 */
export async function shoot (page, name) {
  mkdirSync(shotsDir, { recursive: true })
  const violations = new Set()
  for (const [width, height, scheme] of [[360, 780, 'light'], [1440, 900, 'light'], [1440, 900, 'dark']]) {
    await page.setViewportSize({ width, height })
    await page.emulateMedia({ colorScheme: scheme })
    for (const violation of await axe(page)) violations.add(`${width}px ${scheme}: ${violation}`)
    const suffix = scheme === 'dark' ? `${width}-dark` : `${width}`
    await page.screenshot({ path: join(shotsDir, `${name}-${suffix}.png`), fullPage: true })
  }
  await page.setViewportSize({ width: 1280, height: 900 })
  await page.emulateMedia({ colorScheme: 'light' })
  findings.set(name, [...violations])
  return [...violations]
}
