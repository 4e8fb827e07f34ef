import { useTranslation } from 'react-i18next';
import type { StudentFieldName } from '../../shared/checkin/studentEdits';
import { EDU_LEVELS } from '../../shared/domain/status';
import type { FieldProblems } from '../forms/studentFieldProblems';
import { FIELD_ORDER, type StudentFieldValues } from '../forms/studentFieldValues';
import { Bilingual } from './Bilingual';

interface Props {
  values: StudentFieldValues;
  onChange: (values: StudentFieldValues) => void;
  idPlaceholder?: string;
  /** Fields to mark, each with what is wrong with it, said under the field in both languages. */
  problems?: FieldProblems;
}

const MAX: Partial<Record<StudentFieldName, number>> = { name: 40, idNumber: 18, studentNo: 32, examNo: 32, eduCategory: 32 };

/** The roster fields staff can type, shared by walk-in registration and on-card correction. */
export function StudentFieldsForm({ values, onChange, idPlaceholder, problems = {} }: Props) {
  const { t } = useTranslation();
  const set = (field: StudentFieldName, value: string) => onChange({ ...values, [field]: value });
  return (
    <div className="student-fields">
      {FIELD_ORDER.map((field) => {
        const problem = problems[field];
        const invalid = problem !== undefined;
        return (
        <label key={field} className={`student-field ${invalid ? 'student-field-invalid' : ''}`} data-invalid={invalid ? 'true' : undefined}>
          <span>{t(`rosterField.${field}`)}</span>
          {field === 'gender' ? (
            <select value={values.gender} onChange={(e) => set('gender', e.target.value)} data-testid="field-gender">
              <option value="">{t('fields.empty')}</option>
              <option value="男">{t('gender.男')}</option>
              <option value="女">{t('gender.女')}</option>
            </select>
          ) : field === 'eduLevel' ? (
            <select value={values.eduLevel} onChange={(e) => set('eduLevel', e.target.value)} data-testid="field-eduLevel">
              <option value="">{t('fields.empty')}</option>
              {EDU_LEVELS.map((level) => (
                <option key={level} value={level}>
                  {t(`eduLevel.${level}`)}
                </option>
              ))}
            </select>
          ) : (
            <input
              value={values[field]}
              onChange={(e) => set(field, e.target.value)}
              maxLength={MAX[field] ?? 64}
              autoComplete="off"
              spellCheck={false}
              autoFocus={field === 'name'}
              placeholder={field === 'idNumber' ? idPlaceholder : undefined}
              aria-invalid={invalid}
              aria-describedby={invalid ? `field-${field}-problem` : undefined}
              data-testid={`field-${field}`}
            />
          )}
          {problem && (
            <span className="field-error" id={`field-${field}-problem`} data-testid={`field-${field}-problem`}>
              <Bilingual i18nKey={`errors.field.${problem}`} />
            </span>
          )}
        </label>
        );
      })}
    </div>
  );
}
