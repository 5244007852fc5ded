#!/usr/bin/env node
// codexguard's own CLI: everything lives in src/cli (bundled to dist/cli.js).
import module from 'node:module';
module.enableCompileCache?.();
await import('../dist/cli.js');
