// A whole station in its own process, for tests that kill it with SIGKILL at random points:
// it enrols (once), then photographs the students of a fixed plan one after another through the real
// services while its sync engine uploads, and prints one line per event on stdout:
//   ready                         the station is open (sync running)
//   accepted <orderId> <studentId> <revision>   committed: the order and its jobs are in the store
//   drained                       every job is done (only with --until-drained)
// Usage: node --import tsx tests/helpers/stationWorker.ts --data DIR --server URL --code CODE --students N [--until-drained]
import { parseArgs } from 'node:util';
import { DEMO_TASK_CODE } from '../../src/shared/demo/demoTask.js';
import { isCaptured, type OrderStatus } from '../../src/shared/domain/status.js';
import { capturableDemoStudents, captureAndAccept } from './stationCapture.js';
import { tempApp } from './tempApp.js';

const { values } = parseArgs({
  options: {
    data: { type: 'string' },
    server: { type: 'string' },
    code: { type: 'string' },
    students: { type: 'string', default: '10' },
    'until-drained': { type: 'boolean', default: false },
  },
});
const count = Number(values.students);
const say = (line: string) => process.stdout.write(line + '\n');

const app = await tempApp({
  demo: true,
  dataDir: values.data!,
  // Short waits so a test converges in seconds; the logic is the production one.
  syncTuning: { backoff: { baseMs: 50, capMs: 1000 }, pullIntervalMs: 500, requestTimeoutMs: 5000, uploadIdleTimeoutMs: 3000 },
});
if (!app.ctx.sync.isEnrolled()) await app.ctx.sync.enrol(values.server!, values.code!, null);
say('ready');

const s = await app.loggedIn();
// The plan's students in a fixed order; the ones already photographed (before a kill) are skipped.
const plan = capturableDemoStudents().slice(0, count);
for (const [i, student] of plan.entries()) {
  const status = app.ctx.db.prepare('SELECT status FROM orders WHERE task_code = ? AND student_id = ?').pluck().get(DEMO_TASK_CODE, student.id) as OrderStatus | undefined;
  if (status && isCaptured(status)) continue;
  const r = await captureAndAccept(app, s, DEMO_TASK_CODE, student.id, (['a', 'b', 'c'] as const)[i % 3], i + 1);
  say(`accepted ${r.orderId} ${student.id} ${r.revision}`);
}

if (values['until-drained']) {
  for (;;) {
    const st = app.ctx.sync.status();
    if (st.backlog.jobs === 0 && st.parked.length === 0) break;
    if (st.parked.length) {
      say(`parked ${JSON.stringify(st.parked)}`);
      process.exit(3);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  say('drained');
}
await app.ctx.close();
process.exit(0);
