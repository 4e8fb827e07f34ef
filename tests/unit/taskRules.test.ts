import assert from 'node:assert/strict';
import { test } from 'node:test';
import { maskName } from '../../src/main/checkin/lastFourLookup.js';
import {
  bookedSlotNote,
  checkFeatureCode,
  DEFAULT_FEATURE_CODE_FORMAT,
  describeFeatureCode,
  endOfLocalDay,
  featureCodeInputMode,
  FeatureCodeFormat,
  reservationValidUntil,
} from '../../src/shared/checkin/taskRules.js';

test('a 4-digit 特征码 (广东) takes exactly four digits and says so otherwise', () => {
  const f = { length: 4, alphabet: 'digits' } as const;
  assert.deepEqual(checkFeatureCode(f, ' 0482 '), { ok: true, code: '0482' });
  for (const wrong of ['482', '04821', '04a2', '０４８２', '04 82', '']) {
    assert.deepEqual(checkFeatureCode(f, wrong), { ok: false, zh: '本任务的特征码为 4 位数字', en: "This task's feature code is 4 digits" }, wrong);
  }
  assert.equal(featureCodeInputMode(f), 'numeric');
});

test('a 6-character 特征码 (新华社) takes letters and digits in either case, upper-cased for the digest', () => {
  assert.deepEqual(checkFeatureCode(DEFAULT_FEATURE_CODE_FORMAT, 'ab12Cd'), { ok: true, code: 'AB12CD' });
  assert.equal(checkFeatureCode(DEFAULT_FEATURE_CODE_FORMAT, 'ab12C').ok, false);
  assert.equal(checkFeatureCode(DEFAULT_FEATURE_CODE_FORMAT, 'ab12C!').ok, false);
  assert.equal(featureCodeInputMode(DEFAULT_FEATURE_CODE_FORMAT), 'text');
});

test('a 24-hex 特征码 (图像信息采集服务) takes 0-9 and A-F only', () => {
  const f = { length: 24, alphabet: 'hex' } as const;
  assert.deepEqual(checkFeatureCode(f, 'deadbeef0123456789abcdef'), { ok: true, code: 'DEADBEEF0123456789ABCDEF' });
  assert.equal(checkFeatureCode(f, 'deadbeef0123456789abcdeg').ok, false);
  assert.equal(checkFeatureCode(f, 'deadbeef').ok, false);
  assert.deepEqual(describeFeatureCode(f), { zh: '24 位十六进制字符（0-9、A-F）', en: '24 hexadecimal characters (0-9, A-F)' });
});

test('a format outside the rules does not parse', () => {
  assert.throws(() => FeatureCodeFormat.parse({ length: 0, alphabet: 'digits' }));
  assert.throws(() => FeatureCodeFormat.parse({ length: 65, alphabet: 'digits' }));
  assert.throws(() => FeatureCodeFormat.parse({ length: 6, alphabet: 'base64' }));
});

test("a reservation is good until the end of the task's last session day, whatever its own exp", () => {
  const slotDayExp = endOfLocalDay('2026-12-08');
  assert.equal(reservationValidUntil(['2026-12-09', '2026-12-08'], slotDayExp), endOfLocalDay('2026-12-09'));
  assert.equal(reservationValidUntil(['2026-12-08'], endOfLocalDay('2026-12-09')), endOfLocalDay('2026-12-08'), 'sessions cut short end it');
  assert.equal(reservationValidUntil([], slotDayExp), slotDayExp, 'no dates: the token decides');
  const end = new Date(endOfLocalDay('2026-12-09') * 1000);
  assert.deepEqual([end.getDate(), end.getHours(), end.getMinutes()], [9, 23, 59]);
});

test('the card names the booked slot and says when it is not today, never refusing', () => {
  assert.deepEqual(bookedSlotNote({ date: '2026-12-08', start: '09:30' }, '2026-12-09'), {
    zh: '预约时段：12-08 上午，非今日',
    en: 'booked 12-08 morning, not today',
    today: false,
  });
  assert.deepEqual(bookedSlotNote({ date: '2026-12-09', start: '14:00' }, '2026-12-09'), { zh: '预约时段：12-09 下午', en: 'booked 12-09 afternoon', today: true });
});

test('散排 lists show names masked: first character, and the last for three or more', () => {
  assert.equal(maskName('张三'), '张*');
  assert.equal(maskName('王小明'), '王*明');
  assert.equal(maskName('欧阳小明'), '欧**明');
  assert.equal(maskName('李'), '李');
  assert.equal(maskName('买买提·艾力'), '买****力');
});
