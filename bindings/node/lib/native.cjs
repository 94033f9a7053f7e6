'use strict'
// The native addon, loaded through the loader that `napi build` generates
// (it picks the `.node` file for this platform).
module.exports = require('../index.js')
