'use strict'
// The one way every network call goes: the native method returns a promise
// (its request runs on the Rust client's tokio runtime); an error, thrown at
// once (a bad argument) or on settling (the server, the network), becomes
// its public class here. Lists become async iterators that fetch each page
// when the previous one is used up.
//
// A page's items arrive unconverted (a native `NativeItems`): they become
// objects SLICE at a time, one slice per turn of the event loop, so that a
// page of 1,000 items never blocks the loop for the whole conversion at once.

const { setImmediate: nextTurn } = require('node:timers/promises')
const { translate } = require('../errors.cjs')

/** How many items are converted in one turn of the event loop. */
const SLICE = 50

/** The outcome of `run()` (a native call), its error translated. */
async function call(run) {
  try {
    return await run()
  } catch (error) {
    throw translate(error)
  }
}

/** The items of `pending` (a `NativeItems`) as an array, a slice per turn. */
async function collect(pending) {
  const items = pending.take(SLICE)
  while (pending.remaining > 0) {
    await nextTurn()
    for (const item of pending.take(SLICE)) items.push(item)
  }
  return items
}

/** The page `run()` (a native `*ListPage` call) resolves with, its items converted. */
function page(run) {
  return call(async () => {
    const result = await run()
    result.data = await collect(result.data)
    return result
  })
}

/**
 * Every item of a list: `open()` makes the native pager on the first
 * `next()` (so a bad option or a closed client is a rejection there, like
 * any other failure of the list), then each page is fetched on demand.
 */
async function* iterate(open) {
  const pager = await call(open)
  for (;;) {
    const items = await call(async () => {
      const pending = await pager.nextPage()
      return pending === null ? null : collect(pending)
    })
    if (items === null) return
    yield* items
  }
}

/**
 * `created` with its one-time secret `member` (`key`, or a password link's
 * `url`) turned into a non-enumerable getter: `created.key` reads it; `JSON.stringify`, `util.inspect`, spreading and
 * `Object.keys` leave it out, so logging the result does not leak it.
 */
function hideKey(created, member = 'key') {
  const secret = created[member]
  delete created[member]
  Object.defineProperty(created, member, { get: () => secret, enumerable: false, configurable: false })
  return created
}

module.exports = { call, page, iterate, hideKey }
