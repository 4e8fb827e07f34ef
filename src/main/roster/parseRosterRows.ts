import type { RosterProblem } from '../../shared/domain/entities.js';
import { EDU_LEVELS, type EduLevel } from '../../shared/domain/status.js';
import { AppError } from '../../shared/errors.js';
import { validateIdNumber } from '../../shared/idNumber.js';
import { FIELD_LABELS, matchHeader, REQUIRED_FIELDS, type RosterField } from './rosterColumns.js';
import type { RosterTable } from './readRosterTable.js';

import type { RosterRecord } from '../../shared/domain/rosterRecord.js';
export type { RosterRecord };

const EDU_LEVEL_ALIASES: Record<string, EduLevel> = {
  专科: '专科', 高职: '专科', 高职专科: '专科', 大专: '专科',
  本科: '本科', 专升本: '本科', 第二学士学位: '本科',
  硕士: '硕士', 硕士研究生: '硕士', 研究生: '硕士',
  博士: '博士', 博士研究生: '博士',
};

function problem(row: number, reason: RosterProblem['reason'], field: RosterField | null, zh: string, en: string): RosterProblem {
  return { row, reason, field, zh, en };
}

/** Finds the header (the first row naming at least two known columns: some sheets carry a title
 * row above it), then validates every row. Bad rows become problems; good rows records. */
export function parseRosterRows(table: RosterTable): { records: RosterRecord[]; problems: RosterProblem[]; totalRows: number } {
  const headerIdx = table.rows.findIndex((r) => new Set(r.cells.map(matchHeader).filter(Boolean)).size >= 2);
  if (headerIdx === -1) throw new AppError('ROSTER_NO_HEADER');
  const header = table.rows[headerIdx]!.cells.map(matchHeader);
  const missing = REQUIRED_FIELDS.filter((f) => !header.includes(f));
  if (missing.length) {
    throw new AppError('ROSTER_NO_HEADER', {
      zh: `名单缺少必需的列：${missing.map((f) => FIELD_LABELS[f].zh).join('、')}`,
      en: `The roster lacks required columns: ${missing.map((f) => FIELD_LABELS[f].en).join(', ')}`,
    });
  }
  const col = new Map<RosterField, number>();
  header.forEach((f, i) => {
    if (f && !col.has(f)) col.set(f, i);
  });

  const records: RosterRecord[] = [];
  const problems: RosterProblem[] = [];
  const seenIds = new Map<string, number>();
  let totalRows = 0;
  for (const { rowNumber, cells, lossyNumberCells } of table.rows.slice(headerIdx + 1)) {
    if (cells.every((c) => c.trim() === '')) continue;
    totalRows++;
    const get = (f: RosterField): string | null => {
      const i = col.get(f);
      const v = i === undefined ? '' : (cells[i] ?? '').trim();
      return v === '' ? null : v;
    };
    const emptyRequired = REQUIRED_FIELDS.filter((f) => get(f) === null);
    if (emptyRequired.length) {
      const f = emptyRequired[0]!;
      problems.push(problem(rowNumber, 'missing_field', f, `缺少${FIELD_LABELS[f].zh}`, `missing ${FIELD_LABELS[f].en}`));
      continue;
    }
    if (lossyNumberCells?.has(col.get('idNumber')!)) {
      problems.push(
        problem(rowNumber, 'id_format', 'idNumber', '身份证号被 Excel 存成了数字，末几位已丢失：请把该列设为“文本”后重新填写', 'Excel stored the ID number as a number and lost its last digits: format the column as Text and re-enter it'),
      );
      continue;
    }
    const id = validateIdNumber(get('idNumber')!);
    if (!id.ok) {
      const text = {
        format: ['身份证号格式错误（应为 18 位）', 'ID number is not 18 characters of digits (and X)'],
        birthdate: ['身份证号中的出生日期无效', 'the birth date inside the ID number is invalid'],
        checksum: ['身份证号校验位错误（GB 11643）', 'the ID number check character is wrong (GB 11643)'],
      }[id.problem];
      problems.push(problem(rowNumber, `id_${id.problem}`, 'idNumber', text[0]!, text[1]!));
      continue;
    }
    const firstRow = seenIds.get(id.value);
    if (firstRow !== undefined) {
      problems.push(problem(rowNumber, 'duplicate_in_file', 'idNumber', `与第 ${firstRow} 行身份证号重复`, `same ID number as row ${firstRow}`));
      continue;
    }
    const idGender = Number(id.value[16]) % 2 === 1 ? '男' : '女';
    const genderRaw = get('gender');
    const gender = genderRaw === null ? idGender : normaliseGender(genderRaw);
    if (gender === null) {
      problems.push(problem(rowNumber, 'bad_value', 'gender', `性别“${genderRaw}”无法识别`, `gender "${genderRaw}" not recognised`));
      continue;
    }
    const levelRaw = get('eduLevel');
    const eduLevel = levelRaw === null ? null : (EDU_LEVEL_ALIASES[levelRaw.replace(/\s/g, '')] ?? null);
    if (levelRaw !== null && eduLevel === null) {
      problems.push(
        problem(rowNumber, 'bad_value', 'eduLevel', `学历层次“${levelRaw}”应为 ${EDU_LEVELS.join('/')}`, `education level "${levelRaw}" should be one of ${EDU_LEVELS.join('/')}`),
      );
      continue;
    }
    seenIds.set(id.value, rowNumber);
    records.push({
      rowNumber,
      name: get('name')!.replace(/\s+/g, ''),
      gender,
      idNumber: id.value,
      studentNo: get('studentNo'),
      examNo: get('examNo'),
      schoolName: get('schoolName'),
      schoolCode: get('schoolCode'),
      department: get('department'),
      major: get('major'),
      eduLevel,
      eduCategory: get('eduCategory'),
      className: get('className'),
      xuexinCode: get('xuexinCode'),
      featureCode: get('featureCode'),
    });
  }
  return { records, problems, totalRows };
}

function normaliseGender(v: string): '男' | '女' | null {
  const s = v.trim().toLowerCase();
  if (['男', 'm', 'male', '1'].includes(s)) return '男';
  if (['女', 'f', 'female', '2'].includes(s)) return '女';
  return null;
}
