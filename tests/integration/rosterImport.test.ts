import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { importRosterFile } from '../../src/main/roster/importRoster.js';
import { upsertTask } from '../../src/main/db/queries/tasks.js';
import { idCheckChar } from '../../src/shared/idNumber.js';
import { AppError } from '../../src/shared/errors.js';
import { csvBytes, xlsxBytes } from '../helpers/rosterFiles.js';
import { tempApp } from '../helpers/tempApp.js';

function id(first17: string): string {
  return first17 + idCheckChar(first17);
}
const ID_A = id('44010620030101123');
const ID_B = id('11010820020505456');
const ID_C = id('31010420031111789');
const BAD_CHECKSUM = ID_A.slice(0, 17) + (ID_A[17] === '0' ? '1' : '0');

const HEADER = ['姓名', '性别', '身份证号', '学号', '考生号', '学校', '学校编码', '院系/专业', '学历层次', '学历类别', '班级'];

describe('roster import', () => {
  let app: Awaited<ReturnType<typeof tempApp>>;
  const TASK = 'T2026';
  before(async () => {
    app = await tempApp({ demo: false });
    upsertTask(app.ctx.db, { code: TASK, name: '测试任务', school_name: '测试大学', school_code: '10001', site: '体育馆', session_dates: '["2026-11-25"]', slots: '[]', spec_id: 'xuexin', price_cents: 0, public_key: null }, new Date().toISOString());
  });
  after(() => app.close());

  test('UTF-8 CSV: good rows import, each bad row is reported with its row number and reason', async () => {
    const bytes = csvBytes([
      HEADER,
      ['张三', '男', ID_A, '2022010001', '22440106000001', '测试大学', '10001', '计算机学院/软件工程', '本科', '普通', '软件2201'],
      ['李四', '女', BAD_CHECKSUM, '2022010002', '', '', '', '', '本科', '', ''],
      ['', '女', ID_B, '2022010003', '', '', '', '', '', '', ''],
      ['王五', '', ID_B, '2022010004', '', '', '', '外语学院', '硕士', '', ''],
      ['王五', '', ID_B, '2022010005', '', '', '', '外语学院', '硕士', '', ''],
      ['赵六', '男', ID_C, '2022010006', '', '', '', '', '大学', '', ''],
    ]);
    const report = await importRosterFile(app.ctx, null, TASK, 'roster.csv', bytes);
    assert.equal(report.encoding, 'utf-8');
    assert.equal(report.totalRows, 6);
    assert.equal(report.imported, 2);
    assert.equal(report.rejected, 4);
    assert.deepEqual(
      report.problems.map((p) => [p.row, p.reason]),
      [
        [3, 'id_checksum'],
        [4, 'missing_field'],
        [6, 'duplicate_in_file'],
        [7, 'bad_value'],
      ],
    );
    assert.match(report.problems[0]!.zh, /校验位/);
    assert.match(report.problems[2]!.zh, /第 5 行/);
    const row = app.ctx.db.prepare('SELECT * FROM students WHERE student_no = ?').get('2022010001') as Record<string, string>;
    assert.equal(row.id_masked, ID_A.slice(0, 4) + '**********' + ID_A.slice(-4));
    assert.equal(row.name_initials, 'zs');
    assert.equal(row.department, '计算机学院/软件工程');
    // Gender missing in the file is taken from the ID number (17th digit odd = 男).
    const wang = app.ctx.db.prepare('SELECT gender FROM students WHERE student_no = ?').get('2022010004') as { gender: string };
    assert.equal(wang.gender, Number(ID_B[16]) % 2 ? '男' : '女');
  });

  test('ID numbers are encrypted at rest: the database file never holds them in plain text', () => {
    app.ctx.db.pragma('wal_checkpoint(TRUNCATE)');
    const file = readFileSync(join(app.dir, 'station.sqlite'));
    assert.equal(file.includes(Buffer.from(ID_A)), false);
    const enc = (app.ctx.db.prepare('SELECT id_enc FROM students WHERE student_no = ?').get('2022010001') as { id_enc: string }).id_enc;
    assert.equal(app.ctx.pii.decrypt(enc), ID_A);
  });

  test('GBK CSV from Chinese Excel imports the same, and a re-import updates instead of duplicating', async () => {
    const bytes = csvBytes(
      [
        HEADER,
        ['张三', '男', ID_A, '2022010001', '', '测试大学', '10001', '计算机学院/人工智能', '本科', '普通', '人工2201'],
      ],
      'gbk',
    );
    const report = await importRosterFile(app.ctx, null, TASK, 'roster-gbk.csv', bytes);
    assert.equal(report.encoding, 'gbk');
    assert.equal(report.imported, 0);
    assert.equal(report.updated, 1);
    const rows = app.ctx.db.prepare("SELECT department FROM students WHERE name = '张三'").all() as { department: string }[];
    assert.deepEqual(rows, [{ department: '计算机学院/人工智能' }]);
  });

  test('xlsx with a title row, loose header names and columns in another order', async () => {
    const idD = id('42011120040303111');
    const bytes = await xlsxBytes(
      [
        ['班级', '学生姓名', '身份证号码（18位）', 'Student No', '学历 层次', '院系'],
        ['护理2201', '孙七', idD, '2022050001', '专科', '医学院'],
        ['护理2201', '周八', 440106200301011234, '2022050002', '专科', '医学院'],
      ],
      { titleRow: '2026届毕业生名单' },
    );
    const report = await importRosterFile(app.ctx, null, TASK, 'roster.xlsx', bytes);
    assert.equal(report.encoding, 'xlsx');
    assert.equal(report.imported, 1);
    assert.deepEqual(report.problems.map((p) => [p.row, p.reason]), [[4, 'id_format']]);
    const sun = app.ctx.db.prepare("SELECT class_name, edu_level, student_no FROM students WHERE name = '孙七'").get();
    assert.deepEqual(sun, { class_name: '护理2201', edu_level: '专科', student_no: '2022050001' });
  });

  test('a student number already held by another student in the task is reported, not overwritten', async () => {
    const idE = id('51010720030707222');
    const report = await importRosterFile(app.ctx, null, TASK, 'r.csv', csvBytes([HEADER, ['吴九', '男', idE, '2022010001', '', '', '', '', '', '', '']]));
    assert.deepEqual(report.problems.map((p) => p.reason), ['duplicate_in_task']);
  });

  test('malformed files get a clear, typed error and change nothing', async () => {
    const before = (app.ctx.db.prepare('SELECT count(*) n FROM students').get() as { n: number }).n;
    const cases: [string, Buffer, string][] = [
      ['garbage.csv', Buffer.from([0x00, 0x01, 0x02, 0xff, 0xfe, 0x00]), 'ROSTER_UNREADABLE'],
      ['broken.xlsx', Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(200, 7)]), 'ROSTER_UNREADABLE'],
      ['noheader.csv', csvBytes([['a', 'b'], ['1', '2']]), 'ROSTER_NO_HEADER'],
      ['noid.csv', csvBytes([['姓名', '学号'], ['张三', '1']]), 'ROSTER_NO_HEADER'],
      ['old.xls', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), 'ROSTER_UNREADABLE'],
      ['huge.csv', Buffer.alloc(21 * 1024 * 1024, 0x41), 'FILE_TOO_LARGE'],
    ];
    for (const [name, bytes, code] of cases) {
      await assert.rejects(importRosterFile(app.ctx, null, TASK, name, bytes), (err: unknown) => {
        assert.ok(err instanceof AppError, `${name}: ${String(err)}`);
        assert.equal(err.code, code, name);
        assert.ok(err.zh.length > 0 && err.en.length > 0);
        return true;
      });
    }
    const afterCount = (app.ctx.db.prepare('SELECT count(*) n FROM students').get() as { n: number }).n;
    assert.equal(afterCount, before);
  });

  test('an import for a task that does not exist is refused', async () => {
    await assert.rejects(importRosterFile(app.ctx, null, 'NOPE', 'r.csv', csvBytes([HEADER])), (err: unknown) => err instanceof AppError && err.code === 'NOT_FOUND');
  });
});
