// The Node client against Node's own `fetch`, for `GET /v3/me` on the same
// server, and what client calls cost the event loop. The target: no
// event-loop blocking longer than 1 ms during a client call.
//
//   cargo xtask bench node      (release addon and release server, both benchmarks)
//   node bench/node/client_bench.mjs --server target/release/latchkey [--requests 4000] [--concurrency 32] [--samples 5000]
//
// It starts the server binary (`--server BIN` or `LATCHKEY_SERVER_BIN`) on a
// loopback port with a temporary data file and measures, after a warm-up:
//
// 1. throughput: sequential and `--concurrency` in flight, client vs fetch;
// 2. the event loop while idle (the baseline: this machine's timer noise, with
//    the same 1 ms histogram resolution, at the start and at the end), during
//    client calls and during fetch calls, sequential and concurrent, with
//    `perf_hooks.monitorEventLoopDelay` (a sample is the timer's interval; the
//    resolution is subtracted, so a figure is how late the timer fired) and the
//    loop's busy time per call (`eventLoopUtilization`). A 1 ms timer of our own
//    runs beside it and keeps each lag over 1 ms, which is matched against the
//    GC pauses (`PerformanceObserver` 'gc' entries) and the time the main thread
//    spent waiting for a CPU (the run-queue delay of /proc/thread-self/schedstat);
// 3. the main thread's own time per call, p50/p99/p99.9/max: the call itself
//    (`client.me()` until it hands back its promise) and the resolution
//    callback (napi's conversion of the result into JavaScript objects, timed
//    by async_hooks' before/after of napi's `napi_resolve_deferred` resource,
//    which bracket exactly that callback), with every span over 1 ms
//    attributed: a GC pause inside it, or the thread preempted (run-queue wait),
//    or ours;
// 4. the same for list pages of 100 and 1000 users: the resolution callback
//    (the page's own members) and each slice of items the wrapper converts a
//    turn of the event loop apart (`NativeItems.take`);
// 5. the first use in the process: `new Client()` and the first call.
//
// Both clients send the same access key over one keep-alive pool each.
// Numbers mean something only on a quiet machine: the load average is printed.
import { spawn } from 'node:child_process'
import { closeSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { createHook } from 'node:async_hooks'
import { PerformanceObserver, monitorEventLoopDelay, performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'

import { loadLatchkey, require } from './load.mjs'

const {
  latchkey: { Client },
  addon,
} = loadLatchkey()

// The slices of a list page (`NativeItems.take`, called by the wrapper a
// turn apart) are main-thread time of a call too: timed here, on the native
// class the package itself uses.
const { NativeItems } = require('./index.js')
const slices = []
const take = NativeItems.prototype.take
NativeItems.prototype.take = function timedTake(count) {
  const waited = runQueueDelay()
  const start = performance.now()
  try {
    return take.call(this, count)
  } finally {
    const end = performance.now()
    slices.push({ start, end, waited: runQueueDelay() - waited })
  }
}

const { values } = parseArgs({
  options: {
    server: { type: 'string', default: process.env.LATCHKEY_SERVER_BIN },
    requests: { type: 'string', default: '4000' },
    concurrency: { type: 'string', default: '32' },
    samples: { type: 'string', default: '5000' },
  },
})
if (!values.server) throw new Error('pass --server target/release/latchkey (or set LATCHKEY_SERVER_BIN)')
const REQUESTS = Number(values.requests)
const CONCURRENCY = Number(values.concurrency)
const SAMPLES = Number(values.samples)
const SEQUENTIAL = Math.min(REQUESTS, 2000)
const RESOLUTION_MS = 1
const TARGET_MS = 1
const IDLE_MS = 2000

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

// --- what the main thread waited for: GC pauses, and the CPU --------------

/** Every GC pause of the run, in `performance.now()` time. */
const gcPauses = []
const gcObserver = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcPauses.push({ start: entry.startTime, end: entry.startTime + entry.duration })
})
gcObserver.observe({ entryTypes: ['gc'] })

/** Delivers the GC entries the observer has not handed over yet. */
async function flushGc() {
  await new Promise((resolve) => setTimeout(resolve, 20))
  for (const entry of gcObserver.takeRecords()) {
    gcPauses.push({ start: entry.startTime, end: entry.startTime + entry.duration })
  }
}

/** The GC pause time inside [start, end], in ms. */
function gcWithin(start, end) {
  let total = 0
  for (const pause of gcPauses) total += Math.max(0, Math.min(end, pause.end) - Math.max(start, pause.start))
  return total
}

/**
 * The main thread's run-queue delay so far, in ms: how long it was ready to
 * run but had no CPU (the second field of /proc/thread-self/schedstat, which
 * the kernel updates each time the thread gets a CPU back). NaN where the
 * file does not exist. Read into a buffer kept open, so a sample allocates
 * nothing but a short string.
 */
const runQueueDelay = (() => {
  let fd
  try {
    fd = openSync('/proc/thread-self/schedstat', 'r')
  } catch {
    return () => NaN
  }
  const buffer = Buffer.alloc(128)
  process.on('exit', () => closeSync(fd))
  return () => {
    const length = readSync(fd, buffer, 0, buffer.length, 0)
    const fields = buffer.toString('latin1', 0, length).split(' ')
    return Number(fields[1]) / 1e6
  }
})()

/**
 * Why a span of main-thread time [start, end] (ms) lasted over the target:
 * a GC pause inside it, the thread waiting for a CPU (`waited` ms of
 * run-queue delay), or neither: ours.
 */
function cause(start, end, waited) {
  const length = end - start
  const gc = gcWithin(start, end)
  const cpu = Number.isFinite(waited) ? waited : 0
  if (length - gc - cpu > TARGET_MS) return 'ours'
  if (gc > 0 && length - gc <= TARGET_MS) return 'gc'
  if (cpu > 0 && length - cpu <= TARGET_MS) return 'cpu'
  return 'gc+cpu'
}

// --- measuring ------------------------------------------------------------

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
 * A 1 ms timer beside the histogram: each interval over 1 ms + the target
 * (a lag over the target), with the run-queue delay the thread had in it.
 */
function lagRecorder() {
  const lags = []
  let on = true
  let last = performance.now()
  let lastWait = runQueueDelay()
  let timer
  const tick = () => {
    const now = performance.now()
    const wait = runQueueDelay()
    if (now - last - RESOLUTION_MS > TARGET_MS) {
      lags.push({ start: last + RESOLUTION_MS, end: now, waited: wait - lastWait })
    }
    last = now
    lastWait = wait
    if (on) timer = setTimeout(tick, RESOLUTION_MS)
  }
  timer = setTimeout(tick, RESOLUTION_MS)
  return () => {
    on = false
    clearTimeout(timer)
    return lags
  }
}

/**
 * While `work()` runs: the event-loop delay in ms (`max`, `p99`, `p999`,
 * `mean`), the loop's busy time per call in µs (`busy`, over `calls`), and
 * the lags over the target with their causes.
 */
async function loopDelay(work, calls = 1) {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS })
  const before = performance.eventLoopUtilization()
  const stopLags = lagRecorder()
  histogram.enable()
  await work()
  histogram.disable()
  const lags = stopLags()
  const used = performance.eventLoopUtilization(before)
  // A sample is the timer's interval: what is over the resolution is delay.
  const ms = (ns) => Math.max(0, ns / 1e6 - RESOLUTION_MS)
  return {
    max: ms(histogram.max),
    p99: ms(histogram.percentile(99)),
    p999: ms(histogram.percentile(99.9)),
    mean: ms(histogram.mean),
    busy: (used.active * 1000) / calls,
    lags,
  }
}

/** Counts of `spans` ({start, end, waited}) over the target, by cause. */
function causes(spans) {
  const counts = { over: 0, gc: 0, cpu: 0, 'gc+cpu': 0, ours: 0 }
  for (const span of spans) {
    if (span.end - span.start <= TARGET_MS) continue
    counts.over++
    counts[cause(span.start, span.end, span.waited)]++
  }
  return counts
}

const causeText = (c) => `${c.over} (gc ${c.gc}, cpu wait ${c.cpu}, both ${c['gc+cpu']}, ours ${c.ours})`

/**
 * Main-thread spans of `count` calls of `call`, `inFlight` at a time: each
 * call until it returns its promise, and each napi resolution callback.
 */
async function spans(call, count, inFlight) {
  const calls = []
  const conversions = []
  const deferreds = new Set()
  let open = null
  const hook = createHook({
    init(id, type) {
      if (type === 'napi_resolve_deferred') deferreds.add(id)
    },
    before(id) {
      if (deferreds.has(id)) open = { waited: runQueueDelay(), start: performance.now() }
    },
    after(id) {
      if (!deferreds.delete(id) || open === null) return
      const end = performance.now()
      conversions.push({ start: open.start, end, waited: runQueueDelay() - open.waited })
      open = null
    },
  })
  let next = 0
  const worker = async () => {
    while (next < count) {
      next++
      const waited = runQueueDelay()
      const start = performance.now()
      const promise = call()
      const end = performance.now()
      calls.push({ start, end, waited: runQueueDelay() - waited })
      await promise
    }
  }
  hook.enable()
  try {
    await Promise.all(Array.from({ length: inFlight }, worker))
  } finally {
    hook.disable()
  }
  return { calls, conversions }
}

/** p50/p99/p99.9/max of the spans' lengths, in µs. */
function percentiles(list) {
  const lengths = list.map((span) => (span.end - span.start) * 1000).sort((a, b) => a - b)
  if (lengths.length === 0) return null
  const at = (q) => lengths[Math.min(lengths.length - 1, Math.floor(q * lengths.length))]
  return { n: lengths.length, p50: at(0.5), p99: at(0.99), p999: at(0.999), max: lengths[lengths.length - 1] }
}

const us = (value) => value.toFixed(0).padStart(7)

function spanRow(name, list) {
  const p = percentiles(list)
  if (p === null) throw new Error(`${name}: no span was recorded`)
  console.log(`${name.padEnd(44)} ${String(p.n).padStart(5)} ${us(p.p50)} ${us(p.p99)} ${us(p.p999)} ${us(p.max)}   ${causeText(causes(list))}`)
}

// --- the run --------------------------------------------------------------

const dir = mkdtempSync(join(tmpdir(), 'latchkey-bench-'))
const server = await startServer(values.server, dir)
try {
  console.log(`node ${process.version}, ${cpus().length} CPUs, load average ${loadavg().map((n) => n.toFixed(2)).join(' ')}`)
  console.log(`addon: ${addon}`)
  console.log(`server: ${values.server}`)

  // 5. The first use in this process (measured first, reported last).
  const firstUse = await (async () => {
    const waited = runQueueDelay()
    const created = performance.now()
    const client = new Client({ baseUrl: server.url, accessKey: server.key })
    const constructed = performance.now()
    const constructorWait = runQueueDelay() - waited
    const first = await spans(() => client.me(), 1, 1)
    client.close()
    return { constructor: constructed - created, constructorWait, first }
  })()

  const client = new Client({ baseUrl: server.url, accessKey: server.key })
  const headers = { authorization: `Bearer ${server.key}` }
  const viaFetch = async () => {
    const response = await fetch(`${server.url}/v3/me`, { headers })
    if (!response.ok) throw new Error(`HTTP ${response.status}`)
    return response.json()
  }
  const viaClient = () => client.me()

  // The first use of a key is a cold verification (a store read) on the
  // server; warm both paths.
  await rate(viaClient, 500, 8)
  await rate(viaFetch, 500, 8)

  // 1. Throughput.
  const rows = [
    ['sequential', await rate(viaClient, SEQUENTIAL, 1), await rate(viaFetch, SEQUENTIAL, 1)],
    [`${CONCURRENCY} in flight`, await rate(viaClient, REQUESTS, CONCURRENCY), await rate(viaFetch, REQUESTS, CONCURRENCY)],
  ]
  console.log(`\nGET /v3/me, ${REQUESTS} requests (sequential: ${SEQUENTIAL})`)
  console.log('variant            client req/s   fetch req/s   ratio')
  for (const [name, ours, theirs] of rows) {
    console.log(`${name.padEnd(18)} ${ours.toFixed(0).padStart(12)} ${theirs.toFixed(0).padStart(13)} ${(ours / theirs).toFixed(2).padStart(6)}x`)
  }

  // 2. The event loop, idle first and last: the floor this machine gives.
  const idle = () => loopDelay(() => new Promise((resolve) => setTimeout(resolve, IDLE_MS)))
  const measured = [
    [`idle (${IDLE_MS / 1000} s)`, await idle()],
    ['client sequential', await loopDelay(() => rate(viaClient, SEQUENTIAL, 1), SEQUENTIAL)],
    ['fetch sequential', await loopDelay(() => rate(viaFetch, SEQUENTIAL, 1), SEQUENTIAL)],
    [`client ${CONCURRENCY} in flight`, await loopDelay(() => rate(viaClient, REQUESTS, CONCURRENCY), REQUESTS)],
    [`fetch ${CONCURRENCY} in flight`, await loopDelay(() => rate(viaFetch, REQUESTS, CONCURRENCY), REQUESTS)],
    [`idle again (${IDLE_MS / 1000} s)`, await idle()],
  ]
  await flushGc()
  console.log(`\nevent-loop delay (monitorEventLoopDelay, ${RESOLUTION_MS} ms resolution; ms late)`)
  console.log(`                        max      p99    p99.9     mean  busy/call   lags > ${TARGET_MS} ms (cause)`)
  for (const [name, delay] of measured) {
    const busy = name.startsWith('idle') ? '          ' : `${delay.busy.toFixed(0).padStart(7)} µs`
    const ms = (value) => value.toFixed(3).padStart(8)
    console.log(`${name.padEnd(20)} ${ms(delay.max)} ${ms(delay.p99)} ${ms(delay.p999)} ${ms(delay.mean)} ${busy}   ${causeText(causes(delay.lags))}`)
  }

  // 3. The main thread's own time per call.
  await spans(viaClient, 500, CONCURRENCY)
  const sequential = await spans(viaClient, SAMPLES, 1)
  const concurrent = await spans(viaClient, SAMPLES, CONCURRENCY)
  const fetchSequential = await spans(viaFetch, SAMPLES, 1)
  const fetchConcurrent = await spans(viaFetch, SAMPLES, CONCURRENCY)
  await flushGc()
  console.log(`\nmain-thread time per call, µs (after warm-up; spans over ${TARGET_MS} ms by cause: a GC pause or`)
  console.log('the thread waiting for a CPU accounts for all but 1 ms of it, else "ours")')
  console.log('                                                 n     p50     p99   p99.9     max   over 1 ms')
  spanRow('client.me(), sequential: the call', sequential.calls)
  spanRow('  its resolution callback (result -> JS)', sequential.conversions)
  spanRow(`client.me(), ${CONCURRENCY} in flight: the call`, concurrent.calls)
  spanRow('  its resolution callback (result -> JS)', concurrent.conversions)
  spanRow('fetch(), sequential: the call', fetchSequential.calls)
  spanRow(`fetch(), ${CONCURRENCY} in flight: the call`, fetchConcurrent.calls)

  // 4. List pages: the conversion grows with the page.
  const existing = (await client.users.listPage({ limit: 1, includeTotalCount: true })).totalCount
  let made = existing
  await rate(() => client.users.create({ email: `bench-${made++}@bench.example`, name: 'Bench User' }), Math.max(0, 1000 - existing), 16)
  console.log()
  for (const [limit, pages] of [
    [100, 100],
    [1000, 30],
  ]) {
    await spans(() => client.users.listPage({ limit }), 3, 1)
    slices.length = 0
    const page = await spans(() => client.users.listPage({ limit }), pages, 1)
    await flushGc()
    spanRow(`users.listPage({ limit: ${limit} }): resolution callback`, page.conversions)
    spanRow('  its item slices (`NativeItems.take`, a turn apart)', slices)
  }

  const spanText = (span) => `${(span.end - span.start).toFixed(2)} ms (${(span.waited || 0).toFixed(2)} ms of it waiting for a CPU)`
  console.log(
    `\nfirst use in the process: new Client() ${spanText({ start: 0, end: firstUse.constructor, waited: firstUse.constructorWait })}; ` +
      `first call ${spanText(firstUse.first.calls[0])}; its resolution callback ${spanText(firstUse.first.conversions[0])}`,
  )
  console.log(`(target: no event-loop blocking longer than ${TARGET_MS} ms during a client call; compare with the idle and fetch rows)`)
  client.close()
} finally {
  gcObserver.disconnect()
  server.child.kill('SIGTERM')
  rmSync(dir, { recursive: true, force: true })
}
