#!/usr/bin/env node
// `npm test`: everything CI runs. Makes sure Debian's Chromium is there for the E2E tests
// (installing it when we are root with apt), builds, type-checks, checks import boundaries, then
// runs every test file with Node's test runner. Pass file paths to run only those tests.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensurePostgres } from './ensurePostgres.mjs';
import { ensureVirtualCamera } from './vcamera/build.mjs';
import { ensureAddon } from '../native/build.mjs';
import { aptInstall, has, isRoot } from './lib/system.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.status !== 0) {
    console.error(`\n✗ ${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status || 1);
  }
}

function ensureChromium() {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (existsSync(path)) return path;
  const isRoot = process.getuid?.() === 0;
  const hasApt = spawnSync('which', ['apt-get']).status === 0;
  if (!isRoot || !hasApt) {
    console.error(`E2E tests need Chromium at ${path}: install Debian's "chromium" package (sudo apt-get install -y chromium) or set CHROMIUM_PATH.`);
    process.exit(1);
  }
  console.log('Installing Debian chromium for the E2E tests…');
  const failed = aptInstall(['chromium', 'fonts-noto-cjk']);
  if (failed) {
    console.error(`installing chromium failed:\n${failed.stderr}`);
    process.exit(1);
  }
  if (!existsSync(path)) {
    console.error(`chromium installed but ${path} is missing; set CHROMIUM_PATH.`);
    process.exit(1);
  }
  return path;
}

/** Tools the tests read their results with: Info-ZIP checks the export zips, poppler the PDFs. A test
 * never skips for want of them; they are installed here, or their absence stops the run with a reason. */
function ensureTools() {
  const wanted = [['unzip', 'unzip'], ['pdfinfo', 'poppler-utils'], ['pdftoppm', 'poppler-utils']];
  const missing = [...new Set(wanted.filter(([cmd]) => !has(cmd)).map(([, pkg]) => pkg))];
  if (missing.length === 0) return;
  const failed = isRoot() && has('apt-get') ? aptInstall(missing) : { stderr: 'not root, or no apt-get' };
  if (failed) {
    console.error(`The tests need Debian's ${missing.join(', ')}: install them (sudo apt-get install -y ${missing.join(' ')}).\n${failed.stderr}`);
    process.exit(1);
  }
}

/** The shared test data (faces, QR images) lives next to the checkout in ../shared/testdata, or where
 * CC_TESTDATA says; without it the image tests cannot run, so say so at once rather than fail in 20 places. */
function ensureTestdata() {
  const dir = process.env.CC_TESTDATA ?? resolve(root, '..', 'shared', 'testdata');
  if (existsSync(join(dir, 'faces', 'portraits')) && existsSync(join(dir, 'qr'))) return;
  console.error(`Test data not found at ${dir}: check out the shared folder next to this one (../shared/testdata) or set CC_TESTDATA.`);
  process.exit(1);
}

function* testFiles(dir) {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* testFiles(p);
    else if (/\.test\.tsx?$/.test(name)) yield p;
  }
}

const only = process.argv.slice(2);
ensureTestdata();
process.env.CHROMIUM_PATH = ensureChromium();
ensureTools();
// The central server's suites run against SQLite and PostgreSQL alike (issue 6).
try {
  process.env.CC_PG_URL = await ensurePostgres();
  // The DSLR backend is tested against libgphoto2's own virtual camera, built (once, cached) here.
  await ensureVirtualCamera();
  // …and in-process through the libgphoto2 addon (native/): its tests fail, not skip, without it.
  const addon = ensureAddon();
  if (!addon.ok) console.error(`libgphoto2 addon not built: ${addon.reason}`);
} catch (err) {
  console.error(err.message);
  process.exit(1);
}
run('npm', ['run', '--silent', 'build']);
run('npx', ['tsc', '-p', 'tsconfig.renderer.json', '--noEmit']);
run('npx', ['tsc', '-p', 'tsconfig.tests.json']);
run('node', ['scripts/check-boundaries.mjs']);

const files = only.length ? only : [...testFiles(join(root, 'tests'))].map((f) => relative(root, f));
if (files.length === 0) {
  console.error('No test files found under tests/.');
  process.exit(1);
}
run(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=2', ...files], {
  env: { ...process.env, NODE_ENV: 'test' },
});
