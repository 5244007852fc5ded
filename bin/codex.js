#!/usr/bin/env node
// The `codex` shim: everything lives in src/shim, bundled to dist/shim.cjs, which dist/boot.cjs (src/boot)
// loads with a V8 code cache. CommonJS on purpose (bin/package.json): an ES module here would boot
// Node's ESM loader first, ~4-5 ms per launch.
'use strict';
require('../dist/boot.cjs');
