#!/usr/bin/env node
// Builds the in-process DSLR addon (native/src/gphoto2_addon.cc → native/build/Release/cc_gphoto2.node)
// with node-gyp against Debian's libgphoto2-dev. N-API (node-addon-api, NAPI_VERSION 8) is ABI-stable,
// so the one build serves Node and Electron alike; no Electron rebuild is needed.
//
// Never downloads Node headers: it builds against the installed ones (/usr/include/node, Debian's
// nodejs; or the running Node's own include folder), and says so when there are none. On Debian as
// root it installs libgphoto2-dev, build-essential and pkg-config when missing. When the addon
// cannot be built the station still has the gphoto2-command backend: this script then reports why
// and exits 0 (or 1 with --strict), so `npm install` and the tests go on.
//
//   node native/build.mjs            # builds when the source changed; prints {ok, path | reason} as JSON
//   node native/build.mjs --strict   # exit 1 when it cannot be built
//   import { ensureAddon } from './native/build.mjs'
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { aptInstall, has, isRoot, run } from '../scripts/lib/system.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
export const ADDON_PATH = join(HERE, 'build', 'Release', 'cc_gphoto2.node');
const STAMP = join(HERE, 'build', '.source-hash');
const PACKAGES = ['libgphoto2-dev', 'build-essential', 'pkg-config', 'python3'];

function libgphoto2Present() {
  return has('pkg-config') && has('g++') && has('make') && has('python3') && run('pkg-config', ['--exists', 'libgphoto2']).ok;
}

/** Node's headers without the network: Debian's nodejs puts them in /usr/include/node; a tarball Node has include/node beside bin/. */
function nodeDir() {
  if (process.env.npm_config_nodedir && existsSync(join(process.env.npm_config_nodedir, 'include', 'node', 'node_api.h'))) return process.env.npm_config_nodedir;
  for (const dir of ['/usr', join(dirname(process.execPath), '..')]) if (existsSync(join(dir, 'include', 'node', 'node_api.h'))) return dir;
  return null;
}

/** node-gyp: the copy npm carries (always beside the npm that runs us), else one on PATH. */
function nodeGyp() {
  const candidates = [
    process.env.npm_execpath ? join(dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js') : null,
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    '/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
    '/usr/share/nodejs/node-gyp/bin/node-gyp.js',
  ].filter(Boolean);
  return candidates.find((p) => existsSync(p)) ?? null;
}

function sourceHash() {
  const h = createHash('sha256');
  for (const f of ['binding.gyp', 'src/gphoto2_addon.cc']) h.update(readFileSync(join(HERE, f)));
  h.update(run('pkg-config', ['--modversion', 'libgphoto2']).stdout);
  h.update(process.versions.napi ?? '');
  return h.digest('hex').slice(0, 16);
}

/**
 * Builds the addon if needed. Returns { ok: true, path, built } or { ok: false, reason } (English,
 * for logs and the test runner's output; the station words its own fallback message).
 */
export function ensureAddon({ quiet = false } = {}) {
  const say = (m) => quiet || process.stderr.write(`${m}\n`);
  if (process.platform !== 'linux') return { ok: false, reason: 'the libgphoto2 addon is built on Linux only' };
  if (!libgphoto2Present()) {
    if (isRoot() && has('apt-get')) {
      say('正在安装 libgphoto2-dev / installing libgphoto2-dev and the build tools…');
      const failed = aptInstall(PACKAGES);
      if (failed) return { ok: false, reason: `apt-get install ${PACKAGES.join(' ')} failed: ${failed.stderr.trim().slice(-300)}` };
    }
    if (!libgphoto2Present()) return { ok: false, reason: `libgphoto2-dev or the build tools are missing (install ${PACKAGES.join(' ')})` };
  }
  const dir = nodeDir();
  if (!dir) return { ok: false, reason: "Node's headers are not installed (Debian: nodejs ships /usr/include/node)" };
  const gyp = nodeGyp();
  if (!gyp) return { ok: false, reason: 'node-gyp not found (it comes with npm)' };
  const hash = sourceHash();
  if (existsSync(ADDON_PATH) && existsSync(STAMP) && readFileSync(STAMP, 'utf8') === hash) return { ok: true, path: ADDON_PATH, built: false };
  say('编译单反联机模块 / building the libgphoto2 addon (native/)…');
  const r = run(process.execPath, [gyp, 'rebuild', `--nodedir=${dir}`, '--jobs=2'], { cwd: HERE, env: { ...process.env, npm_config_nodedir: dir } });
  if (!r.ok || !existsSync(ADDON_PATH)) return { ok: false, reason: `node-gyp failed: ${(r.stderr || r.stdout).trim().split('\n').filter((l) => /error/i.test(l)).slice(0, 5).join(' | ')}` };
  writeFileSync(STAMP, hash);
  return { ok: true, path: ADDON_PATH, built: true };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = ensureAddon();
  console.log(JSON.stringify(result));
  if (!result.ok && process.argv.includes('--strict')) process.exit(1);
}
