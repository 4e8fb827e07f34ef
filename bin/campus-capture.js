#!/usr/bin/env node
// The package's command line. It runs the compiled code; `npm install` builds it (prepare).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/node/src/main/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('campus-capture 尚未构建，请运行 npm run build / not built yet: run npm run build\n');
  process.exit(2);
}
await import(entry.href);
