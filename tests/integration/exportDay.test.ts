import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { updateStudentColumns } from '../../src/main/db/queries/students.js';
import { DEMO_TASK_CODE } from '../../src/main/demo/seedDemo.js';
import { runExport } from '../../src/main/export/runExport.js';
import { readZipEntry } from '../../src/main/export/zipReader.js';
import { localDateTime } from '../../src/main/export/exportPlan.js';
import type { Db } from '../../src/main/db/openDatabase.js';
import type { ExportFinished, ExportProgress, ExportRequest } from '../../src/shared/export/exportTypes.js';
import { MANIFEST_COLUMNS } from '../../src/shared/export/manifestColumns.js';
import { DAY_TEXT, seedKnownDay, type SeededDay } from './reportFixtures.js';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const isRoot = process.getuid?.() === 0;
const hasUnzip = spawnSync('unzip', ['-v']).status === 0;

/** Every row of every table: "nothing in the store changed" is checked, not assumed. */
function storeSnapshot(db: Db): string {
  const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).pluck().all() as string[];
  return JSON.stringify(tables.map((t) => [t, db.prepare(`SELECT * FROM "${t}" ORDER BY rowid`).all()]));
}

function request(outDir: string, over: Partial<ExportRequest> = {}): ExportRequest {
  return { taskCode: DEMO_TASK_CODE, from: DAY_TEXT, to: DAY_TEXT, template: '{身份证号}', folders: 'none', originals: false, zip: true, outDir, ...over };
}

type Row = Record<string, string>;
function readCsv(bytes: Buffer): Row[] {
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM');
  const rows = parse(bytes.subarray(3).toString('utf8'), { columns: true }) as Row[];
  return rows;
}

let day: SeededDay;
before(async () => {
  day = await seedKnownDay();
});
after(() => day?.app.close());

describe('day batch export', () => {
  test('through the site manager procedures: progress events, a verified folder and zip, a manifest that matches the store', async () => {
    const { app } = day;
    const outDir = join(app.dir, 'usb');
    mkdirSync(outDir);
    const manager = await app.loggedIn('9999');
    const photographerTry = await app.raw('export.start', request(outDir), day.photographer);
    assert.ok(!photographerTry.ok && photographerTry.error.code === 'FORBIDDEN', 'site managers only');

    const progress: ExportProgress[] = [];
    const finished = new Promise<ExportFinished>((resolve) => {
      const off = app.ctx.subscribe((name, payload) => {
        if (name === 'export.progress') progress.push(payload as ExportProgress);
        if (name === 'export.finished') {
          off();
          resolve(payload as ExportFinished);
        }
      });
    });
    const plan = await app.call(manager, 'export.plan', request(outDir, { originals: true }));
    assert.equal(plan.photos, 4);
    assert.ok(plan.sampleNames.every((n) => /^(photos|originals)\/\d{4}\*{10}[\dX]{4}\.jpg$/.test(n)), `ID numbers masked on screen: ${plan.sampleNames.join(' ')}`);
    const { exportId } = await app.call(manager, 'export.start', request(outDir, { originals: true, reason: '交学校档案馆' }));
    const again = await app.raw('export.start', request(outDir), manager);
    assert.ok(!again.ok && again.error.code === 'CONFLICT', 'one export at a time');
    const end = await finished;
    assert.equal(end.exportId, exportId);
    assert.equal(end.error, null, JSON.stringify(end.error));
    const result = end.result!;
    assert.ok(progress.length >= 3);
    assert.ok(progress.every((p, i) => i === 0 || p.bytesDone >= progress[i - 1]!.bytesDone), 'progress only moves forward');
    assert.equal(progress.at(-1)!.phase, 'done');
    assert.equal(progress.at(-1)!.bytesDone, progress.at(-1)!.bytesTotal);
    const status = await app.call(manager, 'export.status', {});
    assert.equal(status.running, null);
    assert.equal(status.last?.exportId, exportId);

    // S1 S2 S3 S6 have photos from that day; S5 waits for a retake; S4 never got one; S7 is elsewhere.
    assert.equal(result.photos, 4);
    assert.equal(result.originals, 4);
    assert.equal(result.retakesPending, 1);
    assert.equal(result.notCaptured, 1);
    assert.equal(result.students, day.expectedIds.length + 1, 'everyone expected, and S3 who came without a reservation');
    assert.equal(result.noShows, day.expectedIds.length - 6);
    assert.deepEqual(result.problems, []);
    assert.ok(result.verified);
    assert.deepEqual(readdirSync(outDir).sort(), [result.folder.split('/').pop(), `${result.folder.split('/').pop()}.zip`, `${result.folder.split('/').pop()}.zip.sha256`].sort());

    // The manifest, row by row, against the store.
    const csv = readFileSync(join(result.folder, 'manifest.csv'));
    const rows = readCsv(csv);
    assert.deepEqual(Object.keys(rows[0]!), MANIFEST_COLUMNS.map((c) => c.zh));
    assert.equal(rows.length, result.students);
    const db = app.ctx.db;
    const byOrder = new Map(rows.filter((r) => r['订单号']).map((r) => [r['订单号']!, r]));
    const count = (cat: string) => rows.filter((r) => r['类别'] === cat).length;
    assert.deepEqual([count('已采集'), count('待重拍'), count('已签到未采集'), count('其他采集站'), count('未到')], [4, 1, 1, 1, day.expectedIds.length - 6]);
    for (const orderId of [day.orders.o1, day.orders.o2, day.orders.o3, day.orders.o6]) {
      const row = byOrder.get(orderId)!;
      const o = db
        .prepare(
          `SELECT o.status, o.sync_state, o.captured_at, o.checked_in_at, o.face_match_decision, o.face_match_score, o.face_match_override_reason,
             s.name, s.id_enc, s.student_no, s.exam_no, s.department, c.finished_sha256, c.sha256 AS original_sha256, c.finished_path
           FROM orders o JOIN students s ON s.id = o.student_id JOIN captures c ON c.id = o.chosen_capture_id WHERE o.id = ?`,
        )
        .get(orderId) as Record<string, string | number | null>;
      const idNumber = app.ctx.pii.decrypt(o['id_enc'] as string);
      assert.equal(row['类别'], '已采集');
      assert.equal(row['姓名'], o['name']);
      assert.equal(row['身份证号'], idNumber);
      assert.equal(row['学号'], o['student_no']);
      assert.equal(row['考生号'], o['exam_no']);
      assert.equal(row['院系'], o['department']);
      assert.equal(row['订单状态'], o['status']);
      assert.equal(row['同步状态'], { pending: '待同步', synced: '已同步', failed: '同步失败' }[o['sync_state'] as string]);
      assert.equal(row['人脸比对'], o['face_match_decision']);
      assert.equal(row['身份确认原因'], o['face_match_override_reason'] ?? '');
      assert.equal(row['采集时间'], localDateTime(o['captured_at'] as string));
      assert.equal(row['签到时间'], localDateTime(o['checked_in_at'] as string));
      assert.equal(row['采集站'], app.ctx.stationName);
      assert.equal(row['摄影师'], '摄影师 01');
      assert.equal(row['照片文件'], `photos/${idNumber}.jpg`);
      assert.equal(row['照片SHA-256'], o['finished_sha256']);
      const exported = readFileSync(join(result.folder, row['照片文件']!));
      assert.equal(sha(exported), o['finished_sha256']);
      assert.deepEqual(exported, readFileSync(o['finished_path'] as string));
      assert.equal(row['原片SHA-256'], o['original_sha256']);
      assert.equal(sha(readFileSync(join(result.folder, row['原片文件']!))), o['original_sha256']);
    }
    const s1 = byOrder.get(day.orders.o1)!;
    assert.equal(s1['检查结论'], '未通过');
    assert.equal(s1['未通过检查项'], '睁眼');
    assert.equal(s1['放行原因'], '睁眼：测试：学生眨眼，已复核');
    assert.equal(s1['比对分数'], '0.62');
    const s5 = byOrder.get(day.orders.o5)!;
    assert.deepEqual([s5['类别'], s5['照片文件'], s5['备注']], ['待重拍', '', '被驳回：背景不均匀']);
    const s4 = byOrder.get(day.orders.o4)!;
    assert.deepEqual([s4['类别'], s4['订单状态'], s4['照片文件']], ['已签到未采集', '已签到', '']);
    assert.equal(byOrder.get(day.orders.o7)!['类别'], '其他采集站');
    const noShow = rows.find((r) => r['类别'] === '未到')!;
    assert.ok(noShow['预约时段']!.startsWith(DAY_TEXT) && noShow['订单号'] === '');

    // Checksums: every file, and sha256sum agrees.
    const sums = readFileSync(join(result.folder, 'SHA256SUMS'), 'utf8').trim().split('\n');
    assert.equal(sums.length, result.files - 1);
    for (const line of sums) {
      const [hash, rel] = line.split('  ') as [string, string];
      assert.equal(sha(readFileSync(join(result.folder, rel))), hash, rel);
    }
    if (spawnSync('sha256sum', ['--version']).status === 0) execFileSync('sha256sum', ['--quiet', '-c', 'SHA256SUMS'], { cwd: result.folder });

    // The zip holds the same files under the export's folder name; its own checksum beside it.
    const top = result.folder.split('/').pop()!;
    assert.deepEqual(await readZipEntry(result.zip!, `${top}/manifest.csv`), csv);
    assert.equal(sha(readFileSync(result.zip!)), result.zipSha256);
    assert.equal(readFileSync(`${result.zip}.sha256`, 'utf8'), `${result.zipSha256}  ${top}.zip\n`);
    if (hasUnzip) {
      const t = spawnSync('unzip', ['-t', result.zip!], { encoding: 'utf8' });
      assert.equal(t.status, 0, t.stdout);
      assert.match(t.stdout, new RegExp(`${top}/photos/\\d{17}[\\dX]\\.jpg\\s+OK`));
    }

    // The workbook: the same rows, ID numbers as text; no-shows and retakes on their own sheets.
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync(join(result.folder, 'manifest.xlsx')) as unknown as ArrayBuffer);
    const list = wb.getWorksheet('名单')!;
    assert.equal(list.rowCount, rows.length + 1);
    const idCol = MANIFEST_COLUMNS.findIndex((c) => c.key === 'idNumber') + 1;
    const xlsxIds = new Set<string>();
    list.eachRow((r, i) => {
      if (i > 1 && r.getCell(idCol).value) {
        assert.equal(typeof r.getCell(idCol).value, 'string');
        xlsxIds.add(r.getCell(idCol).value as string);
      }
    });
    assert.deepEqual(xlsxIds, new Set(rows.map((r) => r['身份证号']).filter(Boolean)));
    assert.equal(wb.getWorksheet('未到')!.rowCount, day.expectedIds.length - 6 + 1);
    const retakes = wb.getWorksheet('待重拍')!;
    assert.equal(retakes.rowCount, 2);
    assert.equal(retakes.getRow(2).getCell(5).value, '背景不均匀');

    // Audited once, with who and why, and no ID number anywhere in the entry.
    const audit = db.prepare(`SELECT * FROM audit_log WHERE action = 'export.run'`).all() as { operator_id: string; detail: string; reason: string }[];
    assert.equal(audit.length, 1);
    assert.equal(audit[0]!.operator_id, 'op-manager-1');
    assert.equal(audit[0]!.reason, '交学校档案馆');
    assert.doesNotMatch(audit[0]!.detail, /\d{17}[\dXx]/);
    assert.equal(JSON.parse(audit[0]!.detail).photos, 4);
  });

  test('names from each template, collisions and characters Windows refuses, reported as problems', async () => {
    const { app } = day;
    const db = app.ctx.db;
    const now = new Date().toISOString();
    const get = (id: string) => db.prepare('SELECT student_no, exam_no, school_code FROM students WHERE id = ?').get(id) as { student_no: string; exam_no: string; school_code: string };
    const s1 = get(day.students.s1);
    updateStudentColumns(db, day.students.s1, { name: '欧阳/娜娜?' }, now);
    // S2 gets S1's name and 学号 (a roster mistake): the two files would meet.
    updateStudentColumns(db, day.students.s2, { name: '欧阳/娜娜?', student_no: s1.student_no }, now);
    updateStudentColumns(db, day.students.s3, { exam_no: null }, now);
    const expectNames = async (template: string, folders: ExportRequest['folders'] = 'none') => {
      const out = mkdtempSync(join(app.dir, 'names-'));
      const r = await runExport(app.ctx, request(out, { template, folders, zip: false }), { exportId: template, operatorId: null, via: 'cli' });
      const rows = readCsv(readFileSync(join(r.folder, 'manifest.csv')));
      const file = (orderId: string) => rows.find((x) => x['订单号'] === orderId)!['照片文件']!;
      for (const f of rows.map((x) => x['照片文件']).filter(Boolean)) readFileSync(join(r.folder, f!));
      return { r, file };
    };
    const byNo = await expectNames('{学号}');
    // Which of the two gets the suffix follows the manifest's order (院系, 班级, 学号, 姓名).
    assert.deepEqual([byNo.file(day.orders.o1), byNo.file(day.orders.o2)].sort(), [`photos/${s1.student_no}.jpg`, `photos/${s1.student_no}_2.jpg`]);
    assert.deepEqual(byNo.r.problems.map((p) => p.kind), ['name_collision']);
    const byExam = await expectNames('{考生号}');
    assert.equal(byExam.file(day.orders.o1), `photos/${s1.exam_no}.jpg`);
    assert.equal(byExam.file(day.orders.o3), `photos/缺考生号_${day.orders.o3.slice(0, 8)}.jpg`);
    assert.deepEqual(byExam.r.problems.map((p) => p.kind), ['missing_field']);
    const bySchool = await expectNames('{学校编码}_{学号}');
    assert.deepEqual(
      [bySchool.file(day.orders.o1), bySchool.file(day.orders.o2)].sort(),
      [`photos/${s1.school_code}_${s1.student_no}.jpg`, `photos/${s1.school_code}_${s1.student_no}_2.jpg`],
    );
    const byName = await expectNames('{姓名}_{学号}', 'department');
    assert.match(byName.file(day.orders.o1), new RegExp(`^photos/[^/]+/欧阳_娜娜__${s1.student_no}\\.jpg$`));
    const dept2 = (db.prepare('SELECT department FROM students WHERE id = ?').get(day.students.s2) as { department: string }).department;
    const dept1 = (db.prepare('SELECT department FROM students WHERE id = ?').get(day.students.s1) as { department: string }).department;
    // Same name, same 学号: a collision only when they share a 院系 folder.
    assert.ok(byName.file(day.orders.o2).startsWith(`photos/${dept2}/欧阳_娜娜__${s1.student_no}`));
    assert.equal(byName.file(day.orders.o1) === byName.file(day.orders.o2), false);
    assert.equal(byName.r.problems.filter((p) => p.kind === 'name_collision').length, dept1 === dept2 ? 1 : 0);
    const byId = await expectNames('{身份证号}.jpg');
    assert.match(byId.file(day.orders.o1), /^photos\/\d{17}[\dX]\.jpg$/);
  });

  test("a crash's leftovers (.partial) are removed by the next export there; nothing else is touched", async () => {
    const { app } = day;
    const out = mkdtempSync(join(app.dir, 'stale-'));
    const stale = join(out, '.DEMO2026_2026-06-09_120000.partial');
    const staleZip = join(out, '.DEMO2026_2026-06-09_120000.zip.partial');
    const fresh = join(out, '.DEMO2026_2026-06-09_130000.partial');
    mkdirSync(join(stale, 'photos'), { recursive: true });
    writeFileSync(staleZip, 'half a zip');
    mkdirSync(fresh);
    mkdirSync(join(out, '.school-files'));
    writeFileSync(join(out, 'notes.partial'), 'not ours');
    const old = new Date(Date.now() - 3_600_000);
    utimesSync(stale, old, old);
    utimesSync(staleZip, old, old);
    const r = await runExport(app.ctx, request(out, { zip: false }), { exportId: 'stale', operatorId: null, via: 'cli' });
    assert.deepEqual(readdirSync(out).sort(), ['.DEMO2026_2026-06-09_130000.partial', '.school-files', 'notes.partial', r.folder.split('/').pop()!].sort());
  });

  test('cancelled half-way: nothing left behind, nothing in the store changed', async () => {
    const { app } = day;
    const out = mkdtempSync(join(app.dir, 'cancel-'));
    const before = storeSnapshot(app.ctx.db);
    const controller = new AbortController();
    const { ExportCancelled } = await import('../../src/main/export/exportErrors.js');
    await assert.rejects(
      runExport(app.ctx, request(out, { originals: true }), {
        exportId: 'c',
        operatorId: 'op-manager-1',
        via: 'station',
        signal: controller.signal,
        onProgress: (p) => {
          if (p.phase === 'photos') controller.abort(new ExportCancelled());
        },
      }),
      (e: unknown) => (e as { code?: string }).code === 'CONFLICT' && /取消/.test((e as { zh: string }).zh),
    );
    assert.deepEqual(readdirSync(out), []);
    assert.equal(storeSnapshot(app.ctx.db), before);
  });
});

describe('a full or vanishing drive (a small tmpfs)', { skip: isRoot ? false : 'needs root to mount a tmpfs' }, () => {
  let mnt: string;
  before(() => {
    mnt = mkdtempSync(join(tmpdir(), 'cc-usb-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mnt]);
  });
  after(() => {
    spawnSync('umount', [mnt]);
    rmdirSync(mnt);
  });

  test('too little space: refused before a byte is written, the store unchanged', async () => {
    const { app } = day;
    const before = storeSnapshot(app.ctx.db);
    await assert.rejects(
      runExport(app.ctx, request(mnt, { originals: true }), { exportId: 'full-1', operatorId: 'op-manager-1', via: 'station' }),
      (e: unknown) => (e as { code?: string }).code === 'DISK_FULL' && /需要约/.test((e as { zh: string }).zh) && /nothing was written/i.test((e as { en: string }).en),
    );
    assert.deepEqual(readdirSync(mnt), []);
    assert.equal(storeSnapshot(app.ctx.db), before);
  });

  test('the drive fills up while writing: DISK_FULL, the partial export deleted, the store unchanged', async () => {
    const { app } = day;
    const before = storeSnapshot(app.ctx.db);
    let filled = false;
    await assert.rejects(
      runExport(app.ctx, request(mnt, { zip: false }), {
        exportId: 'full-2',
        operatorId: 'op-manager-1',
        via: 'station',
        onProgress: (p) => {
          // Another program (or the school's own files) takes the space once photos are being written.
          if (p.phase === 'photos' && !filled) {
            filled = true;
            const free = Number(execFileSync('df', ['--output=avail', '-B1', mnt], { encoding: 'utf8' }).trim().split('\n')[1]);
            writeFileSync(join(mnt, 'filler.bin'), Buffer.alloc(Math.max(0, free - 8 * 1024)));
          }
        },
      }),
      (e: unknown) => (e as { code?: string }).code === 'DISK_FULL' && /未完成的导出文件已删除/.test((e as { zh: string }).zh),
    );
    assert.ok(filled, 'the drive was filled during the export');
    assert.deepEqual(readdirSync(mnt), ['filler.bin'], 'only what was there before');
    assert.equal(storeSnapshot(app.ctx.db), before);
    execFileSync('rm', ['-f', join(mnt, 'filler.bin')]);
  });

  test('the drive is pulled out while writing: an honest error, nothing left, the store unchanged', async () => {
    const { app } = day;
    const before = storeSnapshot(app.ctx.db);
    let pulled = false;
    await assert.rejects(
      runExport(app.ctx, request(mnt, { zip: false }), {
        exportId: 'gone',
        operatorId: 'op-manager-1',
        via: 'station',
        onProgress: (p) => {
          if (p.phase === 'photos' && !pulled) {
            pulled = true;
            execFileSync('umount', ['-l', mnt]);
          }
        },
      }),
      (e: unknown) => (e as { code?: string }).code === 'NOT_FOUND' && /U 盘被拔出/.test((e as { zh: string }).zh),
    );
    assert.ok(pulled);
    assert.deepEqual(readdirSync(mnt), [], 'nothing written where the drive was mounted');
    assert.equal(storeSnapshot(app.ctx.db), before);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mnt]);
  });
});
