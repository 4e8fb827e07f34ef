import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NAME_TEMPLATE_PRESETS } from '../../src/shared/export/exportTypes.js';
import { assignNames, collisionKey, maskIdNumbersIn, parseTemplate, safeComponent, TemplateError, type NameRequest, type TemplateValues } from '../../src/shared/export/fileNames.js';
import { csvField, manifestCsv, MANIFEST_COLUMNS, type ManifestRow } from '../../src/shared/export/manifestColumns.js';

const student = (v: TemplateValues, folder: string | null = null, fallbackId = 'abcd1234'): NameRequest => ({ values: v, folder, fallbackId });
const zhang: TemplateValues = { idNumber: '44010620000101123X', studentNo: '2022010001', examNo: '22440106100001', schoolCode: '10558', name: '张三' };
const li: TemplateValues = { idNumber: '110105200202020022', studentNo: '2022010002', examNo: '22110105100002', schoolCode: '10558', name: '李四' };

test('each preset template names the file from its fields', () => {
  const expected: Record<(typeof NAME_TEMPLATE_PRESETS)[number], string> = {
    '{身份证号}': '44010620000101123X.jpg',
    '{学号}': '2022010001.jpg',
    '{考生号}': '22440106100001.jpg',
    '{学校编码}_{学号}': '10558_2022010001.jpg',
    '{姓名}_{学号}': '张三_2022010001.jpg',
    '{学号}_{姓名}': '2022010001_张三.jpg',
  };
  for (const preset of NAME_TEMPLATE_PRESETS) {
    const [name] = assignNames(parseTemplate(preset), [student(zhang)]);
    assert.equal(name!.path, expected[preset], preset);
    assert.equal(name!.collided, false);
  }
  // The English aliases and a trailing .jpg mean the same.
  assert.equal(assignNames(parseTemplate('{schoolCode}-{studentNo}.JPG'), [student(zhang)])[0]!.path, '10558-2022010001.jpg');
});

test('templates with unknown fields, stray braces or no field at all are refused in both languages', () => {
  for (const bad of ['{生日}', '{学号', '学号}', 'photo', '.jpg']) {
    assert.throws(
      () => parseTemplate(bad),
      (e: unknown) => e instanceof TemplateError && e.zh.length > 0 && e.en.length > 0,
      bad,
    );
  }
});

test('collisions: the second and later get _2, _3 …, case-insensitively, and never onto a name another student owns', () => {
  const t = parseTemplate('{姓名}');
  const names = assignNames(t, [student({ name: '王芳' }), student({ name: '王芳' }), student({ name: '王芳_2' }), student({ name: '王芳' })]);
  assert.deepEqual(
    names.map((n) => n.path),
    ['王芳.jpg', '王芳_3.jpg', '王芳_2.jpg', '王芳_4.jpg'],
  );
  assert.deepEqual(
    names.map((n) => n.collided),
    [false, true, false, true],
  );
  // An ID number ending in x and one ending in X are the same file on FAT and NTFS.
  const ids = assignNames(parseTemplate('{身份证号}'), [student({ idNumber: '44010620000101123X' }), student({ idNumber: '44010620000101123x' })]);
  assert.deepEqual(
    ids.map((n) => n.path),
    ['44010620000101123X.jpg', '44010620000101123x_2.jpg'],
  );
  assert.equal(new Set(ids.map((n) => collisionKey(n.path))).size, 2);
  // The same name in different folders is no collision.
  const foldered = assignNames(t, [student({ name: '王芳' }, '计算机学院'), student({ name: '王芳' }, '外国语学院')]);
  assert.deepEqual(
    foldered.map((n) => [n.path, n.collided]),
    [
      ['计算机学院/王芳.jpg', false],
      ['外国语学院/王芳.jpg', false],
    ],
  );
});

test('characters Windows and FAT refuse become _, trailing dots and spaces go, device names are escaped', () => {
  const t = parseTemplate('{姓名}_{学号}');
  const names = assignNames(t, [
    student({ name: 'A/B\\C:D*E?F"G<H>I|J', studentNo: '1' }),
    student({ name: '张\u0001三', studentNo: '2' }),
    student({ name: '李四', studentNo: '3. .' }),
    student({ name: 'CON', studentNo: '' }, null, 'ffff0000'),
  ]);
  assert.equal(names[0]!.path, 'A_B_C_D_E_F_G_H_I_J_1.jpg');
  assert.equal(names[1]!.path, '张_三_2.jpg');
  assert.equal(names[2]!.path, '李四_3.jpg');
  // A missing field never yields an empty or shared name.
  assert.equal(names[3]!.path, '缺学号_ffff0000.jpg');
  assert.deepEqual(names[3]!.missing, ['studentNo']);
  assert.equal(safeComponent('con'), '_con');
  assert.equal(safeComponent('LPT1.jpg'), '_LPT1.jpg');
  assert.equal(safeComponent('...'), '_');
  assert.equal(safeComponent('  '), '_');
  // Folders obey the same rules; an empty 院系 goes to 未分组.
  assert.deepEqual(
    assignNames(parseTemplate('{学号}'), [student({ studentNo: '9' }, '机械/电子?'), student({ studentNo: '8' }, '')]).map((n) => n.path),
    ['机械_电子_/9.jpg', '未分组/8.jpg'],
  );
});

test('long names are cut within the limit without splitting a character', () => {
  const long = '𠀀'.repeat(100); // astral characters: two UTF-16 units each
  const [n] = assignNames(parseTemplate('{姓名}'), [student({ name: long })]);
  assert.ok(n!.path.length <= 120, String(n!.path.length));
  assert.ok(!/[\ud800-\udbff]\.jpg$/.test(n!.path), 'no lone high surrogate before the extension');
  assert.ok(n!.path.endsWith('.jpg'));
});

test('different students never share a name, whatever the values (property over many random rosters)', () => {
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const pick = (s: string) => s[Math.floor(rand() * s.length)]!;
  for (let round = 0; round < 50; round++) {
    const requests = Array.from({ length: 40 }, () => student({ name: Array.from({ length: 1 + Math.floor(rand() * 3) }, () => pick('王李张aA_/.:2 ')).join(''), studentNo: pick('12') }, rand() < 0.5 ? null : pick('甲乙')));
    const names = assignNames(parseTemplate('{姓名}{学号}'), requests);
    const keys = names.map((n) => collisionKey(n.path));
    assert.equal(new Set(keys).size, keys.length, JSON.stringify(names.map((n) => n.path)));
  }
});

test('ID numbers are masked in what the screen shows', () => {
  assert.equal(maskIdNumbersIn('photos/44010620000101123X.jpg'), 'photos/4401**********123X.jpg');
  assert.equal(maskIdNumbersIn('2022010001.jpg'), '2022010001.jpg');
});

test('manifest CSV: BOM, CRLF, quoting, and formula-looking cells made inert', () => {
  assert.equal(csvField('a,b'), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
  assert.equal(csvField('-0.05'), '-0.05');
  assert.equal(csvField('@sum'), "'@sum");
  const row = Object.fromEntries(MANIFEST_COLUMNS.map((c) => [c.key, ''])) as ManifestRow;
  const csv = manifestCsv([{ ...row, name: '张三', idNumber: '44010620000101123X' }]);
  assert.ok(csv.startsWith('\uFEFF序号,类别,姓名'));
  assert.ok(csv.endsWith('\r\n'));
  assert.equal(csv.split('\r\n').length, 3);
  assert.ok(csv.includes(',44010620000101123X,'), 'ID number written exactly');
});
