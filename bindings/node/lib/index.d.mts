// Types of the ES module entry (lib/index.mjs). That entry re-exports the
// CommonJS entry's names and its whole module as the default export, so its
// types are those of index.d.ts, declared here as an ES module: TypeScript
// under node16/nodenext reads a `.d.ts` in this package as CommonJS, and an
// `import` condition pointing at it would claim the ESM entry is CommonJS.
import * as latchkey from './index.js'

export * from './index.js'
export default latchkey
