// What the set-up scripts (PostgreSQL, CUPS, the virtual camera) share: running a command without
// throwing, finding a tool, and installing Debian packages as root (install first; on failure update
// the package lists once and try again, which is what a fresh container needs).
import { spawnSync } from 'node:child_process';

export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 600_000, ...opts });
  return { ok: r.status === 0, status: r.status, stdout: r.stdout ?? '', stderr: (r.stderr ?? '') + (r.error ? String(r.error) : '') };
}

export function has(cmd) {
  return run('sh', ['-c', `command -v ${cmd}`]).ok;
}

export const isRoot = () => process.getuid?.() === 0;

export const aptEnv = () => ({ ...process.env, DEBIAN_FRONTEND: 'noninteractive' });

/** An Error with a machine-readable code and both languages, the way every script reports. */
export function failure(code, zh, en, detail = '') {
  const err = new Error(`${zh} / ${en}${detail ? `\n${detail.trim().slice(-2000)}` : ''}`);
  err.code = code;
  return err;
}

/** Installs Debian packages; returns the failed result, or null on success. Needs root and apt. */
export function aptInstall(packages) {
  const args = ['install', '-y', '-qq', '--no-install-recommends', ...packages];
  let r = run('apt-get', args, { env: aptEnv() });
  if (!r.ok) {
    run('apt-get', ['update', '-qq'], { env: aptEnv() });
    r = run('apt-get', args, { env: aptEnv() });
  }
  return r.ok ? null : r;
}
