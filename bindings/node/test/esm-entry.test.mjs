// The ES module entry names its exports one by one (ESM needs static names):
// it must export exactly what the CommonJS entry does, and the same objects.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'

import * as esm from '../lib/index.mjs'

const cjs = createRequire(import.meta.url)('../lib/index.cjs')

test('the ES module entry exports every CommonJS export, and nothing else', () => {
  const named = Object.keys(esm).filter((name) => name !== 'default').sort()
  assert.deepEqual(named, Object.keys(cjs).sort())
  for (const name of named) assert.equal(esm[name], cjs[name], name)
  assert.equal(esm.default, cjs)
})
