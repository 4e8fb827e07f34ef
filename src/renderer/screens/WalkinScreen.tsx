import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { PENDING_NAME, WALKIN_REASONS } from '../../shared/checkin/studentEdits';
import type { TaskSummary } from '../../shared/domain/entities';
import { ErrorMessage } from '../components/ErrorMessage';
import { StudentFieldsForm } from '../components/StudentFieldsForm';
import { fieldProblemsFromError, studentFieldProblems, type FieldProblems } from '../forms/studentFieldProblems';
import { EMPTY_FIELDS, FIELD_ORDER, toStudentFields } from '../forms/studentFieldValues';
import { useRpc } from '../hooks/useRpc';
import { useWindowKeydown } from '../hooks/useWindowKeydown';
import { useHoldScans } from '../navigation/scanGuard';
import type { CheckinOutcome } from '../navigation/screens';

type Reason = (typeof WALKIN_REASONS)[number];

interface Props {
  task: TaskSummary;
  /** A 学信网 code nobody matched, attached so the server can say who this is. */
  pendingCode: string | null;
  onCancel: () => void;
  onCheckedIn: (studentId: string, studentName: string, outcome: CheckinOutcome) => void;
}

export function WalkinScreen({ task, pendingCode, onCancel, onCheckedIn }: Props) {
  const { t } = useTranslation();
  const client = useRpc();
  // A pending code may be registered before the student has given a name; the server resolves it.
  const [values, setValues] = useState({ ...EMPTY_FIELDS, name: pendingCode ? PENDING_NAME : '' });
  // One id per form: a retry after a dropped connection, or a double press, registers nobody twice.
  const [requestId] = useState(() => crypto.randomUUID());
  useHoldScans();
  const [reason, setReason] = useState<Reason>(pendingCode ? 'pending_identification' : 'no_reservation');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useWindowKeydown((event) => {
    if (event.key === 'Escape' && !busy) {
      event.preventDefault();
      onCancel();
    }
  });

  const [problems, setProblems] = useState<FieldProblems>({});

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    // Bad values are said at their fields before anything is sent.
    const found = studentFieldProblems(values);
    setProblems(found);
    const first = FIELD_ORDER.find((f) => found[f]);
    if (first) {
      setError(null);
      document.querySelector<HTMLElement>(`[data-testid="field-${first}"]`)?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const student = toStudentFields(values);
      const result = await client.call('checkin.walkin', {
        taskCode: task.code,
        requestId,
        student,
        reason,
        ...(note.trim() ? { note } : {}),
        ...(pendingCode ? { pendingCode } : {}),
      });
      onCheckedIn(result.studentId, student.name, { orderId: result.orderId, status: '已签到', alreadyCheckedIn: false });
    } catch (caught) {
      setProblems(fieldProblemsFromError(caught, values));
      setError(caught);
      setBusy(false);
    }
  };

  return (
    <main className="screen walkin-screen" data-testid="walkin-screen">
      <form onSubmit={(e) => void submit(e)}>
        <div className="screen-heading">
          <h1>{t('walkin.title')}</h1>
          <p className="muted">{t('walkin.audited')}</p>
        </div>
        {pendingCode && (
          <p className="message message-info" data-testid="walkin-pending-code">
            {t('walkin.pendingCode')}
          </p>
        )}
        <label className="student-field">
          <span>{t('walkin.reason')}</span>
          <select value={reason} onChange={(e) => setReason(e.target.value as Reason)} data-testid="walkin-reason">
            {WALKIN_REASONS.map((r) => (
              <option key={r} value={r}>
                {t(`walkin.reasons.${r}`)}
              </option>
            ))}
          </select>
        </label>
        <StudentFieldsForm values={values} onChange={setValues} problems={problems} />
        <label className="student-field">
          <span>{t('walkin.note')}</span>
          <input value={note} onChange={(e) => setNote(e.target.value)} maxLength={200} data-testid="walkin-note" />
        </label>
        {error !== null && <ErrorMessage error={error} testId="walkin-error" />}
        <div className="action-row">
          <button type="submit" className="button button-primary button-large" disabled={busy} data-testid="walkin-submit">
            {busy ? t('walkin.submitting') : t('walkin.submit')}
          </button>
          <button type="button" className="button button-secondary button-large" onClick={onCancel}>
            {t('walkin.cancel')}
          </button>
        </div>
      </form>
    </main>
  );
}
