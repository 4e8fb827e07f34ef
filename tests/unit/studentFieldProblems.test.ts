import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppError } from '../../src/shared/errors.js';
import { fieldProblemsFromError, studentFieldProblems } from '../../src/renderer/forms/studentFieldProblems.js';
import { EMPTY_FIELDS } from '../../src/renderer/forms/studentFieldValues.js';

// 11010519491231002X is the GB 11643 standard's own example; changing its check character breaks it.
const VALID_ID = '11010519491231002X';

test('a walk-in form is checked field by field before it is sent', () => {
  assert.deepEqual(studentFieldProblems({ ...EMPTY_FIELDS, name: '张三', idNumber: VALID_ID }), {});
  assert.deepEqual(studentFieldProblems({ ...EMPTY_FIELDS, name: '张三', idNumber: '110105194912310021' }), { idNumber: 'idChecksum' });
  assert.deepEqual(studentFieldProblems({ ...EMPTY_FIELDS, name: '张三', idNumber: '11010519491331002X' }), { idNumber: 'idBirthdate' });
  assert.deepEqual(studentFieldProblems({ ...EMPTY_FIELDS, name: '张三', idNumber: '1101051949' }), { idNumber: 'idFormat' });
  assert.deepEqual(studentFieldProblems({ ...EMPTY_FIELDS, name: '  ', idNumber: '1101051949' }), { name: 'required', idNumber: 'idFormat' });
  assert.deepEqual(studentFieldProblems({ ...EMPTY_FIELDS, name: '张三', major: 'x'.repeat(65) }), { major: 'tooLong' });
});

test("the service's refusal marks the fields it names", () => {
  const refusal = new AppError('BAD_INPUT', { details: ['student.idNumber: 身份证号校验位不正确', 'student.className: Too big'] });
  assert.deepEqual(fieldProblemsFromError(refusal, { ...EMPTY_FIELDS, idNumber: '110105194912310021' }), { idNumber: 'idChecksum', className: 'invalid' });
  assert.deepEqual(fieldProblemsFromError(new AppError('FORBIDDEN'), EMPTY_FIELDS), {});
});
