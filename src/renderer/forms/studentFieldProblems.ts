import { StudentFields, type StudentFieldName } from '../../shared/checkin/studentEdits.js';
import { AppError } from '../../shared/errors.js';
import { validateIdNumber } from '../../shared/idNumber.js';
import { FIELD_ORDER, toStudentFields, type StudentFieldValues } from './studentFieldValues.js';

/** What is wrong with one field, as an i18n key under errors.field (both languages exist). */
export type FieldProblem = 'required' | 'tooLong' | 'idFormat' | 'idBirthdate' | 'idChecksum' | 'invalid';
export type FieldProblems = Partial<Record<StudentFieldName, FieldProblem>>;

const ID_PROBLEM: Record<'format' | 'birthdate' | 'checksum', FieldProblem> = { format: 'idFormat', birthdate: 'idBirthdate', checksum: 'idChecksum' };

function idProblem(value: string): FieldProblem | null {
  const r = validateIdNumber(value);
  return r.ok ? null : ID_PROBLEM[r.problem];
}

function isField(name: unknown): name is StudentFieldName {
  return typeof name === 'string' && (FIELD_ORDER as readonly string[]).includes(name);
}

/**
 * The form checked by the same schema the service applies, before anything is sent, so each bad
 * value is said at its own field (issue 15: not as "请求内容无效 / BAD_INPUT" above the form).
 */
export function studentFieldProblems(values: StudentFieldValues): FieldProblems {
  const parsed = StudentFields.safeParse(toStudentFields(values));
  if (parsed.success) return {};
  const problems: FieldProblems = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path[0];
    if (!isField(field) || problems[field]) continue;
    if (field === 'idNumber') problems.idNumber = idProblem(values.idNumber) ?? 'invalid';
    else if (field === 'name' && values.name.trim() === '') problems.name = 'required';
    else problems[field] = issue.code === 'too_big' ? 'tooLong' : 'invalid';
  }
  return problems;
}

/**
 * A refusal from the service that names fields (its BAD_INPUT details read "student.idNumber: …"
 * or "changes.idNumber: …"): the fields it names, so they are marked even when the form's own
 * check let them through (another build, a rule only the service knows).
 */
export function fieldProblemsFromError(error: unknown, values: StudentFieldValues): FieldProblems {
  if (!(error instanceof AppError) || error.code !== 'BAD_INPUT') return {};
  const problems: FieldProblems = {};
  for (const detail of error.details ?? []) {
    const path = /^([\w.]+):/.exec(detail)?.[1]?.split('.') ?? [];
    const field = path.find(isField);
    if (!field || problems[field]) continue;
    problems[field] = field === 'idNumber' ? (idProblem(values.idNumber) ?? 'invalid') : 'invalid';
  }
  return problems;
}
