#!/usr/bin/env node
// A folder laid out like an unpacked Electron distribution for Linux x64, for checking the
// packaging where Electron's binary cannot be downloaded (CI, this machine). electron-builder
// copies it as the app's skeleton (electronDist) and adds resources/app.asar; what it copies is
// never run. Every file says it is a stand-in, so nothing built from it can pass for a real app.
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function makeStandInElectronDist(dir) {
  const version = createRequire(join(root, 'package.json'))('electron/package.json').version;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'locales'), { recursive: true });
  mkdirSync(join(dir, 'resources'), { recursive: true });
  const note = `stand-in for Electron ${version}: not an Electron build (scripts/packaging/standInElectronDist.mjs)\n`;
  writeFileSync(join(dir, 'electron'), `#!/bin/sh\necho "${note.trim()}" >&2\nexit 1\n`);
  chmodSync(join(dir, 'electron'), 0o755);
  for (const f of ['chrome-sandbox', 'chrome_crashpad_handler', 'libffmpeg.so', 'libEGL.so', 'libGLESv2.so', 'libvk_swiftshader.so', 'icudtl.dat', 'resources.pak', 'chrome_100_percent.pak', 'chrome_200_percent.pak', 'snapshot_blob.bin', 'v8_context_snapshot.bin', 'vk_swiftshader_icd.json', 'LICENSES.chromium.html', 'locales/en-US.pak', 'locales/zh-CN.pak', 'locales/de.pak']) {
    writeFileSync(join(dir, f), note);
  }
  writeFileSync(join(dir, 'LICENSE'), note);
  writeFileSync(join(dir, 'version'), version);
  return { dir, version };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { dir, version } = makeStandInElectronDist(resolve(process.argv[2] ?? join(root, 'dist', 'electron-dist-stand-in')));
  console.log(`stand-in Electron ${version} distribution → ${dir}`);
}
