// bench/feeds: many stations' first pull. The server holds several tasks' rosters (with ID numbers,
// sealed); each station is enrolled for one task and pulls every feed from cursor 0, all at once.
// Prints, per scope: stations, the seconds until the last station has everything, the bytes one
// station downloads, and rows per station — once with each station scoped to its own task (what
// the server does now, issue 19) and once enrolled for every task (what every station got before).
//
//   node --import tsx bench/feeds/run.ts [--stations 200] [--tasks 10] [--students 2000]
import { parseArgs } from 'node:util';
import { FEEDS, PATHS, type EnrolResponse } from '../../src/shared/sync/protocol.js';
import { startServer } from '../../server/startServer.js';
import { tempDir } from '../../tests/helpers/tempApp.js';

const { values } = parseArgs({ options: { stations: { type: 'string', default: '200' }, tasks: { type: 'string', default: '10' }, students: { type: 'string', default: '2000' } } });
const STATIONS = Number(values.stations);
const TASKS = Number(values.tasks);
const STUDENTS = Number(values.students);

function idNumber(n: number): string {
  // A valid GB 11643 number: region 110108, a birth date a day apart per thousand, sequence, checksum.
  const birth = new Date(Date.UTC(1990, 0, 1) + Math.floor(n / 1000) * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '');
  const body = `110108${birth}${String(n % 1000).padStart(3, '0')}`;
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((acc, d, i) => acc + Number(d) * w[i]!, 0);
  return body + '10X98765432'[sum % 11]!;
}

async function run(scoped: boolean): Promise<void> {
  const dir = tempDir('cc-bench-feeds-');
  const server = await startServer({ dataDir: dir.dir, port: 0, store: 'sqlite', log: () => undefined });
  const admin = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(server.url + path, { method, headers: { Authorization: `Bearer ${server.adminToken}`, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
    return r.json() as Promise<unknown>;
  };
  try {
    const codes = Array.from({ length: TASKS }, (_, t) => `BENCH${t}`);
    for (const [t, code] of codes.entries()) {
      await admin('PUT', `/v1/admin/tasks/${code}`, { name: `任务 ${t}`, schoolName: '测试大学', sessionDates: ['2026-06-01'] });
      const rows = Array.from({ length: STUDENTS }, (_, i) => ({ name: `学生${t}-${i}`, idNumber: idNumber(t * STUDENTS + i), studentNo: `${t}${String(i).padStart(6, '0')}`, department: '计算机学院' }));
      await admin('POST', `/v1/admin/tasks/${code}/students`, rows);
    }
    const clients: string[] = [];
    for (let i = 0; i < STATIONS; i++) {
      const { code } = (await admin('POST', '/v1/admin/enrol-codes', { tasks: scoped ? [codes[i % TASKS]!] : codes })) as { code: string };
      const r = await fetch(server.url + PATHS.enrol, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ code, stationId: `bench-${i}`, stationName: `站 ${i}` }) });
      const e = (await r.json()) as EnrolResponse;
      clients.push(`Bearer ${e.deviceId}.${e.credential}`);
    }
    const started = performance.now();
    const perStation = await Promise.all(
      clients.map(async (auth) => {
        let bytes = 0;
        let rows = 0;
        for (const feed of FEEDS) {
          let cursor = '0';
          for (;;) {
            const r = await fetch(`${server.url}${PATHS.feed(feed)}?cursor=${cursor}&limit=1000`, { headers: { Authorization: auth } });
            const text = await r.text();
            bytes += Buffer.byteLength(text);
            const page = JSON.parse(text) as { items: unknown[]; cursor: string; more: boolean };
            rows += page.items.length;
            cursor = page.cursor;
            if (!page.more) break;
          }
        }
        return { bytes, rows };
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const mb = perStation.reduce((a, s) => a + s.bytes, 0) / perStation.length / 1e6;
    const rows = perStation.reduce((a, s) => a + s.rows, 0) / perStation.length;
    console.log(`${scoped ? 'scoped to its task ' : 'every task (before)'} | ${STATIONS} stations | first pull done in ${seconds.toFixed(1)} s | ${mb.toFixed(2)} MB and ${Math.round(rows)} rows per station`);
  } finally {
    await server.close();
    dir.cleanup();
  }
}

console.log(`${TASKS} tasks × ${STUDENTS} students (ID numbers sealed on the server), ${STATIONS} stations pulling from cursor 0 at once`);
await run(true);
await run(false);
