#!/usr/bin/env node
// Packs the app the way CI checks it, where Electron's binary cannot be downloaded: electron-builder's
// Linux `dir` target over a stand-in Electron folder, native rebuild off, nothing published. Only
// command-line overrides differ from electron-builder.yml, so `npm run dist` still rebuilds the
// native modules and makes the real installers. Run after `npm run build`.
//   node scripts/packaging/checkPackage.mjs [OUT_DIR]   → OUT_DIR/linux-unpacked/resources/app.asar
// With --offline it runs electron-builder in a network namespace of its own (`unshare -rn`), which
// proves it downloads nothing.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeStandInElectronDist } from './standInElectronDist.mjs';
import { writeNotices } from './thirdPartyNotices.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function canIsolateNetwork() {
  return spawnSync('unshare', ['-rn', 'true']).status === 0;
}

export function checkPackage(outDir, { offline = false } = {}) {
  if (!existsSync(join(root, 'dist', 'electron', 'preload.cjs'))) throw new Error('not built: run npm run build first');
  writeNotices();
  const work = mkdtempSync(join(tmpdir(), 'cc-electron-dist-'));
  try {
    const { dir } = makeStandInElectronDist(join(work, 'electron'));
    rmSync(outDir, { recursive: true, force: true });
    const builder = join(root, 'node_modules', 'electron-builder', 'cli.js');
    const args = [builder, '--linux', 'dir', '--x64', '--publish', 'never', `-c.electronDist=${dir}`, '-c.npmRebuild=false', `-c.directories.output=${outDir}`];
    const [cmd, cmdArgs] = offline ? ['unshare', ['-rn', process.execPath, ...args]] : [process.execPath, args];
    const r = spawnSync(cmd, cmdArgs, { cwd: root, encoding: 'utf8', env: { ...process.env, CSC_IDENTITY_AUTO_DISCOVERY: 'false' } });
    if (r.status !== 0) throw new Error(`electron-builder failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
    return { appDir: join(outDir, 'linux-unpacked'), log: r.stdout + r.stderr };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = resolve(process.argv.find((a, i) => i > 1 && !a.startsWith('--')) ?? join(root, 'dist', 'package-check'));
  const started = Date.now();
  const { appDir } = checkPackage(out, { offline: process.argv.includes('--offline') });
  console.log(`packed in ${((Date.now() - started) / 1000).toFixed(1)} s → ${appDir}`);
}
