'use strict'
// The one way every network call goes: the native method returns a promise
// (its request runs on the Rust client's tokio runtime); an error, thrown at
// once (a bad argument) or on settling (the server, the network), becomes
// its public class here. Lists become async iterators that fetch each page
// when the previous one is used up.

const { translate } = require('../errors.cjs')

/** The outcome of `run()` (a native call), its error translated. */
async function call(run) {
  try {
    return await run()
  } catch (error) {
    throw translate(error)
  }
}

/**
 * Every item of a list: `open()` makes the native pager on the first
 * `next()` (so a bad option or a closed client is a rejection there, like
 * any other failure of the list), then each page is fetched on demand.
 */
async function* iterate(open) {
  const pager = await call(open)
  for (;;) {
    const items = await call(() => pager.nextPage())
    if (items === null) return
    yield* items
  }
}

/**
 * `created` with its one-time `key` turned into a non-enumerable getter:
 * `created.key` reads it; `JSON.stringify`, `util.inspect`, spreading and
 * `Object.keys` leave it out, so logging the result does not leak it.
 */
function hideKey(created) {
  const key = created.key
  delete created.key
  Object.defineProperty(created, 'key', { get: () => key, enumerable: false, configurable: false })
  return created
}

module.exports = { call, iterate, hideKey }
