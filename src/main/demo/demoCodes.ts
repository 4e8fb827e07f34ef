import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { qrPng } from '../qr/qrWriter.js';
import type { AppContext } from '../services/AppContext.js';
import { generateDemoStudents } from '../../shared/demo/demoRoster.js';
import { DEMO_TASK_CODE } from './seedDemo.js';

interface Row {
  token: string;
  name: string;
}

/** The token with its signature's first character changed: well-formed, and refused as forged. */
function forged(token: string): string {
  const [head, body, sig] = token.split('.') as [string, string, string];
  return `${head}.${body}.${sig.startsWith('A') ? 'B' : 'A'}${sig.slice(1)}`;
}

/**
 * QR images to try the demo with: show one on a phone to the camera, open one as a file, or print
 * them. One of each way a code can go right or wrong. Written once per data folder.
 */
export async function writeDemoCodes(ctx: AppContext): Promise<string | null> {
  const dir = join(ctx.dataDir, 'demo-codes');
  if (existsSync(dir)) return dir;
  const pick = (state: string, n: number) =>
    ctx.db
      .prepare(`SELECT r.token, s.name FROM reservations r JOIN students s ON s.id = r.student_id WHERE r.task_code = ? AND r.state = ? AND r.token IS NOT NULL ORDER BY s.student_no LIMIT ?`)
      .all(DEMO_TASK_CODE, state, n) as Row[];
  const active = pick('active', 2);
  const cancelled = pick('cancelled', 1);
  if (active.length === 0) return null;
  const roster = generateDemoStudents(300);
  const codes: Array<[string, string]> = [
    ...active.map((r, i): [string, string] => [`${i + 1}-预约码-${r.name}.png`, r.token]),
    ...cancelled.map((r): [string, string] => [`3-预约码-已取消-${r.name}.png`, r.token]),
    ...roster.slice(0, 2).map((s, i): [string, string] => [`${4 + i}-学信网采集码-${s.name}.png`, s.xuexinCode]),
    ['6-学信网采集码-名单外.png', 'X'.repeat(24) + roster[0]!.xuexinCode.slice(24)],
    ['7-伪造的预约码.png', forged(active[0]!.token)],
  ];
  // Written into a temporary folder and renamed, so a crash never leaves half a set that "exists".
  const tmp = `${dir}.tmp-${process.pid}`;
  await mkdir(tmp, { recursive: true, mode: 0o700 });
  for (const [file, text] of codes) await writeFile(join(tmp, file), await qrPng(text));
  await rename(tmp, dir);
  return dir;
}
