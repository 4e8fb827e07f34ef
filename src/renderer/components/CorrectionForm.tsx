import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { StudentCard } from '../../shared/domain/entities';
import { changedFields, fieldsOfCard } from '../forms/studentFieldValues';
import { useRpc } from '../hooks/useRpc';
import { useHoldScans } from '../navigation/scanGuard';
import { ErrorMessage } from './ErrorMessage';
import { StudentFieldsForm } from './StudentFieldsForm';
import { fieldProblemsFromError, type FieldProblems } from '../forms/studentFieldProblems';

interface Props {
  student: StudentCard;
  onSaved: (student: StudentCard, changed: string[]) => void;
  onCancel: () => void;
}

/** Roster data fixed on the spot (a misspelt name, a wrong 学号), always with a reason for the audit log. */
export function CorrectionForm({ student, onSaved, onCancel }: Props) {
  const { t } = useTranslation();
  const client = useRpc();
  const [before] = useState(() => fieldsOfCard(student));
  const [values, setValues] = useState(before);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [problems, setProblems] = useState<FieldProblems>({});
  useHoldScans();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const result = await client.call('students.correct', { taskCode: student.taskCode, studentId: student.id, changes: changedFields(before, values), reason });
      onSaved(result.student, result.changed);
    } catch (caught) {
      setProblems(fieldProblemsFromError(caught, values));
      setError(caught);
      setBusy(false);
    }
  };

  return (
    <form
      className="correction-form"
      onSubmit={(e) => void submit(e)}
      onKeyDown={(e) => {
        // Esc closes the form without leaving the card.
        if (e.key === 'Escape') {
          e.preventDefault();
          e.nativeEvent.stopImmediatePropagation();
          onCancel();
        }
      }}
      data-testid="correction-form"
    >
      <h2>{t('correction.title')}</h2>
      <StudentFieldsForm values={values} onChange={setValues} idPlaceholder={t('correction.idHint')} problems={problems} />
      <label className="student-field">
        <span>{t('correction.reason')}</span>
        <input value={reason} onChange={(e) => setReason(e.target.value)} maxLength={200} data-testid="correction-reason" />
      </label>
      {error !== null && <ErrorMessage error={error} testId="correction-error" />}
      <div className="action-row">
        <button type="submit" className="button button-primary" disabled={busy} data-testid="correction-submit">
          {busy ? t('correction.submitting') : t('correction.submit')}
        </button>
        <button type="button" className="button button-secondary" onClick={onCancel}>
          {t('correction.cancel')}
        </button>
      </div>
    </form>
  );
}
