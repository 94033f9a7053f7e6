'use strict'
// @latchkey/node, CommonJS entry.

const errors = require('./errors.cjs')
const jwt = require('./jwt.cjs')
const jws = require('./jws.cjs')
const accessKey = require('./access-key.cjs')
const native = require('./native.cjs')
const { Client } = require('./client/index.cjs')

const { argumentError, translate, ...errorClasses } = errors

module.exports = {
  version: native.version(),
  Client,
  jwt,
  jws,
  accessKey,
  ...errorClasses,
}
