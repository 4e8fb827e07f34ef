#!/usr/bin/env node
// The DSLR tests' camera: libgphoto2's own virtual camera (libgphoto2_port/vusb: vusb.c + vcamera.c
// from Debian's libgphoto2 source package), patched with liveview.patch beside this file (Nikon
// live view, a card that lasts across processes, the body's button, and the faults photographers
// meet: see the comment at the top of the patch's vcamera.c part), built as a port library. With
// IOLIBS pointing at the folder holding it, Debian's real `gphoto2` command sees a Nikon D750 on
// usb:001,001 and nothing else (no real USB port library is loaded).
//
// Idempotent and cached: on Debian as root it installs gphoto2, libgphoto2-dev, libexif-dev,
// build-essential and dpkg-dev when missing, adds a deb-src entry only when `apt-cache showsrc
// libgphoto2` finds nothing, fetches the source once, and compiles vusb.so once per (patch,
// libgphoto2 version). A re-run with everything in place only checks and returns (~0.1 s).
//
//   import { ensureVirtualCamera } from './scripts/vcamera/build.mjs';
//   const { env } = await ensureVirtualCamera();   // { IOLIBS, CAMLIBS }: add to the gphoto2 child's env
//   node scripts/vcamera/build.mjs            # builds if needed, prints the env as JSON
//   eval "$(node scripts/vcamera/build.mjs --export)"   # sets IOLIBS and CAMLIBS in a shell
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { aptEnv, aptInstall, failure, has, isRoot, run } from '../lib/system.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const PATCH = join(HERE, 'liveview.patch');
/** Bump when the compile step changes (flags, file list): the cache key includes it. */
const BUILD_VERSION = '1';
const PACKAGES = ['gphoto2', 'libgphoto2-dev', 'libexif-dev', 'build-essential', 'dpkg-dev', 'pkg-config'];
const VUSB_FILES = ['vusb.c', 'vcamera.c', 'vcamera.h'];



function fail(zh, en, detail = '') {
  throw failure('VCAMERA_UNAVAILABLE', zh, en, detail);
}


function log(quiet, msg) {
  if (!quiet) process.stderr.write(`${msg}\n`);
}

function toolsPresent() {
  return has('gphoto2') && has('gcc') && has('patch') && has('pkg-config') && existsSync('/usr/include/gphoto2/gphoto2-port.h') && existsSync('/usr/include/libexif/exif-data.h');
}

function installTools(quiet) {
  if (toolsPresent()) return;
  if (!isRoot() || !has('apt-get')) {
    fail('缺少 gphoto2 或编译工具，且无法自动安装', `gphoto2 or the build tools are missing and cannot be installed here: install Debian's ${PACKAGES.join(' ')}`);
  }
  log(quiet, '正在安装 gphoto2 与编译工具 / installing gphoto2 and the build tools…');
  const failed = aptInstall(PACKAGES);
  if (failed || !toolsPresent()) fail('安装 gphoto2 失败', 'installing gphoto2 and the build tools failed', failed?.stderr ?? '');
}

/** The installed libgphoto2's Debian version (2.5.30-1) and upstream version (2.5.30). */
function libVersion() {
  const r = run('dpkg-query', ['-W', '-f=${Version}', 'libgphoto2-dev']);
  const debian = r.ok ? r.stdout.trim() : '';
  const upstream = run('pkg-config', ['--modversion', 'libgphoto2']).stdout.trim();
  if (!upstream) fail('找不到 libgphoto2 的版本', 'cannot tell the libgphoto2 version (pkg-config libgphoto2)');
  return { debian, upstream };
}

function cacheRoot() {
  if (process.env.CC_VCAMERA_CACHE) return process.env.CC_VCAMERA_CACHE;
  return isRoot() ? '/var/cache/campus-capture/vcamera' : join(homedir(), '.cache', 'campus-capture', 'vcamera');
}

/** Adds a deb-src entry mirroring the deb entries' suites, only when apt knows no source for libgphoto2. */
function ensureDebSrc(quiet) {
  if (run('apt-cache', ['showsrc', 'libgphoto2']).stdout.includes('Package: libgphoto2')) return;
  if (!isRoot()) fail('apt 没有 libgphoto2 的源码条目', 'apt has no source entry for libgphoto2: add a deb-src line for your Debian release');
  const sources = '/etc/apt/sources.list.d/debian.sources';
  let entry;
  if (existsSync(sources)) {
    // deb822: copy each "Types: deb" stanza as "Types: deb-src".
    entry = readFileSync(sources, 'utf8')
      .split(/\n\s*\n/)
      .filter((s) => /^Types:\s*deb\s*$/m.test(s))
      .map((s) => s.replace(/^Types:\s*deb\s*$/m, 'Types: deb-src'))
      .join('\n\n');
  }
  if (!entry) {
    const codename = run('sh', ['-c', '. /etc/os-release && echo $VERSION_CODENAME']).stdout.trim() || 'bookworm';
    entry = `Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: ${codename} ${codename}-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n`;
  }
  log(quiet, '添加 deb-src 源 / adding a deb-src entry for the libgphoto2 source…');
  writeFileSync('/etc/apt/sources.list.d/campus-capture-src.sources', `# Added by campus-capture scripts/vcamera/build.mjs: the virtual camera is built from libgphoto2's source.\n${entry.trim()}\n`);
  const r = run('apt-get', ['update', '-qq'], { env: aptEnv() });
  if (!r.ok) fail('apt-get update 失败', 'apt-get update failed', r.stderr);
}

/** libgphoto2_port/vusb from the Debian source package, fetched once into the cache. */
function ensureSource(root, version, quiet) {
  const dir = join(root, 'src', version.upstream);
  const vusb = join(dir, 'vusb');
  const headers = join(dir, 'include');
  if (VUSB_FILES.every((f) => existsSync(join(vusb, f))) && existsSync(join(headers, 'gphoto2', 'gphoto2-port-library.h'))) return dir;
  ensureDebSrc(quiet);
  const work = join(root, 'src', `fetch-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  log(quiet, `下载 libgphoto2 源码 / fetching the libgphoto2 ${version.debian || version.upstream} source…`);
  const spec = version.debian ? `libgphoto2=${version.debian}` : 'libgphoto2';
  const r = run('apt-get', ['source', '-qq', spec], { cwd: work, env: aptEnv() });
  const tree = readdirSync(work).find((n) => n.startsWith('libgphoto2-') && existsSync(join(work, n, 'libgphoto2_port', 'vusb')));
  if (!tree) fail('获取 libgphoto2 源码失败', 'apt-get source libgphoto2 failed', r.stderr);
  const port = join(work, tree, 'libgphoto2_port');
  mkdirSync(vusb, { recursive: true });
  mkdirSync(join(headers, 'gphoto2'), { recursive: true });
  mkdirSync(join(headers, 'libgphoto2_port'), { recursive: true });
  for (const f of VUSB_FILES) copyFileSync(join(port, 'vusb', f), join(vusb, f));
  // Internal headers the port libraries build against (not shipped in libgphoto2-dev).
  for (const f of readdirSync(join(port, 'gphoto2'))) if (f.endsWith('.h')) copyFileSync(join(port, 'gphoto2', f), join(headers, 'gphoto2', f));
  copyFileSync(join(port, 'libgphoto2_port', 'i18n.h'), join(headers, 'libgphoto2_port', 'i18n.h'));
  copyFileSync(join(port, 'COPYING.LIB'), join(dir, 'COPYING.LIB'));
  rmSync(work, { recursive: true, force: true });
  return dir;
}

function compile(srcDir, outDir, quiet) {
  const build = `${outDir}.build-${process.pid}`;
  rmSync(build, { recursive: true, force: true });
  mkdirSync(join(build, 'libgphoto2_port', 'vusb'), { recursive: true });
  for (const f of VUSB_FILES) copyFileSync(join(srcDir, 'vusb', f), join(build, 'libgphoto2_port', 'vusb', f));
  const patched = run('patch', ['-p1', '--batch', '--forward', '-i', PATCH], { cwd: build });
  if (!patched.ok) fail('虚拟相机补丁无法应用', 'liveview.patch does not apply to this libgphoto2 source', patched.stdout + patched.stderr);
  // A minimal config.h: what vusb needs from the package's configure.
  writeFileSync(join(build, 'config.h'), '#define HAVE_LIBEXIF 1\n#define HAVE_SYS_PARAM_H 1\n#define _GPHOTO2_INTERNAL_CODE 1\n#define _DEFAULT_SOURCE 1\n#define _GNU_SOURCE 1\n');
  log(quiet, '编译虚拟相机 / compiling the virtual camera (vusb.so)…');
  const vusbDir = join(build, 'libgphoto2_port', 'vusb');
  const cc = run('gcc', [
    '-shared', '-fPIC', '-O2', '-w',
    `-I${build}`, `-I${join(srcDir, 'include')}`,
    '-DVCAMERADIR="/usr/share/libgphoto2_port/vcamera"',
    join(vusbDir, 'vusb.c'), join(vusbDir, 'vcamera.c'),
    '-o', join(build, 'vusb.so'),
    '-lgphoto2_port', '-lexif',
  ]);
  if (!cc.ok) fail('编译虚拟相机失败', 'compiling vusb.so failed', cc.stderr);
  mkdirSync(join(outDir, 'iolibs'), { recursive: true });
  copyFileSync(join(build, 'vusb.so'), join(outDir, 'iolibs', 'vusb.so.tmp'));
  renameSync(join(outDir, 'iolibs', 'vusb.so.tmp'), join(outDir, 'iolibs', 'vusb.so'));
  rmSync(build, { recursive: true, force: true });
}

/**
 * Builds (once) and returns the environment under which the real `gphoto2` sees the virtual camera.
 * `env` holds IOLIBS (only the virtual port library) and CAMLIBS (Debian's camera drivers); the
 * camera itself is configured per test with VCAMERADIR, VCAMERA_STATE, … (see liveview.patch).
 */
export async function ensureVirtualCamera({ quiet = false } = {}) {
  installTools(quiet);
  const version = libVersion();
  const root = cacheRoot();
  const patch = readFileSync(PATCH);
  const key = createHash('sha256').update(patch).update(BUILD_VERSION).update(version.upstream).digest('hex').slice(0, 12);
  const outDir = join(root, `vusb-${version.upstream}-${key}`);
  const so = join(outDir, 'iolibs', 'vusb.so');
  let built = false;
  if (!existsSync(so)) {
    mkdirSync(root, { recursive: true });
    const src = ensureSource(root, version, quiet);
    compile(src, outDir, quiet);
    built = true;
    // Builds for an older patch or libgphoto2 are of no use now.
    for (const name of readdirSync(root)) if (name.startsWith('vusb-') && join(root, name) !== outDir) rmSync(join(root, name), { recursive: true, force: true });
  }
  const camlibs = run('pkg-config', ['--variable=driverdir', 'libgphoto2']).stdout.trim();
  if (!camlibs || !existsSync(camlibs)) fail('找不到 libgphoto2 相机驱动目录', 'cannot find the libgphoto2 camera drivers (pkg-config --variable=driverdir libgphoto2)');
  const gphoto2 = run('sh', ['-c', 'command -v gphoto2']).stdout.trim();
  return {
    env: { IOLIBS: join(outDir, 'iolibs'), CAMLIBS: camlibs },
    gphoto2,
    libgphoto2: version.upstream,
    port: 'usb:001,001',
    model: 'Nikon DSC D750',
    built,
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const vc = await ensureVirtualCamera();
    if (process.argv.includes('--export')) {
      for (const [k, v] of Object.entries(vc.env)) console.log(`export ${k}='${v}'`);
    } else {
      console.log(JSON.stringify(vc, null, 2));
    }
  } catch (err) {
    console.error(err.message);
    process.exit(1);
  }
}
