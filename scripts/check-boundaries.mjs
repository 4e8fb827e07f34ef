#!/usr/bin/env node
// Import-boundary rule (DESIGN §2, STYLE "Process separation"): each process folder imports only
// itself and src/shared; src/shared is pure (no Node, no Electron, no DOM-only code paths).
// Fails with one line per violation. Run by `npm test` and `npm run lint`.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = process.argv[2] ? resolve(process.argv[2]) : resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** folder → folders it may import from, and whether Node built-ins / electron are allowed. */
const RULES = {
  'src/shared': { may: ['src/shared'], node: false, electron: false },
  'src/renderer': { may: ['src/renderer', 'src/shared'], node: false, electron: false },
  'src/preload': { may: ['src/preload', 'src/shared'], node: false, electron: true },
  // The sync engine is a library hosted by the main process (DESIGN §2): main may start it;
  // sync never reaches back into main.
  'src/main': { may: ['src/main', 'src/shared', 'src/sync'], node: true, electron: true },
  'src/sync': { may: ['src/sync', 'src/shared'], node: true, electron: false },
  server: { may: ['server', 'src/shared'], node: true, electron: false },
};
const NODE_BUILTINS = new Set(['fs', 'path', 'os', 'crypto', 'http', 'https', 'net', 'child_process', 'stream', 'url', 'util', 'worker_threads', 'zlib', 'events', 'buffer', 'module', 'process', 'readline', 'tls', 'dns']);

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* walk(p);
    else if (/\.(ts|tsx|mts|js|mjs)$/.test(name)) yield p;
  }
}

const IMPORT_RE = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|[\s;(])import\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s+['"]([^'"]+)['"]/gm;

const violations = [];
for (const [folder, rule] of Object.entries(RULES)) {
  const abs = join(root, folder);
  let files;
  try {
    files = [...walk(abs)];
  } catch {
    continue;
  }
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(IMPORT_RE)) {
      const spec = m[1] ?? m[2] ?? m[3];
      const where = `${relative(root, file)}: '${spec}'`;
      if (spec.startsWith('.')) {
        const target = relative(root, resolve(dirname(file), spec)).split(sep).join('/');
        if (!rule.may.some((f) => target === f || target.startsWith(f + '/'))) violations.push(`${where} reaches outside ${rule.may.join(', ')}`);
      } else if (spec.startsWith('node:') || NODE_BUILTINS.has(spec.split('/')[0])) {
        if (!rule.node) violations.push(`${where} is a Node built-in, not allowed in ${folder}`);
      } else if (spec === 'electron' || spec.startsWith('electron/')) {
        if (!rule.electron) violations.push(`${where} is Electron, not allowed in ${folder}`);
      }
    }
  }
}
if (violations.length) {
  console.error(`Import boundary violations (${violations.length}):`);
  for (const v of violations) console.error('  ' + v);
  process.exit(1);
}
console.log('import boundaries: ok');
