// What both benchmarks load: `@latchkey/node` from `bindings/node`, and the
// path of the native addon it actually loaded. `cargo xtask bench node`
// selects the release addon with NAPI_RS_NATIVE_LIBRARY_PATH; napi's loader
// falls back to other candidates when that file fails to load, so a
// benchmark of the wrong build would go unnoticed: here it is an error.
import { createRequire } from 'node:module'
import { resolve } from 'node:path'

export const require = createRequire(new URL('../../bindings/node/package.json', import.meta.url))

/** The package and the path of the `.node` file behind it. */
export function loadLatchkey() {
  const latchkey = require('@latchkey/node')
  const addons = Object.keys(require.cache).filter((path) => path.endsWith('.node'))
  const wanted = process.env.NAPI_RS_NATIVE_LIBRARY_PATH
  if (wanted && !addons.includes(resolve(wanted))) {
    throw new Error(`NAPI_RS_NATIVE_LIBRARY_PATH=${wanted} was not loaded (loaded: ${addons.join(', ') || 'none'})`)
  }
  return { latchkey, addon: addons.join(', ') }
}
