// The Node client against Node's own `fetch`, for `GET /v3/me` on the same
// server, and what a burst of client calls does to the event loop.
//
// It starts the server binary (`--server BIN` or `LATCHKEY_SERVER_BIN`; use
// a release build: `cargo build --release -p latchkey-server`, and a release
// addon: `(cd bindings/node && npx napi build --platform --release)`) on a
// loopback port with a temporary data file, then measures after a warm-up:
//
// * sequential: `await client.me()` vs `await (await fetch(url)).json()`;
// * concurrent: `--concurrency` requests in flight at once, `--requests` in all;
// * event-loop delay (`perf_hooks.monitorEventLoopDelay` at 1 ms resolution;
//   its samples are the timer's whole interval, so the 1 ms is subtracted:
//   how late the timer fired), max and p99, while idle, during sequential
//   calls and during the concurrent bursts, for the client and for fetch;
// * the longest synchronous part of a call (`client.me()` until it hands
//   back its promise);
// * main-thread time per call (`performance.eventLoopUtilization`: the time
//   the loop was busy, divided by the calls): what one call costs the event
//   loop, in microseconds. The target is no blocking longer than
//   1 ms during a client call.
//
// Both send the same access key over one keep-alive pool each. Numbers mean
// something only on a quiet machine; run it twice.
//
//   node bench/node/client_bench.mjs --server target/release/latchkey [--requests 4000] [--concurrency 32]
//
// A release addon built elsewhere (`napi build --platform --release
// --output-dir DIR`) is used with NAPI_RS_NATIVE_LIBRARY_PATH=DIR/latchkey.linux-x64-gnu.node.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { createRequire } from 'node:module'
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'

const require = createRequire(new URL('../../bindings/node/package.json', import.meta.url))
const { Client } = require('@latchkey/node')

const { values } = parseArgs({
  options: {
    server: { type: 'string', default: process.env.LATCHKEY_SERVER_BIN },
    requests: { type: 'string', default: '4000' },
    concurrency: { type: 'string', default: '32' },
  },
})
if (!values.server) throw new Error('pass --server target/release/latchkey (or set LATCHKEY_SERVER_BIN)')
const REQUESTS = Number(values.requests)
const RESOLUTION_MS = 1
const CONCURRENCY = Number(values.concurrency)

async function startServer(binary, dir) {
  const child = spawn(binary, ['serve', '--listen', '127.0.0.1:0', '--data', join(dir, 'b.redb')], {
    stdio: ['ignore', 'pipe', 'ignore'],
    env: { ...process.env, RUST_LOG: 'error' },
  })
  let url = ''
  let key = ''
  for await (const line of createInterface({ input: child.stdout })) {
    for (const word of line.split(/\s+/)) if (word.startsWith('ak_')) key = word
    if (line.startsWith('latchkey listening on ')) {
      url = line.slice('latchkey listening on '.length).trim()
      break
    }
  }
  child.stdout.resume()
  if (!url) throw new Error('the server did not start')
  return { child, url, key }
}

/** Requests per second of `count` calls of `call`, `inFlight` at a time. */
async function rate(call, count, inFlight) {
  let next = 0
  const worker = async () => {
    while (next < count) {
      next++
      await call()
    }
  }
  const start = process.hrtime.bigint()
  await Promise.all(Array.from({ length: inFlight }, worker))
  return count / (Number(process.hrtime.bigint() - start) / 1e9)
}

/**
 * While `work()` runs: the event-loop delay in ms (`max`, `p99`, `mean`)
 * and the loop's busy time per call in µs (`busy`, over `calls`).
 */
async function loopDelay(work, calls = 1) {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS })
  const before = performance.eventLoopUtilization()
  histogram.enable()
  await work()
  histogram.disable()
  const used = performance.eventLoopUtilization(before)
  // A sample is the timer's interval: what is over the resolution is delay.
  const ms = (ns) => Math.max(0, ns / 1e6 - RESOLUTION_MS)
  return {
    max: ms(histogram.max),
    p99: ms(histogram.percentile(99)),
    mean: ms(histogram.mean),
    busy: (used.active * 1000) / calls,
  }
}

const dir = mkdtempSync(join(tmpdir(), 'latchkey-bench-'))
const server = await startServer(values.server, dir)
try {
  const client = new Client({ baseUrl: server.url, accessKey: server.key })
  const headers = { authorization: `Bearer ${server.key}` }
  const viaFetch = async () => {
    const response = await fetch(`${server.url}/v3/me`, { headers })
    if (!response.ok) throw new Error(`HTTP ${response.status}`)
    return response.json()
  }
  const viaClient = () => client.me()

  // The first use of a key runs argon2id on the server; warm both paths.
  await rate(viaClient, 200, 8)
  await rate(viaFetch, 200, 8)

  const sequential = Math.min(REQUESTS, 2000)
  const rows = [
    ['sequential', await rate(viaClient, sequential, 1), await rate(viaFetch, sequential, 1)],
    [`${CONCURRENCY} in flight`, await rate(viaClient, REQUESTS, CONCURRENCY), await rate(viaFetch, REQUESTS, CONCURRENCY)],
  ]
  console.log(`GET /v3/me, ${REQUESTS} requests (sequential: ${sequential})`)
  console.log('variant            client req/s   fetch req/s   ratio')
  for (const [name, ours, theirs] of rows) {
    console.log(`${name.padEnd(18)} ${ours.toFixed(0).padStart(12)} ${theirs.toFixed(0).padStart(13)} ${(ours / theirs).toFixed(2).padStart(6)}x`)
  }

  const idle = await loopDelay(() => new Promise((resolve) => setTimeout(resolve, 1000)))
  const measured = [
    ['idle (1 s)', idle],
    ['client sequential', await loopDelay(() => rate(viaClient, sequential, 1), sequential)],
    ['fetch sequential', await loopDelay(() => rate(viaFetch, sequential, 1), sequential)],
    [`client ${CONCURRENCY} in flight`, await loopDelay(() => rate(viaClient, REQUESTS, CONCURRENCY), REQUESTS)],
    [`fetch ${CONCURRENCY} in flight`, await loopDelay(() => rate(viaFetch, REQUESTS, CONCURRENCY), REQUESTS)],
  ]
  console.log('\nevent loop              delay max   delay p99  delay mean   busy/call')
  for (const [name, delay] of measured) {
    const busy = name.startsWith('idle') ? '' : `${delay.busy.toFixed(0).padStart(8)} µs`
    console.log(
      `${name.padEnd(22)} ${delay.max.toFixed(3).padStart(9)} ms ${delay.p99.toFixed(3).padStart(8)} ms ${delay.mean.toFixed(3).padStart(8)} ms ${busy}`,
    )
  }
  // The synchronous part of a call: argument checks and handing the request
  // to tokio, until the promise comes back.
  const spans = []
  const pending = []
  for (let i = 0; i < 1000; i++) {
    const start = process.hrtime.bigint()
    pending.push(viaClient())
    spans.push(Number(process.hrtime.bigint() - start) / 1e3)
    if (pending.length === CONCURRENCY) await Promise.all(pending.splice(0))
  }
  await Promise.all(pending)
  spans.sort((a, b) => a - b)
  const at = (q) => spans[Math.min(spans.length - 1, Math.floor(q * spans.length))].toFixed(0)
  console.log(`synchronous part of client.me() (1000 calls): p50 ${at(0.5)} µs, p99 ${at(0.99)} µs, max ${at(1)} µs`)
  console.log('(target: no event-loop blocking longer than 1 ms during a client call; compare with the idle row)')
  client.close()
} finally {
  server.child.kill('SIGTERM')
  rmSync(dir, { recursive: true, force: true })
}
