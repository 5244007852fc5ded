#!/usr/bin/env node
// codexguard's own CLI: everything lives in src/cli (bundled to dist/cli.js, an ES module).
// This file is CommonJS like everything in bin/ (bin/package.json).
'use strict';
require('node:module').enableCompileCache?.();
import('../dist/cli.js');
