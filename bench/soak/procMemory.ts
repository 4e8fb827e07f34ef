import { readFileSync, readdirSync } from 'node:fs';

/** What both soak runs (playwright's and the bare DevTools one) read of processes from /proc. */

export function readProc(pid: number, file: string): string | null {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return null;
  }
}

export function kb(text: string | null, field: string): number {
  const m = text ? new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text) : null;
  return m ? Number(m[1]) * 1024 : 0;
}

/** Every descendant of `root` (the Chromium browser process and its children). */
export function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const stat = readProc(Number(d), 'stat');
    if (!stat) continue;
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(d)]);
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(root);
  return out;
}

/** PSS per Chromium process type (the browser itself under 'browser'). */
export function chromiumMemory(browserPid: number): Record<string, number> {
  const byType: Record<string, number> = {};
  for (const pid of [browserPid, ...descendants(browserPid)]) {
    // Zygote-forked children rewrite their command line as one space-separated string.
    const cmd = readProc(pid, 'cmdline')?.split(/[\0 ]/) ?? [];
    if (!cmd[0]?.includes('chrom')) continue;
    const type = pid === browserPid ? 'browser' : (cmd.find((a) => a.startsWith('--type='))?.slice(7) ?? 'other');
    const kind = type === 'utility' ? `utility:${(cmd.find((a) => a.startsWith('--utility-sub-type='))?.split('.').pop() ?? '?').slice(0, 20)}` : type;
    byType[kind] = (byType[kind] ?? 0) + kb(readProc(pid, 'smaps_rollup'), 'Pss');
  }
  return byType;
}

/** Least-squares slope of y over x (per unit x). */
export function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  if (n < 2) return NaN;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return num / den;
}
