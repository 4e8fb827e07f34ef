import type { StudentFieldName } from '../../shared/checkin/studentEdits.js';
import type { StudentCard } from '../../shared/domain/entities.js';
import { EDU_LEVELS, type EduLevel } from '../../shared/domain/status.js';
import type { InputOf } from '../../shared/rpc/contract.js';

/** What the form holds: text in every box; "" means not known. */
export type StudentFieldValues = Record<StudentFieldName, string>;
export type StudentFieldsInput = InputOf<'checkin.walkin'>['student'];

export const FIELD_ORDER: readonly StudentFieldName[] = [
  'name', 'gender', 'idNumber', 'studentNo', 'examNo', 'department', 'major', 'eduLevel', 'eduCategory', 'className',
];

export const EMPTY_FIELDS: StudentFieldValues = {
  name: '', gender: '', idNumber: '', studentNo: '', examNo: '', department: '', major: '', eduLevel: '', eduCategory: '', className: '',
};

function gender(v: string): '男' | '女' | null {
  return v === '男' || v === '女' ? v : null;
}

function eduLevel(v: string): EduLevel | null {
  return (EDU_LEVELS as readonly string[]).includes(v) ? (v as EduLevel) : null;
}

export function toStudentFields(v: StudentFieldValues): StudentFieldsInput {
  return {
    name: v.name,
    gender: gender(v.gender),
    idNumber: v.idNumber || null,
    studentNo: v.studentNo || null,
    examNo: v.examNo || null,
    department: v.department || null,
    major: v.major || null,
    eduLevel: eduLevel(v.eduLevel),
    eduCategory: v.eduCategory || null,
    className: v.className || null,
  };
}

/** The card as form text. The ID number is only ever shown masked, so its box starts empty and
 * stays out of a correction unless something is typed in it. */
export function fieldsOfCard(card: StudentCard): StudentFieldValues {
  return {
    name: card.name,
    gender: card.gender ?? '',
    idNumber: '',
    studentNo: card.studentNo ?? '',
    examNo: card.examNo ?? '',
    department: card.department ?? '',
    major: card.major ?? '',
    eduLevel: card.eduLevel ?? '',
    eduCategory: card.eduCategory ?? '',
    className: card.className ?? '',
  };
}

/** Only what the photographer changed goes into the correction (and the audit log). */
export function changedFields(before: StudentFieldValues, after: StudentFieldValues): Partial<StudentFieldsInput> {
  const all = toStudentFields(after);
  const changes: Partial<Record<StudentFieldName, unknown>> = {};
  for (const field of FIELD_ORDER) {
    if (field === 'idNumber' ? after.idNumber.trim() !== '' : before[field].trim() !== after[field].trim()) changes[field] = all[field];
  }
  return changes as Partial<StudentFieldsInput>;
}
