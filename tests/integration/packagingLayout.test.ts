import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, posix, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, test } from 'node:test';
import { qrPng } from '../../src/main/qr/qrWriter.js';

/**
 * The installer's contents, checked without Electron's binary: electron-builder packs the Linux
 * `dir` target from electron-builder.yml over a stand-in Electron folder (scripts/packaging/checkPackage.mjs,
 * in a network namespace of its own when the machine allows it, so nothing can be downloaded), and
 * this reads the result's app.asar with @electron/asar. A path the code loads at run time that the
 * config leaves out, a model that differs from MODELS.json, a dependency missing from the notices,
 * or a dev dependency that slipped in, fails here.
 */
const root = resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);
const asar = require('@electron/asar') as {
  listPackage(archive: string, opts?: { isPack: boolean }): string[];
  extractFile(archive: string, filename: string): Buffer;
  extractAll(archive: string, dest: string): void;
  statFile(archive: string, filename: string, followLinks?: boolean): { size?: number; unpacked?: boolean; files?: unknown; link?: string };
};

interface ScriptModules {
  checkPackage(outDir: string, opts: { offline: boolean }): { appDir: string; log: string };
  canIsolateNetwork(): boolean;
}
interface NoticeModules {
  productionPackages(): { name: string; version: string; dir: string }[];
}

const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string; dependencies: Record<string, string>; devDependencies: Record<string, string> };

describe('packaging layout (electron-builder dir target, stand-in Electron)', () => {
  let out: string;
  let archive: string;
  let unpacked: string;
  let entries: Set<string>;
  let prodPackages: { name: string; version: string; dir: string }[];

  /** Entry path inside the archive, without the leading slash. */
  const has = (p: string) => entries.has(p);
  const isUnpackedFile = (p: string) => existsSync(join(unpacked, p)) && statSync(join(unpacked, p)).isFile() && asar.statFile(archive, p).unpacked === true;
  /** A file's bytes, checked against the sha256 electron-builder recorded in the archive header
   * (a mismatch means the archive is damaged, e.g. dist/ was rebuilt while it was being packed). */
  const read = (p: string) => {
    const st = asar.statFile(archive, p) as { unpacked?: boolean; integrity?: { hash: string } };
    const bytes = st.unpacked ? readFileSync(join(unpacked, p)) : asar.extractFile(archive, p);
    if (st.integrity) assert.equal(createHash('sha256').update(bytes).digest('hex'), st.integrity.hash, `${p} does not match its integrity hash in app.asar`);
    return bytes;
  };

  before(async () => {
    // Variable specifiers keep TypeScript from wanting declarations for the .mjs scripts.
    const scripts = (await import(resolve(root, 'scripts/packaging/checkPackage.mjs'))) as ScriptModules;
    const notices = (await import(resolve(root, 'scripts/packaging/thirdPartyNotices.mjs'))) as NoticeModules;
    prodPackages = notices.productionPackages();
    out = mkdtempSync(join(tmpdir(), 'cc-pack-'));
    const offline = scripts.canIsolateNetwork();
    const { appDir, log } = scripts.checkPackage(out, { offline });
    process.stderr.write(`# packed ${offline ? 'with no network (unshare -rn)' : 'with the network available (unshare not permitted here)'}\n`);
    assert.doesNotMatch(log, /downloading|download/i, 'electron-builder tried to download something');
    archive = join(appDir, 'resources', 'app.asar');
    unpacked = `${archive}.unpacked`;
    entries = new Set(asar.listPackage(archive, { isPack: false }).map((e) => e.replace(/\\/g, '/').replace(/^\//, '')));
  });
  after(() => {
    if (out) rmSync(out, { recursive: true, force: true });
  });

  test("package.json's main resolves, and every relative import of the Electron main process is in the package (workers started by URL included)", () => {
    const text = read('package.json').toString('utf8');
    const pkg = JSON.parse(text) as { name: string; main: string };
    assert.equal(pkg.name, 'campus-capture');
    assert.equal(pkg.main, rootPkg.main);
    assert.ok(has(pkg.main), `main ${pkg.main} is not in app.asar`);

    // Walk the module graph from main: relative imports must exist; bare ones must be packed deps.
    const seen = new Set<string>();
    const queue = [pkg.main];
    const missing: string[] = [];
    const bare = new Set<string>();
    const workersByUrl: string[] = [];
    while (queue.length) {
      const file = queue.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      const text = read(file).toString('utf8');
      // A worker is started from `new URL('./x.js', import.meta.url)`: tsc does not follow it from
      // main, so the file is only in the package if the build and the config put it there.
      for (const m of text.matchAll(/(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^import\s+['"]([^'"]+)['"]|new URL\(\s*['"](\.[^'"]+)['"]\s*,\s*import\.meta\.url\s*\)/gm)) {
        const spec = m[1] ?? m[2] ?? m[3] ?? m[4]!;
        // (A `.ts` worker is the branch taken only when the caller itself runs as .ts, under tsx.)
        if (m[4]?.endsWith('.ts')) continue;
        if (m[4]) workersByUrl.push(posix.normalize(posix.join(posix.dirname(file), spec)));
        if (spec.startsWith('.')) {
          const target = posix.normalize(posix.join(posix.dirname(file), spec));
          if (has(target)) queue.push(target);
          else missing.push(`${file} → ${spec}`);
        } else if (!spec.startsWith('node:')) {
          bare.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
        }
      }
    }
    assert.deepEqual(missing, []);
    assert.ok(seen.size > 50, `only ${seen.size} modules reached from main`);
    // The roster import's worker (src/main/roster/readRosterInWorker.ts) beside the Electron build's
    // own copy of its caller, not only in the CLI's dist/node: Electron starts it from app.asar.
    assert.ok(workersByUrl.includes('dist/electron/src/main/roster/rosterWorker.js'), `workers started by URL: ${workersByUrl.join(', ') || 'none'}`);
    assert.ok(seen.has('dist/electron/src/main/roster/rosterWorker.js'), 'the roster worker is in app.asar');
    bare.delete('electron'); // provided by Electron itself
    const absent = [...bare].filter((name) => !has(`node_modules/${name}/package.json`));
    assert.deepEqual(absent, [], 'bare imports of the main process missing from node_modules in app.asar');
  });

  test('every path the code loads at run time is in app.asar or app.asar.unpacked', () => {
    const required = [
      'dist/electron/preload.cjs', // BrowserWindow preload (src/main/app/electron/main.ts)
      'dist/renderer/index.html', // the kiosk page
      'dist/renderer/check.html', // the headless check page (campus-capture check)
      'bin/campus-capture.js', // the embedded central server runs this (src/main/app/embeddedServer.ts)
      'dist/node/server/cli.js',
      'dist/node/src/main/cli/main.js',
      'resources/models/MODELS.json',
      'resources/models/LICENSE',
      'resources/models/NOTICE',
      'resources/print-layouts/papers.json', // src/main/printing/printCatalog.ts
      'resources/print-layouts/photo-sizes.json',
    ];
    // Whole folders the code reads by listing them: the package must hold each file the repo has.
    for (const dir of ['resources/specs', 'resources/print-layouts/layouts', 'resources/demo-photos']) {
      for (const f of readdirSync(join(root, dir))) required.push(`${dir}/${f}`);
    }
    // The renderer build (the page, its workers, the MediaPipe runtime, its models) as a whole.
    const walk = (dir: string): string[] => readdirSync(join(root, dir), { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(`${dir}/${d.name}`) : [`${dir}/${d.name}`]));
    for (const f of walk('dist/renderer')) if (!/liveBench|shutterBench|\.map$/.test(f)) required.push(f);
    const missing = required.filter((p) => !has(p));
    assert.deepEqual(missing, []);
    // Development pages stay out.
    assert.equal(has('dist/renderer/liveBench.html'), false);
    assert.equal(has('dist/renderer/shutterBench.html'), false);
    assert.equal(walk('dist/renderer/assets').some((f) => /(live|shutter)Bench-/.test(f) && has(f)), false, 'no bench page script');
  });

  test('native parts, libvips, wasm and model files are real files in app.asar.unpacked', () => {
    const unpackedRequired = [
      'node_modules/better-sqlite3/build/Release/better_sqlite3.node',
      // zxing-wasm/reader/zxing_reader.wasm and …/writer/… through the package's exports map
      // (read by src/main/qr/zxingNode.ts and qrWriter.ts).
      `node_modules/zxing-wasm/${require.resolve('zxing-wasm/reader/zxing_reader.wasm').split('/node_modules/zxing-wasm/')[1]}`,
      `node_modules/zxing-wasm/${require.resolve('zxing-wasm/writer/zxing_writer.wasm').split('/node_modules/zxing-wasm/')[1]}`,
      'dist/renderer/mediapipe/vision_wasm_module_internal.wasm',
      // The DSLR addon, where this machine could build it (npm test builds it; the OS loads it, so it is a real file).
      ...(existsSync(join(root, 'native/build/Release/cc_gphoto2.node')) ? ['native/build/Release/cc_gphoto2.node'] : []),
    ];
    const sharpDirs = readdirSync(join(root, 'node_modules/@img')).filter((d) => d.startsWith('sharp-'));
    for (const d of sharpDirs) {
      for (const f of readdirSync(join(root, 'node_modules/@img', d, 'lib'), { withFileTypes: true })) if (f.isFile()) unpackedRequired.push(`node_modules/@img/${d}/lib/${f.name}`);
    }
    assert.ok(unpackedRequired.some((p) => /sharp-.*\.node$/.test(p)), 'sharp has no native module installed');
    assert.ok(unpackedRequired.some((p) => /libvips-cpp\.so/.test(p)), 'libvips is not installed beside sharp');
    const wasmInRenderer = [...entries].filter((e) => e.startsWith('dist/renderer/') && e.endsWith('.wasm'));
    assert.ok(wasmInRenderer.some((e) => /zxing_reader.*\.wasm$/.test(e)), 'the live QR worker wasm is not in the renderer build');
    unpackedRequired.push(...wasmInRenderer);
    const notUnpacked = unpackedRequired.filter((p) => !isUnpackedFile(p));
    assert.deepEqual(notUnpacked, []);
    // No .node file anywhere stays inside the archive, where the OS loader cannot reach it.
    const packedNative = [...entries].filter((e) => e.endsWith('.node') && asar.statFile(archive, e).unpacked !== true);
    assert.deepEqual(packedNative, []);
  });

  test('every model file is unpacked and matches its sha256 in MODELS.json (in resources and in the renderer build)', () => {
    const manifest = JSON.parse(read('resources/models/MODELS.json').toString('utf8')) as { models: { file: string; sha256: string; bytes: number }[] };
    assert.ok(manifest.models.length >= 4);
    const bad: string[] = [];
    for (const m of manifest.models) {
      const places = [`resources/models/${m.file}`, ...(m.file.includes('/') ? [] : [`dist/renderer/models/${m.file}`])];
      for (const p of places) {
        if (!isUnpackedFile(p)) {
          bad.push(`${p}: not an unpacked file`);
          continue;
        }
        const bytes = readFileSync(join(unpacked, p));
        const sha = createHash('sha256').update(bytes).digest('hex');
        if (sha !== m.sha256 || bytes.length !== m.bytes) bad.push(`${p}: sha256 ${sha} (${bytes.length} bytes), MODELS.json says ${m.sha256} (${m.bytes})`);
      }
    }
    assert.deepEqual(bad, []);
  });

  test('the notices file names every package in the installer, with its licence', () => {
    const notices = readFileSync(join(dirname(archive), 'THIRD_PARTY_NOTICES.txt'), 'utf8');
    const listed = new Map<string, string>();
    for (const m of notices.matchAll(/^={78}\n(\S+)\nLicense: (.+)$/gm)) listed.set(m[1]!, m[2]!);
    const packed = [...entries].filter((e) => /(^|\/)node_modules\/(@[^/]+\/)?[^/@]+\/package\.json$/.test(e));
    assert.ok(packed.length > 100, `only ${packed.length} packages in app.asar`);
    const unlisted: string[] = [];
    for (const p of packed) {
      const pkg = JSON.parse(read(p).toString('utf8')) as { name?: string; version?: string };
      // Some packages ship inner package.json files ({"type":"module"} markers) without a name.
      if (!pkg.name || !pkg.version) continue;
      if (!listed.has(`${pkg.name}@${pkg.version}`)) unlisted.push(`${pkg.name}@${pkg.version} (${p})`);
    }
    assert.deepEqual(unlisted, []);
    for (const dep of Object.keys(rootPkg.dependencies)) {
      assert.ok([...listed.keys()].some((k) => k.startsWith(`${dep}@`)), `${dep} missing from the notices`);
    }
  });

  test('nothing of tests/, bench/, scripts/, source or dev dependencies is inside', () => {
    // Of native/ only the built DSLR addon ships (and the folders that lead to it), never its sources.
    const addon = new Set(['native/build', 'native/build/Release', 'native/build/Release/cc_gphoto2.node']);
    const stray = [...entries].filter((e) => !addon.has(e) && (/^(tests|bench|scripts|src|server|native|build|\.ci)\//.test(e) || /^(tsconfig.*\.json|vite\.config\.ts|electron-builder\.yml)$/.test(e)));
    assert.deepEqual(stray, []);
    const prodNames = new Set(prodPackages.map((p) => p.name));
    const devOnly = Object.keys(rootPkg.devDependencies).filter((d) => !prodNames.has(d));
    assert.ok(devOnly.includes('electron-builder') && devOnly.includes('typescript'));
    const present = devOnly.filter((d) => has(`node_modules/${d}/package.json`));
    assert.deepEqual(present, []);
  });
  test('the packed code runs: from the extracted archive, Node decodes a QR with the packed zxing and starts the central server on the packed SQLite', async () => {
    // Plain Node cannot read an asar; extracted (with app.asar.unpacked merged back) it is exactly
    // the installed app's files, so a production dependency missing from the package fails here.
    // Natives are the ones built for Node (the check run does not rebuild them for Electron).
    const app = join(out, 'extracted');
    asar.extractAll(archive, app);
    const png = join(out, 'code.png');
    writeFileSync(png, await qrPng('CC-PACKAGING-CHECK'));
    const decoded = spawnSync(process.execPath, [join(app, 'bin/campus-capture.js'), 'decode', png, '--json'], { encoding: 'utf8', cwd: out });
    assert.equal(decoded.status, 0, decoded.stderr);
    const report = JSON.parse(decoded.stdout) as { results: { found: boolean; text: string | null }[] };
    assert.deepEqual(report.results.map((r) => [r.found, r.text]), [[true, 'CC-PACKAGING-CHECK']]);

    const server = spawn(process.execPath, [join(app, 'bin/campus-capture.js'), 'server', '--port', '0', '--data', join(out, 'server-data')], { cwd: out, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    server.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    try {
      const line = await new Promise<string>((resolveLine, reject) => {
        createInterface({ input: server.stdout! }).once('line', resolveLine);
        server.once('exit', (code) => reject(new Error(`the packed server exited (${code}):\n${stderr}`)));
      });
      const { url } = JSON.parse(line) as { url: string };
      const root = await fetch(url + '/');
      assert.equal(root.status, 200);
      assert.equal(((await root.json()) as { api: string }).api, 'v1');
      // The update routes are in the package too, and ask for a station credential.
      assert.equal((await fetch(url + '/v1/updates/stable/latest.yml')).status, 401);
    } finally {
      server.kill('SIGTERM');
    }
  });
});
