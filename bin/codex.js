#!/usr/bin/env node
// The `codex` shim: everything lives in src/shim (bundled to dist/shim.js).
import module from 'node:module';
module.enableCompileCache?.();
await import('../dist/shim.js');
