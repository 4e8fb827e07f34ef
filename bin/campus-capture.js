#!/usr/bin/env node
// The package's command line. It runs the compiled code; `npm install` builds it (prepare).
// `server` starts the central server (server/cli.ts); every other command is the kiosk's.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const isServer = process.argv[2] === 'server';
const entry = new URL(isServer ? '../dist/node/server/cli.js' : '../dist/node/src/main/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('campus-capture 尚未构建，请运行 npm run build / not built yet: run npm run build\n');
  process.exit(2);
}
if (isServer) {
  const { serverCommand } = await import(entry.href);
  // -h as every other command takes it; the server's own parser knows only --help.
  const code = await serverCommand(process.argv.slice(3).map((a) => (a === '-h' ? '--help' : a)));
  // -1: listening; the process lives until SIGTERM/SIGINT.
  if (code >= 0) process.exit(code);
} else {
  await import(entry.href);
}
