import assert from 'node:assert/strict';
import { test } from 'node:test';
import { idCheckChar, maskIdNumber, validateIdNumber } from '../../src/shared/idNumber.js';

test('GB 11643 check character: the standard example and an X case', () => {
  // The example printed in GB 11643-1999: 11010519491231002X.
  assert.equal(idCheckChar('11010519491231002'), 'X');
  assert.deepEqual(validateIdNumber('11010519491231002x'), { ok: true, value: '11010519491231002X' });
});

test('every single-digit change of a valid number is rejected, by the checksum where the date stays valid', () => {
  const valid = '11010519491231002X';
  for (let i = 0; i < 17; i++) {
    for (let d = 0; d <= 9; d++) {
      if (String(d) === valid[i]) continue;
      const mutated = valid.slice(0, i) + d + valid.slice(i + 1);
      const r = validateIdNumber(mutated);
      assert.equal(r.ok, false, mutated);
      const inDate = i >= 6 && i < 14;
      if (!inDate) assert.deepEqual(r, { ok: false, problem: 'checksum' }, mutated);
    }
  }
});

test('format and birth date problems are told apart from checksum problems', () => {
  assert.deepEqual(validateIdNumber('1101051949123100'), { ok: false, problem: 'format' });
  assert.deepEqual(validateIdNumber('11010519491231002Y'), { ok: false, problem: 'format' });
  assert.deepEqual(validateIdNumber('4.40106200301E+17'), { ok: false, problem: 'format' });
  const feb30 = '44010620030230123';
  assert.deepEqual(validateIdNumber(feb30 + idCheckChar(feb30)), { ok: false, problem: 'birthdate' });
});

test('masking keeps the region prefix and the last four only', () => {
  assert.equal(maskIdNumber('440106200301011234'), '4401**********1234');
  assert.equal(maskIdNumber('1234'), '****');
});
