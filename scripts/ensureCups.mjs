#!/usr/bin/env node
// Makes a real CUPS with a PDF printer available for the printing tests (issue 9). On Debian as
// root it installs `cups`, `printer-driver-cups-pdf` and `poppler-utils` when missing, starts
// cupsd when it is not running (no systemd here: cupsd is run directly and daemonises itself), and
// adds a cups-pdf queue (CC_PDF) whose files land in a known folder, named with the CUPS job id.
// Idempotent: running it again changes nothing when everything is in place, and re-enables the
// queue when a test left it disabled or rejecting.
//
//   import { ensureCups } from './scripts/ensureCups.mjs'; const { queue, outputDir } = await ensureCups();
//   node scripts/ensureCups.mjs          # prints {"queue":"CC_PDF","outputDir":"/var/spool/cups-pdf/CC_PDF"}
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { aptInstall, failure, has, isRoot, run } from './lib/system.mjs';

export const QUEUE = 'CC_PDF';
export const OUTPUT_DIR = `/var/spool/cups-pdf/${QUEUE}`;
const PACKAGES = ['cups', 'printer-driver-cups-pdf', 'poppler-utils'];
const PPD_CANDIDATES = ['/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd', '/usr/share/ppd/cups-pdf/CUPS-PDF_noopt.ppd'];
const BACKEND = '/usr/lib/cups/backend/cups-pdf';



function fail(zh, en, detail = '') {
  throw failure('CUPS_UNAVAILABLE', zh, en, detail);
}


function installed() {
  return has('cupsd') && has('lp') && has('lpstat') && has('lpadmin') && has('pdftoppm') && existsSync(BACKEND);
}

function installPackages() {
  if (installed()) return;
  if (!isRoot() || !has('apt-get')) {
    fail('未找到 CUPS 或 PDF 打印机驱动，且无法自动安装', `CUPS is incomplete and cannot be installed here: install Debian's ${PACKAGES.join(', ')}`);
  }
  process.stderr.write(`正在安装 / installing ${PACKAGES.join(' ')}…\n`);
  const failed = aptInstall(PACKAGES);
  if (failed || !installed()) fail('安装 CUPS 失败', 'installing CUPS failed', failed?.stderr ?? '');
}

const schedulerRunning = () => run('lpstat', ['-r']).stdout.includes('is running') && !run('lpstat', ['-r']).stdout.includes('not running');

async function startScheduler() {
  if (schedulerRunning()) return;
  if (!isRoot()) fail('CUPS 调度程序未运行，且非 root 用户无法启动它', 'the CUPS scheduler is not running and only root can start it here');
  mkdirSync('/run/cups', { recursive: true });
  // cupsd forks into the background by itself (without -f) and the parent exits at once.
  const child = spawn('cupsd', [], { stdio: 'ignore', detached: true });
  child.unref();
  for (let i = 0; i < 100; i++) {
    if (schedulerRunning()) return;
    await new Promise((res) => setTimeout(res, 100));
  }
  fail('CUPS 调度程序未能启动', 'cupsd did not start (see /var/log/cups/error_log)');
}

/**
 * cups-pdf reads /etc/cups/cups-pdf-<instance>.conf for a queue whose URI is cups-pdf:/<instance>:
 * our queue writes into its own folder, names each file with the CUPS job id ("-job_N"), and makes
 * the files readable so a test (or the photographer) can open them.
 */
function writeInstanceConfig() {
  const path = `/etc/cups/cups-pdf-${QUEUE}.conf`;
  const want = [
    '# Written by campus-capture scripts/ensureCups.mjs',
    `Out ${OUTPUT_DIR}`,
    `AnonDirName ${OUTPUT_DIR}`,
    'Label 2',
    'UserUMask 0022',
    'AnonUMask 0022',
    'Grp lp',
    '',
  ].join('\n');
  const have = existsSync(path) ? readFileSync(path, 'utf8') : null;
  if (have !== want) {
    if (!isRoot()) fail('无法写入 cups-pdf 配置', `cannot write ${path} without root`);
    writeFileSync(path, want);
  }
  if (!existsSync(OUTPUT_DIR) && isRoot()) {
    mkdirSync(OUTPUT_DIR, { recursive: true });
    chmodSync(OUTPUT_DIR, 0o755);
  }
}

function ensureQueue() {
  const uri = `cups-pdf:/${QUEUE}`;
  const v = run('lpstat', ['-v', QUEUE]);
  if (!v.ok || !v.stdout.includes(uri)) {
    if (!isRoot()) fail(`缺少打印队列 ${QUEUE}，且非 root 用户无法添加`, `the ${QUEUE} queue is missing and only root can add it`);
    const ppd = PPD_CANDIDATES.find((p) => existsSync(p));
    if (!ppd) fail('找不到 cups-pdf 的 PPD 文件', 'no cups-pdf PPD found', PPD_CANDIDATES.join(', '));
    const r = run('lpadmin', ['-p', QUEUE, '-E', '-v', uri, '-P', ppd, '-D', 'Campus Capture PDF printer', '-L', 'cups-pdf']);
    if (!r.ok) fail(`添加打印队列 ${QUEUE} 失败`, `lpadmin -p ${QUEUE} failed`, r.stderr);
  }
  // A test may have stopped it or made it reject jobs: a fresh start always has it ready.
  const state = run('lpstat', ['-p', QUEUE]).stdout;
  if (/disabled/.test(state)) run('cupsenable', [QUEUE]);
  const accepting = run('lpstat', ['-a', QUEUE]).stdout;
  if (/not accepting/.test(accepting)) run('cupsaccept', [QUEUE]);
}

/** Returns the cups-pdf queue the tests print to and the folder its PDFs appear in. */
export async function ensureCups() {
  installPackages();
  await startScheduler();
  writeInstanceConfig();
  ensureQueue();
  return { queue: QUEUE, outputDir: OUTPUT_DIR };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  ensureCups().then(
    (r) => console.log(JSON.stringify(r)),
    (err) => {
      console.error(err.message);
      process.exit(1);
    },
  );
}
