#!/usr/bin/env node
// The `codex` shim: everything lives in src/shim, bundled to dist/shim.cjs. CommonJS on purpose
// (bin/package.json): an ES module here would boot Node's ESM loader first, ~4-5 ms per launch.
'use strict';
// Node >= 22.1 can cache compiled code; on older Node, loading node:module would only cost time.
if (Number(process.versions.node.split('.')[0]) >= 22) require('node:module').enableCompileCache?.();
require('../dist/shim.cjs');
